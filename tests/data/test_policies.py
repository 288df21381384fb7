"""The read-only policy that ships grants every call that browsing and the audit make.

The demo server records each request; a load, the evidence pass, an audit and the details of
managed resources must need nothing `policies/readonly.json` leaves out, and the actions policy
must grant every change the cleanup makes.
"""

from __future__ import annotations

import json
from importlib import resources

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import AuditOptions, run_audit
from amiexplorer.core.managed import management_of
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import FIXED_NOW


def granted(name: str) -> set[str]:
    document = json.loads(resources.files("amiexplorer.policies").joinpath(name).read_text())
    return {action for statement in document["Statement"] for action in statement["Action"]}


async def test_the_read_only_policy_grants_every_call_of_a_load_and_an_audit(
    account: Account, world: Planted, demo_server: DemoServer
) -> None:
    await run_audit(account, AuditOptions(sharing_limit=None), now=FIXED_NOW)
    inventory = account.inventory
    managed = [
        r
        for r in [*inventory.snapshots.values(), *inventory.images.values()]
        if management_of(r) is not None
    ]
    for resource in managed:
        await account.load_provenance(resource)
    # The first of a lineage is read whole (ListSnapshotBlocks), the rest by their changes.
    await account.read_blocks(world.block_lineage)
    made = {f"{r.service}:{r.action}" for r in demo_server.requests if r.action}
    # Every kind of evidence was asked for, so the check below covers each permission.
    for call in (
        "ssm:DescribeParameters",
        "ssm:GetParameters",
        "dlm:GetLifecyclePolicies",
        "ec2:DescribeImageReferences",
        "backup:ListRecoveryPointsByResource",
        "backup:DescribeRecoveryPoint",
        "ebs:ListSnapshotBlocks",
        "ebs:ListChangedBlocks",
    ):
        assert call in made, call
    assert made - granted("readonly.json") == set()
