"""Recycle Bin (``rbin``) over HTTP: the REST-JSON operations of botocore's ``rbin`` model.

Shapes follow botocore's model member by member (tests walk every answer against it). The Recycle
Bin API reference (https://docs.aws.amazon.com/recyclebin/latest/APIReference/, API_ListRules.html,
API_GetRule.html, API_CreateRule.html, API_DeleteRule.html) documents the error shapes:
``ValidationException`` (HTTP 400, ``Reason`` INVALID_PAGE_TOKEN / INVALID_PARAMETER_VALUE),
``ResourceNotFoundException`` (404, RULE_NOT_FOUND), ``ConflictException`` (409,
INVALID_RULE_STATE: a locked rule cannot be deleted), ``ServiceQuotaExceededException``. Its
error messages are not documented: a malformed member gets AWS's generic validation wording
(``1 validation error detected: Value 'X' at 'resourceType' failed to satisfy constraint: Member
must satisfy enum value set: [EBS_SNAPSHOT, EC2_IMAGE]``, the format every AWS JSON service uses),
the other messages are the demo's own. Rules are stored by ``recycle_bin``.

Implemented: ListRules, GetRule, CreateRule, DeleteRule, ListTagsForResource. Not implemented
(answered ``UnknownOperationException``): UpdateRule, LockRule, UnlockRule, TagResource,
UntagResource.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from amiexplorer.demo import recycle_bin
from amiexplorer.demo.faults import FaultResponse
from amiexplorer.demo.rest import Handler, RestRequest, epoch, json_answer

_TOKEN = "rules:"


def _error(code: str, message: str, status: int, reason: str | None = None) -> FaultResponse:
    """An rbin error: the code in ``x-amzn-ErrorType``, ``Message`` and ``Reason`` in the body.

    (rbin's error shapes have no ``Code`` member, unlike DLM's: ``faults.rest_json_error`` would
    add one.)
    """
    document: dict[str, Any] = {"Message": message}
    if reason is not None:
        document["Reason"] = reason
    return FaultResponse(
        status, "application/json", json.dumps(document).encode(), (("x-amzn-ErrorType", code),)
    )


def invalid(message: str, reason: str = "INVALID_PARAMETER_VALUE") -> FaultResponse:
    """HTTP 400 ValidationException."""
    return _error("ValidationException", message, 400, reason)


def not_found(identifier: str) -> FaultResponse:
    """HTTP 404 ResourceNotFoundException (the message is the demo's own)."""
    return _error(
        "ResourceNotFoundException", f"Rule {identifier} was not found.", 404, "RULE_NOT_FOUND"
    )


def _constraint(value: Any, member: str, constraint: str) -> FaultResponse:
    return invalid(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


def _resource_type(value: Any) -> FaultResponse | None:
    if value not in recycle_bin.RESOURCE_TYPES:
        return _constraint(
            value, "resourceType", "Member must satisfy enum value set: [EBS_SNAPSHOT, EC2_IMAGE]"
        )
    return None


def _tags(value: Any, member: str) -> tuple[recycle_bin.Tag, ...] | FaultResponse:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(t, dict) and isinstance(t.get("ResourceTagKey"), str) for t in value
    ):
        return _constraint(value, member, "Member must be a list of ResourceTag")
    return tuple(
        (str(t["ResourceTagKey"]), None if t.get("ResourceTagValue") is None
         else str(t["ResourceTagValue"]))
        for t in value
    )  # fmt: skip


def _tag_list(tags: tuple[recycle_bin.Tag, ...]) -> list[dict[str, str]]:
    shown = []
    for key, value in tags:
        tag = {"ResourceTagKey": key}
        if value is not None:
            tag["ResourceTagValue"] = value
        shown.append(tag)
    return shown


def _retention(rule: recycle_bin.Rule) -> dict[str, Any]:
    return {"RetentionPeriodValue": rule.retention_days, "RetentionPeriodUnit": "DAYS"}


def summary(rule: recycle_bin.Rule) -> dict[str, Any]:
    """A RuleSummary (ListRules)."""
    return {
        "Identifier": rule.identifier,
        "Description": rule.description,
        "RetentionPeriod": _retention(rule),
        "LockState": rule.lock_state,
        "RuleArn": rule.arn,
    }


def described(rule: recycle_bin.Rule, lock_end: bool = True) -> dict[str, Any]:
    """GetRule's answer (CreateRule's, without LockEndTime)."""
    answer: dict[str, Any] = {
        "Identifier": rule.identifier,
        "Description": rule.description,
        "ResourceType": rule.resource_type,
        "RetentionPeriod": _retention(rule),
        "Status": "available",
        "LockState": rule.lock_state,
        "RuleArn": rule.arn,
    }
    if rule.resource_tags:
        answer["ResourceTags"] = _tag_list(rule.resource_tags)
    if rule.exclude_tags:
        answer["ExcludeResourceTags"] = _tag_list(rule.exclude_tags)
    if rule.unlock_delay_days is not None:
        answer["LockConfiguration"] = {
            "UnlockDelay": {"UnlockDelayValue": rule.unlock_delay_days, "UnlockDelayUnit": "DAYS"}
        }
    if lock_end and rule.lock_end_time is not None:
        answer["LockEndTime"] = epoch(rule.lock_end_time)
    return answer


def _page(
    items: list[dict[str, Any]], body: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], str | None] | FaultResponse:
    max_results = body.get("MaxResults")
    token = body.get("NextToken")
    if max_results is not None and (
        not isinstance(max_results, int) or not 1 <= max_results <= 1000
    ):
        return _constraint(max_results, "maxResults", "Member must have value between 1 and 1000")
    start = 0
    if token is not None:
        try:
            decoded = base64.b64decode(str(token).encode(), validate=True).decode()
            if not decoded.startswith(_TOKEN):
                raise ValueError(token)
            start = int(decoded.removeprefix(_TOKEN))
        except ValueError:
            return invalid("The pagination token is not valid.", "INVALID_PAGE_TOKEN")
    end = len(items) if max_results is None else start + max_results
    following = base64.b64encode(f"{_TOKEN}{end}".encode()).decode() if end < len(items) else None
    return items[start:end], following


def list_rules(request: RestRequest) -> FaultResponse:
    """POST /list-rules: the region's rules of one resource type that pass the filters."""
    body = request.body
    error = _resource_type(body.get("ResourceType"))
    if error is not None:
        return error
    resource_tags = _tags(body.get("ResourceTags"), "resourceTags")
    exclude_tags = _tags(body.get("ExcludeResourceTags"), "excludeResourceTags")
    if isinstance(resource_tags, FaultResponse):
        return resource_tags
    if isinstance(exclude_tags, FaultResponse):
        return exclude_tags
    lock_state = body.get("LockState")
    if lock_state is not None and lock_state not in ("locked", "pending_unlock", "unlocked"):
        return _constraint(
            lock_state, "lockState",
            "Member must satisfy enum value set: [locked, pending_unlock, unlocked]",
        )  # fmt: skip
    found = [
        summary(rule)
        for rule in recycle_bin.rules(request.region, request.account)
        if rule.resource_type == body["ResourceType"]
        and set(resource_tags) <= set(rule.resource_tags)
        and set(exclude_tags) <= set(rule.exclude_tags)
        and (lock_state is None or rule.lock_state == lock_state)
    ]
    paged = _page(found, body)
    if isinstance(paged, FaultResponse):
        return paged
    kept, following = paged
    answer: dict[str, Any] = {"Rules": kept}
    if following is not None:
        answer["NextToken"] = following
    return json_answer(answer)


def get_rule(request: RestRequest) -> FaultResponse:
    """GET /rules/{identifier}."""
    identifier = request.labels.get("identifier", "")
    try:
        rule = recycle_bin.get_rule(request.region, identifier, request.account)
    except recycle_bin.RuleNotFound:
        return not_found(identifier)
    return json_answer(described(rule))


def create_rule(request: RestRequest) -> FaultResponse:
    """POST /rules: a new rule (HTTP 201)."""
    body = request.body
    error = _resource_type(body.get("ResourceType"))
    if error is not None:
        return error
    period = body.get("RetentionPeriod")
    if not isinstance(period, dict) or period.get("RetentionPeriodUnit") != "DAYS":
        return _constraint(period, "retentionPeriod", "Member must have unit DAYS")
    days = period.get("RetentionPeriodValue")
    if not isinstance(days, int) or not 1 <= days <= 365:
        return invalid(f"Retention period must be between 1 and 365 days: {days}")
    resource_tags = _tags(body.get("ResourceTags"), "resourceTags")
    exclude_tags = _tags(body.get("ExcludeResourceTags"), "excludeResourceTags")
    if isinstance(resource_tags, FaultResponse):
        return resource_tags
    if isinstance(exclude_tags, FaultResponse):
        return exclude_tags
    if resource_tags and exclude_tags:
        return invalid("Exclusion tags can be specified only for Region-level retention rules.")
    lock = body.get("LockConfiguration")
    delay: int | None = None
    if lock is not None:
        unlock = lock.get("UnlockDelay") if isinstance(lock, dict) else None
        value = unlock.get("UnlockDelayValue") if isinstance(unlock, dict) else None
        if not isinstance(value, int) or not 7 <= value <= 30:
            return invalid(f"The unlock delay must be between 7 and 30 days: {value}")
        if resource_tags:
            return invalid("Only Region-level retention rules can be locked.")
        delay = value
    description = str(body.get("Description") or "")
    if len(description) > 255:
        return _constraint(description, "description", "Member must have length <= 255")
    rule = recycle_bin.create_rule(
        request.region,
        str(body["ResourceType"]),
        days,
        description=description,
        resource_tags=resource_tags,
        exclude_tags=exclude_tags,
        unlock_delay_days=delay,
        tags={str(t.get("Key")): str(t.get("Value")) for t in body.get("Tags") or []},
        account=request.account,
    )
    answer = described(rule, lock_end=False)
    if rule.tags:
        answer["Tags"] = [{"Key": k, "Value": v} for k, v in rule.tags.items()]
    return json_answer(answer, 201)


def delete_rule(request: RestRequest) -> FaultResponse:
    """DELETE /rules/{identifier} (HTTP 204); a locked rule is refused."""
    identifier = request.labels.get("identifier", "")
    try:
        rule = recycle_bin.get_rule(request.region, identifier, request.account)
    except recycle_bin.RuleNotFound:
        return not_found(identifier)
    if rule.lock_state != "unlocked":
        return _error(
            "ConflictException",
            f"Rule {identifier} is locked and can't be deleted.",
            409,
            "INVALID_RULE_STATE",
        )
    recycle_bin.delete_rule(request.region, identifier, request.account)
    return FaultResponse(204, "application/json", b"")


def list_tags_for_resource(request: RestRequest) -> FaultResponse:
    """GET /tags/{resourceArn}."""
    arn = request.labels.get("resourceArn", "")
    rule = recycle_bin.rule_by_arn(arn)
    if rule is None or rule.account != request.account:
        return not_found(arn)
    return json_answer({"Tags": [{"Key": k, "Value": v} for k, v in rule.tags.items()]})


HANDLERS: dict[str, Handler] = {
    "ListRules": list_rules,
    "GetRule": get_rule,
    "CreateRule": create_rule,
    "DeleteRule": delete_rule,
    "ListTagsForResource": list_tags_for_resource,
}
