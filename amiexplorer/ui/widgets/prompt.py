"""The bottom prompt: `/` filters as you type, `:` runs a command like k9s."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input

#: Completions for the `:` command line.
COMMANDS = [
    "inst",
    "instances",
    "vol",
    "volumes",
    "snap",
    "snapshots",
    "ami",
    "images",
    "region ",
    "region all",
    "profile ",
    "refresh",
    "help",
    "quit",
]


class Prompt(Input):
    """A one-line input that is either the filter (`/`) or the command line (`:`)."""

    DEFAULT_CSS = """
    Prompt { dock: bottom; height: 1; border: none; padding: 0 1; display: none; }
    Prompt.-open { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close the prompt"),
    ]

    class FilterChanged(Message):
        """The filter text changed (sent on every keystroke in filter mode)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """enter in the prompt: the filter is kept, or the command is run."""

        def __init__(self, mode: str, text: str) -> None:
            super().__init__()
            self.mode = mode
            self.text = text

    class Cancelled(Message):
        """esc in the prompt."""

        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = "filter"

    def open(self, mode: str, value: str = "") -> None:
        """Show the prompt in `mode` ('filter' or 'command') and focus it."""
        self.mode = mode
        self.suggester = SuggestFromList(COMMANDS) if mode == "command" else None
        self.placeholder = (
            "filter: ids, names, descriptions, tag values"
            if mode == "filter"
            else "inst | vol | snap | ami | region NAME | profile NAME"
        )
        self.value = value
        self.add_class("-open")
        self.focus()
        self.cursor_position = len(value)

    def close(self) -> None:
        """Hide the prompt."""
        self.remove_class("-open")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.mode == "filter":
            self.post_message(self.FilterChanged(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(self.mode, event.value))

    def action_cancel(self) -> None:
        """esc: tell the screen; in filter mode that clears the filter."""
        self.post_message(self.Cancelled(self.mode))
