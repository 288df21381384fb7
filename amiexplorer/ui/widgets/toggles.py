"""Check boxes that say whether they are on without colour.

Textual draws an "X" in every check box and tells on from off by colour alone, so with
NO_COLOR=1 (or a monochrome terminal) "No reboot" looks the same ticked or not. These show the
mark only when the box is on, with the same colours as Textual's own.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

from amiexplorer.ui.widgets.option_list import SafePageKeys


class TickBox(Checkbox):
    """A check box whose mark shows only when it is on."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        """Textual's mark when on, a blank when off."""
        return "X" if self.value else " "


class TickList(SafePageKeys, SelectionList[str]):
    """A selection list whose marks show only on the selected entries."""

    def render_line(self, y: int) -> Strip:
        """Textual's line, with the mark blanked when the entry is not selected."""
        line = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self._selected:
            return line
        segments = list(line)
        for position, segment in enumerate(segments[:3]):
            if segment.text == ToggleButton.BUTTON_INNER:
                segments[position] = Segment(" ", segment.style, segment.control)
                return Strip(segments, line.cell_length)
        return line
