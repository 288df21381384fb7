"""The `:` command line and the `/` filter, as the prompt's handlers (see `Prompt`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from amiexplorer.aws.models import ResourceKind
from amiexplorer.ui.messages import SwitchProfile
from amiexplorer.ui.rowmodel import RowModel

if TYPE_CHECKING:
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: `:` commands and the pane each opens.
KIND_COMMANDS = {
    "inst": ResourceKind.INSTANCE,
    "instance": ResourceKind.INSTANCE,
    "instances": ResourceKind.INSTANCE,
    "ec2": ResourceKind.INSTANCE,
    "vol": ResourceKind.VOLUME,
    "volume": ResourceKind.VOLUME,
    "volumes": ResourceKind.VOLUME,
    "ebs": ResourceKind.VOLUME,
    "snap": ResourceKind.SNAPSHOT,
    "snapshot": ResourceKind.SNAPSHOT,
    "snapshots": ResourceKind.SNAPSHOT,
    "ami": ResourceKind.IMAGE,
    "amis": ResourceKind.IMAGE,
    "image": ResourceKind.IMAGE,
    "images": ResourceKind.IMAGE,
}


def run_command(screen: ExplorerScreen, text: str) -> None:
    """Run a `:` command; an unknown one says what is allowed."""
    words = text.strip().split()
    if not words:
        return
    verb, args = words[0].lower().lstrip(":"), words[1:]
    if verb in KIND_COMMANDS and not args:
        screen._show_kind(KIND_COMMANDS[verb])
    elif verb in ("audit", "findings") and not args:
        screen.action_show_audit()
    elif verb in ("activity", "act") and not args:
        screen.action_show_activity()
    elif verb == "region" and len(args) == 1:
        screen.set_region(None if args[0] in ("all", "*") else args[0])
    elif verb == "profile" and len(args) == 1:
        screen.post_message(SwitchProfile(args[0]))
    elif verb in ("refresh", "r") and not args:
        screen.action_refresh()
    elif verb == "help" and not args:
        screen.action_help()
    elif verb in ("q", "quit") and not args:
        screen.app.exit()
    else:
        screen.complain(
            f"unknown command {text.strip()!r}: try inst, vol, snap, ami, activity, audit, "
            "region NAME, region all, profile NAME, refresh, help, quit"
        )


@dataclass(frozen=True, slots=True)
class FilterPrompt:
    """`/`: filters the pane it was opened on as you type; esc clears the filter."""

    screen: ExplorerScreen
    model: RowModel

    def changed(self, text: str) -> None:
        """Filter as you type."""
        self.screen._set_filter(self.model, text)

    def done(self, text: str) -> None:
        """enter keeps the filter."""

    def cancelled(self) -> None:
        """esc clears it."""
        self.screen._set_filter(self.model, "")


@dataclass(frozen=True, slots=True)
class CommandPrompt:
    """`:`: runs the command on enter."""

    screen: ExplorerScreen

    def changed(self, text: str) -> None:
        """Nothing happens until enter."""

    def done(self, text: str) -> None:
        """Run it."""
        run_command(self.screen, text)

    def cancelled(self) -> None:
        """Dropped."""
