"""Every name of moto, botocore, aiobotocore and Textual that amiexplorer patches or reaches into.

The patches live in one module per library (`demo/moto_patches/`, `demo/botocore_patches.py`,
`aws/aiobotocore_patches.py`, `ui/textual_patches.py`); the code that reads internals without
patching them stays where it is used (`aws/fastparse.py`, `aws/client_costs.py`, the demo's
backends, server and seeders). When an upgrade changes one of these names, the test fails
naming it, "moto 5.3.0 changed moto.ec2.models.amis.AmiBackend.create_image: expected
parameters (self, instance_id, ...), found (...)", instead of the demo answering HTTP 500.
pyproject.toml bounds each library at the versions this passed with.

A patched name is checked in the library's own version: through `__wrapped__` of the
replacement, or `moto_patches.REPLACED` for what was replaced outright.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pytest

# As the demo does: before moto is imported (no default AMIs; the cheap region lists).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
from amiexplorer.demo import (
    backends,  # noqa: F401  (installs botocore_patches first)
    moto_patches,
)

#: What each kind of name must be.
CALLABLE, COROUTINE, CLASS, PROPERTY, VALUE, ABSENT = (
    "callable",
    "coroutine function",
    "class",
    "property",
    "value",
    "absent",
)


@dataclass(frozen=True)
class Name:
    """One name a module of amiexplorer relies on, and what it must be."""

    path: str
    #: Which module of amiexplorer relies on it.
    user: str
    kind: str = CALLABLE
    #: The parameters, in order (``*args``/``**kwargs`` spelt so); for a class, of ``__init__``.
    parameters: tuple[str, ...] | None = None


def _m(path: str, user: str, kind: str = CALLABLE, *parameters: str) -> Name:
    return Name(path, user, kind, tuple(parameters) if parameters else None)


_EBS = "moto.ec2.models.elastic_block_store"
_AMIS = "moto.ec2.models.amis"
_EBS_API = "moto.ec2.responses.elastic_block_store.ElasticBlockStore"
_AMIS_API = "moto.ec2.responses.amis.AmisResponse"
_PATCHES = "demo/moto_patches"

MOTO = (
    # Patched (demo/moto_patches): the wrappers pass these parameters on.
    _m(
        f"{_EBS}.EBSBackend.create_snapshot",
        _PATCHES,
        CALLABLE,
        "self",
        "volume_id",
        "description",
        "owner_id",
        "from_ami",
    ),
    _m(
        f"{_EBS}.EBSBackend.copy_snapshot",
        _PATCHES,
        CALLABLE,
        "self",
        "source_snapshot_id",
        "source_region",
        "description",
        "kms_key_id",
    ),
    _m(f"{_EBS}.EBSBackend.delete_snapshot", _PATCHES, CALLABLE, "self", "snapshot_id"),
    _m(
        f"{_AMIS}.AmiBackend.create_image",
        _PATCHES,
        CALLABLE,
        "self",
        "instance_id",
        "name",
        "description",
        "tag_specifications",
    ),
    _m(
        f"{_AMIS}.AmiBackend.copy_image",
        _PATCHES,
        CALLABLE,
        "self",
        "source_image_id",
        "source_region",
        "name",
        "description",
    ),
    _m(f"{_AMIS}.AmiBackend.register_image", _PATCHES, CALLABLE, "self", "name", "description"),
    _m(
        f"{_AMIS}.AmiBackend.describe_image_attribute",
        _PATCHES,
        CALLABLE,
        "self",
        "ami_id",
        "attribute_name",
    ),
    _m(f"{_AMIS}.Ami.block_device_mappings", _PATCHES, PROPERTY),
    _m(f"{_EBS_API}.describe_snapshots", _PATCHES, CALLABLE, "self"),
    _m(f"{_EBS_API}.reset_snapshot_attribute", _PATCHES, CALLABLE, "self"),
    _m(f"{_AMIS_API}.copy_image", _PATCHES, CALLABLE, "self"),
    _m(f"{_AMIS_API}.reset_image_attribute", _PATCHES, CALLABLE, "self"),
    # Added by the patches: moto has none (once it has, is the demo's still needed?).
    _m(f"{_AMIS_API}.describe_image_references", _PATCHES, ABSENT),
    _m(f"{_AMIS}.Ami.lld", _PATCHES, ABSENT),
    _m(f"{_AMIS}.Ami.imds", _PATCHES, ABSENT),
    _m(f"{_AMIS}.Ami.tmp", _PATCHES, ABSENT),
    _m(f"{_AMIS}.Ami.uefi", _PATCHES, ABSENT),
    _m(f"{_AMIS}.Ami.ramdisk", _PATCHES, ABSENT),
    # The lifecycle guards (moto_patches/guards.py): locks, fast restore, protection, the bin.
    _m(f"{_AMIS}.Ami.deregistration_protection", _PATCHES, ABSENT),
    *(
        _m(f"{_AMIS_API}.{action}", _PATCHES, ABSENT)
        for action in (
            "enable_image_deregistration_protection",
            "disable_image_deregistration_protection",
            "list_images_in_recycle_bin",
            "restore_image_from_recycle_bin",
        )
    ),
    *(
        _m(f"{_EBS_API}.{action}", _PATCHES, ABSENT)
        for action in (
            "lock_snapshot",
            "unlock_snapshot",
            "describe_locked_snapshots",
            "enable_fast_snapshot_restores",
            "disable_fast_snapshot_restores",
            "describe_fast_snapshot_restores",
            "list_snapshots_in_recycle_bin",
            "restore_snapshot_from_recycle_bin",
        )
    ),
    # Plain attributes moto assigns in __init__, made properties (pending_states).
    _m(f"{_EBS}.Snapshot.status", _PATCHES, ABSENT),
    _m(f"{_EBS}.Snapshot.state", _PATCHES, ABSENT),
    _m(f"{_EBS}.Snapshot.progress", _PATCHES, PROPERTY),
    _m(f"{_AMIS}.Ami.state", _PATCHES, ABSENT),
    # Block public access (moto_patches/block_public_access.py).
    *(
        _m(f"{api}.{action}", _PATCHES, ABSENT)
        for api, kind in ((_AMIS_API, "image"), (_EBS_API, "snapshot"))
        for action in (
            f"get_{kind}_block_public_access_state",
            f"enable_{kind}_block_public_access",
            f"disable_{kind}_block_public_access",
        )
    ),
    _m(
        f"{_AMIS}.AmiBackend.modify_image_attribute",
        _PATCHES,
        CALLABLE,
        "self",
        "ami_id",
        "launch_permissions_to_add",
        "launch_permissions_to_remove",
    ),
    _m(
        f"{_EBS}.EBSBackend.add_create_volume_permission",
        _PATCHES,
        CALLABLE,
        "self",
        "snapshot_id",
        "user_ids",
        "groups",
    ),
    _m(
        f"{_EBS}.EBSBackend.get_create_volume_permission_groups",
        _PATCHES,
        CALLABLE,
        "self",
        "snapshot_id",
    ),
    # A plain attribute moto assigns in Snapshot.__init__, made a property.
    _m(f"{_EBS}.Snapshot.create_volume_permission_groups", _PATCHES, ABSENT),
    # What the patches call.
    _m(f"{_EBS}.EBSBackend.get_snapshot", _PATCHES, CALLABLE, "self", "snapshot_id"),
    _m(
        f"{_EBS}.EBSBackend.describe_snapshots",
        _PATCHES,
        CALLABLE,
        "self",
        "snapshot_ids",
        "filters",
    ),
    _m(f"{_EBS}.EBSBackend._create_default_encryption_key", _PATCHES, CALLABLE, "self"),
    _m(
        f"{_AMIS}.AmiBackend.describe_images",
        _PATCHES,
        CALLABLE,
        "self",
        "ami_ids",
        "filters",
        "exec_users",
        "owners",
    ),
    _m(
        "moto.ec2.models.EC2Backend.create_tags", _PATCHES, CALLABLE, "self", "resource_ids", "tags"
    ),
    _m("moto.ec2.models.EC2Backend.get_instance", _PATCHES, CALLABLE, "self", "instance_id"),
    _m(f"{_AMIS_API}._get_param", _PATCHES, CALLABLE, "self", "param_name", "if_none"),
    _m(f"{_AMIS_API}.error_on_dryrun", _PATCHES, CALLABLE, "self"),
    _m(f"{_EBS_API}._filters_from_querystring", _PATCHES, CALLABLE, "self"),
    _m(f"{_AMIS_API}.ec2_backend", _PATCHES, PROPERTY),
    _m("moto.ec2.models.ec2_backends", _PATCHES, VALUE),
    _m("moto.ec2.exceptions.EC2ClientError", _PATCHES, CLASS, "self", "*args", "**kwargs"),
    _m(
        "moto.ec2.exceptions.InvalidSnapshotInUse", _PATCHES, CLASS, "self", "snapshot_id", "ami_id"
    ),
    _m("moto.ec2.exceptions.InvalidAMIIdError", _PATCHES, CLASS, "self", "ami_id"),
    _m("moto.ec2.exceptions.UnvailableAMIIdError", _PATCHES, CLASS, "self", "ami_id"),
    _m("moto.core.responses.ActionResult", _PATCHES, CLASS, "self", "result"),
    _m("moto.core.responses.EmptyResult", _PATCHES, CLASS, "self"),
    _m("moto.kms.models.generate_private_key", "demo/moto_patches/kms.py", CALLABLE, "key_spec"),
    _m("moto.kms.utils.ECDSAPrivateKey", "demo/moto_patches/kms.py", CLASS, "self", "key_spec"),
    # Read without patching: the seeders (imaging, builders, managed, dlm, world).
    _m(
        f"{_EBS}.Volume",
        "demo/imaging.py",
        CLASS,
        "self",
        "ec2_backend",
        "volume_id",
        "size",
        "zone",
        "snapshot_id",
        "encrypted",
        "kms_key_id",
        "volume_type",
        "iops",
        "throughput",
        "multi_attach_enabled",
    ),
    _m(
        f"{_EBS}.Snapshot",
        "demo/imaging.py",
        CLASS,
        "self",
        "ec2_backend",
        "snapshot_id",
        "volume",
        "description",
        "encrypted",
        "kms_key_id",
        "owner_id",
        "from_ami",
    ),
    _m("moto.ec2.utils.random_snapshot_id", "demo/imaging.py", CALLABLE),
    _m(
        f"{_EBS}.EBSBackend.create_volume",
        "demo/builders.py",
        CALLABLE,
        "self",
        "size",
        "zone_name",
        "snapshot_id",
        "encrypted",
        "kms_key_id",
        "volume_type",
        "iops",
        "throughput",
        "multi_attach_enabled",
    ),
    _m(f"{_AMIS}.AmiBackend.deregister_image", "demo/world.py", CALLABLE, "self", "ami_id"),
    _m(f"{_AMIS}.AmiBackend.disable_image", "demo/world.py", CALLABLE, "self", "ami_id"),
    _m("moto.moto_api._internal.mock_random.seed", "demo/backends.py", CALLABLE, "a", "version"),
    _m("moto.moto_api._internal.mock_random.get_random_hex", "demo/dlm.py", CALLABLE, "length"),
    _m("moto.moto_api._internal.mock_random.uuid4", "demo/managed.py", CALLABLE),
    _m("moto.moto_api._internal.models.moto_api_backend.reset", "demo/backends.py", CALLABLE),
    _m("moto.core.base_backend.BackendDict._instances", "demo/backends.py", VALUE),
    _m("moto.ssm.models.ssm_backends", "demo/backends.py", VALUE),
    _m("moto.backup.models.backup_backends", "demo/backends.py", VALUE),
    _m("moto.autoscaling.models.autoscaling_backends", "demo/backends.py", VALUE),
    _m("moto.kms.models.kms_backends", "demo/backends.py", VALUE),
    _m("moto.iam.models.iam_backends", "demo/backends.py", VALUE),
    _m("moto.iam.models.get_account_id_from", "demo/rest.py", CALLABLE, "access_key"),
    # Read without patching: the demo's server (demo/server.py).
    _m(
        "moto.moto_server.werkzeug_app.DomainDispatcherApplication",
        "demo/server.py",
        CLASS,
        "self",
        "create_app",
    ),
    _m(
        "moto.moto_server.werkzeug_app.MotoRequestHandler",
        "demo/server.py",
        CLASS,
        "self",
        "request",
        "client_address",
        "server",
    ),
    _m("moto.moto_server.werkzeug_app.create_backend_app", "demo/server.py", CALLABLE, "service"),
    _m("moto.core.utils.get_service_model", "demo/server.py", CALLABLE),
)

_FASTPARSE = "aws/fastparse.py"
BOTOCORE = (
    _m(
        "botocore.session.Session.get_available_regions",
        "demo/botocore_patches.py",
        CALLABLE,
        "self",
        "service_name",
        "partition_name",
        "allow_non_regional",
    ),
    _m(
        "botocore.session.Session._get_internal_component",
        "demo/botocore_patches.py",
        CALLABLE,
        "self",
        "name",
    ),
    _m(
        "botocore.session.Session.get_component",
        "demo/botocore_patches.py",
        CALLABLE,
        "self",
        "name",
    ),
    _m("botocore.loaders.Loader.search_paths", "demo/botocore_patches.py", PROPERTY),
    _m(
        "botocore.regions.EndpointResolver.get_available_endpoints",
        "demo/botocore_patches.py",
        CALLABLE,
        "self",
        "service_name",
        "partition_name",
        "allow_non_regional",
        "endpoint_variant_tags",
    ),
    _m(
        "botocore.parsers.EC2QueryParser._do_parse",
        _FASTPARSE,
        CALLABLE,
        "self",
        "response",
        "shape",
    ),
    _m(
        "botocore.parsers.EC2QueryParser._parse_xml_string_to_dom",
        _FASTPARSE,
        CALLABLE,
        "self",
        "xml_string",
    ),
    _m(
        "botocore.parsers.EC2QueryParser._inject_response_metadata",
        _FASTPARSE,
        CALLABLE,
        "self",
        "node",
        "inject_into",
    ),
    _m("botocore.model.Shape.serialization", _FASTPARSE, VALUE),
    _m("botocore.model.Shape.metadata", _FASTPARSE, VALUE),
    _m("botocore.model.StructureShape.members", _FASTPARSE, VALUE),
    _m("botocore.model.StructureShape.is_tagged_union", _FASTPARSE, VALUE),
    _m("botocore.model.ListShape.member", _FASTPARSE, VALUE),
    _m("botocore.hooks.EVENT_ALIASES", "aws/client_costs.py", VALUE),
    _m(
        "botocore.hooks.EventAliaser",
        "aws/client_costs.py",
        CLASS,
        "self",
        "event_emitter",
        "event_aliases",
    ),
)

_AIO_PATCHES = "aws/aiobotocore_patches.py"
AIOBOTOCORE = (
    _m(
        "aiobotocore.client.AioBaseClient._make_api_call",
        _AIO_PATCHES,
        COROUTINE,
        "self",
        "operation_name",
        "api_params",
    ),
    _m(
        "aiobotocore.credentials.AioProcessProvider",
        _AIO_PATCHES,
        CLASS,
        "self",
        "*args",
        "popen",
        "**kwargs",
    ),
    _m(
        "aiobotocore.credentials.AioProcessProvider._retrieve_credentials_using",
        _AIO_PATCHES,
        COROUTINE,
        "self",
        "credential_process",
    ),
    _m(
        "aiobotocore.client.AioClientCreator._create_client_class",
        _AIO_PATCHES,
        COROUTINE,
        "self",
        "service_name",
        "service_model",
    ),
    _m(
        "aiobotocore.parsers.AioEC2QueryParser",
        _FASTPARSE,
        CLASS,
        "self",
        "timestamp_parser",
        "blob_parser",
    ),
    _m("aiobotocore.parsers.AioResponseParserFactory", _FASTPARSE, CLASS, "self"),
    _m(
        "aiobotocore.parsers.AioResponseParserFactory.create_parser",
        _FASTPARSE,
        CALLABLE,
        "self",
        "protocol_name",
    ),
    _m(
        "aiobotocore.parsers.AioResponseParserFactory.set_parser_defaults",
        "aws/session.py",
        CALLABLE,
        "self",
        "**kwargs",
    ),
)

_TEXTUAL_PATCHES = "ui/textual_patches.py"
TEXTUAL = (
    _m("textual.widgets.OptionList._move_page", _TEXTUAL_PATCHES, CALLABLE, "self", "direction"),
    _m(
        "textual.widgets.OptionList.get_content_height",
        _TEXTUAL_PATCHES,
        CALLABLE,
        "self",
        "container",
        "viewport",
        "width",
    ),
    _m("textual.widgets.OptionList._update_lines", _TEXTUAL_PATCHES, CALLABLE, "self"),
    _m("textual.widgets.OptionList._get_left_gutter_width", _TEXTUAL_PATCHES, CALLABLE, "self"),
    _m("textual.widgets.OptionList.scrollable_content_region", _TEXTUAL_PATCHES, PROPERTY),
    _m(
        "textual.widgets.OptionList.get_component_styles",
        _TEXTUAL_PATCHES,
        CALLABLE,
        "self",
        "*names",
    ),
    _m("textual.screen.Screen.dismiss", _TEXTUAL_PATCHES, CALLABLE, "self", "result"),
    _m(
        "textual.command.CommandPalette._gather_commands",
        _TEXTUAL_PATCHES,
        CALLABLE,
        "self",
        "search_value",
    ),
    _m("textual.command.CommandPalette._GATHER_COMMANDS_GROUP", _TEXTUAL_PATCHES, VALUE),
    _m(
        "textual.await_complete.AwaitComplete",
        _TEXTUAL_PATCHES,
        CLASS,
        "self",
        "*awaitables",
        "pre_await",
    ),
    _m("textual.css.query.NoMatches", _TEXTUAL_PATCHES, CLASS),
    _m(
        "textual.work",
        _TEXTUAL_PATCHES,
        CALLABLE,
        "method",
        "name",
        "group",
        "exit_on_error",
        "exclusive",
        "description",
        "thread",
    ),
    _m("textual.app.App._handle_exception", "ui/app.py", CALLABLE, "self", "error"),
    _m("textual.app.App._fatal_error", "ui/app.py", CALLABLE, "self"),
    _m("textual.app.App._close_messages_no_wait", "ui/app.py", CALLABLE, "self"),
)

NAMES = MOTO + BOTOCORE + AIOBOTOCORE + TEXTUAL


@pytest.fixture(scope="module", autouse=True)
def _patched() -> None:
    """Every patch installed, as in the demo and the app: each check reads past it."""
    from amiexplorer.aws import aiobotocore_patches
    from amiexplorer.demo import botocore_patches
    from amiexplorer.ui import textual_patches

    moto_patches.install()
    botocore_patches.install()
    aiobotocore_patches.install()
    textual_patches.install()


class _Missing(Exception):
    """The name does not resolve."""


_ABSENT_MARK = object()


def _resolve(path: str) -> Any:
    """The object at `path`: the longest importable module, then attributes."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        break
    else:
        raise _Missing(f"no module of {path} imports")
    for index, part in enumerate(parts[split:], start=split):
        owner = found
        # On a class, the attribute as defined (a property stays a property); elsewhere (a
        # module with lazy names, an instance) as Python gives it.
        if isinstance(owner, type):
            found = inspect.getattr_static(owner, part, _ABSENT_MARK)
            if isinstance(found, staticmethod | classmethod):
                found = getattr(owner, part)
        else:
            found = getattr(owner, part, _ABSENT_MARK)
        if found is _ABSENT_MARK:
            raise _Missing(f"{'.'.join(parts[:index])} has no {part}")
    return found


def original(path: str) -> Any:
    """The library's own object at `path`, past any patch of amiexplorer's."""
    if path in moto_patches.REPLACED:
        value = moto_patches.REPLACED[path]
        if value is None:
            raise _Missing(f"{path} is not in the library (the patch adds it)")
        return value
    found = _resolve(path)
    while getattr(found, "amiexplorer_patch", False):
        found = found.__wrapped__
    return found


def _spelt(parameter: inspect.Parameter) -> str:
    if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
        return f"*{parameter.name}"
    if parameter.kind is inspect.Parameter.VAR_KEYWORD:
        return f"**{parameter.name}"
    return parameter.name


def parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    """The parameter names of `function`, as `Name.parameters` spells them."""
    return tuple(_spelt(p) for p in inspect.signature(function).parameters.values())


def _library(path: str) -> str:
    top = path.split(".", 1)[0]
    return f"{top} {version(top)}"


def problem(name: Name) -> str | None:
    """What is wrong with `name` in the installed library, or None."""
    where = f"{_library(name.path)} changed {name.path} (used by amiexplorer/{name.user})"
    try:
        found = original(name.path)
    except _Missing as missing:
        if name.kind == ABSENT:
            return None
        return f"{where}: it is gone ({missing})"
    if name.kind == ABSENT:
        return f"{where}: the library has it now: does amiexplorer still need its own?"
    if name.kind == PROPERTY and not isinstance(found, property):
        return f"{where}: expected a property, found {type(found).__name__}"
    if name.kind == CLASS and not isinstance(found, type):
        return f"{where}: expected a class, found {type(found).__name__}"
    if name.kind in (CALLABLE, COROUTINE) and not callable(found):
        return f"{where}: expected a callable, found {type(found).__name__}"
    if name.kind == COROUTINE and not inspect.iscoroutinefunction(found):
        return f"{where}: expected a coroutine function, found a plain one"
    if name.parameters is not None:
        function = found.__init__ if name.kind == CLASS else found
        actual = parameters(function)
        if actual != name.parameters:
            return (
                f"{where}: expected parameters ({', '.join(name.parameters)}), "
                f"found ({', '.join(actual)})"
            )
    return None


@pytest.mark.parametrize("name", NAMES, ids=lambda name: name.path)
def test_every_patched_or_internal_name_is_as_expected(name: Name) -> None:
    assert problem(name) is None, problem(name)


def test_every_patch_of_moto_is_covered() -> None:
    """A new patch in demo/moto_patches must come with its line above."""
    checked = {name.path for name in MOTO}
    assert set(moto_patches.REPLACED) <= checked, (
        f"moto patches not in tests/compat: {sorted(set(moto_patches.REPLACED) - checked)}"
    )


def test_the_check_fails_on_a_wrong_expectation() -> None:
    """Each kind of check can fail, and says what it expected and found."""
    wrong = Name(f"{_EBS}.EBSBackend.delete_snapshot", _PATCHES, CALLABLE, ("self", "volume_id"))
    assert problem(wrong) == (
        f"{_library('moto')} changed {_EBS}.EBSBackend.delete_snapshot (used by "
        "amiexplorer/demo/moto_patches): expected parameters (self, volume_id), "
        "found (self, snapshot_id)"
    )
    assert "it is gone" in str(problem(Name(f"{_EBS}.EBSBackend.no_such_call", _PATCHES)))
    assert "it is gone" in str(problem(Name("moto.no_such_module.thing", _PATCHES)))
    assert "the library has it now" in str(
        problem(Name(f"{_AMIS}.AmiBackend.copy_image", "x", ABSENT))
    )
    assert "expected a property" in str(
        problem(Name(f"{_AMIS}.AmiBackend.copy_image", "x", PROPERTY))
    )
    assert "expected a class" in str(problem(Name(f"{_AMIS}.AmiBackend.copy_image", "x", CLASS)))
    assert "expected a coroutine" in str(
        problem(Name(f"{_AMIS}.AmiBackend.copy_image", "x", COROUTINE))
    )
    assert "expected a callable" in str(problem(Name("botocore.hooks.EVENT_ALIASES", "x")))


# Attributes set on instances: checked on objects made the way amiexplorer makes them.

_ACCOUNT = "000011112222"  # a throwaway account of moto's in-process backends


def _ec2_backend() -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[_ACCOUNT]["us-east-1"]


def _snapshot() -> Any:
    backend = _ec2_backend()
    volume = backend.create_volume(size=1, zone_name="us-east-1a")
    return backend.create_snapshot(volume.id, "compat")


def _image() -> Any:
    return _ec2_backend().register_image(name="compat", description="compat")


def _ssm_backend() -> Any:
    from moto.ssm.models import ssm_backends

    return ssm_backends[_ACCOUNT]["us-east-1"]


def _client_events() -> Any:
    import botocore.session

    client = botocore.session.get_session().create_client(
        "ec2", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    return client.meta.events


def _endpoint_resolver() -> Any:
    import botocore.session

    return botocore.session.Session()._get_internal_component("endpoint_resolver")


def _parser() -> Any:
    from aiobotocore.parsers import AioEC2QueryParser

    return AioEC2QueryParser()


def _parser_factory() -> Any:
    from aiobotocore.parsers import AioResponseParserFactory

    return AioResponseParserFactory()


def _option_list() -> Any:
    from textual.widgets import OptionList

    return OptionList()


#: (library, what, how to make one, attribute names, who relies on them)
INSTANCE_ATTRIBUTES: tuple[tuple[str, str, Callable[[], Any], tuple[str, ...], str], ...] = (
    (
        "moto",
        "an EC2 backend",
        _ec2_backend,
        ("account_id", "amis", "deleted_amis", "snapshots", "tags", "default_kms_key_id"),
        _PATCHES,
    ),
    # moto assigns status in Snapshot.__init__ (through the patched property: _demo_status).
    (
        "moto",
        "a Snapshot",
        _snapshot,
        (
            "_demo_status",
            "encrypted",
            "kms_key_id",
            "volume",
            "volume_size",
            "description",
            "create_volume_permission_groups",
            "create_volume_permission_userids",
            "start_time",
        ),
        _PATCHES,
    ),
    (
        "moto",
        "an Ami",
        _image,
        ("_demo_state", "launch_permissions", "ebs_snapshot", "root_device_name", "architecture"),
        _PATCHES,
    ),
    ("moto", "an SSM backend", _ssm_backend, ("_parameters",), "demo/image_references.py"),
    (
        "botocore",
        "a client's event emitter",
        _client_events,
        ("_alias_name_cache", "_event_aliases"),
        "aws/client_costs.py",
    ),
    (
        "botocore",
        "the endpoint resolver",
        _endpoint_resolver,
        ("_endpoint_data",),
        "demo/botocore_patches.py",
    ),
    ("aiobotocore", "an EC2 reader", _parser, ("_blob_parser", "_timestamp_parser"), _FASTPARSE),
    ("aiobotocore", "the parser factory", _parser_factory, ("_defaults",), _FASTPARSE),
    ("textual", "an OptionList", _option_list, ("_index_to_line",), _TEXTUAL_PATCHES),
)


@pytest.mark.parametrize(
    ("library", "what", "make", "attributes", "user"),
    INSTANCE_ATTRIBUTES,
    ids=[f"{entry[0]}: {entry[1]}" for entry in INSTANCE_ATTRIBUTES],
)
def test_every_instance_attribute_relied_on_is_there(
    library: str, what: str, make: Callable[[], Any], attributes: tuple[str, ...], user: str
) -> None:
    made = make()
    missing = [name for name in attributes if not hasattr(made, name)]
    assert not missing, (
        f"{library} {version(library)} changed {what} ({type(made).__module__}."
        f"{type(made).__qualname__}): no {', '.join(missing)} (used by amiexplorer/{user})"
    )


def test_what_the_alias_cache_and_the_parameter_store_read() -> None:
    """The shapes `client_costs` and the demo's SSM readers rely on, not just the names."""
    from botocore.hooks import EVENT_ALIASES, EventAliaser

    events = _client_events()
    assert isinstance(events, EventAliaser), (
        f"botocore {version('botocore')} changed a client's meta.events: not an EventAliaser"
    )
    assert events._event_aliases == EVENT_ALIASES, (
        f"botocore {version('botocore')} changed EventAliaser._event_aliases"
    )
    assert isinstance(events._alias_name_cache, dict), (
        f"botocore {version('botocore')} changed EventAliaser._alias_name_cache: not a dict"
    )
    parameters_store = _ssm_backend()._parameters
    assert isinstance(parameters_store, dict), (
        f"moto {version('moto')} changed SimpleSystemManagerBackend._parameters: not a dict"
    )
    assert isinstance(_endpoint_resolver()._endpoint_data.get("partitions"), list), (
        f"botocore {version('botocore')} changed EndpointResolver._endpoint_data['partitions']"
    )


def test_what_the_seeders_and_the_responses_read_of_moto() -> None:
    """Attributes moto sets where no instance is at hand here."""
    from moto.core.responses import BaseResponse
    from moto.ec2.models.instances import Instance

    assert "self.current_account" in inspect.getsource(BaseResponse), (
        f"moto {version('moto')} changed BaseResponse.current_account "
        "(used by amiexplorer/demo/moto_patches/images.py)"
    )
    assert "self._reason" in inspect.getsource(Instance), (
        f"moto {version('moto')} changed Instance._reason (used by amiexplorer/demo/builders.py)"
    )
    assert isinstance(_resolve("moto.core.base_backend.BackendDict._instances"), list), (
        f"moto {version('moto')} changed BackendDict._instances: not a list "
        "(used by amiexplorer/demo/backends.py)"
    )
