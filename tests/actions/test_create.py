"""Creating images, snapshots and volumes, and copying to other regions, watched to the end."""

from __future__ import annotations

from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.watch import ResourceFinished, WatchEvent
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateSnapshotsRequest,
    CreateVolumeRequest,
)
from amiexplorer.demo import DemoServer, ManualClock, Planted
from tests.actions.conftest import (
    assert_logged,
    assert_preflight_first,
    calls,
    follow,
    log_lines,
    stepping_watcher,
)

pytestmark = pytest.mark.regions("us-east-1")


def _finished(events: list[WatchEvent]) -> dict[str, ResourceFinished]:
    return {e.resource.id: e for e in events if isinstance(e, ResourceFinished)}


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or []}


def _instance_with_volumes(world: Planted, region: str = "us-east-1") -> tuple[str, set[str]]:
    by_instance: dict[str, set[str]] = {}
    for volume, instance in world.volume_instance.items():
        by_instance.setdefault(instance, set()).add(volume)
    instance = sorted(
        i
        for i in world.running_instances
        if world.region_of[i] == region and len(by_instance.get(i, ())) >= 2
    )[0]
    return instance, by_instance[instance]


async def test_create_image_end_to_end(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    clock: ManualClock,
    action_log: ActionLog,
) -> None:
    instance, volumes = _instance_with_volumes(world)
    request = CreateImageRequest(
        instance,
        "web golden (2026.11) [rc-1]",
        description="before the upgrade",
        tags=(("Team", "web"),),
    )
    plan = runner.plan(request)
    assert plan.executable and plan.warnings  # the instance reboots
    report = await runner.execute(plan, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    (image_id,) = result.new_ids
    assert report.created[0].kind is ResourceKind.IMAGE
    assert_preflight_first(demo_server, "CreateImage")
    ec2 = await loaded.pool.get("ec2", "us-east-1")
    (image,) = (await ec2.describe_images(ImageIds=[image_id]))["Images"]
    assert image["State"] == "pending" and image["Name"] == request.name
    assert _tags(image) == {"Team": "web"}
    watcher, slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    events = await follow(watcher)
    finished = _finished(events)
    assert finished[image_id].succeeded and finished[image_id].resource.state == "available"
    snapshots = [m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"]]
    assert len(snapshots) == len(volumes)
    assert all(finished[s].succeeded for s in snapshots)  # followed along with the image
    assert sum(slept) >= 12
    assert loaded.inventory.images[image_id].state == "available"
    dry, sent, done = log_lines(action_log)
    assert (dry["outcome"], sent["outcome"], done["outcome"]) == ("dry-run-ok", "sent", "done")
    assert sent["parameters"] == done["parameters"] and not sent["dry_run"]
    assert done["new_ids"] == [image_id] and done["resource_ids"] == [instance]
    assert done["parameters"]["Name"] == request.name
    assert done["parameters"]["NoReboot"] is False


async def test_create_image_tags_the_snapshots_it_makes(
    runner: ActionRunner, loaded: Account, world: Planted, action_log: ActionLog
) -> None:
    instance, volumes = _instance_with_volumes(world)
    request = CreateImageRequest(
        instance, "tagged-image", tags=(("Team", "web"),), snapshot_tags=(("Backup", "yes"),)
    )
    report = await runner.run(request, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    (image_id,) = result.new_ids
    ec2 = await loaded.pool.get("ec2", "us-east-1")
    (image,) = (await ec2.describe_images(ImageIds=[image_id]))["Images"]
    assert _tags(image) == {"Team": "web"}
    snapshot_ids = [m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if "Ebs" in m]
    assert len(snapshot_ids) == len(volumes)
    snapshots = (await ec2.describe_snapshots(SnapshotIds=snapshot_ids))["Snapshots"]
    assert [_tags(s) for s in snapshots] == [{"Backup": "yes"}] * len(volumes)
    line = assert_logged(action_log, "CreateImage", instance)
    resource_types = [spec["ResourceType"] for spec in line["parameters"]["TagSpecifications"]]
    assert resource_types == ["image", "snapshot"]


async def test_create_snapshot_and_snapshots_of_an_instance(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    clock: ManualClock,
    action_log: ActionLog,
) -> None:
    volume = sorted(v for v in world.unattached_volumes if world.region_of[v] == "us-east-1")[0]
    single = await runner.run(
        CreateSnapshotRequest(volume, "before cleanup", (("Ticket", "OPS-1"),)), Confirmation()
    )
    instance, volumes = _instance_with_volumes(world)
    multi = await runner.run(
        CreateSnapshotsRequest(instance, "crash-consistent", (("Ticket", "OPS-2"),)),
        Confirmation(),
    )
    assert [r.outcome for r in (*single.results, *multi.results)] == [Outcome.DONE] * 2
    assert len(multi.new_ids) == len(volumes)
    assert_preflight_first(demo_server, "CreateSnapshot")
    assert_preflight_first(demo_server, "CreateSnapshots")
    region = world.region_of[volume]
    ec2 = await loaded.pool.get("ec2", region)
    (snapshot,) = (await ec2.describe_snapshots(SnapshotIds=single.new_ids))["Snapshots"]
    assert (snapshot["State"], snapshot["VolumeId"]) == ("pending", volume)
    assert _tags(snapshot) == {"Ticket": "OPS-1"}
    ec2 = await loaded.pool.get("ec2", "us-east-1")
    made = (await ec2.describe_snapshots(SnapshotIds=multi.new_ids))["Snapshots"]
    assert {s["VolumeId"] for s in made} == volumes
    assert all(_tags(s) == {"Ticket": "OPS-2"} for s in made)
    watcher, _slept = stepping_watcher(loaded, clock)
    watcher.track(*single.created, *multi.created)
    finished = _finished(await follow(watcher))
    assert set(finished) == {*single.new_ids, *multi.new_ids}
    assert all(f.succeeded and f.resource.state == "completed" for f in finished.values())
    assert_logged(action_log, "CreateSnapshot", volume, "dry-run-ok")
    line = assert_logged(action_log, "CreateSnapshot", volume)
    assert line["new_ids"] == list(single.new_ids)
    assert line["parameters"]["Description"] == "before cleanup"
    line = assert_logged(action_log, "CreateSnapshots", instance)
    assert sorted(line["new_ids"]) == sorted(multi.new_ids)
    assert line["parameters"]["InstanceSpecification"] == {"InstanceId": instance}


async def test_restore_a_snapshot_into_an_encrypted_volume(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    clock: ManualClock,
    action_log: ActionLog,
) -> None:
    snapshot = next(
        s
        for s in sorted(loaded.inventory.snapshots.values(), key=lambda s: s.id)
        if s.region == "us-east-1" and s.state == "completed" and s.storage_tier == "standard"
    )
    key = world.kms_keys["us-east-1"]
    request = CreateVolumeRequest(
        snapshot.id,
        "us-east-1b",
        volume_type="gp3",
        size_gib=snapshot.volume_size_gib + 2,
        iops=4000,
        throughput=250,
        encrypted=True,
        kms_key_id=key,
        tags=(("Name", "restored"),),
    )
    report = await runner.run(request, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    (volume_id,) = result.new_ids
    assert_preflight_first(demo_server, "CreateVolume")
    ec2 = await loaded.pool.get("ec2", "us-east-1")
    (volume,) = (await ec2.describe_volumes(VolumeIds=[volume_id]))["Volumes"]
    assert volume["SnapshotId"] == snapshot.id and volume["AvailabilityZone"] == "us-east-1b"
    assert (volume["Size"], volume["VolumeType"]) == (snapshot.volume_size_gib + 2, "gp3")
    assert (volume["Iops"], volume["Throughput"]) == (4000, 250)
    assert volume["Encrypted"] and volume["KmsKeyId"] == key
    assert _tags(volume) == {"Name": "restored"}
    watcher, _slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    finished = _finished(await follow(watcher))
    assert finished[volume_id].succeeded
    assert loaded.inventory.volumes[volume_id].state == "available"
    line = assert_logged(action_log, "CreateVolume", snapshot.id)
    assert line["parameters"]["KmsKeyId"] == key and line["new_ids"] == [volume_id]


async def test_copy_an_image_to_two_regions(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    clock: ManualClock,
    action_log: ActionLog,
) -> None:
    source = sorted(world.unused_images - world.pending_images)[0]
    targets = ("us-west-2", "eu-west-1")
    request = CopyImageRequest(
        source,
        targets,
        name="copied-image",
        description="disaster recovery copy",
        encrypted=True,
        kms_key_id="alias/acme-ebs",
        kms_key_ids={"eu-west-1": world.kms_keys["eu-west-1"]},
        copy_tags=True,
    )
    report = await runner.run(request, Confirmation())
    assert [r.outcome for r in report.results] == [Outcome.DONE, Outcome.DONE]
    assert [r.region for r in report.results] == list(targets)
    dry = calls(demo_server, "CopyImage", dry_run=True)
    assert sorted(r.region for r in dry) == sorted(targets)
    assert_preflight_first(demo_server, "CopyImage")
    real = {r.region: r.params for r in calls(demo_server, "CopyImage", dry_run=False)}
    assert real["us-west-2"]["KmsKeyId"] == "alias/acme-ebs"
    assert real["eu-west-1"]["KmsKeyId"] == world.kms_keys["eu-west-1"]
    assert real["eu-west-1"]["SourceRegion"] == "us-east-1"
    assert real["eu-west-1"]["CopyImageTags"] == "true"
    for result in report.results:
        ec2 = await loaded.pool.get("ec2", result.region)
        (image,) = (await ec2.describe_images(ImageIds=list(result.new_ids)))["Images"]
        assert (image["State"], image["Name"]) == ("pending", "copied-image")
        assert image["SourceImageId"] == source
    watcher, slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    finished = _finished(await follow(watcher))
    for result in report.results:
        (image_id,) = result.new_ids
        assert finished[image_id].succeeded and finished[image_id].resource.region == result.region
    assert sum(slept) >= 20  # copies take 20 s of the demo clock
    done = [line for line in log_lines(action_log) if line["outcome"] == "done"]
    assert sorted(line["region"] for line in done) == sorted(targets)
    assert sorted(line["new_ids"][0] for line in done) == sorted(report.new_ids)
    line = assert_logged(action_log, "CopyImage", source)
    assert line["parameters"]["SourceRegion"] == "us-east-1"
    # CopyImageTags: each copy carries the source image's tags.
    source_tags = dict(loaded.inventory.images[source].tags)
    assert source_tags
    for result in report.results:
        ec2 = await loaded.pool.get("ec2", result.region)
        (image,) = (await ec2.describe_images(ImageIds=list(result.new_ids)))["Images"]
        assert _tags(image) == source_tags


async def test_copy_a_snapshot_with_its_tags(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    clock: ManualClock,
    action_log: ActionLog,
) -> None:
    source = next(
        s
        for s in sorted(loaded.inventory.snapshots.values(), key=lambda s: s.id)
        if s.region == "us-east-1" and s.state == "completed" and s.storage_tier == "standard"
        and s.tags and not s.encrypted
    )  # fmt: skip
    request = CopySnapshotRequest(source.id, ("eu-west-1",), copy_tags=True, tags=(("Copy", "dr"),))
    report = await runner.run(request, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    assert_preflight_first(demo_server, "CopySnapshot")
    ec2 = await loaded.pool.get("ec2", "eu-west-1")
    (copy,) = (await ec2.describe_snapshots(SnapshotIds=list(result.new_ids)))["Snapshots"]
    assert copy["State"] == "pending"
    assert copy["Description"].startswith(f"[Copied {source.id} from us-east-1]")
    assert _tags(copy) == {**dict(source.tags), "Copy": "dr"}
    watcher, _slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    (event,) = [e for e in await follow(watcher) if isinstance(e, ResourceFinished)]
    assert event.succeeded and event.resource.region == "eu-west-1"
    assert loaded.inventory.snapshots[event.resource.id].state == "completed"
    line = assert_logged(action_log, "CopySnapshot", source.id)
    assert line["region"] == "eu-west-1" and line["new_ids"] == [event.resource.id]
    assert {"Key": "Copy", "Value": "dr"} in line["parameters"]["TagSpecifications"][0]["Tags"]
