"""An in-process Data Lifecycle Manager: lifecycle policies per account and region.

moto has no DLM backend at all. This store holds what ``GetLifecyclePolicies`` and friends
answer (``dlm_api`` serves it over HTTP); ``backends.reset_backends`` empties it with the rest of
the world. Policy ids come from moto's seeded random source, so a reseeded world has the same ids.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from amiexplorer.demo.constants import DEMO_ACCOUNT_ID
from amiexplorer.demo.timefmt import aws_now, naive_utc

#: Tags DLM puts on every snapshot and image it creates.
POLICY_ID_TAG = "aws:dlm:lifecycle-policy-id"
SCHEDULE_NAME_TAG = "aws:dlm:lifecycle-schedule-name"
MANAGED_TAG = "dlm:managed"

#: The role the DLM console creates for snapshot and AMI policies.
DEFAULT_ROLE = "service-role/AWSDataLifecycleManagerDefaultRole"
DEFAULT_IMAGE_ROLE = "service-role/AWSDataLifecycleManagerDefaultRoleForAMIManagement"


class PolicyNotFound(LookupError):
    """No policy with these ids in this account and region."""

    def __init__(self, policy_ids: list[str]) -> None:
        """Name the ids that were not found."""
        super().__init__(", ".join(policy_ids))
        self.policy_ids = policy_ids


@dataclass
class LifecyclePolicy:
    """One lifecycle policy, as GetLifecyclePolicy describes it."""

    policy_id: str
    account: str
    region: str
    description: str
    state: str
    execution_role_arn: str
    date_created: datetime
    date_modified: datetime
    #: The PolicyDetails document, in the API's own member names.
    details: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    #: "VOLUME" / "INSTANCE" for a default policy, None for a custom one.
    default_policy: str | None = None

    @property
    def arn(self) -> str:
        """``arn:aws:dlm:REGION:ACCOUNT:policy/policy-...``."""
        return f"arn:aws:dlm:{self.region}:{self.account}:policy/{self.policy_id}"

    @property
    def policy_type(self) -> str:
        """EBS_SNAPSHOT_MANAGEMENT, IMAGE_MANAGEMENT or EVENT_BASED_POLICY."""
        return str(self.details.get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT"))

    @property
    def schedule_names(self) -> list[str]:
        """The names of the policy's schedules."""
        return [str(s.get("Name", "")) for s in self.details.get("Schedules", [])]


_lock = threading.Lock()
#: (account, region) -> policy id -> policy
_policies: dict[tuple[str, str], dict[str, LifecyclePolicy]] = {}


def reset() -> None:
    """Forget every policy of every account and region."""
    with _lock:
        _policies.clear()


def new_policy_id() -> str:
    """A fresh ``policy-`` id (17 hex digits, as AWS's), from moto's seeded random source."""
    from moto.moto_api._internal import mock_random

    return f"policy-{mock_random.get_random_hex(17)}"


def create_policy(
    region: str,
    description: str,
    state: str,
    execution_role_arn: str,
    details: Mapping[str, Any],
    tags: Mapping[str, str] | None = None,
    *,
    account: str = DEMO_ACCOUNT_ID,
    created: datetime | None = None,
    default_policy: str | None = None,
    policy_id: str | None = None,
) -> LifecyclePolicy:
    """Create a policy (``created``: when, default now) and return it."""
    when = naive_utc(created) if created is not None else aws_now()
    policy = LifecyclePolicy(
        policy_id=policy_id or new_policy_id(),
        account=account,
        region=region,
        description=description,
        state=state,
        execution_role_arn=execution_role_arn,
        date_created=when,
        date_modified=when,
        details=copy.deepcopy(dict(details)),
        tags=dict(tags or {}),
        default_policy=default_policy,
    )
    with _lock:
        _policies.setdefault((account, region), {})[policy.policy_id] = policy
    return policy


def policies(region: str, account: str = DEMO_ACCOUNT_ID) -> list[LifecyclePolicy]:
    """The policies of ``account`` in ``region``, oldest first."""
    with _lock:
        found = list(_policies.get((account, region), {}).values())
    return sorted(found, key=lambda p: (p.date_created, p.policy_id))


def all_policies() -> Iterator[LifecyclePolicy]:
    """Every policy of every account and region."""
    with _lock:
        found = [p for by_id in _policies.values() for p in by_id.values()]
    yield from found


def get_policy(region: str, policy_id: str, account: str = DEMO_ACCOUNT_ID) -> LifecyclePolicy:
    """The policy ``policy_id``; raises ``PolicyNotFound``."""
    with _lock:
        policy = _policies.get((account, region), {}).get(policy_id)
    if policy is None:
        raise PolicyNotFound([policy_id])
    return policy


def update_policy(
    region: str, policy_id: str, changes: Mapping[str, Any], account: str = DEMO_ACCOUNT_ID
) -> LifecyclePolicy:
    """Apply UpdateLifecyclePolicy's members (State, Description, ExecutionRoleArn...)."""
    policy = get_policy(region, policy_id, account)
    with _lock:
        if "State" in changes:
            policy.state = str(changes["State"])
        if "Description" in changes:
            policy.description = str(changes["Description"])
        if "ExecutionRoleArn" in changes:
            policy.execution_role_arn = str(changes["ExecutionRoleArn"])
        if "PolicyDetails" in changes:
            policy.details = copy.deepcopy(dict(changes["PolicyDetails"]))
        policy.date_modified = aws_now()
    return policy


def delete_policy(region: str, policy_id: str, account: str = DEMO_ACCOUNT_ID) -> None:
    """Delete the policy ``policy_id``; raises ``PolicyNotFound``."""
    with _lock:
        if _policies.get((account, region), {}).pop(policy_id, None) is None:
            raise PolicyNotFound([policy_id])


def tag_policy(policy: LifecyclePolicy, tags: Mapping[str, str]) -> None:
    """Add or replace tags of ``policy``."""
    with _lock:
        policy.tags.update(tags)


def untag_policy(policy: LifecyclePolicy, keys: list[str]) -> None:
    """Remove the tags ``keys`` of ``policy``."""
    with _lock:
        for key in keys:
            policy.tags.pop(key, None)


def policy_by_arn(arn: str) -> LifecyclePolicy | None:
    """The policy whose ARN is ``arn``, if it exists."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "dlm" or not parts[5].startswith("policy/"):
        return None
    region, account, policy_id = parts[3], parts[4], parts[5].removeprefix("policy/")
    try:
        return get_policy(region, policy_id, account)
    except PolicyNotFound:
        return None


def dlm_tags(policy_id: str, schedule: str) -> dict[str, str]:
    """The tags DLM gives the snapshots and images it creates."""
    return {POLICY_ID_TAG: policy_id, SCHEDULE_NAME_TAG: schedule, MANAGED_TAG: "true"}


def dlm_description(policy_id: str, schedule: str) -> str:
    """The description DLM gives the snapshots it creates."""
    return f"Created for policy: {policy_id} schedule: {schedule}"
