"""Making a plan's EC2 calls: DryRun preflights, the real calls, and reading what they created.

A preflight tries one call of each (action, region) pair with DryRun=True: the answer
`DryRunOperation` means allowed, `UnauthorizedOperation` means the permission is missing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError

from amiexplorer.aws.actions.log import LogOutcome
from amiexplorer.aws.errors import PERMISSION_ERRORS, describe_problem, error_code
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.kinds import spec_of
from amiexplorer.core.plans.plan import Plan, Step

#: How a done item of each action reads.
DONE_WORDS = {
    "DeleteSnapshot": "deleted",
    "DeleteVolume": "deleted",
    "DeregisterImage": "deregistered",
    "ModifyImageAttribute": "launch permissions changed",
    "ModifySnapshotAttribute": "create-volume permissions changed",
    "ResetImageAttribute": "launch permissions reset to private",
    "ResetSnapshotAttribute": "create-volume permissions reset to private",
    "EnableImageDeprecation": "deprecation set",
    "DisableImageDeprecation": "deprecation cancelled",
    "DisableImage": "disabled",
    "EnableImage": "enabled",
    "EnableImageDeregistrationProtection": "deregistration protection on",
    "DisableImageDeregistrationProtection": "deregistration protection off",
    "ModifySnapshotTier": "archiving started",
    "RestoreSnapshotTier": "restore from the archive started",
    "DisableFastSnapshotRestores": "fast snapshot restore disabling",
    "RestoreSnapshotFromRecycleBin": "restored from the Recycle Bin",
    "RestoreImageFromRecycleBin": "restored from the Recycle Bin",
}


@dataclass(frozen=True, slots=True)
class PairCheck:
    """The DryRun answer for one (action, region) pair."""

    action: str
    region: str
    #: DryRunOperation: the call would have been allowed.
    allowed: bool
    #: UnauthorizedOperation (or AccessDenied): the permission is missing.
    denied: bool
    code: str
    message: str

    @property
    def log_outcome(self) -> LogOutcome:
        """How the action log records this answer."""
        if self.allowed:
            return LogOutcome.DRY_RUN_OK
        return LogOutcome.DRY_RUN_DENIED if self.denied else LogOutcome.FAILED


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
        pair = (step.action, step.region)
        return next((c for c in self.checks if (c.action, c.region) == pair), None)

    @property
    def message(self) -> str:
        """The denials (or the reason for not trying) in words."""
        if self.refused is not None:
            return self.refused
        return "; ".join(c.message for c in self.denied)


async def call(pool: ClientPool, step: Step, *, dry_run: bool = False) -> dict[str, Any]:
    """Make the step's EC2 call in its region (with DryRun=True when asked)."""
    return await send(await pool.get("ec2", step.region), step, dry_run=dry_run)


async def send(ec2: Any, step: Step, *, dry_run: bool = False) -> dict[str, Any]:
    """Make the step's EC2 call with a client of its region (the runner logs just before)."""
    method = getattr(ec2, xform_name(step.action))
    params = dict(step.params)
    if dry_run:
        params["DryRun"] = True
    reply: dict[str, Any] = await method(**params)
    return reply


async def dry_run(pool: ClientPool, step: Step) -> PairCheck:
    """Try the step with DryRun=True; never raises (a failure is a check that is not allowed)."""
    action, region = step.action, step.region
    denied = False
    try:
        await call(pool, step, dry_run=True)
    except ClientError as exc:
        code = error_code(exc)
        if code == "DryRunOperation":
            return PairCheck(action, region, True, False, code, f"ec2:{action} allowed in {region}")
        message = describe_problem(exc, region=region, operation=action).message
        denied = code in PERMISSION_ERRORS
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the endpoint is unreachable, a timeout...
        code = error_code(exc)
        message = describe_problem(exc, region=region, operation=action).message
    else:
        # An endpoint that ignores DryRun may just have made the change: stop there.
        code = "DryRunIgnored"
        message = f"the endpoint ignored DryRun for {action} in {region}: not continuing"
    return PairCheck(action, region, False, denied, code, message)


def new_ids_of(step: Step, reply: dict[str, Any]) -> tuple[str, ...]:
    """The ids of what a create or copy call made (several for CreateSnapshots)."""
    if step.creates is None:
        return ()
    key = spec_of(step.creates).create_id_key
    if key is None:
        raise ValueError(f"no create answer names a new {spec_of(step.creates).noun}")
    if isinstance(reply.get("Snapshots"), list):
        return tuple(str(s[key]) for s in reply["Snapshots"] if s.get(key))
    found = reply.get(key)
    return (str(found),) if found else ()


def unsuccessful(step: Step, reply: dict[str, Any]) -> tuple[str, str] | None:
    """(code, message) when a call that answers per item says this one failed.

    DisableFastSnapshotRestores answers HTTP 200 with `Unsuccessful` entries for the zones
    where it could not act: a failure, although nothing raised.
    """
    for entry in reply.get("Unsuccessful") or []:
        if entry.get("SnapshotId") not in step.resource_ids:
            continue
        for error in entry.get("FastSnapshotRestoreStateErrors") or [{}]:
            detail = error.get("Error") or {}
            code = str(detail.get("Code") or "Unsuccessful")
            zone = error.get("AvailabilityZone") or step.region
            text = detail.get("Message") or "AWS did not say why"
            return code, f"{step.action} failed in {zone} ({code}): {text}"
    return None
