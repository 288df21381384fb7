"""Invalid input is refused with a readable problem, and nothing at all reaches AWS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    ActionRequest,
    CopyImageRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    CreateSnapshotRequest,
    CreateVolumeRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.demo import STAGING_ACCOUNT_ID, DemoServer, Planted
from tests.actions.conftest import MUTATING_ACTIONS, log_lines

pytestmark = pytest.mark.asyncio(loop_scope="module")

Build = Callable[[Planted, Account], ActionRequest]


@dataclass(frozen=True)
class Case:
    """An invalid request, the field its problem concerns and words the message must hold."""

    build: Build
    field: str
    words: str


def _running_instance(world: Planted) -> str:
    return sorted(i for i in world.running_instances if world.region_of[i] == "us-east-1")[0]


def _image(world: Planted) -> str:
    return sorted(world.unused_images - world.pending_images - world.public_images)[0]


def _snapshot(world: Planted, account: Account) -> str:
    return sorted(
        s.id
        for s in account.inventory.snapshots.values()
        if s.region == "us-east-1" and s.state == "completed" and s.storage_tier == "standard"
        and not s.encrypted and s.volume_size_gib >= 8
    )[0]  # fmt: skip


def _taken_name(world: Planted, account: Account) -> str:
    names = [
        i.name for i in account.inventory.images.values() if i.region == "us-east-1" and i.name
    ]
    return sorted(names)[0]


def _image_named(name: str) -> Build:
    return lambda w, a: CreateImageRequest(_running_instance(w), name)


def _volume(**changes: object) -> Build:
    def build(world: Planted, account: Account) -> ActionRequest:
        values: dict[str, object] = {"availability_zone": "us-east-1a"}
        values.update(changes)
        return CreateVolumeRequest(_snapshot(world, account), **values)  # type: ignore[arg-type]

    return build


def _share(**permissions: object) -> Build:
    return lambda w, a: ShareImagesRequest((_image(w),), add=Permissions(**permissions))  # type: ignore[arg-type]


CASES = {
    "bad name characters": Case(_image_named("web#1 golden!"), "name", "cannot contain '!#'"),
    "short name": Case(_image_named("ab"), "name", "3-128 characters"),
    "duplicate name": Case(
        lambda w, a: CreateImageRequest(_running_instance(w), _taken_name(w, a)),
        "name",
        "already exists in us-east-1",
    ),
    "bad account id": Case(_share(account_ids=("12345678901",)), "account_id", "12 digits"),
    "bad organization ARN": Case(
        _share(organization_arns=("arn:aws:organizations::123456789012:organization/o-SHORT",)),
        "organization_arn",
        "not an organization ARN",
    ),
    "bad OU ARN": Case(
        _share(organizational_unit_arns=("arn:aws:organizations::123456789012:ou/o-x/ou-1",)),
        "organizational_unit_arn",
        "not an organizational unit ARN",
    ),
    "organizations for snapshots": Case(
        lambda w, a: ShareSnapshotsRequest(
            (_snapshot(w, a),),
            add=Permissions(
                organization_arns=("arn:aws:organizations::123456789012:organization/o-abcdefghij",)
            ),
        ),
        "organization_arns",
        "account ids or made public",
    ),
    "bad KMS key": Case(
        lambda w, a: CopySnapshotRequest(
            _snapshot(w, a), ("us-west-2",), encrypted=True, kms_key_id="my-key"
        ),
        "kms_key_id",
        "not a KMS key",
    ),
    "KMS key of another region": Case(
        lambda w, a: CopyImageRequest(
            _image(w), ("us-west-2",), encrypted=True, kms_key_id=w.kms_keys["us-east-1"]
        ),
        "kms_key_id",
        "must be a key of us-west-2",
    ),
    "KMS key without encryption": Case(
        lambda w, a: CopySnapshotRequest(
            _snapshot(w, a), ("us-west-2",), kms_key_id="alias/acme-ebs"
        ),
        "kms_key_id",
        "needs encryption",
    ),
    "size below the snapshot": Case(_volume(size_gib=1), "size_gib", "at least the snapshot's"),
    "IOPS for gp2": Case(_volume(volume_type="gp2", iops=3000), "iops", "only gp3, io1, io2"),
    "too many IOPS per GiB": Case(
        _volume(volume_type="io1", size_gib=10, iops=1000), "iops", "50 IOPS per GiB"
    ),
    "throughput for io2": Case(
        _volume(volume_type="io2", iops=1000, throughput=500), "throughput", "only gp3"
    ),
    "zone of another region": Case(
        _volume(availability_zone="eu-west-1a"), "availability_zone", "not an availability zone"
    ),
    "same source and target region": Case(
        lambda w, a: CopyImageRequest(_image(w), ("us-east-1",)),
        "target_regions",
        "is the source region",
    ),
    "unknown target region": Case(
        lambda w, a: CopySnapshotRequest(_snapshot(w, a), ("mars-north-1",)),
        "target_regions",
        "not a region EC2 knows",
    ),
    "reserved tag key": Case(
        lambda w, a: CreateSnapshotRequest(
            sorted(w.unattached_volumes)[0], tags=(("aws:owner", "me"),)
        ),
        "tags",
        "aws: prefix is reserved",
    ),
    "long description": Case(
        lambda w, a: CreateSnapshotRequest(sorted(w.unattached_volumes)[0], "x" * 256),
        "description",
        "at most 255",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
async def test_invalid_input_is_refused_before_any_call(
    case: Case,
    still_runner: ActionRunner,
    still_world: Planted,
    still_account: Account,
    demo_server: DemoServer,
    action_log: ActionLog,
) -> None:
    request = case.build(still_world, still_account)
    plan = still_runner.plan(request)
    assert not plan.executable
    assert any(p.field == case.field and case.words in p.message for p in plan.problems), [
        str(p) for p in plan.problems
    ]
    checked = await still_runner.preflight(plan)
    assert not checked.ok and "the input has problems" in checked.message
    confirmation = Confirmation(count=plan.needs.count, word=plan.needs.word)
    report = await still_runner.execute(plan, confirmation)
    assert report.results and {r.outcome for r in report.results} == {Outcome.REFUSED}
    assert case.words in report.results[0].message
    actions = {step.action for step in plan.steps}
    assert not [r for r in demo_server.requests if r.action in actions | MUTATING_ACTIONS]
    lines = log_lines(action_log)
    assert lines and {line["outcome"] for line in lines} == {"refused"}


async def test_a_valid_share_with_an_account_has_no_problems(
    still_runner: ActionRunner, still_world: Planted
) -> None:
    request = ShareImagesRequest((_image(still_world),), add=Permissions((STAGING_ACCOUNT_ID,)))
    assert still_runner.plan(request).problems == ()
