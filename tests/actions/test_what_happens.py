"""Issue 12 ("what the screen says is what happens") against the demo world, over HTTP.

Work in flight is refused (item 1); an image a running instance uses is refused (item 10);
what changed in AWS since the load is read again before any destructive call and refused
(item 11); an action log that cannot be written stops everything before the first call
(item 12); copies may go to every region enabled for the account (item 13).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.aws.watch import Watcher, WatchTarget
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    CopySnapshotRequest,
    CreateSnapshotRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted
from tests.actions.conftest import MUTATING_ACTIONS, calls, log_lines
from tests.conftest import demo_settings

pytestmark = pytest.mark.regions("us-east-1")
EAST = "us-east-1"


def _client(server: DemoServer, service: str, region: str = EAST) -> Any:
    """Another process's client: it changes AWS behind the app's back."""
    access_key, secret_key = DEMO_CREDENTIALS
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=server.endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
    )


def _real_calls(server: DemoServer) -> list[str]:
    return [r.action for r in server.requests if r.action in MUTATING_ACTIONS and not r.dry_run]


def _unused(world: Planted, account: Account) -> list[str]:
    """Unused images of us-east-1 that are neither pending nor public, in id order."""
    return sorted(
        i
        for i in world.unused_images - world.pending_images - world.public_images
        if world.region_of[i] == EAST and i in account.inventory.images
    )


def _by_id(results: Any) -> dict[str, Any]:
    return {r.resource_ids[0]: r for r in results}


# Item 1 -----------------------------------------------------------------------------------


@pytest.mark.regions("ap-southeast-2", "us-east-1")
async def test_a_pending_copy_and_its_snapshot_are_refused(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    (copy,) = sorted(i for i in world.pending_images if world.region_of[i] == "ap-southeast-2")
    plan = runner.plan(DeregisterImagesRequest((copy,)))
    assert not plan.steps and plan.needs.count is None
    (refused,) = plan.refused
    assert refused.message.startswith(f"image {copy} is pending: AWS is still creating it")
    pending = sorted(s for s in world.pending_snapshots if s in loaded.inventory.snapshots)
    plan = runner.plan(DeleteSnapshotsRequest(tuple(pending)))
    assert not plan.steps
    assert all("is pending (" in r.message for r in plan.refused)
    report = await runner.execute(plan, Confirmation(count=len(pending)))
    assert {r.outcome for r in report.results} == {Outcome.REFUSED}
    assert _real_calls(demo_server) == []


async def test_what_the_watcher_follows_is_refused(
    loaded: Account, world: Planted, action_log: ActionLog, demo_server: DemoServer
) -> None:
    orphan = sorted(s for s in world.orphan_snapshots_deleted_volume if world.region_of[s] == EAST)[
        0
    ]
    volume = sorted(v for v in world.unattached_volumes if world.region_of[v] == EAST)[0]
    watcher = Watcher(loaded.pool, loaded.identity.account_id, inventory=loaded.inventory)
    runner = ActionRunner.for_account(loaded, log=action_log, watcher=watcher)
    # A snapshot the Activity pane follows (say, one CreateSnapshot just made).
    watcher.track(
        WatchTarget(ResourceKind.SNAPSHOT, orphan, EAST),
        WatchTarget(ResourceKind.VOLUME, volume, EAST),
    )
    for request, resource_id in (
        (DeleteSnapshotsRequest((orphan,)), orphan),
        (DeleteVolumesRequest((volume,)), volume),
    ):
        plan = runner.plan(request)
        (refused,) = plan.refused
        assert refused.resource_ids == (resource_id,)
        assert "still being created (the Activity pane follows it)" in refused.message
    assert _real_calls(demo_server) == []


# Item 10 ----------------------------------------------------------------------------------


async def test_an_image_a_running_instance_uses_is_never_deregistered(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    image_id = next(
        i
        for i, instances in sorted(world.image_instances.items())
        if world.region_of.get(i) == EAST
        and i in world.images[EAST]
        and instances & world.running_instances
    )
    # Whatever was typed, even the count of a bulk deregistration.
    report = await runner.run(DeregisterImagesRequest((image_id,)), Confirmation(count=2))
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert "is in use by instance" in result.message and "(running)" in result.message
    assert set(result.blocking_ids) == world.image_instances[image_id]
    assert _real_calls(demo_server) == []
    ec2 = await loaded.pool.get("ec2", EAST)
    assert (await ec2.describe_images(ImageIds=[image_id]))["Images"]


# Item 11 ----------------------------------------------------------------------------------


async def test_an_instance_launched_elsewhere_after_the_load_stops_the_deregistration(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    launched_from, untouched = _unused(world, loaded)[:2]
    plan = runner.plan(DeregisterImagesRequest((launched_from, untouched)))
    assert not plan.refused and plan.needs.count is not None
    # Another process launches an instance from the "unused" image after the load.
    reservation = _client(demo_server, "ec2").run_instances(
        ImageId=launched_from, MinCount=1, MaxCount=1, InstanceType="t3.micro"
    )
    instance_id = reservation["Instances"][0]["InstanceId"]
    demo_server.clear_requests()
    report = await runner.execute(plan, Confirmation(count=plan.needs.count))
    results = _by_id(report.results)
    refused = results[launched_from]
    assert refused.outcome is Outcome.REFUSED
    assert refused.message.startswith(
        f"changed since it was loaded: image {launched_from} is in use by instance {instance_id}"
    )
    assert refused.blocking_ids == (instance_id,)
    # Its snapshots stay with it; the other image goes as planned.
    for snapshot_id in world.image_snapshots.get(launched_from, ()):
        assert results[snapshot_id].outcome is Outcome.REFUSED
        assert results[snapshot_id].message.startswith("changed since it was loaded: ")
    assert results[untouched].outcome is Outcome.DONE
    sent = calls(demo_server, "DeregisterImage", dry_run=False)
    assert [r.params["ImageId"] for r in sent] == [untouched]
    ec2 = await loaded.pool.get("ec2", EAST)
    assert (await ec2.describe_images(ImageIds=[launched_from]))["Images"]
    # The re-read was a few calls for the region, before any real call; the inventory has it.
    reads = [r.action for r in demo_server.requests if r.action.startswith("Describe")]
    assert reads.count("DescribeInstances") == 1 and reads.count("DescribeSnapshots") == 1
    first_real = next(
        i
        for i, r in enumerate(demo_server.requests)
        if r.action == "DeregisterImage" and not r.dry_run
    )
    assert "DescribeInstances" in [r.action for r in demo_server.requests[:first_real]]
    assert instance_id in loaded.inventory.instances
    logged = {(line["resource_ids"][0], line["outcome"]) for line in log_lines(action_log)}
    assert (launched_from, "refused") in logged and (untouched, "done") in logged


async def test_an_ssm_parameter_set_after_the_load_stops_the_deregistration(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    image_id = _unused(world, loaded)[0]
    plan = runner.plan(DeregisterImagesRequest((image_id,), delete_snapshots=False))
    assert plan.steps
    _client(demo_server, "ssm").put_parameter(
        Name="/golden/late", Value=image_id, Type="String", DataType="aws:ec2:image"
    )
    report = await runner.execute(plan, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert result.message == (
        f"changed since it was loaded: image {image_id} is in use by SSM parameter /golden/late: "
        "point them at another image first"
    )
    assert calls(demo_server, "DeregisterImage", dry_run=False) == []


async def test_what_was_removed_or_attached_elsewhere_is_refused(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    orphans = sorted(s for s in world.orphan_snapshots_deleted_volume if world.region_of[s] == EAST)
    gone, kept = orphans[:2]
    volume_id = sorted(v for v in world.unattached_volumes if world.region_of[v] == EAST)[0]
    volume = loaded.inventory.volumes[volume_id]
    instance_id = next(
        i.id
        for i in sorted(loaded.inventory.instances.values(), key=lambda i: i.id)
        if i.state == "running" and i.availability_zone == volume.availability_zone
    )
    snapshots = runner.plan(DeleteSnapshotsRequest((gone, kept)))
    volumes = runner.plan(DeleteVolumesRequest((volume_id,)))
    other = _client(demo_server, "ec2")
    other.delete_snapshot(SnapshotId=gone)
    other.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdq")
    demo_server.clear_requests()
    report = await runner.execute(snapshots, Confirmation(count=2))
    results = _by_id(report.results)
    assert results[gone].outcome is Outcome.REFUSED
    assert results[gone].message == (
        f"changed since it was loaded: {gone} no longer exists (removed elsewhere meanwhile)"
    )
    assert results[kept].outcome is Outcome.DONE
    report = await runner.execute(volumes, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert result.message.startswith("changed since it was loaded: ")
    assert instance_id in result.message and result.blocking_ids == (instance_id,)
    sent = [r.params.get("SnapshotId") or r.params.get("VolumeId") for r in demo_server.requests
            if r.action in ("DeleteSnapshot", "DeleteVolume") and not r.dry_run]  # fmt: skip
    assert sent == [kept]


async def test_a_region_that_cannot_be_read_again_sends_nothing(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    orphan = sorted(s for s in world.orphan_snapshots_deleted_volume if world.region_of[s] == EAST)[
        0
    ]
    plan = runner.plan(DeleteSnapshotsRequest((orphan,)))
    demo_server.fail_action("DescribeSnapshots", "InternalError", 500, region=EAST)
    report = await runner.execute(plan, Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert result.message.startswith(
        "not attempted: what it touches could not be read again first: "
    )
    assert "DescribeSnapshots" in result.message
    assert calls(demo_server, "DeleteSnapshot", dry_run=False) == []


# Item 12 ----------------------------------------------------------------------------------


async def test_an_action_log_that_cannot_be_written_stops_everything_before_any_call(
    loaded: Account, world: Planted, demo_server: DemoServer, tmp_path: Path
) -> None:
    # A real path that cannot be a directory: what XDG_STATE_HOME=/dev/null/x gives.
    log = ActionLog(Path("/dev/null/x/amiexplorer/actions.jsonl"))
    runner = ActionRunner.for_account(loaded, log=log)
    orphan = sorted(s for s in world.orphan_snapshots_deleted_volume if world.region_of[s] == EAST)[
        0
    ]
    plan = runner.plan(DeleteSnapshotsRequest((orphan,)))
    checked = await runner.preflight(plan)
    assert not checked.ok and checked.refused is not None
    assert checked.message == (
        "the action log /dev/null/x/amiexplorer/actions.jsonl cannot be written: Not a "
        "directory (/dev/null/x/amiexplorer). Nothing was sent to AWS (every change is logged "
        "before it is sent): make its directory writable, or set XDG_STATE_HOME to a writable "
        "directory, and try again"
    )
    report = await runner.execute(plan, Confirmation(), preflight=checked)
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED and result.message == checked.message
    # Not even a DryRun went out.
    assert [r for r in demo_server.requests if r.action in MUTATING_ACTIONS] == []
    # A log whose directory is a file says the same, naming its own path.
    blocker = tmp_path / "state"
    blocker.write_text("not a directory")
    runner = ActionRunner.for_account(loaded, log=ActionLog(blocker / "amiexplorer" / "log"))
    volume = sorted(v for v in world.unattached_volumes if world.region_of[v] == EAST)[0]
    report = await runner.run(CreateSnapshotRequest(volume), Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert result.message.startswith(f"the action log {blocker}/amiexplorer/log cannot be written")
    assert [r for r in demo_server.requests if r.action in MUTATING_ACTIONS] == []


# Item 13 ----------------------------------------------------------------------------------


async def test_copies_may_go_to_every_region_enabled_for_the_account(
    world: Planted, demo_server: DemoServer, action_log: ActionLog
) -> None:
    connection = await connect(AwsSession(demo_settings(demo_server, regions=("eu-west-1",))))
    account = Account(connection)
    try:
        async for _event in account.load():
            pass
        assert account.enabled_region_names == ("eu-west-1",)  # not asked yet: what is loaded
        demo_server.clear_requests()
        enabled = await account.read_enabled_regions()
        again = await account.read_enabled_regions()
        asked = [r for r in demo_server.requests if r.action == "DescribeRegions"]
        assert len(asked) == 1 and again == enabled == account.enabled_region_names
        listed = _client(demo_server, "ec2").describe_regions()["Regions"]
        assert set(enabled) == {r["RegionName"] for r in listed}
        assert {"eu-central-1", "us-east-1", "eu-west-1"} <= set(enabled)
        runner = ActionRunner.for_account(account, log=action_log)
        assert set(enabled) <= set(runner.regions)
        snapshot_id = sorted(
            s for s in world.snapshots.get("eu-west-1", ()) if s in account.inventory.snapshots
        )[0]
        plan = runner.plan(CopySnapshotRequest(snapshot_id, ("eu-central-1",)))
        assert not plan.problems and [s.region for s in plan.steps] == ["eu-central-1"]
    finally:
        await account.close()


async def test_enabled_regions_cost_no_call_when_every_enabled_region_is_loaded(
    world: Planted, demo_server: DemoServer
) -> None:
    connection = await connect(AwsSession(demo_settings(demo_server, regions=())))
    account = Account(connection)
    try:
        demo_server.clear_requests()
        assert await account.read_enabled_regions() == tuple(account.region_names)
        assert not [r for r in demo_server.requests if r.action == "DescribeRegions"]
    finally:
        await account.close()
