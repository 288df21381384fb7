"""Measurements without a screen: the data layer's load, today's ways to fetch, and the floor.

    python -m bench.probe_data load    --endpoint-url URL
    python -m bench.probe_data boto3   --endpoint-url URL
    python -m bench.probe_data floor   --endpoint-url URL --latency-ms 50
    python -m bench.probe_data awscli  --endpoint-url URL --aws /work/awscli-venv/bin/aws

Each prints one JSON object as its last line (see bench.environment).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import time
import urllib.request
from typing import Any

from bench.environment import peak_rss_mb, report, sealed_environment
from bench.world import REGIONS


async def data_load(endpoint_url: str) -> dict[str, Any]:
    """amiexplorer.aws.account.Account.load over every region, as the app runs it."""
    from amiexplorer.aws.account import Account
    from amiexplorer.aws.connect import connect
    from amiexplorer.aws.models import ResourceKind
    from amiexplorer.aws.session import AwsSession, ConnectionSettings

    started = time.perf_counter()
    connection = await connect(AwsSession(ConnectionSettings(endpoint_url=endpoint_url)))
    connected = time.perf_counter()
    account = Account(connection)
    events = 0
    async for _event in account.load():
        events += 1
    loaded = time.perf_counter()
    inventory = account.inventory
    result = {
        "connect_s": connected - started,
        "load_s": loaded - connected,
        "regions": len(inventory.regions),
        "errors": [e.message for e in inventory.errors],
        "events": events,
        "counts": {kind.value: inventory.count(kind) for kind in ResourceKind},
        "peak_rss_mb": peak_rss_mb(),
    }
    await account.close()
    return result


#: The calls a person's script makes per region, and the list each returns.
SCRIPT_CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("ec2", "describe_instances", {}, "Reservations"),
    ("ec2", "describe_images", {"Owners": ["self"]}, "Images"),
    ("ec2", "describe_volumes", {}, "Volumes"),
    ("ec2", "describe_snapshots", {"OwnerIds": ["self"]}, "Snapshots"),
    ("ec2", "describe_launch_templates", {}, "LaunchTemplates"),
    ("autoscaling", "describe_launch_configurations", {}, "LaunchConfigurations"),
]


def boto3_sequential(endpoint_url: str) -> dict[str, Any]:
    """A plain boto3 script: region after region, call after call, every page."""
    import boto3

    started = time.perf_counter()
    session = boto3.session.Session()
    items = 0
    for region in REGIONS:
        clients = {
            service: session.client(service, region_name=region, endpoint_url=endpoint_url)
            for service in ("ec2", "autoscaling")
        }
        for service, operation, params, key in SCRIPT_CALLS:
            for page in clients[service].get_paginator(operation).paginate(**params):
                items += len(page.get(key, []))
                if operation == "describe_launch_templates":
                    for template in page.get("LaunchTemplates", []):
                        versions = clients["ec2"].get_paginator("describe_launch_template_versions")
                        for vpage in versions.paginate(
                            LaunchTemplateId=template["LaunchTemplateId"]
                        ):
                            items += len(vpage.get("LaunchTemplateVersions", []))
    return {"seconds": time.perf_counter() - started, "items": items}


def floor(endpoint_url: str, latency: float) -> dict[str, Any]:
    """The least any client could take: the longest dependent chain, plus parsing.

    Chain: within a region, each page needs the previous page's NextToken, launch template
    versions need the template list, and the foreign AMIs lookup needs the instances. Regions
    and kinds are independent, so the longest such chain of any region, times the latency,
    is the least wall time. Parsing: every response the app asks for (at its page sizes) is
    fetched once and then parsed again by botocore alone, timed; a single Python process
    cannot load faster than botocore reads the XML.
    """
    import boto3
    import botocore.parsers

    from amiexplorer.aws.loader import PageSizes

    sizes = PageSizes()
    with urllib.request.urlopen(f"{endpoint_url}/_bench/counts") as reply:
        counts: dict[str, dict[str, int]] = json.load(reply)

    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))

    chains: dict[str, int] = {}
    for region, c in counts.items():
        instances = pages(c["instances"], sizes.instances)
        by_id = 1 if c["foreign_image_ids"] else 0  # chunks of 200 ids may run side by side
        chains[region] = max(
            instances + by_id,
            pages(c["images"], sizes.images),
            pages(c["volumes"], sizes.volumes),
            pages(c["snapshots"], sizes.snapshots),
            1
            + (
                pages(c["launch_template_versions"], sizes.launch_template_versions)
                if c["launch_templates"]
                else 0
            ),
            pages(c["launch_configurations"], sizes.launch_configurations),
        )
    longest = max(chains.values())

    captured: list[tuple[Any, dict[str, Any]]] = []

    def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        captured.append((operation_model, dict(response_dict)))

    session = boto3.session.Session()
    for region in counts:
        ec2 = session.client("ec2", region_name=region, endpoint_url=endpoint_url)
        asg = session.client("autoscaling", region_name=region, endpoint_url=endpoint_url)
        for client in (ec2, asg):
            client.meta.events.register("before-parse", keep)
        calls: list[tuple[Any, str, dict[str, Any]]] = [
            (ec2, "describe_instances", {"PaginationConfig": {"PageSize": sizes.instances}}),
            (
                ec2,
                "describe_images",
                {
                    "Owners": ["self"],
                    "IncludeDeprecated": True,
                    "IncludeDisabled": True,
                    "PaginationConfig": {"PageSize": sizes.images},
                },
            ),
            (ec2, "describe_volumes", {"PaginationConfig": {"PageSize": sizes.volumes}}),
            (
                ec2,
                "describe_snapshots",
                {"OwnerIds": ["self"], "PaginationConfig": {"PageSize": sizes.snapshots}},
            ),
            (
                asg,
                "describe_launch_configurations",
                {"PaginationConfig": {"PageSize": sizes.launch_configurations}},
            ),
        ]
        images_run: set[str] = set()
        own: set[str] = set()
        for client, operation, params in calls:
            for page in client.get_paginator(operation).paginate(**params):
                for reservation in page.get("Reservations", []):
                    images_run.update(i.get("ImageId") for i in reservation["Instances"])
                own.update(i["ImageId"] for i in page.get("Images", []))
        templates = [
            t["LaunchTemplateId"]
            for page in ec2.get_paginator("describe_launch_templates").paginate(
                PaginationConfig={"PageSize": sizes.launch_templates}
            )
            for t in page["LaunchTemplates"]
        ]
        for template_id in templates:
            for _ in ec2.get_paginator("describe_launch_template_versions").paginate(
                LaunchTemplateId=template_id,
                PaginationConfig={"PageSize": sizes.launch_template_versions},
            ):
                pass
        foreign = sorted(i for i in images_run - own if i)
        for start in range(0, len(foreign), 200):
            ec2.describe_images(
                Filters=[{"Name": "image-id", "Values": foreign[start : start + 200]}],
                IncludeDeprecated=True,
            )
    factory = botocore.parsers.ResponseParserFactory()
    parse_started = time.perf_counter()
    for operation_model, response in captured:
        parser = factory.create_parser(operation_model.service_model.resolved_protocol)
        parser.parse(response, operation_model.output_shape)
    parse_s = time.perf_counter() - parse_started
    return {
        "latency_s": latency,
        "longest_chain": longest,
        "chain_region": max(chains, key=lambda r: chains[r]),
        "responses": len(captured),
        "response_mb": sum(len(r["body"]) for _, r in captured) / 1e6,
        "parse_s": parse_s,
        "floor_s": longest * latency + parse_s,
    }


def awscli_loop(endpoint_url: str, aws: str) -> dict[str, Any]:
    """The AWS CLI, region by region, one command per kind (what people script today)."""
    env = sealed_environment()

    def run(*args: str) -> Any:
        out = subprocess.run(
            [aws, *args, "--endpoint-url", endpoint_url, "--output", "json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out) if out.strip() else {}

    started = time.perf_counter()
    commands = 0
    for region in REGIONS:
        r = ("--region", region)
        reservations = run("ec2", "describe-instances", *r)["Reservations"]
        run("ec2", "describe-images", "--owners", "self", *r)
        run("ec2", "describe-volumes", *r)
        run("ec2", "describe-snapshots", "--owner-ids", "self", *r)
        templates = run("ec2", "describe-launch-templates", *r)["LaunchTemplates"]
        for template in templates:
            run(
                "ec2",
                "describe-launch-template-versions",
                "--launch-template-id",
                template["LaunchTemplateId"],
                *r,
            )
        run("autoscaling", "describe-launch-configurations", *r)
        commands += 6 + len(templates)
        del reservations
    return {"seconds": time.perf_counter() - started, "commands": commands}


def main() -> None:
    """Run one measurement and print its JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.probe_data")
    parser.add_argument("what", choices=["load", "boto3", "floor", "awscli"])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--aws", default="/work/awscli-venv/bin/aws")
    args = parser.parse_args()
    if args.what == "load":
        result = asyncio.run(data_load(args.endpoint_url))
    elif args.what == "boto3":
        result = boto3_sequential(args.endpoint_url)
    elif args.what == "floor":
        result = floor(args.endpoint_url, args.latency_ms / 1000)
    else:
        result = awscli_loop(args.endpoint_url, args.aws)
    report(result)


if __name__ == "__main__":
    main()
