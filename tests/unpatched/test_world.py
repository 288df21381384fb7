"""The unpatched world is what `Truth` says, and moto behaves as the world's docstring says.

If a moto upgrade changes one of these premises, this test names it before the audit tests
fail for a reason that is not the app's.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from tests.unpatched.server import UnpatchedMoto
from tests.unpatched.world import GOLDEN_PARAMETER, KEYS, R1, REGIONS, Truth


def _ec2(server: UnpatchedMoto, region: str) -> Any:
    return boto3.client("ec2", region_name=region, endpoint_url=server.endpoint_url, **KEYS)


def test_the_world_holds_what_was_planted(
    unpatched_world: Truth, unpatched_server: UnpatchedMoto
) -> None:
    truth = unpatched_world
    volumes: dict[str, str] = {}
    snapshots: dict[str, dict[str, object]] = {}
    images: set[str] = set()
    instances: dict[str, str] = {}
    for region in REGIONS:
        ec2 = _ec2(unpatched_server, region)
        volumes |= {v["VolumeId"]: v["State"] for v in ec2.describe_volumes()["Volumes"]}
        snapshots |= {
            s["SnapshotId"]: s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        }
        images |= {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}
        instances |= {
            i["InstanceId"]: i["State"]["Name"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
        }
    assert {v for v, s in volumes.items() if s == "in-use"} == truth.volumes_attached
    assert {v for v, s in volumes.items() if s == "available"} == truth.volumes_available
    assert set(snapshots) == truth.snapshots and len(snapshots) >= 21
    assert images == truth.images
    assert {i for i, s in instances.items() if s == "running"} == truth.instances_running
    assert {i for i, s in instances.items() if s == "stopped"} == truth.instances_stopped
    assert {i for i, s in instances.items() if s == "terminated"} == truth.instances_terminated
    # The orphans' volumes are gone, and so are those of DLM's and Backup's snapshots.
    for snapshot_id in truth.orphaned_snapshots | truth.dlm_snapshots | truth.backup_snapshots:
        assert snapshots[snapshot_id]["VolumeId"] not in volumes
    for snapshot_id in truth.dlm_snapshots:
        tags = {t["Key"]: t["Value"] for t in snapshots[snapshot_id]["Tags"]}
        assert tags["dlm:managed"] == "true" and tags["aws:dlm:lifecycle-policy-id"]
        assert str(snapshots[snapshot_id]["Description"]).startswith("Created for policy: policy-")
    # What moto writes on the snapshot of each image.
    descriptions = [str(snapshots[s]["Description"]) for s in truth.orphaned_snapshots]
    assert any(d.startswith("Created by CreateImage(i-") for d in descriptions)
    assert any(d.startswith("Auto-created snapshot for AMI ami-") for d in descriptions)


def test_moto_behaves_as_the_world_expects(
    unpatched_world: Truth, unpatched_server: UnpatchedMoto
) -> None:
    truth = unpatched_world
    ec2 = _ec2(unpatched_server, R1)
    # The bulk public listing ignores its filter: every snapshot of the region comes back.
    listed = ec2.describe_snapshots(OwnerIds=["self"], RestorableByUserIds=["all"])["Snapshots"]
    in_r1 = {s for s in truth.snapshots if truth.region_of[s] == R1}
    assert {s["SnapshotId"] for s in listed} == in_r1 and len(in_r1) > 20
    # One by one, only the public snapshot is public.
    attribute = ec2.describe_snapshot_attribute(
        SnapshotId=truth.public_snapshot, Attribute="createVolumePermission"
    )
    assert attribute["CreateVolumePermissions"] == [{"Group": "all"}]
    # lastLaunchedTime is an HTML 500 page.
    with pytest.raises((ResponseParserError, ClientError)):
        ec2.describe_image_attribute(ImageId=truth.golden_image, Attribute="lastLaunchedTime")
    # The golden image is named only by the parameter a launch template resolves.
    ssm = boto3.client("ssm", region_name=R1, endpoint_url=unpatched_server.endpoint_url, **KEYS)
    parameter = ssm.get_parameter(Name=GOLDEN_PARAMETER)["Parameter"]
    assert parameter["Value"] == truth.golden_image and parameter["DataType"] == "aws:ec2:image"
    versions = [
        v["LaunchTemplateData"].get("ImageId")
        for t in ec2.describe_launch_templates()["LaunchTemplates"]
        for v in ec2.describe_launch_template_versions(LaunchTemplateId=t["LaunchTemplateId"])[
            "LaunchTemplateVersions"
        ]
    ]
    assert f"resolve:ssm:{GOLDEN_PARAMETER}" in versions
    assert truth.image_in_launch_template in versions and truth.golden_image not in versions
