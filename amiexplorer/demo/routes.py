"""Which operation a REST request is, read from botocore's service model.

Query and JSON services name their operation in the request (``Action=`` in the form body, or
the ``X-Amz-Target`` header). REST services (Data Lifecycle Manager, AWS Backup) name it only by
method and path: ``GET /policies/policy-0abc`` is GetLifecyclePolicy. The demo's middleware and
the tests' fault proxy both need the name, to record the call and to aim faults at it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")


def _pattern(request_uri: str) -> re.Pattern[str]:
    """``/policies/{policyId}`` -> a regex matching the path (query string excluded)."""
    path = request_uri.split("?", 1)[0]
    parts: list[str] = []
    position = 0
    for label in _LABEL.finditer(path):
        parts.append(re.escape(path[position : label.start()]))
        # A greedy label ({Key+}) may span slashes; a plain one stops at the next slash.
        parts.append(
            f"(?P<{label.group(1)}>.+)" if label.group(2) else f"(?P<{label.group(1)}>[^/]+)"
        )
        position = label.end()
    parts.append(re.escape(path[position:]))
    return re.compile("^" + "".join(parts).rstrip("/") + "/?$")


@functools.cache
def _routes(service: str) -> tuple[tuple[str, re.Pattern[str], str, int], ...]:
    """(method, path pattern, operation name, number of literal characters), most specific first."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = str(http.get("requestUri", "/"))
        literal = len(_LABEL.sub("", uri.split("?", 1)[0]))
        routes.append((str(http.get("method", "POST")).upper(), _pattern(uri), name, literal))
    # A literal path (/policies) wins over a label that could also match it.
    routes.sort(key=lambda route: -route[3])
    return tuple(routes)


def rest_operation(service: str, method: str, path: str) -> str:
    """The operation name of a REST request (``""`` when no operation of `service` matches)."""
    return rest_match(service, method, path)[0]


def rest_match(service: str, method: str, path: str) -> tuple[str, dict[str, str]]:
    """(operation name, the path's labels, URL-decoded); ``("", {})`` when nothing matches."""
    wanted = method.upper()
    bare = path.split("?", 1)[0]
    for route_method, pattern, name, _literal in _routes(service):
        if route_method != wanted:
            continue
        found = pattern.match(bare)
        if found is not None:
            return name, {k: unquote(v) for k, v in found.groupdict().items()}
    return "", {}


def raw_path(environ: Mapping[str, Any]) -> str:
    """The request path as sent, still percent-encoded.

    REST paths carry ARNs (``/resources/arn%3Aaws%3Aec2%3A...%3Avolume%2Fvol-1/recovery-points/``)
    whose slashes ``PATH_INFO`` has already decoded; werkzeug keeps the raw one in ``RAW_URI``.
    """
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(environ.get("PATH_INFO", "") or "/")
