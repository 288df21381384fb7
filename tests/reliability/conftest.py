"""Fixtures for the reliability tests: the fault proxy in front of the moto server, and figures.

The proxy starts once per test session (per xdist worker) and is cleared for each test.
Tests add what they measured to `FIGURES`; the terminal summary prints the totals, so
`pytest -n0 -q tests/reliability` shows the figures the reliability issue asks for.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.aws.startup.connect import connect
from amiexplorer.config import Settings
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.demo import DemoServer
from amiexplorer.ui.app import AmiExplorerApp
from tests.conftest import FIXED_NOW, demo_settings
from tests.reliability.proxy import FaultProxy

#: Calls only the inventory loader makes (the watcher and the details pane describe snapshots
#: and images too, in the background, whenever they like).
LOADER_ACTIONS = frozenset(
    {
        "DescribeInstances",
        "DescribeVolumes",
        "DescribeLaunchTemplates",
        "DescribeLaunchTemplateVersions",
        "DescribeLaunchConfigurations",
    }
)

#: What the reliability tests measured in this process (see `record_figures`): counts, and
#: the seconds the random-key runs took.
FIGURES: Counter[str] = Counter()
#: What each random-key harness did, in the order the summary prints (see `record_random_run`).
RANDOM_FIGURES = (
    "keys", "writes", "bursts", "resizes", "resizes_to_20x8", "dialogs_opened",
    "screens_reached", "app_runs", "quits", "crashes", "hangs", "seconds",
)  # fmt: skip
#: Where the figures also go, as JSON, when set (for `bench/random_keys.py`).
FIGURES_FILE = "AMIEXPLORER_RELIABILITY_FIGURES"


def record_figures(**counts: float) -> None:
    """Add to the figures printed at the end of the run (faults, requests, keys, ...)."""
    for name, value in counts.items():
        FIGURES[name] += value  # type: ignore[assignment]  # seconds are not a count


def record_random_run(harness: str, **figures: float) -> None:
    """Add a random-key run's figures (keys, bursts, resizes, ...) to its harness's line.

    Its keys and crashes count in the session's totals too.
    """
    unknown = set(figures) - set(RANDOM_FIGURES)
    assert not unknown, f"not a random-key figure: {sorted(unknown)}"
    record_figures(**{f"random.{harness}.{name}": value for name, value in figures.items()})
    record_figures(keys_pressed=figures.get("keys", 0), crashes=figures.get("crashes", 0))


@pytest.fixture(scope="session")
def fault_proxy(demo_server: DemoServer) -> Iterator[FaultProxy]:
    """The proxy, in front of the session's moto server."""
    proxy = FaultProxy(demo_server.endpoint_url)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def proxy(fault_proxy: FaultProxy) -> Iterator[FaultProxy]:
    """The proxy without rules and with an empty journal; left that way after the test."""
    fault_proxy.clear()
    yield fault_proxy
    record_figures(
        requests=len(fault_proxy.requests),
        **{f"faults.{kind}": n for kind, n in fault_proxy.faults.items()},
    )
    fault_proxy.clear()


async def eventually(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Wait until `condition` holds (checked every 10 ms as the loop runs); fail after `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def proxied_settings(proxy: FaultProxy, server: DemoServer, **overrides: Any) -> ConnectionSettings:
    """Demo-world settings whose every request goes through the proxy."""
    return demo_settings(server, endpoint_url=proxy.endpoint_url, **overrides)


# Figures: printed by the process that writes the terminal summary, xdist or not ----------------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its figures to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability_figures"] = json.dumps(dict(FIGURES))


def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller adds up what each worker measured."""
    output = getattr(node, "workeroutput", {}) or {}
    FIGURES.update(json.loads(output.get("reliability_figures", "{}")))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One section with the figures, when any reliability test ran."""
    if not FIGURES:
        return
    if os.environ.get(FIGURES_FILE):
        with open(os.environ[FIGURES_FILE], "w") as file:
            json.dump(dict(FIGURES), file, indent=1, sort_keys=True)
    terminalreporter.section("reliability figures")
    faults = {k.split(".", 1)[1]: v for k, v in sorted(FIGURES.items()) if k.startswith("faults.")}
    terminalreporter.write_line(
        f"faults injected: {sum(faults.values())} "
        f"({', '.join(f'{k} {v}' for k, v in faults.items()) or 'none'})"
    )
    for name in ("requests", "inventory_differences", "crashes", "keys_pressed"):
        terminalreporter.write_line(f"{name.replace('_', ' ')}: {FIGURES.get(name, 0)}")
    for line in random_run_lines(FIGURES):
        terminalreporter.write_line(line)
    for name, value in sorted(FIGURES.items()):
        if not name.startswith(("faults.", "random.")) and name not in (
            "requests",
            "inventory_differences",
            "crashes",
            "keys_pressed",
        ):
            terminalreporter.write_line(f"{name.replace('_', ' ')}: {value}")


def random_run_lines(figures: Counter[str] | dict[str, float]) -> list[str]:
    """One line per random-key harness: `random keys (pilot, read-only): 1034 keys, ...`."""
    harnesses = sorted({name.split(".")[1] for name in figures if name.startswith("random.")})
    lines = []
    for harness in harnesses:
        parts = []
        for name in RANDOM_FIGURES:
            value = figures.get(f"random.{harness}.{name}")
            if value is not None:
                shown = f"{value:.1f} s" if name == "seconds" else f"{value:g} "
                parts.append(shown if name == "seconds" else shown + name.replace("_", " "))
        lines.append(f"random keys ({harness}): {', '.join(parts)}")
    return lines


# Driving the app through the proxy ----------------------------------------------------------


@pytest.fixture
def no_sharing_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the explorer's background pass over every image's and snapshot's sharing.

    It costs ~115 calls per app start; the tests that use this are about something else.
    """

    async def nothing(self: Account, limit: int = 0) -> AsyncIterator[Image | Snapshot]:
        for resource in ():
            yield resource

    monkeypatch.setattr(Account, "enrich", nothing)


async def proxied_app(
    proxy: FaultProxy,
    server: DemoServer,
    settings: Settings | None = None,
    **overrides: Any,
) -> AmiExplorerApp:
    """The real app over the demo world, every request through the proxy."""
    connection = await connect(AwsSession(proxied_settings(proxy, server, **overrides)))
    return AmiExplorerApp(Account(connection), settings, clock=lambda: FIXED_NOW)
