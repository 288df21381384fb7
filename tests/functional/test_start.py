"""The start: the explorer's frame first, the start-up checks behind it.

`amiexplorer` at a terminal draws `ConnectingScreen` before botocore is even imported, runs the
identity and region checks behind it, then shows the explorer; a bad start ends the app with
exit status 2 and its one line (which the command prints once the terminal is given back).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from functools import partial

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.aws.startup.connect import connect
from amiexplorer.cli.main import open_account
from amiexplorer.demo import DEMO_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.startup import EXIT_BAD_START, StartupError, StartupProgress, Step
from amiexplorer.ui.app import AmiExplorerApp, Opening
from amiexplorer.ui.screens.connecting import ConnectingScreen
from amiexplorer.ui.screens.explorer import ExplorerScreen
from tests.conftest import FIXED_NOW, demo_settings
from tests.functional.conftest import screen_text, settle, until


def test_the_first_frame_needs_no_botocore() -> None:
    """What the command and the app import before the first frame leaves botocore out."""
    probe = (
        "import sys, amiexplorer.cli.main, amiexplorer.ui.app, amiexplorer.ui.screens.connecting\n"
        "print(sorted(m for m in ('botocore', 'aiobotocore', 'aiohttp', 'boto3', 'moto')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


async def test_the_frame_shows_at_once_then_the_account(
    world: Planted, demo_server: DemoServer
) -> None:
    checks_may_answer = asyncio.Event()

    async def opener() -> Account:
        await checks_may_answer.wait()
        return Account(await connect(AwsSession(demo_settings(demo_server, read_only=True))))

    opening = Opening(opener, what="the demo world", endpoint_label="demo", read_only=True)
    app = AmiExplorerApp(opening=opening, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConnectingScreen))
        text = screen_text(pilot)
        assert "Connecting with the demo world" in text
        assert "READ-ONLY" in text
        assert "3 Snapshots" in text  # the explorer's pane bar is already there
        checks_may_answer.set()
        await until(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        await settle(pilot)
        assert app.account.identity.account_id == DEMO_ACCOUNT_ID
        assert DEMO_ACCOUNT_ID in screen_text(pilot)
        assert [s for s in app.screen_stack if isinstance(s, ConnectingScreen)] == []


async def test_a_bad_start_ends_the_app_with_its_one_line() -> None:
    async def opener() -> Account:
        raise StartupError("no AWS credentials found; try `amiexplorer --demo`")

    app = AmiExplorerApp(opening=Opening(opener, what="profile ghost"))
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.startup_failure is not None)
    assert app.return_code == EXIT_BAD_START
    assert app.startup_failure == "no AWS credentials found; try `amiexplorer --demo`"


async def test_a_surprise_while_starting_is_one_line_too() -> None:
    async def opener() -> Account:
        raise OSError("Too many open files")

    app = AmiExplorerApp(opening=Opening(opener, what="profile prod"))
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.startup_failure is not None)
    assert app.return_code == EXIT_BAD_START
    assert app.startup_failure is not None
    assert app.startup_failure.startswith("cannot start: ")
    assert "Too many open files" in app.startup_failure
    assert "\n" not in app.startup_failure


async def test_q_while_connecting_leaves_and_stops_the_checks() -> None:
    stopped = asyncio.Event()

    async def opener() -> Account:
        try:
            await asyncio.Event().wait()  # an endpoint that never answers
        finally:
            stopped.set()
        raise AssertionError("unreachable")

    app = AmiExplorerApp(opening=Opening(opener, what="profile slow"))
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConnectingScreen))
        await pilot.press("q")
        await asyncio.wait_for(stopped.wait(), 10)
    assert app.return_code == 0
    assert app.startup_failure is None


_STS = Step("Checking who you are with STS", "STS", "checking who you are", "check the network")


async def test_the_frame_says_what_it_waits_for_and_for_how_long() -> None:
    now = [1000.0]
    progress = StartupProgress(clock=lambda: now[0])

    async def opener() -> Account:
        progress.start(20)
        with progress.waiting(_STS):
            now[0] += 7
            await asyncio.Event().wait()  # an endpoint that never answers
        raise AssertionError("unreachable")

    app = AmiExplorerApp(opening=Opening(opener, what="profile prod", progress=progress))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "Checking who you are with STS… 7 s" in screen_text(pilot))
        assert "(gives up in 13 s)" in screen_text(pilot)
        now[0] += 5
        await until(pilot, lambda: "Checking who you are with STS… 12 s" in screen_text(pilot))
        assert "(gives up in 8 s)" in screen_text(pilot)
        await pilot.press("q")
    assert app.startup_failure is None


async def test_the_deadline_ends_the_start_with_its_one_line() -> None:
    import socket

    # A listening socket nobody accepts on: the connection opens, no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        chosen = ConnectionSettings(
            endpoint_url=url,
            regions=("eu-west-1",),
            access_key_id="AKIAFAKEFAKEFAKE",
            secret_access_key="fake-secret",
            startup_timeout=0.5,
        )
        progress = StartupProgress()
        opening = Opening(
            partial(open_account, chosen, None, progress), what="these keys", progress=progress
        )
        app = AmiExplorerApp(opening=opening)
        async with app.run_test() as pilot:
            await until(pilot, lambda: app.startup_failure is not None)
    assert app.return_code == EXIT_BAD_START
    assert app.startup_failure is not None
    assert app.startup_failure.startswith(
        "no answer from STS in 0.5 s while checking who you are; check the endpoint "
        f"{url} (--endpoint-url / AWS_ENDPOINT_URL) and the network, or raise [timeouts] startup"
    )
