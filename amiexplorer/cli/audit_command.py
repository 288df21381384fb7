"""`amiexplorer audit`: run the audit of a checked connection and write the report.

Exit status: 0 nothing found, 1 findings, 2 a region (or the whole run) failed; partial results
are written all the same. Progress goes to stderr, and only when stderr is a terminal. Never
imports Textual (an import-linter contract), so the command runs where Textual cannot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import TextIO

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import (
    AuditOptions,
    AuditProgress,
    AuditStage,
    run_audit,
)
from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.startup.connect import Connection
from amiexplorer.cli.audit_arguments import LIFT_HINT
from amiexplorer.cli.audit_output import OutputFormat, render
from amiexplorer.config import Settings
from amiexplorer.core.audit.report import AuditError, AuditReport, build_report
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.tuning import DEFAULT_BLOCK_LIMIT

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_FAILED = 2


def audit_options(args: argparse.Namespace, settings: Settings) -> AuditOptions:
    """Flags win over the config file's thresholds."""
    thresholds = settings.thresholds
    for kind in ("snapshot", "image", "volume"):
        days = getattr(args, f"{kind}_min_age", None)
        if days is not None:
            thresholds = replace(thresholds, **{f"{kind}_min_age_days": days})
    grace = getattr(args, "grace_hours", None)
    if grace is not None:
        thresholds = replace(thresholds, grace_hours=grace)
    limit = args.sharing_limit
    return AuditOptions(
        thresholds=thresholds,
        prices=settings.prices,
        sharing_limit=limit or None,
        lift_hint=LIFT_HINT,
        block_limit=getattr(args, "block_limit", DEFAULT_BLOCK_LIMIT) or None,
    )


class _Progress:
    """One self-overwriting line on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, progress: AuditProgress) -> None:
        if progress.stage is AuditStage.DONE:
            self.stream.write("\r\033[K")
        else:
            self.stream.write(f"\r\033[Kaudit: {progress.describe()}")
        self.stream.flush()


async def _audit(connection: Connection, options: AuditOptions) -> AuditReport:
    account = Account(connection)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    try:
        return await run_audit(account, options, progress)
    finally:
        await account.close()


def _failed_report(connection: Connection, message: str) -> AuditReport:
    """The report of an audit that could not run at all: every region in error, no findings.

    `run_audit` returns a report whatever an endpoint answers; this is for a surprise of
    our own, so that `--output` and scripts reading it still get the documented shape.
    """
    regions = tuple(r.name for r in connection.regions)
    return build_report(
        Inventory(connection.identity.account_id, regions),
        account=connection.identity.account_id,
        account_alias=connection.identity.account_alias,
        now=datetime.now(UTC),
        regions=regions,
        errors=[AuditError(region, message) for region in regions],
    )


def exit_status(report: AuditReport) -> int:
    """2 when anything failed, else 1 when something was found, else 0."""
    if report.failed:
        return EXIT_FAILED
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


def _warn(report: AuditReport) -> None:
    for error in report.errors:
        print(f"amiexplorer: audit incomplete: {error.region}: {error.error}", file=sys.stderr)
    for note in report.notes:
        print(f"amiexplorer: not checked: {note}", file=sys.stderr)


def run_audit_command(connection: Connection, settings: Settings, args: argparse.Namespace) -> int:
    """Audit, write the report (stdout or --output), and return the exit status."""
    output_format = OutputFormat(args.format)
    try:
        report = asyncio.run(_audit(connection, audit_options(args, settings)))
    except Exception as exc:  # no traceback reaches a user, and a report is still written
        report = _failed_report(connection, f"the audit failed: {describe_problem(exc)}")
    text = render(report, output_format)
    if args.output is not None:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(
                f"amiexplorer: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
            )
            return EXIT_FAILED
    else:
        sys.stdout.write(text)
    # The table on stdout already shows errors and notes; every other way, stderr says them.
    if output_format is not OutputFormat.TABLE or args.output is not None:
        _warn(report)
    return exit_status(report)
