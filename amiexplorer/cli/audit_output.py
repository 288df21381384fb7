"""An `AuditReport` as a humanized table, as exact JSON, or as exact CSV.

Never imports Textual (an import-linter contract): `amiexplorer audit` runs without it.

JSON: `{"account", "generated_at", "regions", "errors": [{"region", "error"}], "findings":
[{"code", "resource_type", "resource_id", "region", "reason", "size_gib", "monthly_cost_usd",
"details"}], "totals": {"all", "by_code", "by_region", "currency", "cost_basis"},
"managed": [{"manager", "resource_type", "region", "count", "size_gib", "label", "note"}],
"notes"}`; each totals entry is `{"count", "size_gib", "monthly_cost_usd"}`; `managed` counts
what DLM and AWS Backup manage (never findings). CSV: one row per finding with
the same columns as a JSON finding, `details` as compact JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from humanize import naturaldelta

from amiexplorer.core.audit.report import (
    CODE_INFO,
    AuditReport,
    Finding,
    FindingCode,
    ManagedGroup,
    Totals,
)
from amiexplorer.sizes import format_gib

#: How every cost in the outputs is to be read.
COST_BASIS = (
    "estimates from list prices; a snapshot saves what deleting it frees, the blocks only it "
    "holds where the EBS direct APIs told (saving_basis), else an upper bound "
    "(saving_is_upper_bound: its written or volume size)"
)

CSV_COLUMNS = (
    "code",
    "resource_type",
    "resource_id",
    "region",
    "reason",
    "size_gib",
    "monthly_cost_usd",
    "details",
)


class OutputFormat(StrEnum):
    """The formats `amiexplorer audit --format` writes."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _totals(totals: Totals) -> dict[str, Any]:
    return {
        "count": totals.count,
        "size_gib": totals.size_gib,
        "monthly_cost_usd": totals.monthly_cost_usd,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding in the JSON shape (tuples in details become lists when dumped)."""
    return {
        "code": finding.code.value,
        "resource_type": finding.kind.value,
        "resource_id": finding.resource_id,
        "region": finding.region,
        "reason": finding.reason,
        "size_gib": finding.size_gib,
        "monthly_cost_usd": finding.monthly_cost_usd,
        "details": dict(finding.details),
    }


def report_to_dict(report: AuditReport) -> dict[str, Any]:
    """The whole report in the JSON shape of the issue (plus `notes`)."""
    return {
        "account": report.account,
        "generated_at": report.generated_at.isoformat(),
        "regions": list(report.regions),
        "errors": [{"region": e.region, "error": e.error} for e in report.errors],
        "findings": [finding_to_dict(f) for f in report.findings],
        "totals": {
            "all": _totals(report.totals),
            "by_code": {code.value: _totals(t) for code, t in report.totals_by_code.items()},
            "by_region": {region: _totals(t) for region, t in report.totals_by_region.items()},
            "currency": "USD",
            "cost_basis": COST_BASIS,
        },
        "managed": [_managed_to_dict(group) for group in report.managed],
        "notes": list(report.notes),
    }


def _managed_to_dict(group: ManagedGroup) -> dict[str, Any]:
    return {
        "manager": group.manager,
        "resource_type": group.kind.value,
        "region": group.region,
        "count": group.count,
        "size_gib": group.size_gib,
        "label": group.label,
        "note": group.note,
    }


def managed_line(group: ManagedGroup) -> str:
    """For instance "3 snapshots, 24 GiB in us-east-1: DLM policy policy-0abc (schedule daily)"."""
    noun = group.kind.value if group.count == 1 else f"{group.kind.value}s"
    note = f" ({group.note})" if group.note else ""
    size = _size(group.size_gib)
    return f"{group.count:,} {noun}, {size} in {group.region}: {group.label}{note}"


def format_json(report: AuditReport) -> str:
    """Exact, machine-readable JSON."""
    return json.dumps(report_to_dict(report), indent=2) + "\n"


def format_csv(report: AuditReport) -> str:
    """Exact CSV, one row per finding (errors and notes do not fit: they go to stderr)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in report.findings:
        row = finding_to_dict(finding)
        row["details"] = json.dumps(row["details"], separators=(",", ":"), sort_keys=True)
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


def _size(gib: int | None) -> str:
    if gib is None:
        return ""
    return format_gib(gib)


def _cost(usd: float | None) -> str:
    return "" if usd is None else f"${usd:,.2f}"


#: The detail that tells each code's age.
_AGE_KEYS = {
    FindingCode.ORPHANED_SNAPSHOT: "start_time",
    FindingCode.UNUSED_IMAGE: "creation_date",
    FindingCode.ORPHANED_DLM_SNAPSHOT: "start_time",
    FindingCode.ORPHANED_DLM_IMAGE: "creation_date",
    FindingCode.UNATTACHED_VOLUME: "create_time",
}


def _age(finding: Finding, now: datetime) -> str:
    key = _AGE_KEYS.get(finding.code)
    value = finding.details.get(key) if key else None
    if not isinstance(value, str):
        return ""
    return naturaldelta(now - datetime.fromisoformat(value))


def _summary(totals: Totals, costs: bool) -> str:
    noun = "finding" if totals.count == 1 else "findings"
    text = f"{totals.count} {noun}"
    if costs and totals.count:
        text += f", {_size(totals.size_gib)}, ~{_cost(totals.monthly_cost_usd)}/month"
    return text


def _rows(findings: tuple[Finding, ...], now: datetime) -> list[str]:
    """Aligned rows: id and region to the left; size, cost and age to the right; the reason."""
    cells = [
        (f.resource_id, f.region, _size(f.size_gib), _cost(f.monthly_cost_usd), _age(f, now))
        for f in findings
    ]
    widths = [max((len(row[i]) for row in cells), default=0) for i in range(5)]
    lines = []
    for finding, row in zip(findings, cells, strict=True):
        parts = [
            cell.ljust(width) if column < 2 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            if width
        ]
        lines.append("  " + "  ".join([*parts, finding.reason]))
    return lines


def _region_line(totals: Mapping[str, Totals]) -> str:
    parts = [f"{region} {_summary(t, True)}" for region, t in totals.items() if t.count]
    return "By region: " + ("; ".join(parts) if parts else "nothing found")


def format_table(report: AuditReport) -> str:
    """A humanized table grouped by code, with totals, errors and notes."""
    now = report.generated_at
    lines = [
        f"Audit of account {report.account_label}, {len(report.regions)} region(s): "
        f"{' '.join(report.regions)}",
        f"Generated {now:%Y-%m-%d %H:%M %Z}. Costs are {COST_BASIS}.",
    ]
    for code, findings in report.by_code().items():
        info = CODE_INFO[code]
        summary = _summary(report.totals_by_code[code], info.costs) if findings else "none"
        lines += ["", f"{info.title} ({code.value}): {summary}"]
        lines += _rows(findings, now)
    lines += [
        "",
        f"Total: {_summary(report.totals, True)} (estimate)",
        _region_line(report.totals_by_region),
    ]
    if report.managed:
        lines += ["", "Managed by another service (never leftovers):"]
        lines += [f"  {managed_line(group)}" for group in report.managed]
    if report.errors:
        lines += ["", "Errors (the audit is incomplete):"]
        lines += [f"  {e.region}: {e.error}" for e in report.errors]
    if report.notes:
        lines += ["", "Not checked:"]
        lines += [f"  {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def render(report: AuditReport, output_format: OutputFormat) -> str:
    """The report in `output_format`."""
    if output_format is OutputFormat.JSON:
        return format_json(report)
    if output_format is OutputFormat.CSV:
        return format_csv(report)
    return format_table(report)
