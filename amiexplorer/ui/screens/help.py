"""`?`: every key of the current context, from the bindings that are active right now."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_table(bindings: dict[str, ActiveBinding], columns: int = 1) -> Table:
    """Keys and what each does, one entry per action, in `columns` side-by-side columns."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    for _ in range(columns):
        table.add_column(style="bold yellow", no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis")
    seen: dict[tuple[str, str], list[str]] = {}
    for key, active in bindings.items():
        binding = active.binding
        if not active.enabled or binding.system:
            continue
        what = binding.tooltip or binding.description or binding.action
        seen.setdefault((binding.action, what), []).append(binding.key_display or key)
    entries = [
        (" ".join(dict.fromkeys(_pretty(k) for k in keys)), what)
        for (_action, what), keys in seen.items()
    ]
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
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: auto; max-width: 90%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen Static { width: auto; }
    """

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """The table of keys."""
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys (esc closes)"
            yield Static(
                Text("Also: ctrl+p opens the command palette; the mouse works too.\n", style="dim")
            )
            columns = 3 if self.app.size.width >= 150 else 2 if self.app.size.width >= 100 else 1
            yield Static(key_table(self.bindings, columns), id="keys")
