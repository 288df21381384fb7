"""A synthetic AWS account for the benchmark: 17 regions, three sizes, fully deterministic.

Resources are botocore-shaped dicts (the same keys botocore returns), so the endpoint renders
them through botocore's own model and a test can check that botocore reads back exactly them.
The account is skewed the way real ones are: most of it lives in a few regions, and the
relations the app and the audit follow are all there (images and their snapshots, instances
and their volumes, snapshots of deleted volumes, snapshots of deregistered images, copies,
foreign AMIs, launch templates and configurations, a few shared and public resources).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT_ID = "123456789012"
ACCOUNT_ALIAS = "bench-account"
#: Amazon's owner id: the foreign (public) AMIs some instances run.
FOREIGN_OWNER = "137112412989"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

#: The 17 regions enabled by default in an AWS account, with the share of resources in each.
REGION_WEIGHTS: dict[str, float] = {
    "us-east-1": 0.35,
    "eu-west-1": 0.20,
    "us-west-2": 0.12,
    "eu-central-1": 0.08,
    "ap-southeast-1": 0.05,
    **{
        name: 0.20 / 12
        for name in (
            "us-east-2",
            "us-west-1",
            "ca-central-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "ap-south-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-2",
            "sa-east-1",
        )
    },
}
REGIONS = tuple(sorted(REGION_WEIGHTS))


@dataclass(frozen=True, slots=True)
class Size:
    """How many of each resource the whole account holds."""

    name: str
    snapshots: int
    images: int
    volumes: int
    instances: int
    launch_templates_per_region: int = 3
    versions_per_template: int = 2
    launch_configurations_per_region: int = 2


SIZES: dict[str, Size] = {
    "small": Size("small", snapshots=1_000, images=200, volumes=200, instances=100),
    "medium": Size("medium", snapshots=10_000, images=2_000, volumes=2_000, instances=1_000),
    "large": Size("large", snapshots=100_000, images=20_000, volumes=20_000, instances=10_000),
}


@dataclass(slots=True)
class RegionData:
    """One region's resources, as botocore dicts, in the order the endpoint lists them."""

    name: str
    reservations: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    foreign_images: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    launch_templates: list[dict[str, Any]] = field(default_factory=list)
    launch_template_versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    launch_configurations: list[dict[str, Any]] = field(default_factory=list)
    #: Sharing that DescribeImageAttribute / DescribeSnapshotAttribute report, by id.
    permissions: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def instance_count(self) -> int:
        """How many instances the region runs (one per reservation here)."""
        return sum(len(r["Instances"]) for r in self.reservations)


@dataclass(slots=True)
class World:
    """The whole synthetic account."""

    size: Size
    regions: dict[str, RegionData]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per region: how many of each kind (what the floor and the report need)."""
        out: dict[str, dict[str, int]] = {}
        for name, data in self.regions.items():
            own = {m["ImageId"] for m in data.images}
            run = {i["ImageId"] for r in data.reservations for i in r["Instances"]}
            out[name] = {
                "instances": data.instance_count,
                "images": len(data.images),
                "foreign_image_ids": len(run - own),
                "volumes": len(data.volumes),
                "snapshots": len(data.snapshots),
                "launch_templates": len(data.launch_templates),
                "launch_template_versions": sum(
                    len(v) for v in data.launch_template_versions.values()
                ),
                "launch_configurations": len(data.launch_configurations),
            }
        return out


def apportion(total: int) -> dict[str, int]:
    """Split `total` over the regions by weight, exactly (largest remainder)."""
    raw = {name: total * weight for name, weight in REGION_WEIGHTS.items()}
    counts = {name: int(value) for name, value in raw.items()}
    short = total - sum(counts.values())
    for name in sorted(raw, key=lambda n: raw[n] - counts[n], reverse=True)[:short]:
        counts[name] += 1
    return counts


class _Ids:
    """Unique, realistic-looking ids: a counter through an odd multiplier (a bijection)."""

    def __init__(self) -> None:
        self.counter = 0

    def new(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{(self.counter * 0x9E3779B97F4A7C15) & ((1 << 68) - 1):017x}"


_TEAMS = ("payments", "search", "platform", "data", "web", "ml", "identity", "billing")
_ENVS = ("prod", "staging", "dev")


def _tags(rng: random.Random, name: str | None) -> list[dict[str, str]]:
    tags = []
    if name:
        tags.append({"Key": "Name", "Value": name})
    if rng.random() < 0.8:
        tags.append({"Key": "team", "Value": rng.choice(_TEAMS)})
        tags.append({"Key": "env", "Value": rng.choice(_ENVS)})
    return tags


def _ago(rng: random.Random, max_days: int) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(3600, max_days * 86400))


def build_world(size: Size | str, seed: int = 6) -> World:
    """The synthetic account of `size` (the same every time for the same seed)."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    ids = _Ids()
    images = apportion(size.images)
    volumes = apportion(size.volumes)
    snapshots = apportion(size.snapshots)
    instances = apportion(size.instances)
    regions = {
        name: _build_region(
            name, rng, ids, size, images[name], volumes[name], snapshots[name], instances[name]
        )
        for name in REGIONS
    }
    return World(size=size, regions=regions)


def _build_region(
    region: str,
    rng: random.Random,
    ids: _Ids,
    size: Size,
    n_images: int,
    n_volumes: int,
    n_snapshots: int,
    n_instances: int,
) -> RegionData:
    data = RegionData(region)
    zones = [f"{region}{letter}" for letter in "abc"]
    snapshots: list[dict[str, Any]] = []

    def snapshot(volume_id: str, gib: int, description: str, when: datetime) -> dict[str, Any]:
        snap_id = ids.new("snap")
        item = {
            "SnapshotId": snap_id,
            "VolumeId": volume_id,
            "State": "completed",
            "StartTime": when,
            "Progress": "100%",
            "OwnerId": ACCOUNT_ID,
            "Description": description,
            "VolumeSize": gib,
            "Encrypted": rng.random() < 0.5,
            "StorageTier": "archive" if rng.random() < 0.05 else "standard",
            "Tags": _tags(rng, f"backup-{snap_id[-6:]}" if rng.random() < 0.4 else None),
        }
        if item["Encrypted"]:
            item["KmsKeyId"] = f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{ids.new('key')[4:]}"
        snapshots.append(item)
        return item

    # Images, each with a root snapshot and sometimes a data snapshot; a tenth are copies.
    for index in range(n_images):
        image_id = ids.new("ami")
        when = _ago(rng, 900)
        copy = rng.random() < 0.1
        mappings = []
        for device, gib in [("/dev/xvda", rng.choice((8, 16, 30)))] + (
            [("/dev/xvdb", rng.choice((50, 100, 500)))] if rng.random() < 0.3 else []
        ):
            description = (
                f"Copied for DestinationAmi {image_id} from SourceAmi {ids.new('ami')} "
                f"for SourceSnapshot {ids.new('snap')}. Task created on {when:%Y-%m-%d}."
                if copy
                else f"Created by CreateImage({ids.new('i')}) for {image_id}"
            )
            snap = snapshot("vol-ffffffff", gib, description, when)
            mappings.append(
                {
                    "DeviceName": device,
                    "Ebs": {
                        "SnapshotId": snap["SnapshotId"],
                        "VolumeSize": gib,
                        "VolumeType": "gp3",
                        "DeleteOnTermination": True,
                        "Encrypted": snap["Encrypted"],
                    },
                }
            )
        data.images.append(
            {
                "ImageId": image_id,
                "ImageLocation": f"{ACCOUNT_ID}/app-{index}",
                "State": "available",
                "OwnerId": ACCOUNT_ID,
                "CreationDate": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "Public": False,
                "Architecture": rng.choice(("x86_64", "arm64")),
                "ImageType": "machine",
                "PlatformDetails": "Linux/UNIX",
                "UsageOperation": "RunInstances",
                "RootDeviceType": "ebs",
                "RootDeviceName": "/dev/xvda",
                "VirtualizationType": "hvm",
                "Hypervisor": "xen",
                "EnaSupport": True,
                "Name": f"{rng.choice(_TEAMS)}-app-{when:%Y%m%d}-{index}",
                "Description": f"Build {index} of the {rng.choice(_TEAMS)} service",
                "BlockDeviceMappings": mappings,
                "Tags": _tags(rng, None),
            }
        )
    own_ids = [i["ImageId"] for i in data.images]
    # Public AMIs of another owner; a few of the ids our instances run no longer exist.
    foreign = [ids.new("ami") for _ in range(10)]
    for image_id in foreign[:7]:
        data.foreign_images.append(
            {
                "ImageId": image_id,
                "State": "available",
                "OwnerId": FOREIGN_OWNER,
                "ImageOwnerAlias": "amazon",
                "CreationDate": _ago(rng, 400).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "Public": True,
                "Architecture": "x86_64",
                "ImageType": "machine",
                "RootDeviceType": "ebs",
                "RootDeviceName": "/dev/xvda",
                "VirtualizationType": "hvm",
                "Name": f"al2023-ami-2023.{image_id[-4:]}-x86_64",
                "BlockDeviceMappings": [
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {"SnapshotId": ids.new("snap"), "VolumeSize": 8},
                    }
                ],
            }
        )

    # Instances with a root volume and sometimes a data volume.
    attached: list[dict[str, Any]] = []
    for index in range(n_instances):
        instance_id = ids.new("i")
        zone = rng.choice(zones)
        state = rng.choices(("running", "stopped", "terminated"), (80, 15, 5))[0]
        image = rng.choice(own_ids) if own_ids and rng.random() < 0.9 else rng.choice(foreign)
        launched = _ago(rng, 400)
        devices = []
        if state != "terminated":
            for device in ["/dev/xvda"] + (["/dev/xvdb"] if rng.random() < 0.4 else []):
                volume_id = ids.new("vol")
                devices.append(
                    {
                        "DeviceName": device,
                        "Ebs": {
                            "VolumeId": volume_id,
                            "Status": "attached",
                            "AttachTime": launched,
                            "DeleteOnTermination": device == "/dev/xvda",
                        },
                    }
                )
                attached.append(
                    {
                        "VolumeId": volume_id,
                        "InstanceId": instance_id,
                        "Device": device,
                        "Zone": zone,
                        "When": launched,
                    }
                )
        data.reservations.append(
            {
                "ReservationId": ids.new("r"),
                "OwnerId": ACCOUNT_ID,
                "Instances": [
                    {
                        "InstanceId": instance_id,
                        "ImageId": image,
                        "State": {"Code": 16 if state == "running" else 80, "Name": state},
                        "InstanceType": rng.choice(("t3.micro", "m7g.large", "c7i.xlarge")),
                        "LaunchTime": launched,
                        "Placement": {"AvailabilityZone": zone, "Tenancy": "default"},
                        "PrivateIpAddress": f"10.{index % 250}.{rng.randrange(256)}.{index % 200}",
                        "VpcId": "vpc-0bench",
                        "SubnetId": f"subnet-0{zone[-1]}",
                        "Architecture": "x86_64",
                        "RootDeviceType": "ebs",
                        "RootDeviceName": "/dev/xvda",
                        "PlatformDetails": "Linux/UNIX",
                        "BlockDeviceMappings": devices,
                        "Tags": _tags(rng, f"{rng.choice(_TEAMS)}-{index}"),
                    }
                ],
            }
        )

    # Volumes: the attached ones first, then idle ones, some restored from snapshots.
    for index in range(n_volumes):
        link = attached[index] if index < len(attached) else None
        volume_id = link["VolumeId"] if link else ids.new("vol")
        gib = rng.choice((8, 20, 100, 500))
        volume: dict[str, Any] = {
            "VolumeId": volume_id,
            "Size": gib,
            "AvailabilityZone": link["Zone"] if link else rng.choice(zones),
            "State": "in-use" if link else "available",
            "CreateTime": link["When"] if link else _ago(rng, 700),
            "VolumeType": rng.choice(("gp3", "gp2", "io2", "st1")),
            "Iops": 3000,
            "Encrypted": rng.random() < 0.5,
            "MultiAttachEnabled": False,
            "Tags": _tags(rng, f"data-{index}" if rng.random() < 0.6 else None),
        }
        if link:
            volume["Attachments"] = [
                {
                    "VolumeId": volume_id,
                    "InstanceId": link["InstanceId"],
                    "Device": link["Device"],
                    "State": "attached",
                    "AttachTime": link["When"],
                    "DeleteOnTermination": link["Device"] == "/dev/xvda",
                }
            ]
        data.volumes.append(volume)
    # (Attached volumes beyond the volume count are simply not listed: a small inconsistency
    # the app must tolerate anyway, as DescribeVolumes and DescribeInstances are not atomic.)

    volume_ids = [v["VolumeId"] for v in data.volumes]
    for v in data.volumes:
        if v["State"] == "available" and rng.random() < 0.3 and snapshots:
            v["SnapshotId"] = rng.choice(snapshots)["SnapshotId"]

    # The rest are backups: of live volumes, of deleted volumes, and of deregistered images.
    while len(snapshots) < n_snapshots:
        roll = rng.random()
        when = _ago(rng, 1000)
        if roll < 0.55 and volume_ids:
            volume_id = rng.choice(volume_ids)
            snapshot(volume_id, rng.choice((8, 20, 100)), f"daily backup of {volume_id}", when)
        elif roll < 0.85:
            volume_id = ids.new("vol")
            snapshot(volume_id, rng.choice((8, 20, 100)), "", when)
        else:
            gone = ids.new("ami")
            snapshot("vol-ffffffff", 8, f"Created by CreateImage({ids.new('i')}) for {gone}", when)
    data.snapshots = snapshots[:n_snapshots] if n_snapshots else []

    # Launch templates and configurations name own images (any version can launch one).
    for t in range(size.launch_templates_per_region if own_ids else 0):
        template_id = ids.new("lt")
        name = f"{region}-template-{t}"
        versions = []
        for number in range(1, size.versions_per_template + 1):
            versions.append(
                {
                    "LaunchTemplateId": template_id,
                    "LaunchTemplateName": name,
                    "VersionNumber": number,
                    "CreateTime": _ago(rng, 300),
                    "DefaultVersion": number == 1,
                    "LaunchTemplateData": {
                        "ImageId": rng.choice(own_ids),
                        "InstanceType": "t3.micro",
                    },
                }
            )
        data.launch_templates.append(
            {
                "LaunchTemplateId": template_id,
                "LaunchTemplateName": name,
                "CreateTime": versions[0]["CreateTime"],
                "DefaultVersionNumber": 1,
                "LatestVersionNumber": len(versions),
            }
        )
        data.launch_template_versions[template_id] = versions
    for c in range(size.launch_configurations_per_region if own_ids else 0):
        name = f"{region}-lc-{c}"
        data.launch_configurations.append(
            {
                "LaunchConfigurationName": name,
                "LaunchConfigurationARN": (
                    f"arn:aws:autoscaling:{region}:{ACCOUNT_ID}:launchConfiguration:"
                    f"{ids.new('x')[2:]}:launchConfigurationName/{name}"
                ),
                "ImageId": rng.choice(own_ids),
                "InstanceType": "t3.micro",
                "SecurityGroups": [],
                "BlockDeviceMappings": [],
                "CreatedTime": _ago(rng, 900),
            }
        )

    # A few shared and public resources for the sharing columns and the audit.
    for image in data.images[:: max(1, len(data.images) // 5 or 1)][:5]:
        data.permissions[image["ImageId"]] = [{"UserId": "210987654321"}]
    if data.images:
        data.permissions[data.images[-1]["ImageId"]] = [{"Group": "all"}]
        data.images[-1]["Public"] = True
    for snap in data.snapshots[:: max(1, len(data.snapshots) // 5 or 1)][:5]:
        if not snap["Encrypted"]:
            data.permissions[snap["SnapshotId"]] = [{"UserId": "210987654321"}]
    return data
