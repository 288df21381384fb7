"""The audit of the demo world over HTTP: exactly what was planted, and nothing on bad evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from amiexplorer.aws.account import Account
from amiexplorer.aws.audit_run import AuditOptions, AuditProgress, AuditStage, run_audit
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.audit.report import AuditReport, FindingCode
from amiexplorer.demo import DemoServer, Planted
from tests.conftest import FIXED_NOW, demo_settings

#: The codes whose findings a cleanup deletes or deregisters.
DELETION_CODES = (
    FindingCode.ORPHANED_SNAPSHOT,
    FindingCode.UNUSED_IMAGE,
    FindingCode.ORPHANED_DLM_SNAPSHOT,
    FindingCode.ORPHANED_DLM_IMAGE,
    FindingCode.UNATTACHED_VOLUME,
)


def protected(world: Planted) -> frozenset[str]:
    """What another service manages or something references: never a deletion candidate."""
    backup_image_snapshots = {s for i in world.backup_images for s in world.image_snapshots[i]}
    return frozenset(
        world.dlm_managed_snapshots
        | world.dlm_managed_images
        | world.backup_snapshots
        | world.backup_images
        | backup_image_snapshots
        | world.ssm_image_parameters.keys()
        | world.resolve_ssm_templates.keys()
    )


def ids(report: AuditReport, code: FindingCode, region: str | None = None) -> set[str]:
    return {f.resource_id for f in report.group(code) if region in (None, f.region)}


def expected(world: Planted) -> Mapping[FindingCode, frozenset[str]]:
    """What the demo world planted, per finding code."""
    return {
        # A locked snapshot is AWS's to keep until its lock expires.
        FindingCode.ORPHANED_SNAPSHOT: (
            world.orphan_snapshots_deregistered_image | world.orphan_snapshots_deleted_volume
        )
        - world.locked_snapshots,
        # A pending image (a cross-region copy still registering) is work in flight; a
        # protected one is kept on purpose.
        FindingCode.UNUSED_IMAGE: world.unused_images
        - world.pending_images
        - world.protected_images,
        FindingCode.ORPHANED_DLM_SNAPSHOT: world.dlm_policy_gone_snapshots,
        FindingCode.ORPHANED_DLM_IMAGE: world.dlm_policy_gone_images,
        FindingCode.UNATTACHED_VOLUME: world.unattached_volumes,
        FindingCode.PUBLIC_IMAGE: world.public_images,
        FindingCode.PUBLIC_SNAPSHOT: world.public_snapshots,
        FindingCode.SHARED_IMAGE: frozenset(world.shared_images),
        FindingCode.SHARED_SNAPSHOT: frozenset(world.shared_snapshots),
    }


async def test_the_audit_finds_exactly_what_was_planted(
    account: Account, world: Planted, demo_server: DemoServer
) -> None:
    seen: list[AuditProgress] = []
    report = await run_audit(account, AuditOptions(sharing_limit=None), seen.append, now=FIXED_NOW)

    assert not report.errors and not report.withheld_regions
    # What is still being created is no leftover (the pending copy's image); neither is what
    # AWS keeps (locked, protected, of an image in the Recycle Bin); and what cleaning up
    # meets is said (the Recycle Bin rule, fast snapshot restore, the archive's minimum).
    binned_rule = sorted(world.recycle_bin_rules["us-east-1"])
    bin_note = next(n for n in report.notes if "go to the Recycle Bin for 14 days" in n)
    assert any(rule in bin_note for rule in binned_rule)
    binned_snapshots = {
        s.id
        for s in account.inventory.snapshots.values()
        if any(i in s.description for i in world.recycle_bin_images)
    }
    assert binned_snapshots
    # Last, what block public access would do to the public shares (tests/data/
    # test_block_public_access.py has their words).
    bpa = ("us-east-1: snapshot block public access is", "us-east-1: image block public access is")
    assert [n.startswith(bpa) for n in report.notes[-2:]] == [True, True]
    assert report.notes[:-2] == (
        f"{len(world.pending_images)} resource(s) still pending or being created are not "
        "reported as leftovers: the work that makes them is not over",
        f"{len(world.locked_snapshots)} locked snapshot(s) are not reported as leftovers: AWS "
        "refuses to delete them until their locks expire (or, in governance mode, are "
        "unlocked)",
        f"{len(binned_snapshots)} snapshot(s) of images in the Recycle Bin are not "
        "reported as leftovers: restoring the image brings them back, and AWS keeps them until "
        "it leaves the bin",
        f"{len(world.protected_images)} image(s) with deregistration protection are not "
        "reported as leftovers: someone keeps them on purpose (turn protection off first)",
        bin_note,
        f"{len(world.fsr_snapshots)} leftover snapshot(s) have fast snapshot restore on in 2 "
        "zone(s) (~$1.50/hour): the cleanup refuses them until it is disabled",
        f"{len(world.recently_archived_snapshots)} leftover snapshot(s) were archived less "
        "than 90 days ago: deleted now, they are billed for the rest of the archive's 90-day "
        "minimum",
    )
    for code, planted in expected(world).items():
        assert planted, f"the demo world plants {code}"
        found = ids(report, code)
        precision = len(found & planted) / len(found) if found else 0.0
        recall = len(found & planted) / len(planted)
        assert (precision, recall) == (1.0, 1.0), (code, found ^ planted)
    # Not one managed or referenced resource among the deletion candidates.
    candidates = {i for code in DELETION_CODES for i in ids(report, code)}
    assert protected(world) and not candidates & protected(world)
    # What is managed is counted apart, with what manages it.
    managed: Counter[tuple[str, str]] = Counter()
    for group in report.managed:
        managed[group.manager, group.kind.value] += group.count
    assert managed == {
        ("backup", "image"): len(world.backup_images),
        ("backup", "snapshot"): len(world.backup_snapshots),
        ("dlm", "image"): len(world.dlm_managed_images),
        ("dlm", "snapshot"): len(world.dlm_managed_snapshots),
    }
    assert all(g.note is None for g in report.managed)
    reasons = {f.resource_id: f.reason for f in report.group(FindingCode.ORPHANED_DLM_SNAPSHOT)}
    for snapshot_id, reason in reasons.items():
        policy = account.inventory.snapshots[snapshot_id].tags
        policy_id = dict(policy)["aws:dlm:lifecycle-policy-id"]
        state = world.dlm_policies.get(policy_id)
        assert reason == (
            f"its DLM policy {policy_id} no longer exists"
            if state is None
            else f"its DLM policy {policy_id} is disabled: nothing deletes it any more"
        )
    # The reasons match the way each orphan was made.
    by_image = {
        f.resource_id
        for f in report.group(FindingCode.ORPHANED_SNAPSHOT)
        if f.reason.startswith("source image deregistered")
    }
    assert by_image == world.orphan_snapshots_deregistered_image
    assert world.snapshot_volume_exists_image_deregistered <= by_image
    # The traps: none of these is reported.
    orphans, unused = (
        ids(report, FindingCode.ORPHANED_SNAPSHOT),
        ids(report, FindingCode.UNUSED_IMAGE),
    )
    assert not orphans & (world.copy_snapshots | set(world.multi_image_snapshots))
    assert world.copy_snapshots and world.multi_image_snapshots
    for used in (
        world.launch_template_only_images,
        world.launch_configuration_only_images,
        world.stopped_instance_images,
    ):
        assert used and not used & unused
    assert world.terminated_instance_only_images <= unused
    shared = {
        f.resource_id: set(f.details["shared_with"])
        for f in report.findings
        if f.code in (FindingCode.SHARED_IMAGE, FindingCode.SHARED_SNAPSHOT)
    }
    assert shared == {**world.shared_images, **world.shared_snapshots}
    assert report.totals.count == len(report.findings)
    assert report.totals.monthly_cost_usd > 0

    # Public snapshots came from one bulk listing per region; sharing from one call each.
    requests = demo_server.requests
    bulk = [r for r in requests if r.action == "DescribeSnapshots" and "RestorableBy.1" in r.params]
    assert {r.region for r in bulk} == {r for r in world.regions if world.snapshots.get(r)}
    attribute_calls = [r for r in requests if r.action == "DescribeSnapshotAttribute"]
    assert len(attribute_calls) == sum(len(s) for s in world.snapshots.values())
    stages = [p.stage for p in seen]
    assert stages[0] is AuditStage.LOADING and stages[-1] is AuditStage.DONE
    sharing = [p for p in seen if p.stage is AuditStage.SHARING]
    assert sharing[-1].done == sharing[-1].total > 0


async def test_incomplete_evidence_is_never_reported(
    world: Planted, demo_server: DemoServer
) -> None:
    # Without launch templates, us-east-1 cannot tell which images are used.
    demo_server.deny("DescribeLaunchTemplateVersions", "us-east-1")
    account = Account(await connect(AwsSession(demo_settings(demo_server))))
    try:
        report = await run_audit(account, AuditOptions(sharing_limit=1), now=FIXED_NOW)
    finally:
        await account.close()

    east = "us-east-1"
    assert [e.region for e in report.errors] == [east]
    assert "DescribeLaunchTemplateVersions" in report.errors[0].error
    assert report.withheld_regions == (east,)
    assert not ids(report, FindingCode.UNUSED_IMAGE, east)
    assert not ids(report, FindingCode.ORPHANED_SNAPSHOT, east)
    assert not ids(report, FindingCode.UNUSED_IMAGE) & world.launch_template_only_images
    planted = expected(world)
    for code in (FindingCode.ORPHANED_SNAPSHOT, FindingCode.UNUSED_IMAGE):
        others = {i for i in planted[code] if world.region_of[i] != east}
        assert ids(report, code) == others, code
    # What rests on the resource's own record is still reported, public findings in full.
    for code in (
        FindingCode.UNATTACHED_VOLUME,
        FindingCode.PUBLIC_IMAGE,
        FindingCode.PUBLIC_SNAPSHOT,
    ):
        assert ids(report, code) == planted[code], code
    # Over the sharing limit: no per-resource call, no shared findings, and the notes say so.
    assert not report.group(FindingCode.SHARED_IMAGE) and not report.group(
        FindingCode.SHARED_SNAPSHOT
    )
    assert not [r for r in demo_server.requests if r.action.endswith("Attribute")]
    notes = " ".join(report.notes)
    assert "shared-snapshot findings may be missing" in notes
    assert "more than the limit of 1" in notes
    assert f"{east} did not load completely" in notes


async def test_a_listing_that_contradicts_a_read_of_the_snapshot_does_not_win(
    account: Account, world: Planted, demo_server: DemoServer
) -> None:
    from amiexplorer.demo.backends import ec2_backend

    async for _event in account.load():
        pass
    public = next(iter(world.public_snapshots))
    private = next(
        s
        for s in sorted(world.snapshots[world.region_of[public]])
        if s not in world.public_snapshots and s not in world.shared_snapshots
    )
    for snapshot_id in (public, private):
        await account.load_attributes(account.inventory.snapshots[snapshot_id])
    assert account.inventory.snapshots[public].is_public is True
    assert account.inventory.snapshots[private].is_public is False
    # Someone swaps them: the bulk listing now contradicts both reads.
    ec2 = ec2_backend(world.region_of[public])
    ec2.remove_create_volume_permission(public, user_ids=None, groups=["all"])
    ec2.add_create_volume_permission(private, user_ids=None, groups=["all"])
    demo_server.clear_requests()
    report = await run_audit(account, AuditOptions(reload=False, sharing_limit=0), now=FIXED_NOW)

    # Each contradicted snapshot was read again, and that fresh read is what counts.
    assert ids(report, FindingCode.PUBLIC_SNAPSHOT) == (world.public_snapshots - {public}) | {
        private
    }
    reread = {
        r.params.get("SnapshotId")
        for r in demo_server.requests
        if r.action == "DescribeSnapshotAttribute"
    }
    assert {public, private} <= reread
