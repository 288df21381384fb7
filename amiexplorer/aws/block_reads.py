"""Read snapshot blocks with the EBS direct APIs, to know what deleting a snapshot frees.

`read_for(pool, inventory, snapshot_ids)` makes the reads `core/block_sizes.py` says those
snapshots still need (ListSnapshotBlocks for the first of a lineage, ListChangedBlocks between
neighbours), a few at a time, and keeps each answer in the inventory's `blocks` for the
session: an answer about two snapshots never changes. Both calls are paged by NextToken
(botocore has no paginator for them), at the model's largest page (10,000 blocks), so an
8 GiB volume is one call.

A failure (a denied ebs:ListChangedBlocks, a throttle that outlasted the retries, an endpoint
without the APIs) is kept in words per snapshot; its saving then stays the upper bound,
labelled as such. Nothing raises but cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.block_sizes import (
    BlockEvidence,
    ChangedBlocks,
    LineageIndex,
    Needed,
    Read,
    SnapshotBlocks,
    wanted_reads,
)
from amiexplorer.core.inventory import Inventory

#: Blocks per page: the model's maximum, so most snapshots take one call.
_PAGE = 10000
#: Reads at once per pass: the direct APIs have their own, low, request quotas.
CONCURRENCY = 4


async def _pages(call: Callable[..., Awaitable[Any]], **params: Any) -> AsyncIterator[Any]:
    """Every page of a direct-API listing.

    A token that comes back again would loop for ever, and stopping there would drop blocks
    (and understate what is shared): it fails the read instead.
    """
    seen: set[str] = set()
    token: str | None = None
    while True:
        page = await call(**params, MaxResults=_PAGE, **({"NextToken": token} if token else {}))
        yield page
        token = page.get("NextToken")
        if not token:
            return
        if token in seen:
            raise ValueError(f"the listing gave the page token {token[:16]}… twice")
        seen.add(token)


#: The largest EBS volume: 64 TiB (io2 Block Express), in 512 KiB blocks.
_MOST_BLOCKS = 64 * 1024**4 // 524288


def _index(block: Any) -> int | None:
    """A block's index, checked: an index no EBS volume has is not AWS's answer.

    (A bitmap is sized by its highest index: trusting a malformed one could take all memory.)
    """
    if not isinstance(block, dict) or "BlockIndex" not in block:
        return None
    index = block["BlockIndex"]
    if not isinstance(index, int) or not 0 <= index < _MOST_BLOCKS:
        raise ValueError(f"the answer has block index {index!r}, which no EBS volume has")
    return index


def _checked(block_size: int) -> int:
    """The block size AWS answered; without one no size can be said."""
    if block_size <= 0:
        raise ValueError("the answer gave no BlockSize")
    return block_size


class _Bits:
    """A block set being filled page by page, turned into an int bitmap once at the end.

    Setting bits on a Python int one at a time copies the whole int each time (a 16 TiB
    volume: 4 MiB per block); a bytearray is set in place and converted once.
    """

    def __init__(self) -> None:
        self._bytes = bytearray()

    def add(self, index: int) -> None:
        byte = index >> 3
        if byte >= len(self._bytes):
            self._bytes.extend(bytes(byte + 1 - len(self._bytes)))
        self._bytes[byte] |= 1 << (index & 7)

    def mask(self) -> int:
        return int.from_bytes(self._bytes, "little")


async def read_snapshot_blocks(pool: ClientPool, region: str, snapshot_id: str) -> SnapshotBlocks:
    """ListSnapshotBlocks, every page: the indices the snapshot holds."""
    ebs = await pool.get("ebs", region)
    held, block_size = _Bits(), 0
    async for page in _pages(ebs.list_snapshot_blocks, SnapshotId=snapshot_id):
        block_size = int(page.get("BlockSize") or block_size)
        for block in page.get("Blocks") or []:
            if (index := _index(block)) is not None:
                held.add(index)
    return SnapshotBlocks(_checked(block_size), held.mask())


async def read_changed_blocks(
    pool: ClientPool, region: str, first_id: str, second_id: str
) -> ChangedBlocks:
    """ListChangedBlocks(first, second), every page: which side holds each differing block."""
    ebs = await pool.get("ebs", region)
    in_first, in_second, block_size = _Bits(), _Bits(), 0
    async for page in _pages(
        ebs.list_changed_blocks, FirstSnapshotId=first_id, SecondSnapshotId=second_id
    ):
        block_size = int(page.get("BlockSize") or block_size)
        for block in page.get("ChangedBlocks") or []:
            if (index := _index(block)) is None:
                continue
            # A token is absent on the side that does not hold the block (API_ChangedBlock).
            if block.get("FirstBlockToken"):
                in_first.add(index)
            if block.get("SecondBlockToken"):
                in_second.add(index)
    return ChangedBlocks(_checked(block_size), in_first.mask(), in_second.mask())


async def _read(pool: ClientPool, region: str, need: Needed, blocks: BlockEvidence) -> None:
    if need.read is Read.SNAPSHOT_BLOCKS:
        blocks.whole[need.first] = await read_snapshot_blocks(pool, region, need.first)
    else:
        second = str(need.second)
        blocks.changed[(need.first, second)] = await read_changed_blocks(
            pool, region, need.first, second
        )
    blocks.problems.pop(need, None)


async def read_for(
    pool: ClientPool,
    inventory: Inventory,
    snapshot_ids: Iterable[str],
    *,
    concurrency: int = CONCURRENCY,
) -> int:
    """Make the reads that price these snapshots by their exclusive size; how many failed."""
    chosen = [i for i in snapshot_ids if i in inventory.snapshots]
    index = LineageIndex(inventory.snapshots.values())
    blocks = inventory.blocks
    needs = wanted_reads(chosen, index, blocks)
    if not needs:
        return 0
    limit = asyncio.Semaphore(concurrency)
    failed = 0
    blocks.reading.update(chosen)
    inventory.version += 1

    async def one(need: Needed) -> None:
        nonlocal failed
        snapshot = inventory.snapshots.get(need.first)
        if snapshot is None:
            return
        async with limit:
            try:
                await _read(pool, snapshot.region, need, blocks)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the saving stays an upper bound, saying why
                failed += 1
                problem = describe_problem(
                    exc, region=snapshot.region, service="ebs", operation=need.read.value
                )
                blocks.problems[need] = problem.message

    try:
        await asyncio.gather(*(one(n) for n in needs))
    finally:
        blocks.reading.difference_update(chosen)
        inventory.version += 1
    return failed
