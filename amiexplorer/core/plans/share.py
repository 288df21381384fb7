"""Plans for sharing: launch permissions of images, create-volume permissions of snapshots.

Encrypted snapshots (and images made of them) can never be public; making anything public
needs the typed word `public`; changing two or more resources needs their number typed.
"""

from __future__ import annotations

from typing import Any

from amiexplorer.core.kinds import kind_for_id
from amiexplorer.core.models import PUBLIC_GROUP, Image, ResourceKind, Snapshot
from amiexplorer.core.plans.guards import Blocked, Guarded, guard_each
from amiexplorer.core.plans.plan import (
    ConfirmationNeeds,
    ItemResult,
    Outcome,
    Plan,
    PlanContext,
    Step,
)
from amiexplorer.core.plans.requests import (
    MakePrivateRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.core.validation import (
    PUBLIC_WORD,
    Problem,
    check_account_id,
    check_organization_arn,
    check_ou_arn,
)


def check_permissions(
    permissions: Permissions, own_account: str, *, organizations: bool
) -> list[Problem]:
    """Every account id and ARN well formed; organizations only where `organizations` allows."""
    problems = [p for a in permissions.account_ids for p in check_account_id(a, own_account)]
    if organizations:
        problems += [p for a in permissions.organization_arns for p in check_organization_arn(a)]
        problems += [p for a in permissions.organizational_unit_arns for p in check_ou_arn(a)]
    elif permissions.organization_arns or permissions.organizational_unit_arns:
        problems.append(
            Problem(
                "organization_arns",
                "snapshots can be shared with account ids or made public, not with "
                "organizations or organizational units",
            )
        )
    return problems


def _ownership(resource: Image | Snapshot, kind: str, own: str) -> str:
    """Why the resource cannot be changed by this account, or "" when it can."""
    if resource.owner_id != own:
        return f"{kind} {resource.id} belongs to account {resource.owner_id}, not this one"
    return ""


def encrypted_snapshots_of(image: Image, ctx: PlanContext) -> tuple[str, ...]:
    """The encrypted snapshots of an image (from its mappings, or the loaded snapshots)."""
    found = []
    for mapping in image.block_device_mappings:
        if not mapping.snapshot_id:
            continue
        snapshot = ctx.inventory.snapshots.get(mapping.snapshot_id)
        if mapping.encrypted or (snapshot is not None and snapshot.encrypted):
            found.append(mapping.snapshot_id)
    return tuple(found)


def _needs(targets: list[str], public: bool) -> ConfirmationNeeds:
    return ConfirmationNeeds(
        count=len(targets) if len(targets) >= 2 else None,
        word=PUBLIC_WORD if public else None,
    )


def _names(values: tuple[str, ...], limit: int = 3) -> str:
    # An organization or OU by its id (o-…, ou-…), the end of its ARN.
    short = [v.rsplit("/", 1)[-1] if v.startswith("arn:") else v for v in values]
    shown = ", ".join(short[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def share_title(kind: str, count: int, add: Permissions, remove: Permissions) -> str:
    """For instance "share 1 image(s) with 111122223333; stop sharing with 444455556666"."""
    parts = []
    if add.public:
        parts.append(f"make {count} {kind}(s) public")
    added = add.account_ids + add.organization_arns + add.organizational_unit_arns
    if added:
        parts.append(f"share {count} {kind}(s) with {_names(added)}")
    removed = remove.account_ids + remove.organization_arns + remove.organizational_unit_arns
    if remove.public:
        parts.append(f"remove public access from {count} {kind}(s)")
    if removed:
        parts.append(f"stop sharing {count} {kind}(s) with {_names(removed)}")
    return "; ".join(parts) or f"change who may use {count} {kind}(s)"


def _launch_permissions(permissions: Permissions) -> list[dict[str, str]]:
    entries = [{"Group": PUBLIC_GROUP}] if permissions.public else []
    entries += [{"UserId": a} for a in permissions.account_ids]
    entries += [{"OrganizationArn": a} for a in permissions.organization_arns]
    entries += [{"OrganizationalUnitArn": a} for a in permissions.organizational_unit_arns]
    return entries


def plan_share_images(request: ShareImagesRequest, ctx: PlanContext) -> Plan:
    """ModifyImageAttribute: one call per image adds and removes launch permissions."""
    title = share_title("image", len(request.image_ids), request.add, request.remove)
    problems = check_permissions(request.add, ctx.account_id, organizations=True)
    problems += check_permissions(request.remove, ctx.account_id, organizations=True)
    if not request.add and not request.remove:
        problems.append(Problem("permissions", "choose someone to add or remove"))
    permission = {"Add": _launch_permissions(request.add)}
    permission["Remove"] = _launch_permissions(request.remove)
    permission = {k: v for k, v in permission.items() if v}

    def refusal_of(image: Image) -> Blocked:
        # The encrypted snapshots are named whenever the image is made public, even when it
        # is refused for another reason.
        encrypted = encrypted_snapshots_of(image, ctx) if request.add.public else ()
        why = _ownership(image, "image", ctx.account_id)
        if not why and encrypted:
            why = (
                f"image {image.id} has encrypted snapshots ({', '.join(encrypted)}): "
                "AWS never makes those public"
            )
        return Blocked(why, encrypted)

    guarded = guard_each(
        request.image_ids,
        ctx.inventory.images.get,
        (refusal_of,),
        action="ModifyImageAttribute",
        noun="image",
    )
    steps = []
    for image in guarded.passed:
        params: dict[str, Any] = {"ImageId": image.id, "LaunchPermission": permission}
        steps.append(Step("ModifyImageAttribute", image.region, (image.id,), params, refresh=image))
    targets = [image.id for image in guarded.passed]
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        problems=tuple(problems),
        needs=_needs(targets, request.add.public),
        targets=tuple(targets),
    )


def _snapshot_step(snapshot: Snapshot, operation: str, permissions: Permissions) -> Step:
    # The OperationType form: one operation per call.
    params: dict[str, Any] = {
        "SnapshotId": snapshot.id,
        "Attribute": "createVolumePermission",
        "OperationType": operation,
    }
    if permissions.account_ids:
        params["UserIds"] = list(permissions.account_ids)
    if permissions.public:
        params["GroupNames"] = [PUBLIC_GROUP]
    ids = (snapshot.id,)
    return Step("ModifySnapshotAttribute", snapshot.region, ids, params, refresh=snapshot)


def plan_share_snapshots(request: ShareSnapshotsRequest, ctx: PlanContext) -> Plan:
    """ModifySnapshotAttribute: a call to add and a call to remove, per snapshot."""
    title = share_title("snapshot", len(request.snapshot_ids), request.add, request.remove)
    problems = check_permissions(request.add, ctx.account_id, organizations=False)
    problems += check_permissions(request.remove, ctx.account_id, organizations=False)
    if not request.add and not request.remove:
        problems.append(Problem("permissions", "choose someone to add or remove"))

    def refusal_of(snapshot: Snapshot) -> str:
        if why := _ownership(snapshot, "snapshot", ctx.account_id):
            return why
        if snapshot.encrypted and request.add.public:
            return (
                f"snapshot {snapshot.id} is encrypted: AWS never makes encrypted snapshots public"
            )
        return ""

    guarded = guard_each(
        request.snapshot_ids,
        ctx.inventory.snapshots.get,
        (refusal_of,),
        action="ModifySnapshotAttribute",
        noun="snapshot",
    )
    steps = []
    for snapshot in guarded.passed:
        if request.add:
            steps.append(_snapshot_step(snapshot, "add", request.add))
        if request.remove:
            steps.append(_snapshot_step(snapshot, "remove", request.remove))
    targets = [snapshot.id for snapshot in guarded.passed]
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        problems=tuple(problems),
        needs=_needs(targets, request.add.public),
        targets=tuple(targets),
    )


def _private_step(resource: Image | Snapshot, everyone: bool) -> Step:
    ids = (resource.id,)
    if isinstance(resource, Image):
        if everyone:
            params: dict[str, Any] = {"ImageId": resource.id, "Attribute": "launchPermission"}
            return Step("ResetImageAttribute", resource.region, ids, params, refresh=resource)
        params = {"ImageId": resource.id, "LaunchPermission": {"Remove": [{"Group": "all"}]}}
        return Step("ModifyImageAttribute", resource.region, ids, params, refresh=resource)
    if everyone:
        params = {"SnapshotId": resource.id, "Attribute": "createVolumePermission"}
        return Step("ResetSnapshotAttribute", resource.region, ids, params, refresh=resource)
    return _snapshot_step(resource, "remove", Permissions(public=True))


def _private_noun(resource_id: str) -> str:
    """What a make-private request's id is, by its prefix: a snapshot, else an image."""
    return "snapshot" if kind_for_id(resource_id) is ResourceKind.SNAPSHOT else "image"


def _no_region(_resource: Image | Snapshot) -> str:
    """No region: what a refused make-private item names."""
    return ""


def _private_action(resource_id: str) -> str:
    """The call that changes who may use the resource `resource_id` names."""
    if _private_noun(resource_id) == "snapshot":
        return "ModifySnapshotAttribute"
    return "ModifyImageAttribute"


def plan_make_private(request: MakePrivateRequest, ctx: PlanContext) -> Plan:
    """Remove the group `all` (or, with `everyone`, every permission) from images and snapshots."""
    title = f"make {len(request.resource_ids)} resource(s) private"

    def lookup(resource_id: str) -> Image | Snapshot | None:
        return ctx.inventory.images.get(resource_id) or ctx.inventory.snapshots.get(resource_id)

    def refusal_of(resource: Image | Snapshot) -> str:
        return _ownership(resource, _private_noun(resource.id), ctx.account_id)

    guarded: Guarded[Image | Snapshot] = guard_each(
        request.resource_ids,
        lookup,
        (refusal_of,),
        action=_private_action,
        noun=_private_noun,
        # As ever: a refused make-private item names no region.
        region_of=_no_region,
    )
    steps, skipped, targets = [], [], []
    for resource in guarded.passed:
        resource_id = resource.id
        kind = _private_noun(resource_id)
        step = _private_step(resource, request.everyone)
        shared = bool(resource.shared_with) or resource.shared_with is None
        if resource.is_public is False and not (request.everyone and shared):
            message = f"{kind} {resource_id} is already private"
            if shared:
                # What p leaves alone, said plainly: it removes public access only.
                whom = (
                    "whatever accounts, organizations or OUs it is shared with (not read yet)"
                    if resource.shared_with is None
                    else f"its shares with {_names(resource.shared_with)}"
                )
                message = f"{kind} {resource_id} is not public: nothing to remove ({whom} stay)"
            ids = (resource_id,)
            skipped.append(ItemResult(step.action, resource.region, ids, Outcome.SKIPPED, message))
            continue
        steps.append(step)
        targets.append(resource_id)
    return Plan(
        request,
        title,
        tuple(steps),
        refused=guarded.refused,
        skipped=tuple(skipped),
        needs=_needs(targets, False),
        targets=tuple(targets),
    )
