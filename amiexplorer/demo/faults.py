"""Fault injection for the demo server: denied actions and broken regions.

The rules are consulted by the WSGI middleware for every request; they answer with the error
body the real service would send, so botocore raises a ``ClientError`` with the right code.

Four error shapes, one per protocol family: EC2's XML, the query protocol's XML (IAM, STS, Auto
Scaling), the JSON protocol's ``__type`` body (KMS...) and REST-JSON's (Data Lifecycle Manager,
AWS Backup), whose code travels in the ``x-amzn-ErrorType`` header.
"""

from __future__ import annotations

import functools
import json
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from amiexplorer.demo.constants import DEMO_ACCOUNT_ID

#: Messages AWS uses with the codes injected faults typically answer with.
_MESSAGES: dict[str, str] = {
    "AuthFailure": "AWS was not able to validate the provided access credentials",
    "OptInRequired": (
        "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe."
    ),
    "UnauthorizedOperation": "You are not authorized to perform this operation.",
    "RequestLimitExceeded": "Request limit exceeded.",
    "InternalError": "An internal error has occurred",
    "Unavailable": "The server is overloaded and can't handle the request.",
    "InvalidClientTokenId": "The security token included in the request is invalid.",
    "ExpiredToken": "The security token included in the request is expired",
    "Throttling": "Rate exceeded",
}

_DENIED_MESSAGE = "You are not authorized to perform this operation."


@dataclass(frozen=True)
class RequestTarget:
    """What a request is aimed at, as far as fault rules care."""

    service: str
    region: str
    action: str
    #: True when the body is JSON (``X-Amz-Target``) rather than a query-protocol form.
    json_protocol: bool = False
    #: True for REST-JSON services (the operation is named by method and path).
    rest_protocol: bool = False


@dataclass(frozen=True)
class FaultResponse:
    """A canned error answer: HTTP status, content type and body."""

    status: int
    content_type: str
    body: bytes
    #: Headers beyond Content-Type and Content-Length (REST-JSON's x-amzn-ErrorType).
    headers: tuple[tuple[str, str], ...] = ()


#: Services the demo serves that are known not to be REST-JSON (no model load needed).
_NOT_REST = frozenset({"ec2", "sts", "iam", "autoscaling", "kms", "ssm", "organizations"})


@functools.cache
def is_rest_json(service: str) -> bool:
    """Whether botocore's model of ``service`` uses the REST-JSON protocol (dlm, backup...)."""
    if not service or service in _NOT_REST:
        return False
    import botocore.exceptions
    import botocore.loaders

    try:
        model = botocore.loaders.create_loader().load_service_model(service, "service-2")
    except botocore.exceptions.DataNotFoundError:
        return False
    return bool(model.get("metadata", {}).get("protocol") == "rest-json")


def ec2_error(code: str, message: str, status: int) -> FaultResponse:
    """Build an error in EC2's own XML shape (``Response/Errors/Error``)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Errors><Error><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error></Errors>"
        f"<RequestID>{uuid.uuid4()}</RequestID></Response>"
    )
    return FaultResponse(status, "text/xml;charset=UTF-8", body.encode())


def query_error(code: str, message: str, status: int) -> FaultResponse:
    """Build an error in the shape IAM, STS and Auto Scaling use (``ErrorResponse/Error``)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return FaultResponse(status, "text/xml", body.encode())


def json_error(code: str, message: str, status: int) -> FaultResponse:
    """Build an error in the JSON protocol's shape (KMS and friends)."""
    body = json.dumps({"__type": code, "message": message})
    return FaultResponse(status, "application/x-amz-json-1.1", body.encode())


def rest_json_error(
    code: str, message: str, status: int, members: Mapping[str, Any] | None = None
) -> FaultResponse:
    """Build an error in the REST-JSON shape: the code in ``x-amzn-ErrorType``, a JSON body.

    ``members`` are the error shape's other modeled members (DLM's ``ResourceIds``...). The
    body repeats the code as ``Code`` (a member of every DLM and Backup error shape), which
    botocore reads when a proxy drops the header.
    """
    document: dict[str, Any] = {"Message": message, "Code": code, **(members or {})}
    return FaultResponse(
        status,
        "application/json",
        json.dumps(document).encode(),
        (("x-amzn-ErrorType", code),),
    )


def service_error(target: RequestTarget, code: str, message: str, status: int) -> FaultResponse:
    """An error in the shape ``target``'s service uses."""
    if target.service == "ec2":
        return ec2_error(code, message, status)
    if target.rest_protocol or is_rest_json(target.service):
        return rest_json_error(code, message, status)
    if target.json_protocol:
        return json_error(code, message, status)
    return query_error(code, message, status)


def denied_response(target: RequestTarget) -> FaultResponse:
    """Answer a denied action the way its service reports a missing IAM permission."""
    if target.service == "ec2":
        # EC2 says UnauthorizedOperation, also for DryRun preflights.
        return ec2_error("UnauthorizedOperation", _DENIED_MESSAGE, 403)
    arn = f"arn:aws:iam::{DEMO_ACCOUNT_ID}:user/demo"
    message = (
        f"User: {arn} is not authorized to perform: {target.service}:{target.action} "
        "because no identity-based policy allows the action"
    )
    if target.rest_protocol or is_rest_json(target.service):
        # AWS's common errors: AccessDeniedException is HTTP 403 (the REST-JSON services' own
        # models, DLM's and Backup's, do not model it).
        return rest_json_error("AccessDeniedException", message, 403)
    if target.json_protocol:
        return json_error("AccessDeniedException", message, 400)
    return query_error("AccessDenied", message, 403)


class FaultInjector:
    """Thread-safe set of fault rules, changed at runtime by tests and the demo."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._lock = threading.Lock()
        # (action, region or None for every region)
        self._denied: set[tuple[str, str | None]] = set()
        # region -> (code, HTTP status)
        self._broken_regions: dict[str, tuple[str, int]] = {}
        # (action, region or None) -> (code, HTTP status)
        self._failing: dict[tuple[str, str | None], tuple[str, int]] = {}

    def deny(self, action: str, region: str | None = None) -> None:
        """Refuse ``action`` (in ``region``, or everywhere) as if IAM did not allow it."""
        with self._lock:
            self._denied.add((action, region))

    def fail_region(self, region: str, code: str = "AuthFailure", status: int = 401) -> None:
        """Make every EC2 request in ``region`` fail with ``code`` and HTTP ``status``."""
        with self._lock:
            self._broken_regions[region] = (code, status)

    def fail_action(
        self, action: str, code: str, status: int = 400, region: str | None = None
    ) -> None:
        """Make ``action`` (in ``region``, or everywhere) fail with ``code`` and ``status``."""
        with self._lock:
            self._failing[action, region] = (code, status)

    def clear(self) -> None:
        """Remove every fault rule."""
        with self._lock:
            self._denied.clear()
            self._broken_regions.clear()
            self._failing.clear()

    def match(self, target: RequestTarget) -> FaultResponse | None:
        """Return the error to answer ``target`` with, or None to let moto handle it."""
        if not target.action:
            return None
        keys = ((target.action, target.region), (target.action, None))
        with self._lock:
            broken = self._broken_regions.get(target.region) if target.service == "ec2" else None
            failing = next((self._failing[k] for k in keys if k in self._failing), None)
            denied = any(k in self._denied for k in keys)
        # A broken region fails before authorization is even looked at, as in AWS.
        for fault in (broken, failing):
            if fault is not None:
                code, status = fault
                return service_error(target, code, _MESSAGES.get(code, code), status)
        return denied_response(target) if denied else None
