"""Low-level construction of demo resources directly on moto's backends, with chosen dates.

Calls go straight to moto's models (no HTTP, no boto3), then the timestamps moto set to "now" are
rewritten so the world spreads over two years.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo import imaging
from amiexplorer.demo.backends import ec2_backend
from amiexplorer.demo.fleet import Disk, Team
from amiexplorer.demo.timefmt import aws_timestamp, naive_utc, pinned

KEY_PAIR = "ops-2024"


class Calendar:
    """Turns "days ago" into timestamps before ``now``, at plausible office hours."""

    def __init__(self, now: datetime, rng: random.Random) -> None:
        """Count back from ``now``; ``rng`` picks the time of day (seeded: reproducible)."""
        self.now = naive_utc(now)
        self._rng = rng

    def at(self, days_ago: float) -> datetime:
        """A moment ``days_ago`` days before now, between 07:00 and 18:59 (never in the future)."""
        day = self.now - timedelta(days=days_ago)
        moment = day.replace(hour=self._rng.randint(7, 18), minute=self._rng.randint(0, 59))
        return min(moment, self.now - timedelta(minutes=self._rng.randint(5, 50)))


def tags_of(name: str, team: Team, env: str | None = None) -> dict[str, str]:
    """The usual tag set: Name, Team, Owner and (for instances) Environment."""
    tags = {"Name": name, "Team": team.team, "Owner": team.owner}
    if env is not None:
        tags["Environment"] = env
    return tags


class RegionKit:
    """Builds resources in one region of the demo account."""

    def __init__(self, region: str, calendar: Calendar, kms_key_arn: str) -> None:
        """Work in ``region``; encrypt with ``kms_key_arn`` (also the account's EBS default)."""
        self.region = region
        self.calendar = calendar
        self.kms_key_arn = kms_key_arn
        self.ec2: Any = ec2_backend(region)
        # As with "EBS encryption by default" set to a customer key: CopyImage uses it too.
        self.ec2.default_kms_key_id = kms_key_arn
        subnets = [s for s in self.ec2.describe_subnets() if s.default_for_az]
        self.subnets: list[Any] = sorted(subnets, key=lambda s: s.availability_zone)
        self._launches = 0

    # Volumes and snapshots -------------------------------------------------------------------

    def volume(
        self, disk: Disk, created: datetime, tags: dict[str, str], zone: str | None = None
    ) -> Any:
        """Create an unattached volume shaped like ``disk``."""
        volume = self.ec2.create_volume(
            size=disk.size,
            zone_name=zone or self.subnets[0].availability_zone,
            encrypted=disk.encrypted,
            kms_key_id=self.kms_key_arn if disk.encrypted else None,
            volume_type=disk.kind,
            iops=disk.iops,
        )
        volume.create_time = created
        volume.add_tags(tags)
        return volume

    def snapshot(
        self, volume: Any, description: str, created: datetime, tags: dict[str, str]
    ) -> Any:
        """Snapshot ``volume`` at ``created``."""
        snapshot = self.ec2.create_snapshot(volume.id, description)
        snapshot.start_time = created
        if tags:
            snapshot.add_tags(tags)
        return snapshot

    # Instances -------------------------------------------------------------------------------

    def _mapping(self, disk: Disk, snapshot_id: str | None) -> dict[str, Any]:
        ebs: dict[str, Any] = {
            "VolumeSize": disk.size,
            "VolumeType": disk.kind,
            "DeleteOnTermination": disk.delete_on_termination,
            "Encrypted": disk.encrypted,
        }
        if disk.encrypted:
            ebs["KmsKeyId"] = self.kms_key_arn
        if snapshot_id:
            ebs["SnapshotId"] = snapshot_id
        return {"DeviceName": disk.device, "Ebs": ebs}

    def launch(
        self,
        image_id: str,
        kind: str,
        disks: list[tuple[Disk, str | None]],
        launched: datetime,
        tags: dict[str, str],
        launch_template: dict[str, str] | None = None,
    ) -> Any:
        """Run one instance whose launch-time volumes are ``disks`` (disk, source snapshot).

        The volumes get the instance's Name and Team tags, as a TagSpecification would give.
        """
        subnet = self.subnets[self._launches % len(self.subnets)]
        self._launches += 1
        kwargs: dict[str, Any] = {
            "instance_type": kind,
            # True skips moto's scan of every instance type offering (~2 ms per launch); the
            # type is still used. With a launch template, the template's type wins: same here.
            "is_instance_type_default": True,
            "region_name": self.region,
            "subnet_id": subnet.id,
            "key_name": KEY_PAIR,
            "tags": {"instance": tags, "volume": {k: v for k, v in tags.items() if k != "Owner"}},
            "block_device_mappings": [self._mapping(d, s) for d, s in disks],
        }
        if launch_template:
            kwargs["launch_template"] = launch_template
        instance = self.ec2.run_instances(image_id, 1, None, [], **kwargs).instances[0]
        instance.root_device_name = disks[0][0].device
        self.redate_instance(instance, launched)
        return instance

    def attach(self, instance: Any, disk: Disk, tags: dict[str, str]) -> Any:
        """Create a data volume and attach it to ``instance`` at its launch time."""
        volume = self.volume(disk, instance.launch_time, tags, zone=instance.placement.zone)
        self.ec2.attach_volume(volume.id, instance.id, disk.device, disk.delete_on_termination)
        self.redate_instance(instance, instance.launch_time)
        return volume

    def redate_instance(self, instance: Any, launched: datetime) -> None:
        """Set the launch time, and the create/attach times of the instance's volumes."""
        instance.launch_time = launched
        for _device, block in instance.get_block_device_mapping:
            block.attach_time = launched
            volume = self.ec2.volumes.get(block.volume_id)
            if volume is not None:
                volume.create_time = launched
                if volume.attachment is not None:
                    volume.attachment.attach_time = launched

    def adopt(
        self, instance: Any, root: dict[str, Any], launched: datetime, tags: dict[str, str]
    ) -> None:
        """Make an instance moto's Auto Scaling launched look launched from its image.

        moto gives it a blank 8 GiB gp2 root on /dev/sda1; AWS would have restored the image's
        root snapshot onto the image's root device.
        """
        ((device, block),) = instance.get_block_device_mapping
        volume = self.ec2.get_volume(block.volume_id)
        ebs = root["Ebs"]
        volume.snapshot_id, volume.size, volume.volume_type = (
            ebs["SnapshotId"],
            ebs["VolumeSize"],
            ebs["VolumeType"],
        )
        volume.iops = volume.iops or 3000
        del instance.block_device_mapping[device]
        instance.block_device_mapping[root["DeviceName"]] = block
        if volume.attachment is not None:
            volume.attachment.device = root["DeviceName"]
        instance.root_device_name = root["DeviceName"]
        volume.add_tags({k: v for k, v in tags.items() if k != "Owner"})
        instance.add_tags(tags)
        self.redate_instance(instance, launched)

    def stop(self, instance: Any, when: datetime) -> None:
        """Stop ``instance`` as a user did at ``when``."""
        self.ec2.stop_instances([instance.id])
        instance._reason = f"User initiated ({when:%Y-%m-%d %H:%M:%S} GMT)"

    def terminate(self, instance: Any, when: datetime) -> None:
        """Terminate ``instance`` as a user did at ``when`` (volumes follow DeleteOnTermination)."""
        self.ec2.terminate_instances([instance.id])
        instance._reason = f"User initiated ({when:%Y-%m-%d %H:%M:%S} GMT)"

    def forget(self, instance: Any) -> None:
        """Terminate ``instance`` and drop it, like AWS does an hour after termination."""
        self.ec2.terminate_instances([instance.id])
        for reservation_id, reservation in list(self.ec2.reservations.items()):
            if instance in reservation.instances:
                del self.ec2.reservations[reservation_id]

    # Images ----------------------------------------------------------------------------------

    def bake(
        self,
        name: str,
        description: str,
        disks: tuple[Disk, ...],
        parent: Any | None,
        parent_id: str,
        arch: str,
        created: datetime,
    ) -> Any:
        """Create an image from a throwaway builder instance, the way Packer does."""
        root_snapshot = imaging.snapshot_ids(parent)[0] if parent is not None else None
        sources = [(disk, root_snapshot if i == 0 else None) for i, disk in enumerate(disks)]
        builder = self.launch(parent_id, "c6i.large", sources, created, {"Name": "packer-builder"})
        builder.architecture = arch
        image = self.ec2.create_image(builder.id, name, description, tag_specifications=[])
        self.forget(builder)
        self.redate_image(image, created)
        return image

    def redate_image(self, image: Any, created: datetime) -> None:
        """Set the image's creation date; its snapshots started a few minutes earlier."""
        image.creation_date = created
        for snapshot_id in imaging.snapshot_ids(image):
            self.ec2.get_snapshot(snapshot_id).start_time = created - timedelta(minutes=4)

    def copy_from(self, source: Any, source_region: str, created: datetime) -> Any:
        """CopyImage ``source`` into this region at ``created``."""
        # The patched CopyImage dates the copy descriptions with aws_now(): pin it.
        with pinned(created):
            image = self.ec2.copy_image(source.id, source_region)
        image.creation_date = created
        return image

    def share_image(self, image: Any, accounts: tuple[str, ...], public: bool) -> None:
        """Grant launch permission to ``accounts`` and, if ``public``, to everyone."""
        grants = [{"UserId": account} for account in accounts]
        if public:
            grants.append({"Group": "all"})
        if grants:
            self.ec2.modify_image_attribute(image.id, grants, [])

    def deprecate(self, image: Any, days_ago: int) -> None:
        """Set a deprecation time (negative ``days_ago``: scheduled in the future)."""
        when = self.calendar.now - timedelta(days=days_ago)
        image.deprecation_time = aws_timestamp(when.replace(hour=0, minute=0))
