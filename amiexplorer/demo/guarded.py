"""AWS's lifecycle guards, planted into the seeded world (after everything else is seeded).

- two Recycle Bin rules in us-east-1: a region-level EBS_SNAPSHOT rule of 14 days that excludes
  snapshots tagged ``rbin-exclude=true``, and a tag-level EC2_IMAGE rule of 7 days for images
  tagged ``RecycleBin=keep``;
- an old, deprecated, unused image with deregistration protection (with cooldown);
- an unused image tagged ``RecycleBin=keep`` (deregistering it sends it to the bin);
- an image and a snapshot deleted a few days ago, now in the Recycle Bin;
- final snapshots of two decommissioned volumes, locked in governance mode (expiring in about
  30 days) and in compliance mode;
- a leftover snapshot with Fast Snapshot Restore enabled in two Availability Zones;
- a leftover snapshot archived less than 90 days ago (billed for 90 days whatever happens).

Each is a new resource: the facts the rest of the world plants stay true. ``planted.collect``
reads them back from the state (moto's objects, the guards' markers, the Recycle Bin store).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from amiexplorer.demo import deregistration, fast_restores, recycle_bin, snapshot_locks
from amiexplorer.demo.builders import RegionKit
from amiexplorer.demo.fleet import DATA, INFRA, Disk
from amiexplorer.demo.timefmt import pinned

#: The tag the region-level snapshot rule excludes, and the one the image rule retains.
EXCLUDE_TAG = ("rbin-exclude", "true")
KEEP_TAG = ("RecycleBin", "keep")
#: Days before ``now`` the binned resources were deleted.
BINNED_DAYS_AGO = 2


def _leftover(kit: RegionKit, name: str, size: int, ages: tuple[int, int], label: str) -> Any:
    """A snapshot of a volume created ``ages[0]`` days ago, taken at ``ages[1]``, volume deleted."""
    created = kit.calendar.at(ages[0])
    disk = Disk("/dev/sdf", size, "gp3", name=name)
    volume = kit.volume(disk, created, {"Name": name, "Team": DATA.team})
    when = kit.calendar.at(ages[1])
    snapshot = kit.snapshot(volume, f"{label} {name} {when:%Y-%m-%d}", when, {"Team": DATA.team})
    kit.ec2.delete_volume(volume.id)
    return snapshot


def _image(kit: RegionKit, base: Any, name: str, description: str, age: int) -> Any:
    """A small unused image baked ``age`` days ago from ``base``."""
    created = kit.calendar.at(age)
    disks = (Disk("/dev/xvda", 20, "gp3", True),)
    image = kit.bake(
        f"{name}-{created:%Y.%m.%d}", description, disks, base, base.id, "x86_64", created
    )
    image.add_tags({"Team": INFRA.team, "BuildDate": f"{created:%Y-%m-%d}"})
    return image


def _rules(kit: RegionKit) -> None:
    created = kit.calendar.at(200)
    recycle_bin.create_rule(
        kit.region, recycle_bin.EBS_SNAPSHOT, 14,
        description="Keep deleted snapshots for 14 days", exclude_tags=(EXCLUDE_TAG,),
        created=created,
    )  # fmt: skip
    recycle_bin.create_rule(
        kit.region, recycle_bin.EC2_IMAGE, 7,
        description="Keep deregistered golden images for 7 days", resource_tags=(KEEP_TAG,),
        created=created,
    )  # fmt: skip


def _locks(kit: RegionKit) -> None:
    now = kit.calendar.now
    governance = _leftover(
        kit, "billing-db-2023", 800, (700, 420), "final snapshot before decommission"
    )
    created = now - timedelta(days=60)
    snapshot_locks.set_lock(governance, snapshot_locks.SnapshotLock(
        snapshot_locks.GOVERNANCE, created, created, created + timedelta(days=90), 90,
    ))  # fmt: skip
    compliance = _leftover(
        kit, "payments-ledger-2024", 400, (500, 110), "final snapshot before decommission"
    )
    created = now - timedelta(days=100)
    snapshot_locks.set_lock(compliance, snapshot_locks.SnapshotLock(
        snapshot_locks.COMPLIANCE, created, created, created + timedelta(days=3650), 3650, 72,
    ))  # fmt: skip


def _fast_restore(kit: RegionKit) -> None:
    snapshot = _leftover(kit, "ml-feature-store", 1500, (300, 45), "warm start for training fleet")
    zones = sorted(fast_restores.zones_of(kit.ec2).items())[:2]
    for zone, zone_id in zones:
        fast_restores.plant(snapshot, zone, zone_id, kit.calendar.at(44))


def _recently_archived(kit: RegionKit) -> None:
    snapshot = _leftover(kit, "audit-logs-2025", 600, (400, 120), "quarterly audit export")
    archived = kit.ec2.modify_snapshot_tier(snapshot.id, "archive")
    archived.last_tiering_start_time = kit.calendar.now - timedelta(days=30)
    archived.archival_complete_time = archived.last_tiering_start_time + timedelta(hours=6)


def plant(kits: dict[str, RegionKit], images: dict[str, Any]) -> None:
    """Plant the guards (after the rest of the world: its own deletes predate the rules)."""
    east = kits["us-east-1"]
    base = images["base-v40"]
    _rules(east)
    protected = _image(east, base, "reporting-worker", "Nightly reporting worker (retired)", 420)
    east.deprecate(protected, 120)
    deregistration.set_protection(protected, deregistration.Protection(cooldown=True))
    kept = _image(east, base, "batch-worker", "Batch worker, replaced by the ECS fleet", 210)
    kept.add_tags(dict([KEEP_TAG]))
    binned = _image(east, base, "etl-runner", "ETL runner, build 77", 90)
    binned.add_tags(dict([KEEP_TAG]))
    deleted_snapshot = _leftover(east, "tmp-reindex", 250, (40, 20), "before reindex")
    with pinned(east.calendar.now - timedelta(days=BINNED_DAYS_AGO)):
        east.ec2.deregister_image(binned.id)
        east.ec2.delete_snapshot(deleted_snapshot.id)
    _locks(east)
    _fast_restore(east)
    _recently_archived(east)
