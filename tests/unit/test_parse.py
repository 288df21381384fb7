"""Turning botocore response items into models."""

from datetime import UTC, datetime

from amiexplorer.aws.parse import (
    parse_image,
    parse_instance,
    parse_progress,
    parse_snapshot,
    parse_time,
    parse_volume,
)
from amiexplorer.core.models import Volume


def test_parse_time_accepts_iso_strings_and_datetimes() -> None:
    assert parse_time("2024-05-01T10:20:30.000Z") == datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)
    naive = datetime(2024, 5, 1)
    assert parse_time(naive) == naive.replace(tzinfo=UTC)
    assert parse_time("not a date") is None
    assert parse_time(None) is None


def test_parse_progress() -> None:
    assert parse_progress("42%") == 42
    assert parse_progress("100%") == 100
    assert parse_progress("") == 0
    assert parse_progress(None) == 0


def test_image_ownership_mappings_and_dates() -> None:
    image = parse_image(
        {
            "ImageId": "ami-1",
            "OwnerId": "111111111111",
            "Name": "web-2026.10.14",
            "State": "available",
            "CreationDate": "2026-10-14T08:00:00.000Z",
            "DeprecationTime": "2027-01-01T00:00:00Z",
            "Public": True,
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-1", "VolumeSize": 8}},
                {"DeviceName": "/dev/xvdb", "Ebs": {"SnapshotId": "snap-2", "VolumeSize": 100}},
                {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"},
            ],
            "Tags": [{"Key": "Team", "Value": "web"}, {"Key": "Name", "Value": "golden"}],
        },
        "eu-west-1",
        "111111111111",
    )
    assert image.owned and image.is_public
    assert image.snapshot_ids == ("snap-1", "snap-2")
    assert image.size_gib == 108
    assert image.creation_date == datetime(2026, 10, 14, 8, tzinfo=UTC)
    assert image.is_deprecated(datetime(2027, 2, 1, tzinfo=UTC))
    assert not image.is_deprecated(datetime(2026, 12, 1, tzinfo=UTC))
    assert image.name_tag == "golden"
    assert not image.block_device_mappings[2].is_ebs
    foreign = parse_image({"ImageId": "ami-2", "OwnerId": "999"}, "eu-west-1", "111111111111")
    assert not foreign.owned


def test_instance_volumes_and_terminated_state() -> None:
    instance = parse_instance(
        {
            "InstanceId": "i-1",
            "State": {"Name": "terminated"},
            "InstanceType": "t3.micro",
            "ImageId": "ami-1",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
            "Tags": [{"Key": "Name", "Value": "web-1"}],
        },
        "us-east-1",
    )
    assert instance.is_terminated
    assert instance.volume_ids == ("vol-1",)
    assert instance.name == "web-1"


def test_volume_attachment_and_snapshot_fields() -> None:
    volume: Volume = parse_volume(
        {
            "VolumeId": "vol-1",
            "AvailabilityZone": "us-east-1a",
            "State": "in-use",
            "Size": 100,
            "VolumeType": "gp3",
            "Attachments": [{"InstanceId": "i-1", "State": "attached", "Device": "/dev/xvdb"}],
        },
        "us-east-1",
    )
    assert volume.is_attached and volume.instance_ids == ("i-1",)
    snapshot = parse_snapshot(
        {
            "SnapshotId": "snap-1",
            "OwnerId": "1",
            "State": "pending",
            "Progress": "37%",
            "VolumeId": "vol-1",
            "VolumeSize": 100,
            "StorageTier": "archive",
        },
        "us-east-1",
    )
    assert snapshot.is_pending and snapshot.progress == 37
    assert snapshot.storage_tier == "archive"
    assert snapshot.is_public is None  # unknown until DescribeSnapshotAttribute is asked
