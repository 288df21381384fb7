"""Thousands of seeded random keys over every pane and dialog: no crash, no hang, no traceback.

Two app runs, many keys each (an app start costs seconds, a key milliseconds):

- read-write, with a few AWS errors injected, so error paths run too: every worker failure must
  be put into words, and none may be a Python error (a bug, not AWS misbehaving);
- read-only, where the recording proxy asserts that not one mutating call, not even a DryRun,
  left the app whatever was pressed.

Keys go in batches; after each the test waits for the workers (never a sleep) and checks the
app is alive. The seed makes a failure reproducible: the batch that failed is in the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerState

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.app import AmiExplorerApp
from amiexplorer.ui.screens.explorer import ExplorerScreen
from amiexplorer.ui.screens.help import HelpScreen
from tests.functional.conftest import explorer, screen_text, settle, until
from tests.reliability.conftest import proxied_app, record_figures
from tests.reliability.proxy import FaultProxy

pytestmark = pytest.mark.usefixtures("no_sharing_pass")

SEED = 20261101
BATCH = 100

# Key families and their weights. `q`, ctrl+q and ctrl+p are left out on purpose: they quit
# (directly, via `:q`, or via the palette's Quit command), which ends the run but is no crash.
# Keys that redraw a whole pane or open a screen (100+ ms each) weigh less, so the run can
# afford thousands of keys.
_KEYS: list[tuple[int, list[str]]] = [
    (18, ["1", "2", "3", "4"]),
    (3, ["5", "6", "tab", "shift+tab", "question_mark", "colon"]),
    (36, ["up", "down", "j", "k", "g", "G", "home", "end", "pageup", "pagedown"]),
    (6, ["left", "right"]),
    (24, ["enter", "escape", "backspace"]),
    (6, ["slash"]),
    (12, ["o", "O", "space", "a", "A"]),
    (1, ["r", "R"]),  # a reload keeps moto busy for a second
    (15, ["c", "y", "s", "p", "ctrl+d", "delete", "ctrl+s"]),
    (36, [*"abcdefghijklmnoprstuvwxyz0123456789", "minus", "full_stop", "comma", "space"]),
]
#: Keys that open each dialog (pane, then the action on the first row).
OPENINGS = (("1", "c"), ("2", "c"), ("3", "c"), ("3", "y"), ("4", "s"), ("4", "y"), ("?",))
#: What the read-write run must have reached: every pane and every dialog.
REACHED = {
    "CreateImageDialog",
    "CreateSnapshotDialog",
    "CreateVolumeDialog",
    "CopyDialog",
    "ShareDialog",
    "HelpScreen",
    *(f"pane:{name}" for name in ("instance", "volume", "snapshot", "image", "activity", "audit")),
}

#: The character a key types, for the keys whose name is not the character.
_CHARACTERS = {"space": " ", "minus": "-", "full_stop": ".", "comma": ",", "slash": "/",
               "colon": ":", "question_mark": "?"}  # fmt: skip


def random_keys(rng: random.Random, count: int) -> Iterator[str]:
    """`count` keys drawn from the families above by weight."""
    families = [keys for _weight, keys in _KEYS]
    weights = [weight for weight, _keys in _KEYS]
    for _ in range(count):
        yield rng.choice(rng.choices(families, weights)[0])


@pytest.fixture
def worker_failures(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error a worker of the app ended with (the app shows each as a message)."""
    failures: list[BaseException] = []
    original = AmiExplorerApp.on_worker_state_changed

    def record(self: AmiExplorerApp, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            failures.append(event.worker.error)
        original(self, event)

    monkeypatch.setattr(AmiExplorerApp, "on_worker_state_changed", record)
    return failures


@pytest.fixture
def screens_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every screen the app pushes counts as reached, however briefly it was on top.

    (Between two batches a dialog may open and close again: looking at the top screen only
    after each batch would miss it, depending on timing.)
    """
    original = AmiExplorerApp.push_screen

    def push_screen(self: AmiExplorerApp, screen: Any, *args: Any, **kwargs: Any) -> Any:
        VISITED.add(type(screen).__name__)
        return original(self, screen, *args, **kwargs)

    monkeypatch.setattr(AmiExplorerApp, "push_screen", push_screen)


async def press(pilot: Pilot[Any], keys: list[str], chunk: int = 4) -> None:
    """Press `keys` in order, as a fast typist would: `chunk` at a time, then a wait for the
    screen to handle them (a key may then reach a widget before a focus change asked by the
    key before it, as with real fast typing; scripted steps use `chunk=1`).

    What `pilot.press` does, without its two idle waits per key: those wait until the whole
    process (moto and the proxy run in it too) looks idle, some 60 ms a key, so a thousand
    keys would cost a minute. The app's queue keeps the keys in order; `quiet` waits for
    what they started before anything is asserted.
    """
    app = pilot.app
    for number, key in enumerate(keys, 1):
        event = events.Key(key, key if len(key) == 1 else _CHARACTERS.get(key))
        event.set_sender(app)
        # Straight into the app's queue (the driver would hop through the loop first), so
        # the key is ahead of the markers `_wait_for_screen` queues behind it.
        app.post_message(event)
        if number % chunk == 0:
            if chunk == 1:
                # A scripted step: the key is handled before the next one is typed, all
                # the way (a key the focused widget does not take bubbles up to the app
                # through several queues, which `_wait_for_screen` does not wait for).
                await pilot.pause()
            await pilot._wait_for_screen()
            VISITED.add(place(app))
    await pilot._wait_for_screen()


#: Every screen and pane the random keys reached (see `place`).
VISITED: set[str] = set()


def place(app: Any) -> str:
    """Where the app is: the dialog or screen on top, or the explorer's pane."""
    screen = app.screen
    if not isinstance(screen, ExplorerScreen):
        return type(screen).__name__
    if screen.showing_activity:
        return "pane:activity"
    if getattr(getattr(screen, "audit", None), "shown", False):
        return "pane:audit"
    return f"pane:{screen.kind.value}"


async def quiet(pilot: Pilot[Any]) -> None:
    """Wait until the workers the keys started have finished and their messages are handled.

    `settle` does the same but also waits for the whole process to look idle, which the
    threads of moto and the proxy rarely allow. The watcher (following pending work for
    ever, the demo clock being frozen) and an action flow waiting on its dialog are left.
    """
    app = pilot.app
    for _ in range(5):
        workers = [w for w in app.workers if w.is_running and w.group not in ("watch", "action")]
        if not workers:
            await pilot._wait_for_screen()
            if not any(w.is_running and w.group not in ("watch", "action") for w in app.workers):
                return
            continue
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete(workers)
        await pilot._wait_for_screen()


async def back_to_explorer(pilot: Pilot[Any]) -> list[str]:
    """Press esc until the explorer is on top and no action flow waits (returns the keys).

    An action submitted among random keys may put its confirmation up a moment later.
    """
    app = pilot.app
    pressed: list[str] = []
    for _ in range(10):
        await quiet(pilot)
        acting = any(w.is_running for w in app.workers if w.group == "action")
        if isinstance(app.screen, ExplorerScreen) and not acting:
            return pressed
        await press(pilot, ["escape"], chunk=1)
        pressed.append("escape")
        if acting and isinstance(app.screen, ExplorerScreen):
            # The flow is between dialogs (a DryRun in flight): let it get there.
            await until(
                pilot,
                lambda: (
                    not isinstance(app.screen, ExplorerScreen)
                    or not any(w.is_running for w in app.workers if w.group == "action")
                ),
            )
    raise AssertionError(f"the app never came back to the explorer: {app.screen}")


async def press_randomly(pilot: Pilot[Any], rng: random.Random, total: int) -> list[str]:
    """Press `total` random keys in batches, checking after each that the app is alive."""
    app = pilot.app
    pressed: list[str] = []
    for number in range(total // BATCH):
        batch = list(random_keys(rng, BATCH))
        try:
            async with asyncio.timeout(60):
                await press(pilot, batch)
                await quiet(pilot)
        except TimeoutError:
            raise AssertionError(f"the app hung in batch {number}: {batch}") from None
        pressed += batch
        assert app._exception is None, f"crash in batch {number}: {batch}"
        assert app.is_running, f"the app stopped in batch {number}: {batch}"
    return pressed


async def test_random_keys_with_aws_errors_never_crash_or_hang(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    worker_failures: list[BaseException],
    screens_opened: None,
) -> None:
    rng = random.Random(SEED)
    VISITED.clear()
    app = await proxied_app(proxy, demo_server, max_attempts=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # From now on a few calls fail, so error paths run among the keys.
        proxy.error("InternalError", 500, 0.03, seed=SEED)
        # Every dialog once for sure, with random typing in it, then keys at random.
        pressed: list[str] = []
        for opening in OPENINGS:
            keys = [*opening, *random_keys(rng, 16), "ctrl+s"]
            await press(pilot, keys)
            pressed += keys + await back_to_explorer(pilot)
        pressed += await press_randomly(pilot, rng, 1000)
    print(f"reached: {sorted(VISITED)}")
    missing = REACHED - VISITED
    assert not missing, f"the keys never reached {sorted(missing)}"
    # A worker error that is a Python exception (not an AWS or network one) is a bug.
    bugs = [repr(e) for e in worker_failures if not _is_aws_error(e)]
    record_figures(keys_pressed=len(pressed), crashes=len(bugs), app_runs=1)
    assert bugs == []
    assert proxy.faults, "no AWS error was injected: the error paths did not run"


async def test_read_only_sends_no_change_whatever_is_pressed(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    worker_failures: list[BaseException],
) -> None:
    rng = random.Random(SEED + 1)
    app = await proxied_app(proxy, demo_server, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        for word in ("Create", "Copy", "Share", "Delete"):
            assert word not in footer
        status = explorer(pilot).query_one("#status", Static)
        # Every changing key on every pane, with every row marked: refused in words.
        for pane in "1234":
            await press(pilot, [pane, "a"])
            for key in ("c", "y", "s", "p", "ctrl+d", "delete"):
                status.update("")
                await press(pilot, [key])
                await quiet(pilot)
                assert "read-only mode" in str(status.render()), (pane, key)
        await press(pilot, ["question_mark"])
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = screen_text(pilot)
        assert "Delete or deregister" not in help_text and "Copy to other regions" not in help_text
        await press(pilot, ["escape"])
        pressed = await press_randomly(pilot, rng, 1000)
        assert explorer(pilot).account.read_only
    record_figures(keys_pressed=len(pressed) + 30, crashes=len(worker_failures), app_runs=1)
    assert worker_failures == []
    assert proxy.requests, "the proxy saw nothing: the app did not go through it"
    assert proxy.mutating() == []


def _is_aws_error(error: BaseException) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, ClientError | BotoCoreError | OSError)


async def test_page_keys_on_a_list_squeezed_to_no_height_do_nothing() -> None:
    """The crash the random keys found: pagedown on a focused OptionList of height 0."""
    from textual.app import App, ComposeResult

    from amiexplorer.ui.widgets.detail_panel import RelatedList

    class Squeezed(App[None]):
        CSS = "RelatedList { height: 0; }"

        def compose(self) -> ComposeResult:
            yield RelatedList("one", "two", "three")

    app = Squeezed()
    async with app.run_test() as pilot:
        related = app.query_one(RelatedList)
        related.focus()
        related.highlighted = 1
        await pilot.press("pagedown", "pageup")
        assert related.highlighted == 1


async def test_page_keys_on_a_selection_list_squeezed_to_no_height_do_nothing() -> None:
    """The same guard on the copy dialog's region list, which keeps its own look."""
    from textual.app import App, ComposeResult

    from amiexplorer.ui.widgets.toggles import TickList

    class Squeezed(App[None]):
        CSS = "TickList { height: 0; }"

        def compose(self) -> ComposeResult:
            yield TickList(("one", "1"), ("two", "2"), ("three", "3"))

    app = Squeezed()
    async with app.run_test() as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        ticks.highlighted = 1
        await pilot.press("pagedown", "pageup")
        assert ticks.highlighted == 1
        assert ticks.get_component_styles("selection-list--button-highlighted")
