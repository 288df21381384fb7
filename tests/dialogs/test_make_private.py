"""`p` says exactly what it removes, and offers to remove the account shares too (item 4).

`p` removes public access (the group `all`) and nothing else. On an image shared only with
accounts it used to say "already private" and leave the shares in place without a word; now
the confirmation says what stays, and a tick box removes every share (Reset*Attribute).
"""

from __future__ import annotations

from textual.widgets import Checkbox

from amiexplorer.demo import PARTNER_ACCOUNT_ID, STAGING_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from tests.dialogs.conftest import calls, dialog_text, ec2, goto, wait_for_screen
from tests.functional.conftest import AppFactory, screen_text, settle, until


async def test_p_on_an_image_shared_with_accounts_says_they_stay_and_can_remove_them(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    image_id = max(
        sorted(set(world.shared_images) - world.public_images),
        key=lambda i: len(world.shared_images[i]),
    )
    region = world.region_of[image_id]
    shared = sorted(world.shared_images[image_id])
    assert shared == sorted({STAGING_ACCOUNT_ID, PARTNER_ACCOUNT_ID})
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "4", image_id)
        await pilot.press("p")
        await wait_for_screen(pilot, ConfirmDialog)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        text = dialog_text(dialog)
        keeps = f"keeps: account {shared[0]}; account {shared[1]}"
        assert f"{image_id} not public: nothing to remove; {keeps}" in text
        stay = f"(its shares with {', '.join(shared)} stay)"
        assert f"is not public: nothing to remove {stay}" in text
        box = dialog.query_one("#toggle", Checkbox)
        assert not box.value, "p removes public access only, unless asked for more"
        assert "also remove every share with accounts, organizations and OUs" in text
        box.value = True
        await until(pilot, lambda: dialog.plan.request.everyone)  # type: ignore[attr-defined]
        text = dialog_text(dialog)
        assert f"removes every permission: account {shared[0]}; account {shared[1]}" in text
        assert "ResetImageAttribute" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        assert "1 done" in screen_text(pilot)
    assert [r.dry_run for r in calls(demo_server, "ResetImageAttribute")] == [True, False]
    assert calls(demo_server, "ModifyImageAttribute") == []
    reply = ec2(demo_server, region).describe_image_attribute(
        ImageId=image_id, Attribute="launchPermission"
    )
    assert reply["LaunchPermissions"] == []


async def test_p_on_a_public_image_also_shared_keeps_the_share_and_says_so(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    (image_id,) = world.public_images
    region = world.region_of[image_id]
    client = ec2(demo_server, region)
    client.modify_image_attribute(
        ImageId=image_id, LaunchPermission={"Add": [{"UserId": PARTNER_ACCOUNT_ID}]}
    )
    demo_server.clear_requests()
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "4", image_id)
        await pilot.press("p")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert f"removes public access (everyone); keeps: account {PARTNER_ACCOUNT_ID}" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
    (sent,) = [r for r in calls(demo_server, "ModifyImageAttribute") if not r.dry_run]
    assert sent.params["LaunchPermission.Remove.1.Group"] == "all"
    reply = client.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert reply["LaunchPermissions"] == [{"UserId": PARTNER_ACCOUNT_ID}]
