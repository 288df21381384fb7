"""A region that fails says why in words, the others load in full, and it can be loaded again.

Per-region AuthFailure, OptInRequired and UnauthorizedOperation, and an endpoint that answers
later than the read timeout: each ends in that region's readable error, never in a hang.
"""

from __future__ import annotations

import asyncio
import time

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.inventory import RegionState
from amiexplorer.demo import DemoServer, Planted
from tests.reliability.conftest import LOADER_ACTIONS, proxied_settings, record_figures
from tests.reliability.proxy import SLOW, FaultProxy
from tests.reliability.truth import planted_differences

#: Region -> (code, HTTP status, the words its message must hold).
BROKEN = {
    "us-west-2": ("AuthFailure", 401, "AWS rejected the credentials in us-west-2 (AuthFailure)"),
    "eu-west-1": ("OptInRequired", 403, "the account has not enabled eu-west-1 (OptInRequired)"),
}


async def test_failed_regions_say_why_the_others_load_and_a_retry_loads_just_them(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    account = Account(await connect(AwsSession(proxied_settings(proxy, demo_server))))
    try:
        for region, (code, status, _words) in BROKEN.items():
            proxy.error(code, status, service="ec2", region=region)
        proxy.error(
            "UnauthorizedOperation", 403, region="ap-southeast-2", action="DescribeSnapshots"
        )
        async for _event in account.load():
            pass
        regions = account.inventory.regions
        for region, (_code, _status, words) in BROKEN.items():
            assert regions[region].state is RegionState.FAILED
            (error,) = regions[region].errors
            assert error.message.startswith(words), error.message
        partial = regions["ap-southeast-2"]
        assert partial.state is RegionState.FAILED
        assert [e.message for e in partial.errors] == [
            "you lack ec2:DescribeSnapshots in ap-southeast-2 (UnauthorizedOperation)"
        ]
        # What ap-southeast-2 could load, it shows; us-east-1 is whole.
        assert partial.counts and "us-east-1" not in {e.region for e in account.inventory.errors}
        whole = [d for d in planted_differences(account.inventory, world) if "us-east-1" in d]
        assert whole == []

        # The regions recover; a retry loads only the failed ones.
        proxy.clear_rules()
        before = len(proxy.requests)
        failed = [name for name, status in regions.items() if status.errors]
        async for _event in account.load(regions=failed):
            pass
        assert not account.inventory.errors
        differences = planted_differences(account.inventory, world)
        record_figures(inventory_differences=len(differences), truth_comparisons=1)
        assert differences == []
        retried = {r.region for r in proxy.requests[before:] if r.action in LOADER_ACTIONS}
        assert retried == set(failed) and "us-east-1" not in retried
    finally:
        await account.close()


async def test_an_endpoint_slower_than_the_read_timeout_ends_in_that_regions_error(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    # A timeout with room for a busy CI machine, and an answer well beyond it.
    settings = proxied_settings(proxy, demo_server, read_timeout=1.5, max_attempts=2)
    account = Account(await connect(AwsSession(settings)))
    try:
        proxy.slow(4.0, region="eu-west-1", action="DescribeVolumes")
        started = time.monotonic()
        async with asyncio.timeout(30):  # a hang fails here, with a clear message
            async for _event in account.load():
                pass
        print(f"the slow region reported after {time.monotonic() - started:.1f} s")
        errors = account.inventory.errors
        assert [(e.region, e.message) for e in errors] == [
            ("eu-west-1", "the EC2 endpoint in eu-west-1 stopped answering (read timeout)")
        ]
        assert proxy.faults[SLOW] == 2  # both attempts waited, then gave up
        others = [d for d in planted_differences(account.inventory, world) if "eu-west-1" not in d]
        assert others == []
    finally:
        await account.close()
