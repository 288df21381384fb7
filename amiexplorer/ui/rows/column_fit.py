"""Which columns a pane shows at a width: by importance, with names that read apart.

The column definitions are in `columns`; this module only chooses among them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from amiexplorer.ui.rows.columns import REGION, Column

#: Columns of a lower priority than this are shown even at the cost of a narrower name: the
#: id, the name, the state (and the size of volumes and snapshots), and the Region column.
ESSENTIAL = 1
#: The widest a name is made to tell rows apart. A name that differs from another only past
#: this (snapshot descriptions that differ at their 40th character) is cut wherever it falls.
NAME_MAX = 32


@dataclass(frozen=True, slots=True)
class Layout:
    """What the rows shown ask of the columns (see `RowModel.layout`)."""

    #: Rows of more than one region are shown: each needs its region.
    with_region: bool
    #: The longest region name among them (the Region column's width).
    region_width: int = REGION.width
    #: How wide the name must be to tell the rows apart (None: the column's own width).
    name_width: int | None = None


def telling_apart(names: list[str], cap: int = NAME_MAX) -> int | None:
    """The width at which the names of `names` read differently from one another in a cell
    (which shows a cut name as its first width - 1 characters and an ellipsis).

    A name needs two cells past what it shares with the name closest to it, or its whole
    length. Names that need more than `cap` are left out: they are cut wherever the column
    ends. None when every name is left out; equal names ask for nothing.
    """
    ordered = sorted(set(names))
    widest: int | None = None
    for index, name in enumerate(ordered):
        shared = 0
        # Sorted, the name sharing the longest prefix with this one is a neighbour.
        for other in ordered[max(0, index - 1) : index] + ordered[index + 1 : index + 2]:
            shared = max(shared, _common_prefix(name, other))
        needed = min(len(name), shared + 2)
        if needed <= cap:
            widest = needed if widest is None else max(widest, needed)
    return widest


def _common_prefix(one: str, other: str) -> int:
    length = 0
    for mine, theirs in zip(one, other, strict=False):
        if mine != theirs:
            break
        length += 1
    return length


def fit_columns(columns: tuple[Column, ...], width: int, layout: Layout) -> list[Column]:
    """The columns that fit `width` (one space between each), the most important first.

    The essential ones (priority below ESSENTIAL: id, name, state, and the region when rows of
    several regions are shown) come first, the name counted at its minimum width. The others
    follow by priority, each only if it fits beside a name wide enough to tell the rows apart
    (a column is left out rather than names cut to the same text), and the first that does
    not fit ends the choice. The name then takes whatever width is left. The declared order
    is kept on screen, the region first.
    """
    region = replace(REGION, width=max(len(REGION.label), layout.region_width))
    shown = [_wanted(c, layout.name_width) if c.flex else c for c in columns]
    # Among the essential, the region goes last: at 20 columns the id says more.
    candidates = shown + ([region] if layout.with_region else [])
    name_extra = sum(c.width - c.min_width for c in shown if c.flex)
    kept: list[Column] = []
    used = 0
    complete = True
    for column in sorted(candidates, key=lambda c: c.priority):
        essential = column.priority < ESSENTIAL
        if not (essential or complete):
            # Strictly by importance: a narrow column of little use (Vols, Enc) never takes
            # the place of a wider one that matters more; the name takes the room instead.
            break
        needed = (column.min_width if column.flex else column.width) + (1 if kept else 0)
        reserve = 0 if essential else name_extra
        if used + needed + reserve <= width or not kept:
            kept.append(column)
            used += needed
        else:
            complete = False
    spare = max(0, width - used)
    chosen = {id(c) for c in kept}
    on_screen = [c for c in (region, *shown) if id(c) in chosen]
    return [replace(c, width=c.min_width + spare) if c.flex else c for c in on_screen]


def _wanted(column: Column, name_width: int | None) -> Column:
    """The name column at the width that tells the rows apart, between its minimum (what is
    still readable) and NAME_MAX; at its own width when nothing is known of the names."""
    if name_width is None:
        return column
    return replace(column, width=max(column.min_width, min(NAME_MAX, name_width)))
