"""Start-up checks: who am I, which regions, and is anything wrong before a screen is drawn.

Each bad start (no credentials, unknown profile, unknown region, an endpoint that does not
answer or answers something that is not AWS's, rejected credentials) becomes a
`StartupError` with one line that says what to do; so does any surprise, worded by
`errors.describe_problem`. The checks have one wall-clock deadline in all
(`ConnectionSettings.startup_timeout`, `[timeouts] startup`): credentials (a
credential_process, SSO, assume-role), identity, regions; past it, the line names what was
still awaited. `StartupProgress` says meanwhile what is awaited, for the connecting screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import NoCredentialsError

from amiexplorer.aws.session import PROBE_CONFIG, AwsSession
from amiexplorer.aws.startup.messages import (
    StartupSteps,
    credential_failure,
    too_slow,
    translate,
)
from amiexplorer.aws.startup.offline_checks import (
    check_aws_files,
    check_endpoint_url,
    check_region_names,
    unknown_region,
)
from amiexplorer.core.models import Identity, Region
from amiexplorer.startup import StartupError, StartupProgress, Step

__all__ = [
    "Connection",
    "StartupError",
    "StartupProgress",
    "check_region_names",
    "connect",
    "describe_regions",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Connection:
    """A checked session: the identity behind it and the regions to show."""

    session: AwsSession
    identity: Identity
    regions: tuple[Region, ...]


async def _account_alias(session: AwsSession) -> str | None:
    """The IAM account alias, when IAM allows us to read it."""
    try:
        async with session.client("iam", session.home_region(), PROBE_CONFIG) as iam:
            aliases = (await iam.list_account_aliases()).get("AccountAliases") or []
    except Exception:
        # Many roles may not call IAM, and an endpoint may not serve it: the alias is a
        # nicety, never a reason to fail.
        return None
    return str(aliases[0]) if aliases else None


async def _caller_identity(session: AwsSession) -> dict[str, Any]:
    async with session.client("sts", session.home_region(), PROBE_CONFIG) as sts:
        caller: dict[str, Any] = await sts.get_caller_identity()
    return caller


async def describe_regions(session: AwsSession, *, all_regions: bool = False) -> list[Region]:
    """DescribeRegions: the regions enabled for the account (or all of them)."""
    async with session.client("ec2", session.home_region(), PROBE_CONFIG) as ec2:
        reply = await ec2.describe_regions(AllRegions=all_regions)
    return sorted(
        (
            Region(
                name=str(r["RegionName"]),
                opt_in_status=str(r.get("OptInStatus", "opt-in-not-required")),
                endpoint=r.get("Endpoint"),
            )
            for r in reply.get("Regions", [])
        ),
        key=lambda region: region.name,
    )


async def resolve_regions(session: AwsSession) -> tuple[Region, ...]:
    """The regions to load: those chosen or, by default, every region enabled for the account."""
    chosen = session.settings.regions
    if not chosen:
        enabled = tuple(await describe_regions(session))
        if not enabled:  # AWS always lists at least one: this is not EC2 answering
            raise StartupError(
                "cannot start: DescribeRegions listed no region at all: is the endpoint "
                "really EC2? (or pass --region)"
            )
        return enabled
    known = session.known_region_names()
    unknown = [name for name in chosen if name not in known]
    listed: dict[str, Region] = {}
    if unknown:
        # Only a custom endpoint gets here: it may serve regions botocore has never heard of.
        listed = {r.name: r for r in await describe_regions(session, all_regions=True)}
        unknown = [name for name in unknown if name not in listed]
        if unknown:
            raise unknown_region(unknown[0], known | set(listed))
    return tuple(listed.get(name) or Region(name=name) for name in dict.fromkeys(chosen))


async def _waited(progress: StartupProgress, step: Step, call: Awaitable[T]) -> T:
    with progress.waiting(step):
        return await call


async def _checks(
    session: AwsSession, progress: StartupProgress, steps: StartupSteps
) -> tuple[dict[str, Any], tuple[Region, ...], asyncio.Task[str | None]]:
    """Settings, then credentials, then the identity, the alias and the regions at once.

    Returns the alias as a task still running: it is a nicety and may take what time the
    deadline leaves (`_alias_in_time`).
    """
    try:
        check_aws_files()
        check_endpoint_url(session)
        check_region_names(session)
    except StartupError:
        raise
    except Exception as exc:  # ProfileNotFound, a config file botocore cannot parse...
        raise translate(exc, session, "sts", "GetCallerIdentity") from None
    try:
        with progress.waiting(steps.credentials):
            found = await session.has_credentials()
    except Exception as exc:
        raise credential_failure(exc, session) from None
    if not found:
        raise translate(NoCredentialsError(), session, "sts", "GetCallerIdentity")
    # After the credentials: asked at once, the chain would be resolved twice (a
    # credential_process run twice).
    alias = asyncio.create_task(_account_alias(session))
    try:
        caller, regions = await asyncio.gather(
            _waited(progress, steps.identity, _caller_identity(session)),
            _waited(progress, steps.regions, resolve_regions(session)),
            return_exceptions=True,
        )
        for outcome, service, operation in (
            (caller, "sts", "GetCallerIdentity"),
            (regions, "ec2", "DescribeRegions"),
        ):
            if isinstance(outcome, StartupError):
                raise outcome
            if isinstance(outcome, Exception):
                raise translate(outcome, session, service, operation) from None
            if isinstance(outcome, BaseException):
                raise outcome
            if outcome is caller:
                _check_caller(caller)
    except BaseException:
        alias.cancel()
        raise
    assert isinstance(caller, dict) and isinstance(regions, tuple)
    return caller, regions, alias


def _check_caller(caller: Any) -> None:
    """Refuse an identity answer without the identity (XML of the right name, but empty)."""
    missing = [key for key in ("Account", "Arn", "UserId") if not caller.get(key)]
    if missing:
        raise StartupError(
            f"cannot start: GetCallerIdentity answered without {' and '.join(missing)}: "
            "is the endpoint really STS?"
        )


async def _alias_in_time(
    task: asyncio.Task[str | None], when: float | None, progress: StartupProgress, step: Step
) -> str | None:
    """The alias if it comes before the deadline; None otherwise (it is only a nicety)."""
    try:
        with progress.waiting(step):
            async with asyncio.timeout_at(when):
                return await task
    except TimeoutError:
        return None


async def connect(session: AwsSession, progress: StartupProgress | None = None) -> Connection:
    """Check everything a session needs before a screen is drawn; raise StartupError if not.

    The identity, the alias and the region list are asked for at once (one round trip
    instead of three in a row); when identity and regions both fail, the identity's failure
    is the one reported, as it says more. Every failure, expected or not, is a StartupError
    of one line; so is the deadline, naming what was still awaited (`progress` says it
    meanwhile).
    """
    progress = progress if progress is not None else StartupProgress()
    seconds = session.settings.startup_timeout
    progress.start(seconds)
    steps = StartupSteps.of(session)
    alias_task: asyncio.Task[str | None] | None = None
    limit = asyncio.timeout(seconds)
    try:
        try:
            async with limit:
                caller, regions, alias_task = await _checks(session, progress, steps)
        except TimeoutError:
            if not limit.expired():
                raise
            raise too_slow(progress, seconds) from None
        alias = await _alias_in_time(alias_task, limit.when(), progress, steps.alias)
        identity = _identity(caller, session, alias)
    except StartupError:
        raise
    except Exception as exc:  # never a traceback: a surprise is one line too
        raise translate(exc, session, "sts", "GetCallerIdentity") from None
    finally:
        if alias_task is not None and not alias_task.done():
            alias_task.cancel()
    return Connection(session=session, identity=identity, regions=regions)


def _identity(caller: dict[str, Any], session: AwsSession, alias: str | None) -> Identity:
    return Identity(
        account_id=str(caller["Account"]),
        arn=str(caller["Arn"]),
        user_id=str(caller["UserId"]),
        profile=session.profile,
        account_alias=alias,
    )
