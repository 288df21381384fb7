"""Every audit rule and every trap of the issue, on models built by hand (no network)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from amiexplorer.core.audit.report import (
    AuditError,
    AuditReport,
    Finding,
    FindingCode,
    Totals,
    build_report,
    cleanup_request,
)
from amiexplorer.core.cost import snapshot_monthly, volume_monthly
from amiexplorer.core.evidence import ImageParameter, RegionEvidence
from amiexplorer.core.inventory import Inventory, LoadError, RegionFinished, RegionStarted
from amiexplorer.core.models import (
    BlockDeviceMapping,
    Image,
    Instance,
    LaunchConfiguration,
    LaunchTemplateVersion,
    ResourceKind,
    Snapshot,
    Volume,
)
from amiexplorer.core.plans.requests import (
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
)
from amiexplorer.core.tuning import Prices, Thresholds

ACCOUNT = "111111111111"
OTHER = "222222222222"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
EAST, WEST = "us-east-1", "us-west-2"


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def snapshot(
    sid: str, description: str = "", volume: str | None = "vol-gone", **kw: object
) -> Snapshot:
    values: dict[str, object] = {
        "region": EAST,
        "owner_id": ACCOUNT,
        "state": "completed",
        "progress": 100,
        "volume_id": volume,
        "volume_size_gib": 100,
        "start_time": ago(400),
        "description": description,
        "is_public": False,
        "shared_with": (),
    }
    values.update(kw)
    return Snapshot(sid, **values)  # type: ignore[arg-type]


def image(iid: str, *snapshots: str, **kw: object) -> Image:
    values: dict[str, object] = {
        "region": EAST,
        "owner_id": ACCOUNT,
        "name": iid,
        "state": "available",
        "creation_date": ago(400),
        "block_device_mappings": tuple(
            BlockDeviceMapping(f"/dev/sd{chr(97 + n)}", s, volume_size_gib=100)
            for n, s in enumerate(snapshots)
        ),
        "shared_with": (),
    }
    values.update(kw)
    return Image(iid, **values)  # type: ignore[arg-type]


def volume(vid: str, state: str = "in-use", **kw: object) -> Volume:
    values: dict[str, object] = {
        "region": EAST,
        "availability_zone": "us-east-1a",
        "state": state,
        "size_gib": 50,
        "volume_type": "gp3",
        "create_time": ago(400),
    }
    values.update(kw)
    return Volume(vid, **values)  # type: ignore[arg-type]


def instance(iid: str, image_id: str, state: str = "running") -> Instance:
    return Instance(iid, EAST, state, "t3.micro", image_id, ago(10))


def create_image_description(image_id: str, volume_id: str = "vol-1") -> str:
    return f"Created by CreateImage(i-0abc) for {image_id} from {volume_id}"


def inventory(
    *resources: object,
    failed: tuple[str, ...] = (),
    regions: tuple[str, ...] = (EAST, WEST),
    parameters: tuple[ImageParameter, ...] = (),
    parameters_unread: tuple[str, ...] = (),
) -> Inventory:
    """An inventory whose regions finished loading (those in `failed` with an error).

    The SSM parameters of every region were read (those given, in their regions), except in
    `parameters_unread`; so were the lifecycle's (no locks, fast restores or bin rules).
    """
    inv = Inventory(ACCOUNT, regions)
    for region in regions:
        lifecycle = {
            "locks": {},
            "fast_restores": {},
            "archived_at": {},
            "bin_rules": (),
            "recycle_bin": {},
        }
        inv.evidence.put(RegionEvidence(region, **lifecycle))  # type: ignore[arg-type]
        if region not in parameters_unread:
            mine = tuple(p for p in parameters if p.region == region)
            inv.evidence.update(region, parameters=mine)
    for region in regions:
        inv.apply(RegionStarted(region))
    for resource in resources:
        inv.put(resource)  # type: ignore[arg-type]
    for region in regions:
        errors = (
            (LoadError(region, "DescribeInstances", "AuthFailure", "no"),)
            if region in failed
            else ()
        )
        inv.apply(RegionFinished(region, errors))
    return inv


def report(inv: Inventory, **kw: object) -> AuditReport:
    return build_report(inv, account=ACCOUNT, now=NOW, **kw)  # type: ignore[arg-type]


def found(inv: Inventory, code: FindingCode, **kw: object) -> dict[str, Finding]:
    return {f.resource_id: f for f in report(inv, **kw).group(code)}


ORPHANED = FindingCode.ORPHANED_SNAPSHOT
UNUSED = FindingCode.UNUSED_IMAGE


# Orphaned snapshots ----------------------------------------------------------------------


def test_snapshot_of_a_deregistered_image_is_orphaned() -> None:
    inv = inventory(snapshot("snap-1", create_image_description("ami-0dead")))
    finding = found(inv, ORPHANED)["snap-1"]
    assert finding.reason == "source image deregistered (ami-0dead)"
    assert finding.details["image_id"] == "ami-0dead"
    assert finding.details["rule"] == "image"
    assert (finding.kind, finding.region, finding.size_gib) == (ResourceKind.SNAPSHOT, EAST, 100)


def test_trap_volume_exists_but_image_deregistered() -> None:
    inv = inventory(
        snapshot("snap-1", create_image_description("ami-0dead", "vol-1"), volume="vol-1"),
        volume("vol-1"),
    )
    assert found(inv, ORPHANED)["snap-1"].reason.startswith("source image deregistered")


def test_copy_image_snapshot_of_a_deregistered_destination_is_orphaned() -> None:
    description = (
        "Copied for DestinationAmi ami-0d57 from SourceAmi ami-05c for SourceSnapshot snap-05c"
    )
    inv = inventory(snapshot("snap-1", description, volume="vol-ffffffff"))
    assert found(inv, ORPHANED)["snap-1"].details["image_id"] == "ami-0d57"


def test_snapshot_of_a_deleted_volume_is_orphaned() -> None:
    inv = inventory(snapshot("snap-1", "nightly backup", volume="vol-gone"))
    finding = found(inv, ORPHANED)["snap-1"]
    assert finding.reason == "source volume deleted (vol-gone)"
    assert finding.details["volume_id"] == "vol-gone"


def test_snapshot_of_an_existing_volume_is_kept() -> None:
    inv = inventory(snapshot("snap-1", "nightly backup", volume="vol-1"), volume("vol-1"))
    assert not found(inv, ORPHANED)


def test_trap_copy_snapshot_result_is_not_a_deleted_volume() -> None:
    inv = inventory(
        snapshot("snap-1", "[Copied snap-0 from us-east-1] nightly", volume="vol-ffffffff"),
        snapshot("snap-2", "my copy", volume="vol-ffffffff"),
        snapshot("snap-3", "[Copied snap-0 from us-east-1] nightly", volume="vol-0123"),
    )
    assert not found(inv, ORPHANED)


def test_copy_of_an_image_snapshot_follows_the_image_in_its_source_region() -> None:
    description = "[Copied snap-0 from us-east-1] " + create_image_description("ami-0ea57")
    copy = snapshot("snap-1", description, volume="vol-ffffffff", region=WEST)
    # Its image lives in us-east-1: registered there, so the copy is no orphan.
    assert not found(inventory(copy, image("ami-0ea57")), ORPHANED)
    # Deregistered there: an orphan, naming the image's region.
    finding = found(inventory(copy), ORPHANED)["snap-1"]
    assert finding.details["image_region"] == EAST
    # us-east-1 not audited, or failed: whether the image exists is unknown, so no finding.
    assert not found(inventory(copy, regions=(WEST,)), ORPHANED)
    assert not found(inventory(copy, failed=(EAST,)), ORPHANED)


def test_a_snapshot_made_for_an_existing_image_never_falls_back_to_its_volume() -> None:
    # The image exists but does not name the snapshot (re-registered with other mappings).
    inv = inventory(
        snapshot("snap-1", create_image_description("ami-1"), volume="vol-gone"),
        image("ami-1", "snap-other"),
    )
    assert not found(inv, ORPHANED)


@pytest.mark.parametrize("state", ["available", "pending", "disabled", "failed"])
def test_trap_a_registered_image_in_any_state_holds_its_snapshot(state: str) -> None:
    inv = inventory(
        snapshot("snap-1", create_image_description("ami-1")),
        image("ami-1", "snap-1", state=state, deprecation_time=ago(30)),
    )
    assert not found(inv, ORPHANED)


def test_trap_snapshot_referenced_by_two_images() -> None:
    shared = snapshot("snap-1", create_image_description("ami-1"))
    one, two = image("ami-1", "snap-1"), image("ami-2", "snap-1")
    assert not found(inventory(shared, one, two), ORPHANED)
    # ami-1 (named in the description) is gone, but ami-2 still holds the snapshot.
    assert not found(inventory(shared, two), ORPHANED)
    # Deregistering either unused image frees nothing: the other holds the snapshot.
    unused = found(inventory(shared, one, two), UNUSED)
    assert unused["ami-1"].monthly_cost_usd == 0.0
    assert unused["ami-1"].details["freed_snapshot_ids"] == ()
    assert "other images hold its snapshots" in unused["ami-1"].reason


def test_snapshots_of_other_accounts_are_not_audited() -> None:
    inv = inventory(snapshot("snap-1", "nightly", owner_id=OTHER, is_public=True))
    assert not report(inv).findings


# Unused images ----------------------------------------------------------------------------


def test_image_nothing_uses_is_unused_and_costs_its_snapshots() -> None:
    launched = ago(100)
    inv = inventory(
        image("ami-1", "snap-1", last_launched_time=launched),
        snapshot("snap-1", create_image_description("ami-1")),
        instance("i-old", "ami-1", state="terminated"),
    )
    finding = found(inv, UNUSED)["ami-1"]
    assert finding.reason.startswith(
        "no instance, launch template, launch configuration or SSM parameter uses it"
    )
    assert "last launched" in finding.reason
    assert finding.details["last_launched_time"] == launched.isoformat()
    assert finding.details["terminated_instance_ids"] == ("i-old",)
    assert finding.details["freed_snapshot_ids"] == ("snap-1",)
    assert finding.monthly_cost_usd == pytest.approx(100 * Prices().snapshot_standard)


@pytest.mark.parametrize("state", ["running", "stopped", "pending", "stopping"])
def test_trap_image_of_a_stopped_or_running_instance_is_used(state: str) -> None:
    inv = inventory(image("ami-1"), instance("i-1", "ami-1", state=state))
    assert not found(inv, UNUSED)


def test_trap_image_used_only_by_a_launch_template_no_group_uses() -> None:
    # An old, non-default version of a template no Auto Scaling group names.
    version = LaunchTemplateVersion("lt-1", "batch", EAST, 3, "ami-1", is_default=False)
    newer = LaunchTemplateVersion("lt-1", "batch", EAST, 4, "ami-2", is_default=True)
    inv = inventory(image("ami-1"), image("ami-2"), version, newer)
    assert not found(inv, UNUSED)


def test_trap_image_used_only_by_a_launch_configuration() -> None:
    configuration = LaunchConfiguration("legacy-lc", EAST, "ami-1")
    assert not found(inventory(image("ami-1"), configuration), UNUSED)


def test_trap_disabled_image_is_unused_and_still_holds_its_snapshot() -> None:
    inv = inventory(
        image("ami-1", "snap-1", state="disabled"),
        snapshot("snap-1", create_image_description("ami-1")),
    )
    assert found(inv, UNUSED)["ami-1"].details["state"] == "disabled"
    assert not found(inv, ORPHANED)


def test_images_of_other_accounts_and_deregistered_ones_are_not_reported() -> None:
    inv = inventory(
        image("ami-1", owned=False, owner_id=OTHER, is_public=True),
        image("ami-2", state="deregistered"),
    )
    assert not report(inv).findings


def test_an_unused_shared_or_public_image_says_others_may_launch_it() -> None:
    inv = inventory(image("ami-1", shared_with=(OTHER,)), image("ami-2", is_public=True))
    unused = found(inv, UNUSED)
    assert "who may launch it" in unused["ami-1"].reason
    assert "public" in unused["ami-2"].reason


# Volumes, public and shared ------------------------------------------------------------------


def test_available_volumes_are_unattached() -> None:
    inv = inventory(volume("vol-1", "available", volume_type="st1", size_gib=1000), volume("vol-2"))
    volumes = found(inv, FindingCode.UNATTACHED_VOLUME)
    assert set(volumes) == {"vol-1"}
    assert volumes["vol-1"].monthly_cost_usd == pytest.approx(1000 * Prices().st1)
    assert volumes["vol-1"].details["volume_type"] == "st1"


def test_public_and_shared_images_and_snapshots() -> None:
    template = LaunchTemplateVersion("lt-1", "web", EAST, 1, "ami-pub")
    inv = inventory(
        image("ami-pub", is_public=True, shared_with=(OTHER,)),
        image("ami-private"),
        template,
        snapshot("snap-pub", "nightly", volume="vol-1", is_public=True),
        snapshot("snap-shared", "nightly", volume="vol-1", shared_with=(OTHER, "333333333333")),
        volume("vol-1"),
    )
    result = report(inv)
    assert {f.resource_id for f in result.group(FindingCode.PUBLIC_IMAGE)} == {"ami-pub"}
    public = result.group(FindingCode.PUBLIC_IMAGE)[0]
    assert public.details["launch_template_versions"] == ("lt-1:1",)
    assert public.monthly_cost_usd is None and public.size_gib is None
    assert {f.resource_id for f in result.group(FindingCode.PUBLIC_SNAPSHOT)} == {"snap-pub"}
    shared = {f.resource_id: f for f in result.group(FindingCode.SHARED_SNAPSHOT)}
    assert set(shared) == {"snap-shared"}
    assert shared["snap-shared"].details["shared_with"] == (OTHER, "333333333333")
    assert "2 accounts" in shared["snap-shared"].reason
    assert [f.resource_id for f in result.group(FindingCode.SHARED_IMAGE)] == ["ami-pub"]


def test_unread_sharing_is_a_note_never_silence() -> None:
    inv = inventory(
        image("ami-1", shared_with=None),
        snapshot("snap-1", "nightly", volume="vol-1", shared_with=None, is_public=None),
        volume("vol-1"),
    )
    notes = " ".join(report(inv, unread_hints={ResourceKind.SNAPSHOT: "over the limit"}).notes)
    assert "sharing of 1 image(s) was not read" in notes
    assert "sharing of 1 snapshot(s) was not read" in notes and "(over the limit)" in notes
    assert "whether 1 snapshot(s) are public is unknown" in notes


# Incomplete regions ----------------------------------------------------------------------------


def test_a_failed_region_withholds_orphans_and_unused_images_only() -> None:
    inv = inventory(
        image("ami-1", is_public=True),
        snapshot("snap-1", create_image_description("ami-0dead")),
        snapshot("snap-2", "nightly", volume="vol-gone"),
        volume("vol-1", "available"),
        image("ami-west", region=WEST),
        failed=(EAST,),
    )
    result = report(inv)
    codes = {(f.code, f.resource_id) for f in result.findings}
    assert codes == {
        (FindingCode.PUBLIC_IMAGE, "ami-1"),
        (FindingCode.UNATTACHED_VOLUME, "vol-1"),
        (UNUSED, "ami-west"),
    }
    assert result.withheld_regions == (EAST,)
    assert result.errors == (AuditError(EAST, "no"),)
    assert result.failed
    assert any(EAST in note and "not reported" in note for note in result.notes)


def test_a_region_still_loading_is_withheld() -> None:
    inv = Inventory(ACCOUNT, (EAST,))
    inv.apply(RegionStarted(EAST))
    inv.put(image("ami-1"))
    result = report(inv)
    assert not result.findings and result.withheld_regions == (EAST,)


# Thresholds ---------------------------------------------------------------------------------


def test_thresholds_hide_young_leftovers_but_never_public_ones() -> None:
    inv = inventory(
        snapshot("snap-young", "nightly", start_time=ago(10), is_public=True),
        snapshot("snap-old", "nightly", start_time=ago(40)),
        image("ami-young", creation_date=ago(5)),
        image("ami-undated", creation_date=None),
        volume("vol-young", "available", create_time=ago(1)),
    )
    strict = Thresholds(snapshot_min_age_days=30, image_min_age_days=30, volume_min_age_days=2)
    result = report(inv, thresholds=strict)
    assert {f.resource_id for f in result.group(ORPHANED)} == {"snap-old"}
    assert not result.group(UNUSED)  # one too young, one of unknown age
    assert not result.group(FindingCode.UNATTACHED_VOLUME)
    assert [f.resource_id for f in result.group(FindingCode.PUBLIC_SNAPSHOT)] == ["snap-young"]
    # The default (0 days) reports everything, whatever its age.
    default = report(inv)
    assert {f.resource_id for f in default.group(UNUSED)} == {"ami-young", "ami-undated"}
    assert len(default.group(ORPHANED)) == 2


# Cost and totals ----------------------------------------------------------------------------


def test_costs_follow_the_configured_prices_and_tiers() -> None:
    prices = Prices(snapshot_standard=0.1, snapshot_archive=0.01, gp3=1.0, gp2=2.0)
    archived = snapshot("snap-a", "x", storage_tier="archive", volume_size_gib=1000)
    assert snapshot_monthly(archived, prices) == pytest.approx(10.0)
    assert snapshot_monthly(replace(archived, storage_tier="standard"), prices) == 100.0
    assert volume_monthly(volume("v", size_gib=10), prices) == 10.0
    # A type the prices do not know is priced as gp2.
    assert volume_monthly(volume("v", size_gib=10, volume_type="io3-future"), prices) == 20.0
    inv = inventory(archived, volume("vol-1", "available", size_gib=10))
    result = report(inv, prices=prices)
    assert found(inv, ORPHANED, prices=prices)["snap-a"].monthly_cost_usd == pytest.approx(10.0)
    assert result.totals == Totals(2, 1010, 20.0)


def test_totals_per_code_and_per_region() -> None:
    inv = inventory(
        snapshot("snap-1", "x", volume_size_gib=100),
        snapshot("snap-2", "x", volume_size_gib=300, region=WEST),
        volume("vol-1", "available", size_gib=50, volume_type="gp2"),
        image("ami-pub", is_public=True, shared_with=(OTHER,)),
        instance("i-1", "ami-pub"),
    )
    result = report(inv)
    assert list(result.totals_by_code) == list(FindingCode)
    assert result.totals_by_code[ORPHANED] == Totals(2, 400, 20.0)
    assert result.totals_by_code[FindingCode.UNATTACHED_VOLUME] == Totals(1, 50, 5.0)
    assert result.totals_by_code[FindingCode.PUBLIC_IMAGE] == Totals(1, 0, 0.0)
    assert result.totals_by_code[UNUSED] == Totals()
    assert result.totals_by_region == {EAST: Totals(4, 150, 10.0), WEST: Totals(1, 300, 15.0)}
    assert result.totals == Totals(5, 450, 25.0)
    assert [f.resource_id for f in result.group(ORPHANED)] == ["snap-2", "snap-1"]  # cost first
    assert list(result.by_code()) == list(FindingCode)
    assert not result.failed


def test_cleanup_requests_per_code() -> None:
    inv = inventory(
        snapshot("snap-1", "x"),
        image("ami-1", is_public=True, shared_with=(OTHER,)),
        volume("vol-1", "available"),
    )
    result = report(inv)
    assert cleanup_request(ORPHANED, result.findings) == DeleteSnapshotsRequest(("snap-1",))
    assert cleanup_request(UNUSED, result.findings) == DeregisterImagesRequest(("ami-1",))
    assert cleanup_request(FindingCode.UNATTACHED_VOLUME, result.findings) == (
        DeleteVolumesRequest(("vol-1",))
    )
    assert cleanup_request(FindingCode.PUBLIC_IMAGE, result.findings) == MakePrivateRequest(
        ("ami-1",)
    )
    assert cleanup_request(FindingCode.SHARED_IMAGE, result.findings) is None
    assert cleanup_request(FindingCode.PUBLIC_SNAPSHOT, result.findings) is None
