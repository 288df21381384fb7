"""The Activity pane (issue 12, item 17): Elapsed never cut, the app's own work named for
what it is, and enter on a row goes to its resource."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amiexplorer.aws.watch import BackoffSchedule, WatchTarget
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import Planted
from amiexplorer.ui.activity import Activity, Operation, describe
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.panes.activity import COLUMNS, ActivityPane, elapsed
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from tests.conftest import FIXED_NOW
from tests.functional.conftest import (
    AppFactory,
    explorer,
    screen_text,
    settle,
    until,
    until_screen,
    visible_ids,
)

WIDTH = dict(COLUMNS)["Elapsed"]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (5, "0:05"),
        (7 * 60 + 5, "7:05"),
        (18 * 3600 + 7 * 60 + 23, "18:07:23"),
        (3 * 86400 + 4 * 3600, "3d 04h"),
        (999 * 86400 + 23 * 3600, "999d 23h"),
        (12_345 * 86400, "12,345d"),
    ],
)
def test_elapsed_fits_its_column(seconds: int, shown: str) -> None:
    operation = Operation(target=None, label="", started=FIXED_NOW)  # type: ignore[arg-type]
    assert elapsed(operation, FIXED_NOW + timedelta(seconds=seconds)) == shown
    assert len(shown) <= WIDTH


@pytest.mark.parametrize("size", [(120, 36), (100, 30), (80, 24)])
async def test_elapsed_is_whole_at_every_width(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        # Work that has run for 18 hours, and for 3 days, besides what the demo has pending.
        for seconds, resource_id in ((65243, "snap-0000000000000000a"), (273600, "ami-00000b")):
            kind = ResourceKind.SNAPSHOT if resource_id.startswith("snap") else ResourceKind.IMAGE
            target = WatchTarget(kind, resource_id, "eu-west-1")
            screen.activity.start(target, "long", screen.now() - timedelta(seconds=seconds))
        await pilot.press("5")
        await pilot.pause()
        operations = screen.activity.listed()
        assert operations
        text = screen_text(pilot)
        for operation in operations:
            shown = elapsed(operation, screen.now())
            line = next(line for line in text.splitlines() if operation.target.resource_id in line)
            assert f" {shown} " in line, (shown, line)


async def test_own_work_is_named_and_enter_goes_to_it(make_app: AppFactory, world: Planted) -> None:
    volume = sorted(world.volume_instance)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        screen.watcher.schedule = BackoffSchedule(first=0.05, factor=1.0, maximum=0.05)
        await pilot.press("2", "slash", *volume[-8:], "enter")
        assert visible_ids(pilot) == [volume]
        await pilot.press("c")
        await until_screen(pilot, CreateSnapshotDialog)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await settle(pilot)
        new = [
            o for o in screen.activity.operations.values() if o.target.kind is ResourceKind.SNAPSHOT
        ]
        mine = [o for o in new if o.target.resource_id not in world.pending_snapshots]
        assert len(mine) == 1
        operation = mine[0]
        assert operation.label != "operation"
        name = app.account.inventory.volumes[volume].name
        # Until AWS answers it is "new snapshot snap-…"; the watcher's first answer names it.
        await until(pilot, lambda: operation.label.startswith(f"snapshot of {volume}"))
        if name:
            assert operation.label == f"snapshot of {volume} ({name})"
        await pilot.press("escape", "5")
        pane = screen.query_one(ActivityPane)
        await pilot.pause()
        line = next(
            line for line in screen_text(pilot).splitlines() if operation.label[:20] in line
        )
        assert operation.target.resource_id in line
        row = [o.target.resource_id for o in screen.activity.listed()].index(
            operation.target.resource_id
        )
        await pilot.press("home", *["down"] * row, "enter")
        await settle(pilot)
        assert screen.showing != "activity" and screen.kind is ResourceKind.SNAPSHOT
        current = screen.table.current
        assert current is not None and current.id == operation.target.resource_id
        assert screen.query_one(DetailPanel).has_class("-open")
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.showing == "activity" and app.focused is pane


def test_no_label_says_operation() -> None:
    """A resource not known yet is named by its kind and id."""
    activity = Activity()
    target = WatchTarget(ResourceKind.IMAGE, "ami-0123", "eu-west-1")
    started = activity.start(target, "", FIXED_NOW)
    assert started.label == "new image ami-0123"
    assert describe(None) == ""
