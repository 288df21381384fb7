"""Pending states for snapshots and images, which moto completes instantly.

Each affected moto object carries a marker (start time and duration on a replaceable clock) in its
``__dict__``. Class-level properties installed on moto's ``Snapshot`` (``status``, ``progress``)
and ``Ami`` (``state``) read it, so responses, ``status``/``state`` filters and every other reader
see ``pending`` until the duration has passed. Objects without a marker behave as before.

The markers, the clock and the mode live in ``pending_state`` (which the patches read); the
properties are installed by ``moto_patches``. This module is the public face of both.
"""

from __future__ import annotations

from amiexplorer.demo.pending_state import (
    Clock,
    ManualClock,
    PendingMarker,
    PendingSettings,
    active_settings,
    disable_pending,
    freeze_clock,
    is_pending,
    marker,
    now,
    plant_pending,
    progress_percent,
    reset_pending,
    set_clock,
    set_settings,
    suspended,
)

__all__ = [
    "Clock",
    "ManualClock",
    "PendingMarker",
    "PendingSettings",
    "active_settings",
    "disable_pending",
    "enable_pending",
    "freeze_clock",
    "is_pending",
    "marker",
    "now",
    "plant_pending",
    "progress_percent",
    "reset_pending",
    "set_clock",
    "suspended",
]


def enable_pending(
    snapshot_seconds: float = 8.0, image_seconds: float = 12.0, copy_seconds: float = 20.0
) -> None:
    """Make resources created through the API from now on go through ``pending``.

    CreateSnapshot(s) last ``snapshot_seconds``; CreateImage and RegisterImage ``image_seconds``;
    CopySnapshot and CopyImage ``copy_seconds``. An image's snapshots stay pending with it.
    """
    from amiexplorer.demo import moto_patches

    moto_patches.install()
    set_settings(PendingSettings(snapshot_seconds, image_seconds, copy_seconds))
