"""The details' line on what deleting a snapshot frees: its exclusive size, and its price.

Read on demand (the explorer reads the snapshot's blocks when its details open,
`Account.read_blocks`); until then, and where the blocks cannot be read, the line says why and
gives the upper bound AWS tells: the written size (FullSnapshotSizeInBytes) or the volume size.
"""

from __future__ import annotations

from amiexplorer.core.block_sizes import (
    NO_VOLUME,
    exclusive_bytes,
    in_a_lineage,
    upper_bound_bytes,
    why_unknown,
)
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Snapshot
from amiexplorer.core.tuning import Prices
from amiexplorer.sizes import format_bytes

Field = tuple[str, str]


def wants_blocks(snapshot: Snapshot, inventory: Inventory) -> bool:
    """Whether opening the snapshot's details should read its blocks (once)."""
    if not in_a_lineage(snapshot) or snapshot.owner_id != inventory.account_id:
        return False
    index, blocks = inventory.lineages(), inventory.blocks
    return (
        snapshot.snapshot_id not in blocks.reading
        and exclusive_bytes(snapshot.snapshot_id, index, blocks) is None
        and why_unknown(snapshot.snapshot_id, index, blocks) is None
    )


def _monthly(size: int, snapshot: Snapshot, prices: Prices) -> str:
    rate = (
        prices.snapshot_archive if snapshot.storage_tier == "archive" else prices.snapshot_standard
    )
    return f"~${size / 1024**3 * rate:,.2f}/month"


def _bound(snapshot: Snapshot, prices: Prices) -> str:
    size = upper_bound_bytes(snapshot)
    basis = "written size" if snapshot.full_snapshot_size_bytes is not None else "volume size"
    return f"at most {format_bytes(size)}, {_monthly(size, snapshot, prices)} ({basis})"


def block_fields(
    snapshot: Snapshot, inventory: Inventory, prices: Prices | None = None
) -> list[Field]:
    """The "Written" and "Deleting frees" lines of a snapshot's details."""
    prices = prices or Prices()
    fields: list[Field] = []
    if snapshot.full_snapshot_size_bytes is not None:
        fields.append(("Written", format_bytes(snapshot.full_snapshot_size_bytes)))
    if snapshot.state != "completed":
        return fields
    if snapshot.storage_tier == "archive":
        whole = upper_bound_bytes(snapshot)
        words = (
            f"{format_bytes(whole)}, {_monthly(whole, snapshot, prices)} (archived: billed whole)"
        )
        return [*fields, ("Deleting frees", words)]
    if not in_a_lineage(snapshot):
        why = "a copy or image snapshot" if snapshot.volume_id == NO_VOLUME else "no source volume"
        return [*fields, ("Deleting frees", f"{_bound(snapshot, prices)}; {why}")]
    index, blocks = inventory.lineages(), inventory.blocks
    size = exclusive_bytes(snapshot.snapshot_id, index, blocks)
    if size is not None:
        words = (
            f"{format_bytes(size)}, {_monthly(size, snapshot, prices)} (the blocks only it holds)"
        )
        return [*fields, ("Deleting frees", words)]
    problem = why_unknown(snapshot.snapshot_id, index, blocks)
    if problem is not None:
        return [
            *fields,
            ("Deleting frees", f"{_bound(snapshot, prices)}; blocks unread: {problem}"),
        ]
    if snapshot.owner_id != inventory.account_id:
        return fields
    return [*fields, ("Deleting frees", f"{_bound(snapshot, prices)}; reading its blocks…")]
