"""Run an audit of one account: gather the evidence, then apply the pure rules of `audit`.

`run_audit(account, options, progress)` is what both the TUI and `amiexplorer audit` call:

1. load every chosen region (skipped with `AuditOptions(reload=False)`, when a UI audits the
   inventory it has already loaded);
2. list each region's public snapshots in bulk (DescribeSnapshots, OwnerIds=self,
   RestorableByUserIds=all): a few calls per region whatever the account's size, so
   public-snapshot findings are always complete (public images come with DescribeImages).
   A listing is believed only where it agrees with what was read resource by resource:
   where the two disagree the resource is read again, and a listing that names EVERY
   snapshot of a region (an endpoint that ignores the filter: moto and LocalStack do) is
   checked resource by resource before anything is called public;
3. read who each owned image and snapshot is shared with (DescribeImageAttribute,
   DescribeSnapshotAttribute): one call per resource, `concurrency` at a time. Above
   `sharing_limit` resources of a kind this pass is skipped for that kind, and the report says
   so in its notes: AWS throttles Describe* calls to about 20 a second after a burst, so
   10,000 snapshots take about 8 minutes. `sharing_limit=None` lifts the limit;
4. read what keeps resources from being leftovers beyond EC2's relations (`references`):
   the DLM policies of what DLM made, the SSM parameters naming images, and then
   DescribeImageReferences for the images that would otherwise be called unused;
5. `audit.build_report` (`report_from`: pure, so a UI makes it again as its inventory changes,
   from the errors and notes `gather_evidence` returned).

A failure on which verdicts depend becomes an `AuditError` of its region (its verdicts are
withheld); one on which none does (sharing, last launch, DLM policies) a note. Nothing raises
but cancellation: whatever an endpoint answers, a report comes back.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from amiexplorer.aws.account import Account
from amiexplorer.aws.attributes import attributes_of
from amiexplorer.aws.errors import describe_problem, error_code
from amiexplorer.aws.references import read_references
from amiexplorer.core.audit.report import AuditError, AuditReport, audit_scope, build_report
from amiexplorer.core.audit.rules import unused_image_candidates
from amiexplorer.core.inventory import Inventory, RegionFinished
from amiexplorer.core.models import PUBLIC_GROUP, Image, ResourceKind, Snapshot
from amiexplorer.core.tuning import DEFAULT_BLOCK_LIMIT, DEFAULT_SHARING_LIMIT, Prices, Thresholds

#: Codes that mean the resource went away between the load and the sharing call.
_GONE = frozenset({"InvalidSnapshot.NotFound", "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"})


class AuditStage(StrEnum):
    """What the audit is doing."""

    LOADING = "loading"
    PUBLIC_SNAPSHOTS = "public-snapshots"
    SHARING = "sharing"
    EVIDENCE = "evidence"
    REFERENCES = "references"
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
            AuditStage.EVIDENCE: "reading DLM policies and SSM parameters",
            AuditStage.REFERENCES: "asking EC2 what references unused images",
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
    #: Ids an operation is still creating (a UI's watcher follows them): never leftovers.
    in_flight: frozenset[str] = frozenset()
    #: Most findings' snapshots whose blocks are read to price them by what deleting frees
    #: (a few EBS direct API calls each); None: no limit.
    block_limit: int | None = DEFAULT_BLOCK_LIMIT


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


def _to_check(snapshots: list[Snapshot], listed: set[str]) -> tuple[list[Snapshot], bool]:
    """The snapshots to read one by one before the listing is believed, and whether the
    listing named every snapshot of the region (a filter the endpoint ignored)."""
    every = bool(snapshots) and all(s.id in listed for s in snapshots)
    if every:
        return list(snapshots), True
    # Read earlier one by one (shared_with is known) and now contradicted: read again.
    return [
        s for s in snapshots if s.shared_with is not None and s.is_public != (s.id in listed)
    ], False


async def _mark_public_snapshots(
    account: Account, regions: list[str], limit_per_kind: int | None, progress: ProgressCallback
) -> tuple[list[AuditError], list[str]]:
    """Set `is_public` on every owned snapshot of `regions` from one bulk listing per region."""
    inventory = account.inventory
    by_region: dict[str, list[Snapshot]] = {}
    for snapshot in inventory.snapshots.values():
        if snapshot.region in regions and snapshot.owner_id == inventory.account_id:
            by_region.setdefault(snapshot.region, []).append(snapshot)
    errors: list[AuditError] = []
    notes: list[str] = []
    limit = asyncio.Semaphore(8)
    done = 0
    progress(AuditProgress(AuditStage.PUBLIC_SNAPSHOTS, 0, len(by_region)))

    async def one(region: str, snapshots: list[Snapshot]) -> None:
        nonlocal done
        async with limit:
            try:
                listed = await _public_snapshot_ids(account, region)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any answer at all: an error of the region
                problem = describe_problem(exc, region=region, operation="DescribeSnapshots")
                errors.append(AuditError(region, f"public snapshots not listed: {problem}"))
                _forget_publicity(inventory, snapshots)
                return
            finally:
                done += 1
                progress(AuditProgress(AuditStage.PUBLIC_SNAPSHOTS, done, len(by_region)))
        check, every = _to_check(snapshots, listed)
        if every and limit_per_kind is not None and len(check) > limit_per_kind:
            # Too many to read one by one: whether any is public stays unknown.
            errors.append(
                AuditError(
                    region,
                    f"the public-snapshot listing named all {len(check):,} snapshots (the "
                    "endpoint ignored RestorableByUserIds), too many to check one by one: "
                    "whether any is public is unknown",
                )
            )
            _forget_publicity(inventory, snapshots)
            return
        for snapshot in snapshots:
            current = inventory.snapshots.get(snapshot.id, snapshot)
            inventory.put(replace(current, is_public=snapshot.id in listed))
        if every:
            notes.append(
                f"the public-snapshot listing of {region} named every snapshot (the endpoint "
                f"ignored RestorableByUserIds): each of the {len(check):,} was checked one by one"
            )
        failed = await _read_sharing(account, check, 8, _ignore)
        for failure in failed:
            errors.append(
                AuditError(failure.region, f"public snapshots not checked: {failure.message}")
            )
        unread = [s for s in check if inventory.snapshots.get(s.id, s).shared_with is None]
        if unread:
            _forget_publicity(inventory, unread)

    await asyncio.gather(*(one(r, s) for r, s in by_region.items()))
    return errors, notes


def _forget_publicity(inventory: Inventory, snapshots: list[Snapshot]) -> None:
    """Whether these are public is unknown (a listing or a check failed)."""
    for snapshot in snapshots:
        current = inventory.snapshots.get(snapshot.id)
        if current is not None and current.shared_with is None:
            inventory.put(replace(current, is_public=None))


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


@dataclass(frozen=True, slots=True)
class _Unread:
    """Resources of one kind and region whose attributes a call could not read, and why."""

    region: str
    kind: str
    count: int
    message: str

    def words(self) -> str:
        return f"sharing of {self.count:,} {self.kind}(s) not read: {self.message}"


async def _read_sharing(
    account: Account,
    resources: Iterable[Image | Snapshot],
    concurrency: int,
    progress: ProgressCallback,
) -> list[_Unread]:
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
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any answer at all: counted for its region
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
        _Unread(region, kind, count, message) for (region, kind, message), count in failures.items()
    ]


async def _read_evidence(
    account: Account, regions: list[str], options: AuditOptions, progress: ProgressCallback
) -> None:
    """DLM policies and SSM parameters, then DescribeImageReferences for would-be unused images."""
    progress(AuditProgress(AuditStage.EVIDENCE, 0, 1))
    # An audit of the inventory as it is (a UI's) reuses what was read after its load.
    await account.read_evidence(regions, reuse=not options.reload)
    progress(AuditProgress(AuditStage.EVIDENCE, 1, 1))
    scope = audit_scope(
        account.inventory,
        account.relations(),
        now=datetime.now(UTC),
        thresholds=Thresholds(grace_hours=0),
        prices=options.prices,
        regions=regions,
        in_flight=options.in_flight,
    )
    # Every image that would be called unused, whatever its age (thresholds and the grace
    # period only hide); work in flight is no candidate.
    candidates: dict[str, list[str]] = {}
    for image in unused_image_candidates(scope):
        candidates.setdefault(image.region, []).append(image.id)
    progress(AuditProgress(AuditStage.REFERENCES, 0, len(candidates)))
    await read_references(account.pool, account.inventory, candidates)
    progress(AuditProgress(AuditStage.REFERENCES, len(candidates), len(candidates)))


async def _stage(
    name: str, regions: list[str], errors: list[AuditError], work: Awaitable[object]
) -> None:
    """Run one stage; a surprise in it is an error of every region, never the end."""
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a report is written whatever happened
        problem = describe_problem(exc)
        errors += [AuditError(region, f"{name} failed: {problem}") for region in regions]


@dataclass(frozen=True, slots=True)
class Gathered:
    """What gathering the evidence found beyond the inventory: its own errors and notes.

    The findings rest on the inventory (and its evidence); these say what could not be read.
    `report_from` turns the two into a report, again whenever the inventory changes.
    """

    errors: tuple[AuditError, ...] = ()
    notes: tuple[str, ...] = ()
    #: Why a kind's sharing was not read (a limit), for its note.
    hints: Mapping[ResourceKind, str] = field(default_factory=dict)


async def gather_evidence(
    account: Account, options: AuditOptions | None = None, progress: ProgressCallback | None = None
) -> Gathered:
    """Load (unless `reload=False`), list public snapshots, read sharing and the evidence.

    Everything read goes into the account's inventory; what could not be read comes back.
    `progress` is called on the event loop's thread as each region or resource completes.
    """
    options = options or AuditOptions()
    report_progress = progress or _ignore
    regions = account.region_names
    errors: list[AuditError] = []
    notes: list[str] = []
    if options.reload:
        await _stage("loading", regions, errors, _load(account, report_progress))

    async def public() -> None:
        found, said = await _mark_public_snapshots(
            account, regions, options.sharing_limit, report_progress
        )
        errors.extend(found)
        notes.extend(said)

    await _stage("the public-snapshot listing", regions, errors, public())
    hints: dict[ResourceKind, str] = {}
    to_read: list[Image | Snapshot] = []
    for kind, candidates in _sharing_candidates(account, regions).items():
        limit = options.sharing_limit
        if limit is not None and len(candidates) > limit:
            hints[kind] = _limit_hint(kind, limit, options.lift_hint)
        else:
            to_read += candidates

    async def sharing() -> None:
        # Who a private resource is shared with decides no verdict: what failed is a note.
        unread = await _read_sharing(account, to_read, options.concurrency, report_progress)
        notes.extend(f"{u.region}: {u.words()}" for u in unread)

    # Neither waits for the other: sharing is one call per resource, the evidence a few
    # calls per region (and DescribeImageReferences after the parameters).
    await asyncio.gather(
        _stage("reading sharing", regions, errors, sharing()),
        _stage(
            "reading DLM policies and SSM parameters",
            regions,
            errors,
            _read_evidence(account, regions, options, report_progress),
        ),
    )
    report_progress(AuditProgress(AuditStage.DONE, 1, 1))
    return Gathered(tuple(errors), tuple(notes), hints)


def report_from(
    account: Account, gathered: Gathered, options: AuditOptions | None = None, *, now: datetime
) -> AuditReport:
    """The report of the account's inventory as it is now, with what gathering could not read.

    Pure (no call): a UI makes it again whenever its inventory changes, so the findings
    follow what is loaded without gathering again.
    """
    options = options or AuditOptions()
    return build_report(
        account.inventory,
        account.relations(),
        account=account.identity.account_id,
        account_alias=account.identity.account_alias,
        now=now,
        regions=account.region_names,
        thresholds=options.thresholds,
        prices=options.prices,
        errors=gathered.errors,
        notes=gathered.notes,
        unread_hints=gathered.hints,
        in_flight=options.in_flight,
    )


def _unpriced(report: AuditReport) -> list[str]:
    """Snapshot ids whose findings' savings are still an upper bound, each once."""
    wanted: dict[str, None] = {}
    for finding in report.findings:
        if not finding.details.get("saving_is_upper_bound"):
            continue
        if finding.kind is ResourceKind.SNAPSHOT:
            wanted[finding.resource_id] = None
        freed = finding.details.get("freed_snapshot_ids")
        for snapshot_id in freed if isinstance(freed, tuple | list) else ():
            wanted[str(snapshot_id)] = None
    return list(wanted)


async def price_findings(
    account: Account, report: AuditReport, options: AuditOptions | None = None
) -> tuple[str, ...]:
    """Read the blocks of the findings' snapshots (a bounded pass), so that their savings are
    what deleting frees, not an upper bound; what could not be read comes back as notes.

    The report is made again afterwards (`report_from`) from the inventory's block evidence.
    """
    options = options or AuditOptions()
    wanted = _unpriced(report)
    limit = options.block_limit
    notes: list[str] = []
    if limit is not None and len(wanted) > limit:
        notes.append(
            f"the blocks of {len(wanted) - limit:,} finding snapshot(s) were not read (over "
            f"the limit of {limit:,}): their savings are upper bounds"
        )
        wanted = wanted[:limit]
    failed = await account.read_blocks(wanted)
    if failed:
        problems = set(account.inventory.blocks.problems.values())
        first = sorted(problems)[0] if problems else "the EBS direct APIs failed"
        notes.append(
            f"{failed:,} block read(s) failed, their snapshots' savings are upper bounds: {first}"
        )
    return tuple(notes)


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
    gathered = await gather_evidence(account, options, progress)
    moment = now or datetime.now(UTC)
    first = report_from(account, gathered, options, now=moment)
    notes = await price_findings(account, first, options)
    gathered = replace(gathered, notes=gathered.notes + notes)
    return report_from(account, gathered, options, now=moment)
