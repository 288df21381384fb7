"""The explorer: regions on the left, the panes on the right, all by keyboard.

The panes sit in a `ContentSwitcher` (resources, audit, activity), and each owns its rows, its
keys and its mode (`amiexplorer.ui.panes`). The screen keeps the layout, the workers (loading,
retrying, watching, reading evidence), the navigation history and the routing of what the panes
report (`amiexplorer.ui.messages`). Changes go through the one `ActionFlow` made with the screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, OptionList

from amiexplorer.aws.account import Account
from amiexplorer.aws.watch import Watcher, WatchTarget
from amiexplorer.core.inventory import RegionFinished
from amiexplorer.core.models import Image, ResourceKind, Snapshot
from amiexplorer.ui import clock
from amiexplorer.ui.action_flow import ActionFlow
from amiexplorer.ui.activity import Activity
from amiexplorer.ui.explorer_keys import EXPLORER_BINDINGS, in_table_order, key_display
from amiexplorer.ui.messages import (
    CleanupRequested,
    EvidenceWanted,
    InventoryChanged,
    InventoryLoaded,
    JumpRequested,
    Refused,
    RowsChanged,
    SharingRead,
    StatusChanged,
    Watched,
)
from amiexplorer.ui.panes.activity import ActivityPane
from amiexplorer.ui.panes.audit import AuditPane
from amiexplorer.ui.panes.base import Pane
from amiexplorer.ui.panes.resources import ResourcesPane
from amiexplorer.ui.rows.audit import FindingRow
from amiexplorer.ui.rows.columns import RowContext
from amiexplorer.ui.rows.details import Related
from amiexplorer.ui.rows.model import RowModel
from amiexplorer.ui.screens.command_line import CommandPrompt, FilterPrompt, run_command
from amiexplorer.ui.widgets.account_header import AccountHeader
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from amiexplorer.ui.widgets.footer import Footer
from amiexplorer.ui.widgets.kind_bar import PANES, KindBar
from amiexplorer.ui.widgets.prompt import Prompt
from amiexplorer.ui.widgets.regions_pane import ALL_REGIONS, RegionsPane
from amiexplorer.ui.widgets.resource_table import ResourceTable
from amiexplorer.ui.widgets.status_line import StatusLine
from amiexplorer.ui.worker_errors import ReportsWorkerErrors

#: Redraw at most this often while pages stream in, so a burst of pages is one repaint.
REDRAW_SECONDS = 0.15
#: Narrower than this, the regions pane is hidden: the table needs the width for the region,
#: the name and the state of each row (`w` shows it until the width crosses this again).
REGIONS_PANE_MIN_WIDTH = 120

#: The panes' ids in the switcher.
RESOURCES, AUDIT, ACTIVITY = "resources", "audit-pane", "activity"


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was: for `backspace` after jumping to a related resource."""

    kind: ResourceKind
    region: str | None
    resource_id: str | None
    details_open: bool
    #: The pane that was showing (resource_id is then the row's id there).
    pane: str = RESOURCES


class ExplorerScreen(ReportsWorkerErrors, Screen[None]):
    """The screen people live in."""

    #: The table has the focus from the first frame: moving it there later rebuilds the
    #: footer and restyles the panes again while the first rows load.
    AUTO_FOCUS = "#table"

    BINDINGS: ClassVar[list[BindingType]] = EXPLORER_BINDINGS

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.scope: str | None = None
        self.history: list[Place] = []
        self.ctx = RowContext(now=datetime.now(UTC), relations=account.relations())
        self._dirty = False
        #: When the last load finished (monotonic), for the automatic refresh.
        self._loaded_at = 0.0
        self.watcher = Watcher(
            account.pool, account.identity.account_id, inventory=account.inventory
        )
        self.activity = Activity(inventory=account.inventory, watcher=self.watcher)
        self.flow = ActionFlow(self, account, self.watcher)
        #: The panes, made once: their state (the kind shown, the findings) is the screen's.
        self.resources = ResourcesPane(account, self.ctx, self.flow, id=RESOURCES)
        self.audit = AuditPane(account, self.ctx, self.flow, id=AUDIT)
        #: Whether the user asked for the regions pane (`w`); None: by the terminal's width.
        self._regions_wanted: bool | None = None
        #: Whether the last width called for the pane (a resize across it forgets `w`).
        self._regions_fit: bool | None = None

    def now(self) -> datetime:
        """The UI's clock."""
        return clock.now(self.app)

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, regions | (pane bar, the panes), prompt, status, footer."""
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
                with ContentSwitcher(id="panes", initial=RESOURCES) as switcher:
                    self._switcher = switcher
                    yield self.resources
                    yield self.audit
                    yield ActivityPane(self.activity, id=ACTIVITY)
        yield Prompt(id="prompt")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def retry_key(self) -> str:
        """The key that reloads failed regions, wherever the config file's keymap put it."""
        return key_display(self.app, "retry-regions")

    @property
    def showing(self) -> str:
        """The pane on screen: RESOURCES, AUDIT or ACTIVITY (the switcher is the one record)."""
        return self._switcher.current or RESOURCES

    @property
    def table(self) -> ResourceTable:
        """The resource table."""
        return self.resources.table

    @property
    def kind(self) -> ResourceKind:
        """The kind of resource the resource pane shows."""
        return self.resources.kind

    @property
    def models(self) -> dict[ResourceKind, RowModel]:
        """The resource pane's rows, one model per kind."""
        return self.resources.models

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, in the command table's order (footer, help, palette)."""
        return in_table_order(super().active_bindings)

    def on_mount(self) -> None:
        """Lay out for the terminal's width, then start loading."""
        self.ctx.now = self.now()
        self._fit_to_width(self.app.size.width)
        self.table.focus()
        self.set_interval(REDRAW_SECONDS, self._tick)
        self.resources.rebuild()
        self._update_bar()
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
            self.activity.start(target, "", started or self.now(), resource)
        self.follow()
        self.redraw()
        self._show_state()
        self.audit.inventory_changed()
        self.resources.start_warming()

    def _tick(self) -> None:
        """Fold streamed pages into one repaint, and refresh when the interval is due."""
        if self._dirty:
            self.redraw()
        if self.status.expire():
            self._show_state()
        settings = getattr(self.app, "settings", None)
        interval = settings.refresh_interval if settings is not None else 0
        if interval and self._loaded_at and time.monotonic() - self._loaded_at >= interval:
            self._refresh_automatically()

    def inventory_edited(self) -> None:
        """Something changed the inventory (an action, the audit's reads): redraw soon."""
        self._dirty = True

    def redraw(self) -> None:
        """Every pane's rows from the inventory as it is now."""
        self._dirty = False
        self.ctx.relations = self.account.relations()
        self.ctx.now = self.now()
        self.resources.redraw()
        if self.audit.shown:
            self.audit.rows_changed()
        self._update_bar()

    def _update_bar(self) -> None:
        bar = self.query_one(KindBar)
        audit = self.audit
        showing = self.showing
        bar.audit_shown = showing == AUDIT
        bar.activity_shown = showing == ACTIVITY
        if audit.report is not None:
            bar.findings = audit.report.totals.count
        if showing == AUDIT:
            bar.shown = len(audit.model.shown)
            bar.total = audit.report.totals.count if audit.report else 0
            bar.scope = self.scope
            bar.filter_text = audit.model.filter_text
            bar.marked = audit.marked
            bar.sort_label = ""
            return
        resources = self.resources
        model = resources.model
        bar.kind = resources.kind
        bar.scope = self.scope
        bar.shown = len(model.rows)
        bar.total = self.account.inventory.count(resources.kind, self.scope)
        bar.filter_text = model.filter_text
        bar.marked = resources.marked
        bar.sort_label = resources.sort_label()

    def on_rows_changed(self, message: RowsChanged) -> None:
        """A pane's rows, marks or filter changed: the counts above it follow."""
        message.stop()
        self._update_bar()

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
        return f"Loaded {len(inventory.regions)} region(s) at {self.now():%H:%M:%S} UTC."

    @property
    def status(self) -> StatusLine:
        """The status line: the state of things, or a message while it lasts."""
        return self.query_one("#status", StatusLine)

    def set_status(self, text: str | Text) -> None:
        """A message in the status line, until it expires or the user moves on ("" ends it)."""
        self.status.show_message(text)

    def on_status_changed(self, message: StatusChanged) -> None:
        """A pane has something to say."""
        message.stop()
        self.set_status(message.text)

    def _show_state(self) -> None:
        """What the status line says when it has no message: the load, or the audit's totals."""
        summary = self.audit.summary() if self.showing == AUDIT else ""
        self.status.show_state(summary or self._status_line())

    def _moved_on(self) -> None:
        """Another pane or region: a message about the last one is over."""
        self.status.clear_message()
        self._show_state()

    def complain(self, text: str) -> None:
        """Refuse something the user typed: say why in the status line, and ring the bell."""
        self.app.bell()
        self.status.show_message(Text(text, style="bold yellow"))

    def on_refused(self, message: Refused) -> None:
        """A pane refused something."""
        message.stop()
        self.complain(message.text)

    # Panes and regions ------------------------------------------------------------------

    def _switch(self, pane: str) -> None:
        switcher = self._switcher
        if switcher.current != pane:
            switcher.current = pane
            self.refresh_bindings()

    def action_show_kind(self, kind: str) -> None:
        """Switch to the pane of `kind` (keys 1-4 and :inst, :vol, :snap, :ami)."""
        self.show_kind(ResourceKind(kind))

    def show_kind(self, kind: ResourceKind, keep: str | None = None) -> None:
        """The resource pane, showing `kind` (its cursor on `keep`, if given)."""
        self._switch(RESOURCES)
        self._moved_on()
        self.resources.show_kind(kind, keep)
        self.query_one(RegionsPane).set_kind(kind)
        self._update_bar()
        self._refocus()

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
        self.resources.scope = self.audit.scope = region
        self._moved_on()
        self.resources.rebuild()
        if self.audit.shown:
            self.audit.rows_changed()
        self._update_bar()
        pane = self.query_one(RegionsPane)
        keys = [ALL_REGIONS, *self.account.inventory.regions]
        pane.highlighted = keys.index(region or ALL_REGIONS)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """enter in the regions pane scopes the panes to that region."""
        if isinstance(event.option_list, RegionsPane):
            event.stop()
            chosen = event.option.id
            self.set_region(None if chosen == ALL_REGIONS else chosen)
            self._focus_pane()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show a failed region's whole error in the status line when it is highlighted."""
        if isinstance(event.option_list, RegionsPane) and event.option.id:
            status = self.account.inventory.regions.get(event.option.id)
            if status is not None and status.errors:
                self.set_status(f"{status.name}: {status.error_message}")

    # Filter and command -----------------------------------------------------------------

    def _model(self) -> RowModel:
        """The model of the pane on screen: a resource kind's, or the audit's."""
        return self.audit.model if self.showing == AUDIT else self.resources.model

    def _shown_table(self) -> ResourceTable:
        return self.audit.table if self.showing == AUDIT else self.table

    def _focus_pane(self) -> None:
        self._shown_table().focus()

    def _refocus(self) -> None:
        """After a switch or closed details: the table on screen has the focus, unless the
        prompt has it (keys typed ahead go there)."""
        if not (self._shown_table().has_focus or self.query_one(Prompt).has_focus):
            self._focus_pane()

    def action_filter(self) -> None:
        """Open the filter prompt with the current filter; it filters as you type."""
        model = self._model()
        self.query_one(Prompt).open("filter", FilterPrompt(self, model), model.filter_text)

    def action_command(self) -> None:
        """Open the `:` command line."""
        self.query_one(Prompt).open("command", CommandPrompt(self))

    def set_filter(self, model: RowModel, text: str) -> None:
        """Filter `model` (which may no longer be the pane on screen: type-ahead)."""
        if model is self.audit.model:
            # Its rows follow below; the resource rows stay as they are.
            model.filter_text = text
        else:
            self.resources.set_filter(model, text)
        if self.audit.shown:
            self.audit.rows_changed()
            if model is self.audit.model and text.strip():
                # The first finding, not its group's heading.
                rows = self.audit.model.rows
                first = next((i for i, row in enumerate(rows) if isinstance(row, FindingRow)), 0)
                self.audit.table.cursor = first
        self._update_bar()

    def run_command(self, text: str) -> None:
        """Run a `:` command (see `command_line`)."""
        run_command(self, text)

    # Details and navigation -------------------------------------------------------------

    def on_evidence_wanted(self, message: EvidenceWanted) -> None:
        """The details need sharing or provenance: read them (once each) in a worker."""
        message.stop()
        if message.attributes:
            self.load_attributes(message.resource)
        if message.provenance:
            self.load_provenance(message.resource)
        if message.blocks:
            self.read_blocks(message.resource.id)

    @work(group="blocks", exclusive=True, exit_on_error=False)
    async def read_blocks(self, snapshot_id: str) -> None:
        """Read which blocks only the snapshot in the panel holds (what deleting it frees)."""
        await self.account.read_blocks([snapshot_id])
        self.redraw()

    @work(group="provenance", exclusive=True, exit_on_error=False)
    async def load_provenance(self, resource: Image | Snapshot) -> None:
        """Read the AWS Backup vault and plan, or the Image Builder pipeline, of the resource."""
        await self.account.load_provenance(resource)
        self.redraw()

    @work(group="attributes", exclusive=True, exit_on_error=False)
    async def load_attributes(self, resource: Image | Snapshot) -> None:
        """Fetch sharing for the resource in the panel."""
        await self.account.load_attributes(resource)
        self.redraw()

    def on_resource_table_highlighted(self, message: ResourceTable.Highlighted) -> None:
        """The Audit pane's status line follows its cursor."""
        if self.showing == AUDIT and message.table is self.audit.table:
            self.audit.highlighted(message.resource)

    def on_activity_pane_chosen(self, message: ActivityPane.Chosen) -> None:
        """enter in the Activity pane: the operation's resource, with its details."""
        target = message.operation.target
        self.jump_to(Related("in Activity", target.kind, target.resource_id, target.resource_id))

    def on_detail_panel_jump(self, message: DetailPanel.Jump) -> None:
        """Go to a related resource, remembering where we were."""
        self.jump_to(message.related)

    def on_jump_requested(self, message: JumpRequested) -> None:
        """A pane asked to go to a resource (a finding's)."""
        message.stop()
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
        showing = self.showing
        if showing == AUDIT:
            row = self.audit.table.current
            place = Place(self.kind, self.scope, row.id if row else None, False, pane=AUDIT)
        elif showing == ACTIVITY:
            place = Place(self.kind, self.scope, None, False, pane=ACTIVITY)
        else:
            current = self.table.current
            place = Place(
                self.kind, self.scope, current.id if current else None, self.resources.details_open
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
        self._set_scope(region)
        self.show_kind(kind, keep=resource_id)
        current = self.table.current
        if resource_id is not None and (current is None or current.id != resource_id):
            # Filtered out or in another region: clear both so the resource is on screen.
            self._set_scope(None)
            self.resources.go_to(resource_id)
            self._update_bar()
        self.table.focus()
        if details:
            self.resources.action_details()

    def _set_scope(self, region: str | None) -> None:
        self.scope = self.resources.scope = self.audit.scope = region

    def jump_to_id(self, resource_id: str) -> None:
        """Go to any resource by id (from a refusal that names what blocks it)."""
        for kind, _label in PANES:
            resource = self.account.inventory.table(kind).get(resource_id)
            if resource is not None:
                self.jump_to(Related("blocks the action", kind, resource_id, resource_id))
                return
        self.complain(f"{resource_id} is not in this account's inventory")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`R` shows only while a region has failed (the panes decide about their own keys)."""
        if action == "retry_regions":
            return any(status.errors for status in self.account.inventory.regions.values())
        return True

    def on_key(self, event: events.Key) -> None:
        """Read-only mode: a key of the pane on screen that would change AWS is refused with a
        message, not silently ignored (the flow says which: `Pane.refuses`).

        `q` asks first while a change is being sent or rows are marked (dialogs/quit.py).
        """
        from amiexplorer.ui.dialogs.quit import ask_before_quitting

        if ask_before_quitting(self, event, self.reasons_to_stay):
            return
        if isinstance(self.focused, Input):
            return
        pane = self._switcher.visible_content
        if isinstance(pane, Pane) and pane.refuses(event.key):
            event.stop()
            self.flow.refuse_read_only()

    def reasons_to_stay(self) -> list[str]:
        """Why quitting now would cost something: a change in flight, rows marked."""
        return self.flow.reasons_to_stay(self.resources.marked + self.audit.marked)

    def action_back(self) -> None:
        """Back to where the last jump came from."""
        if not self.history:
            self.notify("Nothing to go back to")
            return
        place = self.history.pop()
        if place.pane == ACTIVITY:
            self._set_scope(place.region)
            self.action_show_activity()
            return
        if place.pane == AUDIT:
            self._set_scope(place.region)
            self.resources.close_details()
            self.action_show_audit()
            self.audit.rows_changed(place.resource_id)
            self._update_bar()
            return
        self._go(place.kind, place.region, place.resource_id, place.details_open)

    def action_escape(self) -> None:
        """esc: close the details, else clear the filter (of the pane on screen)."""
        if self.showing == AUDIT:
            if self.audit.model.filter_text:
                self.set_filter(self.audit.model, "")
            return
        details_open = self.resources.details_open
        self.resources.escape()
        self._update_bar()
        if details_open:
            self._refocus()

    # Work in flight ------------------------------------------------------------------------

    def follow(self, *targets: WatchTarget, label: str = "") -> None:
        """Watch `targets` (and anything already followed) until AWS finishes them."""
        for target in targets:
            resource = self.account.inventory.table(target.kind).get(target.resource_id)
            self.activity.start(target, label, self.now(), resource)
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
        problem = self.activity.last_problem
        finished = self.activity.apply(message.event, self.now())
        self._dirty = True
        if finished is not None:
            if finished.succeeded:
                self.notify(finished.message, title="Finished")
            else:
                self.notify(finished.message, title="Failed", severity="error", timeout=15)
        if self.activity.last_problem:
            self.set_status(self.activity.last_problem)
        elif problem:
            # The watcher got through again: its trouble is over, whatever the clock says.
            self.status.clear_message(only=problem)
        self._show_activity_count()

    def _show_activity_count(self) -> None:
        count = len(self.activity.in_flight)
        self.query_one(AccountHeader).in_flight = count
        self.query_one(KindBar).in_flight = count
        if self.showing == ACTIVITY:
            self.query_one(ActivityPane).show(self.now())

    def action_show_audit(self) -> None:
        """6: the Audit pane (audits the loaded inventory when it changed)."""
        self._moved_on()
        self.resources.close_details()
        self._switch(AUDIT)
        self.audit.shown_now()
        self._update_bar()

    def action_show_recycle_bin(self) -> None:
        """7: the Recycle Bin, over the explorer (esc comes back)."""
        from amiexplorer.ui.screens.recycle_bin import RecycleBinScreen

        self.app.push_screen(RecycleBinScreen(self))

    def action_show_activity(self) -> None:
        """5: the Activity pane."""
        self._moved_on()
        self.resources.close_details()
        self._switch(ACTIVITY)
        pane = self.query_one(ActivityPane)
        pane.show(self.now())
        pane.focus()
        self._update_bar()

    def on_sharing_read(self, message: SharingRead) -> None:
        """The audit read sharing into the inventory: the resource panes show it too."""
        message.stop()
        self._dirty = True

    def on_cleanup_requested(self, message: CleanupRequested) -> None:
        """The Audit pane's cleanup: its requests through the one flow, one after another."""
        message.stop()
        self.flow.run_flows(message.flows, then=message.then)

    def _refresh_automatically(self) -> None:
        """The automatic refresh: never cancels a load that is still under way."""
        if not any(w.is_running for w in self.workers if w.group == "inventory"):
            self._loaded_at = 0.0
            self.load_inventory()

    def action_refresh(self) -> None:
        """Reload every region; rows stay until their fresh copy arrives."""
        self.workers.cancel_group(self, "retry")
        self._asked_again()
        self.load_inventory()

    def _asked_again(self) -> None:
        """r or R: the user acted on what the status line said; the watcher asks again too."""
        self.status.clear_message()
        self.watcher.poll_now()

    def action_retry_regions(self) -> None:
        """R: reload only failed regions; the others keep their rows and stay untouched."""
        regions = self.query_one(RegionsPane).retry_choice(self.scope)
        if regions:
            self._asked_again()
            self.retry_regions(regions)

    @work(exclusive=True, group="retry", exit_on_error=False)
    async def retry_regions(self, regions: list[str]) -> None:
        """Stream the pages of `regions` only (Account.load of just those)."""
        self.set_status(f"Retrying {', '.join(regions)}…")
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
