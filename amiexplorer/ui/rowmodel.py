"""The rows a resource pane shows: one kind, one region or all, filtered and sorted.

Pure Python (no widgets), so it can be measured on its own. It is built for 100,000 rows:

- the scope's rows are sorted once (the "base") and re-sorted only when the inventory, the
  scope or the order changed, never for a keystroke: filtering keeps the base's order;
- every row's search text is computed once per resource object and kept beside the base;
- a filter is a substring test per row over those texts, and typing one more letter only
  narrows the previous result instead of scanning every row again.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from itertools import compress
from typing import Any

from amiexplorer.aws.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.ui.columns import COLUMNS, Column, RowContext

#: The attribute holding each kind's id (faster than the `id` property on 100,000 rows).
_ID_ATTRIBUTE = {
    ResourceKind.INSTANCE: "instance_id",
    ResourceKind.VOLUME: "volume_id",
    ResourceKind.SNAPSHOT: "snapshot_id",
    ResourceKind.IMAGE: "image_id",
}


#: How many recent filters' results are kept (for backspace), newest last.
_RECENT_FILTERS = 16


def search_text(resource: Any) -> str:
    """Everything `/` matches: ids, names, descriptions and tag values, lower-cased."""
    parts: list[str]
    if isinstance(resource, Snapshot):
        parts = [resource.snapshot_id, resource.description, resource.volume_id or ""]
    elif isinstance(resource, Image):
        parts = [resource.image_id, resource.name or "", resource.description]
    elif isinstance(resource, Instance):
        parts = [
            resource.instance_id,
            resource.instance_type,
            resource.image_id or "",
            resource.private_ip or "",
        ]
    elif isinstance(resource, Volume):
        parts = [resource.volume_id, resource.snapshot_id or "", *resource.instance_ids]
    else:
        parts = [resource.id]
    parts += [value for _key, value in resource.tags]
    parts.append(resource.region)
    return "\n".join(parts).lower()


class RowModel:
    """Filtered, sorted view over one kind of the inventory."""

    def __init__(self, kind: ResourceKind) -> None:
        self.kind = kind
        self.region: str | None = None
        self.filter_text = ""
        self.sort_column: Column | None = None
        self.descending = False
        self.rows: list[Any] = []
        self._id_of: Callable[[Any], str] = operator.attrgetter(_ID_ATTRIBUTE.get(kind, "id"))
        self._keys: dict[str, tuple[Any, str]] = {}
        # The scope's rows in display order, what they were built from, and (once a filter
        # asked for them) their search texts.
        self._base: list[Any] = []
        self._base_stamp: tuple[Any, ...] | None = None
        self._base_texts: list[str] | None = None
        # The last filter's terms and result, which the next keystroke may narrow.
        self._last_terms: tuple[str, ...] = ()
        self._last_rows: list[Any] = []
        self._last_texts: list[str] = []
        # Recent filters' results over the same base: backspace finds them here.
        self._recent: dict[tuple[str, ...], tuple[list[Any], list[str]]] = {}

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column this kind can show."""
        return COLUMNS[self.kind]

    def _key(self, resource: Any) -> str:
        cached = self._keys.get(resource.id)
        if cached is not None and cached[0] is resource:
            return cached[1]
        text = search_text(resource)
        self._keys[resource.id] = (resource, text)
        return text

    def rebuild(self, table: Mapping[str, Any], ctx: RowContext) -> None:
        """Recompute the visible rows from the inventory's table of this kind."""
        self._ensure_base(table, ctx)
        terms = tuple(self.filter_text.strip().lower().split())
        if not terms:
            self.rows = self._base
            return
        if self._base_texts is None:
            self._base_texts = [self._key(r) for r in self._base]
        recent = self._recent.pop(terms, None)
        if recent is not None:
            rows, texts = recent
        else:
            if self._last_terms and _narrows(self._last_terms, terms):
                rows, texts = self._last_rows, self._last_texts
            else:
                rows, texts = self._base, self._base_texts
            # The longest term first: it usually lets the fewest rows through.
            for term in sorted(terms, key=len, reverse=True):
                mask = [term in text for text in texts]
                rows = list(compress(rows, mask))
                texts = list(compress(texts, mask))
        self._recent[terms] = (rows, texts)
        while len(self._recent) > _RECENT_FILTERS:
            del self._recent[next(iter(self._recent))]
        self._last_terms, self._last_rows, self._last_texts = terms, rows, texts
        self.rows = rows

    def _ensure_base(self, table: Mapping[str, Any], ctx: RowContext) -> None:
        """Sort the scope's rows unless nothing they depend on changed since the last time."""
        column = self.sort_column
        inventory = getattr(ctx.relations, "inventory", None)
        version = getattr(inventory, "version", None)
        stamp = (
            id(table),
            len(table),
            version,
            self.region,
            column.key if column is not None else None,
            self.descending,
            # A column's value may depend on the time (an image turns deprecated).
            ctx.now if column is not None else None,
        )
        if version is not None and stamp == self._base_stamp:
            return
        region = self.region
        rows = [r for r in table.values() if region is None or r.region == region]
        if column is not None:
            value = column.sort or column.text
            order = _order([value(r, ctx) for r in rows], self.descending)
            rows = [rows[i] for i in order]
        else:
            # A stable default so rows never jump between refreshes.
            rows.sort(key=self._id_of)
        self._base = rows
        self._base_stamp = stamp
        self._base_texts = None
        self._last_terms = ()
        self._last_rows = self._last_texts = []
        self._recent.clear()

    def index_of(self, resource_id: str | None) -> int | None:
        """The row index of a resource, or None when it is not shown."""
        if resource_id is None:
            return None
        try:
            return operator.indexOf(map(self._id_of, self.rows), resource_id)
        except ValueError:
            return None


def _narrows(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """True when every row matching `after` also matches `before` (typing narrowed it)."""
    return all(any(old in new for new in after) for old in before)


def _order(values: list[Any], descending: bool) -> list[int]:
    """The positions of `values` sorted as `_comparable` orders them, stably.

    Same order as sorting by the `_comparable` tuples, without a tuple per row: numbers come
    first, then text (case-insensitive), then None and '-'; each group is sorted on its own
    and the groups are joined in that order (reversed when descending). Equal values keep
    their order in both directions, as Python's sort keeps them.
    """
    numbers: list[int] = []
    texts: list[int] = []
    last: list[int] = []
    for position, value in enumerate(values):
        if value is None or value == "-":
            last.append(position)
        elif isinstance(value, int | float):
            numbers.append(position)
        else:
            texts.append(position)
    keys: list[Any] = [None] * len(values)
    for position in numbers:
        keys[position] = values[position]
    for position in texts:
        keys[position] = str(values[position]).lower()
    by_key = keys.__getitem__
    groups = [
        sorted(numbers, key=by_key, reverse=descending),
        sorted(texts, key=by_key, reverse=descending),
        last,
    ]
    if descending:
        groups.reverse()
    return [position for group in groups for position in group]


def _comparable(value: Any) -> tuple[int, Any]:
    """Sort None and '-' last and never compare a str with a number."""
    if value is None or value == "-":
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).lower())
