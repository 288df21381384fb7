"""The audit rules, one function per finding code, over one `AuditScope`.

The rules and the conservative choices behind them are described in `amiexplorer.core.audit.report`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.core.audit.findings import (
    SOURCE_IMAGE_DEREGISTERED,
    SOURCE_VOLUME_DELETED,
    Finding,
    FindingCode,
    JsonValue,
    ManagedGroup,
)
from amiexplorer.core.cost import Saving, saving, volume_monthly
from amiexplorer.core.evidence import DlmStanding, Evidence, LifecyclePolicy
from amiexplorer.core.inventory import Inventory, RegionState
from amiexplorer.core.lifecycle import archive_minimum_left, protection_until
from amiexplorer.core.managed import Management, Manager, management_of
from amiexplorer.core.models import Image, ResourceKind, Snapshot, Volume
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices, Thresholds
from amiexplorer.core.watch_events import is_pending

#: Why a resource that would be a leftover was held back (the keys of `AuditScope.held`).
HELD_IN_FLIGHT = "in-flight"
HELD_IN_GRACE = "grace"
#: A snapshot under a lock (AWS refuses its delete), or one whose region's locks are unknown.
HELD_LOCKED = "locked"
HELD_LOCK_UNKNOWN = "lock-unknown"
#: An image with deregistration protection: someone keeps it on purpose.
HELD_PROTECTED = "protected"
#: A snapshot of an image in the Recycle Bin (restorable with it), or of one that may be.
HELD_IMAGE_IN_BIN = "image-in-bin"
HELD_BIN_UNKNOWN = "bin-unknown"


def complete_regions(inventory: Inventory) -> frozenset[str]:
    """Regions that finished loading without any error: their relations can be trusted."""
    return frozenset(n for n, s in inventory.regions.items() if s.state is RegionState.LOADED)


def parameter_regions(inventory: Inventory) -> frozenset[str]:
    """Regions whose SSM parameters were read: only there can an image be called unused."""
    evidence = inventory.evidence
    return frozenset(n for n in inventory.regions if evidence.parameters_read(n))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _old_enough(created: datetime | None, now: datetime, min_days: int) -> bool:
    if min_days <= 0:
        return True
    return created is not None and now - created >= timedelta(days=min_days)


def _accounts(ids: tuple[str, ...]) -> str:
    noun = "account" if len(ids) == 1 else "accounts"
    return f"{len(ids)} {noun}: {', '.join(ids)}"


@dataclass(frozen=True, slots=True)
class AuditScope:
    """What every rule reads."""

    inventory: Inventory
    graph: RelationGraph
    now: datetime
    thresholds: Thresholds
    prices: Prices
    regions: frozenset[str]
    complete: frozenset[str]
    #: Regions whose SSM parameters were read (unused-image verdicts need them).
    parameters_read: frozenset[str]
    #: Ids of what an operation of this session is still creating (the watcher follows
    #: them): never leftovers, whatever their state says.
    in_flight: frozenset[str] = frozenset()
    #: How many would-be leftovers were held back, by why (HELD_IN_FLIGHT, HELD_IN_GRACE).
    held: Counter[str] = field(default_factory=Counter, compare=False)

    def saving_of(self, snapshots: Iterable[Snapshot]) -> Saving:
        """What deleting these snapshots saves: by the blocks only they hold where read."""
        return saving(snapshots, self.inventory.lineages(), self.inventory.blocks, self.prices)

    def holds_back(self, resource: Snapshot | Image | Volume, created: datetime | None) -> bool:
        """True (and counted) when a would-be leftover is work in flight or just made.

        Pending (AWS is still copying blocks or registering) or followed by the watcher: the
        work that makes it is not over, so it cannot be left over. Younger than the grace
        period: a copy, a restore or a build may be about to use it. An unknown age is no
        reason to hold one back (the day thresholds say what to do with those).
        """
        if resource.id in self.in_flight or is_pending(resource):
            self.held[HELD_IN_FLIGHT] += 1
            return True
        grace = self.thresholds.grace_hours
        if grace > 0 and created is not None and self.now - created < timedelta(hours=grace):
            self.held[HELD_IN_GRACE] += 1
            return True
        return False

    def kept_on_purpose(self, resource: Snapshot | Image) -> bool:
        """True (and counted) for a would-be leftover AWS itself keeps, or may keep.

        A locked snapshot cannot be deleted until its lock expires ("Lock Amazon EBS
        snapshots"), and a protected image cannot be deregistered ("Protect an Amazon EC2
        AMI from deregistration"): both say someone keeps them. A snapshot of an image in
        the Recycle Bin comes back with the image if it is restored. Where the region's
        locks or bin could not be read, a snapshot may be locked or binned: not a leftover,
        with a note.
        """
        if isinstance(resource, Image):
            refused, _why = protection_until(resource.deregistration_protection, self.now)
            if refused:
                self.held[HELD_PROTECTED] += 1
            return refused
        known, lock = self.evidence.lock_of(resource)
        if not known:
            self.held[HELD_LOCK_UNKNOWN] += 1
            return True
        if lock is not None and lock.locks:
            self.held[HELD_LOCKED] += 1
            return True
        ref = self.graph.description_of_snapshot(resource.id)
        if ref is not None and ref.image_id is not None:
            region = self.graph.described_image_region(resource.id) or resource.region
            read, binned = self.evidence.in_bin(ref.image_id, region)
            if binned is not None:
                self.held[HELD_IMAGE_IN_BIN] += 1
                return True
            if not read:
                self.held[HELD_BIN_UNKNOWN] += 1
                return True
        return False

    @property
    def evidence(self) -> Evidence:
        """DLM policies, SSM parameters, DescribeImageReferences answers."""
        return self.inventory.evidence

    def owned_snapshots(self) -> Iterator[Snapshot]:
        account = self.inventory.account_id
        for snapshot in self.inventory.snapshots.values():
            if snapshot.region in self.regions and snapshot.owner_id == account:
                yield snapshot

    def owned_images(self) -> Iterator[Image]:
        for image in self.inventory.images.values():
            if image.region in self.regions and image.owned and image.is_registered:
                yield image

    def volumes(self) -> Iterator[Volume]:
        return (v for v in self.inventory.volumes.values() if v.region in self.regions)


def _orphan(audit: AuditScope, snapshot: Snapshot) -> tuple[str, dict[str, JsonValue]] | None:
    """(reason, evidence) when the snapshot is orphaned, else None."""
    graph, inventory = audit.graph, audit.inventory
    if graph.images_of_snapshot(snapshot.id):
        return None
    ref = graph.description_of_snapshot(snapshot.id)
    if ref is not None and ref.image_id is not None:
        # A snapshot made for an image follows its image: its volume says nothing.
        home = graph.described_image_region(snapshot.id)
        if home not in audit.complete:
            return None
        image = inventory.images.get(ref.image_id)
        if image is not None and image.is_registered:
            return None
        evidence: dict[str, JsonValue] = {"rule": "image", "image_id": ref.image_id}
        if home != snapshot.region:
            evidence["image_region"] = home
        return f"{SOURCE_IMAGE_DEREGISTERED} ({ref.image_id})", evidence
    if graph.is_copy(snapshot.id) or not snapshot.volume_id:
        return None
    if snapshot.volume_id in inventory.volumes:
        return None
    return (
        f"{SOURCE_VOLUME_DELETED} ({snapshot.volume_id})",
        {"rule": "volume", "volume_id": snapshot.volume_id},
    )


def left_by_dlm(
    evidence: Evidence, resource: Snapshot | Image, management: Management | None
) -> tuple[DlmStanding, LifecyclePolicy | None] | None:
    """(standing, policy) for a DLM-made resource whose policy no longer expires it, else None."""
    if management is None or management.manager is not Manager.DLM:
        return None
    standing, policy = evidence.dlm_standing(resource, management)
    if standing in (DlmStanding.GONE, DlmStanding.DISABLED):
        return standing, policy
    return None


def _dlm_reason(management: Management, standing: DlmStanding) -> str:
    policy = management.reference or "(unknown id)"
    if standing is DlmStanding.DISABLED:
        return f"its DLM policy {policy} is disabled: nothing deletes it any more"
    return f"its DLM policy {policy} no longer exists"


def _dlm_evidence(
    management: Management, standing: DlmStanding, policy: LifecyclePolicy | None
) -> dict[str, JsonValue]:
    return {
        "policy_id": management.reference,
        "policy_state": policy.state if policy is not None else "deleted",
        "policy_region": policy.region if policy is not None else None,
        "schedule": management.schedule,
        "standing": standing.value,
    }


def _orphaned_dlm_snapshot(
    audit: AuditScope, snapshot: Snapshot, management: Management
) -> Finding | None:
    left = left_by_dlm(audit.evidence, snapshot, management)
    if left is None or audit.graph.images_of_snapshot(snapshot.id):
        return None
    standing, policy = left
    evidence = _dlm_evidence(management, standing, policy)
    reason = _dlm_reason(management, standing)
    return _snapshot_finding(audit, FindingCode.ORPHANED_DLM_SNAPSHOT, snapshot, reason, evidence)


def _lifecycle_details(audit: AuditScope, snapshot: Snapshot) -> dict[str, JsonValue]:
    """What deleting the snapshot meets: a Recycle Bin rule, fast snapshot restore, the
    archive's minimum (only the keys that apply; the report's notes add them up)."""
    details: dict[str, JsonValue] = {}
    evidence = audit.evidence
    _known, rule = evidence.bin_rule_for(snapshot)
    if rule is not None:
        details["recycle_bin_rule"] = rule.identifier
        details["recycle_bin_days"] = rule.retention_days
    _known, zones = evidence.fast_restores_of(snapshot)
    if zones:
        details["fast_snapshot_restore_zones"] = tuple(z.availability_zone for z in zones)
    _known, archived_at = evidence.archived_at(snapshot)
    if left := archive_minimum_left(archived_at, audit.now):
        details["archive_minimum_days_left"] = left
    return details


def _snapshot_finding(
    audit: AuditScope,
    code: FindingCode,
    snapshot: Snapshot,
    reason: str,
    evidence: dict[str, JsonValue],
) -> Finding:
    """A leftover snapshot: what it costs, and its own record beside the rule's evidence."""
    evidence.setdefault("volume_id", snapshot.volume_id)
    evidence.update(
        description=snapshot.description,
        start_time=_iso(snapshot.start_time),
        storage_tier=snapshot.storage_tier,
    )
    evidence.update(_lifecycle_details(audit, snapshot))
    priced = audit.saving_of([snapshot])
    evidence.update(_saving_details(priced))
    return Finding(
        code,
        ResourceKind.SNAPSHOT,
        snapshot.id,
        snapshot.region,
        reason,
        snapshot.volume_size_gib,
        round(priced.monthly_usd, 4),
        evidence,
    )


def _saving_details(priced: Saving) -> dict[str, Any]:
    """What a finding's saving rests on: the bytes deleting frees, and whether that is exact."""
    freed = priced.freed
    return {
        "freed_bytes": freed.total_bytes,
        "saving_is_upper_bound": not freed.is_exact,
        "saving_basis": "exclusive size" if freed.is_exact else priced.bound_words,
    }


def _orphaned_snapshots(audit: AuditScope) -> Iterator[Finding]:
    min_days = audit.thresholds.snapshot_min_age_days
    for snapshot in audit.owned_snapshots():
        if snapshot.region not in audit.complete:
            continue
        if not _old_enough(snapshot.start_time, audit.now, min_days):
            continue
        management = management_of(snapshot)
        if management is not None and management.protects:
            # DLM and AWS Backup decide when what they made goes; only what a gone DLM
            # policy left behind is a leftover, of its own code.
            dlm = _orphaned_dlm_snapshot(audit, snapshot, management)
            held = dlm is None or audit.holds_back(snapshot, snapshot.start_time)
            if dlm is not None and not held and not audit.kept_on_purpose(snapshot):
                yield dlm
            continue
        found = _orphan(audit, snapshot)
        if found is None or audit.holds_back(snapshot, snapshot.start_time):
            continue
        if audit.kept_on_purpose(snapshot):
            continue
        reason, evidence = found
        yield _snapshot_finding(audit, FindingCode.ORPHANED_SNAPSHOT, snapshot, reason, evidence)


def _unused_reason(image: Image, frees_nothing: bool) -> str:
    reason = "no instance, launch template, launch configuration or SSM parameter uses it"
    if frees_nothing:
        reason += "; other images hold its snapshots"
    if image.last_launched_time is not None:
        reason += f"; last launched {image.last_launched_time:%Y-%m-%d}"
    if image.is_public:
        reason += "; public: other accounts may launch it"
    elif image.shared_with:
        reason += f"; shared with {_accounts(image.shared_with)}, who may launch it"
    return reason


def unused_image_candidates(audit: AuditScope) -> Iterator[Image]:
    """Owned images nothing known uses, whose region's evidence is complete.

    Managed images are left out (AWS Backup's, and DLM's while its policy lives); those a
    gone DLM policy left are in; so are images still pending or in flight, and those younger
    than the grace period (`AuditScope.holds_back`). The audit asks DescribeImageReferences
    about these before calling any of them unused.
    """
    graph, min_days = audit.graph, audit.thresholds.image_min_age_days
    for image in audit.owned_images():
        if image.region not in audit.complete or image.region not in audit.parameters_read:
            continue
        management = management_of(image)
        protected = management is not None and management.protects
        if protected and left_by_dlm(audit.evidence, image, management) is None:
            continue
        if graph.image_usage(image.id).in_use:
            continue
        if not _old_enough(image.creation_date, audit.now, min_days):
            continue
        if audit.holds_back(image, image.creation_date) or audit.kept_on_purpose(image):
            continue
        yield image


def _unused_images(audit: AuditScope) -> Iterator[Finding]:
    graph = audit.graph
    for image in unused_image_candidates(audit):
        # Deregistering with its snapshots frees those no other registered image holds; the
        # cost is unknown (None) only when none of its snapshots is loaded.
        loaded = graph.snapshots_of_image(image.id)
        freed = [s for s in loaded if {i.id for i in graph.images_of_snapshot(s.id)} <= {image.id}]
        priced = audit.saving_of(freed)
        monthly = round(priced.monthly_usd, 4) if loaded else None
        management = management_of(image)
        left = left_by_dlm(audit.evidence, image, management)
        if management is not None and left is not None:
            standing, policy = left
            evidence = _dlm_evidence(management, standing, policy)
            evidence.update(
                name=image.name,
                creation_date=_iso(image.creation_date),
                snapshot_ids=image.snapshot_ids,
                freed_snapshot_ids=tuple(s.id for s in freed),
                **_saving_details(priced),
            )
            yield Finding(
                FindingCode.ORPHANED_DLM_IMAGE,
                ResourceKind.IMAGE,
                image.id,
                image.region,
                _dlm_reason(management, standing),
                image.size_gib,
                monthly,
                evidence,
            )
            continue
        yield Finding(
            FindingCode.UNUSED_IMAGE,
            ResourceKind.IMAGE,
            image.id,
            image.region,
            _unused_reason(image, bool(loaded) and not freed),
            image.size_gib,
            monthly,
            {
                "name": image.name,
                "state": image.state,
                "creation_date": _iso(image.creation_date),
                "last_launched_time": _iso(image.last_launched_time),
                "snapshot_ids": image.snapshot_ids,
                "freed_snapshot_ids": tuple(s.id for s in freed),
                "terminated_instance_ids": tuple(
                    i.id for i in graph.terminated_instances_of_image(image.id)
                ),
                "public": image.is_public,
                "shared_with": image.shared_with,
                **_saving_details(priced),
            },
        )


def _unattached_volumes(audit: AuditScope) -> Iterator[Finding]:
    min_days = audit.thresholds.volume_min_age_days
    for volume in audit.volumes():
        if volume.state != "available":
            continue
        if not _old_enough(volume.create_time, audit.now, min_days):
            continue
        if audit.holds_back(volume, volume.create_time):
            continue
        yield Finding(
            FindingCode.UNATTACHED_VOLUME,
            ResourceKind.VOLUME,
            volume.id,
            volume.region,
            f"available: attached to no instance ({volume.volume_type})",
            volume.size_gib,
            round(volume_monthly(volume, audit.prices), 4),
            {
                "name": volume.name,
                "volume_type": volume.volume_type,
                "availability_zone": volume.availability_zone,
                "create_time": _iso(volume.create_time),
                "snapshot_id": volume.snapshot_id,
                "encrypted": volume.encrypted,
            },
        )


def _image_exposure(audit: AuditScope) -> Iterator[Finding]:
    for image in audit.owned_images():
        if image.is_public:
            usage = audit.graph.image_usage(image.id)
            yield Finding(
                FindingCode.PUBLIC_IMAGE,
                ResourceKind.IMAGE,
                image.id,
                image.region,
                "launch permission for everyone (group all)",
                details={
                    "name": image.name,
                    "size_gib": image.size_gib,
                    "instance_ids": tuple(i.id for i in usage.instances),
                    "launch_template_versions": tuple(v.id for v in usage.launch_template_versions),
                    "launch_configurations": tuple(c.id for c in usage.launch_configurations),
                },
            )
        if image.shared_with:
            yield Finding(
                FindingCode.SHARED_IMAGE,
                ResourceKind.IMAGE,
                image.id,
                image.region,
                f"launch permission for {_accounts(image.shared_with)}",
                details={"name": image.name, "shared_with": image.shared_with},
            )


def _snapshot_exposure(audit: AuditScope) -> Iterator[Finding]:
    for snapshot in audit.owned_snapshots():
        if snapshot.is_public:
            yield Finding(
                FindingCode.PUBLIC_SNAPSHOT,
                ResourceKind.SNAPSHOT,
                snapshot.id,
                snapshot.region,
                "createVolumePermission for everyone (group all)",
                details={
                    "description": snapshot.description,
                    "volume_size_gib": snapshot.volume_size_gib,
                    "encrypted": snapshot.encrypted,
                    "image_ids": tuple(i.id for i in audit.graph.images_of_snapshot(snapshot.id)),
                },
            )
        if snapshot.shared_with:
            yield Finding(
                FindingCode.SHARED_SNAPSHOT,
                ResourceKind.SNAPSHOT,
                snapshot.id,
                snapshot.region,
                f"createVolumePermission for {_accounts(snapshot.shared_with)}",
                details={"description": snapshot.description, "shared_with": snapshot.shared_with},
            )


def managed_groups(audit: AuditScope) -> list[ManagedGroup]:
    """What DLM and AWS Backup manage in the audited regions: counted, never a leftover."""
    groups: dict[tuple[str, ResourceKind, str, str, str | None], list[int]] = {}
    resources: list[Snapshot | Image] = [*audit.owned_snapshots(), *audit.owned_images()]
    for resource in resources:
        management = management_of(resource)
        if management is None or not management.protects:
            continue
        note: str | None = None
        if management.manager is Manager.DLM:
            standing, policy = audit.evidence.dlm_standing(resource, management)
            if standing in (DlmStanding.GONE, DlmStanding.DISABLED):
                continue  # a leftover, reported with its own code
            label = management.describe()
            if policy is not None and policy.state == "ERROR":
                note = "the policy is in error: it may not be running"
            elif standing is DlmStanding.UNKNOWN:
                note = "the policy could not be looked up: treated as managed"
        else:
            label = "AWS Backup (recovery points)"
        kind = ResourceKind.SNAPSHOT if isinstance(resource, Snapshot) else ResourceKind.IMAGE
        size = resource.volume_size_gib if isinstance(resource, Snapshot) else resource.size_gib
        key = (management.manager.value, kind, resource.region, label, note)
        entry = groups.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += size
    return [
        ManagedGroup(manager, kind, region, count, gib, label, note)
        for (manager, kind, region, label, note), (count, gib) in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1].value, item[0][2], item[0][3])
        )
    ]


def find_all(scope: AuditScope) -> list[Finding]:
    """Every finding of every rule, unsorted."""
    return [
        *_orphaned_snapshots(scope),
        *_unused_images(scope),
        *_unattached_volumes(scope),
        *_image_exposure(scope),
        *_snapshot_exposure(scope),
    ]
