"""Measurements of the app itself, headless: load to every row, filter, sort, memory, paint.

    python -m bench.probe_app app   --endpoint-url URL
    python -m bench.probe_app paint --endpoint-url URL --t0 EPOCH
    python -m bench.probe_app bare  --t0 EPOCH

A repaint is when Textual's compositor has rendered the screen (in headless mode it renders
every line exactly as on a terminal, then writes nothing): the probe times each keystroke from
the moment the key is sent to the first repaint after the app handled it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from bench.environment import peak_rss_mb, percentile, report

#: What the filter probe types: a tag value, then an id prefix, letter by letter.
FILTER_QUERIES = ("payments prod", "snap-3f")


class PaintClock:
    """Timestamps of every compositor refresh of one screen class (a patch of Screen)."""

    def __init__(
        self, screen_type: type, *, exit_on_first: bool = False, exit_on: str | None = None
    ) -> None:
        from textual.screen import Screen

        self.times: list[float] = []
        #: Wall-clock time of the first repaint (for first-paint timings across processes).
        self.first_wall: float | None = None
        #: Wall-clock time of the first repaint of each screen class seen, by class name
        #: (names, so that timing a screen does not import its module early).
        self.first_by_name: dict[str, float] = {}
        original = Screen._compositor_refresh
        clock = self

        def timed(screen: Any) -> None:
            original(screen)
            name = type(screen).__name__
            if name not in clock.first_by_name:
                clock.first_by_name[name] = time.time()
                if name == exit_on:
                    screen.app.exit()
            if isinstance(screen, screen_type):
                clock.times.append(time.perf_counter())
                if clock.first_wall is None:
                    clock.first_wall = time.time()
                    if exit_on_first:
                        screen.app.exit()

        Screen._compositor_refresh = timed  # type: ignore[method-assign]

    def after(self, moment: float) -> float | None:
        """The first repaint after `moment`, if any yet."""
        for stamp in self.times:
            if stamp > moment:
                return stamp
        return None


async def _poll(condition: Callable[[], Any], seconds: float = 600, step: float = 0.001) -> Any:
    """Wait until `condition()` is truthy and return it.

    Polling on purpose: the probe watches the app from outside and must not change its code
    to signal events; a millisecond step costs the app nothing measurable.
    """
    deadline = time.perf_counter() + seconds
    while not (value := condition()):
        if time.perf_counter() > deadline:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(step)
    return value


async def _first_paint_after(paints: PaintClock, moment: float) -> float:
    stamp: float = await _poll(lambda: paints.after(moment), seconds=30)
    return stamp


async def measure_app(endpoint_url: str) -> dict[str, Any]:
    """The app over the benchmark endpoint: load, switch to snapshots, filter, sort, RSS."""
    from amiexplorer.aws.account import Account
    from amiexplorer.aws.session import AwsSession, ConnectionSettings
    from amiexplorer.aws.startup.connect import connect
    from amiexplorer.config import Settings
    from amiexplorer.core.models import ResourceKind
    from amiexplorer.ui.app import AmiExplorerApp
    from amiexplorer.ui.screens.explorer import ExplorerScreen

    paints = PaintClock(ExplorerScreen)
    connection = await connect(AwsSession(ConnectionSettings(endpoint_url=endpoint_url)))
    app = AmiExplorerApp(Account(connection), Settings())
    result: dict[str, Any] = {}
    started = time.perf_counter()
    async with app.run_test(headless=True, size=(160, 48)) as pilot:
        await _poll(lambda: isinstance(app.screen, ExplorerScreen))
        screen = app.screen
        table = screen.table
        inventory = app.account.inventory
        changed: list[float] = []
        original = table.rows_changed

        def rows_changed(keep: str | None = None) -> None:
            original(keep)
            changed.append(time.perf_counter())

        table.rows_changed = rows_changed  # type: ignore[method-assign]

        def all_rows_shown() -> bool:
            return inventory.is_complete and len(table.model.rows) == inventory.count(screen.kind)

        await _poll(all_rows_shown)
        shown = await _first_paint_after(paints, changed[-1] if changed else started)
        result["load_s"] = shown - started
        result["counts"] = {kind.value: inventory.count(kind) for kind in ResourceKind}
        result["errors"] = [e.message for e in inventory.errors]
        # Sharing is filled in afterwards (or skipped on large accounts); wait for it so it
        # does not disturb the keystroke timings.
        loading = [w for w in app.workers if w.group == "inventory"]
        if loading:
            await app.workers.wait_for_complete(loading)
        result["sharing_done_s"] = time.perf_counter() - started
        # And the search texts `/` needs, computed in slices once the load is done: a person
        # reaches for `/` later than this probe does.
        await _poll(
            lambda: all(m.knows_search_texts(inventory.table(k)) for k, m in screen.models.items()),
            seconds=120,
            step=0.05,
        )
        result["search_texts_done_s"] = time.perf_counter() - started

        async def key(name: str) -> float:
            sent = time.perf_counter()
            await pilot.press(name)
            handled = max([sent, *(c for c in changed if c > sent)])
            return (await _first_paint_after(paints, handled)) - sent

        result["switch_to_snapshots_ms"] = 1000 * await key("3")
        result["snapshot_rows"] = len(table.model.rows)
        await key("slash")
        filter_ms: list[float] = []
        for query in FILTER_QUERIES:
            for char in query:
                filter_ms.append(1000 * await key("space" if char == " " else char))
            for _ in range(3):
                filter_ms.append(1000 * await key("backspace"))
            while screen.models[screen.kind].filter_text:
                filter_ms.append(1000 * await key("backspace"))
        result["filter_ms"] = {
            "p50": percentile(filter_ms, 0.5),
            "p95": percentile(filter_ms, 0.95),
            "max": max(filter_ms),
            "keystrokes": len(filter_ms),
            "samples": [round(ms, 1) for ms in filter_ms],
        }
        await key("escape")
        sort_ms: dict[str, float] = {}
        for _ in range(6):
            elapsed = 1000 * await key("o")
            column = screen.models[screen.kind].sort_column
            sort_ms[column.label if column else "?"] = elapsed
        sort_ms["(reverse)"] = 1000 * await key("O")
        result["sort_ms"] = {
            "max": max(sort_ms.values()),
            "p50": percentile(list(sort_ms.values()), 0.5),
            "by_column": sort_ms,
        }
        result["peak_rss_mb"] = peak_rss_mb()
        app.exit()
    return result


def first_paint(endpoint_url: str, t0: float) -> dict[str, Any]:
    """From process start to the app's first frame, by the path `amiexplorer` takes at a terminal.

    The first frame is the explorer's chrome (ConnectingScreen), drawn before botocore is
    imported; the start-up checks run behind it. Also timed: the explorer on screen, when the
    checks are done (its rows then stream in).
    """
    imported = time.time()
    from amiexplorer.cli.main import open_account
    from amiexplorer.config import Settings
    from amiexplorer.core.connection import ConnectionSettings
    from amiexplorer.ui.app import AmiExplorerApp, Opening
    from amiexplorer.ui.screens.connecting import ConnectingScreen

    frame = PaintClock(ConnectingScreen, exit_on="ExplorerScreen")
    chosen = ConnectionSettings(endpoint_url=endpoint_url)

    async def opener() -> Any:
        return await open_account(chosen, None)

    app = AmiExplorerApp(settings=Settings(), opening=Opening(opener, what="the benchmark"))
    app.run(headless=True, size=(120, 36))
    explorer = frame.first_by_name.get("ExplorerScreen")
    assert frame.first_wall is not None and explorer is not None
    return {
        "first_paint_s": frame.first_wall - t0,
        "interpreter_s": imported - t0,
        # Importing botocore and the start-up checks (identity and regions, asked at once),
        # behind the first frame.
        "explorer_s": explorer - t0,
    }


def bare_first_paint(t0: float) -> dict[str, Any]:
    """A bare Textual app (header, one line, footer): the baseline for first paint."""
    imported = time.time()
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Static

    paints = PaintClock(Screen, exit_on_first=True)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Hello")
            yield Footer()

    Bare().run(headless=True, size=(120, 36))
    assert paints.first_wall is not None
    return {"first_paint_s": paints.first_wall - t0, "interpreter_s": imported - t0}


def main() -> None:
    """Run one measurement and print its JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.probe_app")
    parser.add_argument("what", choices=["app", "paint", "bare"])
    parser.add_argument("--endpoint-url")
    parser.add_argument("--t0", type=float, default=0.0)
    args = parser.parse_args()
    if args.what == "app":
        result = asyncio.run(measure_app(args.endpoint_url))
    elif args.what == "paint":
        result = first_paint(args.endpoint_url, args.t0)
    else:
        result = bare_first_paint(args.t0)
    report(result)


if __name__ == "__main__":
    main()
