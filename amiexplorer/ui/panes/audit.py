"""The Audit pane (`6`): findings grouped by code, with reasons and cost.

The audit itself is `amiexplorer.aws.audit_run`, the same code `amiexplorer audit` runs; here
it audits the inventory the explorer has already loaded (no second load). The report follows
that inventory: a change made anywhere (another pane's action, the watcher, a load) is audited
again (`gather_evidence` when the pane is shown again, a pure `report_from` while it shows),
and what the watcher still follows is never a leftover. Cleanup goes through the explorer's
one action flow (the pane posts `CleanupRequested`: plan, guards, DryRun, typed confirmation),
one finding code at a time: deleting snapshots, deregistering images, deleting volumes or
making public resources private. A public resource that the same cleanup deletes or
deregisters is not made private first (its confirmation says that the removal ends the
exposure); if it is still there when its turn comes (cancelled, refused), it is. Shared-with
findings are informational.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import ContentSwitcher

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import (
    AuditOptions,
    AuditProgress,
    Gathered,
    gather_evidence,
    price_findings,
    report_from,
)
from amiexplorer.config import Settings
from amiexplorer.core.audit.findings import Remedy
from amiexplorer.core.audit.report import (
    CODE_INFO,
    AuditReport,
    Finding,
    FindingCode,
    cleanup_request,
    removed_by_cleanup,
)
from amiexplorer.core.plans.requests import ActionRequest, DeregisterImagesRequest
from amiexplorer.sizes import format_gib
from amiexplorer.ui import clock
from amiexplorer.ui.action_flow import ActionFlow, Flow, LaterFlow
from amiexplorer.ui.explorer_keys import bindings_for
from amiexplorer.ui.messages import CleanupRequested, JumpRequested, RowsChanged, SharingRead
from amiexplorer.ui.panes.base import Pane
from amiexplorer.ui.rows.audit import AuditRowModel, FindingRow, GroupRow, ManagedRow
from amiexplorer.ui.rows.columns import RowContext
from amiexplorer.ui.rows.details import Related
from amiexplorer.ui.widgets.resource_table import ResourceTable

#: What each remedy is called in dialog titles.
_TITLES = {
    Remedy.DELETE_SNAPSHOTS: "Delete orphaned snapshots",
    Remedy.DEREGISTER_IMAGES: "Deregister unused images",
    Remedy.DELETE_VOLUMES: "Delete unattached volumes",
    Remedy.MAKE_PRIVATE: "Make private",
}


class AuditPane(Pane):
    """The findings' table, its keys, and the audit that fills it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("audit")

    def __init__(
        self, account: Account, ctx: RowContext, flow: ActionFlow, *, id: str | None = None
    ) -> None:
        super().__init__(account, ctx, flow, id=id)
        self.model = AuditRowModel()
        #: The findings' table (a second virtual table).
        self.table = ResourceTable(self.model, self.ctx, id="audit")
        #: The inventory changed since the report was made (a load or an action).
        self.stale = True
        self._waiting_for_load = False
        #: What the last gathering could not read (the report is made again from it).
        self._gathered: Gathered | None = None
        #: The inventory's version the report was made from (None: no report yet).
        self._version: int | None = None
        self._gathering = False

    def compose(self) -> ComposeResult:
        """A second virtual table, over findings."""
        yield self.table

    @property
    def shown(self) -> bool:
        """True while the pane is the one on screen."""
        parent = self.parent
        return isinstance(parent, ContentSwitcher) and parent.current == self.id

    def on_resource_table_chosen(self, message: ResourceTable.Chosen) -> None:
        """A double click on a finding: as enter."""
        message.stop()
        self.action_audit_open()

    @property
    def report(self) -> AuditReport | None:
        """The last audit's report."""
        return self.model.report

    # Showing ----------------------------------------------------------------------------

    def shown_now(self) -> None:
        """6 put the pane on screen: audit first if the inventory changed since the last audit."""
        self.table.focus()
        self.rows_changed()
        if self.stale or self._version != self.account.inventory.version:
            self.start()

    def inventory_changed(self) -> None:
        """A load finished or an action changed something: the report is out of date."""
        self.stale = True
        if self.shown or self._waiting_for_load:
            self.start()

    def start(self) -> None:
        """Audit the loaded inventory in a worker (after the load, if one is under way)."""
        if not self.account.inventory.is_complete:
            self._waiting_for_load = True
            self.set_status("Audit: waiting for every region to load…")
            return
        self._waiting_for_load = False
        self.run_worker(self._run(), group="audit", exclusive=True, exit_on_error=False)

    def _current_options(self) -> AuditOptions:
        """The settings' thresholds and prices, and what the watcher follows now."""
        settings = getattr(self.app, "settings", None) or Settings()
        return AuditOptions(
            reload=False,
            thresholds=settings.thresholds,
            prices=settings.prices,
            lift_hint="run `amiexplorer audit --sharing-limit 0` for every resource",
            in_flight=self.flow.runner.in_flight(),
        )

    async def _run(self) -> None:
        options = self._current_options()

        def progress(step: AuditProgress) -> None:
            self.set_status(f"Audit: {step.describe()}")

        self.set_status("Audit: reading sharing and public snapshots…")
        self._gathering = True
        try:
            gathered = await gather_evidence(self.account, options, progress)
        finally:
            self._gathering = False
        self._gathered = gathered
        self.stale = False
        self._report_again()
        self.rows_changed()
        self.post_message(RowsChanged())
        self.set_status(self.summary())
        # Sharing was read into the inventory: the resource panes show it too.
        self.post_message(SharingRead())
        # Then, with the findings on screen, price their snapshots by what deleting frees.
        report = self.report
        if report is not None:
            notes = await price_findings(self.account, report, options)
            if notes and self._gathered is gathered:
                self._gathered = replace(gathered, notes=gathered.notes + notes)
            if self._gathered is not None:
                self._report_again()
                self.rows_changed()
                self.set_status(self.summary())

    def _report_again(self) -> None:
        """Audit the inventory as it is now (no call), with what the gathering could not read."""
        assert self._gathered is not None
        account = self.account
        options = self._current_options()
        report = report_from(account, self._gathered, options, now=clock.now(self.app))
        self._version = account.inventory.version
        self.model.set_report(report)

    def _follow_inventory(self) -> None:
        """The inventory changed since the report: make it again from what is there now."""
        if self._gathered is None or self._gathering:
            return
        if self._version != self.account.inventory.version:
            self._report_again()

    def summary(self) -> str:
        """One line: how much was found, what it costs, and what could not be checked."""
        report = self.report
        if report is None:
            return ""
        totals = report.totals
        line = (
            f"Audit: {totals.count} finding(s), {format_gib(totals.size_gib)}, "
            f"~${totals.monthly_cost_usd:,.2f}/month ({report.cost_basis()})"
        )
        problems = [f"{e.region}: {e.error}" for e in report.errors] + list(report.notes)
        if problems:
            line += f" · {problems[0]}"
            if len(problems) > 1:
                line += f" (+{len(problems) - 1} more)"
        return line

    def rows_changed(self, keep: str | None = None) -> None:
        """Rebuild the rows for the scope and filter; keep the cursor on its row."""
        table = self.table
        current = table.current
        if keep is None and current is not None:
            keep = current.id
        if self.shown:
            self._follow_inventory()
        self.model.region = self.scope
        self.model.rebuild()
        table.model = self.model
        if self.report is None:
            table.empty_message = "Auditing…"
        elif self.model.filter_text:
            table.empty_message = "No finding matches the filter (esc clears it)"
        else:
            table.empty_message = "Nothing found: no leftovers, no public or shared resources"
        table.rows_changed(keep)

    def highlighted(self, row: object) -> None:
        """The status line says the whole reason of the finding under the cursor."""
        if isinstance(row, FindingRow):
            finding = row.finding
            self.set_status(f"{finding.resource_id} ({finding.code}): {finding.reason}")
        elif isinstance(row, ManagedRow) and row.group is not None:
            group = row.group
            note = f" ({group.note})" if group.note else ""
            self.set_status(
                f"{group.count:,} {group.kind.value}(s) in {group.region}: managed by "
                f"{group.label}{note}; never a leftover"
            )
        elif self.report is not None:
            self.set_status(self.summary())

    # Keys -------------------------------------------------------------------------------

    def action_audit_open(self) -> None:
        """enter: fold or unfold a group; on a finding, go to its resource."""
        row = self.table.current
        if isinstance(row, GroupRow):
            self.model.toggle_fold(row.code)
            self.rows_changed(row.id)
            self.post_message(RowsChanged())
        elif isinstance(row, FindingRow):
            finding = row.finding
            self.post_message(
                JumpRequested(
                    Related(finding.code, finding.kind, finding.resource_id, finding.resource_id)
                )
            )

    def action_mark(self) -> None:
        """space: mark a finding, or every finding of a group on its heading."""
        self._mark()
        self.post_message(RowsChanged())

    def _mark(self) -> None:
        table = self.table
        row = table.current
        if isinstance(row, ManagedRow):
            self.complain(
                "managed by DLM or AWS Backup: they delete these themselves, never from here"
            )
            return
        if isinstance(row, GroupRow):
            ids = set(self.model.group_ids(row.code))
            if ids <= table.marked:
                table.marked -= ids | {row.id}
            else:
                table.marked |= ids | {row.id}
            table.marks_changed()
            table.action_cursor(1)
        else:
            table.toggle_mark()

    def action_mark_all(self) -> None:
        """a: mark every finding shown (filter first)."""
        self.table.mark_all()
        self.post_message(RowsChanged())

    def action_clear_marks(self) -> None:
        """A: clear every mark."""
        self.table.clear_marks()
        self.post_message(RowsChanged())

    @property
    def marked(self) -> int:
        """How many findings are marked (group headings are not)."""
        return len([m for m in self.table.marked if not m.startswith("group:")])

    def action_make_private(self) -> None:
        """p: make the public findings among the selection private."""
        self.clean_up(private_only=True)

    def action_delete(self) -> None:
        """ctrl+d: clean up what is selected."""
        self.clean_up()

    def selection(self) -> list[Finding]:
        """The marked findings still shown; else the finding (or group) under the cursor."""
        table = self.table
        findings = self.model.shown
        if table.marked:
            return [f for f in findings if FindingRow(f).id in table.marked]
        row = table.current
        if isinstance(row, GroupRow):
            return [f for f in findings if f.code is row.code]
        return [row.finding] if isinstance(row, FindingRow) else []

    def clean_up(self, *, private_only: bool = False) -> None:
        """ctrl+d: the remedy of each code among the selection, through the guarded flow."""
        if not self.flow.permits("delete"):
            self.flow.refuse_read_only()
            return
        chosen = self.selection()
        if not chosen:
            self.complain("nothing to clean up: put the cursor on a finding or mark some")
            return
        flows: list[Flow | LaterFlow] = []
        skipped: list[str] = []
        # What this cleanup deletes or deregisters needs no making private first: the
        # removal ends its exposure (its confirmation says so).
        removed = set() if private_only else removed_by_cleanup(chosen)
        for code in FindingCode:
            found = [f for f in chosen if f.code is code]
            if not found:
                continue
            remedy = CODE_INFO[code].remedy
            if private_only and remedy is not Remedy.MAKE_PRIVATE:
                skipped.append(code)
                continue
            if remedy is Remedy.MAKE_PRIVATE and removed.intersection(f.resource_id for f in found):
                flows.append(partial(self._private_flow, code, found, removed))
                continue
            request = cleanup_request(code, found)
            if request is None:
                skipped.append(code)
                continue
            flows.append((request, _TITLES[remedy], self._toggle(request)))
        if not flows:
            self.complain(
                f"{', '.join(skipped)}: informational, nothing to clean up "
                "(enter goes to the resource; s there changes its sharing)"
                if not private_only
                else "p makes public images and snapshots private: mark public-* findings"
            )
            return
        if skipped:
            self.notify(f"Not cleaned up here (informational): {', '.join(skipped)}")
        self.post_message(CleanupRequested(flows, then=self._cleaned_up))

    def _private_flow(
        self, code: FindingCode, found: list[Finding], removed: set[str]
    ) -> Flow | None:
        """Make private, when its turn comes, what the removals before it left in place."""
        inventory = self.account.inventory
        left = [f for f in found if f.resource_id not in removed or inventory.get(f.resource_id)]
        gone = sorted({f.resource_id for f in found} - {f.resource_id for f in left})
        if gone:
            self.notify(
                f"Not made private: {', '.join(gone)}: deleted or deregistered, which ended "
                "their public access"
            )
        request = cleanup_request(code, left)
        if request is None:
            return None
        return request, _TITLES[CODE_INFO[code].remedy], None

    def _cleaned_up(self) -> None:
        """Marks named what was cleaned up; audit again over what is left."""
        self.table.clear_marks()
        self.inventory_changed()

    def _toggle(self, request: ActionRequest) -> Any:
        if isinstance(request, DeregisterImagesRequest):
            return self.flow.deregister_toggle(request.image_ids)
        return None
