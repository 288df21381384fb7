"""`7`: the Recycle Bin: what is in it, when each item leaves for good, and what it costs until
then; `u` restores the marked items (or the row) through the one guarded path.

The rows come from ListSnapshotsInRecycleBin and ListImagesInRecycleBin (read with the other
evidence after each load, `aws/lifecycle_reads.py`). The bin does not list a snapshot's size:
the cost is known for what this session deleted (the inventory remembers it), else unknown.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from amiexplorer.aws.account import Account
from amiexplorer.core.cost import snapshot_monthly
from amiexplorer.core.lifecycle import BinnedItem
from amiexplorer.core.plans.requests import RestoreFromRecycleBinRequest
from amiexplorer.core.tuning import Prices
from amiexplorer.ui.action_flow import ActionFlow
from amiexplorer.ui.rows import formatting as fmt


class BinHost(Protocol):
    """What the view needs of the explorer: the account, the flow, the clock."""

    @property
    def account(self) -> Account:
        """The account whose bin is shown."""
        ...

    @property
    def flow(self) -> ActionFlow:
        """The one guarded path restores go through."""
        ...

    def now(self) -> datetime:
        """The UI's clock."""
        ...


COLUMNS = (
    ("", 1),
    ("Kind", 8),
    ("Resource", 22),
    ("Region", 14),
    ("Since", 10),
    ("Leaves", 17),
    ("Cost till then", 14),
    ("What", 8),
)
#: Left out below 110 columns, so that 80 still shows when each item leaves and its cost.
NARROW_DROPS = frozenset({"Region", "Since"})


def cost_until_gone(item: BinnedItem, host: BinHost, now: datetime, prices: Prices) -> str:
    """What keeping the item in the bin costs until it leaves, when its size is known."""
    if item.kind != "snapshot":
        return "-"  # an image costs nothing itself; its snapshots are billed as they are
    snapshot = host.account.inventory.last_seen.get(item.resource_id)
    if snapshot is None or item.exits is None:
        return "size unknown"
    days = max(0.0, (item.exits - now).total_seconds() / 86400)
    return f"~${snapshot_monthly(snapshot, prices) * days / 30:,.2f}"


class RecycleBinScreen(ModalScreen[None]):
    """The bin of every loaded region, soonest to leave first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark", id="bin-mark", tooltip="Mark or unmark the row"),
        Binding("u", "restore", "Restore", id="bin-restore", tooltip="Restore from the bin"),
        Binding("escape", "close", "Close", id="bin-close", tooltip="Back to the explorer"),
    ]

    DEFAULT_CSS = """
    RecycleBinScreen { align: center middle; }
    RecycleBinScreen > Vertical {
        width: 100%; height: 100%; border: round $accent; background: $surface;
    }
    RecycleBinScreen DataTable { height: 1fr; }
    RecycleBinScreen #bin-status { height: auto; color: $text-muted; }
    """

    def __init__(self, host: BinHost) -> None:
        super().__init__()
        self.host = host
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        """The table and a line under it."""
        with Vertical() as frame:
            frame.border_title = "Recycle Bin"
            yield DataTable(id="bin", cursor_type="row", zebra_stripes=True)
            yield Static("", id="bin-status")

    def on_mount(self) -> None:
        """Fill the table."""
        self.show()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        """The columns follow the terminal's width."""
        if self.is_mounted:
            self.show()

    def on_screen_resume(self) -> None:
        """Back from a restore's confirmation and results: the bin as it is now."""
        self.show()

    def items(self) -> list[BinnedItem]:
        """What the bin holds, soonest to leave first."""
        found = self.host.account.inventory.evidence.binned()
        return sorted(found, key=lambda i: (i.exits is None, i.exits or i.entered, i.resource_id))

    def show(self) -> None:
        """Redraw every row; the cursor stays where it was."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        narrow = self.size.width < 110
        columns = [c for c in COLUMNS if not (narrow and c[0] in NARROW_DROPS)]
        fixed = sum(width + 2 * table.cell_padding for _label, width in columns[:-1])
        # The frame's border and padding, and the table's scroll bar: 6 cells.
        what = max(columns[-1][1], self.size.width - fixed - 6)
        for label, width in (*columns[:-1], (columns[-1][0], what)):
            table.add_column(label, key=label or "mark", width=width)
        now = self.host.now()
        settings = getattr(self.app, "settings", None)
        prices = getattr(settings, "prices", None) or Prices()
        items = self.items()
        self.marked &= {i.resource_id for i in items}
        for item in items:
            exits = item.exits
            left = f" ({fmt.short_age(now, exits)})" if exits is not None and exits > now else ""
            cells: dict[str, str | Text] = {
                "": "●" if item.resource_id in self.marked else " ",
                "Kind": item.kind,
                "Resource": item.resource_id,
                "Region": item.region,
                "Since": f"{item.entered:%Y-%m-%d}" if item.entered else "-",
                "Leaves": f"{item.exits:%Y-%m-%d}{left}" if item.exits else "-",
                "Cost till then": cost_until_gone(item, self.host, now, prices),
                "What": Text(item.label or "-", overflow="ellipsis", no_wrap=True),
            }
            table.add_row(*(cells[label] for label, _width in columns), key=item.resource_id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        words = (
            f"{len(items)} item(s) in the bin · {len(self.marked)} marked · space marks, "
            "u restores, esc closes"
            if items
            else "The Recycle Bin of the loaded regions is empty (or could not be read: see R)."
        )
        self.query_one("#bin-status", Static).update(words)

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_mark(self) -> None:
        """space: mark or unmark the row."""
        current = self._current()
        if current is None:
            return
        self.marked ^= {current}
        self.show()
        table = self.query_one(DataTable)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))

    def action_restore(self) -> None:
        """u: restore the marked items, or the row, through the guarded path."""
        chosen = tuple(sorted(self.marked)) or ((self._current(),) if self._current() else ())
        if not chosen:
            return
        if not self.host.flow.permits("restore"):
            self.host.flow.refuse_read_only()
            self.query_one("#bin-status", Static).update(
                Text("read-only mode: nothing is restored", style="bold yellow")
            )
            return
        self.marked.clear()
        request = RestoreFromRecycleBinRequest(tuple(str(c) for c in chosen))
        self.host.flow.run_request(request, "Restore from the Recycle Bin")

    def action_close(self) -> None:
        """esc: back to the explorer."""
        self.dismiss(None)
