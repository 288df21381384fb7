"""The explorer: regions on the left, one resource pane, details below, all by keyboard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList
from textual.worker import Worker, WorkerState

from amiexplorer.aws.account import Account
from amiexplorer.aws.inventory import RegionFinished, keep_out_of_the_collector
from amiexplorer.aws.models import Image, ResourceKind, Snapshot
from amiexplorer.aws.watch import Watcher, WatchTarget
from amiexplorer.ui.activity import Activity
from amiexplorer.ui.audit_rows import FindingRow
from amiexplorer.ui.columns import RowContext
from amiexplorer.ui.details import Related, details_for, needs_provenance
from amiexplorer.ui.messages import InventoryChanged, InventoryLoaded, Watched
from amiexplorer.ui.rowmodel import RowModel
from amiexplorer.ui.screens.actions import MUTATING_ACTIONS, ActionKeys
from amiexplorer.ui.screens.audit import AuditPane
from amiexplorer.ui.screens.command_line import CommandPrompt, FilterPrompt, run_command
from amiexplorer.ui.screens.explorer_keys import EXPLORER_BINDINGS
from amiexplorer.ui.widgets.account_header import AccountHeader
from amiexplorer.ui.widgets.activity_pane import ActivityPane
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from amiexplorer.ui.widgets.footer import Footer
from amiexplorer.ui.widgets.kind_bar import PANES, KindBar
from amiexplorer.ui.widgets.prompt import Prompt
from amiexplorer.ui.widgets.regions_pane import ALL_REGIONS, RegionsPane
from amiexplorer.ui.widgets.resource_table import ResourceTable
from amiexplorer.ui.widgets.status_line import StatusLine

#: Redraw at most this often while pages stream in, so a burst of pages is one repaint.
REDRAW_SECONDS = 0.15
#: Narrower than this, the regions pane is hidden: the table needs the width for the region,
#: the name and the state of each row (`w` shows it until the width crosses this again).
REGIONS_PANE_MIN_WIDTH = 120


#: Keys of the resource panes that mean nothing in the Audit pane.
_NOT_IN_AUDIT = frozenset({"create", "copy", "share", "sort", "sort_reverse", "details"})


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was: for `backspace` after jumping to a related resource."""

    kind: ResourceKind
    region: str | None
    resource_id: str | None
    details_open: bool
    #: The Audit pane was showing (resource_id is then the row's id there).
    audit: bool = False
    #: The Activity pane was showing.
    activity: bool = False


class ExplorerScreen(Screen[None]):
    """The screen people live in."""

    #: The table has the focus from the first frame: moving it there later rebuilds the
    #: footer and restyles the panes again while the first rows load.
    AUTO_FOCUS = "#table"

    BINDINGS: ClassVar[list[BindingType]] = EXPLORER_BINDINGS

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.kind = ResourceKind.INSTANCE
        self.scope: str | None = None
        self.models = {kind: RowModel(kind) for kind, _ in PANES}
        self.cursor_ids: dict[ResourceKind, str | None] = {}
        self.history: list[Place] = []
        self.ctx = RowContext(now=datetime.now(UTC), relations=account.relations())
        self._dirty = False
        self._details_open = False
        #: When the last load finished (monotonic), for the automatic refresh.
        self._loaded_at = 0.0
        self.activity = Activity(inventory=account.inventory)
        self.watcher = Watcher(
            account.pool, account.identity.account_id, inventory=account.inventory
        )
        self.showing_activity = False
        self.actions = ActionKeys(self)
        self.audit = AuditPane(self)
        #: The search texts still to compute after a load (see _start_warming).
        self._warming: Iterator[int] | None = None
        #: Whether the user asked for the regions pane (`w`); None: by the terminal's width.
        self._regions_wanted: bool | None = None
        #: Whether the last width called for the pane (a resize across it forgets `w`).
        self._regions_fit: bool | None = None

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if clock is not None else datetime.now(UTC)

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, regions | (pane bar, table, details), prompt, status, footer."""
        header = AccountHeader(id="account")
        header.identity = self.account.identity
        settings = self.account.session.settings
        header.endpoint_url = settings.endpoint_label or settings.endpoint_url
        header.read_only = self.account.read_only
        yield header
        with Horizontal(id="main"):
            regions = RegionsPane(self.account.inventory, id="regions")
            regions.retry_hint = f"{self.retry_key} retries this region"
            yield regions
            with Vertical(id="content"):
                yield KindBar(id="kinds")
                yield ResourceTable(self.models[self.kind], self.ctx, id="table")
                audit = ResourceTable(self.audit.model, self.ctx, id="audit")
                audit.display = False
                yield audit
                yield ActivityPane(self.activity, id="activity")
                yield DetailPanel(id="details")
        yield Prompt(id="prompt")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def retry_key(self) -> str:
        """The key that reloads failed regions, wherever the config file's keymap put it."""
        settings = getattr(self.app, "settings", None)
        keys = dict(settings.keymap).get("retry-regions") if settings is not None else None
        key = keys.split(",")[0].strip() if keys else "R"
        return self.app.get_key_display(Binding(key, ""))

    @property
    def table(self) -> ResourceTable:
        """The resource table."""
        return self.query_one("#table", ResourceTable)

    def on_mount(self) -> None:
        """Lay out for the terminal's width, then start loading."""
        self.ctx.now = self._now()
        self._fit_to_width(self.app.size.width)
        self.table.focus()
        self.set_interval(REDRAW_SECONDS, self._tick)
        self._rebuild_rows()
        self.load_inventory()

    def on_resize(self) -> None:
        """The regions pane shows every count only when there is room."""
        self._fit_to_width(self.app.size.width)

    def _fit_to_width(self, width: int) -> None:
        pane = self.query_one(RegionsPane)
        fits = width >= REGIONS_PANE_MIN_WIDTH
        if fits != self._regions_fit:
            # A choice made at another width says nothing of this one: at 30 columns a pane
            # shown at 120 would leave the table four.
            self._regions_fit, self._regions_wanted = fits, None
        wanted = self._regions_wanted
        shown = wanted if wanted is not None else fits
        if pane.display != shown:
            if not shown and pane.has_focus:
                self._focus_pane()
            pane.display = shown
        wide = width >= 140
        if pane.has_class("-wide") != wide:
            pane.set_class(wide, "-wide")
            pane.rebuild()

    # Loading ----------------------------------------------------------------------------

    @work(exclusive=True, group="inventory", exit_on_error=False)
    async def load_inventory(self) -> None:
        """Stream every region's pages into the inventory, then fill in sharing."""
        self._show_state()
        async for event in self.account.load():
            self.post_message(InventoryChanged(event))
        self.post_message(InventoryLoaded())
        # DLM policies and SSM parameters (a few calls a region): what the details and the
        # Used by / Managed columns say, and what the deletion guards need.
        await self.account.read_evidence()
        # Where copies may go: every region enabled for the account (asked once).
        await self.account.read_enabled_regions()
        self._dirty = True
        # Sharing arrives resource by resource; one redraw at the end is enough.
        async for _updated in self.account.enrich():
            pass
        self.post_message(InventoryLoaded())

    def on_inventory_changed(self, message: InventoryChanged) -> None:
        """Note the change; the redraw timer folds many pages into one repaint."""
        self._dirty = True
        self.query_one(RegionsPane).refresh_region(message.event.region)
        if isinstance(message.event, RegionFinished):
            self.refresh_bindings()  # R shows in the footer while a region has failed
            if message.event.errors:
                self._show_state()

    def on_inventory_loaded(self, _message: InventoryLoaded) -> None:
        """Redraw now, say how loading went, and follow whatever AWS is still working on."""
        self._loaded_at = time.monotonic()
        inventory = self.account.inventory
        for target in self.watcher.track_pending(inventory):
            resource = inventory.table(target.kind).get(target.resource_id)
            started = getattr(resource, "start_time", None) or getattr(
                resource, "creation_date", None
            )
            self.activity.start(target, "", started or self._now(), resource)
        self.follow()
        self._redraw()
        self._show_state()
        self.audit.inventory_changed()
        self._start_warming()

    def _start_warming(self) -> None:
        """Compute every pane's search texts now, a slice at a time, the pane on screen first.

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

    def _tick(self) -> None:
        """Fold streamed pages into one repaint, and refresh when the interval is due."""
        if self._dirty:
            self._redraw()
        if self.status.expire():
            self._show_state()
        settings = getattr(self.app, "settings", None)
        interval = settings.refresh_interval if settings is not None else 0
        if interval and self._loaded_at and time.monotonic() - self._loaded_at >= interval:
            self._refresh_automatically()

    def _redraw(self) -> None:
        self._dirty = False
        self.ctx.relations = self.account.relations()
        self.ctx.now = self._now()
        self._rebuild_rows()
        if self.audit.shown:
            self.audit.rows_changed()
        if self._details_open:
            self._show_details(self.table.current)

    def _rebuild_rows(self, keep: str | None = None) -> None:
        table = self.table
        model = self.models[self.kind]
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
        self._update_bar()
        if not (loading or model.order_texts_ready or self._warming is not None):
            # A new order (a sort, another pane or region): its texts before the first `/`.
            self._warming = model.warm_order()
            self.call_after_refresh(self._warm_next)

    def _update_bar(self) -> None:
        model = self.audit.model if self.audit.shown else self.models[self.kind]
        bar = self.query_one(KindBar)
        bar.audit_shown = self.audit.shown
        if self.audit.report is not None:
            bar.findings = self.audit.report.totals.count
        if self.audit.shown:
            bar.shown = len(self.audit.model.shown)
            bar.total = self.audit.report.totals.count if self.audit.report else 0
            bar.scope = self.scope
            bar.filter_text = model.filter_text
            bar.marked = len([m for m in self.audit.table.marked if not m.startswith("group:")])
            bar.sort_label = ""
            return
        bar.kind = self.kind
        bar.scope = self.scope
        bar.shown = len(model.rows)
        bar.total = self.account.inventory.count(self.kind, self.scope)
        bar.filter_text = model.filter_text
        bar.marked = len(self.table.marked)
        column = model.sort_column
        bar.sort_label = f"{column.label} {'▼' if model.descending else '▲'}" if column else ""

    def _status_line(self) -> str:
        inventory = self.account.inventory
        failed = [s for s in inventory.regions.values() if s.errors]
        if not inventory.is_complete:
            return "Loading…"
        if failed:
            first = failed[0]
            where = first.name
            if len(failed) > 1:
                same = len({s.error_message for s in failed}) == 1
                every = same and len(failed) == len(inventory.regions)
                where = "every region" if every else f"{where} and {len(failed) - 1} more region(s)"
            # The key first: a long message is cut at the screen's edge.
            return f"{where} failed ({self.retry_key} retries): {first.error_message}"
        return f"Loaded {len(inventory.regions)} region(s) at {self._now():%H:%M:%S} UTC."

    @property
    def status(self) -> StatusLine:
        """The status line: the state of things, or a message while it lasts."""
        return self.query_one("#status", StatusLine)

    def _set_status(self, text: str) -> None:
        """A message in the status line, until it expires or the user moves on ("" ends it)."""
        self.status.show_message(text)

    def _show_state(self) -> None:
        """What the status line says when it has no message: the load, or the audit's totals."""
        summary = self.audit.summary() if self.audit.shown else ""
        self.status.show_state(summary or self._status_line())

    def _moved_on(self) -> None:
        """Another pane or region: a message about the last one is over."""
        self.status.clear_message()
        self._show_state()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this screen failed (the message does not bubble to the app): say so."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from amiexplorer.aws.errors import describe_problem

            problem = describe_problem(event.worker.error)
            self.notify(problem.message, title="Error", severity="error", timeout=10)

    def complain(self, text: str) -> None:
        """Refuse something the user typed: say why in the status line, and ring the bell."""
        self.app.bell()
        self.status.show_message(Text(text, style="bold yellow"))

    # Panes and regions ------------------------------------------------------------------

    def action_show_kind(self, kind: str) -> None:
        """Switch to the pane of `kind` (keys 1-4 and :inst, :vol, :snap, :ami)."""
        self._show_kind(ResourceKind(kind))

    def _show_kind(self, kind: ResourceKind, keep: str | None = None) -> None:
        self._hide_activity()
        self._hide_audit()
        self._moved_on()
        table = self.table
        current = table.current
        self.cursor_ids[self.kind] = current.id if current is not None and table.pinned else None
        if kind is not self.kind:
            table.marked.clear()  # marks belong to one kind of resource
        self.kind = kind
        keep = keep or self.cursor_ids.get(kind)
        table.pinned = keep is not None
        self.query_one(RegionsPane).set_kind(kind)
        self._rebuild_rows(keep)
        self._close_details()

    def set_region(self, region: str | None) -> None:
        """Scope the panes to one region, or to all (None)."""
        if region is not None and region not in self.account.inventory.regions:
            if region not in self.account.enabled_region_names:
                known = ", ".join(self.account.inventory.regions)
                self.complain(
                    f"unknown region {region!r}: this account shows {known}, and it is not "
                    "enabled for the account"
                )
                return
            # Enabled but not loaded (--region chose others): add it and load it now.
            self.account.add_region(region)
            self.query_one(RegionsPane).rebuild()
            self.retry_regions([region])
        self.scope = region
        self._moved_on()
        self._rebuild_rows()
        if self.audit.shown:
            self.audit.rows_changed()
        pane = self.query_one(RegionsPane)
        keys = [ALL_REGIONS, *self.account.inventory.regions]
        pane.highlighted = keys.index(region or ALL_REGIONS)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """enter in the regions pane scopes the panes to that region."""
        if isinstance(event.option_list, RegionsPane):
            event.stop()
            chosen = event.option.id
            self.set_region(None if chosen == ALL_REGIONS else chosen)
            (self.audit.table if self.audit.shown else self.table).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show a failed region's whole error in the status line when it is highlighted."""
        if isinstance(event.option_list, RegionsPane) and event.option.id:
            status = self.account.inventory.regions.get(event.option.id)
            if status is not None and status.errors:
                self._set_status(f"{status.name}: {status.error_message}")

    # Filter, command, sort --------------------------------------------------------------

    def _model(self) -> RowModel:
        """The model of the pane on screen: a resource kind's, or the audit's."""
        return self.audit.model if self.audit.shown else self.models[self.kind]

    def _focus_pane(self) -> None:
        (self.audit.table if self.audit.shown else self.table).focus()

    def action_filter(self) -> None:
        """Open the filter prompt with the current filter; it filters as you type."""
        model = self._model()
        self.query_one(Prompt).open("filter", FilterPrompt(self, model), model.filter_text)

    def action_command(self) -> None:
        """Open the `:` command line."""
        self.query_one(Prompt).open("command", CommandPrompt(self))

    def _set_filter(self, model: RowModel, text: str) -> None:
        """Filter `model` (which may no longer be the pane on screen: type-ahead).

        The cursor goes to the first match, where the eye goes (the row it was on may be far
        down the matches, or gone); clearing the filter keeps it on the row it is on.
        """
        model.filter_text = text
        table = self.table
        current = table.current
        keep = None
        if model is self.models[self.kind]:
            if text.strip():
                table.pinned = False
            elif current is not None:
                keep, table.pinned = current.id, True
        self._rebuild_rows(keep)
        if self.audit.shown:
            self.audit.rows_changed()
            if model is self.audit.model and text.strip():
                # The first finding, not its group's heading.
                rows = self.audit.model.rows
                first = next((i for i, row in enumerate(rows) if isinstance(row, FindingRow)), 0)
                self.audit.table.cursor = first

    def _clear_filter(self) -> None:
        self._set_filter(self._model(), "")

    def run_command(self, text: str) -> None:
        """Run a `:` command (see `command_line`)."""
        run_command(self, text)

    def _audit_refuses(self, what: str) -> bool:
        if self.audit.shown:
            self.complain(f"{what} in the Audit pane: enter on a finding goes to its resource")
        return self.audit.shown

    def action_sort(self) -> None:
        """Sort by the next column (ascending first)."""
        if self.audit.shown:
            self.complain("the audit is grouped by code, costliest first; it does not sort")
            return
        model = self.models[self.kind]
        columns = [c for c in self.table._columns()]
        keys = [c.key for c in columns]
        if model.sort_column is None or model.sort_column.key not in keys:
            model.sort_column = columns[0]
        else:
            model.sort_column = columns[(keys.index(model.sort_column.key) + 1) % len(columns)]
        model.descending = False
        self._rebuild_rows()

    def action_sort_reverse(self) -> None:
        """Flip between ascending and descending."""
        if self.audit.shown:
            self.complain("the audit is grouped by code, costliest first; it does not sort")
            return
        model = self.models[self.kind]
        if model.sort_column is None:
            model.sort_column = self.table._columns()[0]
        model.descending = not model.descending
        self._rebuild_rows()

    # Details and navigation -------------------------------------------------------------

    def action_audit_open(self) -> None:
        """Audit pane: fold or unfold the group under the cursor, or go to its resource."""
        self.audit.choose()

    def action_details(self) -> None:
        """Open (or close) the details of the row under the cursor."""
        if self.audit.shown:
            self.audit.choose()
            return
        if self._details_open:
            self._close_details()
        elif self.table.current is not None:
            self._details_open = True
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
        if unknown and not failed and (not isinstance(resource, Image) or resource.owned):
            self.load_attributes(resource)
        if isinstance(resource, Image | Snapshot) and needs_provenance(
            resource, self.ctx.relations
        ):
            self.load_provenance(resource)

    @work(group="provenance", exclusive=True, exit_on_error=False)
    async def load_provenance(self, resource: Image | Snapshot) -> None:
        """Read the AWS Backup vault and plan, or the Image Builder pipeline, of the resource."""
        await self.account.load_provenance(resource)
        self._redraw()

    @work(group="attributes", exclusive=True, exit_on_error=False)
    async def load_attributes(self, resource: Image | Snapshot) -> None:
        """Fetch sharing for the resource in the panel."""
        await self.account.load_attributes(resource)
        self._redraw()

    def _close_details(self) -> None:
        self._details_open = False
        self.query_one(DetailPanel).remove_class("-open")
        focused = self.table.has_focus or self.audit.table.has_focus
        if not focused and not self.query_one(Prompt).has_focus:
            self._focus_pane()

    def on_resource_table_highlighted(self, message: ResourceTable.Highlighted) -> None:
        """Keep the details in step with the cursor."""
        if self.audit.shown and message.table is not self.table:
            self.audit.highlighted(message.resource)
        elif self._details_open and message.table is self.table:
            self._show_details(message.resource)

    def on_resource_table_chosen(self, _message: ResourceTable.Chosen) -> None:
        """A double click opens the details."""
        if not self._details_open:
            self.action_details()

    def on_activity_pane_chosen(self, message: ActivityPane.Chosen) -> None:
        """enter in the Activity pane: the operation's resource, with its details."""
        target = message.operation.target
        self.jump_to(Related("in Activity", target.kind, target.resource_id, target.resource_id))

    def on_detail_panel_jump(self, message: DetailPanel.Jump) -> None:
        """Go to a related resource, remembering where we were."""
        self.jump_to(message.related)

    def jump_to(self, related: Related) -> None:
        """Show a related resource in its own pane with its details open."""
        if related.kind not in self.models:
            self.notify(f"{related.label} is a {related.kind.value}; it has no pane of its own")
            return
        resource = self.account.inventory.table(related.kind).get(related.resource_id)
        if resource is None:
            self.notify(
                f"{related.resource_id} is not in this account's inventory", severity="warning"
            )
            return
        if self.audit.shown:
            row = self.audit.table.current
            place = Place(self.kind, self.scope, row.id if row else None, False, audit=True)
        elif self.showing_activity:
            place = Place(self.kind, self.scope, None, False, activity=True)
        else:
            current = self.table.current
            place = Place(
                self.kind, self.scope, current.id if current else None, self._details_open
            )
        self.history.append(place)
        self._go(
            related.kind,
            self.scope if self.scope in (None, resource.region) else None,
            resource.id,
        )

    def _go(
        self, kind: ResourceKind, region: str | None, resource_id: str | None, details: bool = True
    ) -> None:
        self.scope = region
        self._show_kind(kind, keep=resource_id)
        current = self.table.current
        if resource_id is not None and (current is None or current.id != resource_id):
            # Filtered out or in another region: clear both so the resource is on screen.
            self.models[kind].filter_text = ""
            self.scope = None
            self._rebuild_rows(resource_id)
        self.table.focus()
        if details:
            self.action_details()

    def action_create(self) -> None:
        """c: create an image, snapshot or volume from the row."""
        if not self._audit_refuses("c creates nothing"):
            self.actions.create()

    def action_copy(self) -> None:
        """y: copy to other regions."""
        if not self._audit_refuses("y copies nothing"):
            self.actions.copy()

    def action_share(self) -> None:
        """s: share."""
        if not self._audit_refuses("s shares nothing"):
            self.actions.share()

    def action_make_private(self) -> None:
        """p: make private."""
        if self.audit.shown:
            self.audit.clean_up(private_only=True)
        else:
            self.actions.make_private()

    def action_delete(self) -> None:
        """ctrl+d / delete (in the Audit pane: clean up what is marked)."""
        if self.audit.shown:
            self.audit.clean_up()
        else:
            self.actions.delete()

    def jump_to_id(self, resource_id: str) -> None:
        """Go to any resource by id (from a refusal that names what blocks it)."""
        for kind, _label in PANES:
            resource = self.account.inventory.table(kind).get(resource_id)
            if resource is not None:
                self.jump_to(Related("blocks the action", kind, resource_id, resource_id))
                return
        self.complain(f"{resource_id} is not in this account's inventory")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that do nothing here leave the footer and the help.

        Read-only mode removes the mutating keys (see on_key); the Audit pane removes the keys
        that act on one resource pane (creating, copying, sharing, sorting); `R` shows only
        while a region has failed.
        """
        if self.account.read_only and action in MUTATING_ACTIONS:
            return False
        if action == "retry_regions":
            return any(status.errors for status in self.account.inventory.regions.values())
        if action == "audit_open":
            return self.audit.shown
        return not (self.audit.shown and action in _NOT_IN_AUDIT)

    def on_key(self, event: events.Key) -> None:
        """Read-only mode: a mutating key is refused with a message, not silently ignored.

        `q` asks first while a change is being sent or rows are marked (dialogs/quit.py).
        """
        from amiexplorer.ui.dialogs.quit import ask_before_quitting

        if ask_before_quitting(self, event, self.actions.reasons_to_stay):
            return
        if not self.account.read_only or isinstance(self.focused, Input):
            return
        bindings = self._bindings.key_to_bindings.get(event.key, [])
        if any(binding.action in MUTATING_ACTIONS for binding in bindings):
            event.stop()
            self.actions.refuse_read_only()

    def action_back(self) -> None:
        """Back to where the last jump came from."""
        if not self.history:
            self.notify("Nothing to go back to")
            return
        place = self.history.pop()
        if place.activity:
            self.scope = place.region
            self.action_show_activity()
            return
        if place.audit:
            self.scope = place.region
            self._close_details()
            self.action_show_audit()
            self.audit.rows_changed(place.resource_id)
            return
        self._go(place.kind, place.region, place.resource_id, place.details_open)

    def action_escape(self) -> None:
        """esc: close the details, else clear the filter."""
        if self._details_open:
            self._close_details()
        elif self._model().filter_text:
            self._clear_filter()

    # Work in flight ------------------------------------------------------------------------

    def follow(self, *targets: WatchTarget, label: str = "") -> None:
        """Watch `targets` (and anything already followed) until AWS finishes them."""
        for target in targets:
            resource = self.account.inventory.table(target.kind).get(target.resource_id)
            self.activity.start(target, label, self._now(), resource)
        self.watcher.track(*targets)
        if self.watcher.pending and not any(
            w.is_running for w in self.workers if w.group == "watch"
        ):
            self.poll_pending_work()
        self._show_activity_count()

    @work(group="watch", exit_on_error=False)
    async def poll_pending_work(self) -> None:
        """Poll pending work per region (with backoff) until nothing is pending."""
        async for event in self.watcher.events():
            self.post_message(Watched(event))

    def on_watched(self, message: Watched) -> None:
        """A watched resource moved: update rows in place, the pane, and say when done."""
        finished = self.activity.apply(message.event, self._now())
        self._dirty = True
        if finished is not None:
            if finished.succeeded:
                self.notify(finished.message, title="Finished")
            else:
                self.notify(finished.message, title="Failed", severity="error", timeout=15)
        if self.activity.last_problem:
            self._set_status(self.activity.last_problem)
        self._show_activity_count()

    def _show_activity_count(self) -> None:
        count = len(self.activity.in_flight)
        self.query_one(AccountHeader).in_flight = count
        self.query_one(KindBar).in_flight = count
        if self.showing_activity:
            self.query_one(ActivityPane).show(self._now())

    def action_show_audit(self) -> None:
        """6: the Audit pane (audits the loaded inventory when it changed)."""
        self._hide_activity()
        self._moved_on()
        self._close_details()
        self.table.display = False
        self.audit.show()
        self.query_one(KindBar).audit_shown = True
        self._update_bar()
        self.refresh_bindings()

    def _hide_audit(self) -> None:
        if self.audit.shown:
            self.audit.hide()
            self.table.display = True
            self.query_one(KindBar).audit_shown = False
            self.refresh_bindings()

    def action_show_activity(self) -> None:
        """5: the Activity pane."""
        self._hide_audit()
        self._moved_on()
        self.showing_activity = True
        self._close_details()
        self.table.display = False
        pane = self.query_one(ActivityPane)
        pane.add_class("-open")
        pane.show(self._now())
        pane.focus()
        self.query_one(KindBar).activity_shown = True

    def _hide_activity(self) -> None:
        if self.showing_activity:
            self.showing_activity = False
            self.query_one(ActivityPane).remove_class("-open")
            self.table.display = True
            self.query_one(KindBar).activity_shown = False

    def action_mark(self) -> None:
        """space: mark or unmark the row under the cursor (a heading: its whole group)."""
        if self.audit.shown:
            self.audit.mark()
        else:
            self.table.toggle_mark()
        self._update_bar()

    def action_mark_all(self) -> None:
        """a: mark every row the filter shows."""
        (self.audit if self.audit.shown else self.table).mark_all()
        self._update_bar()

    def action_clear_marks(self) -> None:
        """A: clear every mark."""
        (self.audit if self.audit.shown else self.table).clear_marks()
        self._update_bar()

    def _refresh_automatically(self) -> None:
        """The automatic refresh: never cancels a load that is still under way."""
        if not any(w.is_running for w in self.workers if w.group == "inventory"):
            self._loaded_at = 0.0
            self.load_inventory()

    def action_refresh(self) -> None:
        """Reload every region; rows stay until their fresh copy arrives."""
        self.workers.cancel_group(self, "retry")
        self.load_inventory()

    def action_retry_regions(self) -> None:
        """R: reload only failed regions; the others keep their rows and stay untouched."""
        regions = self.query_one(RegionsPane).retry_choice(self.scope)
        if regions:
            self.retry_regions(regions)

    @work(exclusive=True, group="retry", exit_on_error=False)
    async def retry_regions(self, regions: list[str]) -> None:
        """Stream the pages of `regions` only (Account.load of just those)."""
        self._set_status(f"Retrying {', '.join(regions)}…")
        async for event in self.account.load(regions):
            self.post_message(InventoryChanged(event))
        self.post_message(InventoryLoaded())

    def action_toggle_regions(self) -> None:
        """w: hide the regions pane (the table gets its width), or show it again."""
        self._regions_wanted = not self.query_one(RegionsPane).display
        self._fit_to_width(self.app.size.width)

    def action_help(self) -> None:
        """Show every key of the current context."""
        from amiexplorer.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.active_bindings))
