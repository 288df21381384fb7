"""`amiexplorer audit` on the unpatched world, as a real subprocess with fake keys.

It must finish (exit 1 or 2, never a traceback), write its JSON report, and say about the
world what is true: the true orphans and the unused images are found, nothing that DLM,
AWS Backup or an SSM parameter looks after is called a leftover, and the one public snapshot
is reported alone although moto's bulk public listing names every snapshot.

Two audits of one seeding serve every test of the module: the default one, and one whose
sharing pass is skipped (`--sharing-limit 1`), so that only the bulk public listing could
say a snapshot is public.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.data.test_bad_starts import FAKE_KEYS, sealed
from tests.unpatched.conftest import CLI_DEADLINE, audit_argv, finding_ids, read_report
from tests.unpatched.server import UnpatchedMoto
from tests.unpatched.world import ACCOUNT_ID, REGIONS, Truth, seed_unpatched_world

# One audit per module and worker, however long the app takes over moto's HTML answers.
pytestmark = pytest.mark.timeout(CLI_DEADLINE + 60)

ORPHANED, UNUSED, UNATTACHED = "orphaned-snapshot", "unused-image", "unattached-volume"


@dataclass(frozen=True)
class Audited:
    """One seeding of the world and what the two audits of it said."""

    truth: Truth
    result: subprocess.CompletedProcess[str]
    report: dict[str, Any]
    #: The audit with `--sharing-limit 1`: public snapshots rest on the bulk listing alone.
    limited_result: subprocess.CompletedProcess[str]
    limited: dict[str, Any]


def _start(args: list[str], home: Path) -> subprocess.Popen[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "amiexplorer", *args],
        env=sealed(home, FAKE_KEYS),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = process.communicate(timeout=CLI_DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"amiexplorer audit did not finish in {CLI_DEADLINE:.0f} s: {err[-2000:]}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="module")
def audited(
    unpatched_server: UnpatchedMoto, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Audited]:
    """Seed once, run both audits at once (they only read), keep what they said."""
    unpatched_server.reset()
    truth = seed_unpatched_world(unpatched_server.endpoint_url)
    home = tmp_path_factory.mktemp("unpatched-audit")
    full, limited = home / "full.json", home / "limited.json"
    processes = [
        _start(audit_argv(unpatched_server, full), home / "full"),
        _start(audit_argv(unpatched_server, limited, "--sharing-limit", "1"), home / "limited"),
    ]
    results = [_finish(p) for p in processes]
    yield Audited(
        truth,
        results[0],
        read_report(results[0], full),
        results[1],
        read_report(results[1], limited),
    )


def _messages(report: dict[str, Any]) -> list[str]:
    return [e["error"] for e in report["errors"]] + list(report["notes"])


def test_the_audit_finishes_and_writes_its_json_report(audited: Audited) -> None:
    runs = [(audited.result, audited.report), (audited.limited_result, audited.limited)]
    for result, report in runs:
        assert report["account"] == ACCOUNT_ID
        assert tuple(report["regions"]) == REGIONS
        assert {"errors", "findings", "totals", "notes"} <= set(report)
        # Exit 2 exactly when the report lists an error.
        assert result.returncode == (2 if report["errors"] else 1), report["errors"]
        assert "fake-secret" not in result.stderr + result.stdout
        for message in _messages(report) + [f["reason"] for f in report["findings"]]:
            assert "\n" not in message and "<html" not in message.lower(), message


def test_errors_and_notes_name_only_the_audited_regions(audited: Audited) -> None:
    for report in (audited.report, audited.limited):
        assert {e["region"] for e in report["errors"]} <= set(REGIONS)
        others = [
            note
            for note in report["notes"]
            if any(f" {name} " in f" {note} " for name in _every_region_name() - set(REGIONS))
        ]
        assert others == [], others[:3]


def _every_region_name() -> set[str]:
    import boto3

    session = boto3.session.Session()
    names: set[str] = set()
    for partition in session.get_available_partitions():
        names.update(session.get_available_regions("ec2", partition))
    return names


def test_every_region_loaded_completely(audited: Audited) -> None:
    # No region is withheld: the load of this world meets nothing the app cannot read.
    for report in (audited.report, audited.limited):
        withheld = [n for n in report["notes"] if "did not load completely" in n]
        assert withheld == []


def test_the_true_orphans_are_found(audited: Audited) -> None:
    found = finding_ids(audited.report, ORPHANED)
    assert audited.truth.orphaned_snapshots <= found
    by_region = {audited.truth.region_of[s] for s in found}
    assert by_region == set(REGIONS)


def test_the_true_unused_images_are_found(audited: Audited) -> None:
    assert audited.truth.unused_images <= finding_ids(audited.report, UNUSED)


def test_nothing_dlm_backup_or_ssm_look_after_is_a_leftover(audited: Audited) -> None:
    truth = audited.truth
    for report in (audited.report, audited.limited):
        leftovers = finding_ids(report, ORPHANED) | finding_ids(report, UNUSED)
        assert leftovers & truth.dlm_snapshots == set(), "DLM's snapshots"
        assert leftovers & truth.backup_snapshots == set(), "AWS Backup's recovery point"
        assert truth.backup_image not in leftovers, "AWS Backup's AMI"
        assert truth.golden_image not in leftovers, "the image an SSM parameter names"
        assert leftovers & truth.managed == set()


def test_the_leftovers_are_exactly_the_planted_ones(audited: Audited) -> None:
    truth = audited.truth
    for report in (audited.report, audited.limited):
        assert finding_ids(report, ORPHANED) == truth.orphaned_snapshots
        assert finding_ids(report, UNUSED) == truth.unused_images
        assert finding_ids(report, UNATTACHED) == truth.volumes_available
        used = {truth.image_in_launch_template, truth.image_in_launch_configuration}
        assert used & finding_ids(report, UNUSED) == set()


def test_the_public_and_shared_findings_are_exactly_the_planted_ones(audited: Audited) -> None:
    truth, report = audited.truth, audited.report
    assert finding_ids(report, "public-snapshot") == {truth.public_snapshot}
    assert finding_ids(report, "public-image") == {truth.public_image}
    assert finding_ids(report, "shared-image") == {truth.shared_image}
    assert finding_ids(report, "shared-snapshot") == set()


def test_a_public_listing_that_ignores_its_filter_is_not_believed(audited: Audited) -> None:
    # Without the sharing pass, moto's answer to "which snapshots are public" is every one.
    truth, report = audited.truth, audited.limited
    public = finding_ids(report, "public-snapshot")
    assert public <= {truth.public_snapshot}, f"{len(public)} snapshots called public"
    if public != {truth.public_snapshot}:
        # It could not tell: then it says so, for each region.
        said = [e for e in report["errors"] if "RestorableByUserIds" in e["error"]]
        assert {e["region"] for e in said} == set(REGIONS), report["errors"]
    assert finding_ids(report, "public-image") == {truth.public_image}


def test_the_notes_say_dlm_policies_could_not_be_read(audited: Audited) -> None:
    for report in (audited.report, audited.limited):
        notes = [n for n in report["notes"] if "DLM" in n or "Data Lifecycle Manager" in n]
        assert notes, report["notes"]
        assert any("not read" in n or "could not" in n for n in notes), notes
        for region in REGIONS:
            assert any(region in n for n in notes), (region, notes)


def test_savings_stay_upper_bounds_where_the_ebs_direct_apis_fail(audited: Audited) -> None:
    """Unpatched moto reads blocks only of StartSnapshot snapshots: the block pass fails, so
    every snapshot finding's saving is its upper bound, labelled as such, with a note."""
    snapshots = [
        f
        for f in audited.report["findings"]
        if f["resource_type"] == "snapshot" and f["monthly_cost_usd"] is not None
    ]
    assert snapshots
    for finding in snapshots:
        evidence = finding["details"]
        assert evidence["saving_is_upper_bound"] is True, finding
        assert evidence["saving_basis"] in ("volume size", "written size"), finding
    notes = [n for n in audited.report["notes"] if "block read(s) failed" in n]
    assert notes and "upper bounds" in notes[0], audited.report["notes"]
