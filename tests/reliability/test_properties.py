"""Property: whatever is marked, filtered, refreshed and deleted, nothing in use is deleted.

Hypothesis draws sequences of what a person does (mark rows, filter and mark every row shown,
refresh, delete with the right or a wrong confirmation) mixed with what other people do to the
account meanwhile (attach a volume, register an image naming a snapshot), and runs them through
the real ActionRunner against the moto server. After every deletion, AWS itself (moto, read
in-process) is the witness:

- no snapshot a still-registered image names and no attached volume has gone;
- nothing AWS Backup or a live DLM policy manages has gone (their managers decide);
- no locked or fast-restore snapshot and no protected image has gone, nor was its removal
  ever sent, even when the lock came after the load (someone else locks snapshots too);
- while the inventory is current, no such deletion was even sent, and no image an SSM
  parameter holds (directly or through a `resolve:ssm:` launch template) was deregistered
  (AWS would not stop that: the parameter would then name a deregistered image);
- each item's result is exact: done exactly when the resource is gone;
- a wrong confirmation sends nothing at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import (
    ActionRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
)
from amiexplorer.demo import (
    DemoServer,
    deregistration,
    fast_restores,
    freeze_clock,
    imaging,
    managed_truth,
    seed_world,
    snapshot_locks,
)
from amiexplorer.demo.backends import ec2_backend, ssm_backend
from amiexplorer.demo.timefmt import world_now
from amiexplorer.ui.rows.columns import RowContext
from amiexplorer.ui.rows.model import RowModel
from tests.conftest import FIXED_NOW, demo_settings
from tests.reliability.conftest import record_figures

REGION = "us-east-1"
KINDS = (ResourceKind.VOLUME, ResourceKind.SNAPSHOT, ResourceKind.IMAGE)
#: Filters a person might type: words of the demo world's names, tags and ids.
FILTERS = (
    "",
    "prod",
    "web",
    "backup",
    "golden",
    "created",
    "copied",
    "staging",
    "0",
    "a f",
    "dlm",
    "awsbackup",
    "policy",
    "bastion",
    "final",  # the decommissioned volumes' last snapshots: two of them are locked
    "warm start",  # the fast-restore snapshot
    "reporting",  # the protected image
)

mark = st.tuples(st.just("mark"), st.sampled_from(KINDS), st.lists(st.integers(0, 500), max_size=5))
mark_shown = st.tuples(st.just("filter"), st.sampled_from(KINDS), st.sampled_from(FILTERS))
elsewhere = st.tuples(
    st.sampled_from(["attach", "register", "repoint", "lock"]), st.integers(0, 500)
)
refresh = st.tuples(st.just("refresh"))


@st.composite
def rounds(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Select (mark or filter), maybe other things meanwhile, then delete what is marked."""
    selection = draw(st.one_of(mark, mark_shown))
    meanwhile = draw(st.lists(st.one_of(mark, elsewhere, elsewhere, refresh), max_size=3))
    return [selection, *meanwhile, ("delete", selection[1], draw(st.booleans()))]


steps = st.lists(rounds(), min_size=1, max_size=4).map(lambda rs: [s for r in rs for s in r])


@dataclass
class Truth:
    """What AWS holds in the region, read from moto."""

    volumes: set[str]
    attached: set[str]
    snapshots: set[str]
    images: set[str]
    #: snapshot -> the registered images naming it
    users: dict[str, set[str]] = field(default_factory=dict)
    #: what AWS Backup or a live DLM policy manages (snapshots and images)
    managed: set[str] = field(default_factory=set)
    #: images SSM parameters hold (current values, versions launch templates pin)
    referenced: set[str] = field(default_factory=set)
    #: what AWS keeps: locked or fast-restore snapshots, protected images (issue 14)
    kept: set[str] = field(default_factory=set)

    @classmethod
    def read(cls) -> Truth:
        ec2 = ec2_backend(REGION)
        users: dict[str, set[str]] = {}
        for image_id, ami in ec2.amis.items():
            for snapshot_id in imaging.snapshot_ids(ami):
                users.setdefault(snapshot_id, set()).add(image_id)
        services = managed_truth.read((REGION,))
        backup_images = services.backup_images
        managed = services.dlm_managed_snapshots | services.dlm_managed_images
        managed |= services.backup_snapshots | services.backup_tagged_snapshots | backup_images
        managed |= {
            s for i in backup_images & set(ec2.amis) for s in imaging.snapshot_ids(ec2.amis[i])
        }
        kept = {
            s.id
            for s in ec2.snapshots.values()
            if ((lock := snapshot_locks.lock_of(s)) is not None and lock.prevents_deletion())
            or any(e.state != "disabled" for e in fast_restores.restores_of(s).values())
        }
        kept |= {i.id for i in ec2.amis.values() if deregistration.protection_of(i) is not None}
        return cls(
            volumes=set(ec2.volumes),
            attached={v.id for v in ec2.volumes.values() if v.attachment is not None},
            snapshots=set(ec2.snapshots),
            images=set(ec2.amis),
            users=users,
            managed=managed,
            referenced=set(services.ssm_image_parameters),
            kept=kept,
        )


def pick(ids: list[str], index: int) -> str | None:
    return ids[index % len(ids)] if ids else None


def act_elsewhere(what: str, index: int) -> bool:
    """Someone else changes the account; True when something changed."""
    ec2 = ec2_backend(REGION)
    if what == "attach":
        free = sorted(v.id for v in ec2.volumes.values() if v.attachment is None)
        running = sorted(
            i.id for r in ec2.reservations.values() for i in r.instances if i.state == "running"
        )
        volume, instance = pick(free, index), pick(running, index)
        if volume is None or instance is None:
            return False
        zone = ec2.get_instance(instance).placement
        ec2.volumes[volume].zone = ec2.get_zone_by_name(zone)
        ec2.attach_volume(volume, instance, f"/dev/sd{'fghijklmnop'[index % 11]}")
        return True
    if what == "lock":
        # Someone locks a snapshot after the load (governance mode, a week).
        snapshot_id = pick(sorted(ec2.snapshots), index)
        if snapshot_id is None:
            return False
        moment = world_now()
        lock = snapshot_locks.SnapshotLock(
            snapshot_locks.GOVERNANCE, moment, moment, moment + timedelta(days=7), 7
        )
        snapshot_locks.set_lock(ec2.snapshots[snapshot_id], lock)
        return True
    if what == "repoint":
        # A pipeline publishes another image as the golden one.
        image_id = pick(sorted(ec2.amis), index)
        if image_id is None:
            return False
        ssm_backend(REGION).put_parameter(
            "/golden/web", "", image_id, "String", None, None, True, [], "aws:ec2:image", None, None
        )
        return True
    image_id, snapshot_id = pick(sorted(ec2.amis), index), pick(sorted(ec2.snapshots), index // 3)
    if image_id is None or snapshot_id is None:
        return False
    ami = ec2.amis[image_id]
    extra = {"DeviceName": "/dev/sdz", "Ebs": {"SnapshotId": snapshot_id, "VolumeSize": 8}}
    imaging.set_block_device_mappings(ami, [*imaging.block_device_mappings(ami), extra])
    return True


def request_for(kind: ResourceKind, ids: tuple[str, ...]) -> ActionRequest:
    if kind is ResourceKind.VOLUME:
        return DeleteVolumesRequest(ids)
    if kind is ResourceKind.SNAPSHOT:
        return DeleteSnapshotsRequest(ids)
    return DeregisterImagesRequest(ids, delete_snapshots=True)


async def check_delete(
    runner: ActionRunner,
    server: DemoServer,
    kind: ResourceKind,
    marked: tuple[str, ...],
    confirm: bool,
    current: bool,
) -> Counter[str]:
    """Delete the marked resources; check every property. Counts what happened to items."""
    before = Truth.read()
    plan = runner.plan(request_for(kind, marked))
    needs = plan.needs
    if confirm:
        confirmation = Confirmation(count=needs.count, image_ids=needs.image_ids)
    else:
        # Wrong in the way a person gets it wrong: a count off by one, no ids typed.
        confirmation = Confirmation(count=(needs.count or 1) + 1)
    server.clear_requests()
    report = await runner.execute(plan, confirmation)
    after = Truth.read()
    sent = [r for r in server.requests if not r.dry_run]
    if not confirm and (needs.count is not None or needs.image_ids):
        assert [r for r in sent if r.action.startswith(("Delete", "Deregister"))] == []
        assert after.snapshots == before.snapshots and after.volumes == before.volumes
        assert after.images == before.images
        return Counter(unconfirmed=1)

    # Nothing in use has gone: AWS's last word.
    assert before.attached <= after.volumes
    still_used = {s for s, images in before.users.items() if images & after.images}
    assert still_used & before.snapshots <= after.snapshots
    # Nothing AWS Backup or a live DLM policy manages has gone (marked from a stale
    # inventory or not: what manages them never changes here).
    assert before.managed and before.managed & (before.snapshots | before.images) <= (
        after.snapshots | after.images
    )
    asked_images = {r.params.get("ImageId") for r in sent if r.action == "DeregisterImage"}
    asked_snapshots = {r.params.get("SnapshotId") for r in sent if r.action == "DeleteSnapshot"}
    assert not (asked_images | asked_snapshots) & before.managed
    # What AWS keeps was never asked for (the locks are read again before any delete), and
    # is all still there.
    assert before.kept and not (asked_images | asked_snapshots) & before.kept
    assert before.kept & (before.snapshots | before.images) <= after.snapshots | after.images
    # With a current inventory, nothing in use was even asked for, and no image a parameter
    # holds was deregistered.
    if current:
        asked = {r.params.get("VolumeId") for r in sent if r.action == "DeleteVolume"}
        assert not asked & before.attached
        assert not asked_snapshots & still_used
        assert before.referenced and not asked_images & before.referenced
        assert before.referenced <= after.images
    # Exact results: done exactly when AWS no longer has it.
    gone = (before.snapshots - after.snapshots) | (before.volumes - after.volumes)
    gone |= before.images - after.images
    done = {i for r in report.results if r.outcome is Outcome.DONE for i in r.resource_ids}
    assert done == gone, report.results
    counts = Counter(r.outcome.value for r in report.results)
    counts["refused_in_use"] = sum(1 for r in report.results if r.blocking_ids)
    counts["refused_managed_or_referenced"] = sum(
        1
        for r in report.results
        if r.outcome is Outcome.REFUSED
        and any(word in r.message for word in ("AWS Backup", "DLM policy", "SSM parameter"))
    )
    counts["aws_refused_in_use"] = sum(1 for r in report.results if "InUse" in (r.code or ""))
    counts["refused_locked_fast_or_protected"] = sum(
        1
        for r in report.results
        if r.outcome is Outcome.REFUSED
        and any(w in r.message for w in ("locked in", "fast snapshot restore", "protection"))
    )
    return counts


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same sequences on every run: CI never meets a new one by chance
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
async def test_no_sequence_deletes_what_is_in_use(
    demo_server: DemoServer, tmp_path_factory: Any, steps: list[tuple[Any, ...]]
) -> None:
    demo_server.reset()
    seed_world(now=FIXED_NOW)
    freeze_clock()
    account = Account(await connect(AwsSession(demo_settings(demo_server, regions=(REGION,)))))
    log = ActionLog(tmp_path_factory.mktemp("log") / "actions.jsonl")
    try:
        async for _event in account.load():
            pass
        await account.read_evidence()
        marked: dict[ResourceKind, set[str]] = {kind: set() for kind in KINDS}
        current, counts = True, Counter[str]()
        for step in steps:
            table = account.inventory.table
            if step[0] == "mark":
                ids = sorted(table(step[1]))
                marked[step[1]] ^= {i for i in (pick(ids, n) for n in step[2]) if i}
            elif step[0] == "filter":
                model = RowModel(step[1])
                model.filter_text = step[2]
                ctx = RowContext(datetime.now(UTC), account.relations())
                model.rebuild(table(step[1]), ctx)
                marked[step[1]] = {row.id for row in model.rows}
            elif step[0] == "refresh":
                async for _event in account.load():
                    pass
                await account.read_evidence()
                current = True
            elif step[0] in ("attach", "register", "repoint", "lock"):
                current = current and not act_elsewhere(step[0], step[1])
            elif marked[step[1]]:
                runner = ActionRunner.for_account(account, log=log)
                ids = tuple(sorted(marked[step[1]]))
                counts += await check_delete(runner, demo_server, step[1], ids, step[2], current)
                marked[step[1]].clear()
        record_figures(
            property_sequences=1,
            property_steps=len(steps),
            **{f"property_{name}": n for name, n in counts.items()},
        )
    finally:
        await account.close()
