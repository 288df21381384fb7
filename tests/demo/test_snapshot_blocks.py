"""The EBS direct APIs' block listings (``ebs_api``) over HTTP, against botocore's model."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from amiexplorer.demo import DemoServer, Planted, block_lineage, snapshot_blocks
from tests.demo.shapes import Clients, check_answer, check_error, recording_clients


@pytest.fixture(scope="module")
def clients(live_server: DemoServer) -> Clients:
    """botocore clients with a recorder of raw answers (`shapes.recording_clients`)."""
    return recording_clients(live_server)


def _method(client: Any, operation: str) -> Any:
    return getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())


def _call(clients: Clients, service: str, operation: str, region: str, **kw: Any) -> Any:
    client, recorder = clients(service, region)
    answer = _method(client, operation)(**kw)
    check_answer(client, recorder, operation, answer)
    return answer


def _fails(
    clients: Clients, service: str, operation: str, region: str, **kw: Any
) -> tuple[str, int, str]:
    """(code, HTTP status, Reason) of an error answer, checked against the model."""
    client, recorder = clients(service, region)
    with pytest.raises(ClientError) as caught:
        _method(client, operation)(**kw)
    code = check_error(client, recorder, operation, caught.value)
    response = caught.value.response
    return code, int(response["ResponseMetadata"]["HTTPStatusCode"]), str(response.get("Reason"))


def _all_pages(clients: Clients, operation: str, key: str, region: str, **kw: Any) -> list[Any]:
    found: list[Any] = []
    token: str | None = None
    while True:
        page = _call(
            clients, "ebs", operation, region, **kw, **({"NextToken": token} if token else {})
        )
        found.extend(page[key])
        token = page.get("NextToken")
        if not token:
            return found


def _expected_changes(first: dict[int, str], second: dict[int, str]) -> list[dict[str, Any]]:
    changes = []
    for index in sorted(set(first) | set(second)):
        if first.get(index) == second.get(index):
            continue
        change: dict[str, Any] = {"BlockIndex": index}
        if index in first:
            change["FirstBlockToken"] = first[index]
        if index in second:
            change["SecondBlockToken"] = second[index]
        changes.append(change)
    return changes


def test_lineage_is_planted(seeded: Planted, clients: Clients) -> None:
    region = seeded.block_lineage_region
    assert len(seeded.block_lineage) == 4
    assert set(seeded.block_lineage) <= seeded.snapshots[region]
    answer = _call(
        clients, "ec2", "DescribeSnapshots", region, SnapshotIds=list(seeded.block_lineage)
    )
    described = sorted(answer["Snapshots"], key=lambda s: s["StartTime"])
    assert [s["SnapshotId"] for s in described] == list(seeded.block_lineage)
    assert {s["VolumeId"] for s in described} == {described[0]["VolumeId"]}
    for snapshot, blocks in zip(described, block_lineage.maps(), strict=True):
        assert {"Key": "Name", "Value": block_lineage.NAME} in snapshot["Tags"]
        assert snapshot["FullSnapshotSizeInBytes"] == len(blocks) * snapshot_blocks.BLOCK_SIZE


def test_list_snapshot_blocks_pages(seeded: Planted, clients: Clients) -> None:
    region, first = seeded.block_lineage_region, seeded.block_lineage[0]
    page = _call(clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=first, MaxResults=100)
    assert len(page["Blocks"]) == 100 and page["NextToken"]
    assert page["BlockSize"] == snapshot_blocks.BLOCK_SIZE
    assert page["VolumeSize"] == block_lineage.SIZE_GIB
    blocks = _all_pages(
        clients, "ListSnapshotBlocks", "Blocks", region, SnapshotId=first, MaxResults=5000
    )
    assert blocks == [
        {"BlockIndex": i, "BlockToken": t} for i, t in sorted(block_lineage.maps()[0].items())
    ]
    end = 2000 * block_lineage.SCALE
    later = _call(
        clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=first, StartingBlockIndex=end - 10
    )
    assert [b["BlockIndex"] for b in later["Blocks"]] == list(range(end - 10, end))
    assert "NextToken" not in later
    # The FAQ: a NextToken wins over StartingBlockIndex.
    second = _call(
        clients, "ebs", "ListSnapshotBlocks", region,
        SnapshotId=first, MaxResults=100, NextToken=page["NextToken"], StartingBlockIndex=end - 10,
    )  # fmt: skip
    assert second["Blocks"][0]["BlockIndex"] == 100


def test_list_changed_blocks_along_the_lineage(seeded: Planted, clients: Clients) -> None:
    region, ids, maps = seeded.block_lineage_region, seeded.block_lineage, block_lineage.maps()
    for (first, first_map), (second, second_map) in zip(
        zip(ids, maps, strict=True), zip(ids[1:], maps[1:], strict=True), strict=False
    ):
        changed = _all_pages(
            clients, "ListChangedBlocks", "ChangedBlocks", region,
            FirstSnapshotId=first, SecondSnapshotId=second, MaxResults=5000,
        )  # fmt: skip
        assert changed == _expected_changes(first_map, second_map)
    # Night 2 writes units 2000-2099, which night 1 lacks: only a SecondBlockToken.
    scale = block_lineage.SCALE
    new = _call(
        clients, "ebs", "ListChangedBlocks", region,
        FirstSnapshotId=ids[0], SecondSnapshotId=ids[1], StartingBlockIndex=2000 * scale,
    )  # fmt: skip
    assert len(new["ChangedBlocks"]) == 100 * scale
    assert all("FirstBlockToken" not in b for b in new["ChangedBlocks"])


def test_list_changed_blocks_absent_in_second(seeded: Planted, clients: Clients) -> None:
    """Recorded maps where the second snapshot lacks blocks the first has."""
    region, (first, second) = seeded.block_lineage_region, seeded.block_lineage[:2]
    snapshot_blocks.record(first, {i: f"A{i}" for i in range(150)})
    snapshot_blocks.record(second, {i: f"A{i}" for i in range(20)} | {500: "B500"})
    changed = _all_pages(
        clients, "ListChangedBlocks", "ChangedBlocks", region,
        FirstSnapshotId=first, SecondSnapshotId=second, MaxResults=100,
    )  # fmt: skip
    assert changed == [{"BlockIndex": i, "FirstBlockToken": f"A{i}"} for i in range(20, 150)] + [
        {"BlockIndex": 500, "SecondBlockToken": "B500"}
    ]


def test_unrelated_and_unknown_snapshots(seeded: Planted, clients: Clients) -> None:
    region, lineage = seeded.block_lineage_region, seeded.block_lineage
    other = sorted(seeded.snapshots[region] - set(lineage))[0]
    assert _fails(
        clients, "ebs", "ListChangedBlocks", region,
        FirstSnapshotId=other, SecondSnapshotId=lineage[-1],
    ) == ("ValidationException", 400, "UNRELATED_SNAPSHOTS")  # fmt: skip
    missing = "snap-0123456789abcdef0"
    assert _fails(clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=missing) == (
        "ResourceNotFoundException", 404, "SNAPSHOT_NOT_FOUND",
    )  # fmt: skip
    assert _fails(
        clients, "ebs", "ListChangedBlocks", region,
        FirstSnapshotId=missing, SecondSnapshotId=lineage[-1],
    ) == ("ResourceNotFoundException", 404, "SNAPSHOT_NOT_FOUND")  # fmt: skip
    assert _fails(
        clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=lineage[0], NextToken="bm9wZQ=="
    ) == ("ValidationException", 400, "INVALID_PAGE_TOKEN")


def test_every_snapshot_can_be_read(seeded: Planted, clients: Clients) -> None:
    """Snapshots nobody recorded get a synthetic map; those of one volume share most blocks."""
    region = "us-east-1"
    ec2, _ = clients("ec2", region)
    described = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    by_volume: dict[str, list[str]] = {}
    for snapshot in described:
        if snapshot["State"] == "completed" and snapshot.get("StorageTier") != "archive":
            by_volume.setdefault(snapshot["VolumeId"], []).append(snapshot["SnapshotId"])
            assert snapshot["FullSnapshotSizeInBytes"] > 0
    first, second = next(
        ids for v, ids in by_volume.items() if len(ids) > 1 and v != "vol-ffffffff"
    )[:2]
    sizes = {s["SnapshotId"]: s.get("FullSnapshotSizeInBytes") for s in described}
    blocks = _all_pages(clients, "ListSnapshotBlocks", "Blocks", region, SnapshotId=first)
    assert len(blocks) * snapshot_blocks.BLOCK_SIZE == sizes[first]
    changed = _all_pages(
        clients, "ListChangedBlocks", "ChangedBlocks", region,
        FirstSnapshotId=first, SecondSnapshotId=second,
    )  # fmt: skip
    # A night's changes: a small part of what the volume holds, new on both sides.
    assert 0 < len(changed) < len(blocks) / 20
    assert all("FirstBlockToken" in c and "SecondBlockToken" in c for c in changed)


def test_archived_snapshots_cannot_be_read(seeded: Planted, clients: Clients) -> None:
    archived = sorted(seeded.archived_snapshots)[0]
    region = seeded.region_of[archived]
    code, status, _reason = _fails(
        clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=archived
    )
    assert (code, status) == ("ValidationException", 400)


def test_delete_snapshot_forgets_its_map(seeded: Planted, clients: Clients) -> None:
    region, ids = seeded.block_lineage_region, seeded.block_lineage
    before = snapshot_blocks.stored_bytes(ids)
    maps = block_lineage.maps()
    others = {pair for m in maps[:2] + maps[3:] for pair in m.items()}
    exclusive = len(set(maps[2].items()) - others)
    assert exclusive == 200 * block_lineage.SCALE
    _call(clients, "ec2", "DeleteSnapshot", region, SnapshotId=ids[2])
    assert snapshot_blocks.blocks_of(ids[2]) is None
    assert snapshot_blocks.stored_bytes(ids) == before - exclusive * snapshot_blocks.BLOCK_SIZE
    assert _fails(clients, "ebs", "ListSnapshotBlocks", region, SnapshotId=ids[2])[2] == (
        "SNAPSHOT_NOT_FOUND"
    )
