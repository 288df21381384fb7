"""Panes own their keys (issue 13): a key acts in the pane that has it, and the hints in the
explorer's messages name the keys the user's keymap gave."""

from __future__ import annotations

from amiexplorer.config import Settings
from amiexplorer.core.models import ResourceKind
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, until


async def test_refusals_name_the_keys_of_the_keymap(make_app: AppFactory) -> None:
    app = await make_app(Settings(keymap={"images": "9", "snapshots": "8", "copy": "Y"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert explorer(pilot).kind is ResourceKind.INSTANCE
        await pilot.press("Y")  # copy, on an instance
        await until(
            pilot,
            lambda: "Y copies images (9) or snapshots (8) to other regions" in screen_text(pilot),
        )


async def test_the_audit_pane_keys_act_on_findings_and_the_resource_keys_are_gone(
    make_app: AppFactory,
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("6")
        await until(pilot, lambda: screen.audit.report is not None)
        footer = screen_text(pilot).splitlines()[-1]
        assert "Sort" not in footer and "Create" not in footer
        # `o` (sort) is the resource pane's: in the Audit pane it sorts nothing anywhere.
        before = screen.models[screen.kind].sort_column
        await pilot.press("o")
        await pilot.pause()
        assert screen.models[screen.kind].sort_column is before
        # Back in a resource pane, the same key sorts.
        await pilot.press("2", "o")
        await pilot.pause()
        assert screen.models[ResourceKind.VOLUME].sort_column is not None


async def test_one_runner_serves_every_key_of_the_account(make_app: AppFactory) -> None:
    # The flow is a service of the explorer, over one long-lived ActionRunner: the dialogs
    # of two key presses plan with the same runner (which remembers the plans it ran).
    from amiexplorer.ui.dialogs.form import FormDialog

    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        runners = []
        for _ in range(2):
            await pilot.press("c")  # on an instance: create an image
            await until(pilot, lambda: isinstance(app.screen, FormDialog))
            dialog = app.screen
            assert isinstance(dialog, FormDialog)
            runners.append(dialog.context.runner)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
        assert runners[0] is runners[1] is screen.flow.runner
