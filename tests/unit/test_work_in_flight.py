"""Issue 12, items 1, 2 and 10 on models built by hand: work in flight and just-made resources
are never leftovers nor removed, public ones are named in the confirmation, two findings of
one resource keep both remedies, and an image instances use is refused."""

from __future__ import annotations

from dataclasses import replace

from amiexplorer.config import parse_settings
from amiexplorer.core.audit.report import FindingCode, removed_by_cleanup
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.plans.delete import (
    plan_delete_snapshots,
    plan_delete_volumes,
    plan_deregister_images,
)
from amiexplorer.core.plans.plan import Plan, PlanContext
from amiexplorer.core.plans.requests import (
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices, Thresholds
from tests.unit.test_audit_rules import (
    ACCOUNT,
    EAST,
    WEST,
    ago,
    create_image_description,
    found,
    image,
    instance,
    inventory,
    report,
    snapshot,
    volume,
)

ORPHANED = FindingCode.ORPHANED_SNAPSHOT
UNUSED = FindingCode.UNUSED_IMAGE
UNATTACHED = FindingCode.UNATTACHED_VOLUME
HOUR = 1 / 24


def _leftovers() -> tuple[object, ...]:
    """One of each leftover code, 400 days old."""
    return (
        snapshot("snap-old", create_image_description("ami-gone")),
        image("ami-old"),
        volume("vol-old", "available"),
    )


def _codes(inv: Inventory, **kw: object) -> dict[FindingCode, set[str]]:
    audit = report(inv, **kw)
    return {
        code: {f.resource_id for f in audit.group(code)} for code in (ORPHANED, UNUSED, UNATTACHED)
    }


# Item 1: the audit ----------------------------------------------------------------------------


def test_pending_resources_are_never_leftovers() -> None:
    inv = inventory(
        *_leftovers(),
        # An 18-hour cross-region copy, still registering: its image and snapshot.
        image("ami-copy", "snap-copy", state="pending", creation_date=ago(400)),
        snapshot(
            "snap-copying", create_image_description("ami-gone"), state="pending", progress=73
        ),
        volume("vol-creating", "creating"),
    )
    audit = report(inv)
    assert _codes(inv) == {ORPHANED: {"snap-old"}, UNUSED: {"ami-old"}, UNATTACHED: {"vol-old"}}
    assert (
        "2 resource(s) still pending or being created are not reported as leftovers: the work "
        "that makes them is not over"
    ) in audit.notes


def test_what_an_operation_is_still_creating_is_never_a_leftover() -> None:
    # The watcher follows them (the Activity pane shows them): available already, or not.
    inv = inventory(*_leftovers())
    followed = ("snap-old", "ami-old", "vol-old")
    assert _codes(inv, in_flight=followed) == {ORPHANED: set(), UNUSED: set(), UNATTACHED: set()}
    assert any(
        "3 resource(s) still pending" in note for note in report(inv, in_flight=followed).notes
    )


def test_the_grace_period_hides_just_made_leftovers_and_is_configurable() -> None:
    young = (
        snapshot("snap-new", create_image_description("ami-gone"), start_time=ago(23 * HOUR)),
        image("ami-new", creation_date=ago(2 * HOUR)),
        volume("vol-new", "available", create_time=ago(HOUR)),
    )
    inv = inventory(*_leftovers(), *young)
    assert Thresholds().grace_hours == 24
    assert _codes(inv) == {ORPHANED: {"snap-old"}, UNUSED: {"ami-old"}, UNATTACHED: {"vol-old"}}
    assert (
        "3 resource(s) younger than the grace period (24 h, [thresholds] grace_hours) are not "
        "reported as leftovers"
    ) in report(inv).notes
    everything = _codes(inv, thresholds=Thresholds(grace_hours=0))
    assert everything[ORPHANED] == {"snap-old", "snap-new"}
    assert everything[UNUSED] == {"ami-old", "ami-new"}
    assert everything[UNATTACHED] == {"vol-old", "vol-new"}
    assert not report(inv, thresholds=Thresholds(grace_hours=0)).notes
    two_hours = _codes(inv, thresholds=Thresholds(grace_hours=2))
    # 2 h and older is reported: only the one-hour-old volume is still held back.
    assert two_hours[UNUSED] == {"ami-old", "ami-new"}
    assert two_hours[ORPHANED] == {"snap-old", "snap-new"} and two_hours[UNATTACHED] == {"vol-old"}
    # The config file sets it, bounded like the other thresholds.
    assert parse_settings({"thresholds": {"grace_hours": 0}}).thresholds.grace_hours == 0


def test_the_grace_period_never_hides_public_or_shared_findings() -> None:
    inv = inventory(
        image("ami-new", creation_date=ago(HOUR), is_public=True),
        snapshot("snap-new", start_time=ago(HOUR), is_public=True, volume=None),
    )
    assert set(found(inv, FindingCode.PUBLIC_IMAGE)) == {"ami-new"}
    assert set(found(inv, FindingCode.PUBLIC_SNAPSHOT)) == {"snap-new"}
    assert not found(inv, UNUSED)


# Item 1: the plans ---------------------------------------------------------------------------


def context(inv: Inventory, in_flight: tuple[str, ...] = ()) -> PlanContext:
    return PlanContext(
        inv, RelationGraph(inv), ACCOUNT, (EAST, WEST), Prices(), frozenset(in_flight)
    )


def refusals(plan: Plan) -> dict[str, str]:
    return {r.resource_ids[0]: r.message for r in plan.refused}


def test_plans_refuse_pending_resources_saying_why() -> None:
    inv = inventory(
        image("ami-copy", "snap-copy", state="pending"),
        snapshot("snap-copy", "Copied for DestinationAmi ami-copy from SourceAmi ami-src",
                 state="pending", progress=73),
        snapshot("snap-slow", state="pending", progress=40),
        volume("vol-creating", "creating"),
    )  # fmt: skip
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-copy",)), context(inv))
    assert not plan.steps
    assert refusals(plan)["ami-copy"] == (
        "image ami-copy is pending: AWS is still creating it, so it is work in flight, not a "
        "leftover; wait until it is done"
    )
    plan = plan_delete_snapshots(DeleteSnapshotsRequest(("snap-copy", "snap-slow")), context(inv))
    assert not plan.steps
    assert (
        "snapshot snap-slow is pending (40%): AWS is still creating it"
        in refusals(plan)["snap-slow"]
    )
    assert "(73%)" in refusals(plan)["snap-copy"]
    plan = plan_delete_volumes(DeleteVolumesRequest(("vol-creating",)), context(inv))
    assert (
        "volume vol-creating is creating: AWS is still creating it"
        in refusals(plan)["vol-creating"]
    )


def test_plans_refuse_what_the_activity_pane_still_follows() -> None:
    inv = inventory(
        image("ami-1", "snap-1"),
        snapshot("snap-1", create_image_description("ami-1")),
        snapshot("snap-2"),
        volume("vol-1", "available"),
    )
    followed = ("ami-1", "snap-2", "vol-1")
    ctx = context(inv, followed)
    for plan, resource_id in (
        (plan_deregister_images(DeregisterImagesRequest(("ami-1",)), ctx), "ami-1"),
        (plan_delete_snapshots(DeleteSnapshotsRequest(("snap-2",)), ctx), "snap-2"),
        (plan_delete_volumes(DeleteVolumesRequest(("vol-1",)), ctx), "vol-1"),
    ):
        assert not plan.steps
        assert (
            "is still being created (the Activity pane follows it)" in refusals(plan)[resource_id]
        )
    # Without the watcher's word, the same plans go ahead.
    assert plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv)).steps


def test_a_pending_snapshot_of_an_image_being_deregistered_is_kept() -> None:
    inv = inventory(
        image("ami-1", "snap-done", "snap-pending"),
        snapshot("snap-done", create_image_description("ami-1")),
        snapshot("snap-pending", create_image_description("ami-1"), state="pending", progress=73),
    )
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert [(s.action, s.resource_ids) for s in plan.steps] == [
        ("DeregisterImage", ("ami-1",)),
        ("DeleteSnapshot", ("snap-done",)),
    ]
    (kept,) = plan.skipped
    assert kept.resource_ids == ("snap-pending",) and "pending (73%)" in kept.message


def test_public_resources_are_named_in_a_notice_of_their_own() -> None:
    inv = inventory(
        image("ami-public", "snap-a", is_public=True),
        image("ami-private", "snap-b"),
        snapshot("snap-a", create_image_description("ami-public")),
        snapshot("snap-b", create_image_description("ami-private")),
        snapshot("snap-open", is_public=True),
        snapshot("snap-partner", shared_with=("333333333333",)),
    )
    plan = plan_deregister_images(
        DeregisterImagesRequest(("ami-public", "ami-private")), context(inv)
    )
    public = next(w for w in plan.warnings if w.message.startswith("public:"))
    assert public.resource_ids == ("ami-public",)
    assert public.message == (
        "public: every AWS account may launch ami-public; deregistering it ends that too, so it "
        "need not be made private"
    )
    plan = plan_delete_snapshots(
        DeleteSnapshotsRequest(("snap-open", "snap-partner")), context(inv)
    )
    messages = {w.message: w.resource_ids for w in plan.warnings}
    assert messages == {
        "public: every AWS account may create volumes from snap-open; deleting it ends that "
        "too, so it need not be made private": ("snap-open",),
        "shared with other accounts, which lose access": ("snap-partner",),
    }


# Item 2 ----------------------------------------------------------------------------------


def test_a_cleanup_that_removes_a_public_resource_supersedes_making_it_private() -> None:
    inv = inventory(
        image("ami-1", "snap-1", is_public=True),
        snapshot("snap-1", create_image_description("ami-1")),
        image("ami-used", is_public=True),
        instance("i-1", "ami-used"),
    )
    chosen = report(inv).findings
    assert {(f.code, f.resource_id) for f in chosen} == {
        (UNUSED, "ami-1"),
        (FindingCode.PUBLIC_IMAGE, "ami-1"),
        (FindingCode.PUBLIC_IMAGE, "ami-used"),
    }
    # Deregistering ami-1 ends its public launch permission; ami-used is only made private.
    assert removed_by_cleanup(chosen) == {"ami-1"}
    public = [f for f in chosen if f.code is FindingCode.PUBLIC_IMAGE]
    assert removed_by_cleanup(public) == set()


# Item 10 ---------------------------------------------------------------------------------


def test_an_image_that_an_instance_that_is_not_terminated_uses_is_refused() -> None:
    inv = inventory(
        image("ami-1", "snap-1"),
        snapshot("snap-1", create_image_description("ami-1")),
        instance("i-run", "ami-1"),
        instance("i-stop", "ami-1", state="stopped"),
        instance("i-gone", "ami-1", state="terminated"),
    )
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert not plan.steps and not plan.warnings and plan.needs.count is None
    (refused,) = plan.refused
    assert refused.blocking_ids == ("i-run", "i-stop")
    assert refused.message == (
        "image ami-1 is in use by instances i-run (running), i-stop (stopped): without it they "
        "cannot be replaced, scaled out or recovered; move them to another image (or terminate "
        "them) first"
    )
    # Only terminated instances ran it: it goes, with its snapshot.
    for iid in ("i-run", "i-stop"):
        inv.put(replace(inv.instances[iid], state="terminated"))
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert [s.action for s in plan.steps] == ["DeregisterImage", "DeleteSnapshot"]
