"""The audit's rules for what another service manages and what references an image beyond EC2.

Data Lifecycle Manager, AWS Backup, SSM parameters (and launch templates that resolve them),
DescribeImageReferences, and the deletion guards that follow them; on models built by hand.
"""

from __future__ import annotations

from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.evidence import (
    EvidenceProblem,
    ImageParameter,
    ImageReference,
    LifecyclePolicy,
    RegionEvidence,
    Source,
    image_ids_in,
    split_selector,
)
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.managed import (
    BACKUP_REFUSAL,
    Manager,
    image_builder_recipe,
    management_of,
)
from amiexplorer.core.models import Instance, LaunchTemplateVersion
from amiexplorer.core.plans.delete import plan_delete_snapshots, plan_deregister_images
from amiexplorer.core.plans.plan import PlanContext
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest, DeregisterImagesRequest
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import Prices
from tests.unit.test_audit_rules import (
    ACCOUNT,
    EAST,
    ORPHANED,
    UNUSED,
    WEST,
    ago,
    found,
    image,
    inventory,
    report,
    snapshot,
)

DLM_SNAPSHOT = FindingCode.ORPHANED_DLM_SNAPSHOT
DLM_IMAGE = FindingCode.ORPHANED_DLM_IMAGE
POLICY = "policy-0aaaaaaaaaaaaaaaa"


def dlm_tags(policy: str = POLICY, schedule: str = "daily") -> tuple[tuple[str, str], ...]:
    return (
        ("aws:dlm:lifecycle-policy-id", policy),
        ("aws:dlm:lifecycle-schedule-name", schedule),
        ("dlm:managed", "true"),
    )


def dlm_snapshot(sid: str, policy: str = POLICY, **kw: object) -> object:
    description = f"Created for policy: {policy} schedule: daily"
    return snapshot(sid, description, volume="vol-gone", tags=dlm_tags(policy), **kw)


def with_policies(inv: Inventory, *policies: LifecyclePolicy, region: str = EAST) -> Inventory:
    """The DLM policies of `region` were read: these (maybe none)."""
    inv.evidence.update(region, policies={p.policy_id: p for p in policies})
    return inv


def policy(state: str = "ENABLED", policy_id: str = POLICY, region: str = EAST) -> LifecyclePolicy:
    return LifecyclePolicy(policy_id, region, state)


# What each service's resources look like ------------------------------------------------------


def test_management_is_read_from_tags_description_and_name() -> None:
    tagged = management_of(snapshot("snap-1", tags=dlm_tags()))  # type: ignore[arg-type]
    assert tagged is not None and tagged.manager is Manager.DLM
    assert (tagged.reference, tagged.schedule) == (POLICY, "daily")
    described = management_of(
        snapshot("snap-2", f"Created for policy: {POLICY} schedule: weekly")  # type: ignore[arg-type]
    )
    assert described is not None and (described.reference, described.schedule) == (POLICY, "weekly")
    backup = management_of(
        snapshot("snap-3", "This snapshot is created by the AWS Backup service.")
    )
    assert backup is not None and backup.manager is Manager.BACKUP and backup.reference is None
    arn = "arn:aws:ec2:us-east-1:111111111111:volume/vol-1"
    by_tag = management_of(snapshot("snap-4", tags=(("aws:backup:source-resource", arn),)))
    assert by_tag is not None and by_tag.manager is Manager.BACKUP and by_tag.reference == arn
    named = management_of(image("ami-1", name="AwsBackup_i-0123456789abcdef0_2026-01-01"))
    assert named is not None and named.manager is Manager.BACKUP
    builder_arn = "arn:aws:imagebuilder:us-east-1:111111111111:image/web-recipe/1.0.0/3"
    built = management_of(image("ami-2", tags=(("Ec2ImageBuilderArn", builder_arn),)))
    assert built is not None and built.manager is Manager.IMAGE_BUILDER and not built.protects
    assert image_builder_recipe(builder_arn) == "web-recipe 1.0.0 (build 3)"
    assert management_of(snapshot("snap-5", "nightly backup")) is None
    assert management_of(image("ami-3")) is None


def test_parameter_values_and_selectors() -> None:
    assert image_ids_in("ami-0123456789abcdef0") == ["ami-0123456789abcdef0"]
    assert image_ids_in('{"web": "ami-01234567", "db": "ami-0123456789abcdef1"}') == [
        "ami-01234567",
        "ami-0123456789abcdef1",
    ]
    assert image_ids_in("not-an-ami-0123 xami-01234567") == []
    assert split_selector("/golden/api:3") == ("/golden/api", "3")
    assert split_selector("/golden/api") == ("/golden/api", None)
    arn = "arn:aws:ssm:us-east-1:111111111111:parameter/golden/api"
    assert split_selector(arn) == (arn, None)
    assert split_selector(f"{arn}:prod") == (arn, "prod")


# Data Lifecycle Manager ---------------------------------------------------------------------


def test_a_snapshot_of_an_enabled_dlm_policy_is_managed_not_orphaned() -> None:
    inv = with_policies(inventory(dlm_snapshot("snap-1")), policy("ENABLED"))
    audit = report(inv)
    assert not audit.group(ORPHANED) and not audit.group(DLM_SNAPSHOT)
    [group] = audit.managed
    assert (group.manager, group.count, group.region) == ("dlm", 1, EAST)
    assert group.label == f"DLM policy {POLICY} (schedule daily)" and group.note is None


def test_a_policy_in_error_still_manages_but_says_so() -> None:
    inv = with_policies(inventory(dlm_snapshot("snap-1")), policy("ERROR"))
    audit = report(inv)
    assert not audit.group(ORPHANED) and not audit.group(DLM_SNAPSHOT)
    assert audit.managed[0].note == "the policy is in error: it may not be running"


def test_a_snapshot_of_a_disabled_policy_is_a_leftover_of_its_own_code() -> None:
    inv = with_policies(inventory(dlm_snapshot("snap-1")), policy("DISABLED"))
    finding = found(inv, DLM_SNAPSHOT)["snap-1"]
    assert finding.reason == f"its DLM policy {POLICY} is disabled: nothing deletes it any more"
    assert finding.details["policy_state"] == "DISABLED"
    assert finding.monthly_cost_usd == 5.0
    assert not found(inv, ORPHANED) and not report(inv).managed


def test_a_snapshot_of_a_deleted_policy_is_a_leftover_once_its_region_was_read() -> None:
    # DLM policies are regional: one that made a snapshot here would be listed here.
    inv = with_policies(inventory(dlm_snapshot("snap-1")))
    finding = found(inv, DLM_SNAPSHOT)["snap-1"]
    assert finding.reason == f"its DLM policy {POLICY} no longer exists"
    assert finding.details["policy_state"] == "deleted"
    # Read in another region only: unknown, so managed.
    elsewhere = with_policies(inventory(dlm_snapshot("snap-1")), region=WEST)
    assert not found(elsewhere, DLM_SNAPSHOT) and report(elsewhere).managed


def copied_dlm_snapshot(sid: str, source: str, region: str) -> object:
    description = f"[Copied snap-0 from {source}] Created for policy: {POLICY} schedule: daily"
    return snapshot(sid, description, volume="vol-ffffffff", tags=dlm_tags(), region=region)


def test_a_copy_whose_policy_is_nowhere_read_is_unknown_so_managed_with_a_note() -> None:
    # A copy may name a policy of another account (cross-account copy): never "deleted".
    copy = copied_dlm_snapshot("snap-1", EAST, WEST)
    inv = with_policies(with_policies(inventory(copy)), region=WEST)
    audit = report(inv)
    assert not audit.group(DLM_SNAPSHOT) and not audit.group(ORPHANED)
    assert audit.managed[0].note == "the policy could not be looked up: treated as managed"
    assert any("could not be looked up" in note for note in audit.notes)


def test_a_copy_finds_its_policy_in_the_region_it_came_from() -> None:
    copy = copied_dlm_snapshot("snap-1", EAST, WEST)
    inv = with_policies(inventory(copy), policy("ENABLED", region=EAST))
    audit = report(inv)
    assert not audit.group(DLM_SNAPSHOT) and audit.managed[0].region == WEST
    assert audit.managed[0].note is None
    disabled = with_policies(inventory(copy), policy("DISABLED", region=EAST))
    assert found(disabled, DLM_SNAPSHOT)["snap-1"].details["policy_region"] == EAST


def test_unreadable_policies_leave_dlm_resources_managed_with_a_note() -> None:
    inv = inventory(dlm_snapshot("snap-1"))
    problem = EvidenceProblem(Source.DLM, EAST, "GetLifecyclePolicies in us-east-1 failed", True)
    inv.evidence.update(EAST, problems=(problem,))
    audit = report(inv)
    assert not audit.group(DLM_SNAPSHOT) and not audit.group(ORPHANED)
    assert not audit.failed  # no verdict depends on it: a note, not an error
    assert any("DLM policies of us-east-1 not read" in note for note in audit.notes)


def test_a_dlm_snapshot_an_image_uses_is_never_a_leftover() -> None:
    inv = with_policies(
        inventory(dlm_snapshot("snap-1"), image("ami-1", "snap-1")), policy("DISABLED")
    )
    assert not found(inv, DLM_SNAPSHOT)


def test_dlm_images_follow_their_policy_and_their_users() -> None:
    made = image("ami-1", tags=dlm_tags())
    enabled = with_policies(inventory(made), policy("ENABLED"))
    assert not found(enabled, UNUSED) and not found(enabled, DLM_IMAGE)
    assert report(enabled).managed[0].kind == "image"
    gone = with_policies(inventory(made))
    assert found(gone, DLM_IMAGE)["ami-1"].reason == f"its DLM policy {POLICY} no longer exists"
    assert not found(gone, UNUSED)
    running = Instance("i-1", EAST, "running", "t3.micro", "ami-1", ago(1))
    used = with_policies(inventory(made, running))
    assert not found(used, DLM_IMAGE) and not found(used, UNUSED)


# AWS Backup ---------------------------------------------------------------------------------


def test_backup_recovery_points_are_never_leftovers() -> None:
    arn = "arn:aws:ec2:us-east-1:111111111111:volume/vol-gone"
    points = inventory(
        snapshot("snap-1", "This snapshot is created by the AWS Backup service."),
        snapshot("snap-2", "nightly", tags=(("aws:backup:source-resource", arn),)),
        image("ami-1", name="AwsBackup_i-0123456789abcdef0_1"),
    )
    audit = report(points)
    assert not audit.findings
    counts = {(g.kind, g.manager): g.count for g in audit.managed}
    assert counts == {("snapshot", "backup"): 2, ("image", "backup"): 1}


# SSM parameters and what resolves them -------------------------------------------------------


def test_an_image_only_an_ssm_parameter_holds_is_in_use() -> None:
    golden = ImageParameter("/golden/web", EAST, "ami-1", "aws:ec2:image", 3)
    inv = inventory(image("ami-1"), parameters=(golden,))
    assert not found(inv, UNUSED)
    usage = RelationGraph(inv).image_usage("ami-1")
    assert usage.in_use and usage.references_in_words() == "in use by SSM parameter /golden/web"


def test_a_launch_template_resolving_a_parameter_is_named_in_words() -> None:
    golden = ImageParameter("/golden/web", EAST, "ami-1", "aws:ec2:image", 3)
    version = LaunchTemplateVersion("lt-1", "web", EAST, 3, "resolve:ssm:/golden/web")
    inv = inventory(image("ami-1"), version, parameters=(golden,))
    usage = RelationGraph(inv).image_usage("ami-1")
    assert usage.resolving_versions == ((version, golden),)
    assert usage.references_in_words() == (
        "in use by SSM parameter /golden/web, which launch template web (v3) resolves"
    )
    assert not found(inv, UNUSED)


def test_a_pinned_parameter_version_keeps_its_image_in_use() -> None:
    pinned = ImageParameter("/golden/api", EAST, "ami-old", "text", 1, pinned="1")
    version = LaunchTemplateVersion("lt-2", "api", EAST, 1, "resolve:ssm:/golden/api:1")
    inv = inventory(image("ami-old"), version, parameters=(pinned,))
    usage = RelationGraph(inv).image_usage("ami-old")
    assert usage.resolving_versions == ((version, pinned),)
    assert "SSM parameter /golden/api (version 1)" in (usage.references_in_words() or "")
    assert not found(inv, UNUSED)


def test_a_parameter_of_another_region_keeps_an_image_in_use() -> None:
    elsewhere = ImageParameter("/golden/web/us-east-1", WEST, "ami-1")
    assert not found(inventory(image("ami-1"), parameters=(elsewhere,)), UNUSED)


def test_without_the_region_parameters_no_image_is_called_unused() -> None:
    inv = inventory(image("ami-1"), parameters_unread=(EAST,))
    audit = report(inv)
    assert not audit.group(UNUSED)
    assert any("us-east-1: unused images are not reported" in note for note in audit.notes)
    assert not audit.failed  # never read: a note


def test_a_parameter_read_that_failed_is_an_error_and_a_denied_one_a_note() -> None:
    for denied, failed in ((False, True), (True, False)):
        inv = inventory(image("ami-1"), parameters_unread=(EAST,))
        problem = EvidenceProblem(Source.SSM, EAST, "DescribeParameters in us-east-1 …", denied)
        inv.evidence.update(EAST, problems=(problem,))
        audit = report(inv)
        assert not audit.group(UNUSED)
        assert audit.failed is failed
        assert any("DescribeParameters in us-east-1" in note for note in audit.notes)


def test_ec2_image_references_keep_an_image_in_use() -> None:
    inv = inventory(image("ami-1"))
    reference = ImageReference("ami-1", EAST, "imagebuilder:ImageRecipe", "arn:aws:imagebuilder:r")
    inv.evidence.update(EAST, references={"ami-1": (reference,)})
    assert not found(inv, UNUSED)
    words = RelationGraph(inv).image_usage("ami-1").references_in_words()
    assert (
        words == "referenced according to EC2 (DescribeImageReferences: imagebuilder:ImageRecipe)"
    )


# The deletion guards ------------------------------------------------------------------------


def context(inv: Inventory) -> PlanContext:
    return PlanContext(inv, RelationGraph(inv), ACCOUNT, (EAST, WEST), Prices())


def refusals(plan: object) -> dict[str, str]:
    return {r.resource_ids[0]: r.message for r in plan.refused}  # type: ignore[attr-defined]


def test_deleting_a_recovery_point_is_refused_with_aws_words() -> None:
    inv = inventory(snapshot("snap-1", "This snapshot is created by the AWS Backup service."))
    plan = plan_delete_snapshots(DeleteSnapshotsRequest(("snap-1",)), context(inv))
    assert not plan.steps and BACKUP_REFUSAL in refusals(plan)["snap-1"]
    inv = inventory(image("ami-1", name="AwsBackup_i-0abc_1"))
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert not plan.steps and "AWS Backup recovery point" in refusals(plan)["ami-1"]


def test_deleting_what_a_live_or_unknown_dlm_policy_manages_is_refused() -> None:
    live = with_policies(inventory(dlm_snapshot("snap-1")), policy("ENABLED"))
    plan = plan_delete_snapshots(DeleteSnapshotsRequest(("snap-1",)), context(live))
    assert not plan.steps and "managed by DLM policy" in refusals(plan)["snap-1"]
    unknown = inventory(dlm_snapshot("snap-1"))
    plan = plan_delete_snapshots(DeleteSnapshotsRequest(("snap-1",)), context(unknown))
    assert not plan.steps and "could not be looked up" in refusals(plan)["snap-1"]
    gone = with_policies(inventory(dlm_snapshot("snap-1")))
    plan = plan_delete_snapshots(DeleteSnapshotsRequest(("snap-1",)), context(gone))
    assert [s.resource_ids for s in plan.steps] == [("snap-1",)]


def test_deregistering_an_image_a_parameter_holds_is_refused() -> None:
    golden = ImageParameter("/golden/web", EAST, "ami-1", "aws:ec2:image")
    version = LaunchTemplateVersion("lt-1", "web", EAST, 3, "resolve:ssm:/golden/web")
    inv = inventory(image("ami-1"), version, parameters=(golden,))
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert not plan.steps
    assert refusals(plan)["ami-1"] == (
        "image ami-1 is in use by SSM parameter /golden/web, which launch template web (v3) "
        "resolves: point them at another image first"
    )


def test_deregistering_where_the_parameters_are_unknown_is_refused() -> None:
    inv = inventory(image("ami-1"), parameters_unread=(EAST,))
    plan = plan_deregister_images(DeregisterImagesRequest(("ami-1",)), context(inv))
    assert (
        not plan.steps
        and "whether an SSM parameter holds image ami-1 is unknown" in (refusals(plan)["ami-1"])
    )


def test_a_deregistration_keeps_the_managed_snapshots_of_its_image() -> None:
    # Someone registered an image on a DLM snapshot: the snapshot stays DLM's.
    inv = with_policies(
        inventory(dlm_snapshot("snap-1"), image("ami-1", "snap-1")), policy("ENABLED")
    )
    plan = plan_deregister_images(
        DeregisterImagesRequest(("ami-1",), delete_snapshots=True), context(inv)
    )
    assert [s.action for s in plan.steps] == ["DeregisterImage"]
    assert "managed by DLM policy" in plan.skipped[0].message


def test_evidence_of_one_region_does_not_leak_into_another() -> None:
    evidence = RegionEvidence(EAST, parameters=(), locks={})
    inv = inventory(image("ami-1", region=WEST), parameters_unread=(WEST,))
    inv.evidence.put(evidence)
    assert not found(inv, UNUSED)
    assert inv.evidence.parameters_read(EAST) and not inv.evidence.parameters_read(WEST)
