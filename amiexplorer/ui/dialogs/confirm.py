"""The confirmation: everything a plan will touch, and what must be typed before it runs.

It restates every choice made in the form (see `restate`) and lists every target with its
region and size. A bulk action (2 or more resources) requires the number of resources;
making something public requires the word `public`; an image that launch templates or
configurations name requires its id. A tick box may re-plan (deregister without the
snapshots, make private for accounts too): what is to be typed follows the new plan.
Nothing runs from here: the dialog only returns a `Confirmation` with the plan it confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Static

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity
from amiexplorer.core.plans.plan import Confirmation, ConfirmationNeeds, Plan, Step
from amiexplorer.core.plans.requests import CreateVolumeRequest
from amiexplorer.ui.dialogs.fresh_keys import AnswersFreshKeysOnly
from amiexplorer.ui.dialogs.restate import (
    Line,
    instance_volume_gib,
    new_volume_gib,
    restate,
)
from amiexplorer.ui.rows import formatting as fmt
from amiexplorer.ui.widgets.toggles import TickBox

Replan = Callable[[bool], Plan]


@dataclass(frozen=True, slots=True)
class Toggle:
    """A tick box of the confirmation that re-plans: its label, the re-planning, its start."""

    label: str
    replan: Replan
    #: Whether the box starts ticked (the plan shown first is the one for this value).
    value: bool = True


#: A toggle, or (label, replan) for one that starts ticked.
ToggleSpec = Toggle | tuple[str, Replan]


def as_toggle(spec: ToggleSpec | None) -> Toggle | None:
    """The Toggle a spec describes."""
    if spec is None or isinstance(spec, Toggle):
        return spec
    label, replan = spec
    return Toggle(label, replan)


def _size_of(inventory: Inventory, resource_id: str) -> str:
    resource: Any = inventory.get(resource_id)
    if resource is None:
        return ""
    for attr in ("volume_size_gib", "size_gib"):
        value = getattr(resource, attr, None)
        if isinstance(value, int):
            return fmt.size_gib(value)
    return ""


def step_size(plan: Plan, step: Step, resource_id: str, inventory: Inventory) -> str:
    """The size a step is about: what it creates (the volume asked for), else its resource."""
    request = plan.request
    if step.action == "CreateVolume" and isinstance(request, CreateVolumeRequest):
        return fmt.size_gib(new_volume_gib(request, inventory))
    if step.action in ("CreateImage", "CreateSnapshots"):
        instance = inventory.instances.get(resource_id)
        if instance is not None:
            boot = not step.params.get("InstanceSpecification", {}).get("ExcludeBootVolume")
            total = instance_volume_gib(instance, inventory, boot=boot)
            return fmt.size_gib(total) if total is not None else ""
    return _size_of(inventory, resource_id)


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
            size = step_size(plan, step, resource_id, inventory)
            table.add_row(step.action, resource_id, step.region, size, name)
    return table


def choices_table(lines: Sequence[Line]) -> Table:
    """The restated choices: one labelled line each, wrapped (never cut)."""
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for line in lines:
        table.add_row(line.label, Text(line.text, style="bold yellow" if line.warning else ""))
    return table


def _notes(plan: Plan, notices: Iterable[str] = ()) -> Text:
    text = Text()
    for notice in notices:
        text.append(f"⚠ {notice}\n", style="bold yellow")
    for warning in plan.warnings:
        text.append(f"⚠ {warning.message}\n", style="bold yellow")
    for item in plan.refused:
        text.append(f"✗ refused {' '.join(item.resource_ids)}: {item.message}\n", style="red")
    for item in plan.skipped:
        text.append(f"- skipped {' '.join(item.resource_ids)}: {item.message}\n", style="dim")
    if plan.estimate is not None:
        text.append(plan.estimate.describe() + "\n", style="bold")
    return text


def need_widgets(needs: ConfirmationNeeds) -> list[Widget]:
    """A label and an input per thing to type (or how to go ahead when nothing is)."""
    widgets: list[Widget] = []
    if needs.count is not None:
        widgets.append(
            Static(f"Type {needs.count} (the number of resources) to confirm:", classes="label")
        )
        widgets.append(Input(placeholder=str(needs.count), id="count", type="integer"))
    if needs.word is not None:
        widgets.append(Static(f"Type the word {needs.word!r} to make it public:", classes="label"))
        widgets.append(Input(placeholder=needs.word, id="word"))
    for index, image_id in enumerate(needs.image_ids):
        widgets.append(
            Static(
                f"Launch templates or configurations name {image_id}: type its id:",
                classes="label",
            )
        )
        widgets.append(Input(placeholder=image_id, id=f"image-{index}"))
    if not widgets:
        widgets.append(
            Static("Press ctrl+s (or enter) to go ahead, esc to go back.", classes="label")
        )
    return widgets


class ConfirmDialog(AnswersFreshKeysOnly, ModalScreen[tuple[Confirmation, Plan] | None]):
    """Shows the plan; returns what was typed with the plan it confirms, or None on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="confirm", tooltip="Run the plan"),
        Binding("escape", "cancel", "Back", id="cancel-confirm", tooltip="Do nothing, go back"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmDialog VerticalScroll { height: auto; max-height: 1fr; }
    ConfirmDialog #choices { margin-bottom: 1; }
    ConfirmDialog #needs { height: auto; }
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
        toggle: ToggleSpec | None = None,
        identity: Identity | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        """`identity` names this account's alias; `notices` are the form's own warnings."""
        super().__init__()
        self.note_asked()
        self.plan = plan
        self.inventory = inventory
        self.toggle = as_toggle(toggle)
        self.identity = identity
        self.notices = tuple(notices)

    def compose(self) -> ComposeResult:
        """What was chosen, the plan, then one input per thing to type."""
        with Vertical() as frame:
            frame.border_title = self.plan.title
            with VerticalScroll():
                yield Static(self._choices(), id="choices")
                plan = Static(plan_table(self.plan, self.inventory), id="plan")
                plan.display = bool(self.plan.steps)  # no table of calls when there are none
                yield plan
                yield Static(_notes(self.plan, self.notices), id="notes")
                if self.toggle is not None:
                    yield TickBox(self.toggle.label, value=self.toggle.value, id="toggle")
                with Vertical(id="needs"):
                    yield from need_widgets(self.plan.needs)
            yield Static("", id="missing")

    def _choices(self) -> Table:
        return choices_table(restate(self.plan, self.inventory, self.identity))

    def on_mount(self) -> None:
        """Focus the first thing to type.

        (Nothing here may expect a child: an esc typed in the burst that opened the dialog
        can close it while its children mount, and they are gone by the time this runs.)
        """
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    async def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Re-plan (without the image's snapshots, say); what is to be typed follows it."""
        if self.toggle is None:
            return
        needs = self.plan.needs
        self.plan = self.toggle.replan(event.value)
        self.query_one("#choices", Static).update(self._choices())
        shown = self.query_one("#plan", Static)
        shown.update(plan_table(self.plan, self.inventory))
        shown.display = bool(self.plan.steps)
        self.query_one("#notes", Static).update(_notes(self.plan, self.notices))
        self.query_one("#missing", Static).update("")
        if self.plan.needs != needs:
            # The number typed for the old plan means nothing for this one: type it afresh.
            box = self.query_one("#needs", Vertical)
            typing = self.focused is not None and box in self.focused.ancestors
            await box.remove_children()
            await box.mount_all(need_widgets(self.plan.needs))
            inputs = list(box.query(Input))
            if typing and inputs:
                inputs[0].focus()

    def _confirmation(self) -> Confirmation:
        needs = self.plan.needs
        count_text = self.query_one("#count", Input).value if needs.count is not None else ""
        word = self.query_one("#word", Input).value.strip() if needs.word is not None else None
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
        """esc: nothing runs (the form it came from, if any, is shown again)."""
        self.dismiss(None)
