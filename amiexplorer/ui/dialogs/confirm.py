"""The confirmation: everything a plan will touch, and what must be typed before it runs.

A bulk action (2 or more resources) requires the number of resources; making something
public requires the word `public`; an image that launch templates or configurations name
requires its id. Nothing runs from here: the dialog only returns a `Confirmation`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from amiexplorer.aws.action_plan import Confirmation, Plan
from amiexplorer.aws.inventory import Inventory
from amiexplorer.ui import formatting as fmt
from amiexplorer.ui.widgets.toggles import TickBox

Replan = Callable[[bool], Plan]


def _size_of(inventory: Inventory, resource_id: str) -> str:
    resource: Any = inventory.get(resource_id)
    if resource is None:
        return ""
    for attr in ("volume_size_gib", "size_gib"):
        value = getattr(resource, attr, None)
        if isinstance(value, int):
            return fmt.size_gib(value)
    return ""


def plan_table(plan: Plan, inventory: Inventory) -> Table:
    """One row per call the plan will make, with the resource's name and size."""
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1), expand=True)
    # One line per resource, so a long list stays readable: ids, regions and sizes are never
    # cut; the name takes what is left and is cut, not wrapped.
    action_width = max((len(step.action) for step in plan.steps), default=6)
    for heading, width in (("Action", action_width), ("Resource", 22), ("Region", 14)):
        table.add_column(heading, no_wrap=True, min_width=width)
    table.add_column("Size", no_wrap=True, min_width=9, justify="right")
    table.add_column("Name", no_wrap=True, overflow="ellipsis", ratio=1)
    for step in plan.steps:
        for resource_id in step.resource_ids:
            resource: Any = inventory.get(resource_id)
            name = getattr(resource, "name", None) or getattr(resource, "description", "") or ""
            table.add_row(
                step.action, resource_id, step.region, _size_of(inventory, resource_id), name
            )
    return table


def _notes(plan: Plan) -> Text:
    text = Text()
    for warning in plan.warnings:
        text.append(f"⚠ {warning.message}\n", style="bold yellow")
    for item in plan.refused:
        text.append(f"✗ refused {' '.join(item.resource_ids)}: {item.message}\n", style="red")
    for item in plan.skipped:
        text.append(f"- skipped {' '.join(item.resource_ids)}: {item.message}\n", style="dim")
    if plan.estimate is not None:
        text.append(plan.estimate.describe() + "\n", style="bold")
    return text


class ConfirmDialog(ModalScreen[tuple[Confirmation, Plan] | None]):
    """Shows the plan; returns what was typed with the plan it confirms, or None on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="confirm", tooltip="Run the plan"),
        Binding("escape", "cancel", "Cancel", id="cancel-confirm", tooltip="Do nothing"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmDialog VerticalScroll { height: auto; max-height: 1fr; }
    ConfirmDialog #missing { color: $error; }
    ConfirmDialog .label { margin-top: 1; }
    /* A short terminal (80x24): one-line inputs, so the list of what changes keeps its room. */
    ConfirmDialog.-short Input { border: none; height: 1; padding: 0 1; background: $boost; }
    ConfirmDialog.-short Input:focus { background: $primary 30%; }
    ConfirmDialog.-short .label { margin-top: 0; }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (Textual types it so)

    def __init__(
        self,
        plan: Plan,
        inventory: Inventory,
        *,
        toggle: tuple[str, Replan] | None = None,
    ) -> None:
        super().__init__()
        self.plan = plan
        self.inventory = inventory
        self.toggle = toggle

    def compose(self) -> ComposeResult:
        """The plan, then one input per thing to type."""
        needs = self.plan.needs
        with Vertical() as frame:
            frame.border_title = self.plan.title
            with VerticalScroll():
                yield Static(plan_table(self.plan, self.inventory), id="plan")
                yield Static(_notes(self.plan), id="notes")
                if self.toggle is not None:
                    yield TickBox(self.toggle[0], value=True, id="toggle")
                if needs.count is not None:
                    yield Static(
                        f"Type {needs.count} (the number of resources) to confirm:", classes="label"
                    )
                    yield Input(placeholder=str(needs.count), id="count", type="integer")
                if needs.word is not None:
                    yield Static(
                        f"Type the word {needs.word!r} to make it public:", classes="label"
                    )
                    yield Input(placeholder=needs.word, id="word")
                for index, image_id in enumerate(needs.image_ids):
                    yield Static(
                        f"Launch templates or configurations name {image_id}: type its id:",
                        classes="label",
                    )
                    yield Input(placeholder=image_id, id=f"image-{index}")
                if not (needs.count or needs.word or needs.image_ids):
                    yield Static(
                        "Press ctrl+s (or enter) to go ahead, esc to cancel.", classes="label"
                    )
            yield Static("", id="missing")

    def on_mount(self) -> None:
        """Focus the first thing to type."""
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Re-plan (for instance without deleting the image's snapshots)."""
        if self.toggle is not None:
            self.plan = self.toggle[1](event.value)
            self.query_one("#plan", Static).update(plan_table(self.plan, self.inventory))
            self.query_one("#notes", Static).update(_notes(self.plan))

    def _confirmation(self) -> Confirmation:
        count_text = self.query_one("#count", Input).value if self.plan.needs.count else ""
        word = self.query_one("#word", Input).value.strip() if self.plan.needs.word else None
        typed = tuple(
            i.value.strip() for i in self.query(Input) if (i.id or "").startswith("image-")
        )
        return Confirmation(
            count=int(count_text) if count_text.strip().isdigit() else None,
            word=word,
            image_ids=typed,
        )

    def action_confirm(self) -> None:
        """Go ahead only when everything typed matches."""
        confirmation = self._confirmation()
        missing = self.plan.needs.check(confirmation)
        if missing:
            self.query_one("#missing", Static).update(Text("\n".join(missing), style="bold red"))
            return
        self.dismiss((confirmation, self.plan))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter anywhere tries to confirm."""
        event.stop()
        self.action_confirm()

    def key_enter(self) -> None:
        """enter with nothing to type confirms."""
        if not list(self.query(Input)):
            self.action_confirm()

    def action_cancel(self) -> None:
        """esc: nothing runs."""
        self.dismiss(None)
