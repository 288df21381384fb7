"""`c`: image (or snapshots) of an instance, snapshot of a volume, volume from a snapshot."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Select

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.create_image import CreateImageDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from tests.dialogs.conftest import assert_dry_run_first, calls, confirm, ec2, goto
from tests.functional.conftest import AppFactory, screen_text, settle


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or []}


def _instance_with_volumes(world: Planted) -> tuple[str, set[str]]:
    """A running instance with two or more volumes."""
    by_instance: dict[str, set[str]] = {}
    for volume, instance in world.volume_instance.items():
        by_instance.setdefault(instance, set()).add(volume)
    instance = sorted(i for i in world.running_instances if len(by_instance.get(i, ())) >= 2)[0]
    return instance, by_instance[instance]


async def test_create_image_then_snapshots_of_every_volume(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    instance, volumes = _instance_with_volumes(world)
    region = world.region_of[instance]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "1", instance)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateImageDialog)
        await pilot.press("a", "!")
        await pilot.pause()
        assert "✗ must be 3-128 characters long, not 2" in screen_text(pilot), "a live hint"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(pilot)
        assert isinstance(app.screen, CreateImageDialog), "invalid input never leaves"
        assert "cannot contain '!'; allowed: letters, digits" in text
        assert app.screen.query_one("#name", Input).has_class("-invalid")
        assert calls(demo_server, "CreateImage") == []
        # A valid name; no reboot (said plainly); tags.
        await pilot.press("backspace", "b", "c")
        await pilot.press("tab", "tab", "space", "tab", *"T=1")
        await pilot.pause()
        text = screen_text(pilot)
        assert "✓ name is free" in text and "file systems may be inconsistent" in text
        await pilot.press("ctrl+s")
        assert "1 done" in await confirm(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # The same dialog, second choice: CreateSnapshots of every volume.
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("shift+tab", "space")
        await pilot.pause()
        assert not app.screen.query_one("#name", Input).display
        await pilot.press(*"dr")
        await pilot.press("ctrl+s")
        assert "1 done" in await confirm(pilot)
    (real,) = assert_dry_run_first(demo_server, "CreateImage")
    assert real.params["NoReboot"] == "true"
    client = ec2(demo_server, region)
    (image,) = client.describe_images(Filters=[{"Name": "name", "Values": ["abc"]}])["Images"]
    assert _tags(image) == {"T": "1"}
    assert_dry_run_first(demo_server, "CreateSnapshots")
    made = client.describe_snapshots(Filters=[{"Name": "description", "Values": ["dr"]}])
    assert {s["VolumeId"] for s in made["Snapshots"]} == volumes


async def test_snapshot_a_volume_then_restore_a_snapshot(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume = sorted(world.volume_instance)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "2", volume)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateSnapshotDialog)
        description = app.screen.query_one("#description", Input).value
        assert description.startswith(f"snapshot of {volume}")
        assert "crash-consistent" in screen_text(pilot)
        await pilot.press("tab", "x", "ctrl+s")
        await pilot.pause()
        assert "write tags as Key=Value, separated by commas" in screen_text(pilot)
        assert calls(demo_server, "CreateSnapshot") == []
        await pilot.press("=", "1", "ctrl+s")
        assert "1 done" in await confirm(pilot)
        snapshot_ids = app.screen.report.new_ids  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        snapshots = app.account.inventory.snapshots
        usable = sorted(
            s.id
            for s in snapshots.values()
            if s.state == "completed" and s.storage_tier != "archive"
        )
        encrypted = sorted(world.encrypted_snapshots & set(usable))[0]
        plain = next(s for s in usable if not snapshots[s].encrypted)
        size = snapshots[plain].volume_size_gib
        region = world.region_of[plain]
        # An encrypted snapshot: encryption is forced on, and said so.
        await goto(pilot, "3", encrypted)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateVolumeDialog)
        box = app.screen.query_one("#encrypted", Checkbox)
        assert box.value and box.disabled
        assert "so is every volume restored from it" in screen_text(pilot)
        await pilot.press("escape")
        await goto(pilot, "3", plain)
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CreateVolumeDialog)
        assert dialog.query_one("#size_gib", Input).value == str(size)
        # Smaller than the snapshot: refused inline.
        await pilot.press(*["backspace"] * len(str(size)), "1", "ctrl+s")
        await pilot.pause()
        assert f"must be at least the snapshot's {size} GiB" in screen_text(pilot)
        assert calls(demo_server, "CreateVolume") == []
        # io2 takes IOPS, not throughput.
        dialog.query_one("#availability_zone", Select).value = f"{region}b"
        dialog.query_one("#volume_type", Select).value = "io2"
        await pilot.pause()
        assert dialog.query_one("#iops", Input).display
        assert not dialog.query_one("#throughput", Input).display
        await pilot.press("backspace", *str(size + 1), "tab", *"200", "ctrl+s")
        assert "1 done" in await confirm(pilot)
        volume_ids = app.screen.report.new_ids  # type: ignore[attr-defined]
    assert_dry_run_first(demo_server, "CreateSnapshot")
    client = ec2(demo_server, world.region_of[volume])
    (snapshot,) = client.describe_snapshots(SnapshotIds=snapshot_ids)["Snapshots"]
    assert (snapshot["VolumeId"], snapshot["Description"]) == (volume, description)
    assert _tags(snapshot) == {"x": "1"}
    assert_dry_run_first(demo_server, "CreateVolume")
    (restored,) = ec2(demo_server, region).describe_volumes(VolumeIds=volume_ids)["Volumes"]
    assert restored["SnapshotId"] == plain and restored["AvailabilityZone"] == f"{region}b"
    assert (restored["Size"], restored["VolumeType"], restored["Iops"]) == (size + 1, "io2", 200)
