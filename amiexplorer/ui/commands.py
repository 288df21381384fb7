"""The command palette (ctrl+p): the same commands as the keys and the `:` line."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from amiexplorer.ui.widgets.kind_bar import PANES


class ExplorerCommands(Provider):
    """Panes, regions, filter, refresh and help, for whoever prefers typing to keys."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = self.screen
        if type(screen).__name__ != "ExplorerScreen":
            # The connecting screen: nothing to command yet (and the explorer's module may be
            # being imported on another thread; this keeps the palette from waiting for it).
            return []
        from amiexplorer.ui.screens.explorer import ExplorerScreen

        if not isinstance(screen, ExplorerScreen):
            return []
        commands: list[tuple[str, Callable[[], object], str]] = [
            (f"Show {label.lower()}", partial(screen._show_kind, kind), f"Key {n}")
            for n, (kind, label) in enumerate(PANES, start=1)
        ]
        commands += [
            ("Show activity (work in flight)", screen.action_show_activity, "Key 5"),
            ("Show audit (leftovers, public shares, cost)", screen.action_show_audit, "Key 6"),
            ("Filter rows", screen.action_filter, "Key /"),
            ("Refresh every region", screen.action_refresh, "Key r"),
            ("Sort by the next column", screen.action_sort, "Key o"),
            ("Reverse the sort order", screen.action_sort_reverse, "Key O"),
            ("Show keys (help)", screen.action_help, "Key ?"),
            ("Region: all regions", partial(screen.set_region, None), ":region all"),
        ]
        commands += [
            (f"Region: {name}", partial(screen.set_region, name), f":region {name}")
            for name in screen.account.inventory.regions
        ]
        return commands

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands matching what was typed."""
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
