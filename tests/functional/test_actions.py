"""Delete, refusals, bulk actions and the Activity pane, end to end through the app.

Read-only mode is proven over thousands of keys, with the recording proxy, in
tests/reliability/test_random_keys.py.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from amiexplorer.aws.watch import BackoffSchedule
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DemoServer, ManualClock, Planted, set_clock
from amiexplorer.demo import pending as demo_pending
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.panes.activity import ActivityPane
from tests.conftest import ec2_witness
from tests.functional.conftest import (
    AppFactory,
    explorer,
    screen_text,
    settle,
    until,
    until_screen,
    visible_ids,
)

READ_ONLY_ACTIONS = ("Describe", "Get", "List")


def ec2(server: DemoServer, region: str) -> Any:
    return ec2_witness(server, region)


def action_log() -> list[dict[str, Any]]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "amiexplorer" / "actions.jsonl"
    if not path.exists():
        return []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return [json.loads(line) for line in path.read_text().splitlines()]


async def goto(pilot: Pilot[Any], pane: str, resource_id: str) -> None:
    """Show `pane` filtered down to one resource."""
    await pilot.press(pane, "slash", *resource_id[-10:], "enter")
    await pilot.pause()
    assert visible_ids(pilot) == [resource_id]


async def test_deleting_an_in_use_snapshot_is_refused_naming_its_image(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    image_id, snapshots = sorted(world.image_snapshots.items())[0]
    snapshot_id = sorted(snapshots)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "3", snapshot_id)
        await pilot.press("ctrl+d")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        text = screen_text(pilot)
        assert "refused" in text and image_id in text
        # enter on the refusal jumps to the image that uses the snapshot.
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        assert explorer(pilot).kind is ResourceKind.IMAGE
        assert explorer(pilot).table.current.id == image_id
    assert not [r for r in demo_server.requests if r.action == "DeleteSnapshot"]
    region = world.region_of[snapshot_id]
    assert ec2(demo_server, region).describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]


async def test_deleting_an_attached_volume_is_refused_naming_its_instance(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume_id, instance_id = sorted(world.volume_instance.items())[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "2", volume_id)
        await pilot.press("delete")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        assert instance_id in screen_text(pilot)
    assert not [r for r in demo_server.requests if r.action == "DeleteVolume"]


async def test_deleting_an_unattached_volume_preflights_confirms_and_logs(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume_id = sorted(world.unattached_volumes)[0]
    region = world.region_of[volume_id]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "2", volume_id)
        demo_server.clear_requests()
        await pilot.press("ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        assert isinstance(app.screen, ConfirmDialog)
        assert volume_id in screen_text(pilot)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        assert "1 done" in screen_text(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        assert volume_id not in app.account.inventory.volumes
    calls = [r for r in demo_server.requests if r.action == "DeleteVolume"]
    assert [c.dry_run for c in calls] == [True, False]
    assert not ec2(demo_server, region).describe_volumes(
        Filters=[{"Name": "volume-id", "Values": [volume_id]}]
    )["Volumes"]
    logged = [e for e in action_log() if volume_id in e["resource_ids"]]
    assert [e["outcome"] for e in logged][-1] == "done"
    assert logged[-1]["action"] == "DeleteVolume" and logged[-1]["region"] == region


async def test_a_missing_permission_is_reported_before_anything_is_attempted(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    volume_id = sorted(world.unattached_volumes)[0]
    region = world.region_of[volume_id]
    demo_server.deny("DeleteVolume", region)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "2", volume_id)
        await pilot.press("ctrl+d")
        await until(pilot, lambda: "you lack" in screen_text(pilot))
        assert not isinstance(app.screen, ConfirmDialog)
        assert f"you lack ec2:DeleteVolume in {region}" in screen_text(pilot)
    assert [r.dry_run for r in demo_server.requests if r.action == "DeleteVolume"] == [True]
    assert ec2(demo_server, region).describe_volumes(VolumeIds=[volume_id])["Volumes"]


async def test_bulk_delete_needs_the_count_and_reports_each_item(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    plain = world.plain_orphans & world.orphan_snapshots_deleted_volume
    orphans = sorted(plain, key=lambda s: world.region_of[s])
    assert len({world.region_of[s] for s in orphans}) >= 2, "orphans in two regions"
    failing_region = world.region_of[orphans[0]]
    demo_server.fail_action("DeleteSnapshot", "InternalError", 500, region=failing_region)
    app = await make_app(max_attempts=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await pilot.press("3")
        for snapshot_id in orphans:
            await goto(pilot, "3", snapshot_id)
            await pilot.press("space", "escape")
        await pilot.pause()
        assert screen.table.marked == set(orphans)
        await pilot.press("ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(pilot)
        assert all(s in text for s in orphans) and "/month" in text and "saves " in text
        await pilot.press(*str(len(orphans) + 1), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), "a wrong count confirms nothing"
        assert f"type the number of resources ({len(orphans)})" in screen_text(pilot)
        await pilot.press("backspace", "backspace", *str(len(orphans)), "ctrl+s")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        report = app.screen.report
    failed = {i for r in report.failed for i in r.resource_ids}
    done = {i for r in report.done for i in r.resource_ids}
    in_failing = {s for s in orphans if world.region_of[s] == failing_region}
    assert failed == in_failing and done == set(orphans) - in_failing
    for snapshot_id in orphans:
        found = ec2(demo_server, world.region_of[snapshot_id]).describe_snapshots(
            Filters=[{"Name": "snapshot-id", "Values": [snapshot_id]}]
        )["Snapshots"]
        assert bool(found) == (snapshot_id in in_failing)
    outcomes = {e["resource_ids"][0]: e["outcome"] for e in action_log() if not e["dry_run"]}
    assert {s: outcomes[s] for s in orphans} == {
        s: "failed" if s in in_failing else "done" for s in orphans
    }


async def test_activity_pane_follows_pending_work_to_completion(
    make_app: AppFactory, world: Planted
) -> None:
    pending = set(world.pending_snapshots) | set(world.pending_images)
    assert pending
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        screen.watcher.schedule = BackoffSchedule(first=0.05, factor=1.0, maximum=0.05)
        await pilot.press("5")
        await pilot.pause()
        text = screen_text(pilot)
        assert all(resource_id in text for resource_id in world.pending_snapshots)
        assert "in flight" in text and "40%" in text
        # Let AWS (the demo) finish: move its clock, then wait for the watcher to notice.
        clock = ManualClock(start=demo_pending.now())
        set_clock(clock)
        clock.advance(3600)
        for _ in range(200):
            if not screen.activity.in_flight:
                break
            await pilot.pause(0.05)
        set_clock(None)
        assert not screen.activity.in_flight
        pane = screen.query_one(ActivityPane)
        pane.show(screen.now())
        await pilot.pause()
        text = screen_text(pilot)
        assert "✓ completed" in text and "✓ available" in text
        assert "in flight" not in text.splitlines()[0]


@pytest.fixture(autouse=True)
def _fresh_action_log() -> None:
    """Each test reads only its own action log lines."""
    path = Path(os.environ["XDG_STATE_HOME"]) / "amiexplorer" / "actions.jsonl"
    if path.exists():
        path.unlink()
