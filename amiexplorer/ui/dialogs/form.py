"""The base of every action dialog: fields, inline problems, `ctrl+s` submits, `esc` cancels.

A dialog turns what was typed into a request, asks the runner to plan it (pure: no API
call), and shows the plan's problems next to the form. Only a request without problems
goes on: the explorer preflights it and asks for a confirmation over the form, which stays
open until the request is confirmed, so that esc on the confirmation comes back to it with
everything still filled in (and a refusal of the preflight is shown in it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import ActionRequest
from amiexplorer.core.validation import Problem


@dataclass(slots=True)
class DialogContext:
    """What a dialog may read: the selected resources, the account and the runner."""

    resources: list[Any]
    account: Account
    runner: ActionRunner
    now: datetime


def parse_tags(text: str) -> tuple[tuple[str, str], ...] | None:
    """`Key=Value, Other=Thing` as tag pairs; None when the text is malformed."""
    tags: list[tuple[str, str]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            return None
        tags.append((key.strip(), value.strip()))
    return tuple(tags)


def parse_list(text: str) -> tuple[str, ...]:
    """A comma- or space-separated list, without blanks or repeats."""
    return tuple(dict.fromkeys(p for p in text.replace(",", " ").split() if p))


class FormDialog(ModalScreen[ActionRequest | None]):
    """Subclasses compose their fields and implement `build()`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", id="submit", tooltip="Check and submit"),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close without doing anything"),
    ]

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FormDialog VerticalScroll { height: auto; max-height: 1fr; }
    FormDialog .label { color: $text-muted; margin-top: 1; }
    FormDialog .explain { color: $text-muted; }
    FormDialog .warning { color: $warning; }
    FormDialog #problems { color: $error; height: auto; }
    FormDialog #keys { color: $text-muted; }
    FormDialog Input { border: tall $panel; }
    FormDialog Input.-invalid { border: tall $error; }
    FormDialog SelectionList.-invalid, FormDialog Select.-invalid { border: tall $error; }
    /* On a short terminal (80x24 over SSH) every field is one line, so a form fits. */
    FormDialog.-short Input {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    FormDialog.-short Input:focus { background: $primary 30%; }
    FormDialog.-short Input.-invalid { background: $error 40%; }
    FormDialog.-short .label { margin-top: 0; }
    """

    #: Below 32 rows the short layout applies (Textual adds the class on resize).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (Textual types it so)

    TITLE = "Action"
    #: The keys line under the form.
    KEYS = "ctrl+s submit · esc cancel · tab next field"

    #: What runs a submitted request while the form stays open (set by whoever opens the
    #: dialog); without it, the dialog is dismissed with the request.
    submit_to: Callable[[ActionRequest], None] | None = None

    def __init__(self, context: DialogContext) -> None:
        super().__init__()
        self.context = context
        #: A submitted request is being checked (DryRun) or confirmed: no second submit.
        self.checking = False

    def compose(self) -> ComposeResult:
        """Title, the subclass's fields, problems, and the keys."""
        with Vertical() as frame:
            frame.border_title = self.TITLE
            with VerticalScroll():
                yield from self.fields()
            yield Static("", id="problems")
            yield Static(self.KEYS, id="keys")

    def fields(self) -> Iterable[Any]:
        """The widgets of the form (subclasses)."""
        return ()

    def build(self) -> ActionRequest | list[Problem]:
        """The request the fields describe, or problems found before planning (subclasses)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Focus the first field."""
        first = self.first_field()
        if first is not None:
            first.focus()

    def first_field(self) -> Widget | None:
        """The field focused when the form opens (the first input; subclasses may choose)."""
        inputs = list(self.query(Input))
        return inputs[0] if inputs else None

    def show_problems(self, problems: Iterable[Problem | str]) -> None:
        """Say what is wrong, next to the form; mark the fields concerned."""
        problems = list(problems)
        lines = [p if isinstance(p, str) else p.message for p in problems]
        # Any field can be marked (inputs, region lists, selects), so clear them all.
        for marked in self.query(".-invalid"):
            marked.remove_class("-invalid")
        for problem in problems:
            field = getattr(problem, "field", None)
            if field:
                for widget in self.query(f"#{field}"):
                    widget.add_class("-invalid")
        self.query_one("#problems", Static).update(
            Text("\n".join(f"✗ {line}" for line in lines), style="bold red") if lines else ""
        )

    def action_submit(self) -> None:
        """Check everything without calling AWS; go on only with a request that has no problems."""
        if self.checking:
            return
        built = self.build()
        if isinstance(built, list):
            self.show_problems(built)
            return
        plan = self.context.runner.plan(built)
        if plan.read_only_message:
            self.show_problems([plan.read_only_message])
            return
        if plan.problems:
            self.show_problems(plan.problems)
            return
        if not plan.steps and plan.refused:
            self.show_problems([r.message for r in plan.refused])
            return
        if self.submit_to is None:
            self.dismiss(built)
            return
        self.show_problems([])
        self.checking = True
        self.query_one("#keys", Static).update("checking permissions (DryRun)… · esc cancels")
        self.submit_to(built)

    def resume(self, problems: Iterable[Problem | str] = ()) -> None:
        """The request went no further (not confirmed, or refused): the form is editable again."""
        self.checking = False
        self.query_one("#keys", Static).update(self.KEYS)
        self.show_problems(problems)

    async def confirmation_notices(self, plan: Plan) -> list[str]:
        """Warnings of the form's own for the confirmation of `plan` (subclasses)."""
        return []

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter on the last field submits; elsewhere it moves on."""
        event.stop()
        inputs = [i for i in self.query(Input) if i.display]
        if inputs and event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        """esc: nothing happens."""
        self.dismiss(None)


def label(text: str) -> Static:
    """A field label."""
    return Static(text, classes="label")


def explain(text: str, warning: bool = False) -> Static:
    """A line of explanation under a field."""
    return Static(text, classes="warning" if warning else "explain")
