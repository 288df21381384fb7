"""Where a managed resource comes from, for its details: its AWS Backup vault and plan, or the
EC2 Image Builder pipeline that built it.

One or two calls per resource, so they are made only when a detail panel opens on it (never
by the load or the audit, whose verdicts do not depend on them), and their permissions are
optional: `backup:ListRecoveryPointsByResource` and `backup:DescribeRecoveryPoint`, and
`imagebuilder:GetImage`. Without them the panel says what it could not read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.managed import Management, Manager, recovery_point_arn
from amiexplorer.core.models import Image, Snapshot


@dataclass(frozen=True, slots=True)
class Provenance:
    """What AWS Backup or Image Builder says about one resource; `problem` when it could not."""

    resource_id: str
    manager: Manager
    #: AWS Backup: the vault holding the recovery point.
    vault: str | None = None
    #: AWS Backup: the plan and rule that made it; Image Builder: the pipeline.
    plan: str | None = None
    rule: str | None = None
    pipeline: str | None = None
    status: str | None = None
    problem: str | None = None


async def _recovery_point(pool: ClientPool, resource: Snapshot | Image, source: str) -> Provenance:
    backup = await pool.get("backup", resource.region)
    wanted = recovery_point_arn(resource)
    token: str | None = None
    while True:
        params: dict[str, Any] = {"ResourceArn": source}
        if token:
            params["NextToken"] = token
        reply = await backup.list_recovery_points_by_resource(**params)
        for point in reply.get("RecoveryPoints") or []:
            if str(point.get("RecoveryPointArn") or "").endswith(f"/{resource.id}") or (
                point.get("RecoveryPointArn") == wanted
            ):
                vault = str(point.get("BackupVaultName") or "") or None
                return await _described(backup, resource, point, vault)
        token = reply.get("NextToken")
        if not token:
            break
    return Provenance(
        resource.id, Manager.BACKUP, problem="AWS Backup lists no recovery point for it"
    )


async def _described(
    backup: Any, resource: Snapshot | Image, point: dict[str, Any], vault: str | None
) -> Provenance:
    """The recovery point's plan and rule (DescribeRecoveryPoint), when allowed."""
    plan = rule = None
    status = point.get("Status")
    if vault:
        try:
            described = await backup.describe_recovery_point(
                BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"]
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # the vault alone is still worth showing
            described = {}
        created_by = described.get("CreatedBy") or {}
        plan = created_by.get("BackupPlanName") or created_by.get("BackupPlanId")
        rule = created_by.get("BackupRuleName") or created_by.get("BackupRuleId")
        status = described.get("Status") or status
    return Provenance(resource.id, Manager.BACKUP, vault=vault, plan=plan, rule=rule, status=status)


async def _builder_image(pool: ClientPool, image: Image, arn: str) -> Provenance:
    builder = await pool.get("imagebuilder", image.region)
    reply = await builder.get_image(imageBuildVersionArn=arn)
    found = reply.get("image") or {}
    pipeline = found.get("sourcePipelineName") or found.get("sourcePipelineArn")
    state = (found.get("state") or {}).get("status")
    return Provenance(image.id, Manager.IMAGE_BUILDER, pipeline=pipeline, status=state)


async def read_provenance(
    pool: ClientPool, resource: Snapshot | Image, management: Management
) -> Provenance | None:
    """The vault and plan, or the pipeline, of a managed resource; never raises."""
    service, operation = {
        Manager.BACKUP: ("backup", "ListRecoveryPointsByResource"),
        Manager.IMAGE_BUILDER: ("imagebuilder", "GetImage"),
    }.get(management.manager, ("", ""))
    if not service or not management.reference:
        return None
    try:
        if management.manager is Manager.BACKUP:
            return await _recovery_point(pool, resource, management.reference)
        assert isinstance(resource, Image)
        return await _builder_image(pool, resource, management.reference)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # optional: the panel says what could not be read
        problem = describe_problem(
            exc, region=resource.region, service=service, operation=operation
        )
        return Provenance(resource.id, management.manager, problem=problem.message)
