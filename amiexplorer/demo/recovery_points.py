"""AWS Backup recovery points of EC2 resources, which moto's backup backend does not model.

moto keeps vaults and plans (``ListBackupVaults``, ``ListBackupPlans`` go to it); the recovery
points the seeder plants live here, keyed by account and region, and ``backup_api`` serves them.
An EBS recovery point is a snapshot (``arn:aws:ec2:REGION::snapshot/snap-...``), an EC2 one an
image (``arn:aws:ec2:REGION::image/ami-...``); both name the SOURCE resource (the volume or
instance ARN) they were taken of. ``backends.reset_backends`` empties the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

#: The tag AWS Backup puts on the EC2 snapshots and images it creates.
SOURCE_RESOURCE_TAG = "aws:backup:source-resource"
#: The descriptions AWS Backup writes on the snapshots and images it creates.
SNAPSHOT_DESCRIPTION = "This snapshot is created by the AWS Backup service."
IMAGE_DESCRIPTION = "This image is created by the AWS Backup service."
#: What EC2's DeleteSnapshot answers (InvalidParameterValue) for a snapshot AWS Backup made, as
#: quoted in cloud-custodian issue 9459 and openshift/installer pull request 9964.
NOT_DELETABLE = (
    "This snapshot is managed by the AWS Backup service and cannot be deleted via EC2 APIs. "
    "If you wish to delete this snapshot, please do so via the Backup console."
)
#: The role the AWS Backup console creates.
DEFAULT_ROLE = "service-role/AWSBackupDefaultServiceRole"


@dataclass(frozen=True)
class BackupRule:
    """Which plan and rule made a recovery point (DescribeRecoveryPoint's CreatedBy)."""

    plan_id: str
    plan_arn: str
    plan_name: str
    plan_version: str
    rule_id: str
    rule_name: str
    rule_cron: str
    rule_timezone: str = "Etc/UTC"


@dataclass(frozen=True)
class RecoveryPoint:
    """One recovery point in a backup vault."""

    arn: str
    account: str
    region: str
    vault_name: str
    vault_arn: str
    #: The ARN of the volume or instance backed up.
    resource_arn: str
    #: "EBS" or "EC2", as AWS Backup names resource types.
    resource_type: str
    resource_name: str
    created_by: BackupRule
    iam_role_arn: str
    creation_date: datetime
    completion_date: datetime
    size_bytes: int
    delete_after_days: int
    encryption_key_arn: str | None

    @property
    def delete_at(self) -> datetime:
        """When the lifecycle deletes it."""
        return self.creation_date + timedelta(days=self.delete_after_days)

    @property
    def resource_id(self) -> str:
        """The snapshot or image id the recovery point ARN ends with."""
        return self.arn.rsplit("/", 1)[-1]


def snapshot_arn(region: str, snapshot_id: str) -> str:
    """The recovery point ARN of an EBS snapshot (no account: EC2 snapshot ARNs have none)."""
    return f"arn:aws:ec2:{region}::snapshot/{snapshot_id}"


def image_arn(region: str, image_id: str) -> str:
    """The recovery point ARN of an image."""
    return f"arn:aws:ec2:{region}::image/{image_id}"


_lock = threading.Lock()
_points: dict[tuple[str, str], list[RecoveryPoint]] = {}


def reset() -> None:
    """Forget every recovery point."""
    with _lock:
        _points.clear()


def add(point: RecoveryPoint) -> None:
    """Register ``point``."""
    with _lock:
        _points.setdefault((point.account, point.region), []).append(point)


def in_region(region: str, account: str) -> list[RecoveryPoint]:
    """Every recovery point of ``account`` in ``region``, oldest first."""
    with _lock:
        found = list(_points.get((account, region), []))
    return sorted(found, key=lambda p: (p.creation_date, p.arn))


def all_points() -> list[RecoveryPoint]:
    """Every recovery point of every account and region."""
    with _lock:
        return [p for points in _points.values() for p in points]
