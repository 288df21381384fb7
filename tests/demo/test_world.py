"""The seeded world: reproducible, realistic, and exactly as ``Planted`` says, over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from amiexplorer.demo import (
    DEMO_ACCOUNT_ALIAS,
    DEMO_ACCOUNT_ID,
    DEMO_REGIONS,
    DemoServer,
    Planted,
    seed_world,
)
from tests.demo.conftest import NOW, ClientFactory


class Described:
    """Everything the API says about one region."""

    def __init__(self, client: ClientFactory, region: str) -> None:
        ec2 = client("ec2", region)
        self.ec2 = ec2
        self.images = {i["ImageId"]: i for i in ec2.describe_images(Owners=["self"])["Images"]}
        self.snapshots = {
            s["SnapshotId"]: s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        }
        self.volumes = {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"]}
        self.instances = {
            i["InstanceId"]: i
            for page in ec2.get_paginator("describe_instances").paginate()
            for r in page["Reservations"]
            for i in r["Instances"]
        }
        self.template_versions = [
            v
            for t in ec2.describe_launch_templates()["LaunchTemplates"]
            for v in ec2.describe_launch_template_versions(LaunchTemplateId=t["LaunchTemplateId"])[
                "LaunchTemplateVersions"
            ]
        ]
        autoscaling = client("autoscaling", region)
        self.configurations = autoscaling.describe_launch_configurations()["LaunchConfigurations"]


@pytest.fixture(scope="module")
def described(live_server: DemoServer, client: ClientFactory) -> dict[str, Described]:
    """What the API says about the standard world, fetched once (it is the same every time).

    Tests using it also take ``seeded``, so live calls they make meet that same world.
    """
    live_server.reset()
    seed_world(now=NOW)
    return {region: Described(client, region) for region in DEMO_REGIONS}


def _names(described: dict[str, Described], image_ids: frozenset[str]) -> set[str]:
    return {d.images[i]["Name"] for d in described.values() for i in image_ids if i in d.images}


def test_seeding_is_fast(live_server: object, clock: object) -> None:
    seed_world(now=NOW)  # warm: the first call in a process also loads botocore's region data
    started = time.perf_counter()
    seed_world(now=NOW)
    elapsed = time.perf_counter() - started
    print(f"seed_world (warm) took {elapsed * 1000:.1f} ms")


def test_same_seed_same_world(seeded: Planted, clock: object) -> None:
    again = seed_world(now=NOW)
    assert again == seeded
    other = seed_world(now=NOW, seed=8)
    assert set(other.region_of) != set(seeded.region_of)


def test_same_ids_in_a_fresh_process(seeded: Planted) -> None:
    script = (
        "import json; from datetime import datetime, UTC;"
        "from amiexplorer.demo import seed_world;"
        "p = seed_world(now=datetime(2026, 11, 20, tzinfo=UTC));"
        "print(json.dumps(sorted(p.region_of.items())))"
    )
    env = dict(os.environ, PYTHONHASHSEED="4242")
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert json.loads(output) == [list(item) for item in sorted(seeded.region_of.items())]


def test_fleet_size_and_spread(seeded: Planted) -> None:
    assert seeded.regions == DEMO_REGIONS
    total = sum(len(ids) for ids in seeded.instances.values())
    assert 30 <= total <= 45
    sizes = [len(seeded.instances[r]) for r in DEMO_REGIONS]
    assert sizes[0] == max(sizes)
    assert seeded.stopped_instances and len(seeded.terminated_instances) >= 2


def test_account_alias_and_identity(seeded: Planted, client: ClientFactory) -> None:
    assert client("iam").list_account_aliases()["AccountAliases"] == [DEMO_ACCOUNT_ALIAS]
    assert client("sts").get_caller_identity()["Account"] == DEMO_ACCOUNT_ID


def test_inventory_matches_describe_calls(seeded: Planted, described: dict[str, Described]) -> None:
    for region, api in described.items():
        assert set(api.images) == seeded.images[region]
        assert set(api.snapshots) == seeded.snapshots[region]
        assert set(api.volumes) == seeded.volumes[region]
        assert set(api.instances) == seeded.instances[region]
        for image_id, image in api.images.items():
            snapshots = {m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"]}
            assert snapshots == seeded.image_snapshots[image_id]


def test_dates_spread_over_two_years(described: dict[str, Described]) -> None:
    starts = [s["StartTime"] for d in described.values() for s in d.snapshots.values()]
    assert min(starts) < NOW - timedelta(days=600)
    assert max(starts) <= NOW
    assert min(starts) >= NOW - timedelta(days=731)
    launches = [i["LaunchTime"] for d in described.values() for i in d.instances.values()]
    assert min(launches) < NOW - timedelta(days=300)
    assert max(launches) <= NOW


def test_relations(seeded: Planted, described: dict[str, Described]) -> None:
    running: dict[str, set[str]] = defaultdict(set)
    volume_instance: dict[str, str] = {}
    volume_snapshots: dict[str, set[str]] = defaultdict(set)
    templates: dict[str, set[str]] = defaultdict(set)
    configurations: dict[str, set[str]] = defaultdict(set)
    for api in described.values():
        for instance in api.instances.values():
            if instance["State"]["Name"] != "terminated":
                running[instance["ImageId"]].add(instance["InstanceId"])
        for volume in api.volumes.values():
            for attachment in volume["Attachments"]:
                volume_instance[volume["VolumeId"]] = attachment["InstanceId"]
        for snapshot in api.snapshots.values():
            if snapshot["VolumeId"] in api.volumes:
                volume_snapshots[snapshot["VolumeId"]].add(snapshot["SnapshotId"])
        for version in api.template_versions:
            image_id = version["LaunchTemplateData"]["ImageId"]
            if not image_id.startswith("resolve:ssm:"):  # a parameter: resolve_ssm_templates
                templates[image_id].add(version["LaunchTemplateId"])
        for configuration in api.configurations:
            configurations[configuration["ImageId"]].add(configuration["LaunchConfigurationName"])
    assert running == seeded.image_instances
    assert volume_instance == seeded.volume_instance
    assert volume_snapshots == seeded.volume_snapshots
    assert templates == seeded.image_launch_templates
    assert configurations == seeded.image_launch_configurations


def test_snapshots_of_deregistered_images(seeded: Planted, described: dict[str, Described]) -> None:
    assert len(seeded.orphan_snapshots_deregistered_image) >= 3
    for snapshot_id in seeded.orphan_snapshots_deregistered_image:
        api = described[seeded.region_of[snapshot_id]]
        snapshot = api.snapshots[snapshot_id]
        image = seeded.snapshot_description_image[snapshot_id]
        assert image in snapshot["Description"]
        assert image in seeded.deregistered_images
        assert api.ec2.describe_images(ImageIds=[image])["Images"] == []
        assert all(snapshot_id not in s for s in seeded.image_snapshots.values())
    # Some come from CopyImage, some from CreateImage.
    descriptions = [
        described[seeded.region_of[s]].snapshots[s]["Description"]
        for s in seeded.orphan_snapshots_deregistered_image
    ]
    assert any(d.startswith("Copied for DestinationAmi") for d in descriptions)
    assert any(d.startswith("Created by CreateImage") for d in descriptions)


def test_snapshot_of_live_volume_whose_image_is_gone(
    seeded: Planted, described: dict[str, Described]
) -> None:
    chosen = seeded.snapshot_volume_exists_image_deregistered
    assert chosen and chosen <= seeded.orphan_snapshots_deregistered_image
    for snapshot_id in chosen:
        api = described[seeded.region_of[snapshot_id]]
        assert api.snapshots[snapshot_id]["VolumeId"] in api.volumes


def test_snapshots_of_deleted_volumes(seeded: Planted, described: dict[str, Described]) -> None:
    assert len(seeded.orphan_snapshots_deleted_volume) >= 3
    for snapshot_id in seeded.orphan_snapshots_deleted_volume:
        api = described[seeded.region_of[snapshot_id]]
        volume_id = api.snapshots[snapshot_id]["VolumeId"]
        assert volume_id != "vol-ffffffff"
        with pytest.raises(ClientError) as caught:
            api.ec2.describe_volumes(VolumeIds=[volume_id])
        assert caught.value.response["Error"]["Code"] == "InvalidVolume.NotFound"
    assert not seeded.orphan_snapshots_deleted_volume & seeded.copy_snapshots


def test_copy_snapshots(seeded: Planted, described: dict[str, Described]) -> None:
    assert len(seeded.copy_snapshots) == 2
    for snapshot_id in seeded.copy_snapshots:
        snapshot = described[seeded.region_of[snapshot_id]].snapshots[snapshot_id]
        assert snapshot["VolumeId"] == "vol-ffffffff"
        assert snapshot["Description"].startswith("[Copied snap-")
        assert " from us-east-1] nightly backup postgres-data " in snapshot["Description"]


def test_image_usage_traps(seeded: Planted, described: dict[str, Described]) -> None:
    assert {
        "base-al2023-hardened-v40",
        "ml-gpu-experiment-v3",
        "acme-oss-demo-appliance-1.4.0",
    } <= _names(described, seeded.unused_images)
    assert _names(described, seeded.launch_template_only_images) == {"base-al2023-hardened-v41"}
    (legacy,) = _names(described, seeded.launch_configuration_only_images)
    assert legacy.startswith("legacy-billing-")
    (only_terminated,) = _names(described, seeded.terminated_instance_only_images)
    assert only_terminated.startswith("api-server-") and only_terminated.endswith("-2")
    assert seeded.terminated_instance_only_images <= seeded.unused_images
    assert any(
        n.startswith("reporting-worker-") for n in _names(described, seeded.stopped_instance_images)
    )
    used = seeded.launch_template_only_images | seeded.launch_configuration_only_images
    assert not used & seeded.unused_images
    assert not seeded.stopped_instance_images & seeded.unused_images


def test_launch_template_trap_is_in_old_versions_only(
    seeded: Planted, described: dict[str, Described]
) -> None:
    (image,) = seeded.launch_template_only_images
    versions = described["us-east-1"].template_versions
    naming = [v for v in versions if v["LaunchTemplateData"]["ImageId"] == image]
    assert naming
    for version in naming:
        siblings = [v for v in versions if v["LaunchTemplateId"] == version["LaunchTemplateId"]]
        assert version["VersionNumber"] < max(v["VersionNumber"] for v in siblings)
        assert not version["DefaultVersion"]


def test_instances_of_used_images(seeded: Planted, described: dict[str, Described]) -> None:
    for image_id in seeded.stopped_instance_images:
        api = described[seeded.region_of[image_id]]
        states = {
            i["State"]["Name"] for i in api.instances.values() if i["ImageId"] == image_id
        } - {"terminated"}
        assert states == {"stopped"}
    for image_id in seeded.terminated_instance_only_images:
        api = described[seeded.region_of[image_id]]
        states = {i["State"]["Name"] for i in api.instances.values() if i["ImageId"] == image_id}
        assert states == {"terminated"}


def test_snapshot_shared_by_two_images(seeded: Planted, described: dict[str, Described]) -> None:
    ((snapshot_id, images),) = seeded.multi_image_snapshots.items()
    assert len(images) == 2
    api = described[seeded.region_of[snapshot_id]]
    for image_id in images:
        mappings = api.images[image_id]["BlockDeviceMappings"]
        assert snapshot_id in {m["Ebs"]["SnapshotId"] for m in mappings}
    with pytest.raises(ClientError) as caught:
        api.ec2.delete_snapshot(SnapshotId=snapshot_id)
    assert caught.value.response["Error"]["Code"] == "InvalidSnapshot.InUse"


def test_unattached_volumes(seeded: Planted, described: dict[str, Described]) -> None:
    assert len(seeded.unattached_volumes) >= 4
    for volume_id in seeded.unattached_volumes:
        volume = described[seeded.region_of[volume_id]].volumes[volume_id]
        assert volume["State"] == "available"
        assert volume["Attachments"] == []


def test_public_and_shared(seeded: Planted, described: dict[str, Described]) -> None:
    assert len(seeded.public_images) == len(seeded.public_snapshots) == 1
    for image_id in seeded.public_images:
        api = described[seeded.region_of[image_id]]
        assert api.images[image_id]["Public"] is True
        permissions = api.ec2.describe_image_attribute(
            ImageId=image_id, Attribute="launchPermission"
        )["LaunchPermissions"]
        assert {"Group": "all"} in permissions
    for snapshot_id in seeded.public_snapshots:
        api = described[seeded.region_of[snapshot_id]]
        assert api.snapshots[snapshot_id]["Encrypted"] is False
        permissions = api.ec2.describe_snapshot_attribute(
            SnapshotId=snapshot_id, Attribute="createVolumePermission"
        )["CreateVolumePermissions"]
        assert {"Group": "all"} in permissions
    assert set().union(*seeded.shared_images.values()) == {"210987654321", "444455556666"}
    for image_id, accounts in seeded.shared_images.items():
        api = described[seeded.region_of[image_id]]
        permissions = api.ec2.describe_image_attribute(
            ImageId=image_id, Attribute="launchPermission"
        )["LaunchPermissions"]
        assert {p["UserId"] for p in permissions if "UserId" in p} == accounts
    assert set().union(*seeded.shared_snapshots.values()) == {"210987654321", "444455556666"}
    for snapshot_id, accounts in seeded.shared_snapshots.items():
        api = described[seeded.region_of[snapshot_id]]
        permissions = api.ec2.describe_snapshot_attribute(
            SnapshotId=snapshot_id, Attribute="createVolumePermission"
        )["CreateVolumePermissions"]
        assert {p["UserId"] for p in permissions if "UserId" in p} == accounts


def test_encryption_tiers_and_deprecation(seeded: Planted, described: dict[str, Described]) -> None:
    for api in described.values():
        for volume_id, volume in api.volumes.items():
            assert volume["Encrypted"] == (volume_id in seeded.encrypted_volumes)
            if volume["Encrypted"]:
                assert volume["KmsKeyId"] == seeded.kms_keys[seeded.region_of[volume_id]]
        for snapshot_id, snapshot in api.snapshots.items():
            assert snapshot["Encrypted"] == (snapshot_id in seeded.encrypted_snapshots)
            archived = snapshot.get("StorageTier") == "archive"
            assert archived == (snapshot_id in seeded.archived_snapshots)
        for image_id, image in api.images.items():
            deprecated = image.get("DeprecationTime", "9999") <= "2026-11-20T00:00:00.000Z"
            assert deprecated == (image_id in seeded.deprecated_images)
            assert (image["State"] == "disabled") == (image_id in seeded.disabled_images)
    assert seeded.encrypted_volumes and seeded.unattached_volumes - seeded.encrypted_volumes
    # Two archived long ago (postgres backups), one archived lately (issue 14's guards).
    assert len(seeded.archived_snapshots - seeded.recently_archived_snapshots) == 2
    assert len(seeded.recently_archived_snapshots) == 1
    assert len(seeded.deprecated_images) >= 2 and seeded.deprecation_scheduled_images
    assert len(seeded.disabled_images) == 1


def test_realistic_names_and_tags(seeded: Planted, described: dict[str, Described]) -> None:
    east = described["us-east-1"]
    names = {
        t["Value"] for i in east.instances.values() for t in i.get("Tags", []) if t["Key"] == "Name"
    }
    assert {"web-prod-1", "bastion", "jenkins-agent-3", "postgres-replica"} <= names
    for instance in east.instances.values():
        keys = {t["Key"] for t in instance.get("Tags", [])}
        assert {"Name", "Environment"} <= keys
    image_names = {i["Name"] for i in east.images.values()}
    assert "base-al2023-hardened-v42" in image_names
    assert any(n.startswith("web-server-2026.") for n in image_names)
    types = {v["VolumeType"] for d in described.values() for v in d.volumes.values()}
    assert {"gp3", "gp2", "io2", "st1"} <= types
    sizes = [v["Size"] for d in described.values() for v in d.volumes.values()]
    assert min(sizes) >= 8 and max(sizes) == 2000
    for image in east.images.values():
        assert image["RootDeviceType"] == "ebs"
        assert image["VirtualizationType"] == "hvm"


def test_copied_images_carry_copy_descriptions(
    seeded: Planted, described: dict[str, Described]
) -> None:
    copies = [
        (region, image)
        for region, api in described.items()
        for image in api.images.values()
        if image.get("SourceImageId")
    ]
    assert {region for region, _ in copies} == set(DEMO_REGIONS) - {"us-east-1"}
    for region, image in copies:
        for mapping in image["BlockDeviceMappings"]:
            snapshot = described[region].snapshots[mapping["Ebs"]["SnapshotId"]]
            assert snapshot["Description"].startswith(
                f"Copied for DestinationAmi {image['ImageId']} "
                f"from SourceAmi {image['SourceImageId']} for SourceSnapshot snap-"
            )
            assert snapshot["VolumeId"] == "vol-ffffffff"
            assert seeded.snapshot_description_image[snapshot["SnapshotId"]] == image["ImageId"]


def test_last_launched_time(seeded: Planted, described: dict[str, Described]) -> None:
    east = described["us-east-1"]
    for image_id in seeded.image_instances.keys() & set(east.images):
        answer: Any = east.ec2.describe_image_attribute(
            ImageId=image_id, Attribute="lastLaunchedTime"
        )
        assert answer["LastLaunchedTime"]["Value"] == east.images[image_id]["LastLaunchedTime"]
