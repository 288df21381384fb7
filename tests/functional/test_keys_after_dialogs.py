"""A key that closes a dialog never acts again on the screen below (issue 12, item 5).

Textual looks a key's bindings up at the app, for the screen on top when the key gets
there: a dialog that closes on a key it handles itself (a `key_enter` method) used to let
the same key run the explorer's binding underneath (enter opened the details).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import Planted
from tests.functional.conftest import AppFactory, explorer, settle, until, until_screen


class ClosesOnEnter(ModalScreen[bool]):
    """A dialog that closes on enter by a key method, as the confirmation did."""

    def compose(self) -> Any:
        yield Static("Press enter")

    def key_enter(self) -> None:
        self.dismiss(True)


class ClosesOnEscape(ModalScreen[bool]):
    """A dialog that closes on esc by a binding (the key is used up: nothing is dropped)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def compose(self) -> Any:
        yield Static("Press esc")

    def action_close(self) -> None:
        self.dismiss(False)


async def test_enter_that_closes_a_dialog_does_not_open_the_details_below(
    make_app: AppFactory,
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        answers: list[bool | None] = []
        app.push_screen(ClosesOnEnter(), answers.append)
        await until(pilot, lambda: isinstance(app.screen, ClosesOnEnter))
        await pilot.press("enter")
        await until(pilot, lambda: answers == [True])
        await settle(pilot)
        assert app.screen is screen
        assert not screen.resources.details_open, (
            "the enter that closed the dialog opened the details"
        )
        # The next enter is the explorer's again.
        await pilot.press("enter")
        assert screen.resources.details_open


async def test_keys_typed_on_a_dialog_in_one_burst_end_with_it(make_app: AppFactory) -> None:
    """enter closes it; `2`, typed behind it in the same write, was meant for the dialog
    too: neither switches the explorer's pane nor opens its details."""
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        app.push_screen(ClosesOnEnter())
        await until(pilot, lambda: isinstance(app.screen, ClosesOnEnter))
        # pilot.press would wait between keys; a burst is queued before any is handled.
        for key, character in (("enter", "\r"), ("2", "2")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen is screen
        assert not screen.resources.details_open
        assert screen.kind is ResourceKind.INSTANCE, "the 2 typed on the dialog switched panes"


async def test_a_binding_that_closes_a_dialog_is_still_its_own(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("slash", *"web", "enter")
        app.push_screen(ClosesOnEscape())
        await until(pilot, lambda: isinstance(app.screen, ClosesOnEscape))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.models[screen.kind].filter_text == "web", "esc cleared the filter below"


async def test_enter_that_confirms_a_deletion_does_not_open_the_details(
    make_app: AppFactory, world: Planted
) -> None:
    from amiexplorer.ui.dialogs.confirm import ConfirmDialog
    from amiexplorer.ui.dialogs.results import ResultsDialog

    snapshot = sorted(world.orphan_snapshots_deleted_volume)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("3", "slash", *snapshot[-10:], "enter", "ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("enter")
        await until_screen(pilot, ResultsDialog)
        assert not screen.resources.details_open
