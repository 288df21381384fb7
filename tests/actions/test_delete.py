"""Deleting snapshots, deregistering images and deleting volumes, against the demo world."""

from __future__ import annotations

from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.demo import DemoServer, Planted, imaging
from amiexplorer.demo.backends import ec2_backend
from tests.actions.conftest import assert_preflight_first, calls, log_lines, plain_orphans_in

pytestmark = pytest.mark.regions("us-east-1")


async def _snapshot_ids(account: Account, region: str, ids: list[str]) -> set[str]:
    ec2 = await account.pool.get("ec2", region)
    reply = await ec2.describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": ids}])
    return {s["SnapshotId"] for s in reply["Snapshots"]}


async def _image_ids(account: Account, region: str, ids: list[str]) -> set[str]:
    ec2 = await account.pool.get("ec2", region)
    reply = await ec2.describe_images(Filters=[{"Name": "image-id", "Values": ids}])
    return {i["ImageId"] for i in reply["Images"]}


def _by_id(results: Any) -> dict[str, Any]:
    return {r.resource_ids[0]: r for r in results}


async def test_delete_snapshot_end_to_end(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    snapshot_id = plain_orphans_in(world, "us-east-1")[0]
    plan = runner.plan(DeleteSnapshotsRequest((snapshot_id,)))
    assert plan.executable and not plan.refused and plan.needs.count is None
    checked = await runner.preflight(plan)
    assert checked.ok
    report = await runner.execute(plan, Confirmation(), preflight=checked)
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    assert_preflight_first(demo_server, "DeleteSnapshot")
    assert len(calls(demo_server, "DeleteSnapshot", dry_run=True)) == 1  # reused, not repeated
    again = await runner.execute(plan, Confirmation(), preflight=checked)
    assert [r.outcome for r in again.results] == [Outcome.REFUSED]
    assert "already ran" in again.results[0].message
    assert len(calls(demo_server, "DeleteSnapshot")) == 2
    assert await _snapshot_ids(loaded, "us-east-1", [snapshot_id]) == set()
    assert snapshot_id not in loaded.inventory.snapshots
    dry, sent, done, _again = log_lines(action_log)
    assert dry["outcome"] == "dry-run-ok" and dry["dry_run"] is True
    assert sent["outcome"] == "sent" and sent["dry_run"] is False
    assert done["outcome"] == "done" and done["dry_run"] is False
    for line in (dry, sent, done):
        assert line["account"] == "123456789012"
        assert line["region"] == "us-east-1"
        assert line["action"] == "DeleteSnapshot"
        assert line["resource_ids"] == [snapshot_id]
        assert line["parameters"] == {"SnapshotId": snapshot_id}
        assert line["time"].endswith("+00:00")


async def test_deregister_deletes_its_snapshots_but_skips_one_another_image_uses(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    (shared, users), *_ = world.multi_image_snapshots.items()
    image_id = next(i for i in sorted(users) if i in world.unused_images)
    (other,) = set(users) - {image_id}
    # A second unused image whose snapshots nothing else uses: those are deleted.
    multi = set(world.multi_image_snapshots)
    second = next(
        i
        for i in sorted(world.unused_images - world.pending_images)
        if i != image_id and world.image_snapshots.get(i) and not world.image_snapshots[i] & multi
    )
    region = world.region_of[second]
    own = sorted(world.image_snapshots[second])
    plan = runner.plan(DeregisterImagesRequest((image_id, second)))
    assert plan.estimate is not None and plan.estimate.resources == 2 + len(own)
    assert plan.needs.count == 2 + len(own)
    (skipped,) = plan.skipped
    assert skipped.resource_ids == (shared,) and skipped.blocking_ids == (other,)
    report = await runner.execute(plan, Confirmation(count=plan.needs.count))
    results = _by_id(report.results)
    assert results[image_id].outcome is results[second].outcome is Outcome.DONE
    assert results[shared].outcome is Outcome.SKIPPED
    assert other in results[shared].message
    for snapshot_id in own:
        assert results[snapshot_id].outcome is Outcome.DONE, results[snapshot_id].message
    assert_preflight_first(demo_server, "DeregisterImage")
    assert_preflight_first(demo_server, "DeleteSnapshot")
    assert await _image_ids(loaded, "us-east-1", [image_id]) == set()
    assert await _image_ids(loaded, region, [second]) == set()
    assert await _snapshot_ids(loaded, "us-east-1", [shared]) == {shared}
    assert await _snapshot_ids(loaded, region, own) == set()
    logged = {
        (line["action"], line["resource_ids"][0], line["outcome"]) for line in log_lines(action_log)
    }
    assert {("DeregisterImage", image_id, "done"), ("DeregisterImage", second, "done")} <= logged
    assert ("DeleteSnapshot", shared, "skipped") in logged
    assert {("DeleteSnapshot", s, "done") for s in own} <= logged


async def test_an_image_named_by_a_launch_template_is_deregistered_with_its_id_typed(
    runner: ActionRunner, loaded: Account, world: Planted
) -> None:
    image_id = sorted(world.launch_template_only_images)[0]
    plan = runner.plan(DeregisterImagesRequest((image_id,), delete_snapshots=False))
    assert plan.needs.image_ids == (image_id,)
    report = await runner.execute(plan, Confirmation(image_ids=(image_id,)))
    assert [r.outcome for r in report.results] == [Outcome.DONE]
    assert await _image_ids(loaded, world.region_of[image_id], [image_id]) == set()


async def test_volumes_are_deleted_only_when_unattached(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    free = sorted(v for v in world.unattached_volumes if world.region_of[v] == "us-east-1")[0]
    attached, instance = sorted(world.volume_instance.items())[0]
    plan = runner.plan(DeleteVolumesRequest((free, attached)))
    (refused,) = plan.refused
    assert refused.blocking_ids == (instance,) and instance in refused.message
    assert plan.needs.count is None  # one volume is left to delete
    size = loaded.inventory.volumes[free].size_gib
    assert plan.estimate is not None and plan.estimate.gib == size
    report = await runner.execute(plan, Confirmation())
    results = _by_id(report.results)
    assert results[free].outcome is Outcome.DONE
    assert results[attached].outcome is Outcome.REFUSED
    assert_preflight_first(demo_server, "DeleteVolume")
    assert [r.params["VolumeId"] for r in calls(demo_server, "DeleteVolume")] == [free, free]
    ec2 = await loaded.pool.get("ec2", "us-east-1")
    reply = await ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [free, attached]}])
    assert {v["VolumeId"] for v in reply["Volumes"]} == {attached}
    outcomes = {(line["resource_ids"][0], line["outcome"]) for line in log_lines(action_log)}
    assert {(free, "done"), (free, "dry-run-ok"), (attached, "refused")} <= outcomes


@pytest.mark.regions("us-east-1", "eu-west-1")
async def test_a_failing_region_fails_its_items_and_the_others_are_deleted(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    demo_server.fail_action("DeleteSnapshot", "InternalError", 500, region="eu-west-1")
    east = plain_orphans_in(world, "us-east-1")[:2]
    west = plain_orphans_in(world, "eu-west-1")[0]
    report = await runner.run(DeleteSnapshotsRequest((*east, west)), Confirmation(count=3))
    results = _by_id(report.results)
    assert [results[s].outcome for s in east] == [Outcome.DONE, Outcome.DONE]
    assert results[west].outcome is Outcome.FAILED and results[west].code == "InternalError"
    assert await _snapshot_ids(loaded, "us-east-1", east) == set()
    assert await _snapshot_ids(loaded, "eu-west-1", [west]) == {west}
    final = {
        line["resource_ids"][0]: line["outcome"]
        for line in log_lines(action_log)
        if not line["dry_run"]
    }
    assert final == {east[0]: "done", east[1]: "done", west: "failed"}


async def test_a_snapshot_that_became_in_use_is_refused_alone(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    first, second, third = plain_orphans_in(world, "us-east-1")[:3]
    plan = runner.plan(DeleteSnapshotsRequest((first, second, third)))
    # Meanwhile, someone registers an image naming the second snapshot.
    image_id = sorted(world.images["us-east-1"])[0]
    image = ec2_backend("us-east-1").amis[image_id]
    mappings = imaging.block_device_mappings(image)
    extra = {"DeviceName": "/dev/sdz", "Ebs": {"SnapshotId": second, "VolumeSize": 8}}
    imaging.set_block_device_mappings(image, [*mappings, extra])
    report = await runner.execute(plan, Confirmation(count=3))
    results = _by_id(report.results)
    assert results[first].outcome is results[third].outcome is Outcome.DONE
    # The re-read before the first call saw the new user: refused, never sent.
    assert results[second].outcome is Outcome.REFUSED
    assert results[second].message.startswith("changed since it was loaded: ")
    assert image_id in results[second].message and results[second].blocking_ids == (image_id,)
    sent = [r.params["SnapshotId"] for r in calls(demo_server, "DeleteSnapshot", dry_run=False)]
    assert sorted(sent) == sorted([first, third])
    assert await _snapshot_ids(loaded, "us-east-1", [first, second, third]) == {second}
    assert second in loaded.inventory.snapshots and first not in loaded.inventory.snapshots
    final = {
        line["resource_ids"][0]: (line["outcome"], line.get("code"))
        for line in log_lines(action_log)
        if not line["dry_run"]
    }
    assert final == {
        first: ("done", None),
        second: ("refused", None),
        third: ("done", None),
    }
