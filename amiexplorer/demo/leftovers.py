"""Backups and the leftovers an audit hunts for, planted into the seeded fleet on purpose.

- nightly backups of the postgres data volume over two years (the oldest in the archive tier),
  and of a predecessor volume that has since been deleted;
- final snapshots of decommissioned (deleted) volumes;
- unattached volumes; a public and two shared snapshots;
- CopySnapshot copies of backups into the DR region;
- an image of a live instance that was deregistered (its snapshots' volumes still exist);
- an image registered on another image's snapshot (one snapshot, two images);
- resources still pending at load: a long cross-region image copy and a slow snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo import imaging, pending
from amiexplorer.demo.builders import RegionKit
from amiexplorer.demo.constants import PARTNER_ACCOUNT_ID, STAGING_ACCOUNT_ID
from amiexplorer.demo.fleet import DATA, DEVEX, INFRA, Disk, Team
from amiexplorer.demo.timefmt import pinned

#: Durations (seconds) and progress of the resources pending at load.
PENDING_COPY = (1800.0, 0.35)
PENDING_SNAPSHOT = (900.0, 0.40)


@dataclass(frozen=True)
class Leftovers:
    """What the planting made that ``planted.collect`` cannot tell from moto's state."""

    copy_snapshots: frozenset[str]


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def _volume(
    kit: RegionKit, name: str, size: int, kind: str, age: int, team: Team, encrypted: bool = False
) -> Any:
    """An unattached volume called ``name``, created ``age`` days ago."""
    disk = Disk("/dev/sdf", size, kind, encrypted, name=name)
    return kit.volume(disk, kit.calendar.at(age), {"Name": name, "Team": team.team})


def _backups(kit: RegionKit, volume: Any, ages: list[int], label: str, team: Team) -> list[Any]:
    """Snapshot ``volume`` at each age (days ago), described like a backup job would."""
    made = []
    for age in ages:
        when = kit.calendar.at(age)
        tags = {"Team": team.team, "Backup": label}
        made.append(kit.snapshot(volume, f"{label} {_day(when)}", when, tags))
    return made


def _decommissioned(kit: RegionKit, name: str, size: int, kind: str, ages: tuple[int, int]) -> Any:
    """A volume created ``ages[0]`` days ago, snapshotted a last time at ``ages[1]``, deleted."""
    volume = _volume(kit, name, size, kind, ages[0], DATA, encrypted=kind == "gp3")
    when = kit.calendar.at(ages[1])
    description = f"final snapshot before decommission {name} {_day(when)}"
    snapshot = kit.snapshot(volume, description, when, {"Team": DATA.team})
    kit.ec2.delete_volume(volume.id)
    return snapshot


def _postgres_backups(east: RegionKit, pg_data: Any) -> list[Any]:
    """Backups of the postgres data volume, and of its deleted predecessor (oldest archived)."""
    label = "nightly backup postgres-data"
    old = _volume(east, "postgres-data-pg11", 1000, "gp2", 730, DATA)
    old_backups = _backups(east, old, [700, 640, 580, 520, 460, 400], label, DATA)
    east.ec2.delete_volume(old.id)
    for snapshot in old_backups[:2]:
        archived = east.ec2.modify_snapshot_tier(snapshot.id, "archive")
        archived.last_tiering_start_time = snapshot.start_time + timedelta(days=95)
        archived.archival_complete_time = snapshot.start_time + timedelta(days=95, hours=6)
    return _backups(east, pg_data, [360, 300, 240, 120, 60, 30, 7, 1], label, DATA)


def _loose_volumes(kits: dict[str, RegionKit], restore_from: Any) -> None:
    """Unattached volumes nobody cleaned up, one restored from a backup."""
    east = kits["us-east-1"]
    _volume(east, "jenkins-workspace-old", 500, "gp2", 410, DEVEX)
    _volume(kits["us-west-2"], "kafka-broker-0-logs", 1000, "st1", 300, DATA)
    _volume(kits["eu-west-1"], "scratch", 50, "gp2", 200, INFRA)
    restore = east.ec2.create_volume(
        size=2000,
        zone_name=east.subnets[0].availability_zone,
        snapshot_id=restore_from.id,
        encrypted=True,
        kms_key_id=east.kms_key_arn,
        volume_type="gp3",
    )
    restore.create_time = restore_from.start_time + timedelta(days=1)
    name = f"restore-test-postgres-{_day(restore_from.start_time)}"
    restore.add_tags({"Name": name, "Team": DATA.team})


def _sharing(east: RegionKit, pg_data: Any, weekly: list[Any]) -> None:
    """A public dataset snapshot, an export for a partner, a jenkins backup for staging."""
    dataset = _volume(east, "open-dataset-build", 100, "gp2", 160, INFRA)
    when = east.calendar.at(150)
    label = f"acme open dataset sample {when.year}-q{(when.month - 1) // 3 + 1}"
    public = east.snapshot(dataset, label, when, {"Team": INFRA.team})
    east.ec2.add_create_volume_permission(public.id, user_ids=[], groups=["all"])
    when = east.calendar.at(90)
    label = f"postgres export for analytics partner {_day(when)}"
    export = east.snapshot(pg_data, label, when, {"Team": DATA.team})
    east.ec2.add_create_volume_permission(export.id, user_ids=[PARTNER_ACCOUNT_ID], groups=[])
    east.ec2.add_create_volume_permission(weekly[-1].id, user_ids=[STAGING_ACCOUNT_ID], groups=[])


def _copy_snapshot(kit: RegionKit, source: Any, source_region: str, when: datetime) -> Any:
    """CopySnapshot ``source`` into ``kit``'s region (description written by the patch)."""
    with pinned(when):
        copy = kit.ec2.copy_snapshot(source.id, source_region, None, kit.kms_key_arn)
    copy.start_time = when
    copy.add_tags({"Team": DATA.team, "Backup": "dr-copy"})
    return copy


def _safety_image(east: RegionKit, instance: Any) -> None:
    """An image of a live instance taken before an upgrade, deregistered since.

    Its snapshots' source volumes still exist: "volume gone" would not flag them.
    """
    when = east.calendar.at(180)
    name = f"postgres-primary-pre-upgrade-{when:%Y.%m.%d}"
    description = "Safety image before PG 15.4 -> 15.6 upgrade"
    image = east.ec2.create_image(instance.id, name, description, tag_specifications=[])
    east.redate_image(image, when)
    east.ec2.deregister_image(image.id)


def _register_on(kit: RegionKit, source: Any, name: str, description: str, when: datetime) -> Any:
    """RegisterImage reusing ``source``'s root snapshot (moto's stand-in snapshot is dropped)."""
    image = kit.ec2.register_image(name, description)
    del kit.ec2.snapshots[image.ebs_snapshot.id]
    root = imaging.block_device_mappings(source)[0]
    imaging.set_block_device_mappings(image, [root])
    image.ebs_snapshot = kit.ec2.get_snapshot(root["Ebs"]["SnapshotId"])
    image.root_device_name, image.architecture = source.root_device_name, source.architecture
    imaging.polish(image)
    image.boot_mode = "uefi"
    image.creation_date = when
    image.add_tags({"Team": INFRA.team})
    return image


def _in_progress(kits: dict[str, RegionKit], web: Any, pg_data: Any, pending_demo: bool) -> None:
    """A long copy of the web image to Sydney and a pre-migration snapshot, started lately.

    Their start times agree with the progress planted when ``pending_demo`` is set.
    """
    sydney, east = kits["ap-southeast-2"], kits["us-east-1"]
    now = east.calendar.now
    copy_duration, copy_done = PENDING_COPY
    started = now - timedelta(seconds=copy_duration * copy_done)
    copy = sydney.copy_from(web, "us-east-1", started)
    snapshot_duration, snapshot_done = PENDING_SNAPSHOT
    started = now - timedelta(seconds=snapshot_duration * snapshot_done)
    label = f"pre-migration snapshot postgres-data {_day(started)}"
    snapshot = east.snapshot(pg_data, label, started, {"Team": DATA.team})
    if pending_demo:
        for resource in [copy, *(sydney.ec2.get_snapshot(s) for s in imaging.snapshot_ids(copy))]:
            pending.plant_pending(resource, copy_duration, copy_done)
        pending.plant_pending(snapshot, snapshot_duration, snapshot_done)


def _attached(kit: RegionKit, instance: Any, device: str) -> Any:
    """The volume attached to ``instance`` at ``device``."""
    return kit.ec2.get_volume(dict(instance.get_block_device_mapping)[device].volume_id)


def plant(
    kits: dict[str, RegionKit],
    images: dict[str, Any],
    instances: dict[str, Any],
    pending_demo: bool,
) -> Leftovers:
    """Plant backups and leftovers; returns what only the planting knows."""
    east = kits["us-east-1"]
    pg_data = _attached(east, instances["postgres-primary"], "/dev/sdf")
    jenkins_home = _attached(east, instances["jenkins-controller"], "/dev/sdf")
    backups = _postgres_backups(east, pg_data)
    weekly = _backups(east, jenkins_home, [28, 21, 14, 7], "weekly backup jenkins-home", DEVEX)
    # Final snapshots of deleted volumes (not copies: their volumes really existed here).
    _decommissioned(east, "analytics-scratch", 1500, "st1", (600, 500))
    _decommissioned(kits["eu-west-1"], "customer-export-2025", 200, "gp3", (260, 250))
    _decommissioned(kits["ap-southeast-2"], "sydney-poc-data", 100, "gp2", (340, 330))
    _loose_volumes(kits, backups[-3])
    _sharing(east, pg_data, weekly)
    # Disaster-recovery copies of the two latest backups.
    west = kits["us-west-2"]
    copies = [
        _copy_snapshot(west, backup, "us-east-1", backup.start_time + timedelta(hours=2))
        for backup in backups[-2:]
    ]
    _safety_image(east, instances["postgres-primary"])
    base = images["base-v42"]
    description = "base v42 re-registered with boot mode uefi (NitroTPM)"
    _register_on(east, base, f"{base.name}-uefi", description, base.creation_date + timedelta(5))
    _in_progress(kits, images["web-21"], pg_data, pending_demo)
    return Leftovers(copy_snapshots=frozenset(c.id for c in copies))
