"""EBS snapshot locks: ``LockSnapshot``, ``UnlockSnapshot``, ``DescribeLockedSnapshots``.

moto 5.2.5 answers all three with HTTP 500 and deletes locked snapshots. What AWS documents
(API reference API_LockSnapshot.html, API_UnlockSnapshot.html, API_DescribeLockedSnapshots.html
and the EBS user guide "Amazon EBS snapshot lock concepts",
https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lock-concepts.html):

- two modes: ``governance`` (unlock or change at any time, no cooling-off period) and
  ``compliance``, with an optional cooling-off period of 1-72 hours (``CoolOffPeriod``) during
  which it can still be unlocked or changed; after it, the lock can only be extended;
- ``LockDuration`` (1-36500 days) or ``ExpirationDate``, one of the two;
- ``LockState``: ``governance``, ``compliance-cooloff``, ``compliance`` or ``expired``;
- "A locked snapshot can't be deleted."

What AWS does not document, and the demo chooses:

- the error of DeleteSnapshot for a locked snapshot: AWS documents neither its code nor its
  text. The demo answers ``OperationNotPermitted`` (EC2's documented code for "the specified
  operation is not allowed", e.g. terminating a termination-protected instance) with its own
  message ``The snapshot 'snap-...' is locked in governance mode until 2026-...Z and can't be
  deleted.``; the same code for refused unlocks and lock changes;
- ``DryRun=True`` of DeleteSnapshot on a locked snapshot answers ``DryRunOperation``: DryRun
  checks permissions, not the lock;
- parameter errors (``InvalidParameterValue``, ``InvalidParameterCombination``,
  ``MissingParameter``) carry the demo's own messages;
- expiry is measured against the wall clock (``timefmt.aws_now``), as AWS's is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo.ec2_pages import check_filters, ec2_error, page, passes
from amiexplorer.demo.timefmt import aws_now, aws_timestamp, naive_utc, world_now

GOVERNANCE = "governance"
COMPLIANCE = "compliance"
COOLOFF = "compliance-cooloff"
EXPIRED = "expired"
MODES = (GOVERNANCE, COMPLIANCE)
_KEY = "_demo_snapshot_lock"
_FILTERS = ("lock-state",)
_TOKEN = "locks:"


@dataclass(frozen=True)
class SnapshotLock:
    """One snapshot's lock, as LockSnapshot set it."""

    mode: str
    created: datetime
    duration_start: datetime
    expires: datetime
    #: Days (None when locked with an ExpirationDate).
    duration_days: int | None
    #: Hours, compliance mode only.
    cool_off_hours: int | None = None

    @property
    def cool_off_expires(self) -> datetime | None:
        """When the cooling-off period ends (None without one)."""
        if self.cool_off_hours is None:
            return None
        return self.created + timedelta(hours=self.cool_off_hours)

    def state(self, now: datetime | None = None) -> str:
        """governance / compliance-cooloff / compliance / expired, at ``now``."""
        moment = naive_utc(now) if now is not None else world_now()
        if moment >= self.expires:
            return EXPIRED
        if self.mode == GOVERNANCE:
            return GOVERNANCE
        cool_off = self.cool_off_expires
        return COOLOFF if cool_off is not None and moment < cool_off else COMPLIANCE

    def prevents_deletion(self, now: datetime | None = None) -> bool:
        """Every state but expired keeps the snapshot."""
        return self.state(now) != EXPIRED


def lock_of(snapshot: Any) -> SnapshotLock | None:
    """The lock of a moto ``Snapshot``, if it has one."""
    found = snapshot.__dict__.get(_KEY)
    return found if isinstance(found, SnapshotLock) else None


def set_lock(snapshot: Any, lock: SnapshotLock | None) -> None:
    """Lock (or, with None, unlock) a moto ``Snapshot``."""
    if lock is None:
        snapshot.__dict__.pop(_KEY, None)
    else:
        snapshot.__dict__[_KEY] = lock


def refuse_deletion(snapshot: Any) -> None:
    """Raise DeleteSnapshot's refusal when ``snapshot`` is locked."""
    lock = lock_of(snapshot)
    if lock is not None and lock.prevents_deletion():
        raise ec2_error(
            "OperationNotPermitted",
            f"The snapshot '{snapshot.id}' is locked in {lock.mode} mode until "
            f"{aws_timestamp(lock.expires)} and can't be deleted.",
        )


def described(snapshot: Any, lock: SnapshotLock, owner: bool = True) -> dict[str, Any]:
    """A LockedSnapshotsInfo (``owner``) or a LockSnapshot answer."""
    answer: dict[str, Any] = {
        "SnapshotId": snapshot.id,
        "LockState": lock.state(),
        "LockCreatedOn": lock.created,
        "LockDurationStartTime": lock.duration_start,
        "LockExpiresOn": lock.expires,
    }
    if owner:
        answer["OwnerId"] = snapshot.owner_id
    if lock.duration_days is not None:
        answer["LockDuration"] = lock.duration_days
    if lock.cool_off_hours is not None:
        answer["CoolOffPeriod"] = lock.cool_off_hours
        answer["CoolOffPeriodExpiresOn"] = lock.cool_off_expires
    return answer


def _parse_date(value: Any) -> datetime:
    if isinstance(value, datetime):
        return naive_utc(value)
    try:
        return naive_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError as exc:
        raise ec2_error(
            "InvalidParameterValue", f"Value ({value}) for parameter ExpirationDate is invalid."
        ) from exc


def new_lock(
    snapshot_id: str,
    mode: str | None,
    cool_off: int | None,
    duration: int | None,
    expiration: Any,
    current: SnapshotLock | None,
    now: datetime,
) -> SnapshotLock:
    """The lock LockSnapshot asks for; raises EC2's error for a request AWS refuses."""
    if not mode:
        raise ec2_error("MissingParameter", "The request must contain the parameter LockMode")
    if mode not in MODES:
        raise ec2_error(
            "InvalidParameterValue", f"Value ({mode}) for parameter LockMode is invalid."
        )
    if (duration is None) == (expiration is None):
        raise ec2_error(
            "InvalidParameterCombination",
            "Specify either LockDuration or ExpirationDate, but not both.",
        )
    if cool_off is not None and mode == GOVERNANCE:
        raise ec2_error(
            "InvalidParameterCombination",
            "CoolOffPeriod can be specified only when locking in compliance mode.",
        )
    if cool_off is not None and not 1 <= cool_off <= 72:
        raise ec2_error(
            "InvalidParameterValue",
            f"Value ({cool_off}) for parameter CoolOffPeriod is invalid. "
            "Expecting a value between 1 and 72.",
        )
    if duration is not None:
        if not 1 <= duration <= 36500:
            raise ec2_error(
                "InvalidParameterValue",
                f"Value ({duration}) for parameter LockDuration is invalid. "
                "Expecting a value between 1 and 36500.",
            )
        expires, days = now + timedelta(days=duration), duration
    else:
        expires = _parse_date(expiration)
        if expires <= now:
            raise ec2_error("InvalidParameterValue", "ExpirationDate must be in the future.")
        days = math.ceil((expires - now) / timedelta(days=1))
    if current is not None and current.state(now) == COMPLIANCE:
        # After the cooling-off period: only a longer lock, same mode, no new cooling-off.
        if mode != COMPLIANCE or cool_off is not None or expires < current.expires:
            raise ec2_error(
                "OperationNotPermitted",
                f"The snapshot '{snapshot_id}' is locked in compliance mode and its "
                "cooling-off period has ended: the lock can only be extended.",
            )
        return replace(current, expires=expires, duration_days=days)
    return SnapshotLock(
        mode=mode,
        created=now,
        duration_start=now,
        expires=expires,
        duration_days=days,
        cool_off_hours=cool_off if mode == COMPLIANCE else None,
    )


def unlockable(snapshot_id: str, lock: SnapshotLock | None) -> None:
    """Raise UnlockSnapshot's refusal for a snapshot that is not locked or can't be unlocked."""
    if lock is None:
        raise ec2_error("InvalidParameterValue", f"The snapshot '{snapshot_id}' is not locked.")
    if lock.state() == COMPLIANCE:
        raise ec2_error(
            "OperationNotPermitted",
            f"The snapshot '{snapshot_id}' is locked in compliance mode and its cooling-off "
            "period has ended: it can't be unlocked.",
        )


# moto response methods (installed on moto's ElasticBlockStore responses by moto_patches) -------


def lock_snapshot(self: Any) -> Any:
    """Action=LockSnapshot."""
    from moto.core.responses import ActionResult

    snapshot_id = str(self._get_param("SnapshotId") or "")
    snapshot = self.ec2_backend.get_snapshot(snapshot_id)
    lock = new_lock(
        snapshot_id,
        self._get_param("LockMode"),
        self._get_int_param("CoolOffPeriod"),
        self._get_int_param("LockDuration"),
        self._get_param("ExpirationDate"),
        lock_of(snapshot),
        aws_now(),
    )
    self.error_on_dryrun()
    set_lock(snapshot, lock)
    return ActionResult(described(snapshot, lock, owner=False))


def unlock_snapshot(self: Any) -> Any:
    """Action=UnlockSnapshot: governance, or compliance still cooling off."""
    from moto.core.responses import ActionResult

    snapshot_id = str(self._get_param("SnapshotId") or "")
    snapshot = self.ec2_backend.get_snapshot(snapshot_id)
    unlockable(snapshot_id, lock_of(snapshot))
    self.error_on_dryrun()
    set_lock(snapshot, None)
    return ActionResult({"SnapshotId": snapshot_id})


def describe_locked_snapshots(self: Any) -> Any:
    """Action=DescribeLockedSnapshots: the caller's locked snapshots (expired locks too)."""
    from moto.core.responses import ActionResult

    snapshot_ids = [str(i) for i in self._get_param("SnapshotIds", []) or []]
    filters = self._filters_from_querystring()
    check_filters(filters, _FILTERS)
    max_results = self._get_int_param("MaxResults")
    token = self._get_param("NextToken")
    self.error_on_dryrun()
    backend = self.ec2_backend
    for snapshot_id in snapshot_ids:
        backend.get_snapshot(snapshot_id)  # InvalidSnapshot.NotFound
    found = []
    for snapshot in sorted(backend.snapshots.values(), key=lambda s: s.id):
        lock = lock_of(snapshot)
        if lock is None or snapshot.owner_id != self.current_account:
            continue
        if snapshot_ids and snapshot.id not in snapshot_ids:
            continue
        if passes(filters, {"lock-state": lock.state()}):
            found.append(described(snapshot, lock))
    kept, following = page(found, max_results, token, prefix=_TOKEN, minimum=5, maximum=1000)
    result: dict[str, Any] = {"Snapshots": kept}
    if following is not None:
        result["NextToken"] = following
    return ActionResult(result)
