"""WSGI middleware in front of moto: records requests, injects faults, hides crashes.

moto routes a request by its SigV4 credential scope and, for query-protocol services (EC2, STS,
IAM, Auto Scaling), by the ``Action`` in the form body. This middleware reads the same things, so
tests can assert which calls the app made and so faults can target one action or region. REST
services (Data Lifecycle Manager, AWS Backup) name their operation by method and path: ``routes``
reads it from botocore's model.

Requests moto cannot answer are answered here (``rest``): every DLM and Recycle Bin call (moto
has neither) and the AWS Backup recovery-point reads.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from amiexplorer.demo import rest, rest_handlers
from amiexplorer.demo.faults import (
    FaultInjector,
    FaultResponse,
    RequestTarget,
    is_rest_json,
    service_error,
)
from amiexplorer.demo.recorded import RecordedRequest, RequestJournal
from amiexplorer.demo.routes import raw_path, rest_match

__all__ = ["DemoMiddleware", "RecordedRequest", "RequestJournal", "describe", "raw_path"]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Credential=AKID/20260101/us-east-1/ec2/aws4_request
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put an unread copy back for moto."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body: bytes = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        # Chunked upload: werkzeug has de-chunked it and marks the end of the stream.
        body = stream.read()
    else:
        return b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _params(environ: dict[str, Any], body: bytes, is_json: bool) -> dict[str, str]:
    """Flatten the request's parameters to strings, dropping anything credential-like."""
    pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if is_json:
        try:
            document = json.loads(body or b"{}")
        except ValueError:
            document = {}
        if isinstance(document, dict):
            pairs += [(k, str(v)) for k, v in document.items() if not isinstance(v, dict | list)]
    elif "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    # Presigned URLs carry X-Amz-Credential / X-Amz-Signature / X-Amz-Security-Token.
    return {k: v for k, v in pairs if not k.lower().startswith("x-amz-")}


def describe(environ: dict[str, Any], body: bytes) -> tuple[RecordedRequest, bool]:
    """Work out service, region, action and DryRun of a request; also whether it is JSON.

    A REST-JSON request's action is its operation name (``GetLifecyclePolicies``), and its
    path labels (``policyId``) join its parameters.
    """
    scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    region, service = scope.groups() if scope else ("", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    rest_json = not target and is_rest_json(service)
    is_json = bool(target) or rest_json
    params = _params(environ, body, is_json)
    if rest_json:
        action, labels = rest_match(service, environ.get("REQUEST_METHOD", ""), raw_path(environ))
        params.update(labels)
    else:
        action = target.rsplit(".", 1)[-1] if target else params.get("Action", "")
    recorded = RecordedRequest(
        method=environ.get("REQUEST_METHOD", ""),
        service=service,
        region=region,
        action=action,
        dry_run=params.get("DryRun", "").lower() == "true",
        params=params,
    )
    return recorded, is_json


def _answer(start_response: StartResponse, fault: FaultResponse) -> list[bytes]:
    """Send a canned response."""
    try:
        reason = HTTPStatus(fault.status).phrase
    except ValueError:
        reason = "Error"
    start_response(
        f"{fault.status} {reason}",
        [
            ("Content-Type", fault.content_type),
            ("Content-Length", str(len(fault.body))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
            *fault.headers,
        ],
    )
    return [fault.body]


class DemoMiddleware:
    """Wraps moto's WSGI app with request recording and fault injection."""

    def __init__(self, app: WSGIApp, journal: RequestJournal, faults: FaultInjector) -> None:
        """Wrap ``app``; record into ``journal``; consult ``faults`` for every request."""
        self._app = app
        self._journal = journal
        self._faults = faults

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Handle one request."""
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            # moto's own control API (reset, seed...) is not an AWS call: no log, no faults.
            if environ.get("PATH_INFO", "").rstrip("/") == "/moto-api/reset":
                rest.reset_stores()
            return self._app(environ, start_response)
        body = _read_body(environ)
        recorded, is_json = describe(environ, body)
        self._journal.record(recorded)
        rest_json = is_json and not environ.get("HTTP_X_AMZ_TARGET")
        target = RequestTarget(
            recorded.service, recorded.region, recorded.action, is_json, rest_json
        )
        fault = self._faults.match(target)
        if fault is not None:
            return _answer(start_response, fault)
        try:
            own = rest_handlers.handler_for(recorded.service, recorded.action)
            if own is not None:
                return _answer(start_response, own(rest.request_of(environ, recorded, body)))
            return self._app(environ, start_response)
        except NotImplementedError as exc:
            # A 400 is not retried: the caller learns at once that the demo cannot do this.
            message = f"demo server: not implemented by moto: {exc}"
            return _answer(
                start_response, service_error(target, "UnsupportedOperation", message, 400)
            )
        except Exception as exc:  # a moto bug
            # werkzeug would print a traceback over the TUI and answer with HTML botocore cannot
            # parse; an InternalError in AWS's shape is what a real outage looks like.
            message = f"demo server: {type(exc).__name__}: {exc}"
            return _answer(start_response, service_error(target, "InternalError", message, 500))
