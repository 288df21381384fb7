"""``seed_world``: fill moto with the demo account, in-process, in a fraction of a second.

The fleet comes from ``fleet``; the backups and leftovers an audit hunts for are planted by
``leftovers``; what DLM, AWS Backup, Image Builder and SSM parameters manage, by ``managed``.
Everything is reproducible: the same ``seed`` and ``now`` give the same ids.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from amiexplorer.demo import (
    block_lineage,
    block_public_access,
    guarded,
    imaging,
    leftovers,
    managed,
    moto_patches,
    snapshot_blocks,
)
from amiexplorer.demo import pending as pending_states
from amiexplorer.demo.backends import autoscaling_backend, iam_backend, kms_backend, reset_backends
from amiexplorer.demo.builders import KEY_PAIR, Calendar, RegionKit, tags_of
from amiexplorer.demo.constants import DEMO_ACCOUNT_ALIAS, DEMO_REGIONS
from amiexplorer.demo.fleet import (
    API,
    API_ASG,
    COPIES,
    IMAGES,
    INSTANCES,
    LEGACY_LAUNCH_CONFIGURATION,
    TEMPLATES,
    Disk,
    InstanceSpec,
)
from amiexplorer.demo.planted import Planted, collect
from amiexplorer.demo.timefmt import aws_timestamp, set_world_now


def default_now() -> datetime:
    """Today at 00:00 UTC: the world ages by whole days, so a day's screenshots agree."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _create_kms_key(region: str) -> str:
    """Create the region's customer key for EBS (alias/acme-ebs); returns its ARN."""
    # moto gives even symmetric keys an RSA-2048 signing key: 50-200 ms each (see moto_patches).
    with moto_patches.cheap_signing_keys():
        key = kms_backend(region).create_key(
            policy=None,
            key_usage="ENCRYPT_DECRYPT",
            key_spec="SYMMETRIC_DEFAULT",
            description="EBS volumes and snapshots (acme-prod)",
            tags=None,
        )
    kms_backend(region).create_alias(key.id, "alias/acme-ebs")
    return str(key.arn)


class _Seeder:
    """Holds the kits and the images created so far while the world is built."""

    def __init__(self, now: datetime, seed: int) -> None:
        self.calendar = Calendar(now, random.Random(seed))
        self.kits: dict[str, RegionKit] = {}
        self.kms_keys: dict[str, str] = {}
        for region in DEMO_REGIONS:
            arn = _create_kms_key(region)
            self.kms_keys[region] = arn
            self.kits[region] = RegionKit(region, self.calendar, arn)
        self.images: dict[str, Any] = {}
        self.instances: dict[str, Any] = {}
        self.templates: dict[str, Any] = {}

    def bake_images(self) -> None:
        """Bake every image of ``fleet.IMAGES`` in us-east-1, parents first."""
        kit = self.kits["us-east-1"]
        for spec in IMAGES:
            created = self.calendar.at(spec.days_ago)
            name = spec.name.format(date=f"{created:%Y.%m.%d}")
            parent = self.images.get(spec.parent)
            parent_id = parent.id if parent is not None else spec.parent
            image = kit.bake(
                name, spec.description, spec.disks, parent, parent_id, spec.arch, created
            )
            image.architecture = spec.arch
            image.add_tags({"Team": spec.team.team, "BuildDate": f"{created:%Y-%m-%d}"})
            imaging.polish(image)
            kit.share_image(image, spec.shared_with, spec.public)
            if spec.deprecated_days_ago is not None:
                kit.deprecate(image, spec.deprecated_days_ago)
            self.images[spec.key] = image

    def copy_images(self) -> None:
        """CopyImage the images of ``fleet.COPIES`` into their regions."""
        for copy in COPIES:
            source = self.images[copy.source]
            source_age = next(s.days_ago for s in IMAGES if s.key == copy.source)
            created = self.calendar.at(source_age - copy.days_after)
            self.images[copy.key] = self.kits[copy.region].copy_from(source, "us-east-1", created)

    def create_templates(self) -> None:
        """Create the launch templates of ``fleet.TEMPLATES``, one version at a time."""
        for (region, name), versions in TEMPLATES.items():
            kit = self.kits[region]
            template: Any = None
            for version in versions:
                data = {
                    "ImageId": self.images[version.image].id,
                    "InstanceType": version.kind,
                    "KeyName": KEY_PAIR,
                    "TagSpecifications": [
                        {"ResourceType": "instance", "Tags": [{"Key": "Template", "Value": name}]}
                    ],
                }
                if template is None:
                    template = kit.ec2.create_launch_template(name, version.description, data, {})
                    template.create_time = self.calendar.at(version.days_ago)
                    made = template.versions[-1]
                else:
                    made = template.create_version(data, version.description)
                made.create_time = self.calendar.at(version.days_ago)
            template.default_version_number = len(versions)
            self.templates[name] = template

    def launch(self, spec: InstanceSpec) -> Any:
        """Launch one instance of ``fleet.INSTANCES`` from its image, with its data volumes."""
        kit = self.kits[spec.region]
        image = self.images[spec.image]
        disks: list[tuple[Disk, str | None]] = [
            (Disk(m["DeviceName"], m["Ebs"]["VolumeSize"], m["Ebs"]["VolumeType"],
                  m["Ebs"]["Encrypted"]), m["Ebs"]["SnapshotId"])
            for m in imaging.block_device_mappings(image)
        ]  # fmt: skip
        template = None
        if spec.template is not None:
            lt = self.templates[spec.template]
            template = {"LaunchTemplateId": lt.id, "Version": str(lt.latest_version_number)}
        tags = tags_of(spec.name, spec.team, spec.env)
        launched = self.calendar.at(spec.days_ago)
        instance = kit.launch(image.id, spec.kind, disks, launched, tags, template)
        for disk in spec.data:
            kit.attach(instance, disk, {"Name": disk.name or spec.name, "Team": spec.team.team})
        if spec.state == "stopped":
            kit.stop(instance, self.calendar.at(spec.days_ago / 3))
        elif spec.state == "terminated":
            kit.terminate(instance, self.calendar.now - timedelta(minutes=25))
        self.instances[spec.name] = instance
        return instance

    def launch_fleet(self) -> None:
        """Launch every instance, the Auto Scaling group and the orphaned launch configuration."""
        for spec in INSTANCES:
            self.launch(spec)
        group, template_name, size, days_ago = API_ASG
        kit, template = self.kits["us-east-1"], self.templates[template_name]
        asg = autoscaling_backend("us-east-1").create_auto_scaling_group(
            name=group, availability_zones=[], desired_capacity=size, max_size=size * 2,
            min_size=size, launch_config_name=None,
            launch_template={"LaunchTemplateId": template.id, "Version": "$Latest"},
            vpc_zone_identifier=",".join(s.id for s in kit.subnets[:2]), default_cooldown=None,
            health_check_period=None, health_check_type=None, load_balancers=[],
            target_group_arns=[], placement_group=None, termination_policies=[],
            tags=[{"Key": "Name", "Value": "api-prod", "PropagateAtLaunch": True},
                  {"Key": "Environment", "Value": "production", "PropagateAtLaunch": True}],
        )  # fmt: skip
        asg.created_time = self.calendar.at(days_ago)
        (root,) = imaging.block_device_mappings(self.images["api-35"])
        for state in asg.instance_states:
            kit.adopt(state.instance, root, self.calendar.at(days_ago), tags_of("api-prod", API))
        name, image_key, kind, age = LEGACY_LAUNCH_CONFIGURATION
        config = autoscaling_backend("us-east-1").create_launch_configuration(
            name=name, image_id=self.images[image_key].id, key_name=KEY_PAIR, kernel_id="",
            ramdisk_id="", security_groups=[], user_data=None, instance_type=kind,
            instance_monitoring=False, instance_profile_name=None, spot_price=None,
            ebs_optimized=False, associate_public_ip_address=False, block_device_mappings=[],
        )  # fmt: skip
        config.created_time = self.calendar.at(age)

    def finish_images(self) -> None:
        """Record last launch times, then deregister and disable what the fleet says."""
        for kit in self.kits.values():
            latest: dict[str, datetime] = {}
            for instance in kit.ec2.all_instances():
                seen = latest.get(instance.image_id)
                latest[instance.image_id] = max(instance.launch_time, seen or instance.launch_time)
            for image_id, when in latest.items():
                if image_id in kit.ec2.amis:
                    kit.ec2.amis[image_id].last_launched_time = aws_timestamp(when)
        fates = {s.key: s.fate for s in IMAGES} | {c.key: c.fate for c in COPIES}
        for key, fate in fates.items():
            image = self.images[key]
            if fate == "deregistered":
                image.ec2_backend.deregister_image(image.id)
            elif fate == "disabled":
                image.ec2_backend.disable_image(image.id)


def seed_world(now: datetime | None = None, seed: int = 7, pending: bool = True) -> Planted:
    """Replace everything moto holds with the demo account and return the truth about it.

    ``now`` (default: today 00:00 UTC) anchors every date; ``seed`` fixes moto's random ids.
    With ``pending``, a cross-region image copy and a snapshot are still in progress at load
    (freeze the clock with ``freeze_clock()`` for reproducible screenshots); without, the same
    resources exist but are complete.
    """
    moto_patches.install()
    now = now if now is not None else default_now()
    set_world_now(now)
    with pending_states.suspended():
        reset_backends(seed)
        snapshot_blocks.reset()
        iam_backend().create_account_alias(DEMO_ACCOUNT_ALIAS)
        seeder = _Seeder(now, seed)
        seeder.bake_images()
        seeder.copy_images()
        seeder.create_templates()
        seeder.launch_fleet()
        planted = leftovers.plant(seeder.kits, seeder.images, seeder.instances, pending)
        managed.plant(seeder.kits, seeder.images, seeder.instances)
        seeder.finish_images()
        guarded.plant(seeder.kits, seeder.images)
        # Last: its snapshots and clock readings come after everything else's, which keep
        # their ids and times.
        lineage = block_lineage.plant(seeder.kits)
        # After every other seeding step: once blocked, a region refuses new public shares.
        block_public_access.plant()  # us-west-2: snapshots block-new-sharing
    truth = collect(now, DEMO_REGIONS, planted.copy_snapshots, seeder.kms_keys)
    return dataclasses.replace(
        truth, block_lineage=lineage, block_lineage_region=block_lineage.REGION
    )
