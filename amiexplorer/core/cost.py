"""Monthly cost estimates from configurable list prices (`amiexplorer.config.Prices`).

One place for the arithmetic the audit and the delete plans share. Every figure is an
estimate: snapshot storage is billed on the blocks a snapshot does not share with other
snapshots of the same volume, so a figure from the volume (or written) size is an upper
bound; `saving` prices what a deletion frees by those blocks where they were read
(`core/block_sizes.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amiexplorer.core.block_sizes import GIB, Basis, BlockEvidence, Freed, LineageIndex, freed_by
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


@dataclass(frozen=True, slots=True)
class Saving:
    """What deleting snapshots saves a month: the part priced by what they free, and the rest
    priced by an upper bound."""

    exact_usd: float
    bound_usd: float
    freed: Freed

    @property
    def monthly_usd(self) -> float:
        return self.exact_usd + self.bound_usd

    @property
    def bound_words(self) -> str:
        """What the bounded part is priced by: "written size", "volume size" or both."""
        bases = {basis for _id, basis in self.freed.bounded}
        if bases == {Basis.WRITTEN}:
            return "written size"
        if bases == {Basis.VOLUME}:
            return "volume size"
        return "written or volume size"


def _price(total: int, archived: int, prices: Prices) -> float:
    standard = total - archived
    return (standard * prices.snapshot_standard + archived * prices.snapshot_archive) / GIB


def saving(
    doomed: Iterable[Snapshot], index: LineageIndex, evidence: BlockEvidence, prices: Prices
) -> Saving:
    """What deleting `doomed` saves, `index` holding every snapshot of their regions."""
    freed = freed_by(doomed, index, evidence)
    return Saving(
        _price(freed.exact_bytes, freed.exact_archive_bytes, prices),
        _price(freed.bound_bytes, freed.bound_archive_bytes, prices),
        freed,
    )
