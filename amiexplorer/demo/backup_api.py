"""AWS Backup's recovery-point reads over HTTP; every other Backup operation goes to moto.

- ``ListRecoveryPointsByResource`` (GET /resources/{resourceArn}/recovery-points/), keyed by the
  SOURCE resource: the volume or instance that was backed up;
- ``DescribeRecoveryPoint`` (GET /backup-vaults/{backupVaultName}/recovery-points/{arn}).

Shapes follow botocore's ``backup`` model (tests walk every answer against it); dates are
REST-JSON's default, seconds since the epoch. Backup's errors are HTTP 400 (its model gives them
no status; the API reference lists 400 for each). ``Unsupported resource type: ARN`` is AWS's
own text (quoted in aws/aws-sdk-go-v2 issue 1912); AWS documents no message for a recovery point
or vault that does not exist, so those below are the demo's own.
"""

from __future__ import annotations

import re
from typing import Any

from amiexplorer.demo import recovery_points
from amiexplorer.demo.faults import FaultResponse, rest_json_error
from amiexplorer.demo.recovery_points import RecoveryPoint
from amiexplorer.demo.rest import Handler, RestRequest, epoch, json_answer

_ARN = re.compile(r"^arn:aws[a-z-]*:(?P<service>[a-z0-9-]+):[a-z0-9-]*:\d*:(?P<rest>.+)$")
#: EC2 resource types AWS Backup protects (snapshots and images are what it makes of them).
_EC2_TYPES = ("volume", "instance")


def _error(code: str, message: str, context: str | None = None) -> FaultResponse:
    members: dict[str, Any] = {"Code": code}
    if context:
        members["Context"] = context
    return rest_json_error(code, message, 400, members)


def _unsupported(arn: str) -> FaultResponse | None:
    """The error for a resource ARN AWS Backup cannot list recovery points of, if it is one."""
    found = _ARN.match(arn)
    if found is None:
        return _error("InvalidParameterValueException", f"Invalid ARN: {arn}", arn)
    if found["service"] == "ec2" and found["rest"].split("/", 1)[0] not in _EC2_TYPES:
        return _error("InvalidParameterValueException", f"Unsupported resource type: {arn}", arn)
    return None


def _encryption(point: RecoveryPoint) -> dict[str, Any]:
    if point.encryption_key_arn is None:
        return {}
    return {
        "EncryptionKeyArn": point.encryption_key_arn,
        "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY",
    }


def by_resource(point: RecoveryPoint) -> dict[str, Any]:
    """A RecoveryPointByResource."""
    return {
        "RecoveryPointArn": point.arn,
        "CreationDate": epoch(point.creation_date),
        "Status": "COMPLETED",
        **_encryption(point),
        "BackupSizeBytes": point.size_bytes,
        "BackupVaultName": point.vault_name,
        "IsParent": False,
        "ResourceName": point.resource_name,
        "VaultType": "BACKUP_VAULT",
    }


def described(point: RecoveryPoint) -> dict[str, Any]:
    """DescribeRecoveryPoint's output."""
    rule = point.created_by
    return {
        "RecoveryPointArn": point.arn,
        "BackupVaultName": point.vault_name,
        "BackupVaultArn": point.vault_arn,
        "ResourceArn": point.resource_arn,
        "ResourceType": point.resource_type,
        "CreatedBy": {
            "BackupPlanId": rule.plan_id,
            "BackupPlanArn": rule.plan_arn,
            "BackupPlanName": rule.plan_name,
            "BackupPlanVersion": rule.plan_version,
            "BackupRuleId": rule.rule_id,
            "BackupRuleName": rule.rule_name,
            "BackupRuleCron": rule.rule_cron,
            "BackupRuleTimezone": rule.rule_timezone,
        },
        "IamRoleArn": point.iam_role_arn,
        "Status": "COMPLETED",
        "CreationDate": epoch(point.creation_date),
        "InitiationDate": epoch(point.creation_date),
        "CompletionDate": epoch(point.completion_date),
        "BackupSizeInBytes": point.size_bytes,
        "CalculatedLifecycle": {"DeleteAt": epoch(point.delete_at)},
        "Lifecycle": {"DeleteAfterDays": point.delete_after_days},
        **_encryption(point),
        "IsEncrypted": point.encryption_key_arn is not None,
        "StorageClass": "WARM",
        "IsParent": False,
        "ResourceName": point.resource_name,
        "VaultType": "BACKUP_VAULT",
    }


def _page(request: RestRequest, items: list[dict[str, Any]]) -> FaultResponse:
    """One page of ``items`` as maxResults / nextToken say."""
    raw_max, token = request.first("maxResults"), request.first("nextToken")
    try:
        size = int(raw_max) if raw_max is not None else 1000
        start = int(token.removeprefix("rp-")) if token else 0
    except ValueError:
        return _error("InvalidParameterValueException", "Invalid nextToken or maxResults")
    if not 1 <= size <= 1000 or start < 0 or (token and not token.startswith("rp-")):
        return _error("InvalidParameterValueException", "Invalid nextToken or maxResults")
    document: dict[str, Any] = {"RecoveryPoints": items[start : start + size]}
    if start + size < len(items):
        document["NextToken"] = f"rp-{start + size}"
    return json_answer(document)


def list_recovery_points_by_resource(request: RestRequest) -> FaultResponse:
    """The recovery points taken of one volume or instance, newest first."""
    arn = request.labels.get("resourceArn", "")
    error = _unsupported(arn)
    if error is not None:
        return error
    points = [
        p
        for p in reversed(recovery_points.in_region(request.region, request.account))
        if p.resource_arn == arn
    ]
    return _page(request, [by_resource(p) for p in points])


def _vault_exists(request: RestRequest, name: str) -> bool:
    from moto.backup.models import backup_backends

    return name in backup_backends[request.account][request.region].vaults


def describe_recovery_point(request: RestRequest) -> FaultResponse:
    """One recovery point of a vault."""
    vault = request.labels.get("backupVaultName", "")
    arn = request.labels.get("recoveryPointArn", "")
    if not _vault_exists(request, vault):
        return rest_json_error(
            "ResourceNotFoundException",
            f"Backup vault {vault} does not exist",
            400,
            {"Code": "ResourceNotFoundException", "Context": vault},
        )
    for point in recovery_points.in_region(request.region, request.account):
        if point.arn == arn and point.vault_name == vault:
            return json_answer(described(point))
    return rest_json_error(
        "ResourceNotFoundException",
        f"Recovery point {arn} does not exist in backup vault {vault}",
        400,
        {"Code": "ResourceNotFoundException", "Context": arn},
    )


HANDLERS: dict[str, Handler] = {
    "ListRecoveryPointsByResource": list_recovery_points_by_resource,
    "DescribeRecoveryPoint": describe_recovery_point,
}
