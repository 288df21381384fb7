"""What amiexplorer reaches into Textual for, checked against the Textual installed.

When an upgrade of Textual changes one of these, the test that fails names what changed and
which module must follow: `amiexplorer/ui/textual_patches.py` (two OptionList crashes) or the
last net in `amiexplorer/ui/app.py` (`_handle_exception`, `_fatal_error`).
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import Any

import pytest
from textual.app import App, ComposeResult, ScreenStackError
from textual.screen import Screen
from textual.widgets import OptionList

from amiexplorer.ui import textual_patches

WHERE = f"textual {version('textual')} changed"


def test_every_patch_is_in_place() -> None:
    assert textual_patches.installed() == {
        "page-keys": True,
        "content-height": True,
        "lines": True,
        "dismiss-once": True,
        "palette-search": True,
    }, f"{WHERE}: amiexplorer/ui/textual_patches.py no longer finds what it patches"


def test_installing_twice_wraps_once() -> None:
    textual_patches.install()
    patched = OptionList._move_page
    textual_patches._installed.clear()
    textual_patches.install()
    assert OptionList._move_page is patched
    assert not getattr(patched.__wrapped__, textual_patches._MARK, False)  # type: ignore[attr-defined]


def test_the_bugs_patched_are_still_in_textual() -> None:
    """Once Textual guards these itself, the patches can go (this test says so)."""
    move_page = inspect.getsource(OptionList._move_page.__wrapped__)  # type: ignore[attr-defined]
    assert "self._index_to_line[self.highlighted or 0]" in move_page, (
        f"{WHERE} OptionList._move_page: does it still need the guard of textual_patches.py?"
    )
    height = inspect.getsource(OptionList.get_content_height.__wrapped__)  # type: ignore[attr-defined]
    assert "width - padding_width" in height and "if not width" not in height, (
        f"{WHERE} OptionList.get_content_height: does it still need textual_patches.py?"
    )
    lines = inspect.getsource(OptionList._update_lines.__wrapped__)  # type: ignore[attr-defined]
    assert "width - padding.width" in lines, (
        f"{WHERE} OptionList._update_lines: does it still need textual_patches.py?"
    )
    dismiss = inspect.getsource(Screen.dismiss.__wrapped__)  # type: ignore[attr-defined]
    assert "self.app.pop_screen()" in dismiss and "self.app.screen" not in dismiss, (
        f"{WHERE} Screen.dismiss: does it still need the guard of textual_patches.py?"
    )


class _Lists(App[None]):
    """A plain OptionList with no room: squeezed to no height, or to no width for text."""

    def __init__(self, css: str) -> None:
        self.CSS = css
        super().__init__()

    def compose(self) -> ComposeResult:
        yield OptionList("a long option that wraps", "two", "three", id="list")


async def test_page_keys_on_a_list_with_no_layout() -> None:
    app = _Lists("#list { height: 0; }")
    async with app.run_test() as pilot:
        listed = app.query_one(OptionList)
        listed.focus()
        listed.highlighted = 1
        with pytest.raises(KeyError):  # what Textual does unpatched
            listed._move_page.__wrapped__(listed, 1)  # type: ignore[attr-defined]
        await pilot.press("pagedown", "pageup")
        assert listed.highlighted == 1
        assert app.is_running


@pytest.mark.parametrize("height", ["auto", "5"])
async def test_a_list_with_no_width_for_its_text(height: str) -> None:
    """As wide as its options' padding: no cell left for text."""
    app = _Lists(
        f"#list {{ width: 4; height: {height}; border: none; padding: 0; }}"
        " #list > .option-list--option { padding: 0 2; }"
    )
    async with app.run_test(size=(40, 10)) as pilot:
        listed = app.query_one(OptionList)
        listed.focus()
        await pilot.press("down", "pagedown", "end", "pageup")
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        assert app.is_running


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_what_the_last_net_overrides() -> None:
    """ui/app.py replaces how Textual reports an uncaught error (see crash_report.py)."""
    assert _parameters(App._handle_exception) == ["self", "error"], (
        f"{WHERE} App._handle_exception: amiexplorer/ui/app.py's last net must follow"
    )
    assert _parameters(App._fatal_error) == ["self"], (
        f"{WHERE} App._fatal_error: amiexplorer/ui/app.py's last net must follow"
    )
    handle = inspect.getsource(App._handle_exception)
    assert "self._fatal_error()" in handle and "self._exception = error" in handle, (
        f"{WHERE} App._handle_exception: amiexplorer/ui/app.py's last net must follow"
    )
    assert callable(getattr(App, "_close_messages_no_wait", None)), WHERE


async def test_a_screen_dismissed_twice_pops_once() -> None:
    """Two selections on a dialog in one burst (enter, enter): the second dismiss must not
    pop the screen below it, nor give its callback a second answer."""
    from textual.screen import ModalScreen

    answers: list[str | None] = []
    app = _Lists("")
    async with app.run_test() as pilot:
        dialog: ModalScreen[str] = ModalScreen()
        app.push_screen(dialog, answers.append)
        await pilot.pause()
        below = app.screen_stack[0]
        dialog.dismiss("first")
        await pilot.pause()
        with pytest.raises(ScreenStackError):  # what Textual does unpatched
            Screen.dismiss.__wrapped__(dialog, "second")  # type: ignore[attr-defined]
        dialog.dismiss("third")
        await pilot.pause()
        assert app.screen_stack == [below] and app.is_running
    assert answers == ["first"]


async def test_a_covered_screen_does_not_close_the_one_above_it() -> None:
    """An esc for a form still queued as its confirmation opens above it: the form's dismiss
    must not pop the confirmation (and a second one end the app)."""
    from textual.screen import ModalScreen

    answers: list[str | None] = []
    app = _Lists("")
    async with app.run_test() as pilot:
        form: ModalScreen[str] = ModalScreen()
        confirmation: ModalScreen[str] = ModalScreen()
        app.push_screen(form, answers.append)
        app.push_screen(confirmation)
        await pilot.pause()
        form.dismiss("esc")
        form.dismiss("esc again")
        await pilot.pause()
        assert app.screen is confirmation and form in app.screen_stack and app.is_running
        confirmation.dismiss()
        await pilot.pause()
        form.dismiss("now")
        await pilot.pause()
    assert answers == ["now"]
