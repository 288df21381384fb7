"""Answers that are not AWS's, each call of the audit in turn: an HTML page (200 and 500), an
empty body, the real answer cut in half, random bytes, and well-formed XML that answers nothing.

For every action the audit makes in one region (eu-west-1) and every such answer, the audit
still returns a report; an error or a note names the call, the region and what came back,
on one line; a call on which verdicts depend makes an error of the region (its orphaned
snapshots and unused images withheld, exit 2), one on which none depends only a note; and
every other region's findings are exactly those of an audit that met no fault.

The matrix runs with two attempts per call instead of eight: botocore retries a 500 page
with a backoff of up to 20 s (what that costs is `test_throttling`'s subject), and what the
app says after the last attempt is the same.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import run_audit
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.cli.main import main
from amiexplorer.core.audit.report import AuditReport, Finding
from amiexplorer.core.inventory import RegionState
from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted
from amiexplorer.ui.widgets.regions_pane import RegionsPane
from tests.conftest import FIXED_NOW
from tests.functional.conftest import explorer, screen_text, settle
from tests.reliability.conftest import proxied_app, proxied_settings
from tests.reliability.proxy import (
    EMPTY_BODY,
    HTML,
    RANDOM_BYTES,
    TRUNCATED,
    WRONG_XML,
    FaultProxy,
    Rule,
)

FAULTED = "eu-west-1"
#: The regions audited: the faulted one and two others (us-east-1, the demo's largest, is left
#: out to keep the matrix quick; its sharing pass alone is 115 calls).
AUDITED = (FAULTED, "us-west-2", "ap-southeast-2")

#: Calls whose answers verdicts depend on: their failure is an error of the region.
VERDICT_ACTIONS = frozenset(
    {
        "DescribeInstances",
        "DescribeImages",
        "DescribeVolumes",
        "DescribeSnapshots",  # the load's, and the public-snapshot listing's
        "DescribeLaunchTemplates",
        "DescribeLaunchTemplateVersions",
        "DescribeLaunchConfigurations",
        "DescribeParameters",  # SSM parameters naming images
    }
)
#: Calls on which no verdict depends: their failure is a note.
NOTE_ACTIONS = frozenset(
    {
        "DescribeImageAttribute",
        "DescribeSnapshotAttribute",
        "GetLifecyclePolicies",
    }
)
#: Lifecycle reads (a note each): an HTML 500 page is what an endpoint without the call answers
#: (taken as none there, every verdict stands); any other bad answer leaves it unknown, and the
#: verdicts it could change are withheld, by which rule of the orphaned-snapshot finding.
LIFECYCLE_ACTIONS: dict[str, frozenset[str] | None] = {
    # A lock may keep any snapshot: every snapshot verdict of the region waits.
    "DescribeLockedSnapshots": None,
    # An image in the bin keeps its snapshots: those of deregistered images wait.
    "ListImagesInRecycleBin": frozenset({"image"}),
    "ListSnapshotsInRecycleBin": frozenset({"image"}),
    # What these say changes no verdict: a fast-restore or binned leftover is still one.
    "DescribeFastSnapshotRestores": frozenset(),
    "ListRules": frozenset(),
    # Block public access only words a note on the public findings.
    "GetSnapshotBlockPublicAccessState": frozenset(),
    "GetImageBlockPublicAccessState": frozenset(),
}
ACTIONS = sorted(VERDICT_ACTIONS | NOTE_ACTIONS | set(LIFECYCLE_ACTIONS))

#: (fault kind, the rule's options, what the message must say came back: any of these).
FAULTS: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]] = {
    "html-200": (HTML, {"status": 200}, ("an HTML page",)),
    "html-500": (HTML, {"status": 500}, ("an HTML page",)),
    "empty-body": (EMPTY_BODY, {}, ("an empty body",)),
    "truncated": (TRUNCATED, {}, ("truncated",)),
    "random-bytes": (RANDOM_BYTES, {}, ("not XML", "not JSON")),
    # Which XML came back: its root element is named ("... not an answer to it (<Foo>)").
    "wrong-xml": (WRONG_XML, {"document": "foo"}, ("Foo", "not JSON")),
    "xhtml": (WRONG_XML, {"document": "xhtml"}, ("html", "not JSON")),
}
#: Absence-based verdicts: withheld for a region whose load failed.
ABSENCE_CODES = frozenset({"orphaned-snapshot", "unused-image", "orphaned-dlm-snapshot"})
#: The verdicts that rest on each call's answer, where fewer than all of ABSENCE_CODES.
WITHHELD = {"DescribeParameters": frozenset({"unused-image"})}
#: A DLM policy is regional, and only a copy of what it made lives in another region (where it
#: is never called orphaned, its policy maybe another account's): a fault on the faulted
#: region's policies may take `orphaned-dlm-snapshot` findings only from copies that came from
#: it. The demo world has none, so no call is listed: every other region stays exactly as is.
CROSS_REGION_DLM: frozenset[str] = frozenset()

_CLEAN: dict[str, AuditReport] = {}
_CLEAN_ACTIONS: dict[str, frozenset[str]] = {}


def add_fault(proxy: FaultProxy, fault: str, action: str) -> Rule:
    """The fault named `fault`, on `action` in the faulted region only."""
    kind, options, _words = FAULTS[fault]
    return proxy.bad_answer(kind, region=FAULTED, action=action, **options)


async def audit(
    proxy: FaultProxy, server: DemoServer, fault: str | None = None, action: str = ""
) -> AuditReport:
    """One in-process audit of `AUDITED` through the proxy on a fresh account.

    The start-up checks (identity, regions) come first and meet no fault; the journal of the
    proxy keeps only what the audit asked.
    """
    settings = proxied_settings(proxy, server, regions=AUDITED, max_attempts=2)
    account = Account(await connect(AwsSession(settings)))
    proxy.clear()
    try:
        if fault is not None:
            add_fault(proxy, fault, action)
        async with asyncio.timeout(60):  # a hang fails here, with a clear message
            return await run_audit(account, now=FIXED_NOW)
    finally:
        await account.close()


@pytest.fixture
def clean(world: Planted, demo_server: DemoServer, proxy: FaultProxy) -> Iterator[AuditReport]:
    """The report of an audit that met no fault (made once per process: the world is
    seeded from a fixed instant, so every fresh world is the same)."""
    if "report" not in _CLEAN:
        _CLEAN["report"] = asyncio.run(audit(proxy, demo_server))
        _CLEAN_ACTIONS["actions"] = frozenset(
            r.action for r in proxy.requests if r.region == FAULTED
        )
    yield _CLEAN["report"]


def _key(finding: Finding) -> tuple[str, str]:
    return (finding.code.value, finding.resource_id)


def _others(report: AuditReport, action: str = "") -> list[Finding]:
    """The findings of every region but the faulted one (see CROSS_REGION_DLM)."""
    return [
        f
        for f in report.findings
        if f.region != FAULTED
        and not (action in CROSS_REGION_DLM and f.code.value == "orphaned-dlm-snapshot")
    ]


def assert_others_intact(report: AuditReport, clean: AuditReport, action: str) -> None:
    """Every other region: exactly what the clean audit found there."""
    assert _others(report, action) == _others(clean, action)
    if action in CROSS_REGION_DLM:
        dlm = {_key(f) for f in report.findings if f.code.value == "orphaned-dlm-snapshot"}
        assert dlm <= {_key(f) for f in clean.findings}


def _faulted(report: AuditReport, codes: frozenset[str] | None = None) -> set[tuple[str, str]]:
    return {
        _key(f)
        for f in report.findings
        if f.region == FAULTED and (codes is None or f.code.value in codes)
    }


def _messages(report: AuditReport) -> list[str]:
    return [e.error for e in report.errors] + list(report.notes)


def test_the_matrix_covers_every_call_the_audit_makes(clean: AuditReport) -> None:
    # If the audit starts making another call, it belongs in VERDICT_ACTIONS or NOTE_ACTIONS.
    assert _CLEAN_ACTIONS["actions"] == set(ACTIONS)
    assert not clean.errors, clean.errors
    assert _faulted(clean, ABSENCE_CODES) and _others(clean)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_bad_answer_to_each_call_is_survived_and_named(
    clean: AuditReport, demo_server: DemoServer, proxy: FaultProxy, action: str, fault: str
) -> None:
    report = await audit(proxy, demo_server, fault, action)
    assert proxy.faults[FAULTS[fault][0]] >= 1, f"no {action} in {FAULTED} was faulted"

    # Said on one line, with the call, the region and what came back.
    for message in _messages(report):
        assert "\n" not in message and "<html" not in message.lower(), message
    naming = [m for m in _messages(report) if action in m and FAULTED in m]
    assert naming, _messages(report)
    words = FAULTS[fault][2]
    assert any(w.lower() in m.lower() for m in naming for w in words), (words, naming)

    if action in VERDICT_ACTIONS:
        # An error of the region; its absence-based verdicts are withheld (exit status 2).
        assert report.failed
        assert {e.region for e in report.errors} == {FAULTED}, report.errors
        assert any(action in e.error for e in report.errors), report.errors
        withheld = WITHHELD.get(action, ABSENCE_CODES)
        assert _faulted(report, withheld) == set()
        kept = ABSENCE_CODES - withheld
        assert _faulted(report, kept) == _faulted(clean, kept)
    elif action in LIFECYCLE_ACTIONS and fault != "html-500":
        # A note; what the read could change waits, every other verdict stands.
        assert not report.failed, report.errors
        rules = LIFECYCLE_ACTIONS[action]
        waiting = {
            _key(f)
            for f in clean.findings
            if f.region == FAULTED
            and f.code.value in ("orphaned-snapshot", "orphaned-dlm-snapshot")
            and (rules is None or f.details.get("rule") in rules)
        }
        assert _faulted(report, ABSENCE_CODES) == _faulted(clean, ABSENCE_CODES) - waiting
        if rules is None or rules:
            assert waiting, f"the demo world has {FAULTED} findings {action} could change"
    else:
        # A note: the findings decide the exit status, and the region's verdicts stand.
        assert not report.failed, report.errors
        assert _faulted(report, ABSENCE_CODES) == _faulted(clean, ABSENCE_CODES)
        verdicts = frozenset({"unattached-volume", "public-image"})
        assert _faulted(report, verdicts) == _faulted(clean, verdicts)

    assert_others_intact(report, clean, action)


# The proxy itself: each bad answer is what it says, and counted. ------------------------------


def _send(proxy: FaultProxy, service: str, method: str, path: str, body: bytes = b"") -> Any:
    """One request through the proxy, signed-looking (moto checks no signature)."""
    import http.client

    scope = f"Credential=AKIDEXAMPLE/20261101/{FAULTED}/{service}/aws4_request"
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }
    connection = http.client.HTTPConnection("127.0.0.1", int(proxy.endpoint_url.rsplit(":", 1)[1]))
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        connection.close()


def test_the_proxy_answers_what_each_bad_answer_kind_says(
    world: Planted, proxy: FaultProxy
) -> None:
    ask = b"Action=DescribeRegions&Version=2016-11-15"
    status, _headers, real = _send(proxy, "ec2", "POST", "/", ask)
    assert status == 200 and real.rstrip().endswith(b"</DescribeRegionsResponse>")
    answers = {}
    for name, (kind, options, _words) in FAULTS.items():
        proxy.clear_rules()
        proxy.bad_answer(kind, region=FAULTED, action="DescribeRegions", **options)
        answers[name] = _send(proxy, "ec2", "POST", "/", ask)
    for name, (status, headers, body) in answers.items():
        assert int(headers["Content-Length"]) == len(body), name
        assert status == (500 if name == "html-500" else 200), name
    assert answers["html-200"][2].startswith(b"<!DOCTYPE html>")
    assert answers["empty-body"][2] == b""
    assert answers["truncated"][2] == real[: len(real) // 2]
    assert not answers["random-bytes"][2].startswith((b"<", b"{"))
    assert b"<Foo/>" in answers["wrong-xml"][2] and b"<html><body>" in answers["xhtml"][2]
    # Each counted by its kind, and recorded with the request it answered.
    assert proxy.faults == {HTML: 2, EMPTY_BODY: 1, TRUNCATED: 1, RANDOM_BYTES: 1, WRONG_XML: 2}
    kinds = [None, HTML, HTML, EMPTY_BODY, TRUNCATED, RANDOM_BYTES, WRONG_XML, WRONG_XML]
    assert [r.fault for r in proxy.requests] == kinds


def test_the_proxy_names_the_operation_of_rest_requests(world: Planted, proxy: FaultProxy) -> None:
    arn = "arn%3Aaws%3Aec2%3Aeu-west-1%3A123456789012%3Avolume%2Fvol-0123456789abcdef0"
    for service, method, path in [
        ("dlm", "GET", "/policies?state=ENABLED"),
        ("dlm", "GET", "/policies/policy-0a1b2c3d4e5f60718"),
        ("backup", "GET", "/backup-vaults/"),
        ("backup", "GET", f"/resources/{arn}/recovery-points/"),
    ]:
        _send(proxy, service, method, path)
    assert [(r.service, r.action) for r in proxy.requests] == [
        ("dlm", "GetLifecyclePolicies"),
        ("dlm", "GetLifecyclePolicy"),
        ("backup", "ListBackupVaults"),
        ("backup", "ListRecoveryPointsByResource"),
    ]
    # So a fault can be aimed at one of them.
    proxy.html(status=503, service="dlm", action="GetLifecyclePolicy")
    assert _send(proxy, "dlm", "GET", "/policies/policy-0a1b2c3d4e5f60718")[0] == 503
    assert _send(proxy, "dlm", "GET", "/policies")[0] != 503


# The command, in process: the report file is written, the exit status follows the rule. -----


@pytest.mark.parametrize(
    ("action", "fault", "status"),
    [
        ("DescribeSnapshots", "html-200", 2),
        ("DescribeLaunchTemplateVersions", "truncated", 2),
        ("DescribeImageAttribute", "html-200", 1),
        ("GetLifecyclePolicies", "empty-body", 1),
    ],
)
def test_the_command_writes_its_report_and_names_the_call(
    clean: AuditReport,
    demo_server: DemoServer,
    proxy: FaultProxy,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    fault: str,
    status: int,
) -> None:
    access_key, secret_key = DEMO_CREDENTIALS
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    out = tmp_path / "audit.json"
    add_fault(proxy, fault, action)
    regions = [flag for region in AUDITED for flag in ("--region", region)]
    argv = ["audit", "--endpoint-url", proxy.endpoint_url, *regions, "--format", "json"]
    assert main([*argv, "--output", str(out)]) == status
    report = json.loads(out.read_text())
    said = [e["error"] for e in report["errors"]] + report["notes"]
    assert any(action in m and FAULTED in m for m in said), said
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any(action in line and FAULTED in line for line in err.splitlines()), err
    clean_others = {_key(f) for f in _others(clean, action)}
    others = {
        (f["code"], f["resource_id"])
        for f in report["findings"]
        if f["region"] != FAULTED
        and not (action in CROSS_REGION_DLM and f["code"] == "orphaned-dlm-snapshot")
    }
    assert others == clean_others


# The explorer: an HTML page instead of an answer, in one region. -----------------------------


async def test_an_html_page_for_describe_snapshots_is_the_regions_error_in_the_app(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, no_sharing_pass: None
) -> None:
    app = await proxied_app(proxy, demo_server, read_only=True, max_attempts=2)
    proxy.html(status=500, region=FAULTED, action="DescribeSnapshots")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        regions = app.account.inventory.regions
        assert regions[FAULTED].state is RegionState.FAILED
        assert all(s.state is RegionState.LOADED for n, s in regions.items() if n != FAULTED)
        (error,) = [e for e in app.account.inventory.errors if e.region == FAULTED]
        assert error.message.startswith("DescribeSnapshots in eu-west-1 answered an HTML page")
        assert "\n" not in error.message and "<html" not in error.message.lower()
        text = screen_text(pilot)
        assert "✗ eu-west-1" in text
        assert "DescribeSnapshots in eu-west-1 answered an HTML page" in " ".join(text.split())
        # The pane says it too, with the cursor on the region.
        pane = explorer(pilot).query_one(RegionsPane)
        pane.focus()
        await pilot.pause()
        pane.highlighted = ["all", *regions].index(FAULTED)
        await pilot.pause()
        assert "answered an HTML page" in " ".join(screen_text(pilot).split())
        # The Audit pane finishes, with the region's error and none of its leftovers.
        await pilot.press("6")
        await settle(pilot)
        report = explorer(pilot).audit.report
        assert report is not None and report.failed
        assert any("DescribeSnapshots" in e.error for e in report.errors if e.region == FAULTED)
        assert _faulted(report, ABSENCE_CODES) == set()
    assert proxy.mutating() == []


async def test_an_html_page_for_describe_image_attribute_is_named_in_the_app(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    app = await proxied_app(proxy, demo_server, read_only=True, max_attempts=2)
    proxy.html(status=200, region=FAULTED, action="DescribeImageAttribute")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        regions = app.account.inventory.regions
        assert all(s.state is RegionState.LOADED for s in regions.values())
        screen = explorer(pilot)
        # The Audit pane finishes; a note names the call and the region.
        await pilot.press("6")
        await settle(pilot)
        report = screen.audit.report
        assert report is not None and not report.failed, report.errors
        notes = [n for n in report.notes if "DescribeImageAttribute" in n and FAULTED in n]
        assert notes, report.notes
        assert "Traceback" not in screen_text(pilot)

        # An image of the region in the details: its sharing cannot be read. The panel does
        # not claim it is shared with nobody, and the app says why, naming call and region.
        image = next(
            i for i in app.account.inventory.images.values() if i.region == FAULTED and i.owned
        )
        await pilot.press("4", "slash", *image.id[-8:], "enter", "enter")
        await settle(pilot)
        assert screen.table.current is not None and screen.table.current.id == image.id
        text = screen_text(pilot)
        assert f"Image {image.id}" in text
        shared = [line for line in text.splitlines() if "Shared with" in line]
        assert shared and "no other account" not in shared[0], shared
        # The panel says why, naming the call, the region and what came back.
        panel = " ".join(line.strip("│ ").strip() for line in text.splitlines() if "│" in line)
        said = " ".join(panel.split())
        assert f"not read: DescribeImageAttribute in {FAULTED} answered an HTML page" in said, said
        assert "<html" not in text.lower()
    assert proxy.mutating() == []
