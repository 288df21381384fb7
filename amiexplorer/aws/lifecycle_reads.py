"""Read what EC2's lifecycle features say, per region, into the inventory's evidence.

Four reads, each a few calls a region, made only where they can matter:
- DescribeLockedSnapshots and DescribeFastSnapshotRestores where the account owns snapshots;
- DescribeSnapshotTierStatus where some of them are archived (when archiving ended: the
  90-day minimum counts from there);
- rbin:ListRules (and GetRule for each rule's tags: ListRules' summaries have none), and
  what the bin holds (ListSnapshotsInRecycleBin, ListImagesInRecycleBin), where the account
  owns snapshots or images.

A failure is kept as a problem of its region (the guards then refuse what it could hide,
`core/plans/delete.py`); an endpoint that does not have the call at all (`ReadFailed.missing`:
an UNSUPPORTED code, or an HTML error page where AWS's error belongs, as moto answers) has
none of those features, so the read counts as done and empty, and the problem is a note.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from amiexplorer.aws.evidence_reads import (
    ReadFailed,
    guarded_read,
    with_problem,
    without_problem,
)
from amiexplorer.aws.parse import parse_time
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.evidence import Source
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.lifecycle import (
    EBS_SNAPSHOT,
    EC2_IMAGE,
    UNBLOCKED,
    BinnedItem,
    BlockPublicAccess,
    FastRestore,
    RetentionRule,
    SnapshotLock,
)

#: Rule details read at once in a region (a region has a handful of rules).
_RULES_AT_ONCE = 4


async def read_locks(pool: ClientPool, region: str) -> dict[str, SnapshotLock]:
    """Every lock of the region's snapshots, by snapshot id (botocore has no paginator)."""
    ec2 = await pool.get("ec2", region)
    found: dict[str, SnapshotLock] = {}
    token: str | None = None
    while True:
        params: dict[str, Any] = {"MaxResults": 1000}
        if token:
            params["NextToken"] = token
        reply = await ec2.describe_locked_snapshots(**params)
        for item in reply.get("Snapshots") or []:
            snapshot_id = str(item.get("SnapshotId") or "")
            if snapshot_id:
                found[snapshot_id] = SnapshotLock(
                    snapshot_id,
                    region,
                    str(item.get("LockState") or "governance"),
                    expires_on=parse_time(item.get("LockExpiresOn")),
                    cool_off_expires_on=parse_time(item.get("CoolOffPeriodExpiresOn")),
                )
        token = reply.get("NextToken")
        if not token:
            return found


async def read_fast_restores(pool: ClientPool, region: str) -> dict[str, tuple[FastRestore, ...]]:
    """Fast snapshot restore of the region's snapshots: by snapshot id, one entry per zone."""
    ec2 = await pool.get("ec2", region)
    found: dict[str, list[FastRestore]] = {}
    async for page in ec2.get_paginator("describe_fast_snapshot_restores").paginate():
        for item in page.get("FastSnapshotRestores") or []:
            snapshot_id = str(item.get("SnapshotId") or "")
            if snapshot_id:
                found.setdefault(snapshot_id, []).append(
                    FastRestore(
                        snapshot_id,
                        str(item.get("AvailabilityZone") or "?"),
                        str(item.get("State") or "enabled"),
                    )
                )
    return {k: tuple(v) for k, v in found.items()}


async def read_tiering(pool: ClientPool, region: str) -> dict[str, datetime]:
    """When each archived snapshot of the region was archived (archiving's end, or start)."""
    ec2 = await pool.get("ec2", region)
    found: dict[str, datetime] = {}
    async for page in ec2.get_paginator("describe_snapshot_tier_status").paginate():
        for item in page.get("SnapshotTierStatuses") or []:
            snapshot_id = str(item.get("SnapshotId") or "")
            when = parse_time(item.get("ArchivalCompleteTime")) or parse_time(
                item.get("LastTieringStartTime")
            )
            if snapshot_id and when is not None and item.get("StorageTier") == "archive":
                found[snapshot_id] = when
    return found


def _tags(items: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(t.get("ResourceTagKey") or ""), str(t.get("ResourceTagValue") or ""))
        for t in items
        if isinstance(t, dict)
    )


def _days(period: object) -> int:
    """A RetentionPeriod in days (its only unit is DAYS)."""
    if isinstance(period, dict):
        try:
            return int(period.get("RetentionPeriodValue") or 0)
        except (TypeError, ValueError):
            return 0
    return 0


async def read_bin_rules(pool: ClientPool, region: str) -> tuple[RetentionRule, ...]:
    """The region's Recycle Bin retention rules for snapshots and images, with their tags."""
    rbin = await pool.get("rbin", region)
    summaries: list[tuple[str, dict[str, Any]]] = []
    for resource_type in (EBS_SNAPSHOT, EC2_IMAGE):
        paginator = rbin.get_paginator("list_rules")
        async for page in paginator.paginate(ResourceType=resource_type):
            listed = page.get("Rules") or []
            summaries += [(resource_type, r) for r in listed if r.get("Identifier")]
    limit = asyncio.Semaphore(_RULES_AT_ONCE)

    async def detail(resource_type: str, summary: dict[str, Any]) -> RetentionRule:
        async with limit:
            rule = await rbin.get_rule(Identifier=summary["Identifier"])
        return RetentionRule(
            identifier=str(summary["Identifier"]),
            region=region,
            resource_type=str(rule.get("ResourceType") or resource_type),
            retention_days=_days(rule.get("RetentionPeriod") or summary.get("RetentionPeriod")),
            resource_tags=_tags(rule.get("ResourceTags")),
            exclude_tags=_tags(rule.get("ExcludeResourceTags")),
            lock_state=rule.get("LockState") or summary.get("LockState"),
            description=str(rule.get("Description") or ""),
        )

    return tuple(await asyncio.gather(*(detail(t, s) for t, s in summaries)))


async def read_bin_contents(pool: ClientPool, region: str) -> dict[str, BinnedItem]:
    """What the region's Recycle Bin holds: snapshots and images, by id."""
    ec2 = await pool.get("ec2", region)
    found: dict[str, BinnedItem] = {}
    listings = (
        ("list_snapshots_in_recycle_bin", "Snapshots", "SnapshotId", "snapshot", "Description"),
        ("list_images_in_recycle_bin", "Images", "ImageId", "image", "Name"),
    )
    for operation, member, key, kind, label in listings:
        async for page in ec2.get_paginator(operation).paginate():
            for item in page.get(member) or []:
                resource_id = str(item.get(key) or "")
                if resource_id:
                    found[resource_id] = BinnedItem(
                        resource_id,
                        region,
                        kind,
                        parse_time(item.get("RecycleBinEnterTime")),
                        parse_time(item.get("RecycleBinExitTime")),
                        str(item.get(label) or ""),
                    )
    return found


async def read_block_public_access(pool: ClientPool, region: str) -> BlockPublicAccess:
    """The region's block public access for snapshots and images (two calls, at once)."""
    ec2 = await pool.get("ec2", region)
    snapshots, images = await asyncio.gather(
        ec2.get_snapshot_block_public_access_state(),
        ec2.get_image_block_public_access_state(),
    )
    managed = snapshots.get("ManagedBy") or images.get("ManagedBy") or "account"
    return BlockPublicAccess(
        str(snapshots.get("State") or UNBLOCKED),
        str(images.get("ImageBlockPublicAccessState") or UNBLOCKED),
        str(managed),
    )


_READS: dict[Source, tuple[str, str, str, Callable[[ClientPool, str], Awaitable[Any]], Any]] = {
    Source.LOCKS: ("ec2", "DescribeLockedSnapshots", "locks", read_locks, {}),
    Source.FAST_RESTORES: (
        "ec2",
        "DescribeFastSnapshotRestores",
        "fast_restores",
        read_fast_restores,
        {},
    ),
    Source.TIERING: ("ec2", "DescribeSnapshotTierStatus", "archived_at", read_tiering, {}),
    Source.RECYCLE_BIN: ("rbin", "ListRules", "bin_rules", read_bin_rules, ()),
    Source.BIN_CONTENTS: (
        "ec2",
        "ListImagesInRecycleBin",
        "recycle_bin",
        read_bin_contents,
        {},
    ),
    # An endpoint without the calls has no such setting to tell: unknown, not "unblocked".
    Source.BLOCK_PUBLIC_ACCESS: (
        "ec2",
        "GetSnapshotBlockPublicAccessState",
        "block_public_access",
        read_block_public_access,
        None,
    ),
}


def lifecycle_reads(inventory: Inventory, regions: Iterable[str]) -> list[tuple[Source, str]]:
    """(what, where) to read: only where the account owns what the read is about."""
    chosen = set(regions)
    account = inventory.account_id
    snapshots: set[str] = set()
    archived: set[str] = set()
    for snapshot in inventory.snapshots.values():
        if snapshot.owner_id == account and snapshot.region in chosen:
            snapshots.add(snapshot.region)
            if snapshot.storage_tier == "archive":
                archived.add(snapshot.region)
    images = {i.region for i in inventory.images.values() if i.owned and i.region in chosen}
    wanted = [(Source.LOCKS, r) for r in sorted(snapshots)]
    wanted += [(Source.FAST_RESTORES, r) for r in sorted(snapshots)]
    wanted += [(Source.TIERING, r) for r in sorted(archived)]
    wanted += [(Source.RECYCLE_BIN, r) for r in sorted(snapshots | images)]
    wanted += [(Source.BIN_CONTENTS, r) for r in sorted(snapshots | images)]
    wanted += [(Source.BLOCK_PUBLIC_ACCESS, r) for r in sorted(snapshots | images)]
    return wanted


#: What a guard refuses on (`plans/lifecycle_guards.py`): read again right before a delete. The
#: rules and archive times only word the confirmation, which was shown by then.
REFUSING = frozenset({Source.LOCKS, Source.FAST_RESTORES, Source.BIN_CONTENTS})


async def read_lifecycle(
    pool: ClientPool,
    inventory: Inventory,
    regions: Iterable[str],
    sources: frozenset[Source] | None = None,
) -> None:
    """Read locks, fast snapshot restore, archive times and Recycle Bin rules and contents of
    `regions` (only `sources`, when given)."""
    evidence = inventory.evidence

    async def one(source: Source, region: str) -> None:
        service, operation, field, read, empty = _READS[source]
        try:
            found = await guarded_read(source, region, service, operation, read(pool, region))
        except ReadFailed as failure:
            problems = with_problem(evidence, region, failure)
            # An endpoint without the call has no such feature: nothing there can be locked,
            # binned... (kept as a note). Any other failure leaves it unknown.
            evidence.update(
                region, **{field: empty if failure.missing else None}, problems=problems
            )
            return
        evidence.update(
            region, **{field: found}, problems=without_problem(evidence, region, source)
        )

    wanted = lifecycle_reads(inventory, regions)
    await asyncio.gather(*(one(s, r) for s, r in wanted if sources is None or s in sources))
