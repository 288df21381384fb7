"""Guards and confirmations: what is in use, public or unconfirmed is refused, and why.

None of these tests changes AWS, so they share one world (see `still_world`).
"""

from __future__ import annotations

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.watch import ResourceGone, WatchTarget
from amiexplorer.core.block_sizes import upper_bound_bytes
from amiexplorer.core.inventory import RegionState
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.demo import DemoServer, ManualClock, Planted
from tests.actions.conftest import (
    MUTATING_ACTIONS,
    STILL_REGIONS,
    calls,
    follow,
    log_lines,
    plain_orphans_in,
    stepping_watcher,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _nothing_sent(server: DemoServer) -> None:
    assert not [r for r in server.requests if r.action in MUTATING_ACTIONS]


async def test_a_snapshot_an_image_uses_is_refused_naming_the_images(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer, action_log: ActionLog
) -> None:
    (shared, users), *_ = still_world.multi_image_snapshots.items()
    single = sorted(still_world.image_snapshots.items())[0]
    report = await still_runner.run(
        DeleteSnapshotsRequest((shared, sorted(single[1])[0])), Confirmation(count=2)
    )
    first, second = report.results
    assert first.outcome is second.outcome is Outcome.REFUSED
    assert set(first.blocking_ids) == set(users)
    assert all(image_id in first.message for image_id in users)
    assert second.blocking_ids == (single[0],)
    _nothing_sent(demo_server)
    lines = log_lines(action_log)
    assert [line["outcome"] for line in lines] == ["refused", "refused"]
    assert lines[0]["resource_ids"] == [shared]


async def test_an_attached_volume_is_refused_naming_its_instance(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer
) -> None:
    volume, instance = sorted(still_world.volume_instance.items())[0]
    report = await still_runner.run(DeleteVolumesRequest((volume,)), Confirmation())
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED
    assert result.blocking_ids == (instance,) and f"attached to {instance}" in result.message
    _nothing_sent(demo_server)


async def test_an_image_launch_templates_name_needs_its_id_typed(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer
) -> None:
    image_id = sorted(still_world.launch_template_only_images)[0]
    templates = still_world.image_launch_templates[image_id]
    plan = still_runner.plan(DeregisterImagesRequest((image_id,), delete_snapshots=False))
    assert plan.needs.image_ids == (image_id,)
    (warning,) = [w for w in plan.warnings if image_id in w.message]
    assert {v.split(":")[0] for v in warning.resource_ids} == set(templates)
    for typed in ((), ("ami-0wrong",), (image_id.upper(),)):
        report = await still_runner.execute(plan, Confirmation(image_ids=typed))
        assert [r.outcome for r in report.results] == [Outcome.REFUSED]
        assert f"type the id {image_id}" in report.results[0].message
    _nothing_sent(demo_server)
    configured = sorted(still_world.launch_configuration_only_images)[0]
    plan = still_runner.plan(DeregisterImagesRequest((configured,), delete_snapshots=False))
    assert plan.needs.image_ids == (configured,)


async def test_an_image_instances_use_is_refused_naming_them(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer
) -> None:
    # Running and stopped instances alike: neither could be replaced, scaled out or
    # recovered from a deregistered image.
    checked = 0
    for image_id, instances in sorted(still_world.image_instances.items()):
        region = still_world.region_of.get(image_id)
        if region not in STILL_REGIONS or image_id not in still_world.images[region]:
            continue
        checked += 1
        plan = still_runner.plan(DeregisterImagesRequest((image_id,)))
        assert not plan.steps and not plan.needs.count
        (refused,) = plan.refused
        assert set(refused.blocking_ids) == set(instances)
        assert f"image {image_id} is in use by instance" in refused.message
        assert "replaced, scaled out or recovered" in refused.message
        report = await still_runner.execute(plan, Confirmation(count=2))
        assert [r.outcome for r in report.results] == [Outcome.REFUSED]
    assert checked >= 2
    _nothing_sent(demo_server)


async def test_encrypted_snapshots_and_their_images_are_never_made_public(
    still_runner: ActionRunner,
    still_world: Planted,
    still_account: Account,
    demo_server: DemoServer,
) -> None:
    snapshot_id = sorted(still_world.encrypted_snapshots - still_world.pending_snapshots)[0]
    request = ShareSnapshotsRequest((snapshot_id,), add=Permissions(public=True))
    (result,) = (await still_runner.run(request, Confirmation(word="public"))).results
    assert result.outcome is Outcome.REFUSED
    assert "encrypted" in result.message and "never" in result.message
    image = next(
        i
        for i in sorted(still_account.inventory.images.values(), key=lambda i: i.id)
        if i.owned and any(m.encrypted for m in i.block_device_mappings)
    )
    request_image = ShareImagesRequest((image.id,), add=Permissions(public=True))
    (result,) = (await still_runner.run(request_image, Confirmation(word="public"))).results
    assert result.outcome is Outcome.REFUSED and "encrypted snapshots" in result.message
    assert result.blocking_ids and set(result.blocking_ids) <= set(image.snapshot_ids)
    _nothing_sent(demo_server)


async def test_public_needs_the_word_and_a_bulk_change_its_number(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer
) -> None:
    snapshots = tuple(plain_orphans_in(still_world, "us-east-1")[:3])
    plan = still_runner.plan(ShareSnapshotsRequest(snapshots, add=Permissions(public=True)))
    assert (plan.needs.count, plan.needs.word) == (3, "public")
    for confirmation in (
        Confirmation(),
        Confirmation(count=3),
        Confirmation(count=3, word="Public"),
        Confirmation(count=2, word="public"),
    ):
        report = await still_runner.execute(plan, confirmation)
        assert {r.outcome for r in report.results} == {Outcome.REFUSED}
        assert report.results[0].message.startswith("not confirmed: ")
    plan = still_runner.plan(DeleteSnapshotsRequest(snapshots))
    assert plan.needs.count == 3 and plan.needs.word is None
    report = await still_runner.execute(plan, Confirmation(count=4))
    assert "type the number of resources (3)" in report.results[0].message
    # Not even a DryRun: nothing is asked of AWS before the confirmation is right.
    assert calls(demo_server, "ModifySnapshotAttribute") == []
    assert calls(demo_server, "DeleteSnapshot") == []


async def test_a_denied_preflight_stops_the_whole_bulk_action(
    still_runner: ActionRunner,
    still_world: Planted,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    demo_server.deny("DeleteSnapshot", "eu-west-1")
    east = plain_orphans_in(still_world, "us-east-1")[0]
    west = plain_orphans_in(still_world, "eu-west-1")[0]
    plan = still_runner.plan(DeleteSnapshotsRequest((east, west)))
    checked = await still_runner.preflight(plan)
    assert not checked.ok
    (denied,) = checked.denied
    assert "you lack ec2:DeleteSnapshot in eu-west-1" in denied.message
    report = await still_runner.execute(plan, Confirmation(count=2), preflight=checked)
    assert {r.outcome for r in report.results} == {Outcome.REFUSED}
    assert all("you lack ec2:DeleteSnapshot in eu-west-1" in r.message for r in report.results)
    assert calls(demo_server, "DeleteSnapshot", dry_run=False) == []
    ec2 = await still_runner.pool.get("ec2", "eu-west-1")
    reply = await ec2.describe_snapshots(SnapshotIds=[west])
    assert [s["SnapshotId"] for s in reply["Snapshots"]] == [west]
    assert east in still_runner.inventory.snapshots
    outcomes = [line["outcome"] for line in log_lines(action_log)]
    assert "dry-run-denied" in outcomes and "done" not in outcomes
    demo_server.clear_faults()


async def test_unknown_resources_and_incomplete_regions_are_refused(
    still_runner: ActionRunner, still_world: Planted, demo_server: DemoServer
) -> None:
    report = await still_runner.run(
        DeleteSnapshotsRequest(("snap-0123456789abcdef0",)), Confirmation()
    )
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED and "not in the loaded inventory" in result.message
    status = still_runner.inventory.regions["eu-west-1"]
    west = plain_orphans_in(still_world, "eu-west-1")[0]
    status.state = RegionState.FAILED
    try:
        report = await still_runner.run(DeleteSnapshotsRequest((west,)), Confirmation())
    finally:
        status.state = RegionState.LOADED
    (result,) = report.results
    assert result.outcome is Outcome.REFUSED and "did not load completely" in result.message
    _nothing_sent(demo_server)


async def test_the_estimate_prices_each_tier_and_type(
    still_runner: ActionRunner, still_world: Planted, still_account: Account
) -> None:
    archived = sorted(still_world.archived_snapshots)[0]
    standard = next(
        s
        for s in plain_orphans_in(still_world, "us-east-1")
        if s not in still_world.archived_snapshots
    )
    plan = still_runner.plan(DeleteSnapshotsRequest((archived, standard)))
    a = still_account.inventory.snapshots[archived]
    s = still_account.inventory.snapshots[standard]
    assert plan.estimate is not None
    assert plan.estimate.gib == a.volume_size_gib + s.volume_size_gib
    # No block was read: each is priced by its upper bound (written size, else volume size),
    # at its tier's price, and the confirmation says it is one.
    gib = 1024**3
    expected = upper_bound_bytes(a) / gib * 0.0125 + upper_bound_bytes(s) / gib * 0.05
    assert plan.estimate.monthly_usd == round(expected, 2)
    assert plan.estimate.bounded == 2
    assert plan.estimate.describe().startswith("delete 2 resources, ")
    assert "saves at most" in plan.estimate.describe()
    inventory = still_account.inventory.volumes
    volumes = sorted(v for v in still_world.unattached_volumes if v in inventory)
    plan = still_runner.plan(DeleteVolumesRequest(tuple(volumes)))
    rates = {"gp3": 0.08, "gp2": 0.10, "io1": 0.125, "io2": 0.125, "st1": 0.045, "sc1": 0.015}
    expected = sum(inventory[v].size_gib * rates[inventory[v].volume_type] for v in volumes)
    assert plan.estimate is not None and plan.estimate.monthly_usd == round(expected, 2)


async def test_a_resource_that_vanished_is_reported_gone(still_account: Account) -> None:
    watcher, _slept = stepping_watcher(still_account, ManualClock())
    watcher.track(WatchTarget(ResourceKind.SNAPSHOT, "snap-0000000000000dead", "eu-west-1"))
    events = await follow(watcher)
    assert [type(e) for e in events] == [ResourceGone]
    assert watcher.pending == frozenset()
