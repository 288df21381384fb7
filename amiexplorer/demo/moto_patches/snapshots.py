"""moto's EBS snapshots made to behave like AWS's (see the package's docstring for the list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amiexplorer.demo import (
    imaging,
    pending_state,
    recovery_points,
    recycle_bin_ec2,
    snapshot_blocks,
    snapshot_locks,
)
from amiexplorer.demo.moto_patches.wrapping import replace, wrap


def patch_backend() -> None:
    """CreateSnapshot, CopySnapshot and DeleteSnapshot of moto's ``EBSBackend``."""
    from moto.ec2.models.elastic_block_store import EBSBackend

    def create_snapshot(original: Callable[..., Any]) -> Callable[..., Any]:
        """Keep the volume's KMS key; pending while pending mode is on."""

        def wrapper(self: Any, volume_id: str, description: str, *a: Any, **kw: Any) -> Any:
            snapshot = original(self, volume_id, description, *a, **kw)
            if snapshot.encrypted and not snapshot.kms_key_id:
                snapshot.kms_key_id = snapshot.volume.kms_key_id
            settings = pending_state.active_settings()
            if settings is not None:
                pending_state.plant_pending(snapshot, settings.snapshot_seconds)
            return snapshot

        return wrapper

    def copy_snapshot(original: Callable[..., Any]) -> Callable[..., Any]:
        """Write AWS's default description and vol-ffffffff; pending for copy_seconds."""

        def wrapper(
            self: Any,
            source_snapshot_id: str,
            source_region: str,
            description: str | None,
            kms_key_id: str | None,
        ) -> Any:
            from moto.ec2.models import ec2_backends

            source = ec2_backends[self.account_id][source_region].get_snapshot(source_snapshot_id)
            if not description:
                description = (
                    f"[Copied {source.id} from {source_region}] {source.description or ''}"
                )
            snapshot = original(self, source_snapshot_id, source_region, description.strip(), None)
            snapshot.volume = imaging.copied_volume(self, source.volume_size)
            snapshot.encrypted = bool(source.encrypted or kms_key_id)
            snapshot.kms_key_id = (kms_key_id or source.kms_key_id) if snapshot.encrypted else None
            settings = pending_state.active_settings()
            if settings is not None:
                pending_state.plant_pending(snapshot, settings.copy_seconds)
            return snapshot

        return wrapper

    def delete_snapshot(original: Callable[..., Any]) -> Callable[..., Any]:
        """Refuse locked snapshots, snapshots any registered (or binned) image names (not just
        their creator) and AWS Backup's recovery points; send retained ones to the bin."""

        def wrapper(self: Any, snapshot_id: str) -> Any:
            from moto.ec2.exceptions import EC2ClientError, InvalidSnapshotInUse

            snapshot = self.snapshots.get(snapshot_id)
            if snapshot is not None:
                snapshot_locks.refuse_deletion(snapshot)
            if recovery_points.SOURCE_RESOURCE_TAG in self.tags.get(snapshot_id, {}):
                raise EC2ClientError("InvalidParameterValue", recovery_points.NOT_DELETABLE)
            for ami in list(self.amis.values()):
                if snapshot_id in imaging.snapshot_ids(ami):
                    raise InvalidSnapshotInUse(snapshot_id, ami.id)
            if snapshot is not None:
                binned_image = recycle_bin_ec2.binned_image_using(self, snapshot_id)
                if binned_image is not None:
                    raise InvalidSnapshotInUse(snapshot_id, binned_image)
                diverted = recycle_bin_ec2.divert_snapshot(self, snapshot_id)
                if diverted is not None:
                    # Still stored (and billed) in the bin: its blocks stay.
                    return diverted
            deleted = original(self, snapshot_id)
            # Only once moto has deleted it (it raises otherwise): its exclusive blocks are freed.
            snapshot_blocks.forget(snapshot_id)
            return deleted

        return wrapper

    wrap(EBSBackend, "create_snapshot", create_snapshot)
    wrap(EBSBackend, "copy_snapshot", copy_snapshot)
    wrap(EBSBackend, "delete_snapshot", delete_snapshot)


def patch_responses() -> None:
    """DescribeSnapshots (RestorableByUserIds) and ResetSnapshotAttribute of moto's
    ``ElasticBlockStore`` responses."""
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def describe_snapshots(original: Callable[..., Any]) -> Callable[..., Any]:
        """Keep only the snapshots RestorableByUserIds names, as AWS does; report
        FullSnapshotSizeInBytes (moto has no such member)."""

        def wrapper(self: Any) -> Any:
            restorable = set(self._get_param("RestorableByUserIds", []) or [])
            if not restorable:
                return _with_full_sizes(original(self))
            from moto.core.responses import ActionResult

            snapshots = self.ec2_backend.describe_snapshots(
                snapshot_ids=self._get_param("SnapshotIds", []),
                filters=self._filters_from_querystring(),
            )
            kept = [
                s
                for s in snapshots
                if "all" in s.create_volume_permission_groups
                or restorable & s.create_volume_permission_userids
            ]
            return _with_full_sizes(ActionResult({"Snapshots": kept}))

        return wrapper

    def reset_snapshot_attribute(self: Any) -> Any:
        """createVolumePermission reset: nobody else may create volumes from the snapshot."""
        from moto.core.responses import EmptyResult

        snapshot_id = self._get_param("SnapshotId")
        self.error_on_dryrun()
        snapshot = self.ec2_backend.get_snapshot(snapshot_id)
        snapshot.create_volume_permission_groups.clear()
        snapshot.create_volume_permission_userids.clear()
        return EmptyResult()

    wrap(ElasticBlockStore, "describe_snapshots", describe_snapshots)
    replace(ElasticBlockStore, "reset_snapshot_attribute", reset_snapshot_attribute)


def _with_full_sizes(result: Any) -> Any:
    """Set ``full_snapshot_size_in_bytes`` (which moto's serializer reads for the
    FullSnapshotSizeInBytes member) on every snapshot of a DescribeSnapshots result.

    AWS reports it for completed standard-tier snapshots: the snapshot's blocks x 512 KiB. It
    is set per answer, on the objects (no class attribute is patched), so a snapshot archived or
    re-recorded since is described as it is now; None leaves the member out.
    """
    snapshots = getattr(result, "result", {}).get("Snapshots", [])
    for snapshot in snapshots:
        complete = snapshot.status == "completed" and snapshot.storage_tier == "standard"
        snapshot.full_snapshot_size_in_bytes = (
            snapshot_blocks.count(snapshot_blocks.map_for(snapshot)) * snapshot_blocks.BLOCK_SIZE
            if complete
            else None
        )
    return result
