"""The status line: the state of things, and messages that expire.

The state ("Loaded 4 region(s) at 12:00 UTC.", "eu-west-1 failed (R retries): …") is shown
whenever no message is. A message (a refusal, an action's result, a `:profile` error) is
shown in its place for `MESSAGE_SECONDS`, or until the user moves on (another pane, another
region: the screen calls `clear_message`), never for ever.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

#: How long a message stays before the state shows again.
MESSAGE_SECONDS = 10.0


class StatusLine(Static):
    """One line: a message while it lasts, else the state."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        #: Seconds on a monotonic clock; tests move it instead of waiting.
        self.clock: Callable[[], float] = time.monotonic
        self.state: str | Text = ""
        self.message: str | Text | None = None
        self._expires_at = 0.0

    def show_state(self, text: str | Text) -> None:
        """The state of things; shown now unless a message is."""
        self.state = text
        if self.message is None:
            self.update(text)

    def show_message(self, text: str | Text, seconds: float = MESSAGE_SECONDS) -> None:
        """Show `text` for `seconds` (an empty text: the state again)."""
        if not str(text):
            self.clear_message()
            return
        self.message = text
        self._expires_at = self.clock() + seconds
        self.update(text)

    def clear_message(self, only: str | Text | None = None) -> None:
        """Back to the state (the user moved on; or `only` is over, if it is still shown)."""
        if only is not None and self.message != only:
            return
        if self.message is not None:
            self.message = None
            self.update(self.state)

    def expire(self) -> bool:
        """Clear a message whose time is up (the screen calls this on its timer)."""
        if self.message is not None and self.clock() >= self._expires_at:
            self.clear_message()
            return True
        return False
