"""EC2 ``DescribeImageReferences``, computed from moto's state (moto answers it with HTTP 500).

AWS's documentation ("Identify your resources referencing specified AMIs",
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-ami-references.html, and the API
reference, API_DescribeImageReferences.html) says:

- 1 to 10 ``ImageIds``; either ``IncludeAllResourceTypes`` or ``ResourceTypes`` (or both: the
  options given with ``ResourceTypes`` then override the defaults);
- ``ec2:Instance`` takes ``state-name`` (default: every state, terminated included);
  ``ec2:LaunchTemplate`` takes ``version-depth``, the number of most recent versions checked
  (1-10000, default 10);
- each reference is (ImageId, ResourceType, Arn), e.g.
  ``arn:aws:ec2:us-east-1:123456789012:launch-template/lt-...``; ``MaxResults`` is at least 5.

What AWS does not document, and the demo chooses (the conservative reading, so an app that
relies on this call cannot look more right here than it would be in AWS):

- an ``ssm:Parameter`` references an image when its CURRENT value is the image id, whatever its
  DataType (``aws:ec2:image`` or ``text``); older versions do not count;
- a launch template version whose ImageId is ``resolve:ssm:...`` is NOT resolved: only versions
  naming the image id itself count (the SSM parameter is reported on its own);
- Image Builder recipes: the demo has none (moto has no Image Builder);
- error codes: ``InvalidParameterValue`` for an out-of-range list or option and
  ``MissingParameter`` without resource types, ``InvalidPaginationToken`` for a token it did not
  give, with the demo's own messages (EC2's ``InvalidParameterValue: instance-ids cannot contain
  over 100 values.`` style); an unknown but
  well-formed image id gets no references (AWS checks images "regardless of who owns them").
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

INSTANCE = "ec2:Instance"
LAUNCH_TEMPLATE = "ec2:LaunchTemplate"
PARAMETER = "ssm:Parameter"
IMAGE_RECIPE = "imagebuilder:ImageRecipe"
CONTAINER_RECIPE = "imagebuilder:ContainerRecipe"
RESOURCE_TYPES = (INSTANCE, LAUNCH_TEMPLATE, PARAMETER, IMAGE_RECIPE, CONTAINER_RECIPE)

_INSTANCE_STATES = ("pending", "running", "shutting-down", "terminated", "stopping", "stopped")
_DEFAULT_DEPTH = 10
_IMAGE_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
_TOKEN_PREFIX = "imgref:"


@dataclass(frozen=True)
class Scope:
    """Which resource types to scan, with their options."""

    types: frozenset[str]
    states: frozenset[str]
    depth: int


def _error(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    error: Exception = EC2ClientError(code, message)
    return error


def scope_of(include_all: bool, requested: list[Mapping[str, Any]]) -> Scope:
    """The scope a request asks for; raises EC2's error for a malformed one."""
    if not include_all and not requested:
        raise _error(
            "MissingParameter",
            "The request must contain the parameter ResourceTypes or IncludeAllResourceTypes",
        )
    types = set(RESOURCE_TYPES) if include_all else set()
    states, depth = set(_INSTANCE_STATES), _DEFAULT_DEPTH
    for entry in requested:
        kind = str(entry.get("ResourceType", ""))
        if kind not in RESOURCE_TYPES:
            raise _error("InvalidParameterValue", f"Value ({kind}) for ResourceType is invalid.")
        types.add(kind)
        for option in entry.get("ResourceTypeOptions", []) or []:
            name = option.get("OptionName")
            values = [str(v) for v in option.get("OptionValues", []) or []]
            if kind == INSTANCE and name == "state-name":
                if bad := [v for v in values if v not in _INSTANCE_STATES]:
                    raise _error("InvalidParameterValue", f"Invalid state-name: {bad[0]}")
                states = set(values) or states
            elif kind == LAUNCH_TEMPLATE and name == "version-depth":
                if len(values) != 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= 10000:
                    raise _error(
                        "InvalidParameterValue",
                        "version-depth must be one integer between 1 and 10000",
                    )
                depth = int(values[0])
            else:
                raise _error("InvalidParameterValue", f"Invalid option {name} for {kind}")
    return Scope(frozenset(types), frozenset(states), depth)


def check_image_ids(image_ids: list[str]) -> None:
    """Raise EC2's error for an empty, too long or malformed list of image ids."""
    if not image_ids:
        raise _error("MissingParameter", "The request must contain the parameter ImageId")
    if len(image_ids) > 10:
        raise _error("InvalidParameterValue", "image-ids cannot contain over 10 values.")
    for image_id in image_ids:
        if not _IMAGE_ID.match(image_id):
            message = f'Invalid id: "{image_id}" (expecting "ami-...")'
            raise _error("InvalidAMIID.Malformed", message)


def parameter_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:ssm:REGION:ACCOUNT:parameter/golden/web`` for ``/golden/web``."""
    return f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}"


def _current_parameters(ssm: Any) -> Iterable[tuple[str, str]]:
    """(name, current value) of the region's String parameters, without moto's defaults."""
    # dict.items: ParameterDict loads AWS's public /aws/service parameters on item access.
    for name, versions in dict.items(ssm._parameters):
        if versions and versions[-1].parameter_type == "String":
            yield name, str(versions[-1].value)


def references(
    ec2: Any, ssm: Any, region: str, account: str, image_ids: list[str], scope: Scope
) -> list[dict[str, str]]:
    """Every reference in scope, in a stable order: by image, then type, then ARN."""
    wanted = set(image_ids)
    found: set[tuple[str, str, str]] = set()
    if INSTANCE in scope.types:
        for instance in ec2.all_instances():
            if instance.image_id in wanted and instance.state in scope.states:
                arn = f"arn:aws:ec2:{region}:{account}:instance/{instance.id}"
                found.add((instance.image_id, INSTANCE, arn))
    if LAUNCH_TEMPLATE in scope.types:
        for template in ec2.launch_templates.values():
            recent = sorted(template.versions, key=lambda v: v.number)[-scope.depth :]
            for version in recent:
                if version.image_id in wanted:
                    arn = f"arn:aws:ec2:{region}:{account}:launch-template/{template.id}"
                    found.add((version.image_id, LAUNCH_TEMPLATE, arn))
    if PARAMETER in scope.types and ssm is not None:
        for name, value in _current_parameters(ssm):
            if value in wanted:
                found.add((value, PARAMETER, parameter_arn(region, account, name)))
    order = {image_id: index for index, image_id in enumerate(image_ids)}
    ranked = sorted(found, key=lambda r: (order[r[0]], RESOURCE_TYPES.index(r[1]), r[2]))
    return [{"ImageId": i, "ResourceType": t, "Arn": a} for i, t, a in ranked]


def page(
    items: list[dict[str, str]], max_results: int | None, token: str | None
) -> tuple[list[dict[str, str]], str | None]:
    """One page of ``items`` and the token of the next one."""
    start = 0
    if token:
        try:
            decoded = base64.urlsafe_b64decode(token.encode()).decode()
            if not decoded.startswith(_TOKEN_PREFIX):
                raise ValueError(token)
            start = int(decoded.removeprefix(_TOKEN_PREFIX))
        except ValueError as exc:
            raise _error(
                "InvalidPaginationToken",
                "The specified pagination token is not valid or is expired.",
            ) from exc
    if max_results is not None and max_results < 5:
        raise _error(
            "InvalidParameterValue",
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            "Expecting a value greater than 5.",
        )
    end = len(items) if max_results is None else start + max_results
    following = None
    if end < len(items):
        following = base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{end}".encode()).decode()
    return items[start:end], following


def describe_image_references(self: Any) -> Any:
    """moto response method for Action=DescribeImageReferences (installed by ``moto_patches``)."""
    from moto.core.responses import ActionResult
    from moto.ssm.models import ssm_backends

    image_ids = [str(i) for i in self._get_param("ImageIds", []) or []]
    include_all = bool(self._get_bool_param("IncludeAllResourceTypes", False))
    requested = self._get_param("ResourceTypes", []) or []
    max_results = self._get_int_param("MaxResults")
    token = self._get_param("NextToken")
    check_image_ids(image_ids)
    scope = scope_of(include_all, requested)
    self.error_on_dryrun()
    account, region = self.current_account, self.region
    ssm = ssm_backends[account][region] if PARAMETER in scope.types else None
    found = references(self.ec2_backend, ssm, region, account, image_ids, scope)
    kept, following = page(found, max_results, token)
    result: dict[str, Any] = {"ImageReferences": kept}
    if following is not None:
        result["NextToken"] = following
    return ActionResult(result)
