"""`amiexplorer audit` against the test session's demo server: formats, files, exit statuses.

One subprocess (it alone can tell whether Textual was imported); the rest run `main` in-process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from amiexplorer.cli.audit_command import audit_options
from amiexplorer.cli.main import build_parser, main
from amiexplorer.config import Settings
from amiexplorer.core.tuning import DEFAULT_SHARING_LIMIT, Thresholds
from amiexplorer.demo import DEMO_CREDENTIALS, DEMO_REGIONS, DemoServer, Planted

FINDING_KEYS = {
    "code",
    "resource_type",
    "resource_id",
    "region",
    "reason",
    "size_gib",
    "monthly_cost_usd",
    "details",
}

_CHILD = """
import json, sys
from amiexplorer.cli.main import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
textual = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
print(json.dumps({"status": status, "textual": textual}))
"""


def _regions() -> list[str]:
    return [flag for region in DEMO_REGIONS for flag in ("--region", region)]


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The demo credentials in the environment, as a person would export them."""
    access_key, secret_key = DEMO_CREDENTIALS
    values = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_json_to_a_file_in_a_process_that_never_imports_textual(
    world: Planted, demo_server: DemoServer, credentials: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    argv = ["--endpoint-url", demo_server.endpoint_url, "audit", "--format", "json"]
    argv += ["--output", str(out), *_regions()]  # connection flags before and after
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=90,
        check=False,
    )
    assert child.stdout.strip(), child.stderr
    verdict = json.loads(child.stdout.strip().splitlines()[-1])
    assert verdict == {"status": 1, "textual": []}, child.stderr
    assert child.stdout.count("\n") == 1  # the report went to the file, not to stdout

    report = json.loads(out.read_text())
    assert list(report) == [
        "account",
        "generated_at",
        "regions",
        "errors",
        "findings",
        "totals",
        "managed",
        "notes",
    ]
    assert report["account"] == "123456789012"
    assert datetime.fromisoformat(report["generated_at"]).tzinfo is not None
    assert report["regions"] == list(DEMO_REGIONS)
    assert report["errors"] == []
    # The pending cross-region copy is work in flight, not a leftover: counted in a note; the
    # notes on what AWS keeps and what a cleanup meets follow (tests/data/test_audit.py has
    # their words).
    assert report["notes"][0] == (
        f"{len(world.pending_images)} resource(s) still pending or being created are not "
        "reported as leftovers: the work that makes them is not over"
    )
    kept = ("locked snapshot(s)", "images in the Recycle Bin", "deregistration protection")
    met = ("go to the Recycle Bin", "fast snapshot restore on", "archived less than 90 days")
    preview = ("block public access",)
    words = (*kept, *met, *preview)
    order = [[w in n for w in words].index(True) for n in report["notes"][1:]]
    assert order == [0, 1, 2, 3, 4, 5, 6, 6]
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["resource_type"] in {"snapshot", "image", "volume"}
        assert isinstance(finding["details"], dict)
    orphans = {f["resource_id"] for f in report["findings"] if f["code"] == "orphaned-snapshot"}
    assert (
        orphans
        == (world.orphan_snapshots_deregistered_image | world.orphan_snapshots_deleted_volume)
        - world.locked_snapshots
    )
    shared = {
        f["resource_id"]: f["details"]["shared_with"]
        for f in report["findings"]
        if f["code"] == "shared-image"
    }
    assert {k: set(v) for k, v in shared.items()} == world.shared_images
    totals = report["totals"]
    assert totals["by_code"]["unattached-volume"]["count"] == len(world.unattached_volumes)
    assert totals["all"]["count"] == len(report["findings"])
    assert set(totals["by_region"]) == set(DEMO_REGIONS)
    cost = sum(f["monthly_cost_usd"] or 0 for f in report["findings"])
    assert totals["all"]["monthly_cost_usd"] == pytest.approx(cost)


def test_a_failed_region_exits_2_with_the_other_regions_in_csv(
    world: Planted,
    demo_server: DemoServer,
    credentials: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo_server.fail_region("eu-west-1", "AuthFailure", 401)
    argv = ["audit", "--endpoint-url", demo_server.endpoint_url, *_regions(), "--format", "csv"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert rows and set(rows[0]) == FINDING_KEYS
    assert {r["region"] for r in rows} == {"us-east-1", "us-west-2", "ap-southeast-2"}
    volumes = {r["resource_id"] for r in rows if r["code"] == "unattached-volume"}
    assert volumes == {v for v in world.unattached_volumes if world.region_of[v] != "eu-west-1"}
    public = next(r for r in rows if r["code"] == "public-snapshot")
    assert public["size_gib"] == "" and public["monthly_cost_usd"] == ""
    assert json.loads(public["details"])["volume_size_gib"] > 0
    assert "audit incomplete: eu-west-1: AWS rejected the credentials" in captured.err
    assert "eu-west-1 did not load completely" in captured.err


def test_table_exit_1_with_findings_and_0_without(
    world: Planted,
    demo_server: DemoServer,
    credentials: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint = ["--endpoint-url", demo_server.endpoint_url]
    assert main(["audit", *endpoint, "--region", "us-east-1"]) == 1
    table = capsys.readouterr().out
    assert "Orphaned snapshots (orphaned-snapshot): " in table
    assert "Public snapshots (public-snapshot): 1 finding" in table
    assert "source image deregistered (ami-" in table
    assert "TiB" in table and "/month (estimate)" in table and "else an upper bound" in table
    assert "Total: " in table and "By region: us-east-1 " in table
    # Old enough for nothing: nothing to report in us-west-2 (which has no public shares).
    ages = ["--snapshot-min-age", "36500", "--image-min-age", "36500", "--volume-min-age", "36500"]
    assert main(["audit", *endpoint, "--region", "us-west-2", *ages]) == 0
    table = capsys.readouterr().out
    assert "Total: 0 findings" in table
    assert "Unused images (unused-image): none" in table


def test_threshold_and_limit_flags_win_over_the_config_file() -> None:
    settings = Settings(thresholds=Thresholds(snapshot_min_age_days=7, image_min_age_days=30))
    args = build_parser().parse_args(["audit", "--image-min-age", "90"])
    options = audit_options(args, settings)
    assert options.thresholds == Thresholds(snapshot_min_age_days=7, image_min_age_days=90)
    assert options.sharing_limit == DEFAULT_SHARING_LIMIT
    unlimited = build_parser().parse_args(["audit", "--sharing-limit", "0", "--format", "json"])
    assert audit_options(unlimited, settings).sharing_limit is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "--snapshot-min-age", "-1"])


def test_an_audit_that_cannot_run_at_all_still_writes_its_report(
    world: Planted,
    demo_server: DemoServer,
    credentials: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A surprise of the app's own (run_audit itself answers whatever an endpoint sends).
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("amiexplorer.cli.audit_command.run_audit", broken)
    out = tmp_path / "report.json"
    argv = ["audit", "--endpoint-url", demo_server.endpoint_url, *_regions()]
    assert main([*argv, "--format", "json", "--output", str(out)]) == 2
    report = json.loads(out.read_text())
    assert report["findings"] == [] and report["regions"] == list(DEMO_REGIONS)
    assert {e["region"] for e in report["errors"]} == set(DEMO_REGIONS)
    assert all("the audit failed" in e["error"] and "a bug" in e["error"] for e in report["errors"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "audit incomplete: us-east-1: the audit failed" in err
