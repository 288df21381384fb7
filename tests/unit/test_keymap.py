"""The config file's `[keymap]` and `theme` are checked against what the app has (issue 12,
item 21): an unknown id, a flood of them, a key that is no key, an unknown theme, and a key
given to two bindings (`filter = "q"` took `q` from quit) each stop the app with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from amiexplorer.config import ConfigError, Settings, load_settings, parse_settings
from amiexplorer.keymap import check_keymap
from amiexplorer.startup import EXIT_BAD_START
from amiexplorer.ui.app import AmiExplorerApp, Opening
from amiexplorer.ui.keys import checked_keymap, key_name, key_uses, keymap_ids
from amiexplorer.ui.rows.audit import GroupRow
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from tests.functional.conftest import AppFactory, explorer, make_app, settle, until

__all__ = ["make_app"]  # the fixture, for the Pilot tests below


def refusal(keymap: dict[str, str]) -> str:
    """The one line a keymap is refused with."""
    with pytest.raises(ConfigError) as caught:
        checked_keymap(Settings(keymap=keymap))
    return str(caught.value)


def test_the_ids_are_read_from_every_kind_of_class_that_has_keys() -> None:
    # The App, the explorer, a dialog, the help screen and a widget: each found by walking
    # the UI's classes, none from a list kept by hand.
    ids = set(keymap_ids())
    assert {"quit", "filter", "confirm", "close-help", "jump", "cancel"} <= ids


def test_an_unknown_id_is_refused_with_a_suggestion() -> None:
    line = refusal({"filtr": "f"})
    assert line == (
        'settings: [keymap] has no binding "filtr" (did you mean "filter"?); '
        "the binding ids are listed in the README (Keys)"
    )


def test_200000_unknown_ids_are_counted_not_listed_and_no_key_is_looked_at() -> None:
    keymap = {f"nosuch-{n}": "x" for n in range(200_000)}
    looked_at: list[str] = []

    def counting_key_name(text: str) -> str | None:
        looked_at.append(text)
        return key_name(text)

    with pytest.raises(ConfigError) as caught:
        check_keymap(keymap, key_uses(), counting_key_name)
    line = str(caught.value)
    assert "names 200,000 bindings the app does not have" in line
    assert '"nosuch-0", "nosuch-1", "nosuch-2" and 199,997 more' in line
    assert len(line) < 200
    # Refused on the ids alone, one set lookup each: nothing else is done with 200,000 keys.
    assert looked_at == []


def test_filter_on_q_is_refused_naming_both_uses() -> None:
    line = refusal({"filter": "q"})
    assert '"filter" (Filter rows as you type)' in line
    assert '"quit" (Leave amiexplorer)' in line


def test_two_bindings_moved_onto_one_key_are_refused() -> None:
    line = refusal({"snapshots": "x", "images": "x"})
    assert '"snapshots" (Show snapshots)' in line and '"images" (Show images (AMIs))' in line


def test_a_key_a_widget_keeps_is_refused_too() -> None:
    # `g` is the table's "First": the table has focus, so mark-all would never run.
    line = refusal({"mark-all": "g"})
    assert '"mark-all"' in line and "First in ResourceTable, which cannot be remapped" in line


def test_a_key_freed_by_moving_its_binding_can_be_taken() -> None:
    assert checked_keymap(Settings(keymap={"quit": "Q", "filter": "q"})) == {
        "quit": "Q",
        "filter": "q",
    }


def test_keys_in_one_screen_may_repeat_across_screens() -> None:
    # y is Quit now in the quit dialog and Copy in the explorer: never on screen together.
    assert checked_keymap(Settings(keymap={"copy": "y"})) == {"copy": "y"}


@pytest.mark.parametrize(
    ("written", "name"),
    [("/", "slash"), ("!", "exclamation_mark"), ("ctrl+/", "ctrl+slash"), ("f5", "f5"), ("F", "F")],
)
def test_keys_are_named_as_textual_names_them(written: str, name: str) -> None:
    assert checked_keymap(Settings(keymap={"filter": written})) == {"filter": name}


@pytest.mark.parametrize("written", ["ctrl-f", "Ctrl+f", "pgdown", "f5,,f6", "ctrl+"])
def test_what_is_no_key_is_refused(written: str) -> None:
    line = refusal({"filter": written})
    assert line.startswith(f'settings: keymap.filter = "{written}": ')
    assert "is not a key" in line


def test_the_line_names_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\nfilter = "q"\n')
    settings = load_settings(path)
    assert settings.source == path
    with pytest.raises(ConfigError, match=rf"^config file {path}: \[keymap\] gives"):
        checked_keymap(settings)


def test_source_is_no_setting_of_the_file() -> None:
    with pytest.raises(ConfigError, match="unknown key 'source'; allowed: profile, regions"):
        parse_settings({"source": "/etc/passwd"})


@pytest.mark.parametrize(
    ("keymap", "message"),
    [
        (3, r'\[keymap\] must be a table of binding id = key, like filter = "f"'),
        ({"filter": 5}, r"keymap\.filter must be a non-empty string, not 5"),
        ({"x" * 500: ""}, r"keymap\.x{39}… must be a non-empty string"),
    ],
)
def test_the_shape_is_checked_when_the_file_is_read(keymap: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings({"keymap": keymap})


# The app ------------------------------------------------------------------------------------


async def test_the_app_refuses_a_keymap_that_takes_q_from_quit(make_app: AppFactory) -> None:
    with pytest.raises(ConfigError, match=r'"filter".*"quit"'):
        await make_app(Settings(keymap={"filter": "q"}))


async def test_the_app_refuses_a_theme_it_does_not_have(make_app: AppFactory) -> None:
    with pytest.raises(
        ConfigError, match=r"theme 'solarised' does not exist; choose one of .*textual-dark"
    ):
        await make_app(Settings(theme="solarised"))


async def test_a_bad_keymap_ends_the_start_before_connecting() -> None:
    # The opener's path (the real start): the check runs behind the first frame, and the
    # line is the bad start's, with status 2.
    opened: list[bool] = []

    async def opener() -> object:
        opened.append(True)
        raise AssertionError("the opener must not run")

    settings = Settings(keymap={"filter": "q"}, source=Path("/tmp/my.toml"))
    app = AmiExplorerApp(settings=settings, opening=Opening(opener, what="the test"))  # type: ignore[arg-type]
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == EXIT_BAD_START
    assert app.startup_failure is not None
    assert app.startup_failure.startswith('config file /tmp/my.toml: [keymap] gives "q"')
    assert opened == []


async def test_moving_details_off_enter_leaves_enter_to_the_audit(make_app: AppFactory) -> None:
    # Textual drops every binding of a key when one moves off it: the keymap the app
    # applies names audit-open's enter, so the Audit pane still folds its groups.
    app = await make_app(Settings(keymap={"details": "d"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("d")
        await until(pilot, lambda: screen.query_one(DetailPanel).has_class("-open"))
        await pilot.press("escape", "6")
        await settle(pilot)
        rows = len(screen.audit.model.rows)
        heading = next(i for i, r in enumerate(screen.audit.model.rows) if isinstance(r, GroupRow))
        await pilot.press("g", *(["j"] * heading), "enter")  # on a heading: fold its group
        await pilot.pause()
        assert len(screen.audit.model.rows) < rows
