"""Every patch of aiobotocore, here and only here; `install()` applies them all.

- **call**: `AioBaseClient._make_api_call` ends at its client's deadline, retries included
  (`deadlines.call_with_deadline`; every operation and page goes through it).
- **process**: `AioProcessProvider.__init__` runs `credential_process` so that the process
  ends with its caller and cannot print without end (`deadlines.process_ended_with_its_caller`).
- **client-classes**: `AioClientCreator._create_client_class` builds each service's client
  class once per process (`client_costs.shared_client_classes`).

`session.AwsSession` installs them, once per process (idempotent), before its first client.
Each is put in place only if aiobotocore still has what it replaces, with the parameters it
relies on; otherwise aiobotocore is left alone there and `installed()` says which one is
missing. `tests/compat/test_third_party.py` checks every aiobotocore name amiexplorer patches
or reads (the fast EC2 reader of `fastparse.py` subclasses aiobotocore's parser: no patch),
so an upgrade fails there, naming what changed; pyproject.toml bounds aiobotocore at the
versions that passed. Never imports Textual or the demo.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aiobotocore.client import AioBaseClient, AioClientCreator
from aiobotocore.credentials import AioProcessProvider

from amiexplorer.aws.client_costs import shared_client_classes
from amiexplorer.aws.deadlines import call_with_deadline, process_ended_with_its_caller

#: Set on each replacement, so that installing twice wraps once.
MARK = "amiexplorer_patch"
_installed: dict[str, bool] = {}


def install() -> bool:
    """Patch aiobotocore once per process; True when every patch is in place."""
    if not _installed:
        _installed["call"] = _patch(
            AioBaseClient,
            "_make_api_call",
            call_with_deadline,
            lambda original: (
                inspect.iscoroutinefunction(original)
                and _parameters(original)[:3] == ["self", "operation_name", "api_params"]
            ),
        )
        _installed["process"] = _patch(
            AioProcessProvider,
            "__init__",
            process_ended_with_its_caller,
            lambda original: (
                "popen" in inspect.signature(original).parameters
                and hasattr(AioProcessProvider, "_retrieve_credentials_using")
            ),
        )
        _installed["client-classes"] = _patch(
            AioClientCreator,
            "_create_client_class",
            shared_client_classes,
            lambda original: (
                inspect.iscoroutinefunction(original)
                and _parameters(original) == ["self", "service_name", "service_model"]
            ),
        )
    return all(_installed.values())


def installed() -> dict[str, bool]:
    """Which patches are in place (for the compatibility test's message)."""
    install()
    return dict(_installed)


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def _patch(
    owner: type,
    name: str,
    make: Callable[[Callable[..., Any]], Callable[..., Any]],
    fits: Callable[[Callable[..., Any]], bool],
) -> bool:
    """Replace `owner.name` by `make(original)` if the original `fits`; True when in place."""
    original = getattr(owner, name, None)
    if original is None or not callable(original):
        return False
    if getattr(original, MARK, False):
        return True
    if not fits(original):
        return False
    replacement = make(original)
    replacement.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(replacement, MARK, True)
    setattr(owner, name, replacement)
    return True
