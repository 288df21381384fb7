"""Shared fixtures: one moto server for the whole session, reset and reseeded per test.

The environment is sealed first: no test may read a developer's AWS config, use their
credentials, or reach an instance-metadata service.
"""

from __future__ import annotations

import os
import tempfile

# Before anything imports botocore or moto.
_SEALED = tempfile.mkdtemp(prefix="amiexplorer-tests-")
for _name in list(os.environ):
    if _name.startswith("AWS_"):
        del os.environ[_name]
os.environ.update(
    {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(_SEALED, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(_SEALED, "credentials"),
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
        "XDG_CONFIG_HOME": os.path.join(_SEALED, "xdg-config"),
        "XDG_STATE_HOME": os.path.join(_SEALED, "xdg-state"),
    }
)

from collections.abc import AsyncIterator, Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from amiexplorer.aws.account import Account  # noqa: E402
from amiexplorer.aws.session import AwsSession, ConnectionSettings  # noqa: E402
from amiexplorer.aws.startup.connect import connect  # noqa: E402
from amiexplorer.demo import (  # noqa: E402
    DEMO_CREDENTIALS,
    DEMO_REGIONS,
    DemoServer,
    Planted,
    disable_pending,
    freeze_clock,
    seed_world,
)

#: The demo world is seeded relative to this instant in tests, so dates and ids never drift.
FIXED_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The moto server, started once for the whole test session on a free loopback port."""
    server = DemoServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world(demo_server: DemoServer) -> Iterator[Planted]:
    """A freshly reset and reseeded demo world; returns what was planted."""
    demo_server.reset()
    planted = seed_world(now=FIXED_NOW)
    # Planted pending work stays where it is (35%, 40%) unless a test moves the clock.
    freeze_clock()
    yield planted
    disable_pending()
    demo_server.clear_faults()
    demo_server.clear_requests()


def ec2_witness(server: DemoServer, region: str) -> Any:
    """A boto3 EC2 client of the demo world: the witness of what the app changed."""
    import boto3

    access_key, secret_key = DEMO_CREDENTIALS
    return boto3.client(
        "ec2",
        region_name=region,
        endpoint_url=server.endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
    )


def demo_settings(server: DemoServer, **overrides: object) -> ConnectionSettings:
    """Connection settings that reach the demo server like any endpoint."""
    access_key, secret_key = DEMO_CREDENTIALS
    values: dict[str, object] = {
        "regions": DEMO_REGIONS,
        "endpoint_url": server.endpoint_url,
        "access_key_id": access_key,
        "secret_access_key": secret_key,
    }
    values.update(overrides)
    return ConnectionSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def account(world: Planted, demo_server: DemoServer) -> AsyncIterator[Account]:
    """A connected, not yet loaded account over the demo world."""
    connection = await connect(AwsSession(demo_settings(demo_server)))
    acc = Account(connection)
    yield acc
    await acc.close()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
