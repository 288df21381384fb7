"""Turn EC2 and Auto Scaling API response items (botocore dicts) into models.

botocore already parses most timestamps into aware datetimes, but DescribeImages returns
CreationDate and DeprecationTime as ISO-8601 strings, so those are parsed here.

An account can hold 100,000 snapshots, so the models are kept small: every time is stored in
UTC with the one shared `UTC` zone (botocore may hand out a time zone object per value, and
its offset is then computed in Python on every comparison), and the strings that repeat
across resources (states, owners, zones, types, KMS keys, volume ids, tag keys and values)
are interned so that one copy serves them all.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import botocore.utils

from amiexplorer.core.models import (
    BlockDeviceMapping,
    Image,
    Instance,
    InstanceBlockDevice,
    LaunchConfiguration,
    LaunchTemplateVersion,
    ResourceKind,
    Snapshot,
    Tags,
    Volume,
    VolumeAttachment,
)
from amiexplorer.core.watch_events import Watched

Item = Mapping[str, Any]


_intern = sys.intern


def _shared(value: object) -> str | None:
    """An interned copy of a string that repeats across resources (None stays None)."""
    return _intern(value) if isinstance(value, str) else None


def botocore_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser, minus its slow path for the ISO-8601 strings EC2 sends.

    botocore parses every timestamp with dateutil (about 40% of the time it takes to read
    a page of snapshots) and gives each its own local time zone object. ISO-8601 text is
    read by `datetime.fromisoformat` into UTC here; anything else (epoch numbers, RFC 822
    dates) still goes to botocore's own parser.
    """
    # ISO-8601 date-times always carry a "T"; epoch numbers and RFC 822 dates go to botocore.
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed if parsed.utcoffset() else parsed.replace(tzinfo=UTC)
    result: datetime = botocore.utils.parse_timestamp(value)
    return result


def parse_time(value: object) -> datetime | None:
    """A UTC datetime from a botocore timestamp or an ISO-8601 string; None if absent or bad."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value if value.tzinfo is UTC else value.astimezone(UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)
    return None


def parse_progress(value: object) -> int:
    """Snapshot progress '42%' as 42; missing progress counts as 0."""
    if isinstance(value, str):
        digits = value.strip().rstrip("%")
        if digits.isdigit():
            return min(int(digits), 100)
    return 0


def parse_tags(items: object) -> Tags:
    """EC2's [{'Key': k, 'Value': v}] as a tuple of pairs, in a stable order."""
    if not isinstance(items, list):
        return ()
    return tuple(
        sorted((_intern(str(t.get("Key", ""))), _intern(str(t.get("Value", "")))) for t in items)
    )


def _optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def parse_block_device_mapping(item: Item) -> BlockDeviceMapping:
    """An image's block device mapping."""
    ebs = item.get("Ebs") or {}
    return BlockDeviceMapping(
        device_name=_intern(str(item.get("DeviceName", ""))),
        snapshot_id=ebs.get("SnapshotId") or None,
        volume_size_gib=_optional_int(ebs.get("VolumeSize")),
        volume_type=_shared(ebs.get("VolumeType")),
        encrypted=ebs.get("Encrypted"),
        kms_key_id=_shared(ebs.get("KmsKeyId")),
        delete_on_termination=ebs.get("DeleteOnTermination"),
        iops=_optional_int(ebs.get("Iops")),
        throughput=_optional_int(ebs.get("Throughput")),
        virtual_name=item.get("VirtualName"),
        no_device="NoDevice" in item,
    )


def parse_instance(item: Item, region: str) -> Instance:
    """One instance of a DescribeInstances reservation."""
    devices = []
    for mapping in item.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs") or {}
        if ebs.get("VolumeId"):
            devices.append(
                InstanceBlockDevice(
                    device_name=_intern(str(mapping.get("DeviceName", ""))),
                    volume_id=_intern(str(ebs["VolumeId"])),
                    status=_shared(ebs.get("Status")),
                    delete_on_termination=ebs.get("DeleteOnTermination"),
                    attach_time=parse_time(ebs.get("AttachTime")),
                )
            )
    placement = item.get("Placement") or {}
    return Instance(
        instance_id=str(item["InstanceId"]),
        region=region,
        state=_intern(str((item.get("State") or {}).get("Name", "unknown"))),
        instance_type=_intern(str(item.get("InstanceType", ""))),
        image_id=_shared(item.get("ImageId")),
        launch_time=parse_time(item.get("LaunchTime")),
        availability_zone=_shared(placement.get("AvailabilityZone")),
        platform=_shared(item.get("PlatformDetails") or item.get("Platform")),
        architecture=_shared(item.get("Architecture")),
        private_ip=item.get("PrivateIpAddress"),
        public_ip=item.get("PublicIpAddress"),
        vpc_id=_shared(item.get("VpcId")),
        subnet_id=_shared(item.get("SubnetId")),
        key_name=_shared(item.get("KeyName")),
        root_device_name=_shared(item.get("RootDeviceName")),
        block_devices=tuple(devices),
        tags=parse_tags(item.get("Tags")),
    )


def parse_volume(item: Item, region: str) -> Volume:
    """One DescribeVolumes item."""
    attachments = tuple(
        VolumeAttachment(
            instance_id=_intern(str(a.get("InstanceId", ""))),
            device=_shared(a.get("Device")),
            state=_shared(a.get("State")),
            delete_on_termination=a.get("DeleteOnTermination"),
            attach_time=parse_time(a.get("AttachTime")),
        )
        for a in item.get("Attachments") or []
        if a.get("InstanceId")
    )
    return Volume(
        volume_id=str(item["VolumeId"]),
        region=region,
        availability_zone=_intern(str(item.get("AvailabilityZone", ""))),
        state=_intern(str(item.get("State", "unknown"))),
        size_gib=int(item.get("Size") or 0),
        volume_type=_intern(str(item.get("VolumeType", ""))),
        create_time=parse_time(item.get("CreateTime")),
        encrypted=bool(item.get("Encrypted", False)),
        kms_key_id=_shared(item.get("KmsKeyId")),
        iops=_optional_int(item.get("Iops")),
        throughput=_optional_int(item.get("Throughput")),
        snapshot_id=_shared(item.get("SnapshotId") or None),
        multi_attach_enabled=bool(item.get("MultiAttachEnabled", False)),
        attachments=attachments,
        tags=parse_tags(item.get("Tags")),
    )


def parse_snapshot(item: Item, region: str) -> Snapshot:
    """One DescribeSnapshots item."""
    return Snapshot(
        snapshot_id=str(item["SnapshotId"]),
        region=region,
        owner_id=_intern(str(item.get("OwnerId", ""))),
        state=_intern(str(item.get("State", "unknown"))),
        progress=parse_progress(item.get("Progress")),
        volume_id=_shared(item.get("VolumeId") or None),
        volume_size_gib=int(item.get("VolumeSize") or 0),
        start_time=parse_time(item.get("StartTime")),
        description=str(item.get("Description") or ""),
        encrypted=bool(item.get("Encrypted", False)),
        kms_key_id=_shared(item.get("KmsKeyId")),
        storage_tier=_intern(str(item.get("StorageTier") or "standard")),
        restore_expiry_time=parse_time(item.get("RestoreExpiryTime")),
        state_message=item.get("StateMessage"),
        tags=parse_tags(item.get("Tags")),
        full_snapshot_size_bytes=_optional_int(item.get("FullSnapshotSizeInBytes")),
    )


def parse_image(item: Item, region: str, account_id: str) -> Image:
    """One DescribeImages item; `owned` compares its owner with the caller's account."""
    owner = _intern(str(item.get("OwnerId", "")))
    return Image(
        image_id=str(item["ImageId"]),
        region=region,
        owner_id=owner,
        owned=owner == account_id,
        name=item.get("Name"),
        description=str(item.get("Description") or ""),
        state=_intern(str(item.get("State", "unknown"))),
        creation_date=parse_time(item.get("CreationDate")),
        is_public=bool(item.get("Public", False)),
        architecture=_shared(item.get("Architecture")),
        platform_details=_shared(item.get("PlatformDetails")),
        root_device_type=_shared(item.get("RootDeviceType")),
        root_device_name=_shared(item.get("RootDeviceName")),
        virtualization_type=_shared(item.get("VirtualizationType")),
        image_owner_alias=_shared(item.get("ImageOwnerAlias")),
        deprecation_time=parse_time(item.get("DeprecationTime")),
        deregistration_protection=item.get("DeregistrationProtection"),
        source_image_id=item.get("SourceImageId"),
        block_device_mappings=tuple(
            parse_block_device_mapping(m) for m in item.get("BlockDeviceMappings") or []
        ),
        tags=parse_tags(item.get("Tags")),
        last_launched_time=parse_time(item.get("LastLaunchedTime")),
    )


def parse_launch_template_version(item: Item, region: str) -> LaunchTemplateVersion:
    """One DescribeLaunchTemplateVersions item."""
    data = item.get("LaunchTemplateData") or {}
    return LaunchTemplateVersion(
        launch_template_id=str(item.get("LaunchTemplateId", "")),
        launch_template_name=str(item.get("LaunchTemplateName", "")),
        region=region,
        version_number=int(item.get("VersionNumber") or 0),
        image_id=data.get("ImageId"),
        is_default=bool(item.get("DefaultVersion", False)),
        create_time=parse_time(item.get("CreateTime")),
    )


def parse_launch_configuration(item: Item, region: str) -> LaunchConfiguration:
    """One DescribeLaunchConfigurations item."""
    return LaunchConfiguration(
        name=str(item.get("LaunchConfigurationName", "")),
        region=region,
        image_id=item.get("ImageId") or None,
        created_time=parse_time(item.get("CreatedTime")),
        arn=item.get("LaunchConfigurationARN"),
    )


def parse_followed(kind: ResourceKind, item: Item, region: str, account_id: str) -> Watched:
    """The model of a resource the watcher followed (a kind whose spec has `follow`).

    A new followed kind adds its parser here, beside its columns.
    """
    if kind is ResourceKind.SNAPSHOT:
        return parse_snapshot(item, region)
    if kind is ResourceKind.IMAGE:
        return parse_image(item, region, account_id)
    if kind is ResourceKind.VOLUME:
        return parse_volume(item, region)
    raise ValueError(f"no parser for a followed {kind.value}")
