"""Turn botocore exceptions into short messages that say what happened and what to do.

No traceback ever reaches a user, and no message ever includes credentials: only error codes,
operation names, regions and AWS's own message text.
"""

from __future__ import annotations

import re
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
from botocore.parsers import ResponseParserError

from amiexplorer.aws.answers import NotAwsAnswer, not_aws_details
from amiexplorer.aws.deadlines import CallDeadlineExceeded

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

_SERVICE_NAMES = {
    "ec2": "EC2",
    "autoscaling": "Auto Scaling",
    "sts": "STS",
    "iam": "IAM",
    "ssm": "Systems Manager",
    "dlm": "Data Lifecycle Manager",
    "backup": "AWS Backup",
    "imagebuilder": "EC2 Image Builder",
}

#: The IAM service prefix of each client we create, for "you lack ec2:DescribeSnapshots".
_IAM_PREFIX = {"ec2": "ec2", "autoscaling": "autoscaling", "sts": "sts", "iam": "iam"}

#: The longest message a problem may have: it is one line on a screen or in a report.
MESSAGE_LIMIT = 300
_TAGS = re.compile(r"<[^>]{0,200}>")
_BODY = re.compile(r"(invalid XML received|Further retries may succeed).*", re.DOTALL)


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


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` as one line of at most `limit` characters: no newlines, no markup, no page."""
    flat = " ".join(_TAGS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _not_aws(operation: str, where: str, what: str, expected: str, status: int | None) -> str:
    call = operation or "the request"
    http = f" (HTTP {status})" if status and status >= 300 else ""
    return f"{call}{where} answered {what}{http}, not {expected}: is a proxy in the way?"


def _parser_failure(text: str) -> str:
    """What a botocore ResponseParserError says came back, in words."""
    body = text.partition("\n")[2].strip()
    if body.startswith(("b'", 'b"')):
        body = body[2:]
    lowered = body.lower()
    if not body or body in ("'", '"'):
        return "an empty body"
    if "<!doctype html" in lowered[:200] or "<html" in lowered[:200]:
        return "an HTML page"
    if body.startswith("<"):
        return "XML that cannot be read (truncated?)"
    return "something that is not XML"


def describe_problem(
    exc: BaseException, *, region: str | None = None, service: str = "ec2", operation: str = ""
) -> AwsProblem:
    """A short, readable, one-line account of `exc` for the given call; never raises."""
    try:
        problem = _describe(exc, region=region, service=service, operation=operation)
    except Exception:  # a message must never be the next crash
        problem = AwsProblem(type(exc).__name__, f"{operation or 'the request'} failed")
    return AwsProblem(problem.code, one_line(problem.message))


def _describe(
    exc: BaseException, *, region: str | None, service: str, operation: str
) -> AwsProblem:
    where = f" in {region}" if region else ""
    code = error_code(exc)
    # The exception knows which call failed (a loader step may make several kinds of call).
    operation = str(getattr(exc, "operation_name", "") or operation)
    if isinstance(exc, NotAwsAnswer):
        message = _not_aws(exc.operation or operation, where, exc.what, exc.expected, exc.status)
        return AwsProblem("NotAwsAnswer", message)
    if isinstance(exc, ClientError) and (marked := not_aws_details(exc.response)) is not None:
        message = _not_aws(
            operation,
            where,
            str(marked.get("what", "something else")),
            str(marked.get("expected", "AWS's answer")),
            int(marked.get("status") or 0),
        )
        return AwsProblem("NotAwsAnswer", message)
    if isinstance(exc, ResponseParserError):
        message = _not_aws(operation, where, _parser_failure(str(exc)), "AWS's answer", None)
        return AwsProblem("NotAwsAnswer", message)
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
        text = one_line(str(exc.response.get("Error", {}).get("Message") or "").strip(), 200)
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
    if isinstance(exc, CallDeadlineExceeded):
        name = _SERVICE_NAMES.get(exc.service, exc.service)
        return AwsProblem(
            code,
            f"{exc.operation_name} got no complete answer in {exc.region or region} within "
            f"{exc.seconds:g} s, every retry included: the {name} endpoint is stalled or "
            "very slow (raise [timeouts] call in the config file if it is only slow)",
        )
    if isinstance(exc, BotoCoreError):
        return AwsProblem(code, f"{operation or 'the request'} failed{where}: {exc}")
    if isinstance(exc, OSError):
        return AwsProblem(code, f"network error{where}: {exc.strerror or exc}")
    detail = _BODY.sub("", str(exc)).strip()
    return AwsProblem(code, f"{operation or 'the request'} failed{where}: {code}: {detail}")
