"""Fixtures for the demo world's own tests: a server, a seeded world, clients, a manual clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config

from amiexplorer.demo import (
    DEMO_CREDENTIALS,
    DemoServer,
    ManualClock,
    Planted,
    disable_pending,
    seed_world,
    set_clock,
)

#: Every demo test seeds relative to this instant.
NOW = datetime(2026, 11, 20, tzinfo=UTC)

ClientFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def live_server() -> Iterator[DemoServer]:
    """One demo server for the demo tests, on a free port."""
    server = DemoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """A manual clock driving pending progress (installed before seeding)."""
    manual = ManualClock()
    set_clock(manual)
    yield manual
    set_clock(None)


@pytest.fixture
def seeded(live_server: DemoServer, clock: ManualClock) -> Iterator[Planted]:
    """A freshly reset and seeded world; faults, requests and pending mode cleared afterwards."""
    live_server.reset()
    set_clock(clock)  # reset() restores the real clock
    started = time.perf_counter()
    planted = seed_world(now=NOW)
    print(f"seed_world took {1000 * (time.perf_counter() - started):.1f} ms")
    yield planted
    disable_pending()
    live_server.clear_faults()
    live_server.clear_requests()


@pytest.fixture(scope="session")
def client(live_server: DemoServer) -> ClientFactory:
    """boto3 clients for the demo server, made once each: ``client("ec2", "eu-west-1")``."""
    access_key, secret_key = DEMO_CREDENTIALS
    made: dict[tuple[str, str], Any] = {}

    def make(service: str, region: str = "us-east-1") -> Any:
        if (service, region) not in made:
            made[service, region] = boto3.client(
                service,
                endpoint_url=live_server.endpoint_url,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                # No retries: an injected fault must surface at once.
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
        return made[service, region]

    return make
