"""How the moto patches replace moto's attributes, and the record of what they replaced.

Every replacement carries ``amiexplorer_patch = True`` and, as ``__wrapped__``, moto's own
attribute (when moto had one): the compatibility test (``tests/compat``) reads moto's original
through it, so an upgrade that changes what is patched fails there, naming what changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

#: Set on every replacement.
MARK = "amiexplorer_patch"

#: "module.Class.name" -> moto's original attribute (None where moto had none), in install order.
REPLACED: dict[str, Any] = {}


def _record(owner: type, name: str) -> Any:
    """moto's own ``owner.name`` (None if it has none), recorded once."""
    key = f"{owner.__module__}.{owner.__qualname__}.{name}"
    original = getattr(owner, name, None)
    if getattr(original, MARK, False):
        raise RuntimeError(f"{key} is patched twice")
    REPLACED.setdefault(key, original)
    return original


def wrap(owner: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``owner.name`` with ``make(original)``, which calls moto's original."""
    original = _record(owner, name)
    if original is None:
        raise AttributeError(f"moto has no {owner.__qualname__}.{name} to wrap")
    replacement = functools.wraps(original)(make(original))
    setattr(replacement, MARK, True)
    setattr(owner, name, replacement)


def replace(owner: type, name: str, value: Any) -> None:
    """Replace (or add) ``owner.name`` with ``value``, which does not call moto's original."""
    original = _record(owner, name)
    if callable(value) and not isinstance(value, property):
        setattr(value, MARK, True)
        if original is not None:
            value.__wrapped__ = original
    setattr(owner, name, value)
