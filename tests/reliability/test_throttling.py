"""Throttling, server errors and cut connections on a share of requests lose nothing.

botocore's retry mode, configured once in amiexplorer/aws/session.py, is all that rides them
out: the loaded inventory must equal the truth, field for field.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from amiexplorer.aws.account import Account
from amiexplorer.aws.connect import connect
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import demo_settings
from tests.reliability.conftest import proxied_settings, record_figures
from tests.reliability.proxy import ERROR, LOST_ANSWER, RESET, THROTTLE, FaultProxy
from tests.reliability.truth import inventory_differences, planted_differences

#: Which requests get the faults (the same ones on every run).
SEED = int(os.environ.get("AMIEXPLORER_FAULT_SEED", "3"))


async def connected(settings: ConnectionSettings) -> Account:
    """A connected account, nothing loaded yet."""
    return Account(await connect(AwsSession(settings)))


async def load_all(account: Account) -> Account:
    """Load every region of `account`."""
    async for _event in account.load():
        pass
    return account


async def assert_loads_the_truth(
    world: Planted, server: DemoServer, proxy: FaultProxy, faults: Callable[[], object]
) -> None:
    """With `faults` added after connecting, a load through the proxy equals the truth.

    The truth is the planted world and, field for field, a load that met no fault.
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
    finally:
        await faulted.close()
        await clean.close()


async def test_thirty_percent_of_answers_throttled_still_load_the_truth(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    await assert_loads_the_truth(world, demo_server, proxy, lambda: proxy.throttle(0.3, seed=SEED))
    requests = [r for r in proxy.requests if r.action.startswith("Describe")]
    throttled = [r for r in requests if r.fault == THROTTLE]
    # The rule throttles each attempt with probability 0.3; on ~40 requests that leaves
    # a few points either way (printed with -s).
    print(f"throttled {len(throttled)} of {len(requests)} Describe requests")
    assert 0.2 <= len(throttled) / len(requests) <= 0.4
    assert len({r.region for r in throttled}) >= 3


async def test_server_errors_and_cut_connections_still_load_the_truth(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    def faults() -> None:
        proxy.error("InternalError", 500, 0.1, seed=SEED)
        proxy.error("Unavailable", 503, 0.1, seed=SEED)
        proxy.reset(0.1, seed=SEED)
        # AWS answered, but the answer never arrived: a read is simply asked again.
        proxy.lose_answer(0.05, seed=SEED)

    await assert_loads_the_truth(world, demo_server, proxy, faults)
    kinds = proxy.faults
    print(f"faults: {dict(kinds)} in {len(proxy.requests)} requests")
    assert kinds[ERROR] >= 2 and kinds[RESET] and kinds[LOST_ANSWER]
