"""The rows a resource pane shows: one kind, one region or all, filtered and sorted.

Pure Python (no widgets), so it can be measured on its own. Search keys are computed once per
resource object and reused until the object is replaced, which keeps a filter keystroke over
100,000 snapshots to a substring test per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amiexplorer.aws.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.ui.columns import COLUMNS, Column, RowContext


def search_text(resource: Any) -> str:
    """Everything `/` matches: ids, names, descriptions and tag values, lower-cased."""
    parts: list[str] = [resource.id]
    if isinstance(resource, Image):
        parts += [resource.name or "", resource.description]
    elif isinstance(resource, Snapshot):
        parts += [resource.description, resource.volume_id or ""]
    elif isinstance(resource, Instance):
        parts += [resource.instance_type, resource.image_id or "", resource.private_ip or ""]
    elif isinstance(resource, Volume):
        parts += [resource.snapshot_id or "", *resource.instance_ids]
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
        self._keys: dict[str, tuple[Any, str]] = {}

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
        region = self.region
        rows = [r for r in table.values() if region is None or r.region == region]
        needle = self.filter_text.strip().lower()
        if needle:
            terms = needle.split()
            rows = [r for r in rows if all(t in self._key(r) for t in terms)]
        column = self.sort_column
        if column is not None:
            rows.sort(key=lambda r: _comparable(column.sort_key(r, ctx)), reverse=self.descending)
        else:
            # A stable default so rows never jump between refreshes.
            rows.sort(key=lambda r: r.id)
        self.rows = rows

    def index_of(self, resource_id: str | None) -> int | None:
        """The row index of a resource, or None when it is not shown."""
        if resource_id is None:
            return None
        for index, row in enumerate(self.rows):
            if row.id == resource_id:
                return index
        return None


def _comparable(value: Any) -> tuple[int, Any]:
    """Sort None and '-' last and never compare a str with a number."""
    if value is None or value == "-":
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).lower())
