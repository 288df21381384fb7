"""The two crashes reached through Textual's widgets (issue 12, items 14 and 15), by Pilot.

On a pseudo-terminal, where the keys' timing is a terminal's: tests/reliability/
test_terminal_keys.py. The widget-level cases and what Textual must still have:
tests/unit/test_textual_compat.py.
"""

from __future__ import annotations

from textual import events
from textual.command import CommandPalette

from amiexplorer.ui.widgets.detail_panel import DetailPanel
from tests.functional.conftest import AppFactory, explorer, settle, until


async def test_page_keys_right_behind_ctrl_p(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for keys in (("pagedown",), ("pageup",), ("pagedown", "pageup", "end")):
            # In the app's queue together, as one read of `C-p PageDown` from a terminal.
            for key in ("ctrl+p", *keys):
                app.post_message(events.Key(key, None))
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        assert app.is_running


async def test_details_on_narrow_terminals(make_app: AppFactory) -> None:
    """Start at 100x30, shrink, then enter: the details' lists get no width for text."""
    app = await make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for size in ((30, 10), (24, 8), (20, 8)):
            await pilot.resize_terminal(*size)
            await pilot.press("enter", "tab", "pagedown", "down", "enter")
            await settle(pilot)
            await pilot.press("4", "enter", "tab", "tab", "pageup", "backspace", "escape")
            await settle(pilot)
            assert app.is_running
        await pilot.resize_terminal(100, 30)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert explorer(pilot).query_one(DetailPanel).has_class("-open")
