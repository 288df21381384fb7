"""Pending states: API-created snapshots and images progress on a steppable clock."""

from __future__ import annotations

import time

from amiexplorer.demo import (
    ManualClock,
    Planted,
    disable_pending,
    enable_pending,
    freeze_clock,
    seed_world,
    set_clock,
)
from tests.demo.conftest import NOW, ClientFactory


def _snapshot(ec2: object, snapshot_id: str) -> dict[str, str]:
    snapshots = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]  # type: ignore[attr-defined]
    return {"State": snapshots[0]["State"], "Progress": snapshots[0]["Progress"]}


def _image_state(ec2: object, image_id: str) -> str:
    images = ec2.describe_images(ImageIds=[image_id])["Images"]  # type: ignore[attr-defined]
    return str(images[0]["State"])


def test_create_snapshot_goes_pending_then_completed(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending(snapshot_seconds=8)
    ec2 = client("ec2")
    volume = next(iter(seeded.unattached_volumes & seeded.volumes["us-east-1"]))
    created = ec2.create_snapshot(VolumeId=volume, Description="before cleanup")
    assert created["State"] == "pending"
    snapshot = created["SnapshotId"]
    assert _snapshot(ec2, snapshot) == {"State": "pending", "Progress": "0%"}
    clock.advance(2)
    assert _snapshot(ec2, snapshot) == {"State": "pending", "Progress": "25%"}
    pending = ec2.describe_snapshots(Filters=[{"Name": "status", "Values": ["pending"]}])
    assert snapshot in {s["SnapshotId"] for s in pending["Snapshots"]}
    clock.advance(4)
    assert _snapshot(ec2, snapshot) == {"State": "pending", "Progress": "75%"}
    clock.advance(2)
    assert _snapshot(ec2, snapshot) == {"State": "completed", "Progress": "100%"}
    completed = ec2.describe_snapshots(Filters=[{"Name": "status", "Values": ["completed"]}])
    assert snapshot in {s["SnapshotId"] for s in completed["Snapshots"]}


def test_seeded_resources_stay_completed(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending()
    ec2 = client("ec2")
    for snapshot in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]:
        if snapshot["SnapshotId"] not in seeded.pending_snapshots:
            assert (snapshot["State"], snapshot["Progress"]) == ("completed", "100%")
    states = {i["State"] for i in ec2.describe_images(Owners=["self"])["Images"]}
    assert states == {"available", "disabled"}


def test_create_image_goes_pending_then_available(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending(image_seconds=12)
    ec2 = client("ec2")
    instance = next(i for i in seeded.running_instances if seeded.region_of[i] == "us-east-1")
    image = ec2.create_image(InstanceId=instance, Name="hotfix-image")["ImageId"]
    assert _image_state(ec2, image) == "pending"
    pending = ec2.describe_images(Filters=[{"Name": "state", "Values": ["pending"]}])
    assert image in {i["ImageId"] for i in pending["Images"]}
    (described,) = ec2.describe_images(ImageIds=[image])["Images"]
    snapshots = [m["Ebs"]["SnapshotId"] for m in described["BlockDeviceMappings"]]
    # One snapshot per volume of the instance, each pending and pointing at its volume.
    attached = {v for v, i in seeded.volume_instance.items() if i == instance}
    assert len(snapshots) == len(attached)
    for snapshot_id in snapshots:
        (snapshot,) = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
        assert snapshot["State"] == "pending"
        assert snapshot["VolumeId"] in attached
        assert snapshot["Description"] == f"Created by CreateImage({instance}) for {image}"
    clock.advance(6)
    assert _image_state(ec2, image) == "pending"
    clock.advance(6)
    assert _image_state(ec2, image) == "available"
    assert all(_snapshot(ec2, s)["State"] == "completed" for s in snapshots)


def test_copies_take_copy_seconds(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending(snapshot_seconds=1, image_seconds=1, copy_seconds=20)
    west = client("ec2", "us-west-2")
    source_image = next(iter(seeded.unused_images & seeded.images["us-east-1"]))
    image = west.copy_image(SourceImageId=source_image, SourceRegion="us-east-1", Name="copy")
    source_snapshot = sorted(seeded.snapshots["us-east-1"] - seeded.pending_snapshots)[0]
    snapshot = west.copy_snapshot(SourceSnapshotId=source_snapshot, SourceRegion="us-east-1")
    clock.advance(10)
    assert _image_state(west, image["ImageId"]) == "pending"
    assert _snapshot(west, snapshot["SnapshotId"]) == {"State": "pending", "Progress": "50%"}
    clock.advance(10)
    assert _image_state(west, image["ImageId"]) == "available"
    (copied,) = west.describe_snapshots(SnapshotIds=[snapshot["SnapshotId"]])["Snapshots"]
    assert copied["State"] == "completed"
    assert copied["VolumeId"] == "vol-ffffffff"
    assert copied["Description"].startswith(f"[Copied {source_snapshot} from us-east-1]")
    (described,) = west.describe_images(ImageIds=[image["ImageId"]])["Images"]
    for mapping in described["BlockDeviceMappings"]:
        (copy_snapshot,) = west.describe_snapshots(SnapshotIds=[mapping["Ebs"]["SnapshotId"]])[
            "Snapshots"
        ]
        assert copy_snapshot["Description"].startswith(
            f"Copied for DestinationAmi {image['ImageId']} from SourceAmi {source_image} "
        )
    assert described["SourceImageId"] == source_image


def test_register_image_and_create_snapshots_go_pending(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending(snapshot_seconds=8, image_seconds=12)
    ec2 = client("ec2")
    image = ec2.register_image(Name="registered", RootDeviceName="/dev/xvda")["ImageId"]
    assert _image_state(ec2, image) == "pending"
    instance = next(i for i in seeded.running_instances if seeded.region_of[i] == "us-east-1")
    made = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance})["Snapshots"]
    assert made and all(s["State"] == "pending" for s in made)
    clock.advance(12)
    assert _image_state(ec2, image) == "available"
    assert all(_snapshot(ec2, s["SnapshotId"])["State"] == "completed" for s in made)


def test_disable_pending_completes_new_resources_at_once(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    enable_pending()
    disable_pending()
    ec2 = client("ec2")
    volume = next(iter(seeded.unattached_volumes & seeded.volumes["us-east-1"]))
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    assert _snapshot(ec2, snapshot) == {"State": "completed", "Progress": "100%"}


def test_planted_pending_resources_progress_and_finish(
    seeded: Planted, client: ClientFactory, clock: ManualClock
) -> None:
    (image,) = seeded.pending_images
    assert seeded.region_of[image] == "ap-southeast-2"
    sydney = client("ec2", "ap-southeast-2")
    assert _image_state(sydney, image) == "pending"
    progress = {
        s: _snapshot(client("ec2", seeded.region_of[s]), s)["Progress"]
        for s in seeded.pending_snapshots
    }
    assert sorted(progress.values()) == ["35%", "40%"]
    clock.advance(3600)
    assert _image_state(sydney, image) == "available"
    for snapshot in seeded.pending_snapshots:
        assert (
            _snapshot(client("ec2", seeded.region_of[snapshot]), snapshot)["State"] == "completed"
        )


def test_frozen_clock_keeps_progress_still(seeded: Planted, client: ClientFactory) -> None:
    # The screenshot recipe: seed on the real clock, then freeze it.
    set_clock(None)
    planted = seed_world(now=NOW)
    freeze_clock()
    ec2 = client("ec2")
    snapshot = next(s for s in planted.pending_snapshots if planted.region_of[s] == "us-east-1")
    assert _snapshot(ec2, snapshot) == {"State": "pending", "Progress": "40%"}
    time.sleep(0.01)
    assert _snapshot(ec2, snapshot) == {"State": "pending", "Progress": "40%"}


def test_seeding_without_pending(seeded: Planted, client: ClientFactory) -> None:
    planted = seed_world(now=NOW, pending=False)
    assert planted.pending_images == planted.pending_snapshots == frozenset()
    assert planted.images == seeded.images
    assert planted.snapshots == seeded.snapshots
