"""The resource panes (`1`-`4`): one kind at a time, its table, its keys, its details.

The pane owns its rows (one `RowModel` per kind, the cursor kept per kind), the details below
the table, and the keys that act on a resource: details, sort, marks, and the changes, which
it hands to the explorer's `ActionFlow` with what is selected. It tells the explorer what
happened with messages (`RowsChanged`, `Refused`, `EvidenceWanted`); the explorer tells it
the region in scope and when to redraw.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType

from amiexplorer.aws.account import Account
from amiexplorer.core.inventory import keep_out_of_the_collector
from amiexplorer.core.models import Image, ResourceKind, Snapshot
from amiexplorer.ui.action_flow import ActionFlow
from amiexplorer.ui.explorer_keys import bindings_for
from amiexplorer.ui.messages import EvidenceWanted, RowsChanged
from amiexplorer.ui.panes.base import Pane
from amiexplorer.ui.rows.block_fields import wants_blocks
from amiexplorer.ui.rows.columns import RowContext
from amiexplorer.ui.rows.details import details_for, needs_provenance
from amiexplorer.ui.rows.model import RowModel
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from amiexplorer.ui.widgets.kind_bar import PANES
from amiexplorer.ui.widgets.resource_table import ResourceTable


class ResourcesPane(Pane):
    """Instances, volumes, snapshots or images: the table, and the details of its row."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("resources")

    def __init__(
        self, account: Account, ctx: RowContext, flow: ActionFlow, *, id: str | None = None
    ) -> None:
        super().__init__(account, ctx, flow, id=id)
        self.kind = ResourceKind.INSTANCE
        self.models = {kind: RowModel(kind) for kind, _label in PANES}
        self.cursor_ids: dict[ResourceKind, str | None] = {}
        self.details_open = False
        #: The search texts still to compute after a load (see start_warming).
        self._warming: Iterator[int] | None = None
        #: The resource table (made here: it is asked for on every keystroke).
        self.table = ResourceTable(self.models[self.kind], self.ctx, id="table")

    def compose(self) -> ComposeResult:
        """The table, then the details (hidden until enter)."""
        yield self.table
        yield DetailPanel(id="details")

    @property
    def model(self) -> RowModel:
        """The rows of the kind on screen."""
        return self.models[self.kind]

    # Rows -------------------------------------------------------------------------------

    def rebuild(self, keep: str | None = None) -> None:
        """Rows for the kind, the scope and the filter; the cursor stays on its row.

        The explorer, which asked, updates the counts above the pane itself (a message would
        hold the repaint back by a hop per container); the pane's own keys post `RowsChanged`.
        """
        table = self.table
        model = self.model
        current = table.current
        if keep is None and current is not None and table.pinned:
            keep = current.id
        model.region = self.scope
        model.rebuild(self.account.inventory.table(self.kind), self.ctx)
        table.model = model
        loading = not self.account.inventory.is_complete
        table.empty_message = (
            "Loading…"
            if loading
            else (
                "No rows match the filter (esc clears it)" if model.filter_text else "Nothing here"
            )
        )
        table.rows_changed(keep)
        if not (loading or model.order_texts_ready or self._warming is not None):
            # A new order (a sort, another pane or region): its texts before the first `/`.
            self._warming = model.warm_order()
            self.call_after_refresh(self._warm_next)

    def redraw(self) -> None:
        """The inventory or the clock moved: rows again, and the details of the row."""
        self.rebuild()
        if self.details_open:
            self._show_details(self.table.current)

    def show_kind(self, kind: ResourceKind, keep: str | None = None) -> None:
        """Switch to `kind`; its cursor comes back to where it was (or to `keep`)."""
        table = self.table
        current = table.current
        self.cursor_ids[self.kind] = current.id if current is not None and table.pinned else None
        if kind is not self.kind:
            table.marked.clear()  # marks belong to one kind of resource
        self.kind = kind
        keep = keep or self.cursor_ids.get(kind)
        table.pinned = keep is not None
        self.rebuild(keep)
        self.close_details()

    def go_to(self, resource_id: str) -> None:
        """Put the cursor on `resource_id`, clearing the filter if it hides the row."""
        current = self.table.current
        if current is None or current.id != resource_id:
            self.model.filter_text = ""
            self.rebuild(resource_id)

    def set_filter(self, model: RowModel, text: str) -> None:
        """Filter `model` (which may no longer be the kind on screen: type-ahead).

        The cursor goes to the first match, where the eye goes (the row it was on may be far
        down the matches, or gone); clearing the filter keeps it on the row it is on.
        """
        model.filter_text = text
        table = self.table
        current = table.current
        keep = None
        if model is self.model:
            if text.strip():
                table.pinned = False
            elif current is not None:
                keep, table.pinned = current.id, True
        self.rebuild(keep)

    def start_warming(self) -> None:
        """Compute every kind's search texts now, a slice at a time, the kind on screen first.

        `/` then filters at once, even the first keystroke after a load. Each slice runs after
        the next repaint, behind whatever the app has to do (keys, redraws), so typing never
        waits on more than one slice and the screen is never held back (queued one after the
        other, the slices kept a sort from showing until all were done).
        """
        inventory = self.account.inventory
        kinds = sorted(self.models, key=lambda kind: kind != self.kind)
        already_running = self._warming is not None
        self._warming = chain.from_iterable(
            self.models[kind].warm(inventory.table(kind)) for kind in kinds
        )
        # A load ends twice (after the rows, after the sharing pass): the slices already
        # scheduled carry on with the new work; a second chain would do each slice twice.
        if not already_running:
            self.call_after_refresh(self._warm_next)

    def _warm_next(self) -> None:
        warming = self._warming
        if warming is None:
            return
        if next(warming, None) is None:
            self._warming = None
            # The texts (and the sharing the background pass read) live as long as their
            # rows: out of the collector's rounds, or a full collection walks them all in
            # the middle of some keystroke (70 ms at 100,000 snapshots).
            keep_out_of_the_collector()
            return
        self.call_after_refresh(self._warm_next)

    # Details ----------------------------------------------------------------------------

    def action_details(self) -> None:
        """Open (or close) the details of the row under the cursor."""
        if self.details_open:
            self.close_details()
        elif self.table.current is not None:
            self.details_open = True
            self.query_one(DetailPanel).add_class("-open")
            self._show_details(self.table.current)

    def _show_details(self, resource: Any) -> None:
        panel = self.query_one(DetailPanel)
        if resource is None:
            return
        panel.show(details_for(resource, self.ctx.relations, self.ctx.now))
        unknown = isinstance(resource, Image | Snapshot) and resource.shared_with is None
        # Read once: a failure is shown in the details (and r reads everything again).
        failed = getattr(resource, "id", None) in self.account.inventory.evidence.attribute_problems
        attributes = unknown and not failed and (not isinstance(resource, Image) or resource.owned)
        provenance = isinstance(resource, Image | Snapshot) and needs_provenance(
            resource, self.ctx.relations
        )
        blocks = isinstance(resource, Snapshot) and wants_blocks(resource, self.account.inventory)
        if isinstance(resource, Image | Snapshot) and (attributes or provenance or blocks):
            self.post_message(EvidenceWanted(resource, attributes, provenance, blocks))

    def close_details(self) -> None:
        """Close the details (where the focus goes is the explorer's call)."""
        self.details_open = False
        self.query_one(DetailPanel).remove_class("-open")

    def on_resource_table_highlighted(self, message: ResourceTable.Highlighted) -> None:
        """Keep the details in step with the cursor."""
        if self.details_open and message.table is self.table:
            self._show_details(message.resource)

    def on_resource_table_chosen(self, message: ResourceTable.Chosen) -> None:
        """A double click opens the details."""
        message.stop()
        if not self.details_open:
            self.action_details()

    def escape(self) -> None:
        """esc: close the details, else clear the filter."""
        if self.details_open:
            self.close_details()
        elif self.model.filter_text:
            self.set_filter(self.model, "")

    # Sort and marks ---------------------------------------------------------------------

    def action_sort(self) -> None:
        """Sort by the next column (ascending first)."""
        model = self.model
        columns = self.table.shown_columns()
        keys = [c.key for c in columns]
        if model.sort_column is None or model.sort_column.key not in keys:
            model.sort_column = columns[0]
        else:
            model.sort_column = columns[(keys.index(model.sort_column.key) + 1) % len(columns)]
        model.descending = False
        self.rebuild()
        self.post_message(RowsChanged())

    def action_sort_reverse(self) -> None:
        """Flip between ascending and descending."""
        model = self.model
        if model.sort_column is None:
            model.sort_column = self.table.shown_columns()[0]
        model.descending = not model.descending
        self.rebuild()
        self.post_message(RowsChanged())

    def sort_label(self) -> str:
        """The sort the kind bar shows ("Size ▼"), or ""."""
        column = self.model.sort_column
        return f"{column.label} {'▼' if self.model.descending else '▲'}" if column else ""

    def action_mark(self) -> None:
        """space: mark or unmark the row under the cursor."""
        self.table.toggle_mark()
        self.post_message(RowsChanged())

    def action_mark_all(self) -> None:
        """a: mark every row the filter shows."""
        self.table.mark_all()
        self.post_message(RowsChanged())

    def action_clear_marks(self) -> None:
        """A: clear every mark."""
        self.table.clear_marks()
        self.post_message(RowsChanged())

    @property
    def marked(self) -> int:
        """How many rows are marked."""
        return len(self.table.marked)

    # Changes ----------------------------------------------------------------------------

    def action_create(self) -> None:
        """c: create an image, snapshot or volume from the row."""
        self.flow.create(self.table.selection())

    def action_copy(self) -> None:
        """y: copy to other regions."""
        self.flow.copy(self.table.selection())

    def action_share(self) -> None:
        """s: share."""
        self.flow.share(self.table.selection())

    def action_lifecycle(self) -> None:
        """l: a lifecycle change of the images or snapshots selected."""
        self.flow.lifecycle(self.table.selection())

    def action_make_private(self) -> None:
        """p: make private."""
        self.flow.make_private(self.table.selection())

    def action_delete(self) -> None:
        """ctrl+d / delete: delete or deregister what is selected."""
        self.flow.delete(self.table.selection(), self.kind)
