"""The UI's clock: the app's own when it has one (tests inject it), else the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.app import App


def now(app: App[Any]) -> datetime:
    """The time the UI shows and audits against."""
    clock = getattr(app, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)
