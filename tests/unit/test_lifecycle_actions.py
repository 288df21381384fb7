"""The lifecycle changes' plans on models built by hand: one call per resource, skips for what
is that way already, refusals for what must not change, and what the confirmation says."""

from __future__ import annotations

from datetime import timedelta

from amiexplorer.core.lifecycle import BinnedItem, FastRestore
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.lifecycle_actions import plan_change_images, plan_change_snapshots
from amiexplorer.core.plans.plan import Outcome
from amiexplorer.core.plans.recycle_bin import plan_restore_from_bin
from amiexplorer.core.plans.requests import (
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
    ImageChange,
    RestoreFromRecycleBinRequest,
    SnapshotChange,
)
from tests.unit.test_audit_rules import NOW, OTHER, image, inventory, snapshot
from tests.unit.test_lifecycle_guards import context

FINAL = "final snapshot before decommission"


def test_deprecation_is_one_call_per_image_at_the_minute_asked() -> None:
    inv = inventory(image("ami-1"), image("ami-2"))
    when = NOW + timedelta(days=30, seconds=42)
    plan = plan_change_images(
        ChangeImagesRequest(ImageChange.DEPRECATE, ("ami-1", "ami-2"), deprecate_at=when),
        context(inv),
    )
    assert [(s.action, s.resource_ids) for s in plan.steps] == [
        ("EnableImageDeprecation", ("ami-1",)),
        ("EnableImageDeprecation", ("ami-2",)),
    ]
    assert plan.steps[0].params["DeprecateAt"] == when.replace(second=0)
    assert plan.steps[0].redescribe is ResourceKind.IMAGE
    assert plan.needs.count == 2  # a bulk change is confirmed by its count
    assert "whoever knows its id can still launch it" in plan.warnings[0].message


def test_a_deprecation_in_the_past_or_beyond_ten_years_is_a_problem_of_the_form() -> None:
    inv = inventory(image("ami-1"))
    for when, words in (
        (NOW - timedelta(hours=1), "must be in the future"),
        (NOW + timedelta(days=3651), "at most 10 years ahead"),
        (None, "say when"),
    ):
        plan = plan_change_images(
            ChangeImagesRequest(ImageChange.DEPRECATE, ("ami-1",), deprecate_at=when),
            context(inv),
        )
        assert not plan.steps and [p.field for p in plan.problems] == ["deprecate_at"]
        assert words in plan.problems[0].message


def test_what_is_that_way_already_is_skipped_and_another_accounts_refused() -> None:
    inv = inventory(
        image("ami-off", state="disabled"),
        image("ami-on"),
        image("ami-theirs", owner_id=OTHER, owned=False),
    )
    plan = plan_change_images(
        ChangeImagesRequest(ImageChange.DISABLE, ("ami-off", "ami-on", "ami-theirs")),
        context(inv),
    )
    assert [s.resource_ids for s in plan.steps] == [("ami-on",)]
    assert [(r.resource_ids, r.outcome) for r in plan.skipped] == [(("ami-off",), Outcome.SKIPPED)]
    assert "belongs to account" in plan.refused[0].message
    assert "cannot launch instances" in plan.warnings[0].message


def test_disabling_a_shared_image_says_its_accounts_lose_it() -> None:
    inv = inventory(image("ami-shared", shared_with=(OTHER,)))
    plan = plan_change_images(
        ChangeImagesRequest(ImageChange.DISABLE, ("ami-shared",)), context(inv)
    )
    assert any("the accounts it was shared with lose it" in w.message for w in plan.warnings)


def test_turning_protection_off_explains_the_cooldown() -> None:
    inv = inventory(image("ami-p", deregistration_protection="enabled-with-cooldown"))
    plan = plan_change_images(ChangeImagesRequest(ImageChange.UNPROTECT, ("ami-p",)), context(inv))
    assert [s.action for s in plan.steps] == ["DisableImageDeregistrationProtection"]
    assert "stays protected for 24 hours after this" in plan.warnings[0].message
    protect = plan_change_images(
        ChangeImagesRequest(ImageChange.PROTECT, ("ami-p",), with_cooldown=True), context(inv)
    )
    assert not protect.steps and "protected already" in protect.skipped[0].message


def test_archiving_refuses_what_an_image_uses_and_says_what_it_costs() -> None:
    inv = inventory(
        snapshot("snap-free", FINAL, volume_size_gib=200),
        snapshot("snap-used", "Created by CreateImage(i-0abc) for ami-x from vol-1"),
        image("ami-x", "snap-used"),
        snapshot("snap-cold", FINAL, storage_tier="archive"),
    )
    plan = plan_change_snapshots(
        ChangeSnapshotsRequest(SnapshotChange.ARCHIVE, ("snap-free", "snap-used", "snap-cold")),
        context(inv),
    )
    assert [(s.action, s.params) for s in plan.steps] == [
        ("ModifySnapshotTier", {"SnapshotId": "snap-free", "StorageTier": "archive"})
    ]
    (refused,) = plan.refused
    assert refused.blocking_ids == ("ami-x",) and "could no longer launch" in refused.message
    assert "archived already" in plan.skipped[0].message
    # 200 GiB: 90 days at $0.0125 = $7.50; a restore at $0.03/GB = $6.00.
    assert "about $7.50 for these" in plan.warnings[0].message
    assert "about $6.00" in plan.warnings[0].message


def test_a_restore_is_temporary_for_n_days_or_permanent() -> None:
    inv = inventory(snapshot("snap-cold", FINAL, storage_tier="archive"))
    temporary = plan_change_snapshots(
        ChangeSnapshotsRequest(SnapshotChange.RESTORE, ("snap-cold",), restore_days=7),
        context(inv),
    )
    assert temporary.steps[0].params == {"SnapshotId": "snap-cold", "TemporaryRestoreDays": 7}
    assert "for 7 day(s), then it is archived again" in temporary.warnings[0].message
    permanent = plan_change_snapshots(
        ChangeSnapshotsRequest(SnapshotChange.RESTORE, ("snap-cold",)), context(inv)
    )
    assert permanent.steps[0].params == {"SnapshotId": "snap-cold", "PermanentRestore": True}
    wrong = plan_change_snapshots(
        ChangeSnapshotsRequest(SnapshotChange.RESTORE, ("snap-cold",), restore_days=181),
        context(inv),
    )
    assert not wrong.steps and "1 to 180 days" in wrong.problems[0].message


def test_disabling_fast_restore_names_every_zone_where_it_is_on() -> None:
    inv = inventory(snapshot("snap-fsr", FINAL), snapshot("snap-plain", FINAL))
    zones = (
        FastRestore("snap-fsr", "us-east-1a", "enabled"),
        FastRestore("snap-fsr", "us-east-1b", "disabled"),
    )
    inv.evidence.update("us-east-1", fast_restores={"snap-fsr": zones})
    plan = plan_change_snapshots(
        ChangeSnapshotsRequest(SnapshotChange.DISABLE_FAST_RESTORE, ("snap-fsr", "snap-plain")),
        context(inv),
    )
    assert [s.params for s in plan.steps] == [
        {"SourceSnapshotIds": ["snap-fsr"], "AvailabilityZones": ["us-east-1a"]}
    ]
    assert "no fast snapshot restore on" in plan.skipped[0].message


def test_restoring_from_the_bin_is_one_call_per_item_in_its_region() -> None:
    inv = inventory()
    items = {
        "snap-0b1": BinnedItem("snap-0b1", "us-east-1", "snapshot", NOW, NOW + timedelta(days=3)),
        "ami-0b2": BinnedItem("ami-0b2", "us-east-1", "image", NOW, NOW + timedelta(days=3)),
        "snap-0b3": BinnedItem("snap-0b3", "us-east-1", "snapshot", NOW, NOW - timedelta(days=1)),
    }
    inv.evidence.update("us-east-1", recycle_bin=items)
    plan = plan_restore_from_bin(
        RestoreFromRecycleBinRequest(("snap-0b1", "ami-0b2", "snap-0b3", "snap-0nope")),
        context(inv),
    )
    assert [(s.action, s.params, s.leaves_bin) for s in plan.steps] == [
        ("RestoreSnapshotFromRecycleBin", {"SnapshotId": "snap-0b1"}, True),
        ("RestoreImageFromRecycleBin", {"ImageId": "ami-0b2"}, True),
    ]
    refused = {r.resource_ids[0]: r.message for r in plan.refused}
    assert "AWS has deleted it for good" in refused["snap-0b3"]
    assert "not in the loaded inventory" in refused["snap-0nope"]
    assert plan.needs.count == 2
