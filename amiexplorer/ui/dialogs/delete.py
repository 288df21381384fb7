"""The delete confirmation: deleting snapshots or volumes, and deregistering images.

The delete key makes its request here (`delete_request`: one per kind; instances are never
deleted), with the tick box that keeps or deletes an image's snapshots (`deregister_toggle`),
and its confirmation restates, in these words, what goes and where (`delete_lines`,
`deregister_lines`). The guards that refuse a deletion are the plans' (`core/plans/delete.py`);
the dialog that shows all this and asks for what is to be typed is the generic
`ConfirmDialog` (confirm.py), as for every change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity, ResourceKind
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import (
    ActionRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.ui.dialogs.lines import Line
from amiexplorer.ui.rows import formatting as fmt

#: What deleting an instance gets: a refusal (terminating is not this tool's job).
NEVER_INSTANCES = "amiexplorer never deletes or terminates instances"

#: A re-planning of the request for one value of a tick box.
Replan = Callable[[bool], Plan]


def delete_request(kind: ResourceKind, ids: tuple[str, ...]) -> tuple[ActionRequest, str] | None:
    """The request the delete key makes for `ids` of `kind`, and its title (None: instances)."""
    if kind is ResourceKind.SNAPSHOT:
        return DeleteSnapshotsRequest(ids), "Delete snapshots"
    if kind is ResourceKind.VOLUME:
        return DeleteVolumesRequest(ids), "Delete volumes"
    if kind is ResourceKind.IMAGE:
        return DeregisterImagesRequest(ids), "Deregister images"
    return None


def deregister_toggle(
    plan: Callable[[ActionRequest], Plan], image_ids: tuple[str, ...]
) -> tuple[str, Replan]:
    """The confirmation's "also delete their snapshots" box (on by default)."""
    label = "also delete their snapshots that no other image uses"

    def replan(with_snapshots: bool) -> Plan:
        return plan(DeregisterImagesRequest(image_ids, delete_snapshots=with_snapshots))

    return label, replan


def _by_region(resources: Iterable[Any], size: Callable[[Any], int]) -> str:
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for resource in resources:
        counts[resource.region] += 1
        sizes[resource.region] += size(resource)
    return ", ".join(
        f"{region} {counts[region]} ({fmt.size_gib(sizes[region])})" for region in counts
    )


def delete_lines(
    request: DeleteSnapshotsRequest | DeleteVolumesRequest,
    plan: Plan,
    inventory: Inventory,
    _identity: Identity | None,
) -> list[Line]:
    """What deleting snapshots or volumes touches: how many, how large, in which regions."""
    if isinstance(request, DeleteSnapshotsRequest):
        snapshots = [s for i in plan.targets if (s := inventory.snapshots.get(i)) is not None]
        total = sum(s.volume_size_gib for s in snapshots)
        text = f"{len(snapshots)} snapshot(s), {fmt.size_gib(total)}: "
        text += _by_region(snapshots, lambda s: int(s.volume_size_gib))
    else:
        volumes = [v for i in plan.targets if (v := inventory.volumes.get(i)) is not None]
        total = sum(v.size_gib for v in volumes)
        text = f"{len(volumes)} volume(s), {fmt.size_gib(total)}: "
        text += _by_region(volumes, lambda v: int(v.size_gib))
    return [Line("Deletes", text)]


def deregister_lines(
    request: DeregisterImagesRequest, plan: Plan, inventory: Inventory, _identity: Identity | None
) -> list[Line]:
    """What deregistering images touches, and what becomes of their snapshots."""
    images = [i for t in plan.targets if (i := inventory.images.get(t)) is not None]
    lines = [
        Line(
            "Deregisters",
            f"{len(images)} image(s): " + _by_region(images, lambda i: int(i.size_gib)),
        )
    ]
    doomed = [
        step.resource_ids[0]
        for step in plan.steps
        if step.action == "DeleteSnapshot" and step.resource_ids
    ]
    if request.delete_snapshots:
        snapshots = [s for i in doomed if (s := inventory.snapshots.get(i)) is not None]
        total = sum(s.volume_size_gib for s in snapshots)
        text = f"also deletes their {len(doomed)} snapshot(s) no other image uses"
        if snapshots:
            text += f" ({fmt.size_gib(total)})"
        kept = len(plan.skipped)
        if kept:
            text += f"; keeps {kept} that something else holds (below)"
        lines.append(Line("Snapshots", text))
    else:
        snapshot_ids = {s for image in images for s in image.snapshot_ids}
        lines.append(
            Line(
                "Snapshots",
                f"kept: their {len(snapshot_ids)} snapshot(s) stay (and are billed)",
                warning=bool(snapshot_ids),
            )
        )
    return lines
