"""Every key of the explorer, pressed through Pilot on the demo world; asserts what is on screen."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual import events
from textual.binding import Binding
from textual.pilot import Pilot

from amiexplorer.config import Settings
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DEMO_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.rows import model as rowmodel
from amiexplorer.ui.screens.help import HelpScreen, key_table
from amiexplorer.ui.widgets.account_header import AccountHeader
from amiexplorer.ui.widgets.detail_panel import DetailPanel, RelatedList
from amiexplorer.ui.widgets.prompt import Prompt
from amiexplorer.ui.widgets.regions_pane import RegionsPane
from amiexplorer.ui.widgets.resource_table import ResourceTable
from tests.functional.conftest import (
    AppFactory,
    explorer,
    screen_text,
    settle,
    until,
    visible_ids,
)


def _all(relation: object) -> set[str]:
    return {i for ids in relation.values() for i in ids}  # type: ignore[attr-defined]


async def test_first_screen_shows_account_regions_and_counts(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(pilot)
        assert f"account {DEMO_ACCOUNT_ID} (acme-prod)" in text
        assert "endpoint http://127.0.0.1:" in text
        header = app.screen.query_one(AccountHeader).render().plain
        assert "arn:aws:sts::123456789012:" in header
        assert "READ-ONLY" not in header
        for region in world.regions:
            line = next(line for line in text.splitlines() if f"✓ {region} " in line)
            assert line.split("│")[1].split()[-1] == str(len(world.instances[region]))
        assert "All regions" in text
        assert f"{len(_all(world.instances))} in all regions" in text
        assert "Loaded 4 region(s) at 12:00:00 UTC." in text


async def test_read_only_badge(make_app: AppFactory) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in screen_text(pilot)


async def test_number_keys_switch_panes(make_app: AppFactory, world: Planted) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        expected = {
            "1": (ResourceKind.INSTANCE, _all(world.instances), "Instance ID"),
            "2": (ResourceKind.VOLUME, _all(world.volumes), "Volume ID"),
            "3": (ResourceKind.SNAPSHOT, _all(world.snapshots), "Snapshot ID"),
            "4": (ResourceKind.IMAGE, _all(world.images), "Image ID"),
        }
        for key, (kind, ids, heading) in expected.items():
            await pilot.press(key)
            await pilot.pause()
            assert explorer(pilot).kind is kind
            shown = set(visible_ids(pilot))
            owned_shown = (
                shown
                if kind is not ResourceKind.IMAGE
                else {i for i in shown if app.account.inventory.images[i].owned}
            )
            assert owned_shown == ids
            assert heading in screen_text(pilot)


async def test_command_line_switches_panes_and_regions(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for command, kind in [
            ("snap", ResourceKind.SNAPSHOT),
            ("ami", ResourceKind.IMAGE),
            ("vol", ResourceKind.VOLUME),
            ("inst", ResourceKind.INSTANCE),
        ]:
            await pilot.press("colon", *command, "enter")
            await pilot.pause()
            assert explorer(pilot).kind is kind
        await pilot.press("colon", *"region eu-west-1", "enter")
        await pilot.pause()
        assert set(visible_ids(pilot)) == set(world.instances["eu-west-1"])
        text = screen_text(pilot)
        assert "in eu-west-1" in text
        assert "Region " not in text.splitlines()[2], "one region: no Region column"
        await pilot.press("colon", *"region all", "enter")
        await pilot.pause()
        assert set(visible_ids(pilot)) == _all(world.instances)
        assert "Region" in screen_text(pilot)


async def test_unknown_command_says_what_is_allowed(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"frobnicate", "enter")
        await pilot.pause()
        assert "unknown command 'frobnicate'" in screen_text(pilot)
        await pilot.press("colon", *"region mars-1", "enter")
        await pilot.pause()
        assert "unknown region 'mars-1'" in screen_text(pilot)


async def test_regions_pane_scopes_the_table(make_app: AppFactory, world: Planted) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, RegionsPane)
        index = 1 + list(app.account.inventory.regions).index("us-west-2")
        await pilot.press(*["down"] * index, "enter")
        await pilot.pause()
        assert isinstance(app.focused, ResourceTable)
        assert set(visible_ids(pilot)) == set(world.instances["us-west-2"])
        await pilot.press("shift+tab", "home", "enter")
        await pilot.pause()
        assert set(visible_ids(pilot)) == _all(world.instances)


async def test_filter_matches_ids_names_descriptions_and_tags(
    make_app: AppFactory, world: Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # After a load every pane's search texts are computed ahead of the first keystroke.
        models, inventory = explorer(pilot).models, app.account.inventory
        await until(
            pilot,
            lambda: all(models[k].knows_search_texts(inventory.table(k)) for k in models),
        )
        computed: list[object] = []
        monkeypatch.setattr(rowmodel, "search_text", lambda r: computed.append(r) or "")
        await pilot.press("3", "slash", *"postgres")
        await pilot.pause()
        assert isinstance(app.focused, Prompt)
        snapshots = app.account.inventory.snapshots.values()
        expected = {
            s.id
            for s in snapshots
            if "postgres" in (s.description + " ".join(v for _k, v in s.tags)).lower()
        }
        assert expected and set(visible_ids(pilot)) == expected
        assert "/postgres" in screen_text(pilot)
        assert computed == []
        # Typing narrows as you type, by id too.
        target = sorted(expected)[0]
        await pilot.press(*["backspace"] * len("postgres"), *target[-10:])
        await pilot.pause()
        assert visible_ids(pilot) == [target]
        # enter keeps the filter and returns to the table; esc there clears it.
        await pilot.press("enter")
        assert isinstance(app.focused, ResourceTable)
        assert visible_ids(pilot) == [target]
        await pilot.press("escape")
        await pilot.pause()
        assert set(visible_ids(pilot)) == _all(world.snapshots)


async def test_escape_in_the_filter_clears_it(make_app: AppFactory, world: Planted) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bastion")
        await pilot.pause()
        assert 0 < len(visible_ids(pilot)) < len(_all(world.instances))
        await pilot.press("escape")
        await pilot.pause()
        assert set(visible_ids(pilot)) == _all(world.instances)
        assert isinstance(app.focused, ResourceTable)


async def test_sort_by_any_column_both_ways(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # volumes: Region, ID, Name, State, Size...
        screen = explorer(pilot)
        seen = []
        for _ in range(5):
            await pilot.press("o")
            await pilot.pause()
            seen.append(screen.models[ResourceKind.VOLUME].sort_column.key)  # type: ignore[union-attr]
            if seen[-1] == "size":
                break
        assert seen[-1] == "size" and len(set(seen)) == len(seen)
        sizes = [r.size_gib for r in screen.table.model.rows]
        assert sizes == sorted(sizes)
        assert "Size▲" in screen_text(pilot)
        await pilot.press("O")
        await pilot.pause()
        sizes = [r.size_gib for r in screen.table.model.rows]
        assert sizes == sorted(sizes, reverse=True)
        assert "Size▼" in screen_text(pilot)


async def test_cursor_keys_move_and_enter_shows_every_field(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("down", "down", "j")
        assert screen.table.cursor == 3
        await pilot.press("k", "end")
        assert screen.table.cursor == screen.table.row_count - 1
        await pilot.press("home", "pagedown")
        assert screen.table.cursor > 3
        await pilot.press("home", "enter")
        await pilot.pause()
        instance = screen.table.current
        panel = screen.query_one(DetailPanel)
        assert panel.has_class("-open")
        text = screen_text(pilot)
        assert f"Instance {instance.id}" in text
        assert "Private IP" in text and instance.instance_type in text
        # The panel scrolls to the rest: tags and block devices.
        for _ in range(10):
            panel.scroll_down(animate=False)
        await pilot.pause()
        assert "Name" in screen_text(pilot).split("Block devices")[-1] or "Tags" in screen_text(
            pilot
        )
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.has_class("-open")


async def _jump(pilot: Pilot[Any], target: str) -> None:
    """tab into the related list, move to `target`, press enter."""
    screen = explorer(pilot)
    await pilot.press("tab")
    assert isinstance(pilot.app.focused, RelatedList)
    entries = screen.query_one(DetailPanel).details.related  # type: ignore[union-attr]
    await pilot.press(*["down"] * [r.resource_id for r in entries].index(target), "enter")
    await pilot.pause()


async def test_jump_through_related_resources_and_back(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    # image -> an instance running it -> one of its volumes -> a snapshot of that volume.
    image_id, instance_id, volume_id, snapshot_id = next(
        (image, instance, volume, sorted(world.volume_snapshots[volume])[0])
        for image, instances in sorted(world.image_instances.items())
        for instance in sorted(instances)
        for volume, owner in sorted(world.volume_instance.items())
        if owner == instance and volume in world.volume_snapshots
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("4", "slash", *image_id[-8:], "enter", "enter")
        await pilot.pause()
        assert screen.table.current.id == image_id
        assert f"Image {image_id}" in screen_text(pilot)
        path = [
            (ResourceKind.INSTANCE, instance_id, "Instance"),
            (ResourceKind.VOLUME, volume_id, "Volume"),
            (ResourceKind.SNAPSHOT, snapshot_id, "Snapshot"),
        ]
        for kind, resource_id, title in path:
            await _jump(pilot, resource_id)
            assert screen.kind is kind and screen.table.current.id == resource_id
            assert f"{title} {resource_id}" in screen_text(pilot)
        back = [
            (ResourceKind.VOLUME, volume_id),
            (ResourceKind.INSTANCE, instance_id),
            (ResourceKind.IMAGE, image_id),
        ]
        for kind, resource_id in back:
            await pilot.press("backspace")
            await pilot.pause()
            assert screen.kind is kind and screen.table.current.id == resource_id
        # And from the snapshot side: a CreateImage snapshot leads to its image.
        await pilot.press("escape", "escape", "3")
        image_snapshot = sorted(world.image_snapshots[image_id])[0]
        await pilot.press("slash", *image_snapshot[-8:], "enter", "enter")
        await pilot.pause()
        await _jump(pilot, image_id)
        assert screen.kind is ResourceKind.IMAGE and screen.table.current.id == image_id


async def test_refresh_keeps_the_cursor_on_the_same_resource(
    make_app: AppFactory, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("3", "down", "down", "down", "down", "down")
        chosen = screen.table.current.id
        demo_server.clear_requests()
        await pilot.press("r")
        await settle(pilot)
        assert any(r.action == "DescribeSnapshots" for r in demo_server.requests)
        assert screen.table.current.id == chosen


async def test_help_lists_every_key_of_the_context(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(pilot)
        assert "Show instances" in text
        # The list scrolls when it is longer than the screen: read all of it.
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(key_table(app.screen.bindings))
        text += console.export_text()
        for words in (
            "Show instances",
            "Show snapshots",
            "Filter rows as you type",
            "Reload every region",
            "Show details of the row",
            "Back to where you jumped from",
            "Leave amiexplorer",
        ):
            assert words in text, words
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_has_the_same_commands(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show snapshots")
        # The palette searches in a worker of its own: wait for its hit, not for every
        # worker (the watcher follows the demo's frozen pending work for ever).
        await until(pilot, lambda: "Show snapshots" in screen_text(pilot))
        await pilot.press("enter")
        await pilot.pause()
        assert explorer(pilot).kind is ResourceKind.SNAPSHOT


async def test_mouse_click_selects_a_row(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.click(ResourceTable, offset=(30, 4))
        assert screen.table.cursor == 3


async def test_keymap_from_the_config_file(make_app: AppFactory) -> None:
    app = await make_app(
        Settings(keymap={"filter": "f", "snapshots": "S", "retry-regions": "ctrl+r"})
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # What a failed region says to press follows the keymap.
        hint = explorer(pilot).query_one(RegionsPane).retry_hint
        assert hint == f"{app.get_key_display(Binding('ctrl+r', ''))} retries this region"
        assert hint != "R retries this region"
        await pilot.press("S")
        assert explorer(pilot).kind is ResourceKind.SNAPSHOT
        await pilot.press("f")
        assert isinstance(app.focused, Prompt)


async def test_q_quits(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_keys_typed_ahead_land_where_they_were_meant(
    make_app: AppFactory, world: Planted
) -> None:
    # A fast typist, a paste or tmux send-keys delivers keys before the app has handled the
    # ones before them: `/` must not lose the filter's first letters to the table, and a
    # command line typed in one go must run in order.
    app = await make_app()
    names = {"/": "slash", ":": "colon", "-": "minus", "\r": "enter", "~": "escape"}
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        for typed in ("/web-prod\r", ":snap\r", "/xyz~", "/nightly\r", "4"):
            for char in typed:
                printable = char not in "\r~"
                app.post_message(events.Key(names.get(char, char), char if printable else None))
        await settle(pilot)
        assert screen.kind is ResourceKind.IMAGE
        assert screen.models[ResourceKind.INSTANCE].filter_text == "web-prod"
        assert screen.models[ResourceKind.SNAPSHOT].filter_text == "nightly"
        assert screen.models[ResourceKind.IMAGE].filter_text == ""
        await pilot.press("1")
        assert visible_ids(pilot) and all(
            "web-prod" in (app.account.inventory.instances[i].name or "")
            for i in visible_ids(pilot)
        )
