"""Fixtures for the second world: an unpatched moto server (a child process) and its seeding.

One server per test session (per xdist worker), reset and reseeded for each test that asks
for `unpatched_world`. The app reaches it exactly as it reaches AWS: aiobotocore over HTTP,
fake keys, `endpoint_url`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.aws.startup.connect import connect
from amiexplorer.config import Settings
from amiexplorer.core.tuning import Thresholds
from amiexplorer.ui.app import AmiExplorerApp
from tests.data.test_bad_starts import FAKE_KEYS, sealed
from tests.unpatched.server import UnpatchedMoto
from tests.unpatched.world import REGIONS, Truth, seed_unpatched_world

#: How long one `amiexplorer audit` of the world may take before the test gives up on it.
CLI_DEADLINE = 240.0


@pytest.fixture(scope="session")
def unpatched_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnpatchedMoto]:
    """`python -m moto.server` on a free loopback port, for the whole session."""
    server = UnpatchedMoto(tmp_path_factory.mktemp("unpatched-moto"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def unpatched_world(unpatched_server: UnpatchedMoto) -> Truth:
    """The server reset and the world planted afresh; what was planted."""
    unpatched_server.reset()
    return seed_unpatched_world(unpatched_server.endpoint_url)


def unpatched_settings(server: UnpatchedMoto, **overrides: Any) -> ConnectionSettings:
    """Settings that reach the unpatched server with fake keys, in the world's regions."""
    values: dict[str, Any] = {
        "regions": REGIONS,
        "endpoint_url": server.endpoint_url,
        "access_key_id": FAKE_KEYS["AWS_ACCESS_KEY_ID"],
        "secret_access_key": FAKE_KEYS["AWS_SECRET_ACCESS_KEY"],
    }
    values.update(overrides)
    return ConnectionSettings(**values)


#: The world is seeded just before each test: no grace period, or nothing would be a leftover.
NO_GRACE = Settings(thresholds=Thresholds(grace_hours=0))


async def unpatched_app(server: UnpatchedMoto, **overrides: Any) -> AmiExplorerApp:
    """The real app over the unpatched world (read-only: these tests change nothing)."""
    overrides.setdefault("read_only", True)
    connection = await connect(AwsSession(unpatched_settings(server, **overrides)))
    return AmiExplorerApp(Account(connection), NO_GRACE)


def audit_argv(server: UnpatchedMoto, output: Path, *extra: str) -> list[str]:
    """`amiexplorer audit` of every region of the world, as JSON into `output`."""
    regions = [flag for region in REGIONS for flag in ("--region", region)]
    return [
        "audit",
        "--endpoint-url",
        server.endpoint_url,
        *regions,
        "--format",
        "json",
        "--output",
        str(output),
        "--grace-hours",
        "0",
        *extra,
    ]


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m amiexplorer ARGS` as a person runs it: sealed environment, fake keys."""
    return subprocess.run(
        [sys.executable, "-m", "amiexplorer", *args],
        env=sealed(tmp_path, FAKE_KEYS),
        capture_output=True,
        text=True,
        timeout=CLI_DEADLINE,
        stdin=subprocess.DEVNULL,
    )


def read_report(result: subprocess.CompletedProcess[str], output: Path) -> dict[str, Any]:
    """The JSON report of a finished audit, after the checks every run must pass."""
    assert result.returncode in (1, 2), (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for line in result.stderr.splitlines():
        assert line.startswith("amiexplorer: "), line
    assert output.exists(), result.stderr[-3000:]
    report: dict[str, Any] = json.loads(output.read_text())
    return report


def finding_ids(report: dict[str, Any], code: str) -> set[str]:
    """The resource ids of the report's findings of one code."""
    return {f["resource_id"] for f in report["findings"] if f["code"] == code}
