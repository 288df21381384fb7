"""Fast Snapshot Restore: ``EnableFastSnapshotRestores``, ``DisableFastSnapshotRestores`` and
``DescribeFastSnapshotRestores`` (moto 5.2.5 answers them with HTTP 500).

What AWS documents (API reference API_EnableFastSnapshotRestores.html,
API_DescribeFastSnapshotRestores.html, and the members' documentation in botocore's model):

- FSR is enabled per (snapshot, Availability Zone); states ``enabling`` -> ``optimizing`` ->
  ``enabled``, and ``disabling`` -> ``disabled``;
- ``StateTransitionReason`` is ``Client.UserInitiated`` on the way to enabling or disabling, and
  ``Client.UserInitiated - Lifecycle state transition`` to optimizing, enabled or disabled;
- Describe filters: ``snapshot-id``, ``availability-zone``, ``owner-id``, ``state``;
  ``MaxResults`` 0-200;
- Enable/Disable answer ``Successful`` items and ``Unsuccessful`` ones per snapshot, each with
  a ``FastSnapshotRestoreStateErrors`` list of (AvailabilityZone, Error{Code, Message}).

What the demo chooses: an unknown snapshot is reported in ``Unsuccessful`` with EC2's
``InvalidSnapshot.NotFound`` / ``The snapshot 'snap-...' does not exist.`` for each zone asked
for; an unknown zone fails the whole call with ``InvalidParameterValue`` (the demo's message).
Enabling answers ``enabling``; DescribeFastSnapshotRestores then reports ``enabled`` once the
pending clock (``pending_state``) has run the pending mode's ``snapshot_seconds`` (at once when
pending mode is off). Disabling answers ``disabling`` and the entry is gone from Describe.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from amiexplorer.demo import pending_state
from amiexplorer.demo.ec2_pages import check_filters, ec2_error, page, passes
from amiexplorer.demo.timefmt import aws_now

ENABLING, OPTIMIZING, ENABLED, DISABLING, DISABLED = (
    "enabling", "optimizing", "enabled", "disabling", "disabled",
)  # fmt: skip
USER = "Client.UserInitiated"
LIFECYCLE = "Client.UserInitiated - Lifecycle state transition"
_KEY = "_demo_fast_restores"
_FILTERS = ("snapshot-id", "availability-zone", "owner-id", "state")
_TOKEN = "fsr:"


@dataclass(frozen=True)
class FastRestore:
    """FSR of one snapshot in one zone."""

    zone: str
    zone_id: str
    enabling_time: datetime
    #: Set for entries that are fully enabled (planted ones; API ones once the clock has run).
    enabled_time: datetime | None = None
    #: Pending clock reading when enabling started, and how long it takes.
    started: float = 0.0
    duration: float = 0.0

    def settled(self) -> FastRestore:
        """The entry as it stands now (enabling turns enabled once its time has passed)."""
        if self.enabled_time is not None:
            return self
        if pending_state.now() - self.started < self.duration:
            return self
        return replace(self, enabled_time=aws_now())

    @property
    def state(self) -> str:
        """enabling or enabled."""
        return ENABLED if self.enabled_time is not None else ENABLING


def restores_of(snapshot: Any) -> dict[str, FastRestore]:
    """zone -> FSR entry of a moto ``Snapshot`` (settled to now)."""
    found = snapshot.__dict__.get(_KEY) or {}
    settled = {zone: entry.settled() for zone, entry in found.items()}
    if settled:
        snapshot.__dict__[_KEY] = settled
    return dict(settled)


def set_restore(snapshot: Any, entry: FastRestore | None, zone: str) -> None:
    """Record (or, with None, drop) the FSR entry of ``snapshot`` in ``zone``."""
    found = dict(snapshot.__dict__.get(_KEY) or {})
    if entry is None:
        found.pop(zone, None)
    else:
        found[zone] = entry
    snapshot.__dict__[_KEY] = found


def item(snapshot: Any, entry: FastRestore, state: str | None = None) -> dict[str, Any]:
    """A DescribeFastSnapshotRestoreSuccessItem (or Enable's/Disable's success item)."""
    shown = state or entry.state
    answer: dict[str, Any] = {
        "SnapshotId": snapshot.id,
        "AvailabilityZone": entry.zone,
        "AvailabilityZoneId": entry.zone_id,
        "State": shown,
        "StateTransitionReason": USER if shown in (ENABLING, DISABLING) else LIFECYCLE,
        "OwnerId": snapshot.owner_id,
        "EnablingTime": entry.enabling_time,
    }
    if shown == ENABLED and entry.enabled_time is not None:
        answer["OptimizingTime"] = entry.enabling_time
        answer["EnabledTime"] = entry.enabled_time
    if shown == DISABLING:
        answer["DisablingTime"] = aws_now()
    return answer


def zones_of(backend: Any) -> dict[str, str]:
    """Zone name -> zone id of the backend's region."""
    return {z.name: z.zone_id for z in backend.describe_availability_zones()}


def _requested_zones(self: Any) -> dict[str, str]:
    names = [str(z) for z in self._get_param("AvailabilityZones", []) or []]
    ids = [str(z) for z in self._get_param("AvailabilityZoneIds", []) or []]
    known = zones_of(self.ec2_backend)
    by_id = {zone_id: name for name, zone_id in known.items()}
    if not names and not ids:
        raise ec2_error(
            "MissingParameter", "The request must contain the parameter AvailabilityZones"
        )
    if bad := [z for z in names if z not in known] + [z for z in ids if z not in by_id]:
        raise ec2_error("InvalidParameterValue", f"Invalid availability zone: [{bad[0]}]")
    wanted = dict.fromkeys(names + [by_id[z] for z in ids])
    return {name: known[name] for name in wanted}


def _change(self: Any, enable: bool) -> Any:
    from moto.core.responses import ActionResult

    snapshot_ids = [str(i) for i in self._get_param("SourceSnapshotIds", []) or []]
    if not snapshot_ids:
        raise ec2_error(
            "MissingParameter", "The request must contain the parameter SourceSnapshotIds"
        )
    zones = _requested_zones(self)
    self.error_on_dryrun()
    backend = self.ec2_backend
    successful: list[dict[str, Any]] = []
    unsuccessful: list[dict[str, Any]] = []
    settings = pending_state.active_settings()
    duration = settings.snapshot_seconds if settings is not None else 0.0
    for snapshot_id in snapshot_ids:
        snapshot = backend.snapshots.get(snapshot_id)
        if snapshot is None or snapshot.owner_id != self.current_account:
            error = {"Code": "InvalidSnapshot.NotFound",
                     "Message": f"The snapshot '{snapshot_id}' does not exist."}  # fmt: skip
            unsuccessful.append({
                "SnapshotId": snapshot_id,
                "FastSnapshotRestoreStateErrors": [
                    {"AvailabilityZone": z, "AvailabilityZoneId": i, "Error": error}
                    for z, i in zones.items()
                ],
            })  # fmt: skip
            continue
        current = restores_of(snapshot)
        for zone, zone_id in zones.items():
            entry = current.get(zone)
            if enable:
                if entry is None:
                    entry = FastRestore(
                        zone, zone_id, aws_now(), None, pending_state.now(), duration
                    )
                    set_restore(snapshot, entry, zone)
                    entry = entry.settled()
                    set_restore(snapshot, entry, zone)
                    successful.append(item(snapshot, entry, ENABLING))
                else:
                    successful.append(item(snapshot, entry))
            elif entry is not None:
                set_restore(snapshot, None, zone)
                successful.append(item(snapshot, entry, DISABLING))
            else:
                gone = FastRestore(zone, zone_id, aws_now())
                answer = item(snapshot, gone, DISABLED)
                answer.pop("EnablingTime")
                answer["DisabledTime"] = aws_now()
                successful.append(answer)
    return ActionResult({"Successful": successful, "Unsuccessful": unsuccessful})


def enable_fast_snapshot_restores(self: Any) -> Any:
    """Action=EnableFastSnapshotRestores."""
    return _change(self, enable=True)


def disable_fast_snapshot_restores(self: Any) -> Any:
    """Action=DisableFastSnapshotRestores."""
    return _change(self, enable=False)


def describe_fast_snapshot_restores(self: Any) -> Any:
    """Action=DescribeFastSnapshotRestores: the caller's FSR entries that pass the filters."""
    from moto.core.responses import ActionResult

    filters = self._filters_from_querystring()
    check_filters(filters, _FILTERS)
    max_results = self._get_int_param("MaxResults")
    token = self._get_param("NextToken")
    self.error_on_dryrun()
    found = []
    for snapshot in sorted(self.ec2_backend.snapshots.values(), key=lambda s: s.id):
        if snapshot.owner_id != self.current_account:
            continue
        for zone, entry in sorted(restores_of(snapshot).items()):
            values = {"snapshot-id": snapshot.id, "availability-zone": zone,
                      "owner-id": snapshot.owner_id, "state": entry.state}  # fmt: skip
            if passes(filters, values):
                found.append(item(snapshot, entry))
    kept, following = page(found, max_results, token, prefix=_TOKEN, minimum=0, maximum=200)
    result: dict[str, Any] = {"FastSnapshotRestores": kept}
    if following is not None:
        result["NextToken"] = following
    return ActionResult(result)


def plant(snapshot: Any, zone: str, zone_id: str, enabled: datetime) -> None:
    """Seed an FSR entry that finished enabling at ``enabled``."""
    set_restore(snapshot, FastRestore(zone, zone_id, enabled, enabled), zone)
