"""The columns of each resource pane: what a cell says, how it sorts, and how it looks.

Columns carry a priority: on a narrow terminal the least important ones are left out rather
than every column being squeezed into illegibility (`column_fit` chooses). A column whose
text depends on the resource alone says so with `words`: that text is what `/` matches in it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from amiexplorer.core.evidence import DlmStanding
from amiexplorer.core.kinds import spec_of
from amiexplorer.core.managed import Manager, management_of
from amiexplorer.core.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.core.relations import RelationGraph
from amiexplorer.ui.rows import formatting as fmt


@dataclass(slots=True)
class RowContext:
    """What cells need besides the resource itself: the time and the relations."""

    now: datetime
    relations: RelationGraph


Getter = Callable[[Any, RowContext], str]
#: A cell's text from the resource alone (no time, no relations).
Words = Callable[[Any], str]
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
    #: The cell's text from the resource alone, which `/` matches (see `model.search_text`).
    #: None when the text depends on the time (ages) or on other resources (Attached to, Used
    #: by): a search text is computed once per resource and would go stale.
    words: Words | None = None

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


def _own(key: str, label: str, width: int, words: Words, **options: Any) -> Column:
    """A column whose text is the resource's own (so `/` matches it)."""
    return Column(key, label, width, lambda r, _c: words(r), words=words, **options)


def _id_column(kind: ResourceKind, width: int) -> Column:
    """The kind's id, headed by its label ("Snapshot ID"); always shown."""
    spec = spec_of(kind)
    words: Words = operator.attrgetter(spec.id_attribute)
    return _own("id", f"{spec.label} ID", width, words, priority=0)


def _tagged_name(key: str, label: str, width: int, **options: Any) -> Column:
    """The Name tag, or "-"; `/` finds it among the tag values (see `model.search_text`)."""
    return Column(key, label, width, lambda r, _c: _name_or_dash(r.name), flex=True, **options)


#: Shown first whenever rows of more than one region are (see `Layout`).
REGION = Column("region", "Region", 14, lambda r, c: r.region, priority=0)


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
    def words(resource: Any) -> str:
        # fmt.date's text, without strftime (a third of the search texts' cost).
        when: datetime | None = getattr(resource, attr)
        return when.date().isoformat() if when else "-"

    return _own(attr, label, 10, words, sort=_time_sort(attr), priority=priority)


@cache
def _size(gib: int | None) -> str:
    """fmt.size_gib, remembered: a few sizes recur across 100,000 search texts."""
    return fmt.size_gib(gib)


def _enc(resource: Volume | Snapshot) -> str:
    return "yes" if resource.encrypted else "no"


# Instances ----------------------------------------------------------------------------------


def _instance_image(instance: Instance, ctx: RowContext) -> str:
    image = ctx.relations.image_of_instance(instance.instance_id)
    if image is not None and image.name:
        return image.name
    return instance.image_id or "-"


INSTANCE_COLUMNS = (
    _id_column(ResourceKind.INSTANCE, 19),
    _tagged_name("name", "Name", 18, priority=0),
    _own("state", "State", 13, lambda r: r.state, style=_state_style, priority=0),
    _own("type", "Type", 11, lambda r: r.instance_type, priority=1),
    _age_column("launch_time", "Age", 2),
    Column("image", "Image", 24, _instance_image, priority=3),
    _own(
        "volumes",
        "Vols",
        4,
        lambda r: str(len(r.block_devices)),
        sort=lambda r, c: len(r.block_devices),
        align="right",
        priority=4,
    ),
    _own("az", "AZ", 15, lambda r: r.availability_zone or "-", priority=6),
    _own("ip", "Private IP", 15, lambda r: r.private_ip or "-", priority=7),
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
    _id_column(ResourceKind.VOLUME, 21),
    _tagged_name("name", "Name", 16, priority=0),
    _own("state", "State", 9, lambda r: r.state, style=_state_style, priority=0),
    _own(
        "size",
        "Size",
        9,
        lambda r: _size(r.size_gib),
        sort=lambda r, c: r.size_gib,
        align="right",
        priority=0,
    ),
    # gp2 or gp3, and how old: what a volume costs and whether anyone still needs it.
    _own("type", "Type", 4, lambda r: r.volume_type, priority=1),
    _own("encrypted", "Enc", 3, _enc, priority=4),
    Column("instance", "Attached to", 22, _volume_instance, priority=3),
    _age_column("create_time", "Age", 2),
    _own(
        "iops",
        "IOPS",
        6,
        lambda r: str(r.iops or "-"),
        sort=lambda r, c: r.iops or 0,
        align="right",
        priority=7,
    ),
    _own("snapshot", "From snapshot", 22, lambda r: r.snapshot_id or "-", priority=8),
    _own("az", "AZ", 15, lambda r: r.availability_zone, priority=6),
    _date_column("create_time", "Created", 7),
)

# Snapshots ----------------------------------------------------------------------------------


def _snapshot_state(snapshot: Snapshot) -> str:
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


def _snapshot_label(snapshot: Snapshot) -> str:
    return snapshot.name or snapshot.description or "-"


#: What the Managed column says for each service.
_MANAGER_WORDS = {Manager.DLM: "DLM", Manager.BACKUP: "Backup", Manager.IMAGE_BUILDER: "Builder"}


def _manager_word(resource: Snapshot | Image) -> str:
    """The service that made `resource` ("DLM", "Backup", "Builder"), or "-": what `/` matches
    in the Managed column (whether a DLM policy is gone takes the loaded policies)."""
    management = management_of(resource)
    return "-" if management is None else _MANAGER_WORDS[management.manager]


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


#: Whether DLM or AWS Backup keeps a snapshot or image: what decides whether it may be deleted.
MANAGED = Column(
    "managed", "Managed", 8, _managed, style=_managed_style, priority=1, words=_manager_word
)


SNAPSHOT_COLUMNS = (
    _id_column(ResourceKind.SNAPSHOT, 22),
    # The Name tag or the description: `/` finds both (tag values, descriptions).
    Column(
        "name", "Name / description", 20, lambda r, c: _snapshot_label(r), priority=0, flex=True
    ),
    _own("state", "State", 12, _snapshot_state, style=_state_style, priority=0),
    _own(
        "size",
        "Size",
        9,
        lambda r: _size(r.volume_size_gib),
        sort=lambda r, c: r.volume_size_gib,
        align="right",
        priority=0,
    ),
    _age_column("start_time", "Age", 2),
    # Kept ahead of the age: a snapshot DLM or AWS Backup keeps is not for deleting by hand.
    MANAGED,
    _own("tier", "Tier", 8, lambda r: r.storage_tier, priority=5),
    _own("encrypted", "Enc", 3, _enc, priority=6),
    _own(
        "sharing",
        "Sharing",
        11,
        lambda r: fmt.sharing(r.is_public, r.shared_with),
        style=_sharing_style,
        priority=3,
    ),
    Column("image", "Image", 22, _snapshot_image, priority=4),
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


def _image_owner(image: Image) -> str:
    return "self" if image.owned else (image.image_owner_alias or image.owner_id)


IMAGE_COLUMNS = (
    _id_column(ResourceKind.IMAGE, 21),
    _own("name", "Name", 24, lambda r: _name_or_dash(r.name), priority=0, flex=True),
    # "deprecated" depends on the time, so `/` matches the state AWS gives.
    Column(
        "state",
        "State",
        10,
        _image_state,
        style=_state_style,
        priority=0,
        words=lambda r: r.state,
    ),
    _own(
        "size",
        "Size",
        9,
        lambda r: _size(r.size_gib),
        sort=lambda r, c: r.size_gib,
        align="right",
        priority=2,
    ),
    _age_column("creation_date", "Age", 2),
    # Whether anything launches it: what decides a deregistration.
    Column("usage", "Used by", 14, _image_usage, style=_usage_style, priority=1),
    replace(MANAGED, priority=4),
    _own(
        "sharing",
        "Sharing",
        11,
        lambda r: fmt.sharing(r.is_public, r.shared_with if r.owned else ()),
        style=_sharing_style,
        priority=3,
    ),
    _own("owner", "Owner", 12, _image_owner, priority=5),
    _own("arch", "Arch", 6, lambda r: r.architecture or "-", priority=7),
    _date_column("creation_date", "Created", 6),
)

COLUMNS: dict[ResourceKind, tuple[Column, ...]] = {
    ResourceKind.INSTANCE: INSTANCE_COLUMNS,
    ResourceKind.VOLUME: VOLUME_COLUMNS,
    ResourceKind.SNAPSHOT: SNAPSHOT_COLUMNS,
    ResourceKind.IMAGE: IMAGE_COLUMNS,
}
