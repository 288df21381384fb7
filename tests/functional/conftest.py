"""Fixtures for driving the real app with Pilot against the demo world."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.config import Settings
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.app import AmiExplorerApp
from amiexplorer.ui.screens.explorer import ExplorerScreen
from tests.conftest import FIXED_NOW, demo_settings

AppFactory = Callable[..., Awaitable[AmiExplorerApp]]


@pytest.fixture
def make_app(world: Planted, demo_server: DemoServer) -> AppFactory:
    """Build an app over the demo world; ages are measured from the world's fixed `now`."""

    async def factory(settings: Settings | None = None, **overrides: Any) -> AmiExplorerApp:
        connection = await connect(AwsSession(demo_settings(demo_server, **overrides)))
        return AmiExplorerApp(Account(connection), settings, clock=lambda: FIXED_NOW)

    return factory


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker to finish and every message they posted to be handled."""
    for _ in range(2):
        # The watcher polls pending work for as long as AWS works on it (with the demo's
        # clock frozen, for ever): wait for every other worker.
        # An action's worker waits on its dialogs; tests wait for those with `until`.
        workers = [w for w in pilot.app.workers if w.group not in ("watch", "action")]
        # A worker replaced by a newer one (exclusive groups) counts as finished. (An empty
        # list would mean "every worker" to wait_for_complete.)
        if workers:
            with contextlib.suppress(WorkerCancelled):
                try:
                    await asyncio.wait_for(pilot.app.workers.wait_for_complete(workers), 30)
                except TimeoutError:
                    running = [w.name for w in workers if w.is_running]
                    raise AssertionError(f"workers still running after 30 s: {running}") from None
        await pilot.pause()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 20) -> None:
    """Wait for `condition` (for instance a dialog on screen), checking as the app runs."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def until_screen(pilot: Pilot[Any], kind: type) -> None:
    """Wait until the top screen is a `kind` (a dialog the action flow opens)."""
    await settle(pilot)
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))


def explorer(pilot: Pilot[Any]) -> ExplorerScreen:
    """The explorer screen under test."""
    screen = pilot.app.screen
    assert isinstance(screen, ExplorerScreen), screen
    return screen


async def open_audit(pilot: Pilot[Any]) -> ExplorerScreen:
    """Once the load is over, the Audit pane (`6`) with its report made."""
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    return explorer(pilot)


def visible_ids(pilot: Pilot[Any]) -> list[str]:
    """The ids of the rows the resource table shows, in order."""
    return [row.id for row in explorer(pilot).table.model.rows]


def screen_text(pilot: Pilot[Any]) -> str:
    """Everything on screen as plain text, line by line: what a person would read."""
    app = pilot.app
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()
