"""The EC2 side of the Recycle Bin: deletes diverted into the bin, its listings and restores.

moto 5.2.5 has no Recycle Bin: DeleteSnapshot and DeregisterImage destroy at once, and
``ListSnapshotsInRecycleBin``, ``ListImagesInRecycleBin``, ``RestoreSnapshotFromRecycleBin`` and
``RestoreImageFromRecycleBin`` answer HTTP 500. What AWS documents (EC2 API reference
API_ListSnapshotsInRecycleBin.html, API_ListImagesInRecycleBin.html,
API_RestoreSnapshotFromRecycleBin.html, API_RestoreImageFromRecycleBin.html; EBS user guide
"Recycle Bin", recycle-bin.html):

- a deleted snapshot or deregistered image that a retention rule of its region matches (see
  ``recycle_bin``) goes to the bin instead of being destroyed; it is no longer described by
  DescribeSnapshots / DescribeImages, and is listed with ``RecycleBinEnterTime`` and
  ``RecycleBinExitTime`` (enter + the rule's retention period);
- restoring puts it back, same id; RestoreSnapshotFromRecycleBin answers the snapshot's fields,
  RestoreImageFromRecycleBin ``Return: true``;
- "You can't delete snapshots that are associated with an AMI that is in the Recycle Bin".

The demo's choices: restoring something that is not in the bin answers EC2's
``InvalidSnapshot.NotFound`` (``The snapshot 'snap-...' does not exist.``) or
``InvalidAMIID.NotFound`` (``The image id '[ami-...]' does not exist``); ids given to the
listings that are not in the bin are left out silently; ``MaxResults`` ranges are the model's
(5-1000 for snapshots, 1-1000 for images).
"""

from __future__ import annotations

from typing import Any

from amiexplorer.demo import imaging, recycle_bin
from amiexplorer.demo.ec2_pages import ec2_error, page
from amiexplorer.demo.timefmt import aws_now


def _divert(backend: Any, table: dict[str, Any], resource_type: str, resource_id: str) -> Any:
    """Move what `table` holds under `resource_id` into the bin if a rule retains it; returns
    it (None: not there, or no rule retains it)."""
    resource = table.get(resource_id)
    if resource is None:
        return None
    tags = backend.tags.get(resource_id, {})
    rule = recycle_bin.retaining_rule(backend.region_name, backend.account_id, resource_type, tags)
    if rule is None:
        return None
    table.pop(resource_id)
    recycle_bin.put_in_bin(rule, resource_type, resource, aws_now())
    return resource


def divert_snapshot(backend: Any, snapshot_id: str) -> Any | None:
    """Move a snapshot a rule retains into the bin; returns it (None: no rule retains it)."""
    return _divert(backend, backend.snapshots, recycle_bin.EBS_SNAPSHOT, snapshot_id)


def divert_image(backend: Any, image_id: str) -> bool:
    """Move an image a rule retains into the bin; False when no rule retains it."""
    return _divert(backend, backend.amis, recycle_bin.EC2_IMAGE, image_id) is not None


def binned_image_using(backend: Any, snapshot_id: str) -> str | None:
    """The id of an image in the bin whose block device mappings name ``snapshot_id``."""
    for entry in recycle_bin.in_bin(backend.region_name, backend.account_id, recycle_bin.EC2_IMAGE):
        if snapshot_id in imaging.snapshot_ids(entry.resource):
            return entry.resource_id
    return None


# moto response methods (installed on moto's responses by moto_patches) -----------------------


def list_snapshots_in_recycle_bin(self: Any) -> Any:
    """Action=ListSnapshotsInRecycleBin."""
    from moto.core.responses import ActionResult

    wanted = {str(i) for i in self._get_param("SnapshotIds", []) or []}
    max_results = self._get_int_param("MaxResults")
    token = self._get_param("NextToken")
    self.error_on_dryrun()
    entries = recycle_bin.in_bin(self.region, self.current_account, recycle_bin.EBS_SNAPSHOT)
    found = [
        {
            "SnapshotId": e.resource_id,
            "RecycleBinEnterTime": e.entered,
            "RecycleBinExitTime": e.exits,
            "Description": e.resource.description or "",
            "VolumeId": e.resource.volume.id,
        }
        for e in entries
        if not wanted or e.resource_id in wanted
    ]
    kept, following = page(found, max_results, token, prefix="rbin-snap:", minimum=5, maximum=1000)
    result: dict[str, Any] = {"Snapshots": kept}
    if following is not None:
        result["NextToken"] = following
    return ActionResult(result)


def list_images_in_recycle_bin(self: Any) -> Any:
    """Action=ListImagesInRecycleBin."""
    from moto.core.responses import ActionResult

    wanted = {str(i) for i in self._get_param("ImageIds", []) or []}
    max_results = self._get_int_param("MaxResults")
    token = self._get_param("NextToken")
    self.error_on_dryrun()
    entries = recycle_bin.in_bin(self.region, self.current_account, recycle_bin.EC2_IMAGE)
    found = [
        {
            "ImageId": e.resource_id,
            "Name": e.resource.name,
            "Description": e.resource.description or "",
            "RecycleBinEnterTime": e.entered,
            "RecycleBinExitTime": e.exits,
        }
        for e in entries
        if not wanted or e.resource_id in wanted
    ]
    kept, following = page(found, max_results, token, prefix="rbin-ami:", minimum=1, maximum=1000)
    result: dict[str, Any] = {"Images": kept}
    if following is not None:
        result["NextToken"] = following
    return ActionResult(result)


def restore_snapshot_from_recycle_bin(self: Any) -> Any:
    """Action=RestoreSnapshotFromRecycleBin: the snapshot is back, same id."""
    from moto.core.responses import ActionResult

    snapshot_id = str(self._get_param("SnapshotId") or "")
    kind = recycle_bin.EBS_SNAPSHOT
    binned = {e.resource_id for e in recycle_bin.in_bin(self.region, self.current_account, kind)}
    if snapshot_id not in binned:
        raise ec2_error("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
    self.error_on_dryrun()
    entry = recycle_bin.take_from_bin(self.region, self.current_account, kind, snapshot_id)
    if entry is None:  # restored meanwhile by another request
        raise ec2_error("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
    snapshot = entry.resource
    self.ec2_backend.snapshots[snapshot_id] = snapshot
    return ActionResult({
        "SnapshotId": snapshot_id,
        "Description": snapshot.description or "",
        "Encrypted": bool(snapshot.encrypted),
        "OwnerId": snapshot.owner_id,
        "Progress": "100%",
        "StartTime": snapshot.start_time,
        "State": "completed",
        "VolumeId": snapshot.volume.id,
        "VolumeSize": int(snapshot.volume_size),
    })  # fmt: skip


def restore_image_from_recycle_bin(self: Any) -> Any:
    """Action=RestoreImageFromRecycleBin: the image is registered again, same id."""
    from moto.core.responses import ActionResult

    image_id = str(self._get_param("ImageId") or "")
    kind = recycle_bin.EC2_IMAGE
    missing = ec2_error("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
    binned = {e.resource_id for e in recycle_bin.in_bin(self.region, self.current_account, kind)}
    if image_id not in binned:
        raise missing
    self.error_on_dryrun()
    entry = recycle_bin.take_from_bin(self.region, self.current_account, kind, image_id)
    if entry is None:
        raise missing
    self.ec2_backend.amis[image_id] = entry.resource
    return ActionResult({"Return": True})
