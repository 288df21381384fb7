"""The watcher: progress as the demo clock steps, per-region polling and backoff, no sleeping."""

from __future__ import annotations

import itertools

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.watch import (
    BackoffSchedule,
    PollFailed,
    ResourceFinished,
    ResourceUpdated,
)
from amiexplorer.core.models import ResourceKind, Snapshot
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import CopySnapshotRequest, CreateSnapshotRequest
from amiexplorer.demo import DemoServer, ManualClock, Planted
from tests.actions.conftest import follow, stepping_watcher


def test_the_backoff_schedule_grows_to_its_maximum() -> None:
    schedule = BackoffSchedule(first=2.0, factor=1.5, maximum=60.0)
    delays = [schedule.delay(n) for n in range(15)]
    assert delays[:4] == [2.0, 3.0, 4.5, 6.75]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert delays[-1] == 60.0 and max(delays) == 60.0
    assert BackoffSchedule(first=0).delay(5) == 0.0
    assert BackoffSchedule().delay(0) == 3.0  # a few seconds at first


@pytest.mark.regions("us-east-1")
async def test_a_new_snapshot_progresses_then_completes(
    runner: ActionRunner, loaded: Account, world: Planted, clock: ManualClock
) -> None:
    volume = sorted(v for v in world.unattached_volumes if world.region_of[v] == "us-east-1")[0]
    report = await runner.run(CreateSnapshotRequest(volume), Confirmation())
    (snapshot_id,) = report.new_ids
    watcher, slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    assert watcher.pending == frozenset(report.created)
    events = await follow(watcher)
    updates = [e.resource for e in events if isinstance(e, ResourceUpdated)]
    progress = [s.progress for s in updates if isinstance(s, Snapshot)]
    assert progress == sorted(progress) and len(set(progress)) == len(progress) >= 3
    assert progress[0] == 0 and all(p < 100 for p in progress)
    (finished,) = [e for e in events if isinstance(e, ResourceFinished)]
    assert finished.succeeded and finished.resource.id == snapshot_id
    assert isinstance(finished.resource, Snapshot) and finished.resource.progress == 100
    assert slept == [2.0, 3.0, 4.5]  # 8 s of pending snapshot, polled on the schedule
    assert watcher.pending == frozenset()
    assert loaded.inventory.snapshots[snapshot_id].state == "completed"


@pytest.mark.regions("us-east-1")
async def test_a_copy_to_another_region_is_followed_to_completion(
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    clock: ManualClock,
    demo_server: DemoServer,
) -> None:
    source = next(
        s
        for s in sorted(world.orphan_snapshots_deleted_volume)
        if world.region_of[s] == "us-east-1"
        and loaded.inventory.snapshots[s].storage_tier == "standard"
    )
    report = await runner.run(CopySnapshotRequest(source, ("ap-southeast-2",)), Confirmation())
    assert [r.outcome for r in report.results] == [Outcome.DONE]
    demo_server.clear_requests()
    watcher, slept = stepping_watcher(loaded, clock)
    watcher.track(*report.created)
    events = await follow(watcher)
    (finished,) = [e for e in events if isinstance(e, ResourceFinished)]
    assert finished.succeeded and finished.resource.region == "ap-southeast-2"
    assert sum(slept) >= 20
    polls = [r for r in demo_server.requests if r.action == "DescribeSnapshots"]
    assert polls and {r.region for r in polls} == {"ap-southeast-2"}
    assert len(polls) == len(slept) + 1  # one call per round


@pytest.mark.regions("us-east-1", "ap-southeast-2")
async def test_pending_found_at_load_is_polled_one_call_per_region_and_kind(
    loaded: Account, world: Planted, clock: ManualClock, demo_server: DemoServer
) -> None:
    watcher, slept = stepping_watcher(loaded, clock)
    found = watcher.track_pending(loaded.inventory)
    expected = {(ResourceKind.IMAGE, i) for i in world.pending_images}
    expected |= {(ResourceKind.SNAPSHOT, s) for s in world.pending_snapshots}
    assert {(t.kind, t.resource_id) for t in found} == expected
    demo_server.clear_requests()
    events = await follow(watcher, limit=500)
    finished = {e.resource.id for e in events if isinstance(e, ResourceFinished)}
    assert finished >= world.pending_images | world.pending_snapshots
    # The long copy slowed the schedule down to its maximum.
    assert max(slept) == pytest.approx(60.0)
    # Every poll named all of its region's pending ids of one kind in one call.
    polls = [r for r in demo_server.requests if r.action in ("DescribeSnapshots", "DescribeImages")]
    rounds: dict[tuple[str, str], int] = {}
    for poll in polls:
        rounds[poll.region, poll.action] = rounds.get((poll.region, poll.action), 0) + 1
    assert rounds[("ap-southeast-2", "DescribeImages")] <= len(slept) + 1
    assert rounds[("ap-southeast-2", "DescribeSnapshots")] <= len(slept) + 1
    assert rounds[("us-east-1", "DescribeSnapshots")] < rounds[("ap-southeast-2", "DescribeImages")]
    assert all(r.action != "DescribeImages" for r in polls if r.region == "us-east-1")


@pytest.mark.regions("us-east-1", "ap-southeast-2")
async def test_a_failing_region_is_retried_and_never_stops_the_others(
    loaded: Account, world: Planted, clock: ManualClock, demo_server: DemoServer
) -> None:
    watcher, _slept = stepping_watcher(loaded, clock, first=60.0)
    watcher.track_pending(loaded.inventory)
    demo_server.fail_region("ap-southeast-2", "InternalError", 500)
    failures: list[PollFailed] = []
    finished: set[str] = set()
    async for event in watcher.events():
        if isinstance(event, PollFailed):
            failures.append(event)
            assert event.region == "ap-southeast-2" and event.code == "InternalError"
        elif isinstance(event, ResourceFinished):
            finished.add(event.resource.id)
            if event.resource.region == "us-east-1":
                demo_server.clear_faults()  # the outage ends once the other region is done
        assert len(failures) < 100
    assert failures and failures[0].retry_in == 60.0
    assert finished >= world.pending_images | world.pending_snapshots


@pytest.mark.regions("us-east-1")
async def test_work_added_while_watching_is_picked_up(
    runner: ActionRunner, loaded: Account, world: Planted, clock: ManualClock
) -> None:
    first, second = sorted(
        v for v in world.unattached_volumes if world.region_of[v] == "us-east-1"
    )[:2]
    watcher, _slept = stepping_watcher(loaded, clock)
    report = await runner.run(CreateSnapshotRequest(first), Confirmation())
    watcher.track(*report.created)
    added: list[str] = []
    finished: set[str] = set()
    async for event in watcher.events():
        if not added:  # the first event: start more work while the watcher runs
            more = await runner.run(CreateSnapshotRequest(second), Confirmation())
            added += more.new_ids
            watcher.track(*more.created)
        if isinstance(event, ResourceFinished):
            finished.add(event.resource.id)
    assert finished == {*report.new_ids, *added}
