"""`?`: every key of the current context, from the bindings that are active right now."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from amiexplorer.ui.explorer_keys import ORDER

#: Widget plumbing that is not worth a line in the help (scrolling sideways, copying text).
_NOISE = frozenset({"scroll_left", "scroll_right", "page_left", "page_right", "screen.copy_text"})


def key_table(bindings: dict[str, ActiveBinding], columns: int = 1) -> Table:
    """Keys and what each does, one entry per action, in `columns` side-by-side columns.

    The screen's, its panes' and the app's own keys come first (they are what people look
    for), then the keys of the focused widget (moving the cursor).
    """
    # One entry per action; our own bindings (they have ids) describe it best.
    keys_of: dict[tuple[bool, str], list[str]] = {}
    what_of: dict[tuple[bool, str], tuple[bool, str]] = {}
    for key, active in bindings.items():
        binding = active.binding
        if not active.enabled or binding.system or binding.action in _NOISE:
            continue
        ours = isinstance(active.node, Screen | App) or binding.id in ORDER
        entry = (not ours, binding.action)
        keys_of.setdefault(entry, []).append(binding.key_display or key)
        described = (binding.id is not None, binding.tooltip or binding.description or "")
        what_of[entry] = max(what_of.get(entry, described), described)
    entries = [
        (" ".join(dict.fromkeys(_pretty(k) for k in keys_of[entry])), what_of[entry][1])
        for entry in sorted(keys_of, key=lambda entry: entry[0])
    ]
    # Keys are never cut short; the descriptions share what is left (cut only when too narrow).
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    key_width = max((len(keys) for keys, _what in entries), default=1)
    for _ in range(columns):
        table.add_column(style="bold yellow", no_wrap=True, width=key_width)
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    rows = -(-len(entries) // columns)
    for row in range(rows):
        cells: list[str] = []
        for column in range(columns):
            index = column * rows + row
            cells.extend(entries[index] if index < len(entries) else ("", ""))
        table.add_row(*cells)
    return table


def _pretty(key: str) -> str:
    names = {"slash": "/", "colon": ":", "question_mark": "?", "escape": "esc"}
    return names.get(key, key)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, with what each does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 130; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen Static { width: 100%; }
    """

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """The table of keys."""
        with VerticalScroll(can_focus=False) as scroll:
            scroll.border_title = "Keys (esc closes)"
            yield Static(
                Text("Also: ctrl+p opens the command palette; the mouse works too.\n", style="dim")
            )
            columns = 3 if self.app.size.width >= 150 else 2 if self.app.size.width >= 100 else 1
            yield Static(key_table(self.bindings, columns), id="keys")

    def on_mount(self) -> None:
        """Say that the list scrolls when it is longer than the screen."""
        self.call_after_refresh(self._title)

    def _title(self) -> None:
        scroll = self.query_one(VerticalScroll)
        if scroll.max_scroll_y > 0:
            scroll.border_title = "Keys (↓↑ pgdn pgup scroll · esc closes)"

    def action_scroll(self, lines: int) -> None:
        """Scroll the list of keys by `lines` (negative: up)."""
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + lines, animate=False)
