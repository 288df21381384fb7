"""A faster reader of EC2's XML answers, giving exactly what botocore's own reader gives.

botocore reads every answer with one generic walk that, for each element, strips the XML
namespace with a regular expression and visits every member its shape defines (an Instance
has sixty) whether the element has it or not. On an account of 100,000 snapshots that walk
was about three quarters of a full load. This reader compiles each output shape once into
small functions that visit only the elements present, then does what botocore does with
each value (the same timestamp and blob parsers, the same text rules).

It is used only where the result is certain to match: successful answers of the EC2 protocol,
whose shapes have no flattened lists, maps, attributes or unions. Anything else, and any
answer it does not expect (a repeated element, a value it cannot read), goes to botocore's
reader unchanged, which then answers (or fails) exactly as it always has. A test compares
both readers on every answer of the demo world and of the benchmark's account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiobotocore.parsers import AioEC2QueryParser, AioResponseParserFactory

Reader = Callable[[Any], Any]


class _Unexpected(Exception):
    """The answer has something the compiled reader does not handle: use botocore's."""


def _local(tag: str) -> str:
    """The tag without its namespace, as botocore's `{.*}` substitution leaves it."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


class _Compiler:
    """Compiles shapes into readers; one per parser configuration (timestamp, blob)."""

    def __init__(self, timestamp: Callable[[str], Any], blob: Callable[[str], Any]) -> None:
        self.timestamp = timestamp
        self.blob = blob
        self.readers: dict[str, Reader] = {}
        self.tags: dict[str, str] = {}

    def output_reader(self, shape: Any) -> Reader:
        """The reader of an output shape; nothing half-compiled is kept when it fails."""
        before = set(self.readers)
        try:
            return self.reader(shape)
        except _Unexpected:
            for name in set(self.readers) - before:
                del self.readers[name]
            raise

    def reader(self, shape: Any) -> Reader:
        """The reader of `shape` (compiled on first use)."""
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape)
        if kind == "list":
            if shape.serialization.get("flattened"):
                raise _Unexpected("flattened list")
            member = self.reader(shape.member)
            return lambda node: [member(item) for item in node]
        return self._scalar(kind)

    def _scalar(self, kind: str) -> Reader:
        if kind in ("string", "character"):
            return lambda node: node.text or ""
        if kind in ("integer", "long"):
            return lambda node: int(node.text or "")
        if kind in ("float", "double"):
            return lambda node: float(node.text or "")
        if kind == "boolean":
            return lambda node: node.text == "true"
        if kind == "timestamp":
            timestamp = self.timestamp
            return lambda node: timestamp(node.text or "")
        if kind == "blob":
            blob = self.blob
            return lambda node: blob(node.text or "")
        raise _Unexpected(f"{kind} shape")

    def _structure(self, shape: Any) -> Reader:
        known = self.readers.get(shape.name)
        if known is not None:
            return known
        if shape.metadata.get("exception") or getattr(shape, "is_tagged_union", False):
            raise _Unexpected("exception or union shape")
        members: dict[str, list[tuple[str, Reader]]] = {}
        tags = self.tags

        def read(node: Any) -> dict[str, Any]:
            parsed: dict[str, Any] = {}
            for child in node:
                tag = child.tag
                name = tags.get(tag)
                if name is None:
                    name = tags[tag] = _local(tag)
                for member_name, member in members.get(name, ()):
                    if member_name in parsed:
                        # botocore gathers repeated elements into a list: its case, not ours.
                        raise _Unexpected("repeated element")
                    parsed[member_name] = member(child)
            return parsed

        # Registered before its members compile, so a shape that contains itself resolves.
        self.readers[shape.name] = read
        for member_name, member_shape in shape.members.items():
            serialization = member_shape.serialization
            if serialization.get("location") or serialization.get("eventheader"):
                continue
            if serialization.get("xmlAttribute"):
                raise _Unexpected("XML attribute member")
            xml_name = serialization.get("name", member_name)
            members.setdefault(xml_name, []).append((member_name, self.reader(member_shape)))
        return read


#: Compilers by (timestamp parser, blob parser): parsers are made per answer, readers once.
_COMPILERS: dict[tuple[Any, Any], _Compiler] = {}
#: Output shapes known not to compile (the answer then goes to botocore's reader).
_UNSUPPORTED: set[str] = set()


class FastEC2QueryParser(AioEC2QueryParser):  # type: ignore[misc]
    """botocore's EC2 reader, with compiled readers for successful answers."""

    def _do_parse(self, response: dict[str, Any], shape: Any) -> Any:
        if shape is None or shape.name in _UNSUPPORTED or "resultWrapper" in shape.serialization:
            return super()._do_parse(response, shape)
        # botocore's default blob parser is a method, bound anew for each parser (one is made
        # per answer): key on its function, or every answer would compile its readers again.
        blob = self._blob_parser
        key = (self._timestamp_parser, getattr(blob, "__func__", blob))
        compiler = _COMPILERS.get(key)
        if compiler is None:
            compiler = _COMPILERS[key] = _Compiler(self._timestamp_parser, self._blob_parser)
        try:
            read = compiler.output_reader(shape)
        except _Unexpected:
            _UNSUPPORTED.add(shape.name)
            return super()._do_parse(response, shape)
        root = self._parse_xml_string_to_dom(response["body"])
        try:
            parsed = read(root)
        except (_Unexpected, ValueError, TypeError):
            return super()._do_parse(response, shape)
        self._inject_response_metadata(root, parsed)
        return parsed


class FastParserFactory(AioResponseParserFactory):  # type: ignore[misc]
    """aiobotocore's parser factory, handing out the fast reader for the EC2 protocol."""

    def create_parser(self, protocol_name: str) -> Any:
        """The parser of `protocol_name` with the factory's defaults."""
        if protocol_name == "ec2":
            return FastEC2QueryParser(**self._defaults)
        return super().create_parser(protocol_name)
