"""Per-resource attributes that Describe* calls do not return: sharing and last launch time.

DescribeImageAttribute and DescribeSnapshotAttribute take one resource per call, so they are
loaded lazily (when a detail panel opens) or in a bounded background pass, never as part of
the main load whose time must not grow with such calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any

from amiexplorer.aws.parse import parse_time
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.models import PUBLIC_GROUP, Image, Snapshot


def _permissions(entries: list[dict[str, Any]]) -> tuple[bool, tuple[str, ...]]:
    """(public?, the account ids, organization and OU ARNs it is shared with)."""
    public = any(e.get("Group") == PUBLIC_GROUP for e in entries)
    shared = tuple(
        sorted(
            str(e.get("UserId") or e.get("OrganizationArn") or e.get("OrganizationalUnitArn"))
            for e in entries
            if e.get("UserId") or e.get("OrganizationArn") or e.get("OrganizationalUnitArn")
        )
    )
    return public, shared


async def image_attributes(pool: ClientPool, image: Image) -> Image:
    """The image with its launch permissions and last launched time filled in (asked at once)."""
    ec2 = await pool.get("ec2", image.region)
    replies: tuple[Any, Any] = await asyncio.gather(
        ec2.describe_image_attribute(ImageId=image.image_id, Attribute="launchPermission"),
        ec2.describe_image_attribute(ImageId=image.image_id, Attribute="lastLaunchedTime"),
        return_exceptions=True,
    )
    permissions, launched = replies
    if isinstance(permissions, BaseException):
        raise permissions
    public, shared = _permissions(permissions.get("LaunchPermissions") or [])
    last_launched = image.last_launched_time
    if isinstance(launched, asyncio.CancelledError):
        raise launched
    if isinstance(launched, BaseException):
        # Optional: older partitions and some endpoints do not know this attribute (moto
        # answers an HTML page); no verdict depends on it, so its failure costs nothing.
        pass
    else:
        last_launched = parse_time((launched.get("LastLaunchedTime") or {}).get("Value"))
    return replace(image, is_public=public, shared_with=shared, last_launched_time=last_launched)


async def snapshot_attributes(pool: ClientPool, snapshot: Snapshot) -> Snapshot:
    """The snapshot with its createVolumePermission (public, shared with) filled in."""
    ec2 = await pool.get("ec2", snapshot.region)
    reply = await ec2.describe_snapshot_attribute(
        SnapshotId=snapshot.snapshot_id, Attribute="createVolumePermission"
    )
    public, shared = _permissions(reply.get("CreateVolumePermissions") or [])
    return replace(snapshot, is_public=public, shared_with=shared)


async def attributes_of(pool: ClientPool, resource: Image | Snapshot) -> Image | Snapshot:
    """The attributes of one image or snapshot."""
    if isinstance(resource, Image):
        return await image_attributes(pool, resource)
    return await snapshot_attributes(pool, resource)


async def stream_attributes(
    pool: ClientPool, resources: Iterable[Image | Snapshot], *, concurrency: int = 8
) -> AsyncIterator[Image | Snapshot]:
    """Fill in attributes for many resources, yielding each as it completes.

    A resource whose call fails is skipped (its fields stay unknown): this pass only adds
    detail, and the region's load already reported any permission problem.
    """
    limit = asyncio.Semaphore(concurrency)
    queue: asyncio.Queue[Image | Snapshot | None] = asyncio.Queue()

    async def one(resource: Image | Snapshot) -> None:
        async with limit:
            try:
                queue.put_nowait(await attributes_of(pool, resource))
            except asyncio.CancelledError:
                raise
            except Exception:  # whatever came back: this resource stays unknown, nothing hangs
                queue.put_nowait(None)

    items = list(resources)
    tasks = [asyncio.create_task(one(r)) for r in items]
    try:
        for _ in items:
            result = await queue.get()
            if result is not None:
                yield result
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
