"""Patches to moto's EC2 models that make the demo behave like AWS.

Installed once per process, lazily (by ``DemoServer.start``, ``seed_world`` and
``enable_pending``), never at import: merely importing the demo changes nothing in moto.

- Pending states (see ``pending``) for CreateSnapshot(s), CopySnapshot, CreateImage, CopyImage
  and RegisterImage while pending mode is on.
- CreateImage / CopyImage snapshot every volume / source snapshot (see ``imaging``); CopySnapshot
  writes AWS's default description and reports ``vol-ffffffff``.
- DescribeSnapshots honours RestorableByUserIds (moto ignores it and lists every snapshot):
  `all` lists public snapshots, an account id those shared with it or public.
- DeleteSnapshot refuses a snapshot that any registered image names (``InvalidSnapshot.InUse``);
  moto only checks the image the snapshot was created for. It refuses AWS Backup's snapshots
  (tagged aws:backup:source-resource) as EC2 does, with InvalidParameterValue.
- Snapshots remember the KMS key of their volume (moto drops it).
- CreateImage applies its ``snapshot`` TagSpecifications to the snapshots it makes, and
  CopyImage honours CopyImageTags and TagSpecifications (moto raises NotImplementedError or
  ignores them).
- ResetImageAttribute (launchPermission) and ResetSnapshotAttribute (createVolumePermission)
  make the resource private again (moto answers NotImplementedError).
- DescribeImageAttribute for lastLaunchedTime, imdsSupport, tpmSupport, uefiData and ramdisk no
  longer crashes moto with an AttributeError, nor does it for an unknown or deregistered image
  (InvalidAMIID.NotFound / InvalidAMIID.Unavailable, as in AWS).
- DescribeImageReferences is answered from moto's instances, launch templates and SSM
  parameters (see ``image_references``); moto answers it with HTTP 500.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from amiexplorer.demo import image_references, imaging, pending, recovery_points
from amiexplorer.demo.timefmt import aws_now

_lock = threading.Lock()
_installed = False


def _mark_image(ami: Any, snapshots: list[Any], seconds: float) -> None:
    """Put an image and its snapshots into pending for ``seconds``."""
    for resource in [ami, *snapshots]:
        pending.plant_pending(resource, seconds)


def _wrap(cls: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``cls.name`` with ``make(original)``."""
    original = getattr(cls, name)
    setattr(cls, name, functools.wraps(original)(make(original)))


def _patch_snapshots(ebs_backend: type) -> None:
    def create_snapshot(original: Callable[..., Any]) -> Callable[..., Any]:
        """Keep the volume's KMS key; pending while pending mode is on."""

        def wrapper(self: Any, volume_id: str, description: str, *a: Any, **kw: Any) -> Any:
            snapshot = original(self, volume_id, description, *a, **kw)
            if snapshot.encrypted and not snapshot.kms_key_id:
                snapshot.kms_key_id = snapshot.volume.kms_key_id
            settings = pending.active_settings()
            if settings is not None:
                pending.plant_pending(snapshot, settings.snapshot_seconds)
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
            settings = pending.active_settings()
            if settings is not None:
                pending.plant_pending(snapshot, settings.copy_seconds)
            return snapshot

        return wrapper

    def delete_snapshot(original: Callable[..., Any]) -> Callable[..., Any]:
        """Refuse snapshots any registered image names (not just their creator) and AWS
        Backup's recovery points."""

        def wrapper(self: Any, snapshot_id: str) -> Any:
            from moto.ec2.exceptions import EC2ClientError, InvalidSnapshotInUse

            if recovery_points.SOURCE_RESOURCE_TAG in self.tags.get(snapshot_id, {}):
                raise EC2ClientError("InvalidParameterValue", recovery_points.NOT_DELETABLE)
            for ami in list(self.amis.values()):
                if snapshot_id in imaging.snapshot_ids(ami):
                    raise InvalidSnapshotInUse(snapshot_id, ami.id)
            return original(self, snapshot_id)

        return wrapper

    _wrap(ebs_backend, "create_snapshot", create_snapshot)
    _wrap(ebs_backend, "copy_snapshot", copy_snapshot)
    _wrap(ebs_backend, "delete_snapshot", delete_snapshot)


def _patch_images(ami_backend: type) -> None:
    def create_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Snapshot every volume of the instance (tagged as asked); pending for image_seconds."""

        def wrapper(self: Any, instance_id: str, *a: Any, **kw: Any) -> Any:
            specs = kw.pop("tag_specifications", None) or []
            snapshot_tags = _tags_for("snapshot", specs)
            kw["tag_specifications"] = [s for s in specs if s.get("ResourceType") != "snapshot"]
            ami = original(self, instance_id, *a, **kw)
            snapshots = imaging.capture_instance(self, ami, self.get_instance(instance_id))
            if snapshot_tags:
                self.create_tags([s.id for s in snapshots], snapshot_tags)
            settings = pending.active_settings()
            if settings is not None:
                _mark_image(ami, snapshots, settings.image_seconds)
            return ami

        return wrapper

    def copy_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Copy every snapshot of the source with CopyImage descriptions; pending."""

        def wrapper(self: Any, source_image_id: str, source_region: str, *a: Any, **kw: Any) -> Any:
            from moto.ec2.models import ec2_backends

            ami = original(self, source_image_id, source_region, *a, **kw)
            source = ec2_backends[self.account_id][source_region].amis[source_image_id]
            kms_key = self.default_kms_key_id or None
            if kms_key is None and any(
                s.get("Ebs", {}).get("Encrypted") for s in imaging.block_device_mappings(source)
            ):
                # Encrypted snapshots need a key of the destination region.
                kms_key = self._create_default_encryption_key()
            snapshots = imaging.capture_copy(self, ami, source, source_region, kms_key, aws_now())
            settings = pending.active_settings()
            if settings is not None:
                _mark_image(ami, snapshots, settings.copy_seconds)
            return ami

        return wrapper

    def register_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Make the image EBS-backed HVM; pending for image_seconds."""

        def wrapper(self: Any, *a: Any, **kw: Any) -> Any:
            ami = original(self, *a, **kw)
            imaging.polish(ami)
            settings = pending.active_settings()
            if settings is not None:
                _mark_image(ami, [ami.ebs_snapshot], settings.image_seconds)
            return ami

        return wrapper

    def describe_image_attribute(original: Callable[..., Any]) -> Callable[..., Any]:
        """Answer InvalidAMIID.* for unknown images instead of crashing."""

        def wrapper(self: Any, ami_id: str, attribute_name: str) -> Any:
            from moto.ec2.exceptions import InvalidAMIIdError, UnvailableAMIIdError

            # moto raises KeyError (HTTP 500) for an image it does not hold.
            if ami_id not in self.amis:
                if ami_id in self.deleted_amis:
                    raise UnvailableAMIIdError(ami_id)
                raise InvalidAMIIdError(ami_id)
            return original(self, ami_id, attribute_name)

        return wrapper

    _wrap(ami_backend, "describe_image_attribute", describe_image_attribute)
    _wrap(ami_backend, "create_image", create_image)
    _wrap(ami_backend, "copy_image", copy_image)
    _wrap(ami_backend, "register_image", register_image)


def _tags_for(resource_type: str, specs: list[dict[str, Any]]) -> dict[str, str]:
    """The tags TagSpecifications give resources of `resource_type`."""
    return {
        tag["Key"]: tag.get("Value", "")
        for spec in specs
        if spec.get("ResourceType") == resource_type
        for tag in spec.get("Tags", [])
    }


def _patch_responses(amis_response: type, ebs_response: type) -> None:
    """Calls moto answers with NotImplementedError, or whose parameters it ignores."""

    def copy_image(self: Any) -> Any:
        """CopyImage with CopyImageTags and TagSpecifications."""
        from moto.core.responses import ActionResult
        from moto.ec2.models import ec2_backends

        source_id = self._get_param("SourceImageId")
        source_region = self._get_param("SourceRegion")
        self.error_on_dryrun()
        image = self.ec2_backend.copy_image(
            source_id, source_region, self._get_param("Name"), self._get_param("Description")
        )
        tags: dict[str, str] = {}
        if str(self._get_param("CopyImageTags", False)).lower() == "true":
            source_tags = ec2_backends[self.current_account][source_region].tags
            tags.update(source_tags.get(source_id, {}))
        tags.update(_tags_for("image", self._get_param("TagSpecifications", [])))
        if tags:
            self.ec2_backend.create_tags([image.id], tags)
        return ActionResult({"ImageId": image.id})

    def reset_image_attribute(self: Any) -> Any:
        """Only launchPermission can be reset (as in AWS): the image becomes private."""
        from moto.core.responses import ActionResult

        image_id = self._get_param("ImageId")
        self.error_on_dryrun()
        self.ec2_backend.describe_images(ami_ids=[image_id])  # InvalidAMIID.NotFound
        self.ec2_backend.amis[image_id].launch_permissions.clear()
        return ActionResult({"Return": True})

    def reset_snapshot_attribute(self: Any) -> Any:
        """createVolumePermission reset: nobody else may create volumes from the snapshot."""
        from moto.core.responses import EmptyResult

        snapshot_id = self._get_param("SnapshotId")
        self.error_on_dryrun()
        snapshot = self.ec2_backend.get_snapshot(snapshot_id)
        snapshot.create_volume_permission_groups.clear()
        snapshot.create_volume_permission_userids.clear()
        return EmptyResult()

    amis_response.copy_image = copy_image  # type: ignore[attr-defined]
    describe_references = image_references.describe_image_references
    amis_response.describe_image_references = describe_references  # type: ignore[attr-defined]
    amis_response.reset_image_attribute = reset_image_attribute  # type: ignore[attr-defined]
    ebs_response.reset_snapshot_attribute = reset_snapshot_attribute  # type: ignore[attr-defined]


def _patch_snapshot_listing() -> None:
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def describe_snapshots(original: Callable[..., Any]) -> Callable[..., Any]:
        """Keep only the snapshots RestorableByUserIds names, as AWS does."""

        def wrapper(self: Any) -> Any:
            restorable = set(self._get_param("RestorableByUserIds", []) or [])
            if not restorable:
                return original(self)
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
            return ActionResult({"Snapshots": kept})

        return wrapper

    _wrap(ElasticBlockStore, "describe_snapshots", describe_snapshots)


def _patch_ami_attributes(ami_class: Any) -> None:
    original = ami_class.block_device_mappings

    def mappings(self: Any) -> list[dict[str, Any]]:
        """The mappings set by the demo, else moto's."""
        custom = imaging.custom_mappings(self)
        return custom if custom is not None else list(original.fget(self))

    ami_class.block_device_mappings = property(mappings)
    # DescribeImageAttribute reads these names; moto's Ami lacks them and answers HTTP 500.
    ami_class.lld = property(lambda self: self.__dict__.get("last_launched_time"))
    ami_class.imds = property(lambda self: self.__dict__.get("imds_support"))
    for name in ("tmp", "uefi", "ramdisk"):
        setattr(ami_class, name, None)


def install_patches() -> None:
    """Install every patch once per process (thread-safe, idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from moto.ec2.models.amis import Ami, AmiBackend
        from moto.ec2.models.elastic_block_store import EBSBackend
        from moto.ec2.responses.amis import AmisResponse
        from moto.ec2.responses.elastic_block_store import ElasticBlockStore

        pending.install_descriptors()
        _patch_snapshots(EBSBackend)
        _patch_snapshot_listing()
        _patch_images(AmiBackend)
        _patch_ami_attributes(Ami)
        _patch_responses(AmisResponse, ElasticBlockStore)
        _installed = True
