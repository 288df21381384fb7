"""The state of pending snapshots and images, which moto completes instantly.

Each affected moto object carries a marker (start time and duration on a replaceable clock) in its
``__dict__``. The properties ``moto_patches`` installs on moto's ``Snapshot`` (``status``,
``progress``) and ``Ami`` (``state``) read it, so responses, ``status``/``state`` filters and every
other reader see ``pending`` until the duration has passed. Objects without a marker behave as
before.

This module imports nothing of moto's, nor any of the demo's patches: they read it. The public
face is ``pending`` (which also turns pending mode on, installing the patches first).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]

_MARKER = "_demo_pending"


@dataclass(frozen=True)
class PendingSettings:
    """How long API-created resources stay pending, in clock seconds."""

    snapshot_seconds: float = 8.0
    image_seconds: float = 12.0
    copy_seconds: float = 20.0


@dataclass(frozen=True)
class PendingMarker:
    """When an object's pending period started and how long it lasts."""

    start: float
    duration: float

    def fraction(self, now: float) -> float:
        """Share of the work done at ``now``, from 0.0 to 1.0."""
        if self.duration <= 0:
            return 1.0
        return min(1.0, max(0.0, (now - self.start) / self.duration))


class ManualClock:
    """A clock that only moves when told to: tests step it instead of sleeping."""

    def __init__(self, start: float = 1000.0) -> None:
        """Start at ``start`` seconds."""
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """Return the current reading."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        with self._lock:
            self._now += seconds


class _State:
    """Module-wide pending configuration, shared by the server thread and the seeder."""

    def __init__(self) -> None:
        self.clock: Clock = time.monotonic
        self.settings: PendingSettings | None = None
        # Suspension is per thread: the seeder suspends while the server thread keeps serving.
        self.local = threading.local()


_state = _State()


def set_clock(clock: Clock | None) -> None:
    """Use ``clock`` (seconds, monotonic) for pending progress; None restores ``time.monotonic``."""
    _state.clock = clock if clock is not None else time.monotonic


def freeze_clock() -> None:
    """Stop time for pending progress at its current reading (for reproducible screenshots)."""
    frozen = _state.clock()
    _state.clock = lambda: frozen


def now() -> float:
    """The current reading of the pending clock."""
    return _state.clock()


def set_settings(settings: PendingSettings | None) -> None:
    """Apply ``settings`` to resources created from now on (None: they complete at once)."""
    _state.settings = settings


def disable_pending() -> None:
    """Let resources created from now on complete at once (those already pending still finish)."""
    set_settings(None)


def reset_pending() -> None:
    """Disable pending mode and restore the real clock."""
    disable_pending()
    set_clock(None)


def active_settings() -> PendingSettings | None:
    """The settings to apply to a resource being created now, or None if it completes at once."""
    if getattr(_state.local, "suspended", 0):
        return None
    return _state.settings


@contextmanager
def suspended() -> Iterator[None]:
    """Within this block, resources this thread creates complete at once (used by the seeder)."""
    _state.local.suspended = getattr(_state.local, "suspended", 0) + 1
    try:
        yield
    finally:
        _state.local.suspended -= 1


def plant_pending(resource: Any, duration: float, done: float = 0.0) -> None:
    """Put a moto ``Snapshot`` or ``Ami`` into pending, ``done`` (0.0-1.0) of ``duration`` in.

    Used by the seeder for resources that are pending when the demo loads, and by the patched
    create calls with ``done=0``.
    """
    resource.__dict__[_MARKER] = PendingMarker(now() - done * duration, duration)


def marker(resource: Any) -> PendingMarker | None:
    """The pending marker of a moto object, if it has one."""
    found = resource.__dict__.get(_MARKER)
    return found if isinstance(found, PendingMarker) else None


def is_pending(resource: Any) -> bool:
    """True while a marked object's pending period has not yet passed."""
    mark = marker(resource)
    return mark is not None and mark.fraction(now()) < 1.0


def progress_percent(resource: Any) -> int:
    """Progress of a moto object as AWS reports it: 0-99 while pending, 100 when done."""
    mark = marker(resource)
    if mark is None:
        return 100
    fraction = mark.fraction(now())
    if fraction >= 1.0:
        return 100
    # The epsilon keeps a planted 0.4 from printing as 39% after float round-off.
    return min(99, int(fraction * 100 + 1e-9))
