"""Unpatched moto has none of EC2's lifecycle calls (it answers an HTML page with HTTP 500): no
lock, fast snapshot restore or Recycle Bin rule can exist there. The reads count as done and
empty, each with a note saying so, and the guards and the audit go on as without the features."""

from __future__ import annotations

from datetime import UTC, datetime

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.audit.report import build_report
from amiexplorer.core.evidence import Source
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest
from amiexplorer.core.tuning import Thresholds
from tests.unpatched.conftest import unpatched_settings
from tests.unpatched.server import UnpatchedMoto
from tests.unpatched.world import REGIONS, Truth

LIFECYCLE = (
    Source.LOCKS,
    Source.FAST_RESTORES,
    Source.TIERING,
    Source.RECYCLE_BIN,
    Source.BIN_CONTENTS,
    Source.BLOCK_PUBLIC_ACCESS,
)


async def test_the_lifecycle_reads_are_empty_and_an_orphan_may_still_be_deleted(
    unpatched_world: Truth, unpatched_server: UnpatchedMoto
) -> None:
    account = Account(await connect(AwsSession(unpatched_settings(unpatched_server))))
    try:
        async for _event in account.load():
            pass
        await account.read_evidence()
        evidence = account.inventory.evidence
        for region in REGIONS:
            problems = [p for p in evidence.problems([region]) if p.source in LIFECYCLE]
            # DescribeSnapshotTierStatus moto has; the others it answers with its 500 page.
            assert {p.source for p in problems} == set(LIFECYCLE) - {Source.TIERING}
            assert all(p.missing and "an HTML page (HTTP 500)" in p.message for p in problems)
            assert evidence.region(region).locks == {}
            assert evidence.region(region).bin_rules == ()
            assert evidence.region(region).recycle_bin == {}
            # Unknown, not "unblocked": no note claims what it would cut.
            assert evidence.region(region).block_public_access is None
        orphan = sorted(unpatched_world.orphaned_snapshots)[0]
        plan = ActionRunner.for_account(account).plan(DeleteSnapshotsRequest((orphan,)))
        assert [s.resource_ids for s in plan.steps] == [(orphan,)] and not plan.refused
        assert not [w for w in plan.warnings if "Recycle Bin" in w.message]
        report = build_report(
            account.inventory,
            account=account.identity.account_id,
            now=datetime.now(UTC),
            thresholds=Thresholds(grace_hours=0),  # the world was seeded a moment ago
        )
        assert orphan in {f.resource_id for f in report.findings}
        missing = [n for n in report.notes if "taken for an endpoint without the feature" in n]
        assert len(missing) == len(REGIONS) * (len(LIFECYCLE) - 1)
    finally:
        await account.close()
