"""The planners' one per-id guard loop (issue 13): lookup, refusals in order, first guard wins."""

from __future__ import annotations

from amiexplorer.core.models import Snapshot
from amiexplorer.core.plans.guards import Blocked, guard_each, not_loaded
from amiexplorer.core.plans.plan import Outcome
from tests.unit.test_audit_rules import EAST, WEST, snapshot

TABLE = {
    s.id: s
    for s in (
        snapshot("snap-ok"),
        snapshot("snap-west", region=WEST),
        snapshot("snap-used"),
        snapshot("snap-foreign", owner_id="999999999999"),
    )
}


def _foreign(s: Snapshot) -> str:
    return f"snapshot {s.id} is foreign" if s.owner_id == "999999999999" else ""


def _used(s: Snapshot) -> str | Blocked:
    return Blocked(f"ami-1 uses {s.id}", ("ami-1",)) if s.id == "snap-used" else Blocked("")


def test_each_id_once_in_order_missing_ones_refused_in_no_region() -> None:
    ids = ("snap-ok", "snap-gone", "snap-west", "snap-ok", "snap-used", "snap-foreign")
    guarded = guard_each(
        ids, TABLE.get, (_foreign, _used), action="DeleteSnapshot", noun="snapshot"
    )
    assert [s.id for s in guarded.passed] == ["snap-ok", "snap-west"]
    assert guarded.first is TABLE["snap-ok"]
    assert [(r.resource_ids, r.region, r.message, r.blocking_ids) for r in guarded.refused] == [
        (("snap-gone",), "", not_loaded("snapshot", "snap-gone"), ()),
        (("snap-used",), EAST, "ami-1 uses snap-used", ("ami-1",)),
        (("snap-foreign",), EAST, "snapshot snap-foreign is foreign", ()),
    ]
    assert all(r.action == "DeleteSnapshot" for r in guarded.refused)
    assert all(r.outcome is Outcome.REFUSED for r in guarded.refused)


def test_the_missing_message_is_the_one_the_planners_always_gave() -> None:
    assert (
        not_loaded("volume", "vol-1")
        == "volume vol-1 is not in the loaded inventory: refresh and try again"
    )


def test_the_first_guard_that_says_why_wins_and_the_others_are_not_asked() -> None:
    asked: list[str] = []

    def second(s: Snapshot) -> str:
        asked.append(s.id)
        return "second"

    guarded = guard_each(
        ("snap-foreign", "snap-ok"), TABLE.get, (_foreign, second), action="A", noun="snapshot"
    )
    assert [r.message for r in guarded.refused] == ["snapshot snap-foreign is foreign", "second"]
    assert asked == ["snap-ok"]
    assert guarded.passed == () and guarded.first is None


def test_action_noun_and_region_may_depend_on_the_item() -> None:
    guarded = guard_each(
        ("snap-gone", "snap-foreign"),
        TABLE.get,
        (_foreign,),
        action=lambda resource_id: f"Act-{resource_id}",
        noun=lambda resource_id: "snapshot" if resource_id.startswith("snap-") else "image",
        region_of=lambda _s: "",
    )
    assert [(r.action, r.region, r.message) for r in guarded.refused] == [
        ("Act-snap-gone", "", not_loaded("snapshot", "snap-gone")),
        ("Act-snap-foreign", "", "snapshot snap-foreign is foreign"),
    ]
