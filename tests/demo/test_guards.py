"""AWS's lifecycle guards in the demo world: planted, served over HTTP, and shaped like AWS's.

Snapshot locks, Fast Snapshot Restore, deregistration protection and the Recycle Bin (EC2's side
and the ``rbin`` service). Every answer is parsed by a real botocore client and walked against
botocore's model (``shapes``); every error is checked for its code, HTTP status and message.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from amiexplorer.demo import DEMO_ACCOUNT_ID, DEMO_CREDENTIALS, DemoServer, ManualClock, Planted
from amiexplorer.demo.guarded import BINNED_DAYS_AGO, EXCLUDE_TAG, KEEP_TAG
from tests.demo.shapes import Clients, check_answer, check_error, recording_clients

EAST = "us-east-1"
DRY_RUN = ("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.")


@pytest.fixture(scope="module")
def clients(live_server: DemoServer) -> Clients:
    """botocore clients with a recorder of raw answers (`shapes.recording_clients`)."""
    return recording_clients(live_server)


def _method(client: Any, operation: str) -> Any:
    return getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())


def _call(clients: Clients, service: str, operation: str, region: str = EAST, **kw: Any) -> Any:
    """Call ``operation`` and check its answer against botocore's model."""
    client, recorder = clients(service, region)
    answer = _method(client, operation)(**kw)
    check_answer(client, recorder, operation, answer)
    return answer


def _fails(
    clients: Clients, service: str, operation: str, region: str = EAST, **kw: Any
) -> tuple[str, int, str]:
    """Call ``operation``, which must fail; check the error; (code, HTTP status, message)."""
    client, recorder = clients(service, region)
    with pytest.raises(ClientError) as caught:
        _method(client, operation)(**kw)
    code = check_error(client, recorder, operation, caught.value)
    response = caught.value.response
    status = int(response["ResponseMetadata"]["HTTPStatusCode"])
    return code, status, str(response["Error"]["Message"])


def _image(clients: Clients, image_id: str) -> dict[str, Any] | None:
    ec2, _ = clients("ec2")
    found = ec2.describe_images(Owners=["self"])["Images"]
    return next((i for i in found if i["ImageId"] == image_id), None)


def _snapshot_ids(clients: Clients, region: str = EAST) -> set[str]:
    answer = _call(clients, "ec2", "DescribeSnapshots", region, OwnerIds=["self"])
    return {s["SnapshotId"] for s in answer["Snapshots"]}


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def _free_snapshot(seeded: Planted) -> str:
    """An orphaned snapshot of us-east-1 no guard touches."""
    guarded = seeded.locked_snapshots | seeded.fsr_snapshots | seeded.recently_archived_snapshots
    candidates = (seeded.orphan_snapshots_deleted_volume & seeded.snapshots[EAST]) - guarded
    return sorted(candidates)[0]


# Deregistration protection -------------------------------------------------------------------


def test_protected_image_is_planted(seeded: Planted, clients: Clients) -> None:
    (image_id,) = seeded.protected_images
    assert image_id in seeded.unused_images and image_id in seeded.deprecated_images
    answer = _call(clients, "ec2", "DescribeImages", Owners=["self"])
    protection = {i["ImageId"]: i["DeregistrationProtection"] for i in answer["Images"]}
    assert protection[image_id] == "enabled-with-cooldown"
    assert {v for k, v in protection.items() if k != image_id} == {"disabled"}
    assert _fails(clients, "ec2", "DeregisterImage", ImageId=image_id, DryRun=True) == DRY_RUN
    code, status, message = _fails(clients, "ec2", "DeregisterImage", ImageId=image_id)
    assert (code, status) == ("OperationNotPermitted", 400)
    assert message == (
        f"The image '{image_id}' has deregistration protection enabled. "
        "Disable it before deregistering the image."
    )
    assert _image(clients, image_id) is not None


def test_cooldown_keeps_the_image_for_a_day(
    seeded: Planted, clients: Clients, clock: ManualClock
) -> None:
    (image_id,) = seeded.protected_images
    call = {"ImageId": image_id}
    assert _fails(clients, "ec2", "DisableImageDeregistrationProtection", DryRun=True, **call) == (
        DRY_RUN
    )
    answer = _call(clients, "ec2", "DisableImageDeregistrationProtection", **call)
    assert answer["Return"] == "disabled"
    assert _image(clients, image_id)["DeregistrationProtection"] == "enabled-with-cooldown"  # type: ignore[index]
    clock.advance(23 * 3600)
    code, _, message = _fails(clients, "ec2", "DeregisterImage", **call)
    assert code == "OperationNotPermitted"
    assert message == (
        f"The image '{image_id}' is protected from deregistration until the 24-hour cooldown ends."
    )
    clock.advance(3601)
    assert _image(clients, image_id)["DeregistrationProtection"] == "disabled"  # type: ignore[index]
    _call(clients, "ec2", "DeregisterImage", **call)
    assert _image(clients, image_id) is None


def test_protection_without_cooldown(seeded: Planted, clients: Clients) -> None:
    image_id = sorted(seeded.unused_images & seeded.images[EAST] - seeded.protected_images)[0]
    call = {"ImageId": image_id}
    assert _fails(clients, "ec2", "EnableImageDeregistrationProtection", DryRun=True, **call) == (
        DRY_RUN
    )
    assert _image(clients, image_id)["DeregistrationProtection"] == "disabled"  # type: ignore[index]
    answer = _call(clients, "ec2", "EnableImageDeregistrationProtection", **call)
    assert answer["Return"] == "enabled-without-cooldown"
    assert _fails(clients, "ec2", "DeregisterImage", **call)[0] == "OperationNotPermitted"
    answer = _call(clients, "ec2", "EnableImageDeregistrationProtection", WithCooldown=True, **call)
    assert answer["Return"] == "enabled-with-cooldown"
    _call(clients, "ec2", "EnableImageDeregistrationProtection", WithCooldown=False, **call)
    assert _call(clients, "ec2", "DisableImageDeregistrationProtection", **call)["Return"] == (
        "disabled"
    )
    _call(clients, "ec2", "DeregisterImage", **call)  # no cooldown: at once
    assert _image(clients, image_id) is None
    code, _, _ = _fails(
        clients, "ec2", "EnableImageDeregistrationProtection", ImageId="ami-0123456789abcdef0"
    )
    assert code == "InvalidAMIID.NotFound"


# Snapshot locks --------------------------------------------------------------------------------


def test_locked_snapshots_are_planted(seeded: Planted, clients: Clients) -> None:
    assert len(seeded.locked_snapshots) == 2
    assert seeded.locked_snapshots <= seeded.orphan_snapshots_deleted_volume
    answer = _call(clients, "ec2", "DescribeLockedSnapshots")
    locks = {s["SnapshotId"]: s for s in answer["Snapshots"]}
    assert set(locks) == seeded.locked_snapshots
    states = sorted(s["LockState"] for s in locks.values())
    assert states == ["compliance", "governance"]
    (governance,) = [s for s in locks.values() if s["LockState"] == "governance"]
    left = governance["LockExpiresOn"].replace(tzinfo=None) - seeded.now.replace(tzinfo=None)
    assert timedelta(days=25) <= left <= timedelta(days=35)
    assert all(s["OwnerId"] == DEMO_ACCOUNT_ID for s in locks.values())
    descriptions = _call(clients, "ec2", "DescribeSnapshots", SnapshotIds=sorted(locks))
    assert all(
        s["Description"].startswith("final snapshot before decommission")
        for s in descriptions["Snapshots"]
    )
    only = _call(
        clients, "ec2", "DescribeLockedSnapshots",
        Filters=[{"Name": "lock-state", "Values": ["compliance"]}],
    )  # fmt: skip
    assert [s["LockState"] for s in only["Snapshots"]] == ["compliance"]


def test_locked_snapshot_cannot_be_deleted(seeded: Planted, clients: Clients) -> None:
    locks = _call(clients, "ec2", "DescribeLockedSnapshots")["Snapshots"]
    by_state = {s["LockState"]: s for s in locks}
    governance = by_state["governance"]["SnapshotId"]
    compliance = by_state["compliance"]["SnapshotId"]
    for snapshot_id, mode in ((governance, "governance"), (compliance, "compliance")):
        assert _fails(clients, "ec2", "DeleteSnapshot", SnapshotId=snapshot_id, DryRun=True) == (
            DRY_RUN
        )
        code, status, message = _fails(clients, "ec2", "DeleteSnapshot", SnapshotId=snapshot_id)
        assert (code, status) == ("OperationNotPermitted", 400)
        assert message.startswith(f"The snapshot '{snapshot_id}' is locked in {mode} mode until ")
        assert message.endswith("and can't be deleted.")
    assert seeded.locked_snapshots <= _snapshot_ids(clients)
    code, _, message = _fails(clients, "ec2", "UnlockSnapshot", SnapshotId=compliance)
    assert code == "OperationNotPermitted" and "can't be unlocked" in message
    assert _fails(clients, "ec2", "UnlockSnapshot", SnapshotId=governance, DryRun=True) == DRY_RUN
    assert _call(clients, "ec2", "UnlockSnapshot", SnapshotId=governance)["SnapshotId"] == (
        governance
    )
    code, _, message = _fails(clients, "ec2", "UnlockSnapshot", SnapshotId=governance)
    assert (code, message) == (
        "InvalidParameterValue",
        f"The snapshot '{governance}' is not locked.",
    )
    _call(clients, "ec2", "DeleteSnapshot", SnapshotId=governance)
    assert governance not in _snapshot_ids(clients)


def test_lock_snapshot(seeded: Planted, clients: Clients) -> None:
    free = sorted(
        (seeded.orphan_snapshots_deleted_volume & seeded.snapshots[EAST]) - seeded.locked_snapshots
    )
    assert len(free) >= 6
    target = free[0]
    assert _fails(
        clients, "ec2", "LockSnapshot", SnapshotId=target, LockMode="governance",
        LockDuration=7, DryRun=True,
    ) == DRY_RUN  # fmt: skip
    assert target not in {
        s["SnapshotId"] for s in _call(clients, "ec2", "DescribeLockedSnapshots")["Snapshots"]
    }
    locked = _call(
        clients, "ec2", "LockSnapshot", SnapshotId=target, LockMode="compliance",
        LockDuration=30, CoolOffPeriod=24,
    )  # fmt: skip
    assert (locked["LockState"], locked["LockDuration"], locked["CoolOffPeriod"]) == (
        "compliance-cooloff", 30, 24,
    )  # fmt: skip
    assert locked["CoolOffPeriodExpiresOn"] - locked["LockCreatedOn"] == timedelta(hours=24)
    assert locked["LockExpiresOn"] - locked["LockCreatedOn"] == timedelta(days=30)
    assert _fails(clients, "ec2", "DeleteSnapshot", SnapshotId=target)[0] == "OperationNotPermitted"
    _call(clients, "ec2", "UnlockSnapshot", SnapshotId=target)  # still cooling off: allowed
    later = locked["LockExpiresOn"] + timedelta(days=10)
    answer = _call(
        clients, "ec2", "LockSnapshot", SnapshotId=target, LockMode="governance",
        ExpirationDate=later,
    )  # fmt: skip
    assert answer["LockState"] == "governance" and "CoolOffPeriod" not in answer
    assert answer["LockExpiresOn"] == later.replace(microsecond=0)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"LockMode": "governance"}, "InvalidParameterCombination"),
        ({"LockMode": "governance", "LockDuration": 1, "ExpirationDate": later},
         "InvalidParameterCombination"),
        ({"LockMode": "governance", "LockDuration": 1, "CoolOffPeriod": 2},
         "InvalidParameterCombination"),
        ({"LockMode": "compliance", "LockDuration": 1, "CoolOffPeriod": 73},
         "InvalidParameterValue"),
        ({"LockMode": "governance", "LockDuration": 36501}, "InvalidParameterValue"),
        ({"LockMode": "frozen", "LockDuration": 1}, "InvalidParameterValue"),
    ]  # fmt: skip
    for call, wanted in cases:
        code, status, _ = _fails(clients, "ec2", "LockSnapshot", SnapshotId=free[1], **call)
        assert (code, status) == (wanted, 400), call
    code, _, _ = _fails(
        clients, "ec2", "LockSnapshot", SnapshotId="snap-0123456789abcdef0",
        LockMode="governance", LockDuration=1,
    )  # fmt: skip
    assert code == "InvalidSnapshot.NotFound"
    # Compliance after its cooling-off period: only longer.
    compliance = next(
        s["SnapshotId"]
        for s in _call(clients, "ec2", "DescribeLockedSnapshots")["Snapshots"]
        if s["LockState"] == "compliance"
    )
    code, _, _ = _fails(
        clients, "ec2", "LockSnapshot", SnapshotId=compliance, LockMode="governance",
        LockDuration=1,
    )  # fmt: skip
    assert code == "OperationNotPermitted"
    longer = _call(
        clients, "ec2", "LockSnapshot", SnapshotId=compliance, LockMode="compliance",
        LockDuration=36500,
    )  # fmt: skip
    assert longer["LockState"] == "compliance" and longer["LockDuration"] == 36500


def test_locked_snapshot_pages_and_errors(seeded: Planted, clients: Clients) -> None:
    free = sorted(
        (seeded.orphan_snapshots_deleted_volume & seeded.snapshots[EAST]) - seeded.locked_snapshots
    )[:5]
    for snapshot_id in free:
        _call(clients, "ec2", "LockSnapshot", SnapshotId=snapshot_id, LockMode="governance",
              LockDuration=3)  # fmt: skip
    whole = _call(clients, "ec2", "DescribeLockedSnapshots")["Snapshots"]
    assert len(whole) == 7
    first = _call(clients, "ec2", "DescribeLockedSnapshots", MaxResults=5)
    second = _call(clients, "ec2", "DescribeLockedSnapshots", MaxResults=5,
                   NextToken=first["NextToken"])  # fmt: skip
    assert first["Snapshots"] + second["Snapshots"] == whole and "NextToken" not in second
    picked = _call(clients, "ec2", "DescribeLockedSnapshots", SnapshotIds=free[:2])
    assert {s["SnapshotId"] for s in picked["Snapshots"]} == set(free[:2])
    cases: list[tuple[dict[str, Any], str, int]] = [
        ({"NextToken": "bogus"}, "InvalidPaginationToken", 400),
        ({"Filters": [{"Name": "mode", "Values": ["x"]}]}, "InvalidParameterValue", 400),
        ({"SnapshotIds": ["snap-0123456789abcdef0"]}, "InvalidSnapshot.NotFound", 400),
        ({"DryRun": True}, "DryRunOperation", 412),
    ]
    for call, code, status in cases:
        assert _fails(clients, "ec2", "DescribeLockedSnapshots", **call)[:2] == (code, status)


# Fast Snapshot Restore ------------------------------------------------------------------------


def test_fast_snapshot_restore_is_planted(seeded: Planted, clients: Clients) -> None:
    (snapshot_id,) = seeded.fsr_snapshots
    assert snapshot_id in seeded.orphan_snapshots_deleted_volume
    answer = _call(clients, "ec2", "DescribeFastSnapshotRestores")
    entries = answer["FastSnapshotRestores"]
    assert {e["SnapshotId"] for e in entries} == {snapshot_id}
    assert sorted(e["AvailabilityZone"] for e in entries) == ["us-east-1a", "us-east-1b"]
    for entry in entries:
        assert entry["State"] == "enabled"
        assert entry["StateTransitionReason"] == "Client.UserInitiated - Lifecycle state transition"
        assert entry["OwnerId"] == DEMO_ACCOUNT_ID and entry["EnabledTime"] < seeded.now
    one = _call(
        clients, "ec2", "DescribeFastSnapshotRestores",
        Filters=[{"Name": "availability-zone", "Values": ["us-east-1b"]},
                 {"Name": "state", "Values": ["enabled"]}],
    )  # fmt: skip
    assert [e["AvailabilityZone"] for e in one["FastSnapshotRestores"]] == ["us-east-1b"]
    none = _call(clients, "ec2", "DescribeFastSnapshotRestores",
                 Filters=[{"Name": "state", "Values": ["disabling"]}])  # fmt: skip
    assert none["FastSnapshotRestores"] == []
    west = _call(clients, "ec2", "DescribeFastSnapshotRestores", "us-west-2")
    assert west["FastSnapshotRestores"] == []


def test_enable_and_disable_fast_snapshot_restores(seeded: Planted, clients: Clients) -> None:
    target = _free_snapshot(seeded)
    unknown = "snap-0123456789abcdef0"
    call: dict[str, Any] = {
        "SourceSnapshotIds": [target, unknown],
        "AvailabilityZones": ["us-east-1c"],
    }
    assert _fails(clients, "ec2", "EnableFastSnapshotRestores", DryRun=True, **call) == DRY_RUN
    answer = _call(clients, "ec2", "EnableFastSnapshotRestores", **call)
    (success,) = answer["Successful"]
    assert (success["SnapshotId"], success["State"], success["StateTransitionReason"]) == (
        target, "enabling", "Client.UserInitiated",
    )  # fmt: skip
    (failure,) = answer["Unsuccessful"]
    assert failure["SnapshotId"] == unknown
    (error,) = failure["FastSnapshotRestoreStateErrors"]
    assert error["Error"] == {
        "Code": "InvalidSnapshot.NotFound",
        "Message": f"The snapshot '{unknown}' does not exist.",
    }
    described = _call(clients, "ec2", "DescribeFastSnapshotRestores",
                      Filters=[{"Name": "snapshot-id", "Values": [target]}])  # fmt: skip
    assert [e["State"] for e in described["FastSnapshotRestores"]] == ["enabled"]
    answer = _call(clients, "ec2", "DisableFastSnapshotRestores", SourceSnapshotIds=[target],
                   AvailabilityZones=["us-east-1c"])  # fmt: skip
    assert [s["State"] for s in answer["Successful"]] == ["disabling"]
    described = _call(clients, "ec2", "DescribeFastSnapshotRestores",
                      Filters=[{"Name": "snapshot-id", "Values": [target]}])  # fmt: skip
    assert described["FastSnapshotRestores"] == []
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("EnableFastSnapshotRestores", {"SourceSnapshotIds": [target]}, "MissingParameter"),
        ("EnableFastSnapshotRestores",
         {"SourceSnapshotIds": [target], "AvailabilityZones": ["mars-1a"]},
         "InvalidParameterValue"),
        ("DescribeFastSnapshotRestores", {"Filters": [{"Name": "zone", "Values": ["a"]}]},
         "InvalidParameterValue"),
        ("DescribeFastSnapshotRestores", {"NextToken": "bogus"}, "InvalidPaginationToken"),
    ]  # fmt: skip
    for operation, kw, wanted in cases:
        assert _fails(clients, "ec2", operation, **kw)[:2] == (wanted, 400), (operation, kw)
    assert _fails(clients, "ec2", "DescribeFastSnapshotRestores", DryRun=True) == DRY_RUN


def test_fast_restore_stays_enabling_in_pending_mode(
    seeded: Planted, clients: Clients, clock: ManualClock
) -> None:
    from amiexplorer.demo import enable_pending

    enable_pending(snapshot_seconds=10)
    target = _free_snapshot(seeded)
    _call(clients, "ec2", "EnableFastSnapshotRestores", SourceSnapshotIds=[target],
          AvailabilityZoneIds=["use1-az1"])  # fmt: skip
    mine = [{"Name": "snapshot-id", "Values": [target]}]
    states = [
        e["State"]
        for e in _call(clients, "ec2", "DescribeFastSnapshotRestores", Filters=mine)[
            "FastSnapshotRestores"
        ]
    ]
    assert states == ["enabling"]
    clock.advance(10)
    entries = _call(clients, "ec2", "DescribeFastSnapshotRestores", Filters=mine)
    (entry,) = entries["FastSnapshotRestores"]
    assert (entry["State"], entry["AvailabilityZoneId"]) == ("enabled", "use1-az1")


# Recycle Bin: EC2's side -----------------------------------------------------------------------


def test_the_bin_is_planted(seeded: Planted, clients: Clients) -> None:
    (snapshot_id,) = seeded.recycle_bin_snapshots
    (image_id,) = seeded.recycle_bin_images
    assert snapshot_id not in _snapshot_ids(clients) and _image(clients, image_id) is None
    snapshots = _call(clients, "ec2", "ListSnapshotsInRecycleBin")["Snapshots"]
    assert [s["SnapshotId"] for s in snapshots] == [snapshot_id]
    images = _call(clients, "ec2", "ListImagesInRecycleBin")["Images"]
    assert [i["ImageId"] for i in images] == [image_id]
    entered = seeded.now - timedelta(days=BINNED_DAYS_AGO)
    for entry, days in ((snapshots[0], 14), (images[0], 7)):
        assert entry["RecycleBinEnterTime"] == entered
        assert entry["RecycleBinExitTime"] - entry["RecycleBinEnterTime"] == timedelta(days=days)
    assert images[0]["Name"].startswith("etl-runner-")
    # The binned image's snapshots stay, are nobody's orphans, and can't be deleted.
    ec2 = seeded.snapshots[EAST]
    binned_image_snapshots = {
        s for s in ec2 if seeded.snapshot_description_image.get(s) == image_id
    }
    assert binned_image_snapshots
    assert not binned_image_snapshots & seeded.orphan_snapshots_deregistered_image
    code, _, message = _fails(
        clients, "ec2", "DeleteSnapshot", SnapshotId=sorted(binned_image_snapshots)[0]
    )
    assert code == "InvalidSnapshot.InUse" and image_id in message
    assert _call(clients, "ec2", "ListSnapshotsInRecycleBin", "eu-west-1")["Snapshots"] == []


def test_snapshot_round_trip_through_the_bin(seeded: Planted, clients: Clients) -> None:
    target = _free_snapshot(seeded)
    assert target in _snapshot_ids(clients)
    assert _fails(clients, "ec2", "DeleteSnapshot", SnapshotId=target, DryRun=True) == DRY_RUN
    assert target in _snapshot_ids(clients)
    _call(clients, "ec2", "DeleteSnapshot", SnapshotId=target)
    assert target not in _snapshot_ids(clients)
    binned = _call(clients, "ec2", "ListSnapshotsInRecycleBin", SnapshotIds=[target])["Snapshots"]
    (entry,) = binned
    assert entry["RecycleBinExitTime"] - entry["RecycleBinEnterTime"] == timedelta(days=14)
    assert (
        _fails(clients, "ec2", "RestoreSnapshotFromRecycleBin", SnapshotId=target, DryRun=True)
        == DRY_RUN
    )
    restored = _call(clients, "ec2", "RestoreSnapshotFromRecycleBin", SnapshotId=target)
    assert (restored["SnapshotId"], restored["State"]) == (target, "completed")
    assert target in _snapshot_ids(clients)
    assert _call(clients, "ec2", "ListSnapshotsInRecycleBin",
                 SnapshotIds=[target])["Snapshots"] == []  # fmt: skip
    code, _, message = _fails(clients, "ec2", "RestoreSnapshotFromRecycleBin", SnapshotId=target)
    assert (code, message) == (
        "InvalidSnapshot.NotFound",
        f"The snapshot '{target}' does not exist.",
    )


def test_excluded_snapshot_is_really_deleted(seeded: Planted, clients: Clients) -> None:
    target = _free_snapshot(seeded)
    ec2, _ = clients("ec2")
    ec2.create_tags(Resources=[target], Tags=[{"Key": EXCLUDE_TAG[0], "Value": EXCLUDE_TAG[1]}])
    _call(clients, "ec2", "DeleteSnapshot", SnapshotId=target)
    assert target not in _snapshot_ids(clients)
    assert _call(clients, "ec2", "ListSnapshotsInRecycleBin",
                 SnapshotIds=[target])["Snapshots"] == []  # fmt: skip
    # No rule in the other regions: deletes there are final too.
    west = sorted(seeded.snapshots["eu-west-1"] & seeded.orphan_snapshots_deleted_volume)[0]
    _call(clients, "ec2", "DeleteSnapshot", "eu-west-1", SnapshotId=west)
    assert _call(clients, "ec2", "ListSnapshotsInRecycleBin", "eu-west-1")["Snapshots"] == []


def test_image_round_trip_through_the_bin(seeded: Planted, clients: Clients) -> None:
    answer = _call(clients, "ec2", "DescribeImages", Owners=["self"])
    tagged = {i["ImageId"] for i in answer["Images"] if _tags(i).get(KEEP_TAG[0]) == KEEP_TAG[1]}
    kept = tagged & seeded.unused_images
    assert kept, "an unused image carries the tag of the EC2_IMAGE rule"
    target = sorted(kept)[0]
    _call(clients, "ec2", "DeregisterImage", ImageId=target)
    assert _image(clients, target) is None
    (entry,) = _call(clients, "ec2", "ListImagesInRecycleBin", ImageIds=[target])["Images"]
    assert entry["RecycleBinExitTime"] - entry["RecycleBinEnterTime"] == timedelta(days=7)
    assert _fails(clients, "ec2", "RestoreImageFromRecycleBin", ImageId=target, DryRun=True) == (
        DRY_RUN
    )
    assert _call(clients, "ec2", "RestoreImageFromRecycleBin", ImageId=target)["Return"] is True
    assert _image(clients, target) is not None
    assert _call(clients, "ec2", "ListImagesInRecycleBin", ImageIds=[target])["Images"] == []
    code, _, message = _fails(clients, "ec2", "RestoreImageFromRecycleBin", ImageId=target)
    assert (code, message) == ("InvalidAMIID.NotFound", f"The image id '[{target}]' does not exist")
    # An image without the tag is deregistered for good.
    untagged = sorted(seeded.unused_images & seeded.images[EAST] - tagged - seeded.protected_images)
    _call(clients, "ec2", "DeregisterImage", ImageId=untagged[0])
    assert _call(clients, "ec2", "ListImagesInRecycleBin",
                 ImageIds=[untagged[0]])["Images"] == []  # fmt: skip


def test_bin_listing_pages_and_errors(seeded: Planted, clients: Clients) -> None:
    free = sorted(
        (seeded.orphan_snapshots_deleted_volume & seeded.snapshots[EAST])
        - seeded.locked_snapshots
        - seeded.fsr_snapshots
    )[:5]
    for snapshot_id in free:
        _call(clients, "ec2", "DeleteSnapshot", SnapshotId=snapshot_id)
    whole = _call(clients, "ec2", "ListSnapshotsInRecycleBin")["Snapshots"]
    assert len(whole) == 6
    first = _call(clients, "ec2", "ListSnapshotsInRecycleBin", MaxResults=5)
    rest = _call(clients, "ec2", "ListSnapshotsInRecycleBin", NextToken=first["NextToken"])
    assert first["Snapshots"] + rest["Snapshots"] == whole
    assert _fails(clients, "ec2", "ListImagesInRecycleBin", NextToken="bogus")[0] == (
        "InvalidPaginationToken"
    )
    assert _fails(clients, "ec2", "ListImagesInRecycleBin", DryRun=True) == DRY_RUN


def test_page_sizes_botocore_would_refuse(live_server: DemoServer, seeded: Planted) -> None:
    access_key, secret_key = DEMO_CREDENTIALS
    loose = boto3.client(
        "ec2", endpoint_url=live_server.endpoint_url, region_name=EAST,
        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )  # fmt: skip
    for operation, size in (
        (loose.describe_locked_snapshots, 4),
        (loose.list_snapshots_in_recycle_bin, 1001),
        (loose.describe_fast_snapshot_restores, 201),
    ):
        with pytest.raises(ClientError) as caught:
            operation(MaxResults=size)
        error = caught.value.response["Error"]
        assert error["Code"] == "InvalidParameterValue"
        assert error["Message"].startswith(f"Value ( {size} ) for parameter maxResults is invalid.")


def test_recently_archived_snapshot(seeded: Planted, clients: Clients) -> None:
    (snapshot_id,) = seeded.recently_archived_snapshots
    assert snapshot_id in seeded.archived_snapshots & seeded.orphan_snapshots_deleted_volume
    ec2, _ = clients("ec2")
    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    assert snapshot["StorageTier"] == "archive"
    (tier,) = ec2.describe_snapshot_tier_status(
        Filters=[{"Name": "snapshot-id", "Values": [snapshot_id]}]
    )["SnapshotTierStatuses"]
    started = tier["LastTieringStartTime"].replace(tzinfo=None)
    assert seeded.now.replace(tzinfo=None) - started < timedelta(days=90)
    older = seeded.archived_snapshots - seeded.recently_archived_snapshots
    assert older, "the long-archived snapshots are still there"


# Recycle Bin: the rbin service ----------------------------------------------------------------


def test_rules_are_planted(seeded: Planted, clients: Clients) -> None:
    rule_ids = seeded.recycle_bin_rules[EAST]
    assert set(seeded.recycle_bin_rules) == {EAST}
    snapshots = _call(clients, "rbin", "ListRules", ResourceType="EBS_SNAPSHOT")["Rules"]
    images = _call(clients, "rbin", "ListRules", ResourceType="EC2_IMAGE")["Rules"]
    assert {r["Identifier"] for r in snapshots + images} == rule_ids
    (region_rule,) = snapshots
    assert region_rule["RetentionPeriod"] == {
        "RetentionPeriodValue": 14,
        "RetentionPeriodUnit": "DAYS",
    }
    assert region_rule["LockState"] == "unlocked"
    assert region_rule["RuleArn"] == (
        f"arn:aws:rbin:{EAST}:{DEMO_ACCOUNT_ID}:rule/{region_rule['Identifier']}"
    )
    rule = _call(clients, "rbin", "GetRule", Identifier=region_rule["Identifier"])
    assert "ResourceTags" not in rule
    assert rule["ExcludeResourceTags"] == [
        {"ResourceTagKey": EXCLUDE_TAG[0], "ResourceTagValue": EXCLUDE_TAG[1]}
    ]
    assert (rule["Status"], rule["ResourceType"]) == ("available", "EBS_SNAPSHOT")
    (tag_rule,) = images
    rule = _call(clients, "rbin", "GetRule", Identifier=tag_rule["Identifier"])
    assert rule["ResourceTags"] == [
        {"ResourceTagKey": KEEP_TAG[0], "ResourceTagValue": KEEP_TAG[1]}
    ]
    assert rule["RetentionPeriod"]["RetentionPeriodValue"] == 7
    matching = _call(
        clients,
        "rbin",
        "ListRules",
        ResourceType="EC2_IMAGE",
        ResourceTags=[{"ResourceTagKey": "RecycleBin", "ResourceTagValue": "keep"}],
    )
    assert [r["Identifier"] for r in matching["Rules"]] == [tag_rule["Identifier"]]
    other = _call(
        clients,
        "rbin",
        "ListRules",
        ResourceType="EC2_IMAGE",
        ResourceTags=[{"ResourceTagKey": "Team", "ResourceTagValue": "x"}],
    )
    assert other["Rules"] == []
    assert _call(clients, "rbin", "ListRules", ResourceType="EBS_SNAPSHOT",
                 LockState="locked")["Rules"] == []  # fmt: skip
    assert _call(clients, "rbin", "ListRules", "eu-west-1",
                 ResourceType="EBS_SNAPSHOT")["Rules"] == []  # fmt: skip


def test_rule_errors(seeded: Planted, clients: Clients) -> None:
    code, status, message = _fails(clients, "rbin", "ListRules", ResourceType="EBS_VOLUME_X")
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "1 validation error detected: Value 'EBS_VOLUME_X' at 'resourceType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [EBS_SNAPSHOT, EC2_IMAGE]"
    )
    client, _ = clients("rbin")
    with pytest.raises(ClientError) as caught:
        client.list_rules(ResourceType="EBS_SNAPSHOT", NextToken="bm90LW91cnM=")
    assert caught.value.response["Reason"] == "INVALID_PAGE_TOKEN"
    code, status, _ = _fails(clients, "rbin", "GetRule", Identifier="abcdefghijk")
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, status, _ = _fails(clients, "rbin", "DeleteRule", Identifier="abcdefghijk")
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_create_and_delete_rules(seeded: Planted, clients: Clients) -> None:
    made = _call(
        clients, "rbin", "CreateRule", ResourceType="EBS_SNAPSHOT", Description="second",
        RetentionPeriod={"RetentionPeriodValue": 30, "RetentionPeriodUnit": "DAYS"},
        ResourceTags=[{"ResourceTagKey": "Backup", "ResourceTagValue": "dr-copy"}],
        Tags=[{"Key": "Owner", "Value": "infra"}],
    )  # fmt: skip
    assert (made["Status"], made["LockState"]) == ("available", "unlocked")
    assert re.fullmatch(r"[0-9a-zA-Z]{11}", made["Identifier"])
    tags = _call(clients, "rbin", "ListTagsForResource", ResourceArn=made["RuleArn"])
    assert tags["Tags"] == [{"Key": "Owner", "Value": "infra"}]
    whole = _call(clients, "rbin", "ListRules", ResourceType="EBS_SNAPSHOT")["Rules"]
    assert len(whole) == 2
    first = _call(clients, "rbin", "ListRules", ResourceType="EBS_SNAPSHOT", MaxResults=1)
    second = _call(clients, "rbin", "ListRules", ResourceType="EBS_SNAPSHOT", MaxResults=1,
                   NextToken=first["NextToken"])  # fmt: skip
    assert first["Rules"] + second["Rules"] == whole
    # The longer tag-level rule now keeps tagged snapshots for 30 days.
    target = _free_snapshot(seeded)
    ec2, _ = clients("ec2")
    ec2.create_tags(Resources=[target], Tags=[{"Key": "Backup", "Value": "dr-copy"}])
    _call(clients, "ec2", "DeleteSnapshot", SnapshotId=target)
    (entry,) = _call(clients, "ec2", "ListSnapshotsInRecycleBin", SnapshotIds=[target])["Snapshots"]
    assert entry["RecycleBinExitTime"] - entry["RecycleBinEnterTime"] == timedelta(days=30)
    locked = _call(
        clients, "rbin", "CreateRule", ResourceType="EC2_IMAGE",
        RetentionPeriod={"RetentionPeriodValue": 3, "RetentionPeriodUnit": "DAYS"},
        LockConfiguration={"UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}},
    )  # fmt: skip
    assert locked["LockState"] == "locked"
    assert locked["LockConfiguration"]["UnlockDelay"]["UnlockDelayValue"] == 7
    code, status, _ = _fails(clients, "rbin", "DeleteRule", Identifier=locked["Identifier"])
    assert (code, status) == ("ConflictException", 409)
    _call(clients, "rbin", "DeleteRule", Identifier=made["Identifier"])
    assert _fails(clients, "rbin", "GetRule", Identifier=made["Identifier"])[0] == (
        "ResourceNotFoundException"
    )
    cases: list[dict[str, Any]] = [
        {"ResourceType": "EBS_SNAPSHOT",
         "RetentionPeriod": {"RetentionPeriodValue": 400, "RetentionPeriodUnit": "DAYS"}},
        {"ResourceType": "EBS_SNAPSHOT",
         "RetentionPeriod": {"RetentionPeriodValue": 3, "RetentionPeriodUnit": "DAYS"},
         "ResourceTags": [{"ResourceTagKey": "a"}],
         "ExcludeResourceTags": [{"ResourceTagKey": "b"}]},
    ]  # fmt: skip
    for call in cases:
        assert _fails(clients, "rbin", "CreateRule", **call)[:2] == ("ValidationException", 400)


def test_rbin_denied_unknown_and_reset(
    live_server: DemoServer, seeded: Planted, clients: Clients
) -> None:
    live_server.deny("ListRules")
    code, status, _ = _fails(clients, "rbin", "ListRules", ResourceType="EC2_IMAGE")
    assert (code, status) == ("AccessDeniedException", 403)
    live_server.clear_faults()
    rbin, _ = clients("rbin")
    with pytest.raises(ClientError) as caught:
        rbin.lock_rule(
            Identifier=sorted(seeded.recycle_bin_rules[EAST])[0],
            LockConfiguration={"UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}},
        )
    assert caught.value.response["Error"]["Code"] == "UnknownOperationException"
    assert any(r.service == "rbin" and r.action == "ListRules" for r in live_server.requests)
    live_server.reset()
    assert _call(clients, "rbin", "ListRules", ResourceType="EC2_IMAGE")["Rules"] == []
    assert _call(clients, "ec2", "ListSnapshotsInRecycleBin")["Snapshots"] == []


async def test_aiobotocore_reads_the_guards(live_server: DemoServer, seeded: Planted) -> None:
    from aiobotocore.session import get_session

    access_key, secret_key = DEMO_CREDENTIALS
    options: dict[str, Any] = {
        "region_name": EAST,
        "endpoint_url": live_server.endpoint_url,
        "aws_access_key_id": access_key,
        "aws_secret_access_key": secret_key,
    }
    session = get_session()
    async with session.create_client("ec2", **options) as ec2:
        locked = await ec2.describe_locked_snapshots()
        assert {s["SnapshotId"] for s in locked["Snapshots"]} == seeded.locked_snapshots
        binned = await ec2.list_images_in_recycle_bin()
        assert {i["ImageId"] for i in binned["Images"]} == seeded.recycle_bin_images
    async with session.create_client("rbin", **options) as rbin:
        rules = await rbin.list_rules(ResourceType="EBS_SNAPSHOT")
        assert {r["Identifier"] for r in rules["Rules"]} <= seeded.recycle_bin_rules[EAST]
        assert len(rules["Rules"]) == 1
