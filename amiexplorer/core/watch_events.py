"""What the watcher follows and what it reports: targets, its schedule, and its events."""

from __future__ import annotations

from dataclasses import dataclass

from amiexplorer.core.kinds import KINDS, follow_of
from amiexplorer.core.models import KIND_OF, Image, ResourceKind, Snapshot, Volume

#: The models the watcher follows.
Watched = Snapshot | Image | Volume


@dataclass(frozen=True, slots=True)
class WatchTarget:
    """A resource to follow: its kind, id and region."""

    kind: ResourceKind
    resource_id: str
    region: str


@dataclass(frozen=True, slots=True)
class BackoffSchedule:
    """Seconds between polls of one region: `first`, growing by `factor` up to `maximum`."""

    first: float = 3.0
    factor: float = 1.5
    maximum: float = 60.0

    def delay(self, round_number: int) -> float:
        """The wait before poll number `round_number` (0 for the first poll after new work)."""
        if self.first <= 0:
            return 0.0
        return float(min(self.maximum, self.first * self.factor ** max(0, round_number)))


@dataclass(frozen=True, slots=True)
class ResourceUpdated:
    """A followed resource changed (state or progress) but is not finished."""

    resource: Watched


@dataclass(frozen=True, slots=True)
class ResourceFinished:
    """A followed resource finished: `succeeded` (completed / available) or failed."""

    resource: Watched
    succeeded: bool
    message: str


@dataclass(frozen=True, slots=True)
class ResourceGone:
    """AWS no longer knows a followed resource (deleted meanwhile, or never became visible)."""

    target: WatchTarget


@dataclass(frozen=True, slots=True)
class PollFailed:
    """One region's poll failed; it is retried after `retry_in` seconds."""

    region: str
    code: str
    message: str
    retry_in: float


WatchEvent = ResourceUpdated | ResourceFinished | ResourceGone | PollFailed


def is_pending(resource: Watched) -> bool:
    """True while AWS is still working on the resource."""
    return resource.state in follow_of(kind_of(resource)).pending_states


def kind_of(resource: Watched) -> ResourceKind:
    """The kind of a followed model."""
    return KIND_OF[type(resource)]


def finish_message(resource: Watched, succeeded: bool) -> str:
    """How a finished resource reads: "snapshot snap-1 is completed"."""
    kind = KINDS[kind_of(resource)].noun
    if succeeded:
        return f"{kind} {resource.id} is {resource.state}"
    detail = resource.state_message if isinstance(resource, Snapshot) else None
    return f"{kind} {resource.id} ended {resource.state}" + (f": {detail}" if detail else "")
