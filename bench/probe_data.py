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
import re
import subprocess
import time
import urllib.parse
import urllib.request
from typing import Any

from bench.environment import peak_rss_mb, report, sealed_environment
from bench.world import REGIONS


async def data_load(endpoint_url: str) -> dict[str, Any]:
    """amiexplorer.aws.account.Account.load over every region, as the app runs it."""
    from amiexplorer.aws.account import Account
    from amiexplorer.aws.session import AwsSession, ConnectionSettings
    from amiexplorer.aws.startup.connect import connect
    from amiexplorer.core.models import ResourceKind

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


class _RawFetcher:
    """Fetches what the app asks for, page by page, without parsing it on the way.

    Requests are serialized by botocore (so they are byte for byte what a client sends) and
    sent with urllib; the next token is read with a regular expression. The bodies are kept
    for botocore to parse afterwards, timed on their own.
    """

    _TOKEN = re.compile(rb"<(?:nextToken|NextToken)>([^<]+)</")

    def __init__(self, endpoint_url: str) -> None:
        import botocore.serialize

        from bench.xmlshapes import service_model

        self.endpoint_url = endpoint_url
        self.models = {name: service_model(name) for name in ("ec2", "autoscaling")}
        self.serializers = {
            name: botocore.serialize.create_serializer(model.metadata["protocol"])
            for name, model in self.models.items()
        }
        self.captured: list[tuple[Any, dict[str, Any]]] = []
        self.bodies: dict[tuple[str, str], list[bytes]] = {}

    def all_pages(self, service: str, region: str, operation: str, params: dict[str, Any]) -> None:
        """Every page of one call, following NextToken."""
        model = self.models[service].operation_model(operation)
        token: str | None = None
        while True:
            request = dict(params, NextToken=token) if token else dict(params)
            serialized = self.serializers[service].serialize_to_request(request, model)
            data = urllib.parse.urlencode(serialized["body"]).encode()
            scope = f"Credential=AKIABENCH/20260101/{region}/{service}/aws4_request"
            http = urllib.request.Request(
                self.endpoint_url,
                data=data,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                    "Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0",
                },
            )
            with urllib.request.urlopen(http) as reply:
                body = reply.read()
                headers = dict(reply.headers.items())
            self.captured.append((model, {"body": body, "headers": headers, "status_code": 200}))
            self.bodies.setdefault((region, operation), []).append(body)
            match = self._TOKEN.search(body)
            if not match:
                return
            token = match.group(1).decode()

    def found(self, region: str, operation: str, element: str) -> set[str]:
        """Every value of `element` in the region's answers to `operation`."""
        pattern = re.compile(f"<{element}>([^<]+)</{element}>".encode())
        return {
            m.decode()
            for body in self.bodies.get((region, operation), [])
            for m in pattern.findall(body)
        }


def floor(endpoint_url: str, latency: float, parse_runs: int = 1) -> dict[str, Any]:
    """The least any client could take: the longest dependent chain, plus parsing.

    Chain: within a region, each page needs the previous page's NextToken, launch template
    versions need the template list, and the foreign AMIs lookup needs the instances. Regions
    and kinds are independent, so the longest such chain of any region, times the latency,
    is the least wall time. Parsing: every response the app asks for (at its page sizes) is
    fetched once and then parsed again by botocore alone, timed; a single Python process
    cannot load faster than botocore reads the XML.
    """
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

    fetch = _RawFetcher(endpoint_url)
    for region in counts:
        for operation, params in (
            ("DescribeInstances", {"MaxResults": sizes.instances}),
            (
                "DescribeImages",
                {
                    "Owners": ["self"],
                    "IncludeDeprecated": True,
                    "IncludeDisabled": True,
                    "MaxResults": sizes.images,
                },
            ),
            ("DescribeVolumes", {"MaxResults": sizes.volumes}),
            ("DescribeSnapshots", {"OwnerIds": ["self"], "MaxResults": sizes.snapshots}),
            ("DescribeLaunchTemplates", {"MaxResults": sizes.launch_templates}),
        ):
            fetch.all_pages("ec2", region, operation, params)
        fetch.all_pages(
            "autoscaling",
            region,
            "DescribeLaunchConfigurations",
            {"MaxRecords": sizes.launch_configurations},
        )
        for template_id in fetch.found(region, "DescribeLaunchTemplates", "launchTemplateId"):
            fetch.all_pages(
                "ec2",
                region,
                "DescribeLaunchTemplateVersions",
                {"LaunchTemplateId": template_id, "MaxResults": sizes.launch_template_versions},
            )
        running = fetch.found(region, "DescribeInstances", "imageId")
        foreign = sorted(running - fetch.found(region, "DescribeImages", "imageId"))
        for start in range(0, len(foreign), 200):
            filters = [{"Name": "image-id", "Values": foreign[start : start + 200]}]
            fetch.all_pages(
                "ec2", region, "DescribeImages", {"Filters": filters, "IncludeDeprecated": True}
            )
    captured = fetch.captured
    factory = botocore.parsers.ResponseParserFactory()
    timings = []
    for _ in range(max(1, parse_runs)):
        parse_started = time.perf_counter()
        for operation_model, response in captured:
            parser = factory.create_parser(operation_model.service_model.resolved_protocol)
            parser.parse(response, operation_model.output_shape)
        timings.append(time.perf_counter() - parse_started)
    # The least disturbed run: other work on the machine only ever adds time.
    parse_s = min(timings)
    return {
        "latency_s": latency,
        "longest_chain": longest,
        "chain_region": max(chains, key=lambda r: chains[r]),
        "responses": len(captured),
        "response_mb": sum(len(r["body"]) for _, r in captured) / 1e6,
        "parse_s": parse_s,
        "parse_runs_s": [round(t, 3) for t in timings],
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
    parser.add_argument(
        "--parse-runs", type=int, default=1, help="floor: parse N times, keep the least"
    )
    args = parser.parse_args()
    if args.what == "load":
        result = asyncio.run(data_load(args.endpoint_url))
    elif args.what == "boto3":
        result = boto3_sequential(args.endpoint_url)
    elif args.what == "floor":
        result = floor(args.endpoint_url, args.latency_ms / 1000, args.parse_runs)
    else:
        result = awscli_loop(args.endpoint_url, args.aws)
    report(result)


if __name__ == "__main__":
    main()
