"""The per-id guards every planner runs: look each id up, refuse it when missing or blocked.

A planner says which call it would make (`action`), how a refusal names the kind (`noun`), how
to find an id (`lookup`), and its guards in order: the first that says why refuses the item,
and the others are not asked. What passes every guard comes back in the request's order, each
id once, for the planner to make its steps of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from amiexplorer.core.plans.plan import ItemResult, refusal


class Regional(Protocol):
    """What a guarded resource has: the region its calls are made in."""

    @property
    def region(self) -> str:
        """The resource's region."""
        ...


R = TypeVar("R", bound=Regional)


@dataclass(frozen=True, slots=True)
class Blocked:
    """A guard's refusal that names what blocks the item (a UI can offer to jump there)."""

    why: str
    blocking: tuple[str, ...] = ()


#: Why a resource may not be acted on: "" (or a `Blocked` with no `why`) when it may.
Guard = Callable[[R], str | Blocked]


@dataclass(frozen=True, slots=True)
class Guarded(Generic[R]):
    """What the guards let through and what they refused, each in the request's order."""

    passed: tuple[R, ...]
    refused: tuple[ItemResult, ...]

    @property
    def first(self) -> R | None:
        """The first resource that passed (the one of a single-id request), or None."""
        return self.passed[0] if self.passed else None


def not_loaded(noun: str, resource_id: str) -> str:
    """Why an id the inventory does not hold is refused."""
    return f"{noun} {resource_id} is not in the loaded inventory: refresh and try again"


def _named(name: str | Callable[[str], str], resource_id: str) -> str:
    return name if isinstance(name, str) else name(resource_id)


def guard_each(
    ids: Iterable[str],
    lookup: Callable[[str], R | None],
    guards: Sequence[Guard[R]] = (),
    *,
    action: str | Callable[[str], str],
    noun: str | Callable[[str], str],
    region_of: Callable[[R], str] | None = None,
) -> Guarded[R]:
    """Look up each distinct id and ask the guards about it, in order.

    An id `lookup` does not find is refused in no region; one a guard blocks is refused in
    its resource's region (or `region_of` it). `action` and `noun` may depend on the id (a
    request of images and snapshots). Nothing is called: the planner makes the steps.
    """
    passed: list[R] = []
    refused: list[ItemResult] = []
    for resource_id in dict.fromkeys(ids):
        resource = lookup(resource_id)
        ids_of_item = (resource_id,)
        if resource is None:
            why = not_loaded(_named(noun, resource_id), resource_id)
            refused.append(refusal(_named(action, resource_id), "", ids_of_item, why))
            continue
        blocked = _first_refusal(resource, guards)
        if blocked is None:
            passed.append(resource)
            continue
        region = region_of(resource) if region_of is not None else resource.region
        refused.append(
            refusal(_named(action, resource_id), region, ids_of_item, blocked.why, blocked.blocking)
        )
    return Guarded(tuple(passed), tuple(refused))


def _first_refusal(resource: R, guards: Sequence[Guard[R]]) -> Blocked | None:
    """The first guard's refusal of `resource`, or None when every guard lets it through."""
    for guard in guards:
        answer = guard(resource)
        blocked = answer if isinstance(answer, Blocked) else Blocked(answer)
        if blocked.why:
            return blocked
    return None
