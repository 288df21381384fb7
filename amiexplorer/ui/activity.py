"""Operations in flight: what the Activity pane lists and the header counts.

Fed from three places: work found pending when the inventory loaded, resources created by
an action here, and the watcher's events as they arrive. What is in flight has one owner, the
watcher (`Watcher.pending`, which the action runner's guards and the audit read too): an
operation is in flight while the watcher still follows its resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from amiexplorer.aws.watch import (
    PollFailed,
    ResourceFinished,
    ResourceGone,
    ResourceUpdated,
    Watcher,
    WatchEvent,
    WatchTarget,
)
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Image, Snapshot, Volume
from amiexplorer.core.watch_events import kind_of


@dataclass(slots=True)
class Operation:
    """One resource AWS is working on, and how it is going."""

    target: WatchTarget
    label: str
    started: datetime
    state: str = "pending"
    progress: int | None = None
    finished: datetime | None = None
    succeeded: bool | None = None
    message: str = ""
    #: False while the label was made without the resource (AWS had not answered yet).
    described: bool = True

    @property
    def over(self) -> bool:
        """True once AWS finished it (or it disappeared)."""
        return self.finished is not None


@dataclass(slots=True)
class Activity:
    """Every operation seen this session, newest first when listed."""

    operations: dict[str, Operation] = field(default_factory=dict)
    last_problem: str | None = None
    #: What labels read names from (a snapshot's volume); none: ids only.
    inventory: Inventory | None = None
    #: What is still followed (none: nothing is in flight).
    watcher: Watcher | None = None

    def start(
        self,
        target: WatchTarget,
        label: str,
        now: datetime,
        resource: Snapshot | Image | Volume | None = None,
    ) -> Operation:
        """Record an operation (again, if it was already known), as far along as `resource`."""
        operation = self.operations.get(target.resource_id)
        if operation is None or operation.over:
            known = bool(label) or resource is not None
            label = label or describe(resource, self.inventory) or new_resource(target)
            operation = Operation(target=target, label=label, started=now, described=known)
            self.operations[target.resource_id] = operation
        if resource is not None:
            operation.state = resource.state
            if isinstance(resource, Snapshot):
                operation.progress = resource.progress
        return operation

    def apply(self, event: WatchEvent, now: datetime) -> Operation | None:
        """Fold a watcher event in; returns the operation that finished, if one did."""
        if isinstance(event, PollFailed):
            self.last_problem = (
                f"{event.region}: {event.message} (retrying in {event.retry_in:.0f}s)"
            )
            return None
        self.last_problem = None
        if isinstance(event, ResourceGone):
            operation = self.operations.get(event.target.resource_id)
            if operation is not None and not operation.over:
                operation.finished, operation.succeeded = now, False
                operation.state, operation.message = "gone", "AWS no longer knows this resource"
                return operation
            return None
        resource = event.resource
        operation = self.operations.get(resource.id)
        if operation is None:
            operation = self.start(_target_of(resource), "", now, resource)
        elif not operation.described:
            # Made here a moment ago: AWS now says what it is.
            operation.label = describe(resource, self.inventory)
            operation.described = True
        operation.state = resource.state
        if isinstance(resource, Snapshot):
            operation.progress = resource.progress
        if isinstance(event, ResourceFinished):
            operation.finished, operation.succeeded = now, event.succeeded
            operation.message = event.message
            if event.succeeded and isinstance(resource, Snapshot):
                operation.progress = 100
            return operation
        assert isinstance(event, ResourceUpdated)
        return None

    def _followed(self) -> set[str]:
        pending = self.watcher.pending if self.watcher is not None else frozenset()
        return {target.resource_id for target in pending}

    @property
    def in_flight(self) -> list[Operation]:
        """Operations AWS is still working on: their resource is still followed."""
        followed = self._followed()
        return [o for o in self.operations.values() if o.target.resource_id in followed]

    def listed(self) -> list[Operation]:
        """In-flight work first (oldest first), then the rest (newest first)."""
        followed = self._followed()
        running = sorted(
            (o for o in self.operations.values() if o.target.resource_id in followed),
            key=lambda o: o.started,
        )
        done = sorted(
            (o for o in self.operations.values() if o.target.resource_id not in followed),
            key=lambda o: o.finished or o.started,
            reverse=True,
        )
        return running + done


def _target_of(resource: Snapshot | Image | Volume) -> WatchTarget:
    return WatchTarget(kind_of(resource), resource.id, resource.region)


def new_resource(target: WatchTarget) -> str:
    """The label of something just made, until AWS describes it."""
    return f"new {target.kind.value} {target.resource_id}"


def describe(resource: Snapshot | Image | Volume | None, inventory: Inventory | None = None) -> str:
    """What is being made, for the Activity pane: 'snapshot of vol-0abc (web-prod-2)'."""
    if isinstance(resource, Image):
        name = f" ({resource.name})" if resource.name else ""
        if resource.source_image_id:
            return f"copy of image {resource.source_image_id}{name}"
        return f"image {resource.name or resource.id}"
    if isinstance(resource, Snapshot):
        return _describe_snapshot(resource, inventory)
    if isinstance(resource, Volume):
        name = f" ({resource.name})" if resource.name else ""
        if resource.snapshot_id:
            return f"volume from {resource.snapshot_id}{name}"
        return f"volume {resource.id}{name}"
    return ""


#: The volume id EC2 gives a snapshot CopySnapshot made (it names no volume).
_NO_VOLUME = "vol-ffffffff"


def _describe_snapshot(snapshot: Snapshot, inventory: Inventory | None) -> str:
    if snapshot.volume_id and snapshot.volume_id != _NO_VOLUME:
        volume = inventory.volumes.get(snapshot.volume_id) if inventory is not None else None
        name = volume.name if volume is not None else None
        if volume is not None and not name and inventory is not None and volume.attachments:
            instance = inventory.instances.get(volume.attachments[0].instance_id)
            name = instance.name if instance is not None else None
        return f"snapshot of {snapshot.volume_id}" + (f" ({name})" if name else "")
    what = snapshot.description or snapshot.name or snapshot.id
    return f"snapshot copy: {what}" if snapshot.volume_id == _NO_VOLUME else f"snapshot {what}"
