"""The rows a resource pane shows: one kind, one region or all, filtered and sorted.

Pure Python (no widgets), so it can be measured on its own. It is built for 100,000 rows:

- the scope's rows are sorted once (the "base") and re-sorted only when the inventory, the
  scope or the order changed, never for a keystroke: filtering keeps the base's order;
- every row's search text (what its own cells say, with descriptions and tags) is computed
  once per resource object and kept beside the base, ahead of need: after a load, `warm`
  computes them a slice at a time between keystrokes, so the first `/` keystroke does not pay
  for 100,000 of them (half a second);
- a filter is a substring test per row over those texts, and typing one more letter only
  narrows the previous result instead of scanning every row again.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any

from amiexplorer.core.kinds import KINDS, spec_of
from amiexplorer.core.models import KIND_OF, ResourceKind
from amiexplorer.ui.rows.column_fit import Layout, telling_apart
from amiexplorer.ui.rows.columns import COLUMNS, REGION, Column, RowContext, Words

#: How many recent filters' results are kept (for backspace), newest last.
_RECENT_FILTERS = 16
#: Search texts computed per slice of `RowModel.warm` (a few ms of CPU: a keystroke waits for
#: one slice at most; each text holds every cell of the row's own, about 3 µs).
WARM_SLICE = 1500
#: At most this many names are compared to choose the name column's width (evenly spread).
LAYOUT_SAMPLE = 4000


#: What `/` matches beyond the cells, per class of resource: its kind's search fields.
_SEARCH_FIELDS: dict[type, tuple[str, ...]] = {
    cls: spec_of(kind).search_fields for cls, kind in KIND_OF.items()
}


def _hidden(resource: Any) -> list[str]:
    """What `/` matches beyond the cells' own words: descriptions, the ids a row names (some
    in cells that depend on other resources), tag values (the Name tag among them), region."""
    parts: list[str] = []
    for name in _SEARCH_FIELDS.get(type(resource), ("id",)):
        value = getattr(resource, name)
        if isinstance(value, tuple):
            parts += value
        else:
            parts.append(value or "")
    parts += [value for _key, value in resource.tags]
    parts.append(resource.region)
    return parts


#: The cells `/` matches, per class of resource: those whose text is the resource's own.
_WORDS: dict[type, tuple[Words, ...]] = {
    cls: tuple(c.words for c in COLUMNS[kind] if c.words is not None)
    for cls, kind in KIND_OF.items()
    if kind in COLUMNS
}


def search_text(resource: Any) -> str:
    """Everything `/` matches, lower-cased: the text of each cell that depends on the resource
    alone (id, name, state, type, size, sharing, ...), then descriptions, ids the row names,
    tag values and the region.

    Cells that depend on the time (ages) or on other resources (Attached to, Used by) are left
    out: the text is computed once per resource object and must not go stale.
    """
    parts = [words(resource) for words in _WORDS.get(type(resource), ())]
    parts += _hidden(resource)
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
        # Not every model is of a kind (the Audit pane's findings): those go by their `id`.
        self._spec = KINDS.get(kind)
        id_attribute = self._spec.id_attribute if self._spec is not None else "id"
        self._id_of: Callable[[Any], str] = operator.attrgetter(id_attribute)
        # Search texts by resource id, and the resource object each was computed from (a
        # refresh brings new objects, whose texts are computed again). Two flat dicts, not a
        # dict of pairs: 100,000 pairs would be 100,000 more objects for the collector.
        self._search_texts: dict[str, str] = {}
        self._search_text_of: dict[str, Any] = {}
        # The scope's rows in display order, what they were built from, and (once a filter
        # asked for them) their search texts.
        self._base: list[Any] = []
        self._base_stamp: tuple[Any, ...] | None = None
        self._base_texts: tuple[str, ...] | None = None
        # The last filter's terms, whose result (in _recent) the next keystroke may narrow.
        self._last_terms: tuple[str, ...] = ()
        # Recent filters' results over the same base, newest last: the positions of their
        # rows in the base, and their search texts. Backspace finds them here. Arrays and
        # tuples of strings, because the cyclic garbage collector skips those: 16 lists of
        # 100,000 rows made every full collection walk 1.6 million references (70 ms, at
        # some keystroke).
        self._recent: dict[tuple[str, ...], tuple[Sequence[int], tuple[str, ...]]] = {}
        # The rows of the result shown last, and its positions (see _rows_at).
        self._shown_positions: Sequence[int] | None = None
        self._shown_rows: list[Any] = []
        # What the scope's rows ask of the columns, and what it was read from.
        self._layout: tuple[tuple[Any, ...], Layout] | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column this kind can show."""
        return COLUMNS[self.kind]

    def _key(self, resource: Any) -> str:
        resource_id = self._id_of(resource)
        if self._search_text_of.get(resource_id) is resource:
            return self._search_texts[resource_id]
        text = search_text(resource)
        self._search_texts[resource_id] = text
        self._search_text_of[resource_id] = resource
        return text

    def _known_texts(self, resources: list[Any]) -> tuple[str, ...] | None:
        """The texts of `resources` in order, if all are computed already (a fast gather)."""
        ids = list(map(self._id_of, resources))
        if all(map(operator.is_, map(self._search_text_of.get, ids), resources)):
            return tuple(map(self._search_texts.__getitem__, ids))
        return None

    def _texts_for(self, resources: list[Any]) -> tuple[str, ...]:
        known = self._known_texts(resources)
        return known if known is not None else tuple(map(self._key, resources))

    def warm(self, table: Mapping[str, Any]) -> Iterator[int]:
        """Compute the search texts of `table`'s resources, yielding after each slice.

        The caller runs one slice at a time between other work (keystrokes, repaints). The
        resources are those of the moment it starts; any changed since are done on demand.
        """
        key = self._key
        resources = list(table.values())
        for start in range(0, len(resources), WARM_SLICE):
            for resource in resources[start : start + WARM_SLICE]:
                key(resource)
            yield start
        yield from self.warm_order()

    @property
    def order_texts_ready(self) -> bool:
        """True when `/` can filter the rows in their current order at once."""
        return self._base_texts is not None or not self._base

    def warm_order(self) -> Iterator[int]:
        """The search texts of the rows in display order (after a load, a sort, a new scope),
        a slice at a time; given up if the order changes meanwhile."""
        base = self._base
        if self._base_texts is not None or not base:
            return
        key = self._key
        texts: list[str] = []
        for start in range(0, len(base), WARM_SLICE):
            texts.extend(map(key, base[start : start + WARM_SLICE]))
            yield start
            if self._base is not base or self._base_texts is not None:
                return
        self._base_texts = tuple(texts)

    def knows_search_texts(self, table: Mapping[str, Any]) -> bool:
        """True when every resource of `table` has its search text computed already."""
        return self._known_texts(list(table.values())) is not None

    def rebuild(self, table: Mapping[str, Any], ctx: RowContext) -> None:
        """Recompute the visible rows from the inventory's table of this kind."""
        self._ensure_base(table, ctx)
        terms = tuple(self.filter_text.strip().lower().split())
        if not terms:
            self.rows = self._base
            return
        if self._base_texts is None:
            self._base_texts = self._texts_for(self._base)
        found = self._recent.pop(terms, None)
        if found is None:
            narrowed = self._recent.get(self._last_terms)
            positions: Sequence[int]
            if narrowed is not None and _narrows(self._last_terms, terms):
                positions, texts = narrowed
            else:
                positions, texts = range(len(self._base)), self._base_texts
            # The longest term first: it usually lets the fewest rows through.
            for term in sorted(terms, key=len, reverse=True):
                mask = [term in text for text in texts]
                if all(mask):
                    # Nothing filtered out (the first letters of a common word): no copies.
                    continue
                positions = array("i", compress(positions, mask))
                texts = tuple(compress(texts, mask))
            found = (positions, texts)
        self._recent[terms] = found
        while len(self._recent) > _RECENT_FILTERS:
            del self._recent[next(iter(self._recent))]
        self._last_terms = terms
        self.rows = self._rows_at(found[0])

    def _rows_at(self, positions: Sequence[int]) -> list[Any]:
        """The base's rows at `positions`, built once per result (a result is reused)."""
        if isinstance(positions, range):
            return self._base
        if self._shown_positions is not positions:
            self._shown_positions = positions
            self._shown_rows = list(map(self._base.__getitem__, positions))
        return self._shown_rows

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
        self._recent.clear()
        self._shown_positions = None

    def layout(self, ctx: RowContext) -> Layout:
        """What the rows ask of the columns: a Region column when the scope is every region
        and more than one is loaded, and a Name column wide enough to tell the names apart.

        Read from the scope's rows, not the filter's (the columns do not jump as one types),
        from an evenly spread sample of at most LAYOUT_SAMPLE names.
        """
        inventory = getattr(ctx.relations, "inventory", None)
        regions = tuple(getattr(inventory, "regions", ()))
        shown = regions if self.region is None else (self.region,)
        # Not read again for every change of the inventory (a page, a state): only when the
        # rows come and go. Names rarely change, and the columns should not move on their own.
        key = (shown, len(self._base))
        if self._layout is not None and self._layout[0] == key:
            return self._layout[1]
        name_width = None
        base = self._base
        if base and self._spec is not None and self._spec.pane is not None:
            # Names (Name tags, AMI names), not descriptions: a snapshot's description is cut
            # wherever the column ends; its id tells it apart.
            step = max(1, len(base) // LAYOUT_SAMPLE)
            name_width = telling_apart([r.name for r in base[::step] if r.name])
        layout = Layout(
            with_region=len(shown) > 1,
            region_width=max(map(len, shown), default=REGION.width),
            name_width=name_width,
        )
        self._layout = (key, layout)
        return layout

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
