"""The relation graph: what uses what. One implementation for the explorer, audit and guards.

Built from an `Inventory` in one pass over each kind (linear time, so it can be rebuilt after
every load or change). AMI, snapshot, volume and instance ids are unique across regions, so
the indexes are keyed by id alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from amiexplorer.aws.descriptions import DescriptionRef, is_copy, parse_description
from amiexplorer.aws.inventory import Inventory
from amiexplorer.aws.models import (
    Image,
    Instance,
    LaunchConfiguration,
    LaunchTemplateVersion,
    Snapshot,
    Volume,
)


@dataclass(frozen=True, slots=True)
class ImageUsage:
    """Everything that keeps an image in use. An image with none of these is unused."""

    instances: tuple[Instance, ...] = ()
    launch_template_versions: tuple[LaunchTemplateVersion, ...] = ()
    launch_configurations: tuple[LaunchConfiguration, ...] = ()

    @property
    def in_use(self) -> bool:
        """True if anything at all names the image."""
        return bool(self.instances or self.launch_template_versions or self.launch_configurations)

    @property
    def launchers(self) -> int:
        """How many launch templates versions and configurations name the image."""
        return len(self.launch_template_versions) + len(self.launch_configurations)


class RelationGraph:
    """Indexes over one inventory answering "what uses what" in both directions."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self._image_instances: dict[str, list[Instance]] = defaultdict(list)
        self._image_terminated: dict[str, list[Instance]] = defaultdict(list)
        self._image_templates: dict[str, list[LaunchTemplateVersion]] = defaultdict(list)
        self._image_configurations: dict[str, list[LaunchConfiguration]] = defaultdict(list)
        self._snapshot_images: dict[str, list[Image]] = defaultdict(list)
        self._volume_snapshots: dict[str, list[Snapshot]] = defaultdict(list)
        self._volume_instances: dict[str, list[Instance]] = defaultdict(list)
        self._build()

    def _build(self) -> None:
        inv = self.inventory
        for instance in inv.instances.values():
            for volume_id in instance.volume_ids:
                self._volume_instances[volume_id].append(instance)
            if instance.image_id and not instance.is_terminated:
                self._image_instances[instance.image_id].append(instance)
            elif instance.image_id:
                self._image_terminated[instance.image_id].append(instance)
        for version in inv.launch_template_versions.values():
            if version.image_id:
                self._image_templates[version.image_id].append(version)
        for configuration in inv.launch_configurations.values():
            if configuration.image_id:
                self._image_configurations[configuration.image_id].append(configuration)
        for image in inv.images.values():
            # A registered image in any state (pending, disabled, deprecated) holds its snapshots.
            if image.is_registered:
                for snapshot_id in dict.fromkeys(image.snapshot_ids):
                    self._snapshot_images[snapshot_id].append(image)
        for snapshot in inv.snapshots.values():
            if snapshot.volume_id:
                self._volume_snapshots[snapshot.volume_id].append(snapshot)
        for volume in inv.volumes.values():
            for attachment in volume.attachments:
                attached = inv.instances.get(attachment.instance_id)
                if attached is not None and attached not in self._volume_instances[volume.id]:
                    self._volume_instances[volume.id].append(attached)

    # Images -------------------------------------------------------------------------------

    def image_usage(self, image_id: str) -> ImageUsage:
        """Instances (not terminated), launch template versions and launch configurations."""
        return ImageUsage(
            instances=tuple(self._image_instances.get(image_id, ())),
            launch_template_versions=tuple(self._image_templates.get(image_id, ())),
            launch_configurations=tuple(self._image_configurations.get(image_id, ())),
        )

    def terminated_instances_of_image(self, image_id: str) -> tuple[Instance, ...]:
        """Terminated instances that ran the image: evidence of past use, not of use."""
        return tuple(self._image_terminated.get(image_id, ()))

    def snapshots_of_image(self, image_id: str) -> tuple[Snapshot, ...]:
        """The loaded snapshots the image's block device mappings name."""
        image = self.inventory.images.get(image_id)
        if image is None:
            return ()
        found = (self.inventory.snapshots.get(s) for s in image.snapshot_ids)
        return tuple(s for s in found if s is not None)

    # Snapshots ----------------------------------------------------------------------------

    def images_of_snapshot(self, snapshot_id: str) -> tuple[Image, ...]:
        """Registered images whose block device mappings name the snapshot (it is in use)."""
        return tuple(self._snapshot_images.get(snapshot_id, ()))

    def description_of_snapshot(self, snapshot_id: str) -> DescriptionRef | None:
        """What the snapshot's description says about its origin."""
        snapshot = self.inventory.snapshots.get(snapshot_id)
        return parse_description(snapshot.description) if snapshot else None

    def described_image_id(self, snapshot_id: str) -> str | None:
        """The AMI id named in the snapshot's description (CreateImage / CopyImage)."""
        ref = self.description_of_snapshot(snapshot_id)
        return ref.image_id if ref else None

    def described_image_region(self, snapshot_id: str) -> str | None:
        """The region where the image named in the description lives (or lived).

        The snapshot's own region, except for a CopySnapshot copy of an image's snapshot, whose
        description names an image of the region it was copied from.
        """
        snapshot = self.inventory.snapshots.get(snapshot_id)
        ref = parse_description(snapshot.description) if snapshot else None
        if snapshot is None or ref is None or ref.image_id is None:
            return None
        return ref.copied_from_region or snapshot.region

    def source_volume(self, snapshot_id: str) -> Volume | None:
        """The volume the snapshot was taken from, if it still exists (never for copies)."""
        snapshot = self.inventory.snapshots.get(snapshot_id)
        if snapshot is None or not snapshot.volume_id or self.is_copy(snapshot_id):
            return None
        return self.inventory.volumes.get(snapshot.volume_id)

    def is_copy(self, snapshot_id: str) -> bool:
        """True for the result of CopySnapshot or CopyImage, whose volume id means nothing."""
        snapshot = self.inventory.snapshots.get(snapshot_id)
        return snapshot is not None and is_copy(snapshot.description, snapshot.volume_id)

    # Volumes and instances ----------------------------------------------------------------

    def instances_of_volume(self, volume_id: str) -> tuple[Instance, ...]:
        """The instances a volume is attached to."""
        return tuple(self._volume_instances.get(volume_id, ()))

    def snapshots_of_volume(self, volume_id: str) -> tuple[Snapshot, ...]:
        """Snapshots taken from the volume (copies excluded: their volume id is a placeholder)."""
        return tuple(
            s
            for s in self._volume_snapshots.get(volume_id, ())
            if not is_copy(s.description, s.volume_id)
        )

    def volumes_of_instance(self, instance_id: str) -> tuple[Volume, ...]:
        """The loaded volumes attached to the instance."""
        instance = self.inventory.instances.get(instance_id)
        if instance is None:
            return ()
        found = (self.inventory.volumes.get(v) for v in instance.volume_ids)
        return tuple(v for v in found if v is not None)

    def image_of_instance(self, instance_id: str) -> Image | None:
        """The image the instance was launched from, if it is loaded."""
        instance = self.inventory.instances.get(instance_id)
        if instance is None or not instance.image_id:
            return None
        return self.inventory.images.get(instance.image_id)
