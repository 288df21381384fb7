"""What the start-up checks say: one line per failure, and what each step waits for.

`translate` words a failed call (or any surprise), `credential_failure` a credential chain
that failed, `too_slow` the deadline; `StartupSteps` are the steps the connecting screen
shows ("Checking who you are with STS… 7 s") and the deadline's line names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from amiexplorer.aws.errors import (
    CREDENTIAL_ERRORS,
    EXPIRED_ERRORS,
    describe_problem,
    error_code,
    one_line,
)
from amiexplorer.aws.session import AwsSession
from amiexplorer.startup import StartupError, StartupProgress, Step


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


def translate(
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
        try:
            known = ", ".join(session.available_profiles()) or "none"
        except Exception:  # a config file botocore cannot read lists nothing
            known = "none"
        return StartupError(
            f"unknown profile {session.profile!r} (profiles found: {known}); "
            "check --profile or AWS_PROFILE"
        )
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return StartupError(
            f"cannot reach {_endpoint_label(session)}: the endpoint does not answer; "
            "check --endpoint-url / AWS_ENDPOINT_URL and your network"
        )
    if isinstance(exc, UnauthorizedSSOTokenError | SSOTokenLoadError | TokenRetrievalError):
        return _sso_expired(session)
    if isinstance(exc, ClientError) and code in CREDENTIAL_ERRORS | EXPIRED_ERRORS:
        what = "have expired" if code in EXPIRED_ERRORS else "were rejected"
        profile = f" of profile {session.profile}" if session.profile else ""
        return StartupError(
            f"the AWS credentials{profile} {what} ({code}); refresh them "
            "(for example `aws sso login`) or choose another profile"
        )
    problem = describe_problem(exc, service=service, operation=operation)
    return StartupError(f"cannot start: {problem}")


def _sso_expired(session: AwsSession) -> StartupError:
    profile = f" of profile {session.profile}" if session.profile else ""
    login = f"aws sso login --profile {session.profile}" if session.profile else "aws sso login"
    return StartupError(
        f"the SSO session{profile} has expired or is missing: run `{login}`, "
        "then start amiexplorer again"
    )


def credential_failure(exc: BaseException, session: AwsSession) -> StartupError:
    """The one line for a credential chain that failed (not one that found nothing)."""
    if isinstance(exc, NoCredentialsError | ProfileNotFound):
        return translate(exc, session, "sts", "GetCallerIdentity")
    if isinstance(exc, UnauthorizedSSOTokenError | SSOTokenLoadError | TokenRetrievalError):
        return _sso_expired(session)
    source = session.credential_source()
    if isinstance(exc, ClientError):  # assume-role or SSO refused: AWS's own words
        problem = describe_problem(exc, service="sts").message
    elif isinstance(exc, UnicodeDecodeError) and "credential_process" in source:
        problem = "it printed something that is not UTF-8 text"
    elif isinstance(exc, ValueError) and "credential_process" in source:
        # json.loads of what the process printed; its message holds no part of the output.
        problem = f"it printed something that is not JSON credentials ({exc})"
    else:
        problem = one_line(str(exc) or type(exc).__name__, 200)
    return StartupError(f"cannot get credentials from {source}: {problem}")


@dataclass(frozen=True, slots=True)
class StartupSteps:
    """What the start-up checks wait for, worded for this session."""

    credentials: Step
    identity: Step
    regions: Step
    alias: Step

    @classmethod
    def of(cls, session: AwsSession) -> StartupSteps:
        url = session.endpoint_url
        network = (
            f"check the endpoint {url} (--endpoint-url / AWS_ENDPOINT_URL) and the network"
            if url
            else "check the network and any proxy (HTTPS_PROXY)"
        )
        source = session.credential_source()
        if "credential_process" in source:
            credentials_hint = "check that it ends on its own (run it in a shell)"
        elif "SSO" in source:
            credentials_hint = "check the network, or run `aws sso login`"
        else:
            credentials_hint = network
        return cls(
            credentials=Step(
                f"Getting credentials from {source}",
                source,
                "getting the credentials",
                credentials_hint,
            ),
            identity=Step("Checking who you are with STS", "STS", "checking who you are", network),
            regions=Step(
                "Listing the account's regions with EC2", "EC2", "listing the regions", network
            ),
            alias=Step("Reading the account alias from IAM", "IAM", "reading the alias", network),
        )


def too_slow(progress: StartupProgress, seconds: float) -> StartupError:
    """The one line for start-up checks that passed their deadline."""
    step = progress.current
    if step is None:
        return StartupError(
            f"the start-up checks took more than {seconds:g} s; "
            "raise [timeouts] startup in the config file"
        )
    return StartupError(
        f"no answer from {step.waiting_for} in {seconds:g} s while {step.doing}; "
        f"{step.hint}, or raise [timeouts] startup in the config file"
    )
