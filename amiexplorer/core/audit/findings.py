"""What the audit reports: finding codes, what each means, findings and their totals.

Pure data, shared by the rules (`audit_rules`), the report (`audit`) and every output. Import
these names from `amiexplorer.core.audit.report`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from amiexplorer.core.models import ResourceKind

#: What `Finding.details` may hold: what `json.dumps` writes (tuples become lists).
JsonValue: TypeAlias = (
    "str | int | float | bool | tuple[JsonValue, ...] | Mapping[str, JsonValue] | None"
)
Details: TypeAlias = Mapping[str, JsonValue]


class FindingCode(StrEnum):
    """The stable finding codes, in the order reports show them."""

    ORPHANED_SNAPSHOT = "orphaned-snapshot"
    UNUSED_IMAGE = "unused-image"
    #: Made by a DLM policy that was deleted or disabled: nothing expires them any more.
    ORPHANED_DLM_SNAPSHOT = "orphaned-dlm-snapshot"
    ORPHANED_DLM_IMAGE = "orphaned-dlm-image"
    UNATTACHED_VOLUME = "unattached-volume"
    PUBLIC_IMAGE = "public-image"
    PUBLIC_SNAPSHOT = "public-snapshot"
    SHARED_IMAGE = "shared-image"
    SHARED_SNAPSHOT = "shared-snapshot"


class Remedy(StrEnum):
    """The cleanup a UI offers for a group of findings (through the guarded action path)."""

    DELETE_SNAPSHOTS = "delete-snapshots"
    DEREGISTER_IMAGES = "deregister-images"
    DELETE_VOLUMES = "delete-volumes"
    MAKE_PRIVATE = "make-private"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a finding code means, for headings, help and the README."""

    kind: ResourceKind
    title: str
    meaning: str
    remedy: Remedy
    #: True when findings of this code carry a size and a monthly cost.
    costs: bool
    #: The keys its findings' details carry.
    detail_keys: tuple[str, ...]


CODE_INFO: Mapping[FindingCode, CodeInfo] = {
    FindingCode.ORPHANED_SNAPSHOT: CodeInfo(
        ResourceKind.SNAPSHOT,
        "Orphaned snapshots",
        "no registered image uses it, its image was deregistered or its volume deleted, and no "
        "service (DLM, AWS Backup) manages it",
        Remedy.DELETE_SNAPSHOTS,
        True,
        ("rule", "image_id", "volume_id", "description", "start_time", "storage_tier"),
    ),
    FindingCode.UNUSED_IMAGE: CodeInfo(
        ResourceKind.IMAGE,
        "Unused images",
        "no running or stopped instance, launch template version, launch configuration or SSM "
        "parameter uses it, and no service (DLM, AWS Backup) manages it",
        Remedy.DEREGISTER_IMAGES,
        True,
        (
            "name",
            "state",
            "creation_date",
            "last_launched_time",
            "snapshot_ids",
            "freed_snapshot_ids",
            "terminated_instance_ids",
            "public",
            "shared_with",
        ),
    ),
    FindingCode.ORPHANED_DLM_SNAPSHOT: CodeInfo(
        ResourceKind.SNAPSHOT,
        "Snapshots of a gone DLM policy",
        "Data Lifecycle Manager made it, and its policy was deleted or disabled: nothing "
        "deletes it any more, and no registered image uses it",
        Remedy.DELETE_SNAPSHOTS,
        True,
        ("policy_id", "policy_state", "schedule", "volume_id", "description", "start_time"),
    ),
    FindingCode.ORPHANED_DLM_IMAGE: CodeInfo(
        ResourceKind.IMAGE,
        "Images of a gone DLM policy",
        "Data Lifecycle Manager made it, and its policy was deleted or disabled: nothing "
        "deregisters it any more, and nothing uses it",
        Remedy.DEREGISTER_IMAGES,
        True,
        (
            "policy_id",
            "policy_state",
            "schedule",
            "name",
            "creation_date",
            "snapshot_ids",
            "freed_snapshot_ids",
        ),
    ),
    FindingCode.UNATTACHED_VOLUME: CodeInfo(
        ResourceKind.VOLUME,
        "Unattached volumes",
        "the volume is available: attached to no instance, still billed",
        Remedy.DELETE_VOLUMES,
        True,
        ("name", "volume_type", "availability_zone", "create_time", "snapshot_id", "encrypted"),
    ),
    FindingCode.PUBLIC_IMAGE: CodeInfo(
        ResourceKind.IMAGE,
        "Public images",
        "every AWS account may launch it (launch permission for the group all)",
        Remedy.MAKE_PRIVATE,
        False,
        ("name", "size_gib", "instance_ids", "launch_template_versions", "launch_configurations"),
    ),
    FindingCode.PUBLIC_SNAPSHOT: CodeInfo(
        ResourceKind.SNAPSHOT,
        "Public snapshots",
        "every AWS account may create a volume from it (createVolumePermission for all)",
        Remedy.MAKE_PRIVATE,
        False,
        ("description", "volume_size_gib", "encrypted", "image_ids"),
    ),
    FindingCode.SHARED_IMAGE: CodeInfo(
        ResourceKind.IMAGE,
        "Shared images",
        "other accounts, organizations or OUs may launch it (informational)",
        Remedy.NONE,
        False,
        ("name", "shared_with"),
    ),
    FindingCode.SHARED_SNAPSHOT: CodeInfo(
        ResourceKind.SNAPSHOT,
        "Shared snapshots",
        "other accounts may create volumes from it (informational)",
        Remedy.NONE,
        False,
        ("description", "shared_with"),
    ),
}

#: The reasons of orphaned snapshots, in the issue's words (the evidence follows in brackets).
SOURCE_IMAGE_DEREGISTERED = "source image deregistered"
SOURCE_VOLUME_DELETED = "source volume deleted"


@dataclass(frozen=True, slots=True)
class Finding:
    """One resource the audit reports, why, what it costs, and the evidence."""

    code: FindingCode
    kind: ResourceKind
    resource_id: str
    region: str
    reason: str
    #: GiB billed (None for findings that cost nothing: public and shared).
    size_gib: int | None = None
    #: Estimated USD per month from list prices (snapshots: what deleting frees, or an upper
    #: bound where `details['saving_is_upper_bound']`).
    monthly_cost_usd: float | None = None
    #: JSON-able evidence; excluded from hashing (a dict is not hashable).
    details: Details = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Totals:
    """How many findings, how many GiB and what monthly cost (an estimate)."""

    count: int = 0
    size_gib: int = 0
    monthly_cost_usd: float = 0.0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Totals:
        """The totals of `findings` (sizes and costs that are None count as 0)."""
        count, gib, cost = 0, 0, 0.0
        for finding in findings:
            count += 1
            gib += finding.size_gib or 0
            cost += finding.monthly_cost_usd or 0.0
        return cls(count, gib, round(cost, 4))


@dataclass(frozen=True, slots=True)
class ManagedGroup:
    """Resources another service manages: never leftovers, counted for information.

    For instance 5 snapshots that DLM policy policy-0abc expires, or 2 AWS Backup recovery
    points.
    """

    #: "dlm" or "backup" (managed.Manager values).
    manager: str
    kind: ResourceKind
    region: str
    count: int
    size_gib: int
    #: What manages them, in words ("DLM policy policy-0abc (schedule daily)", "AWS Backup").
    label: str
    #: Why they count as managed when that is not certain ("its policy could not be read").
    note: str | None = None
