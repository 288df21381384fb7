"""``Planted``: what the seeded world contains, read back from moto's models after seeding.

Deriving the truth from moto's state (rather than from the seeder's intentions) keeps it
consistent with what the API returns; the tests check that each planted trap is really there.
What moto has no model of (DLM policies, AWS Backup recovery points) is read from the demo's own
stores, by ``managed_truth``; the lifecycle guards (locks, Fast Snapshot Restore, deregistration
protection) from the markers the demo keeps on moto's objects, and the Recycle Bin from its store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo import (
    deregistration,
    fast_restores,
    imaging,
    managed_truth,
    recycle_bin,
    snapshot_locks,
)
from amiexplorer.demo.backends import autoscaling_backend, ec2_backend
from amiexplorer.demo.constants import DEMO_ACCOUNT_ID
from amiexplorer.demo.timefmt import aws_timestamp, naive_utc

IdSet = frozenset[str]
Relation = Mapping[str, IdSet]

_CREATED_FOR = re.compile(r"Created by CreateImage\(i-[0-9a-f]+\) for (ami-[0-9a-f]+)")
_COPIED_FOR = re.compile(r"Copied for DestinationAmi (ami-[0-9a-f]+) from SourceAmi")


def ami_in_description(description: str | None) -> str | None:
    """The AMI a CreateImage or CopyImage snapshot description names, if any."""
    for pattern in (_CREATED_FOR, _COPIED_FOR):
        found = pattern.search(description or "")
        if found:
            return found.group(1)
    return None


@dataclass(frozen=True)
class Planted:
    """The truth about the seeded demo world (ids are moto's; same seed and now, same ids)."""

    now: datetime
    regions: tuple[str, ...]
    #: region -> ids of all instances DescribeInstances returns (terminated ones too).
    instances: Relation
    #: region -> volume ids.
    volumes: Relation
    #: region -> ids of the snapshots the account owns.
    snapshots: Relation
    #: region -> ids of the registered images the account owns (any state).
    images: Relation
    #: region -> launch template ids / launch configuration names.
    launch_templates: Relation
    launch_configurations: Relation
    #: every resource id above -> its region.
    region_of: Mapping[str, str]
    #: region -> ARN of the customer KMS key encrypting the region's volumes.
    kms_keys: Mapping[str, str]
    running_instances: IdSet
    stopped_instances: IdSet
    terminated_instances: IdSet
    #: images deregistered during seeding (DescribeImages no longer returns them).
    deregistered_images: IdSet
    disabled_images: IdSet
    #: images with a DeprecationTime in the past / in the future.
    deprecated_images: IdSet
    deprecation_scheduled_images: IdSet
    #: snapshots no image references whose description names an image that no longer exists.
    orphan_snapshots_deregistered_image: IdSet
    #: unreferenced snapshots whose source volume is gone, that no CreateImage/CopyImage/
    #: CopySnapshot made, and that neither DLM (any aws:dlm:lifecycle-policy-id tag, policy gone
    #: or not: see dlm_managed_snapshots and dlm_policy_gone_snapshots) nor AWS Backup (a
    #: recovery point, or the aws:backup:source-resource tag) made.
    orphan_snapshots_deleted_volume: IdSet
    #: snapshots made by CopySnapshot (VolumeId vol-ffffffff: meaningless, not a deleted volume).
    copy_snapshots: IdSet
    #: subset of the deregistered-image orphans whose source volume still exists.
    snapshot_volume_exists_image_deregistered: IdSet
    #: images no non-terminated instance runs, no launch template version or launch
    #: configuration names, no SSM parameter holds (directly or through a launch template's
    #: resolve:ssm), that are no AWS Backup recovery point and that no ENABLED DLM policy keeps.
    unused_images: IdSet
    #: used, but only by launch template versions (no instance, no launch configuration).
    launch_template_only_images: IdSet
    #: used, but only by launch configurations.
    launch_configuration_only_images: IdSet
    #: images whose non-terminated instances are all stopped (and that have at least one).
    stopped_instance_images: IdSet
    #: images only terminated instances ran (so: unused).
    terminated_instance_only_images: IdSet
    #: snapshot -> the images (two or more) whose block device mappings name it.
    multi_image_snapshots: Relation
    unattached_volumes: IdSet
    public_images: IdSet
    public_snapshots: IdSet
    #: image / snapshot -> account ids it is shared with (only shared ones).
    shared_images: Relation
    shared_snapshots: Relation
    encrypted_volumes: IdSet
    encrypted_snapshots: IdSet
    archived_snapshots: IdSet
    #: resources pending when seeding finished (long copies, a slow snapshot).
    pending_images: IdSet
    pending_snapshots: IdSet
    #: image -> snapshots in its block device mappings.
    image_snapshots: Relation
    #: image -> non-terminated instances running it (terminated ones: terminated_image_instances).
    image_instances: Relation
    terminated_image_instances: Relation
    #: image -> launch template ids with a version naming it (any version, any image state).
    image_launch_templates: Relation
    #: image -> launch configuration names naming it.
    image_launch_configurations: Relation
    #: attached volume -> instance.
    volume_instance: Mapping[str, str]
    #: existing volume -> snapshots taken from it.
    volume_snapshots: Relation
    #: snapshot -> the AMI its CreateImage/CopyImage description names.
    snapshot_description_image: Mapping[str, str]
    #: policy id -> "ENABLED" / "DISABLED", and -> region, of the DLM policies that exist.
    dlm_policies: Mapping[str, str]
    dlm_policy_regions: Mapping[str, str]
    #: snapshots / images tagged aws:dlm:lifecycle-policy-id with an existing ENABLED policy of
    #: their region (DLM expires them: not leftovers, even when the source volume is gone).
    dlm_managed_snapshots: IdSet
    dlm_managed_images: IdSet
    #: snapshots tagged with a DLM policy that is deleted or DISABLED, used by no registered
    #: image: real leftovers, nothing will expire them.
    dlm_policy_gone_snapshots: IdSet
    #: images tagged with a DLM policy that is deleted or DISABLED, that nothing uses (not in
    #: unused_images: the audit gives them a code of their own).
    dlm_policy_gone_images: IdSet
    #: AWS Backup recovery points (ListRecoveryPointsByResource): EBS snapshots, and images. The
    #: snapshots of a Backup image are in image_snapshots, not in backup_snapshots (they are no
    #: recovery points of their own).
    backup_snapshots: IdSet
    backup_images: IdSet
    #: image -> names of the SSM parameters whose current value is the image id, or whose
    #: version a launch template pins (resolve:ssm:NAME:VERSION) holds it.
    ssm_image_parameters: Relation
    #: image -> launch template ids with a version whose ImageId is resolve:ssm:... resolving to
    #: it (any version of the template, as image_launch_templates).
    resolve_ssm_templates: Relation
    #: images tagged Ec2ImageBuilderArn (made by EC2 Image Builder).
    image_builder_images: IdSet
    #: registered images whose DeregistrationProtection is not "disabled" (DeregisterImage
    #: refuses them).
    protected_images: IdSet
    #: snapshots with a lock that has not expired (governance, compliance or cooling off):
    #: DeleteSnapshot refuses them.
    locked_snapshots: IdSet
    #: snapshots with Fast Snapshot Restore enabled (or enabling) in at least one zone.
    fsr_snapshots: IdSet
    #: region -> identifiers of its Recycle Bin retention rules (only regions that have some).
    recycle_bin_rules: Relation
    #: snapshots / images in the Recycle Bin (deleted; DescribeSnapshots / DescribeImages no
    #: longer return them, so they are in neither snapshots nor images).
    recycle_bin_snapshots: IdSet
    recycle_bin_images: IdSet
    #: archived snapshots whose archiving started less than 90 days before ``now`` (deleting
    #: them still bills the rest of the 90-day minimum).
    recently_archived_snapshots: IdSet
    #: one volume's snapshots with recorded block maps (``block_lineage``), oldest first, and
    #: their region (seed_world fills them in after ``collect``).
    block_lineage: tuple[str, ...] = ()
    block_lineage_region: str = ""

    @property
    def plain_orphans(self) -> IdSet:
        """Orphaned snapshots a delete meets nothing at: no lock, fast restore or archive."""
        orphans = self.orphan_snapshots_deleted_volume | self.orphan_snapshots_deregistered_image
        return (
            orphans - self.locked_snapshots - self.fsr_snapshots - self.recently_archived_snapshots
        )


def _freeze(relation: Mapping[str, set[str]]) -> dict[str, IdSet]:
    return {key: frozenset(values) for key, values in relation.items() if values}


@dataclass
class _Facts:
    """Raw facts read from moto, before the audit categories are worked out."""

    #: kind ("images", "volumes"...) -> region -> ids
    per_region: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    region_of: dict[str, str] = field(default_factory=dict)
    #: relation name -> key -> ids
    rel: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    #: flag name -> ids
    flags: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    volume_instance: dict[str, str] = field(default_factory=dict)
    described: dict[str, str] = field(default_factory=dict)


def collect(
    now: datetime, regions: tuple[str, ...], copy_snapshots: IdSet, kms_keys: Mapping[str, str]
) -> Planted:
    """Read the seeded world back from moto's backends."""
    facts = _Facts()
    per_region, region_of, rel = facts.per_region, facts.region_of, facts.rel
    flags, volume_instance, described = facts.flags, facts.volume_instance, facts.described
    stamp = aws_timestamp(now)

    def add(region: str, kind: str, resource_id: str) -> None:
        """Note ``resource_id`` as a ``kind`` resource of ``region``."""
        per_region[kind][region].add(resource_id)
        region_of[resource_id] = region

    for region in regions:
        ec2: Any = ec2_backend(region)
        for instance in ec2.all_instances():
            add(region, "instances", instance.id)
            flags[instance.state].add(instance.id)
            ended = instance.state == "terminated"
            runs = "terminated_image_instances" if ended else "image_instances"
            rel[runs][instance.image_id].add(instance.id)
        for volume in ec2.volumes.values():
            add(region, "volumes", volume.id)
            if volume.attachment is not None:
                volume_instance[volume.id] = volume.attachment.instance.id
            else:
                flags["unattached_volumes"].add(volume.id)
            if volume.encrypted:
                flags["encrypted_volumes"].add(volume.id)
        for image in ec2.amis.values():
            if image.owner_id != DEMO_ACCOUNT_ID:
                continue
            add(region, "images", image.id)
            rel["image_snapshots"][image.id].update(imaging.snapshot_ids(image))
            if image.state == "disabled":
                flags["disabled_images"].add(image.id)
            if image.state == "pending":
                flags["pending_images"].add(image.id)
            deprecation = image.__dict__.get("deprecation_time")
            if deprecation:
                past = deprecation <= stamp
                flags["deprecated_images" if past else "deprecation_scheduled"].add(image.id)
            if image.is_public:
                flags["public_images"].add(image.id)
            if deregistration.value_of(image) != deregistration.DISABLED:
                flags["protected_images"].add(image.id)
            users = {p["UserId"] for p in image.launch_permissions if "UserId" in p}
            rel["shared_images"][image.id].update(users)
        flags["deregistered_images"].update(ec2.deleted_amis)
        for snapshot in ec2.snapshots.values():
            if snapshot.owner_id != DEMO_ACCOUNT_ID:
                continue
            add(region, "snapshots", snapshot.id)
            if (ami := ami_in_description(snapshot.description)) is not None:
                described[snapshot.id] = ami
            if snapshot.encrypted:
                flags["encrypted_snapshots"].add(snapshot.id)
            if snapshot.storage_tier == "archive":
                flags["archived_snapshots"].add(snapshot.id)
                tiered = snapshot.last_tiering_start_time or snapshot.start_time
                if naive_utc(tiered) > naive_utc(now) - timedelta(days=90):
                    flags["recently_archived_snapshots"].add(snapshot.id)
            lock = snapshot_locks.lock_of(snapshot)
            if lock is not None and lock.prevents_deletion():
                flags["locked_snapshots"].add(snapshot.id)
            if fast_restores.restores_of(snapshot):
                flags["fsr_snapshots"].add(snapshot.id)
            if snapshot.status == "pending":
                flags["pending_snapshots"].add(snapshot.id)
            if "all" in snapshot.create_volume_permission_groups:
                flags["public_snapshots"].add(snapshot.id)
            rel["shared_snapshots"][snapshot.id].update(snapshot.create_volume_permission_userids)
            if snapshot.volume.id in ec2.volumes:
                rel["volume_snapshots"][snapshot.volume.id].add(snapshot.id)
        for template in ec2.launch_templates.values():
            add(region, "launch_templates", template.id)
            for version in template.versions:
                # resolve:ssm:... names a parameter, not an image: see resolve_ssm_templates.
                if version.image_id and not version.image_id.startswith("resolve:"):
                    rel["image_launch_templates"][version.image_id].add(template.id)
        for rule in recycle_bin.rules(region):
            rel["recycle_bin_rules"][region].add(rule.identifier)
        for entry in recycle_bin.in_bin(region, DEMO_ACCOUNT_ID, recycle_bin.EBS_SNAPSHOT):
            flags["recycle_bin_snapshots"].add(entry.resource_id)
        for entry in recycle_bin.in_bin(region, DEMO_ACCOUNT_ID, recycle_bin.EC2_IMAGE):
            flags["recycle_bin_images"].add(entry.resource_id)
            # Its snapshots stay, and cannot be deleted while it is in the bin: not orphans.
            rel["binned_image_snapshots"][entry.resource_id].update(
                imaging.snapshot_ids(entry.resource)
            )
        for config in autoscaling_backend(region).launch_configurations.values():
            per_region["launch_configurations"][region].add(config.name)
            rel["image_launch_configurations"][config.image_id].add(config.name)

    truth = managed_truth.read(regions)
    return _derive(now, regions, facts, truth, copy_snapshots, kms_keys)


def _derive(
    now: datetime,
    regions: tuple[str, ...],
    facts: _Facts,
    truth: managed_truth.ManagedTruth,
    copy_snapshots: IdSet,
    kms_keys: Mapping[str, str],
) -> Planted:
    """Work out the audit categories from the raw facts ``collect`` gathered."""
    per_region, region_of, rel = facts.per_region, facts.region_of, facts.rel
    flags, volume_instance, described = facts.flags, facts.volume_instance, facts.described
    images = {i for ids in per_region["images"].values() for i in ids}
    volumes = {v for ids in per_region["volumes"].values() for v in ids}
    referencing: dict[str, set[str]] = defaultdict(set)
    for relation in ("image_snapshots", "binned_image_snapshots"):
        for image_id, snapshot_ids in rel[relation].items():
            for snapshot_id in snapshot_ids:
                referencing[snapshot_id].add(image_id)
    orphans_of_image: set[str] = set()
    orphans_of_volume: set[str] = set()
    # Made by DLM or AWS Backup: their own fields say what they are.
    managed = truth.dlm_tagged_snapshots | truth.backup_snapshots | truth.backup_tagged_snapshots
    for region, snapshot_ids in per_region["snapshots"].items():
        ec2: Any = ec2_backend(region)
        for snapshot_id in snapshot_ids:
            if referencing.get(snapshot_id):
                continue
            named = described.get(snapshot_id)
            volume_gone = ec2.snapshots[snapshot_id].volume.id not in volumes
            if named is not None and named not in images:
                orphans_of_image.add(snapshot_id)
            elif named is None and snapshot_id not in copy_snapshots | managed and volume_gone:
                orphans_of_volume.add(snapshot_id)
    with_volume = {
        s for s in orphans_of_image if ec2_backend(region_of[s]).snapshots[s].volume.id in volumes
    }
    instances = rel["image_instances"]
    stopped = flags["stopped"]
    templates, configs = rel["image_launch_templates"], rel["image_launch_configurations"]
    used = {i for i in images if instances.get(i) or templates.get(i) or configs.get(i)}
    kept = (
        truth.ssm_image_parameters.keys()
        | truth.resolve_ssm_templates.keys()
        | truth.backup_images
        | truth.dlm_managed_images
    )
    gone_policy_images = truth.dlm_unmanaged_images - used - kept
    unused = images - used - kept - gone_policy_images
    gone_policy = {s for s in truth.dlm_unmanaged_snapshots if not referencing.get(s)}
    return Planted(
        now=now,
        regions=regions,
        instances=_freeze(per_region["instances"]),
        volumes=_freeze(per_region["volumes"]),
        snapshots=_freeze(per_region["snapshots"]),
        images=_freeze(per_region["images"]),
        launch_templates=_freeze(per_region["launch_templates"]),
        launch_configurations=_freeze(per_region["launch_configurations"]),
        region_of=dict(region_of),
        kms_keys=dict(kms_keys),
        running_instances=frozenset(flags["running"]),
        stopped_instances=frozenset(stopped),
        terminated_instances=frozenset(flags["terminated"]),
        deregistered_images=frozenset(flags["deregistered_images"]),
        disabled_images=frozenset(flags["disabled_images"]),
        deprecated_images=frozenset(flags["deprecated_images"]),
        deprecation_scheduled_images=frozenset(flags["deprecation_scheduled"]),
        orphan_snapshots_deregistered_image=frozenset(orphans_of_image),
        orphan_snapshots_deleted_volume=frozenset(orphans_of_volume),
        copy_snapshots=copy_snapshots,
        snapshot_volume_exists_image_deregistered=frozenset(with_volume),
        unused_images=frozenset(unused),
        launch_template_only_images=frozenset(
            i for i in images if templates.get(i) and not instances.get(i) and not configs.get(i)
        ),
        launch_configuration_only_images=frozenset(
            i for i in images if configs.get(i) and not instances.get(i) and not templates.get(i)
        ),
        stopped_instance_images=frozenset(
            i for i in images if instances.get(i) and instances[i] <= stopped
        ),
        terminated_instance_only_images=frozenset(
            i for i in unused if rel["terminated_image_instances"].get(i)
        ),
        multi_image_snapshots=_freeze({s: i for s, i in referencing.items() if len(i) > 1}),
        unattached_volumes=frozenset(flags["unattached_volumes"]),
        public_images=frozenset(flags["public_images"]),
        public_snapshots=frozenset(flags["public_snapshots"]),
        shared_images=_freeze(rel["shared_images"]),
        shared_snapshots=_freeze(rel["shared_snapshots"]),
        encrypted_volumes=frozenset(flags["encrypted_volumes"]),
        encrypted_snapshots=frozenset(flags["encrypted_snapshots"]),
        archived_snapshots=frozenset(flags["archived_snapshots"]),
        pending_images=frozenset(flags["pending_images"]),
        pending_snapshots=frozenset(flags["pending_snapshots"]),
        image_snapshots=_freeze(rel["image_snapshots"]),
        image_instances=_freeze(instances),
        terminated_image_instances=_freeze(rel["terminated_image_instances"]),
        image_launch_templates=_freeze(templates),
        image_launch_configurations=_freeze(configs),
        volume_instance=volume_instance,
        volume_snapshots=_freeze(rel["volume_snapshots"]),
        snapshot_description_image=described,
        dlm_policies=dict(truth.dlm_policies),
        dlm_policy_regions=dict(truth.dlm_policy_regions),
        dlm_managed_snapshots=frozenset(truth.dlm_managed_snapshots),
        dlm_managed_images=frozenset(truth.dlm_managed_images),
        dlm_policy_gone_snapshots=frozenset(gone_policy),
        dlm_policy_gone_images=frozenset(gone_policy_images),
        backup_snapshots=frozenset(truth.backup_snapshots),
        backup_images=frozenset(truth.backup_images),
        ssm_image_parameters=_freeze(truth.ssm_image_parameters),
        resolve_ssm_templates=_freeze(truth.resolve_ssm_templates),
        image_builder_images=frozenset(truth.image_builder_images),
        protected_images=frozenset(flags["protected_images"]),
        locked_snapshots=frozenset(flags["locked_snapshots"]),
        fsr_snapshots=frozenset(flags["fsr_snapshots"]),
        recycle_bin_rules=_freeze(rel["recycle_bin_rules"]),
        recycle_bin_snapshots=frozenset(flags["recycle_bin_snapshots"]),
        recycle_bin_images=frozenset(flags["recycle_bin_images"]),
        recently_archived_snapshots=frozenset(flags["recently_archived_snapshots"]),
    )
