"""The regions pane: "All regions" on top, then every region with its counts and state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from amiexplorer.core.inventory import Inventory, RegionState, RegionStatus
from amiexplorer.core.kinds import panes
from amiexplorer.core.models import ResourceKind
from amiexplorer.ui.widgets.option_list import PagingOptionList

ALL_REGIONS = "all"
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: The kinds counted in the pane (those with a pane of their own), with their short headings.
COUNTED = tuple((spec.kind, spec.short_label) for spec in panes())
#: The pane shows all four counts when it is at least this wide, else the current kind's.
WIDE = 40


class RegionsPane(PagingOptionList):
    """Choose a region to scope the resource panes; shows loading, counts and errors."""

    DEFAULT_CSS = """
    RegionsPane {
        width: 26;
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        padding: 0;
    }
    RegionsPane.-wide { width: 44; }
    RegionsPane:focus { border: round $accent; }
    """

    def __init__(self, inventory: Inventory, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inventory = inventory
        self.kind = ResourceKind.INSTANCE
        self.selected: str | None = None
        #: How a failed region says it can be loaded again (the screen owns the key).
        self.retry_hint = "R retries this region"
        self._frame = 0
        self.border_title = "Regions"

    def on_mount(self) -> None:
        """Fill the list and animate the spinners of loading regions."""
        self.rebuild()
        self.set_interval(0.12, self._spin)

    @property
    def _wide(self) -> bool:
        return self.has_class("-wide")

    def _count(self, status: RegionStatus | None, kind: ResourceKind) -> int:
        if status is None:
            return self.inventory.count(kind)
        return status.counts[kind]

    def _counts(self, status: RegionStatus | None) -> Text:
        if self._wide:
            return Text("".join(f"{self._count(status, k):>6,}" for k, _ in COUNTED))
        return Text(f"{self._count(status, self.kind):>6,}")

    def _mark(self, status: RegionStatus) -> Text:
        state = status.state
        if state is RegionState.LOADING:
            return Text(SPINNER[self._frame % len(SPINNER)], style="yellow")
        if state is RegionState.FAILED:
            return Text("✗", style="bold red")
        if state is RegionState.WAITING:
            return Text("·", style="dim")
        return Text("✓", style="green")

    def _label(self, key: str) -> Text:
        name_width = 14
        if key == ALL_REGIONS:
            regions = self.inventory.regions.values()
            busy = any(s.state in (RegionState.LOADING, RegionState.WAITING) for s in regions)
            mark = Text(SPINNER[self._frame % len(SPINNER)] if busy else " ", style="yellow")
            line = Text.assemble(mark, " ", Text("All regions".ljust(name_width), style="bold"))
            return line + self._counts(None)
        status = self.inventory.status(key)
        line = Text.assemble(self._mark(status), " ", key.ljust(name_width)) + self._counts(status)
        if status.errors:
            line.append("\n  ")
            line.append(status.error_message or "", style="red")
            if status.state is RegionState.FAILED:
                line.append(f"\n  {self.retry_hint}", style="dim")
        return line

    def heading(self) -> str:
        """The column headings, shown as the border title."""
        if self._wide:
            return "Regions " + " ".join(label for _, label in COUNTED)
        return f"Regions · {dict(COUNTED)[self.kind]}"

    def rebuild(self) -> None:
        """Redraw every entry, keeping the highlight where it was."""
        keys = [ALL_REGIONS, *self.inventory.regions]
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._label(k), id=k) for k in keys])
        self.highlighted = highlighted if highlighted is not None and highlighted < len(keys) else 0
        self.border_title = self.heading()

    def refresh_region(self, region: str) -> None:
        """Redraw one region's entry and the totals."""
        for key in (ALL_REGIONS, region):
            try:
                self.replace_option_prompt(key, self._label(key))
            except Exception:  # a region added by a reload: rebuild everything once
                self.rebuild()
                return

    def failed(self) -> list[str]:
        """The regions whose last load failed."""
        return [name for name, status in self.inventory.regions.items() if status.errors]

    def retry_choice(self, scope: str | None) -> list[str]:
        """What R reloads: the highlighted region when the pane has focus and it failed,
        else the region the panes are scoped to if it failed, else every failed region."""
        failed = self.failed()
        if self.has_focus and self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            if option.id in failed:
                return [option.id]
        if scope in failed:
            return [scope]
        return failed

    def set_kind(self, kind: ResourceKind) -> None:
        """Show the counts of `kind` (when narrow)."""
        self.kind = kind
        self.rebuild()

    def _spin(self) -> None:
        loading = [
            name for name, s in self.inventory.regions.items() if s.state is RegionState.LOADING
        ]
        if loading:
            self._frame += 1
            for name in loading:
                self.refresh_region(name)
        elif self._frame:
            self._frame = 0
            self.refresh_region(next(iter(self.inventory.regions), ALL_REGIONS))
