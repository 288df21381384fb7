"""The Activity pane (`5`): every operation in flight, with progress and elapsed time."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from amiexplorer.ui.activity import Activity, Operation
from amiexplorer.ui.rows import formatting as fmt

#: Column headings and widths. The description comes last and takes what the pane has left;
#: progress (or the state, for work that has none) is never cut.
COLUMNS = (
    ("Resource", 22),
    ("Progress", 16),
    ("Elapsed", 8),
    ("Region", 14),
    ("What", 24),
)


def elapsed(operation: Operation, now: datetime) -> str:
    """How long it ran, in at most 8 cells: '7:05', '18:07:23', '3d 04h', '412d 23h'."""
    end = operation.finished or now
    seconds = max(0, int((end - operation.started).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours:02d}h" if days < 1000 else f"{days:,}d"
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _progress(operation: Operation) -> Text:
    """A bar while AWS reports progress, else the state; a mark once it is over."""
    if operation.over:
        if operation.succeeded:
            return Text(f"✓ {operation.state}", style="green")
        return Text(f"✗ {operation.state}", style="bold red")
    if operation.progress is None:
        return Text(operation.state, style="yellow")
    return Text(fmt.progress_bar(operation.progress, width=10), style="yellow")


class ActivityPane(DataTable[Text | str]):
    """A small table (tens of rows at most): Textual's DataTable is the right tool here.

    enter on a row asks the screen to show its resource (`Chosen`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Go to",
            id="activity-open",
            tooltip="Go to the resource of the row",
        ),
    ]

    class Chosen(Message):
        """enter on an operation: go to its resource."""

        def __init__(self, operation: Operation) -> None:
            super().__init__()
            self.operation = operation

    DEFAULT_CSS = """
    ActivityPane { height: 1fr; }
    """

    def __init__(self, activity: Activity, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.activity = activity
        self._shown_at: datetime | None = None

    def _add_columns(self) -> None:
        """The columns; the description takes whatever width the others leave."""
        fixed = sum(width + 2 * self.cell_padding for _label, width in COLUMNS[:-1])
        what = max(COLUMNS[-1][1], self.scrollable_content_region.width - fixed - 2)
        for label, width in (*COLUMNS[:-1], (COLUMNS[-1][0], what)):
            self.add_column(label, key=label.lower(), width=width)

    def on_resize(self) -> None:
        """The description column follows the pane's width."""
        if self._shown_at is not None:
            self.show(self._shown_at)

    def show(self, now: datetime) -> None:
        """Redraw every row from the activity model; the cursor stays on its operation."""
        self._shown_at = now
        row = self.cursor_row
        self.clear(columns=True)
        self._add_columns()
        for operation in self.activity.listed():
            self.add_row(
                operation.target.resource_id,
                _progress(operation),
                elapsed(operation, now),
                operation.target.region,
                Text(operation.label, overflow="ellipsis", no_wrap=True),
                key=operation.target.resource_id,
            )
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def action_choose(self) -> None:
        """enter: the operation under the cursor, for the screen to go to its resource."""
        if not self.row_count:
            return
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        operation = self.activity.operations.get(str(key))
        if operation is not None:
            self.post_message(self.Chosen(operation))
