"""Turn botocore exceptions into short messages that say what happened and what to do.

No traceback ever reaches a user, and no message ever includes credentials: only error codes,
operation names, regions and AWS's own message text.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

#: Codes meaning the credentials themselves are no good (as opposed to lacking a permission).
CREDENTIAL_ERRORS = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "IncompleteSignature",
    }
)
EXPIRED_ERRORS = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
THROTTLING_ERRORS = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
)
PERMISSION_ERRORS = frozenset({"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"})
#: What botocore raises when the credential chain itself fails (an SSO token gone stale...).
CREDENTIAL_CHAIN_ERRORS = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "UnauthorizedSSOTokenError",
        "SSOTokenLoadError",
        "TokenRetrievalError",
    }
)

_SERVICE_NAMES = {"ec2": "EC2", "autoscaling": "Auto Scaling", "sts": "STS", "iam": "IAM"}

#: The IAM service prefix of each client we create, for "you lack ec2:DescribeSnapshots".
_IAM_PREFIX = {"ec2": "ec2", "autoscaling": "autoscaling", "sts": "sts", "iam": "iam"}


@dataclass(frozen=True, slots=True)
class AwsProblem:
    """A failure of one AWS call, reduced to what a person needs to read."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError, or the exception's class name otherwise."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


def is_credential_problem(code: str) -> bool:
    """True when an error code (or botocore exception name) says the credentials are no good.

    Such a failure may be cured by new credentials (`aws sso login`, a rotated key), so the
    client pool re-resolves the credential chain before the next load.
    """
    return code in CREDENTIAL_ERRORS or code in EXPIRED_ERRORS or code in CREDENTIAL_CHAIN_ERRORS


def permission_name(service: str, operation: str) -> str:
    """The IAM action of an operation: (ec2, DescribeSnapshots) -> ec2:DescribeSnapshots."""
    return f"{_IAM_PREFIX.get(service, service)}:{operation}"


def describe_problem(
    exc: BaseException, *, region: str | None = None, service: str = "ec2", operation: str = ""
) -> AwsProblem:
    """A short, readable account of `exc` for the given call; never raises."""
    where = f" in {region}" if region else ""
    code = error_code(exc)
    if isinstance(exc, ClientError):
        if code in EXPIRED_ERRORS:
            return AwsProblem(
                code,
                "the credentials have expired: renew them (for example `aws sso login`) "
                "and press r",
            )
        if code in CREDENTIAL_ERRORS:
            return AwsProblem(
                code, f"AWS rejected the credentials{where} ({code}): check the profile and keys"
            )
        if code == "OptInRequired":
            return AwsProblem(
                code,
                f"the account has not enabled {region or 'this region'} (OptInRequired): "
                "enable it in the AWS console or leave it out with --region",
            )
        if code in PERMISSION_ERRORS:
            action = permission_name(service, operation) if operation else "a permission"
            return AwsProblem(code, f"you lack {action}{where} ({code})")
        if code in THROTTLING_ERRORS:
            return AwsProblem(
                code, f"AWS kept throttling the requests{where} ({code}): try again in a minute"
            )
        text = str(exc.response.get("Error", {}).get("Message") or "").strip()
        suffix = f": {text}" if text else ""
        return AwsProblem(code, f"{operation or 'the request'} failed{where} ({code}){suffix}")
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url", "")).rstrip("/")
        at = f" at {url}" if url else ""
        return AwsProblem(
            code, f"cannot reach the {_SERVICE_NAMES.get(service, service)} endpoint{where}{at}"
        )
    if isinstance(exc, ReadTimeoutError):
        name = _SERVICE_NAMES.get(service, service)
        return AwsProblem(code, f"the {name} endpoint{where} stopped answering (read timeout)")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return AwsProblem(code, "no AWS credentials found")
    if isinstance(exc, UnauthorizedSSOTokenError | SSOTokenLoadError | TokenRetrievalError):
        return AwsProblem(
            code, "the SSO session has expired or is missing: run `aws sso login` and press r"
        )
    if isinstance(exc, ProfileNotFound):
        return AwsProblem(code, f"{exc}")
    if isinstance(exc, NoRegionError):
        return AwsProblem(code, "no region configured: pass --region or set AWS_REGION")
    if isinstance(exc, BotoCoreError):
        return AwsProblem(code, f"{operation or 'the request'} failed{where}: {exc}")
    if isinstance(exc, OSError):
        return AwsProblem(code, f"network error{where}: {exc.strerror or exc}")
    return AwsProblem(code, f"{operation or 'the request'} failed{where}: {code}: {exc}")
