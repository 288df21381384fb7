"""Block public access per region, read into the evidence: the audit previews which public
shares turning it on would cut, and says which it already makes private in effect."""

from __future__ import annotations

from typing import Any

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import AuditOptions, gather_evidence, report_from
from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.lifecycle import BLOCK_ALL_SHARING, BLOCK_NEW_SHARING, UNBLOCKED
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import FIXED_NOW, ec2_witness


def ec2(server: DemoServer, region: str) -> Any:
    return ec2_witness(server, region)


async def test_the_audit_previews_what_block_public_access_would_cut(
    account: Account, world: Planted, demo_server: DemoServer
) -> None:
    options = AuditOptions(sharing_limit=None)
    gathered = await gather_evidence(account, options)
    evidence = account.inventory.evidence
    settings = {r: evidence.region(r).block_public_access for r in account.region_names}
    assert settings["us-west-2"] is not None
    assert settings["us-west-2"].snapshots == BLOCK_NEW_SHARING
    assert settings["us-east-1"] is not None
    assert (settings["us-east-1"].snapshots, settings["us-east-1"].images) == (UNBLOCKED,) * 2
    report = report_from(account, gathered, options, now=FIXED_NOW)
    public = sorted(
        f.resource_id
        for f in report.findings
        if f.code is FindingCode.PUBLIC_SNAPSHOT and f.region == "us-east-1"
    )
    assert public
    (preview,) = [n for n in report.notes if n.startswith("us-east-1: snapshot block public")]
    assert "block-all-sharing would make its" in preview and public[0] in preview
    assert any("us-east-1: image block public access is unblocked" in n for n in report.notes)

    # Someone turns block-all-sharing on: read again, the note says what it does now.
    ec2(demo_server, "us-east-1").enable_snapshot_block_public_access(State=BLOCK_ALL_SHARING)
    await account.read_evidence()
    setting = account.inventory.evidence.region("us-east-1").block_public_access
    assert setting is not None and setting.cuts_public_snapshots()
    again = report_from(account, gathered, options, now=FIXED_NOW)
    (now,) = [n for n in again.notes if n.startswith("us-east-1: snapshot block public")]
    assert "still say public, but nobody outside the account can use them" in now
