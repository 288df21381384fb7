"""The plan for restoring snapshots and images from the Recycle Bin.

RestoreSnapshotFromRecycleBin and RestoreImageFromRecycleBin take one id each, in the region
whose bin holds it ("Recycle Bin", EBS User Guide): a restored snapshot is back where it was,
billed as before; a restored image is registered again, with the launch permissions it had,
but not its tags on the snapshots it made. Nothing is destroyed: one confirmation, a result per
item, through the one guarded path.
"""

from __future__ import annotations

from amiexplorer.core.lifecycle import BinnedItem
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.guards import guard_each
from amiexplorer.core.plans.plan import ConfirmationNeeds, Notice, Plan, PlanContext, Step
from amiexplorer.core.plans.requests import RestoreFromRecycleBinRequest

#: The call, its id parameter and the kind, for each kind of bin item.
RESTORE_CALLS = {
    "snapshot": ("RestoreSnapshotFromRecycleBin", "SnapshotId", ResourceKind.SNAPSHOT),
    "image": ("RestoreImageFromRecycleBin", "ImageId", ResourceKind.IMAGE),
}


def _binned(ctx: PlanContext, resource_id: str) -> BinnedItem | None:
    return next((i for i in ctx.inventory.evidence.binned() if i.resource_id == resource_id), None)


def _gone(item: BinnedItem, ctx: PlanContext) -> str:
    if item.exits is not None and item.exits <= ctx.now:
        return (
            f"{item.kind} {item.resource_id} left the Recycle Bin on {item.exits:%Y-%m-%d}: "
            "AWS has deleted it for good"
        )
    return ""


def plan_restore_from_bin(request: RestoreFromRecycleBinRequest, ctx: PlanContext) -> Plan:
    """One restore call per item of the bin."""
    title = f"restore {len(request.resource_ids)} resource(s) from the Recycle Bin"
    guarded = guard_each(
        request.resource_ids,
        lambda resource_id: _binned(ctx, resource_id),
        (lambda item: _gone(item, ctx),),
        action=lambda i: RESTORE_CALLS["image" if i.startswith("ami-") else "snapshot"][0],
        noun=lambda i: "image" if i.startswith("ami-") else "snapshot",
    )
    steps = []
    for item in guarded.passed:
        action, parameter, kind = RESTORE_CALLS[item.kind]
        steps.append(
            Step(
                action,
                item.region,
                (item.resource_id,),
                {parameter: item.resource_id},
                redescribe=kind,
                leaves_bin=True,
            )
        )
    ids = tuple(i.resource_id for i in guarded.passed)
    warnings: tuple[Notice, ...] = ()
    if any(i.kind == "image" for i in guarded.passed):
        warnings = (
            Notice(
                "a restored image is registered again and can launch instances at once; its "
                "snapshots must still exist (they stayed while it was in the bin)",
                tuple(i.resource_id for i in guarded.passed if i.kind == "image"),
            ),
        )
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        warnings=warnings,
        needs=ConfirmationNeeds(count=len(steps) if len(steps) >= 2 else None),
        targets=ids,
    )
