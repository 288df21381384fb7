"""Issue 14's guards and changes against the demo's AWS: locks, fast snapshot restore, protected
images and the Recycle Bin, through the runner as the app uses it (DryRun, re-read, execute).

AWS is the witness: what it keeps is still there after every attempt, and nothing it keeps
was even asked for once the runner knew.
"""

from __future__ import annotations

from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
    DeleteSnapshotsRequest,
    DeregisterImagesRequest,
    ImageChange,
    SnapshotChange,
)
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.demo.backends import ec2_backend
from tests.actions.conftest import calls, plain_orphans_in
from tests.conftest import demo_settings, ec2_witness

REGION = "us-east-1"
READS = ("Describe", "Get", "List")
pytestmark = pytest.mark.regions(REGION)


def ec2(server: DemoServer) -> Any:
    return ec2_witness(server, REGION)


def by_id(report: Any) -> dict[str, Any]:
    return {r.resource_ids[0]: r for r in report.results}


async def test_locked_and_fast_restore_snapshots_are_refused_and_stay(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    kept = sorted(world.locked_snapshots | world.fsr_snapshots)
    free = plain_orphans_in(world, REGION)[0]
    plan = runner.plan(DeleteSnapshotsRequest((*kept, free)))
    assert [s.resource_ids for s in plan.steps] == [(free,)]
    refusals = {r.resource_ids[0]: r.message for r in plan.refused}
    assert set(refusals) == set(kept)
    for snapshot_id in world.locked_snapshots:
        assert "mode until" in refusals[snapshot_id]
    for snapshot_id in world.fsr_snapshots:
        assert "fast snapshot restore on in us-east-1a, us-east-1b" in refusals[snapshot_id]
    report = await runner.execute(plan, Confirmation())
    assert by_id(report)[free].outcome is Outcome.DONE
    sent = {r.params["SnapshotId"] for r in calls(demo_server, "DeleteSnapshot", dry_run=False)}
    assert sent == {free}
    assert set(kept) <= set(ec2_backend(REGION).snapshots)


async def test_a_lock_set_after_the_load_is_seen_before_the_call(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    first, second = plain_orphans_in(world, REGION)[:2]
    plan = runner.plan(DeleteSnapshotsRequest((first, second)))
    assert len(plan.steps) == 2
    # Someone locks the second in another terminal; the runner reads the locks again first.
    ec2(demo_server).lock_snapshot(SnapshotId=second, LockMode="governance", LockDuration=7)
    demo_server.clear_requests()
    report = await runner.execute(plan, Confirmation(count=2))
    # Only what a guard refuses on is read again (the rules only word the confirmation).
    reread = {r.action for r in demo_server.requests}
    assert "DescribeLockedSnapshots" in reread and "ListImagesInRecycleBin" in reread
    assert not reread & {"ListRules", "GetRule", "DescribeSnapshotTierStatus"}
    results = by_id(report)
    assert results[first].outcome is Outcome.DONE
    assert results[second].outcome is Outcome.REFUSED
    assert "locked in governance mode" in results[second].message
    sent = {r.params["SnapshotId"] for r in calls(demo_server, "DeleteSnapshot", dry_run=False)}
    assert sent == {first} and second in ec2_backend(REGION).snapshots


async def test_a_protected_image_is_refused_and_turning_protection_off_is_a_change(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    (image_id,) = sorted(world.protected_images)
    plan = runner.plan(DeregisterImagesRequest((image_id,), delete_snapshots=True))
    assert not plan.steps
    assert "stays protected for 24 more hours" in plan.refused[0].message
    # The way out: turn protection off (its cooldown is explained), through the same path.
    change = runner.plan(ChangeImagesRequest(ImageChange.UNPROTECT, (image_id,)))
    assert [s.action for s in change.steps] == ["DisableImageDeregistrationProtection"]
    assert "stays protected for 24 hours after this" in change.warnings[0].message
    report = await runner.execute(change, Confirmation())
    assert report.results[0].outcome is Outcome.DONE
    assert calls(demo_server, "DisableImageDeregistrationProtection", dry_run=True)
    # The runner read the image again: AWS's own word on its protection now.
    answer = ec2(demo_server).describe_images(ImageIds=[image_id])["Images"][0]
    protection = answer.get("DeregistrationProtection")
    assert loaded.inventory.images[image_id].deregistration_protection == protection


async def test_a_delete_the_recycle_bin_catches_says_when_the_saving_starts(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    snapshot_id = plain_orphans_in(world, REGION)[0]
    plan = runner.plan(DeleteSnapshotsRequest((snapshot_id,)))
    (notice,) = [w for w in plan.warnings if "Recycle Bin" in w.message]
    assert "go to the Recycle Bin for 14 days" in notice.message
    assert plan.estimate is not None and plan.estimate.saving_starts is not None
    assert "when the Recycle Bin lets go" in plan.estimate.describe()
    await runner.execute(plan, Confirmation())
    listed = ec2(demo_server).list_snapshots_in_recycle_bin()["Snapshots"]
    assert snapshot_id in {s["SnapshotId"] for s in listed}
    assert snapshot_id not in loaded.inventory.snapshots


async def test_archiving_a_snapshot_goes_through_the_one_path(
    runner: ActionRunner, loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    snapshot_id = plain_orphans_in(world, REGION)[0]
    plan = runner.plan(ChangeSnapshotsRequest(SnapshotChange.ARCHIVE, (snapshot_id,)))
    assert [s.action for s in plan.steps] == ["ModifySnapshotTier"]
    assert "billed at least 90 days" in plan.warnings[0].message
    report = await runner.execute(plan, Confirmation())
    assert report.results[0].outcome is Outcome.DONE, report.results[0].message
    assert calls(demo_server, "ModifySnapshotTier", dry_run=True)
    assert loaded.inventory.table(ResourceKind.SNAPSHOT)[snapshot_id].storage_tier == (
        ec2_backend(REGION).snapshots[snapshot_id].storage_tier
    )


async def test_read_only_sends_no_lifecycle_call(
    loaded: Account, world: Planted, demo_server: DemoServer
) -> None:
    settings = demo_settings(demo_server, regions=(REGION,), read_only=True)
    account = Account(await connect(AwsSession(settings)))
    try:
        async for _event in account.load():
            pass
        read_only = ActionRunner.for_account(account)
        (image_id,) = sorted(world.protected_images)
        snapshot_id = plain_orphans_in(world, REGION)[0]
        demo_server.clear_requests()
        for request in (
            ChangeImagesRequest(ImageChange.UNPROTECT, (image_id,)),
            ChangeImagesRequest(ImageChange.DISABLE, (image_id,)),
            ChangeSnapshotsRequest(SnapshotChange.ARCHIVE, (snapshot_id,)),
        ):
            plan = read_only.plan(request)
            assert plan.read_only_message is not None
            report = await read_only.execute(plan, Confirmation())
            assert all(r.outcome is Outcome.REFUSED for r in report.results)
        changing = [r for r in demo_server.requests if not r.action.startswith(READS)]
        assert changing == []
    finally:
        await account.close()
