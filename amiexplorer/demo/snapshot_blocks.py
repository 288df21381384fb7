"""Which blocks each EBS snapshot holds: the store behind the demo's EBS direct APIs.

AWS bills a snapshot for the blocks it holds that no other snapshot of the lineage holds: the
EBS direct APIs (https://docs.aws.amazon.com/ebs/latest/userguide/ebsapis-using-apis.html) are
how a tool learns which they are. ListSnapshotBlocks
(https://docs.aws.amazon.com/ebs/latest/APIReference/API_ListSnapshotBlocks.html) lists a
snapshot's written blocks, each with a block token naming the stored data; ListChangedBlocks
(https://docs.aws.amazon.com/ebs/latest/APIReference/API_ListChangedBlocks.html) lists the
indices whose data differs between two snapshots of the same volume. Blocks are 512 KiB.

moto's own ``ebs`` backend knows only the snapshots StartSnapshot made, so the demo keeps a
block map (block index -> block token) per EC2 snapshot here, and ``ebs_api`` serves them. Two
snapshots holding the same token at an index share that block (stored once). A snapshot with no
recorded map gets a small deterministic synthetic one (``map_for``), so every snapshot can be
read. DeleteSnapshot forgets the map (``moto_patches.snapshots``); ``reset`` empties the store.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from amiexplorer.demo.constants import DEMO_ACCOUNT_ID, DEMO_REGIONS

#: The EBS direct APIs' block size (BlockSize in their answers): 512 KiB.
BLOCK_SIZE = 524288
#: Blocks per GiB of volume.
BLOCKS_PER_GIB = (1 << 30) // BLOCK_SIZE
#: CopySnapshot's volume id (see ``imaging.copied_volume``): says nothing about lineage.
COPY_VOLUME = "vol-ffffffff"

#: A synthetic lineage: the first snapshot holds 30-60% of the volume written; each later one
#: rewrites 0.1-0.5% of the volume in one stretch (a night's changes), which later snapshots
#: inherit until they rewrite it again, as EBS's incremental snapshots do.
_WRITTEN_PERCENT = (30, 60)
_REWRITE_PER_MILLE = (1, 5)

#: A stretch of blocks [start, stop) whose tokens a tag names (``block_token(tag, index)``).
Segment = tuple[int, int, str]
#: A snapshot's blocks: a recorded map, or the segments of a synthetic one.
BlockMap = Mapping[int, str] | tuple[Segment, ...]

_lock = threading.Lock()
_maps: dict[str, Mapping[int, str]] = {}
#: Synthetic maps, made once per snapshot (in lineage order) and kept: a later deletion in the
#: lineage must not change what the others hold.
_synthetic: dict[str, tuple[Segment, ...]] = {}


def record(snapshot_id: str, blocks: Mapping[int, str]) -> None:
    """Set the block map of ``snapshot_id``: block index -> block token."""
    with _lock:
        _maps[snapshot_id] = MappingProxyType(dict(blocks))


def blocks_of(snapshot_id: str) -> Mapping[int, str] | None:
    """The recorded block map of ``snapshot_id`` (None when none is recorded)."""
    with _lock:
        return _maps.get(snapshot_id)


def forget(snapshot_id: str) -> None:
    """Drop the map of a deleted snapshot (its exclusive blocks are freed)."""
    with _lock:
        _maps.pop(snapshot_id, None)
        _synthetic.pop(snapshot_id, None)


def reset() -> None:
    """Forget every map."""
    with _lock:
        _maps.clear()
        _synthetic.clear()


def stored_bytes(snapshot_ids: Iterable[str] | None = None) -> int:
    """Bytes the given snapshots (every recorded one when None) hold: distinct blocks x 512 KiB.

    A snapshot with no recorded map counts with its synthetic one if it exists in the demo
    account's EC2 backends (as the EBS direct APIs answer for it).
    """
    with _lock:
        ids = list(_maps) if snapshot_ids is None else list(snapshot_ids)
        recorded = dict(_maps)
    held: set[tuple[int, str]] = set()
    stretches: dict[str, list[tuple[int, int]]] = {}
    for snapshot_id in ids:
        blocks: BlockMap | None = recorded.get(snapshot_id)
        if blocks is None:
            snapshot = _find(snapshot_id)
            blocks = synthetic(snapshot) if snapshot is not None else {}
        if isinstance(blocks, tuple):
            for start, stop, tag in blocks:
                stretches.setdefault(tag, []).append((start, stop))
        else:
            held.update(blocks.items())
    return (len(held) + sum(_covered(s) for s in stretches.values())) * BLOCK_SIZE


def _covered(stretches: list[tuple[int, int]]) -> int:
    """How many indices a set of [start, stop) stretches covers."""
    total, reach = 0, -1
    for start, stop in sorted(stretches):
        if stop > reach:
            total += stop - max(start, reach)
            reach = stop
    return total


def map_for(snapshot: Any) -> BlockMap:
    """The block map of moto's ``snapshot``: the recorded one, or a synthetic one."""
    return blocks_of(snapshot.id) or synthetic(snapshot)


def count(blocks: BlockMap) -> int:
    """How many blocks the map holds."""
    if isinstance(blocks, tuple):
        return sum(stop - start for start, stop, _tag in blocks)
    return len(blocks)


def blocks_from(blocks: BlockMap, start: int) -> Iterator[tuple[int, str]]:
    """(index, token) of every block at or after ``start``, in index order."""
    if isinstance(blocks, tuple):
        for first, stop, tag in blocks:
            for index in range(max(first, start), stop):
                yield index, block_token(tag, index)
        return
    for index in sorted(i for i in blocks if i >= start):
        yield index, blocks[index]


Change = tuple[int, str | None, str | None]


def changes_from(first: BlockMap, second: BlockMap, start: int) -> Iterator[Change]:
    """(index, first's token, second's token) where they differ, from ``start``, in order."""
    if isinstance(first, tuple) and isinstance(second, tuple):
        yield from _segment_changes(first, second, start)
        return
    before, after = dict(blocks_from(first, 0)), dict(blocks_from(second, 0))
    for index in sorted(i for i in set(before) | set(after) if i >= start):
        if before.get(index) != after.get(index):
            yield index, before.get(index), after.get(index)


def _tag_at(segments: tuple[Segment, ...], index: int) -> str | None:
    for start, stop, tag in segments:
        if start <= index < stop:
            return tag
    return None


def _segment_changes(
    first: tuple[Segment, ...], second: tuple[Segment, ...], start: int
) -> Iterator[Change]:
    # Between two breakpoints both sides are one tag each: compare tags, not blocks.
    points = sorted({start, *(p for s in (*first, *second) for p in s[:2] if p > start)})
    for low, high in pairwise(points):
        tag_a, tag_b = _tag_at(first, low), _tag_at(second, low)
        if tag_a == tag_b:
            continue
        for index in range(low, high):
            yield (
                index,
                block_token(tag_a, index) if tag_a is not None else None,
                block_token(tag_b, index) if tag_b is not None else None,
            )


def lineage_of(snapshot: Any) -> str:
    """What two snapshots must share to be compared: their volume (a copy is its own)."""
    volume_id = str(snapshot.volume_id)
    return snapshot.id if volume_id == COPY_VOLUME else volume_id


def block_token(*parts: object) -> str:
    """A block token (the model's pattern: base64 characters) derived from ``parts``."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:44]


def _share(low_high: tuple[int, int], *parts: object) -> int:
    low, high = low_high
    return low + int(block_token(*parts)[:12], 16) % (high - low + 1)


def _paint(segments: tuple[Segment, ...], start: int, stop: int, tag: str) -> tuple[Segment, ...]:
    """``segments`` with [start, stop) rewritten under ``tag``."""
    kept: list[Segment] = []
    for first, last, old in segments:
        if last <= start or first >= stop:
            kept.append((first, last, old))
            continue
        if first < start:
            kept.append((first, start, old))
        if last > stop:
            kept.append((stop, last, old))
    kept.append((start, stop, tag))
    return tuple(sorted(kept))


def synthetic(snapshot: Any) -> tuple[Segment, ...]:
    """The synthetic map of a snapshot nobody recorded, made with its lineage's older ones.

    The first snapshot of a volume holds what was written on it; each later one (by start
    time) rewrites one stretch of it, inherited by the snapshots after it. Deterministic: the
    same ids and times give the same maps.
    """
    with _lock:
        known = _synthetic.get(snapshot.id)
    if known is not None:
        return known
    lineage = lineage_of(snapshot)
    total = max(1, int(snapshot.volume_size) * BLOCKS_PER_GIB)
    written = max(1, total * _share(_WRITTEN_PERCENT, lineage, "written") // 100)
    peers = sorted(
        (s for s in snapshot.ec2_backend.snapshots.values() if lineage_of(s) == lineage),
        key=lambda s: (str(s.start_time), s.id),
    )
    made: tuple[Segment, ...] | None = None
    for peer in peers:
        with _lock:
            cached = _synthetic.get(peer.id)
        if cached is None:
            if made is None:
                cached = ((0, written, f"{lineage}/base"),)
            else:
                size = max(1, total * _share(_REWRITE_PER_MILLE, peer.id, "size") // 1000)
                size = min(size, written)
                begin = _share((0, written - size), peer.id, "start")
                cached = _paint(made, begin, begin + size, peer.id)
            with _lock:
                _synthetic[peer.id] = cached
        made = cached
        if peer.id == snapshot.id:
            return cached
    # Not among its backend's snapshots (deleted meanwhile): a lineage of its own.
    return ((0, written, f"{snapshot.id}/base"),)


def _find(snapshot_id: str) -> Any:
    """moto's snapshot ``snapshot_id`` in any demo region of the demo account, if any."""
    from moto.ec2.models import ec2_backends

    for region in DEMO_REGIONS:
        found = ec2_backends[DEMO_ACCOUNT_ID][region].snapshots.get(snapshot_id)
        if found is not None:
            return found
    return None
