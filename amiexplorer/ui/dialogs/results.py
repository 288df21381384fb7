"""Per-item results of an action: done / refused (why) / failed (AWS error) / skipped.

Above them, what was asked (as the confirmation restated it: who was given access, the size
asked for). A refused item that names what blocks it (the image using a snapshot, the
instance a volume is attached to) can be chosen with enter to jump to that resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from amiexplorer.core.plans.plan import ActionReport, ItemResult, Outcome
from amiexplorer.ui.dialogs.confirm import choices_table
from amiexplorer.ui.dialogs.restate import Line
from amiexplorer.ui.widgets.option_list import PagingOptionList

_STYLE = {
    Outcome.DONE: ("✓ done", "green"),
    Outcome.REFUSED: ("✗ refused", "bold yellow"),
    Outcome.FAILED: ("✗ failed", "bold red"),
    Outcome.SKIPPED: ("- skipped", "dim"),
}


def result_line(item: ItemResult) -> Text:
    """One line per item: outcome, resource, region, and why."""
    word, style = _STYLE.get(item.outcome, (str(item.outcome), ""))
    text = Text.assemble((f"{word:<10}", style), " ", " ".join(item.resource_ids), " ")
    text.append(f"{item.region} ", style="dim")
    text.append(item.action, style="dim")
    if item.new_ids:
        text.append(f" → {' '.join(item.new_ids)}", style="green")
    if item.message:
        text.append(
            f"\n           {item.message}", style=style if item.outcome != Outcome.DONE else "dim"
        )
    if item.blocking_ids:
        text.append(f"\n           enter: go to {item.blocking_ids[0]}", style="cyan")
    return text


class ResultsDialog(ModalScreen[str | None]):
    """Returns the id of a blocking resource to jump to, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="close-results"),
    ]

    DEFAULT_CSS = """
    ResultsDialog { align: center middle; }
    ResultsDialog > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ResultsDialog OptionList { height: auto; max-height: 1fr; border: none; }
    """

    def __init__(self, title: str, report: ActionReport, choices: Sequence[Line] = ()) -> None:
        """`choices`: what was asked, restated (as the confirmation showed it)."""
        super().__init__()
        self.title_text = title
        self.report = report
        self.choices = tuple(choices)

    def compose(self) -> ComposeResult:
        """A summary line and one entry per item."""
        with Vertical() as frame:
            frame.border_title = self.title_text
            yield Static(Text(self.report.summary(), style="bold"), id="summary")
            if self.choices:
                yield Static(choices_table(self.choices), id="choices")
            yield PagingOptionList(
                *(
                    Option(result_line(item), id=str(index))
                    for index, item in enumerate(self.report.results)
                ),
                id="items",
            )
            yield Static(
                "enter on a refused item goes to what blocks it · esc closes", classes="keys"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to what blocked the chosen item, if anything did."""
        event.stop()
        item = self.report.results[int(event.option.id or 0)]
        if item.blocking_ids:
            self.dismiss(item.blocking_ids[0])

    def action_close(self) -> None:
        """Back to the explorer."""
        self.dismiss(None)
