"""Plans for the actions that create: images, snapshots, volumes, and copies to other regions.

Pure functions: a request and the inventory in, a `Plan` out. Nothing here calls AWS.
"""

from __future__ import annotations

from typing import Any

from amiexplorer.core.models import Instance, ResourceKind, Snapshot
from amiexplorer.core.plans.guards import guard_each
from amiexplorer.core.plans.plan import Notice, Plan, PlanContext, Step, refusal
from amiexplorer.core.plans.requests import (
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateSnapshotsRequest,
    CreateVolumeRequest,
    Tags,
    tag_specification,
)
from amiexplorer.core.validation import (
    Problem,
    check_availability_zone,
    check_description,
    check_encryption,
    check_image_name,
    check_tags,
    check_target_regions,
    check_volume,
)


def image_names(ctx: PlanContext, region: str) -> set[str]:
    """Names of the account's images in `region` (a new image's name must differ)."""
    return {
        i.name for i in ctx.inventory.images.values() if i.region == region and i.owned and i.name
    }


def _terminated(instance: Instance) -> str:
    """Why a terminated instance cannot be imaged ("" when it can)."""
    if instance.is_terminated:
        return f"instance {instance.id} is {instance.state}: there is nothing left to image"
    return ""


def _unready(snapshot: Snapshot, wait: str) -> str:
    """Why a snapshot cannot be read yet ("" when it can); `wait` says what to wait for."""
    if snapshot.state != "completed":
        return f"snapshot {snapshot.id} is {snapshot.state}: {wait}"
    if snapshot.storage_tier == "archive":
        return f"snapshot {snapshot.id} is archived: restore it to the standard tier first"
    return ""


def plan_create_image(request: CreateImageRequest, ctx: PlanContext) -> Plan:
    """CreateImage from an instance, with tags for the image and for its snapshots."""
    title = f"create image {request.name!r} from {request.instance_id}"
    guarded = guard_each(
        (request.instance_id,),
        ctx.inventory.instances.get,
        (_terminated,),
        action="CreateImage",
        noun="instance",
    )
    if (instance := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    region = instance.region
    problems = check_image_name(request.name, image_names(ctx, region), region)
    problems += check_description(request.description)
    problems += check_tags(request.tags)
    problems += check_tags(request.snapshot_tags, "snapshot_tags")
    params: dict[str, Any] = {
        "InstanceId": instance.id,
        "Name": request.name,
        "NoReboot": request.no_reboot,
    }
    if request.description:
        params["Description"] = request.description
    specs = tag_specification("image", request.tags)
    specs += tag_specification("snapshot", request.snapshot_tags)
    if specs:
        params["TagSpecifications"] = specs
    warnings: tuple[Notice, ...] = ()
    if not request.no_reboot and instance.state == "running":
        warnings = (Notice(f"{instance.id} will reboot while the image is taken", (instance.id,)),)
    step = Step("CreateImage", region, (instance.id,), params, creates=ResourceKind.IMAGE)
    return Plan(
        request, title, (step,), problems=tuple(problems), warnings=warnings, targets=(instance.id,)
    )


def plan_create_snapshot(request: CreateSnapshotRequest, ctx: PlanContext) -> Plan:
    """CreateSnapshot of one volume."""
    title = f"snapshot {request.volume_id}"
    guarded = guard_each(
        (request.volume_id,), ctx.inventory.volumes.get, action="CreateSnapshot", noun="volume"
    )
    if (volume := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    problems = check_description(request.description) + check_tags(request.tags)
    params: dict[str, Any] = {"VolumeId": volume.id}
    if request.description:
        params["Description"] = request.description
    if specs := tag_specification("snapshot", request.tags):
        params["TagSpecifications"] = specs
    step = Step("CreateSnapshot", volume.region, (volume.id,), params, ResourceKind.SNAPSHOT)
    return Plan(request, title, (step,), problems=tuple(problems), targets=(volume.id,))


def plan_create_snapshots(request: CreateSnapshotsRequest, ctx: PlanContext) -> Plan:
    """CreateSnapshots: every volume of an instance at the same moment."""
    title = f"snapshot every volume of {request.instance_id}"
    guarded = guard_each(
        (request.instance_id,),
        ctx.inventory.instances.get,
        action="CreateSnapshots",
        noun="instance",
    )
    if (instance := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    problems = check_description(request.description) + check_tags(request.tags)
    spec: dict[str, Any] = {"InstanceId": instance.id}
    if request.exclude_boot_volume:
        spec["ExcludeBootVolume"] = True
    params: dict[str, Any] = {"InstanceSpecification": spec}
    if request.description:
        params["Description"] = request.description
    if specs := tag_specification("snapshot", request.tags):
        params["TagSpecifications"] = specs
    if request.copy_tags_from_source:
        params["CopyTagsFromSource"] = "volume"
    step = Step("CreateSnapshots", instance.region, (instance.id,), params, ResourceKind.SNAPSHOT)
    return Plan(request, title, (step,), problems=tuple(problems), targets=(instance.id,))


def plan_create_volume(request: CreateVolumeRequest, ctx: PlanContext) -> Plan:
    """CreateVolume from a snapshot, in a zone of the snapshot's region."""
    title = f"restore {request.snapshot_id} into a new {request.volume_type} volume"
    guarded = guard_each(
        (request.snapshot_id,),
        ctx.inventory.snapshots.get,
        (lambda snapshot: _unready(snapshot, "wait until it is completed"),),
        action="CreateVolume",
        noun="snapshot",
    )
    if (snapshot := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    region, ids = snapshot.region, (snapshot.id,)
    problems = check_availability_zone(request.availability_zone, region)
    problems += check_volume(
        request.volume_type,
        request.size_gib,
        snapshot_size_gib=snapshot.volume_size_gib,
        iops=request.iops,
        throughput=request.throughput,
    )
    encrypted = request.encrypted if request.encrypted is not None else snapshot.encrypted
    if snapshot.encrypted and not encrypted:
        problems.append(
            Problem("encrypted", "volumes restored from an encrypted snapshot are encrypted too")
        )
    problems += check_encryption(encrypted, request.kms_key_id, region)
    problems += check_tags(request.tags)
    params: dict[str, Any] = {
        "SnapshotId": snapshot.id,
        "AvailabilityZone": request.availability_zone,
        "VolumeType": request.volume_type,
    }
    optional = {
        "Size": request.size_gib,
        "Iops": request.iops,
        "Throughput": request.throughput,
        "KmsKeyId": request.kms_key_id,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    if encrypted:
        params["Encrypted"] = True
    if specs := tag_specification("volume", request.tags):
        params["TagSpecifications"] = specs
    step = Step("CreateVolume", region, ids, params, creates=ResourceKind.VOLUME)
    return Plan(request, title, (step,), problems=tuple(problems), targets=ids)


def _copy_key(
    region: str, encrypted: bool, default: str | None, per_region: dict[str, str]
) -> tuple[str | None, list[Problem]]:
    key = per_region.get(region, default)
    problems = check_encryption(encrypted, key, region)
    return key, [Problem(p.field, f"{region}: {p.message}") for p in problems]


def plan_copy_image(request: CopyImageRequest, ctx: PlanContext) -> Plan:
    """CopyImage, called in each target region with the source region named."""
    title = f"copy {request.image_id} to {', '.join(request.target_regions)}"
    guarded = guard_each(
        (request.image_id,), ctx.inventory.images.get, action="CopyImage", noun="image"
    )
    if (image := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    # A copy's refusal is one per target region: not a guard's (one per id).
    if image.state != "available":
        why = f"image {image.id} is {image.state}: only available images can be copied"
        refused = tuple(
            refusal("CopyImage", region, (image.id,), why) for region in request.target_regions
        )
        return Plan(request, title, refused=refused)
    name = request.name if request.name is not None else (image.name or "")
    problems = check_target_regions(request.target_regions, image.region, ctx.known_regions)
    problems += check_description(request.description)
    problems += check_tags(request.tags)
    steps = []
    for region in dict.fromkeys(request.target_regions):
        # The name's form is checked once; its uniqueness in each target region.
        named = check_image_name(name, image_names(ctx, region), region)
        problems += [p for p in named if p not in problems]
        key, key_problems = _copy_key(
            region, request.encrypted, request.kms_key_id, dict(request.kms_key_ids)
        )
        problems += key_problems
        params: dict[str, Any] = {
            "SourceImageId": image.id,
            "SourceRegion": image.region,
            "Name": name,
        }
        if request.description is not None:
            params["Description"] = request.description
        if request.encrypted:
            params["Encrypted"] = True
        if key is not None:
            params["KmsKeyId"] = key
        if request.copy_tags:
            params["CopyImageTags"] = True
        if specs := tag_specification("image", request.tags):
            params["TagSpecifications"] = specs
        steps.append(Step("CopyImage", region, (image.id,), params, ResourceKind.IMAGE))
    return Plan(request, title, tuple(steps), problems=tuple(problems), targets=(image.id,))


def _copied_tags(source: Tags, extra: Tags, copy: bool) -> Tags:
    """The source's tags (without AWS's reserved ones) when asked, overridden by `extra`."""
    merged = {k: v for k, v in source if not k.lower().startswith("aws:")} if copy else {}
    merged.update(dict(extra))
    return tuple(merged.items())


def plan_copy_snapshot(request: CopySnapshotRequest, ctx: PlanContext) -> Plan:
    """CopySnapshot, called in each target region with the source region named."""
    title = f"copy {request.snapshot_id} to {', '.join(request.target_regions)}"
    guarded = guard_each(
        (request.snapshot_id,), ctx.inventory.snapshots.get, action="CopySnapshot", noun="snapshot"
    )
    if (snapshot := guarded.first) is None:
        return Plan(request, title, refused=guarded.refused)
    # A copy's refusal is one per target region: not a guard's (one per id).
    if why := _unready(snapshot, "only completed snapshots can be copied"):
        refused = tuple(
            refusal("CopySnapshot", r, (snapshot.id,), why) for r in request.target_regions
        )
        return Plan(request, title, refused=refused)
    tags = _copied_tags(snapshot.tags, request.tags, request.copy_tags)
    problems = check_target_regions(request.target_regions, snapshot.region, ctx.known_regions)
    problems += check_description(request.description) + check_tags(tags)
    steps = []
    for region in dict.fromkeys(request.target_regions):
        key, key_problems = _copy_key(
            region, request.encrypted, request.kms_key_id, dict(request.kms_key_ids)
        )
        problems += key_problems
        params: dict[str, Any] = {"SourceSnapshotId": snapshot.id, "SourceRegion": snapshot.region}
        if request.description is not None:
            params["Description"] = request.description
        if request.encrypted:
            params["Encrypted"] = True
        if key is not None:
            params["KmsKeyId"] = key
        if specs := tag_specification("snapshot", tags):
            params["TagSpecifications"] = specs
        steps.append(Step("CopySnapshot", region, (snapshot.id,), params, ResourceKind.SNAPSHOT))
    return Plan(request, title, tuple(steps), problems=tuple(problems), targets=(snapshot.id,))
