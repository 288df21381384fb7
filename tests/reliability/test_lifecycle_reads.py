"""The lifecycle reads behind the proxy: a denied or failing read is a problem of its region,
in words; the guards then refuse what it could hide, and the audit withholds, with a note.

What AWS says about locks is AWS's to enforce, but a tool that deletes must not plan what it
cannot rule out: a snapshot of a region whose locks are unknown is neither planned for
deletion nor reported as a leftover.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.audit.report import FindingCode, build_report
from amiexplorer.core.evidence import Source
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import FIXED_NOW
from tests.reliability.conftest import proxied_settings
from tests.reliability.proxy import FaultProxy

DENIED = "us-east-1"
OTHER = "eu-west-1"


@pytest.fixture
async def denied_locks(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> AsyncIterator[Account]:
    """Two regions loaded, DescribeLockedSnapshots denied in one of them."""
    proxy.error("UnauthorizedOperation", 403, action="DescribeLockedSnapshots", region=DENIED)
    proxy.error("InternalError", 500, action="DescribeFastSnapshotRestores", region=DENIED)
    settings = proxied_settings(proxy, demo_server, regions=(DENIED, OTHER), max_attempts=1)
    account = Account(await connect(AwsSession(settings)))
    async for _event in account.load():
        pass
    await account.read_evidence()
    yield account
    await account.close()


def orphan_in(world: Planted, region: str) -> str:
    return sorted(s for s in world.orphan_snapshots_deleted_volume if world.region_of[s] == region)[
        0
    ]


async def test_unknown_locks_refuse_the_delete_in_their_region_only(
    denied_locks: Account, world: Planted, proxy: FaultProxy
) -> None:
    evidence = denied_locks.inventory.evidence
    problem = evidence.region(DENIED).problem(Source.LOCKS)
    assert problem is not None and problem.denied
    assert "UnauthorizedOperation" in problem.message or "not allowed" in problem.message
    assert evidence.region(OTHER).problem(Source.LOCKS) is None

    runner = ActionRunner.for_account(denied_locks)
    blocked, free = orphan_in(world, DENIED), orphan_in(world, OTHER)
    plan = runner.plan(DeleteSnapshotsRequest((blocked, free)))
    assert [s.resource_ids for s in plan.steps] == [(free,)]
    (refused,) = plan.refused
    assert refused.resource_ids == (blocked,)
    assert f"whether snapshot {blocked} is locked is unknown" in refused.message
    assert "ec2:DescribeLockedSnapshots" in refused.message
    # A failing fast snapshot restore read is no refusal: AWS ends it with the snapshot.
    assert evidence.region(DENIED).problem(Source.FAST_RESTORES) is not None
    assert not proxy.mutating()


async def test_unknown_locks_withhold_the_regions_leftovers_with_a_note(
    denied_locks: Account, world: Planted
) -> None:
    report = build_report(
        denied_locks.inventory, account=denied_locks.identity.account_id, now=FIXED_NOW
    )
    orphaned = report.group(FindingCode.ORPHANED_SNAPSHOT)
    assert orphaned and {f.region for f in orphaned} == {OTHER}
    notes = " ".join(report.notes)
    assert "snapshot locks could not be read" in notes
    assert f"ec2:DescribeLockedSnapshots in {DENIED} failed" in notes
    assert f"ec2:DescribeFastSnapshotRestores in {DENIED} failed" in notes
