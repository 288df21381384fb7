"""The detail panel: every field of the selected resource, and related resources to jump to."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from amiexplorer.ui.rows.details import Details, Related
from amiexplorer.ui.widgets.option_list import PagingOptionList


def _render_fields(details: Details) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in details.fields:
        style = "bold red" if value.startswith("YES") else ""
        grid.add_row(label, Text(value, style=style))
    parts: list[RenderableType] = [Text(details.title, style="bold underline"), grid]
    if details.table:
        table = Table(title=details.table_title, title_justify="left", show_header=False, box=None)
        for row in details.table:
            table.add_row(*row)
        parts.append(table)
    tags = Table.grid(padding=(0, 1))
    tags.add_column(style="cyan", no_wrap=True)
    tags.add_column(overflow="fold")
    for key, value in details.tags:
        tags.add_row(key, value)
    parts.append(Text("Tags", style="bold") if details.tags else Text("No tags", style="dim"))
    if details.tags:
        parts.append(tags)
    return Group(*parts)


class RelatedList(PagingOptionList):
    """Related resources; enter jumps to one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Jump", id="jump", tooltip="Show the related resource"),
    ]


class DetailPanel(VerticalScroll):
    """Fields, tags and mappings on top; related resources below."""

    DEFAULT_CSS = """
    DetailPanel {
        height: 2fr;
        border: round $panel;
        border-title-color: $text-muted;
        display: none;
    }
    DetailPanel.-open { display: block; }
    DetailPanel:focus-within { border: round $accent; }
    DetailPanel #fields { height: auto; padding: 0 1; }
    /* Docked: always on screen below the fields, which scroll on their own. The cursor in
       it is never out of sight, and the list scrolls itself when it is longer. */
    DetailPanel RelatedList {
        dock: bottom; width: 100%; height: auto; max-height: 40%; min-height: 2;
        border: none; border-top: solid $panel; border-title-color: $text-muted;
        padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    DetailPanel RelatedList:focus { border: none; border-top: solid $accent; }
    """

    class Jump(Message):
        """Go to a related resource."""

        def __init__(self, related: Related) -> None:
            super().__init__()
            self.related = related

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self.border_title = "Details"
        self.details: Details | None = None

    def compose(self) -> ComposeResult:
        """Fields, then the related list."""
        yield Static(id="fields")
        yield RelatedList(id="related")

    def show(self, details: Details) -> None:
        """Show `details`, replacing what was there."""
        self.details = details
        self.border_title = f"Details — {details.title}"
        self.query_one("#fields", Static).update(_render_fields(details))
        related = self.query_one(RelatedList)
        related.clear_options()
        if details.related:
            related.add_options(
                Option(
                    # One line each, cut if need be: the list's height is what it shows.
                    Text.assemble(
                        (f"{r.relation}: ", "dim"),
                        (r.label, "bold"),
                        no_wrap=True,
                        overflow="ellipsis",
                    ),
                    id=f"{index}",
                )
                for index, r in enumerate(details.related)
            )
            related.highlighted = 0
        else:
            related.add_option(Option(Text("No related resources", style="dim"), disabled=True))
        count = len(details.related)
        related.border_title = f"Related ({count}) · tab, enter goes there" if count else "Related"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """enter on a related resource: ask the screen to jump there."""
        event.stop()
        if self.details is None or event.option.id is None:
            return
        self.post_message(self.Jump(self.details.related[int(event.option.id)]))
