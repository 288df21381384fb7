"""Data Lifecycle Manager over HTTP: the REST-JSON operations of botocore's ``dlm`` model.

Shapes follow botocore's model member by member (tests walk every answer against it). Where
AWS's exact error texts could be found they are used: ``The resource {policy-...} was not found.``
is what DLM says to an unknown policy id (quoted in hashicorp/terraform-provider-aws issue 20040).
AWS documents neither the ``Code`` nor the ``ResourceType`` values of DLM's errors, nor the
messages of its InvalidRequestException: those below are the demo's own wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from amiexplorer.demo import dlm
from amiexplorer.demo.faults import FaultResponse, rest_json_error
from amiexplorer.demo.rest import Handler, RestRequest, iso8601, json_answer

_STATES = ("ENABLED", "DISABLED", "ERROR")
_SETTABLE_STATES = ("ENABLED", "DISABLED")
_RESOURCE_TYPES = ("VOLUME", "INSTANCE")
_DEFAULT_TYPES = ("VOLUME", "INSTANCE", "ALL")
# The patterns of botocore's dlm model (PolicyDescription, ExecutionRoleArn).
_DESCRIPTION = re.compile(r"^[0-9A-Za-z _-]+$")
_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]{1,3}){0,2}:iam::\d+:role/.*$")


def not_found(policy_ids: list[str]) -> FaultResponse:
    """DLM's HTTP 404 for unknown policy ids."""
    return rest_json_error(
        "ResourceNotFoundException",
        f"The resource {{{', '.join(policy_ids)}}} was not found.",
        404,
        # Undocumented values: the demo's own.
        {"Code": "ResourceNotFoundException", "ResourceType": "lifecycle-policy",
         "ResourceIds": policy_ids},
    )  # fmt: skip


def invalid(message: str, required: list[str] | None = None) -> FaultResponse:
    """DLM's HTTP 400 for a request it refuses (the message is the demo's own)."""
    members: dict[str, Any] = {"Code": "InvalidRequestException"}
    if required:
        members["RequiredParameters"] = required
    return rest_json_error("InvalidRequestException", message, 400, members)


def summary(policy: dlm.LifecyclePolicy) -> dict[str, Any]:
    """A LifecyclePolicySummary."""
    return {
        "PolicyId": policy.policy_id,
        "Description": policy.description,
        "State": policy.state,
        "Tags": dict(policy.tags),
        "PolicyType": policy.policy_type,
        "DefaultPolicy": policy.default_policy is not None,
    }


def described(policy: dlm.LifecyclePolicy) -> dict[str, Any]:
    """A LifecyclePolicy, as GetLifecyclePolicy returns it."""
    return {
        "PolicyId": policy.policy_id,
        "Description": policy.description,
        "State": policy.state,
        "StatusMessage": policy.state,
        "ExecutionRoleArn": policy.execution_role_arn,
        "DateCreated": iso8601(policy.date_created),
        "DateModified": iso8601(policy.date_modified),
        "PolicyDetails": policy.details,
        "Tags": dict(policy.tags),
        "PolicyArn": policy.arn,
        "DefaultPolicy": policy.default_policy is not None,
    }


def _tag_pairs(values: tuple[str, ...], name: str) -> set[tuple[str, str]] | FaultResponse:
    """``key=value`` filter values as pairs, or the error for a malformed one."""
    pairs: set[tuple[str, str]] = set()
    for value in values:
        key, sep, tag_value = value.partition("=")
        if not sep or not key:
            return invalid(f"{name} must be in the format key=value: {value}")
        pairs.add((key, tag_value))
    return pairs


def _tags_of(tags: Any) -> set[tuple[str, str]]:
    return {(str(t.get("Key")), str(t.get("Value"))) for t in tags or [] if isinstance(t, dict)}


def _matches(
    policy: dlm.LifecyclePolicy,
    state: str | None,
    resource_types: tuple[str, ...],
    target_tags: set[tuple[str, str]],
    tags_to_add: set[tuple[str, str]],
    default_type: str | None,
) -> bool:
    """Whether ``policy`` passes GetLifecyclePolicies' filters (each one that is given)."""
    details = policy.details
    if state is not None and policy.state != state:
        return False
    if resource_types and not set(resource_types) & set(details.get("ResourceTypes", [])):
        return False
    if target_tags and not target_tags & _tags_of(details.get("TargetTags")):
        return False
    added = {pair for s in details.get("Schedules", []) for pair in _tags_of(s.get("TagsToAdd"))}
    if tags_to_add and not tags_to_add & added:
        return False
    if default_type is not None:
        wanted = ("VOLUME", "INSTANCE") if default_type == "ALL" else (default_type,)
        return policy.default_policy in wanted
    return True


def get_lifecycle_policies(request: RestRequest) -> FaultResponse:
    """GET /policies: the summaries of the region's policies that pass every filter given."""
    state = request.first("state")
    resource_types = request.query.get("resourceTypes", ())
    default_type = request.first("defaultPolicyType")
    policy_ids = request.query.get("policyIds", ())
    if state is not None and state not in _STATES:
        return invalid(f"Invalid state: {state}. Valid values: {', '.join(_STATES)}")
    if bad := [t for t in resource_types if t not in _RESOURCE_TYPES]:
        return invalid(f"Invalid resource type: {bad[0]}")
    if default_type is not None and default_type not in _DEFAULT_TYPES:
        return invalid(f"Invalid default policy type: {default_type}")
    target_tags = _tag_pairs(request.query.get("targetTags", ()), "targetTags")
    tags_to_add = _tag_pairs(request.query.get("tagsToAdd", ()), "tagsToAdd")
    if isinstance(target_tags, FaultResponse):
        return target_tags
    if isinstance(tags_to_add, FaultResponse):
        return tags_to_add
    found = dlm.policies(request.region, request.account)
    if policy_ids:
        known = {p.policy_id for p in found}
        if missing := [i for i in policy_ids if i not in known]:
            return not_found(missing)
        found = [p for p in found if p.policy_id in policy_ids]
    kept = [
        summary(p)
        for p in found
        if _matches(p, state, resource_types, target_tags, tags_to_add, default_type)
    ]
    return json_answer({"Policies": kept})


def get_lifecycle_policy(request: RestRequest) -> FaultResponse:
    """GET /policies/{policyId}."""
    policy_id = request.labels.get("policyId", "")
    try:
        policy = dlm.get_policy(request.region, policy_id, request.account)
    except dlm.PolicyNotFound:
        return not_found([policy_id])
    return json_answer({"Policy": described(policy)})


def _validate(document: Mapping[str, Any], creating: bool) -> FaultResponse | None:
    """The error for a malformed create or update body, if any."""
    state = document.get("State")
    if (creating or state is not None) and state not in _SETTABLE_STATES:
        return invalid(f"Invalid state: {state}. Valid values: ENABLED, DISABLED")
    description = document.get("Description")
    if (creating or description is not None) and not _DESCRIPTION.match(str(description or "")):
        return invalid("Description may contain only letters, digits, spaces, _ and -")
    role = document.get("ExecutionRoleArn")
    if (creating or role is not None) and not _ROLE_ARN.match(str(role or "")):
        return invalid(f"Invalid execution role ARN: {role}")
    details = document.get("PolicyDetails")
    if creating and document.get("DefaultPolicy") is None and not isinstance(details, dict):
        return invalid("A custom policy needs PolicyDetails", required=["PolicyDetails"])
    return None


def create_lifecycle_policy(request: RestRequest) -> FaultResponse:
    """POST /policies: a new policy; answers its id."""
    body = request.body
    error = _validate(body, creating=True)
    if error is not None:
        return error
    default = body.get("DefaultPolicy")
    if default is not None and default not in _RESOURCE_TYPES:
        return invalid(f"Invalid default policy type: {default}")
    details = dict(body.get("PolicyDetails") or {})
    if default is not None:
        details.setdefault("PolicyType", "EBS_SNAPSHOT_MANAGEMENT")
        details.setdefault("ResourceType", default)
    policy = dlm.create_policy(
        request.region,
        str(body["Description"]),
        str(body["State"]),
        str(body["ExecutionRoleArn"]),
        details,
        {str(k): str(v) for k, v in (body.get("Tags") or {}).items()},
        account=request.account,
        default_policy=default,
    )
    return json_answer({"PolicyId": policy.policy_id})


def update_lifecycle_policy(request: RestRequest) -> FaultResponse:
    """PATCH /policies/{policyId}: state (ENABLED/DISABLED), description, role, details."""
    policy_id = request.labels.get("policyId", "")
    error = _validate(request.body, creating=False)
    if error is not None:
        return error
    try:
        dlm.update_policy(request.region, policy_id, request.body, request.account)
    except dlm.PolicyNotFound:
        return not_found([policy_id])
    return json_answer({})


def delete_lifecycle_policy(request: RestRequest) -> FaultResponse:
    """DELETE /policies/{policyId}."""
    policy_id = request.labels.get("policyId", "")
    try:
        dlm.delete_policy(request.region, policy_id, request.account)
    except dlm.PolicyNotFound:
        return not_found([policy_id])
    return json_answer({})


def _tagged(request: RestRequest) -> dlm.LifecyclePolicy | FaultResponse:
    arn = request.labels.get("resourceArn", "")
    policy = dlm.policy_by_arn(arn)
    if policy is None or policy.account != request.account:
        return not_found([arn])
    return policy


def list_tags_for_resource(request: RestRequest) -> FaultResponse:
    """GET /tags/{resourceArn}."""
    policy = _tagged(request)
    if isinstance(policy, FaultResponse):
        return policy
    return json_answer({"Tags": dict(policy.tags)})


def tag_resource(request: RestRequest) -> FaultResponse:
    """POST /tags/{resourceArn}."""
    policy = _tagged(request)
    if isinstance(policy, FaultResponse):
        return policy
    tags = request.body.get("Tags") or {}
    dlm.tag_policy(policy, {str(k): str(v) for k, v in tags.items()})
    return json_answer({})


def untag_resource(request: RestRequest) -> FaultResponse:
    """DELETE /tags/{resourceArn}?tagKeys=..."""
    policy = _tagged(request)
    if isinstance(policy, FaultResponse):
        return policy
    dlm.untag_policy(policy, list(request.query.get("tagKeys", ())))
    return json_answer({})


HANDLERS: dict[str, Handler] = {
    "GetLifecyclePolicies": get_lifecycle_policies,
    "GetLifecyclePolicy": get_lifecycle_policy,
    "CreateLifecyclePolicy": create_lifecycle_policy,
    "UpdateLifecyclePolicy": update_lifecycle_policy,
    "DeleteLifecyclePolicy": delete_lifecycle_policy,
    "ListTagsForResource": list_tags_for_resource,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
}
