"""What DLM, AWS Backup, SSM parameters and Image Builder manage: planted, served, and true.

Every answer the demo gives itself (DLM, Backup recovery points, DescribeImageReferences) is
parsed by a real botocore client over HTTP and checked against botocore's model (``shapes``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from amiexplorer.demo import DEMO_ACCOUNT_ID, DEMO_CREDENTIALS, DemoServer, Planted
from amiexplorer.demo.dlm import MANAGED_TAG, POLICY_ID_TAG, SCHEDULE_NAME_TAG
from amiexplorer.demo.recovery_points import SOURCE_RESOURCE_TAG
from tests.demo.shapes import Clients, check_answer, check_error, recording_clients

EAST = "us-east-1"


@pytest.fixture(scope="module")
def clients(live_server: DemoServer) -> Clients:
    """botocore clients with a recorder of raw answers (`shapes.recording_clients`)."""
    return recording_clients(live_server)


def _call(clients: Clients, service: str, operation: str, region: str = EAST, **kw: Any) -> Any:
    """Call ``operation`` and check its answer against botocore's model."""
    client, recorder = clients(service, region)
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    answer = method(**kw)
    check_answer(client, recorder, operation, answer)
    return answer


def _fails(
    clients: Clients, service: str, operation: str, region: str = EAST, **kw: Any
) -> tuple[str, int, dict[str, Any]]:
    """Call ``operation``, which must fail; check the error; (code, status, response)."""
    client, recorder = clients(service, region)
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    with pytest.raises(ClientError) as caught:
        method(**kw)
    code = check_error(client, recorder, operation, caught.value)
    response = caught.value.response
    return code, int(response["ResponseMetadata"]["HTTPStatusCode"]), response


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def _snapshots(clients: Clients, ids: frozenset[str], region: str) -> dict[str, Any]:
    ec2, _ = clients("ec2", region)
    found = ec2.describe_snapshots(SnapshotIds=sorted(ids))["Snapshots"]
    return {s["SnapshotId"]: s for s in found}


def _volume_gone(clients: Clients, volume_id: str, region: str) -> bool:
    ec2, _ = clients("ec2", region)
    try:
        ec2.describe_volumes(VolumeIds=[volume_id])
    except ClientError as error:
        return bool(error.response["Error"]["Code"] == "InvalidVolume.NotFound")
    return False


def _image_users(clients: Clients, image_id: str, region: str) -> list[str]:
    """Instances (not terminated) and launch template versions naming ``image_id``."""
    ec2, _ = clients("ec2", region)
    users = [
        i["InstanceId"]
        for r in ec2.describe_instances(Filters=[{"Name": "image-id", "Values": [image_id]}])[
            "Reservations"
        ]
        for i in r["Instances"]
        if i["State"]["Name"] != "terminated"
    ]
    for template in ec2.describe_launch_templates()["LaunchTemplates"]:
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"]
        )["LaunchTemplateVersions"]
        users += [
            template["LaunchTemplateId"]
            for v in versions
            if v["LaunchTemplateData"].get("ImageId") == image_id
        ]
    return users


# Data Lifecycle Manager ----------------------------------------------------------------------


def test_dlm_policies_over_http(seeded: Planted, clients: Clients) -> None:
    answer = _call(clients, "dlm", "GetLifecyclePolicies")
    states = {p["PolicyId"]: p["State"] for p in answer["Policies"]}
    assert states == seeded.dlm_policies
    assert set(seeded.dlm_policy_regions.values()) == {EAST}
    assert sorted(states.values()) == ["DISABLED", "ENABLED", "ENABLED"]
    assert _call(clients, "dlm", "GetLifecyclePolicies", "us-west-2")["Policies"] == []
    for policy_id in states:
        policy = _call(clients, "dlm", "GetLifecyclePolicy", PolicyId=policy_id)["Policy"]
        assert policy["PolicyArn"] == f"arn:aws:dlm:{EAST}:{DEMO_ACCOUNT_ID}:policy/{policy_id}"
        assert policy["DateCreated"] <= policy["DateModified"]
        assert policy["PolicyDetails"]["Schedules"][0]["Name"]


def test_dlm_filters(seeded: Planted, clients: Clients) -> None:
    def ids(**filters: Any) -> set[str]:
        answer = _call(clients, "dlm", "GetLifecyclePolicies", **filters)
        return {p["PolicyId"] for p in answer["Policies"]}

    enabled = {i for i, s in seeded.dlm_policies.items() if s == "ENABLED"}
    (disabled,) = set(seeded.dlm_policies) - enabled
    assert ids(State="ENABLED") == enabled
    assert ids(State="DISABLED") == {disabled}
    (daily,) = ids(TargetTags=["Backup=dlm-daily"])
    assert ids(TagsToAdd=["SnapshotCreator=dlm"]) == {daily}
    (images,) = ids(ResourceTypes=["INSTANCE"])
    assert images in enabled and images != daily
    assert ids(PolicyIds=[daily, disabled]) == {daily, disabled}
    assert ids(PolicyIds=[daily], State="DISABLED") == set()
    assert ids(DefaultPolicyType="ALL") == set()
    policy = _call(clients, "dlm", "GetLifecyclePolicy", PolicyId=daily)["Policy"]
    (schedule,) = policy["PolicyDetails"]["Schedules"]
    assert schedule["Name"] == "daily"
    assert policy["PolicyDetails"]["TargetTags"] == [{"Key": "Backup", "Value": "dlm-daily"}]


def test_dlm_errors(seeded: Planted, clients: Clients) -> None:
    missing = "policy-0123456789abcdef0"
    code, status, response = _fails(clients, "dlm", "GetLifecyclePolicy", PolicyId=missing)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert response["ResourceIds"] == [missing]
    assert response["Error"]["Message"] == f"The resource {{{missing}}} was not found."
    code, status, _ = _fails(clients, "dlm", "GetLifecyclePolicies", PolicyIds=[missing])
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, status, _ = _fails(clients, "dlm", "GetLifecyclePolicies", State="PAUSED")
    assert (code, status) == ("InvalidRequestException", 400)
    code, status, _ = _fails(clients, "dlm", "GetLifecyclePolicies", TargetTags=["no-equals"])
    assert (code, status) == ("InvalidRequestException", 400)
    for operation in ("DeleteLifecyclePolicy", "UpdateLifecyclePolicy"):
        code, status, _ = _fails(clients, "dlm", operation, PolicyId=missing)
        assert (code, status) == ("ResourceNotFoundException", 404)


def test_dlm_create_update_delete(seeded: Planted, clients: Clients) -> None:
    details = {
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
        "ResourceTypes": ["VOLUME"],
        "TargetTags": [{"Key": "Backup", "Value": "test"}],
        "Schedules": [
            {
                "Name": "hourly",
                "CreateRule": {"Interval": 1, "IntervalUnit": "HOURS"},
                "RetainRule": {"Count": 2},
            }
        ],
    }
    role = f"arn:aws:iam::{DEMO_ACCOUNT_ID}:role/service-role/AWSDataLifecycleManagerDefaultRole"
    created = _call(
        clients, "dlm", "CreateLifecyclePolicy", region="eu-west-1", ExecutionRoleArn=role,
        Description="test policy", State="ENABLED", PolicyDetails=details, Tags={"a": "b"},
    )  # fmt: skip
    policy_id = created["PolicyId"]
    assert re.fullmatch(r"policy-[0-9a-f]{17}", policy_id)
    got = _call(clients, "dlm", "GetLifecyclePolicy", "eu-west-1", PolicyId=policy_id)
    assert got["Policy"]["Tags"] == {"a": "b"}
    assert got["Policy"]["PolicyDetails"] == details
    _call(
        clients, "dlm", "UpdateLifecyclePolicy", "eu-west-1", PolicyId=policy_id, State="DISABLED"
    )
    got = _call(clients, "dlm", "GetLifecyclePolicy", "eu-west-1", PolicyId=policy_id)
    assert got["Policy"]["State"] == "DISABLED"
    arn = got["Policy"]["PolicyArn"]
    _call(clients, "dlm", "TagResource", "eu-west-1", ResourceArn=arn, Tags={"c": "d"})
    _call(clients, "dlm", "UntagResource", "eu-west-1", ResourceArn=arn, TagKeys=["a"])
    tags = _call(clients, "dlm", "ListTagsForResource", "eu-west-1", ResourceArn=arn)
    assert tags["Tags"] == {"c": "d"}
    _call(clients, "dlm", "DeleteLifecyclePolicy", "eu-west-1", PolicyId=policy_id)
    code, _, _ = _fails(clients, "dlm", "GetLifecyclePolicy", "eu-west-1", PolicyId=policy_id)
    assert code == "ResourceNotFoundException"
    code, status, _ = _fails(
        clients, "dlm", "CreateLifecyclePolicy", region="eu-west-1", ExecutionRoleArn=role,
        Description="test policy", State="PAUSED", PolicyDetails=details,
    )  # fmt: skip
    assert (code, status) == ("InvalidRequestException", 400)


def test_dlm_snapshots_and_image(seeded: Planted, clients: Clients) -> None:
    enabled = {i for i, s in seeded.dlm_policies.items() if s == "ENABLED"}
    assert len(seeded.dlm_managed_snapshots) >= 3
    east = {s for s in seeded.dlm_managed_snapshots if seeded.region_of[s] == EAST}
    snapshots = _snapshots(clients, frozenset(east), EAST)
    # The policy's cross-region copies, in the DR region: they name the policy of us-east-1.
    copies = _snapshots(clients, seeded.dlm_managed_snapshots - east, "eu-west-1")
    assert copies
    for copy in copies.values():
        assert copy["VolumeId"] == "vol-ffffffff"
        assert copy["Description"].startswith("[Copied snap-")
        assert f" from {EAST}] Created for policy: " in copy["Description"]
        assert seeded.dlm_policy_regions[_tags(copy)[POLICY_ID_TAG]] == EAST
    gone_volumes = 0
    for snapshot in snapshots.values():
        tags = _tags(snapshot)
        policy_id = tags[POLICY_ID_TAG]
        assert policy_id in enabled
        assert tags[SCHEDULE_NAME_TAG] == "daily"
        assert tags[MANAGED_TAG] == "true"
        assert snapshot["Description"] == f"Created for policy: {policy_id} schedule: daily"
        gone_volumes += _volume_gone(clients, snapshot["VolumeId"], EAST)
    assert 1 <= gone_volumes < len(snapshots)  # some of a volume deleted since, some not
    (image_id,) = seeded.dlm_managed_images
    ec2, _ = clients("ec2", EAST)
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert _tags(image)[POLICY_ID_TAG] in enabled
    assert _tags(image)[MANAGED_TAG] == "true"
    assert _image_users(clients, image_id, EAST) == []


def test_dlm_leftovers(seeded: Planted, clients: Clients) -> None:
    assert len(seeded.dlm_policy_gone_snapshots) >= 4
    regions = {seeded.region_of[s] for s in seeded.dlm_policy_gone_snapshots}
    kinds = set()
    for region in regions:
        ids = frozenset(
            s for s in seeded.dlm_policy_gone_snapshots if seeded.region_of[s] == region
        )
        for snapshot in _snapshots(clients, ids, region).values():
            policy_id = _tags(snapshot)[POLICY_ID_TAG]
            assert _volume_gone(clients, snapshot["VolumeId"], region)
            try:
                policy = _call(clients, "dlm", "GetLifecyclePolicy", region, PolicyId=policy_id)
                assert policy["Policy"]["State"] == "DISABLED"
                kinds.add("disabled")
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ResourceNotFoundException"
                kinds.add("deleted")
    assert kinds == {"disabled", "deleted"}
    referenced = set().union(*seeded.image_snapshots.values())
    assert not seeded.dlm_policy_gone_snapshots & referenced


def test_denied_dlm_call(live_server: DemoServer, seeded: Planted, clients: Clients) -> None:
    live_server.deny("GetLifecyclePolicies")
    code, status, response = _fails(clients, "dlm", "GetLifecyclePolicies")
    assert (code, status) == ("AccessDeniedException", 403)
    assert "dlm:GetLifecyclePolicies" in response["Error"]["Message"]
    _call(clients, "dlm", "GetLifecyclePolicy", PolicyId=next(iter(seeded.dlm_policies)))
    live_server.fail_action("GetLifecyclePolicy", "ThrottlingException", 400)
    code, status, _ = _fails(clients, "dlm", "GetLifecyclePolicy", PolicyId="policy-0a")
    assert (code, status) == ("ThrottlingException", 400)


def test_rest_requests_are_recorded(
    live_server: DemoServer, seeded: Planted, clients: Clients
) -> None:
    live_server.clear_requests()
    policy_id = next(iter(seeded.dlm_policies))
    _call(clients, "dlm", "GetLifecyclePolicies", State="ENABLED")
    _call(clients, "dlm", "GetLifecyclePolicy", PolicyId=policy_id)
    arn = f"arn:aws:ec2:{EAST}:{DEMO_ACCOUNT_ID}:volume/vol-0123456789abcdef0"
    _call(clients, "backup", "ListRecoveryPointsByResource", ResourceArn=arn)
    _call(clients, "backup", "ListBackupVaults")  # moto's
    listed, got, points, vaults = live_server.requests
    assert (listed.service, listed.method, listed.action) == ("dlm", "GET", "GetLifecyclePolicies")
    assert listed.params == {"state": "ENABLED"}
    assert (got.action, got.params["policyId"]) == ("GetLifecyclePolicy", policy_id)
    assert (points.action, points.params["resourceArn"]) == ("ListRecoveryPointsByResource", arn)
    assert (vaults.service, vaults.action) == ("backup", "ListBackupVaults")


# AWS Backup ------------------------------------------------------------------------------------


def test_backup_recovery_points(seeded: Planted, clients: Clients) -> None:
    plans = _call(clients, "backup", "ListBackupPlans")["BackupPlansList"]
    (plan,) = plans
    (vault,) = _call(clients, "backup", "ListBackupVaults")["BackupVaultList"]
    assert vault["BackupVaultName"] == "Default"
    assert vault["NumberOfRecoveryPoints"] == len(seeded.backup_snapshots | seeded.backup_images)
    snapshots = _snapshots(clients, seeded.backup_snapshots, EAST)
    (volume_arn,) = {_tags(s)[SOURCE_RESOURCE_TAG] for s in snapshots.values()}
    assert re.fullmatch(rf"arn:aws:ec2:{EAST}:{DEMO_ACCOUNT_ID}:volume/vol-[0-9a-f]+", volume_arn)
    for snapshot in snapshots.values():
        assert snapshot["Description"] == "This snapshot is created by the AWS Backup service."
        assert _volume_gone(clients, snapshot["VolumeId"], EAST)
        assert volume_arn.endswith(snapshot["VolumeId"])
    points = _call(clients, "backup", "ListRecoveryPointsByResource", ResourceArn=volume_arn)
    arns = {p["RecoveryPointArn"] for p in points["RecoveryPoints"]}
    assert arns == {f"arn:aws:ec2:{EAST}::snapshot/{s}" for s in seeded.backup_snapshots}
    (image_id,) = seeded.backup_images
    ec2, _ = clients("ec2", EAST)
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert re.fullmatch(r"AwsBackup_i-[0-9a-f]+_[0-9a-f-]{36}", image["Name"])
    instance_arn = _tags(image)[SOURCE_RESOURCE_TAG]
    assert instance_arn.endswith(image["Name"].split("_")[1])
    assert _image_users(clients, image_id, EAST) == []
    points = _call(clients, "backup", "ListRecoveryPointsByResource", ResourceArn=instance_arn)
    (point,) = points["RecoveryPoints"]
    assert point["RecoveryPointArn"] == f"arn:aws:ec2:{EAST}::image/{image_id}"
    for arn in arns | {point["RecoveryPointArn"]}:
        described = _call(
            clients, "backup", "DescribeRecoveryPoint", BackupVaultName="Default",
            RecoveryPointArn=arn,
        )  # fmt: skip
        created_by = described["CreatedBy"]
        assert created_by["BackupPlanId"] == plan["BackupPlanId"]
        assert created_by["BackupPlanArn"] == plan["BackupPlanArn"]
        assert created_by["BackupPlanName"] == plan["BackupPlanName"]
        assert created_by["BackupRuleName"] and created_by["BackupRuleId"]
        assert described["ResourceType"] in ("EBS", "EC2")
        assert described["CalculatedLifecycle"]["DeleteAt"] > described["CreationDate"]


def test_backup_pages_and_errors(seeded: Planted, clients: Clients) -> None:
    snapshots = _snapshots(clients, seeded.backup_snapshots, EAST)
    volume_arn = _tags(next(iter(snapshots.values())))[SOURCE_RESOURCE_TAG]
    first = _call(
        clients, "backup", "ListRecoveryPointsByResource", ResourceArn=volume_arn, MaxResults=1
    )
    second = _call(
        clients, "backup", "ListRecoveryPointsByResource", ResourceArn=volume_arn,
        MaxResults=1, NextToken=first["NextToken"],
    )  # fmt: skip
    assert "NextToken" not in second
    assert len(first["RecoveryPoints"] + second["RecoveryPoints"]) == 2
    snapshot_arn = f"arn:aws:ec2:{EAST}::snapshot/{next(iter(seeded.backup_snapshots))}"
    code, status, _ = _fails(
        clients, "backup", "ListRecoveryPointsByResource", ResourceArn=snapshot_arn
    )
    assert (code, status) == ("InvalidParameterValueException", 400)
    for vault, arn in (("Default", snapshot_arn + "0"), ("Nope", snapshot_arn)):
        code, status, _ = _fails(
            clients, "backup", "DescribeRecoveryPoint", BackupVaultName=vault,
            RecoveryPointArn=arn,
        )  # fmt: skip
        assert (code, status) == ("ResourceNotFoundException", 400)


# SSM parameters and Image Builder --------------------------------------------------------------


def test_golden_images_in_parameters(seeded: Planted, clients: Clients) -> None:
    ssm, _ = clients("ssm", EAST)
    web = ssm.get_parameter(Name="/golden/web")["Parameter"]
    assert (web["Type"], web["DataType"]) == ("String", "aws:ec2:image")
    assert seeded.ssm_image_parameters[web["Value"]] == {"/golden/web"}
    history = ssm.get_parameter_history(Name="/golden/api")["Parameters"]
    assert [v["Version"] for v in history] == [1, 2]
    image_a, image_b = (v["Value"] for v in history)
    assert ssm.get_parameter(Name="/golden/api:1")["Parameter"]["Value"] == image_a
    assert seeded.ssm_image_parameters[image_a] == seeded.ssm_image_parameters[image_b]
    last_good = ssm.get_parameter(Name="/ci/last-good-ami")["Parameter"]
    assert last_good["DataType"] == "text"
    assert seeded.ssm_image_parameters[last_good["Value"]] == {"/ci/last-good-ami"}
    ec2, _ = clients("ec2", EAST)
    resolving: dict[str, str] = {}
    for template in ec2.describe_launch_templates()["LaunchTemplates"]:
        for version in ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"]
        )["LaunchTemplateVersions"]:
            image_ref = version["LaunchTemplateData"]["ImageId"]
            if image_ref.startswith("resolve:ssm:"):
                resolving[image_ref] = template["LaunchTemplateId"]
    assert resolving.keys() == {"resolve:ssm:/golden/web", "resolve:ssm:/golden/api:1"}
    assert seeded.resolve_ssm_templates == {
        web["Value"]: {resolving["resolve:ssm:/golden/web"]},
        image_a: {resolving["resolve:ssm:/golden/api:1"]},
    }
    for image_id in (web["Value"], image_a, image_b, last_good["Value"]):
        assert _image_users(clients, image_id, EAST) == []
        assert image_id in seeded.images[EAST]


def test_image_builder_image(seeded: Planted, clients: Clients) -> None:
    (image_id,) = seeded.image_builder_images
    ec2, _ = clients("ec2", EAST)
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    tags = _tags(image)
    assert tags["CreatedBy"] == "EC2 Image Builder"
    assert tags["Ec2ImageBuilderArn"] == (
        f"arn:aws:imagebuilder:{EAST}:{DEMO_ACCOUNT_ID}:image/web-recipe/1.0.0/1"
    )
    # Image Builder's own GetImage names the pipeline and the AMI it distributed.
    built = _call(
        clients, "imagebuilder", "GetImage", imageBuildVersionArn=tags["Ec2ImageBuilderArn"]
    )["image"]
    assert built["sourcePipelineName"] == "web-golden-pipeline"
    assert built["outputResources"]["amis"][0]["image"] == image_id
    assert built["state"]["status"] == "AVAILABLE"
    missing = f"arn:aws:imagebuilder:{EAST}:{DEMO_ACCOUNT_ID}:image/nope/1.0.0/1"
    code, status, _ = _fails(clients, "imagebuilder", "GetImage", imageBuildVersionArn=missing)
    assert (code, status) == ("InvalidRequestException", 400)


def test_the_truth_keeps_managed_resources_apart(seeded: Planted) -> None:
    dlm_tagged = seeded.dlm_managed_snapshots | seeded.dlm_policy_gone_snapshots
    assert not seeded.orphan_snapshots_deleted_volume & (dlm_tagged | seeded.backup_snapshots)
    assert len(seeded.orphan_snapshots_deleted_volume) >= 3
    kept = (
        seeded.ssm_image_parameters.keys()
        | seeded.resolve_ssm_templates.keys()
        | seeded.backup_images
        | seeded.dlm_managed_images
    )
    assert len(kept) == 6
    assert not seeded.unused_images & kept
    assert seeded.image_builder_images <= seeded.unused_images  # nothing uses it
    assert not seeded.dlm_managed_snapshots & seeded.dlm_policy_gone_snapshots


# DescribeImageReferences -----------------------------------------------------------------------


def _references(clients: Clients, region: str = EAST, **kw: Any) -> list[tuple[str, str, str]]:
    """Every page of DescribeImageReferences, each checked, as (image, type, resource id)."""
    found: list[tuple[str, str, str]] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        answer = _call(clients, "ec2", "DescribeImageReferences", region, **kw, **extra)
        found += [
            (r["ImageId"], r["ResourceType"], r["Arn"].rsplit("/", 1)[-1])
            for r in answer["ImageReferences"]
        ]
        token = answer.get("NextToken")
        if not token:
            return found


def test_image_references(seeded: Planted, clients: Clients) -> None:
    everything = {"IncludeAllResourceTypes": True}
    for image_id in sorted(seeded.images[EAST])[:20]:
        found = set(_references(clients, ImageIds=[image_id], **everything))
        instances = seeded.image_instances.get(image_id, frozenset()) | (
            seeded.terminated_image_instances.get(image_id, frozenset())
        )
        assert {r for _i, t, r in found if t == "ec2:Instance"} == instances
        templates = {r for _i, t, r in found if t == "ec2:LaunchTemplate"}
        assert templates == seeded.image_launch_templates.get(image_id, frozenset())
    (web,) = {i for i, p in seeded.ssm_image_parameters.items() if p == {"/golden/web"}}
    found = _references(clients, ImageIds=[web], **everything)
    assert found == [(web, "ssm:Parameter", "web")]  # arn:aws:ssm:...:parameter/golden/web


def test_image_references_options_and_pages(seeded: Planted, clients: Clients) -> None:
    (old_base,) = seeded.launch_template_only_images  # in versions 1-2 of four
    shallow = [{"ResourceType": "ec2:LaunchTemplate", "ResourceTypeOptions": [
        {"OptionName": "version-depth", "OptionValues": ["2"]}]}]  # fmt: skip
    assert _references(clients, ImageIds=[old_base], ResourceTypes=shallow) == []
    deep = _references(
        clients, ImageIds=[old_base], ResourceTypes=shallow, IncludeAllResourceTypes=True
    )
    assert deep == []  # the given options override the defaults
    assert len(_references(clients, ImageIds=[old_base], IncludeAllResourceTypes=True)) == 1
    running = [{"ResourceType": "ec2:Instance", "ResourceTypeOptions": [
        {"OptionName": "state-name", "OptionValues": ["running"]}]}]  # fmt: skip
    busy = max(seeded.image_instances, key=lambda i: len(seeded.image_instances[i]))
    region = seeded.region_of[busy]
    found = _references(clients, region, ImageIds=[busy], ResourceTypes=running)
    ec2, _ = clients("ec2", region)
    states = {
        i["InstanceId"]: i["State"]["Name"]
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
    }
    assert found and all(states[r] == "running" for _i, _t, r in found)
    ids = sorted(seeded.images[EAST])[:10]
    paged = _references(clients, ImageIds=ids, IncludeAllResourceTypes=True, MaxResults=5)
    whole = _references(clients, ImageIds=ids, IncludeAllResourceTypes=True)
    assert paged == whole and len(whole) > 5


def test_image_references_errors(
    live_server: DemoServer, seeded: Planted, clients: Clients
) -> None:
    ids = sorted(seeded.images[EAST])
    everything = {"IncludeAllResourceTypes": True}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ImageIds": ids[:11], **everything}, "InvalidParameterValue"),
        ({"ImageIds": ["ami-nope"], **everything}, "InvalidAMIID.Malformed"),
        ({"ImageIds": ids[:1]}, "MissingParameter"),
        ({"ImageIds": ids[:1], "NextToken": "bogus", **everything}, "InvalidPaginationToken"),
        ({"ImageIds": ids[:1], "DryRun": True, **everything}, "DryRunOperation"),
    ]
    for call, wanted in cases:
        code, status, _ = _fails(clients, "ec2", "DescribeImageReferences", **call)
        assert (code, status) == (wanted, 412 if wanted == "DryRunOperation" else 400), call
    live_server.deny("DescribeImageReferences")
    code, status, _ = _fails(
        clients, "ec2", "DescribeImageReferences", ImageIds=ids[:1], **everything
    )
    assert (code, status) == ("UnauthorizedOperation", 403)


# Reset, aiobotocore, and the checker itself ----------------------------------------------------


def test_reset_empties_the_demo_stores(
    live_server: DemoServer, seeded: Planted, clients: Clients
) -> None:
    import urllib.request

    assert _call(clients, "dlm", "GetLifecyclePolicies")["Policies"]
    live_server.reset()
    assert _call(clients, "dlm", "GetLifecyclePolicies")["Policies"] == []
    instance_arn = f"arn:aws:ec2:{EAST}:{DEMO_ACCOUNT_ID}:instance/i-0123456789abcdef0"
    points = _call(clients, "backup", "ListRecoveryPointsByResource", ResourceArn=instance_arn)
    assert points["RecoveryPoints"] == []
    from amiexplorer.demo import seed_world
    from tests.demo.conftest import NOW

    seed_world(now=NOW)
    request = urllib.request.Request(f"{live_server.endpoint_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200
    assert _call(clients, "dlm", "GetLifecyclePolicies")["Policies"] == []


async def test_aiobotocore_reads_dlm_and_backup(live_server: DemoServer, seeded: Planted) -> None:
    from aiobotocore.session import get_session

    access_key, secret_key = DEMO_CREDENTIALS
    session = get_session()
    options: dict[str, Any] = {
        "region_name": EAST,
        "endpoint_url": live_server.endpoint_url,
        "aws_access_key_id": access_key,
        "aws_secret_access_key": secret_key,
    }
    async with session.create_client("dlm", **options) as dlm:
        answer = await dlm.get_lifecycle_policies(State="ENABLED")
        states = {p["PolicyId"]: p["State"] for p in answer["Policies"]}
        assert states == {i: s for i, s in seeded.dlm_policies.items() if s == "ENABLED"}
    (image_id,) = seeded.backup_images
    async with session.create_client("backup", **options) as backup:
        arn = f"arn:aws:ec2:{EAST}::image/{image_id}"
        point = await backup.describe_recovery_point(
            BackupVaultName="Default", RecoveryPointArn=arn
        )
        assert point["ResourceType"] == "EC2"


def test_the_checker_catches_drift() -> None:
    from botocore.session import get_session

    from tests.demo.shapes import ShapeMismatch, check_json, check_parsed

    model = get_session().get_service_model("dlm")
    shape = model.operation_model("GetLifecyclePolicies").output_shape
    check_json({"Policies": [{"PolicyId": "policy-0a", "DefaultPolicy": False}]}, shape)
    with pytest.raises(ShapeMismatch, match="Invented is not a member"):
        check_json({"Policies": [{"PolicyId": "policy-0a", "Invented": 1}]}, shape)
    with pytest.raises(ShapeMismatch, match="expected a boolean"):
        check_parsed({"Policies": [{"DefaultPolicy": "false"}]}, shape)
    with pytest.raises(ShapeMismatch, match="is not one of"):
        check_parsed({"Policies": [{"State": "PAUSED"}]}, shape)
    policy = model.operation_model("GetLifecyclePolicy").output_shape
    with pytest.raises(ShapeMismatch, match="ISO 8601"):
        check_json({"Policy": {"DateCreated": 1700000000}}, policy)
    backup = get_session().get_service_model("backup")
    described = backup.operation_model("DescribeRecoveryPoint").output_shape
    with pytest.raises(ShapeMismatch, match="number"):
        check_json({"CreationDate": "2026-01-01T00:00:00Z"}, described)


def test_ec2_refuses_to_delete_backup_snapshots(seeded: Planted, clients: Clients) -> None:
    ec2, _ = clients("ec2", EAST)
    for snapshot_id in seeded.backup_snapshots:
        with pytest.raises(ClientError) as caught:
            ec2.delete_snapshot(SnapshotId=snapshot_id)
        error = caught.value.response["Error"]
        assert error["Code"] == "InvalidParameterValue"
        assert error["Message"].startswith("This snapshot is managed by the AWS Backup service")
    assert set(_snapshots(clients, seeded.backup_snapshots, EAST)) == seeded.backup_snapshots
