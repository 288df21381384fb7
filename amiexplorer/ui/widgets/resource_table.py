"""A virtual table for resources: it renders only the rows on screen (Textual's Line API).

Textual's DataTable builds every row up front (seconds at 10,000 rows); this table keeps a
list of models and draws the visible lines on demand, so 100,000 snapshots cost no more to
show than 30.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from amiexplorer.ui.rows.column_fit import fit_columns
from amiexplorer.ui.rows.columns import Column, RowContext
from amiexplorer.ui.rows.model import RowModel

MARK = "●"


class ResourceTable(ScrollView, can_focus=True):
    """Rows of one resource kind with a fixed header line, a cursor and marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        scrollbar-size-horizontal: 0;
        scrollbar-size-vertical: 1;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another resource (or to none)."""

        def __init__(self, table: ResourceTable, resource: Any | None) -> None:
            super().__init__()
            self.table = table
            self.resource = resource

    class Chosen(Message):
        """enter (or a double click) on a row."""

        def __init__(self, table: ResourceTable, resource: Any) -> None:
            super().__init__()
            self.table = table
            self.resource = resource

    def __init__(self, model: RowModel, ctx: RowContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self.ctx = ctx
        self.marked: set[str] = set()
        self.empty_message = "Loading…"
        #: True once the user put the cursor somewhere; until then it stays on the first row
        #: while rows stream in, instead of following whichever row happened to arrive first.
        self.pinned = False
        self._fitted: list[Column] = []
        self._fitted_for: tuple[int, Any, Any] = (-1, None, None)
        # Rendered rows by (resource object, cursor?, marked?, focus, width). A row looks the
        # same wherever the filter or the sort puts it, so the cache survives both; it is
        # cleared when the inventory (relation cells), the time (ages), the columns or the
        # styles change. Each entry keeps its resource, so an id is never reused while cached.
        self._line_cache: dict[tuple[int, bool, bool, bool, int], tuple[Any, Strip]] = {}
        self._line_cache_for: tuple[Any, ...] = ()
        # The widget's own style: Textual computes it from every ancestor on each use.
        self._base_style: Style | None = None

    # Data -------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows the table shows (after the filter)."""
        return len(self.model.rows)

    @property
    def current(self) -> Any | None:
        """The resource under the cursor."""
        rows = self.model.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def rows_changed(self, keep: str | None = None) -> None:
        """The model's rows were rebuilt; keep the cursor on resource `keep` when it is shown."""
        index = self.model.index_of(keep)
        if index is not None:
            self.cursor = index
        elif not self.pinned:
            self.cursor = 0
        else:
            self.cursor = min(self.cursor, max(0, self.row_count - 1))
        self.virtual_size = Size(self.size.width, self.row_count + 1)
        self._scroll_cursor_into_view()
        self.refresh()

    # Geometry ---------------------------------------------------------------------------

    def shown_columns(self) -> list[Column]:
        """The columns on screen: fitted to the width and to what the rows ask for (a Region
        column, a name wide enough to tell them apart)."""
        width = max(1, self.scrollable_content_region.width - 2)
        layout = self.model.layout(self.ctx)
        key = (width, layout, self.model.kind)
        if key != self._fitted_for:
            self._fitted = fit_columns(self.model.columns, width, layout)
            self._fitted_for = key
        return self._fitted

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def on_resize(self, _event: events.Resize) -> None:
        """Re-fit the columns to the new width."""
        self._fitted_for = (-1, None, None)
        self._line_cache.clear()
        self.virtual_size = Size(self.size.width, self.row_count + 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        page = self._page_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False)

    def on_focus(self) -> None:
        """The cursor row looks different with focus."""
        self.refresh()

    def on_blur(self) -> None:
        """The cursor row looks different without focus."""
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme or CSS change: every cached line is stale."""
        super().notify_style_update()
        self._base_style = None
        self._line_cache.clear()

    @property
    def base_style(self) -> Style:
        """The widget's Rich style, computed once per style change instead of once per line."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def watch_cursor(self, old: int, new: int) -> None:
        """Follow the cursor and tell the screen which resource is highlighted."""
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    # Rendering --------------------------------------------------------------------------

    def _line(self, cells: list[tuple[str, Style]], width: int, base: Style) -> Strip:
        segments: list[Segment] = []
        for text, style in cells:
            segments.append(Segment(text, base + style if style else base))
            segments.append(Segment(" ", base))
        strip = Strip(segments[:-1] if segments else [], cell_length=None)
        return strip.adjust_cell_length(width, base)

    def render_line(self, y: int) -> Strip:
        """Line 0 is the header; the others are rows from the scroll position."""
        width = self.scrollable_content_region.width
        columns = self.shown_columns()
        if y == 0:
            return self._header(columns, width)
        index = int(self.scroll_y) + y - 1
        rows = self.model.rows
        if index >= len(rows):
            # Every segment carries a style: Textual's NO_COLOR filter cannot take None.
            base = self.base_style
            if not rows and y == 1:
                message = Segment(f"  {self.empty_message}", base + Style(dim=True))
                return Strip([message]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        resource = rows[index]
        key = (
            id(resource),
            index == self.cursor,
            resource.id in self.marked,
            self.has_focus,
            width,
        )
        inventory = getattr(self.ctx.relations, "inventory", None)
        valid_for = (getattr(inventory, "version", None), self.ctx.now, self._fitted_for)
        if valid_for != self._line_cache_for:
            self._line_cache.clear()
            self._line_cache_for = valid_for
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached[1]
        if len(self._line_cache) > 4096:
            self._line_cache.clear()
        strip = self._row(resource, index, columns, width)
        self._line_cache[key] = (resource, strip)
        return strip

    def _header(self, columns: list[Column], width: int) -> Strip:
        base = Style(bold=True, underline=False) + self.base_style
        cells: list[tuple[str, Style]] = [(" ", Style())]
        sort = self.model.sort_column
        for column in columns:
            label = column.label
            if sort is not None and column.key == sort.key:
                label = f"{label}{'▼' if self.model.descending else '▲'}"
            cells.append(
                (_fit(label, column.width, column.align), Style(bold=True, color="bright_white"))
            )
        return self._line(cells, width, base)

    def _row(self, resource: Any, index: int, columns: list[Column], width: int) -> Strip:
        is_cursor = index == self.cursor
        base = self.base_style
        if is_cursor:
            base = base + Style(reverse=True) if self.has_focus else base + Style(bgcolor="grey27")
        marked = resource.id in self.marked
        cells: list[tuple[str, Style]] = [
            (MARK if marked else " ", Style(color="magenta", bold=True))
        ]
        for column in columns:
            text = column.text(resource, self.ctx)
            style = Style.parse(column.style(resource, self.ctx, text)) if column.style else Style()
            cells.append((_fit(text, column.width, column.align), style))
        return self._line(cells, width, base)

    # Actions ----------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by `delta` rows."""
        self.pinned = True
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """Move the cursor by a page."""
        self.action_cursor(direction * self._page_height)

    def action_jump(self, index: int) -> None:
        """Jump to the first (0) or last (-1) row."""
        self.pinned = True
        if self.row_count:
            self.cursor = index if index >= 0 else self.row_count - 1

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row (mouse works, but is never needed)."""
        if event.y >= 1:
            index = int(self.scroll_y) + event.y - 1
            if index < self.row_count:
                self.pinned = True
                self.cursor = index
                if event.chain >= 2 and self.current is not None:
                    self.post_message(self.Chosen(self, self.current))

    def toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor, then move down (so space space marks two)."""
        resource = self.current
        if resource is None:
            return
        self.marked.symmetric_difference_update({resource.id})
        self._line_cache.clear()
        self.action_cursor(1)
        self.refresh()

    def mark_all(self) -> None:
        """Mark every row the filter lets through (filter, then mark)."""
        self.marked.update(row.id for row in self.model.rows)
        self._line_cache.clear()
        self.refresh()

    def clear_marks(self) -> None:
        """Unmark everything."""
        self.marked.clear()
        self.marks_changed()

    def marks_changed(self) -> None:
        """`marked` was changed from outside (a whole group marked): repaint the rows."""
        self._line_cache.clear()
        self.refresh()

    def selection(self) -> list[Any]:
        """What an action applies to: the marked rows still shown, else the current row."""
        if self.marked:
            return [row for row in self.model.rows if row.id in self.marked]
        return [self.current] if self.current is not None else []

    def choose(self) -> None:
        """Report the current row as chosen (the screen opens its details)."""
        if self.current is not None:
            self.post_message(self.Chosen(self, self.current))


def _fit(text: str, width: int, align: str) -> str:
    """Cut or pad `text` to exactly `width` cells, with an ellipsis when cut."""
    length = cell_len(text)
    if length > width:
        return (
            set_cell_size(text, max(0, width - 1)) + "…"
            if width > 1
            else set_cell_size(text, width)
        )
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding
