"""The explorer's Audit pane (`6`): findings grouped by code, with reasons and cost.

The audit itself is `amiexplorer.aws.audit_run`, the same code `amiexplorer audit` runs; here
it audits the inventory the explorer has already loaded (no second load). The report follows
that inventory: a change made anywhere (another pane's action, the watcher, a load) is audited
again (`gather_evidence` when the pane is shown again, a pure `report_from` while it shows),
and what the watcher still follows is never a leftover. Cleanup goes through the explorer's
one action flow (plan, guards, DryRun, typed confirmation), one finding code at a time:
deleting snapshots, deregistering images, deleting volumes or making public resources private.
A public resource that the same cleanup deletes or deregisters is not made private first (its
confirmation says that the removal ends the exposure); if it is still there when its turn
comes (cancelled, refused), it is. Shared-with findings are informational.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from amiexplorer.aws.action_requests import ActionRequest, DeregisterImagesRequest
from amiexplorer.aws.audit import (
    CODE_INFO,
    AuditReport,
    Finding,
    FindingCode,
    cleanup_request,
    removed_by_cleanup,
)
from amiexplorer.aws.audit_run import (
    AuditOptions,
    AuditProgress,
    Gathered,
    gather_evidence,
    report_from,
)
from amiexplorer.aws.findings import Remedy
from amiexplorer.config import Settings
from amiexplorer.sizes import format_gib
from amiexplorer.ui.audit_rows import AuditRowModel, FindingRow, GroupRow, ManagedRow
from amiexplorer.ui.details import Related
from amiexplorer.ui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from amiexplorer.ui.screens.actions import Flow, LaterFlow
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: What each remedy is called in dialog titles.
_TITLES = {
    Remedy.DELETE_SNAPSHOTS: "Delete orphaned snapshots",
    Remedy.DEREGISTER_IMAGES: "Deregister unused images",
    Remedy.DELETE_VOLUMES: "Delete unattached volumes",
    Remedy.MAKE_PRIVATE: "Make private",
}


class AuditPane:
    """State and keys of the Audit pane; the explorer routes its keys here while it shows."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        self.model = AuditRowModel()
        self.shown = False
        #: The inventory changed since the report was made (a load or an action).
        self.stale = True
        self._waiting_for_load = False
        #: What the last gathering could not read (the report is made again from it).
        self._gathered: Gathered | None = None
        #: The inventory's version the report was made from (None: no report yet).
        self._version: int | None = None
        self._gathering = False

    @property
    def table(self) -> ResourceTable:
        """The audit's table (a second virtual table, over findings)."""
        return self.screen.query_one("#audit", ResourceTable)

    @property
    def report(self) -> AuditReport | None:
        """The last audit's report."""
        return self.model.report

    # Showing ----------------------------------------------------------------------------

    def show(self) -> None:
        """6: show the pane; audit first if the inventory changed since the last audit."""
        self.shown = True
        table = self.table
        table.display = True
        table.focus()
        self.rows_changed()
        if self.stale or self._version != self.screen.account.inventory.version:
            self.start()

    def hide(self) -> None:
        """Another pane took over."""
        if self.shown:
            self.shown = False
            self.table.display = False

    def inventory_changed(self) -> None:
        """A load finished or an action changed something: the report is out of date."""
        self.stale = True
        if self.shown or self._waiting_for_load:
            self.start()

    def start(self) -> None:
        """Audit the loaded inventory in a worker (after the load, if one is under way)."""
        if not self.screen.account.inventory.is_complete:
            self._waiting_for_load = True
            self.screen._set_status("Audit: waiting for every region to load…")
            return
        self._waiting_for_load = False
        self.screen.run_worker(self._run(), group="audit", exclusive=True, exit_on_error=False)

    def _current_options(self) -> AuditOptions:
        """The settings' thresholds and prices, and what the watcher follows now."""
        settings = getattr(self.screen.app, "settings", None) or Settings()
        return AuditOptions(
            reload=False,
            thresholds=settings.thresholds,
            prices=settings.prices,
            lift_hint="run `amiexplorer audit --sharing-limit 0` for every resource",
            in_flight=frozenset(t.resource_id for t in self.screen.watcher.pending),
        )

    async def _run(self) -> None:
        options = self._current_options()

        def progress(step: AuditProgress) -> None:
            self.screen._set_status(f"Audit: {step.describe()}")

        self.screen._set_status("Audit: reading sharing and public snapshots…")
        self._gathering = True
        try:
            gathered = await gather_evidence(self.screen.account, options, progress)
        finally:
            self._gathering = False
        self._gathered = gathered
        self.stale = False
        self._report_again()
        self.rows_changed()
        self.screen._set_status(self.summary())
        # Sharing was read into the inventory: the resource panes show it too.
        self.screen._dirty = True

    def _report_again(self) -> None:
        """Audit the inventory as it is now (no call), with what the gathering could not read."""
        assert self._gathered is not None
        account = self.screen.account
        options = self._current_options()
        report = report_from(account, self._gathered, options, now=self.screen._now())
        self._version = account.inventory.version
        self.model.set_report(report)

    def _follow_inventory(self) -> None:
        """The inventory changed since the report: make it again from what is there now."""
        if self._gathered is None or self._gathering:
            return
        if self._version != self.screen.account.inventory.version:
            self._report_again()

    def summary(self) -> str:
        """One line: how much was found, what it costs, and what could not be checked."""
        report = self.report
        if report is None:
            return ""
        totals = report.totals
        line = (
            f"Audit: {totals.count} finding(s), {format_gib(totals.size_gib)}, "
            f"~${totals.monthly_cost_usd:,.2f}/month (estimate; snapshots an upper bound)"
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
        self.model.region = self.screen.scope
        self.model.rebuild()
        table.model = self.model
        if self.report is None:
            table.empty_message = "Auditing…"
        elif self.model.filter_text:
            table.empty_message = "No finding matches the filter (esc clears it)"
        else:
            table.empty_message = "Nothing found: no leftovers, no public or shared resources"
        table.rows_changed(keep)
        self.screen._update_bar()

    def highlighted(self, row: object) -> None:
        """The status line says the whole reason of the finding under the cursor."""
        if isinstance(row, FindingRow):
            finding = row.finding
            self.screen._set_status(f"{finding.resource_id} ({finding.code}): {finding.reason}")
        elif isinstance(row, ManagedRow) and row.group is not None:
            group = row.group
            note = f" ({group.note})" if group.note else ""
            self.screen._set_status(
                f"{group.count:,} {group.kind.value}(s) in {group.region}: managed by "
                f"{group.label}{note}; never a leftover"
            )
        elif self.report is not None:
            self.screen._set_status(self.summary())

    # Keys -------------------------------------------------------------------------------

    def choose(self) -> None:
        """enter: fold or unfold a group; on a finding, go to its resource."""
        row = self.table.current
        if isinstance(row, GroupRow):
            self.model.toggle_fold(row.code)
            self.rows_changed(row.id)
        elif isinstance(row, FindingRow):
            finding = row.finding
            self.screen.jump_to(
                Related(finding.code, finding.kind, finding.resource_id, finding.resource_id)
            )

    def mark(self) -> None:
        """space: mark a finding, or every finding of a group on its heading."""
        table = self.table
        row = table.current
        if isinstance(row, ManagedRow):
            self.screen.complain(
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

    def mark_all(self) -> None:
        """a: mark every finding shown (filter first)."""
        self.table.mark_all()

    def clear_marks(self) -> None:
        """A: clear every mark."""
        self.table.clear_marks()

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
        if self.screen.account.read_only:
            self.screen.actions.refuse_read_only()
            return
        chosen = self.selection()
        if not chosen:
            self.screen.complain("nothing to clean up: put the cursor on a finding or mark some")
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
            self.screen.complain(
                f"{', '.join(skipped)}: informational, nothing to clean up "
                "(enter goes to the resource; s there changes its sharing)"
                if not private_only
                else "p makes public images and snapshots private: mark public-* findings"
            )
            return
        if skipped:
            self.screen.notify(f"Not cleaned up here (informational): {', '.join(skipped)}")
        self.screen.actions.run_flows(flows, then=self._cleaned_up)

    def _private_flow(
        self, code: FindingCode, found: list[Finding], removed: set[str]
    ) -> Flow | None:
        """Make private, when its turn comes, what the removals before it left in place."""
        inventory = self.screen.account.inventory
        left = [f for f in found if f.resource_id not in removed or inventory.get(f.resource_id)]
        gone = sorted({f.resource_id for f in found} - {f.resource_id for f in left})
        if gone:
            self.screen.notify(
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
            return self.screen.actions.deregister_toggle(request.image_ids)
        return None
