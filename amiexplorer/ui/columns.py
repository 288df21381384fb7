"""The columns of each resource pane: what a cell says, how it sorts, and how it looks.

Columns carry a priority: on a narrow terminal the least important ones are left out rather
than every column being squeezed into illegibility.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from amiexplorer.aws.evidence import DlmStanding
from amiexplorer.aws.managed import Manager, management_of
from amiexplorer.aws.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.aws.relations import RelationGraph
from amiexplorer.ui import formatting as fmt


@dataclass(slots=True)
class RowContext:
    """What cells need besides the resource itself: the time and the relations."""

    now: datetime
    relations: RelationGraph


Getter = Callable[[Any, RowContext], str]
SortKey = Callable[[Any, RowContext], Any]
Styler = Callable[[Any, RowContext, str], str]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a resource table."""

    key: str
    label: str
    width: int
    text: Getter
    sort: SortKey | None = None
    style: Styler | None = None
    align: str = "left"
    #: Lower is more important; columns are dropped from the highest priority down.
    priority: int = 5
    #: The flexible column takes the width left over; it needs at least `min_width`.
    flex: bool = False
    min_width: int = 10

    def sort_key(self, resource: Any, ctx: RowContext) -> Any:
        """The value rows are ordered by (the cell text when no key is given)."""
        return (self.sort or self.text)(resource, ctx)


def _state_style(_r: Any, _c: RowContext, text: str) -> str:
    return fmt.state_style(text.split(" ")[0])


def _sharing_style(_r: Any, _c: RowContext, text: str) -> str:
    return fmt.sharing_style(text)


def _time_sort(attr: str) -> SortKey:
    def key(resource: Any, _ctx: RowContext) -> float:
        value = getattr(resource, attr)
        return value.timestamp() if value else 0.0

    return key


def _name_or_dash(value: str | None) -> str:
    return value or "-"


REGION = Column("region", "Region", 14, lambda r, c: r.region, priority=1)


def _age_column(attr: str, label: str = "Age", priority: int = 2) -> Column:
    return Column(
        f"{attr}-age",
        label,
        5,
        lambda r, c: fmt.short_age(getattr(r, attr), c.now),
        sort=_time_sort(attr),
        align="right",
        priority=priority,
    )


def _date_column(attr: str, label: str, priority: int = 6) -> Column:
    return Column(
        attr,
        label,
        10,
        lambda r, c: fmt.date(getattr(r, attr)),
        sort=_time_sort(attr),
        priority=priority,
    )


# Instances ----------------------------------------------------------------------------------


def _instance_image(instance: Instance, ctx: RowContext) -> str:
    image = ctx.relations.image_of_instance(instance.instance_id)
    if image is not None and image.name:
        return image.name
    return instance.image_id or "-"


INSTANCE_COLUMNS = (
    Column("id", "Instance ID", 19, lambda r, c: r.instance_id, priority=0),
    Column("name", "Name", 18, lambda r, c: _name_or_dash(r.name), priority=0, flex=True),
    Column("state", "State", 13, lambda r, c: r.state, style=_state_style, priority=0),
    Column("type", "Type", 11, lambda r, c: r.instance_type, priority=1),
    Column("image", "Image", 24, _instance_image, priority=3),
    _age_column("launch_time", "Age", 2),
    Column(
        "volumes",
        "Vols",
        4,
        lambda r, c: str(len(r.block_devices)),
        sort=lambda r, c: len(r.block_devices),
        align="right",
        priority=4,
    ),
    Column("az", "AZ", 15, lambda r, c: r.availability_zone or "-", priority=6),
    Column("ip", "Private IP", 15, lambda r, c: r.private_ip or "-", priority=7),
    _date_column("launch_time", "Launched", 8),
)

# Volumes ------------------------------------------------------------------------------------


def _volume_instance(volume: Volume, ctx: RowContext) -> str:
    instances = ctx.relations.instances_of_volume(volume.volume_id)
    if not instances:
        return "-" if not volume.attachments else volume.attachments[0].instance_id
    first = instances[0]
    return f"{first.name} ({first.instance_id})" if first.name else first.instance_id


VOLUME_COLUMNS = (
    Column("id", "Volume ID", 21, lambda r, c: r.volume_id, priority=0),
    Column("name", "Name", 16, lambda r, c: _name_or_dash(r.name), priority=1, flex=True),
    Column("state", "State", 9, lambda r, c: r.state, style=_state_style, priority=0),
    Column(
        "size",
        "Size",
        9,
        lambda r, c: fmt.size_gib(r.size_gib),
        sort=lambda r, c: r.size_gib,
        align="right",
        priority=0,
    ),
    Column("type", "Type", 4, lambda r, c: r.volume_type, priority=2),
    Column("encrypted", "Enc", 3, lambda r, c: "yes" if r.encrypted else "no", priority=4),
    Column("instance", "Attached to", 22, _volume_instance, priority=1),
    _age_column("create_time", "Age", 3),
    Column(
        "iops",
        "IOPS",
        6,
        lambda r, c: str(r.iops or "-"),
        sort=lambda r, c: r.iops or 0,
        align="right",
        priority=7,
    ),
    Column("snapshot", "From snapshot", 22, lambda r, c: r.snapshot_id or "-", priority=8),
    Column("az", "AZ", 15, lambda r, c: r.availability_zone, priority=6),
    _date_column("create_time", "Created", 7),
)

# Snapshots ----------------------------------------------------------------------------------


def _snapshot_state(snapshot: Snapshot, _ctx: RowContext) -> str:
    if snapshot.is_pending:
        return f"pending {snapshot.progress}%"
    return snapshot.state


def _snapshot_image(snapshot: Snapshot, ctx: RowContext) -> str:
    images = ctx.relations.images_of_snapshot(snapshot.snapshot_id)
    if images:
        more = f" +{len(images) - 1}" if len(images) > 1 else ""
        return f"{images[0].image_id}{more}"
    described = ctx.relations.described_image_id(snapshot.snapshot_id)
    if described:
        return (
            f"({described} gone)" if described not in ctx.relations.inventory.images else described
        )
    return "-"


def _snapshot_volume(snapshot: Snapshot, ctx: RowContext) -> str:
    if ctx.relations.is_copy(snapshot.snapshot_id):
        return "(copy)"
    if not snapshot.volume_id:
        return "-"
    exists = ctx.relations.source_volume(snapshot.snapshot_id) is not None
    return snapshot.volume_id if exists else f"{snapshot.volume_id} (deleted)"


def _snapshot_label(snapshot: Snapshot, _ctx: RowContext) -> str:
    return snapshot.name or snapshot.description or "-"


#: What the Managed column says for each service.
_MANAGER_WORDS = {Manager.DLM: "DLM", Manager.BACKUP: "Backup", Manager.IMAGE_BUILDER: "Builder"}


def _managed(resource: Snapshot | Image, ctx: RowContext) -> str:
    """DLM, Backup or Builder for what those services made; "DLM gone" once its policy is."""
    management = management_of(resource)
    if management is None:
        return "-"
    if management.manager is Manager.DLM:
        standing, _policy = ctx.relations.inventory.evidence.dlm_standing(resource, management)
        if standing is DlmStanding.GONE:
            return "DLM gone"
        if standing is DlmStanding.DISABLED:
            return "DLM off"
    return _MANAGER_WORDS[management.manager]


def _managed_style(_r: Any, _c: RowContext, text: str) -> str:
    if text.startswith("DLM ") and text != "DLM":
        return "yellow"
    return "dim" if text == "-" else "cyan"


MANAGED = Column("managed", "Managed", 8, _managed, style=_managed_style, priority=2)


SNAPSHOT_COLUMNS = (
    Column("id", "Snapshot ID", 22, lambda r, c: r.snapshot_id, priority=0),
    Column("name", "Name / description", 20, _snapshot_label, priority=1, flex=True),
    Column("state", "State", 12, _snapshot_state, style=_state_style, priority=0),
    Column(
        "size",
        "Size",
        9,
        lambda r, c: fmt.size_gib(r.volume_size_gib),
        sort=lambda r, c: r.volume_size_gib,
        align="right",
        priority=0,
    ),
    _age_column("start_time", "Age", 2),
    MANAGED,
    Column("tier", "Tier", 8, lambda r, c: r.storage_tier, priority=5),
    Column("encrypted", "Enc", 3, lambda r, c: "yes" if r.encrypted else "no", priority=6),
    Column(
        "sharing",
        "Sharing",
        11,
        lambda r, c: fmt.sharing(r.is_public, r.shared_with),
        style=_sharing_style,
        priority=4,
    ),
    Column("image", "Image", 22, _snapshot_image, priority=3),
    Column("volume", "Source volume", 22, _snapshot_volume, priority=7),
    _date_column("start_time", "Started", 8),
)

# Images -------------------------------------------------------------------------------------


def _image_usage(image: Image, ctx: RowContext) -> str:
    usage = ctx.relations.image_usage(image.image_id)
    parts = []
    if usage.instances:
        parts.append(f"{len(usage.instances)} inst")
    if usage.launch_template_versions:
        parts.append(f"{len(usage.launch_template_versions)} LT")
    if usage.launch_configurations:
        parts.append(f"{len(usage.launch_configurations)} LC")
    if usage.parameters:
        parts.append(f"{len(usage.parameters)} SSM")
    if not parts:
        # Nothing launches it, yet DLM or AWS Backup keeps it: say so, not "unused".
        managed = _managed(image, ctx)
        if managed in ("DLM", "Backup"):
            return f"{managed} keeps"
    return ", ".join(parts) or "unused"


def _usage_style(_r: Any, _c: RowContext, text: str) -> str:
    return "dim" if text == "unused" else ""


def _image_state(image: Image, ctx: RowContext) -> str:
    if image.state == "available" and image.is_deprecated(ctx.now):
        return "deprecated"
    return image.state


def _image_owner(image: Image, _ctx: RowContext) -> str:
    return "self" if image.owned else (image.image_owner_alias or image.owner_id)


IMAGE_COLUMNS = (
    Column("id", "Image ID", 21, lambda r, c: r.image_id, priority=0),
    Column("name", "Name", 24, lambda r, c: _name_or_dash(r.name), priority=0, flex=True),
    Column("state", "State", 10, _image_state, style=_state_style, priority=0),
    Column(
        "size",
        "Size",
        9,
        lambda r, c: fmt.size_gib(r.size_gib),
        sort=lambda r, c: r.size_gib,
        align="right",
        priority=2,
    ),
    _age_column("creation_date", "Age", 2),
    Column("usage", "Used by", 14, _image_usage, style=_usage_style, priority=1),
    replace(MANAGED, priority=4),
    Column(
        "sharing",
        "Sharing",
        11,
        lambda r, c: fmt.sharing(r.is_public, r.shared_with if r.owned else ()),
        style=_sharing_style,
        priority=4,
    ),
    Column("owner", "Owner", 12, _image_owner, priority=5),
    Column("arch", "Arch", 6, lambda r, c: r.architecture or "-", priority=7),
    _date_column("creation_date", "Created", 6),
)

COLUMNS: dict[ResourceKind, tuple[Column, ...]] = {
    ResourceKind.INSTANCE: INSTANCE_COLUMNS,
    ResourceKind.VOLUME: VOLUME_COLUMNS,
    ResourceKind.SNAPSHOT: SNAPSHOT_COLUMNS,
    ResourceKind.IMAGE: IMAGE_COLUMNS,
}


#: Columns below this priority are shown even at the cost of a narrower name.
ESSENTIAL = 3


def fit_columns(columns: tuple[Column, ...], width: int, *, with_region: bool) -> list[Column]:
    """The columns that fit `width` (one space between each), most important kept first.

    The flexible column counts at its minimum width while choosing, then takes whatever is
    left, so a long name never pushes out the state. The declared order is kept on screen.
    """
    chosen = ([REGION] if with_region else []) + list(columns)
    # Essential columns may squeeze the name to its minimum; the rest only fit beside a
    # name at its full width.
    flex_extra = sum(c.width - c.min_width for c in chosen if c.flex)
    kept: list[Column] = []
    used = 0
    for column in sorted(chosen, key=lambda c: c.priority):
        needed = (column.min_width if column.flex else column.width) + (1 if kept else 0)
        reserve = flex_extra if column.priority >= ESSENTIAL and not column.flex else 0
        if used + needed + reserve <= width or not kept:
            kept.append(column)
            used += needed
    spare = max(0, width - used)
    return [replace(c, width=c.min_width + spare) if c.flex else c for c in chosen if c in kept]
