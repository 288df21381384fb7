"""The one path every change to AWS takes: plan, preflight, confirm, execute, log, watch.

    runner = ActionRunner.for_account(account)
    plan = runner.plan(DeleteSnapshotsRequest(("snap-1", "snap-2")))   # no network
    # show plan.problems, plan.refused, plan.warnings, plan.estimate, plan.needs
    checked = await runner.preflight(plan)                             # DryRun per (action, region)
    # show checked.denied; collect what plan.needs asks for
    report = await runner.execute(plan, Confirmation(count=2), preflight=checked)
    watcher.track(*report.created)

`execute` re-checks everything itself (read-only, input, confirmation, permissions, a log it
can write), so a UI that skips a step is refused rather than trusted. A plan that deletes or
deregisters is read again from AWS first and planned again: what changed since the load is
refused ("changed since it was loaded: …"). Every refused, failed or done item and every
preflight outcome is written to the action log; every real call is logged `sent` before it
goes, and `outcome-unknown` when its answer never came (the flow was cancelled).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from amiexplorer.aws.actions.calls import (
    DONE_WORDS,
    PairCheck,
    Preflight,
    dry_run,
    new_ids_of,
    send,
    unsuccessful,
)
from amiexplorer.aws.actions.log import ActionLog, ActionLogError, LogOutcome
from amiexplorer.aws.actions.reread import changed_steps, reread, rereads
from amiexplorer.aws.attributes import attributes_of
from amiexplorer.aws.describe_ids import describe_by_id
from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import ClientPool, known_region_names
from amiexplorer.aws.watch import Watcher, WatchTarget
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity, ResourceKind
from amiexplorer.core.plans.create import (
    plan_copy_image,
    plan_copy_snapshot,
    plan_create_image,
    plan_create_snapshot,
    plan_create_snapshots,
    plan_create_volume,
)
from amiexplorer.core.plans.delete import (
    plan_delete_snapshots,
    plan_delete_volumes,
    plan_deregister_images,
)
from amiexplorer.core.plans.lifecycle_actions import plan_change_images, plan_change_snapshots
from amiexplorer.core.plans.plan import (
    ActionReport,
    Confirmation,
    ItemResult,
    Outcome,
    Plan,
    PlanContext,
    Step,
    result_of,
)
from amiexplorer.core.plans.recycle_bin import plan_restore_from_bin
from amiexplorer.core.plans.requests import (
    ActionRequest,
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
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
    RestoreFromRecycleBinRequest,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.core.plans.share import plan_make_private, plan_share_images, plan_share_snapshots
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices

if TYPE_CHECKING:
    from amiexplorer.aws.account import Account

READ_ONLY_MESSAGE = "amiexplorer runs read-only (--read-only): nothing is sent to AWS"

#: The error each removing call gets when its resource no longer exists.
_GONE_CODES = {
    "DeleteSnapshot": "InvalidSnapshot.NotFound",
    "DeleteVolume": "InvalidVolume.NotFound",
    "DeregisterImage": "InvalidAMIID.NotFound",
}

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
    ChangeImagesRequest: plan_change_images,
    ChangeSnapshotsRequest: plan_change_snapshots,
    RestoreFromRecycleBinRequest: plan_restore_from_bin,
}


class _CopyTargets(Collection[str]):
    """Where copies may go, as the account knows it now (it reads the enabled regions late)."""

    def __init__(self, account: Account) -> None:
        self._account = account

    def _now(self) -> set[str]:
        account = self._account
        return set(account.session.known_region_names()) | set(account.enabled_region_names)

    def __contains__(self, region: object) -> bool:
        return region in self._now()

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


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
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`regions`: where copies may go (default: every region botocore knows); `clock`:
        the time plans are made at (locks expire, the archive's minimum runs out)."""
        self.pool = pool
        self.inventory = inventory
        self.identity = identity
        self.read_only = read_only
        self.log = log if log is not None else ActionLog()
        self.regions = regions if regions is not None else known_region_names()
        self.prices = prices or Prices()
        self.watcher = watcher
        self.concurrency = max(1, concurrency)
        self.clock = clock or (lambda: datetime.now(UTC))
        # Plans whose steps ran: running one twice would, say, create every copy twice.
        self._ran: weakref.WeakSet[Plan] = weakref.WeakSet()

    @classmethod
    def for_account(
        cls,
        account: Account,
        *,
        log: ActionLog | None = None,
        prices: Prices | None = None,
        watcher: Watcher | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> ActionRunner:
        """A runner over an account's clients and inventory, read-only when the account is."""
        return cls(
            account.pool,
            account.inventory,
            account.identity,
            read_only=account.read_only,
            log=log,
            # Every region botocore knows, and every one enabled for the account (an endpoint
            # of its own may serve regions botocore has never heard of), read when a plan asks:
            # the runner outlives the reading of the enabled regions.
            regions=_CopyTargets(account),
            prices=prices,
            watcher=watcher,
            clock=clock,
        )

    # Planning -----------------------------------------------------------------------------

    def in_flight(self) -> frozenset[str]:
        """The ids the watcher still follows: what AWS or this session is still creating."""
        if self.watcher is None:
            return frozenset()
        return frozenset(target.resource_id for target in self.watcher.pending)

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
            self.in_flight(),
            now=self.clock(),
        )
        plan = planner(request, context)
        if self.read_only:
            plan = replace(plan, read_only_message=READ_ONLY_MESSAGE)
        return plan

    # Preflight ----------------------------------------------------------------------------

    async def preflight(self, plan: Plan) -> Preflight:
        """DryRun one call of every (action, region) pair; nothing is changed in AWS.

        Refused before any call in read-only mode, with input problems, with nothing to do,
        and when the action log cannot be written (the message names it and what to do).
        """
        if plan.read_only_message is not None:
            return Preflight(plan, refused=plan.read_only_message)
        if plan.problems:
            return Preflight(plan, refused="the input has problems: " + _problems(plan))
        if not plan.steps:
            return Preflight(plan, refused="nothing to do")
        unlogged = self.log_problem()
        if unlogged is not None:
            return Preflight(plan, refused=unlogged)
        firsts: dict[tuple[str, str], Step] = {}
        for step in plan.steps:
            firsts.setdefault((step.action, step.region), step)
        checks = await asyncio.gather(*(self._dry_run(s) for s in firsts.values()))
        return Preflight(plan, tuple(checks))

    def log_problem(self) -> str | None:
        """Why the action log cannot be written now (nothing may be sent then), else None."""
        try:
            self.log.check()
        except ActionLogError as exc:
            return str(exc)
        return None

    async def _dry_run(self, step: Step) -> PairCheck:
        check = await dry_run(self.pool, step)
        self._log(step, check.log_outcome, check.message, dry_run=True, code=check.code)
        return check

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
        confirmation the plan needs, when the action log cannot be written, or when any
        (action, region) pair is denied. A plan that deletes or deregisters is re-read
        first (`actions_reread`): what changed since it was loaded is refused.
        """
        early: list[tuple[Step | None, ItemResult]] = [
            (None, r) for r in (*plan.refused, *plan.skipped)
        ]
        refusal = self._refusal(plan, confirmation)
        if refusal is None:
            if preflight is None or preflight.plan is not plan or not preflight.ok:
                preflight = await self.preflight(plan)
            if preflight.denied or preflight.refused is not None:
                refusal = preflight.message
        if refusal is not None:
            early += [(s, result_of(s, Outcome.REFUSED, refusal)) for s in plan.steps]
            self._log_results(early)
            return ActionReport(plan, tuple(result for _, result in early))
        assert preflight is not None
        self._ran.add(plan)
        steps, changed = await self._still_wanted(plan)
        early += changed
        self._log_results(early)
        done = await self._execute_steps(steps, preflight)
        return ActionReport(plan, tuple(result for _, result in (*early, *done)))

    def _refusal(self, plan: Plan, confirmation: Confirmation) -> str | None:
        if self.read_only or plan.read_only_message is not None:
            return READ_ONLY_MESSAGE
        if plan in self._ran:
            return "this plan already ran: make a new plan from the current inventory"
        if plan.problems:
            return "not attempted: the input has problems: " + _problems(plan)
        missing = plan.needs.check(confirmation)
        if missing:
            return "not confirmed: " + "; ".join(missing)
        return self.log_problem()

    async def _still_wanted(
        self, plan: Plan
    ) -> tuple[list[Step], list[tuple[Step | None, ItemResult]]]:
        """The steps to run: for a removing plan, those a plan of the re-read resources keeps.

        Everything the confirmed plan removes is described again with what uses it (the
        inventory is updated with the answers) and planned again by the same planner; a step
        the new plan would not take is refused, saying why, and nothing new is added.
        """
        if not rereads(plan):
            return list(plan.steps), []
        fresh = await reread(self.pool, self.inventory, plan)
        again = self.plan(plan.request)
        return changed_steps(plan, again, fresh)

    async def _execute_steps(
        self, steps: list[Step], preflight: Preflight
    ) -> list[tuple[Step | None, ItemResult]]:
        """Steps without prerequisites first, then those whose prerequisites all succeeded.

        Each result is logged as soon as it is known.
        """
        limit = asyncio.Semaphore(self.concurrency)

        async def one(step: Step) -> tuple[Step | None, ItemResult]:
            check = preflight.check_for(step)
            if check is not None and not check.allowed:
                why = f"not attempted: the preflight failed: {check.message}"
                result = result_of(step, Outcome.FAILED, why, code=check.code)
                self._log_results([(step, result)])
                return step, result
            async with limit:
                return step, await self._execute(step)

        first = [s for s in steps if not s.after]
        results = list(await asyncio.gather(*(one(s) for s in first)))
        done = {i for _, r in results if r.outcome is Outcome.DONE for i in r.resource_ids}
        later: list[Step] = []
        for step in steps:
            if not step.after:
                continue
            missing = tuple(i for i in step.after if i not in done)
            if missing:
                why = f"kept: {', '.join(missing)} was not deregistered"
                kept = result_of(step, Outcome.SKIPPED, why, blocking=missing)
                self._log_results([(step, kept)])
                results.append((step, kept))
            else:
                later.append(step)
        results += await asyncio.gather(*(one(s) for s in later))
        return results

    async def _execute(self, step: Step) -> ItemResult:
        """Log that the call goes, make it, log its outcome (or that none came)."""
        try:
            ec2 = await self.pool.get("ec2", step.region)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # no client, so nothing was sent
            failed = describe_problem(exc, region=step.region, operation=step.action)
            unsent = result_of(step, Outcome.FAILED, failed.message, code=failed.code)
            self._log_results([(step, unsent)])
            return unsent
        unlogged = self._log(step, LogOutcome.SENT, f"sending {step.action} in {step.region}")
        if unlogged is not None:
            return result_of(step, Outcome.REFUSED, f"not sent: {unlogged}")
        gone: str | None = None
        try:
            reply = await send(ec2, step)
        except asyncio.CancelledError:
            self._log(
                step,
                LogOutcome.UNKNOWN,
                f"{step.action} was sent and its answer never came (the flow was cancelled or "
                "the app quit): whether AWS acted is unknown; look at the resource",
            )
            raise
        except Exception as exc:  # one failure never stops the other items
            result = self._failure(step, exc)
            if result is not None:
                self._log_results([(step, result)])
                return result
            reply, gone = {}, _GONE_CODES[step.action]
        refused_by_aws = unsuccessful(step, reply)
        if refused_by_aws is not None:
            result = result_of(step, Outcome.FAILED, refused_by_aws[1], code=refused_by_aws[0])
            self._log_results([(step, result)])
            return result
        result = self._done(step, reply, gone)
        self._log_results([(step, result)])
        if step.refresh is not None:
            await self._refresh(step)
        if step.leaves_bin:
            for resource_id in step.resource_ids:
                self.inventory.evidence.left_bin(resource_id, step.region)
        if step.redescribe is not None:
            await self._redescribe(step, step.redescribe)
        return result

    def _failure(self, step: Step, exc: Exception) -> ItemResult | None:
        """The failed result of a call; None when what was to go is gone already."""
        problem = describe_problem(exc, region=step.region, operation=step.action)
        if step.removes and problem.code == _GONE_CODES.get(step.action):
            # What was to go is gone. Typically AWS acted on an attempt whose answer was
            # lost and botocore asked again: reporting a failure would be untrue.
            return None
        message = problem.message
        if step.after and problem.code == "InvalidSnapshot.InUse":
            # EC2 is eventually consistent: a just-deregistered image may still hold it.
            message += "; the image was just deregistered: delete the snapshot again soon"
        return result_of(step, Outcome.FAILED, message, code=problem.code)

    def _done(self, step: Step, reply: dict[str, Any], gone: str | None) -> ItemResult:
        """Fold a successful call into the inventory and the watcher; its result."""
        new_ids = new_ids_of(step, reply)
        created = tuple(WatchTarget(step.creates, i, step.region) for i in new_ids if step.creates)
        for kind, resource_id in step.removes:
            self.inventory.remove(kind, resource_id)
        if created and self.watcher is not None:
            self.watcher.track(*created)
        if new_ids:
            message = f"{step.action} started in {step.region}: {', '.join(new_ids)}"
        else:
            message = f"{DONE_WORDS.get(step.action, 'done')}: {', '.join(step.resource_ids)}"
        if gone:
            message += (
                " (AWS no longer has it: an attempt whose answer was lost, or someone else, "
                f"already did it; {gone})"
            )
        return result_of(step, Outcome.DONE, message, new_ids=new_ids, created=created, code=gone)

    async def _refresh(self, step: Step) -> None:
        """Re-read the sharing of a changed image or snapshot; a failure only leaves it stale."""
        assert step.refresh is not None
        try:
            self.inventory.put(await attributes_of(self.pool, step.refresh))
        except asyncio.CancelledError:
            raise
        except Exception:  # the change itself succeeded; the next load shows the truth
            pass

    async def _redescribe(self, step: Step, kind: ResourceKind) -> None:
        """Read what a lifecycle change changed; a failure only leaves the row stale."""
        try:
            found = await describe_by_id(
                self.pool, kind, step.region, step.resource_ids, self.identity.account_id
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # the change itself succeeded; the next load shows the truth
            return
        for resource in found:
            self.inventory.put(self.inventory.with_known_attributes(resource))

    # Logging ------------------------------------------------------------------------------

    def _log(
        self,
        step: Step,
        outcome: LogOutcome,
        message: str,
        *,
        dry_run: bool = False,
        code: str | None = None,
    ) -> str | None:
        """Log one line about `step`; why it could not be written, else None."""
        return self._write(
            step.region,
            step.action,
            step.resource_ids,
            step.params,
            outcome,
            message,
            dry_run=dry_run,
            code=code,
        )

    def _log_results(self, pairs: Iterable[tuple[Step | None, ItemResult]]) -> None:
        """Log each result; a log that broke meanwhile loses the lines, never the results."""
        for step, result in pairs:
            unwritten = self._write(
                result.region,
                result.action,
                result.resource_ids,
                step.params if step is not None else {},
                LogOutcome(result.outcome.value),
                result.message,
                code=result.code,
                new_ids=result.new_ids,
            )
            if unwritten is not None:
                return

    def _write(
        self,
        region: str,
        action: str,
        resource_ids: tuple[str, ...],
        parameters: Mapping[str, Any],
        outcome: LogOutcome,
        message: str,
        *,
        dry_run: bool = False,
        code: str | None = None,
        new_ids: tuple[str, ...] = (),
    ) -> str | None:
        """One line of the action log; why it could not be written, else None."""
        try:
            self.log.write(
                account=self.identity.account_id,
                region=region,
                action=action,
                resource_ids=resource_ids,
                parameters=parameters,
                outcome=outcome,
                message=message,
                dry_run=dry_run,
                code=code,
                new_ids=new_ids,
            )
        except ActionLogError as exc:
            return str(exc)
        return None


def _problems(plan: Plan) -> str:
    return "; ".join(str(p) for p in plan.problems)
