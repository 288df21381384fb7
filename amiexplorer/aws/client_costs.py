"""Cheaper clients: one client class per service, one event-alias cache for every client.

amiexplorer makes a client per service and region: 34 at start-up in an account with 17
regions. botocore builds each client's class afresh: a method, a docstring object and an
operation model for each of EC2's ~700 operations, about 10 ms of CPU a client, when the
class depends only on the service's model. And each client starts with an empty cache of
event-name aliases, so its first calls re-derive the same names every other client already
has. Together that was half of the CPU of loading a small account (bench/), all of it ahead
of the first rows.

Both are shared here. Nothing else changes: every client keeps its own region, endpoint,
credentials, configuration, event handlers and connection pool. The class is cached by
service and API version: it depends on nothing else, as amiexplorer registers no handler of
botocore's class-building event. The class cache replaces aiobotocore's
`AioClientCreator._create_client_class`, installed by `aiobotocore_patches.install()` (the one
place aiobotocore is patched); the alias cache is handed to each client of the pool (it
reads botocore's `EventAliaser` internals, patching nothing). If aiobotocore or botocore stops
having what is used here, clients are built the stock way; tests/compat/test_third_party.py
names what changed and tests/data/test_client_costs.py checks the sharing happens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.hooks import EVENT_ALIASES, EventAliaser

#: Client classes by (service name, API version).
_classes: dict[tuple[str, str | None], type] = {}
#: Event name -> aliased name, for every client (a pure function of botocore's alias table).
_aliases: dict[str, str] = {}


def shared_client_classes(build: Callable[..., Any]) -> Callable[..., Any]:
    """`AioClientCreator._create_client_class` made to build each service's class once."""

    async def create_client_class(self: Any, service_name: str, service_model: Any) -> type:
        key = (service_name, getattr(service_model, "api_version", None))
        cls = _classes.get(key)
        if cls is None:
            cls = await build(self, service_name, service_model)
            _classes[key] = cls
        return cls

    return create_client_class


def share_alias_cache(client: Any) -> None:
    """Let `client` use the aliases every other client has already worked out."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if (
        isinstance(events, EventAliaser)
        and hasattr(events, "_alias_name_cache")
        and getattr(events, "_event_aliases", None) == EVENT_ALIASES
    ):
        known = events._alias_name_cache
        if known is not _aliases:
            _aliases.update(known)
            events._alias_name_cache = _aliases


def shared_class_count() -> int:
    """How many client classes were built (for the tests)."""
    return len(_classes)
