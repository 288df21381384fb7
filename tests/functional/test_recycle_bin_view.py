"""`7`: the Recycle Bin view over the demo world: what is in the bin and when it leaves, and `u`
restoring through the one guarded path (DryRun, confirmation, results), refused in read-only."""

from __future__ import annotations

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.demo.backends import ec2_backend
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.screens.recycle_bin import RecycleBinScreen
from tests.functional.conftest import AppFactory, screen_text, settle, until

REGION = "us-east-1"


async def test_7_lists_the_bin_and_u_restores_a_snapshot(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    (snapshot_id,) = sorted(world.recycle_bin_snapshots)
    (image_id,) = sorted(world.recycle_bin_images)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await until(pilot, lambda: isinstance(app.screen, RecycleBinScreen))
        text = screen_text(pilot)
        assert snapshot_id in text and image_id in text
        assert "2 item(s) in the bin" in text
        assert "(5d)" in text and "(12d)" in text  # when each leaves for good
        screen = app.screen
        assert isinstance(screen, RecycleBinScreen)
        ids = [i.resource_id for i in screen.items()]
        await pilot.press(*["down"] * ids.index(snapshot_id), "space")
        demo_server.clear_requests()
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert f"snapshot {snapshot_id}" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsDialog))
        assert f"restored from the Recycle Bin: {snapshot_id}" in screen_text(pilot)
        sent = [r for r in demo_server.requests if r.action == "RestoreSnapshotFromRecycleBin"]
        assert [r.dry_run for r in sent] == [True, False]
        assert snapshot_id in ec2_backend(REGION).snapshots
        assert snapshot_id in app.account.inventory.snapshots
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RecycleBinScreen))
        await pilot.pause()
        text = screen_text(pilot)
        assert snapshot_id not in text and image_id in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RecycleBinScreen)


async def test_u_is_refused_in_read_only_mode(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await until(pilot, lambda: isinstance(app.screen, RecycleBinScreen))
        demo_server.clear_requests()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, RecycleBinScreen)
        assert "read-only mode: nothing is restored" in screen_text(pilot)
        assert not [r for r in demo_server.requests if "Restore" in r.action]
