"""Issue 14's guards on models built by hand: locks, fast snapshot restore, deregistration
protection, the archive tier's 90-day minimum and the Recycle Bin, in the plans and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.evidence import EvidenceProblem, Source
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.lifecycle import (
    EBS_SNAPSHOT,
    EC2_IMAGE,
    BinnedItem,
    FastRestore,
    RetentionRule,
    SnapshotLock,
    archive_minimum_left,
    protection_until,
    rule_for,
)
from amiexplorer.core.plans.delete import plan_delete_snapshots, plan_deregister_images
from amiexplorer.core.plans.plan import Outcome, Plan, PlanContext
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest, DeregisterImagesRequest
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices
from tests.unit.test_audit_rules import (
    ACCOUNT,
    EAST,
    NOW,
    WEST,
    ago,
    found,
    image,
    inventory,
    report,
    snapshot,
)

ORPHANED = FindingCode.ORPHANED_SNAPSHOT
UNUSED = FindingCode.UNUSED_IMAGE
FINAL = "final snapshot before decommission"


def context(inv: Inventory) -> PlanContext:
    return PlanContext(inv, RelationGraph(inv), ACCOUNT, (EAST, WEST), Prices(), now=NOW)


def delete(inv: Inventory, *ids: str) -> Plan:
    return plan_delete_snapshots(DeleteSnapshotsRequest(ids), context(inv))


def refusal(plan: Plan, resource_id: str) -> str:
    (found_,) = [r.message for r in plan.refused if resource_id in r.resource_ids]
    return found_


def lock(inv: Inventory, snapshot_id: str, state: str, days: float, **kw: object) -> None:
    entry = SnapshotLock(snapshot_id, EAST, state, expires_on=NOW + timedelta(days=days), **kw)  # type: ignore[arg-type]
    inv.evidence.update(EAST, locks={snapshot_id: entry})


# Snapshot locks ------------------------------------------------------------------------------


def test_a_governance_lock_refuses_the_delete_with_its_mode_and_expiry() -> None:
    inv = inventory(snapshot("snap-gov", FINAL), snapshot("snap-free", FINAL))
    lock(inv, "snap-gov", "governance", 30)
    plan = delete(inv, "snap-gov", "snap-free")
    why = refusal(plan, "snap-gov")
    assert "locked in governance mode until 2026-12-01 12:00 UTC" in why
    assert "ec2:UnlockSnapshot" in why
    assert [s.resource_ids for s in plan.steps] == [("snap-free",)]


def test_a_compliance_lock_says_nobody_can_delete_it() -> None:
    inv = inventory(snapshot("snap-c", FINAL))
    lock(inv, "snap-c", "compliance", 400)
    why = refusal(delete(inv, "snap-c"), "snap-c")
    assert "compliance mode until 2027-12-06" in why and "the root user included" in why


def test_a_compliance_lock_in_its_cooling_off_says_until_when_it_can_be_unlocked() -> None:
    inv = inventory(snapshot("snap-c", FINAL))
    lock(inv, "snap-c", "compliance-cooloff", 30, cool_off_expires_on=NOW + timedelta(hours=20))
    why = refusal(delete(inv, "snap-c"), "snap-c")
    assert "cooling-off period (until 2026-11-02 08:00 UTC)" in why


def test_an_expired_lock_lets_the_delete_through_and_aws_word_beats_the_clock() -> None:
    inv = inventory(snapshot("snap-old", FINAL), snapshot("snap-stale", FINAL))
    expired = SnapshotLock("snap-old", EAST, "expired", expires_on=NOW - timedelta(days=1))
    # AWS said governance when it was read; by this clock it has expired since.
    stale = SnapshotLock("snap-stale", EAST, "governance", expires_on=NOW - timedelta(hours=1))
    inv.evidence.update(EAST, locks={"snap-old": expired, "snap-stale": stale})
    plan = delete(inv, "snap-old", "snap-stale")
    assert [s.resource_ids for s in plan.steps] == [("snap-old",)]
    assert "it may have expired since: reload to check" in refusal(plan, "snap-stale")


def test_unread_locks_refuse_with_the_reason_and_the_permission() -> None:
    inv = inventory(snapshot("snap-1", FINAL))
    problem = EvidenceProblem(Source.LOCKS, EAST, "DescribeLockedSnapshots was denied", True)
    inv.evidence.update(EAST, locks=None, problems=(problem,))
    why = refusal(delete(inv, "snap-1"), "snap-1")
    assert "is unknown (DescribeLockedSnapshots was denied)" in why
    assert "ec2:DescribeLockedSnapshots" in why


# Fast snapshot restore -----------------------------------------------------------------------


def test_fast_snapshot_restore_refuses_the_delete_with_its_zones_and_hourly_cost() -> None:
    inv = inventory(snapshot("snap-fsr", FINAL))
    zones = (
        FastRestore("snap-fsr", "us-east-1a", "enabled"),
        FastRestore("snap-fsr", "us-east-1b", "optimizing"),
        FastRestore("snap-fsr", "us-east-1c", "disabled"),
    )
    inv.evidence.update(EAST, fast_restores={"snap-fsr": zones})
    why = refusal(delete(inv, "snap-fsr"), "snap-fsr")
    assert "fast snapshot restore on in us-east-1a, us-east-1b" in why
    assert "us-east-1c" not in why  # disabled there: not billed, not in the way
    assert "about $1.50 an hour" in why and "disable fast snapshot restore first" in why


# The archive tier ----------------------------------------------------------------------------


def test_archive_minimum_left_counts_whole_days_and_never_below_zero() -> None:
    assert archive_minimum_left(ago(30), NOW) == 60
    assert archive_minimum_left(ago(89.5), NOW) == 1
    assert archive_minimum_left(ago(200), NOW) == 0
    assert archive_minimum_left(None, NOW) == 0


def test_an_early_archive_delete_names_the_days_left_and_the_charge() -> None:
    inv = inventory(
        snapshot("snap-arch", FINAL, storage_tier="archive", volume_size_gib=200),
        snapshot("snap-long", FINAL, storage_tier="archive"),
    )
    inv.evidence.update(EAST, archived_at={"snap-arch": ago(30), "snap-long": ago(300)})
    plan = delete(inv, "snap-arch", "snap-long")
    (notice,) = [w for w in plan.warnings if "90-day minimum" in w.message]
    # 200 GiB x $0.0125 per GB-month x 60 of 30 days.
    assert notice.message == (
        "snapshot snap-arch was archived on 2026-10-02: deleting it now is still billed for "
        "the 60 day(s) left of the archive tier's 90-day minimum, about $5.00 once"
    )
    assert notice.resource_ids == ("snap-arch",)


def test_an_archived_snapshot_of_unknown_archive_time_warns_with_the_most_it_can_cost() -> None:
    inv = inventory(snapshot("snap-arch", FINAL, storage_tier="archive"))
    inv.evidence.update(EAST, archived_at=None)
    (notice,) = [w for w in delete(inv, "snap-arch").warnings if "90 days" in w.message]
    assert "is unknown" in notice.message and "at most about $3.75" in notice.message


# Deregistration protection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "refused", "words"),
    [
        (None, False, ""),
        ("disabled", False, ""),
        ("enabled", True, "deregistration protection is on"),
        ("enabled-without-cooldown", True, "deregistration protection is on"),
        ("enabled-with-cooldown", True, "stays protected for 24 more hours"),
        ("disabled-until-2026-11-02T10:00:00.000Z", True, "cooldown lasts until 2026-11-02 10:00"),
        ("disabled-until-2026-10-30T10:00:00.000Z", False, ""),
        ("something-new", True, "'something-new'"),
    ],
)
def test_protection_values_refuse_on_the_safe_side(
    value: str | None, refused: bool, words: str
) -> None:
    verdict, why = protection_until(value, NOW)
    assert verdict is refused and words in why


def test_a_protected_image_is_refused_and_its_snapshots_stay() -> None:
    inv = inventory(
        snapshot("snap-p", "Created by CreateImage(i-0abc) for ami-prot from vol-1"),
        image("ami-prot", "snap-p", deregistration_protection="enabled-with-cooldown"),
    )
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-prot",), True), context(inv))
    assert not plan.steps
    assert "24 more hours" in refusal(plan, "ami-prot")


def test_the_snapshots_of_a_deregistered_image_that_are_locked_or_fast_stay() -> None:
    inv = inventory(
        snapshot("snap-a", "Created by CreateImage(i-0abc) for ami-x from vol-1"),
        snapshot("snap-b", "Created by CreateImage(i-0abc) for ami-x from vol-2"),
        snapshot("snap-c", "Created by CreateImage(i-0abc) for ami-x from vol-3"),
        image("ami-x", "snap-a", "snap-b", "snap-c"),
    )
    lock(inv, "snap-a", "compliance", 10)
    restore = FastRestore("snap-b", "us-east-1a", "enabled")
    inv.evidence.update(EAST, fast_restores={"snap-b": (restore,)})
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-x",), True), context(inv))
    deleted = [s.resource_ids for s in plan.steps if s.action == "DeleteSnapshot"]
    assert deleted == [("snap-c",)]
    skipped = {r.resource_ids[0]: r for r in plan.skipped}
    assert set(skipped) == {"snap-a", "snap-b"}
    assert all(r.outcome is Outcome.SKIPPED for r in skipped.values())
    assert "compliance mode" in skipped["snap-a"].message
    assert "fast snapshot restore" in skipped["snap-b"].message


# The Recycle Bin ----------------------------------------------------------------------------


REGION_RULE = RetentionRule(
    "rule-region", EAST, EBS_SNAPSHOT, 14, exclude_tags=(("rbin-exclude", "true"),)
)
TAG_RULE = RetentionRule("rule-tag", EAST, EBS_SNAPSHOT, 30, resource_tags=(("keep", "yes"),))
IMAGE_RULE = RetentionRule("rule-ami", EAST, EC2_IMAGE, 7, resource_tags=(("RecycleBin", "keep"),))


def test_rules_match_as_aws_documents_and_the_longest_retention_wins() -> None:
    plain = snapshot("snap-1")
    excluded = snapshot("snap-2", tags=(("rbin-exclude", "true"),))
    tagged = snapshot("snap-3", tags=(("keep", "yes"),))
    elsewhere = snapshot("snap-4", region=WEST)
    rules = (REGION_RULE, TAG_RULE, IMAGE_RULE)
    assert rule_for(plain, rules) is REGION_RULE
    assert rule_for(excluded, rules) is None
    assert rule_for(tagged, rules) is TAG_RULE  # 30 days beats 14
    assert rule_for(elsewhere, rules) is None  # rules are regional
    assert rule_for(image("ami-1", tags=(("RecycleBin", "keep"),)), rules) is IMAGE_RULE
    assert rule_for(image("ami-2"), rules) is None


def test_a_delete_a_rule_catches_says_when_the_saving_starts() -> None:
    inv = inventory(
        snapshot("snap-bin", FINAL),
        snapshot("snap-gone", FINAL, tags=(("rbin-exclude", "true"),)),
    )
    inv.evidence.update(EAST, bin_rules=(REGION_RULE,))
    plan = delete(inv, "snap-bin", "snap-gone")
    (notice,) = [w for w in plan.warnings if "Recycle Bin" in w.message]
    assert notice.message == (
        "1 snapshot(s) deleted go to the Recycle Bin for 14 days (rule rule-region in "
        "us-east-1) instead of going at once: billed there until 2026-11-15, so the saving "
        "starts on 2026-11-15"
    )
    assert notice.resource_ids == ("snap-bin",)
    estimate = plan.estimate
    assert estimate is not None
    assert (estimate.monthly_usd, estimate.deferred_usd) == (10.0, 5.0)
    assert estimate.describe().endswith(
        "saves at most $10.00/month (an upper bound: 2 snapshot(s) priced by their volume size)"
        "; $5.00 of it from 2026-11-15, when the Recycle Bin lets go"
    )


def test_unread_rules_say_the_saving_may_start_later() -> None:
    inv = inventory(snapshot("snap-1", FINAL))
    problem = EvidenceProblem(Source.RECYCLE_BIN, EAST, "rbin:ListRules was denied", True)
    inv.evidence.update(EAST, bin_rules=None, problems=(problem,))
    plan = delete(inv, "snap-1")
    assert [s.resource_ids for s in plan.steps] == [("snap-1",)]  # not a refusal
    (notice,) = [w for w in plan.warnings if "Recycle Bin" in w.message]
    assert "unknown in us-east-1 (rbin:ListRules was denied)" in notice.message


def test_a_deregistered_image_a_rule_catches_is_restorable_until_when() -> None:
    inv = inventory(image("ami-k", tags=(("RecycleBin", "keep"),)))
    inv.evidence.update(EAST, bin_rules=(IMAGE_RULE,))
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-k",), False), context(inv))
    (notice,) = [w for w in plan.warnings if "Recycle Bin" in w.message]
    assert "for 7 days (rule rule-ami in us-east-1)" in notice.message
    assert "restorable until 2026-11-08" in notice.message


# The audit ---------------------------------------------------------------------------------


def test_a_locked_leftover_is_not_reported_and_the_notes_say_why() -> None:
    inv = inventory(snapshot("snap-locked", FINAL), snapshot("snap-free", FINAL))
    lock(inv, "snap-locked", "governance", 30)
    assert set(found(inv, ORPHANED)) == {"snap-free"}
    notes = " ".join(report(inv).notes)
    assert "1 locked snapshot(s) are not reported as leftovers" in notes


def test_snapshots_of_a_region_whose_locks_are_unknown_are_not_leftovers() -> None:
    inv = inventory(snapshot("snap-1", "Created by CreateImage(i-0abc) for ami-0dead from vol-1"))
    assert set(found(inv, ORPHANED)) == {"snap-1"}
    problem = EvidenceProblem(Source.LOCKS, EAST, "DescribeLockedSnapshots was denied", True)
    inv.evidence.update(EAST, locks=None, problems=(problem,))
    assert not found(inv, ORPHANED)
    notes = " ".join(report(inv).notes)
    assert "snapshot locks could not be read" in notes
    assert "DescribeLockedSnapshots was denied" in notes


def test_a_protected_unused_image_is_not_a_leftover() -> None:
    inv = inventory(image("ami-kept", deregistration_protection="enabled"), image("ami-free"))
    assert set(found(inv, UNUSED)) == {"ami-free"}
    assert "1 image(s) with deregistration protection" in " ".join(report(inv).notes)


def test_the_audit_says_what_cleaning_a_leftover_up_meets() -> None:
    inv = inventory(
        snapshot("snap-bin", FINAL),
        snapshot("snap-fsr", FINAL, tags=(("rbin-exclude", "true"),)),
        snapshot("snap-arch", FINAL, storage_tier="archive", tags=(("rbin-exclude", "true"),)),
    )
    restore = FastRestore("snap-fsr", "us-east-1a", "enabled")
    inv.evidence.update(
        EAST,
        bin_rules=(REGION_RULE,),
        fast_restores={"snap-fsr": (restore,)},
        archived_at={"snap-arch": ago(10)},
    )
    findings = found(inv, ORPHANED)
    assert findings["snap-bin"].details["recycle_bin_days"] == 14
    assert findings["snap-fsr"].details["fast_snapshot_restore_zones"] == ("us-east-1a",)
    assert findings["snap-arch"].details["archive_minimum_days_left"] == 80
    assert "recycle_bin_rule" not in findings["snap-fsr"].details
    notes = report(inv).notes
    assert (
        "1 leftover snapshot(s) in us-east-1 (~$5.00/month) go to the Recycle Bin for 14 days "
        "when deleted (rule rule-region), billed meanwhile: that saving starts 14 days after "
        "the cleanup"
    ) in notes
    assert any("fast snapshot restore on in 1 zone(s) (~$0.75/hour)" in n for n in notes)
    assert any("1 leftover snapshot(s) were archived less than 90 days ago" in n for n in notes)


def test_the_snapshots_of_an_image_in_the_recycle_bin_stay_and_say_until_when() -> None:
    made = "Created by CreateImage(i-0abc) for ami-0b1 from vol-1"
    inv = inventory(
        snapshot("snap-of-binned", made),
        snapshot("snap-orphan", made.replace("ami-0b1", "ami-0dead")),
    )
    binned = BinnedItem("ami-0b1", EAST, "image", ago(2), NOW + timedelta(days=5), "etl")
    inv.evidence.update(EAST, recycle_bin={"ami-0b1": binned})
    assert set(found(inv, ORPHANED)) == {"snap-orphan"}
    assert any("1 snapshot(s) of images in the Recycle Bin" in n for n in report(inv).notes)
    plan = delete(inv, "snap-of-binned", "snap-orphan")
    assert [s.resource_ids for s in plan.steps] == [("snap-orphan",)]
    assert "which is in the Recycle Bin until 2026-11-06" in refusal(plan, "snap-of-binned")


def test_an_unread_bin_holds_back_the_snapshots_of_deregistered_images() -> None:
    made = "Created by CreateImage(i-0abc) for ami-0dead from vol-1"
    inv = inventory(snapshot("snap-1", made))
    problem = EvidenceProblem(Source.BIN_CONTENTS, EAST, "ListImagesInRecycleBin was denied", True)
    inv.evidence.update(EAST, recycle_bin=None, problems=(problem,))
    assert not found(inv, ORPHANED)
    assert "the Recycle Bin could not be read" in " ".join(report(inv).notes)
    assert "ec2:ListImagesInRecycleBin" in refusal(delete(inv, "snap-1"), "snap-1")
