"""What the detail panel says about a resource: every field, tags, mappings, relations.

Pure functions from a model and the relation graph to labelled rows; the widget only lays them
out. Related resources come back as `Related` entries the panel lets you jump to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from amiexplorer.aws.provenance import Provenance
from amiexplorer.core.evidence import DlmStanding
from amiexplorer.core.kinds import spec_for
from amiexplorer.core.managed import Manager, management_of
from amiexplorer.core.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.core.relations import RelationGraph
from amiexplorer.ui.rows import formatting as fmt
from amiexplorer.ui.rows.block_fields import block_fields
from amiexplorer.ui.rows.lifecycle_fields import image_lifecycle, snapshot_lifecycle


@dataclass(frozen=True, slots=True)
class Related:
    """A resource the selected one is related to, and how."""

    relation: str
    kind: ResourceKind
    resource_id: str
    label: str


@dataclass(slots=True)
class Details:
    """Everything the panel shows for one resource."""

    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)
    table_title: str = ""
    table: list[tuple[str, ...]] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _title(resource: Image | Snapshot | Volume | Instance) -> str:
    """The panel's title: the kind's label and the id ("Snapshot snap-1")."""
    return f"{spec_for(resource).label} {resource.id}"


def _label(resource: Any) -> str:
    name = getattr(resource, "name", None)
    return f"{resource.id} {name}" if name else resource.id


def _sharing_fields(
    is_public: bool | None, shared_with: tuple[str, ...] | None, problem: str | None = None
) -> list[tuple[str, str]]:
    unread = f"not read: {problem}" if problem else "not loaded yet"
    if is_public is None and shared_with is None:
        return [("Permissions", unread)]
    rows = [
        (
            "Public",
            unread if is_public is None else "YES (anyone can use it)" if is_public else "no",
        )
    ]
    if shared_with is None:
        rows.append(("Shared with", unread))
    else:
        rows.append(("Shared with", ", ".join(shared_with) or "no other account"))
    return rows


_DLM_STANDING = {
    DlmStanding.MANAGED: "enabled: it deletes this by its retention rule",
    DlmStanding.DISABLED: "disabled: nothing deletes this any more (a leftover)",
    DlmStanding.GONE: "no longer exists: nothing deletes this any more (a leftover)",
    DlmStanding.UNKNOWN: "the policy could not be read (counted as managed)",
}


def needs_provenance(resource: Image | Snapshot, graph: RelationGraph) -> bool:
    """True when the panel would show a Backup vault or a pipeline not read yet."""
    management = management_of(resource)
    return (
        management is not None
        and management.manager in (Manager.BACKUP, Manager.IMAGE_BUILDER)
        and management.reference is not None
        and resource.id not in graph.inventory.evidence.provenance
    )


def _provenance_fields(
    resource: Image | Snapshot, graph: RelationGraph, manager: Manager, has_reference: bool
) -> list[tuple[str, str]]:
    known = graph.inventory.evidence.provenance.get(resource.id)
    label = "Backup vault" if manager is Manager.BACKUP else "Pipeline"
    if not has_reference:
        return [(label, "- (no source resource tag)")]
    if not isinstance(known, Provenance):
        return [(label, "reading…")]
    if known.problem:
        return [(label, f"not read: {known.problem}")]
    if manager is Manager.IMAGE_BUILDER:
        return [(label, known.pipeline or "-")]
    plan = known.plan or "-"
    if known.rule:
        plan += f" (rule {known.rule})"
    return [(label, known.vault or "-"), ("Backup plan", plan)]


def management_fields(resource: Image | Snapshot, graph: RelationGraph) -> list[tuple[str, str]]:
    """Which service made the resource and where it stands ("" rows when none)."""
    management = management_of(resource)
    if management is None:
        return []
    if management.manager is Manager.DLM:
        standing, policy = graph.inventory.evidence.dlm_standing(resource, management)
        state = _DLM_STANDING[standing]
        if policy is not None and policy.state == "ERROR":
            state = "in error: it may not be running (counted as managed)"
        return [("Managed by", f"{management.describe()}: {state}")]
    has_reference = management.reference is not None
    if management.manager is Manager.BACKUP:
        rows = [
            (
                "Managed by",
                f"{management.describe()}: deleted through AWS Backup, never through EC2",
            )
        ]
        return rows + _provenance_fields(resource, graph, management.manager, has_reference)
    rows = [("Built by", management.describe())]
    return rows + _provenance_fields(resource, graph, management.manager, has_reference)


def _usage_words(image: Image, graph: RelationGraph) -> str:
    usage = graph.image_usage(image.image_id)
    words = (
        f"{len(usage.instances)} instance(s), "
        f"{len(usage.launch_template_versions)} launch template version(s), "
        f"{len(usage.launch_configurations)} launch configuration(s)"
    )
    if usage.parameters:
        words += f", {len(usage.parameters)} SSM parameter(s)"
    if not graph.inventory.evidence.parameters_read(image.region) and image.owned:
        words += "; SSM parameters not read"
    return words


def _attribute_problem(resource: Image | Snapshot, graph: RelationGraph) -> str | None:
    return graph.inventory.evidence.attribute_problems.get(resource.id)


def image_details(image: Image, graph: RelationGraph, now: datetime) -> Details:
    """An AMI: fields, block device mappings, launch permissions, what uses it."""
    usage = graph.image_usage(image.image_id)
    details = Details(title=_title(image))
    details.fields = [
        ("Name", image.name or "-"),
        ("Description", image.description or "-"),
        (
            "State",
            "deprecated"
            if image.is_deprecated(now) and image.state == "available"
            else image.state,
        ),
        ("Region", image.region),
        ("Owner", "this account" if image.owned else image.owner_id),
        ("Created", f"{fmt.timestamp(image.creation_date)} ({fmt.age(image.creation_date, now)})"),
        ("Size", fmt.size_gib(image.size_gib)),
        # What a decision to share, keep or deregister rests on comes first, where a panel
        # at 80x24 still shows it without scrolling; the image's make-up follows.
        ("Used by", _usage_words(image, graph)),
        *([("References", referenced)] if (referenced := usage.references_in_words()) else []),
        *management_fields(image, graph),
        *(
            _sharing_fields(image.is_public, image.shared_with, _attribute_problem(image, graph))
            if image.owned
            else []
        ),
        ("Deregistration protection", image.deregistration_protection or "-"),
        *image_lifecycle(image, graph.inventory.evidence),
        ("Last launched", fmt.timestamp(image.last_launched_time)),
        ("Deprecation", fmt.timestamp(image.deprecation_time)),
        ("Architecture", image.architecture or "-"),
        ("Platform", image.platform_details or "-"),
        ("Root device", f"{image.root_device_type or '-'} {image.root_device_name or ''}".strip()),
        ("Virtualization", image.virtualization_type or "-"),
    ]
    details.tags = list(image.tags)
    details.table_title = "Block device mappings"
    details.table = [
        (
            m.device_name,
            m.snapshot_id or m.virtual_name or "-",
            fmt.size_gib(m.volume_size_gib),
            m.volume_type or "-",
            "encrypted" if m.encrypted else "-",
        )
        for m in image.block_device_mappings
    ]
    for snapshot_id in image.snapshot_ids:
        snapshot = graph.inventory.snapshots.get(snapshot_id)
        label = _label(snapshot) if snapshot else f"{snapshot_id} (not loaded)"
        details.related.append(Related("snapshot", ResourceKind.SNAPSHOT, snapshot_id, label))
    for instance in usage.instances:
        details.related.append(
            Related("used by instance", ResourceKind.INSTANCE, instance.id, _label(instance))
        )
    for version in usage.launch_template_versions:
        details.related.append(
            Related(
                "named by launch template",
                ResourceKind.LAUNCH_TEMPLATE_VERSION,
                version.id,
                f"{version.launch_template_name} v{version.version_number}",
            )
        )
    for version, parameter in usage.resolving_versions:
        details.related.append(
            Related(
                f"resolves it through {parameter.selector}",
                ResourceKind.LAUNCH_TEMPLATE_VERSION,
                version.id,
                version.label,
            )
        )
    for configuration in usage.launch_configurations:
        details.related.append(
            Related(
                "named by launch configuration",
                ResourceKind.LAUNCH_CONFIGURATION,
                configuration.id,
                configuration.name,
            )
        )
    return details


def snapshot_details(snapshot: Snapshot, graph: RelationGraph, now: datetime) -> Details:
    """A snapshot: fields, permissions, its images and its source volume."""
    details = Details(title=_title(snapshot))
    ref = graph.description_of_snapshot(snapshot.snapshot_id)
    details.fields = [
        ("Description", snapshot.description or "-"),
        (
            "State",
            f"{snapshot.state} ({snapshot.progress}%)" if snapshot.is_pending else snapshot.state,
        ),
        ("Region", snapshot.region),
        ("Size", fmt.size_gib(snapshot.volume_size_gib)),
        *block_fields(snapshot, graph.inventory),
        ("Started", f"{fmt.timestamp(snapshot.start_time)} ({fmt.age(snapshot.start_time, now)})"),
        ("Owner", snapshot.owner_id),
        # Who manages it and who may read it first (see image_details); its make-up follows.
        *management_fields(snapshot, graph),
        *_sharing_fields(
            snapshot.is_public, snapshot.shared_with, _attribute_problem(snapshot, graph)
        ),
        ("Origin", ref.origin.value if ref else "a volume snapshot"),
        ("Source volume", snapshot.volume_id or "-"),
        ("Storage tier", snapshot.storage_tier),
        *snapshot_lifecycle(snapshot, graph.inventory.evidence, now),
        ("Encrypted", _yes_no(snapshot.encrypted)),
        ("KMS key", snapshot.kms_key_id or "-"),
    ]
    details.tags = list(snapshot.tags)
    for image in graph.images_of_snapshot(snapshot.snapshot_id):
        details.related.append(
            Related("used by image", ResourceKind.IMAGE, image.id, _label(image))
        )
    described = ref.image_id if ref else None
    if described and described not in {r.resource_id for r in details.related}:
        gone = described not in graph.inventory.images
        region = graph.described_image_region(snapshot.snapshot_id) or snapshot.region
        _read, binned = graph.inventory.evidence.in_bin(described, region)
        state = " (in the Recycle Bin)" if binned is not None else " (deregistered)"
        details.related.append(
            Related(
                "made for image" + (state if gone else ""),
                ResourceKind.IMAGE,
                described,
                described,
            )
        )
    volume = graph.source_volume(snapshot.snapshot_id)
    if volume is not None:
        details.related.append(
            Related("source volume", ResourceKind.VOLUME, volume.id, _label(volume))
        )
    return details


def volume_details(volume: Volume, graph: RelationGraph, now: datetime) -> Details:
    """A volume: fields, attachments, its instance and its snapshots."""
    details = Details(title=_title(volume))
    details.fields = [
        ("State", volume.state),
        ("Region / AZ", f"{volume.region} / {volume.availability_zone}"),
        ("Size", fmt.size_gib(volume.size_gib)),
        ("Type", volume.volume_type),
        ("IOPS", str(volume.iops or "-")),
        ("Throughput", f"{volume.throughput} MiB/s" if volume.throughput else "-"),
        ("Encrypted", _yes_no(volume.encrypted)),
        ("KMS key", volume.kms_key_id or "-"),
        ("Created", f"{fmt.timestamp(volume.create_time)} ({fmt.age(volume.create_time, now)})"),
        ("From snapshot", volume.snapshot_id or "-"),
        ("Multi-attach", _yes_no(volume.multi_attach_enabled)),
    ]
    details.tags = list(volume.tags)
    details.table_title = "Attachments"
    details.table = [
        (
            a.instance_id,
            a.device or "-",
            a.state or "-",
            "deleted on termination" if a.delete_on_termination else "kept on termination",
        )
        for a in volume.attachments
    ]
    for instance in graph.instances_of_volume(volume.volume_id):
        details.related.append(
            Related("attached to", ResourceKind.INSTANCE, instance.id, _label(instance))
        )
    for snapshot in graph.snapshots_of_volume(volume.volume_id):
        details.related.append(
            Related("snapshot", ResourceKind.SNAPSHOT, snapshot.id, _label(snapshot))
        )
    if volume.snapshot_id and volume.snapshot_id in graph.inventory.snapshots:
        details.related.append(
            Related("created from", ResourceKind.SNAPSHOT, volume.snapshot_id, volume.snapshot_id)
        )
    return details


def instance_details(instance: Instance, graph: RelationGraph, now: datetime) -> Details:
    """An instance: fields, block devices, its image and its volumes."""
    details = Details(title=_title(instance))
    details.fields = [
        ("Name", instance.name or "-"),
        ("State", instance.state),
        ("Type", instance.instance_type),
        ("Region / AZ", f"{instance.region} / {instance.availability_zone or '-'}"),
        ("Image", instance.image_id or "-"),
        (
            "Launched",
            f"{fmt.timestamp(instance.launch_time)} ({fmt.age(instance.launch_time, now)})",
        ),
        ("Platform", instance.platform or "-"),
        ("Architecture", instance.architecture or "-"),
        ("Private IP", instance.private_ip or "-"),
        ("Public IP", instance.public_ip or "-"),
        ("VPC / subnet", f"{instance.vpc_id or '-'} / {instance.subnet_id or '-'}"),
        ("Key pair", instance.key_name or "-"),
        ("Root device", instance.root_device_name or "-"),
    ]
    details.tags = list(instance.tags)
    details.table_title = "Block devices"
    details.table = [
        (
            d.device_name,
            d.volume_id,
            d.status or "-",
            "deleted on termination" if d.delete_on_termination else "kept on termination",
        )
        for d in instance.block_devices
    ]
    image = graph.image_of_instance(instance.instance_id)
    if instance.image_id:
        label = _label(image) if image else f"{instance.image_id} (not visible)"
        details.related.append(
            Related("launched from image", ResourceKind.IMAGE, instance.image_id, label)
        )
    for volume in graph.volumes_of_instance(instance.instance_id):
        details.related.append(Related("volume", ResourceKind.VOLUME, volume.id, _label(volume)))
    return details


def details_for(resource: Any, graph: RelationGraph, now: datetime) -> Details:
    """The details of any resource the panes show."""
    if isinstance(resource, Image):
        return image_details(resource, graph, now)
    if isinstance(resource, Snapshot):
        return snapshot_details(resource, graph, now)
    if isinstance(resource, Volume):
        return volume_details(resource, graph, now)
    if isinstance(resource, Instance):
        return instance_details(resource, graph, now)
    return Details(title=str(getattr(resource, "id", resource)))
