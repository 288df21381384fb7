"""Start-up checks: who am I, which regions, and is anything wrong before a screen is drawn.

Each bad start (no credentials, unknown profile, unknown region, an endpoint that does not
answer, rejected credentials) becomes a `StartupError` with one line that says what to do.
"""

from __future__ import annotations

import asyncio
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from amiexplorer.aws.errors import CREDENTIAL_ERRORS, EXPIRED_ERRORS, describe_problem, error_code
from amiexplorer.aws.models import Identity, Region
from amiexplorer.aws.session import PROBE_CONFIG, AwsSession
from amiexplorer.startup import StartupError

__all__ = ["Connection", "StartupError", "connect", "describe_regions", "fetch_identity"]


@dataclass(frozen=True, slots=True)
class Connection:
    """A checked session: the identity behind it and the regions to show."""

    session: AwsSession
    identity: Identity
    regions: tuple[Region, ...]


def _where_credentials_are_looked_for(session: AwsSession) -> str:
    config = os.environ.get("AWS_CONFIG_FILE") or str(Path("~/.aws/config").expanduser())
    shared = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or str(
        Path("~/.aws/credentials").expanduser()
    )
    profile = session.profile or "default"
    return (
        f"looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, {shared} and {config} "
        f"(profile {profile}), SSO, container and instance metadata"
    )


def _endpoint_label(session: AwsSession) -> str:
    return session.endpoint_url or "AWS"


def _translate(
    exc: BaseException, session: AwsSession, service: str, operation: str
) -> StartupError:
    """The one-line start-up message for a failed identity or region call."""
    code = error_code(exc)
    if isinstance(exc, NoCredentialsError):
        return StartupError(
            f"no AWS credentials found ({_where_credentials_are_looked_for(session)}); "
            "configure a profile with `aws configure` or `aws configure sso`, "
            "or try `amiexplorer --demo`, which needs no account"
        )
    if isinstance(exc, ProfileNotFound):
        known = ", ".join(session.available_profiles()) or "none"
        return StartupError(
            f"unknown profile {session.profile!r} (profiles found: {known}); "
            "check --profile or AWS_PROFILE"
        )
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return StartupError(
            f"cannot reach {_endpoint_label(session)}: the endpoint does not answer; "
            "check --endpoint-url / AWS_ENDPOINT_URL and your network"
        )
    if isinstance(exc, ClientError) and code in CREDENTIAL_ERRORS | EXPIRED_ERRORS:
        what = "have expired" if code in EXPIRED_ERRORS else "were rejected"
        profile = f" of profile {session.profile}" if session.profile else ""
        return StartupError(
            f"the AWS credentials{profile} {what} ({code}); refresh them "
            "(for example `aws sso login`) or choose another profile"
        )
    problem = describe_problem(exc, service=service, operation=operation)
    return StartupError(f"cannot start: {problem}")


async def _account_alias(session: AwsSession) -> str | None:
    """The IAM account alias, when IAM allows us to read it."""
    try:
        async with session.client("iam", session.home_region(), PROBE_CONFIG) as iam:
            aliases = (await iam.list_account_aliases()).get("AccountAliases") or []
    except (ClientError, BotoCoreError):
        # Many roles may not call IAM; the alias is a nicety, never a reason to fail.
        return None
    return str(aliases[0]) if aliases else None


async def _caller_identity(session: AwsSession) -> dict[str, Any]:
    async with session.client("sts", session.home_region(), PROBE_CONFIG) as sts:
        caller: dict[str, Any] = await sts.get_caller_identity()
    return caller


async def fetch_identity(session: AwsSession) -> Identity:
    """STS GetCallerIdentity, plus the IAM account alias (both asked at once)."""
    caller, alias = await asyncio.gather(_caller_identity(session), _account_alias(session))
    return Identity(
        account_id=str(caller["Account"]),
        arn=str(caller["Arn"]),
        user_id=str(caller["UserId"]),
        profile=session.profile,
        account_alias=alias,
    )


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


def _unknown_region(name: str, known: Iterable[str]) -> StartupError:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    if close:
        return StartupError(f"unknown region {name!r}; did you mean {' or '.join(close)}?")
    return StartupError(f"unknown region {name!r}; region names look like us-east-1 or eu-west-1")


def check_region_names(session: AwsSession) -> None:
    """Refuse a misspelt --region before any call, unless a custom endpoint may know it."""
    known = session.known_region_names()
    unknown = [name for name in session.settings.regions if name not in known]
    if unknown and not session.endpoint_url:
        raise _unknown_region(unknown[0], known)


async def resolve_regions(session: AwsSession) -> tuple[Region, ...]:
    """The regions to load: those chosen or, by default, every region enabled for the account."""
    chosen = session.settings.regions
    if not chosen:
        return tuple(await describe_regions(session))
    known = session.known_region_names()
    unknown = [name for name in chosen if name not in known]
    listed: dict[str, Region] = {}
    if unknown:
        # Only a custom endpoint gets here: it may serve regions botocore has never heard of.
        listed = {r.name: r for r in await describe_regions(session, all_regions=True)}
        unknown = [name for name in unknown if name not in listed]
        if unknown:
            raise _unknown_region(unknown[0], known | set(listed))
    return tuple(listed.get(name) or Region(name=name) for name in dict.fromkeys(chosen))


async def connect(session: AwsSession) -> Connection:
    """Check everything a session needs before a screen is drawn; raise StartupError if not.

    The identity and the region list are asked for at once (one round trip instead of three
    in a row); when both fail, the identity's failure is the one reported, as it says more.
    """
    try:
        check_region_names(session)
        if not await session.has_credentials():
            raise NoCredentialsError()
    except (ClientError, BotoCoreError) as exc:
        raise _translate(exc, session, "sts", "GetCallerIdentity") from None
    identity, regions = await asyncio.gather(
        fetch_identity(session), resolve_regions(session), return_exceptions=True
    )
    for outcome, service, operation in (
        (identity, "sts", "GetCallerIdentity"),
        (regions, "ec2", "DescribeRegions"),
    ):
        if isinstance(outcome, ClientError | BotoCoreError):
            raise _translate(outcome, session, service, operation) from None
        if isinstance(outcome, BaseException):
            raise outcome
    assert isinstance(identity, Identity) and isinstance(regions, tuple)
    return Connection(session=session, identity=identity, regions=regions)
