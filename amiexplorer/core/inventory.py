"""The in-memory inventory of one account, and the events that fill it.

Loaders produce `InventoryEvent`s region by region and page by page; `Inventory.apply` folds
them in. A UI applies events as they arrive, so rows show before everything has loaded.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from amiexplorer.core.block_sizes import BlockEvidence, LineageIndex
from amiexplorer.core.evidence import Evidence
from amiexplorer.core.models import (
    KIND_OF,
    Image,
    Instance,
    LaunchConfiguration,
    LaunchTemplateVersion,
    Resource,
    ResourceKind,
    Snapshot,
    Volume,
)


@dataclass(frozen=True, slots=True)
class LoadError:
    """One operation that failed in one region, already put into words."""

    region: str
    operation: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RegionStarted:
    """A region began loading; its earlier rows (if any) are being replaced."""

    region: str


@dataclass(frozen=True, slots=True)
class PageLoaded:
    """One page of one kind of resource from one region."""

    region: str
    kind: ResourceKind
    items: tuple[Resource, ...]


@dataclass(frozen=True, slots=True)
class RegionFinished:
    """A region finished loading; `errors` is empty when everything in it loaded."""

    region: str
    errors: tuple[LoadError, ...] = ()


InventoryEvent = RegionStarted | PageLoaded | RegionFinished

#: Told of every change: (old, new) for a replacement, (None, new) for an addition and
#: (old, None) for a removal. Indexes over the inventory (the relation graph) follow it so.
InventoryWatcher = Callable[[Any, Any], None]


class RegionState(StrEnum):
    """Where a region is in its loading."""

    WAITING = "waiting"
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


@dataclass(slots=True)
class RegionStatus:
    """What a regions pane shows for one region: its state, counts and errors."""

    name: str
    state: RegionState = RegionState.WAITING
    counts: Counter[ResourceKind] = field(default_factory=Counter)
    errors: tuple[LoadError, ...] = ()

    @property
    def error_message(self) -> str | None:
        """The first error in words, for a one-line display."""
        return self.errors[0].message if self.errors else None


def keep_out_of_the_collector() -> None:
    """Take what the inventory now holds out of the cyclic garbage collector's rounds.

    100,000 snapshots are a few million objects, and each full collection walks all of them:
    about a third of a load's time went to collections that found nothing (the models hold
    no reference cycles), and a collection after the load is a pause of a second or more at
    whatever keystroke triggers it. So, page by page, the young generations are collected
    (cheap: only new objects) and every survivor is frozen. Frozen objects are still freed
    by reference counting as soon as nothing refers to them (a refresh's replaced rows are);
    only a reference cycle frozen while alive would stay, and the young collection before
    each freeze leaves almost none (tens of objects per load, measured).
    """
    gc.collect(1)
    gc.freeze()


def _known(fresh: Any, old: Any) -> Any:
    return old if fresh is None else fresh


class Inventory:
    """Every loaded resource of one account, by kind and id."""

    def __init__(self, account_id: str, regions: Iterable[str] = ()) -> None:
        self.account_id = account_id
        self.instances: dict[str, Instance] = {}
        self.volumes: dict[str, Volume] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self.images: dict[str, Image] = {}
        self.launch_template_versions: dict[str, LaunchTemplateVersion] = {}
        self.launch_configurations: dict[str, LaunchConfiguration] = {}
        self.regions: dict[str, RegionStatus] = {name: RegionStatus(name) for name in regions}
        self._staging: dict[str, list[Resource]] = {}
        #: Goes up with every change, so views (the row models) know when to recompute.
        self.version = 0
        self._watchers: list[InventoryWatcher] = []
        #: Snapshots removed this session, as last seen (what the Recycle Bin view sizes).
        self.last_seen: dict[str, Snapshot] = {}
        #: The live relation index, kept by amiexplorer.core.relations (built once, then
        #: updated change by change instead of rebuilt for every redraw).
        self.relation_index: Any = None
        #: DLM policies, SSM parameters naming images, DescribeImageReferences: what keeps
        #: resources from being leftovers beyond EC2's own relations (references.py reads it).
        self.evidence = Evidence()
        #: What the EBS direct APIs said of snapshot blocks (exclusive sizes, block_sizes.py).
        self.blocks = BlockEvidence()
        self._lineages: tuple[int, LineageIndex] | None = None
        self._tables: dict[ResourceKind, dict[str, Any]] = {
            ResourceKind.INSTANCE: self.instances,
            ResourceKind.VOLUME: self.volumes,
            ResourceKind.SNAPSHOT: self.snapshots,
            ResourceKind.IMAGE: self.images,
            ResourceKind.LAUNCH_TEMPLATE_VERSION: self.launch_template_versions,
            ResourceKind.LAUNCH_CONFIGURATION: self.launch_configurations,
        }

    def watch(self, watcher: InventoryWatcher) -> None:
        """Call `watcher(old, new)` on every change from now on."""
        self._watchers.append(watcher)

    def table(self, kind: ResourceKind) -> dict[str, Any]:
        """The id -> resource mapping that holds `kind`."""
        return self._tables[kind]

    def status(self, region: str) -> RegionStatus:
        """The status of `region`, created on first mention."""
        status = self.regions.get(region)
        if status is None:
            status = self.regions[region] = RegionStatus(region)
        return status

    def apply(self, event: InventoryEvent) -> None:
        """Fold one loader event into the inventory.

        A first load streams pages straight in, so rows show as they arrive. A reload of a
        region that already has rows stages its pages and swaps them in when the region
        finishes without errors, so rows (and a cursor on them) never vanish mid-refresh,
        and a failed refresh keeps the last good rows beside its error.
        """
        status = self.status(event.region)
        if isinstance(event, RegionStarted):
            if not any(s.state is RegionState.LOADING for s in self.regions.values()):
                # A new load: give the collector back what earlier loads froze, so that any
                # cycle frozen meanwhile (a dialog closed since, say) is collected at last.
                gc.unfreeze()
            if status.state in (RegionState.LOADED, RegionState.FAILED) and any(
                status.counts.values()
            ):
                self._staging[event.region] = []
            status.state = RegionState.LOADING
        elif isinstance(event, PageLoaded):
            staged = self._staging.get(event.region)
            if staged is not None:
                staged.extend(event.items)
            else:
                for item in event.items:
                    self.put(item)
            keep_out_of_the_collector()
        else:
            staged = self._staging.pop(event.region, None)
            if staged is not None and not event.errors:
                # What the Describe* calls do not return (sharing, last launch), read before
                # at one call per resource, stays: a refresh need not read it all again.
                known = [self.with_known_attributes(item) for item in staged]
                self._forget_region(event.region)
                for item in known:
                    self.put(item)
            status.errors = event.errors
            status.state = RegionState.FAILED if event.errors else RegionState.LOADED

    def with_known_attributes(self, resource: Resource) -> Resource:
        """`resource` (freshly described) with the attributes already read for it.

        Describe* calls leave a snapshot's sharing, and an image's sharing and last launch,
        unknown (None): those come from one attribute call per resource. A value read
        earlier is kept until it is read again (Account.enrich re-reads them as they age).
        """
        if isinstance(resource, Snapshot):
            old_snapshot = self.snapshots.get(resource.snapshot_id)
            if old_snapshot is not None:
                return replace(
                    resource,
                    is_public=_known(resource.is_public, old_snapshot.is_public),
                    shared_with=_known(resource.shared_with, old_snapshot.shared_with),
                )
        elif isinstance(resource, Image):
            old_image = self.images.get(resource.image_id)
            if old_image is not None and resource.shared_with is None:
                return replace(
                    resource,
                    shared_with=old_image.shared_with,
                    last_launched_time=_known(
                        resource.last_launched_time, old_image.last_launched_time
                    ),
                )
        return resource

    def put(self, resource: Resource) -> None:
        """Add or replace one resource (loaders and the watcher both use this)."""
        kind = KIND_OF[type(resource)]
        table = self.table(kind)
        resource_id = resource.id
        old = table.get(resource_id)
        if old is None:
            self.status(resource.region).counts[kind] += 1
        table[resource_id] = resource
        self.version += 1
        for watcher in self._watchers:
            watcher(old, resource)

    def remove(self, kind: ResourceKind, resource_id: str) -> None:
        """Forget one resource, for example after it was deleted."""
        resource = self.table(kind).pop(resource_id, None)
        if resource is not None:
            if kind is ResourceKind.SNAPSHOT:
                # A Recycle Bin rule may keep it, billed: the bin's listing has no size.
                self.last_seen[resource_id] = resource
            self.status(resource.region).counts[kind] -= 1
            self.version += 1
            for watcher in self._watchers:
                watcher(resource, None)

    def _forget_region(self, region: str) -> None:
        for kind in ResourceKind:
            table = self.table(kind)
            for key in [k for k, v in table.items() if v.region == region]:
                old = table.pop(key)
                for watcher in self._watchers:
                    watcher(old, None)
        self.status(region).counts.clear()
        self.version += 1

    def get(self, resource_id: str) -> Resource | None:
        """Any resource by id, whatever its kind."""
        for kind in ResourceKind:
            found = self.table(kind).get(resource_id)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return None

    def count(self, kind: ResourceKind, region: str | None = None) -> int:
        """How many resources of `kind` are loaded, in one region or in all."""
        if region is not None:
            return self.status(region).counts[kind]
        return len(self.table(kind))

    def in_region(self, kind: ResourceKind, region: str | None = None) -> Iterator[Any]:
        """Resources of `kind`, in one region or in all."""
        values = self.table(kind).values()
        if region is None:
            return iter(values)
        return (v for v in values if v.region == region)

    def lineages(self) -> LineageIndex:
        """Every snapshot lineage of the inventory as it is now (made again after a change)."""
        cached = self._lineages
        if cached is None or cached[0] != self.version:
            cached = (self.version, LineageIndex(self.snapshots.values()))
            self._lineages = cached
        return cached[1]

    @property
    def is_complete(self) -> bool:
        """True once every region has finished, with or without errors."""
        return all(
            s.state in (RegionState.LOADED, RegionState.FAILED) for s in self.regions.values()
        )

    @property
    def errors(self) -> list[LoadError]:
        """Every error of every region."""
        return [e for s in self.regions.values() for e in s.errors]
