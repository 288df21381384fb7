"""The command palette (ctrl+p): every key's action, and the regions of the `:region` line.

The palette lists what the screen it was opened on can do, read from that screen's active
bindings, so each command shows the key the user's keymap gave it and nothing that the
pane or read-only mode switches off. A command is looked up again when it runs, on the
screen on top at that moment: the screen below may have changed meanwhile (a profile
switch replaces the explorer, a dialog opens), and a command never acts on a screen that
is gone or hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import ActiveBinding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: The palette's own key would only open it again.
_NOT_COMMANDS = frozenset({"command_palette", "app.command_palette"})


@dataclass(frozen=True, slots=True)
class KeyCommand:
    """One binding as the palette shows it."""

    #: What the palette lists: the binding's tooltip (its sentence), or its footer word.
    title: str
    #: The keys, as the footer shows them ("ctrl+d del").
    keys: str
    #: The footer's word for it, shown beside the keys when the title is a sentence.
    description: str
    #: What identifies the binding when the command runs: its action, and id when it has one.
    action: str
    binding_id: str | None

    @property
    def help(self) -> str:
        """The line under the title."""
        word = f" · {self.description}" if self.description not in ("", self.title) else ""
        return f"key {self.keys}{word}"


def _top_screen(provider: Provider) -> Screen[Any]:
    """The screen a command acts on: the one on top, under the palette if it is still open."""
    stack = provider.app.screen_stack
    screens = [screen for screen in stack if not isinstance(screen, CommandPalette)]
    return screens[-1] if screens else provider.app.screen


def _matches(active: ActiveBinding, command: KeyCommand) -> bool:
    binding = active.binding
    return binding.action == command.action and binding.id == command.binding_id


def key_commands(screen: Screen[Any]) -> list[KeyCommand]:
    """Every action a key runs on `screen` now, once each, with all its keys."""
    groups: dict[tuple[int, str, str | None], list[ActiveBinding]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.action in _NOT_COMMANDS or not (binding.tooltip or binding.description):
            continue
        groups.setdefault((id(active.node), binding.action, binding.id), []).append(active)
    app = screen.app
    commands = []
    for group in groups.values():
        binding = group[0].binding
        commands.append(
            KeyCommand(
                title=binding.tooltip or binding.description,
                keys=" ".join(app.get_key_display(a.binding) for a in group),
                description=binding.description,
                action=binding.action,
                binding_id=binding.id,
            )
        )
    return commands


def _explorer(screen: Screen[Any]) -> ExplorerScreen | None:
    """`screen` if it is the explorer."""
    # By name first: on the connecting screen the explorer's module may be being imported on
    # another thread, and the palette must not wait for it. An explorer that exists was
    # imported in full.
    if type(screen).__name__ != "ExplorerScreen":
        return None
    from amiexplorer.ui.screens.explorer import ExplorerScreen

    return screen if isinstance(screen, ExplorerScreen) else None


class KeyCommands(Provider):
    """Every key of the screen the palette was opened on, by what it does."""

    def _commands(self) -> list[KeyCommand]:
        if self.screen not in self.app.screen_stack:
            return []  # it went while the palette was opening
        return key_commands(self.screen)

    async def _run(self, command: KeyCommand) -> None:
        """Run `command` on the screen on top now, if it still can be run there."""
        screen = _top_screen(self)
        found: tuple[DOMNode, ActiveBinding] | None = next(
            (
                (active.node, active)
                for active in screen.active_bindings.values()
                if _matches(active, command)
            ),
            None,
        )
        if found is None or not found[1].enabled:
            self.app.notify(f"“{command.title}” cannot be done here", severity="warning")
            return
        await self.app.run_action(command.action, found[0])

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for command in self._commands():
            yield DiscoveryHit(command.title, partial(self._run, command), help=command.help)

    async def search(self, query: str) -> Hits:
        """Commands whose title or footer word matches what was typed."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = max(matcher.match(command.title), matcher.match(command.description))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self._run, command),
                    text=command.title,
                    help=command.help,
                )


class ExplorerCommands(Provider):
    """The regions to show (as `:region NAME` does): what no key does on its own."""

    def _regions(self) -> Iterator[tuple[str, str | None]]:
        explorer = _explorer(self.screen)
        if explorer is None:
            return
        yield "Region: all regions", None
        for name in explorer.account.inventory.regions:
            yield f"Region: {name}", name

    def _show_region(self, region: str | None) -> None:
        """Show `region` on the explorer on top now (nothing if a dialog or no explorer is)."""
        explorer = _explorer(_top_screen(self))
        if explorer is None:
            self.app.notify("Regions are chosen on the explorer only", severity="warning")
            return
        explorer.set_region(region)

    async def discover(self) -> Hits:
        """Every region, before anything is typed."""
        for name, region in self._regions():
            help_text = f":region {region or 'all'}"
            yield DiscoveryHit(name, partial(self._show_region, region), help=help_text)

    async def search(self, query: str) -> Hits:
        """Regions matching what was typed."""
        matcher = self.matcher(query)
        for name, region in self._regions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self._show_region, region),
                    help=f":region {region or 'all'}",
                )
