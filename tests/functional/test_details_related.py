"""The details' related resources are on screen when the cursor is among them (issue 12,
item 16): at 120x36 the list showed one line, so `down` moved a cursor nobody saw and
`enter` jumped to a resource that was never on screen."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import Planted
from amiexplorer.ui.widgets.detail_panel import DetailPanel, RelatedList
from tests.functional.conftest import AppFactory, explorer, screen_text, settle


def _label_on_screen(pilot: Pilot[Any], related: RelatedList) -> str:
    """The highlighted entry's text, asserted to be on screen inside the list."""
    panel = explorer(pilot).query_one(DetailPanel)
    assert panel.details is not None and related.highlighted is not None
    entry = panel.details.related[related.highlighted]
    line = f"{entry.relation}: {entry.label}"
    region = related.content_region
    rows = screen_text(pilot).splitlines()[region.y : region.bottom]
    # Each row as drawn, without the list's scrollbar, and without the ellipsis of a cut one.
    shown = [row[region.x : region.right].rstrip(" ▁▂▃▄▅▆▇█").strip() for row in rows]
    cut = [row.removesuffix("…") for row in shown]
    assert any(len(row) >= 20 and line.startswith(row) for row in cut), (line, shown)
    return line


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_every_related_resource_the_cursor_reaches_is_on_screen(
    make_app: AppFactory, world: Planted, size: tuple[int, int]
) -> None:
    # The image with the most related resources (its snapshots, instances, templates).
    image_id = max(sorted(world.image_instances), key=lambda i: len(world.image_instances[i]))
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4", "slash", *image_id[-10:], "enter", "enter")
        await settle(pilot)
        panel = explorer(pilot).query_one(DetailPanel)
        assert panel.details is not None
        count = len(panel.details.related)
        assert count >= 4
        related = panel.query_one(RelatedList)
        await pilot.press("tab")
        assert app.focused is related
        seen = [_label_on_screen(pilot, related)]
        for _ in range(count - 1):
            await pilot.press("down")
            seen.append(_label_on_screen(pilot, related))
        assert len(set(seen)) == count
        # On screen before anyone goes there, with more than one line, and counted.
        await pilot.press("shift+tab")
        assert related.content_region.height >= 3
        assert f"Related ({count})" in screen_text(pilot)
        await pilot.press("tab")
        await pilot.press("pageup")
        _label_on_screen(pilot, related)
        # enter goes to the entry that was on screen (the last one with a pane of its own).
        panes = {ResourceKind.INSTANCE, ResourceKind.VOLUME, ResourceKind.SNAPSHOT}
        index = max(i for i, r in enumerate(panel.details.related) if r.kind in panes)
        target = panel.details.related[index]
        await pilot.press("home", *["down"] * index)
        assert _label_on_screen(pilot, related) == f"{target.relation}: {target.label}"
        await pilot.press("enter")
        await settle(pilot)
        current = explorer(pilot).table.current
        assert current is not None and current.id == target.resource_id
