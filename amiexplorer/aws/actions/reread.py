"""Re-reading what a destructive plan touches, just before its first call.

A plan is made from the inventory as it was loaded, maybe hours ago; meanwhile another
process may have launched an instance from an "unused" image, registered an image over an
orphaned snapshot or attached a volume. So before any DeleteSnapshot, DeregisterImage or
DeleteVolume, the runner describes again, per region of the plan, what its steps touch and
what uses it, puts the answers into the inventory, and plans again with the same planner:
whatever the new plan would not do is refused ("changed since it was loaded: …").

The calls, per region and never per resource:

- the region's own images (DescribeImages, Owners=self, every page): the images to
  deregister and every image that names a snapshot to delete (the filter
  `block-device-mapping.snapshot-id` would be narrower, but not every endpoint has it);
- the instances running the images to deregister (DescribeInstances, filter image-id);
- the snapshots to delete, those of a deregistration included (DescribeSnapshots, filter
  snapshot-id), and the volumes to delete (DescribeVolumes, filter volume-id);
- the SSM parameters of a region where images are deregistered (`references.read_ssm`).

Launch template versions and launch configurations are not read again (one call per
template): the loaded ones stand. A region whose re-read fails has every step refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.lifecycle_reads import REFUSING, read_lifecycle
from amiexplorer.aws.parse import parse_image, parse_instance, parse_snapshot, parse_volume
from amiexplorer.aws.references import read_ssm
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Image, ResourceKind, Snapshot, Volume
from amiexplorer.core.plans.plan import ItemResult, Outcome, Plan, Step, result_of

#: The actions whose plans are re-read before they run, and what each removes.
REREAD_ACTIONS = {
    "DeleteSnapshot": ResourceKind.SNAPSHOT,
    "DeregisterImage": ResourceKind.IMAGE,
    "DeleteVolume": ResourceKind.VOLUME,
}
#: A filter takes at most 200 values.
_BATCH = 200


@dataclass(slots=True)
class _Targets:
    """What one region's steps remove."""

    images: set[str] = field(default_factory=set)
    snapshots: set[str] = field(default_factory=set)
    volumes: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Reread:
    """What re-reading found: the targets that no longer exist, and the regions not read."""

    #: Targets AWS no longer has (deleted or deregistered elsewhere since the load).
    gone: frozenset[str] = frozenset()
    #: Region -> why it could not be read again (its steps are not attempted).
    problems: dict[str, str] = field(default_factory=dict)


def rereads(plan: Plan) -> bool:
    """True when the plan removes something: it is re-read before it runs."""
    return any(step.action in REREAD_ACTIONS for step in plan.steps)


def _targets(plan: Plan) -> dict[str, _Targets]:
    by_region: dict[str, _Targets] = {}
    for step in plan.steps:
        kind = REREAD_ACTIONS.get(step.action)
        if kind is None:
            continue
        targets = by_region.setdefault(step.region, _Targets())
        chosen = {
            ResourceKind.IMAGE: targets.images,
            ResourceKind.SNAPSHOT: targets.snapshots,
            ResourceKind.VOLUME: targets.volumes,
        }[kind]
        chosen.update(step.resource_ids)
    return by_region


def _batches(ids: Iterable[str]) -> list[list[str]]:
    ordered = sorted(ids)
    return [ordered[i : i + _BATCH] for i in range(0, len(ordered), _BATCH)]


async def _own_images(ec2: Any, region: str, account_id: str) -> list[Image]:
    found: list[Image] = []
    paginator = ec2.get_paginator("describe_images")
    async for page in paginator.paginate(
        Owners=["self"], IncludeDeprecated=True, IncludeDisabled=True
    ):
        found += [parse_image(i, region, account_id) for i in page.get("Images") or []]
    return found


async def _instances_of(ec2: Any, region: str, image_ids: set[str]) -> list[Any]:
    found = []
    for batch in _batches(image_ids):
        paginator = ec2.get_paginator("describe_instances")
        async for page in paginator.paginate(Filters=[{"Name": "image-id", "Values": batch}]):
            found += [
                parse_instance(instance, region)
                for reservation in page.get("Reservations") or []
                for instance in reservation.get("Instances") or []
            ]
    return found


async def _snapshots(ec2: Any, region: str, ids: set[str]) -> list[Snapshot]:
    found: list[Snapshot] = []
    for batch in _batches(ids):
        reply = await ec2.describe_snapshots(
            OwnerIds=["self"], Filters=[{"Name": "snapshot-id", "Values": batch}]
        )
        found += [parse_snapshot(s, region) for s in reply.get("Snapshots") or []]
    return found


async def _volumes(ec2: Any, region: str, ids: set[str]) -> list[Volume]:
    found: list[Volume] = []
    for batch in _batches(ids):
        reply = await ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": batch}])
        found += [parse_volume(v, region) for v in reply.get("Volumes") or []]
    return found


async def reread(pool: ClientPool, inventory: Inventory, plan: Plan) -> Reread:
    """Describe again what the plan's removing steps touch, and what uses it, into `inventory`.

    Fresh answers replace what was loaded (the sharing read earlier stays); a target AWS no
    longer has is forgotten and named in `gone`. Nothing raises but cancellation: a region
    that could not be read is named in `problems`.
    """
    gone: set[str] = set()
    problems: dict[str, str] = {}

    async def region(name: str, targets: _Targets) -> None:
        operation = "DescribeImages"
        try:
            ec2 = await pool.get("ec2", name)
            images: list[Image] = []
            if targets.images or targets.snapshots:
                images = await _own_images(ec2, name, inventory.account_id)
            operation = "DescribeInstances"
            instances = await _instances_of(ec2, name, targets.images)
            operation = "DescribeSnapshots"
            snapshots = await _snapshots(ec2, name, targets.snapshots)
            operation = "DescribeVolumes"
            volumes = await _volumes(ec2, name, targets.volumes)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the region's steps are refused, in these words
            problems[name] = describe_problem(exc, region=name, operation=operation).message
            return
        for resource in (*images, *instances, *snapshots, *volumes):
            inventory.put(inventory.with_known_attributes(resource))
        for kind, asked, found in (
            (ResourceKind.IMAGE, targets.images, {i.id for i in images}),
            (ResourceKind.SNAPSHOT, targets.snapshots, {s.id for s in snapshots}),
            (ResourceKind.VOLUME, targets.volumes, {v.id for v in volumes}),
        ):
            for resource_id in asked - found:
                inventory.remove(kind, resource_id)
                gone.add(resource_id)

    by_region = _targets(plan)
    await asyncio.gather(*(region(name, targets) for name, targets in by_region.items()))
    # Whether an SSM parameter holds an image now (a failure is kept in the evidence, and
    # the planner refuses what it cannot rule out).
    deregistering = [name for name, t in by_region.items() if t.images and name not in problems]
    read = [name for name in by_region if name not in problems]
    # A lock, fast snapshot restore or an image binned since the load refuses what the
    # re-made plan would otherwise still delete.
    reads = [read_lifecycle(pool, inventory, read, REFUSING)]
    if deregistering:
        reads.append(read_ssm(pool, inventory, deregistering))
    await asyncio.gather(*reads)
    return Reread(frozenset(gone), problems)


def changed_steps(
    plan: Plan, again: Plan, fresh: Reread
) -> tuple[list[Step], list[tuple[Step | None, ItemResult]]]:
    """The steps of `plan` that `again` (its plan over re-read resources) still takes, and
    a refusal for every other one: "changed since it was loaded: …" and why."""
    kept = {(s.action, s.region, s.resource_ids) for s in again.steps}
    verdicts: dict[str, ItemResult] = {}
    for item in (*again.refused, *again.skipped):
        for resource_id in item.resource_ids:
            verdicts.setdefault(resource_id, item)
    typed_now = set(again.needs.image_ids) - set(plan.needs.image_ids)
    steps: list[Step] = []
    changed: list[tuple[Step | None, ItemResult]] = []
    for step in plan.steps:
        problem = fresh.problems.get(step.region)
        if problem is not None:
            unread = f"not attempted: what it touches could not be read again first: {problem}"
            changed.append((step, result_of(step, Outcome.REFUSED, unread)))
            continue
        why, blocking = _why_changed(step, kept, verdicts, typed_now, fresh.gone)
        if why is None:
            steps.append(step)
        else:
            message = f"changed since it was loaded: {why}"
            changed.append((step, result_of(step, Outcome.REFUSED, message, blocking=blocking)))
    return steps, changed


def _why_changed(
    step: Step,
    kept: set[tuple[str, str, tuple[str, ...]]],
    verdicts: Mapping[str, ItemResult],
    typed_now: set[str],
    gone: frozenset[str],
) -> tuple[str | None, tuple[str, ...]]:
    """Why the re-planned step is not taken (None when it still is), and what blocks it."""
    for resource_id in step.resource_ids:
        if resource_id in gone:
            return f"{resource_id} no longer exists (removed elsewhere meanwhile)", ()
    if (step.action, step.region, step.resource_ids) in kept:
        named = typed_now.intersection(step.resource_ids)
        if named:
            return (
                f"launch templates or configurations now name {', '.join(sorted(named))}: "
                "make a new plan and type its id"
            ), ()
        return None, ()
    for resource_id in (*step.resource_ids, *step.after):
        item = verdicts.get(resource_id)
        if item is not None:
            return item.message, item.blocking_ids
    return "the plan made from what AWS says now no longer includes it", ()
