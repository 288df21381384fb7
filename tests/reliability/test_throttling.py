"""Throttling, server errors and cut connections on a share of requests lose nothing.

botocore's retry mode, configured once in amiexplorer/aws/session.py, is all that rides them
out: the loaded inventory must equal the truth, field for field, and so must the audit.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import AuditOptions, run_audit
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.audit.findings import Finding
from amiexplorer.core.audit.report import AuditReport
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import FIXED_NOW, demo_settings
from tests.reliability.conftest import proxied_settings, record_figures
from tests.reliability.proxy import ERROR, LOST_ANSWER, RESET, THROTTLE, FaultProxy
from tests.reliability.truth import inventory_differences, planted_differences

#: Which requests get the faults (the same ones on every run).
SEED = int(os.environ.get("AMIEXPLORER_FAULT_SEED", "3"))
#: Also the slow parts (see the audit under throttling).
FULL = os.environ.get("RELIABILITY_FULL") == "1"


async def connected(settings: ConnectionSettings) -> Account:
    """A connected account, nothing loaded yet."""
    return Account(await connect(AwsSession(settings)))


async def load_all(account: Account) -> Account:
    """Load every region of `account`."""
    async for _event in account.load():
        pass
    return account


@asynccontextmanager
async def loaded_with_faults(
    world: Planted, server: DemoServer, proxy: FaultProxy, faults: Callable[[], object]
) -> AsyncIterator[tuple[Account, Account]]:
    """A clean load and a load through the proxy with `faults` (added after connecting).

    Asserts the faulted load equals the truth: the planted world and, field for field, the
    load that met no fault. Yields both accounts, loaded.
    """
    clean = await load_all(await connected(demo_settings(server)))
    faulted = await connected(proxied_settings(proxy, server))
    faults()
    try:
        await load_all(faulted)
        assert [e.message for e in faulted.inventory.errors] == []
        differences = planted_differences(faulted.inventory, world)
        differences += inventory_differences(faulted.inventory, clean.inventory)
        record_figures(inventory_differences=len(differences), truth_comparisons=1)
        assert differences == []
        yield clean, faulted
    finally:
        await faulted.close()
        await clean.close()


def findings(report: AuditReport) -> list[tuple[Finding, str]]:
    """Every finding with its evidence (which findings leave out of their comparison)."""
    return [(f, json.dumps(f.details, sort_keys=True, default=str)) for f in report.findings]


async def test_thirty_percent_of_answers_throttled_still_load_and_audit_the_truth(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    async with loaded_with_faults(
        world, demo_server, proxy, lambda: proxy.throttle(0.3, seed=SEED)
    ) as (clean, faulted):
        loading = len(proxy.requests)
        # The audit's own calls (public snapshots in bulk, sharing one by one) are throttled
        # too; its report must be the report of the account that met no fault. Reading the
        # sharing of every image and snapshot (~170 calls) at 30% throttled takes a minute:
        # botocore's adaptive mode slows each region's client towards its floor of 0.5
        # requests a second, as it should against a real rate limit. CI skips that pass (in
        # both audits alike), and the block pass (a few EBS direct API calls per finding's
        # snapshot) with it; RELIABILITY_FULL=1 runs both.
        options = AuditOptions(
            reload=False, sharing_limit=None if FULL else 1, block_limit=None if FULL else 0
        )
        truth = await run_audit(clean, options, now=FIXED_NOW)
        audited = await run_audit(faulted, options, now=FIXED_NOW)
        assert truth.findings and truth.errors == () and audited.errors == ()
        assert findings(audited) == findings(truth)
        assert audited.notes == truth.notes and audited.totals == truth.totals
        record_figures(audit_differences=len(set(audited.findings) ^ set(truth.findings)))
    requests = [r for r in proxy.requests if r.action.startswith("Describe")]
    throttled = [r for r in requests if r.fault == THROTTLE]
    # The rule throttles each attempt with probability 0.3: the share seen is near it.
    print(f"throttled {len(throttled)} of {len(requests)} Describe requests")
    assert 0.2 <= len(throttled) / len(requests) <= 0.4
    assert len({r.region for r in throttled}) >= 3
    audit_calls = [r for r in proxy.requests[loading:] if r.action.startswith("Describe")]
    assert audit_calls and all(r.region for r in audit_calls)
    if FULL:
        assert any(r.fault == THROTTLE for r in audit_calls if "Attribute" in r.action)


async def test_server_errors_and_cut_connections_still_load_the_truth(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    def faults() -> None:
        proxy.error("InternalError", 500, 0.1, seed=SEED)
        proxy.error("Unavailable", 503, 0.1, seed=SEED)
        proxy.reset(0.1, seed=SEED)
        # AWS answered, but the answer never arrived: a read is simply asked again.
        proxy.lose_answer(0.05, seed=SEED)

    async with loaded_with_faults(world, demo_server, proxy, faults):
        pass
    kinds = proxy.faults
    print(f"faults: {dict(kinds)} in {len(proxy.requests)} requests")
    assert kinds[ERROR] >= 2 and kinds[RESET] and kinds[LOST_ANSWER]
