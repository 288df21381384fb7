"""moto's images (AMIs) made to behave like AWS's (see the package's docstring for the list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amiexplorer.demo import image_references, imaging, pending_state
from amiexplorer.demo.moto_patches.wrapping import replace, wrap
from amiexplorer.demo.timefmt import aws_now


def _mark_image(ami: Any, snapshots: list[Any], seconds: float) -> None:
    """Put an image and its snapshots into pending for ``seconds``."""
    for resource in [ami, *snapshots]:
        pending_state.plant_pending(resource, seconds)


def tags_for(resource_type: str, specs: list[dict[str, Any]]) -> dict[str, str]:
    """The tags TagSpecifications give resources of `resource_type`."""
    return {
        tag["Key"]: tag.get("Value", "")
        for spec in specs
        if spec.get("ResourceType") == resource_type
        for tag in spec.get("Tags", [])
    }


def patch_backend() -> None:
    """CreateImage, CopyImage, RegisterImage and DescribeImageAttribute of ``AmiBackend``."""
    from moto.ec2.models.amis import AmiBackend

    def create_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Snapshot every volume of the instance (tagged as asked); pending for image_seconds."""

        def wrapper(self: Any, instance_id: str, *a: Any, **kw: Any) -> Any:
            specs = kw.pop("tag_specifications", None) or []
            snapshot_tags = tags_for("snapshot", specs)
            kw["tag_specifications"] = [s for s in specs if s.get("ResourceType") != "snapshot"]
            ami = original(self, instance_id, *a, **kw)
            snapshots = imaging.capture_instance(self, ami, self.get_instance(instance_id))
            if snapshot_tags:
                self.create_tags([s.id for s in snapshots], snapshot_tags)
            settings = pending_state.active_settings()
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
            settings = pending_state.active_settings()
            if settings is not None:
                _mark_image(ami, snapshots, settings.copy_seconds)
            return ami

        return wrapper

    def register_image(original: Callable[..., Any]) -> Callable[..., Any]:
        """Make the image EBS-backed HVM; pending for image_seconds."""

        def wrapper(self: Any, *a: Any, **kw: Any) -> Any:
            ami = original(self, *a, **kw)
            imaging.polish(ami)
            settings = pending_state.active_settings()
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

    wrap(AmiBackend, "describe_image_attribute", describe_image_attribute)
    wrap(AmiBackend, "create_image", create_image)
    wrap(AmiBackend, "copy_image", copy_image)
    wrap(AmiBackend, "register_image", register_image)


def patch_attributes() -> None:
    """``Ami``: the demo's block device mappings, and the attributes DescribeImageAttribute
    reads that moto's ``Ami`` lacks."""
    from moto.ec2.models.amis import Ami

    original: Any = Ami.block_device_mappings

    def mappings(self: Any) -> list[dict[str, Any]]:
        """The mappings set by the demo, else moto's."""
        custom = imaging.custom_mappings(self)
        return custom if custom is not None else list(original.fget(self))

    replace(Ami, "block_device_mappings", property(mappings))
    # DescribeImageAttribute reads these names; moto's Ami lacks them and answers HTTP 500.
    replace(Ami, "lld", property(lambda self: self.__dict__.get("last_launched_time")))
    replace(Ami, "imds", property(lambda self: self.__dict__.get("imds_support")))
    for name in ("tmp", "uefi", "ramdisk"):
        replace(Ami, name, None)


def patch_responses() -> None:
    """CopyImage (tags), DescribeImageReferences and ResetImageAttribute of ``AmisResponse``."""
    from moto.ec2.responses.amis import AmisResponse

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
        tags.update(tags_for("image", self._get_param("TagSpecifications", [])))
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

    replace(AmisResponse, "copy_image", copy_image)
    replace(AmisResponse, "describe_image_references", image_references.describe_image_references)
    replace(AmisResponse, "reset_image_attribute", reset_image_attribute)
