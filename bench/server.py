"""A fast EC2-compatible loopback endpoint serving the synthetic account, for the benchmark.

It answers EC2, Auto Scaling, STS and IAM the way AWS does: POSTed query-protocol forms in,
XML written from botocore's own model out, real NextToken pagination that honours MaxResults
(within each API's limits), filters the app uses, and a fixed latency per request (default
50 ms) standing in for the network. Every item is rendered once at start, so a page costs a
join, and the endpoint never becomes what the benchmark measures (moto answers ~1 ms per
snapshot and ignores MaxResults, which is why the benchmark does not use it).

Run on its own:  python -m bench.server --size medium --latency-ms 50
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import fnmatch
import json
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench import xmlshapes as xml
from bench.world import ACCOUNT_ALIAS, ACCOUNT_ID, REGIONS, World, build_world

_SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request")

#: (smallest, largest) MaxResults of each paginated API, as AWS documents them.
LIMITS = {
    "DescribeInstances": (5, 1000),
    "DescribeImages": (1, 1000),
    "DescribeVolumes": (5, 500),
    "DescribeSnapshots": (5, 1000),
    "DescribeLaunchTemplates": (1, 200),
    "DescribeLaunchTemplateVersions": (1, 200),
    "DescribeLaunchConfigurations": (1, 100),
}


class ApiError(Exception):
    """An error AWS would answer with (HTTP 400)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class Item:
    """A resource as a botocore dict (for filters) and as its pre-rendered XML item."""

    data: dict[str, Any]
    xml: str


def _indexed(params: Any, prefix: str) -> list[str]:
    """Values of a query-protocol list: Prefix.1, Prefix.2, ... (in order)."""
    values = []
    index = 1
    while (value := params.get(f"{prefix}.{index}")) is not None:
        values.append(value)
        index += 1
    return values


def _filters(params: Any) -> list[tuple[str, list[str]]]:
    out = []
    index = 1
    while (name := params.get(f"Filter.{index}.Name")) is not None:
        out.append((name, _indexed(params, f"Filter.{index}.Value")))
        index += 1
    return out


def _tag_values(item: dict[str, Any], key: str | None) -> list[str]:
    tags = item.get("Tags") or []
    if key is None:
        return [t["Key"] for t in tags]
    return [t["Value"] for t in tags if t["Key"] == key]


#: The filters each Describe call understands: filter name -> the values an item has.
Getter = Callable[[dict[str, Any]], Iterable[Any]]
FILTERS: dict[str, dict[str, Getter]] = {
    "DescribeImages": {
        "image-id": lambda i: [i["ImageId"]],
        "owner-id": lambda i: [i["OwnerId"]],
        "state": lambda i: [i["State"]],
        "name": lambda i: [i.get("Name")],
        "is-public": lambda i: ["true" if i.get("Public") else "false"],
        "block-device-mapping.snapshot-id": lambda i: [
            m.get("Ebs", {}).get("SnapshotId") for m in i.get("BlockDeviceMappings", [])
        ],
    },
    "DescribeSnapshots": {
        "snapshot-id": lambda s: [s["SnapshotId"]],
        "volume-id": lambda s: [s["VolumeId"]],
        "status": lambda s: [s["State"]],
        "owner-id": lambda s: [s["OwnerId"]],
        "description": lambda s: [s.get("Description")],
        "storage-tier": lambda s: [s.get("StorageTier")],
        "encrypted": lambda s: ["true" if s.get("Encrypted") else "false"],
    },
    "DescribeVolumes": {
        "volume-id": lambda v: [v["VolumeId"]],
        "status": lambda v: [v["State"]],
        "snapshot-id": lambda v: [v.get("SnapshotId")],
        "attachment.instance-id": lambda v: [a["InstanceId"] for a in v.get("Attachments", [])],
        "availability-zone": lambda v: [v["AvailabilityZone"]],
    },
    "DescribeInstances": {
        "instance-id": lambda r: [i["InstanceId"] for i in r["Instances"]],
        "image-id": lambda r: [i["ImageId"] for i in r["Instances"]],
        "instance-state-name": lambda r: [i["State"]["Name"] for i in r["Instances"]],
    },
}


def _matches(item: dict[str, Any], getter: Getter, wanted: list[str]) -> bool:
    values = [str(v) for v in getter(item) if v is not None]
    for pattern in wanted:
        if any(ch in pattern for ch in "*?"):
            if any(fnmatch.fnmatchcase(v, pattern) for v in values):
                return True
        elif pattern in values:
            return True
    return False


def _apply_filters(operation: str, items: list[Item], params: Any) -> list[Item]:
    for name, wanted in _filters(params):
        if name.startswith("tag:"):
            key = name[4:]
            getter: Getter = lambda i, key=key: _tag_values(i, key)  # noqa: E731
        elif name == "tag-key":
            getter = lambda i: _tag_values(i, None)  # noqa: E731
        else:
            known = FILTERS.get(operation, {})
            if name not in known:
                raise ApiError("InvalidParameterValue", f"The filter '{name}' is invalid")
            getter = known[name]
        items = [i for i in items if _matches(i.data, getter, wanted)]
    return items


class Endpoint:
    """The request handler: the world rendered once, served page by page."""

    def __init__(self, world: World, latency: float = 0.05) -> None:
        self.world = world
        self.latency = latency
        self.requests: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        reservation = xml.item_renderer("ec2", "DescribeInstances", "Reservations")
        image = xml.item_renderer("ec2", "DescribeImages", "Images")
        volume = xml.item_renderer("ec2", "DescribeVolumes", "Volumes")
        snapshot = xml.item_renderer("ec2", "DescribeSnapshots", "Snapshots")
        template = xml.item_renderer("ec2", "DescribeLaunchTemplates", "LaunchTemplates")
        version = xml.item_renderer(
            "ec2", "DescribeLaunchTemplateVersions", "LaunchTemplateVersions"
        )
        configuration = xml.item_renderer(
            "autoscaling", "DescribeLaunchConfigurations", "LaunchConfigurations"
        )
        self.reservations: dict[str, list[Item]] = {}
        self.images: dict[str, list[Item]] = {}
        self.foreign_images: dict[str, list[Item]] = {}
        self.image_by_id: dict[str, dict[str, Item]] = {}
        self.volumes: dict[str, list[Item]] = {}
        self.snapshots: dict[str, list[Item]] = {}
        self.snapshot_by_id: dict[str, dict[str, Item]] = {}
        self.templates: dict[str, list[Item]] = {}
        self.versions: dict[str, dict[str, list[Item]]] = {}
        self.configurations: dict[str, list[Item]] = {}
        for name, data in world.regions.items():
            self.reservations[name] = [Item(r, reservation(r)) for r in data.reservations]
            self.images[name] = [Item(i, image(i)) for i in data.images]
            self.foreign_images[name] = [Item(i, image(i)) for i in data.foreign_images]
            self.image_by_id[name] = {
                i.data["ImageId"]: i for i in self.images[name] + self.foreign_images[name]
            }
            self.volumes[name] = [Item(v, volume(v)) for v in data.volumes]
            self.snapshots[name] = [Item(s, snapshot(s)) for s in data.snapshots]
            self.snapshot_by_id[name] = {s.data["SnapshotId"]: s for s in self.snapshots[name]}
            self.templates[name] = [Item(t, template(t)) for t in data.launch_templates]
            self.versions[name] = {
                tid: [Item(v, version(v)) for v in versions]
                for tid, versions in data.launch_template_versions.items()
            }
            self.configurations[name] = [
                Item(c, configuration(c)) for c in data.launch_configurations
            ]

    # HTTP -----------------------------------------------------------------------------------

    def application(self) -> web.Application:
        """The aiohttp application: the API on POST /, statistics on GET /_bench/*."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/", self.handle)
        app.router.add_get("/_bench/stats", self.stats)
        app.router.add_get("/_bench/counts", self.counts)
        return app

    async def stats(self, _request: web.Request) -> web.Response:
        """Requests served so far, by service and action, and any action not implemented."""
        return web.json_response({"requests": self.requests, "unknown": self.unknown})

    async def counts(self, _request: web.Request) -> web.Response:
        """How many resources each region holds."""
        return web.json_response(self.world.counts())

    async def handle(self, request: web.Request) -> web.Response:
        """One API call: wait the latency, then answer (or fail as AWS would)."""
        params = await request.post()
        scope = _SCOPE.search(request.headers.get("Authorization", ""))
        region, service = (scope.group(1), scope.group(2)) if scope else ("us-east-1", "ec2")
        action = str(params.get("Action", ""))
        self.requests[f"{service}:{action}"] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        model_service = service if service in ("ec2", "autoscaling", "sts", "iam") else "ec2"
        try:
            if region not in self.world.regions and service in ("ec2", "autoscaling"):
                raise ApiError("AuthFailure", f"region {region} is not enabled for this account")
            body = self.answer(service, action, region, params)
        except ApiError as exc:
            return web.Response(
                status=400,
                body=xml.error(model_service, exc.code, exc.message),
                content_type="text/xml",
            )
        return web.Response(body=body, content_type="text/xml")

    # The API --------------------------------------------------------------------------------

    def answer(self, service: str, action: str, region: str, params: Any) -> bytes:
        """The response document of one call."""
        if service == "sts" and action == "GetCallerIdentity":
            return xml.envelope(
                "sts",
                action,
                xml.render_members(
                    "sts",
                    action,
                    {
                        "UserId": "AIDABENCHBENCHBENCH",
                        "Account": ACCOUNT_ID,
                        "Arn": f"arn:aws:iam::{ACCOUNT_ID}:user/bench",
                    },
                ),
            )
        if service == "iam" and action == "ListAccountAliases":
            members = {"AccountAliases": [ACCOUNT_ALIAS], "IsTruncated": False}
            return xml.envelope("iam", action, xml.render_members("iam", action, members))
        if service == "autoscaling" and action == "DescribeLaunchConfigurations":
            items, token = self._paginate(action, self.configurations[region], params)
            return xml.page("autoscaling", action, "LaunchConfigurations", items, token)
        handler = getattr(self, f"_ec2_{action}", None) if service == "ec2" else None
        if handler is None:
            self.unknown[f"{service}:{action}"] += 1
            raise ApiError("InvalidAction", f"the benchmark endpoint does not serve {action}")
        result: bytes = handler(region, params)
        return result

    def _paginate(
        self, action: str, items: list[Item], params: Any
    ) -> tuple[list[str], str | None]:
        """One page of `items`: MaxResults (or MaxRecords) honoured, NextToken an offset."""
        start = 0
        token = params.get("NextToken")
        if token:
            try:
                kind, offset = base64.urlsafe_b64decode(token.encode()).decode().split(":")
                start = int(offset)
            except (ValueError, UnicodeDecodeError):
                raise ApiError("InvalidParameterValue", "Invalid NextToken") from None
            if kind != action or not 0 <= start <= len(items):
                raise ApiError("InvalidParameterValue", "Invalid NextToken")
        raw = params.get("MaxResults") or params.get("MaxRecords")
        if raw is None:
            # Without MaxResults, EC2 answers with everything in one response.
            return [i.xml for i in items[start:]], None
        low, high = LIMITS[action]
        # Above the maximum, EC2 answers with the maximum (the AWS CLI asks DescribeVolumes
        # for 1,000); below the minimum it refuses the call.
        size = min(int(raw), high)
        if size < low:
            raise ApiError(
                "InvalidParameterValue",
                f"Value ({size}) for parameter maxResults is invalid. "
                f"Expecting a value between {low} and {high}.",
            )
        end = start + size
        next_token = None
        if end < len(items):
            next_token = base64.urlsafe_b64encode(f"{action}:{end}".encode()).decode()
        return [i.xml for i in items[start:end]], next_token

    def _ec2_DescribeRegions(self, _region: str, params: Any) -> bytes:
        wanted = set(_indexed(params, "RegionName")) or set(REGIONS)
        regions = [
            {
                "RegionName": name,
                "Endpoint": f"ec2.{name}.amazonaws.com",
                "OptInStatus": "opt-in-not-required",
            }
            for name in REGIONS
            if name in wanted
        ]
        return xml.envelope(
            "ec2",
            "DescribeRegions",
            xml.render_members("ec2", "DescribeRegions", {"Regions": regions}),
        )

    def _ec2_DescribeInstances(self, region: str, params: Any) -> bytes:
        items = self.reservations[region]
        ids = set(_indexed(params, "InstanceId"))
        if ids:
            items = [r for r in items if r.data["Instances"][0]["InstanceId"] in ids]
        items = _apply_filters("DescribeInstances", items, params)
        page, token = self._paginate("DescribeInstances", items, params)
        return xml.page("ec2", "DescribeInstances", "Reservations", page, token)

    def _ec2_DescribeImages(self, region: str, params: Any) -> bytes:
        owners = _indexed(params, "Owner")
        ids = _indexed(params, "ImageId")
        if ids:
            known = self.image_by_id[region]
            missing = [i for i in ids if i not in known]
            if missing:
                raise ApiError(
                    "InvalidAMIID.NotFound", f"The image id '[{missing[0]}]' does not exist"
                )
            items = [known[i] for i in dict.fromkeys(ids)]
        elif owners:
            items = []
            if {"self", ACCOUNT_ID} & set(owners):
                items += self.images[region]
            if {"amazon", "137112412989"} & set(owners):
                items += self.foreign_images[region]
        else:
            items = self.images[region] + self.foreign_images[region]
        items = _apply_filters("DescribeImages", items, params)
        page, token = self._paginate("DescribeImages", items, params)
        return xml.page("ec2", "DescribeImages", "Images", page, token)

    def _ec2_DescribeVolumes(self, region: str, params: Any) -> bytes:
        items = self.volumes[region]
        ids = set(_indexed(params, "VolumeId"))
        if ids:
            items = [v for v in items if v.data["VolumeId"] in ids]
        items = _apply_filters("DescribeVolumes", items, params)
        page, token = self._paginate("DescribeVolumes", items, params)
        return xml.page("ec2", "DescribeVolumes", "Volumes", page, token)

    def _ec2_DescribeSnapshots(self, region: str, params: Any) -> bytes:
        items = self.snapshots[region]
        ids = set(_indexed(params, "SnapshotId"))
        if ids:
            items = [s for s in items if s.data["SnapshotId"] in ids]
        if "all" in _indexed(params, "RestorableBy"):
            perms = self.world.regions[region].permissions
            items = [
                s
                for s in items
                if any(p.get("Group") == "all" for p in perms.get(s.data["SnapshotId"], []))
            ]
        items = _apply_filters("DescribeSnapshots", items, params)
        page, token = self._paginate("DescribeSnapshots", items, params)
        return xml.page("ec2", "DescribeSnapshots", "Snapshots", page, token)

    def _ec2_DescribeLaunchTemplates(self, region: str, params: Any) -> bytes:
        page, token = self._paginate("DescribeLaunchTemplates", self.templates[region], params)
        return xml.page("ec2", "DescribeLaunchTemplates", "LaunchTemplates", page, token)

    def _ec2_DescribeLaunchTemplateVersions(self, region: str, params: Any) -> bytes:
        template_id = params.get("LaunchTemplateId")
        versions = self.versions[region].get(str(template_id))
        if versions is None:
            raise ApiError(
                "InvalidLaunchTemplateId.NotFound",
                f"The specified launch template, with template ID {template_id}, does not exist.",
            )
        page, token = self._paginate("DescribeLaunchTemplateVersions", versions, params)
        return xml.page(
            "ec2", "DescribeLaunchTemplateVersions", "LaunchTemplateVersions", page, token
        )

    def _ec2_DescribeImageAttribute(self, region: str, params: Any) -> bytes:
        image_id = str(params.get("ImageId"))
        if image_id not in self.image_by_id[region]:
            raise ApiError("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
        attribute = params.get("Attribute")
        members: dict[str, Any] = {"ImageId": image_id}
        if attribute == "launchPermission":
            members["LaunchPermissions"] = self.world.regions[region].permissions.get(image_id, [])
        elif attribute == "lastLaunchedTime":
            members["LastLaunchedTime"] = {"Value": "2026-10-30T08:00:00Z"}
        elif attribute == "description":
            description = self.image_by_id[region][image_id].data.get("Description", "")
            members["Description"] = {"Value": description}
        else:
            raise ApiError("InvalidParameterValue", f"attribute {attribute} is not served here")
        body = xml.render_members("ec2", "DescribeImageAttribute", members)
        return xml.envelope("ec2", "DescribeImageAttribute", body)

    def _ec2_DescribeSnapshotAttribute(self, region: str, params: Any) -> bytes:
        snapshot_id = str(params.get("SnapshotId"))
        if snapshot_id not in self.snapshot_by_id[region]:
            raise ApiError(
                "InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist."
            )
        if params.get("Attribute") != "createVolumePermission":
            raise ApiError("InvalidParameterValue", "only createVolumePermission is served here")
        members = {
            "SnapshotId": snapshot_id,
            "CreateVolumePermissions": self.world.regions[region].permissions.get(snapshot_id, []),
        }
        body = xml.render_members("ec2", "DescribeSnapshotAttribute", members)
        return xml.envelope("ec2", "DescribeSnapshotAttribute", body)


class BenchServer:
    """The endpoint on a loopback port, in a thread of its own (for tests and in-process use)."""

    def __init__(self, world: World, latency: float = 0.0, port: int = 0) -> None:
        self.endpoint = Endpoint(world, latency)
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def endpoint_url(self) -> str:
        """The URL to give botocore as endpoint_url."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start serving; returns once the port is listening."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def serve() -> None:
            self._runner = web.AppRunner(self.endpoint.application(), access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            await site.start()
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(serve())
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="bench-endpoint", daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the benchmark endpoint did not start")

    def stop(self) -> None:
        """Stop serving and join the thread."""
        loop, runner = self._loop, self._runner
        if loop is None:
            return
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = None


def main(argv: list[str] | None = None) -> None:
    """Serve one size until stdin closes (the benchmark runner holds it open) or ^C."""
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("--size", default="small", help="small, medium or large")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = BenchServer(build_world(args.size), args.latency_ms / 1000, args.port)
    server.start()
    print(json.dumps({"endpoint_url": server.endpoint_url}), flush=True)
    try:
        sys.stdin.read()  # returns when the parent closes our stdin (or dies)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
