"""Parsing of the descriptions AWS writes on snapshots it creates."""

from amiexplorer.core.descriptions import Origin, is_copy, parse_description


def test_create_image_description_names_instance_and_image() -> None:
    ref = parse_description(
        "Created by CreateImage(i-0123456789abcdef0) for ami-0fedcba9876543210 "
        "from vol-0aaaabbbbccccdddd"
    )
    assert ref is not None
    assert ref.origin is Origin.CREATE_IMAGE
    assert ref.instance_id == "i-0123456789abcdef0"
    assert ref.image_id == "ami-0fedcba9876543210"
    assert ref.volume_id == "vol-0aaaabbbbccccdddd"


def test_create_image_description_without_volume() -> None:
    ref = parse_description("Created by CreateImage(i-0abc) for ami-0def")
    assert ref is not None and ref.image_id == "ami-0def" and ref.volume_id is None


def test_copy_image_description_names_destination_and_sources() -> None:
    ref = parse_description(
        "Copied for DestinationAmi ami-0aaa from SourceAmi ami-0bbb for SourceSnapshot "
        "snap-0ccc. Task created on 1,700,000,000,000."
    )
    assert ref is not None
    assert ref.origin is Origin.COPY_IMAGE
    assert (ref.image_id, ref.source_image_id, ref.source_snapshot_id) == (
        "ami-0aaa",
        "ami-0bbb",
        "snap-0ccc",
    )


def test_copy_snapshot_description() -> None:
    ref = parse_description("[Copied snap-0123abcd from us-east-1]")
    assert ref is not None
    assert ref.origin is Origin.COPY_SNAPSHOT
    assert ref.source_snapshot_id == "snap-0123abcd"
    assert ref.source_region == "us-east-1"
    assert ref.image_id is None


def test_a_persons_own_text_names_nothing() -> None:
    assert parse_description("nightly backup postgres-data 2025-03-02") is None
    assert parse_description("") is None


def test_copies_are_recognised_by_description_or_placeholder_volume() -> None:
    assert is_copy("[Copied snap-0abc from eu-west-1]", "vol-0123")
    assert is_copy("my own copy", "vol-ffffffff")
    assert is_copy(
        "Copied for DestinationAmi ami-1 from SourceAmi ami-2 for SourceSnapshot snap-3", None
    )
    assert not is_copy("Created by CreateImage(i-1) for ami-2", "vol-0123")
    assert not is_copy("nightly", "vol-0123")
