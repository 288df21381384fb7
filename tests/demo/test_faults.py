"""Fault injection: denied actions and broken regions, as botocore and aiobotocore see them."""

from __future__ import annotations

import pytest
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted
from tests.demo.conftest import ClientFactory


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_deny_answers_unauthorized_operation(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.deny("DescribeSnapshots")
    with pytest.raises(ClientError) as caught:
        client("ec2").describe_snapshots(OwnerIds=["self"])
    assert _error(caught) == ("UnauthorizedOperation", 403)
    assert "not authorized" in caught.value.response["Error"]["Message"]
    # Other actions still work.
    assert client("ec2").describe_volumes()["Volumes"]


def test_deny_applies_to_dry_run(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    snapshot = next(iter(seeded.orphan_snapshots_deleted_volume))
    region = seeded.region_of[snapshot]
    ec2 = client("ec2", region)
    with pytest.raises(ClientError) as caught:
        ec2.delete_snapshot(SnapshotId=snapshot, DryRun=True)
    assert _error(caught)[0] == "DryRunOperation"  # allowed: the preflight succeeds
    live_server.deny("DeleteSnapshot")
    with pytest.raises(ClientError) as caught:
        ec2.delete_snapshot(SnapshotId=snapshot, DryRun=True)
    assert _error(caught) == ("UnauthorizedOperation", 403)
    assert any(r.action == "DeleteSnapshot" and r.dry_run for r in live_server.requests)


def test_deny_in_one_region_only(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.deny("DescribeImages", region="eu-west-1")
    with pytest.raises(ClientError) as caught:
        client("ec2", "eu-west-1").describe_images(Owners=["self"])
    assert _error(caught)[0] == "UnauthorizedOperation"
    assert client("ec2", "us-west-2").describe_images(Owners=["self"])["Images"]


@pytest.mark.parametrize(
    ("code", "status"),
    [("AuthFailure", 401), ("OptInRequired", 403), ("UnauthorizedOperation", 403)],
)
def test_fail_region(
    live_server: DemoServer, seeded: Planted, client: ClientFactory, code: str, status: int
) -> None:
    live_server.fail_region("ap-southeast-2", code, status)
    ec2 = client("ec2", "ap-southeast-2")
    with pytest.raises(ClientError) as caught:
        ec2.describe_instances()
    assert _error(caught) == (code, status)
    with pytest.raises(ClientError) as caught:
        ec2.delete_volume(VolumeId="vol-0123456789abcdef0", DryRun=True)
    assert _error(caught) == (code, status)
    assert client("ec2", "us-east-1").describe_instances()["Reservations"]
    live_server.clear_faults()
    assert ec2.describe_instances()["Reservations"]


def test_fail_region_leaves_other_services_alone(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.fail_region("us-east-1")
    assert client("sts").get_caller_identity()["Account"] == "123456789012"


def test_deny_iam_and_sts_say_access_denied(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.deny("ListAccountAliases")
    live_server.deny("GetCallerIdentity")
    for call in (client("iam").list_account_aliases, client("sts").get_caller_identity):
        with pytest.raises(ClientError) as caught:
            call()
        assert _error(caught) == ("AccessDenied", 403)


async def test_aiobotocore_sees_the_same_codes(live_server: DemoServer, seeded: Planted) -> None:
    access_key, secret_key = DEMO_CREDENTIALS
    live_server.deny("DeregisterImage")
    live_server.fail_region("eu-west-1", "OptInRequired", 403)
    session = get_session()
    image = next(iter(seeded.unused_images & seeded.images["us-east-1"]))

    async def code_of(region: str, **call: object) -> str:
        async with session.create_client(
            "ec2",
            region_name=region,
            endpoint_url=live_server.endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
        ) as ec2:
            try:
                if call:
                    await ec2.deregister_image(**call)
                else:
                    await ec2.describe_volumes()
            except ClientError as error:
                return str(error.response["Error"]["Code"])
        return "ok"

    assert await code_of("us-east-1", ImageId=image, DryRun=True) == "UnauthorizedOperation"
    assert await code_of("us-east-1", ImageId=image) == "UnauthorizedOperation"
    assert await code_of("eu-west-1") == "OptInRequired"
    assert await code_of("us-east-1") == "ok"


@pytest.mark.parametrize(
    ("service", "action", "code", "status"),
    [
        ("sts", "GetCallerIdentity", "InvalidClientTokenId", 403),
        ("sts", "GetCallerIdentity", "ExpiredToken", 400),
        ("ec2", "DescribeVolumes", "RequestLimitExceeded", 503),
    ],
)
def test_fail_action(
    live_server: DemoServer,
    seeded: Planted,
    client: ClientFactory,
    service: str,
    action: str,
    code: str,
    status: int,
) -> None:
    live_server.fail_action(action, code, status)
    call = getattr(
        client(service), "get_caller_identity" if service == "sts" else "describe_volumes"
    )
    with pytest.raises(ClientError) as caught:
        call()
    assert _error(caught) == (code, status)
    live_server.clear_faults()
    call()


def test_fail_action_in_one_region(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.fail_action("DescribeSnapshots", "InternalError", 500, region="us-west-2")
    with pytest.raises(ClientError) as caught:
        client("ec2", "us-west-2").describe_snapshots(OwnerIds=["self"])
    assert _error(caught) == ("InternalError", 500)
    assert client("ec2", "eu-west-1").describe_snapshots(OwnerIds=["self"])["Snapshots"]
