"""Every patch of botocore, here and only here: moto's import made cheap enough for
`amiexplorer --demo` to show rows within 3 seconds.

moto lists each service's regions when its modules are imported, through botocore's
`Session.get_available_regions`, which parses the service's whole model (EC2's is megabytes of
JSON) only to read its endpoint prefix. For a service whose name is already an endpoint prefix
in botocore's endpoint data the answer is the same without that parse; the others take
botocore's own path; and the endpoint data is parsed once, not once per session. This saves
about a second of start-up and changes no answer.

``backends`` (which every demo module that touches moto imports) installs it, before any of
moto's service modules is imported; the app itself never does. The app's own uses of botocore's
internals patch nothing process-wide: the fast EC2 reader (``aws/fastparse.py``) subclasses
botocore's, and ``aws/client_costs.py`` shares one event-alias cache between clients.
``tests/compat/test_third_party.py`` checks every botocore name all of them rely on.
"""

from __future__ import annotations

import os
from typing import Any

from botocore.session import Session

_original = Session.get_available_regions

#: Endpoint resolvers by data search paths: moto asks from several fresh sessions, and each
#: would parse botocore's endpoint data again (~70 ms). A resolver only reads that data.
_resolvers: dict[tuple[str, ...], Any] = {}


def _shared_resolver(session: Session) -> Any:
    paths = tuple(getattr(session.get_component("data_loader"), "search_paths", ()))
    resolver = _resolvers.get(paths)
    if resolver is None:
        resolver = _resolvers[paths] = session._get_internal_component("endpoint_resolver")
    return resolver


def _known_prefixes(resolver: Any) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(resolver, "_amiexplorer_prefixes", None)
    if cached is None:
        data = getattr(resolver, "_endpoint_data", {})
        cached = frozenset(
            name
            for partition in data.get("partitions", [])
            for name in partition.get("services", {})
        )
        resolver._amiexplorer_prefixes = cached
    return cached


def _get_available_regions(
    self: Session,
    service_name: str,
    partition_name: str = "aws",
    allow_non_regional: bool = False,
) -> list[str]:
    resolver = _shared_resolver(self)
    if service_name in _known_prefixes(resolver):
        return list(
            resolver.get_available_endpoints(service_name, partition_name, allow_non_regional)
        )
    return list(_original(self, service_name, partition_name, allow_non_regional))


_get_available_regions.__wrapped__ = _original  # type: ignore[attr-defined]
_get_available_regions.amiexplorer_patch = True  # type: ignore[attr-defined]


def install() -> None:
    """Prepare moto's import: no default AMIs, and the cheap region lists. Idempotent."""
    # Must precede every moto import: otherwise each region starts with ~1,300 public AMIs.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    if Session.get_available_regions is not _get_available_regions:
        Session.get_available_regions = _get_available_regions
