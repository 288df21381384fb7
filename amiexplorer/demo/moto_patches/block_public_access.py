"""Block public access for AMIs and snapshots on moto (see ``demo.block_public_access`` and the
package's docstring): the six EC2 actions, the refusals of new public sharing, and
block-all-sharing's already public snapshots treated as private."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amiexplorer.demo import block_public_access as bpa
from amiexplorer.demo.ec2_pages import ec2_error
from amiexplorer.demo.moto_patches.wrapping import replace, wrap


def _requested(self: Any, name: str, allowed: tuple[str, ...]) -> str:
    """The enum parameter ``name``, checked before DryRun (as AWS validates it first)."""
    value = self._get_param(name)
    if not value:
        raise ec2_error("MissingParameter", f"The request must contain the parameter {name}")
    if value not in allowed:
        raise ec2_error(
            "InvalidParameterValue",
            f"Value ({value}) for parameter {name} is invalid. Valid values: {', '.join(allowed)}.",
        )
    return str(value)


def get_image_block_public_access_state(self: Any) -> Any:
    """Action=GetImageBlockPublicAccessState."""
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    return ActionResult({
        "ImageBlockPublicAccessState": bpa.image_state(self.ec2_backend),
        "ManagedBy": bpa.MANAGED_BY,
    })  # fmt: skip


def enable_image_block_public_access(self: Any) -> Any:
    """Action=EnableImageBlockPublicAccess."""
    from moto.core.responses import ActionResult

    state = _requested(self, "ImageBlockPublicAccessState", bpa.IMAGE_ENABLE_STATES)
    self.error_on_dryrun()
    bpa.set_image_state(self.ec2_backend, state)
    return ActionResult({"ImageBlockPublicAccessState": state})


def disable_image_block_public_access(self: Any) -> Any:
    """Action=DisableImageBlockPublicAccess."""
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    bpa.set_image_state(self.ec2_backend, bpa.UNBLOCKED)
    return ActionResult({"ImageBlockPublicAccessState": bpa.UNBLOCKED})


def get_snapshot_block_public_access_state(self: Any) -> Any:
    """Action=GetSnapshotBlockPublicAccessState."""
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    return ActionResult(
        {"State": bpa.snapshot_state(self.ec2_backend), "ManagedBy": bpa.MANAGED_BY}
    )


def enable_snapshot_block_public_access(self: Any) -> Any:
    """Action=EnableSnapshotBlockPublicAccess."""
    from moto.core.responses import ActionResult

    state = _requested(self, "State", bpa.SNAPSHOT_ENABLE_STATES)
    self.error_on_dryrun()
    bpa.set_snapshot_state(self.ec2_backend, state)
    return ActionResult({"State": state})


def disable_snapshot_block_public_access(self: Any) -> Any:
    """Action=DisableSnapshotBlockPublicAccess."""
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    bpa.set_snapshot_state(self.ec2_backend, bpa.UNBLOCKED)
    return ActionResult({"State": bpa.UNBLOCKED})


def patch_backend() -> None:
    """Refuse new public sharing while blocked; keep block-all-sharing's public snapshots
    public in their attribute (AWS does not change the permission) but private elsewhere."""
    from moto.ec2.models.amis import AmiBackend
    from moto.ec2.models.elastic_block_store import EBSBackend, Snapshot

    def modify_image_attribute(original: Callable[..., Any]) -> Callable[..., Any]:
        """Refuse adding launch permission Group=all while AMI sharing is blocked."""

        def wrapper(
            self: Any,
            ami_id: str,
            launch_permissions_to_add: list[dict[str, str]],
            launch_permissions_to_remove: list[dict[str, str]],
        ) -> Any:
            if {"Group": bpa.PUBLIC} in (launch_permissions_to_add or []):
                bpa.refuse_public_image(self, ami_id)
            return original(self, ami_id, launch_permissions_to_add, launch_permissions_to_remove)

        return wrapper

    def add_create_volume_permission(original: Callable[..., Any]) -> Callable[..., Any]:
        """Refuse adding createVolumePermission Group=all while snapshot sharing is blocked."""

        def wrapper(self: Any, snapshot_id: str, user_ids: list[str], groups: list[str]) -> Any:
            if bpa.PUBLIC in (groups or []):
                self.get_snapshot(snapshot_id)  # an unknown snapshot is NotFound first
                bpa.refuse_public_snapshot(self, snapshot_id)
            return original(self, snapshot_id, user_ids, groups)

        return wrapper

    def get_create_volume_permission_groups(original: Callable[..., Any]) -> Callable[..., Any]:
        """DescribeSnapshotAttribute: the permission as stored, Group=all included."""

        def wrapper(self: Any, snapshot_id: str) -> set[str]:
            original(self, snapshot_id)  # moto's checks (InvalidSnapshot.NotFound)
            return bpa.permission_groups(self.get_snapshot(snapshot_id))

        return wrapper

    wrap(AmiBackend, "modify_image_attribute", modify_image_attribute)
    wrap(EBSBackend, "add_create_volume_permission", add_create_volume_permission)
    wrap(EBSBackend, "get_create_volume_permission_groups", get_create_volume_permission_groups)
    # A plain attribute moto assigns in __init__, made a property: whatever reads it to decide
    # whether a snapshot is public (DescribeSnapshots' RestorableByUserIds=all) sees no
    # Group=all under block-all-sharing.
    replace(
        Snapshot,
        "create_volume_permission_groups",
        property(bpa.shown_groups, bpa.set_groups),
    )


def patch_responses() -> None:
    """The six block public access actions, on moto's AMI and EBS response classes."""
    from moto.ec2.responses.amis import AmisResponse
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    image_actions: dict[str, Callable[..., Any]] = {
        "get_image_block_public_access_state": get_image_block_public_access_state,
        "enable_image_block_public_access": enable_image_block_public_access,
        "disable_image_block_public_access": disable_image_block_public_access,
    }
    snapshot_actions: dict[str, Callable[..., Any]] = {
        "get_snapshot_block_public_access_state": get_snapshot_block_public_access_state,
        "enable_snapshot_block_public_access": enable_snapshot_block_public_access,
        "disable_snapshot_block_public_access": disable_snapshot_block_public_access,
    }
    for name, action in image_actions.items():
        replace(AmisResponse, name, action)
    for name, action in snapshot_actions.items():
        replace(ElasticBlockStore, name, action)


def patch() -> None:
    """Install both halves (``moto_patches.install`` calls it once)."""
    patch_backend()
    patch_responses()
