"""`y`: copy an image or a snapshot to other regions; one source at a time."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.copy import CopyDialog
from tests.dialogs.conftest import assert_dry_run_first, calls, confirm, ec2, goto
from tests.functional.conftest import AppFactory, screen_text, settle


async def test_copy_an_image_then_one_snapshot_not_several(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        images = app.account.inventory.images
        # An unencrypted one: the dialog then offers to encrypt the copy with a key.
        source = sorted(
            i
            for i in world.unused_images - world.pending_images - world.disabled_images
            if not any(m.encrypted for m in images[i].block_device_mappings)
        )[0]
        image = images[source]
        regions = app.account.region_names
        image_target = next(r for r in regions if r != image.region)
        await goto(pilot, "4", source)
        await pilot.press("y")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CopyDialog)
        assert "Disaster" in screen_text(pilot)
        targets = dialog.query_one(SelectionList)
        offered = [targets.get_option_at_index(i).value for i in range(targets.option_count)]
        assert offered == [r for r in regions if r != image.region]
        assert dialog.query_one("#name", Input).value == image.name
        # The first region, a new name, encryption with a malformed key.
        await pilot.press("space", "tab", "end", *"-dr", "tab", "tab", "space", "tab", "k")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'k' is not a KMS key: give a key id" in screen_text(pilot)
        assert dialog.query_one("#kms_key_id", Input).has_class("-invalid")
        assert calls(demo_server, "CopyImage") == []
        dialog.query_one("#kms_key_id", Input).value = world.kms_keys[image_target]
        await pilot.press("ctrl+s")
        assert "1 done" in await confirm(pilot)
        image_ids = app.screen.report.new_ids  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        # Several snapshots marked: one request takes one source, so the dialog refuses.
        await pilot.press("3", "slash", *"snap-", "enter", "a", "y")
        await pilot.pause()
        assert isinstance(app.screen, CopyDialog)
        assert "resources chosen. CopyImage and CopySnapshot copy one" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CopyDialog)
        await pilot.press("escape", "A")
        snapshot = next(
            s
            for s in sorted(app.account.inventory.snapshots.values(), key=lambda s: s.id)
            if s.state == "completed" and s.storage_tier != "archive" and not s.encrypted
        )
        snapshot_target = next(r for r in regions if r != snapshot.region)
        await goto(pilot, "3", snapshot.id)
        await pilot.press("y", "ctrl+s")
        await pilot.pause()
        assert "choose at least one region to copy to" in screen_text(pilot)
        assert calls(demo_server, "CopySnapshot") == []
        await pilot.press("space", "ctrl+s")
        assert "1 done" in await confirm(pilot)
        snapshot_ids = app.screen.report.new_ids  # type: ignore[attr-defined]
    (real,) = assert_dry_run_first(demo_server, "CopyImage")
    key = world.kms_keys[image_target]
    assert real.region == image_target and real.params["KmsKeyId"] == key
    (copy,) = ec2(demo_server, image_target).describe_images(ImageIds=image_ids)["Images"]
    assert copy["Name"] == f"{image.name}-dr" and copy["SourceImageId"] == source
    (real,) = assert_dry_run_first(demo_server, "CopySnapshot")
    assert (real.region, real.params["SourceSnapshotId"]) == (snapshot_target, snapshot.id)
    client = ec2(demo_server, snapshot_target)
    assert client.describe_snapshots(SnapshotIds=snapshot_ids)["Snapshots"]
