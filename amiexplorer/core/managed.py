"""Resources another AWS service made and owns: Data Lifecycle Manager, AWS Backup, Image Builder.

Pure: read from a snapshot's or image's own tags, description and name, as each service
writes them (see the notes in each constant). Whether a DLM policy still exists is evidence
of its own (`evidence.Evidence`); `dlm_standing` combines the two.

- **Data Lifecycle Manager** tags what its policies make with `aws:dlm:lifecycle-policy-id`
  and `aws:dlm:lifecycle-schedule-name` (and `dlm:managed=true`), and describes snapshots
  "Created for policy: policy-… schedule: …" (AWS, "Automate backups with Amazon Data
  Lifecycle Manager", "Tags applied by Amazon Data Lifecycle Manager"). It deletes them by
  its retention rules while the policy exists and is enabled; a deleted or disabled policy
  deletes nothing, so what it made then stays (and is billed) for ever.
- **AWS Backup** makes EBS recovery points as EC2 snapshots tagged `aws:backup:source-resource`
  (the ARN of the volume or instance backed up) and described "This snapshot is created by
  the AWS Backup service.", and EC2 recovery points as AMIs named `AwsBackup_…`. EC2 refuses
  to delete them ("This snapshot is managed by the AWS Backup service and cannot be deleted
  via EC2 APIs"): they go when their recovery point is deleted in AWS Backup.
- **EC2 Image Builder** tags the images its pipelines make with `Ec2ImageBuilderArn` (the
  ARN of the Image Builder image). Informational: an old build nobody uses is a leftover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from amiexplorer.core.models import Image, Snapshot, Tags, tag_value

DLM_POLICY_TAG = "aws:dlm:lifecycle-policy-id"
DLM_SCHEDULE_TAG = "aws:dlm:lifecycle-schedule-name"
BACKUP_SOURCE_TAG = "aws:backup:source-resource"
#: The start of the description AWS Backup gives the EBS snapshots it makes.
BACKUP_DESCRIPTION = "This snapshot is created by the AWS Backup service"
#: The start of the name AWS Backup gives the AMIs it makes.
BACKUP_IMAGE_PREFIX = "AwsBackup_"
IMAGE_BUILDER_TAG = "Ec2ImageBuilderArn"

#: EC2's own words when it refuses to delete a recovery point (DeleteSnapshot / DeregisterImage).
BACKUP_REFUSAL = (
    "This snapshot is managed by the AWS Backup service and cannot be deleted via EC2 APIs"
)

_DLM_DESCRIPTION = re.compile(r"Created for policy: (policy-[0-9a-zA-Z]+) schedule: (.+?)\s*$")
# arn:aws:imagebuilder:eu-west-1:123456789012:image/web-recipe/1.0.0/1
_BUILDER_ARN = re.compile(r":image/(?P<recipe>[^/]+)/(?P<version>[^/]+)(?:/(?P<build>[^/]+))?$")


class Manager(StrEnum):
    """The service that made a resource and decides when it goes."""

    DLM = "dlm"
    BACKUP = "backup"
    IMAGE_BUILDER = "image-builder"

    @property
    def service_name(self) -> str:
        """The service's name, as AWS writes it."""
        return _TITLES[self]


_TITLES = {
    Manager.DLM: "Data Lifecycle Manager",
    Manager.BACKUP: "AWS Backup",
    Manager.IMAGE_BUILDER: "EC2 Image Builder",
}


@dataclass(frozen=True, slots=True)
class Management:
    """Which service made a resource, and what it said about it."""

    manager: Manager
    #: DLM: the policy id; AWS Backup: the source resource's ARN (when tagged); Image
    #: Builder: the Image Builder image ARN.
    reference: str | None = None
    #: DLM: the schedule that made it.
    schedule: str | None = None

    @property
    def protects(self) -> bool:
        """True for services that decide themselves when the resource goes (not a leftover)."""
        return self.manager in (Manager.DLM, Manager.BACKUP)

    def describe(self) -> str:
        """In words, for details and reasons."""
        if self.manager is Manager.DLM:
            schedule = f" (schedule {self.schedule})" if self.schedule else ""
            return f"DLM policy {self.reference or '(unknown id)'}{schedule}"
        if self.manager is Manager.BACKUP:
            # arn:aws:ec2:REGION:ACCOUNT:volume/vol-… -> vol-…
            source = f" of {self.reference.rpartition('/')[2]}" if self.reference else ""
            return f"an AWS Backup recovery point{source}"
        recipe = image_builder_recipe(self.reference)
        return f"EC2 Image Builder ({recipe})" if recipe else "EC2 Image Builder"


def _dlm(tags: Tags, description: str) -> Management | None:
    policy = tag_value(tags, DLM_POLICY_TAG)
    schedule = tag_value(tags, DLM_SCHEDULE_TAG)
    found = _DLM_DESCRIPTION.search(description or "")
    if policy is None:
        if found is None:
            return None
        policy = found.group(1)
    if schedule is None and found is not None and found.group(1) == policy:
        schedule = found.group(2)
    return Management(Manager.DLM, policy, schedule)


def management_of(resource: Snapshot | Image) -> Management | None:
    """The service that made `resource`, from its tags, description and name; None if none."""
    tags = resource.tags
    source = tag_value(tags, BACKUP_SOURCE_TAG)
    if isinstance(resource, Snapshot):
        if source is not None or resource.description.startswith(BACKUP_DESCRIPTION):
            return Management(Manager.BACKUP, source)
        return _dlm(tags, resource.description)
    if source is not None or (resource.name or "").startswith(BACKUP_IMAGE_PREFIX):
        return Management(Manager.BACKUP, source)
    dlm = _dlm(tags, resource.description)
    if dlm is not None:
        return dlm
    builder = tag_value(tags, IMAGE_BUILDER_TAG)
    if builder is not None:
        return Management(Manager.IMAGE_BUILDER, builder)
    return None


def image_builder_recipe(arn: str | None) -> str | None:
    """ "web-recipe 1.0.0 (build 1)" from an Image Builder image ARN, or None."""
    found = _BUILDER_ARN.search(arn or "")
    if found is None:
        return None
    build = f" (build {found.group('build')})" if found.group("build") else ""
    return f"{found.group('recipe')} {found.group('version')}{build}"


def recovery_point_arn(resource: Snapshot | Image) -> str:
    """The ARN AWS Backup gives the recovery point that is this snapshot or image."""
    kind = "snapshot" if isinstance(resource, Snapshot) else "image"
    return f"arn:aws:ec2:{resource.region}::{kind}/{resource.id}"
