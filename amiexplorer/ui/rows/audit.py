"""The rows of the Audit pane: one heading per finding code, its findings under it.

Pure Python (no widgets), like `rowmodel`: the pane draws these rows with the same virtual
table as the resource panes, so thousands of findings cost what the rows on screen cost.
A heading carries its group's count, size and estimated monthly cost; `enter` on it folds the
group, `space` marks every finding in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from amiexplorer.core.audit.findings import Remedy
from amiexplorer.core.audit.report import (
    CODE_INFO,
    AuditReport,
    Finding,
    FindingCode,
    ManagedGroup,
    Totals,
)
from amiexplorer.ui.rows import formatting as fmt
from amiexplorer.ui.rows.columns import Column, RowContext
from amiexplorer.ui.rows.model import RowModel


@dataclass(frozen=True, slots=True)
class GroupRow:
    """The heading of one finding code."""

    code: FindingCode
    totals: Totals
    folded: bool = False

    @property
    def id(self) -> str:
        """Unique among the pane's rows (marks and the cursor follow it)."""
        return f"group:{self.code}"

    @property
    def region(self) -> str:
        """Headings span regions."""
        return ""

    @property
    def title(self) -> str:
        """For instance "▾ Orphaned snapshots (12)"."""
        return f"{'▸' if self.folded else '▾'} {CODE_INFO[self.code].title} ({self.totals.count})"


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding under its heading."""

    finding: Finding

    @property
    def id(self) -> str:
        """A resource can be two findings (a public, unused image): the code is part of it."""
        return f"{self.finding.code}:{self.finding.resource_id}"

    @property
    def region(self) -> str:
        """The finding's region."""
        return self.finding.region


@dataclass(frozen=True, slots=True)
class ManagedRow:
    """What DLM or AWS Backup manages (never a finding), or the heading over those rows."""

    group: ManagedGroup | None
    #: For the heading: how many resources, and GiB, in every group shown.
    count: int = 0
    size_gib: int = 0

    @property
    def id(self) -> str:
        """Unique among the pane's rows."""
        if self.group is None:
            return "managed"
        g = self.group
        return f"managed:{g.manager}:{g.kind}:{g.region}:{g.label}"

    @property
    def region(self) -> str:
        """The group's region (the heading spans regions)."""
        return self.group.region if self.group is not None else ""


AuditRow = GroupRow | FindingRow | ManagedRow


def _cost(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _size(value: int | None) -> str:
    return "-" if value is None else fmt.size_gib(value)


def _item(row: AuditRow, _ctx: RowContext) -> str:
    if isinstance(row, ManagedRow):
        if row.group is None:
            return f"Managed elsewhere ({row.count})"
        noun = row.group.kind.value if row.group.count == 1 else f"{row.group.kind.value}s"
        return f"  {row.group.count:,} {noun}"
    return row.title if isinstance(row, GroupRow) else f"  {row.finding.resource_id}"


def _gib(row: AuditRow, _ctx: RowContext) -> str:
    if isinstance(row, ManagedRow):
        return _size(row.group.size_gib if row.group is not None else row.size_gib)
    if isinstance(row, GroupRow):
        return _size(row.totals.size_gib) if CODE_INFO[row.code].costs else ""
    return _size(row.finding.size_gib)


def _monthly(row: AuditRow, _ctx: RowContext) -> str:
    if isinstance(row, ManagedRow):
        return ""
    if isinstance(row, GroupRow):
        return _cost(row.totals.monthly_cost_usd) if CODE_INFO[row.code].costs else ""
    return _cost(row.finding.monthly_cost_usd)


def _reason(row: AuditRow, _ctx: RowContext) -> str:
    if isinstance(row, ManagedRow):
        if row.group is None:
            return "DLM and AWS Backup delete these by their own rules (informational)"
        note = f" ({row.group.note})" if row.group.note else ""
        return f"{row.group.label}{note}"
    if isinstance(row, GroupRow):
        info = CODE_INFO[row.code]
        informational = " (informational)" if info.remedy is Remedy.NONE else ""
        return f"{info.meaning}{informational}"
    return row.finding.reason


def _heading_style(row: AuditRow, _ctx: RowContext, _text: str) -> str:
    if isinstance(row, ManagedRow):
        return "bold dim" if row.group is None else "dim"
    if not isinstance(row, GroupRow):
        return ""
    return "bold red" if row.code.startswith("public") else "bold"


def _cost_style(row: AuditRow, _ctx: RowContext, _text: str) -> str:
    return "bold yellow" if isinstance(row, GroupRow) else "yellow"


#: The pane's columns; the table adds a Region column when every region is shown.
AUDIT_COLUMNS: tuple[Column, ...] = (
    Column("item", "Finding", 26, _item, style=_heading_style, priority=0),
    Column("size", "Size", 9, _gib, style=_heading_style, align="right", priority=1),
    Column("cost", "Est. $/mo", 10, _monthly, style=_cost_style, align="right", priority=0),
    Column("reason", "Reason", 30, _reason, priority=0, flex=True, min_width=16),
)


def audit_search_text(finding: Finding) -> str:
    """What `/` matches in the Audit pane: ids, code, region, reason and the evidence."""
    evidence = " ".join(str(v) for v in finding.details.values() if v is not None)
    return "\n".join(
        (finding.resource_id, finding.code, finding.region, finding.reason, evidence)
    ).lower()


class AuditRowModel(RowModel):
    """Headings and findings of one audit report, filtered, scoped to a region, folded."""

    def __init__(self) -> None:
        # The model is drawn by a ResourceTable, which only reads `kind` as a cache key.
        super().__init__(kind="audit")  # type: ignore[arg-type]
        self.report: AuditReport | None = None
        self.folded: set[FindingCode] = set()
        #: The findings the last rebuild let through (scope and filter), in report order.
        self.shown: list[Finding] = []
        self._texts: dict[int, str] = {}

    @property
    def columns(self) -> tuple[Column, ...]:
        """The audit's own columns."""
        return AUDIT_COLUMNS

    def findings(self) -> list[Finding]:
        """The findings the scope and the filter let through, in the report's order."""
        if self.report is None:
            return []
        found = [f for f in self.report.findings if self.region is None or f.region == self.region]
        terms = self.filter_text.strip().lower().split()
        if terms:
            found = [f for f in found if all(t in self._text(f) for t in terms)]
        return found

    def _text(self, finding: Finding) -> str:
        key = id(finding)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = audit_search_text(finding)
        return text

    def rebuild(self, table: Mapping[str, Any] | None = None, ctx: Any = None) -> None:
        """Recompute the rows: a heading per code with findings shown, then its findings."""
        self.shown = self.findings()
        groups: dict[FindingCode, list[Finding]] = {}
        for finding in self.shown:
            groups.setdefault(finding.code, []).append(finding)
        rows: list[Any] = []
        for code in FindingCode:
            found = groups.get(code)
            if not found:
                continue
            folded = code in self.folded
            rows.append(GroupRow(code, Totals.of(found), folded))
            if not folded:
                rows.extend(FindingRow(f) for f in found)
        rows += self._managed_rows()
        self.rows = rows

    def _managed_rows(self) -> list[ManagedRow]:
        """What another service manages, under its own heading (not while filtering)."""
        if self.report is None or self.filter_text.strip():
            return []
        groups = [g for g in self.report.managed if self.region is None or g.region == self.region]
        if not groups:
            return []
        heading = ManagedRow(None, sum(g.count for g in groups), sum(g.size_gib for g in groups))
        return [heading, *(ManagedRow(g) for g in groups)]

    def set_report(self, report: AuditReport) -> None:
        """Show a new report (the search texts of the old one are dropped)."""
        self.report = report
        self._texts.clear()
        self.rebuild()

    def toggle_fold(self, code: FindingCode) -> None:
        """Fold or unfold one group."""
        self.folded.symmetric_difference_update({code})
        self.rebuild()

    def group_ids(self, code: FindingCode) -> list[str]:
        """The row ids of every finding of `code` that the scope and filter let through."""
        return [FindingRow(f).id for f in self.shown if f.code is code]
