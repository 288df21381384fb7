"""Timestamps the way moto stores them and AWS prints them, with a pinnable "now"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_pins = threading.local()
#: How far the seeded world's clock is from the wall clock (see `world_now`).
_world_offset = timedelta(0)


def naive_utc(moment: datetime) -> datetime:
    """``moment`` converted to UTC and stripped of its zone, as moto's models hold datetimes."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def aws_now() -> datetime:
    """The current time as moto stores it (naive UTC), unless pinned in this thread."""
    pinned_at: datetime | None = getattr(_pins, "moment", None)
    return pinned_at if pinned_at is not None else datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """Within this block, ``aws_now()`` in this thread returns ``moment`` (used by the seeder)."""
    previous = getattr(_pins, "moment", None)
    _pins.moment = naive_utc(moment)
    try:
        yield
    finally:
        _pins.moment = previous


def aws_timestamp(moment: datetime) -> str:
    """``moment`` formatted like AWS's string timestamps (``2026-01-02T03:04:05.000Z``)."""
    return naive_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def set_world_now(moment: datetime) -> None:
    """The seeded world's "now" is `moment`: `world_now()` runs on from it with the wall clock."""
    global _world_offset
    _world_offset = naive_utc(moment) - datetime.now(UTC).replace(tzinfo=None)


def world_now() -> datetime:
    """The world's time (naive UTC): what decides whether a lock the seeder set has expired.

    A test world is seeded at a fixed date; its locks must expire on its calendar, not on the
    wall clock's (which would expire a lock seeded "30 days ahead" a month after the date).
    """
    pinned_at: datetime | None = getattr(_pins, "moment", None)
    if pinned_at is not None:
        return pinned_at  # the seeder pins world times already
    return datetime.now(UTC).replace(tzinfo=None) + _world_offset
