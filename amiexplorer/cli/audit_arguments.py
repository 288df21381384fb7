"""The flags of `amiexplorer audit`, cheap to import: the parser is built on every start."""

from __future__ import annotations

import argparse
from pathlib import Path

from amiexplorer.cli.audit_output import OutputFormat
from amiexplorer.core.tuning import DEFAULT_BLOCK_LIMIT, DEFAULT_SHARING_LIMIT, MAX_AGE_DAYS

#: What a report says to do to read every resource's sharing.
LIFT_HINT = "pass --sharing-limit 0"
#: The highest --sharing-limit: more images or snapshots than any account holds.
MAX_SHARING_LIMIT = 1_000_000


def _whole(text: str, what: str) -> int:
    shown = repr(text) if len(text) <= 40 else repr(text[:39] + "…")
    # int() of thousands of digits is refused (or slow): nothing sane is that long.
    if len(text.strip()) > 100:
        raise argparse.ArgumentTypeError(f"{shown} is too long to be {what}")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown} is not {what}") from None


def _duration(text: str, unit: str, maximum: int, most: str) -> int:
    """A whole number of `unit` from 0 to `maximum` (`most` says the maximum in words)."""
    value = _whole(text, f"a whole number of {unit}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"a number of {unit} cannot be negative")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"at most {most}, not {value}")
    return value


def _days(text: str) -> int:
    return _duration(text, "days", MAX_AGE_DAYS, f"{MAX_AGE_DAYS} days (100 years)")


def _hours(text: str) -> int:
    return _duration(text, "hours", MAX_AGE_DAYS * 24, f"{MAX_AGE_DAYS * 24} hours")


def _count(text: str) -> int:
    value = _whole(text, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError("the limit cannot be negative (0 means no limit)")
    if value > MAX_SHARING_LIMIT:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_SHARING_LIMIT} (0 reads every resource's sharing), not {value}"
        )
    return value


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `amiexplorer audit` (the connection flags are added by the CLI)."""
    group = parser.add_argument_group("audit")
    group.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default=OutputFormat.TABLE.value,
        help="table (humanized, the default), json or csv (exact, machine-readable)",
    )
    group.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE")
    for kind in ("snapshot", "image", "volume"):
        group.add_argument(
            f"--{kind}-min-age",
            metavar="DAYS",
            type=_days,
            help=f"report {kind}s only once this old (default: the config file's, else 0)",
        )
    group.add_argument(
        "--grace-hours",
        metavar="HOURS",
        type=_hours,
        help="never report as a leftover what is younger than this: it may still be in use "
        "by the work that made it (default: the config file's grace_hours, else 24)",
    )
    group.add_argument(
        "--sharing-limit",
        metavar="N",
        type=_count,
        default=DEFAULT_SHARING_LIMIT,
        help="read who images and snapshots are shared with (one call each) only when a kind "
        f"has at most N of them; 0 reads them all (default {DEFAULT_SHARING_LIMIT}); "
        "public findings are always complete",
    )
    group.add_argument(
        "--block-limit",
        metavar="N",
        type=_count,
        default=DEFAULT_BLOCK_LIMIT,
        help="price at most N findings' snapshots by the blocks only they hold (EBS direct "
        f"APIs, a few calls each); the rest keep an upper bound; 0: all (default "
        f"{DEFAULT_BLOCK_LIMIT})",
    )
