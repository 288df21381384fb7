"""What keeps an image or snapshot from being a leftover that EC2's own listings do not show.

- Data Lifecycle Manager policies, by region: a snapshot or image DLM made is managed while its
  policy exists and is enabled (`managed.py` says which resources DLM made).
- Systems Manager parameters whose value names an image (golden-image pipelines publish the
  latest AMI id so), and the versions of them that launch templates pin with
  `resolve:ssm:NAME:VERSION`: the image is in use although no instance, launch template or
  launch configuration names its id.
- EC2's own `DescribeImageReferences` answers, where the endpoint has it.

Pure data and lookups; `references.py` reads it from AWS, into `Inventory.evidence`. What could
not be read is kept as a `EvidenceProblem` of its region, so the audit can withhold the
verdicts that depend on it and say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from amiexplorer.core.descriptions import is_copy, parse_description
from amiexplorer.core.lifecycle import (
    BinnedItem,
    BlockPublicAccess,
    FastRestore,
    RetentionRule,
    SnapshotLock,
    rule_for,
)
from amiexplorer.core.managed import Management, Manager
from amiexplorer.core.models import Image, Snapshot

#: An AMI id anywhere in a parameter's value (8 or 17 hex digits, as EC2 makes them).
IMAGE_ID = re.compile(r"\bami-(?:[0-9a-f]{17}|[0-9a-f]{8})\b")


class Source(StrEnum):
    """Where a piece of evidence comes from (the API and the permission it needs)."""

    DLM = "dlm:GetLifecyclePolicies"
    SSM = "ssm:DescribeParameters"
    IMAGE_REFERENCES = "ec2:DescribeImageReferences"
    LOCKS = "ec2:DescribeLockedSnapshots"
    FAST_RESTORES = "ec2:DescribeFastSnapshotRestores"
    TIERING = "ec2:DescribeSnapshotTierStatus"
    RECYCLE_BIN = "rbin:ListRules"
    BIN_CONTENTS = "ec2:ListImagesInRecycleBin"
    BLOCK_PUBLIC_ACCESS = "ec2:GetSnapshotBlockPublicAccessState"


@dataclass(frozen=True, slots=True)
class LifecyclePolicy:
    """One DLM policy, as GetLifecyclePolicies lists it."""

    policy_id: str
    region: str
    #: ENABLED, DISABLED or ERROR (a policy in error still exists and is meant to run).
    state: str
    description: str = ""
    policy_type: str | None = None

    @property
    def enabled(self) -> bool:
        """True unless the policy was disabled: only then does it stop expiring what it made."""
        return self.state != "DISABLED"


@dataclass(frozen=True, slots=True)
class ImageParameter:
    """An SSM parameter (its current value, or a version a launch template pins) naming an image."""

    name: str
    region: str
    image_id: str
    #: "aws:ec2:image" for parameters of that data type, else "text".
    data_type: str = "text"
    version: int | None = None
    #: The version or label a `resolve:ssm:NAME:VERSION` reference pins; None: the current value.
    pinned: str | None = None

    @property
    def selector(self) -> str:
        """The parameter as a launch template names it: NAME or NAME:VERSION."""
        return f"{self.name}:{self.pinned}" if self.pinned else self.name

    @property
    def label(self) -> str:
        """For instance "SSM parameter /golden/api (version 1)"."""
        pinned = f" (version {self.pinned})" if self.pinned else ""
        return f"SSM parameter {self.name}{pinned}"


@dataclass(frozen=True, slots=True)
class ImageReference:
    """One resource EC2's DescribeImageReferences says references an image."""

    image_id: str
    region: str
    #: ec2:Instance, ec2:LaunchTemplate, ssm:Parameter, imagebuilder:ImageRecipe, ...
    resource_type: str
    arn: str


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    """A piece of evidence that could not be read in one region, in words."""

    source: Source
    region: str
    message: str
    #: True when the permission is missing (an optional permission; the README says which).
    denied: bool = False
    #: True when the endpoint does not have the call at all (an emulator, a partition without
    #: the feature): what it reads counts as none there, and the problem is only a note.
    missing: bool = False


def split_selector(selector: str) -> tuple[str, str | None]:
    """(name, version or label): "/golden/api:1" -> ("/golden/api", "1").

    A parameter shared from another account is named by its ARN, which has colons of its
    own: arn:aws:ssm:REGION:ACCOUNT:parameter/NAME[:VERSION].
    """
    if selector.startswith("arn:"):
        parts = selector.split(":")
        if len(parts) > 6:
            return ":".join(parts[:6]), ":".join(parts[6:]) or None
        return selector, None
    name, _, pinned = selector.partition(":")
    return name, pinned or None


def image_ids_in(value: str) -> list[str]:
    """The AMI ids a parameter's value names (a plain id, a list, or a document holding one)."""
    return list(dict.fromkeys(IMAGE_ID.findall(value or "")))


@dataclass(frozen=True, slots=True)
class RegionEvidence:
    """What was read in one region; a field is None when it was not (or could not be) read."""

    region: str
    #: DLM policies by id.
    policies: Mapping[str, LifecyclePolicy] | None = None
    #: Parameters naming images: current values, and the versions launch templates pin.
    parameters: tuple[ImageParameter, ...] | None = None
    #: DescribeImageReferences: the images asked about, each with what references it.
    references: Mapping[str, tuple[ImageReference, ...]] = field(default_factory=dict)
    #: DescribeLockedSnapshots: the region's locks by snapshot id.
    locks: Mapping[str, SnapshotLock] | None = None
    #: DescribeFastSnapshotRestores: by snapshot id, its Availability Zones' states.
    fast_restores: Mapping[str, tuple[FastRestore, ...]] | None = None
    #: DescribeSnapshotTierStatus: when each archived snapshot's archiving began.
    archived_at: Mapping[str, datetime] | None = None
    #: rbin:ListRules: the Recycle Bin's retention rules (snapshots' and images').
    bin_rules: tuple[RetentionRule, ...] | None = None
    #: ListSnapshotsInRecycleBin and ListImagesInRecycleBin: what is in the bin, by id.
    recycle_bin: Mapping[str, BinnedItem] | None = None
    #: Get{Snapshot,Image}BlockPublicAccessState: the region's block public access.
    block_public_access: BlockPublicAccess | None = None
    problems: tuple[EvidenceProblem, ...] = ()

    def problem(self, source: Source) -> EvidenceProblem | None:
        """The problem reading `source` here, if any."""
        return next((p for p in self.problems if p.source is source), None)


class DlmStanding(StrEnum):
    """Where a DLM-made resource stands, given what is known of its policy."""

    #: The policy exists and is enabled (or in error): it expires the resource. Not a leftover.
    MANAGED = "managed"
    #: The policy is disabled: nothing expires the resource any more. A leftover.
    DISABLED = "disabled"
    #: No policy of that id exists in the region that made the resource. A leftover.
    GONE = "gone"
    #: The policy could not be looked up: treated as managed, the safe side, with a note.
    UNKNOWN = "unknown"


def dlm_regions(resource: Snapshot | Image) -> tuple[tuple[str, ...], bool]:
    """(the regions where the DLM policy that made `resource` can live, whether it is a copy).

    DLM policies are regional: a policy makes snapshots and images of its own region's
    volumes and instances, and only its cross-region copy rules put what it made elsewhere
    ("Amazon Data Lifecycle Manager", EC2 User Guide). So a resource DLM made where it is
    has its policy in its own region; a copy may name a policy of the region it was copied
    from, or of another account (cross-account copy), which no read here can rule out.
    """
    if isinstance(resource, Snapshot):
        copy = is_copy(resource.description, resource.volume_id)
        ref = parse_description(resource.description)
        source = (ref.source_region or ref.copied_from_region) if ref else None
    else:
        copy, source = resource.source_image_id is not None, None
    if source and source != resource.region:
        return (resource.region, source), copy
    return (resource.region,), copy


class Evidence:
    """Every region's evidence for one account, kept beside its inventory."""

    def __init__(self) -> None:
        self.regions: dict[str, RegionEvidence] = {}
        #: Where managed resources come from (AWS Backup vault and plan, Image Builder
        #: pipeline), by resource id: read one resource at a time when its details open.
        self.provenance: dict[str, Any] = {}
        #: Why one resource's sharing could not be read when its details opened, by id.
        self.attribute_problems: dict[str, str] = {}
        #: Goes up with every change, so indexes know when to rebuild.
        self.version = 0
        self._by_image: dict[str, tuple[ImageParameter, ...]] | None = None
        self._by_selector: dict[tuple[str, str], ImageParameter] | None = None

    def region(self, name: str) -> RegionEvidence:
        """The evidence of `name` (empty when nothing was read there)."""
        return self.regions.get(name) or RegionEvidence(name)

    def put(self, evidence: RegionEvidence) -> None:
        """Replace one region's evidence."""
        self.regions[evidence.region] = evidence
        self._changed()

    def update(self, region: str, **changes: object) -> None:
        """Change some fields of one region's evidence."""
        self.put(replace(self.region(region), **changes))  # type: ignore[arg-type]

    def _changed(self) -> None:
        self.version += 1
        self._by_image = None
        self._by_selector = None

    # DLM ----------------------------------------------------------------------------------

    def policies_read(self, region: str) -> bool:
        """True when the DLM policies of the region were read."""
        evidence = self.regions.get(region)
        return evidence is not None and evidence.policies is not None

    def dlm_standing(
        self, resource: Snapshot | Image, management: Management
    ) -> tuple[DlmStanding, LifecyclePolicy | None]:
        """Where a DLM-made resource stands, and its policy when known.

        Gone only when the region that made it was read and has no policy of that id, and
        it is no copy (whose policy may be another region's or another account's).
        """
        if management.manager is not Manager.DLM or not management.reference:
            return DlmStanding.UNKNOWN, None
        regions, copy = dlm_regions(resource)
        for region in regions:
            policies = self.region(region).policies
            if policies is not None and management.reference in policies:
                found = policies[management.reference]
                return (DlmStanding.MANAGED if found.enabled else DlmStanding.DISABLED), found
        if copy or not self.policies_read(resource.region):
            return DlmStanding.UNKNOWN, None
        return DlmStanding.GONE, None

    # SSM ----------------------------------------------------------------------------------

    def parameters_read(self, region: str) -> bool:
        """True when the region's parameters were read completely."""
        evidence = self.regions.get(region)
        return evidence is not None and evidence.parameters is not None

    def parameters_of_image(self, image_id: str) -> tuple[ImageParameter, ...]:
        """Every parameter (current value or pinned version), in any region, naming the image."""
        if self._by_image is None:
            found: dict[str, list[ImageParameter]] = {}
            for evidence in self.regions.values():
                for parameter in evidence.parameters or ():
                    found.setdefault(parameter.image_id, []).append(parameter)
            self._by_image = {k: tuple(v) for k, v in found.items()}
        return self._by_image.get(image_id, ())

    def parameter(self, region: str, selector: str) -> ImageParameter | None:
        """The parameter (version) a `resolve:ssm:` selector names in a region, if any.

        A parameter whose value names several images gives the first here; every one of them
        is in use (parameters_of_image).
        """
        if self._by_selector is None:
            index: dict[tuple[str, str], ImageParameter] = {}
            for evidence in self.regions.values():
                for parameter in evidence.parameters or ():
                    index.setdefault((parameter.region, parameter.selector), parameter)
            self._by_selector = index
        return self._by_selector.get((region, selector))

    # DescribeImageReferences --------------------------------------------------------------

    def references_of_image(self, image_id: str) -> tuple[ImageReference, ...]:
        """What DescribeImageReferences said references the image (empty when not asked)."""
        for evidence in self.regions.values():
            found = evidence.references.get(image_id)
            if found:
                return found
        return ()

    # Lifecycle: locks, fast snapshot restore, the archive tier, the Recycle Bin ------------

    def why_unread(self, region: str, source: Source) -> str:
        """Why `source` is not known in `region`, in words."""
        problem = self.region(region).problem(source)
        return problem.message if problem is not None else "not read yet"

    def lock_of(self, snapshot: Snapshot) -> tuple[bool, SnapshotLock | None]:
        """(whether the region's locks were read, the snapshot's lock if it has one)."""
        locks = self.region(snapshot.region).locks
        return locks is not None, (locks or {}).get(snapshot.id)

    def fast_restores_of(self, snapshot: Snapshot) -> tuple[bool, tuple[FastRestore, ...]]:
        """(whether FSR was read in the region, the zones where it bills for the snapshot)."""
        known = self.region(snapshot.region).fast_restores
        found = (known or {}).get(snapshot.id, ())
        return known is not None, tuple(f for f in found if f.bills)

    def archived_at(self, snapshot: Snapshot) -> tuple[bool, datetime | None]:
        """(whether it is known, when the snapshot's archiving began) for an archived one."""
        if snapshot.storage_tier != "archive":
            return True, None
        known = self.region(snapshot.region).archived_at
        return known is not None, (known or {}).get(snapshot.id)

    def bin_rule_for(self, resource: Snapshot | Image) -> tuple[bool, RetentionRule | None]:
        """(whether the region's rules were read, the rule that bins `resource` if one does)."""
        rules = self.region(resource.region).bin_rules
        if rules is None:
            return False, None
        return True, rule_for(resource, rules)

    def in_bin(self, resource_id: str, region: str) -> tuple[bool, BinnedItem | None]:
        """(whether the region's bin was read, the item if `resource_id` is in it)."""
        contents = self.region(region).recycle_bin
        return contents is not None, (contents or {}).get(resource_id)

    def left_bin(self, resource_id: str, region: str) -> None:
        """`resource_id` is out of the region's Recycle Bin (restored)."""
        contents = self.region(region).recycle_bin
        if contents is not None and resource_id in contents:
            self.update(region, recycle_bin={k: v for k, v in contents.items() if k != resource_id})

    def binned(self) -> list[BinnedItem]:
        """Everything in the Recycle Bin of every region read."""
        return [i for e in self.regions.values() for i in (e.recycle_bin or {}).values()]

    # Problems -----------------------------------------------------------------------------

    def problems(self, regions: Iterable[str] | None = None) -> list[EvidenceProblem]:
        """Every problem, of the regions given (default all)."""
        chosen = None if regions is None else set(regions)
        return [
            problem
            for name, evidence in self.regions.items()
            if chosen is None or name in chosen
            for problem in evidence.problems
        ]
