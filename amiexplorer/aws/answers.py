"""Answers that are not AWS's: an HTML page, an empty body, truncated XML, garbage.

A corporate proxy, a captive portal, a load balancer in front of an endpoint, or an emulator
that lacks an operation can answer a call with something that is not the service's protocol.
botocore then either raises `ResponseParserError` (which is not a `BotoCoreError`), or, worse,
reads the page as an answer: a JSON service's 500 page becomes an error whose "message" is the
whole HTML, a 200 with some other XML becomes an empty result, as if the account had nothing.

`check_answer` runs on every answer before botocore reads it (botocore's `before-parse` event,
registered for every client by `session.AwsSession`):

- a success (status < 300) whose body is not the protocol's answer to that operation raises
  `NotAwsAnswer`, naming the operation and what came back, so nobody mistakes it for an
  empty result;
- an error whose body is not the protocol's error shape raises `NotAwsAnswer` too, at once: a
  crash page or an emulator's "not implemented" comes back the same however often it is
  asked. Only a gateway's "try again" pages (429, 502, 503, 504) are given a plain error body
  instead (the status as the code, its reason phrase as the message, as botocore itself does
  for bare 5xx pages), so botocore's retry mode retries them; that error carries `NOT_AWS_KEY`
  saying what really came back (`errors.describe_problem` words both).

The checks look at the first and last few hundred bytes of an XML answer only: an answer of
100,000 snapshots is tens of megabytes, and its shape is known from its ends.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from xml.etree import ElementTree

from botocore.parsers import ResponseParserError

#: The key an error's parsed response carries when its body was not AWS's.
NOT_AWS_KEY = "AmiexplorerNotAwsAnswer"
#: Error pages that say "wait and ask again" (a gateway in front of the endpoint timed out or
#: was overloaded, a rate limit): these become plain errors botocore's retry mode retries.
#: Every other page is final at once.
PASSING_STATUSES = frozenset({429, 502, 503, 504})

_XML_PROTOCOLS = frozenset({"ec2", "query", "rest-xml"})
_JSON_PROTOCOLS = frozenset({"json", "rest-json", "smithy-rpc-v2-cbor"})
#: How much of each end of an XML answer the checks read.
_EDGE = 512
_DECLARATION = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*", re.DOTALL)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<title|<h1|<p>)", re.IGNORECASE)


class NotAwsAnswer(ResponseParserError):  # type: ignore[misc]
    """A successful HTTP answer whose body is not the service's answer to the operation.

    A `ResponseParserError`, so that code written for botocore's own parse failures treats it
    the same; `errors.describe_problem` words it with the region.
    """

    def __init__(self, operation: str, what: str, expected: str, status: int) -> None:
        self.operation = operation
        #: As a ClientError names its call (errors.describe_problem reads either).
        self.operation_name = operation
        #: What came back, in words ("an HTML page", "an empty body", "truncated XML", ...).
        self.what = what
        #: The format AWS answers this operation in ("AWS XML", "AWS JSON").
        self.expected = expected
        self.status = status
        super().__init__(f"{operation} answered {what}, not {expected}")


def _protocol(operation_model: Any) -> str:
    metadata = getattr(operation_model, "metadata", None) or {}
    service = getattr(operation_model, "service_model", None)
    return str(
        metadata.get("protocol")
        or getattr(service, "resolved_protocol", None)
        or getattr(service, "protocol", "")
    )


def _expected(protocol: str) -> str:
    return "AWS XML" if protocol in _XML_PROTOCOLS else "AWS JSON"


def _looks_like_html(body: bytes) -> bool:
    return _HTML.match(body[:_EDGE]) is not None


def _xml_root(body: bytes) -> str | None:
    """The local name of the document element, from the answer's first bytes."""
    head = body[: _EDGE * 4]
    start = _DECLARATION.match(head)
    rest = head[start.end() if start else 0 :]
    if not rest.startswith(b"<"):
        return None
    found = _ROOT.match(rest)
    if found is None:
        return None
    return found.group(1).decode("ascii", "replace").rpartition(":")[2]


def _xml_problem(body: bytes, expected_root: str | None) -> str | None:
    """What is wrong with an XML answer, or None when it is the answer expected."""
    if not body.strip():
        return "an empty body"
    if _looks_like_html(body):
        return "an HTML page"
    root = _xml_root(body)
    if root is None:
        return "something that is not XML"
    if expected_root is not None and root != expected_root:
        return f"XML that is not an answer to it (its root element is {root})"
    tail = body[-_EDGE:].rstrip()
    if re.search(rb"</(?:[\w.-]+:)?" + re.escape(root.encode()) + rb"\s*>$", tail):
        return None
    if tail.endswith(b"/>") and len(body) <= _EDGE * 4:
        # A document that is only its root element (<XResponse/>): small enough to read.
        try:
            ElementTree.fromstring(body)
        except ElementTree.ParseError:
            return "truncated XML"
        return None
    return "truncated XML"


def _json_problem(body: bytes, *, required: bool) -> str | None:
    """What is wrong with a JSON answer, or None when it is one."""
    stripped = body.strip()
    if not stripped:
        return "an empty body" if required else None
    if _looks_like_html(stripped):
        return "an HTML page"
    try:
        document = json.loads(stripped)
    except (ValueError, UnicodeDecodeError):
        return "truncated JSON" if stripped[:1] in (b"{", b"[") else "something that is not JSON"
    if not isinstance(document, dict):
        return "JSON that is not an answer to it"
    return None


def _has_body_members(shape: Any) -> bool:
    """True when an output shape has members that travel in the body."""
    if shape is None:
        return False
    if shape.serialization.get("payload"):
        return True
    return any(not member.serialization.get("location") for member in shape.members.values())


def _error_problem(protocol: str, response: dict[str, Any]) -> str | None:
    """What is wrong with an error answer, or None when botocore can read it."""
    body: bytes = response.get("body") or b""
    if protocol in _XML_PROTOCOLS:
        if not body.strip():
            return "an empty body"
        if _looks_like_html(body):
            return "an HTML page"
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            return (
                "truncated XML" if body.lstrip().startswith(b"<") else ("something that is not XML")
            )
        codes = [e for e in root.iter() if e.tag.rpartition("}")[2] == "Code"]
        tag = root.tag.rpartition("}")[2]
        return None if codes else f"XML that is not an AWS error (its root element is {tag})"
    headers = response.get("headers") or {}
    if not body.strip() and any(k.lower() == "x-amzn-errortype" for k in headers):
        return None  # the code travels in the header; botocore reads it there
    return _json_problem(body, required=True)


def _plain_error_body(protocol: str, status: int) -> bytes:
    """An error body in `protocol`'s shape: the status as the code, its reason as the text."""
    reason = http.client.responses.get(status, "Error")
    if protocol == "ec2":
        return (
            f"<Response><Errors><Error><Code>{status}</Code><Message>{reason}</Message>"
            "</Error></Errors><RequestID></RequestID></Response>"
        ).encode()
    if protocol in _XML_PROTOCOLS:
        return (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{status}</Code>"
            f"<Message>{reason}</Message></Error><RequestId></RequestId></ErrorResponse>"
        ).encode()
    return json.dumps({"__type": str(status), "message": reason}).encode()


def check_answer(
    operation_model: Any = None,
    response_dict: dict[str, Any] | None = None,
    customized_response_dict: dict[str, Any] | None = None,
    **_kwargs: Any,
) -> None:
    """botocore's `before-parse` handler: refuse, or make readable, an answer that is not AWS's."""
    if operation_model is None or response_dict is None:
        return
    if getattr(operation_model, "has_streaming_output", False):
        return
    protocol = _protocol(operation_model)
    if protocol not in _XML_PROTOCOLS and protocol not in _JSON_PROTOCOLS:
        return
    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body")
    if not isinstance(body, bytes | bytearray):
        return
    name = str(getattr(operation_model, "name", ""))
    if status >= 300:
        problem = _error_problem(protocol, response_dict)
        if problem is None:
            return
        if status not in PASSING_STATUSES:
            # A crash page, an emulator's "not implemented", a portal's login page: asking
            # again gets the same page (moto's took 8 attempts and a minute of backoff).
            raise NotAwsAnswer(name, problem, _expected(protocol), status)
        response_dict["body"] = _plain_error_body(protocol, status)
        if customized_response_dict is not None:
            customized_response_dict[NOT_AWS_KEY] = {
                "what": problem,
                "expected": _expected(protocol),
                "status": status,
            }
        return
    if protocol in _XML_PROTOCOLS:
        expected_root = f"{name}Response" if protocol in ("ec2", "query") and name else None
        problem = _xml_problem(bytes(body), expected_root)
    else:
        problem = _json_problem(
            bytes(body), required=_has_body_members(getattr(operation_model, "output_shape", None))
        )
    if problem is not None:
        raise NotAwsAnswer(name, problem, _expected(protocol), status)


def not_aws_details(response: Any) -> dict[str, Any] | None:
    """What `check_answer` noted on an error's parsed response, if anything."""
    if isinstance(response, dict):
        found = response.get(NOT_AWS_KEY)
        if isinstance(found, dict):
            return found
    return None
