"""The registry of resource kinds (issue 13): one spec each, and the spec's EC2 names are real.

The core names EC2 operations and members as plain strings; these tests hold them against
botocore's own service model, so a typo or an API change fails here, not at the first poll.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
import pytest

from amiexplorer.core.kinds import (
    KINDS,
    aliases,
    follow_of,
    kind_for_alias,
    kind_for_id,
    panes,
    spec_for,
    spec_of,
)
from amiexplorer.core.models import KIND_OF, ResourceKind
from amiexplorer.ui.screens.command_line import KIND_COMMANDS
from amiexplorer.ui.widgets.kind_bar import PANES, SHORT
from tests.unit.test_audit_rules import image, instance, snapshot, volume

#: The `:` words the command line took before the registry, and the pane each showed.
ALIASES_BEFORE = {
    "inst": ResourceKind.INSTANCE,
    "instance": ResourceKind.INSTANCE,
    "instances": ResourceKind.INSTANCE,
    "ec2": ResourceKind.INSTANCE,
    "vol": ResourceKind.VOLUME,
    "volume": ResourceKind.VOLUME,
    "volumes": ResourceKind.VOLUME,
    "ebs": ResourceKind.VOLUME,
    "snap": ResourceKind.SNAPSHOT,
    "snapshot": ResourceKind.SNAPSHOT,
    "snapshots": ResourceKind.SNAPSHOT,
    "ami": ResourceKind.IMAGE,
    "amis": ResourceKind.IMAGE,
    "image": ResourceKind.IMAGE,
    "images": ResourceKind.IMAGE,
}

#: The create and copy calls of the plans, and the kind each makes (see `new_ids_of`).
CREATES = {
    "CreateImage": ResourceKind.IMAGE,
    "CopyImage": ResourceKind.IMAGE,
    "CreateSnapshot": ResourceKind.SNAPSHOT,
    "CopySnapshot": ResourceKind.SNAPSHOT,
    "CreateVolume": ResourceKind.VOLUME,
}

FOLLOWED = [kind for kind in ResourceKind if KINDS[kind].follow is not None]
PANES_KINDS = [kind for kind, _label in PANES]


@cache
def _ec2() -> Any:
    return botocore.session.get_session().get_service_model("ec2")


def test_every_kind_has_its_own_spec() -> None:
    assert set(KINDS) == set(ResourceKind)
    assert all(spec_of(kind).kind is kind for kind in ResourceKind)
    # Every model's kind, and the model's id attribute is the spec's.
    made = {
        ResourceKind.INSTANCE: instance("i-1", "ami-1"),
        ResourceKind.VOLUME: volume("vol-1"),
        ResourceKind.SNAPSHOT: snapshot("snap-1"),
        ResourceKind.IMAGE: image("ami-1"),
    }
    assert set(KIND_OF.values()) == set(ResourceKind)
    for kind, resource in made.items():
        spec = spec_for(resource)
        assert spec.kind is kind
        assert getattr(resource, spec.id_attribute) == resource.id
        assert spec.id_prefix is not None and resource.id.startswith(spec.id_prefix)
        assert kind_for_id(resource.id) is kind


def test_ids_name_their_kind_by_prefix_only_when_it_is_theirs() -> None:
    prefixes = [s.id_prefix for s in KINDS.values() if s.id_prefix]
    assert len(prefixes) == len(set(prefixes))
    assert kind_for_id("lt-0abc:3") is ResourceKind.LAUNCH_TEMPLATE_VERSION
    assert kind_for_id("us-east-1/web") is None
    assert kind_for_id("sg-123") is None


def test_aliases_are_unique_across_kinds_and_map_as_before() -> None:
    every = [alias for spec in KINDS.values() for alias in spec.aliases]
    assert len(every) == len(set(every))
    assert aliases() == ALIASES_BEFORE
    assert KIND_COMMANDS == ALIASES_BEFORE
    for word, kind in ALIASES_BEFORE.items():
        assert kind_for_alias(word) is kind
        assert kind_for_alias(word.upper()) is kind
    assert kind_for_alias("region") is None


def test_only_kinds_with_a_pane_have_aliases_and_the_panes_keys_are_1_to_4() -> None:
    with_pane = [spec for spec in KINDS.values() if spec.pane is not None]
    keys = [spec.pane for spec in with_pane]
    assert len(keys) == len(set(keys))
    assert [spec.pane for spec in panes()] == [1, 2, 3, 4]
    assert all(spec.aliases for spec in with_pane)
    assert not [spec.kind for spec in KINDS.values() if spec.pane is None and spec.aliases]
    # What the bar shows, as it did before the registry.
    assert PANES == (
        (ResourceKind.INSTANCE, "Instances"),
        (ResourceKind.VOLUME, "Volumes"),
        (ResourceKind.SNAPSHOT, "Snapshots"),
        (ResourceKind.IMAGE, "Images"),
    )
    assert SHORT == {"Instances": "Inst", "Volumes": "Vol", "Snapshots": "Snap", "Images": "AMI"}


def test_search_fields_are_attributes_of_the_kinds_model() -> None:
    made = [instance("i-1", "ami-1"), volume("vol-1"), snapshot("snap-1"), image("ami-1")]
    for resource in made:
        fields = spec_for(resource).search_fields
        assert fields
        for name in fields:
            value = getattr(resource, name)
            assert value is None or isinstance(value, str | tuple), (resource.id, name)


def test_the_followed_kinds_are_what_the_watcher_follows() -> None:
    assert set(FOLLOWED) == {ResourceKind.SNAPSHOT, ResourceKind.IMAGE, ResourceKind.VOLUME}
    with pytest.raises(ValueError, match="does not follow instances"):
        follow_of(ResourceKind.INSTANCE)


@pytest.mark.parametrize("kind", FOLLOWED, ids=str)
def test_the_watchers_describe_call_is_a_real_ec2_call(kind: ResourceKind) -> None:
    follow = follow_of(kind)
    operation = _ec2().operation_model(follow.operation)
    members = operation.input_shape.members
    # The watcher names ids in a filter (one AWS does not know yet does not fail the call).
    assert "Filters" in members
    assert f"<code>{follow.filter_name}</code>" in members["Filters"].documentation
    listed = operation.output_shape.members[follow.result_key]
    assert listed.type_name == "list"
    item = listed.member
    # What parse.py reads the id from is the kind's id member of each listed item.
    assert spec_of(kind).create_id_key in item.members
    state = item.members[follow.state_key]
    enum = set(state.enum)
    assert follow.pending_states and follow.pending_states <= enum
    assert follow.done_states and follow.done_states <= enum
    assert not follow.pending_states & follow.done_states
    # Any other state after pending is a failure: there must be one AWS can end in.
    assert enum - follow.pending_states - follow.done_states


@pytest.mark.parametrize(("operation", "kind"), CREATES.items(), ids=list(CREATES))
def test_the_create_answer_names_the_new_id_with_the_kinds_key(
    operation: str, kind: ResourceKind
) -> None:
    key = spec_of(kind).create_id_key
    assert key is not None
    assert key in _ec2().operation_model(operation).output_shape.members


def test_create_snapshots_lists_its_new_ids_under_the_snapshots_key() -> None:
    # new_ids_of reads CreateSnapshots' answer as a list of items with the snapshot's key.
    listed = _ec2().operation_model("CreateSnapshots").output_shape.members["Snapshots"]
    assert spec_of(ResourceKind.SNAPSHOT).create_id_key in listed.member.members


def test_labels_read_as_the_ui_shows_them() -> None:
    assert [spec_of(k).label for k in PANES_KINDS] == ["Instance", "Volume", "Snapshot", "Image"]
    assert [spec_of(k).noun for k in PANES_KINDS] == ["instance", "volume", "snapshot", "image"]
    assert spec_of(ResourceKind.LAUNCH_CONFIGURATION).pane is None
    assert spec_of(ResourceKind.LAUNCH_TEMPLATE_VERSION).pane is None
