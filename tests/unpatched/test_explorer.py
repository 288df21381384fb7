"""The explorer on the unpatched world, driven with Pilot: it loads every region, every pane
shows its rows, an image's details open, the Audit pane finishes, and it finds exactly what
`amiexplorer audit` finds on the same world (the command runs beside it, as a subprocess).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from amiexplorer.core.block_sizes import in_a_lineage
from amiexplorer.core.inventory import RegionState
from amiexplorer.core.models import ResourceKind
from amiexplorer.ui.rows.audit import FindingRow
from amiexplorer.ui.widgets.detail_panel import DetailPanel
from tests.data.test_bad_starts import FAKE_KEYS, sealed
from tests.functional.conftest import explorer, screen_text, until, visible_ids
from tests.unpatched.conftest import CLI_DEADLINE, audit_argv, read_report, unpatched_app
from tests.unpatched.server import UnpatchedMoto
from tests.unpatched.world import REGIONS, Truth

# The explorer's sharing pass and the audit beside it take as long as the app's retries of
# moto's HTML answers take (see the report of this package).
pytestmark = pytest.mark.timeout(CLI_DEADLINE + 60)


async def settle_for(pilot: Pilot[Any], seconds: float) -> None:
    """`functional.conftest.settle` with a longer deadline: every worker but the watcher's."""
    deadline = time.monotonic() + seconds
    for _ in range(2):
        workers = [w for w in pilot.app.workers if w.group not in ("watch", "action")]
        if workers:
            with contextlib.suppress(WorkerCancelled):
                try:
                    await asyncio.wait_for(
                        pilot.app.workers.wait_for_complete(workers),
                        max(1.0, deadline - time.monotonic()),
                    )
                except TimeoutError:
                    running = [w.name for w in workers if w.is_running]
                    raise AssertionError(
                        f"workers still running after {seconds} s: {running}"
                    ) from None
        await pilot.pause()


def _pane_ids(pilot: Pilot[Any]) -> set[str]:
    return set(visible_ids(pilot))


async def test_the_explorer_loads_shows_and_audits_the_unpatched_world(
    unpatched_world: Truth, unpatched_server: UnpatchedMoto, tmp_path: Path
) -> None:
    truth = unpatched_world
    output = tmp_path / "cli.json"
    (tmp_path / "cli").mkdir()
    argv = [sys.executable, "-m", "amiexplorer", *audit_argv(unpatched_server, output)]
    cli = await asyncio.create_subprocess_exec(
        *argv,
        env=sealed(tmp_path / "cli", FAKE_KEYS),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    app = await unpatched_app(unpatched_server)
    async with app.run_test(size=(120, 36)) as pilot:
        inventory = app.account.inventory
        await until(pilot, lambda: inventory.is_complete, seconds=60)
        states = {name: status.state for name, status in inventory.regions.items()}
        assert states == dict.fromkeys(REGIONS, RegionState.LOADED), inventory.errors
        screen = explorer(pilot)

        # Every pane shows its rows.
        await pilot.press("1")
        await pilot.pause()
        assert screen.kind is ResourceKind.INSTANCE
        assert truth.instances_running | truth.instances_stopped <= _pane_ids(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert _pane_ids(pilot) == truth.volumes_attached | truth.volumes_available
        await pilot.press("3")
        await pilot.pause()
        assert _pane_ids(pilot) == truth.snapshots
        await pilot.press("4")
        await pilot.pause()
        assert truth.images <= _pane_ids(pilot)

        # The details of an image open.
        golden = truth.golden_image
        await pilot.press("slash", *golden[-8:], "enter", "enter")
        await pilot.pause()
        assert screen.table.current is not None and screen.table.current.id == golden
        assert screen.query_one(DetailPanel).has_class("-open")
        assert f"Image {golden}" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()

        # A snapshot's details say what deleting it frees: moto's EBS direct APIs cannot
        # read it, so the line gives the upper bound and why (no traceback).
        snapshot = next(s for s in inventory.snapshots.values() if in_a_lineage(s))
        await pilot.press("3", "slash", *snapshot.id[-8:], "enter", "enter")
        await until(pilot, lambda: "blocks unread" in screen_text(pilot), seconds=30)
        assert "Deleting frees" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("5")
        await pilot.pause()
        assert "Traceback" not in screen_text(pilot)

        # The Audit pane finishes; once every worker is done its findings are the command's.
        await pilot.press("6")
        await settle_for(pilot, CLI_DEADLINE)
        assert screen.audit.shown and screen.audit.report is not None
        assert not screen.audit.stale
        shown = {
            (row.finding.code.value, row.finding.resource_id)
            for row in screen.audit.model.rows
            if isinstance(row, FindingRow)
        }
        assert shown, screen_text(pilot)
        for error in screen.audit.report.errors:
            assert "\n" not in error.error and "<html" not in error.error.lower()

    try:
        out, err = await asyncio.wait_for(cli.communicate(), CLI_DEADLINE)
    except TimeoutError:
        cli.kill()
        raise AssertionError("amiexplorer audit did not finish") from None
    assert cli.returncode is not None
    result = subprocess.CompletedProcess(argv, cli.returncode, out.decode(), err.decode())
    report = read_report(result, output)
    expected = {(f["code"], f["resource_id"]) for f in report["findings"]}
    difference = {"only in the TUI": shown - expected, "only in the CLI": expected - shown}
    assert shown == expected, difference
    assert json.loads(output.read_text())["regions"] == list(REGIONS)
