"""Each pane shows the columns a person needs at the terminal's width (issue 12, item 18).

At 80x24 the all-regions view had no Region column and snapshots showed only ID, State and
Size; at 120 columns volumes had no Type or Age, and image names were cut so that eight rows
read `base-al2023-…`. `w` hides the regions pane to give the table its width.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from amiexplorer.ui.screens.help import HelpScreen
from amiexplorer.ui.widgets.regions_pane import RegionsPane
from tests.functional.conftest import (
    AppFactory,
    explorer,
    screen_text,
    settle,
    until,
    visible_ids,
)

#: Each resource pane's key and the heading of its id column.
PANES = {"1": "Instance ID", "2": "Volume ID", "3": "Snapshot ID", "4": "Image ID"}


def table_lines(pilot: Pilot[Any]) -> list[str]:
    """The screen's lines, without the regions pane beside the table."""
    return [line.rsplit("│", 1)[-1] for line in screen_text(pilot).splitlines()]


def header_line(pilot: Pilot[Any], first: str) -> str:
    """The table's heading line: the one that has the heading `first`."""
    return next(line for line in table_lines(pilot) if first in line)


def header(pilot: Pilot[Any], first: str) -> list[str]:
    """The headings of the table on screen, split on spaces ("Image ID" as "Image_ID")."""
    return header_line(pilot, first).replace(first, first.replace(" ", "_")).split()


def rows_on_screen(pilot: Pilot[Any]) -> dict[str, str]:
    """The table's lines on screen by the id they show."""
    ids = set(visible_ids(pilot))
    found: dict[str, str] = {}
    for line in table_lines(pilot):
        for word in line.split():
            if word in ids:
                found[word] = line
    return found


async def test_every_region_shown_has_its_column_and_one_region_has_none(
    make_app: AppFactory,
) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        inventory = explorer(pilot).account.inventory
        for key, id_heading in PANES.items():
            await pilot.press(key)
            await settle(pilot)
            headings = header(pilot, id_heading)
            assert headings[:2] == ["Region", id_heading.replace(" ", "_")], headings
            # The name and the state are what tell rows apart and what they are doing.
            assert "State" in headings and any(h.startswith("Name") for h in headings)
            for resource_id, line in rows_on_screen(pilot).items():
                region = inventory.table(explorer(pilot).kind)[resource_id].region
                assert line.split()[0] == region, line
        await pilot.press("6")
        await settle(pilot)
        assert header(pilot, "Finding")[0] == "Region"

        await pilot.press("colon", *"region eu-west-1", "enter")
        await settle(pilot)
        assert "Region" not in header(pilot, "Finding")
        for key, id_heading in PANES.items():
            await pilot.press(key)
            await settle(pilot)
            headings = header(pilot, id_heading)
            assert "Region" not in headings and headings[0] == id_heading.replace(" ", "_")


async def test_at_120_columns_the_columns_that_decide_are_shown_and_names_read_apart(
    make_app: AppFactory,
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        assert screen.query_one(RegionsPane).display
        await pilot.press("2")
        await settle(pilot)
        assert {"Region", "Type", "Age"} <= set(header(pilot, "Volume ID"))
        await pilot.press("3")
        await settle(pilot)
        # Whether DLM or AWS Backup keeps a snapshot decides whether to delete it.
        assert {"Region", "Managed", "Age"} <= set(header(pilot, "Snapshot ID"))

        await pilot.press("4")
        await settle(pilot)
        assert {"Region", "Used", "State"} <= set(header(pilot, "Image ID"))
        images = screen.account.inventory.images
        headings = header_line(pilot, "Image ID")
        name_at, state_at = headings.index("Name"), headings.index("State")
        # The name cell of each row, between the headings of the Name and State columns.
        cells = {i: line[name_at:state_at].strip() for i, line in rows_on_screen(pilot).items()}
        assert len(cells) > 20
        by_cell: dict[str, set[str | None]] = {}
        for image_id, cell in cells.items():
            by_cell.setdefault(cell, set()).add(images[image_id].name)
        # Two different names never read the same; the base images read in full.
        assert all(len(names) == 1 for names in by_cell.values()), by_cell
        assert "base-al2023-hardened-v40" in cells.values()
        assert "base-al2023-hardened-v42" in cells.values()


async def test_w_hides_the_regions_pane_and_the_table_takes_its_width(
    make_app: AppFactory,
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        pane = screen.query_one(RegionsPane)

        def shown() -> bool:
            return pane.display

        await pilot.press("4")
        await settle(pilot)
        narrow = header(pilot, "Image ID")
        assert "All regions" in screen_text(pilot) and "Sharing" not in narrow
        width = screen.table.size.width

        pane.focus()
        await pilot.press("w")
        await settle(pilot)
        assert not shown() and "All regions" not in screen_text(pilot)
        assert screen.table.size.width > width + 20
        # The focus does not stay on what is hidden.
        assert screen.focused is screen.table
        wide = header(pilot, "Image ID")
        assert {"Size", "Age", "Sharing"} <= set(wide) and set(narrow) < set(wide)

        await pilot.press("w")
        await settle(pilot)
        assert shown() and "All regions" in screen_text(pilot)
        assert header(pilot, "Image ID") == narrow

        # Below 120 columns the pane starts hidden; `w` still shows it, and it stays shown.
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not shown()
        await pilot.press("w")
        await settle(pilot)
        assert shown()
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        assert shown()

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Hide or show the regions pane" in screen_text(pilot)


async def test_no_pane_breaks_from_120_down_to_20_columns(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sizes = ((120, 36), (80, 24), (60, 20), (40, 12), (30, 10), (20, 8))
        for scope, scope_sizes in (("all", sizes), ("us-east-1", sizes[1::2])):
            await pilot.press("colon", *f"region {scope}", "enter")
            for size in scope_sizes:
                await pilot.resize_terminal(*size)
                for key, first in (*PANES.items(), ("6", "Finding")):
                    await pilot.press(key)
                    await settle(pilot)
                    # The table's first column always shows, however cut.
                    assert first[:8] in header_line(pilot, first[:8]), (scope, size, key)
                    # The regions pane shown and hidden again at this width.
                    await pilot.press("w")
                    await pilot.pause()
                    await pilot.press("w")
                    await pilot.pause()
                    assert first[:8] in screen_text(pilot), (scope, size, key)
        assert app.is_running
