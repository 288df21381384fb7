"""Sharing images and snapshots, making them public (with the word) and private again."""

from __future__ import annotations

from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    MakePrivateRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.demo import PARTNER_ACCOUNT_ID, STAGING_ACCOUNT_ID, DemoServer, Planted
from tests.actions.conftest import assert_logged, assert_preflight_first, calls, log_lines

ORGANIZATION = "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5"
UNIT = "arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56"

pytestmark = pytest.mark.regions("us-east-1")


async def _launch_permissions(account: Account, region: str, image_id: str) -> list[Any]:
    ec2 = await account.pool.get("ec2", region)
    reply = await ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    return list(reply["LaunchPermissions"])


async def _volume_permissions(account: Account, region: str, snapshot_id: str) -> list[Any]:
    ec2 = await account.pool.get("ec2", region)
    reply = await ec2.describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    return list(reply["CreateVolumePermissions"])


def _plain_image(world: Planted, account: Account) -> str:
    """An available image of ours without encrypted snapshots, not shared with anyone."""
    return sorted(
        i.id
        for i in account.inventory.images.values()
        if i.owned and i.state == "available" and i.id not in world.public_images
        and i.id not in world.shared_images
        and not any(m.encrypted for m in i.block_device_mappings)
    )[0]  # fmt: skip


async def test_share_an_image_with_an_account_an_organization_and_a_unit(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    image_id = _plain_image(world, loaded)
    region = world.region_of[image_id]
    add = Permissions((PARTNER_ACCOUNT_ID,), (ORGANIZATION,), (UNIT,))
    report = await runner.run(ShareImagesRequest((image_id,), add=add), Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.DONE, result.message
    assert_preflight_first(demo_server, "ModifyImageAttribute")
    permissions = await _launch_permissions(loaded, region, image_id)
    assert {"UserId": PARTNER_ACCOUNT_ID} in permissions
    assert {"OrganizationArn": ORGANIZATION} in permissions
    assert {"OrganizationalUnitArn": UNIT} in permissions
    image = loaded.inventory.images[image_id]
    assert image.shared_with == tuple(sorted((PARTNER_ACCOUNT_ID, ORGANIZATION, UNIT)))
    line = log_lines(action_log)[-1]
    assert line["outcome"] == "done"
    assert line["parameters"]["LaunchPermission"]["Add"][0] == {"UserId": PARTNER_ACCOUNT_ID}


async def test_making_an_image_public_needs_the_word(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    image_id = _plain_image(world, loaded)
    plan = runner.plan(ShareImagesRequest((image_id,), add=Permissions(public=True)))
    assert plan.needs.word == "public"
    for word in (None, "Public", "yes"):
        report = await runner.execute(plan, Confirmation(word=word))
        assert [r.outcome for r in report.results] == [Outcome.REFUSED]
        assert "type the word 'public'" in report.results[0].message
    assert calls(demo_server, "ModifyImageAttribute") == []
    report = await runner.execute(plan, Confirmation(word="public"))
    assert [r.outcome for r in report.results] == [Outcome.DONE]
    permissions = await _launch_permissions(loaded, world.region_of[image_id], image_id)
    assert {"Group": "all"} in permissions
    assert loaded.inventory.images[image_id].is_public
    assert_preflight_first(demo_server, "ModifyImageAttribute")
    assert_logged(action_log, "ModifyImageAttribute", image_id, "refused")
    line = assert_logged(action_log, "ModifyImageAttribute", image_id)
    assert line["parameters"]["LaunchPermission"] == {"Add": [{"Group": "all"}]}


async def test_share_snapshots_adding_and_removing_accounts(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    shared = sorted(s for s, a in world.shared_snapshots.items() if STAGING_ACCOUNT_ID in a)[0]
    other = sorted(
        s
        for s in world.orphan_snapshots_deleted_volume
        if world.region_of[s] == world.region_of[shared] and s not in world.shared_snapshots
    )[0]
    request = ShareSnapshotsRequest(
        (shared, other),
        add=Permissions((PARTNER_ACCOUNT_ID,)),
        remove=Permissions((STAGING_ACCOUNT_ID,)),
    )
    plan = runner.plan(request)
    assert plan.needs.count == 2 and len(plan.steps) == 4  # an add and a remove for each
    report = await runner.execute(plan, Confirmation(count=2))
    assert {r.outcome for r in report.results} == {Outcome.DONE}
    assert len(calls(demo_server, "ModifySnapshotAttribute", dry_run=True)) == 1
    region = world.region_of[shared]
    for snapshot_id in (shared, other):
        permissions = await _volume_permissions(loaded, region, snapshot_id)
        assert permissions == [{"UserId": PARTNER_ACCOUNT_ID}]
        assert loaded.inventory.snapshots[snapshot_id].shared_with == (PARTNER_ACCOUNT_ID,)
    operations = [
        line["parameters"]["OperationType"]
        for line in log_lines(action_log)
        if line["outcome"] == "done"
    ]
    assert sorted(operations) == ["add", "add", "remove", "remove"]


async def test_make_private_removes_everyone_and_skips_what_is_private(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    (public_image,) = world.public_images
    (public_snapshot,) = world.public_snapshots
    private = _plain_image(world, loaded)
    plan = runner.plan(MakePrivateRequest((public_image, public_snapshot, private)))
    (skipped,) = plan.skipped
    assert skipped.resource_ids == (private,)
    # Its sharing was not read (no sharing pass): p says what it would leave in place.
    assert "not public: nothing to remove" in skipped.message, skipped.message
    assert "not read yet" in skipped.message
    assert plan.needs.count == 2
    report = await runner.execute(plan, Confirmation(count=2))
    outcomes = {r.resource_ids[0]: r.outcome for r in report.results}
    assert outcomes == {
        public_image: Outcome.DONE,
        public_snapshot: Outcome.DONE,
        private: Outcome.SKIPPED,
    }
    image_region = world.region_of[public_image]
    assert {"Group": "all"} not in await _launch_permissions(loaded, image_region, public_image)
    snapshot_region = world.region_of[public_snapshot]
    snapshot_permissions = await _volume_permissions(loaded, snapshot_region, public_snapshot)
    assert {"Group": "all"} not in snapshot_permissions
    assert not loaded.inventory.images[public_image].is_public
    assert loaded.inventory.snapshots[public_snapshot].is_public is False
    assert_preflight_first(demo_server, "ModifySnapshotAttribute")
    line = assert_logged(action_log, "ModifySnapshotAttribute", public_snapshot)
    assert line["parameters"]["GroupNames"] == ["all"]
    assert_logged(action_log, "ModifyImageAttribute", public_image)
    assert_logged(action_log, "ModifyImageAttribute", private, "skipped")


async def test_make_private_for_everyone_resets_the_attribute(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    (public_image,) = world.public_images
    public_snapshot = sorted(world.public_snapshots)[0]
    shared_image = sorted(set(world.shared_images) - {public_image})[0]
    request = MakePrivateRequest((public_image, public_snapshot, shared_image), everyone=True)
    report = await runner.run(request, Confirmation(count=3))
    assert [r.action for r in report.results] == [
        "ResetImageAttribute",
        "ResetSnapshotAttribute",
        "ResetImageAttribute",
    ]
    assert [r.outcome for r in report.results] == [Outcome.DONE] * 3, report.summary()
    for image in (public_image, shared_image):
        assert await _launch_permissions(loaded, world.region_of[image], image) == []
        assert loaded.inventory.images[image].shared_with == ()
    snapshot_region = world.region_of[public_snapshot]
    assert await _volume_permissions(loaded, snapshot_region, public_snapshot) == []
    assert_preflight_first(demo_server, "ResetImageAttribute")
    assert_preflight_first(demo_server, "ResetSnapshotAttribute")
    outcomes = [line["outcome"] for line in log_lines(action_log)]
    assert outcomes.count("dry-run-ok") == 2 and outcomes.count("done") == 3
