"""Pure parts: validation rules, confirmations, estimates and the action log file itself."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from amiexplorer.aws.actions.log import ActionLog, LogOutcome, scrub
from amiexplorer.core.plans.plan import Confirmation, ConfirmationNeeds, Estimate
from amiexplorer.core.validation import (
    Problem,
    check_account_id,
    check_availability_zone,
    check_description,
    check_image_name,
    check_kms_key,
    check_organization_arn,
    check_ou_arn,
    check_tags,
    check_target_regions,
    check_volume,
)

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
MRK_ID = "mrk-1234abcd12ab34cd56ef1234567890ab"


def _fields(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


@pytest.mark.parametrize(
    "name", ["web", "web-2026.11.01 (golden) [rc1]", "team/app_v2 @ 'prod'", "x" * 128]
)
def test_good_image_names(name: str) -> None:
    assert check_image_name(name, {"other"}) == []


def test_bad_image_names_say_what_is_allowed() -> None:
    (short,) = check_image_name("ab")
    assert "3-128 characters" in short.message
    assert check_image_name("x" * 129)[0].message.startswith("must be 3-128")
    (chars,) = check_image_name("web:1*")
    assert "'*:'" in chars.message and "( ) [ ]" in chars.message
    (taken,) = check_image_name("web", {"web"}, "us-east-1")
    assert taken.message == "an image named 'web' already exists in us-east-1"
    assert check_image_name("Web", {"web"}) == []  # names are case-sensitive, as in AWS


def test_account_ids() -> None:
    assert check_account_id("210987654321") == []
    for bad in ("12345678901", "1234567890123", "12345678901a", ""):
        assert "12 digits" in check_account_id(bad)[0].message
    assert "this account" in check_account_id("123456789012", "123456789012")[0].message


def test_organization_and_unit_arns() -> None:
    assert (
        check_organization_arn("arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5")
        == []
    )
    assert (
        check_organization_arn(
            "arn:aws-us-gov:organizations::123456789012:organization/o-a1b2c3d4e5"
        )
        == []
    )
    for bad in (
        "arn:aws:organizations::123456789012:organization/o-short",
        "arn:aws:organizations::123456789012:organization/o-A1B2C3D4E5",
        "arn:aws:organizations::12345:organization/o-a1b2c3d4e5",
        "o-a1b2c3d4e5",
    ):
        assert check_organization_arn(bad), bad
    unit = "arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56"
    assert check_ou_arn(unit) == []
    assert check_ou_arn(unit.replace("ou-ab12-cd34ef56", "ou-ab12-cd34"))
    assert check_ou_arn("arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5")


def test_kms_keys() -> None:
    good = [
        KEY_ID,
        MRK_ID,
        "alias/acme-ebs",
        "alias/aws/ebs",
        f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}",
        "arn:aws:kms:eu-west-1:123456789012:alias/acme-ebs",
        f"arn:aws-cn:kms:cn-north-1:123456789012:key/{MRK_ID}",
    ]
    for key in good:
        assert check_kms_key(key) == [], key
    for bad in ("my-key", "alias/", "1234", f"arn:aws:kms:eu-west-1:1234:key/{KEY_ID}", "mrk-12"):
        assert "not a KMS key" in check_kms_key(bad)[0].message, bad
    arn = f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}"
    assert check_kms_key(arn, "eu-west-1") == []
    assert "must be a key of us-east-1" in check_kms_key(arn, "us-east-1")[0].message


def test_volume_sizes_per_type() -> None:
    assert check_volume("gp3", 8, snapshot_size_gib=8) == []
    assert check_volume("gp3", None, snapshot_size_gib=8) == []
    assert (
        "at least the snapshot's 20 GiB" in check_volume("gp3", 10, snapshot_size_gib=20)[0].message
    )
    assert check_volume("gp2", 16385)[0].message == "gp2 volumes take 1-16384 GiB"
    assert check_volume("st1", 100)[0].message == "st1 volumes take 125-16384 GiB"
    assert check_volume("standard", 1025)[0].message == "standard volumes take 1-1024 GiB"
    assert check_volume("io2", 65536, iops=100) == []  # Block Express
    assert check_volume("io1", 65536, iops=100)
    assert "unknown volume type" in check_volume("gp4", 8)[0].message


def test_iops_and_throughput_per_type() -> None:
    assert check_volume("gp3", 100, iops=16000, throughput=1000) == []
    assert "3000-16000" in check_volume("gp3", 100, iops=2000)[0].message
    assert "only gp3, io1, io2" in check_volume("gp2", 100, iops=3000)[0].message
    assert "need provisioned IOPS" in check_volume("io1", 100)[0].message
    assert "50 IOPS per GiB" in check_volume("io1", 10, iops=600)[0].message
    assert check_volume("io1", 10, iops=500) == []
    assert "1000 IOPS per GiB" in check_volume("io2", 10, iops=10001)[0].message
    assert "100-256000" in check_volume("io2", 1000, iops=300000)[0].message
    assert "only gp3" in check_volume("io2", 100, iops=1000, throughput=200)[0].message
    assert "125-1000 MiB/s" in check_volume("gp3", 100, throughput=100)[0].message
    assert "needs at least 4000 IOPS" in check_volume("gp3", 100, throughput=1000)[0].message


def test_zones_regions_tags_and_descriptions() -> None:
    assert check_availability_zone("us-east-1a", "us-east-1") == []
    assert check_availability_zone("us-west-2-lax-1a", "us-west-2") == []
    for bad in ("eu-west-1a", "us-east-1", "us-east-10a", "use1-az1"):
        assert check_availability_zone(bad, "us-east-1"), bad
    known = {"us-east-1", "eu-west-1", "us-west-2"}
    assert check_target_regions(["eu-west-1", "us-west-2"], "us-east-1", known) == []
    assert _fields(check_target_regions([], "us-east-1", known)) == ["target_regions"]
    messages = [
        p.message
        for p in check_target_regions(
            ["us-east-1", "eu-west-1", "eu-west-1", "xx"], "us-east-1", known
        )
    ]
    assert any("source region" in m for m in messages)
    assert any("listed twice" in m for m in messages)
    assert any("not a region EC2 knows" in m for m in messages)
    assert check_tags([("Name", "web"), ("Team", "")]) == []
    assert "at most 50 tags" in check_tags([(f"k{i}", "v") for i in range(51)])[0].message
    assert "1-128" in check_tags([("", "v")])[0].message
    assert "1-128" in check_tags([("k" * 129, "v")])[0].message
    assert "reserved" in check_tags([("AWS:foo", "v")])[0].message
    assert "at most 256" in check_tags([("k", "v" * 257)])[0].message
    assert "appears twice" in check_tags([("k", "a"), ("k", "b")])[0].message
    assert check_description("d" * 255) == []
    assert check_description("d" * 256)[0].message == "at most 255 characters, not 256"


def test_confirmation_needs() -> None:
    needs = ConfirmationNeeds(count=3, word="public", image_ids=("ami-1",))
    assert len(needs.check(Confirmation())) == 3
    assert needs.check(Confirmation(count=3, word="public", image_ids=("ami-1", "ami-2"))) == []
    assert ConfirmationNeeds().check(Confirmation()) == []
    assert ConfirmationNeeds(count=2).check(Confirmation(count=3))


def test_estimate_describes_itself() -> None:
    estimate = Estimate(resources=7, gib=1229, monthly_usd=61.44)
    assert estimate.describe() == "delete 7 resources, 1.2 TiB, saves about $61.44/month"
    assert Estimate(1, 8, 0.4).describe("deregister") == (
        "deregister 1 resource, 8 GiB, saves about $0.40/month"
    )
    exact = Estimate(2, 16, 0.02, exact_bytes=412 * 1024**2)
    assert exact.saving_words() == "saves about $0.02/month (frees 412 MiB no other snapshot holds)"
    mixed = Estimate(3, 24, 1.4, bound_usd=0.4, bounded=1, bound_basis="written size")
    assert mixed.saving_words() == (
        "saves about $1.00/month, and at most $0.40 more "
        "(1 snapshot(s) priced by their written size, an upper bound)"
    )
    bound = Estimate(1, 8, 0.4, bound_usd=0.4, bounded=1, bound_basis="volume size")
    assert bound.saving_words() == (
        "saves at most $0.40/month (an upper bound: 1 snapshot(s) priced by their volume size)"
    )


def test_the_log_is_private_even_when_it_existed(tmp_path: Path) -> None:
    path = tmp_path / "state" / "actions.jsonl"
    path.parent.mkdir()
    path.write_text("")
    os.chmod(path, 0o644)
    log = ActionLog(path)
    entry = log.write(
        account="123456789012",
        region="eu-west-1",
        action="DeleteSnapshot",
        resource_ids=["snap-1"],
        parameters={"SnapshotId": "snap-1", "DryRun": True},
        outcome=LogOutcome.DONE,
        message="deleted",
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (line,) = [json.loads(text) for text in path.read_text().splitlines()]
    assert line["time"] == entry.time and line["time"].endswith("+00:00")
    assert line["parameters"] == {"SnapshotId": "snap-1"}
    assert list(log.entries()) == [line]


def test_a_new_log_is_created_private_in_the_state_directory() -> None:
    log = ActionLog()
    assert str(log.path).startswith(os.environ["XDG_STATE_HOME"])
    log.write(
        account="1",
        region="r",
        action="DeleteVolume",
        resource_ids=[],
        parameters={},
        outcome=LogOutcome.REFUSED,
        message="m",
    )
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_nothing_like_a_credential_reaches_the_log() -> None:
    parameters = {
        "SnapshotId": "snap-1",
        "PresignedUrl": "https://ec2.amazonaws.com/?X-Amz-Credential=AKIA",
        "Nested": [{"aws_secret_access_key": "s", "SessionToken": "t", "KmsKeyId": "k"}],
        "AccessKeyId": "AKIA",
    }
    assert scrub(parameters) == {"SnapshotId": "snap-1", "Nested": [{"KmsKeyId": "k"}]}
