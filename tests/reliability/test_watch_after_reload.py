"""The watcher after a reload: trouble from before the user's fix is not reported as news.

A poll that left before the user pressed r (perhaps signed with the credentials they have
just renewed) and failed says nothing about now: the watcher polls again at once instead of
putting "expired, retrying in 60 s" in the status line over a load that went well.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.aws.watch import PollFailed, ResourceUpdated, Watcher
from amiexplorer.demo import DemoServer, Planted
from tests.reliability.conftest import eventually, proxied_settings
from tests.reliability.proxy import FaultProxy


@pytest.fixture
async def loaded(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> AsyncIterator[tuple[Account, str]]:
    """The region of a pending snapshot, loaded through the proxy; and that region."""
    region = world.region_of[sorted(world.pending_snapshots)[0]]
    settings = proxied_settings(proxy, demo_server, regions=(region,), max_attempts=1)
    account = Account(await connect(AwsSession(settings)))
    async for _event in account.load():
        pass
    assert not account.inventory.errors
    yield account, region
    await account.close()


async def never_sleep(seconds: float) -> None:
    raise AssertionError(f"the watcher waited {seconds} s instead of polling at once")


async def failed_poll(
    watcher: Watcher, region: str, proxy: FaultProxy, *, reload_meanwhile: bool
) -> list[PollFailed]:
    """One poll of `region` that AWS refuses; with the user's reload while it is in flight."""
    sent = len(proxy.requests)
    poll = asyncio.ensure_future(watcher.poll_region(region))
    # The proxy holds the request a while before AWS refuses it: the reload lands in between.
    await eventually(lambda: any(r.action == "DescribeSnapshots" for r in proxy.requests[sent:]))
    assert not poll.done()
    if reload_meanwhile:
        watcher.poll_now()
    return [e for e in await poll if isinstance(e, PollFailed)]


async def test_a_poll_that_fails_across_a_reload_is_asked_again_not_reported(
    loaded: tuple[Account, str], demo_server: DemoServer, proxy: FaultProxy
) -> None:
    account, region = loaded
    watcher = Watcher(account.pool, account.identity.account_id, sleep=never_sleep)
    assert watcher.track_pending(account.inventory)
    demo_server.fail_region(region, "AuthFailure", 401)
    proxy.slow(1.0, action="DescribeSnapshots")

    # Without a reload, the failure is the news: reported, with when it is tried again.
    failures = await failed_poll(watcher, region, proxy, reload_meanwhile=False)
    assert failures  # one per kind followed there
    assert all(f.region == region and f.code == "AuthFailure" for f in failures)
    assert all(f.retry_in > 0 for f in failures)

    # With one, it is not: the user acted on it after the request left.
    assert await failed_poll(watcher, region, proxy, reload_meanwhile=True) == []

    # The fix worked: the next poll goes out at once (the sleep would fail the test) and
    # tells what AWS says now.
    demo_server.clear_faults()
    proxy.clear_rules()
    event = await anext(watcher.events())
    assert isinstance(event, ResourceUpdated) and event.resource.region == region
