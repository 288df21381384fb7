"""Follow pending snapshots, images and volumes until AWS finishes them.

One Describe call per kind per region per round names every pending id of that region (as a
filter, so an id AWS does not know yet or any more does not fail the call). Each region keeps
its own schedule: a few seconds at first, then slower for long work, with no deadline: AWS's
own waiters give up after 10 minutes, and cross-region copies of big images take longer.
A failed poll is reported and retried on the region's schedule; it never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from amiexplorer.aws.describe_ids import describe_by_id
from amiexplorer.aws.errors import describe_problem, error_code
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.kinds import KINDS, follow_of
from amiexplorer.core.models import Image, ResourceKind, Snapshot, Volume
from amiexplorer.core.watch_events import (
    BackoffSchedule,
    PollFailed,
    ResourceFinished,
    ResourceGone,
    ResourceUpdated,
    Watched,
    WatchEvent,
    WatchTarget,
    finish_message,
    is_pending,
    kind_of,
)

__all__ = [
    "BackoffSchedule",
    "PollFailed",
    "ResourceFinished",
    "ResourceGone",
    "ResourceUpdated",
    "WatchEvent",
    "WatchTarget",
    "Watched",
    "Watcher",
    "is_pending",
    "targets_of",
]

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
#: A filter takes at most 200 values.
_BATCH = 200
#: A resource missing from this many answers in a row is reported gone. AWS is eventually
#: consistent: a resource created a moment ago may be missing from the first answers.
MISSES_BEFORE_GONE = 3


@dataclass(slots=True)
class _Region:
    """What is followed in one region and when it is polled next."""

    targets: dict[str, WatchTarget] = field(default_factory=dict)
    seen: dict[str, tuple[str, int]] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)
    rounds: int = 0
    due: float = 0.0
    added: bool = False


class Watcher:
    """Polls pending resources per region and yields what changed until nothing is pending."""

    def __init__(
        self,
        pool: ClientPool,
        account_id: str,
        *,
        inventory: Inventory | None = None,
        schedule: BackoffSchedule | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        follow_image_snapshots: bool = True,
    ) -> None:
        """Follow resources through `pool`; put each update into `inventory` when given.

        Tests inject `sleep` and `clock` (for instance a sleep that steps the demo clock).
        """
        self.pool = pool
        self.account_id = account_id
        self.inventory = inventory
        self.schedule = schedule or BackoffSchedule()
        self._sleep = sleep
        self._clock = clock
        self.follow_image_snapshots = follow_image_snapshots
        self._regions: dict[str, _Region] = {}
        self._wake = asyncio.Event()
        #: Bumped by `poll_now`: a poll that fails across a bump is retried, not reported.
        self._asked = 0

    @property
    def pending(self) -> frozenset[WatchTarget]:
        """Everything still followed."""
        return frozenset(t for r in self._regions.values() for t in r.targets.values())

    def track(self, *targets: WatchTarget) -> None:
        """Follow more resources; their region is polled at once, on its first interval again."""
        for target in targets:
            region = self._regions.setdefault(target.region, _Region())
            if target.resource_id not in region.targets:
                region.targets[target.resource_id] = target
                region.rounds = 0
                region.due = self._clock()
                region.added = True
        self._wake.set()

    def poll_now(self) -> None:
        """Poll every region at once, on its first interval again (the user asked to reload).

        A reload usually follows a fix (renewed credentials, a restored network): the
        watcher's backoff must not keep reporting the old trouble for minutes after it.
        """
        self._asked += 1
        now = self._clock()
        for region in self._regions.values():
            region.rounds = 0
            region.due = now
            region.added = True
        self._wake.set()

    def track_pending(self, inventory: Inventory) -> list[WatchTarget]:
        """Follow everything the inventory holds that is still pending (found at load time).

        Every kind the registry says is followed; of images only the account's own (a
        public image someone else is making is not this account's work).
        """
        targets = [
            WatchTarget(spec.kind, resource.id, resource.region)
            for spec in KINDS.values()
            if spec.follow is not None
            for resource in inventory.table(spec.kind).values()
            if getattr(resource, "owned", True) and is_pending(resource)
        ]
        self.track(*targets)
        return targets

    async def events(self) -> AsyncIterator[WatchEvent]:
        """Poll due regions, yielding events, until nothing is followed any more."""
        while self._regions:
            now = self._clock()
            due = [name for name, r in self._regions.items() if r.due <= now]
            if not due:
                await self._wait(min(r.due for r in self._regions.values()) - now)
                continue
            results = await asyncio.gather(*(self.poll_region(name) for name in due))
            for batch in results:
                for event in batch:
                    yield event

    async def _wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less if `track()` adds work meanwhile."""
        self._wake.clear()
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def poll_region(self, name: str) -> list[WatchEvent]:
        """Poll one region once (one call per kind followed there) and schedule the next."""
        region = self._regions.get(name)
        if region is None:
            return []
        region.added = False
        asked = self._asked
        events: list[WatchEvent] = []
        by_kind: dict[ResourceKind, list[str]] = {}
        for target in region.targets.values():
            by_kind.setdefault(target.kind, []).append(target.resource_id)
        delay = self.schedule.delay(region.rounds)
        for kind, ids in by_kind.items():
            try:
                found = await self._describe(kind, name, ids)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one region's trouble is reported, never fatal
                if self._asked != asked:
                    # Sent before the reload was asked (perhaps signed with the credentials
                    # just renewed): it says nothing about now. `poll_now` re-polls at once.
                    continue
                operation = follow_of(kind).operation
                problem = describe_problem(exc, region=name, operation=operation)
                events.append(PollFailed(name, error_code(exc), problem.message, delay))
                continue
            events += self._fold(region, kind, ids, found)
        region.rounds += 1
        # Work added by track() while this poll was in flight is polled at once.
        region.due = self._clock() + (0.0 if region.added else delay)
        if not region.targets:
            del self._regions[name]
        return events

    async def _describe(self, kind: ResourceKind, region: str, ids: list[str]) -> list[Watched]:
        return await describe_by_id(self.pool, kind, region, ids, self.account_id)

    def _fold(
        self, region: _Region, kind: ResourceKind, ids: list[str], found: Iterable[Watched]
    ) -> list[WatchEvent]:
        events: list[WatchEvent] = []
        by_id = {r.id: r for r in found}
        for resource_id in ids:
            target = region.targets[resource_id]
            resource = by_id.get(resource_id)
            if resource is None:
                region.misses[resource_id] = region.misses.get(resource_id, 0) + 1
                if region.misses[resource_id] >= MISSES_BEFORE_GONE:
                    self._forget(region, resource_id)
                    if self.inventory is not None:
                        self.inventory.remove(kind, resource_id)
                    events.append(ResourceGone(target))
                continue
            region.misses.pop(resource_id, None)
            if self.inventory is not None:
                # The sharing already read for it stays (Describe* does not return it).
                known = self.inventory.with_known_attributes(resource)
                assert isinstance(known, Snapshot | Image | Volume)
                resource = known
                # Only a change is one: what follows the inventory's version (the Audit
                # pane) need not audit again after a poll that found nothing new.
                if self.inventory.table(kind).get(resource_id) != resource:
                    self.inventory.put(resource)
            if isinstance(resource, Image) and self.follow_image_snapshots:
                self._follow_snapshots_of(resource)
            if is_pending(resource):
                progress = resource.progress if isinstance(resource, Snapshot) else 0
                state = (resource.state, progress)
                if region.seen.get(resource_id) != state:
                    region.seen[resource_id] = state
                    events.append(ResourceUpdated(resource))
                continue
            self._forget(region, resource_id)
            succeeded = resource.state in follow_of(kind).done_states
            message = finish_message(resource, succeeded)
            events.append(ResourceFinished(resource, succeeded, message))
        return events

    def _follow_snapshots_of(self, image: Image) -> None:
        """An image's snapshots are pending with it; follow them so their rows update too."""
        region = self._regions[image.region]
        for snapshot_id in image.snapshot_ids:
            if snapshot_id not in region.targets and is_pending(image):
                region.targets[snapshot_id] = WatchTarget(
                    ResourceKind.SNAPSHOT, snapshot_id, image.region
                )

    @staticmethod
    def _forget(region: _Region, resource_id: str) -> None:
        region.targets.pop(resource_id, None)
        region.seen.pop(resource_id, None)
        region.misses.pop(resource_id, None)


def targets_of(resources: Iterable[Watched]) -> list[WatchTarget]:
    """Watch targets for models (for instance what a load found pending)."""
    return [WatchTarget(kind_of(r), r.id, r.region) for r in resources]
