"""Answers the demo gives itself to REST-JSON calls moto cannot serve.

moto has no Data Lifecycle Manager and no Recycle Bin at all, and its AWS Backup has vaults and
plans but no recovery points. The middleware asks ``rest_handlers.handler_for`` before passing a
request to moto; a handler gets a parsed ``RestRequest`` (made here) and returns the whole answer
(status, headers, JSON body), errors included, in the shapes of botocore's ``dlm``, ``backup``
and ``rbin`` models.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from amiexplorer.demo.constants import DEMO_ACCOUNT_ID
from amiexplorer.demo.faults import FaultResponse, rest_json_error

if TYPE_CHECKING:
    from amiexplorer.demo.recorded import RecordedRequest

_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")


@dataclass(frozen=True)
class RestRequest:
    """One REST-JSON request, parsed: who, where, which operation, and its inputs."""

    account: str
    region: str
    operation: str
    method: str
    #: Path labels, URL-decoded (``policyId``, ``resourceArn``...).
    labels: Mapping[str, str]
    #: Query string parameters; repeated names (``policyIds=a&policyIds=b``) keep every value.
    query: Mapping[str, tuple[str, ...]]
    #: The JSON body (empty for GET and DELETE).
    body: Mapping[str, Any] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        """The first value of query parameter ``name``, if any."""
        values = self.query.get(name)
        return values[0] if values else None


Handler = Callable[[RestRequest], FaultResponse]


def json_answer(document: Mapping[str, Any], status: int = 200) -> FaultResponse:
    """A successful REST-JSON answer."""
    return FaultResponse(status, "application/json", json.dumps(document).encode())


def iso8601(moment: datetime) -> str:
    """A timestamp for a member whose model says ``timestampFormat: iso8601`` (DLM's dates)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def epoch(moment: datetime) -> float:
    """A timestamp in REST-JSON's default format: seconds since the epoch (Backup's dates)."""
    from amiexplorer.demo.timefmt import naive_utc

    naive = naive_utc(moment)
    return (naive - datetime(1970, 1, 1)).total_seconds()


def _account_of(environ: Mapping[str, Any]) -> str:
    """The account the request's access key belongs to (moto's mapping: STS keys of members)."""
    found = _ACCESS_KEY.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    if found is None:
        return DEMO_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    return str(get_account_id_from(found.group(1)))


def request_of(environ: Mapping[str, Any], recorded: RecordedRequest, body: bytes) -> RestRequest:
    """Parse the request the middleware has already described."""
    from amiexplorer.demo.routes import raw_path, rest_match

    _name, labels = rest_match(recorded.service, recorded.method, raw_path(environ))
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True):
        query.setdefault(key, []).append(value)
    try:
        document = json.loads(body) if body else {}
    except ValueError:
        document = {}
    return RestRequest(
        account=_account_of(environ),
        region=recorded.region,
        operation=recorded.action,
        method=recorded.method,
        labels=labels,
        query={k: tuple(v) for k, v in query.items()},
        body=document if isinstance(document, dict) else {},
    )


def unknown_operation(request: RestRequest) -> FaultResponse:
    """What a REST service says to a method and path that name no operation."""
    # AWS's frontends answer an unroutable REST request with HTTP 404 UnknownOperationException.
    return rest_json_error("UnknownOperationException", "Unknown operation", 404)


def reset_stores() -> None:
    """Empty the demo's own stores (moto's ``/moto-api/reset`` empties only moto)."""
    from amiexplorer.demo import dlm, recovery_points, recycle_bin, snapshot_blocks

    dlm.reset()
    recovery_points.reset()
    recycle_bin.reset()
    snapshot_blocks.reset()
