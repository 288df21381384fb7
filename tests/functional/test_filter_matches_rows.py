"""`/` matches what a row shows (state, type, sharing ...); the cursor goes to the first match.

Issue 12, item 19: `/available` on Volumes gave 0 of 53 although 6 rows said `available`, and so
did `/gp3` and `/PUBLIC`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from amiexplorer.core.models import Image, ResourceKind
from amiexplorer.demo import Planted
from amiexplorer.ui.rows.audit import FindingRow
from amiexplorer.ui.rows.columns import COLUMNS
from amiexplorer.ui.rows.model import search_text
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, visible_ids


async def filter_by(pilot: Pilot[Any], text: str) -> None:
    """Type `/text` and keep it (enter)."""
    await pilot.press("slash", *text, "enter")
    await settle(pilot)


def row_lines(pilot: Pilot[Any]) -> dict[str, str]:
    """The table's lines on screen, by the id each starts with (what a person reads)."""
    lines: dict[str, str] = {}
    for line in screen_text(pilot).splitlines():
        for resource_id in visible_ids(pilot):
            if resource_id in line:
                lines[resource_id] = line
    return lines


async def test_the_filter_matches_the_state_the_type_and_the_sharing_a_row_shows(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        inventory = explorer(pilot).account.inventory
        volumes = inventory.volumes.values()

        await pilot.press("2")
        await filter_by(pilot, "available")
        available = {v.id for v in volumes if v.state == "available"}
        assert available and set(visible_ids(pilot)) == available
        assert world.unattached_volumes <= available
        # Every row says so where a person looks, and the count says how many.
        assert all(" available " in line for line in row_lines(pilot).values())
        assert f"{len(available)}/{len(volumes)} in all regions" in screen_text(pilot)

        await pilot.press("escape")
        await filter_by(pilot, "gp3")
        gp3 = {v.id for v in volumes if v.volume_type == "gp3"}
        assert gp3 and set(visible_ids(pilot)) == gp3

        # Words AND together, whatever their case: state and type in one go.
        await pilot.press("escape")
        await filter_by(pilot, "GP2 Available")
        both = {v.id for v in volumes if v.volume_type == "gp2" and v.state == "available"}
        assert both and set(visible_ids(pilot)) == both

        await pilot.press("escape", "3")
        await filter_by(pilot, "PUBLIC")
        assert world.public_snapshots
        assert set(visible_ids(pilot)) == world.public_snapshots
        assert all("PUBLIC" in line for line in row_lines(pilot).values())

        await pilot.press("escape", "4")
        await filter_by(pilot, "public")
        assert set(visible_ids(pilot)) == world.public_images

        # The Managed column's words: what DLM keeps.
        await pilot.press("escape", "3")
        await filter_by(pilot, "dlm")
        assert world.dlm_managed_snapshots <= set(visible_ids(pilot))


async def test_every_cell_the_filter_matches_says_what_the_row_shows(make_app: AppFactory) -> None:
    """A column's `words` are its cell's text, for every resource of the demo."""
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        for kind in (ResourceKind.INSTANCE, ResourceKind.VOLUME, ResourceKind.SNAPSHOT):
            matched = [c for c in COLUMNS[kind] if c.words is not None]
            assert {"id", "state"} <= {c.key for c in matched}, kind
        for kind, columns in COLUMNS.items():
            for resource in screen.account.inventory.table(kind).values():
                text = search_text(resource)
                for column in columns:
                    if column.words is None:
                        continue
                    words = column.words(resource)
                    assert words.lower() in text, (resource.id, column.key)
                    cell = column.text(resource, screen.ctx)
                    if column.key == "managed":
                        # "DLM gone" needs the loaded policies; `/dlm` still finds it.
                        assert cell.startswith(words), (resource.id, cell)
                    elif column.key == "state" and isinstance(resource, Image):
                        # "deprecated" depends on the time; `/` matches AWS's state.
                        assert cell in (words, "deprecated"), (resource.id, cell)
                    else:
                        assert cell == words, (resource.id, column.key)


async def test_the_cursor_lands_on_the_first_match(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        table = screen.table
        await pilot.press("2")
        await settle(pilot)
        # The cursor on the third volume of a web server: a row the filter keeps.
        web = [i for i, row in enumerate(table.model.rows) if "web" in search_text(row)]
        assert len(web) >= 3
        for _ in range(web[2]):
            await pilot.press("j")
        on = table.current
        assert on is not None and table.cursor == web[2]
        await filter_by(pilot, "web")
        assert on.id in visible_ids(pilot)
        assert table.cursor == 0 and table.current is not None
        assert table.current.id == visible_ids(pilot)[0]

        # Clearing the filter keeps the cursor on the row it is on.
        first = visible_ids(pilot)[0]
        await pilot.press("j")
        second = table.current
        assert second is not None and second.id != first
        await pilot.press("escape")
        await settle(pilot)
        assert not table.model.filter_text
        assert table.current is not None and table.current.id == second.id

        # In the Audit pane, the first finding (not its group's heading).
        await pilot.press("6")
        await settle(pilot)
        audit = screen.audit
        for _ in range(5):
            await pilot.press("j")
        await filter_by(pilot, "snap-")
        rows = audit.model.rows
        first_finding = next(i for i, row in enumerate(rows) if isinstance(row, FindingRow))
        assert audit.table.cursor == first_finding
