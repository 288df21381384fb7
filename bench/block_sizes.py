"""What pricing deletions by their exclusive size costs the app itself, on this machine.

    python -m bench.block_sizes [--snapshots 100000] [--per-volume 10] [--blocks 16384]

An inventory of N snapshots in lineages of `per-volume` snapshots of volumes of `blocks` blocks
(16,384: an 8 GiB volume), every neighbour answer known. Measures grouping the inventory into
lineages (done again after each change of the inventory), the freed size of one snapshot
(what the details show), of a whole audit's worth of findings, and the memory the answers
take. No AWS call: the reads themselves are bounded by AWS's request rates, not by this code.
Prints numbers; never fails on a timing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from amiexplorer.core.block_sizes import (
    BlockEvidence,
    ChangedBlocks,
    LineageIndex,
    SnapshotBlocks,
    exclusive_bytes,
    freed_by,
)
from amiexplorer.core.models import Snapshot

BLOCK = 524288


def _world(count: int, per_volume: int, blocks: int) -> tuple[list[Snapshot], BlockEvidence]:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    snapshots: list[Snapshot] = []
    evidence = BlockEvidence()
    full = (1 << blocks) - 1
    for number in range(count):
        volume, position = divmod(number, per_volume)
        snapshot = Snapshot(
            snapshot_id=f"snap-{number:017x}",
            region="eu-west-1",
            owner_id="111122223333",
            state="completed",
            progress=100,
            volume_id=f"vol-{volume:017x}",
            volume_size_gib=blocks * BLOCK // 1024**3,
            start_time=start + timedelta(hours=number),
        )
        snapshots.append(snapshot)
        if position == 0:
            written = rng.getrandbits(blocks) & full
            evidence.whole[snapshot.id] = SnapshotBlocks(BLOCK, written)
        else:
            # A nightly snapshot rewrites about 2% of the volume.
            changed = rng.getrandbits(blocks) & rng.getrandbits(blocks) & rng.getrandbits(blocks)
            changed &= rng.getrandbits(blocks) & rng.getrandbits(blocks) & full
            evidence.changed[(snapshots[-2].id, snapshot.id)] = ChangedBlocks(
                BLOCK, changed, changed
            )
    return snapshots, evidence


def _timed(label: str, work: object) -> object:
    began = time.perf_counter()
    result = work() if callable(work) else work
    print(f"{label:<52} {1000 * (time.perf_counter() - began):10.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--per-volume", type=int, default=10)
    parser.add_argument("--blocks", type=int, default=16_384)
    args = parser.parse_args()
    snapshots, evidence = _world(args.snapshots, args.per_volume, args.blocks)
    answers = sum(sys.getsizeof(c.in_first) for c in evidence.changed.values())
    answers += sum(sys.getsizeof(w.held) for w in evidence.whole.values())
    print(f"{args.snapshots:,} snapshots, {len(evidence.changed):,} pair answers kept")
    print(f"{'memory of the answers (one mask kept per side)':<52} {answers / 1024**2:10.1f} MiB")
    index = _timed(
        "group into lineages (after each inventory change)", lambda: LineageIndex(snapshots)
    )
    assert isinstance(index, LineageIndex)
    middle = snapshots[args.per_volume // 2].id
    _timed(
        "exclusive size of one snapshot (the details)",
        lambda: exclusive_bytes(middle, index, evidence),
    )
    findings = snapshots[:300]
    _timed(
        "freed by 300 findings' snapshots (an audit pass)",
        lambda: freed_by(findings, index, evidence),
    )
    _timed(
        "freed by every snapshot, one by one",
        lambda: [freed_by([s], index, evidence) for s in snapshots],
    )


if __name__ == "__main__":
    main()
