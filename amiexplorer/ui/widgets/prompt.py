"""The bottom prompt: `/` filters as you type, `:` runs a command like k9s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from textual import events
from textual.binding import Binding, BindingType
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input


class PromptHandler(Protocol):
    """What one opening of the prompt reports to, synchronously (see `Prompt`)."""

    @property
    def placeholder(self) -> str:
        """What the empty prompt says it takes."""
        ...

    @property
    def suggestions(self) -> Sequence[str]:
        """Completions offered as it is typed (none for the filter)."""
        ...

    def changed(self, text: str) -> None:
        """The text changed (a filter applies it as it is typed)."""

    def done(self, text: str) -> None:
        """enter."""

    def cancelled(self) -> None:
        """esc."""


class Prompt(Input):
    """A one-line input that is either the filter (`/`) or the command line (`:`).

    Type-ahead must work over SSH: `:snap⏎/nightly⏎` typed (or pasted) in one go has to
    filter the snapshots. Textual hands each key to the widget focused when the app takes the
    key: so the prompt takes and gives back the focus at once, handles enter and esc in
    typing order, and calls the handler it was opened with directly rather than by message
    (a message would arrive after the keys that follow it). Keys queued to it after it
    closed go back to the app, in order (`on_key`); keys that reached the table before it
    opened come to it through the app (`AmiExplorerApp.on_event`).
    """

    DEFAULT_CSS = """
    Prompt { height: 1; border: none; padding: 0 1; display: none; }
    Prompt.-open { display: block; }
    """

    #: For the footer and help; enter and esc are handled in `on_key`, in typing order.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close the prompt"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        self._return_to: Widget | None = None
        self._handler: PromptHandler | None = None
        # Compact: one line without a border, also when focused (Input's focus style would
        # draw a border three lines tall, leaving no room for the text).
        super().__init__(id=id, compact=True)
        self.mode = "filter"

    def open(self, mode: str, handler: PromptHandler, value: str = "") -> None:
        """Show the prompt in `mode` ('filter' or 'command'), reporting to `handler`."""
        self.mode = mode
        self._handler = None
        self.suggester = SuggestFromList(handler.suggestions) if handler.suggestions else None
        self.placeholder = handler.placeholder
        self.value = value
        self.cursor_position = len(value)
        self._handler = handler
        self.add_class("-open")
        # Focus moves now, not after the queued keys (Widget.focus defers it).
        self._return_to = self.screen.focused
        self.screen.set_focus(self, scroll_visible=False)

    def close(self) -> None:
        """Hide the prompt and give the focus back, at once (type-ahead follows it)."""
        self._handler = None
        if self.has_class("-open"):
            self.remove_class("-open")
            # `has_focus` follows the Focus event, which may still be queued: ask the screen.
            if self.screen.focused is self:
                self.screen.set_focus(self._return_to, scroll_visible=False)

    async def on_key(self, event: events.Key) -> None:
        """enter and esc in typing order; keys queued after them go back to the app.

        A binding would run when the key bubbles back to the app, after the letters typed
        behind it had reached the prompt: `/web⏎3` would filter for "web3".
        """
        if not self.has_class("-open"):
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key in ("enter", "escape"):
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                await self.action_submit()
            else:
                self.action_cancel()

    def watch_value(self, value: str) -> None:
        """Report every change as it happens."""
        if self._handler is not None:
            self._handler.changed(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Reported by `watch_value` already."""
        event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Handled by `action_submit`."""
        event.stop()

    async def action_submit(self) -> None:
        """enter: close, then tell the handler (the filter stays / the command runs)."""
        handler, text = self._handler, self.value
        self.close()
        if handler is not None:
            handler.done(text)

    def action_cancel(self) -> None:
        """esc: close, then tell the handler (a filter is cleared)."""
        handler = self._handler
        self.close()
        if handler is not None:
            handler.cancelled()
