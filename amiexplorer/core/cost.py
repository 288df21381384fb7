"""Monthly cost estimates from configurable list prices (`amiexplorer.config.Prices`).

One place for the arithmetic the audit and the delete plans share. Every figure is an
estimate: snapshot storage is billed on the blocks a snapshot does not share with older
snapshots of the same volume, so a figure from the volume size is an upper bound.
"""

from __future__ import annotations

from amiexplorer.core.models import Snapshot, Volume
from amiexplorer.core.tuning import Prices


def snapshot_monthly(snapshot: Snapshot, prices: Prices) -> float:
    """The list price of storing the snapshot for a month (an upper bound: blocks are shared)."""
    rate = (
        prices.snapshot_archive if snapshot.storage_tier == "archive" else prices.snapshot_standard
    )
    return snapshot.volume_size_gib * rate


def volume_monthly(volume: Volume, prices: Prices) -> float:
    """The list price of the volume's storage for a month (provisioned IOPS not included).

    A volume type the prices do not name is priced as gp2.
    """
    rate = getattr(prices, volume.volume_type, None)
    return volume.size_gib * (rate if isinstance(rate, float) else prices.gp2)
