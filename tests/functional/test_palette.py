"""The command palette (ctrl+p) lists every key's action with its key, and runs it on the
screen on top when chosen (issue 12, item 21: it listed no actions)."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette, DiscoveryHit, Hit

from amiexplorer.config import Settings
from amiexplorer.core.models import ResourceKind
from amiexplorer.ui.commands import KeyCommands
from amiexplorer.ui.screens.explorer import ExplorerScreen
from amiexplorer.ui.screens.help import HelpScreen
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, until


async def hits_of(screen: Any) -> dict[str, DiscoveryHit | Hit]:
    """The palette's key commands on `screen`, by title."""
    provider = KeyCommands(screen)
    return {str(hit.prompt): hit async for hit in provider.discover()}


async def test_every_key_of_the_explorer_is_a_command_with_its_key(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        hits = await hits_of(screen)
        # Every binding that a key runs here, the footer's and the hidden ones alike.
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action == "command_palette" or not binding.description:
                continue
            title = binding.tooltip or binding.description
            assert title in hits, title
            assert app.get_key_display(binding) in str(hits[title].help)
        assert hits["Filter rows as you type"].help == "key / · Filter"
        assert hits["Leave amiexplorer"].help == "key q · Quit"
        assert hits["Delete or deregister"].help == "key ^d del · Delete"


async def test_a_command_chosen_in_the_palette_runs(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"show images")
        await until(pilot, lambda: "key 4" in screen_text(pilot))
        await pilot.press("down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await until(pilot, lambda: explorer(pilot).kind is ResourceKind.IMAGE)


async def test_the_palette_shows_the_keymap_s_keys(make_app: AppFactory) -> None:
    app = await make_app(Settings(keymap={"filter": "f", "images": "ctrl+i"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        hits = await hits_of(explorer(pilot))
        assert hits["Filter rows as you type"].help == "key f · Filter"
        assert str(hits["Show images (AMIs)"].help).startswith("key ^i")


async def _run(hit: DiscoveryHit | Hit) -> None:
    result = hit.command()
    if result is not None:
        await result


async def test_a_command_acts_on_the_screen_on_top_when_it_runs(make_app: AppFactory) -> None:
    # The palette keeps its commands while it is open; by the time one runs, the screen
    # it was read from may be under a dialog or replaced. It must neither crash nor act
    # on a screen the user no longer sees.
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = explorer(pilot)
        show_images = (await hits_of(first))["Show images (AMIs)"]

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await _run(show_images)
        await pilot.pause()
        # It said so (a toast: screen_text renders the screen, not Textual's toast layer).
        said = [note.message for note in app._notifications]
        assert "“Show images (AMIs)” cannot be done here" in said
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is first)
        assert first.kind is ResourceKind.INSTANCE

        # A new explorer (as a profile switch makes): the command runs on it, not the old.
        second = ExplorerScreen(app.account)
        await app.switch_screen(second)
        await settle(pilot)
        await _run(show_images)
        await until(pilot, lambda: second.kind is ResourceKind.IMAGE)
        assert first.kind is ResourceKind.INSTANCE
