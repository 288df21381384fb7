"""A call that outlives its total deadline ends in its region's error, in the load and the audit.

The proxy answers one action of one region later than the call deadline but well within the
read timeout: only the total deadline can end it (botocore's own timeouts never would).
"""

from __future__ import annotations

import asyncio

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import AuditOptions, run_audit
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.demo import DemoServer, Planted
from tests.reliability.conftest import proxied_settings
from tests.reliability.proxy import FaultProxy
from tests.reliability.truth import planted_differences

#: The call deadline of these tests; the slow answer comes well after it.
DEADLINE = 1.0
WORDS = (
    "DescribeVolumes got no complete answer in eu-west-1 within 1 s, every retry included: "
    "the EC2 endpoint is stalled or very slow"
)


async def test_a_call_past_its_deadline_is_its_regions_error_in_the_load(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    settings = proxied_settings(proxy, demo_server, call_timeout=DEADLINE, read_timeout=30)
    account = Account(await connect(AwsSession(settings)))
    try:
        proxy.slow(5.0, region="eu-west-1", action="DescribeVolumes")
        async with asyncio.timeout(30):  # a hang fails here, with a clear message
            async for _event in account.load():
                pass
        errors = account.inventory.errors
        assert [(e.region, e.message.split(" (raise")[0]) for e in errors] == [("eu-west-1", WORDS)]
        others = [d for d in planted_differences(account.inventory, world) if "eu-west-1" not in d]
        assert others == []
    finally:
        await account.close()


async def test_a_call_past_its_deadline_makes_the_audit_incomplete_not_hung(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    settings = proxied_settings(proxy, demo_server, call_timeout=DEADLINE, read_timeout=30)
    account = Account(await connect(AwsSession(settings)))
    try:
        proxy.slow(5.0, region="eu-west-1", action="DescribeVolumes")
        async with asyncio.timeout(60):
            report = await run_audit(account, AuditOptions(sharing_limit=0))
        assert report.failed
        assert [e.region for e in report.errors] == ["eu-west-1"]
        assert WORDS in report.errors[0].error
    finally:
        await account.close()
