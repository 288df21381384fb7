"""`q` asks first while a change is being sent to AWS or rows are marked.

Quitting while the runner is sending a change leaves its outcome unknown (the calls were
sent; their answers never come: the action log says what was sent), and quitting with rows
marked throws the marks away. Otherwise `q` quits at once, as before. ctrl+q, Textual's own
quit, never asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from amiexplorer.ui.dialogs.fresh_keys import AnswersFreshKeysOnly

#: The actions that quit, as the app's (or a screen's) bindings name them.
QUIT_ACTIONS = frozenset({"quit", "app.quit"})


class QuitDialog(AnswersFreshKeysOnly, ModalScreen[bool]):
    """Says why quitting now may cost something; True to quit anyway."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Quit", id="quit-anyway", tooltip="Quit now"),
        Binding("n,escape", "answer(False)", "Stay", id="stay", tooltip="Do not quit"),
    ]

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    QuitDialog .keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, reasons: list[str]) -> None:
        super().__init__()
        self.note_asked()
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        """Why it asks, then the keys."""
        with Vertical() as frame:
            frame.border_title = "Quit amiexplorer?"
            text = Text()
            for reason in self.reasons:
                text.append(f"⚠ {reason}\n", style="bold yellow")
            yield Static(text, id="reasons")
            yield Static("y quits now · n or esc stays", classes="keys")

    def action_answer(self, quit_now: bool) -> None:
        """y: quit; n or esc: stay."""
        self.dismiss(quit_now)


def is_quit_key(screen: Screen[Any], key: str) -> bool:
    """True when `key` runs a quit binding on `screen` (whatever key the keymap gave it)."""
    active = screen.active_bindings.get(key)
    return active is not None and active.enabled and active.binding.action in QUIT_ACTIONS


def ask_before_quitting(
    screen: Screen[Any], event: events.Key, reasons: Callable[[], list[str]]
) -> bool:
    """On a quit key with `reasons` to ask: ask (the key stops here); True when it asked."""
    found = reasons()
    if not found or not is_quit_key(screen, event.key):
        return False
    event.stop()
    event.prevent_default()

    def answered(quit_now: bool | None) -> None:
        if quit_now:
            screen.app.exit()

    screen.app.push_screen(QuitDialog(found), answered)
    return True
