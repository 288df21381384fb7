"""moto's snapshots and images made to pass through ``pending`` (state in ``pending_state``)."""

from __future__ import annotations

from typing import Any

from amiexplorer.demo.moto_patches.wrapping import replace
from amiexplorer.demo.pending_state import is_pending, progress_percent


def _stored(resource: Any, key: str, default: str) -> str:
    """The value moto assigned; objects made before the patch keep it under its plain name."""
    values = resource.__dict__
    return str(values.get(f"_demo_{key}", values.get(key, default)))


def _snapshot_status(self: Any) -> str:
    return "pending" if is_pending(self) else _stored(self, "status", "completed")


def _set_snapshot_status(self: Any, value: str) -> None:
    self.__dict__["_demo_status"] = value


def _snapshot_progress(self: Any) -> str:
    return f"{progress_percent(self)}%"


def _image_state(self: Any) -> str:
    return "pending" if is_pending(self) else _stored(self, "state", "available")


def _set_image_state(self: Any, value: str) -> None:
    self.__dict__["_demo_state"] = value


def patch_states() -> None:
    """Replace moto's plain attributes with pending-aware properties.

    They must be data descriptors (with a setter): moto assigns ``self.status = "completed"`` in
    ``Snapshot.__init__``, which would otherwise shadow a read-only class property.
    """
    from moto.ec2.models.amis import Ami
    from moto.ec2.models.elastic_block_store import Snapshot

    replace(Snapshot, "status", property(_snapshot_status, _set_snapshot_status))
    replace(Snapshot, "progress", property(_snapshot_progress))
    # CreateSnapshots answers with SnapshotInfo, whose State is serialized from "state".
    replace(Snapshot, "state", property(_snapshot_status))
    replace(Ami, "state", property(_image_state, _set_image_state))
