"""The guards and notices of EC2's lifecycle features, for the deletion plans.

Refusals: a snapshot lock (or locks that could not be read), and fast snapshot restore that is
on. Notices: the archive tier's 90-day minimum still to be billed, and the Recycle Bin rules
that keep what is removed (billed) for their retention period. The facts and where AWS
documents them are in `core/lifecycle.py`.
"""

from __future__ import annotations

from amiexplorer.core.evidence import Source
from amiexplorer.core.lifecycle import (
    ARCHIVE_MINIMUM_DAYS,
    EBS_SNAPSHOT,
    BinStay,
    archive_minimum_left,
)
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.core.plans.plan import Notice, PlanContext


def lock_refusal(snapshot: Snapshot, ctx: PlanContext) -> str:
    """Why a lock stops the snapshot's delete, or may ("" when none does).

    AWS refuses to delete a locked snapshot ("Lock Amazon EBS snapshots"); where the
    region's locks could not be read, one may be locked, and nothing is sent.
    """
    evidence = ctx.inventory.evidence
    known, lock = evidence.lock_of(snapshot)
    if not known and evidence.region(snapshot.region).problem(Source.LOCKS) is None:
        # Not read yet (the evidence follows the load): the runner reads the locks again
        # right before any delete, and the plan made then refuses what they could hide.
        return ""
    if not known:
        why = evidence.why_unread(snapshot.region, Source.LOCKS)
        return (
            f"whether snapshot {snapshot.id} is locked is unknown ({why}): allow "
            "ec2:DescribeLockedSnapshots, reload, and try again"
        )
    if lock is None or not lock.locks:
        return ""
    # AWS's word on the lock, not this machine's clock: a lock that seems to have expired
    # since it was read is still refused (a reload, or the re-read before a delete, says).
    head = f"snapshot {snapshot.id} is {lock.describe()}"
    if lock.expires_on is not None and lock.expires_on <= ctx.now:
        return f"{head} (by AWS's last word; it may have expired since: reload to check)"
    if lock.state == "governance":
        return (
            f"{head}: AWS refuses to delete it until the lock expires, or until someone "
            "allowed ec2:UnlockSnapshot unlocks it"
        )
    if lock.state == "compliance-cooloff":
        until = lock.cool_off_expires_on
        ends = f" (until {until:%Y-%m-%d %H:%M} UTC)" if until is not None else ""
        return (
            f"{head}: it can still be unlocked during its cooling-off period{ends}; after "
            "that nobody can delete it, the root user included, before the lock expires"
        )
    return f"{head}: nobody can delete it, the root user included, before the lock expires"


def binned_image_refusal(snapshot: Snapshot, ctx: PlanContext) -> str:
    """Why the snapshot of an image in the Recycle Bin may not be deleted ("" when it may).

    AWS keeps an image's snapshots while the image is in the bin: restoring it brings them
    back ("Recycle Bin", EBS User Guide).
    """
    ref = ctx.graph.description_of_snapshot(snapshot.id)
    if ref is None or ref.image_id is None:
        return ""
    region = ctx.graph.described_image_region(snapshot.id) or snapshot.region
    read, binned = ctx.inventory.evidence.in_bin(ref.image_id, region)
    if binned is not None:
        until = f" until {binned.exits:%Y-%m-%d}" if binned.exits is not None else ""
        return (
            f"snapshot {snapshot.id} belongs to image {ref.image_id}, which is in the Recycle "
            f"Bin{until}: AWS keeps it until the image leaves (restore the image and "
            "deregister it with its snapshots, or wait)"
        )
    if not read and ctx.inventory.evidence.region(region).problem(Source.BIN_CONTENTS):
        why = ctx.inventory.evidence.why_unread(region, Source.BIN_CONTENTS)
        return (
            f"whether image {ref.image_id} of snapshot {snapshot.id} is in the Recycle Bin is "
            f"unknown ({why}): allow ec2:ListImagesInRecycleBin, reload, and try again"
        )
    return ""


def fast_restore_refusal(snapshot: Snapshot, ctx: PlanContext) -> str:
    """Why fast snapshot restore stops the delete ("" when it is off, or unknown)."""
    _known, zones = ctx.inventory.evidence.fast_restores_of(snapshot)
    if not zones:
        return ""
    names = ", ".join(z.availability_zone for z in zones)
    hourly = len(zones) * ctx.prices.fast_snapshot_restore_hour
    return (
        f"snapshot {snapshot.id} has fast snapshot restore on in {names} (about "
        f"${hourly:,.2f} an hour): something may be about to restore it; disable fast "
        "snapshot restore first"
    )


def _per_month(gib: float, rate: float, days: int) -> float:
    """What `gib` at `rate` per GB-month costs over `days` (a 30-day month)."""
    return gib * rate * days / 30


def archive_notice(snapshots: list[Snapshot], ctx: PlanContext) -> tuple[Notice, ...]:
    """What deleting archived snapshots within their 90-day minimum still costs.

    An archived snapshot is billed for at least 90 days: deleted sooner, it is billed for
    the rest of them ("Archive Amazon EBS snapshots", pricing and billing).
    """
    evidence, rate = ctx.inventory.evidence, ctx.prices.snapshot_archive
    early: list[tuple[Snapshot, int]] = []
    unknown: list[Snapshot] = []
    for snapshot in snapshots:
        known, archived_at = evidence.archived_at(snapshot)
        if snapshot.storage_tier != "archive":
            continue
        if not known or archived_at is None:
            unknown.append(snapshot)
        elif days := archive_minimum_left(archived_at, ctx.now):
            early.append((snapshot, days))
    notices: list[Notice] = []
    if early:
        charge = sum(_per_month(s.volume_size_gib, rate, d) for s, d in early)
        first, days = early[0]
        archived_at = evidence.archived_at(first)[1]
        head = (
            f"snapshot {first.id} was archived on {archived_at:%Y-%m-%d}: deleting it now"
            if len(early) == 1 and archived_at is not None
            else f"{len(early)} snapshots were archived less than 90 days ago: deleting them now"
        )
        left = f"the {days} day(s) left" if len(early) == 1 else "the days left"
        notices.append(
            Notice(
                f"{head} is still billed for {left} of the archive tier's 90-day minimum, "
                f"about ${charge:,.2f} once",
                tuple(s.id for s, _d in early),
            )
        )
    if unknown:
        most = sum(_per_month(s.volume_size_gib, rate, ARCHIVE_MINIMUM_DAYS) for s in unknown)
        notices.append(
            Notice(
                f"when {len(unknown)} archived snapshot(s) were archived is unknown: deleted "
                "within 90 days of it, they are billed for the rest of the 90 days (at most "
                f"about ${most:,.2f})",
                tuple(s.id for s in unknown),
            )
        )
    return tuple(notices)


def recycle_bin_stays(
    resources: list[Snapshot] | list[Image], ctx: PlanContext
) -> tuple[dict[str, BinStay], list[Snapshot | Image]]:
    """(id -> its stay in the bin, for those a retention rule catches; those not known)."""
    stays: dict[str, BinStay] = {}
    unknown: list[Snapshot | Image] = []
    for resource in resources:
        known, rule = ctx.inventory.evidence.bin_rule_for(resource)
        if not known:
            unknown.append(resource)
        elif rule is not None:
            stays[resource.id] = BinStay(rule, ctx.now)
    return stays, unknown


def recycle_bin_notice(
    resources: list[Snapshot] | list[Image], ctx: PlanContext, verb: str
) -> tuple[Notice, ...]:
    """Which of `resources` a Recycle Bin rule keeps (and bills) after they are removed.

    A removed snapshot or image a retention rule matches goes to the Recycle Bin for the
    rule's retention period and is billed as before while there ("Recycle Bin", EBS User
    Guide); it can be restored until then.
    """
    stays, unknown = recycle_bin_stays(resources, ctx)
    notices: list[Notice] = []
    by_rule: dict[tuple[str, str], list[str]] = {}
    for resource_id, stay in stays.items():
        by_rule.setdefault((stay.rule.region, stay.rule.identifier), []).append(resource_id)
    for (region, identifier), ids in by_rule.items():
        stay = stays[ids[0]]
        rule = stay.rule
        noun = "snapshot(s)" if rule.resource_type == EBS_SNAPSHOT else "image(s)"
        billed = (
            f"billed there until {stay.leaves:%Y-%m-%d}, so the saving starts on "
            f"{stay.leaves:%Y-%m-%d}"
            if rule.resource_type == EBS_SNAPSHOT
            else f"restorable until {stay.leaves:%Y-%m-%d}"
        )
        locked = "; the rule is locked" if rule.locked else ""
        notices.append(
            Notice(
                f"{len(ids)} {noun} {verb} go to the Recycle Bin for {rule.retention_days} "
                f"days (rule {identifier} in {region}{locked}) instead of going at once: "
                f"{billed}",
                tuple(ids),
            )
        )
    if unknown:
        regions = sorted({r.region for r in unknown})
        why = ctx.inventory.evidence.why_unread(regions[0], Source.RECYCLE_BIN)
        notices.append(
            Notice(
                f"whether a Recycle Bin rule keeps {len(unknown)} of them is unknown in "
                f"{', '.join(regions)} ({why}): a rule would keep them, billed, for its "
                "retention period",
                tuple(r.id for r in unknown),
            )
        )
    return tuple(notices)
