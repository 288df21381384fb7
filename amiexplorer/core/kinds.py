"""One spec per resource kind: what the rest of the code knows about a kind, in one place.

As Cloud Custodian's `resource_type` info does (`c7n/resources/ebs.py`): the id attribute, the
labels, the pane and its `:` words, what `/` matches beyond the cells, the Describe call the
watcher polls with and the states it waits for, and the member of a create answer that names
the new id. The panes, the command line, the filter, the watcher and the action runner read
these specs instead of keeping a table each; adding a kind is one entry here plus its columns
(`ui/rows/columns.py`) and its details (`ui/rows/details.py`).

EC2 operations and members are named by their API names as plain strings (`DescribeSnapshots`,
`SnapshotId`): the core imports no botocore. A unit test checks them against botocore's model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from amiexplorer.core.models import KIND_OF, ResourceKind


@dataclass(frozen=True, slots=True)
class Follow:
    """How the watcher follows a resource of the kind while AWS is still making it."""

    #: The EC2 call that reads resources by id, e.g. "DescribeSnapshots".
    operation: str
    #: The call's filter that takes ids ("snapshot-id"): a filter, unlike the `SnapshotIds`
    #: parameter, does not fail the call for an id AWS does not know yet or any more.
    filter_name: str
    #: The member of the answer that lists the resources, e.g. "Snapshots".
    result_key: str
    #: The member of each listed resource that holds its state, e.g. "State".
    state_key: str
    #: States in which AWS is still working on the resource.
    pending_states: frozenset[str]
    #: States of a resource that finished well; any other state after pending is a failure.
    done_states: frozenset[str]
    #: More parameters of the call: (name, value) pairs ("IncludeDisabled", True).
    describe_params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class KindSpec:
    """Everything the code knows about one kind of resource besides its columns and details."""

    kind: ResourceKind
    #: The model's attribute holding the id (faster than the `id` property on 100,000 rows).
    id_attribute: str
    #: How AWS's ids of the kind begin ("snap-"); None when they have no prefix of their own.
    id_prefix: str | None
    #: How messages name one resource of the kind: "snapshot".
    noun: str
    #: How titles and headings name one: "Snapshot" ("Snapshot snap-1", "Snapshot ID").
    label: str
    #: The pane's tab: "Snapshots".
    plural_label: str
    #: The tab when the bar is narrow: "Snap".
    short_label: str
    #: The key that shows the kind's pane, which is also its place in the bar; None: no pane.
    pane: int | None = None
    #: The `:` words that show the pane ("snap", "snapshots").
    aliases: tuple[str, ...] = ()
    #: What the pane's key says in the help and the palette; None: "Show snapshots".
    pane_tooltip: str | None = None
    #: What `/` matches beyond the cells' own words (and the tag values and the region):
    #: attributes holding a text, an id or None, or a tuple of ids.
    search_fields: tuple[str, ...] = ()
    #: How the watcher follows a pending resource of the kind; None: it never does.
    follow: Follow | None = None
    #: The member of a create or copy answer that names the new resource's id.
    create_id_key: str | None = None

    @property
    def shows_pane(self) -> str:
        """What the key of the kind's pane does, in words ("Show snapshots")."""
        return self.pane_tooltip or f"Show {self.plural_label.lower()}"


_SPECS = (
    KindSpec(
        ResourceKind.INSTANCE,
        id_attribute="instance_id",
        id_prefix="i-",
        noun="instance",
        label="Instance",
        plural_label="Instances",
        short_label="Inst",
        pane=1,
        aliases=("inst", "instance", "instances", "ec2"),
        search_fields=("image_id",),
    ),
    KindSpec(
        ResourceKind.VOLUME,
        id_attribute="volume_id",
        id_prefix="vol-",
        noun="volume",
        label="Volume",
        plural_label="Volumes",
        short_label="Vol",
        pane=2,
        aliases=("vol", "volume", "volumes", "ebs"),
        search_fields=("instance_ids",),
        follow=Follow(
            operation="DescribeVolumes",
            filter_name="volume-id",
            result_key="Volumes",
            state_key="State",
            pending_states=frozenset({"creating"}),
            done_states=frozenset({"available", "in-use"}),
        ),
        create_id_key="VolumeId",
    ),
    KindSpec(
        ResourceKind.SNAPSHOT,
        id_attribute="snapshot_id",
        id_prefix="snap-",
        noun="snapshot",
        label="Snapshot",
        plural_label="Snapshots",
        short_label="Snap",
        pane=3,
        aliases=("snap", "snapshot", "snapshots"),
        search_fields=("description", "volume_id"),
        follow=Follow(
            operation="DescribeSnapshots",
            filter_name="snapshot-id",
            result_key="Snapshots",
            state_key="State",
            pending_states=frozenset({"pending"}),
            done_states=frozenset({"completed"}),
        ),
        create_id_key="SnapshotId",
    ),
    KindSpec(
        ResourceKind.IMAGE,
        id_attribute="image_id",
        id_prefix="ami-",
        noun="image",
        label="Image",
        plural_label="Images",
        short_label="AMI",
        pane=4,
        aliases=("ami", "amis", "image", "images"),
        pane_tooltip="Show images (AMIs)",
        search_fields=("description",),
        follow=Follow(
            operation="DescribeImages",
            filter_name="image-id",
            result_key="Images",
            state_key="State",
            pending_states=frozenset({"pending", "transient"}),
            done_states=frozenset({"available"}),
            # A disabled image is listed only when asked for (DescribeImages).
            describe_params=(("IncludeDisabled", True), ("IncludeDeprecated", True)),
        ),
        create_id_key="ImageId",
    ),
    # Read for what launches an image; no pane of their own (the image's details list them).
    KindSpec(
        ResourceKind.LAUNCH_TEMPLATE_VERSION,
        id_attribute="id",
        id_prefix="lt-",
        noun="launch template version",
        label="Launch template version",
        plural_label="Launch template versions",
        short_label="LT",
        search_fields=("id",),
    ),
    KindSpec(
        ResourceKind.LAUNCH_CONFIGURATION,
        id_attribute="id",
        id_prefix=None,
        noun="launch configuration",
        label="Launch configuration",
        plural_label="Launch configurations",
        short_label="LC",
        search_fields=("id",),
    ),
)

#: The spec of every kind.
KINDS: Mapping[ResourceKind, KindSpec] = {spec.kind: spec for spec in _SPECS}


def spec_of(kind: ResourceKind) -> KindSpec:
    """The spec of `kind`."""
    return KINDS[kind]


def spec_for(resource: object) -> KindSpec:
    """The spec of a model's kind (KeyError for anything that is not one of the models)."""
    return KINDS[KIND_OF[type(resource)]]


def follow_of(kind: ResourceKind) -> Follow:
    """How the watcher follows `kind` (ValueError for a kind it never follows)."""
    follow = KINDS[kind].follow
    if follow is None:
        raise ValueError(f"the watcher does not follow {KINDS[kind].noun}s")
    return follow


def panes() -> tuple[KindSpec, ...]:
    """The kinds that have a pane, in key order."""
    return tuple(sorted((s for s in _SPECS if s.pane is not None), key=lambda s: s.pane or 0))


def aliases() -> dict[str, ResourceKind]:
    """Every `:` word and the kind whose pane it shows."""
    return {alias: spec.kind for spec in _SPECS for alias in spec.aliases}


def kind_for_alias(word: str) -> ResourceKind | None:
    """The kind whose pane the `:` word `word` shows (any case), or None."""
    return _ALIASES.get(word.lower())


def kind_for_id(resource_id: str) -> ResourceKind | None:
    """The kind an AWS id belongs to by its prefix ("snap-1" is a snapshot), or None."""
    return next(
        (s.kind for s in _SPECS if s.id_prefix and resource_id.startswith(s.id_prefix)), None
    )


_ALIASES = aliases()
