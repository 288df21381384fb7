"""XML for botocore's query protocols (EC2, Auto Scaling, STS, IAM), written from its own model.

The benchmark endpoint must answer exactly what botocore parses, so nothing here names an XML
element by hand: every element name comes from the service model's shapes (`locationName`),
the same data botocore's parsers read. Serializers are compiled once per shape into closures,
because the endpoint renders every item of a 100,000-snapshot account at start.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import botocore.session

Render = Callable[[Any], str]


@functools.cache
def service_model(service: str) -> Any:
    """botocore's model of `service` (loaded once per process)."""
    return botocore.session.get_session().get_service_model(service)


def _scalar(type_name: str) -> Render:
    if type_name == "boolean":
        return lambda value: "true" if value else "false"
    if type_name == "timestamp":
        return _timestamp
    if type_name in ("integer", "long", "float", "double"):
        return str
    return lambda value: escape(str(value))


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return escape(str(value))


def _element_name(member_name: str, shape: Any) -> str:
    return str(shape.serialization.get("name", member_name))


@functools.cache
def _compiled(service: str, shape_name: str) -> Render:
    """A function rendering a value of the shape as the *content* of its element."""
    shape = service_model(service).shape_for(shape_name)
    kind = shape.type_name
    if kind == "structure":
        parts: list[tuple[str, str, str, Render]] = []
        for member_name, member in shape.members.items():
            tag = _element_name(member_name, member)
            parts.append((member_name, f"<{tag}>", f"</{tag}>", _renderer(service, member)))

        def structure(value: Any) -> str:
            out: list[str] = []
            for key, opening, closing, render in parts:
                item = value.get(key)
                if item is not None:
                    out.append(opening + render(item) + closing)
            return "".join(out)

        return structure
    if kind == "list":
        item_tag = shape.member.serialization.get("name", "member")
        render_item = _renderer(service, shape.member)
        opening, closing = f"<{item_tag}>", f"</{item_tag}>"
        return lambda items: "".join(opening + render_item(i) + closing for i in items)
    if kind == "map":
        raise NotImplementedError(f"{service}: map shape {shape_name} is not used here")
    return _scalar(kind)


def _renderer(service: str, shape: Any) -> Render:
    if shape.type_name in ("structure", "list", "map"):
        # Recursive shapes compile lazily: look the compiled function up at call time.
        name = shape.name
        return lambda value: _compiled(service, name)(value)
    return _scalar(shape.type_name)


def _output_member(service: str, operation: str, member: str) -> Any:
    output = service_model(service).operation_model(operation).output_shape
    return output.members[member]


def item_renderer(service: str, operation: str, member: str) -> Render:
    """Render one item of the output list `member` of `operation`, wrapped in its item tag."""
    shape = _output_member(service, operation, member)
    tag = shape.member.serialization.get("name", "member")
    content = _compiled(service, shape.member.name)
    return lambda value: f"<{tag}>{content(value)}</{tag}>"


def list_tags(service: str, operation: str, member: str) -> tuple[str, str]:
    """The opening and closing tags of the output list `member` of `operation`."""
    tag = _element_name(member, _output_member(service, operation, member))
    return f"<{tag}>", f"</{tag}>"


def render_members(service: str, operation: str, values: dict[str, Any]) -> str:
    """Render some members of an operation's output (those given in `values`)."""
    output = service_model(service).operation_model(operation).output_shape
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        member = output.members[name]
        tag = _element_name(name, member)
        parts.append(f"<{tag}>{_renderer(service, member)(value)}</{tag}>")
    return "".join(parts)


def envelope(service: str, operation: str, body: str) -> bytes:
    """Wrap rendered output members in the response document botocore expects."""
    model = service_model(service)
    namespace = model.metadata.get("xmlNamespace", "")
    request_id = str(uuid.uuid4())
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if model.metadata["protocol"] == "ec2":
        text = (
            f'{head}<{operation}Response xmlns="{namespace}">'
            f"<requestId>{request_id}</requestId>{body}</{operation}Response>"
        )
    else:
        wrapper = model.operation_model(operation).output_shape.serialization.get(
            "resultWrapper", f"{operation}Result"
        )
        text = (
            f'{head}<{operation}Response xmlns="{namespace}"><{wrapper}>{body}</{wrapper}>'
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            f"</{operation}Response>"
        )
    return text.encode()


def page(
    service: str,
    operation: str,
    member: str,
    items: Iterable[str],
    next_token: str | None,
    token_member: str = "NextToken",
) -> bytes:
    """A response of pre-rendered list items plus the token of the next page."""
    opening, closing = list_tags(service, operation, member)
    body = opening + "".join(items) + closing
    if next_token:
        body += render_members(service, operation, {token_member: next_token})
    return envelope(service, operation, body)


def error(service: str, code: str, message: str) -> bytes:
    """An error document: EC2's <Response><Errors>, or the query protocol's <ErrorResponse>."""
    request_id = str(uuid.uuid4())
    code, message = escape(code), escape(message)
    if service_model(service).metadata["protocol"] == "ec2":
        text = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
    else:
        text = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        )
    return text.encode()
