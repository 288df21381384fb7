"""Thousands of seeded random keys over every pane and dialog: no crash, no hang, no traceback.

Two app runs, many keys each (an app start costs seconds, a key milliseconds):

- read-write, with a few AWS errors injected, so error paths run too: every worker failure must
  be put into words, and none may be a Python error (a bug, not AWS misbehaving);
- read-only, where the recording proxy asserts that not one mutating call, not even a DryRun,
  left the app whatever was pressed.

Keys go in batches; after each the test waits for the workers (never a sleep) and checks the
app is alive. Within a batch some keys come one at a time, others in bursts (a paste, a laggy
link, `tmux send-keys`: all queued before the app handles the first), and now and then the
window is resized, to any size from 20x8 to 160x50, between keys or in the middle of a burst.
The seed makes a failure reproducible: the batch that failed is in the message.

`AMIEXPLORER_RANDOM_KEYS=6000` presses that many random keys in each run instead of the few
CI can afford (`bench/random_keys.py` runs that and prints the figures).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from textual import events
from textual.command import CommandList, CommandPalette
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Size
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerState

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.app import AmiExplorerApp
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from amiexplorer.ui.screens.explorer import ExplorerScreen
from amiexplorer.ui.screens.help import HelpScreen
from tests.functional.conftest import explorer, screen_text, settle, until
from tests.reliability.conftest import proxied_app, record_random_run
from tests.reliability.proxy import FaultProxy

pytestmark = pytest.mark.usefixtures("no_sharing_pass")

SEED = 20261101
BATCH = 100
#: Random keys per run: a few for CI, thousands when asked (see the module's docstring).
KEYS = int(os.environ.get("AMIEXPLORER_RANDOM_KEYS", "0")) or None
#: A burst is this many keys at once; one in BURSTS of the batch's key groups is one.
BURST_SIZES = (3, 16)
BURSTS = 3
#: One in RESIZES key groups is preceded by a resize (to 20x8 itself one time in four).
RESIZES = 12
SMALLEST, LARGEST = Size(20, 8), Size(160, 50)
#: pytest-timeout's limit for a run (thousands of keys take minutes on two busy cores).
TIMEOUT = 120 + (KEYS or 0) // 20

# Key families and their weights. `q`, ctrl+q and ctrl+p are left out on purpose: they quit
# (directly, via `:q`, or via the palette's Quit command), which ends the run but is no crash.
# Keys that redraw a whole pane or open a screen (100+ ms each) weigh less, so the run can
# afford thousands of keys.
_KEYS: list[tuple[int, list[str]]] = [
    (18, ["1", "2", "3", "4"]),
    (3, ["5", "6", "7", "tab", "shift+tab", "question_mark", "colon"]),
    (36, ["up", "down", "j", "k", "g", "G", "home", "end", "pageup", "pagedown"]),
    (6, ["left", "right"]),
    (24, ["enter", "escape", "backspace"]),
    (6, ["slash"]),
    (12, ["o", "O", "space", "a", "A"]),
    (1, ["r", "R"]),  # a reload keeps moto busy for a second
    (15, ["c", "y", "s", "p", "l", "u", "ctrl+d", "delete", "ctrl+s"]),
    (36, [*"abcdefghijklmnoprstuvwxyz0123456789", "minus", "full_stop", "comma", "space"]),
]
#: Keys that open each dialog (pane, then the action on the first row).
OPENINGS = {
    ("1", "c"): "CreateImageDialog",
    ("2", "c"): "CreateSnapshotDialog",
    ("3", "c"): "CreateVolumeDialog",
    ("3", "y"): "CopyDialog",
    ("4", "s"): "ShareDialog",
    ("4", "y"): "CopyDialog",
    ("4", "l"): "LifecycleDialog",
    ("3", "l"): "LifecycleDialog",
    ("7",): "RecycleBinScreen",
    ("question_mark",): "HelpScreen",
}
#: What the read-write run must have reached: every pane and every dialog.
REACHED = {
    "CreateImageDialog",
    "CreateSnapshotDialog",
    "CreateVolumeDialog",
    "CopyDialog",
    "ShareDialog",
    "LifecycleDialog",
    "RecycleBinScreen",
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
        PUSHED[type(screen).__name__] += 1
        if isinstance(screen, ModalScreen):
            OPENED[type(screen).__name__] += 1
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
        _post_key(app, key)
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
#: How many times each screen was pushed; and each modal one (dialog, palette...).
PUSHED: Counter[str] = Counter()
OPENED: Counter[str] = Counter()


@dataclass
class Run:
    """What a random run did, for its figures (a hang or a crash fails the test at once)."""

    keys: int = 0
    bursts: int = 0
    resizes: int = 0
    smallest: int = 0  # resizes to 20x8 itself
    size: Size | None = None  # the last one
    started: float = field(default_factory=time.monotonic)

    def record(self, harness: str, *, crashes: int, hangs: int = 0) -> None:
        """Add this run to the figures the session prints."""
        record_random_run(
            harness,
            keys=self.keys,
            bursts=self.bursts,
            resizes=self.resizes,
            resizes_to_20x8=self.smallest,
            dialogs_opened=sum(OPENED.values()),
            screens_reached=len(VISITED),
            crashes=crashes,
            hangs=hangs,
            app_runs=1,
            seconds=round(time.monotonic() - self.started, 1),
        )


def random_size(rng: random.Random) -> Size:
    """A window size from 20x8 to 160x50, 20x8 itself one time in four."""
    if rng.random() < 0.25:
        return SMALLEST
    return Size(
        rng.randint(SMALLEST.width, LARGEST.width), rng.randint(SMALLEST.height, LARGEST.height)
    )


def resize(app: Any, size: Size) -> None:
    """What `pilot.resize_terminal` does, without its wait: the keys behind it are not held."""
    if isinstance(app._driver, HeadlessDriver):
        app._driver._size = size
    app.post_message(events.Resize(size, size))


async def type_randomly(pilot: Pilot[Any], rng: random.Random, keys: list[str], run: Run) -> None:
    """Press `keys`: a few at a time as `press` does, some in bursts, resizing now and then.

    A burst is queued at once (no wait between its keys); a resize may come between two
    groups or in the middle of a burst, ahead of keys the app has not handled yet.
    """
    app = pilot.app
    position = 0
    while position < len(keys):
        burst = rng.randrange(BURSTS) == 0
        size = rng.randint(*BURST_SIZES) if burst else rng.randint(1, 4)
        group = keys[position : position + size]
        position += len(group)
        resize_at = rng.randrange(len(group) + 1) if rng.randrange(RESIZES) == 0 else None
        for index, key in enumerate(group):
            if index == resize_at:
                _resized(app, rng, run)
            _post_key(app, key)
        if resize_at == len(group):
            _resized(app, rng, run)
        run.keys += len(group)
        run.bursts += burst
        await pilot._wait_for_screen()
        VISITED.add(place(app))


def _resized(app: Any, rng: random.Random, run: Run) -> None:
    size = random_size(rng)
    resize(app, size)
    run.size = size
    run.resizes += 1
    run.smallest += size == SMALLEST


def _post_key(app: Any, key: str) -> None:
    """Queue `key` at the app, as the driver does once it has read it."""
    event = events.Key(key, key if len(key) == 1 else _CHARACTERS.get(key))
    event.set_sender(app)
    # Straight into the app's queue (the driver would hop through the loop first), so the
    # key is ahead of the markers `_wait_for_screen` queues behind it.
    app.post_message(event)


def place(app: Any) -> str:
    """Where the app is: the dialog or screen on top, or the explorer's pane."""
    screen = app.screen
    if not isinstance(screen, ExplorerScreen):
        return type(screen).__name__
    if screen.showing == "activity":
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


async def open_for_sure(pilot: Pilot[Any], opening: tuple[str, ...], dialog: str) -> list[str]:
    """Press `opening` until `dialog` opened (returns the keys).

    The random keys before may have left the focus in the filter's prompt, say, where the
    opening is typed as text (which of their keys act depends on when the workers end).
    """
    pressed: list[str] = []
    for _attempt in range(3):
        opened = PUSHED[dialog]
        await press(pilot, list(opening), chunk=1)
        pressed += opening
        await quiet(pilot)
        if PUSHED[dialog] > opened:
            return pressed
        pressed += await back_to_explorer(pilot)
        await press(pilot, ["escape"], chunk=1)  # out of a prompt
        pressed.append("escape")
    raise AssertionError(f"{opening} never opened {dialog}")


async def press_randomly(
    pilot: Pilot[Any], rng: random.Random, total: int, run: Run, harness: str
) -> list[str]:
    """Press `total` random keys in batches, checking after each that the app is alive.

    (A hang or a crash is recorded in the figures before the test fails on it.)
    """
    app = pilot.app
    pressed: list[str] = []
    for number in range(total // BATCH):
        batch = list(random_keys(rng, BATCH))
        try:
            async with asyncio.timeout(60):
                await type_randomly(pilot, rng, batch, run)
                await quiet(pilot)
        except TimeoutError:
            run.record(harness, crashes=0, hangs=1)
            raise AssertionError(f"the app hung in batch {number}: {batch}") from None
        pressed += batch
        if app._exception is not None or not app.is_running:
            run.record(harness, crashes=1)
        assert app._exception is None, f"crash in batch {number}: {batch}"
        assert app.is_running, f"the app stopped in batch {number}: {batch}"
    # The last resize may still wait for its timer: let it reach the screens.
    await pilot.pause()
    assert app._exception is None, "crash after the last batch"
    return pressed


@pytest.mark.timeout(TIMEOUT)
async def test_random_keys_with_aws_errors_never_crash_or_hang(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    worker_failures: list[BaseException],
    screens_opened: None,
) -> None:
    rng = random.Random(SEED)
    VISITED.clear()
    OPENED.clear()
    run = Run()
    app = await proxied_app(proxy, demo_server, max_attempts=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # From now on a few calls fail, so error paths run among the keys.
        proxy.error("InternalError", 500, 0.03, seed=SEED)
        # Every dialog once for sure, with random typing in it, then keys at random.
        pressed: list[str] = []
        for opening, dialog in OPENINGS.items():
            pressed += await open_for_sure(pilot, opening, dialog)
            keys = [*random_keys(rng, 16), "ctrl+s"]
            await press(pilot, keys)
            pressed += keys + await back_to_explorer(pilot)
        run.keys = len(pressed)
        pressed += await press_randomly(pilot, rng, KEYS or 1000, run, "pilot, AWS errors")
        assert app.size == run.size, "the app's size is not the last one it was given"
    print(f"reached: {sorted(VISITED)}")
    # A worker error that is a Python exception (not an AWS or network one) is a bug.
    bugs = [repr(e) for e in worker_failures if not _is_aws_error(e)]
    run.record("pilot, AWS errors", crashes=len(bugs))
    assert run.keys == len(pressed)
    assert run.bursts and run.resizes and run.smallest, "no burst, or no resize down to 20x8"
    missing = REACHED - VISITED
    assert not missing, f"the keys never reached {sorted(missing)}"
    assert bugs == []
    assert proxy.faults, "no AWS error was injected: the error paths did not run"


@pytest.mark.timeout(TIMEOUT)
async def test_read_only_sends_no_change_whatever_is_pressed(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    worker_failures: list[BaseException],
    screens_opened: None,
) -> None:
    rng = random.Random(SEED + 1)
    VISITED.clear()
    OPENED.clear()
    run = Run()
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
            run.keys += 2
            for key in ("c", "y", "s", "p", "l", "ctrl+d", "delete"):
                status.update("")
                await press(pilot, [key])
                run.keys += 1
                await quiet(pilot)
                assert "read-only mode" in str(status.render()), (pane, key)
        await press(pilot, ["question_mark"])
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = screen_text(pilot)
        assert "Delete or deregister" not in help_text and "Copy to other regions" not in help_text
        await press(pilot, ["escape"])
        run.keys += 2
        await press_randomly(pilot, rng, KEYS or 1000, run, "pilot, read-only")
        # (The keys may have left a screen over the explorer: the Recycle Bin, the help.)
        below = [s for s in app.screen_stack if isinstance(s, ExplorerScreen)]
        assert below and below[0].account.read_only
        assert app.size == run.size, "the app's size is not the last one it was given"
    run.record("pilot, read-only", crashes=len(worker_failures))
    assert run.bursts and run.resizes and run.smallest, "no burst, or no resize down to 20x8"
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


async def test_a_confirmation_closed_as_it_opens_leaves_its_form(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash the random keys found under load (NoMatches: '#plan' on ConfirmDialog).

    An esc typed on a form as its DryRun ends bubbles up to the app once the confirmation
    is on top, and closes that instead, while its children are still being mounted: its
    `on_mount` found none of them. Here the confirmation is closed the moment it opens.
    """
    original = AmiExplorerApp.push_screen
    closed: list[ConfirmDialog] = []

    def push_screen(self: AmiExplorerApp, screen: Any, *args: Any, **kwargs: Any) -> Any:
        pushed = original(self, screen, *args, **kwargs)
        if isinstance(screen, ConfirmDialog) and not closed:
            closed.append(screen)
            screen.dismiss(None)
        return pushed

    monkeypatch.setattr(AmiExplorerApp, "push_screen", push_screen)
    app = await proxied_app(proxy, demo_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, ["3", "c"], chunk=1)
        await until(pilot, lambda: isinstance(app.screen, CreateVolumeDialog))
        await press(pilot, ["ctrl+s"], chunk=1)
        await until(pilot, lambda: bool(closed) and not _acting(app))
        await quiet(pilot)
        assert app._exception is None
        # Back on the form, with the words that nothing was changed.
        assert isinstance(app.screen, CreateVolumeDialog)
        below = next(s for s in app.screen_stack if isinstance(s, ExplorerScreen))
        status = below.query_one("#status", Static)
        assert "not confirmed, nothing was changed" in str(status.render())


def _acting(app: AmiExplorerApp) -> bool:
    return any(w.is_running for w in app.workers if w.group == "action")


async def test_ctrl_p_once_a_dialog_opened_above_the_palette(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    """ctrl+p during a slow DryRun opens the palette; the confirmation then opens above it.

    Another ctrl+p then made Textual push a second palette with the same id: a crash the
    terminal harness found (`tests/reliability/test_random_terminal.py`).
    """
    app = await proxied_app(proxy, demo_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, ["3", "c"], chunk=1)
        await until(pilot, lambda: isinstance(app.screen, CreateVolumeDialog))
        proxy.slow(1.0, action="CreateVolume", dry_run=True)
        await press(pilot, ["ctrl+s"], chunk=1)
        await press(pilot, ["ctrl+p"], chunk=1)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await press(pilot, ["ctrl+p"], chunk=1)
        await quiet(pilot)
        assert app._exception is None
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) <= 1


async def test_enter_typed_thrice_on_the_palettes_quit(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    """ctrl+p, `leave`, then enter, enter, enter in one burst: a crash the terminal harness
    found (the palette's "Leave amiexplorer" chosen, then chosen again as the app quits)."""
    app = await proxied_app(proxy, demo_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, ["ctrl+p", *"leave"], chunk=1)
        await until(pilot, lambda: bool(app.screen.query(CommandList)))
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await press(pilot, ["enter", "enter", "enter"], chunk=3)
        # The chosen command runs once the palette has gone (Textual calls it later).
        await until(pilot, lambda: app.return_code is not None)
    assert app._exception is None
    assert app.return_code == 0
