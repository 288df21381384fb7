"""The key footer: Textual's, rebuilt only when what it shows has changed."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, rebuilt once per batch of binding changes, and only for a change.

    Textual rebuilds its footer (every key re-mounted and restyled) on each bindings signal:
    a start-up sends several in a row (screen pushed, focus set, widgets mounted, each region
    finished), about 0.3 s of CPU while the first rows load, nearly always to show the same
    keys. The one rebuild queued reads the bindings when it runs, so it shows every change
    made before it.
    """

    _rebuild_queued = False
    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Queue a rebuild unless one is already waiting (else as Textual's footer)."""
        self._bindings_ready = True
        if not screen.app.app_focus or self._rebuild_queued:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_queued = self.call_after_refresh(self._rebuild)

    def _what_compose_shows(self) -> tuple[Any, ...]:
        """Everything ``compose`` reads to lay out the keys."""
        app = self.app
        keys = tuple(
            (binding, enabled, tooltip, app.get_key_display(binding))
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )
        return (keys, self.show_command_palette, self.combine_groups, self.compact)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        shows = self._what_compose_shows()
        if shows != self._shown:
            self._shown = shows
            await self.recompose()
