"""Typed, frozen models of the EC2 resources amiexplorer shows, audits and acts on.

Each model is a slotted, frozen dataclass: an account can hold 100,000 snapshots, and slots keep
each row small. Tags are a tuple of pairs rather than a dict so that models stay hashable and
immutable; `tag()` and `name` read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

Tags = tuple[tuple[str, str], ...]


#: The group of a launch or create-volume permission that makes a resource public: every AWS
#: account may use it (`{"Group": "all"}` in ModifyImageAttribute / ModifySnapshotAttribute).
PUBLIC_GROUP = "all"


class ResourceKind(StrEnum):
    """The kinds of resource the inventory holds, named as AWS names them."""

    INSTANCE = "instance"
    VOLUME = "volume"
    SNAPSHOT = "snapshot"
    IMAGE = "image"
    LAUNCH_TEMPLATE_VERSION = "launch-template-version"
    LAUNCH_CONFIGURATION = "launch-configuration"


def tag_value(tags: Tags, key: str) -> str | None:
    """The value of tag `key`, or None when the resource does not carry it."""
    for k, v in tags:
        if k == key:
            return v
    return None


@dataclass(frozen=True, slots=True)
class Region:
    """An EC2 region as DescribeRegions reports it."""

    name: str
    opt_in_status: str = "opt-in-not-required"
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the credentials belong to: STS GetCallerIdentity plus the IAM account alias."""

    account_id: str
    arn: str
    user_id: str
    profile: str | None = None
    account_alias: str | None = None

    @property
    def account_label(self) -> str:
        """The account id, with its alias when IAM told us one."""
        if self.account_alias:
            return f"{self.account_id} ({self.account_alias})"
        return self.account_id


@dataclass(frozen=True, slots=True)
class BlockDeviceMapping:
    """One block device mapping of an image; an EBS mapping names a snapshot."""

    device_name: str
    snapshot_id: str | None = None
    volume_size_gib: int | None = None
    volume_type: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None
    delete_on_termination: bool | None = None
    iops: int | None = None
    throughput: int | None = None
    virtual_name: str | None = None
    no_device: bool = False

    @property
    def is_ebs(self) -> bool:
        """True for an EBS mapping (as opposed to an instance-store or suppressed one)."""
        return self.virtual_name is None and not self.no_device


@dataclass(frozen=True, slots=True)
class InstanceBlockDevice:
    """An EBS volume attached to an instance, as DescribeInstances lists it."""

    device_name: str
    volume_id: str
    status: str | None = None
    delete_on_termination: bool | None = None
    attach_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Instance:
    """An EC2 instance."""

    instance_id: str
    region: str
    state: str
    instance_type: str
    image_id: str | None
    launch_time: datetime | None
    availability_zone: str | None = None
    platform: str | None = None
    architecture: str | None = None
    private_ip: str | None = None
    public_ip: str | None = None
    vpc_id: str | None = None
    subnet_id: str | None = None
    key_name: str | None = None
    root_device_name: str | None = None
    block_devices: tuple[InstanceBlockDevice, ...] = ()
    tags: Tags = ()

    @property
    def id(self) -> str:
        """The resource id, uniform across kinds."""
        return self.instance_id

    @property
    def name(self) -> str | None:
        """The Name tag."""
        return tag_value(self.tags, "Name")

    @property
    def is_terminated(self) -> bool:
        """Terminated (or terminating) instances no longer use their image."""
        return self.state in ("terminated", "shutting-down")

    @property
    def volume_ids(self) -> tuple[str, ...]:
        """The ids of the EBS volumes attached to this instance."""
        return tuple(d.volume_id for d in self.block_devices)


@dataclass(frozen=True, slots=True)
class VolumeAttachment:
    """One attachment of a volume to an instance."""

    instance_id: str
    device: str | None = None
    state: str | None = None
    delete_on_termination: bool | None = None
    attach_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Volume:
    """An EBS volume."""

    volume_id: str
    region: str
    availability_zone: str
    state: str
    size_gib: int
    volume_type: str
    create_time: datetime | None
    encrypted: bool = False
    kms_key_id: str | None = None
    iops: int | None = None
    throughput: int | None = None
    snapshot_id: str | None = None
    multi_attach_enabled: bool = False
    attachments: tuple[VolumeAttachment, ...] = ()
    tags: Tags = ()

    @property
    def id(self) -> str:
        """The resource id, uniform across kinds."""
        return self.volume_id

    @property
    def name(self) -> str | None:
        """The Name tag."""
        return tag_value(self.tags, "Name")

    @property
    def is_attached(self) -> bool:
        """True when the volume is attached (or attaching) to any instance."""
        return self.state == "in-use" or any(
            a.state in ("attaching", "attached", "busy") for a in self.attachments
        )

    @property
    def instance_ids(self) -> tuple[str, ...]:
        """The instances this volume is attached to."""
        return tuple(a.instance_id for a in self.attachments)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An EBS snapshot.

    `is_public` and `shared_with` come from DescribeSnapshotAttribute, which costs one call per
    snapshot; they are None until someone has looked (the inventory loads them lazily).
    """

    snapshot_id: str
    region: str
    owner_id: str
    state: str
    progress: int
    volume_id: str | None
    volume_size_gib: int
    start_time: datetime | None
    description: str = ""
    encrypted: bool = False
    kms_key_id: str | None = None
    storage_tier: str = "standard"
    restore_expiry_time: datetime | None = None
    state_message: str | None = None
    tags: Tags = ()
    is_public: bool | None = None
    shared_with: tuple[str, ...] | None = None
    #: FullSnapshotSizeInBytes: the bytes written to the snapshot, when AWS returns it (the
    #: size of its full copy; what it frees is at most this, `core/block_sizes.py`).
    full_snapshot_size_bytes: int | None = None

    @property
    def id(self) -> str:
        """The resource id, uniform across kinds."""
        return self.snapshot_id

    @property
    def name(self) -> str | None:
        """The Name tag."""
        return tag_value(self.tags, "Name")

    @property
    def is_pending(self) -> bool:
        """True while AWS is still copying blocks."""
        return self.state == "pending"


@dataclass(frozen=True, slots=True)
class Image:
    """An AMI: one of ours, or another account's that one of our instances runs.

    `last_launched_time` and `shared_with` come from DescribeImageAttribute (one call per
    image), so they are None until loaded.
    """

    image_id: str
    region: str
    owner_id: str
    name: str | None
    state: str
    creation_date: datetime | None
    owned: bool = True
    description: str = ""
    is_public: bool = False
    architecture: str | None = None
    platform_details: str | None = None
    root_device_type: str | None = None
    root_device_name: str | None = None
    virtualization_type: str | None = None
    image_owner_alias: str | None = None
    deprecation_time: datetime | None = None
    deregistration_protection: str | None = None
    source_image_id: str | None = None
    block_device_mappings: tuple[BlockDeviceMapping, ...] = ()
    tags: Tags = ()
    last_launched_time: datetime | None = None
    shared_with: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        """The resource id, uniform across kinds."""
        return self.image_id

    @property
    def snapshot_ids(self) -> tuple[str, ...]:
        """The snapshots named by this image's EBS block device mappings."""
        return tuple(m.snapshot_id for m in self.block_device_mappings if m.snapshot_id)

    @property
    def size_gib(self) -> int:
        """The total size of the image's EBS mappings."""
        return sum(m.volume_size_gib or 0 for m in self.block_device_mappings)

    @property
    def name_tag(self) -> str | None:
        """The Name tag (images also have a name of their own)."""
        return tag_value(self.tags, "Name")

    @property
    def is_registered(self) -> bool:
        """Any state but deregistered: such an image still holds its snapshots."""
        return self.state != "deregistered"

    def is_deprecated(self, now: datetime) -> bool:
        """True once the image's deprecation time has passed."""
        return self.deprecation_time is not None and self.deprecation_time <= now


@dataclass(frozen=True, slots=True)
class LaunchTemplateVersion:
    """One version of a launch template; any version can launch its image, not only $Latest."""

    launch_template_id: str
    launch_template_name: str
    region: str
    version_number: int
    image_id: str | None
    is_default: bool = False
    create_time: datetime | None = None

    @property
    def id(self) -> str:
        """A unique id for the version: the template id and its number."""
        return f"{self.launch_template_id}:{self.version_number}"

    @property
    def ssm_parameter(self) -> str | None:
        """NAME[:VERSION] when the ImageId is `resolve:ssm:NAME[:VERSION]`, else None.

        EC2 resolves such an ImageId at each launch to the image the SSM parameter (version)
        holds then ("Use a Systems Manager parameter instead of an AMI ID", EC2 User Guide).
        """
        image_id = self.image_id
        if image_id and image_id.startswith("resolve:ssm:"):
            return image_id[len("resolve:ssm:") :] or None
        return None

    @property
    def label(self) -> str:
        """For instance "web (v3)"."""
        return f"{self.launch_template_name or self.launch_template_id} (v{self.version_number})"


@dataclass(frozen=True, slots=True)
class LaunchConfiguration:
    """An Auto Scaling launch configuration; it names one image."""

    name: str
    region: str
    image_id: str | None
    created_time: datetime | None = None
    arn: str | None = None

    @property
    def id(self) -> str:
        """Launch configuration names are unique per region only."""
        return f"{self.region}/{self.name}"


Resource = Instance | Volume | Snapshot | Image | LaunchTemplateVersion | LaunchConfiguration

KIND_OF: dict[type, ResourceKind] = {
    Instance: ResourceKind.INSTANCE,
    Volume: ResourceKind.VOLUME,
    Snapshot: ResourceKind.SNAPSHOT,
    Image: ResourceKind.IMAGE,
    LaunchTemplateVersion: ResourceKind.LAUNCH_TEMPLATE_VERSION,
    LaunchConfiguration: ResourceKind.LAUNCH_CONFIGURATION,
}
