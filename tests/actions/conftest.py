"""Fixtures for the action runner and the watcher: a loaded account, a log, a steppable clock."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.aws.watch import BackoffSchedule, Watcher, WatchEvent
from amiexplorer.demo import (
    DEMO_ACCOUNT_ID,
    DemoServer,
    ManualClock,
    Planted,
    RecordedRequest,
    disable_pending,
    freeze_clock,
    seed_world,
    set_clock,
)
from amiexplorer.demo import pending as demo_pending
from tests.conftest import FIXED_NOW, demo_settings

#: Every EC2 action the runner may send; none of them may appear in read-only runs.
MUTATING_ACTIONS = frozenset(
    {
        "CreateImage",
        "CreateSnapshot",
        "CreateSnapshots",
        "CreateVolume",
        "CopyImage",
        "CopySnapshot",
        "ModifyImageAttribute",
        "ModifySnapshotAttribute",
        "ResetImageAttribute",
        "ResetSnapshotAttribute",
        "DeleteSnapshot",
        "DeregisterImage",
        "DeleteVolume",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the `regions` marker."""
    config.addinivalue_line(
        "markers", "regions(*names): the regions the `loaded` account loads (default: all)"
    )


@pytest.fixture
def clock(world: Planted) -> Iterator[ManualClock]:
    """A manual clock for pending progress, from where the frozen world clock stands.

    API-created snapshots stay pending 8 s, images 12 s and copies 20 s of this clock.
    """
    manual = ManualClock(start=demo_pending.now())
    set_clock(manual)
    demo_pending.enable_pending(snapshot_seconds=8, image_seconds=12, copy_seconds=20)
    yield manual
    set_clock(None)


async def _account(server: DemoServer, **overrides: Any) -> Account:
    # One attempt per call: an injected failure is reported at once.
    connection = await connect(AwsSession(demo_settings(server, max_attempts=1, **overrides)))
    account = Account(connection)
    async for _event in account.load():
        pass
    assert not account.inventory.errors
    # DLM policies and SSM parameters: the deletion guards refuse what they cannot rule out.
    await account.read_evidence()
    assert not account.inventory.evidence.problems()
    return account


@pytest.fixture
async def loaded(
    request: pytest.FixtureRequest, world: Planted, demo_server: DemoServer, clock: ManualClock
) -> AsyncIterator[Account]:
    """A connected, loaded account over a fresh demo world; requests cleared after load.

    A `regions` marker narrows what is loaded: each region costs moto a few hundred ms.
    """
    marker = request.node.get_closest_marker("regions")
    overrides = {"regions": tuple(marker.args)} if marker is not None else {}
    account = await _account(demo_server, **overrides)
    demo_server.clear_requests()
    yield account
    await account.close()


# A world shared by the tests of one module that never change AWS (refusals, invalid input,
# read-only): seeding and loading once instead of per test keeps the suite fast. Modules
# using it mark themselves `pytest.mark.asyncio(loop_scope="module")` and never use `world`.


STILL_REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture(scope="module")
def still_world(demo_server: DemoServer) -> Iterator[Planted]:
    """A seeded demo world for a whole module whose tests change nothing in AWS."""
    demo_server.reset()
    planted = seed_world(now=FIXED_NOW)
    freeze_clock()
    yield planted
    disable_pending()
    demo_server.clear_faults()
    demo_server.clear_requests()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def still_account(still_world: Planted, demo_server: DemoServer) -> AsyncIterator[Account]:
    """A loaded account over `still_world` (two regions: enough for every refusal)."""
    account = await _account(demo_server, regions=STILL_REGIONS)
    yield account
    await account.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def still_read_only_account(
    still_world: Planted, demo_server: DemoServer
) -> AsyncIterator[Account]:
    """A loaded read-only account over `still_world`."""
    account = await _account(demo_server, read_only=True, regions=STILL_REGIONS)
    assert account.read_only
    yield account
    await account.close()


@pytest.fixture
def still_runner(
    still_account: Account, action_log: ActionLog, demo_server: DemoServer
) -> ActionRunner:
    """A runner over `still_account`, with the recorded requests cleared."""
    demo_server.clear_requests()
    demo_server.clear_faults()
    return ActionRunner.for_account(still_account, log=action_log)


@pytest.fixture
def action_log(tmp_path: Path) -> ActionLog:
    """An action log in a temporary directory."""
    return ActionLog(tmp_path / "state" / "actions.jsonl")


@pytest.fixture
def runner(loaded: Account, action_log: ActionLog) -> ActionRunner:
    """The runner over the loaded account, logging to the temporary log."""
    return ActionRunner.for_account(loaded, log=action_log)


def log_lines(log: ActionLog) -> list[dict[str, Any]]:
    """The log's lines parsed, after checking the file is readable by its owner only."""
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    return [json.loads(line) for line in log.path.read_text().splitlines()]


def assert_logged(
    log: ActionLog, action: str, resource_id: str, outcome: str = "done"
) -> dict[str, Any]:
    """The log line of `action` on `resource_id` with `outcome`, its common fields checked."""
    lines = [
        line
        for line in log_lines(log)
        if line["action"] == action
        and resource_id in line["resource_ids"]
        and line["outcome"] == outcome
    ]
    assert lines, f"no {outcome} line for {action} on {resource_id}"
    line = lines[-1]
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)
    assert line["account"] == DEMO_ACCOUNT_ID
    assert line["region"] and isinstance(line["parameters"], dict) and line["message"]
    assert line["dry_run"] is outcome.startswith("dry-run")
    return line


def calls(server: DemoServer, action: str, *, dry_run: bool | None = None) -> list[RecordedRequest]:
    """The recorded requests for `action` (only DryRun ones, or only real ones, if asked)."""
    return [
        r
        for r in server.requests
        if r.action == action and (dry_run is None or r.dry_run == dry_run)
    ]


def assert_preflight_first(server: DemoServer, action: str) -> None:
    """A DryRun of `action` was recorded, before the first real call of it."""
    recorded = [r for r in server.requests if r.action == action]
    assert recorded, f"no {action} request recorded"
    assert recorded[0].dry_run, f"the first {action} request was not a DryRun"
    assert any(not r.dry_run for r in recorded), f"no real {action} request recorded"


def stepping_watcher(
    account: Account, clock: ManualClock, *, first: float = 2.0
) -> tuple[Watcher, list[float]]:
    """A watcher whose sleep steps the demo clock instead of waiting; also the sleeps it made."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    watcher = Watcher(
        account.pool,
        account.identity.account_id,
        inventory=account.inventory,
        schedule=BackoffSchedule(first=first, factor=1.5, maximum=60.0),
        sleep=sleep,
        clock=clock,
    )
    return watcher, slept


async def follow(watcher: Watcher, limit: int = 200) -> list[WatchEvent]:
    """Every event until nothing is pending (at most `limit`, so a bug cannot hang a test)."""
    events: list[WatchEvent] = []
    async for event in watcher.events():
        events.append(event)
        assert len(events) < limit, "the watcher never finished"
    return events


def plain_orphans_in(world: Planted, region: str) -> list[str]:
    """Snapshots of deleted volumes in `region` that a delete meets nothing at (no lock...)."""
    plain = world.plain_orphans & world.orphan_snapshots_deleted_volume
    return sorted(s for s in plain if world.region_of[s] == region)
