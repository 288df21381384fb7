"""The Audit pane (`6`), end to end on the demo world: findings, jumps, folding, filter,
cleanup through the guarded path, and read-only mode."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.rows.audit import FindingRow, GroupRow
from amiexplorer.ui.screens.help import HelpScreen
from tests.functional.conftest import (
    AppFactory,
    explorer,
    open_audit,
    screen_text,
    settle,
    until,
    until_screen,
)
from tests.functional.test_actions import READ_ONLY_ACTIONS, action_log, ec2


def _rows(pilot: Pilot[Any]) -> list[Any]:
    return list(explorer(pilot).audit.model.rows)


def _heading(pilot: Pilot[Any], code: FindingCode) -> int:
    return next(i for i, r in enumerate(_rows(pilot)) if isinstance(r, GroupRow) and r.code is code)


async def _cursor_to(pilot: Pilot[Any], index: int) -> None:
    table = explorer(pilot).audit.table
    await pilot.press("g", *(["j"] * index))
    assert table.cursor == index


def _orphans(world: Planted) -> set[str]:
    """The orphaned-snapshot findings: a locked snapshot is AWS's to keep, never one."""
    found = world.orphan_snapshots_deregistered_image | world.orphan_snapshots_deleted_volume
    return set(found - world.locked_snapshots)


async def test_audit_pane_groups_jumps_folds_and_filters(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        rows = _rows(pilot)
        found = {
            code: {r.finding.resource_id for r in rows if isinstance(r, FindingRow)
                   and r.finding.code is code}
            for code in FindingCode
        }  # fmt: skip
        assert found[FindingCode.ORPHANED_SNAPSHOT] == _orphans(world)
        unused = world.unused_images - world.pending_images - world.protected_images
        assert found[FindingCode.UNUSED_IMAGE] == set(unused)
        assert found[FindingCode.UNATTACHED_VOLUME] == set(world.unattached_volumes)
        assert found[FindingCode.PUBLIC_SNAPSHOT] == set(world.public_snapshots)
        text = screen_text(pilot)
        assert f"Orphaned snapshots ({len(_orphans(world))})" in text
        assert "6 Audit" in text and "/month (estimate" in text
        assert "Create" not in text.splitlines()[-1], "c means nothing in the Audit pane"

        # enter on a heading folds its group, and again unfolds it.
        heading = _heading(pilot, FindingCode.ORPHANED_SNAPSHOT)
        await _cursor_to(pilot, heading)
        await pilot.press("enter")
        assert len(_rows(pilot)) == len(rows) - len(_orphans(world))
        await pilot.press("enter")
        assert len(_rows(pilot)) == len(rows)

        # The help says what enter does here.
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = screen_text(pilot)
        assert "Fold group / go to resource" in help_text
        assert "Show details of the row" not in help_text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)

        # enter on a finding goes to its resource, details open; backspace comes back.
        await pilot.press("j")
        finding = screen.audit.table.current
        assert isinstance(finding, FindingRow)
        assert finding.finding.reason in screen_text(pilot)  # the whole reason, in the status
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.audit.shown and screen.kind is ResourceKind.SNAPSHOT
        assert screen.table.current.id == finding.finding.resource_id
        assert f"Snapshot {finding.finding.resource_id}" in screen_text(pilot)
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.audit.shown and screen.audit.table.current.id == finding.id

        # `/` filters findings (here: one region's unattached volumes).
        volume = sorted(world.unattached_volumes)[0]
        await pilot.press("slash", *volume[-8:], "enter")
        await pilot.pause()
        assert [r.id for r in _rows(pilot)] == [
            f"group:{FindingCode.UNATTACHED_VOLUME}",
            f"{FindingCode.UNATTACHED_VOLUME}:{volume}",
        ]
        await pilot.press("escape")
        assert len(_rows(pilot)) == len(rows)


async def test_cleaning_up_a_group_goes_through_the_guarded_path(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    orphans = _orphans(world)
    # Fast snapshot restore refuses the delete until it is disabled: those stay.
    deletable = orphans - world.fsr_snapshots
    assert world.fsr_snapshots <= orphans
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        # Shared-with findings are informational: nothing to clean up, nothing sent.
        await _cursor_to(pilot, _heading(pilot, FindingCode.SHARED_SNAPSHOT))
        await pilot.press("ctrl+d")
        assert "informational" in screen_text(pilot)
        # space on a heading marks its whole group; ctrl+d asks for the count, then deletes.
        await _cursor_to(pilot, _heading(pilot, FindingCode.ORPHANED_SNAPSHOT))
        await pilot.press("space")
        assert f"{len(orphans)} marked" in screen_text(pilot)
        await pilot.press("ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        assert all(s in screen_text(pilot) for s in sorted(deletable)[:5])
        await pilot.press(*str(len(deletable)), "ctrl+s")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        assert {i for r in app.screen.report.done for i in r.resource_ids} == deletable
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResultsDialog))
        await settle(pilot)
        # The audit ran again over the changed inventory: only the refused orphan is left.
        findings = [r.finding for r in _rows(pilot) if isinstance(r, FindingRow)]
        left = {f.code for f in findings}
        still = {f.resource_id for f in findings if f.code is FindingCode.ORPHANED_SNAPSHOT}
        assert still == set(world.fsr_snapshots) and FindingCode.UNUSED_IMAGE in left
        assert screen.audit.table.marked == set()
        # p on the public snapshots makes them private, again through a confirmation.
        public = sorted(world.public_snapshots)
        await _cursor_to(pilot, _heading(pilot, FindingCode.PUBLIC_SNAPSHOT))
        await pilot.press("p")
        await until_screen(pilot, ConfirmDialog)
        if len(public) > 1:
            await pilot.press(*str(len(public)))
        await pilot.press("ctrl+s")
        await until_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await settle(pilot)
        left = {r.finding.code for r in _rows(pilot) if isinstance(r, FindingRow)}
        assert FindingCode.PUBLIC_SNAPSHOT not in left
    for snapshot_id in orphans:
        client = ec2(demo_server, world.region_of[snapshot_id])
        found = client.describe_snapshots(
            Filters=[{"Name": "snapshot-id", "Values": [snapshot_id]}]
        )["Snapshots"]
        assert bool(found) is (snapshot_id in world.fsr_snapshots), snapshot_id
    for snapshot_id in public:
        client = ec2(demo_server, world.region_of[snapshot_id])
        permissions = client.describe_snapshot_attribute(
            SnapshotId=snapshot_id, Attribute="createVolumePermission"
        )["CreateVolumePermissions"]
        assert {"Group": "all"} not in permissions
    deleted = {e["resource_ids"][0] for e in action_log() if e["outcome"] == "done"}
    assert deletable <= deleted and not deleted & world.fsr_snapshots


async def test_read_only_audit_cleans_nothing(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_audit(pilot)
        assert _rows(pilot), "the audit itself runs in read-only mode"
        await pilot.press("a", "ctrl+d")
        await settle(pilot)
        assert "read-only mode" in screen_text(pilot)
        await pilot.press("p", "delete")
        await settle(pilot)
        assert isinstance(app.screen, type(explorer(pilot)))
    mutating = [r for r in demo_server.requests if not r.action.startswith(READ_ONLY_ACTIONS)]
    assert mutating == []


async def test_managed_resources_are_counted_apart_never_cleaned_up(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    from amiexplorer.ui.rows.audit import ManagedRow

    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        rows = _rows(pilot)
        managed = [r for r in rows if isinstance(r, ManagedRow) and r.group is not None]
        heading = next(i for i, r in enumerate(rows) if isinstance(r, ManagedRow))
        counted = sum(r.group.count for r in managed)
        everything = (
            world.dlm_managed_snapshots
            | world.dlm_managed_images
            | world.backup_snapshots
            | world.backup_images
        )
        assert counted == len(everything) > 0
        # Never among the findings a cleanup takes.
        findings = {r.finding.resource_id for r in rows if isinstance(r, FindingRow)}
        assert not findings & everything
        # The cursor on one says what manages it; space on it refuses, and nothing is marked.
        await _cursor_to(pilot, heading + 1)
        assert "managed by" in screen_text(pilot) and "never a leftover" in screen_text(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert not screen.audit.table.marked
        assert "they delete these themselves" in screen_text(pilot)
        demo_server.clear_requests()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert not [r for r in demo_server.requests if r.action.startswith(("Delete", "Dereg"))]


async def test_the_audit_pane_reuses_what_the_explorer_read_after_its_load(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        evidence = {"DescribeParameters", "GetParameters", "GetLifecyclePolicies"}
        assert evidence <= {r.action for r in demo_server.requests}  # read after the load
        demo_server.clear_requests()
        await pilot.press("6")
        await settle(pilot)
        assert explorer(pilot).audit.report is not None
        assert not evidence & {r.action for r in demo_server.requests}
        # A refresh reads it again.
        demo_server.clear_requests()
        await pilot.press("r")
        await settle(pilot)
        assert {"DescribeParameters", "GetLifecyclePolicies"} <= {
            r.action for r in demo_server.requests
        }
