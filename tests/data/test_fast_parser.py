"""The fast EC2 reader gives exactly what botocore's reader gives, answer for answer.

Every answer the demo world (moto) gives to the calls the app makes is read by both; they
must agree to the last field, timestamps included (both use the app's timestamp parser).
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.parsers

from amiexplorer.aws.fastparse import _COMPILERS, FastEC2QueryParser
from amiexplorer.aws.parse import botocore_timestamp
from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted


def both_readers_agree(captured: list[tuple[Any, dict[str, Any]]]) -> int:
    """Read every answer with botocore's reader and the fast one; return how many agreed."""
    reference = botocore.parsers.EC2QueryParser(timestamp_parser=botocore_timestamp)
    compilers = len(_COMPILERS)
    for operation, response in captured:
        expected = reference._do_parse(response, operation.output_shape)
        # A parser per answer, as botocore makes them: the compiled readers must be shared.
        fast = FastEC2QueryParser(timestamp_parser=botocore_timestamp)
        assert fast._do_parse(response, operation.output_shape) == expected, operation.name
    assert len(_COMPILERS) <= compilers + 1
    return len(captured)


def capture(client: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Keep every answer the client receives, before it is read."""
    captured: list[tuple[Any, dict[str, Any]]] = []

    def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        captured.append((operation_model, dict(response_dict)))

    client.meta.events.register("before-parse", keep)
    return captured


def test_fast_reader_matches_botocore_on_the_demo_world(
    world: Planted, demo_server: DemoServer
) -> None:
    access_key, secret_key = DEMO_CREDENTIALS
    total = 0
    for region in world.regions:
        ec2 = boto3.client(
            "ec2",
            region_name=region,
            endpoint_url=demo_server.endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
        )
        captured = capture(ec2)
        ec2.describe_regions()
        ec2.describe_instances()
        images = ec2.describe_images(Owners=["self"])["Images"]
        ec2.describe_volumes()
        snapshots = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        for template in ec2.describe_launch_templates()["LaunchTemplates"]:
            ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"])
        for image in images[:3]:
            ec2.describe_image_attribute(ImageId=image["ImageId"], Attribute="launchPermission")
        for snapshot in snapshots[:3]:
            ec2.describe_snapshot_attribute(
                SnapshotId=snapshot["SnapshotId"], Attribute="createVolumePermission"
            )
        assert images and snapshots
        total += both_readers_agree(captured)
    assert total > 20
