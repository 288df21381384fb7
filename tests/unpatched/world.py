"""A second world: what real accounts hold, planted over HTTP into an unpatched moto server.

Seeded with boto3 (the synchronous side), in two regions, and returned as a `Truth`: what was
planted and what the audit must say about it. moto's own behaviour shapes a few things:

- every image (CreateImage and RegisterImage alike) gets one 15 GiB snapshot of a volume moto
  creates and deletes at once; CreateImage's snapshot reads `Created by CreateImage(i-...) for
  ami-...` as in AWS, RegisterImage's `Auto-created snapshot for AMI ami-...` (no AWS text:
  after a deregistration only its deleted volume says it is an orphan);
- there is no Data Lifecycle Manager at all, so DLM's snapshots are planted as DLM leaves
  them (tags and description) on a volume deleted since: nobody can read the policy;
- AWS Backup in moto has no recovery points, so its snapshot and its image are planted with
  the tags and names Backup gives them;
- DescribeSnapshots ignores `RestorableByUserIds`: a bulk "public snapshots" listing returns
  every snapshot of the account, so the world holds one public snapshot among many private ones;
- DescribeImageAttribute lastLaunchedTime answers an HTML 500 page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import boto3

ACCOUNT_ID = "123456789012"  # moto's account for keys it did not issue
SHARED_WITH = "111122223333"
#: The regions the world lives in: the first holds most of it, as in real accounts.
REGIONS = ("eu-west-1", "us-west-2")
R1, R2 = REGIONS
GOLDEN_PARAMETER = "/golden/web"
#: Private snapshots of live volumes planted beside the one public snapshot.
PRIVATE_SNAPSHOTS = 20
KEYS = {"aws_access_key_id": "AKIAFAKEFAKEFAKE", "aws_secret_access_key": "fake-secret"}


@dataclass(frozen=True)
class Truth:
    """What was planted, by id; `region_of` says where each resource lives."""

    regions: tuple[str, ...]
    region_of: dict[str, str]
    instances_running: frozenset[str]
    instances_stopped: frozenset[str]
    instances_terminated: frozenset[str]
    volumes_attached: frozenset[str]
    volumes_available: frozenset[str]
    #: Snapshots whose volume still exists (none of them orphaned).
    snapshots_of_live_volumes: frozenset[str]
    #: Snapshots of registered images (held by them).
    image_snapshots: frozenset[str]
    #: True orphans: their volume was deleted and no image holds them, or their image was
    #: deregistered; nothing manages them.
    orphaned_snapshots: frozenset[str]
    #: Images used by a running or stopped instance.
    images_run_by_instances: frozenset[str]
    #: Used only by a launch template version (by id), not its default version.
    image_in_launch_template: str
    #: Used only by a launch configuration.
    image_in_launch_configuration: str
    #: True unused images: nothing uses them (one of them ran only on a terminated instance).
    unused_images: frozenset[str]
    #: Made by Data Lifecycle Manager, their volume deleted since (DLM expires them).
    dlm_snapshots: frozenset[str]
    #: An AWS Backup recovery point (EC2 refuses to delete it), its volume deleted since.
    backup_snapshots: frozenset[str]
    #: An AMI AWS Backup made (`AwsBackup_i-...`), used by nothing.
    backup_image: str
    #: A golden image used only through the SSM parameter that a launch template resolves.
    golden_image: str
    public_snapshot: str
    public_image: str
    shared_image: str
    #: Every image still registered, and every snapshot, that the account owns.
    images: frozenset[str]
    snapshots: frozenset[str]

    @property
    def managed(self) -> frozenset[str]:
        """Resources DLM, AWS Backup or an SSM parameter look after: never leftovers."""
        return self.dlm_snapshots | self.backup_snapshots | {self.backup_image, self.golden_image}


class _Region:
    """The clients of one region and the planting steps the world is made of."""

    def __init__(self, endpoint: str, region: str, region_of: dict[str, str]) -> None:
        options: dict[str, Any] = {"endpoint_url": endpoint, "region_name": region, **KEYS}
        self.name = region
        self.zone = f"{region}a"
        self.ec2 = boto3.client("ec2", **options)
        self.ssm = boto3.client("ssm", **options)
        self.autoscaling = boto3.client("autoscaling", **options)
        self.region_of = region_of

    def _note(self, resource_id: str) -> str:
        self.region_of[resource_id] = self.name
        return resource_id

    def register_image(self, name: str, tags: dict[str, str] | None = None) -> str:
        image_id = self.ec2.register_image(
            Name=name,
            Architecture="x86_64",
            RootDeviceName="/dev/xvda",
            VirtualizationType="hvm",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
        )["ImageId"]
        self.tag(image_id, tags)
        self._note(self.image_snapshot(image_id))
        return self._note(image_id)

    def create_image(self, instance_id: str, name: str, tags: dict[str, str] | None = None) -> str:
        image_id = self.ec2.create_image(InstanceId=instance_id, Name=name, NoReboot=True)[
            "ImageId"
        ]
        self.tag(image_id, tags)
        snapshot_id = self.image_snapshot(image_id)
        self.tag(snapshot_id, tags)
        self._note(snapshot_id)
        return self._note(image_id)

    def image_snapshot(self, image_id: str) -> str:
        image = self.ec2.describe_images(ImageIds=[image_id])["Images"][0]
        (snapshot_id,) = [
            m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if "Ebs" in m
        ]
        return str(snapshot_id)

    def tag(self, resource_id: str, tags: dict[str, str] | None) -> None:
        if tags:
            self.ec2.create_tags(
                Resources=[resource_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
            )

    def run(self, image_id: str, name: str) -> tuple[str, str]:
        """(instance id, root volume id)."""
        instance = self.ec2.run_instances(
            ImageId=image_id,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            Placement={"AvailabilityZone": self.zone},
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["Instances"][0]
        root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        return self._note(instance["InstanceId"]), self._note(root)

    def volume(self, size: int, kind: str = "gp3", name: str = "") -> str:
        tags = [{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}]
        volume_id = self.ec2.create_volume(
            AvailabilityZone=self.zone,
            Size=size,
            VolumeType=kind,
            TagSpecifications=tags if name else [],
        )["VolumeId"]
        return self._note(volume_id)

    def snapshot(self, volume_id: str, description: str, tags: dict[str, str] | None = None) -> str:
        pairs = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
        specs = [{"ResourceType": "snapshot", "Tags": pairs}] if pairs else []
        snapshot_id = self.ec2.create_snapshot(
            VolumeId=volume_id, Description=description, TagSpecifications=specs
        )["SnapshotId"]
        return self._note(snapshot_id)


def _dlm_tags(policy: str, schedule: str) -> dict[str, str]:
    return {
        "aws:dlm:lifecycle-policy-id": policy,
        "aws:dlm:lifecycle-schedule-name": schedule,
        "dlm:managed": "true",
        "Name": "nightly",
    }


def seed_unpatched_world(endpoint: str) -> Truth:
    """Plant the world into the (freshly reset) moto server at `endpoint`."""
    region_of: dict[str, str] = {}
    one, two = _Region(endpoint, R1, region_of), _Region(endpoint, R2, region_of)
    running: set[str] = set()
    stopped: set[str] = set()
    terminated: set[str] = set()
    attached: set[str] = set()
    available: set[str] = set()
    live_snapshots: set[str] = set()
    orphans: set[str] = set()
    dlm: set[str] = set()
    backup: set[str] = set()
    unused: set[str] = set()
    deregistered_snapshots: set[str] = set()

    # Region one: a web fleet, its images, templates, golden image and leftovers ------------
    base = one.register_image("base-al2023-2026-10")
    public_image = one.register_image("public-demo-2026-09")
    shared_image = one.register_image("partner-build-2026-08")
    one.ec2.modify_image_attribute(
        ImageId=public_image, LaunchPermission={"Add": [{"Group": "all"}]}
    )
    one.ec2.modify_image_attribute(
        ImageId=shared_image, LaunchPermission={"Add": [{"UserId": SHARED_WITH}]}
    )
    web, web_root = one.run(base, "web-1")
    demo, demo_root = one.run(public_image, "public-demo")
    partner, partner_root = one.run(shared_image, "partner")
    one.ec2.stop_instances(InstanceIds=[partner])
    running |= {web, demo}
    stopped.add(partner)
    attached |= {web_root, demo_root, partner_root}

    # Ran only on an instance terminated since: unused.
    retired_image = one.register_image("retired-2025-01")
    retired, _retired_root = one.run(retired_image, "retired")  # its root goes with it
    one.ec2.terminate_instances(InstanceIds=[retired])
    region_of.pop(_retired_root, None)
    terminated.add(retired)
    unused.add(retired_image)

    data = one.volume(100, "gp3", "web-data")
    one.ec2.attach_volume(VolumeId=data, InstanceId=web, Device="/dev/sdf")
    attached.add(data)
    scratch = one.volume(50, "gp2", "scratch")
    available.add(scratch)

    # Snapshots of live volumes: 20 private, one public.
    for day in range(PRIVATE_SNAPSHOTS):
        live_snapshots.add(one.snapshot(data, f"web-data manual backup {day + 1}"))
    public_snapshot = one.snapshot(scratch, "scratch dataset, shared with everyone")
    one.ec2.modify_snapshot_attribute(
        SnapshotId=public_snapshot,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    live_snapshots |= {public_snapshot, one.snapshot(web_root, "before the kernel upgrade")}

    # Snapshots of a volume deleted since: true orphans.
    gone = one.volume(200, "gp3", "old-db")
    orphans |= {one.snapshot(gone, "old-db final"), one.snapshot(gone, "old-db weekly")}
    one.ec2.delete_volume(VolumeId=gone)

    # Data Lifecycle Manager's snapshots of a volume deleted since (DLM expires them).
    logs = one.volume(30, "gp3", "logs")
    for schedule in ("Daily", "Weekly"):
        dlm.add(
            one.snapshot(
                logs,
                f"Created for policy: policy-0a1b2c3d4e5f60718 schedule: {schedule}",
                _dlm_tags("policy-0a1b2c3d4e5f60718", schedule),
            )
        )
    one.ec2.delete_volume(VolumeId=logs)

    # An AWS Backup recovery point of a volume deleted since.
    reports = one.volume(40, "gp3", "reports")
    arn = f"arn:aws:ec2:{R1}:{ACCOUNT_ID}:volume/{reports}"
    backup.add(
        one.snapshot(
            reports,
            "This snapshot is created by the AWS Backup service.",
            {"aws:backup:source-resource": arn},
        )
    )
    one.ec2.delete_volume(VolumeId=reports)

    # An AMI AWS Backup made of the web instance: used by nothing, managed by Backup.
    backup_image = one.create_image(
        web,
        f"AwsBackup_{web}_{uuid.uuid4().hex[:8].upper()}",
        {"aws:backup:source-resource": f"arn:aws:ec2:{R1}:{ACCOUNT_ID}:instance/{web}"},
    )

    # Images made from the web instance: one only a (non-default) template version names,
    # one deregistered since whose snapshot stays behind.
    template_image = one.create_image(web, "web-2026-10-01")
    deregistered = one.create_image(web, "web-2026-07-01")
    deregistered_snapshots.add(one.image_snapshot(deregistered))
    one.ec2.deregister_image(ImageId=deregistered)
    region_of.pop(deregistered)
    template = one.ec2.create_launch_template(
        LaunchTemplateName="web",
        LaunchTemplateData={"ImageId": template_image, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    one.ec2.create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": base}
    )
    one.ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion="2")
    region_of[template] = R1

    # A golden image used only through an SSM parameter a launch template resolves.
    golden = one.register_image("golden-web-2026-11")
    one.ssm.put_parameter(
        Name=GOLDEN_PARAMETER, Value=golden, Type="String", DataType="aws:ec2:image"
    )
    golden_template = one.ec2.create_launch_template(
        LaunchTemplateName="golden-web",
        LaunchTemplateData={"ImageId": f"resolve:ssm:{GOLDEN_PARAMETER}"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    region_of[golden_template] = R1

    nothing = one.register_image("experiment-2026-03")
    unused.add(nothing)

    # Region two: a small fleet, a launch configuration, a registered image deregistered ---
    base2 = two.register_image("base-al2023-2026-10")
    api, api_root = two.run(base2, "api-1")
    running.add(api)
    attached.add(api_root)
    spare = two.volume(500, "st1", "spare")
    available.add(spare)
    live_snapshots.add(two.snapshot(api_root, "api root before the upgrade"))
    lost = two.volume(20, "gp2", "lost")
    orphans.add(two.snapshot(lost, "lost volume"))
    two.ec2.delete_volume(VolumeId=lost)
    cache = two.volume(10, "gp3", "cache")
    dlm.add(
        two.snapshot(
            cache,
            "Created for policy: policy-09f8e7d6c5b4a3921 schedule: Hourly",
            _dlm_tags("policy-09f8e7d6c5b4a3921", "Hourly"),
        )
    )
    two.ec2.delete_volume(VolumeId=cache)
    lc_image = two.register_image("batch-2026-06")
    two.autoscaling.create_launch_configuration(
        LaunchConfigurationName="batch-2026-06", ImageId=lc_image, InstanceType="t3.micro"
    )
    old = two.register_image("api-2025-12")
    deregistered_snapshots.add(two.image_snapshot(old))
    two.ec2.deregister_image(ImageId=old)
    region_of.pop(old)
    unused.add(two.register_image("abandoned-2026-02"))

    orphans |= deregistered_snapshots
    images = {
        base,
        public_image,
        shared_image,
        retired_image,
        backup_image,
        template_image,
        golden,
        nothing,
        base2,
        lc_image,
        *(i for i in unused),
    }
    image_snapshots = {one.image_snapshot(i) for i in images if region_of[i] == R1}
    image_snapshots |= {two.image_snapshot(i) for i in images if region_of[i] == R2}
    snapshots = live_snapshots | orphans | dlm | backup | image_snapshots
    return Truth(
        regions=REGIONS,
        region_of=region_of,
        instances_running=frozenset(running),
        instances_stopped=frozenset(stopped),
        instances_terminated=frozenset(terminated),
        volumes_attached=frozenset(attached),
        volumes_available=frozenset(available),
        snapshots_of_live_volumes=frozenset(live_snapshots),
        image_snapshots=frozenset(image_snapshots),
        orphaned_snapshots=frozenset(orphans),
        images_run_by_instances=frozenset({base, public_image, shared_image, base2}),
        image_in_launch_template=template_image,
        image_in_launch_configuration=lc_image,
        unused_images=frozenset(unused),
        dlm_snapshots=frozenset(dlm),
        backup_snapshots=frozenset(backup),
        backup_image=backup_image,
        golden_image=golden,
        public_snapshot=public_snapshot,
        public_image=public_image,
        shared_image=shared_image,
        images=frozenset(images),
        snapshots=frozenset(snapshots),
    )
