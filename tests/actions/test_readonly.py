"""Read-only: every action is refused before any network call, not even a DryRun is sent."""

from __future__ import annotations

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import READ_ONLY_MESSAGE, ActionRunner
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    ActionRequest,
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateSnapshotsRequest,
    CreateVolumeRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.demo import PARTNER_ACCOUNT_ID, DemoServer, Planted
from tests.actions.conftest import MUTATING_ACTIONS, log_lines

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _every_request(world: Planted, account: Account) -> list[ActionRequest]:
    instance = sorted(i for i in world.running_instances if world.region_of[i] == "us-east-1")[0]
    images = account.inventory.images
    image = sorted(
        i
        for i in world.unused_images - world.pending_images
        # Made public below: encrypted snapshots cannot be.
        if i in images and not any(m.encrypted for m in images[i].block_device_mappings)
    )[0]
    snapshots = sorted(
        s for s in world.orphan_snapshots_deleted_volume if s in account.inventory.snapshots
    )
    snapshot = next(
        s for s in snapshots if account.inventory.snapshots[s].storage_tier == "standard"
    )
    volumes = tuple(sorted(v for v in world.unattached_volumes if v in account.inventory.volumes))
    return [
        CreateImageRequest(instance, "read-only-test"),
        CreateSnapshotRequest(volumes[0]),
        CreateSnapshotsRequest(instance),
        CreateVolumeRequest(snapshot, f"{world.region_of[snapshot]}a"),
        CopyImageRequest(image, ("eu-west-1",)),
        CopySnapshotRequest(snapshot, ("us-west-2",)),
        ShareImagesRequest((image,), add=Permissions((PARTNER_ACCOUNT_ID,), public=True)),
        ShareSnapshotsRequest((snapshot,), add=Permissions((PARTNER_ACCOUNT_ID,))),
        MakePrivateRequest(tuple(world.public_images | world.public_snapshots), everyone=True),
        DeleteSnapshotsRequest(tuple(snapshots)),
        DeregisterImagesRequest((image,)),
        DeleteVolumesRequest(volumes),
    ]


async def test_every_action_is_refused_without_any_request(
    still_read_only_account: Account,
    still_world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    runner = ActionRunner.for_account(still_read_only_account, log=action_log)
    demo_server.clear_requests()
    requests = _every_request(still_world, still_read_only_account)
    for request in requests:
        plan = runner.plan(request)
        assert plan.read_only_message == READ_ONLY_MESSAGE and not plan.executable
        assert plan.steps, f"{type(request).__name__} would do something outside read-only"
        checked = await runner.preflight(plan)
        assert not checked.ok and checked.message == READ_ONLY_MESSAGE
        confirmation = Confirmation(
            count=plan.needs.count, word=plan.needs.word, image_ids=plan.needs.image_ids
        )
        report = await runner.execute(plan, confirmation)
        step_results = report.results[len(plan.refused) + len(plan.skipped) :]
        assert step_results and {r.outcome for r in step_results} == {Outcome.REFUSED}
        assert all(r.message == READ_ONLY_MESSAGE for r in step_results)
    # Not one request of any kind: no DryRun, and not even a describe.
    assert demo_server.requests == []
    lines = log_lines(action_log)
    assert {line["outcome"] for line in lines} == {"refused"}
    assert {line["action"] for line in lines} == MUTATING_ACTIONS


async def test_a_runner_told_read_only_refuses_even_a_writable_account(
    still_account: Account, still_world: Planted, demo_server: DemoServer, action_log: ActionLog
) -> None:
    runner = ActionRunner(
        still_account.pool,
        still_account.inventory,
        still_account.identity,
        read_only=True,
        log=action_log,
    )
    demo_server.clear_requests()
    snapshot = sorted(still_world.orphan_snapshots_deleted_volume)[0]
    report = await runner.run(DeleteSnapshotsRequest((snapshot,)), Confirmation())
    assert [r.outcome for r in report.results] == [Outcome.REFUSED]
    assert not [r for r in demo_server.requests if r.action in MUTATING_ACTIONS]
