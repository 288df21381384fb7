"""What the action runner works with: plans, confirmations, results and cost estimates.

A `Plan` is made without any network call from a request and the inventory: the EC2 calls it
would make (`Step`s), what it refuses and why, what it skips, the input problems, warnings,
the confirmation it needs, and for deletions what they would save.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from amiexplorer.core.inventory import Inventory, RegionState
from amiexplorer.core.models import Image, ResourceKind, Snapshot
from amiexplorer.core.plans.requests import ActionRequest
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices
from amiexplorer.core.validation import PUBLIC_WORD, Problem
from amiexplorer.core.watch_events import WatchTarget
from amiexplorer.sizes import format_bytes, format_gib


class Outcome(StrEnum):
    """What happened to one item of a request."""

    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Step:
    """One EC2 call the runner would make."""

    #: The EC2 API name, e.g. DeleteSnapshot.
    action: str
    #: Where the call is made (the target region for copies).
    region: str
    #: The resources it acts on (the source for creates and copies).
    resource_ids: tuple[str, ...]
    params: Mapping[str, Any]
    #: The kind of resource the call creates, if any.
    creates: ResourceKind | None = None
    #: What the inventory forgets once the call succeeded.
    removes: tuple[tuple[ResourceKind, str], ...] = ()
    #: Resource ids whose own steps must have succeeded first (a deregistration cascade).
    after: tuple[str, ...] = ()
    #: An image or snapshot whose sharing to re-read once the call succeeded.
    refresh: Image | Snapshot | None = None
    #: The kind of the resources to read again once the call succeeded (a lifecycle change:
    #: their state, tier or protection is AWS's to say).
    redescribe: ResourceKind | None = None
    #: The call takes the resource out of the Recycle Bin (the evidence forgets it there).
    leaves_bin: bool = False


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome for one item: done (with new ids), refused / skipped (why), failed (error)."""

    action: str
    region: str
    resource_ids: tuple[str, ...]
    outcome: Outcome
    message: str
    #: Ids of what the call created (new ami-/snap-/vol- ids).
    new_ids: tuple[str, ...] = ()
    #: The resources that block a refused or skipped item (a UI can offer to jump there).
    blocking_ids: tuple[str, ...] = ()
    #: The AWS error code of a failure.
    code: str | None = None
    #: What to hand to the watcher: the resources the call created.
    created: tuple[WatchTarget, ...] = ()


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning worth reading before confirming, with the resources it is about."""

    message: str
    resource_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfirmationNeeds:
    """What the confirmation dialog must collect before the plan may run."""

    #: For 2+ resources: the number the person must type.
    count: int | None = None
    #: The word to type when something becomes public.
    word: str | None = None
    #: Image ids to type because launch templates or configurations name them.
    image_ids: tuple[str, ...] = ()

    def check(self, confirmation: Confirmation) -> list[str]:
        """What is missing from `confirmation`; empty when it suffices."""
        missing = []
        if self.count is not None and confirmation.count != self.count:
            missing.append(f"type the number of resources ({self.count}) to confirm")
        if self.word is not None and confirmation.word != self.word:
            missing.append(f"type the word {self.word!r} to make it public")
        for image_id in self.image_ids:
            if image_id not in confirmation.image_ids:
                missing.append(f"type the id {image_id}: launch templates or configurations use it")
        return missing


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What the person typed in the confirmation dialog; the runner checks it against the plan.

    Pass `Confirmation()` when the plan needs nothing beyond a yes.
    """

    count: int | None = None
    word: str | None = None
    image_ids: tuple[str, ...] = ()


#: The word a person types to make something public.
PUBLIC_CONFIRMATION = PUBLIC_WORD


@dataclass(frozen=True, slots=True)
class Estimate:
    """What deleting a set of resources saves: an estimate from list prices."""

    resources: int
    gib: int
    monthly_usd: float
    #: The part of `monthly_usd` that starts only when the Recycle Bin lets go, and when the
    #: last of it does (its retention rules keep billing until then).
    deferred_usd: float = 0.0
    saving_starts: datetime | None = None
    #: The part of `monthly_usd` priced by an upper bound (snapshots whose exclusive size is
    #: not known: their written or volume size), how many they are and what prices them.
    bound_usd: float = 0.0
    bounded: int = 0
    bound_basis: str = ""
    #: What the snapshots priced by the blocks only they hold free (0: none is).
    exact_bytes: int = 0

    def saving_words(self) -> str:
        """For instance "saves about $1.20/month (frees 2.3 GiB no other snapshot holds)"."""
        total = f"${self.monthly_usd:,.2f}/month"
        if self.bound_usd <= 0 or self.bounded == 0:
            text = f"saves about {total}"
            if self.exact_bytes:
                text += f" (frees {format_bytes(self.exact_bytes)} no other snapshot holds)"
            return text
        priced = f"{self.bounded} snapshot(s) priced by their {self.bound_basis}"
        if self.bound_usd >= self.monthly_usd - 0.005:
            return f"saves at most {total} (an upper bound: {priced})"
        exact = self.monthly_usd - self.bound_usd
        return (
            f"saves about ${exact:,.2f}/month, and at most ${self.bound_usd:,.2f} more "
            f"({priced}, an upper bound)"
        )

    def describe(self, verb: str = "delete") -> str:
        """For instance "delete 7 resources, 1.2 TiB, saves about $61.44/month"."""
        noun = "resource" if self.resources == 1 else "resources"
        size = format_gib(self.gib)
        text = f"{verb} {self.resources} {noun}, {size}, {self.saving_words()}"
        if self.saving_starts is not None and self.deferred_usd > 0:
            whole = self.deferred_usd >= self.monthly_usd
            part = "all of it" if whole else f"${self.deferred_usd:,.2f} of it"
            text += f"; {part} from {self.saving_starts:%Y-%m-%d}, when the Recycle Bin lets go"
        return text


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Plan:
    """Everything the runner would do for a request, and everything it refuses.

    Compared by identity: a plan is run at most once (the runner remembers it).
    """

    request: ActionRequest
    title: str
    steps: tuple[Step, ...] = ()
    refused: tuple[ItemResult, ...] = ()
    skipped: tuple[ItemResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Notice, ...] = ()
    needs: ConfirmationNeeds = field(default_factory=ConfirmationNeeds)
    estimate: Estimate | None = None
    #: The resources the plan acts on (what a confirmation counts).
    targets: tuple[str, ...] = ()
    #: Set when the account is read-only: the plan can never run.
    read_only_message: str | None = None

    @property
    def executable(self) -> bool:
        """True when the plan has calls to make and nothing forbids it before confirmation."""
        return not self.problems and self.read_only_message is None and bool(self.steps)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The distinct (action, region) pairs of the steps, in order: what a preflight tries."""
        return list(dict.fromkeys((s.action, s.region) for s in self.steps))


@dataclass(frozen=True, slots=True)
class ActionReport:
    """The per-item results of one executed (or refused) request."""

    plan: Plan
    results: tuple[ItemResult, ...]

    def having(self, outcome: Outcome) -> list[ItemResult]:
        """The results with `outcome`."""
        return [r for r in self.results if r.outcome is outcome]

    @property
    def done(self) -> list[ItemResult]:
        """The items that succeeded."""
        return self.having(Outcome.DONE)

    @property
    def refused(self) -> list[ItemResult]:
        """The items refused before any call."""
        return self.having(Outcome.REFUSED)

    @property
    def failed(self) -> list[ItemResult]:
        """The items AWS failed."""
        return self.having(Outcome.FAILED)

    @property
    def skipped(self) -> list[ItemResult]:
        """The items deliberately left alone (a snapshot another image still uses)."""
        return self.having(Outcome.SKIPPED)

    @property
    def created(self) -> list[WatchTarget]:
        """Every new resource, for `Watcher.track`."""
        return [t for r in self.results for t in r.created]

    @property
    def new_ids(self) -> list[str]:
        """The ids of every new resource."""
        return [i for r in self.results for i in r.new_ids]

    def summary(self) -> str:
        """For instance "3 done, 1 failed, 1 refused"."""
        counts = [(len(self.having(o)), o.value) for o in Outcome]
        return ", ".join(f"{n} {word}" for n, word in counts if n) or "nothing to do"


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What planning reads: the inventory and its relations, who we are, regions, prices, and
    what is still being created."""

    inventory: Inventory
    graph: RelationGraph
    account_id: str
    known_regions: Collection[str]
    prices: Prices
    #: Ids an operation is still creating (the watcher follows them): never removed.
    in_flight: frozenset[str] = frozenset()
    #: When the plan is made (a lock may have expired, an archive minimum run out).
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def region_loaded(self, region: str) -> bool:
        """True when the region loaded without errors, so its relations are complete."""
        status = self.inventory.regions.get(region)
        return status is not None and status.state is RegionState.LOADED


def result_of(
    step: Step,
    outcome: Outcome,
    message: str,
    *,
    code: str | None = None,
    new_ids: tuple[str, ...] = (),
    blocking: tuple[str, ...] = (),
    created: tuple[WatchTarget, ...] = (),
) -> ItemResult:
    """The result of one step."""
    return ItemResult(
        step.action,
        step.region,
        step.resource_ids,
        outcome,
        message,
        new_ids=new_ids,
        blocking_ids=blocking,
        code=code,
        created=created,
    )


def refusal(
    action: str, region: str, ids: tuple[str, ...], why: str, blocking: tuple[str, ...] = ()
) -> ItemResult:
    """A refused item: `action` will not be called on `ids`, because `why`."""
    return ItemResult(action, region, ids, Outcome.REFUSED, why, blocking_ids=blocking)
