"""Make moto's images look like AWS's: one snapshot per volume, copy descriptions, EBS roots.

moto gives every image a single 15 GiB snapshot of a throwaway volume. CreateImage in AWS snapshots
each EBS volume of the instance (so the snapshots' VolumeIds are the instance's volumes), and
CopyImage writes a snapshot per source snapshot with a telling description. These helpers rewrite
moto's objects accordingly; the seeder and the patched API calls both use them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

#: The VolumeId AWS reports for snapshots made by CopySnapshot / CopyImage.
COPIED_VOLUME_ID = "vol-ffffffff"

_BDM_KEY = "_demo_bdm"


def block_device_mappings(ami: Any) -> list[dict[str, Any]]:
    """The image's block device mappings (moto's stand-in unless rewritten here)."""
    return list(ami.block_device_mappings)


def set_block_device_mappings(ami: Any, mappings: list[dict[str, Any]]) -> None:
    """Replace the image's block device mappings (read back by the patched property)."""
    ami.__dict__[_BDM_KEY] = mappings


def custom_mappings(ami: Any) -> list[dict[str, Any]] | None:
    """The mappings set by ``set_block_device_mappings``, if any."""
    found = ami.__dict__.get(_BDM_KEY)
    return found if isinstance(found, list) else None


def snapshot_ids(ami: Any) -> list[str]:
    """Ids of the EBS snapshots the image's block device mappings name, root first."""
    return [
        m["Ebs"]["SnapshotId"]
        for m in block_device_mappings(ami)
        if isinstance(m.get("Ebs"), dict) and m["Ebs"].get("SnapshotId")
    ]


def ebs_mapping(device: str, snapshot_id: str, volume: Any, delete: bool) -> dict[str, Any]:
    """An image block device mapping entry for ``snapshot_id`` shaped like ``volume``."""
    ebs: dict[str, Any] = {
        "DeleteOnTermination": delete,
        "SnapshotId": snapshot_id,
        "VolumeSize": volume.size,
        "VolumeType": volume.volume_type,
        "Encrypted": bool(volume.encrypted),
    }
    if volume.volume_type in ("gp3", "io1", "io2") and volume.iops:
        ebs["Iops"] = volume.iops
    if volume.volume_type == "gp3":
        ebs["Throughput"] = volume.throughput or 125
    return {"DeviceName": device, "Ebs": ebs}


def polish(ami: Any) -> None:
    """Fill in what AWS reports for every modern EBS-backed Linux image and moto leaves out."""
    ami.root_device_type = "ebs"
    ami.virtualization_type = "hvm"
    ami.hypervisor = "xen"
    ami.ena_support = True
    ami.platform_details = "Linux/UNIX"
    ami.usage_operation = "RunInstances"
    ami.imds_support = "v2.0"
    ami.boot_mode = "uefi" if ami.architecture == "arm64" else "uefi-preferred"
    ami.image_location = f"{ami.owner_id}/{ami.name}"


def capture_instance(backend: Any, ami: Any, instance: Any) -> list[Any]:
    """Give ``ami`` one snapshot per EBS volume of ``instance``, as CreateImage does.

    moto's own snapshot becomes the root one. Returns the snapshots, root first.
    """
    devices = dict(instance.get_block_device_mapping)
    if not devices:
        return [ami.ebs_snapshot]
    root = instance.root_device_name if instance.root_device_name in devices else min(devices)
    description = f"Created by CreateImage({instance.id}) for {ami.id}"
    snapshots: list[Any] = []
    mappings: list[dict[str, Any]] = []
    for device in [root, *sorted(d for d in devices if d != root)]:
        volume = backend.get_volume(devices[device].volume_id)
        if device == root:
            snapshot = ami.ebs_snapshot
            snapshot.volume = volume
            snapshot.encrypted = bool(volume.encrypted)
        else:
            snapshot = backend.create_snapshot(volume.id, description, from_ami=ami.id)
        snapshot.kms_key_id = volume.kms_key_id if volume.encrypted else None
        snapshots.append(snapshot)
        mappings.append(ebs_mapping(device, snapshot.id, volume, device == root))
    set_block_device_mappings(ami, mappings)
    ami.root_device_name = root
    polish(ami)
    return snapshots


def copied_volume(backend: Any, size: int) -> Any:
    """A volume object standing for AWS's meaningless ``vol-ffffffff`` (never registered)."""
    from moto.ec2.models.elastic_block_store import Volume

    # typed as abstract (CloudFormation hooks), but moto instantiates it the same way
    volume_class: Any = Volume
    return volume_class(backend, COPIED_VOLUME_ID, size, zone=None)


def copy_description(destination: str, source: str, snapshot: str, created: datetime) -> str:
    """The description AWS gives a snapshot made by CopyImage."""
    millis = int(created.replace(tzinfo=created.tzinfo or UTC).timestamp() * 1000)
    return (
        f"Copied for DestinationAmi {destination} from SourceAmi {source} "
        f"for SourceSnapshot {snapshot}. Task created on {millis:,}."
    )


def capture_copy(
    backend: Any,
    ami: Any,
    source_ami: Any,
    source_region: str,
    kms_key_id: str | None,
    created: datetime,
) -> list[Any]:
    """Give the copy ``ami`` one snapshot per snapshot of ``source_ami``, as CopyImage does.

    ``kms_key_id`` encrypts copies of encrypted snapshots (keys are regional). Returns the
    snapshots, root first.
    """
    from moto.ec2.models.elastic_block_store import Snapshot
    from moto.ec2.utils import random_snapshot_id

    source_backend = source_ami.ec2_backend
    snapshots: list[Any] = []
    mappings: list[dict[str, Any]] = []
    for index, mapping in enumerate(block_device_mappings(source_ami)):
        source_snapshot = source_backend.get_snapshot(mapping["Ebs"]["SnapshotId"])
        description = copy_description(ami.id, source_ami.id, source_snapshot.id, created)
        volume = copied_volume(backend, source_snapshot.volume_size)
        encrypted = bool(source_snapshot.encrypted)
        key = (kms_key_id or source_snapshot.kms_key_id) if encrypted else None
        if index == 0:
            snapshot = ami.ebs_snapshot
            snapshot.volume, snapshot.description = volume, description
        else:
            snapshot = Snapshot(backend, random_snapshot_id(), volume, description, from_ami=ami.id)
            backend.snapshots[snapshot.id] = snapshot
        snapshot.encrypted, snapshot.kms_key_id = encrypted, key
        snapshot.start_time = created.replace(tzinfo=None)
        snapshots.append(snapshot)
        ebs = dict(mapping["Ebs"], SnapshotId=snapshot.id, Encrypted=encrypted)
        mappings.append({"DeviceName": mapping["DeviceName"], "Ebs": ebs})
    set_block_device_mappings(ami, mappings)
    ami.root_device_name = source_ami.root_device_name
    ami.architecture = source_ami.architecture
    ami.source_image_id = source_ami.id
    ami.source_image_region = source_region
    polish(ami)
    return snapshots
