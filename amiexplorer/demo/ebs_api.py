"""The EBS direct APIs' block listings over HTTP, for the EC2 snapshots of moto's ec2 backend.

moto's ``ebs`` backend knows only StartSnapshot's snapshots and its ListChangedBlocks misses
blocks new in the second snapshot, so the demo answers ListSnapshotBlocks and ListChangedBlocks
itself from ``snapshot_blocks`` (the other ``ebs`` operations are left to moto). Shapes follow
botocore's ``ebs`` model member by member; the API reference (API_ListSnapshotBlocks.html,
API_ListChangedBlocks.html) documents the errors: ``ResourceNotFoundException`` (404, Reason
SNAPSHOT_NOT_FOUND) and ``ValidationException`` (400, Reason UNRELATED_SNAPSHOTS,
INVALID_PAGE_TOKEN, INVALID_PARAMETER_VALUE...). Every message is the demo's own (AWS documents
none). The EBS direct APIs FAQ (https://docs.aws.amazon.com/ebs/latest/userguide/ebsapi-faq.html)
says: only completed snapshots can be read, block indices come in numerical order, a NextToken
wins over StartingBlockIndex, block tokens are valid for seven days.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

from amiexplorer.demo import snapshot_blocks
from amiexplorer.demo.faults import FaultResponse
from amiexplorer.demo.rest import Handler, RestRequest, epoch, json_answer
from amiexplorer.demo.timefmt import aws_now

T = TypeVar("T")

_TOKEN = "block:"
#: The model's bounds of maxResults; AWS documents no default, the demo lists up to the maximum.
_MIN_RESULTS, _MAX_RESULTS = 100, 10000
#: How long block tokens stay valid (ExpiryTime): seven days, per the FAQ.
_TOKEN_LIFETIME = timedelta(days=7)


def _error(code: str, message: str, status: int, reason: str) -> FaultResponse:
    """An ebs error: the code in ``x-amzn-ErrorType``, ``Message`` and ``Reason`` in the body."""
    document = {"Message": message, "Reason": reason}
    return FaultResponse(
        status, "application/json", json.dumps(document).encode(), (("x-amzn-ErrorType", code),)
    )


def invalid(message: str, reason: str = "INVALID_PARAMETER_VALUE") -> FaultResponse:
    """HTTP 400 ValidationException."""
    return _error("ValidationException", message, 400, reason)


def not_found(snapshot_id: str) -> FaultResponse:
    """HTTP 404 ResourceNotFoundException."""
    return _error(
        "ResourceNotFoundException",
        f"The snapshot '{snapshot_id}' does not exist.",
        404,
        "SNAPSHOT_NOT_FOUND",
    )


def _snapshot(request: RestRequest, snapshot_id: str | None) -> Any:
    """moto's snapshot of the caller's account and region, or the error to answer."""
    from moto.ec2.models import ec2_backends

    if not snapshot_id:
        return invalid("A snapshot id is required.")
    snapshot = ec2_backends[request.account][request.region].snapshots.get(snapshot_id)
    if snapshot is None:
        return not_found(snapshot_id)
    if snapshot.storage_tier == "archive":
        # An archived snapshot must be restored to the standard tier before it can be used
        # (EBS user guide, snapshot-archive.html); what the EBS direct APIs answer meanwhile is
        # not documented: this ValidationException (reason and message) is the demo's own.
        return invalid(
            f"The snapshot '{snapshot_id}' is archived; restore it to read its blocks.",
            "INVALID_SNAPSHOT_ID",
        )
    if snapshot.status != "completed":
        # The FAQ: only a completed snapshot can be read. The error is the demo's own too.
        return invalid(f"The snapshot '{snapshot_id}' is not completed.", "INVALID_SNAPSHOT_ID")
    return snapshot


def _integer(request: RestRequest, name: str, low: int, high: int | None) -> int | FaultResponse:
    """Query parameter ``name`` as an int in [low, high] (-1 when absent), or the error."""
    raw = request.first(name)
    try:
        value = int(raw) if raw is not None else -1
    except ValueError:
        value = low - 1
    if raw is not None and (value < low or (high is not None and value > high)):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        return invalid(
            f"1 validation error detected: Value '{raw}' at '{name}' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return value


def _window(request: RestRequest) -> tuple[int, int] | FaultResponse:
    """(first index, page size) of the page asked for, or the error to answer."""
    size = _integer(request, "maxResults", _MIN_RESULTS, _MAX_RESULTS)
    start = _integer(request, "startingBlockIndex", 0, None)
    if isinstance(size, FaultResponse):
        return size
    if isinstance(start, FaultResponse):
        return start
    token = request.first("pageToken")
    if token is not None:
        try:
            decoded = base64.b64decode(token.encode(), validate=True).decode()
            if not decoded.startswith(_TOKEN):
                raise ValueError(token)
            # As the FAQ says: the token wins, startingBlockIndex is ignored.
            start = int(decoded.removeprefix(_TOKEN))
        except ValueError:
            return invalid("The pagination token is not valid.", "INVALID_PAGE_TOKEN")
    return max(start, 0), _MAX_RESULTS if size < 0 else size


def _cut(items: Iterator[T], size: int, index: Callable[[T], int]) -> tuple[list[T], str | None]:
    """At most ``size`` items, and the next page's token when more follow."""
    page = list(itertools.islice(items, size + 1))
    if len(page) <= size:
        return page, None
    return page[:size], base64.b64encode(f"{_TOKEN}{index(page[size])}".encode()).decode()


def _answer(
    snapshot: Any, key: str, items: list[dict[str, Any]], following: str | None
) -> FaultResponse:
    document: dict[str, Any] = {
        key: items,
        "ExpiryTime": epoch(aws_now() + _TOKEN_LIFETIME),
        "VolumeSize": int(snapshot.volume_size),
        "BlockSize": snapshot_blocks.BLOCK_SIZE,
    }
    if following is not None:
        document["NextToken"] = following
    return json_answer(document)


def list_snapshot_blocks(request: RestRequest) -> FaultResponse:
    """GET /snapshots/{snapshotId}/blocks: the snapshot's written blocks, by index."""
    snapshot = _snapshot(request, request.labels.get("snapshotId"))
    if isinstance(snapshot, FaultResponse):
        return snapshot
    window = _window(request)
    if isinstance(window, FaultResponse):
        return window
    start, size = window
    blocks = snapshot_blocks.blocks_from(snapshot_blocks.map_for(snapshot), start)
    kept, following = _cut(blocks, size, lambda block: block[0])
    items = [{"BlockIndex": i, "BlockToken": token} for i, token in kept]
    return _answer(snapshot, "Blocks", items, following)


def _changed_block(change: snapshot_blocks.Change) -> dict[str, Any]:
    """A ChangedBlock: a token is absent on the side that does not hold the block."""
    index, before, after = change
    block: dict[str, Any] = {"BlockIndex": index}
    if before is not None:
        block["FirstBlockToken"] = before
    if after is not None:
        block["SecondBlockToken"] = after
    return block


def list_changed_blocks(request: RestRequest) -> FaultResponse:
    """GET /snapshots/{secondSnapshotId}/changedblocks: what differs from firstSnapshotId.

    Without firstSnapshotId every block of the second snapshot is listed (AWS does the same).
    """
    second = _snapshot(request, request.labels.get("secondSnapshotId"))
    if isinstance(second, FaultResponse):
        return second
    first_id = request.first("firstSnapshotId")
    first_blocks: snapshot_blocks.BlockMap = {}
    if first_id is not None:
        first = _snapshot(request, first_id)
        if isinstance(first, FaultResponse):
            return first
        if snapshot_blocks.lineage_of(first) != snapshot_blocks.lineage_of(second):
            return invalid(
                f"The snapshots '{first.id}' and '{second.id}' are not of the same volume.",
                "UNRELATED_SNAPSHOTS",
            )
        first_blocks = snapshot_blocks.map_for(first)
    window = _window(request)
    if isinstance(window, FaultResponse):
        return window
    start, size = window
    changes = snapshot_blocks.changes_from(first_blocks, snapshot_blocks.map_for(second), start)
    kept, following = _cut(changes, size, lambda change: change[0])
    return _answer(second, "ChangedBlocks", [_changed_block(c) for c in kept], following)


HANDLERS: dict[str, Handler] = {
    "ListSnapshotBlocks": list_snapshot_blocks,
    "ListChangedBlocks": list_changed_blocks,
}
