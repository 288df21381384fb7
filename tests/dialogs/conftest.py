"""Fixtures and helpers for driving the action dialogs through the real app on the demo world."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Static

from amiexplorer.aws.account import Account
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.demo import DemoServer, RecordedRequest
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from tests.conftest import ec2_witness
from tests.functional.conftest import make_app, screen_text, settle, visible_ids

__all__ = ["make_app"]  # the fixture, shared with the functional tests

#: How long the action flow may take to show its next dialog (DryRun, execution).
WAIT_SECONDS = 20


@pytest.fixture(autouse=True)
def _no_background_sharing_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the explorer's background pass over every image's and snapshot's sharing.

    It costs ~115 calls (seconds) per app start, and none of these tests is about it: the
    share dialog reads the sharing it shows itself.
    """

    async def nothing(self: Account, limit: int = 0) -> AsyncIterator[Image | Snapshot]:
        for resource in ():
            yield resource

    monkeypatch.setattr(Account, "enrich", nothing)


def ec2(server: DemoServer, region: str) -> Any:
    """A boto3 EC2 client of the demo world: the witness of what the app changed."""
    return ec2_witness(server, region)


async def goto(pilot: Pilot[Any], pane: str, resource_id: str) -> None:
    """Show `pane` filtered down to one resource, the cursor on it."""
    await pilot.press(pane, "slash", *resource_id[-5:], "enter")
    await pilot.pause()
    assert visible_ids(pilot) == [resource_id]


async def wait_for_screen(pilot: Pilot[Any], kind: type) -> None:
    """Wait (up to WAIT_SECONDS) until the action flow's worker puts a `kind` dialog on top."""
    await settle(pilot)
    for _ in range(int(WAIT_SECONDS / 0.02)):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"no {kind.__name__} on screen:\n{screen_text(pilot)}")


async def confirm(pilot: Pilot[Any], *typed: str) -> str:
    """Confirm the plan (typing what it needs), wait for the flow; the results on screen."""
    await wait_for_screen(pilot, ConfirmDialog)
    await pilot.press(*typed, "ctrl+s")
    await wait_for_screen(pilot, ResultsDialog)
    return screen_text(pilot)


def dialog_text(screen: Screen[Any]) -> str:
    """What a dialog's texts and tick boxes say, unwrapped, blanks and breaks as one space.

    The screen wraps a dialog's long lines inside its border; this reads the same texts
    (the renderables its widgets show) on one line each, so a phrase is found whole.
    """
    console = Console(width=500, file=io.StringIO(), record=True, color_system=None)
    for widget in screen.query("Static, Checkbox"):
        if isinstance(widget, Checkbox):
            console.print(str(widget.label))
        elif isinstance(widget, Static):
            console.print(widget.content)
    return " ".join(console.export_text().split())


def calls(server: DemoServer, action: str) -> list[RecordedRequest]:
    """The requests of `action` the demo server received, oldest first."""
    return [r for r in server.requests if r.action == action]


def assert_dry_run_first(server: DemoServer, action: str, real: int = 1) -> list[RecordedRequest]:
    """A DryRun request of `action`, then `real` real ones; returns the real ones."""
    sent = calls(server, action)
    assert [r.dry_run for r in sent] == [True] + [False] * real, sent
    return sent[1:]
