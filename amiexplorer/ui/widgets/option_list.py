"""Option lists whose page keys are safe while the list has no room on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import OptionList

# The mixin is typed as an OptionList but is a plain class at runtime: Textual finds a
# widget's CSS (and component classes) along the first widget base only, so the mixin must
# not be one, or a SelectionList using it would lose its own.
if TYPE_CHECKING:
    _Base = OptionList
else:
    _Base = object


class SafePageKeys(_Base):
    """Mix in before an OptionList (or SelectionList): page keys that cannot crash.

    OptionList lays out its lines only when it has a visible area, and its page moves look
    the highlighted line up unguarded: with the list focused but squeezed to no height (a
    small terminal, a full detail panel), pagedown raised KeyError and ended the app. A
    random-key test found it. With no room, a page is no lines: nothing moves.
    """

    def action_page_down(self) -> None:
        """Move the highlight down one page, if the list has a page at all."""
        if self.scrollable_content_region:
            super().action_page_down()  # type: ignore[no-untyped-call]

    def action_page_up(self) -> None:
        """Move the highlight up one page, if the list has a page at all."""
        if self.scrollable_content_region:
            super().action_page_up()  # type: ignore[no-untyped-call]


class PagingOptionList(SafePageKeys, OptionList):
    """An OptionList with safe page keys."""
