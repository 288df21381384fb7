"""What a plan does, in words: every choice made in its form and every target it touches.

A confirmation restates every field of the form it came from (the size asked for, not the
snapshot's; the encryption and its key; no reboot; who gets access) and every target with
its region and size, so that a slip is caught before anything is sent. The results say it
again. Pure: a plan and the inventory in, lines out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity, Instance, Volume
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import (
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateSnapshotsRequest,
    CreateVolumeRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
    RestoreFromRecycleBinRequest,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.core.validation import GP3_DEFAULT_IOPS, IOPS_LIMITS, THROUGHPUT_LIMITS
from amiexplorer.ui.dialogs.delete import delete_lines, deregister_lines
from amiexplorer.ui.dialogs.lifecycle import lifecycle_lines, restore_lines
from amiexplorer.ui.dialogs.lines import Line, described, named, tags_text
from amiexplorer.ui.dialogs.share_words import make_private_lines, share_lines
from amiexplorer.ui.rows import formatting as fmt

__all__ = ["Line", "instance_volume_gib", "new_volume_gib", "restate"]


def restate(plan: Plan, inventory: Inventory, identity: Identity | None = None) -> list[Line]:
    """Every choice of `plan`'s request and every target, in words."""
    request = plan.request
    for kind, words in _RESTATERS.items():
        if isinstance(request, kind):
            return words(request, plan, inventory, identity)
    return []


# Pieces ---------------------------------------------------------------------------------------


def _volumes_of(instance: Instance, inventory: Inventory) -> list[tuple[str, str, Volume | None]]:
    """(device, volume id, the volume if loaded) for each EBS volume of the instance."""
    return [
        (device.device_name, device.volume_id, inventory.volumes.get(device.volume_id))
        for device in instance.block_devices
    ]


def _volume_list(volumes: list[tuple[str, str, Volume | None]]) -> str:
    parts = []
    total = 0
    for device, volume_id, volume in volumes:
        if volume is None:
            parts.append(f"{volume_id} ({device}, size not loaded)")
            continue
        total += volume.size_gib
        parts.append(f"{volume_id} {fmt.size_gib(volume.size_gib)} {volume.volume_type} ({device})")
    if not parts:
        return "none loaded"
    if len(parts) > 1:
        return f"{', '.join(parts)}: {fmt.size_gib(total)} in all"
    return parts[0]


def instance_volume_gib(instance: Instance, inventory: Inventory, boot: bool = True) -> int | None:
    """The total size of the instance's loaded volumes (without the boot volume: `boot`)."""
    sizes = [
        volume.size_gib
        for device, _id, volume in _volumes_of(instance, inventory)
        if volume is not None and (boot or device != instance.root_device_name)
    ]
    return sum(sizes) if sizes else None


def _instance_line(instance_id: str, inventory: Inventory) -> Line:
    instance = inventory.instances.get(instance_id)
    if instance is None:
        return Line("Instance", f"{instance_id} (not in the loaded inventory)")
    return Line("Instance", f"{named(instance)} in {instance.region}, {instance.state}")


# Creating ------------------------------------------------------------------------------------


def _create_image(
    request: CreateImageRequest, plan: Plan, inventory: Inventory, _identity: Identity | None
) -> list[Line]:
    instance = inventory.instances.get(request.instance_id)
    lines = [
        _instance_line(request.instance_id, inventory),
        Line("Image name", repr(request.name)),
        Line("Description", described(request.description)),
    ]
    if request.no_reboot:
        lines.append(
            Line(
                "Reboot",
                f"no reboot: the image is taken while {request.instance_id} runs; data not yet "
                "written to disk is lost and file systems may be inconsistent",
                warning=True,
            )
        )
    elif instance is not None and instance.state != "running":
        lines.append(Line("Reboot", f"none needed: {instance.id} is {instance.state}"))
    else:
        lines.append(
            Line("Reboot", f"yes: {request.instance_id} reboots first, for consistent file systems")
        )
    if instance is not None:
        lines.append(Line("Volumes", _volume_list(_volumes_of(instance, inventory))))
    lines.append(Line("Image tags", tags_text(request.tags)))
    if request.snapshot_tags:
        lines.append(Line("Snapshot tags", tags_text(request.snapshot_tags)))
    return lines


def _create_snapshots(
    request: CreateSnapshotsRequest, plan: Plan, inventory: Inventory, _identity: Identity | None
) -> list[Line]:
    instance = inventory.instances.get(request.instance_id)
    lines = [_instance_line(request.instance_id, inventory)]
    if instance is not None:
        volumes = _volumes_of(instance, inventory)
        if request.exclude_boot_volume:
            boot = [v for v in volumes if v[0] == instance.root_device_name]
            kept = [v for v in volumes if v[0] != instance.root_device_name]
            lines.append(Line("Volumes", f"all but the boot volume: {_volume_list(kept)}"))
            if boot:
                lines.append(Line("Left out", f"boot volume {boot[0][1]} ({boot[0][0]})"))
        else:
            lines.append(Line("Volumes", f"every one, at the same moment: {_volume_list(volumes)}"))
    lines += [
        Line("Description", described(request.description)),
        Line("Tags", tags_text(request.tags)),
        Line(
            "Volume tags",
            "copied onto each volume's snapshot" if request.copy_tags_from_source else "not copied",
        ),
    ]
    return lines


def _create_snapshot(
    request: CreateSnapshotRequest, plan: Plan, inventory: Inventory, _identity: Identity | None
) -> list[Line]:
    volume = inventory.volumes.get(request.volume_id)
    if volume is None:
        what = f"{request.volume_id} (not in the loaded inventory)"
    else:
        attached = (
            f"attached to {', '.join(volume.instance_ids)}" if volume.is_attached else "unattached"
        )
        encrypted = ", encrypted" if volume.encrypted else ""
        what = (
            f"{named(volume)} in {volume.availability_zone}: {fmt.size_gib(volume.size_gib)} "
            f"{volume.volume_type}{encrypted}, {attached}"
        )
    return [
        Line("Volume", what),
        Line("Description", described(request.description)),
        Line("Tags", tags_text(request.tags)),
    ]


def new_volume_gib(request: CreateVolumeRequest, inventory: Inventory) -> int | None:
    """The size of the volume a CreateVolume request makes (the snapshot's when not given)."""
    if request.size_gib is not None:
        return request.size_gib
    snapshot = inventory.snapshots.get(request.snapshot_id)
    return snapshot.volume_size_gib if snapshot is not None else None


def _create_volume(
    request: CreateVolumeRequest, plan: Plan, inventory: Inventory, _identity: Identity | None
) -> list[Line]:
    snapshot = inventory.snapshots.get(request.snapshot_id)
    size = new_volume_gib(request, inventory)
    source = request.snapshot_id
    if snapshot is not None:
        source = f"{named(snapshot)} in {snapshot.region}: {fmt.size_gib(snapshot.volume_size_gib)}"
    lines = [
        Line("From snapshot", source),
        Line(
            "New volume",
            f"{fmt.size_gib(size)} {request.volume_type} in {request.availability_zone}",
        ),
    ]
    iops_limits = IOPS_LIMITS.get(request.volume_type)
    if request.iops is not None:
        lines.append(Line("IOPS", f"{request.iops:,}"))
    elif request.volume_type == "gp3":
        lines.append(Line("IOPS", f"gp3's baseline ({GP3_DEFAULT_IOPS:,})"))
    elif iops_limits is None:
        lines.append(Line("IOPS", f"what {request.volume_type} gives for its size"))
    if request.volume_type == "gp3":
        throughput = (
            f"{request.throughput} MiB/s"
            if request.throughput is not None
            else f"gp3's baseline ({THROUGHPUT_LIMITS[0]} MiB/s)"
        )
        lines.append(Line("Throughput", throughput))
    encrypted = (
        request.encrypted
        if request.encrypted is not None
        else bool(snapshot is not None and snapshot.encrypted)
    )
    if not encrypted:
        lines.append(Line("Encryption", "not encrypted"))
    elif request.kms_key_id:
        lines.append(Line("Encryption", f"encrypted with KMS key {request.kms_key_id}"))
    else:
        key = "the snapshot's key" if snapshot is not None and snapshot.encrypted else None
        lines.append(
            Line("Encryption", f"encrypted with {key or 'the default EBS key of the account'}")
        )
    lines.append(Line("Tags", tags_text(request.tags)))
    return lines


# Copying -------------------------------------------------------------------------------------


def _encryption_of_copies(
    encrypted: bool, key: str | None, per_region: Mapping[str, str], targets: Iterable[str]
) -> str:
    if not encrypted:
        return "not encrypted (copies of unencrypted snapshots stay unencrypted)"
    keys = {region: per_region.get(region, key or "") for region in targets}
    if len(set(keys.values())) == 1:
        only = next(iter(keys.values()), "")
        if only:
            return f"encrypted with KMS key {only} in every target region"
        return "encrypted with each target region's default EBS key"
    return "encrypted: " + ", ".join(
        f"{region} with {k or 'its default EBS key'}" for region, k in keys.items()
    )


def _copy(
    request: CopyImageRequest | CopySnapshotRequest,
    plan: Plan,
    inventory: Inventory,
    _identity: Identity | None,
) -> list[Line]:
    targets = tuple(dict.fromkeys(request.target_regions))
    if isinstance(request, CopyImageRequest):
        image = inventory.images.get(request.image_id)
        if image is None:
            source = request.image_id
        else:
            snapshots = len(image.snapshot_ids)
            source = (
                f"{named(image)} in {image.region}: {fmt.size_gib(image.size_gib)}, "
                f"{snapshots} snapshot{'s' if snapshots != 1 else ''}"
            )
        lines = [Line("Image", source)]
    else:
        snapshot = inventory.snapshots.get(request.snapshot_id)
        source = request.snapshot_id
        if snapshot is not None:
            source = (
                f"{named(snapshot)} in {snapshot.region}: {fmt.size_gib(snapshot.volume_size_gib)}"
            )
        lines = [Line("Snapshot", source)]
    count = len(targets)
    lines.append(
        Line("Copy to", f"{', '.join(targets)} ({count} cop{'ies' if count != 1 else 'y'})")
    )
    if isinstance(request, CopyImageRequest):
        image = inventory.images.get(request.image_id)
        name = request.name if request.name is not None else (image.name if image else "")
        lines.append(Line("Name", repr(name or "")))
    lines.append(Line("Description", described(request.description, "none (AWS writes its own)")))
    lines.append(
        Line(
            "Encryption",
            _encryption_of_copies(
                request.encrypted, request.kms_key_id, request.kms_key_ids, targets
            ),
        )
    )
    kind = "image" if isinstance(request, CopyImageRequest) else "snapshot"
    copied = f"the {kind}'s tags are copied" if request.copy_tags else f"the {kind}'s tags are not"
    if request.tags:
        copied += f"; added: {tags_text(request.tags)}"
    lines.append(Line("Tags", copied))
    return lines


_RESTATERS: dict[type, Callable[[Any, Plan, Inventory, Identity | None], list[Line]]] = {
    CreateImageRequest: _create_image,
    CreateSnapshotsRequest: _create_snapshots,
    CreateSnapshotRequest: _create_snapshot,
    CreateVolumeRequest: _create_volume,
    CopyImageRequest: _copy,
    CopySnapshotRequest: _copy,
    ShareImagesRequest: share_lines,
    ShareSnapshotsRequest: share_lines,
    MakePrivateRequest: make_private_lines,
    DeleteSnapshotsRequest: delete_lines,
    DeleteVolumesRequest: delete_lines,
    DeregisterImagesRequest: deregister_lines,
    ChangeImagesRequest: lifecycle_lines,
    ChangeSnapshotsRequest: lifecycle_lines,
    RestoreFromRecycleBinRequest: restore_lines,
}
