"""The line above the table: which pane is shown, its row count, the filter and the sort."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from amiexplorer.core.kinds import panes, spec_of
from amiexplorer.core.models import ResourceKind

#: The resource panes in key order (1..4), with their tabs' labels (see `core/kinds.py`).
PANES = tuple((spec.kind, spec.plural_label) for spec in panes())
#: Tab labels when the bar is narrow.
SHORT = {spec.plural_label: spec.short_label for spec in panes()}
#: Below this width the tabs use the short labels.
NARROW = 110


class KindBar(Static):
    """`1 Instances … 5 Activity  6 Audit` with the current one highlighted."""

    DEFAULT_CSS = """
    KindBar { height: 1; padding: 0 1; background: $boost; }
    """

    kind: reactive[ResourceKind] = reactive(ResourceKind.INSTANCE)
    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    filter_text: reactive[str] = reactive("")
    scope: reactive[str | None] = reactive(None)
    sort_label: reactive[str] = reactive("")
    marked: reactive[int] = reactive(0)
    in_flight: reactive[int] = reactive(0)
    activity_shown: reactive[bool] = reactive(False)
    audit_shown: reactive[bool] = reactive(False)
    #: Findings of the last audit (None before the first).
    findings: reactive[int | None] = reactive(None)
    #: Before the account is known (the start-up checks): the tabs only, no counts.
    waiting: reactive[bool] = reactive(False)

    def render(self) -> Text:
        """Pane tabs, then what is shown and how."""
        text = Text(no_wrap=True, overflow="ellipsis")
        narrow = self.size.width < NARROW
        special = self.activity_shown or self.audit_shown
        for kind, label in PANES:
            style = "bold reverse" if kind == self.kind and not special else "dim"
            number = spec_of(kind).pane
            text.append(f" {number} {SHORT[label] if narrow else label} ", style=style)
        busy = f" ({self.in_flight})" if self.in_flight else ""
        activity = "Act" if narrow else "Activity"
        style = "bold reverse" if self.activity_shown else "dim"
        text.append(f" 5 {activity}{busy} ", style=style)
        found = f" ({self.findings})" if self.findings else ""
        style = "bold reverse" if self.audit_shown else "dim"
        text.append(f" 6 Audit{found} ", style=style)
        if self.activity_shown or self.waiting:
            return text
        text.append("  ")
        count = f"{self.shown:,}" if self.shown == self.total else f"{self.shown:,}/{self.total:,}"
        text.append(count, style="bold")
        text.append(f" in {self.scope or 'all regions'}", style="dim")
        if self.marked:
            text.append(f"  {self.marked} marked", style="magenta")
        if self.filter_text:
            text.append("  filter ", style="dim")
            text.append(f"/{self.filter_text}", style="bold yellow")
        if self.sort_label:
            text.append(f"  sort {self.sort_label}", style="dim")
        return text
