"""One snapshot lineage with real block maps: the orders database's nightly snapshots.

Every other demo snapshot gets a small synthetic block map (``snapshot_blocks.synthetic``); this
lineage has maps written out, with blocks shared along the chain and blocks only one snapshot
holds, so that what deleting a snapshot frees (its exclusive blocks) can be worked out and
checked. A 100 GiB volume in eu-west-1 (blocks of 512 KiB), snapshotted four nights in a row;
each night rewrites some blocks (inheriting the rest from the night before). In units of
`SCALE` blocks (20 blocks, 10 MiB), so that the savings are the size a real database's are:

- night 1 writes 0-1999 (about 20 GiB);
- night 2 rewrites 100-399 and writes 2000-2099 (new);
- night 3 rewrites 400-699;
- night 4 rewrites 400-599 again and 1500-1649.

Exclusive units: night 1 holds 300 (100-399, rewritten by night 2), night 2 none, night 3 200
(400-599, rewritten by night 4), night 4 350 (all it wrote).
"""

from __future__ import annotations

from typing import Any

from amiexplorer.demo import snapshot_blocks
from amiexplorer.demo.builders import RegionKit
from amiexplorer.demo.fleet import DATA, Disk

REGION = "eu-west-1"
NAME = "orders-db nightly"
VOLUME_NAME = "orders-db-data"
SIZE_GIB = 100
#: Blocks per unit of the ranges below.
SCALE = 20


def _units(first: int, last: int) -> range:
    return range(first * SCALE, last * SCALE)


#: (days before now, the block ranges written that night), oldest first.
NIGHTS: tuple[tuple[int, tuple[range, ...]], ...] = (
    (4, (_units(0, 2000),)),
    (3, (_units(100, 400), _units(2000, 2100))),
    (2, (_units(400, 700),)),
    (1, (_units(400, 600), _units(1500, 1650))),
)


def maps() -> list[dict[int, str]]:
    """The block map of each night, oldest first (tokens name the night that wrote them)."""
    found: list[dict[int, str]] = []
    blocks: dict[int, str] = {}
    for night, (_days, written) in enumerate(NIGHTS, start=1):
        blocks = dict(blocks)
        for span in written:
            blocks.update({i: snapshot_blocks.block_token(VOLUME_NAME, night, i) for i in span})
        found.append(blocks)
    return found


def plant(kits: dict[str, RegionKit]) -> tuple[str, ...]:
    """Create the volume and its four snapshots, record their maps; the ids, oldest first."""
    kit = kits[REGION]
    disk = Disk("/dev/sdf", SIZE_GIB, "gp3", name=VOLUME_NAME)
    volume: Any = kit.volume(disk, kit.calendar.at(30), {"Name": VOLUME_NAME, "Team": DATA.team})
    ids = []
    for (days, _written), blocks in zip(NIGHTS, maps(), strict=True):
        when = kit.calendar.at(days)
        snapshot = kit.snapshot(
            volume, f"{NAME} {when:%Y-%m-%d}", when, {"Name": NAME, "Team": DATA.team}
        )
        snapshot_blocks.record(snapshot.id, blocks)
        ids.append(str(snapshot.id))
    return tuple(ids)
