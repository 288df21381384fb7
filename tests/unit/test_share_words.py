"""Who a share names, in words, and what an encrypted snapshot's key means for it (item 3).

Pure: an inventory built by hand, KMS answers as `KmsKey`s. The AWS managed key cannot be
made in the demo world as AWS makes it (moto calls every key CUSTOMER and lists
alias/aws/ebs for a key id that does not exist), so its warning is checked here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from amiexplorer.aws.kms_keys import KmsKey, encryption_keys, key_region
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import BlockDeviceMapping, Identity, Image, Snapshot
from amiexplorer.core.plans.requests import Permissions, ShareImagesRequest, ShareSnapshotsRequest
from amiexplorer.core.plans.share import share_title
from amiexplorer.ui.dialogs.share_words import key_warnings, principal_label, who

OWN = "123456789012"
IDENTITY = Identity(OWN, f"arn:aws:iam::{OWN}:user/me", "AIDA", account_alias="acme-prod")
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _inventory() -> tuple[Inventory, Snapshot, Image]:
    inventory = Inventory(OWN, ["eu-west-1"])
    snapshot = Snapshot(
        "snap-1", "eu-west-1", OWN, "completed", 100, "vol-1", 50, NOW, encrypted=True,
        kms_key_id=KEY,
    )  # fmt: skip
    image = Image(
        "ami-1", "eu-west-1", OWN, "app", "available", NOW,
        block_device_mappings=(BlockDeviceMapping("/dev/xvda", "snap-1", 50, "gp3", True),),
    )  # fmt: skip
    inventory.put(snapshot)
    inventory.put(image)
    return inventory, snapshot, image


def test_accounts_organizations_and_units_in_words() -> None:
    org = f"arn:aws:organizations::{OWN}:organization/o-a1b2c3d4e5"
    unit = "arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56"
    assert principal_label("111122223333", IDENTITY) == "account 111122223333"
    assert principal_label(OWN, IDENTITY) == f"account {OWN} (acme-prod, this account)"
    assert principal_label(org, IDENTITY) == (
        f"organization o-a1b2c3d4e5 of account {OWN} (acme-prod, this account)"
    )
    assert principal_label(unit, IDENTITY) == (
        "organizational unit ou-ab12-cd34ef56 of o-a1b2c3d4e5 of account 999988887777"
    )
    everyone = Permissions(("111122223333",), (org,), public=True)
    assert who(everyone, IDENTITY)[:2] == ["everyone (public)", "account 111122223333"]


def test_a_share_title_names_who() -> None:
    add = Permissions(("111122223333", "444455556666"))
    remove = Permissions(organization_arns=("arn:aws:organizations::1:organization/o-x",))
    assert share_title("image", 2, add, remove) == (
        "share 2 image(s) with 111122223333, 444455556666; stop sharing 2 image(s) with o-x"
    )
    assert share_title("snapshot", 1, Permissions(public=True), Permissions()) == (
        "make 1 snapshot(s) public"
    )


def test_who_manages_a_key() -> None:
    assert KmsKey(KEY, "eu-west-1", ("alias/aws/ebs",), "CUSTOMER").aws_managed is True
    assert KmsKey(KEY, "eu-west-1", (), "AWS").aws_managed is True
    assert KmsKey(KEY, "eu-west-1", ("alias/acme-ebs",), "CUSTOMER").aws_managed is False
    assert KmsKey(KEY, "eu-west-1", problem="denied").aws_managed is None
    assert key_region(KEY, "us-east-1") == "eu-west-1"
    assert key_region("1111aaaa-2222-3333-4444-555566667777", "us-east-1") == "us-east-1"


def test_the_keys_of_snapshots_and_of_images_made_of_them() -> None:
    inventory, snapshot, image = _inventory()
    found = encryption_keys([snapshot, image], inventory.snapshots)
    assert found == {KEY: ("eu-west-1", ("snap-1", "ami-1"))}


def test_sharing_what_the_aws_managed_key_encrypts_is_refused_by_aws_and_said() -> None:
    inventory, _snapshot, _image = _inventory()
    keys = {KEY: KmsKey(KEY, "eu-west-1", ("alias/aws/ebs",), "AWS")}
    request = ShareSnapshotsRequest(("snap-1",), Permissions(("111122223333",)))
    (warning,) = key_warnings(request, inventory, keys, IDENTITY)
    assert warning.startswith(f"snap-1 is encrypted with the AWS managed key alias/aws/ebs ({KEY})")
    assert "AWS refuses to share it with account 111122223333" in warning


def test_a_customer_managed_key_must_allow_them_and_an_unknown_one_is_said() -> None:
    inventory, _snapshot, _image = _inventory()
    request = ShareImagesRequest(("ami-1",), Permissions(("111122223333",)))
    keys = {KEY: KmsKey(KEY, "eu-west-1", ("alias/acme-ebs",), "CUSTOMER")}
    (warning,) = key_warnings(request, inventory, keys, IDENTITY)
    assert "ami-1 is encrypted with the customer managed key alias/acme-ebs" in warning
    assert "account 111122223333 can use it only if that key allows them too" in warning
    unread = {KEY: KmsKey(KEY, "eu-west-1", problem="you lack kms:DescribeKey in eu-west-1")}
    (warning,) = key_warnings(request, inventory, unread, IDENTITY)
    assert "could not be looked up (you lack kms:DescribeKey in eu-west-1)" in warning


def test_nothing_to_say_when_nobody_is_added() -> None:
    inventory, _snapshot, _image = _inventory()
    request = ShareSnapshotsRequest(("snap-1",), remove=Permissions(("111122223333",)))
    assert key_warnings(request, inventory, {}, IDENTITY) == []
