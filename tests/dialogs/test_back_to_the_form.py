"""esc on a confirmation goes back to the form, everything still filled in (item 7).

The form stays open below its confirmation until the request is confirmed; a preflight
that refuses is shown in the form too, which stays open to be corrected.
"""

from __future__ import annotations

from textual.widgets import Input, Select

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.dialogs.share import ShareDialog
from tests.dialogs.conftest import calls, goto, wait_for_screen
from tests.functional.conftest import AppFactory, screen_text, settle, until


async def test_esc_on_the_confirmation_comes_back_to_the_filled_in_form(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        snapshot = next(
            s
            for s in sorted(app.account.inventory.snapshots.values(), key=lambda s: s.id)
            if s.state == "completed" and s.storage_tier == "standard" and not s.encrypted
        )
        await goto(pilot, "3", snapshot.id)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateVolumeDialog)
        form = app.screen
        form.query_one("#volume_type", Select).value = "io2"
        await pilot.pause()
        form.query_one("#size_gib", Input).value = "600"
        form.query_one("#iops", Input).value = "3000"
        form.query_one("#tags", Input).value = "Team=dr"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        assert form.query_one("#volume_type", Select).value == "io2"
        values = {i.id: i.value for i in form.query(Input)}
        assert (values["size_gib"], values["iops"], values["tags"]) == ("600", "3000", "Team=dr")
        assert "not confirmed, nothing was changed" in screen_text(pilot)
        assert [r.dry_run for r in calls(demo_server, "CreateVolume")] == [True]
        # The same form submits again: a new preflight, a new confirmation.
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        assert not isinstance(app.screen, CreateVolumeDialog), "confirmed: the form is gone"
        # The share form too: the account typed is still there.
        image_id = sorted(i for i in app.account.inventory.images if i in world.unused_images)[0]
        await pilot.press("escape")
        await goto(pilot, "4", image_id)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        share = app.screen
        share.query_one("#add_accounts", Input).value = "111122223333"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is share)
        assert share.query_one("#add_accounts", Input).value == "111122223333"
    sent = calls(demo_server, "CreateVolume")
    assert [r.dry_run for r in sent] == [True, True, False]
    assert (sent[-1].params["Size"], sent[-1].params["VolumeType"]) == ("600", "io2")
    assert [r.dry_run for r in calls(demo_server, "ModifyImageAttribute")] == [True]


async def test_a_refused_preflight_is_shown_in_the_form_which_stays_open(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume_id = sorted(world.volume_instance)[0]
    region = world.region_of[volume_id]
    demo_server.deny("CreateSnapshot", region)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "2", volume_id)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateSnapshotDialog)
        form = app.screen
        form.query_one("#tags", Input).value = "Keep=yes"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "you lack ec2:CreateSnapshot" in screen_text(pilot))
        assert app.screen is form and not form.checking
        assert f"✗ you lack ec2:CreateSnapshot in {region}" in screen_text(pilot)
        assert form.query_one("#tags", Input).value == "Keep=yes"
    assert [r.dry_run for r in calls(demo_server, "CreateSnapshot")] == [True]
