"""Plans for deleting: snapshots, images (with their snapshots) and volumes, with what they save.

Every guard reads the relation graph: a snapshot a registered image uses is refused, naming
the image; a volume is deleted only when unattached; an image that an instance that is not
terminated uses is refused, naming the instances (they could not be replaced, scaled out or
recovered from it); an image that launch templates or configurations name needs its id typed.
Relations are only trusted for regions that loaded without errors: an incomplete region could
hide exactly the user a guard looks for.

Work in flight is never removed: a snapshot, image or volume that is still pending, or that an
operation of this session is still creating (`PlanContext.in_flight`), is refused, and so is
the deletion of a pending snapshot of an image being deregistered. Public resources are named
in a notice of their own: deleting them ends what every AWS account can do with them.

What another service manages is refused too (`managed.py`): AWS Backup's recovery points
(EC2 itself refuses to delete them), and what a DLM policy that still exists made (the
policy deletes it by its own rules). So is an image an SSM parameter holds (whatever launches
through the parameter would break), and one whose region's parameters could not be read.

EC2's lifecycle guards (`lifecycle_guards.py`): a locked snapshot, or one whose region's locks
could not be read, and one with fast snapshot restore on are refused; so is an image with
deregistration protection (or in its cooldown). The confirmation names what the Recycle Bin
keeps, and when the saving starts, and what an early delete of an archived snapshot costs.
"""

from __future__ import annotations

from amiexplorer.core.block_sizes import BlockEvidence, LineageIndex
from amiexplorer.core.cost import saving, volume_monthly
from amiexplorer.core.evidence import DlmStanding, Source
from amiexplorer.core.kinds import spec_for
from amiexplorer.core.lifecycle import protection_until
from amiexplorer.core.managed import BACKUP_REFUSAL, Manager, management_of
from amiexplorer.core.models import Image, ResourceKind, Snapshot, Volume
from amiexplorer.core.plans.guards import Blocked, guard_each
from amiexplorer.core.plans.lifecycle_guards import (
    archive_notice,
    binned_image_refusal,
    fast_restore_refusal,
    lock_refusal,
    recycle_bin_notice,
    recycle_bin_stays,
)
from amiexplorer.core.plans.plan import (
    ConfirmationNeeds,
    Estimate,
    ItemResult,
    Notice,
    Outcome,
    Plan,
    PlanContext,
    Step,
)
from amiexplorer.core.plans.requests import (
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.core.relations import ImageUsage
from amiexplorer.core.tuning import Prices
from amiexplorer.core.watch_events import is_pending


def _count(n: int) -> int | None:
    return n if n >= 2 else None


def _incomplete(region: str) -> str:
    return (
        f"{region} did not load completely, so what uses this is unknown: "
        "reload the region and try again"
    )


def in_flight_refusal(resource: Snapshot | Image | Volume, ctx: PlanContext) -> str:
    """Why what AWS or this session is still creating may not be removed ("" when it may)."""
    kind = spec_for(resource).noun
    if is_pending(resource):
        progress = f" ({resource.progress}%)" if isinstance(resource, Snapshot) else ""
        return (
            f"{kind} {resource.id} is {resource.state}{progress}: AWS is still creating it, "
            "so it is work in flight, not a leftover; wait until it is done"
        )
    if resource.id in ctx.in_flight:
        return (
            f"{kind} {resource.id} is still being created (the Activity pane follows it): "
            "wait until it is done"
        )
    return ""


def managed_refusal(resource: Snapshot | Image, ctx: PlanContext) -> str:
    """Why another service's resource may not be deleted here ("" when it may)."""
    management = management_of(resource)
    if management is None or not management.protects:
        return ""
    kind = spec_for(resource).noun
    if management.manager is Manager.BACKUP:
        if isinstance(resource, Snapshot):
            return (
                f"{BACKUP_REFUSAL} (AWS's words): delete the recovery point of "
                f"{resource.id} in AWS Backup instead"
            )
        return (
            f"image {resource.id} is an AWS Backup recovery point, which EC2 cannot "
            "deregister: delete the recovery point in AWS Backup instead"
        )
    standing, _policy = ctx.inventory.evidence.dlm_standing(resource, management)
    if standing is DlmStanding.MANAGED:
        return (
            f"{kind} {resource.id} is managed by {management.describe()}, which deletes it "
            "by its retention rule: change the policy instead"
        )
    if standing is DlmStanding.UNKNOWN:
        return (
            f"{kind} {resource.id} was made by {management.describe()}, which could not be "
            "looked up: it may still manage it (allow dlm:GetLifecyclePolicies, or check "
            "the policy, and reload)"
        )
    return ""


def _reference_refusal(image: Image, ctx: PlanContext) -> str:
    """Why an image something references beyond EC2's relations may not go ("" if it may)."""
    evidence = ctx.inventory.evidence
    if not evidence.parameters_read(image.region):
        problem = evidence.region(image.region).problem(Source.SSM)
        why = problem.message if problem is not None else "they were not read yet"
        return (
            f"whether an SSM parameter holds image {image.id} is unknown ({why}): "
            "allow ssm:DescribeParameters and ssm:GetParameters, reload, and try again"
        )
    usage = ctx.graph.image_usage(image.id)
    words = usage.references_in_words()
    if words and (usage.parameters or usage.references):
        return f"image {image.id} is {words}: point them at another image first"
    return ""


def estimate_deletion(
    snapshots: list[Snapshot],
    volumes: list[Volume],
    prices: Prices,
    extra: int = 0,
    ctx: PlanContext | None = None,
) -> Estimate:
    """What deleting these snapshots and volumes saves per month (`extra` uncosted resources).

    With `ctx`, snapshots are priced by the blocks only they hold where the inventory's
    block reads tell (`core/block_sizes.py`), and the rest by an upper bound; the snapshots a
    Recycle Bin rule keeps save only once the bin lets go.
    """
    gib = sum(s.volume_size_gib for s in snapshots) + sum(v.size_gib for v in volumes)
    if ctx is not None:
        index, blocks = LineageIndex(ctx.inventory.snapshots.values()), ctx.inventory.blocks
    else:
        index, blocks = LineageIndex(()), BlockEvidence()
    priced = saving(snapshots, index, blocks, prices)
    monthly = priced.monthly_usd + sum(volume_monthly(v, prices) for v in volumes)
    deferred, starts = 0.0, None
    if ctx is not None:
        stays, _unknown = recycle_bin_stays(snapshots, ctx)
        kept = [s for s in snapshots if s.id in stays]
        deferred = saving(kept, index, blocks, prices).monthly_usd if kept else 0.0
        starts = max((stay.leaves for stay in stays.values()), default=None)
    return Estimate(
        len(snapshots) + len(volumes) + extra,
        gib,
        round(monthly, 2),
        deferred_usd=round(deferred, 2),
        saving_starts=starts,
        bound_usd=round(priced.bound_usd, 2),
        bounded=len(priced.freed.bounded),
        bound_basis=priced.bound_words,
        exact_bytes=priced.freed.exact_bytes,
    )


def _sharing_notice(snapshots: list[Snapshot]) -> tuple[Notice, ...]:
    shared = [s.id for s in snapshots if s.shared_with and not s.is_public]
    if not shared:
        return ()
    return (Notice("shared with other accounts, which lose access", tuple(shared)),)


def public_notice(resources: list[Snapshot] | list[Image], verb: str) -> tuple[Notice, ...]:
    """A notice naming the public resources among those `verb` removes (none if none is).

    Removing one ends its public exposure too: it need not be made private first.
    """
    public = tuple(r.id for r in resources if r.is_public)
    if not public:
        return ()
    if isinstance(resources[0], Image):
        who = "every AWS account may launch"
    else:
        who = "every AWS account may create volumes from"
    noun = "it" if len(public) == 1 else "them"
    return (
        Notice(
            f"public: {who} {', '.join(public)}; {verb} {noun} ends that too, so {noun} "
            "need not be made private",
            public,
        ),
    )


def _removal(action: str, id_parameter: str, resource: Snapshot | Image | Volume) -> Step:
    """The call that removes `resource` (DeleteSnapshot with its SnapshotId, ...)."""
    removes = ((spec_for(resource).kind, resource.id),)
    params = {id_parameter: resource.id}
    return Step(action, resource.region, (resource.id,), params, removes=removes)


def _snapshot_refusal(snapshot: Snapshot, ctx: PlanContext) -> str | Blocked:
    """Why a snapshot may not be deleted ("" when it may)."""
    snapshot_id, region = snapshot.id, snapshot.region
    if snapshot.owner_id != ctx.account_id:
        return f"snapshot {snapshot_id} belongs to account {snapshot.owner_id}"
    if flying := in_flight_refusal(snapshot, ctx):
        return flying
    if not ctx.region_loaded(region):
        return _incomplete(region)
    if managed := managed_refusal(snapshot, ctx):
        return managed
    if kept := (
        lock_refusal(snapshot, ctx)
        or fast_restore_refusal(snapshot, ctx)
        or binned_image_refusal(snapshot, ctx)
    ):
        return kept
    if users := ctx.graph.images_of_snapshot(snapshot_id):
        blocking = tuple(i.id for i in users)
        why = f"image {', '.join(blocking)} uses snapshot {snapshot_id}: deregister it first"
        return Blocked(why, blocking)
    return ""


def plan_delete_snapshots(request: DeleteSnapshotsRequest, ctx: PlanContext) -> Plan:
    """DeleteSnapshot for each snapshot no registered image uses."""
    title = f"delete {len(request.snapshot_ids)} snapshot(s)"
    guarded = guard_each(
        request.snapshot_ids,
        ctx.inventory.snapshots.get,
        (lambda snapshot: _snapshot_refusal(snapshot, ctx),),
        action="DeleteSnapshot",
        noun="snapshot",
    )
    chosen = list(guarded.passed)
    steps = [_removal("DeleteSnapshot", "SnapshotId", s) for s in chosen]
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        warnings=(
            *public_notice(chosen, "deleting"),
            *_sharing_notice(chosen),
            *recycle_bin_notice(chosen, ctx, "deleted"),
            *archive_notice(chosen, ctx),
        ),
        needs=ConfirmationNeeds(count=_count(len(chosen))),
        estimate=estimate_deletion(chosen, [], ctx.prices, ctx=ctx),
        targets=tuple(s.id for s in chosen),
    )


def _image_refusal(image: Image, ctx: PlanContext) -> str:
    """Why an image may not be deregistered, whoever uses it ("" when it may)."""
    image_id = image.id
    if not image.owned or image.owner_id != ctx.account_id:
        return f"image {image_id} belongs to account {image.owner_id}"
    if flying := in_flight_refusal(image, ctx):
        return flying
    if not ctx.region_loaded(image.region):
        return _incomplete(image.region)
    protected, why = protection_until(image.deregistration_protection, ctx.now)
    if protected:
        return f"image {image_id}: {why}; AWS refuses to deregister it until it is off"
    return managed_refusal(image, ctx) or _reference_refusal(image, ctx)


def _use_refusal(image: Image, ctx: PlanContext) -> str | Blocked:
    """Why an image instances use may not be deregistered, naming them ("" when none does)."""
    usage = ctx.graph.image_usage(image.id)
    if usage.instances:
        return Blocked(_in_use(image, usage), tuple(i.id for i in usage.instances))
    return ""


def plan_deregister_images(request: DeregisterImagesRequest, ctx: PlanContext) -> Plan:
    """DeregisterImage, then DeleteSnapshot for snapshots no other registered image uses."""
    title = f"deregister {len(request.image_ids)} image(s)"
    guarded = guard_each(
        request.image_ids,
        ctx.inventory.images.get,
        (lambda image: _image_refusal(image, ctx), lambda image: _use_refusal(image, ctx)),
        action="DeregisterImage",
        noun="image",
    )
    steps, skipped, warnings = [], [], []
    images = list(guarded.passed)
    typed: list[str] = []
    for image in images:
        image_id = image.id
        usage = ctx.graph.image_usage(image_id)
        launchers = [v.id for v in usage.launch_template_versions]
        launchers += [c.id for c in usage.launch_configurations]
        if launchers:
            typed.append(image_id)
            warnings.append(
                Notice(f"launch templates or configurations name {image_id}", tuple(launchers))
            )
        steps.append(_removal("DeregisterImage", "ImageId", image))
    doomed: list[Snapshot] = []
    uncosted = 0
    if request.delete_snapshots:
        leaving = {i.id for i in images}
        for snapshot_id, owners in _snapshots_of(images).items():
            region = owners[0].region
            others = tuple(
                i.id for i in ctx.graph.images_of_snapshot(snapshot_id) if i.id not in leaving
            )
            ids = (snapshot_id,)
            snapshot = ctx.inventory.snapshots.get(snapshot_id)
            why = f"image {', '.join(others)} still uses snapshot {snapshot_id}" if others else ""
            if not why and snapshot is not None:
                why = in_flight_refusal(snapshot, ctx)
            if not why and snapshot is not None:
                # A snapshot DLM or AWS Backup made, registered as an image by hand, stays
                # theirs when the image goes; a locked one AWS keeps; FSR says it is wanted.
                why = (
                    managed_refusal(snapshot, ctx)
                    or lock_refusal(snapshot, ctx)
                    or fast_restore_refusal(snapshot, ctx)
                )
            if why:
                skipped.append(
                    ItemResult(
                        "DeleteSnapshot", region, ids, Outcome.SKIPPED, why, blocking_ids=others
                    )
                )
                continue
            removes = ((ResourceKind.SNAPSHOT, snapshot_id),)
            after = tuple(i.id for i in owners)
            params = {"SnapshotId": snapshot_id}
            steps.append(Step("DeleteSnapshot", region, ids, params, removes=removes, after=after))
            if snapshot is not None:
                doomed.append(snapshot)
            else:
                uncosted += 1
        warnings += _sharing_notice(doomed)
    warnings[:0] = public_notice(images, "deregistering")
    warnings += recycle_bin_notice(images, ctx, "deregistered")
    if request.delete_snapshots:
        warnings += public_notice(doomed, "deleting")
        warnings += recycle_bin_notice(doomed, ctx, "deleted")
        warnings += archive_notice(doomed, ctx)
    estimate = estimate_deletion(doomed, [], ctx.prices, extra=len(images) + uncosted, ctx=ctx)
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        needs=ConfirmationNeeds(count=_count(estimate.resources), image_ids=tuple(typed)),
        estimate=estimate,
        targets=tuple(i.id for i in images),
    )


def _in_use(image: Image, usage: ImageUsage) -> str:
    """Why an image that instances use may not be deregistered, with what would break."""
    running = ", ".join(f"{i.id} ({i.state})" for i in usage.instances)
    noun = "instance" if len(usage.instances) == 1 else "instances"
    return (
        f"image {image.id} is in use by {noun} {running}: without it they cannot be "
        "replaced, scaled out or recovered; move them to another image (or terminate them) "
        "first"
    )


def _snapshots_of(images: list[Image]) -> dict[str, list[Image]]:
    """Snapshot id -> the images (of those given) that name it, in order."""
    found: dict[str, list[Image]] = {}
    for image in images:
        for snapshot_id in dict.fromkeys(image.snapshot_ids):
            found.setdefault(snapshot_id, []).append(image)
    return found


def _attached(volume: Volume, ctx: PlanContext) -> str | Blocked:
    """Why a volume that is attached, or not available, may not be deleted ("" if it may)."""
    volume_id = volume.id
    users = [*volume.instance_ids, *(i.id for i in ctx.graph.instances_of_volume(volume_id))]
    attached = tuple(dict.fromkeys(users))
    if attached:
        why = f"volume {volume_id} is attached to {', '.join(attached)}: detach it first"
        return Blocked(why, attached)
    if volume.state != "available":
        return f"volume {volume_id} is {volume.state}: only available volumes can be deleted"
    return ""


def plan_delete_volumes(request: DeleteVolumesRequest, ctx: PlanContext) -> Plan:
    """DeleteVolume for each volume that is available (attached to nothing)."""
    title = f"delete {len(request.volume_ids)} volume(s)"
    guarded = guard_each(
        request.volume_ids,
        ctx.inventory.volumes.get,
        (lambda volume: in_flight_refusal(volume, ctx), lambda volume: _attached(volume, ctx)),
        action="DeleteVolume",
        noun="volume",
    )
    chosen = list(guarded.passed)
    steps = [_removal("DeleteVolume", "VolumeId", v) for v in chosen]
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        needs=ConfirmationNeeds(count=_count(len(chosen))),
        estimate=estimate_deletion([], chosen, ctx.prices),
        targets=tuple(v.id for v in chosen),
    )
