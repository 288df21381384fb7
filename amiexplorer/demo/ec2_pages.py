"""Errors, paging and filters shared by the EC2 query actions the demo answers itself.

The pagination texts are EC2's (``InvalidPaginationToken``: "The specified pagination token is not
valid or is expired.", as ``image_references`` uses); the range message follows EC2's
``Value ( 3 ) for parameter maxResults is invalid.`` style.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def ec2_error(code: str, message: str) -> Exception:
    """moto's EC2 client error (HTTP 400 in EC2's XML shape)."""
    from moto.ec2.exceptions import EC2ClientError

    error: Exception = EC2ClientError(code, message)
    return error


def page(
    items: Sequence[T],
    max_results: int | None,
    token: str | None,
    *,
    prefix: str,
    minimum: int,
    maximum: int,
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token of the next one (``prefix`` marks our tokens)."""
    start = 0
    if token:
        try:
            decoded = base64.urlsafe_b64decode(token.encode()).decode()
            if not decoded.startswith(prefix):
                raise ValueError(token)
            start = int(decoded.removeprefix(prefix))
        except ValueError as exc:
            raise ec2_error(
                "InvalidPaginationToken",
                "The specified pagination token is not valid or is expired.",
            ) from exc
    if max_results is not None and not minimum <= max_results <= maximum:
        raise ec2_error(
            "InvalidParameterValue",
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value between {minimum} and {maximum}.",
        )
    end = len(items) if not max_results else start + max_results
    following = None
    if end < len(items):
        following = base64.urlsafe_b64encode(f"{prefix}{end}".encode()).decode()
    return list(items[start:end]), following


def check_filters(filters: Mapping[str, Any], known: Sequence[str]) -> None:
    """Raise EC2's error for a filter name the action does not know."""
    for name in filters:
        if name not in known:
            raise ec2_error("InvalidParameterValue", f"The filter '{name}' is invalid")


def passes(filters: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    """Whether a resource whose filterable values are ``values`` passes every filter."""
    return all(values.get(name) in set(wanted) for name, wanted in filters.items())
