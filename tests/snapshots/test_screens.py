"""Snapshot tests of every main screen at 120x36 and 80x24 (pytest-textual-snapshot).

The demo world is seeded at a fixed instant and the app's clock is pinned to it, pending
progress is frozen, and moto's ids are seeded: the same pixels every run. Review the report
(`pytest --snapshot-report`) before accepting a changed snapshot with `--snapshot-update`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.app import AmiExplorerApp, Opening
from amiexplorer.ui.screens.connecting import ConnectingScreen
from screenshots.scenes import DIALOG_SCENES, SCENES, SIZES
from tests.conftest import FIXED_NOW, demo_settings
from tests.functional.conftest import settle, until

SIZE_PARAMS = [pytest.param(size, id=f"{size[0]}x{size[1]}") for size in SIZES]
DEMO_LABEL = "demo world (moto, on this machine)"


def build_app(server: DemoServer) -> AmiExplorerApp:
    """An app over the demo world, labelled like `amiexplorer --demo` labels it."""
    settings = demo_settings(server, endpoint_label=DEMO_LABEL)
    connection = asyncio.run(connect(AwsSession(settings)))
    return AmiExplorerApp(Account(connection), clock=lambda: FIXED_NOW)


def keys(*pressed: str, dialog: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the load to finish, then press `pressed` and wait again (for `dialog`)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if pressed:
            await pilot.press(*pressed)
            if dialog is not None:
                await until(pilot, lambda: type(pilot.app.screen).__name__ == dialog)
            await settle(pilot)

    return run_before


SCREENS = {name: keys(*pressed, dialog=DIALOG_SCENES.get(name)) for name, pressed in SCENES.items()}


@pytest.mark.parametrize("size", SIZE_PARAMS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    screen: str,
    size: tuple[int, int],
    snap_compare: Any,
    world: Planted,
    demo_server: DemoServer,
) -> None:
    assert snap_compare(build_app(demo_server), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZE_PARAMS)
def test_connecting_screen(size: tuple[int, int], snap_compare: Any) -> None:
    """The first frame, while the start-up checks run (here: for ever)."""

    async def never_answers() -> Account:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    opening = Opening(never_answers, what="profile prod", read_only=True)
    app = AmiExplorerApp(opening=opening, clock=lambda: FIXED_NOW)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConnectingScreen))

    assert snap_compare(app, terminal_size=size, run_before=run_before)
