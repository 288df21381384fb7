"""The details' lines about EC2's lifecycle features: a lock, fast snapshot restore, the archive
tier's minimum, and what the Recycle Bin does when the resource is removed.

Shown only when there is something to say: a lock or a rule that applies, fast snapshot restore
that is on, an archive minimum still running, or a read that failed (with its reason).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from amiexplorer.core.evidence import Evidence, Source
from amiexplorer.core.lifecycle import ARCHIVE_MINIMUM_DAYS, archive_minimum_left
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.core.tuning import Prices
from amiexplorer.ui.rows import formatting as fmt

Field = tuple[str, str]


def _unknown(evidence: Evidence, region: str, source: Source) -> str:
    return f"unknown ({evidence.why_unread(region, source)})"


def _bin(resource: Snapshot | Image, evidence: Evidence) -> list[Field]:
    known, rule = evidence.bin_rule_for(resource)
    if not known:
        if evidence.region(resource.region).problem(Source.RECYCLE_BIN) is None:
            return []
        return [("Recycle Bin", _unknown(evidence, resource.region, Source.RECYCLE_BIN))]
    if rule is None:
        return []
    verb = "deleted" if isinstance(resource, Snapshot) else "deregistered"
    locked = ", a locked rule" if rule.locked else ""
    return [
        (
            "Recycle Bin",
            f"kept {rule.retention_days} days when {verb} (rule {rule.identifier}{locked})",
        )
    ]


def snapshot_lifecycle(snapshot: Snapshot, evidence: Evidence, now: datetime) -> list[Field]:
    """Lock, fast snapshot restore, archive minimum and Recycle Bin lines of a snapshot."""
    fields: list[Field] = []
    region = snapshot.region
    known, lock = evidence.lock_of(snapshot)
    if not known and evidence.region(region).problem(Source.LOCKS) is not None:
        fields.append(("Lock", _unknown(evidence, region, Source.LOCKS)))
    elif lock is not None and lock.locks:
        fields.append(("Lock", lock.describe()))
    known, zones = evidence.fast_restores_of(snapshot)
    if not known and evidence.region(region).problem(Source.FAST_RESTORES) is not None:
        fields.append(("Fast restore", _unknown(evidence, region, Source.FAST_RESTORES)))
    elif zones:
        hourly = len(zones) * Prices().fast_snapshot_restore_hour
        names = ", ".join(z.availability_zone for z in zones)
        fields.append(("Fast restore", f"on in {names} (~${hourly:,.2f}/hour)"))
    known, archived_at = evidence.archived_at(snapshot)
    if snapshot.storage_tier == "archive":
        if archived_at is not None:
            left = archive_minimum_left(archived_at, now)
            until = archived_at + timedelta(days=ARCHIVE_MINIMUM_DAYS)
            minimum = f"; billed at least until {fmt.timestamp(until)}" if left else ""
            fields.append(("Archived", f"{fmt.timestamp(archived_at)}{minimum}"))
        elif not known and evidence.region(region).problem(Source.TIERING) is not None:
            fields.append(("Archived", _unknown(evidence, region, Source.TIERING)))
    return fields + _bin(snapshot, evidence)


def image_lifecycle(image: Image, evidence: Evidence) -> list[Field]:
    """The Recycle Bin line of an image (its protection has a line of its own)."""
    return _bin(image, evidence) if image.owned else []
