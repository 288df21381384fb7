"""A key that closes a dialog never acts again on the screen below (issue 12, item 5).

Textual looks a key's binding up once the key has bubbled to the app, on whichever screen
is on top then: after a dialog closed, the screen below it. Pilot presses one key and waits
for it to be handled; keys typed in one burst (a paste, `tmux send-keys`, a fast typist)
arrive together, so `burst` queues them at the app at once, as the terminal driver does.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot

from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.rows.audit import FindingRow
from tests.dialogs.conftest import calls, goto, wait_for_screen
from tests.functional.conftest import AppFactory, explorer, open_audit, settle, until


def burst(app: App[Any], *keys: str) -> None:
    """Keys typed in one write: all queued at the app before it handles the first."""
    for key in keys:
        app.post_message(events.Key(key, None))


def details_open(pilot: Pilot[Any]) -> bool:
    """True when the explorer (on top) has its details box open."""
    return explorer(pilot).resources.details_open


async def test_the_enter_that_confirms_never_opens_the_details_below(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    # The keys: 3, g, c, ctrl+s, enter, esc.
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "g", "c")
        await wait_for_screen(pilot, CreateVolumeDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("enter")
        await wait_for_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        await settle(pilot)
        assert not details_open(pilot), "the confirming enter opened the details below"
    assert [r.dry_run for r in calls(demo_server, "CreateVolume")] == [True, False]


async def test_enter_on_a_confirmation_in_the_audit_pane_stays_in_the_audit(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    # The keys: in the Audit pane, p then enter.
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        rows = list(screen.audit.model.rows)
        index = next(
            i
            for i, row in enumerate(rows)
            if isinstance(row, FindingRow) and row.finding.code is FindingCode.PUBLIC_IMAGE
        )
        await pilot.press("g", *(["j"] * index))
        assert screen.audit.table.cursor == index
        await pilot.press("p")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("enter")
        await wait_for_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        await settle(pilot)
        assert screen.audit.shown, "the confirming enter left the audit"
        assert screen.kind is not ResourceKind.IMAGE or not details_open(pilot)
    assert [r.dry_run for r in calls(demo_server, "ModifyImageAttribute")] == [True, False]


async def test_keys_typed_in_one_burst_end_with_the_dialog_they_reached(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume = sorted(world.volume_instance)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await goto(pilot, "2", volume)
        # esc closes the results; the enter typed behind it reached the results too.
        await pilot.press("c")
        await wait_for_screen(pilot, CreateSnapshotDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        burst(app, "escape", "enter")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        await settle(pilot)
        assert not screen.resources.details_open, "an enter typed behind esc opened the details"
        # enter confirms; the esc and the 4 typed behind it act on nothing below.
        await pilot.press("escape")  # the filter
        await pilot.press("3", "g", "enter")
        await settle(pilot)
        assert screen.resources.details_open
        snapshot = screen.table.current.id
        await pilot.press("c")
        await wait_for_screen(pilot, CreateVolumeDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        burst(app, "enter", "escape", "4")
        await wait_for_screen(pilot, ResultsDialog)
        await settle(pilot)
        assert screen.resources.details_open, "an esc typed behind enter closed the details"
        assert screen.kind is ResourceKind.SNAPSHOT, "a 4 typed behind enter switched panes"
        assert screen.table.current.id == snapshot
    assert [r.dry_run for r in calls(demo_server, "CreateSnapshot")] == [True, False]
    assert [r.dry_run for r in calls(demo_server, "CreateVolume")] == [True, False]


async def test_keys_typed_before_the_confirmation_opened_never_answer_it(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    # ctrl+s, then at once enter and ctrl+s again, as a lagged link delivers them: the form's
    # DryRun is still running when the two are typed, and they reach the app only once the
    # confirmation (which asks for no typed number: "ctrl+s (or enter) to go ahead") is up.
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "g", "c")
        await wait_for_screen(pilot, CreateVolumeDialog)
        typed_on_the_form = [events.Key("enter", None), events.Key("ctrl+s", None)]
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        for key in typed_on_the_form:
            app.post_message(key)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), "a key typed on the form confirmed"
        # A key typed once the confirmation is on screen is an answer.
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
    assert [r.dry_run for r in calls(demo_server, "CreateVolume")] == [True, False]


async def test_a_y_typed_before_the_quit_question_never_answers_it(
    make_app: AppFactory, world: Planted
) -> None:
    from amiexplorer.ui.dialogs.quit import QuitDialog

    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space")
        early = events.Key("y", "y")
        await pilot.press("q")
        await wait_for_screen(pilot, QuitDialog)
        app.post_message(early)
        await settle(pilot)
        assert isinstance(app.screen, QuitDialog) and app.is_running
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, QuitDialog))
        assert explorer(pilot).table.marked, "n keeps the marks"
