"""The benchmark's endpoint speaks real EC2: botocore reads back exactly the synthetic account.

No timing is asserted here (the benchmark prints timings); these check that what it measures
is real XML, parsed by botocore, with NextToken pagination that returns each item once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from bench.server import BenchServer
from bench.world import ACCOUNT_ALIAS, ACCOUNT_ID, REGIONS, World, build_world

REGION = "us-east-1"


@pytest.fixture(scope="module")
def world() -> World:
    """The small synthetic account (1,000 snapshots over 17 regions)."""
    return build_world("small")


@pytest.fixture(scope="module")
def endpoint(world: World) -> Iterator[BenchServer]:
    """The endpoint on a loopback port, without added latency."""
    server = BenchServer(world, latency=0.0)
    server.start()
    yield server
    server.stop()


def client(endpoint: BenchServer, service: str, region: str = REGION) -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint.endpoint_url,
        aws_access_key_id="AKIABENCHMARK000000",
        aws_secret_access_key="bench",
    )


def test_botocore_reads_back_every_kind_exactly(endpoint: BenchServer, world: World) -> None:
    data = world.regions[REGION]
    ec2 = client(endpoint, "ec2")
    assert (
        ec2.describe_snapshots(OwnerIds=["self"], MaxResults=5)["Snapshots"] == (data.snapshots[:5])
    )
    assert ec2.describe_images(Owners=["self"], MaxResults=5)["Images"] == data.images[:5]
    assert ec2.describe_volumes(MaxResults=5)["Volumes"] == data.volumes[:5]
    assert ec2.describe_instances(MaxResults=5)["Reservations"] == data.reservations[:5]
    assert ec2.describe_launch_templates()["LaunchTemplates"] == data.launch_templates
    template_id = data.launch_templates[0]["LaunchTemplateId"]
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)
    assert versions["LaunchTemplateVersions"] == data.launch_template_versions[template_id]
    asg = client(endpoint, "autoscaling")
    configurations = asg.describe_launch_configurations()["LaunchConfigurations"]
    assert configurations == data.launch_configurations
    assert [r["RegionName"] for r in ec2.describe_regions()["Regions"]] == list(REGIONS)
    assert client(endpoint, "sts").get_caller_identity()["Account"] == ACCOUNT_ID
    assert client(endpoint, "iam").list_account_aliases()["AccountAliases"] == [ACCOUNT_ALIAS]


def test_next_token_pagination_returns_every_item_once(endpoint: BenchServer, world: World) -> None:
    region = "eu-west-1"
    ec2 = client(endpoint, "ec2", region)
    pages = list(
        ec2.get_paginator("describe_snapshots").paginate(
            OwnerIds=["self"], PaginationConfig={"PageSize": 7}
        )
    )
    ids = [s["SnapshotId"] for page in pages for s in page["Snapshots"]]
    expected = [s["SnapshotId"] for s in world.regions[region].snapshots]
    assert ids == expected and len(set(ids)) == len(ids)
    assert all(len(page["Snapshots"]) == 7 for page in pages[:-1])
    assert len(pages) == -(-len(expected) // 7)
    asg = client(endpoint, "autoscaling", region)
    names = [
        c["LaunchConfigurationName"]
        for page in asg.get_paginator("describe_launch_configurations").paginate(
            PaginationConfig={"PageSize": 1}
        )
        for c in page["LaunchConfigurations"]
    ]
    assert names == [
        c["LaunchConfigurationName"] for c in world.regions[region].launch_configurations
    ]


def test_limits_and_filters_are_those_of_ec2(endpoint: BenchServer, world: World) -> None:
    ec2 = client(endpoint, "ec2")
    with pytest.raises(ClientError) as refused:
        ec2.describe_snapshots(MaxResults=4)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    # Above its maximum (500), DescribeVolumes answers with 500, as EC2 does.
    assert len(ec2.describe_volumes(MaxResults=1000)["Volumes"]) == min(
        500, len(world.regions[REGION].volumes)
    )
    data = world.regions[REGION]
    wanted = [data.images[3]["ImageId"], data.foreign_images[0]["ImageId"]]
    found = ec2.describe_images(Filters=[{"Name": "image-id", "Values": wanted}])["Images"]
    assert sorted(i["ImageId"] for i in found) == sorted(wanted)
    with pytest.raises(ClientError) as unknown:
        ec2.describe_snapshots(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    assert unknown.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_fast_reader_matches_botocore_on_the_benchmark_account(endpoint: BenchServer) -> None:
    from tests.data.test_fast_parser import both_readers_agree, capture

    ec2 = client(endpoint, "ec2")
    captured = capture(ec2)
    for operation, key in (
        ("describe_instances", "Reservations"),
        ("describe_images", "Images"),
        ("describe_volumes", "Volumes"),
        ("describe_snapshots", "Snapshots"),
    ):
        assert getattr(ec2, operation)(MaxResults=50)[key]
    ec2.describe_launch_templates()
    ec2.describe_regions()
    assert both_readers_agree(captured) == 6
