"""A failure in the middle of a bulk delete leaves an exact per-item result, logged the same.

"Exact" is checked against AWS itself (moto, the witness): an item reported done is gone, an
item reported failed is still there, and the action log's last word on each item agrees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.plans.plan import ActionReport, Confirmation, Outcome
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.demo.backends import ec2_backend
from tests.reliability.conftest import proxied_settings
from tests.reliability.proxy import LOST_ANSWER, RESET, FaultProxy

REGION = "us-east-1"


@pytest.fixture
async def loaded(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> AsyncIterator[Account]:
    """us-east-1 loaded through the proxy.

    Two attempts per call: enough to show a cut connection is tried again, without the
    half minute of backoff the app's eight spend on a network that stays down.
    """
    settings = proxied_settings(proxy, demo_server, regions=(REGION,), max_attempts=2)
    account = Account(await connect(AwsSession(settings)))
    async for _event in account.load():
        pass
    assert not account.inventory.errors
    yield account
    await account.close()


def orphans(world: Planted, count: int) -> tuple[str, ...]:
    """Snapshots nothing uses, all in REGION."""
    # Plain ones: a locked or fast-restore orphan is refused before any call.
    plain = world.plain_orphans
    found = sorted(
        s for s in world.orphan_snapshots_deleted_volume & plain if world.region_of[s] == REGION
    )
    found += sorted(
        s for s in world.orphan_snapshots_deregistered_image & plain if world.region_of[s] == REGION
    )
    assert len(found) >= count
    return tuple(found[:count])


def still_in_aws(ids: tuple[str, ...]) -> set[str]:
    """Which of `ids` moto still has."""
    return {i for i in ids if i in ec2_backend(REGION).snapshots}


def last_word(log: ActionLog) -> dict[str, tuple[str, str]]:
    """Each resource's last (outcome, message) in the log, DryRun lines left out."""
    found: dict[str, tuple[str, str]] = {}
    for entry in log.entries():
        if not entry["dry_run"]:
            for resource_id in entry["resource_ids"]:
                found[resource_id] = (entry["outcome"], entry["message"])
    return found


def per_item(report: ActionReport) -> dict[str, tuple[str, str]]:
    return {r.resource_ids[0]: (r.outcome.value, r.message) for r in report.results}


async def delete(account: Account, log: ActionLog, ids: tuple[str, ...]) -> ActionReport:
    runner = ActionRunner.for_account(account, log=log)
    return await runner.run(DeleteSnapshotsRequest(ids), Confirmation(count=len(ids)))


async def test_the_network_dropping_midway_leaves_an_exact_result(
    loaded: Account, world: Planted, proxy: FaultProxy, tmp_path: Path
) -> None:
    ids = orphans(world, 6)
    log = ActionLog(tmp_path / "actions.jsonl")
    # Two deletions get through; then every connection is cut before it reaches AWS.
    proxy.reset(action="DeleteSnapshot", dry_run=False, after=2)
    report = await delete(loaded, log, ids)
    results = per_item(report)
    done = {i for i, (outcome, _) in results.items() if outcome == "done"}
    failed = {i for i, (outcome, _) in results.items() if outcome == "failed"}
    assert len(done) == 2 and failed == set(ids) - done
    assert still_in_aws(ids) == failed
    for resource_id in failed:
        assert "cannot reach the EC2 endpoint in us-east-1" in results[resource_id][1]
    assert last_word(log) == results
    # The inventory forgot exactly what is gone.
    assert done.isdisjoint(loaded.inventory.snapshots) and failed <= set(loaded.inventory.snapshots)
    assert proxy.faults[RESET] >= len(failed)  # each failed item was tried again first


async def test_an_answer_lost_after_aws_deleted_counts_as_done(
    loaded: Account, world: Planted, proxy: FaultProxy, tmp_path: Path
) -> None:
    ids = orphans(world, 3)
    log = ActionLog(tmp_path / "actions.jsonl")
    # AWS deletes the first snapshot, but its answer is lost: botocore asks again, and AWS
    # says the snapshot does not exist. The result must say it is gone, not that it failed.
    proxy.lose_answer(action="DeleteSnapshot", dry_run=False, limit=1)
    report = await delete(loaded, log, ids)
    results = per_item(report)
    assert proxy.faults[LOST_ANSWER] == 1
    assert still_in_aws(ids) == set()
    assert {outcome for outcome, _ in results.values()} == {Outcome.DONE.value}, results
    assert last_word(log) == results
    assert set(ids).isdisjoint(loaded.inventory.snapshots)
