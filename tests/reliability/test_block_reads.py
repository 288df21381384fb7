"""The block reads behind the proxy: a denied, failing or foreign answer of the EBS direct
APIs leaves the saving at its upper bound, labelled as such, with the reason in words; nothing
raises, nothing is retried for ever, and nothing changes in AWS.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.block_sizes import exclusive_bytes, why_unknown
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest
from amiexplorer.demo import DemoServer, Planted
from tests.reliability.conftest import proxied_settings
from tests.reliability.proxy import BAD_ANSWERS, FaultProxy


async def _account(world: Planted, demo_server: DemoServer, proxy: FaultProxy) -> Account:
    region = world.block_lineage_region
    settings = proxied_settings(proxy, demo_server, regions=(region,), max_attempts=1)
    account = Account(await connect(AwsSession(settings)))
    async for _event in account.load():
        pass
    await account.read_evidence()
    return account


@pytest.fixture
async def denied(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> AsyncIterator[Account]:
    proxy.error("AccessDeniedException", 403, service="ebs", action="ListChangedBlocks")
    account = await _account(world, demo_server, proxy)
    yield account
    await account.close()


async def test_a_denied_read_keeps_the_upper_bound_and_says_why(
    denied: Account, world: Planted, proxy: FaultProxy
) -> None:
    middle = world.block_lineage[1]
    assert await denied.read_blocks([middle]) > 0
    inventory = denied.inventory
    index = inventory.lineages()
    assert exclusive_bytes(middle, index, inventory.blocks) is None
    why = why_unknown(middle, index, inventory.blocks)
    assert why is not None and "ListChangedBlocks" in why and "\n" not in why
    plan = ActionRunner.for_account(denied).plan(DeleteSnapshotsRequest((middle,)))
    assert plan.estimate is not None and plan.estimate.bounded == 1
    assert "saves at most" in plan.estimate.describe()
    assert "an upper bound" in plan.estimate.describe()
    # Once the permission is there, the same reads answer (a failure is not remembered as a fact).
    proxy.clear_rules()
    assert await denied.read_blocks([middle]) == 0
    assert exclusive_bytes(middle, index, inventory.blocks) is not None
    assert not proxy.mutating()


@pytest.mark.parametrize("kind", BAD_ANSWERS)
async def test_an_answer_that_is_not_aws_keeps_the_upper_bound(
    kind: str, world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    account = await _account(world, demo_server, proxy)
    try:
        proxy.bad_answer(kind, service="ebs")
        first = world.block_lineage[0]
        assert await account.read_blocks([first]) > 0
        inventory = account.inventory
        assert exclusive_bytes(first, inventory.lineages(), inventory.blocks) is None
        why = why_unknown(first, inventory.lineages(), inventory.blocks)
        assert why is not None and "Traceback" not in why and "\n" not in why
    finally:
        await account.close()
