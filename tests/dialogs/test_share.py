"""`s`: who may use an image or snapshot; public with the typed word, `p` private again."""

from __future__ import annotations

from textual.widgets import Checkbox, Input

from amiexplorer.demo import PARTNER_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.dialogs.share import ShareDialog
from tests.dialogs.conftest import assert_dry_run_first, calls, confirm, ec2, goto
from tests.functional.conftest import AppFactory, screen_text, settle


async def test_share_an_image_public_then_private_and_an_encrypted_snapshot(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    snapshot_id = sorted(world.encrypted_snapshots - set(world.shared_snapshots))[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        image_id = sorted(
            i.id
            for i in app.account.inventory.images.values()
            if i.owned
            and i.state == "available"
            and i.id not in world.public_images | set(world.shared_images)
            and not any(m.encrypted for m in i.block_device_mappings)
        )[0]
        await goto(pilot, "4", image_id)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ShareDialog)
        assert f"{image_id}  private, not shared" in screen_text(pilot)
        await pilot.press(*"123", "ctrl+s")
        await pilot.pause()
        assert "'123' is not an AWS account id (exactly 12 digits)" in screen_text(pilot)
        assert calls(demo_server, "ModifyImageAttribute") == []
        dialog.query_one("#add_accounts", Input).value = PARTNER_ACCOUNT_ID
        await pilot.press("tab", "tab", "tab", "tab", "space", "ctrl+s")
        # Public: the confirmation wants the word.
        assert "1 done" in await confirm(pilot, *"public")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert f"public (everyone) · shared with {PARTNER_ACCOUNT_ID}" in screen_text(pilot)
        assert "p make private again" in screen_text(pilot)
        await pilot.press("tab", "tab", "tab", "tab", "p")
        assert "1 done" in await confirm(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # An encrypted snapshot: never public; and a sharing that cannot be read says why.
        snapshot_region = world.region_of[snapshot_id]
        demo_server.deny("DescribeSnapshotAttribute", snapshot_region)
        await goto(pilot, "3", snapshot_id)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ShareDialog)
        text = screen_text(pilot)
        assert "could not read" in text and "DescribeSnapshotAttribute" in text
        await pilot.press("tab", "tab", "space")
        await pilot.pause()
        assert "encrypted, AWS never makes it public" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "cannot be public: AWS never makes encrypted snapshots" in screen_text(pilot)
        assert calls(demo_server, "ModifySnapshotAttribute") == []
        await pilot.press("space")
        assert not dialog.query_one("#public", Checkbox).value
        dialog.query_one("#add_accounts", Input).value = PARTNER_ACCOUNT_ID
        await pilot.press("ctrl+s")
        assert "1 done" in await confirm(pilot)
    demo_server.clear_faults()  # the witness reads what the dialog could not
    region = world.region_of[image_id]
    sent = calls(demo_server, "ModifyImageAttribute")
    assert [r.dry_run for r in sent] == [True, False, True, False], "a DryRun before each"
    shared, private = sent[1], sent[3]
    assert shared.params["LaunchPermission.Add.1.Group"] == "all"
    assert private.params["LaunchPermission.Remove.1.Group"] == "all"
    reply = ec2(demo_server, region).describe_image_attribute(
        ImageId=image_id, Attribute="launchPermission"
    )
    assert reply["LaunchPermissions"] == [{"UserId": PARTNER_ACCOUNT_ID}]
    assert_dry_run_first(demo_server, "ModifySnapshotAttribute")
    reply = ec2(demo_server, snapshot_region).describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    assert reply["CreateVolumePermissions"] == [{"UserId": PARTNER_ACCOUNT_ID}]
