"""The requests a UI can make: one frozen dataclass per action, named by the EC2 API it calls.

Tags are tuples of (key, value) pairs, like the models' tags. A request holds only what the
person chose; the runner looks everything else up in the inventory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

Tags = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class CreateImageRequest:
    """Create an image from an instance (CreateImage)."""

    instance_id: str
    name: str
    description: str = ""
    #: Do not reboot the instance first (faster, but the file systems may not be consistent).
    no_reboot: bool = False
    tags: Tags = ()
    #: Tags for the snapshots CreateImage makes.
    snapshot_tags: Tags = ()


@dataclass(frozen=True, slots=True)
class CreateSnapshotRequest:
    """Snapshot one volume (CreateSnapshot)."""

    volume_id: str
    description: str = ""
    tags: Tags = ()


@dataclass(frozen=True, slots=True)
class CreateSnapshotsRequest:
    """Snapshot every volume of an instance at once, crash-consistent (CreateSnapshots)."""

    instance_id: str
    description: str = ""
    tags: Tags = ()
    exclude_boot_volume: bool = False
    #: Copy each volume's tags onto its snapshot.
    copy_tags_from_source: bool = False


@dataclass(frozen=True, slots=True)
class CreateVolumeRequest:
    """Restore a snapshot into a new volume (CreateVolume)."""

    snapshot_id: str
    availability_zone: str
    volume_type: str = "gp3"
    #: None: the snapshot's size.
    size_gib: int | None = None
    iops: int | None = None
    throughput: int | None = None
    #: None: as the snapshot (volumes of encrypted snapshots are always encrypted).
    encrypted: bool | None = None
    kms_key_id: str | None = None
    tags: Tags = ()


@dataclass(frozen=True, slots=True)
class CopyImageRequest:
    """Copy an image to other regions (CopyImage, called in each target region)."""

    image_id: str
    target_regions: tuple[str, ...]
    #: None: the source image's name.
    name: str | None = None
    description: str | None = None
    encrypted: bool = False
    #: A key for every target region (an alias name works in each region).
    kms_key_id: str | None = None
    #: A key per target region, overriding `kms_key_id`.
    kms_key_ids: Mapping[str, str] = field(default_factory=dict)
    #: Copy the source image's tags (CopyImageTags).
    copy_tags: bool = False
    tags: Tags = ()


@dataclass(frozen=True, slots=True)
class CopySnapshotRequest:
    """Copy a snapshot to other regions (CopySnapshot, called in each target region)."""

    snapshot_id: str
    target_regions: tuple[str, ...]
    description: str | None = None
    encrypted: bool = False
    kms_key_id: str | None = None
    kms_key_ids: Mapping[str, str] = field(default_factory=dict)
    #: Give the copies the source snapshot's tags (besides `tags`).
    copy_tags: bool = False
    tags: Tags = ()


@dataclass(frozen=True, slots=True)
class Permissions:
    """Who may launch an image or create volumes from a snapshot."""

    account_ids: tuple[str, ...] = ()
    #: Images only.
    organization_arns: tuple[str, ...] = ()
    #: Images only.
    organizational_unit_arns: tuple[str, ...] = ()
    #: The group `all`: everyone.
    public: bool = False

    def __bool__(self) -> bool:
        """True when anyone at all is named."""
        return (
            bool(self.account_ids or self.organization_arns or self.organizational_unit_arns)
            or self.public
        )


@dataclass(frozen=True, slots=True)
class ShareImagesRequest:
    """Add and remove launch permissions of images (ModifyImageAttribute)."""

    image_ids: tuple[str, ...]
    add: Permissions = Permissions()
    remove: Permissions = Permissions()


@dataclass(frozen=True, slots=True)
class ShareSnapshotsRequest:
    """Add and remove create-volume permissions of snapshots (ModifySnapshotAttribute)."""

    snapshot_ids: tuple[str, ...]
    add: Permissions = Permissions()
    remove: Permissions = Permissions()


@dataclass(frozen=True, slots=True)
class MakePrivateRequest:
    """Stop sharing images and snapshots with everyone (remove the group `all`).

    With `everyone`, every permission goes (ResetImageAttribute / ResetSnapshotAttribute):
    accounts, organizations and units too.
    """

    resource_ids: tuple[str, ...]
    everyone: bool = False


@dataclass(frozen=True, slots=True)
class DeleteSnapshotsRequest:
    """Delete snapshots (DeleteSnapshot)."""

    snapshot_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeregisterImagesRequest:
    """Deregister images (DeregisterImage), and delete their snapshots no other image uses."""

    image_ids: tuple[str, ...]
    delete_snapshots: bool = True


@dataclass(frozen=True, slots=True)
class DeleteVolumesRequest:
    """Delete unattached volumes (DeleteVolume)."""

    volume_ids: tuple[str, ...]


class ImageChange(StrEnum):
    """A lifecycle change of an image (each one EC2 call per image)."""

    #: EnableImageDeprecation at `deprecate_at`.
    DEPRECATE = "deprecate"
    #: DisableImageDeprecation.
    CANCEL_DEPRECATION = "cancel-deprecation"
    #: DisableImage: the soft retirement before a deregister (it can be enabled again).
    DISABLE = "disable"
    #: EnableImage.
    ENABLE = "enable"
    #: EnableImageDeregistrationProtection (with `with_cooldown`).
    PROTECT = "protect"
    #: DisableImageDeregistrationProtection.
    UNPROTECT = "unprotect"


@dataclass(frozen=True, slots=True)
class ChangeImagesRequest:
    """One lifecycle change of each image."""

    change: ImageChange
    image_ids: tuple[str, ...]
    #: DEPRECATE: when (UTC; EC2 rounds it to the minute).
    deprecate_at: datetime | None = None
    #: PROTECT: keep it protected for 24 hours after protection is turned off.
    with_cooldown: bool = False


class SnapshotChange(StrEnum):
    """A lifecycle change of a snapshot (each one EC2 call per snapshot)."""

    #: ModifySnapshotTier to the archive tier.
    ARCHIVE = "archive"
    #: RestoreSnapshotTier: for `restore_days`, or permanently when it is None.
    RESTORE = "restore"
    #: DisableFastSnapshotRestores in every zone where it is on.
    DISABLE_FAST_RESTORE = "disable-fast-restore"


@dataclass(frozen=True, slots=True)
class ChangeSnapshotsRequest:
    """One lifecycle change of each snapshot."""

    change: SnapshotChange
    snapshot_ids: tuple[str, ...]
    #: RESTORE: days of a temporary restore (1-180); None: a permanent one.
    restore_days: int | None = None


@dataclass(frozen=True, slots=True)
class RestoreFromRecycleBinRequest:
    """Restore snapshots and images from the Recycle Bin (one call each)."""

    resource_ids: tuple[str, ...]


ActionRequest = (
    CreateImageRequest
    | CreateSnapshotRequest
    | CreateSnapshotsRequest
    | CreateVolumeRequest
    | CopyImageRequest
    | CopySnapshotRequest
    | ShareImagesRequest
    | ShareSnapshotsRequest
    | MakePrivateRequest
    | DeleteSnapshotsRequest
    | DeregisterImagesRequest
    | DeleteVolumesRequest
    | ChangeImagesRequest
    | ChangeSnapshotsRequest
    | RestoreFromRecycleBinRequest
)


def tag_specification(resource_type: str, tags: Tags) -> list[dict[str, object]]:
    """EC2's TagSpecifications entry for `tags`, or nothing when there are none."""
    if not tags:
        return []
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags]}]
