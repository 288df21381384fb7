"""Resources other services manage, planted so that a naive audit gets each one wrong.

Real accounts hold snapshots and images that Data Lifecycle Manager, AWS Backup and EC2 Image
Builder made, and images that only an SSM parameter names. moto models none of these links; the
demo keeps DLM policies (``dlm``) and Backup recovery points (``recovery_points``) itself and puts
the tags, descriptions and parameters those services really write on moto's resources:

- an ENABLED DLM snapshot policy ("daily") with snapshots of a live volume and of a volume
  deleted since ("source volume deleted", says a naive rule: DLM will expire them); an ENABLED
  DLM AMI policy with the one image it keeps, which nothing runs;
- a DISABLED DLM policy with snapshots of a deleted volume, and snapshots naming a DLM policy
  that no longer exists: real leftovers, nothing will ever expire them;
- AWS Backup recovery points in the vault "Default" of a weekly plan: EBS snapshots of a deleted
  volume, and an ``AwsBackup_i-..._UUID`` image of an instance that runs another image;
- golden images only SSM parameters hold: ``/golden/web`` (aws:ec2:image) resolved by a launch
  template (``resolve:ssm:/golden/web``), ``/golden/api`` whose version 1 a launch template pins
  (``resolve:ssm:/golden/api:1``) and whose version 2 is current, and ``/ci/last-good-ami``
  (a plain text parameter);
- an EC2 Image Builder image (tags ``CreatedBy`` and ``Ec2ImageBuilderArn``), unused.

Ids come from moto's seeded random source: the same seed and now give the same world.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo import dlm, recovery_points
from amiexplorer.demo.backends import backup_backend, ssm_backend
from amiexplorer.demo.builders import KEY_PAIR, RegionKit
from amiexplorer.demo.constants import DEMO_ACCOUNT_ID
from amiexplorer.demo.fleet import API, DATA, DEVEX, INFRA, WEB, Disk, Team
from amiexplorer.demo.recovery_points import BackupRule, RecoveryPoint
from amiexplorer.demo.rest import epoch

#: The parameters and launch templates of the SSM cases.
GOLDEN_WEB = "/golden/web"
GOLDEN_API = "/golden/api"
LAST_GOOD_AMI = "/ci/last-good-ami"
#: The Image Builder image resource the Image Builder AMI was made as.
IMAGE_BUILDER_IMAGE = "image/web-recipe/1.0.0/1"

_GiB = 2**30


def _role(name: str) -> str:
    return f"arn:aws:iam::{DEMO_ACCOUNT_ID}:role/{name}"


def _at(kit: RegionKit, days_ago: float, hour: int, minute: int = 7) -> datetime:
    """A scheduled run ``days_ago`` days before now, at ``hour``:``minute`` UTC."""
    day = kit.calendar.now - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _volume(kit: RegionKit, name: str, size: int, age: int, team: Team, **tags: str) -> Any:
    """An unattached gp3 volume called ``name``, created ``age`` days ago."""
    disk = Disk("/dev/sdf", size, "gp3", encrypted=True, name=name)
    return kit.volume(disk, kit.calendar.at(age), {"Name": name, "Team": team.team, **tags})


def _dlm_snapshots(
    kit: RegionKit,
    volume: Any,
    policy_id: str,
    schedule: str,
    times: list[datetime],
    added: dict[str, str] | None = None,
) -> list[Any]:
    """Snapshots DLM took of ``volume``: its tags (CopyTags), the schedule's TagsToAdd
    (``added``), DLM's own tags and description."""
    tags = {**kit.ec2.tags.get(volume.id, {}), **(added or {})}
    tags.update(dlm.dlm_tags(policy_id, schedule))
    description = dlm.dlm_description(policy_id, schedule)
    return [kit.snapshot(volume, description, when, tags) for when in times]


def _dlm_copies(kit: RegionKit, snapshots: list[Any], policy_id: str, schedule: str) -> None:
    """The policy's cross-region copy rule: copies in the DR region, tagged as the policy tags
    what it makes. They name a policy of another region (the one they came from)."""
    for source in snapshots:
        copy = kit.ec2.copy_snapshot(source.id, source.ec2_backend.region_name, None, None)
        copy.start_time = source.start_time
        tags = {**kit.ec2.tags.get(source.id, {}), **dlm.dlm_tags(policy_id, schedule)}
        copy.add_tags(tags)


def _dlm(kits: dict[str, RegionKit], instances: dict[str, Any]) -> None:
    """The DLM cases: two enabled policies, a disabled one, and a policy deleted long ago."""
    east, west = kits["us-east-1"], kits["us-west-2"]
    daily = dlm.create_policy(
        "us-east-1",
        "Daily snapshots of volumes tagged Backup dlm-daily kept 14 days",
        "ENABLED",
        _role(dlm.DEFAULT_ROLE),
        {
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "ResourceLocations": ["CLOUD"],
            "TargetTags": [{"Key": "Backup", "Value": "dlm-daily"}],
            "Schedules": [
                {
                    "Name": "daily",
                    "CopyTags": True,
                    "TagsToAdd": [{"Key": "SnapshotCreator", "Value": "dlm"}],
                    "CreateRule": {
                        "Location": "CLOUD",
                        "Interval": 24,
                        "IntervalUnit": "HOURS",
                        "Times": ["03:00"],
                    },
                    "RetainRule": {"Interval": 14, "IntervalUnit": "DAYS"},
                }
            ],
        },
        {"Team": INFRA.team},
        created=east.calendar.at(400),
    )
    grafana = instances["grafana"]
    live = east.ec2.get_volume(dict(grafana.get_block_device_mapping)["/dev/sdf"].volume_id)
    live.add_tags({"Backup": "dlm-daily"})
    added = {"SnapshotCreator": "dlm"}
    times = [_at(east, d, 3) for d in (3, 2, 1)]
    made = _dlm_snapshots(east, live, daily.policy_id, "daily", times, added)
    _dlm_copies(kits["eu-west-1"], made[-2:], daily.policy_id, "daily")
    gone = _volume(east, "metrics-scratch", 200, 150, INFRA, Backup="dlm-daily")
    times = [_at(east, d, 3) for d in (6, 5, 4)]
    _dlm_snapshots(east, gone, daily.policy_id, "daily", times, added)
    east.ec2.delete_volume(gone.id)

    amis = dlm.create_policy(
        "us-east-1",
        "Daily AMI of instances tagged Backup dlm-ami keep 1",
        "ENABLED",
        _role(dlm.DEFAULT_IMAGE_ROLE),
        {
            "PolicyType": "IMAGE_MANAGEMENT",
            "ResourceTypes": ["INSTANCE"],
            "TargetTags": [{"Key": "Backup", "Value": "dlm-ami"}],
            "Schedules": [
                {
                    "Name": "daily",
                    "CopyTags": True,
                    "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["04:00"]},
                    "RetainRule": {"Count": 1},
                }
            ],
            "Parameters": {"NoReboot": True},
        },
        {"Team": INFRA.team},
        created=east.calendar.at(90),
    )
    bastion = instances["bastion"]
    bastion.add_tags({"Backup": "dlm-ami"})
    when = _at(east, 1, 4)
    image = east.ec2.create_image(
        bastion.id,
        f"bastion-dlm-daily-{when:%Y-%m-%dT%H-%M-%S}",
        dlm.dlm_description(amis.policy_id, "daily"),
        tag_specifications=[],
    )
    east.redate_image(image, when)
    image.add_tags({**east.ec2.tags.get(bastion.id, {}), **dlm.dlm_tags(amis.policy_id, "daily")})

    paused = dlm.create_policy(
        "us-east-1",
        "Build cache snapshots every 12 hours paused",
        "DISABLED",
        _role(dlm.DEFAULT_ROLE),
        {
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "ResourceLocations": ["CLOUD"],
            "TargetTags": [{"Key": "Backup", "Value": "dlm-build-cache"}],
            "Schedules": [
                {
                    "Name": "every-12h",
                    "CopyTags": True,
                    "CreateRule": {"Interval": 12, "IntervalUnit": "HOURS", "Times": ["06:00"]},
                    "RetainRule": {"Count": 4},
                }
            ],
        },
        {"Team": DEVEX.team},
        created=east.calendar.at(300),
    )
    paused.date_modified = east.calendar.at(110)
    cache = _volume(east, "build-cache-2025", 300, 250, DEVEX, Backup="dlm-build-cache")
    times = [_at(east, 112, 18), _at(east, 111, 6)]
    _dlm_snapshots(east, cache, paused.policy_id, "every-12h", times)
    east.ec2.delete_volume(cache.id)

    # A policy deleted long ago: its id lives on only in the tags of what it made.
    deleted = dlm.new_policy_id()
    state = _volume(west, "kafka-connect-state", 100, 420, DATA, Backup="dlm-weekly")
    _dlm_snapshots(west, state, deleted, "weekly", [_at(west, 310, 2), _at(west, 303, 2)])
    west.ec2.delete_volume(state.id)

    # An AMI policy deleted too: the last image it made is run by nothing, and nothing will
    # deregister it.
    retired = dlm.new_policy_id()
    when = _at(east, 200, 4)
    orphan = east.ec2.create_image(
        bastion.id,
        f"bastion-dlm-weekly-{when:%Y-%m-%dT%H-%M-%S}",
        dlm.dlm_description(retired, "weekly"),
        tag_specifications=[],
    )
    east.redate_image(orphan, when)
    orphan.add_tags({"Name": "bastion-weekly", **dlm.dlm_tags(retired, "weekly")})


def _backup(east: RegionKit, instances: dict[str, Any]) -> None:
    """AWS Backup: the vault "Default", a weekly plan, and three recovery points."""
    backend = backup_backend("us-east-1")
    vault = backend.create_backup_vault("Default", {}, east.kms_key_arn, None)
    vault.creation_date = epoch(east.calendar.at(500))
    cron = "cron(0 5 ? * SUN *)"
    plan = backend.create_backup_plan(
        {
            "BackupPlanName": "weekly-35d",
            "Rules": [
                {
                    "RuleName": "WeeklyBackups",
                    "TargetBackupVaultName": "Default",
                    "ScheduleExpression": cron,
                    "StartWindowMinutes": 60,
                    "CompletionWindowMinutes": 180,
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        },
        {"Team": INFRA.team},
        None,
    )
    plan.creation_date = epoch(east.calendar.at(500))
    rule = plan.backup_plan["Rules"][0]
    created_by = BackupRule(
        plan.backup_plan_id, plan.backup_plan_arn, "weekly-35d", plan.version_id,
        rule["RuleId"], "WeeklyBackups", cron,
    )  # fmt: skip

    def point(arn: str, source: str, kind: str, name: str, when: datetime, size: int) -> None:
        recovery_points.add(
            RecoveryPoint(
                arn=arn, account=DEMO_ACCOUNT_ID, region="us-east-1", vault_name="Default",
                vault_arn=vault.backup_vault_arn, resource_arn=source, resource_type=kind,
                resource_name=name, created_by=created_by,
                iam_role_arn=_role(recovery_points.DEFAULT_ROLE), creation_date=when,
                completion_date=when + timedelta(minutes=9), size_bytes=size * _GiB,
                delete_after_days=35, encryption_key_arn=east.kms_key_arn,
            )
        )  # fmt: skip

    archive = _volume(east, "billing-archive", 250, 500, DATA)
    volume_arn = f"arn:aws:ec2:us-east-1:{DEMO_ACCOUNT_ID}:volume/{archive.id}"
    for days in (16, 9):
        when = _at(east, days, 5, 12)
        tags = {recovery_points.SOURCE_RESOURCE_TAG: volume_arn, "Name": "billing-archive"}
        snapshot = east.snapshot(archive, recovery_points.SNAPSHOT_DESCRIPTION, when, tags)
        arn = recovery_points.snapshot_arn("us-east-1", snapshot.id)
        point(arn, volume_arn, "EBS", "billing-archive", when, 250)
    east.ec2.delete_volume(archive.id)

    from moto.moto_api._internal import mock_random

    jenkins = instances["jenkins-controller"]
    instance_arn = f"arn:aws:ec2:us-east-1:{DEMO_ACCOUNT_ID}:instance/{jenkins.id}"
    when = _at(east, 9, 5, 20)
    image = east.ec2.create_image(
        jenkins.id,
        f"AwsBackup_{jenkins.id}_{mock_random.uuid4()}",
        recovery_points.IMAGE_DESCRIPTION,
        tag_specifications=[],
    )
    east.redate_image(image, when)
    image.add_tags({recovery_points.SOURCE_RESOURCE_TAG: instance_arn})
    size = sum(east.ec2.get_volume(b.volume_id).size for _d, b in jenkins.get_block_device_mapping)
    arn = recovery_points.image_arn("us-east-1", image.id)
    point(arn, instance_arn, "EC2", "jenkins-controller", when, size)
    vault.num_of_recovery_points = 3


def _bake(
    kit: RegionKit, images: dict[str, Any], name: str, description: str, days: int, team: Team
) -> Any:
    """An image built on base v42 ``days`` ago, with a 30 GiB encrypted root."""
    created = kit.calendar.at(days)
    base = images["base-v42"]
    root = (Disk("/dev/xvda", 30, "gp3", True),)
    named = name.format(date=f"{created:%Y.%m.%d}")
    image = kit.bake(named, description, root, base, base.id, "x86_64", created)
    image.add_tags({"Team": team.team, "BuildDate": f"{created:%Y-%m-%d}"})
    return image


def _put(region: str, name: str, value: str, data_type: str, when: datetime, note: str) -> None:
    """Put a String parameter (a new version if it exists) dated ``when``."""
    ssm = ssm_backend(region)
    exists = bool(dict.get(ssm._parameters, name))
    parameter = ssm.put_parameter(
        name, note, value, "String", None, None, exists, [], data_type, None, None
    )
    parameter.last_modified_date = when


def _template(kit: RegionKit, name: str, image_ref: str, kind: str, when: datetime) -> Any:
    """A one-version launch template whose ImageId is ``image_ref`` (``resolve:ssm:...``)."""
    data = {
        "ImageId": image_ref,
        "InstanceType": kind,
        "KeyName": KEY_PAIR,
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": [{"Key": "Template", "Value": name}]}
        ],
    }
    template = kit.ec2.create_launch_template(name, "golden image from Parameter Store", data, {})
    template.create_time = when
    template.versions[-1].create_time = when
    return template


def _parameters(east: RegionKit, images: dict[str, Any]) -> None:
    """Golden images only SSM parameters name, and launch templates that resolve them."""
    web = _bake(east, images, "web-golden-{date}", "Web tier golden image, build 1871", 14, WEB)
    api_v1 = _bake(east, images, "api-golden-{date}-1", "API golden image, build 1012", 40, API)
    api_v2 = _bake(east, images, "api-golden-{date}-2", "API golden image, build 1033", 12, API)
    ci = _bake(east, images, "ci-build-{date}-1873", "CI candidate, build 1873", 3, DEVEX)
    _put("us-east-1", GOLDEN_WEB, web.id, "aws:ec2:image", web.creation_date,
         "Golden image of the web tier")  # fmt: skip
    _put("us-east-1", GOLDEN_API, api_v1.id, "aws:ec2:image", api_v1.creation_date,
         "Golden image of the API tier")  # fmt: skip
    _put("us-east-1", GOLDEN_API, api_v2.id, "aws:ec2:image", api_v2.creation_date,
         "Golden image of the API tier")  # fmt: skip
    _put("us-east-1", LAST_GOOD_AMI, ci.id, "text", ci.creation_date,
         "Last image that passed the CI smoke tests")  # fmt: skip
    later = timedelta(hours=2)
    _template(east, "web-golden", f"resolve:ssm:{GOLDEN_WEB}", "m6i.large",
              web.creation_date + later)  # fmt: skip
    _template(east, "api-pinned", f"resolve:ssm:{GOLDEN_API}:1", "c6i.large",
              api_v1.creation_date + later)  # fmt: skip


def _image_builder(east: RegionKit, images: dict[str, Any]) -> None:
    """An image EC2 Image Builder made (its distribution names it after the recipe), unused."""
    created = east.calendar.at(26)
    base = images["base-v42"]
    root = (Disk("/dev/xvda", 30, "gp3", True),)
    name = f"web-recipe {created:%Y-%m-%dT%H-%M-%S}.000Z"
    image = east.bake(name, "Web tier recipe", root, base, base.id, "x86_64", created)
    arn = f"arn:aws:imagebuilder:us-east-1:{DEMO_ACCOUNT_ID}:{IMAGE_BUILDER_IMAGE}"
    # The two tags Image Builder adds to every AMI it distributes (its user guide, "Tag
    # resources"): https://docs.aws.amazon.com/imagebuilder/latest/userguide/tag-resources.html
    image.add_tags({"CreatedBy": "EC2 Image Builder", "Ec2ImageBuilderArn": arn,
                    "Team": WEB.team})  # fmt: skip


def plant(kits: dict[str, RegionKit], images: dict[str, Any], instances: dict[str, Any]) -> None:
    """Plant every managed case into the seeded fleet."""
    east = kits["us-east-1"]
    _dlm(kits, instances)
    _backup(east, instances)
    _parameters(east, images)
    _image_builder(east, images)
