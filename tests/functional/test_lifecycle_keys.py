"""`l`: a lifecycle change from the keyboard, end to end through the app and the demo's moto:
the form, the confirmation that restates it, the results, and the row as AWS says it is now."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import RadioSet

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.demo.backends import ec2_backend
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.lifecycle import LifecycleDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, until
from tests.functional.test_actions import goto

REGION = "us-east-1"


async def choose(pilot: Pilot[Any], change: str) -> None:
    """Move to `change` in the list of changes and press it, as a person would."""
    dialog = pilot.app.screen
    assert isinstance(dialog, LifecycleDialog)
    radios = dialog.query_one("#change", RadioSet)
    assert radios.has_focus
    ids = [button.id for button in radios.query("RadioButton")]
    await pilot.press(*["down"] * ids.index(f"change-{change}"), "enter")
    await pilot.pause()
    pressed = radios.pressed_button
    assert pressed is not None and pressed.id == f"change-{change}"


async def test_l_disables_an_unused_image_and_the_row_says_so(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    image_id = sorted(i for i in world.unused_images if world.region_of[i] == REGION)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "4", image_id)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LifecycleDialog))
        await choose(pilot, "disable")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        text = screen_text(pilot)
        assert "Disable: no new launches" in text and f"{REGION}: {image_id}" in text
        assert "a disabled image cannot launch instances" in text
        demo_server.clear_requests()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsDialog))
        assert f"disabled: {image_id}" in screen_text(pilot)
        sent = [r for r in demo_server.requests if r.action == "DisableImage" and not r.dry_run]
        assert [r.params.get("ImageId") for r in sent] == [image_id]
        assert ec2_backend(REGION).amis[image_id].state == "disabled"
        # The runner read the image again: the inventory has AWS's word, and so does the row.
        assert app.account.inventory.images[image_id].state == "disabled"
        await pilot.press("escape")
        await settle(pilot)
        assert "disabled" in screen_text(pilot)


async def test_a_deprecation_in_the_past_stays_in_the_form_with_the_reason(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    image_id = sorted(i for i in world.unused_images if world.region_of[i] == REGION)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "4", image_id)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LifecycleDialog))
        app.screen.query_one("#deprecate_at").focus()
        await pilot.press(*"2020-01-01")
        demo_server.clear_requests()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LifecycleDialog)
        assert "the deprecation time must be in the future" in screen_text(pilot)
        assert not [r for r in demo_server.requests if r.action == "EnableImageDeprecation"]


async def test_l_is_refused_in_read_only_mode_and_on_volumes(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4", "l")
        await pilot.pause()
        assert not isinstance(app.screen, LifecycleDialog)
        assert "read-only mode" in str(explorer(pilot).status.render())
    writable = await make_app()
    async with writable.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "l")
        await pilot.pause()
        assert not isinstance(writable.screen, LifecycleDialog)
        assert "changes the lifecycle of images (4) or snapshots (3)" in str(
            explorer(pilot).status.render()
        )
