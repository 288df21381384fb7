"""Crashes inside Textual's OptionList and screens, worked around here and only here.

Each was reached by keys a person presses, and each ended the app with a traceback:

- **Page keys before the list has a layout.** `OptionList._move_page` looks up the line of
  the highlighted option in `_index_to_line` unguarded. That map stays empty until the list
  has been laid out with room (`_update_lines` does nothing while the list has no area), so
  page down raised `KeyError: 0`. The command palette's list is such a list for a frame
  after `ctrl+p`: `ctrl+p` then `PageDown` in one write (a laggy SSH link, `tmux send-keys
  C-p PageDown`) ended the app. Now, with no line for the highlighted option, a page is no
  lines: nothing moves (as `scroll_to_highlight` already does in that state).
- **An option list with no width for its text.** `get_content_height` (height: auto) and
  `_update_lines` measure every option at the list's width less the options' padding, and
  rich's `chop_cells` raises `ValueError: range() arg 3 must not be zero` at width 0:
  opening the details at 30 columns did. `Widget.get_content_height` returns 0 for width 0;
  the option list's override lost that guard. Now a list with no width for text has no
  lines, the state Textual already handles for a list with no area.
- **A screen dismissed twice.** `Screen.dismiss` pops whatever screen is on top, not the one
  dismissed: enter typed three times in one burst on the palette's "Quit", or twice on a
  refused item of the results, ran a second selection after the first had closed the
  screen, popped the explorer and ended with `ScreenStackError: Can't pop screen`; an esc
  that reached a form just covered by its confirmation popped the confirmation and ended
  with `InvalidStateError` at the next esc. Now only the screen on top closes. And the
  palette's search, still running as it closed, looked its list up after it had gone
  (`NoMatches: CommandList`): a search of a palette that has gone now ends quietly.

This is the one place Textual is patched. Every option list and screen of the process is
patched (Textual's own too: the command palette's), once, by `install()`;
`amiexplorer.ui.app` installs it at import. If Textual no longer has what is patched,
`install` leaves it alone and returns False, and `tests/unit/test_textual_compat.py` and
`tests/compat/test_third_party.py` (every Textual name amiexplorer patches or overrides, with
its parameters) fail, naming what changed. pyproject.toml keeps Textual below the next major
version for the same reason.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual import work
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import OptionList

#: Set on each replacement, so that installing twice wraps once.
_MARK = "amiexplorer_patch"
_installed: dict[str, bool] = {}


def install() -> bool:
    """Patch Textual's OptionList once per process; True when every patch is in place."""
    if not _installed:
        _installed["page-keys"] = _patch("_move_page", ["self", "direction"], _guard_move_page)
        _installed["content-height"] = _patch(
            "get_content_height",
            ["self", "container", "viewport", "width"],
            _guard_content_height,
        )
        _installed["lines"] = _patch("_update_lines", ["self"], _guard_update_lines)
        _installed["dismiss-once"] = _patch(
            "dismiss", ["self", "result"], _guard_dismiss, owner=Screen
        )
        _installed["palette-search"] = _patch(
            "_gather_commands", ["self", "search_value"], _guard_gather, owner=CommandPalette
        )
    return all(_installed.values())


def installed() -> dict[str, bool]:
    """Which patches are in place (for the compatibility test's message)."""
    install()
    return dict(_installed)


def _patch(
    name: str,
    parameters: list[str],
    guard: Callable[[Callable[..., Any]], Callable[..., Any]],
    owner: type = OptionList,
) -> bool:
    original = getattr(owner, name, None)
    if original is None or not callable(original):
        return False
    if getattr(original, _MARK, False):
        return True
    if list(inspect.signature(original).parameters) != parameters:
        return False
    replacement = guard(original)
    replacement.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(replacement, _MARK, True)
    setattr(owner, name, replacement)
    return True


def _text_width(option_list: OptionList, width: int) -> int:
    """What is left of `width` for an option's text, once its padding is taken."""
    padding = option_list.get_component_styles("option-list--option").padding
    return width - padding.width


def _guard_move_page(original: Callable[..., Any]) -> Callable[..., Any]:
    def _move_page(self: OptionList, direction: int) -> None:
        # The original reads `_index_to_line[self.highlighted or 0]`: nothing is laid out
        # yet (or no more) for that option, so there is no page to move by.
        if (self.highlighted or 0) not in self._index_to_line:
            return
        original(self, direction)

    return _move_page


def _guard_content_height(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_content_height(self: OptionList, container: Any, viewport: Any, width: int) -> int:
        if _text_width(self, width) < 1:
            return 0
        return int(original(self, container, viewport, width))

    return get_content_height


def _guard_update_lines(original: Callable[..., Any]) -> Callable[..., Any]:
    def _update_lines(self: OptionList) -> None:
        region = self.scrollable_content_region
        if region and _text_width(self, region.width - self._get_left_gutter_width()) < 1:
            return
        original(self)

    return _update_lines


def _guard_dismiss(original: Callable[..., Any]) -> Callable[..., Any]:
    def dismiss(self: Screen[Any], result: Any = None) -> AwaitComplete:
        # Only the screen on top closes: one dismissed already (its result given, its pop
        # done) or covered by another (a form under the confirmation it opened, an esc for
        # it still queued) would pop the screen on top instead ("Can't pop screen" when that
        # was the explorer) and give its callback a second answer (InvalidStateError).
        if self is not self.app.screen:
            return AwaitComplete()
        return original(self, result)  # type: ignore[no-any-return]

    return dismiss


def _guard_gather(original: Callable[..., Any]) -> Callable[..., Any]:
    # The method is a @work one: calling it starts its worker. The coroutine function inside
    # is what is guarded, then made a worker again the way Textual makes it.
    search = original.__wrapped__  # type: ignore[attr-defined]

    async def _gather_commands(self: CommandPalette, search_value: str) -> None:
        try:
            await search(self, search_value)
        except NoMatches:
            # Its list went with the palette, closed while the search ran: nothing to show.
            if self in self.app.screen_stack:
                raise

    group = CommandPalette._GATHER_COMMANDS_GROUP
    return work(exclusive=True, group=group)(_gather_commands)
