"""How values read on screen: sizes, ages, dates, states and sharing, in one place."""

from __future__ import annotations

from datetime import datetime

import humanize

from amiexplorer.sizes import format_gib

#: Colours per state, by meaning rather than by kind: green is healthy, yellow is in flux.
STATE_STYLES = {
    "running": "green",
    "available": "green",
    "completed": "green",
    "in-use": "green",
    "pending": "yellow",
    "creating": "yellow",
    "stopping": "yellow",
    "shutting-down": "yellow",
    "recoverable": "yellow",
    "recovering": "yellow",
    "stopped": "dim",
    "deprecated": "dark_orange",
    "disabled": "dim",
    "deregistered": "dim",
    "terminated": "dim",
    "deleting": "red",
    "deleted": "red",
    "failed": "bold red",
    "error": "bold red",
    "invalid": "bold red",
}


def state_style(state: str) -> str:
    """The style for a resource state."""
    return STATE_STYLES.get(state, "")


def size_gib(gib: int | None) -> str:
    """A size given in GiB, as everywhere else (amiexplorer.sizes): '8 GiB', '1.5 TiB'."""
    if gib is None:
        return "-"
    return format_gib(gib)


def age(when: datetime | None, now: datetime) -> str:
    """How long ago, in words: '3 months ago'."""
    if when is None:
        return "-"
    return str(humanize.naturaltime(now - when, when=None))


def short_age(when: datetime | None, now: datetime) -> str:
    """A compact age for narrow columns: '5m', '3h', '12d', '2y'."""
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def date(when: datetime | None) -> str:
    """An unambiguous date: '2026-10-14'."""
    return when.strftime("%Y-%m-%d") if when else "-"


def timestamp(when: datetime | None) -> str:
    """A full UTC timestamp for the detail panel."""
    return when.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if when else "-"


def sharing(is_public: bool | None, shared_with: tuple[str, ...] | None) -> str:
    """'PUBLIC', 'shared ×2', 'private', or '?' while unknown.

    The count is of accounts, organizations and OUs together (the details name them); the
    word and a count up to 999 fit the Sharing column's 11 cells, so it is never cut off.
    """
    if is_public:
        return "PUBLIC"
    if shared_with:
        return f"shared ×{len(shared_with)}"
    if is_public is None and shared_with is None:
        return "?"
    return "private"


def sharing_style(text: str) -> str:
    """PUBLIC is loud; shared is a warning; private is quiet."""
    if text == "PUBLIC":
        return "bold red"
    if text.startswith("shared"):
        return "yellow"
    return "dim"


def progress_bar(percent: int, width: int = 10) -> str:
    """A text progress bar: '████▌     42%'."""
    percent = max(0, min(100, percent))
    filled = percent * width / 100
    full = int(filled)
    bar = "█" * full + ("▌" if filled - full >= 0.5 else "")
    return f"{bar.ljust(width)} {percent:>3}%"
