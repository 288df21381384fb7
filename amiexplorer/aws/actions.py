"""The one path every change to AWS takes: plan, preflight, confirm, execute, log, watch.

    runner = ActionRunner.for_account(account)
    plan = runner.plan(DeleteSnapshotsRequest(("snap-1", "snap-2")))   # no network
    # show plan.problems, plan.refused, plan.warnings, plan.estimate, plan.needs
    checked = await runner.preflight(plan)                             # DryRun per (action, region)
    # show checked.denied; collect what plan.needs asks for
    report = await runner.execute(plan, Confirmation(count=2), preflight=checked)
    watcher.track(*report.created)

`execute` re-checks everything itself (read-only, input, confirmation, permissions), so a UI
that skips a step is refused rather than trusted. Every refused, failed or done item and every
preflight outcome is written to the action log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError

from amiexplorer.aws.action_plan import (
    ActionReport,
    Confirmation,
    ItemResult,
    Outcome,
    Plan,
    PlanContext,
    Step,
)
from amiexplorer.aws.action_requests import (
    ActionRequest,
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateSnapshotsRequest,
    CreateVolumeRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.aws.actionlog import ActionLog, LogOutcome
from amiexplorer.aws.actions_create import (
    plan_copy_image,
    plan_copy_snapshot,
    plan_create_image,
    plan_create_snapshot,
    plan_create_snapshots,
    plan_create_volume,
)
from amiexplorer.aws.actions_delete import (
    plan_delete_snapshots,
    plan_delete_volumes,
    plan_deregister_images,
)
from amiexplorer.aws.actions_share import plan_make_private, plan_share_images, plan_share_snapshots
from amiexplorer.aws.attributes import attributes_of
from amiexplorer.aws.errors import PERMISSION_ERRORS, describe_problem, error_code
from amiexplorer.aws.inventory import Inventory
from amiexplorer.aws.models import Identity, ResourceKind
from amiexplorer.aws.relations import RelationGraph
from amiexplorer.aws.session import ClientPool, known_region_names
from amiexplorer.aws.watch import Watcher, WatchTarget
from amiexplorer.config import Prices

if TYPE_CHECKING:
    from amiexplorer.aws.account import Account

READ_ONLY_MESSAGE = "amiexplorer runs read-only (--read-only): nothing is sent to AWS"

_PLANNERS: dict[type, Callable[[Any, PlanContext], Plan]] = {
    CreateImageRequest: plan_create_image,
    CreateSnapshotRequest: plan_create_snapshot,
    CreateSnapshotsRequest: plan_create_snapshots,
    CreateVolumeRequest: plan_create_volume,
    CopyImageRequest: plan_copy_image,
    CopySnapshotRequest: plan_copy_snapshot,
    ShareImagesRequest: plan_share_images,
    ShareSnapshotsRequest: plan_share_snapshots,
    MakePrivateRequest: plan_make_private,
    DeleteSnapshotsRequest: plan_delete_snapshots,
    DeregisterImagesRequest: plan_deregister_images,
    DeleteVolumesRequest: plan_delete_volumes,
}

_ID_KEYS = {
    ResourceKind.IMAGE: "ImageId",
    ResourceKind.SNAPSHOT: "SnapshotId",
    ResourceKind.VOLUME: "VolumeId",
}

_DONE_WORDS = {
    "DeleteSnapshot": "deleted",
    "DeleteVolume": "deleted",
    "DeregisterImage": "deregistered",
    "ModifyImageAttribute": "launch permissions changed",
    "ModifySnapshotAttribute": "create-volume permissions changed",
    "ResetImageAttribute": "launch permissions reset to private",
    "ResetSnapshotAttribute": "create-volume permissions reset to private",
}


@dataclass(frozen=True, slots=True)
class PairCheck:
    """The DryRun answer for one (action, region) pair."""

    action: str
    region: str
    allowed: bool
    denied: bool
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Preflight:
    """The DryRun answers for every (action, region) pair of a plan."""

    plan: Plan
    checks: tuple[PairCheck, ...] = ()
    #: Why no DryRun was even tried (read-only, invalid input, nothing to do).
    refused: str | None = None

    @property
    def denied(self) -> list[PairCheck]:
        """The pairs IAM denies: if any, nothing of the plan runs."""
        return [c for c in self.checks if c.denied]

    @property
    def ok(self) -> bool:
        """True when every pair was allowed."""
        return self.refused is None and all(c.allowed for c in self.checks)

    def check_for(self, step: Step) -> PairCheck | None:
        """The answer for the pair of `step`."""
        return next(
            (c for c in self.checks if (c.action, c.region) == (step.action, step.region)), None
        )

    @property
    def message(self) -> str:
        """The denials (or the reason for not trying) in words."""
        if self.refused is not None:
            return self.refused
        return "; ".join(c.message for c in self.denied)


class ActionRunner:
    """Validates, guards, preflights, confirms, executes and logs every mutating EC2 call."""

    def __init__(
        self,
        pool: ClientPool,
        inventory: Inventory,
        identity: Identity,
        *,
        read_only: bool,
        log: ActionLog | None = None,
        regions: Collection[str] | None = None,
        prices: Prices | None = None,
        watcher: Watcher | None = None,
        concurrency: int = 4,
    ) -> None:
        """`regions`: where copies may go (default: every region botocore knows)."""
        self.pool = pool
        self.inventory = inventory
        self.identity = identity
        self.read_only = read_only
        self.log = log if log is not None else ActionLog()
        self.regions = regions if regions is not None else known_region_names()
        self.prices = prices or Prices()
        self.watcher = watcher
        self.concurrency = max(1, concurrency)

    @classmethod
    def for_account(
        cls,
        account: Account,
        *,
        log: ActionLog | None = None,
        prices: Prices | None = None,
        watcher: Watcher | None = None,
    ) -> ActionRunner:
        """A runner over an account's clients and inventory, read-only when the account is."""
        return cls(
            account.pool,
            account.inventory,
            account.identity,
            read_only=account.read_only,
            log=log,
            regions=account.session.known_region_names(),
            prices=prices,
            watcher=watcher,
        )

    # Planning -----------------------------------------------------------------------------

    def plan(self, request: ActionRequest) -> Plan:
        """Validate and guard `request` against the inventory; no network call."""
        planner = _PLANNERS.get(type(request))
        if planner is None:
            raise TypeError(f"no such action: {type(request).__name__}")
        context = PlanContext(
            self.inventory,
            RelationGraph(self.inventory),
            self.identity.account_id,
            self.regions,
            self.prices,
        )
        plan = planner(request, context)
        if self.read_only:
            plan = replace(plan, read_only_message=READ_ONLY_MESSAGE)
        return plan

    # Preflight ----------------------------------------------------------------------------

    async def preflight(self, plan: Plan) -> Preflight:
        """DryRun one call of every (action, region) pair; nothing is changed in AWS."""
        if plan.read_only_message is not None:
            return Preflight(plan, refused=plan.read_only_message)
        if plan.problems:
            return Preflight(plan, refused="the input has problems: " + _problems(plan))
        if not plan.steps:
            return Preflight(plan, refused="nothing to do")
        firsts: dict[tuple[str, str], Step] = {}
        for step in plan.steps:
            firsts.setdefault((step.action, step.region), step)
        checks = await asyncio.gather(*(self._dry_run(s) for s in firsts.values()))
        return Preflight(plan, tuple(checks))

    async def _dry_run(self, step: Step) -> PairCheck:
        action, region = step.action, step.region
        outcome, code = LogOutcome.FAILED, ""
        try:
            await self._call(step, dry_run=True)
        except ClientError as exc:
            code = error_code(exc)
            if code == "DryRunOperation":
                outcome, message = LogOutcome.DRY_RUN_OK, f"ec2:{action} allowed in {region}"
            else:
                message = describe_problem(exc, region=region, operation=action).message
                if code in PERMISSION_ERRORS:
                    outcome = LogOutcome.DRY_RUN_DENIED
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the endpoint is unreachable, a timeout...
            code = error_code(exc)
            message = describe_problem(exc, region=region, operation=action).message
        else:
            code = "DryRunIgnored"
            message = f"the endpoint ignored DryRun for {action} in {region}: not continuing"
        self._log(step, outcome, message, dry_run=True, code=code)
        allowed = outcome is LogOutcome.DRY_RUN_OK
        denied = outcome is LogOutcome.DRY_RUN_DENIED
        return PairCheck(action, region, allowed, denied, code, message)

    # Execution ----------------------------------------------------------------------------

    async def run(self, request: ActionRequest, confirmation: Confirmation) -> ActionReport:
        """Plan, preflight and execute in one go."""
        return await self.execute(self.plan(request), confirmation)

    async def execute(
        self, plan: Plan, confirmation: Confirmation, *, preflight: Preflight | None = None
    ) -> ActionReport:
        """Run the plan's steps if everything allows it; per-item results, all logged.

        A preflight of this very plan that allowed everything is reused; otherwise one is
        made here. Nothing runs in read-only mode, with input problems, without the
        confirmation the plan needs, or when any (action, region) pair is denied.
        """
        pairs: list[tuple[Step | None, ItemResult]] = [
            (None, r) for r in (*plan.refused, *plan.skipped)
        ]
        refusal = self._refusal(plan, confirmation)
        if refusal is None:
            if preflight is None or preflight.plan is not plan or not preflight.ok:
                preflight = await self.preflight(plan)
            if preflight.denied:
                refusal = preflight.message
        if refusal is not None:
            pairs += [(s, _outcome(s, Outcome.REFUSED, refusal)) for s in plan.steps]
        else:
            assert preflight is not None
            pairs += await self._execute_steps(plan, preflight)
        for step, result in pairs:
            self._log_result(result, step.params if step is not None else {})
        return ActionReport(plan, tuple(result for _, result in pairs))

    def _refusal(self, plan: Plan, confirmation: Confirmation) -> str | None:
        if self.read_only or plan.read_only_message is not None:
            return READ_ONLY_MESSAGE
        if plan.problems:
            return "not attempted: the input has problems: " + _problems(plan)
        missing = plan.needs.check(confirmation)
        if missing:
            return "not confirmed: " + "; ".join(missing)
        return None

    async def _execute_steps(
        self, plan: Plan, preflight: Preflight
    ) -> list[tuple[Step | None, ItemResult]]:
        """Steps without prerequisites first, then those whose prerequisites all succeeded."""
        limit = asyncio.Semaphore(self.concurrency)

        async def one(step: Step) -> tuple[Step | None, ItemResult]:
            check = preflight.check_for(step)
            if check is not None and not check.allowed:
                why = f"not attempted: the preflight failed: {check.message}"
                return step, _outcome(step, Outcome.FAILED, why, code=check.code)
            async with limit:
                return step, await self._execute(step)

        first = [s for s in plan.steps if not s.after]
        results = list(await asyncio.gather(*(one(s) for s in first)))
        done = {i for _, r in results if r.outcome is Outcome.DONE for i in r.resource_ids}
        later: list[Step] = []
        for step in plan.steps:
            if not step.after:
                continue
            missing = tuple(i for i in step.after if i not in done)
            if missing:
                why = f"kept: {', '.join(missing)} was not deregistered"
                results.append((step, _outcome(step, Outcome.SKIPPED, why, blocking=missing)))
            else:
                later.append(step)
        results += await asyncio.gather(*(one(s) for s in later))
        return results

    async def _execute(self, step: Step) -> ItemResult:
        try:
            reply = await self._call(step, dry_run=False)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one failure never stops the other items
            problem = describe_problem(exc, region=step.region, operation=step.action)
            return _outcome(step, Outcome.FAILED, problem.message, code=problem.code)
        new_ids = _new_ids(step, reply)
        created = tuple(WatchTarget(step.creates, i, step.region) for i in new_ids if step.creates)
        for kind, resource_id in step.removes:
            self.inventory.remove(kind, resource_id)
        if step.refresh is not None:
            await self._refresh(step)
        if created and self.watcher is not None:
            self.watcher.track(*created)
        if new_ids:
            message = f"{step.action} started in {step.region}: {', '.join(new_ids)}"
        else:
            message = f"{_DONE_WORDS.get(step.action, 'done')}: {', '.join(step.resource_ids)}"
        return _outcome(step, Outcome.DONE, message, new_ids=new_ids, created=created)

    async def _refresh(self, step: Step) -> None:
        """Re-read the sharing of a changed image or snapshot; a failure only leaves it stale."""
        assert step.refresh is not None
        try:
            self.inventory.put(await attributes_of(self.pool, step.refresh))
        except asyncio.CancelledError:
            raise
        except Exception:  # the change itself succeeded; the next load shows the truth
            pass

    async def _call(self, step: Step, *, dry_run: bool) -> dict[str, Any]:
        ec2 = await self.pool.get("ec2", step.region)
        method = getattr(ec2, xform_name(step.action))
        params = dict(step.params)
        if dry_run:
            params["DryRun"] = True
        reply: dict[str, Any] = await method(**params)
        return reply

    # Logging ------------------------------------------------------------------------------

    def _log(
        self,
        step: Step,
        outcome: LogOutcome,
        message: str,
        *,
        dry_run: bool = False,
        code: str | None = None,
        new_ids: Iterable[str] = (),
    ) -> None:
        self.log.write(
            account=self.identity.account_id,
            region=step.region,
            action=step.action,
            resource_ids=step.resource_ids,
            parameters=step.params,
            outcome=outcome,
            message=message,
            dry_run=dry_run,
            code=code,
            new_ids=tuple(new_ids),
        )

    def _log_result(self, result: ItemResult, params: Mapping[str, Any]) -> None:
        self.log.write(
            account=self.identity.account_id,
            region=result.region,
            action=result.action,
            resource_ids=result.resource_ids,
            parameters=params,
            outcome=LogOutcome(result.outcome.value),
            message=result.message,
            code=result.code,
            new_ids=result.new_ids,
        )


def _problems(plan: Plan) -> str:
    return "; ".join(str(p) for p in plan.problems)


def _outcome(
    step: Step,
    outcome: Outcome,
    message: str,
    *,
    code: str | None = None,
    new_ids: tuple[str, ...] = (),
    blocking: tuple[str, ...] = (),
    created: tuple[WatchTarget, ...] = (),
) -> ItemResult:
    return ItemResult(
        step.action,
        step.region,
        step.resource_ids,
        outcome,
        message,
        new_ids=new_ids,
        blocking_ids=blocking,
        code=code,
        created=created,
    )


def _new_ids(step: Step, reply: dict[str, Any]) -> tuple[str, ...]:
    if step.creates is None:
        return ()
    if isinstance(reply.get("Snapshots"), list):
        return tuple(str(s["SnapshotId"]) for s in reply["Snapshots"] if s.get("SnapshotId"))
    found = reply.get(_ID_KEYS[step.creates])
    return (str(found),) if found else ()
