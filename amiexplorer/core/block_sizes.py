"""What deleting snapshots frees: the blocks only they hold in their lineage.

EBS snapshots are incremental: each holds the blocks written since the snapshot before it of
the same volume and shares the rest with it; deleting one frees only the blocks no other
snapshot of the lineage holds, and AWS moves the rest to the snapshot that needs them
(https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-snapshot.html, "Incremental
snapshot deletion"). Its bill counts those blocks, not the volume size
(https://docs.aws.amazon.com/ebs/latest/userguide/ebs-snapshots.html#how_snapshots_work).

The EBS direct APIs tell which blocks: ListSnapshotBlocks lists a snapshot's blocks, and
ListChangedBlocks the blocks that differ between two snapshots of one lineage, with a token
absent on the side that does not hold the block
(https://docs.aws.amazon.com/ebs/latest/APIReference/API_ListChangedBlocks.html). A block a
snapshot holds is one no neighbour holds exactly when it differs from both neighbours: a block
kept from an older snapshot is held by every snapshot in between. So a snapshot's exclusive
size needs only the changes between it and its two neighbours in start-time order (and the
whole block list for the first of a lineage), and those answers never change: they are kept
per snapshot pair in `BlockEvidence`, while the lineage itself is taken from the inventory each
time, so a deletion elsewhere in it changes whose neighbour is whose.

Block sets are Python ints used as bitmaps (bit i: block index i): a 16 TiB volume has 32 Mi
blocks of 512 KiB, so a set is at most 4 MiB, and intersections are one `&`.

Archived snapshots are full copies the direct APIs cannot read
(https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-archive.html); they, pending ones and
copies AWS gives no source volume (``vol-ffffffff``) have no lineage here and keep their upper
bound: ``FullSnapshotSizeInBytes`` when DescribeSnapshots returns it, else the volume size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from amiexplorer.core.models import Snapshot

GIB = 1024**3

#: The VolumeId AWS gives a snapshot whose source volume it does not expose: a copy, or a
#: snapshot made from an image (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html).
NO_VOLUME = "vol-ffffffff"


@dataclass(frozen=True, slots=True)
class SnapshotBlocks:
    """ListSnapshotBlocks of one snapshot: the indices it holds."""

    block_size: int
    held: int


@dataclass(frozen=True, slots=True)
class ChangedBlocks:
    """ListChangedBlocks(first, second): indices whose block differs, per side that holds one."""

    block_size: int
    #: Indices where the first snapshot holds a block the second does not hold.
    in_first: int
    #: Indices where the second snapshot holds a block the first does not hold.
    in_second: int


Pair = tuple[str, str]


@dataclass
class BlockEvidence:
    """What the EBS direct APIs answered, kept for the session (their answers never change)."""

    whole: dict[str, SnapshotBlocks] = field(default_factory=dict)
    changed: dict[Pair, ChangedBlocks] = field(default_factory=dict)
    #: Why a read failed (in words), for the details of the snapshots it would have priced.
    problems: dict[Needed, str] = field(default_factory=dict)
    #: Snapshot ids whose reads are under way (the details say "reading").
    reading: set[str] = field(default_factory=set)


def in_a_lineage(snapshot: Snapshot) -> bool:
    """Whether the direct APIs can place the snapshot among others of its volume."""
    return (
        snapshot.state == "completed"
        and snapshot.storage_tier == "standard"
        and bool(snapshot.volume_id)
        and snapshot.volume_id != NO_VOLUME
    )


def _order(snapshot: Snapshot) -> tuple[float, str]:
    # Two snapshots started in the same second keep a stable order by id.
    start = snapshot.start_time.timestamp() if snapshot.start_time is not None else 0.0
    return (start, snapshot.snapshot_id)


def runs(lineage: Sequence[Snapshot], chosen: set[str]) -> Iterator[tuple[int, int]]:
    """(first, last) positions of each stretch of consecutive chosen snapshots."""
    start: int | None = None
    for position, snapshot in enumerate(lineage):
        if snapshot.snapshot_id in chosen:
            if start is None:
                start = position
        elif start is not None:
            yield start, position - 1
            start = None
    if start is not None:
        yield start, len(lineage) - 1


class Read(StrEnum):
    """The two direct-API reads."""

    SNAPSHOT_BLOCKS = "ListSnapshotBlocks"
    CHANGED_BLOCKS = "ListChangedBlocks"


@dataclass(frozen=True, slots=True)
class Needed:
    """One read a run's freed size needs: a snapshot's blocks, or a pair's changes."""

    read: Read
    first: str
    second: str | None = None

    @property
    def snapshot_ids(self) -> tuple[str, ...]:
        return (self.first,) if self.second is None else (self.first, self.second)


def needed(lineage: Sequence[Snapshot], first: int, last: int) -> list[Needed]:
    """The reads that tell what deleting lineage[first..last] frees."""
    ids = [s.snapshot_id for s in lineage]
    wanted: list[Needed] = []
    if first == 0:
        # The oldest alone needs no block list: what it frees is what its successor changed
        # (or, with none, everything it holds: its written size, when AWS gave it).
        if not _alone_and_sized(lineage) and not (last == 0 and len(ids) > 1):
            wanted.append(Needed(Read.SNAPSHOT_BLOCKS, ids[0]))
    else:
        wanted.append(Needed(Read.CHANGED_BLOCKS, ids[first - 1], ids[first]))
    for position in range(first, min(last + 1, len(ids) - 1)):
        wanted.append(Needed(Read.CHANGED_BLOCKS, ids[position], ids[position + 1]))
    return wanted


def _alone_and_sized(lineage: Sequence[Snapshot]) -> bool:
    """A lineage of one whose written size AWS gave: it holds every block it wrote, alone."""
    return len(lineage) == 1 and lineage[0].full_snapshot_size_bytes is not None


def known(evidence: BlockEvidence, need: Needed) -> bool:
    if need.read is Read.SNAPSHOT_BLOCKS:
        return need.first in evidence.whole
    return (need.first, str(need.second)) in evidence.changed


def freed_bytes(
    lineage: Sequence[Snapshot], first: int, last: int, evidence: BlockEvidence
) -> int | None:
    """Bytes that deleting lineage[first..last] frees (None until every read it needs is in).

    Walks the run keeping `alive`: the indices whose block in the current snapshot was written
    inside the run. Such a block is freed when the next snapshot no longer holds it, or at
    the run's end when no snapshot after it exists; a block the snapshot after the run still
    holds moves to it.
    """
    ids = [s.snapshot_id for s in lineage]
    if first == 0 and _alone_and_sized(lineage):
        return lineage[0].full_snapshot_size_bytes
    if first == 0 and last == 0 and len(ids) > 1:
        step = evidence.changed.get((ids[0], ids[1]))
        return step.in_first.bit_count() * step.block_size if step is not None else None
    if first == 0:
        whole = evidence.whole.get(ids[0])
        if whole is None:
            return None
        alive, block_size = whole.held, whole.block_size
    else:
        entering = evidence.changed.get((ids[first - 1], ids[first]))
        if entering is None:
            return None
        alive, block_size = entering.in_second, entering.block_size
    freed = 0
    for position in range(first, last + 1):
        if position == len(ids) - 1:
            freed += alive.bit_count()
            break
        step = evidence.changed.get((ids[position], ids[position + 1]))
        if step is None:
            return None
        freed += (alive & step.in_first).bit_count()
        if position < last:
            alive = (alive & ~(step.in_first | step.in_second)) | step.in_second
    return freed * block_size


def union_bytes(lineage: Sequence[Snapshot], evidence: BlockEvidence) -> int | None:
    """The lineage's stored size: the first snapshot's blocks and each later one's new ones."""
    ids = [s.snapshot_id for s in lineage]
    whole = evidence.whole.get(ids[0]) if ids else None
    if whole is None:
        return None
    total = whole.held.bit_count()
    for older, newer in pairwise(ids):
        step = evidence.changed.get((older, newer))
        if step is None:
            return None
        total += step.in_second.bit_count()
    return total * whole.block_size


def upper_bound_bytes(snapshot: Snapshot) -> int:
    """What the snapshot can free at most: its written size if AWS said it, else its volume."""
    if snapshot.full_snapshot_size_bytes is not None:
        return snapshot.full_snapshot_size_bytes
    return snapshot.volume_size_gib * GIB


class Basis(StrEnum):
    """Where a size comes from, in the words a confirmation uses."""

    #: An archived snapshot is a full copy, billed whole (snapshot-archive.html, "Pricing").
    ARCHIVED = "its full size (archived snapshots are billed whole)"
    WRITTEN = "its written size (an upper bound)"
    VOLUME = "its volume size (an upper bound)"


@dataclass(frozen=True, slots=True)
class Freed:
    """What deleting a set of snapshots frees: the part known and the bounded rest, by tier."""

    exact_bytes: int = 0
    #: Of `exact_bytes`, what archived snapshots free (billed at the archive tier's price).
    exact_archive_bytes: int = 0
    #: Snapshots priced by what they free (the blocks only they hold, or an archived one's
    #: full size).
    exact_ids: tuple[str, ...] = ()
    bound_bytes: int = 0
    bound_archive_bytes: int = 0
    #: Snapshots priced by an upper bound (written or volume size), with its basis.
    bounded: tuple[tuple[str, Basis], ...] = ()

    @property
    def is_exact(self) -> bool:
        return not self.bounded

    @property
    def total_bytes(self) -> int:
        return self.exact_bytes + self.bound_bytes


def basis_of(snapshot: Snapshot) -> Basis:
    """What a snapshot outside any lineage read is priced by."""
    if snapshot.full_snapshot_size_bytes is None:
        return Basis.VOLUME
    return Basis.ARCHIVED if snapshot.storage_tier == "archive" else Basis.WRITTEN


class LineageIndex:
    """Every lineage of a set of snapshots, and each snapshot's, made once per question.

    One pass groups the snapshots by volume; a lineage is put in order only when asked for
    (the details ask for one, a plan for a few), so an inventory of 100,000 snapshots is not
    sorted on every change.
    """

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
        self._groups: dict[tuple[str, str], list[Snapshot]] = defaultdict(list)
        self._of: dict[str, tuple[str, str]] = {}
        for snapshot in snapshots:
            if in_a_lineage(snapshot):
                key = (snapshot.region, str(snapshot.volume_id))
                self._groups[key].append(snapshot)
                self._of[snapshot.snapshot_id] = key
        self._sorted: dict[tuple[str, str], tuple[Snapshot, ...]] = {}

    def _lineage(self, key: tuple[str, str]) -> tuple[Snapshot, ...]:
        found = self._sorted.get(key)
        if found is None:
            found = self._sorted[key] = tuple(sorted(self._groups[key], key=_order))
        return found

    def lineage_of(self, snapshot_id: str) -> tuple[Snapshot, ...] | None:
        key = self._of.get(snapshot_id)
        return self._lineage(key) if key is not None else None

    def runs_of(self, chosen: Iterable[str]) -> Iterator[tuple[tuple[Snapshot, ...], int, int]]:
        """(lineage, first, last) of each stretch of consecutive chosen snapshots."""
        wanted = set(chosen)
        keys = {self._of[i] for i in wanted if i in self._of}
        for key in sorted(keys):
            lineage = self._lineage(key)
            for first, last in runs(lineage, wanted):
                yield lineage, first, last


def freed_by(doomed: Iterable[Snapshot], index: LineageIndex, evidence: BlockEvidence) -> Freed:
    """What deleting `doomed` frees, `index` holding every snapshot of their regions."""
    chosen = {s.snapshot_id: s for s in doomed}
    exact, exact_ids = 0, []
    for lineage, first, last in index.runs_of(chosen):
        size = freed_bytes(lineage, first, last, evidence)
        if size is not None:
            exact += size
            exact_ids += [s.snapshot_id for s in lineage[first : last + 1]]
    placed = set(exact_ids)
    exact_archive, bound, bound_archive = 0, 0, 0
    bounded: list[tuple[str, Basis]] = []
    for snapshot in chosen.values():
        if snapshot.snapshot_id in placed:
            continue
        basis, size = basis_of(snapshot), upper_bound_bytes(snapshot)
        archived = snapshot.storage_tier == "archive"
        if basis is Basis.ARCHIVED:
            exact += size
            exact_archive += size
            exact_ids.append(snapshot.snapshot_id)
        else:
            bound += size
            bound_archive += size if archived else 0
            bounded.append((snapshot.snapshot_id, basis))
    return Freed(exact, exact_archive, tuple(exact_ids), bound, bound_archive, tuple(bounded))


def wanted_reads(
    doomed: Iterable[str], index: LineageIndex, evidence: BlockEvidence
) -> list[Needed]:
    """The reads not made yet that would price `doomed` exactly (each pair once)."""
    wanted: dict[Needed, None] = {}
    for lineage, first, last in index.runs_of(doomed):
        for need in needed(lineage, first, last):
            if not known(evidence, need):
                wanted[need] = None
    return list(wanted)


def why_unknown(snapshot_id: str, index: LineageIndex, evidence: BlockEvidence) -> str | None:
    """Why the snapshot's exclusive size is not known, if a read it needs failed."""
    lineage = index.lineage_of(snapshot_id)
    if lineage is None:
        return None
    position = [s.snapshot_id for s in lineage].index(snapshot_id)
    for need in needed(lineage, position, position):
        problem = evidence.problems.get(need)
        if problem is not None and not known(evidence, need):
            return problem
    return None


def exclusive_bytes(snapshot_id: str, index: LineageIndex, evidence: BlockEvidence) -> int | None:
    """What deleting this one snapshot frees, once its reads are in."""
    lineage = index.lineage_of(snapshot_id)
    if lineage is None:
        return None
    position = [s.snapshot_id for s in lineage].index(snapshot_id)
    return freed_bytes(lineage, position, position, evidence)
