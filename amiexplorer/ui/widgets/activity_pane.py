"""The Activity pane (`5`): every operation in flight, with progress and elapsed time."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from amiexplorer.ui import formatting as fmt
from amiexplorer.ui.activity import Activity, Operation

#: Column headings and widths: the description is cut so progress always shows.
COLUMNS = (
    ("Resource", 22),
    ("Region", 14),
    ("State", 12),
    ("Progress", 15),
    ("Elapsed", 8),
    ("What", 40),
)


def _elapsed(operation: Operation, now: datetime) -> str:
    end = operation.finished or now
    seconds = max(0, int((end - operation.started).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _state(operation: Operation) -> Text:
    if operation.in_flight:
        return Text(operation.state, style="yellow")
    if operation.succeeded:
        return Text(f"✓ {operation.state}", style="green")
    return Text(f"✗ {operation.state}", style="bold red")


def _progress(operation: Operation) -> Text:
    if operation.progress is None:
        return Text("…" if operation.in_flight else "", style="dim")
    style = "yellow" if operation.in_flight else "green" if operation.succeeded else "red"
    return Text(fmt.progress_bar(operation.progress), style=style)


class ActivityPane(DataTable[Text | str]):
    """A small table (tens of rows at most): Textual's DataTable is the right tool here."""

    DEFAULT_CSS = """
    ActivityPane { height: 1fr; display: none; }
    ActivityPane.-open { display: block; }
    """

    def __init__(self, activity: Activity, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.activity = activity

    def on_mount(self) -> None:
        """The columns."""
        for label, width in COLUMNS:
            self.add_column(label, key=label.lower(), width=width)

    def show(self, now: datetime) -> None:
        """Redraw every row from the activity model."""
        self.clear()
        for operation in self.activity.listed():
            self.add_row(
                operation.target.resource_id,
                operation.target.region,
                _state(operation),
                _progress(operation),
                _elapsed(operation, now),
                Text(operation.label, overflow="ellipsis", no_wrap=True),
                key=operation.target.resource_id,
            )
