"""`q` while a change is in flight, or while rows are marked, asks first (item 8, the UI).

The change in flight is held at the test proxy (a slow answer): the call has reached AWS,
its answer has not come back.
"""

from __future__ import annotations

import asyncio

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.quit import QuitDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from tests.dialogs.conftest import dialog_text, ec2, goto, wait_for_screen
from tests.functional.conftest import AppFactory, explorer, settle, until
from tests.reliability.conftest import fault_proxy, proxy
from tests.reliability.proxy import FaultProxy

__all__ = ["fault_proxy", "proxy"]  # the proxy's fixtures, shared with the reliability tests

#: Long enough to press a few keys while the answer is held (the app quits before it comes).
HOLD_SECONDS = 10


async def test_q_with_rows_marked_asks_and_esc_keeps_them(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("3", "space", "j", "space")
        assert len(screen.table.marked) == 2
        await pilot.press("q")
        await wait_for_screen(pilot, QuitDialog)
        assert "2 row(s) are marked: quitting forgets the marks" in dialog_text(app.screen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert app.return_code is None and len(screen.table.marked) == 2
        # No marks, nothing in flight: q quits at once, as it always did.
        await pilot.press("A", "q")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_while_a_change_is_being_sent_asks_and_y_quits(
    make_app: AppFactory, world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    volume_id = sorted(world.unattached_volumes)[0]
    proxy.slow(HOLD_SECONDS, action="DeleteVolume", dry_run=False)
    app = await make_app(endpoint_url=proxy.endpoint_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await goto(pilot, "2", volume_id)
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")

        def held() -> bool:
            return any(r.action == "DeleteVolume" and not r.dry_run for r in proxy.requests)

        await until(pilot, held)
        await pilot.press("q")
        await wait_for_screen(pilot, QuitDialog)
        text = dialog_text(app.screen)
        assert "Delete volumes: the change is being sent to AWS" in text
        assert "leaves its outcome unknown" in text
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        assert app.return_code is None, "n stays"
        assert not isinstance(app.screen, ResultsDialog)
        await pilot.press("q")
        await wait_for_screen(pilot, QuitDialog)
        await pilot.press("y")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    # The held call still reaches AWS once its time is up: wait for it, or it would act
    # on the next test's world.
    client = ec2(demo_server, world.region_of[volume_id])
    wanted = [{"Name": "volume-id", "Values": [volume_id]}]
    for _ in range(int(HOLD_SECONDS * 3 / 0.1)):
        if not client.describe_volumes(Filters=wanted)["Volumes"]:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the held DeleteVolume never reached AWS")
