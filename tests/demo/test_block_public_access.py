"""Block public access for AMIs and snapshots in the demo world, over HTTP, shaped like AWS's.

Every answer is parsed by a real botocore client and walked against botocore's model
(``shapes``); every error is checked for its code, HTTP status and message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted, block_public_access
from tests.demo.shapes import Recorder, check_answer, check_error

EAST = "us-east-1"
WEST = block_public_access.SEEDED_REGION
Clients = Callable[..., tuple[Any, Recorder]]
DRY_RUN = ("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.")


@pytest.fixture(scope="module")
def clients(live_server: DemoServer) -> Iterator[Clients]:
    """EC2 clients with a recorder of raw answers, one per Region."""
    access_key, secret_key = DEMO_CREDENTIALS
    made: dict[str, tuple[Any, Recorder]] = {}

    def make(region: str = EAST) -> tuple[Any, Recorder]:
        if region not in made:
            client = boto3.client(
                "ec2",
                endpoint_url=live_server.endpoint_url,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
            made[region] = (client, Recorder(client))
        return made[region]

    yield make


@pytest.fixture
def world(seeded: Planted) -> Planted:
    """The seeded world with its block public access settings planted (us-west-2)."""
    block_public_access.plant()
    return seeded


def _method(client: Any, operation: str) -> Any:
    return getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())


def _call(clients: Clients, operation: str, region: str = EAST, **kw: Any) -> Any:
    client, recorder = clients(region)
    answer = _method(client, operation)(**kw)
    check_answer(client, recorder, operation, answer)
    return answer


def _fails(clients: Clients, operation: str, region: str = EAST, **kw: Any) -> tuple[str, int, str]:
    client, recorder = clients(region)
    with pytest.raises(ClientError) as caught:
        _method(client, operation)(**kw)
    code = check_error(client, recorder, operation, caught.value)
    response = caught.value.response
    status = int(response["ResponseMetadata"]["HTTPStatusCode"])
    return code, status, str(response["Error"]["Message"])


def _snapshot_state(clients: Clients, region: str) -> dict[str, Any]:
    answer = _call(clients, "GetSnapshotBlockPublicAccessState", region)
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _image_state(clients: Clients, region: str) -> dict[str, Any]:
    answer = _call(clients, "GetImageBlockPublicAccessState", region)
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _public_ids(clients: Clients, region: str) -> set[str]:
    answer = _call(clients, "DescribeSnapshots", region, RestorableByUserIds=["all"])
    return {s["SnapshotId"] for s in answer["Snapshots"]}


def _east_public_snapshot(world: Planted) -> str:
    found = sorted(world.public_snapshots & world.snapshots[EAST])
    assert found, "the demo world has a public snapshot in us-east-1"
    return found[0]


def test_seeded_states_per_region(world: Planted, clients: Clients) -> None:
    assert _snapshot_state(clients, WEST) == {"State": "block-new-sharing", "ManagedBy": "account"}
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        assert _snapshot_state(clients, region) == {"State": "unblocked", "ManagedBy": "account"}
    for region in ("us-east-1", WEST):
        assert _image_state(clients, region) == {
            "ImageBlockPublicAccessState": "unblocked",
            "ManagedBy": "account",
        }


def test_snapshot_round_trip_is_per_region(world: Planted, clients: Clients) -> None:
    answer = _call(
        clients, "EnableSnapshotBlockPublicAccess", "eu-west-1", State="block-all-sharing"
    )
    assert answer["State"] == "block-all-sharing"
    assert _snapshot_state(clients, "eu-west-1")["State"] == "block-all-sharing"
    assert _snapshot_state(clients, EAST)["State"] == "unblocked"
    assert _snapshot_state(clients, WEST)["State"] == "block-new-sharing"
    answer = _call(
        clients, "EnableSnapshotBlockPublicAccess", "eu-west-1", State="block-new-sharing"
    )
    assert answer["State"] == "block-new-sharing"
    assert _call(clients, "DisableSnapshotBlockPublicAccess", "eu-west-1")["State"] == "unblocked"
    assert _snapshot_state(clients, "eu-west-1")["State"] == "unblocked"


def test_image_round_trip_is_per_region(world: Planted, clients: Clients) -> None:
    answer = _call(
        clients,
        "EnableImageBlockPublicAccess",
        EAST,
        ImageBlockPublicAccessState="block-new-sharing",
    )
    assert answer["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert _image_state(clients, EAST)["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert _image_state(clients, WEST)["ImageBlockPublicAccessState"] == "unblocked"
    answer = _call(clients, "DisableImageBlockPublicAccess", EAST)
    assert answer["ImageBlockPublicAccessState"] == "unblocked"
    assert _image_state(clients, EAST)["ImageBlockPublicAccessState"] == "unblocked"


def test_dry_run_changes_nothing(world: Planted, clients: Clients) -> None:
    for operation, kw in (
        ("GetSnapshotBlockPublicAccessState", {}),
        ("EnableSnapshotBlockPublicAccess", {"State": "block-all-sharing"}),
        ("DisableSnapshotBlockPublicAccess", {}),
        ("GetImageBlockPublicAccessState", {}),
        ("EnableImageBlockPublicAccess", {"ImageBlockPublicAccessState": "block-new-sharing"}),
        ("DisableImageBlockPublicAccess", {}),
    ):
        assert _fails(clients, operation, WEST, DryRun=True, **kw) == DRY_RUN, operation
    assert _snapshot_state(clients, WEST)["State"] == "block-new-sharing"
    assert _image_state(clients, WEST)["ImageBlockPublicAccessState"] == "unblocked"


def test_bad_states_are_invalid_parameter_values(world: Planted, clients: Clients) -> None:
    code, status, _ = _fails(clients, "EnableSnapshotBlockPublicAccess", State="unblocked")
    assert (code, status) == ("InvalidParameterValue", 400)
    code, status, _ = _fails(
        clients, "EnableImageBlockPublicAccess", ImageBlockPublicAccessState="block-all-sharing"
    )
    assert (code, status) == ("InvalidParameterValue", 400)
    assert _snapshot_state(clients, EAST)["State"] == "unblocked"


def test_blocked_snapshot_cannot_be_made_public(world: Planted, clients: Clients) -> None:
    snapshot_id = sorted(world.snapshots[WEST] - world.public_snapshots)[0]
    code, status, message = _fails(
        clients,
        "ModifySnapshotAttribute",
        WEST,
        SnapshotId=snapshot_id,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    assert (code, status) == ("OperationNotPermitted", 400)
    assert snapshot_id in message
    assert snapshot_id not in _public_ids(clients, WEST)
    # Sharing with an account is not public sharing: still allowed.
    _call(
        clients,
        "ModifySnapshotAttribute",
        WEST,
        SnapshotId=snapshot_id,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=["111122223333"],
    )
    _call(clients, "DisableSnapshotBlockPublicAccess", WEST)
    _call(
        clients,
        "ModifySnapshotAttribute",
        WEST,
        SnapshotId=snapshot_id,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    assert snapshot_id in _public_ids(clients, WEST)


def test_block_new_sharing_keeps_public_snapshots_public(world: Planted, clients: Clients) -> None:
    public = _east_public_snapshot(world)
    _call(clients, "EnableSnapshotBlockPublicAccess", EAST, State="block-new-sharing")
    assert public in _public_ids(clients, EAST)


def test_block_all_sharing_treats_public_snapshots_as_private(
    world: Planted, clients: Clients
) -> None:
    public = _east_public_snapshot(world)
    assert public in _public_ids(clients, EAST)
    _call(clients, "EnableSnapshotBlockPublicAccess", EAST, State="block-all-sharing")
    assert public not in _public_ids(clients, EAST)
    # AWS does not change the permission: the attribute still says Group=all.
    attribute = _call(
        clients,
        "DescribeSnapshotAttribute",
        EAST,
        SnapshotId=public,
        Attribute="createVolumePermission",
    )
    assert {"Group": "all"} in attribute["CreateVolumePermissions"]
    # Back to block-new-sharing, or disabled: public again.
    _call(clients, "EnableSnapshotBlockPublicAccess", EAST, State="block-new-sharing")
    assert public in _public_ids(clients, EAST)
    _call(clients, "EnableSnapshotBlockPublicAccess", EAST, State="block-all-sharing")
    _call(clients, "DisableSnapshotBlockPublicAccess", EAST)
    assert public in _public_ids(clients, EAST)


def test_removing_public_sharing_under_block_all_sharing_sticks(
    world: Planted, clients: Clients
) -> None:
    public = _east_public_snapshot(world)
    _call(clients, "EnableSnapshotBlockPublicAccess", EAST, State="block-all-sharing")
    _call(
        clients,
        "ModifySnapshotAttribute",
        EAST,
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="remove",
        GroupNames=["all"],
    )
    _call(clients, "DisableSnapshotBlockPublicAccess", EAST)
    assert public not in _public_ids(clients, EAST)


def test_blocked_image_cannot_be_made_public(world: Planted, clients: Clients) -> None:
    ec2, _ = clients(EAST)
    images = ec2.describe_images(Owners=["self"])["Images"]
    private = next(i["ImageId"] for i in images if not i.get("Public"))
    public = [i["ImageId"] for i in images if i.get("Public")]
    _call(
        clients,
        "EnableImageBlockPublicAccess",
        EAST,
        ImageBlockPublicAccessState="block-new-sharing",
    )
    code, status, message = _fails(
        clients,
        "ModifyImageAttribute",
        EAST,
        ImageId=private,
        LaunchPermission={"Add": [{"Group": "all"}]},
    )
    assert (code, status) == ("OperationNotPermitted", 400)
    assert private in message
    # Already public images stay public.
    still = {
        i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"] if i.get("Public")
    }
    assert set(public) <= still
    assert private not in still
    _call(clients, "DisableImageBlockPublicAccess", EAST)
    _call(
        clients,
        "ModifyImageAttribute",
        EAST,
        ImageId=private,
        LaunchPermission={"Add": [{"Group": "all"}]},
    )
    assert any(
        i["ImageId"] == private and i["Public"]
        for i in ec2.describe_images(ImageIds=[private])["Images"]
    )


def test_reset_forgets_the_settings(live_server: DemoServer, clients: Clients) -> None:
    live_server.reset()
    block_public_access.plant(EAST, snapshots="block-all-sharing", images="block-new-sharing")
    assert _snapshot_state(clients, EAST)["State"] == "block-all-sharing"
    live_server.reset()
    assert _snapshot_state(clients, EAST)["State"] == "unblocked"
    assert _image_state(clients, EAST)["ImageBlockPublicAccessState"] == "unblocked"
