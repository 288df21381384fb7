"""AWS's lifecycle guards on moto's snapshots and images (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amiexplorer.demo import (
    deregistration,
    fast_restores,
    recycle_bin_ec2,
    snapshot_locks,
)
from amiexplorer.demo.moto_patches.wrapping import replace, wrap


def patch_backend() -> None:
    """DeregisterImage of ``AmiBackend``: protected images refused, retained ones binned."""
    from moto.ec2.models.amis import AmiBackend

    def deregister_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Refuse a protected image; send one a Recycle Bin rule retains to the bin."""

        def wrapper(self: Any, ami_id: str) -> Any:
            image = self.amis.get(ami_id)
            if image is not None:
                deregistration.refuse_deregistration(image)
                if recycle_bin_ec2.divert_image(self, ami_id):
                    return None
            return original(self, ami_id)

        return wrapper

    wrap(AmiBackend, "deregister_image", deregister_image)


def patch_attributes() -> None:
    """``Ami.deregistration_protection``, which DescribeImages serializes."""
    from moto.ec2.models.amis import Ami

    replace(Ami, "deregistration_protection", property(deregistration.value_of))


def patch_responses() -> None:
    """The guards' EC2 actions, on moto's AMI and EBS response classes."""
    from moto.ec2.responses.amis import AmisResponse
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    snapshot_actions: dict[str, Callable[..., Any]] = {
        "lock_snapshot": snapshot_locks.lock_snapshot,
        "unlock_snapshot": snapshot_locks.unlock_snapshot,
        "describe_locked_snapshots": snapshot_locks.describe_locked_snapshots,
        "enable_fast_snapshot_restores": fast_restores.enable_fast_snapshot_restores,
        "disable_fast_snapshot_restores": fast_restores.disable_fast_snapshot_restores,
        "describe_fast_snapshot_restores": fast_restores.describe_fast_snapshot_restores,
        "list_snapshots_in_recycle_bin": recycle_bin_ec2.list_snapshots_in_recycle_bin,
        "restore_snapshot_from_recycle_bin": recycle_bin_ec2.restore_snapshot_from_recycle_bin,
    }
    image_actions: dict[str, Callable[..., Any]] = {
        "enable_image_deregistration_protection": (
            deregistration.enable_image_deregistration_protection
        ),
        "disable_image_deregistration_protection": (
            deregistration.disable_image_deregistration_protection
        ),
        "list_images_in_recycle_bin": recycle_bin_ec2.list_images_in_recycle_bin,
        "restore_image_from_recycle_bin": recycle_bin_ec2.restore_image_from_recycle_bin,
    }
    for name, action in snapshot_actions.items():
        replace(ElasticBlockStore, name, action)
    for name, action in image_actions.items():
        replace(AmisResponse, name, action)
