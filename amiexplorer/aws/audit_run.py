"""Run an audit of one account: gather the evidence, then apply the pure rules of `audit`.

`run_audit(account, options, progress)` is what both the TUI and `amiexplorer audit` call:

1. load every chosen region (skipped with `AuditOptions(reload=False)`, when a UI audits the
   inventory it has already loaded);
2. list each region's public snapshots in bulk (DescribeSnapshots, OwnerIds=self,
   RestorableByUserIds=all): a few calls per region whatever the account's size, so
   public-snapshot findings are always complete (public images come with DescribeImages);
3. read who each owned image and snapshot is shared with (DescribeImageAttribute,
   DescribeSnapshotAttribute): one call per resource, `concurrency` at a time. Above
   `sharing_limit` resources of a kind this pass is skipped for that kind, and the report says
   so in its notes: AWS throttles Describe* calls to about 20 a second after a burst, so
   10,000 snapshots take about 8 minutes. `sharing_limit=None` lifts the limit;
4. `audit.build_report`.

Every failure becomes an `AuditError` of its region; nothing raises but cancellation.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from botocore.exceptions import BotoCoreError, ClientError

from amiexplorer.aws.account import Account
from amiexplorer.aws.attributes import PUBLIC_GROUP, attributes_of
from amiexplorer.aws.audit import AuditError, AuditReport, build_report
from amiexplorer.aws.errors import describe_problem, error_code
from amiexplorer.aws.inventory import RegionFinished
from amiexplorer.aws.models import Image, ResourceKind, Snapshot
from amiexplorer.config import DEFAULT_SHARING_LIMIT, Prices, Thresholds

#: Codes that mean the resource went away between the load and the sharing call.
_GONE = frozenset({"InvalidSnapshot.NotFound", "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"})


class AuditStage(StrEnum):
    """What the audit is doing."""

    LOADING = "loading"
    PUBLIC_SNAPSHOTS = "public-snapshots"
    SHARING = "sharing"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class AuditProgress:
    """How far the audit is: `done` of `total` units (regions or resources) of `stage`."""

    stage: AuditStage
    done: int
    total: int

    def describe(self) -> str:
        """For instance "reading sharing: 120/500"."""
        words = {
            AuditStage.LOADING: "loading regions",
            AuditStage.PUBLIC_SNAPSHOTS: "listing public snapshots",
            AuditStage.SHARING: "reading sharing",
            AuditStage.DONE: "done",
        }
        return f"{words[self.stage]}: {self.done}/{self.total}"


ProgressCallback = Callable[[AuditProgress], None]


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """How to run an audit."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    prices: Prices = field(default_factory=Prices)
    #: Most images, and most snapshots, whose sharing is read one call each; None: no limit.
    sharing_limit: int | None = DEFAULT_SHARING_LIMIT
    #: Sharing calls in flight at once (across regions).
    concurrency: int = 8
    #: Load (or reload) every region first; False audits the inventory as it is.
    reload: bool = True
    #: How to tell a person to lift the limit, for the note (the CLI names its flag).
    lift_hint: str = "raise the sharing limit"


def _ignore(_progress: AuditProgress) -> None:
    pass


async def _load(account: Account, progress: ProgressCallback) -> None:
    total = len(account.region_names)
    done = 0
    progress(AuditProgress(AuditStage.LOADING, 0, total))
    async for event in account.load():
        if isinstance(event, RegionFinished):
            done += 1
            progress(AuditProgress(AuditStage.LOADING, done, total))


async def _public_snapshot_ids(account: Account, region: str) -> set[str]:
    ec2 = await account.pool.get("ec2", region)
    found: set[str] = set()
    paginator = ec2.get_paginator("describe_snapshots")
    async for page in paginator.paginate(
        OwnerIds=["self"], RestorableByUserIds=[PUBLIC_GROUP], PaginationConfig={"PageSize": 1000}
    ):
        found.update(s["SnapshotId"] for s in page.get("Snapshots", []))
    return found


async def _mark_public_snapshots(
    account: Account, regions: list[str], progress: ProgressCallback
) -> list[AuditError]:
    """Set `is_public` on every owned snapshot of `regions` from one bulk listing per region."""
    inventory = account.inventory
    by_region: dict[str, list[Snapshot]] = {}
    for snapshot in inventory.snapshots.values():
        if snapshot.region in regions and snapshot.owner_id == inventory.account_id:
            by_region.setdefault(snapshot.region, []).append(snapshot)
    errors: list[AuditError] = []
    limit = asyncio.Semaphore(8)
    done = 0
    progress(AuditProgress(AuditStage.PUBLIC_SNAPSHOTS, 0, len(by_region)))

    async def one(region: str, snapshots: list[Snapshot]) -> None:
        nonlocal done
        async with limit:
            try:
                public = await _public_snapshot_ids(account, region)
            except (ClientError, BotoCoreError, OSError) as exc:
                problem = describe_problem(exc, region=region, operation="DescribeSnapshots")
                errors.append(AuditError(region, f"public snapshots not listed: {problem}"))
                return
            finally:
                done += 1
                progress(AuditProgress(AuditStage.PUBLIC_SNAPSHOTS, done, len(by_region)))
        for snapshot in snapshots:
            current = inventory.snapshots.get(snapshot.id, snapshot)
            inventory.put(replace(current, is_public=snapshot.id in public))

    await asyncio.gather(*(one(r, s) for r, s in by_region.items()))
    return errors


def _sharing_candidates(
    account: Account, regions: list[str]
) -> dict[ResourceKind, list[Image | Snapshot]]:
    """Owned registered images and owned snapshots whose sharing nobody has read yet."""
    inventory = account.inventory
    images: list[Image | Snapshot] = [
        i
        for i in inventory.images.values()
        if i.region in regions and i.owned and i.is_registered and i.shared_with is None
    ]
    snapshots: list[Image | Snapshot] = [
        s
        for s in inventory.snapshots.values()
        if s.region in regions and s.owner_id == inventory.account_id and s.shared_with is None
    ]
    return {ResourceKind.IMAGE: images, ResourceKind.SNAPSHOT: snapshots}


def _limit_hint(kind: ResourceKind, limit: int, lift: str) -> str:
    call = "DescribeImageAttribute" if kind is ResourceKind.IMAGE else "DescribeSnapshotAttribute"
    return f"one {call} call each, more than the limit of {limit:,}: {lift} to read them all"


async def _read_sharing(
    account: Account,
    resources: Iterable[Image | Snapshot],
    concurrency: int,
    progress: ProgressCallback,
) -> list[AuditError]:
    """Read the sharing of each resource into the inventory; failures counted per region."""
    items = list(resources)
    limit = asyncio.Semaphore(concurrency)
    failures: Counter[tuple[str, str, str]] = Counter()
    done = 0
    progress(AuditProgress(AuditStage.SHARING, 0, len(items)))

    async def one(resource: Image | Snapshot) -> None:
        nonlocal done
        async with limit:
            try:
                account.inventory.put(await attributes_of(account.pool, resource))
            except (ClientError, BotoCoreError, OSError) as exc:
                if error_code(exc) not in _GONE:
                    kind = "image" if isinstance(resource, Image) else "snapshot"
                    operation = f"Describe{kind.capitalize()}Attribute"
                    problem = describe_problem(exc, region=resource.region, operation=operation)
                    failures[resource.region, kind, problem.message] += 1
            finally:
                done += 1
                progress(AuditProgress(AuditStage.SHARING, done, len(items)))

    await asyncio.gather(*(one(r) for r in items))
    return [
        AuditError(region, f"sharing of {count:,} {kind}(s) not read: {message}")
        for (region, kind, message), count in failures.items()
    ]


async def run_audit(
    account: Account,
    options: AuditOptions | None = None,
    progress: ProgressCallback | None = None,
    *,
    now: datetime | None = None,
) -> AuditReport:
    """Gather the evidence for every region of `account` and return the audit's report.

    `progress` is called on the event loop's thread as each region or resource completes.
    """
    options = options or AuditOptions()
    report_progress = progress or _ignore
    regions = account.region_names
    if options.reload:
        await _load(account, report_progress)
    errors = await _mark_public_snapshots(account, regions, report_progress)
    hints: dict[ResourceKind, str] = {}
    to_read: list[Image | Snapshot] = []
    for kind, candidates in _sharing_candidates(account, regions).items():
        limit = options.sharing_limit
        if limit is not None and len(candidates) > limit:
            hints[kind] = _limit_hint(kind, limit, options.lift_hint)
        else:
            to_read += candidates
    errors += await _read_sharing(account, to_read, options.concurrency, report_progress)
    report_progress(AuditProgress(AuditStage.DONE, 1, 1))
    return build_report(
        account.inventory,
        account.relations(),
        account=account.identity.account_id,
        account_alias=account.identity.account_alias,
        now=now or datetime.now(UTC),
        regions=regions,
        thresholds=options.thresholds,
        prices=options.prices,
        errors=errors,
        unread_hints=hints,
    )
