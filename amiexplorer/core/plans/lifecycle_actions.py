"""Plans for the lifecycle changes that destroy nothing: deprecation, disabling, deregistration
protection (images); the archive tier and fast snapshot restore (snapshots).

Each change is one EC2 call per resource, through the one guarded path (DryRun, confirmation,
the action log, a result per item). What AWS documents and the plans rely on:

- EnableImageDeprecation takes a time in the future (EC2 rounds it to the minute), at most 10
  years ahead ("Deprecate an Amazon EC2 AMI"); a deprecated image still launches for whoever
  knows its id.
- DisableImage makes an image unlaunchable and, if it was public or shared, private; EnableImage
  brings it back, but not its sharing ("Disable an Amazon EC2 AMI").
- Deregistration protection with a cooldown keeps the image protected for 24 hours after it is
  turned off ("Protect an Amazon EC2 AMI from deregistration").
- An archived snapshot cannot be used to create a volume or register an image until it is
  restored; archiving takes up to 72 hours, and it is billed at least 90 days; a restore is
  billed per GB restored ("Archive Amazon EBS snapshots").
- Fast snapshot restore bills per zone-hour until it is disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from amiexplorer.core.lifecycle import ARCHIVE_MINIMUM_DAYS, PROTECTED, protection_until
from amiexplorer.core.managed import management_of
from amiexplorer.core.models import Image, ResourceKind, Snapshot
from amiexplorer.core.plans.delete import in_flight_refusal
from amiexplorer.core.plans.guards import Blocked, Guarded, guard_each
from amiexplorer.core.plans.plan import (
    ConfirmationNeeds,
    ItemResult,
    Notice,
    Outcome,
    Plan,
    PlanContext,
    Step,
)
from amiexplorer.core.plans.requests import (
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
    ImageChange,
    SnapshotChange,
)
from amiexplorer.core.validation import Problem

#: The EC2 call of each change.
IMAGE_CALLS = {
    ImageChange.DEPRECATE: "EnableImageDeprecation",
    ImageChange.CANCEL_DEPRECATION: "DisableImageDeprecation",
    ImageChange.DISABLE: "DisableImage",
    ImageChange.ENABLE: "EnableImage",
    ImageChange.PROTECT: "EnableImageDeregistrationProtection",
    ImageChange.UNPROTECT: "DisableImageDeregistrationProtection",
}
SNAPSHOT_CALLS = {
    SnapshotChange.ARCHIVE: "ModifySnapshotTier",
    SnapshotChange.RESTORE: "RestoreSnapshotTier",
    SnapshotChange.DISABLE_FAST_RESTORE: "DisableFastSnapshotRestores",
}
#: How each change reads in a title: "deprecate 2 image(s)".
VERBS = {
    ImageChange.DEPRECATE: "deprecate",
    ImageChange.CANCEL_DEPRECATION: "cancel the deprecation of",
    ImageChange.DISABLE: "disable",
    ImageChange.ENABLE: "enable",
    ImageChange.PROTECT: "protect from deregistration",
    ImageChange.UNPROTECT: "turn deregistration protection off for",
    SnapshotChange.ARCHIVE: "archive",
    SnapshotChange.RESTORE: "restore from the archive",
    SnapshotChange.DISABLE_FAST_RESTORE: "disable fast snapshot restore of",
}
#: Deprecation at most this far ahead (EnableImageDeprecation).
MAX_DEPRECATION = timedelta(days=3650)
#: A temporary restore lasts 1 to 180 days (RestoreSnapshotTier TemporaryRestoreDays).
RESTORE_DAYS = (1, 180)
#: What a restore from the archive costs per GB (us-east-1 list price).
RESTORE_PER_GB = 0.03


R = TypeVar("R", Image, Snapshot)


def _one_call_each(
    request: ChangeImagesRequest | ChangeSnapshotsRequest,
    title: str,
    action: str,
    guarded: Guarded[R],
    step_for: Callable[[R], Step | str],
    notices_for: Callable[[list[R]], list[Notice]],
) -> Plan:
    """The plan of a change made by one call per resource: what passed the guards gets its
    step, or is skipped with the reason (it is that way already)."""
    steps: list[Step] = []
    skipped: list[ItemResult] = []
    chosen: list[R] = []
    for resource in guarded.passed:
        step = step_for(resource)
        if isinstance(step, str):
            why = step
            skipped.append(
                ItemResult(action, resource.region, (resource.id,), Outcome.SKIPPED, why)
            )
        else:
            steps.append(step)
            chosen.append(resource)
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        skipped=tuple(skipped),
        warnings=tuple(notices_for(chosen)),
        needs=ConfirmationNeeds(count=len(steps) if len(steps) >= 2 else None),
        targets=tuple(r.id for r in chosen),
    )


def _owned_image(image: Image, ctx: PlanContext) -> str:
    if not image.owned or image.owner_id != ctx.account_id:
        return f"image {image.id} belongs to account {image.owner_id}"
    if not image.is_registered:
        return f"image {image.id} is deregistered"
    return in_flight_refusal(image, ctx)


def _image_problems(request: ChangeImagesRequest, ctx: PlanContext) -> list[Problem]:
    if request.change is not ImageChange.DEPRECATE:
        return []
    when = request.deprecate_at
    if when is None or when.tzinfo is None:
        return [Problem("deprecate_at", "say when, as YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC)")]
    if when <= ctx.now:
        return [Problem("deprecate_at", "the deprecation time must be in the future")]
    if when - ctx.now > MAX_DEPRECATION:
        return [Problem("deprecate_at", "EC2 deprecates at most 10 years ahead")]
    return []


def _image_step(request: ChangeImagesRequest, image: Image, ctx: PlanContext) -> Step | str:
    """The call for one image, or why it is skipped (it is that way already)."""
    change, action = request.change, IMAGE_CALLS[request.change]
    params: dict[str, object] = {"ImageId": image.id}
    protected, _why = protection_until(image.deregistration_protection, ctx.now)
    if change is ImageChange.DEPRECATE:
        assert request.deprecate_at is not None
        params["DeprecateAt"] = request.deprecate_at.replace(second=0, microsecond=0)
    elif change is ImageChange.CANCEL_DEPRECATION and image.deprecation_time is None:
        return f"image {image.id} has no deprecation time"
    elif change is ImageChange.DISABLE and image.state == "disabled":
        return f"image {image.id} is disabled already"
    elif change is ImageChange.DISABLE and image.state != "available":
        return f"image {image.id} is {image.state}: only an available image can be disabled"
    elif change is ImageChange.ENABLE and image.state != "disabled":
        return f"image {image.id} is not disabled"
    elif change is ImageChange.PROTECT:
        if image.deregistration_protection in PROTECTED:
            return f"image {image.id} is protected already"
        params["WithCooldown"] = request.with_cooldown
    elif change is ImageChange.UNPROTECT and not protected:
        return f"image {image.id} is not protected"
    return Step(action, image.region, (image.id,), params, redescribe=ResourceKind.IMAGE)


def _image_notices(request: ChangeImagesRequest, images: list[Image]) -> list[Notice]:
    change, ids = request.change, tuple(i.id for i in images)
    if not ids:
        return []
    if change is ImageChange.DISABLE:
        shared = tuple(i.id for i in images if i.is_public or i.shared_with)
        notices = [
            Notice(
                "a disabled image cannot launch instances; instances already running keep "
                "running, and enabling it again brings it back",
                ids,
            )
        ]
        if shared:
            notices.append(
                Notice(
                    "disabling makes a public or shared image private, and enabling it again "
                    "does not share it again: the accounts it was shared with lose it",
                    shared,
                )
            )
        return notices
    if change is ImageChange.UNPROTECT:
        cooling = tuple(
            i.id for i in images if i.deregistration_protection == "enabled-with-cooldown"
        )
        if cooling:
            return [
                Notice(
                    "protection was turned on with a cooldown: the image stays protected for "
                    "24 hours after this, and only then can it be deregistered",
                    cooling,
                )
            ]
    if change is ImageChange.PROTECT and request.with_cooldown:
        return [
            Notice(
                "with the cooldown, turning protection off later keeps the image protected "
                "for 24 more hours",
                ids,
            )
        ]
    if change is ImageChange.DEPRECATE:
        return [
            Notice(
                "a deprecated image no longer shows in other accounts' listings; whoever knows "
                "its id can still launch it",
                ids,
            )
        ]
    return []


def plan_change_images(request: ChangeImagesRequest, ctx: PlanContext) -> Plan:
    """One lifecycle call per image (the images already that way are skipped)."""
    title = f"{VERBS[request.change]} {len(request.image_ids)} image(s)"
    problems = _image_problems(request, ctx)
    if problems:
        return Plan(request, title, problems=tuple(problems))
    action = IMAGE_CALLS[request.change]
    guarded = guard_each(
        request.image_ids,
        ctx.inventory.images.get,
        (lambda image: _owned_image(image, ctx),),
        action=action,
        noun="image",
    )
    return _one_call_each(
        request,
        title,
        action,
        guarded,
        lambda image: _image_step(request, image, ctx),
        lambda chosen: _image_notices(request, chosen),
    )


def _snapshot_refusal(snapshot: Snapshot, ctx: PlanContext) -> str | Blocked:
    if snapshot.owner_id != ctx.account_id:
        return f"snapshot {snapshot.id} belongs to account {snapshot.owner_id}"
    if flying := in_flight_refusal(snapshot, ctx):
        return flying
    return ""


def _archive_refusal(snapshot: Snapshot, ctx: PlanContext) -> str | Blocked:
    """Why a snapshot may not be archived ("" when it may)."""
    management = management_of(snapshot)
    if management is not None and management.protects:
        return (
            f"snapshot {snapshot.id} is managed by {management.describe()}: its policy decides "
            "its tier"
        )
    if not ctx.region_loaded(snapshot.region):
        return f"{snapshot.region} did not load completely, so what uses the snapshot is unknown"
    users = tuple(i.id for i in ctx.graph.images_of_snapshot(snapshot.id))
    if users:
        why = (
            f"image {', '.join(users)} uses snapshot {snapshot.id}: an archived snapshot cannot "
            "make volumes, so the image could no longer launch"
        )
        return Blocked(why, users)
    return ""


def _snapshot_step(
    request: ChangeSnapshotsRequest, snapshot: Snapshot, ctx: PlanContext
) -> Step | str:
    change, action = request.change, SNAPSHOT_CALLS[request.change]
    params: dict[str, object] = {"SnapshotId": snapshot.id}
    if change is SnapshotChange.ARCHIVE:
        if snapshot.storage_tier == "archive":
            return f"snapshot {snapshot.id} is archived already"
        params["StorageTier"] = "archive"
    elif change is SnapshotChange.RESTORE:
        if snapshot.storage_tier != "archive":
            return f"snapshot {snapshot.id} is not archived"
        if request.restore_days is None:
            params["PermanentRestore"] = True
        else:
            params["TemporaryRestoreDays"] = request.restore_days
    else:
        _known, zones = ctx.inventory.evidence.fast_restores_of(snapshot)
        if not zones:
            return f"snapshot {snapshot.id} has no fast snapshot restore on"
        params = {
            "SourceSnapshotIds": [snapshot.id],
            "AvailabilityZones": [z.availability_zone for z in zones],
        }
    return Step(action, snapshot.region, (snapshot.id,), params, redescribe=ResourceKind.SNAPSHOT)


def _snapshot_notices(
    request: ChangeSnapshotsRequest, snapshots: list[Snapshot], ctx: PlanContext
) -> list[Notice]:
    ids = tuple(s.id for s in snapshots)
    if not ids:
        return []
    gib = sum(s.volume_size_gib for s in snapshots)
    prices = ctx.prices
    if request.change is SnapshotChange.ARCHIVE:
        minimum = gib * prices.snapshot_archive * ARCHIVE_MINIMUM_DAYS / 30
        return [
            Notice(
                "archiving takes up to 72 hours; an archived snapshot is billed at least 90 "
                f"days (about ${minimum:,.2f} for these), cannot make volumes until it is "
                f"restored, and a restore costs ${RESTORE_PER_GB:.2f} per GB (about "
                f"${gib * RESTORE_PER_GB:,.2f})",
                ids,
            )
        ]
    if request.change is SnapshotChange.RESTORE:
        how = (
            "permanently: it is billed as a standard snapshot from then on"
            if request.restore_days is None
            else f"for {request.restore_days} day(s), then it is archived again"
        )
        return [
            Notice(
                f"a restore takes up to 72 hours and costs about ${gib * RESTORE_PER_GB:,.2f} "
                f"(${RESTORE_PER_GB:.2f} per GB); restored {how}",
                ids,
            )
        ]
    return []


def _snapshot_problems(request: ChangeSnapshotsRequest) -> list[Problem]:
    days = request.restore_days
    low, high = RESTORE_DAYS
    if request.change is SnapshotChange.RESTORE and days is not None and not low <= days <= high:
        return [Problem("restore_days", f"a temporary restore lasts {low} to {high} days")]
    return []


def plan_change_snapshots(request: ChangeSnapshotsRequest, ctx: PlanContext) -> Plan:
    """One lifecycle call per snapshot (the snapshots already that way are skipped)."""
    title = f"{VERBS[request.change]} {len(request.snapshot_ids)} snapshot(s)"
    problems = _snapshot_problems(request)
    if problems:
        return Plan(request, title, problems=tuple(problems))
    action = SNAPSHOT_CALLS[request.change]
    guards = [lambda snapshot: _snapshot_refusal(snapshot, ctx)]
    if request.change is SnapshotChange.ARCHIVE:
        guards.append(lambda snapshot: _archive_refusal(snapshot, ctx))
    guarded = guard_each(
        request.snapshot_ids,
        ctx.inventory.snapshots.get,
        guards,
        action=action,
        noun="snapshot",
    )
    return _one_call_each(
        request,
        title,
        action,
        guarded,
        lambda snapshot: _snapshot_step(request, snapshot, ctx),
        lambda chosen: _snapshot_notices(request, chosen, ctx),
    )
