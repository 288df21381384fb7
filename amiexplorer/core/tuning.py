"""The numbers the audit and the plans are tuned by: list prices and the audit's thresholds.

Plain data (config.py reads them from the TOML file and checks each against its bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The largest age threshold, in days (100 years): more says nothing and overflows dates.
MAX_AGE_DAYS = 36500
#: The highest price per GB-month accepted (list prices are cents).
MAX_PRICE = 1000.0


def bounds(low: float, high: float) -> dict[str, float]:
    """Field metadata: the range a number must lie in."""
    return {"min": low, "max": high}


@dataclass(frozen=True, slots=True)
class Prices:
    """List prices in USD per GB-month, used for the audit's monthly cost estimates."""

    #: Snapshot storage, standard tier (billed on changed blocks: an upper bound).
    snapshot_standard: float = field(default=0.05, metadata=bounds(0, MAX_PRICE))
    #: Snapshot storage, archive tier.
    snapshot_archive: float = field(default=0.0125, metadata=bounds(0, MAX_PRICE))
    #: Volume storage per type.
    gp3: float = field(default=0.08, metadata=bounds(0, MAX_PRICE))
    gp2: float = field(default=0.10, metadata=bounds(0, MAX_PRICE))
    io1: float = field(default=0.125, metadata=bounds(0, MAX_PRICE))
    io2: float = field(default=0.125, metadata=bounds(0, MAX_PRICE))
    st1: float = field(default=0.045, metadata=bounds(0, MAX_PRICE))
    sc1: float = field(default=0.015, metadata=bounds(0, MAX_PRICE))
    standard: float = field(default=0.05, metadata=bounds(0, MAX_PRICE))
    #: Fast snapshot restore, per snapshot per Availability Zone per hour (a DSU-hour).
    fast_snapshot_restore_hour: float = field(default=0.75, metadata=bounds(0, MAX_PRICE))


#: Above this many images (or snapshots), the audit does not read who each one is shared with
#: (one call each) unless asked to.
DEFAULT_SHARING_LIMIT = 2000
#: Most findings' snapshots an audit reads the blocks of (EBS direct APIs, a few calls each)
#: to price them by what deleting frees; the rest keep an upper bound, with a note.
DEFAULT_BLOCK_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Audit thresholds: how old a resource must be before it is reported."""

    #: Minimum age in days before a snapshot is reported.
    snapshot_min_age_days: int = field(default=0, metadata=bounds(0, MAX_AGE_DAYS))
    #: Minimum age in days before an image is reported.
    image_min_age_days: int = field(default=0, metadata=bounds(0, MAX_AGE_DAYS))
    #: Minimum age in days before an unattached volume is reported.
    volume_min_age_days: int = field(default=0, metadata=bounds(0, MAX_AGE_DAYS))
    #: Hours a just-created resource is never a leftover (orphaned-*, unused-image,
    #: unattached-volume), whatever the day thresholds say: the work that made it may still
    #: be under way (a copy registering its image, a volume about to be attached).
    grace_hours: int = field(default=24, metadata=bounds(0, MAX_AGE_DAYS * 24))
