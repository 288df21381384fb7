"""The inventory loader against the moto server, over real HTTP."""

from __future__ import annotations

import math

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.loader import PageSizes
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.inventory import (
    InventoryEvent,
    PageLoaded,
    RegionFinished,
    RegionStarted,
    RegionState,
)
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DEMO_ACCOUNT_ALIAS, DEMO_ACCOUNT_ID, DemoServer, Planted
from tests.conftest import demo_settings


async def load_all(account: Account) -> list[InventoryEvent]:
    """Load every region, returning the events in the order they arrived."""
    return [event async for event in account.load()]


def ids(account: Account, kind: ResourceKind, region: str) -> set[str]:
    return {r.id for r in account.inventory.in_region(kind, region)}


async def test_identity_has_account_alias_and_caller(account: Account) -> None:
    identity = account.identity
    assert identity.account_id == DEMO_ACCOUNT_ID
    assert identity.account_alias == DEMO_ACCOUNT_ALIAS
    assert identity.arn.startswith(f"arn:aws:sts::{DEMO_ACCOUNT_ID}:")
    assert identity.account_label == f"{DEMO_ACCOUNT_ID} ({DEMO_ACCOUNT_ALIAS})"


async def test_every_region_loads_exactly_what_was_planted(
    account: Account, world: Planted
) -> None:
    await load_all(account)
    inventory = account.inventory
    assert inventory.is_complete and not inventory.errors
    for region in world.regions:
        assert inventory.regions[region].state is RegionState.LOADED
        assert ids(account, ResourceKind.INSTANCE, region) == set(world.instances.get(region, ()))
        assert ids(account, ResourceKind.VOLUME, region) == set(world.volumes.get(region, ()))
        assert ids(account, ResourceKind.SNAPSHOT, region) == set(world.snapshots.get(region, ()))
        owned = {i.id for i in inventory.in_region(ResourceKind.IMAGE, region) if i.owned}
        assert owned == set(world.images.get(region, ()))
        templates = {
            v.launch_template_id
            for v in inventory.in_region(ResourceKind.LAUNCH_TEMPLATE_VERSION, region)
        }
        assert templates == set(world.launch_templates.get(region, ()))
        configurations = {
            c.name for c in inventory.in_region(ResourceKind.LAUNCH_CONFIGURATION, region)
        }
        assert configurations == set(world.launch_configurations.get(region, ()))
        # The per-region counts the regions pane shows agree with the rows.
        status = inventory.regions[region]
        assert status.counts[ResourceKind.SNAPSHOT] == len(world.snapshots.get(region, ()))


async def test_regions_load_concurrently(account: Account) -> None:
    events = await load_all(account)
    starts = [i for i, e in enumerate(events) if isinstance(e, RegionStarted)]
    finishes = [i for i, e in enumerate(events) if isinstance(e, RegionFinished)]
    assert len(starts) == len(finishes) == len(account.region_names)
    # Every region was under way before the first one finished.
    assert max(starts) < min(finishes)
    # And rows streamed: pages arrived before the last region finished.
    first_page = next(i for i, e in enumerate(events) if isinstance(e, PageLoaded) and e.items)
    assert first_page < max(finishes)


async def test_region_concurrency_is_bounded(world: Planted, demo_server: DemoServer) -> None:
    connection = await connect(AwsSession(demo_settings(demo_server)))
    account = Account(connection, region_concurrency=1)
    try:
        events = await load_all(account)
    finally:
        await account.close()
    # With one region at a time, each region starts only after the previous one finished.
    order = [type(e) for e in events if isinstance(e, RegionStarted | RegionFinished)]
    assert order == [RegionStarted, RegionFinished] * len(world.regions)


async def test_pagination_follows_every_page(world: Planted, demo_server: DemoServer) -> None:
    connection = await connect(AwsSession(demo_settings(demo_server)))
    account = Account(connection, page_sizes=PageSizes(instances=5, launch_templates=5))
    demo_server.clear_requests()
    try:
        events = await load_all(account)
    finally:
        await account.close()
    region = max(world.regions, key=lambda r: len(world.instances.get(r, ())))
    expected = len(world.instances[region])
    assert expected > 10, "the busiest region should need several pages of 5"
    pages = [
        e
        for e in events
        if isinstance(e, PageLoaded) and e.region == region and e.kind is ResourceKind.INSTANCE
    ]
    # moto pages by reservation (up to 5 per page here), and some hold several instances.
    assert len(pages) >= math.ceil(expected / 5) - 1 >= 2
    assert sum(len(p.items) for p in pages) == expected
    calls = [
        r for r in demo_server.requests if r.action == "DescribeInstances" and r.region == region
    ]
    assert len(calls) == len(pages)
    assert ids(account, ResourceKind.INSTANCE, region) == set(world.instances[region])


async def test_a_failing_region_never_stops_the_others(
    world: Planted, demo_server: DemoServer
) -> None:
    demo_server.fail_region("eu-west-1", "AuthFailure", 401)
    demo_server.fail_region("ap-southeast-2", "OptInRequired", 403)
    connection = await connect(AwsSession(demo_settings(demo_server, regions=world.regions)))
    account = Account(connection)
    try:
        await load_all(account)
    finally:
        await account.close()
    inventory = account.inventory
    failed = inventory.regions["eu-west-1"]
    assert failed.state is RegionState.FAILED
    assert failed.errors[0].code == "AuthFailure"
    assert "rejected the credentials in eu-west-1" in (failed.error_message or "")
    opt_in = inventory.regions["ap-southeast-2"]
    assert opt_in.state is RegionState.FAILED
    assert "has not enabled ap-southeast-2" in (opt_in.error_message or "")
    for region in ("us-east-1", "us-west-2"):
        assert inventory.regions[region].state is RegionState.LOADED
        assert ids(account, ResourceKind.SNAPSHOT, region) == set(world.snapshots[region])
        assert ids(account, ResourceKind.INSTANCE, region) == set(world.instances[region])


async def test_a_missing_permission_fails_only_that_kind(
    world: Planted, demo_server: DemoServer
) -> None:
    demo_server.deny("DescribeSnapshots", "us-west-2")
    connection = await connect(AwsSession(demo_settings(demo_server)))
    account = Account(connection)
    try:
        await load_all(account)
    finally:
        await account.close()
    status = account.inventory.regions["us-west-2"]
    assert status.state is RegionState.FAILED
    assert [e.message for e in status.errors] == [
        "you lack ec2:DescribeSnapshots in us-west-2 (UnauthorizedOperation)"
    ]
    assert ids(account, ResourceKind.INSTANCE, "us-west-2") == set(world.instances["us-west-2"])
    assert ids(account, ResourceKind.SNAPSHOT, "us-west-2") == set()
    assert account.inventory.regions["us-east-1"].state is RegionState.LOADED


@pytest.mark.parametrize("action", ["DescribeLaunchTemplates", "DescribeLaunchTemplateVersions"])
async def test_a_denied_launch_template_call_names_its_own_permission(
    world: Planted, demo_server: DemoServer, action: str
) -> None:
    # One loader step makes both calls: the message names the one that was refused.
    demo_server.deny(action, "us-east-1")
    account = Account(await connect(AwsSession(demo_settings(demo_server))))
    try:
        await load_all(account)
    finally:
        await account.close()
    errors = account.inventory.regions["us-east-1"].errors
    assert [(e.operation, e.message) for e in errors] == [
        (action, f"you lack ec2:{action} in us-east-1 (UnauthorizedOperation)")
    ]


async def test_an_unreachable_endpoint_is_every_regions_error(
    world: Planted, demo_server: DemoServer, unused_port: int
) -> None:
    connection = await connect(AwsSession(demo_settings(demo_server)))
    # Same identity and regions, but the clients now point at a port nobody listens on.
    from dataclasses import replace

    from amiexplorer.aws.startup.connect import Connection

    url = f"http://127.0.0.1:{unused_port}"
    broken = AwsSession(replace(connection.session.settings, endpoint_url=url, max_attempts=2))
    account = Account(Connection(broken, connection.identity, connection.regions))
    try:
        await load_all(account)
    finally:
        await account.close()
    for region in world.regions:
        status = account.inventory.regions[region]
        assert status.state is RegionState.FAILED
        assert f"endpoint in {region} at {url}" in (status.error_message or "")
        assert (status.error_message or "").startswith("cannot reach the ")


async def test_refresh_keeps_rows_until_the_fresh_copy_arrives(account: Account) -> None:
    await load_all(account)
    before = set(account.inventory.snapshots)
    seen_during: list[int] = []
    async for event in account.load():
        if isinstance(event, PageLoaded):
            seen_during.append(len(account.inventory.snapshots))
    assert seen_during and min(seen_during) == len(before)
    assert set(account.inventory.snapshots) == before
