"""Load the inventory with aiobotocore: every selected region at once, every page, streamed.

Regions run concurrently (bounded by REGION_CONCURRENCY), and inside a region every kind
loads concurrently; each page becomes a `PageLoaded` event as soon as it arrives. A failure of
one operation becomes a `LoadError` of that region and stops nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from amiexplorer.aws.errors import describe_problem, error_code
from amiexplorer.aws.parse import (
    parse_image,
    parse_instance,
    parse_launch_configuration,
    parse_launch_template_version,
    parse_snapshot,
    parse_volume,
)
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.inventory import (
    InventoryEvent,
    LoadError,
    PageLoaded,
    RegionFinished,
    RegionStarted,
)
from amiexplorer.core.models import Image, ResourceKind

Emit = Callable[[InventoryEvent], None]

#: Regions loaded at once: every region of an account (AWS has about 30). EC2 throttles each
#: region on its own, so loading them together costs AWS nothing more, and a region whose
#: few resources take two round trips no longer waits for a wave of others before it
#: (with 8 at a time, 17 regions were three waves: 0.1 s of a 0.6 s small load).
REGION_CONCURRENCY = 32

#: DescribeImages accepts up to 200 values in one filter.
_FILTER_VALUES_MAX = 200


@dataclass(frozen=True, slots=True)
class PageSizes:
    """MaxResults per call; the defaults are each API's maximum, to make the fewest round trips."""

    instances: int = 1000
    volumes: int = 500
    snapshots: int = 1000
    images: int = 1000
    launch_templates: int = 200
    launch_template_versions: int = 200
    launch_configurations: int = 100


class InventoryLoader:
    """Streams the inventory of chosen regions as events."""

    def __init__(
        self,
        pool: ClientPool,
        account_id: str,
        *,
        region_concurrency: int = REGION_CONCURRENCY,
        page_sizes: PageSizes | None = None,
    ) -> None:
        self.pool = pool
        self.account_id = account_id
        self.region_concurrency = region_concurrency
        self.page_sizes = page_sizes or PageSizes()

    async def stream(self, regions: Iterable[str]) -> AsyncIterator[InventoryEvent]:
        """Yield events for every region until each has finished (or failed)."""
        queue: asyncio.Queue[InventoryEvent] = asyncio.Queue()
        limit = asyncio.Semaphore(self.region_concurrency)

        async def run(region: str) -> None:
            async with limit:
                await self.load_region(region, queue.put_nowait)

        tasks = [asyncio.create_task(run(region)) for region in dict.fromkeys(regions)]
        remaining = len(tasks)
        try:
            while remaining:
                event = await queue.get()
                if isinstance(event, RegionFinished):
                    remaining -= 1
                yield event
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def load_region(self, region: str, emit: Emit) -> None:
        """Load every kind in `region`, emitting pages; always ends with RegionFinished."""
        emit(RegionStarted(region))
        errors: list[LoadError] = []

        async def guarded(service: str, operation: str, work: Awaitable[None]) -> bool:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every failure becomes this region's error, never a crash
                while isinstance(exc, ExceptionGroup):
                    exc = exc.exceptions[0]
                # The call that failed: DescribeLaunchTemplates, say, under the templates' step.
                failed = str(getattr(exc, "operation_name", "") or operation)
                problem = describe_problem(exc, region=region, service=service, operation=failed)
                errors.append(LoadError(region, failed, error_code(exc), problem.message))
                return False
            return True

        instance_images: set[str] = set()
        own_images: set[str] = set()
        results = await asyncio.gather(
            guarded("ec2", "DescribeInstances", self._instances(region, emit, instance_images)),
            guarded("ec2", "DescribeImages", self._own_images(region, emit, own_images)),
            guarded("ec2", "DescribeVolumes", self._volumes(region, emit)),
            guarded("ec2", "DescribeSnapshots", self._snapshots(region, emit)),
            guarded("ec2", "DescribeLaunchTemplateVersions", self._launch_templates(region, emit)),
            guarded(
                "autoscaling",
                "DescribeLaunchConfigurations",
                self._launch_configurations(region, emit),
            ),
        )
        foreign = instance_images - own_images
        if results[0] and results[1] and foreign:
            await guarded("ec2", "DescribeImages", self._images_by_id(region, emit, foreign))
        emit(RegionFinished(region, _distinct(errors)))

    async def _pages(
        self, service: str, region: str, operation: str, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        client = await self.pool.get(service, region)
        async for page in client.get_paginator(operation).paginate(**params):
            yield page

    async def _instances(self, region: str, emit: Emit, image_ids: set[str]) -> None:
        size = self.page_sizes.instances
        async for page in self._pages(
            "ec2", region, "describe_instances", PaginationConfig={"PageSize": size}
        ):
            items = tuple(
                parse_instance(instance, region)
                for reservation in page.get("Reservations", [])
                for instance in reservation.get("Instances", [])
            )
            image_ids.update(i.image_id for i in items if i.image_id)
            emit(PageLoaded(region, ResourceKind.INSTANCE, items))

    async def _volumes(self, region: str, emit: Emit) -> None:
        size = self.page_sizes.volumes
        async for page in self._pages(
            "ec2", region, "describe_volumes", PaginationConfig={"PageSize": size}
        ):
            items = tuple(parse_volume(v, region) for v in page.get("Volumes", []))
            emit(PageLoaded(region, ResourceKind.VOLUME, items))

    async def _snapshots(self, region: str, emit: Emit) -> None:
        size = self.page_sizes.snapshots
        async for page in self._pages(
            "ec2",
            region,
            "describe_snapshots",
            OwnerIds=["self"],
            PaginationConfig={"PageSize": size},
        ):
            items = tuple(parse_snapshot(s, region) for s in page.get("Snapshots", []))
            emit(PageLoaded(region, ResourceKind.SNAPSHOT, items))

    def _image_page(self, region: str, page: dict[str, Any]) -> tuple[Image, ...]:
        return tuple(parse_image(i, region, self.account_id) for i in page.get("Images", []))

    async def _own_images(self, region: str, emit: Emit, image_ids: set[str]) -> None:
        size = self.page_sizes.images
        async for page in self._pages(
            "ec2",
            region,
            "describe_images",
            Owners=["self"],
            IncludeDeprecated=True,
            IncludeDisabled=True,
            PaginationConfig={"PageSize": size},
        ):
            items = self._image_page(region, page)
            image_ids.update(i.image_id for i in items)
            emit(PageLoaded(region, ResourceKind.IMAGE, items))

    async def _images_by_id(self, region: str, emit: Emit, image_ids: set[str]) -> None:
        """Images our instances run that another account owns (public or shared AMIs).

        A filter rather than ImageIds: ImageIds fails the whole call on one unknown id, and an
        instance's image may have been deregistered by its owner long ago.
        """
        ordered = sorted(image_ids)
        for start in range(0, len(ordered), _FILTER_VALUES_MAX):
            chunk = ordered[start : start + _FILTER_VALUES_MAX]
            async for page in self._pages(
                "ec2",
                region,
                "describe_images",
                Filters=[{"Name": "image-id", "Values": chunk}],
                IncludeDeprecated=True,
            ):
                emit(PageLoaded(region, ResourceKind.IMAGE, self._image_page(region, page)))

    async def _launch_templates(self, region: str, emit: Emit) -> None:
        """Every version of every launch template: any version can launch its image."""
        template_ids: list[str] = []
        async for page in self._pages(
            "ec2",
            region,
            "describe_launch_templates",
            PaginationConfig={"PageSize": self.page_sizes.launch_templates},
        ):
            template_ids.extend(t["LaunchTemplateId"] for t in page.get("LaunchTemplates", []))
        # One call per template is unavoidable (versions are listed per template), so bound them.
        limit = asyncio.Semaphore(4)

        async def versions(template_id: str) -> None:
            async with limit:
                async for page in self._pages(
                    "ec2",
                    region,
                    "describe_launch_template_versions",
                    LaunchTemplateId=template_id,
                    PaginationConfig={"PageSize": self.page_sizes.launch_template_versions},
                ):
                    items = tuple(
                        parse_launch_template_version(v, region)
                        for v in page.get("LaunchTemplateVersions", [])
                    )
                    emit(PageLoaded(region, ResourceKind.LAUNCH_TEMPLATE_VERSION, items))

        async with asyncio.TaskGroup() as group:
            for template_id in template_ids:
                group.create_task(versions(template_id))

    async def _launch_configurations(self, region: str, emit: Emit) -> None:
        async for page in self._pages(
            "autoscaling",
            region,
            "describe_launch_configurations",
            PaginationConfig={"PageSize": self.page_sizes.launch_configurations},
        ):
            items = tuple(
                parse_launch_configuration(c, region) for c in page.get("LaunchConfigurations", [])
            )
            emit(PageLoaded(region, ResourceKind.LAUNCH_CONFIGURATION, items))


def _distinct(errors: list[LoadError]) -> tuple[LoadError, ...]:
    """One error per message: an AuthFailure fails every call of a region the same way."""
    seen: dict[str, LoadError] = {}
    for error in errors:
        seen.setdefault(error.message, error)
    return tuple(seen.values())
