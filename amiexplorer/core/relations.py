"""The relation graph: what uses what. One implementation for the explorer, audit and guards.

The indexes are built from an `Inventory` in one pass over each kind, once per inventory, and
then follow every change the inventory makes (it tells its watchers), so asking for the
graph of an inventory of 100,000 snapshots is free however often the screen redraws. AMI,
snapshot, volume and instance ids are unique across regions, so the indexes are keyed by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from amiexplorer.core.descriptions import DescriptionRef, Origin, parse_description
from amiexplorer.core.descriptions import is_copy as description_is_copy
from amiexplorer.core.evidence import ImageParameter, ImageReference
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import (
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
    #: SSM parameters whose value (or a version a launch template pins) names the image.
    parameters: tuple[ImageParameter, ...] = ()
    #: Launch template versions whose ImageId is `resolve:ssm:` one of those parameters.
    resolving_versions: tuple[tuple[LaunchTemplateVersion, ImageParameter], ...] = ()
    #: What EC2's DescribeImageReferences said references it (where it was asked).
    references: tuple[ImageReference, ...] = ()

    @property
    def in_use(self) -> bool:
        """True if anything at all names the image."""
        return bool(
            self.instances
            or self.launch_template_versions
            or self.launch_configurations
            or self.parameters
            or self.resolving_versions
            or self.references
        )

    @property
    def launchers(self) -> int:
        """How many launch templates versions and configurations name the image."""
        return (
            len(self.launch_template_versions)
            + len(self.launch_configurations)
            + len(self.resolving_versions)
        )

    def references_in_words(self) -> str | None:
        """What beyond instances and launchers naming its id keeps it in use, in words.

        For instance "in use by SSM parameter /golden/web, which launch template web (v3)
        resolves".
        """
        parts = []
        for parameter in self.parameters:
            versions = [v.label for v, p in self.resolving_versions if p == parameter]
            text = f"in use by {parameter.label}"
            if versions:
                noun = "launch template" if len(versions) == 1 else "launch templates"
                verb = "resolves" if len(versions) == 1 else "resolve"
                text += f", which {noun} {', '.join(versions)} {verb}"
            parts.append(text)
        kinds = sorted({r.resource_type for r in self.references})
        if kinds:
            parts.append(
                f"referenced according to EC2 (DescribeImageReferences: {', '.join(kinds)})"
            )
        return "; ".join(parts) or None


def _image_of_instance(instance: Instance) -> Iterable[str]:
    # A terminated instance no longer uses its image.
    return (instance.image_id,) if instance.image_id and not instance.is_terminated else ()


def _image_of_terminated(instance: Instance) -> Iterable[str]:
    return (instance.image_id,) if instance.image_id and instance.is_terminated else ()


def _image_of_launcher(launcher: LaunchTemplateVersion | LaunchConfiguration) -> Iterable[str]:
    return (launcher.image_id,) if launcher.image_id else ()


def _snapshots_of_image(image: Image) -> Iterable[str]:
    # A registered image in any state (pending, disabled, deprecated) holds its snapshots.
    return dict.fromkeys(image.snapshot_ids) if image.is_registered else ()


def _volume_of_snapshot(snapshot: Snapshot) -> Iterable[str]:
    return (snapshot.volume_id,) if snapshot.volume_id else ()


def _volumes_of_instance(instance: Instance) -> Iterable[str]:
    return instance.volume_ids


def _parameter_of_version(version: LaunchTemplateVersion) -> Iterable[str]:
    selector = version.ssm_parameter
    return (f"{version.region}|{selector}",) if selector else ()


class _Index:
    """One "key -> resources naming it" index, kept in the inventory's order of arrival."""

    __slots__ = ("entries", "keys_of")

    def __init__(self, keys_of: Callable[[Any], Iterable[str]]) -> None:
        self.keys_of = keys_of
        self.entries: dict[str, list[Any]] = {}

    def add(self, resource: Any) -> None:
        for key in self.keys_of(resource):
            self.entries.setdefault(key, []).append(resource)

    def replace(self, old: Any, new: Any | None) -> None:
        """Swap `old` for `new` in place where both name the same key (the order stays)."""
        new_keys = list(self.keys_of(new)) if new is not None else []
        for key in self.keys_of(old):
            entries = self.entries.get(key)
            if entries is None:
                continue
            for position, entry in enumerate(entries):
                if entry is old:
                    if key in new_keys:
                        entries[position] = new
                        new_keys.remove(key)
                    else:
                        del entries[position]
                    break
            if not entries:
                del self.entries[key]
        for key in new_keys:
            self.entries.setdefault(key, []).append(new)

    def get(self, key: str) -> tuple[Any, ...]:
        return tuple(self.entries.get(key, ()))


class RelationIndex:
    """Every index of one inventory, kept up to date as the inventory changes."""

    def __init__(self, inventory: Inventory) -> None:
        self.image_instances = _Index(_image_of_instance)
        self.image_terminated = _Index(_image_of_terminated)
        self.image_templates = _Index(_image_of_launcher)
        self.image_configurations = _Index(_image_of_launcher)
        #: "region|NAME[:VERSION]" -> launch template versions that resolve:ssm that parameter.
        self.parameter_templates = _Index(_parameter_of_version)
        self.snapshot_images = _Index(_snapshots_of_image)
        self.volume_snapshots = _Index(_volume_of_snapshot)
        self.volume_instances = _Index(_volumes_of_instance)
        self._by_type: dict[type, tuple[_Index, ...]] = {
            Instance: (self.image_instances, self.image_terminated, self.volume_instances),
            LaunchTemplateVersion: (self.image_templates, self.parameter_templates),
            LaunchConfiguration: (self.image_configurations,),
            Image: (self.snapshot_images,),
            Snapshot: (self.volume_snapshots,),
            Volume: (),
        }
        #: What each snapshot's description says, by snapshot (parsing is a few regexes).
        self.descriptions: dict[str, tuple[Snapshot, DescriptionRef | None]] = {}
        for table in (
            inventory.instances,
            inventory.launch_template_versions,
            inventory.launch_configurations,
            inventory.images,
            inventory.snapshots,
        ):
            for resource in table.values():
                self.changed(None, resource)
        inventory.watch(self.changed)

    def changed(self, old: Any, new: Any) -> None:
        """The inventory added, replaced or removed a resource."""
        indexes = self._by_type[type(new if new is not None else old)]
        for index in indexes:
            if old is None:
                index.add(new)
            else:
                index.replace(old, new)
        if old is not None and new is None and isinstance(old, Snapshot):
            self.descriptions.pop(old.snapshot_id, None)

    def description(self, snapshot: Snapshot) -> DescriptionRef | None:
        """The parsed description of `snapshot`, parsed once per snapshot object."""
        cached = self.descriptions.get(snapshot.snapshot_id)
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        ref = parse_description(snapshot.description)
        self.descriptions[snapshot.snapshot_id] = (snapshot, ref)
        return ref

    @classmethod
    def of(cls, inventory: Inventory) -> RelationIndex:
        """The inventory's index: built on first use, then followed change by change."""
        index = inventory.relation_index
        if not isinstance(index, cls):
            index = inventory.relation_index = cls(inventory)
        return index


class RelationGraph:
    """Answers "what uses what" in both directions, over the inventory as it is now."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self._index = RelationIndex.of(inventory)

    # Images -------------------------------------------------------------------------------

    def image_usage(self, image_id: str) -> ImageUsage:
        """Instances (not terminated), launch template versions and configurations naming it,
        the SSM parameters holding it and the launch templates resolving those, and what
        DescribeImageReferences said (the evidence read so far)."""
        index = self._index
        evidence = self.inventory.evidence
        parameters = evidence.parameters_of_image(image_id)
        resolving = tuple(
            (version, parameter)
            for parameter in parameters
            for version in index.parameter_templates.get(f"{parameter.region}|{parameter.selector}")
        )
        return ImageUsage(
            instances=index.image_instances.get(image_id),
            launch_template_versions=index.image_templates.get(image_id),
            launch_configurations=index.image_configurations.get(image_id),
            parameters=parameters,
            resolving_versions=resolving,
            references=evidence.references_of_image(image_id),
        )

    def resolving_parameters(self, region: str) -> tuple[str, ...]:
        """The `resolve:ssm:` parameters (NAME[:VERSION]) the launch templates of a region name."""
        prefix = f"{region}|"
        return tuple(
            key[len(prefix) :]
            for key in self._index.parameter_templates.entries
            if key.startswith(prefix)
        )

    def terminated_instances_of_image(self, image_id: str) -> tuple[Instance, ...]:
        """Terminated instances that ran the image: evidence of past use, not of use."""
        return self._index.image_terminated.get(image_id)

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
        return self._index.snapshot_images.get(snapshot_id)

    def description_of_snapshot(self, snapshot_id: str) -> DescriptionRef | None:
        """What the snapshot's description says about its origin."""
        snapshot = self.inventory.snapshots.get(snapshot_id)
        return self._index.description(snapshot) if snapshot else None

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
        ref = self._index.description(snapshot) if snapshot else None
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
        return snapshot is not None and self._is_copy(snapshot)

    def _is_copy(self, snapshot: Snapshot) -> bool:
        # descriptions.is_copy, with the description parsed once per snapshot.
        ref = self._index.description(snapshot)
        if ref is not None and (
            ref.origin in (Origin.COPY_SNAPSHOT, Origin.COPY_IMAGE) or ref.copied_from_region
        ):
            return True
        return description_is_copy("", snapshot.volume_id)

    # Volumes and instances ----------------------------------------------------------------

    def instances_of_volume(self, volume_id: str) -> tuple[Instance, ...]:
        """The instances a volume is attached to."""
        found = list(self._index.volume_instances.get(volume_id))
        volume = self.inventory.volumes.get(volume_id)
        if volume is not None:
            for attachment in volume.attachments:
                attached = self.inventory.instances.get(attachment.instance_id)
                if attached is not None and attached not in found:
                    found.append(attached)
        return tuple(found)

    def snapshots_of_volume(self, volume_id: str) -> tuple[Snapshot, ...]:
        """Snapshots taken from the volume (copies excluded: their volume id is a placeholder)."""
        return tuple(s for s in self._index.volume_snapshots.get(volume_id) if not self._is_copy(s))

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
