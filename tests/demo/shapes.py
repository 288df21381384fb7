"""Check the demo's own answers against botocore's service models, so the fakes cannot drift.

Two walks per answer:

- the RAW body (JSON for REST-JSON, XML for EC2) against the output shape's wire names: botocore's
  parser silently drops keys it does not know, so only the raw body shows an invented member;
- the PARSED output (what a real botocore client made of it) against the shape's members: every
  key a member, every value of the member's type (and enum), every required member present.

``Recorder`` hooks a real client's ``after-call`` event to keep the raw bodies.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

#: Error codes AWS documents for every API (https://docs.aws.amazon.com/.../CommonErrors.html),
#: and EC2's client error codes (AWSEC2/latest/APIReference/errors-overview.html) the demo uses.
COMMON_ERRORS = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignature",
        "InternalFailure",
        "InvalidAction",
        "InvalidClientTokenId",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "ServiceUnavailable",
        "ThrottlingException",
        "ValidationError",
        "UnknownOperationException",
    }
)
EC2_ERRORS = frozenset(
    {
        "DryRunOperation",
        "UnauthorizedOperation",
        "InvalidParameterValue",
        "MissingParameter",
        "InvalidAMIID.Malformed",
        "InvalidPaginationToken",
        "InternalError",
        "RequestLimitExceeded",
        "InvalidParameterCombination",
        "OperationNotPermitted",
        "InvalidSnapshot.NotFound",
        "InvalidSnapshot.InUse",
        "InvalidAMIID.NotFound",
    }
)

_INTEGERS = ("integer", "long")
_NUMBERS = ("double", "float")


class ShapeMismatch(AssertionError):
    """A value that does not fit its shape."""


def _fail(path: str, message: str) -> None:
    raise ShapeMismatch(f"{path}: {message}")


def _scalar(value: Any, shape: Shape, path: str, parsed: bool) -> None:
    kind = shape.type_name
    if kind == "string":
        if not isinstance(value, str):
            _fail(path, f"expected a string, got {value!r}")
        enum = shape.enum
        if enum and value not in enum:
            _fail(path, f"{value!r} is not one of {enum}")
    elif kind in _INTEGERS:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(path, f"expected an integer, got {value!r}")
    elif kind in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail(path, f"expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(path, f"expected a boolean, got {value!r}")
    elif kind == "timestamp":
        if parsed and not isinstance(value, datetime):
            _fail(path, f"expected a datetime, got {value!r}")
        if not parsed:
            iso = shape.serialization.get("timestampFormat") == "iso8601"
            wanted: tuple[type, ...] = (str,) if iso else (int, float)
            if isinstance(value, bool) or not isinstance(value, wanted):
                _fail(path, f"expected a {'ISO 8601 string' if iso else 'number'}: {value!r}")
    else:
        _fail(path, f"unchecked type {kind}")


def check_parsed(value: Any, shape: Shape, path: str = "$") -> None:
    """Walk botocore's parsed ``value`` against ``shape`` (ResponseMetadata skipped)."""
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            _fail(path, f"expected a structure, got {value!r}")
        members = shape.members
        for key, item in value.items():
            if path == "$" and key == "ResponseMetadata":
                continue
            if key not in members:
                _fail(path, f"{key} is not a member of {shape.name}")
            check_parsed(item, members[key], f"{path}.{key}")
        for required in shape.required_members:
            if required not in value:
                _fail(path, f"required member {required} of {shape.name} is missing")
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            _fail(path, f"expected a list, got {value!r}")
        for index, item in enumerate(value):
            check_parsed(item, shape.member, f"{path}[{index}]")
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            _fail(path, f"expected a map, got {value!r}")
        for key, item in value.items():
            _scalar(key, shape.key, f"{path}<key>", parsed=True)
            check_parsed(item, shape.value, f"{path}[{key!r}]")
    else:
        _scalar(value, shape, path, parsed=True)


def _body_members(shape: StructureShape) -> dict[str, Shape]:
    """Wire name -> member shape, for the members that travel in the body."""
    return {
        member.serialization.get("name", name): member
        for name, member in shape.members.items()
        if member.serialization.get("location") is None
    }


def check_json(value: Any, shape: Shape, path: str = "$") -> None:
    """Walk a raw REST-JSON body against ``shape``'s wire names and wire types."""
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            _fail(path, f"expected an object, got {value!r}")
        members = _body_members(shape)
        for key, item in value.items():
            if key not in members:
                _fail(path, f"{key} is not a member of {shape.name}")
            check_json(item, members[key], f"{path}.{key}")
        for required in shape.required_members:
            wire = shape.members[required].serialization.get("name", required)
            if wire not in value:
                _fail(path, f"required member {required} of {shape.name} is missing")
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            _fail(path, f"expected an array, got {value!r}")
        for index, item in enumerate(value):
            check_json(item, shape.member, f"{path}[{index}]")
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            _fail(path, f"expected an object, got {value!r}")
        for key, item in value.items():
            check_json(item, shape.value, f"{path}[{key!r}]")
    else:
        _scalar(value, shape, path, parsed=False)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check_ec2_xml(element: ET.Element, shape: Shape, path: str = "$") -> None:
    """Walk a raw EC2 XML element against ``shape``'s wire names (lists hold ``item``s)."""
    if isinstance(shape, StructureShape):
        members = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for child in element:
            name = _local(child.tag)
            if path == "$" and name == "requestId":
                continue
            if name not in members:
                _fail(path, f"<{name}> is not a member of {shape.name}")
            check_ec2_xml(child, members[name], f"{path}.{name}")
    elif isinstance(shape, ListShape):
        for index, child in enumerate(element):
            if _local(child.tag) != "item":
                _fail(path, f"a list holds <item>s, not <{_local(child.tag)}>")
            check_ec2_xml(child, shape.member, f"{path}[{index}]")
    else:
        text = element.text or ""
        if shape.type_name == "string" and shape.enum and text not in shape.enum:
            _fail(path, f"{text!r} is not one of {shape.enum}")
        if len(element):
            _fail(path, f"a {shape.type_name} has no child elements")


class Recorder:
    """Keeps the raw answer of every call a botocore client makes."""

    def __init__(self, client: Any) -> None:
        """Hook ``client``'s after-call event."""
        self.raw: list[tuple[str, int, bytes]] = []
        client.meta.events.register("after-call.*.*", self._keep)

    def _keep(self, http_response: Any, model: OperationModel, **_: Any) -> None:
        self.raw.append((model.name, http_response.status_code, http_response.content))

    def last(self, operation: str) -> tuple[int, bytes]:
        """The status and body of the latest call of ``operation``."""
        for name, status, body in reversed(self.raw):
            if name == operation:
                return status, body
        raise AssertionError(f"no call of {operation} was recorded")


def check_answer(client: Any, recorder: Recorder, operation: str, parsed: dict[str, Any]) -> None:
    """Check both the raw and the parsed answer of ``operation`` against its output shape."""
    model = client.meta.service_model.operation_model(operation)
    shape = model.output_shape
    status, body = recorder.last(operation)
    wanted = int(model.http.get("responseCode", 200))
    assert status == wanted, (operation, status, wanted, body)
    if client.meta.service_model.protocol == "rest-json":
        if shape is None or not shape.members:
            assert body in (b"", b"{}"), (operation, body)
            return
        check_json(json.loads(body), shape)
    elif client.meta.service_model.protocol == "ec2":
        root = ET.fromstring(body)
        assert _local(root.tag) == f"{operation}Response", root.tag
        if shape is None:
            # No output shape: EC2 answers only requestId (and, for some actions, return).
            assert {_local(c.tag) for c in root} <= {"requestId", "return"}, body
            return
        check_ec2_xml(root, shape)
    check_parsed(parsed, shape)


def check_error(client: Any, recorder: Recorder, operation: str, error: Any) -> str:
    """Check a ClientError of ``operation``: a modeled or common code, and modeled members.

    Returns the code.
    """
    model: OperationModel = client.meta.service_model.operation_model(operation)
    response = error.response
    code = str(response["Error"]["Code"])
    modeled = {e.name: e for e in model.error_shapes}
    assert code in modeled or code in COMMON_ERRORS or code in EC2_ERRORS, code
    status, body = recorder.last(operation)
    assert status == response["ResponseMetadata"]["HTTPStatusCode"]
    if code in modeled:
        shape = modeled[code]
        wanted = shape.metadata.get("error", {}).get("httpStatusCode")
        if wanted is not None:
            assert status == wanted, (code, status, wanted)
        check_json(json.loads(body), shape)
        members = {k: v for k, v in response.items() if k not in ("Error", "ResponseMetadata")}
        check_parsed(members, shape)
    return code


#: `clients(service, region)`: a botocore client of the demo server and its recorder.
Clients = Callable[..., tuple[Any, Recorder]]


def recording_clients(server: Any, default_region: str = "us-east-1") -> Clients:
    """botocore clients of `server`, one per (service, region), each with a recorder of its
    raw answers (for `check_answer`), made on first use; one attempt each."""
    import boto3
    from botocore.config import Config

    from amiexplorer.demo import DEMO_CREDENTIALS

    access_key, secret_key = DEMO_CREDENTIALS
    made: dict[tuple[str, str], tuple[Any, Recorder]] = {}

    def make(service: str, region: str = default_region) -> tuple[Any, Recorder]:
        if (service, region) not in made:
            client = boto3.client(
                service,
                endpoint_url=server.endpoint_url,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
            made[service, region] = (client, Recorder(client))
        return made[service, region]

    return make
