"""The lines a confirmation restates, and the small pieces they are written with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amiexplorer.core.plans.requests import Tags


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a restatement: what it is about, and what was chosen."""

    label: str
    text: str
    #: Worth a second look (no reboot, public, a key the other account needs).
    warning: bool = False


def tags_text(tags: Tags) -> str:
    """`Key=Value, Other=Thing`, or "none"."""
    return ", ".join(f"{k}={v}" for k, v in tags) or "none"


def described(text: str | None, absent: str = "none") -> str:
    """A text in quotes (so that blanks show), or what its absence means."""
    return repr(text) if text else absent


def named(resource: Any) -> str:
    """A resource's id, with its name when it has one: "vol-0abc (db-data)"."""
    name = getattr(resource, "name", None)
    return f"{resource.id} ({name})" if name else str(resource.id)
