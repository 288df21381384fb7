"""The `:` command line and the `/` filter, as the prompt's handlers (see `Prompt`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from textual.actions import parse
from textual.app import App
from textual.message import Message

from amiexplorer.core.kinds import aliases
from amiexplorer.ui.explorer_keys import COMMANDS, VERBS
from amiexplorer.ui.messages import SwitchProfile
from amiexplorer.ui.rows.model import RowModel


class CommandHost(Protocol):
    """What `:` and `/` need of the screen they run on (the explorer)."""

    @property
    def app(self) -> App[Any]:
        """The app (`:q` ends it)."""
        ...

    def action_show_kind(self, kind: str) -> None:
        """Show a resource pane (`:inst`, `:snap`)."""
        ...

    def action_show_audit(self) -> None:
        """Show the Audit pane."""
        ...

    def action_show_activity(self) -> None:
        """Show the Activity pane."""
        ...

    def set_region(self, region: str | None) -> None:
        """Scope the panes to a region, or to all."""
        ...

    def action_refresh(self) -> None:
        """Reload every region."""
        ...

    def action_help(self) -> None:
        """Show every key."""
        ...

    def set_filter(self, model: RowModel, text: str) -> None:
        """Filter a pane's rows."""
        ...

    def complain(self, text: str) -> None:
        """Refuse what was typed, saying why."""
        ...

    def post_message(self, message: Message) -> bool:
        """Post a message up (`:profile`)."""
        ...


#: `:` commands and the pane each opens (each kind's aliases, see `core/kinds.py`).
KIND_COMMANDS = aliases()


def run_command(screen: CommandHost, text: str) -> None:
    """Run a `:` command; an unknown one says what is allowed.

    The words that run a key's action (`:snap`, `:audit`, `:refresh`) are the command table's
    (`explorer_keys.VERBS`); the ones that take an argument are here.
    """
    words = text.strip().split()
    if not words:
        return
    verb, args = words[0].lower().lstrip(":"), words[1:]
    key = VERBS.get(verb)
    if key is not None and not args:
        _namespace, name, params = parse(key.binding.action)
        getattr(screen, f"action_{name}")(*params)
    elif verb == "region" and len(args) == 1:
        screen.set_region(None if args[0] in ("all", "*") else args[0])
    elif verb == "profile" and len(args) == 1:
        screen.post_message(SwitchProfile(args[0]))
    elif verb in ("q", "quit") and not args:
        screen.app.exit()
    else:
        screen.complain(f"unknown command {text.strip()!r}: try {_KNOWN}")


def _known() -> str:
    """What `:` accepts, in the table's order, for the message about an unknown command."""
    keys = [key for key in COMMANDS if key.verbs]
    names = [key.verbs[0] for key in keys]
    # The views first (show_*), then the words that take an argument, then the rest.
    panes = 1 + max(i for i, key in enumerate(keys) if key.binding.action.startswith("show_"))
    with_arguments = ["region NAME", "region all", "profile NAME"]
    return ", ".join([*names[:panes], *with_arguments, *names[panes:], "quit"])


_KNOWN = _known()

#: Completions as `:` is typed, the first match wins (each one a command `run_command` runs:
#: a test holds them to it): a short and a long word per pane, then the rest.
SUGGESTIONS = (
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
    "audit",
    "activity",
    "help",
    "quit",
)


@dataclass(frozen=True, slots=True)
class FilterPrompt:
    """`/`: filters the pane it was opened on as you type; esc clears the filter."""

    screen: CommandHost
    model: RowModel
    placeholder: str = "filter: ids, names, descriptions, tag values"
    suggestions: tuple[str, ...] = ()

    def changed(self, text: str) -> None:
        """Filter as you type."""
        self.screen.set_filter(self.model, text)

    def done(self, text: str) -> None:
        """enter keeps the filter."""

    def cancelled(self) -> None:
        """esc clears it."""
        self.screen.set_filter(self.model, "")


@dataclass(frozen=True, slots=True)
class CommandPrompt:
    """`:`: runs the command on enter."""

    screen: CommandHost
    placeholder: str = "inst | vol | snap | ami | audit | region NAME | profile NAME"
    suggestions: tuple[str, ...] = SUGGESTIONS

    def changed(self, text: str) -> None:
        """Nothing happens until enter."""

    def done(self, text: str) -> None:
        """Run it."""
        run_command(self.screen, text)

    def cancelled(self) -> None:
        """Dropped."""
