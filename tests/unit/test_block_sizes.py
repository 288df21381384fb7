"""What deleting snapshots frees, from neighbour answers, against the blocks themselves.

Random block histories of one volume: each snapshot holds (index -> token) blocks; a token is
stored once however many snapshots hold it. What a set of snapshots frees is the tokens only
they hold. `core/block_sizes.py` must find exactly that from what ListSnapshotBlocks and
ListChangedBlocks would answer (built here from the histories as AWS documents them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from amiexplorer.core.block_sizes import (
    BlockEvidence,
    ChangedBlocks,
    LineageIndex,
    SnapshotBlocks,
    exclusive_bytes,
    freed_by,
    union_bytes,
    wanted_reads,
)
from amiexplorer.core.models import Snapshot

BLOCK = 524288
START = datetime(2026, 1, 1, tzinfo=UTC)

History = list[dict[int, str]]


@st.composite
def histories(draw: st.DrawFn) -> History:
    """Snapshots of one volume of 64 blocks: each writes, rewrites or trims a few blocks."""
    count = draw(st.integers(1, 7))
    current: dict[int, str] = {}
    taken: History = []
    for number in range(count):
        for index in draw(st.sets(st.integers(0, 63), max_size=20)):
            if draw(st.booleans()) or index not in current:
                current[index] = f"t{number}-{index}"
            else:
                del current[index]
        taken.append(dict(current))
    return taken


def _snapshots(history: History) -> list[Snapshot]:
    return [
        Snapshot(
            snapshot_id=f"snap-{n:04d}",
            region="eu-west-1",
            owner_id="111122223333",
            state="completed",
            progress=100,
            volume_id="vol-0abc",
            volume_size_gib=1,
            start_time=START + timedelta(days=n),
        )
        for n in range(len(history))
    ]


def _mask(indices: object) -> int:
    return sum(1 << i for i in indices)  # type: ignore[attr-defined]


def _answers(history: History, snapshots: list[Snapshot]) -> BlockEvidence:
    """What the direct APIs answer: every snapshot's blocks and every pair's differences."""
    evidence = BlockEvidence()
    for blocks, snapshot in zip(history, snapshots, strict=True):
        evidence.whole[snapshot.id] = SnapshotBlocks(BLOCK, _mask(blocks))
    for i, first in enumerate(history):
        for j, second in enumerate(history):
            differ = {x for x in set(first) | set(second) if first.get(x) != second.get(x)}
            evidence.changed[(snapshots[i].id, snapshots[j].id)] = ChangedBlocks(
                BLOCK,
                _mask(x for x in differ if x in first),
                _mask(x for x in differ if x in second),
            )
    return evidence


def _stored(history: History, keep: set[int]) -> int:
    return len({(x, t) for n in keep for x, t in history[n].items()}) * BLOCK


@settings(max_examples=300, deadline=None)
@given(histories(), st.data())
def test_what_a_set_frees_is_the_blocks_only_it_holds(
    history: History, data: st.DataObject
) -> None:
    snapshots = _snapshots(history)
    evidence = _answers(history, snapshots)
    index = LineageIndex(snapshots)
    doomed = data.draw(st.sets(st.integers(0, len(history) - 1), min_size=1))
    everyone = set(range(len(history)))
    freed = freed_by([snapshots[n] for n in doomed], index, evidence)
    assert freed.is_exact
    assert freed.exact_bytes == _stored(history, everyone) - _stored(history, everyone - doomed)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_exclusive_sizes_and_shared_blocks_make_the_lineage(history: History) -> None:
    snapshots = _snapshots(history)
    evidence = _answers(history, snapshots)
    index = LineageIndex(snapshots)
    exclusive = [exclusive_bytes(s.id, index, evidence) for s in snapshots]
    holders: dict[tuple[int, str], int] = {}
    for blocks in history:
        for block in blocks.items():
            holders[block] = holders.get(block, 0) + 1
    shared = sum(1 for n in holders.values() if n > 1) * BLOCK
    assert sum(e or 0 for e in exclusive) + shared == union_bytes(snapshots, evidence)
    assert union_bytes(snapshots, evidence) == len(holders) * BLOCK


def test_only_the_neighbour_reads_are_asked_for() -> None:
    history = [{0: "a"}, {0: "a", 1: "b"}, {0: "c", 1: "b"}, {0: "c"}]
    snapshots = _snapshots(history)
    index = LineageIndex(snapshots)
    reads = wanted_reads([snapshots[2].id], index, BlockEvidence())
    assert [(r.read.value, r.snapshot_ids) for r in reads] == [
        ("ListChangedBlocks", ("snap-0001", "snap-0002")),
        ("ListChangedBlocks", ("snap-0002", "snap-0003")),
    ]
    # The oldest alone: what its successor changed; with it, the whole block list too.
    first = wanted_reads([snapshots[0].id], index, BlockEvidence())
    assert [r.read.value for r in first] == ["ListChangedBlocks"]
    both = wanted_reads([snapshots[0].id, snapshots[1].id], index, BlockEvidence())
    assert [r.read.value for r in both] == ["ListSnapshotBlocks"] + ["ListChangedBlocks"] * 2
    # A lineage of one whose written size AWS gave needs no call at all.
    from dataclasses import replace

    alone = replace(snapshots[0], full_snapshot_size_bytes=7 * BLOCK)
    assert wanted_reads([alone.id], LineageIndex([alone]), BlockEvidence()) == []
    assert exclusive_bytes(alone.id, LineageIndex([alone]), BlockEvidence()) == 7 * BLOCK


def test_a_snapshot_without_a_lineage_keeps_its_upper_bound() -> None:
    history = [{0: "a"}]
    copy = _snapshots(history)[0]
    from dataclasses import replace

    copied = replace(copy, volume_id="vol-ffffffff", full_snapshot_size_bytes=3 * BLOCK)
    archived = replace(copy, snapshot_id="snap-arch", storage_tier="archive")
    index = LineageIndex([copied, archived])
    freed = freed_by([copied, archived], index, BlockEvidence())
    assert freed.exact_ids == ()
    assert freed.bound_bytes == 3 * BLOCK + 1024**3
    assert [basis.name for _id, basis in freed.bounded] == ["WRITTEN", "VOLUME"]
    unread = freed_by(_snapshots(history), LineageIndex(_snapshots(history)), BlockEvidence())
    assert not unread.is_exact and unread.bound_bytes == 1024**3
