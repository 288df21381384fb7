"""Read the descriptions AWS writes on the snapshots it creates.

CreateImage writes `Created by CreateImage(i-...) for ami-... [from vol-...]`; CopyImage writes
`Copied for DestinationAmi ami-... from SourceAmi ami-... for SourceSnapshot snap-...`;
CopySnapshot writes `[Copied snap-... from REGION]` followed by the source's description, so
a copy of an image's snapshot carries both: its image then lives in REGION, not in the copy's
region. These are how a snapshot whose image was deregistered can still be traced to that image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_CREATE_IMAGE = re.compile(
    r"Created by CreateImage\((?P<instance>i-[0-9a-fA-F]+)\) for (?P<image>ami-[0-9a-fA-F]+)"
    r"(?: from (?P<volume>vol-[0-9a-fA-F]+))?"
)
_COPY_IMAGE = re.compile(
    r"Copied for DestinationAmi (?P<image>ami-[0-9a-fA-F]+) from SourceAmi "
    r"(?P<source_image>ami-[0-9a-fA-F]+) for SourceSnapshot (?P<source_snapshot>snap-[0-9a-fA-F]+)"
)
_COPY_SNAPSHOT = re.compile(
    r"\[Copied (?P<source_snapshot>snap-[0-9a-fA-F]+) from (?P<source_region>[a-z0-9-]+)\]"
)

#: The volume id AWS gives snapshots made by CopySnapshot (and some other non-volume sources).
PLACEHOLDER_VOLUME_ID = "vol-ffffffff"


class Origin(StrEnum):
    """Which AWS operation wrote a snapshot's description."""

    CREATE_IMAGE = "CreateImage"
    COPY_IMAGE = "CopyImage"
    COPY_SNAPSHOT = "CopySnapshot"


@dataclass(frozen=True, slots=True)
class DescriptionRef:
    """What a snapshot's description says about where it came from."""

    origin: Origin
    image_id: str | None = None
    instance_id: str | None = None
    volume_id: str | None = None
    source_image_id: str | None = None
    source_snapshot_id: str | None = None
    source_region: str | None = None
    #: For a CreateImage / CopyImage description carried over by CopySnapshot: the region the
    #: snapshot was copied from, where the named image lives.
    copied_from_region: str | None = None


def parse_description(description: str) -> DescriptionRef | None:
    """The origin named by a snapshot description, or None for a person's own text."""
    if "CreateImage" not in description and "Copied" not in description:
        # Every pattern below names one of these words; most descriptions name neither, and
        # this test is what a sort over 100,000 snapshots' descriptions costs.
        return None
    copied = _COPY_SNAPSHOT.search(description)
    copied_from = copied["source_region"] if copied else None
    if match := _CREATE_IMAGE.search(description):
        return DescriptionRef(
            Origin.CREATE_IMAGE,
            image_id=match["image"],
            instance_id=match["instance"],
            volume_id=match["volume"],
            copied_from_region=copied_from,
        )
    if match := _COPY_IMAGE.search(description):
        return DescriptionRef(
            Origin.COPY_IMAGE,
            image_id=match["image"],
            source_image_id=match["source_image"],
            source_snapshot_id=match["source_snapshot"],
            copied_from_region=copied_from,
        )
    if match := copied:
        return DescriptionRef(
            Origin.COPY_SNAPSHOT,
            source_snapshot_id=match["source_snapshot"],
            source_region=match["source_region"],
        )
    return None


def is_copy(description: str, volume_id: str | None) -> bool:
    """True for a snapshot made by CopySnapshot or CopyImage: its volume id means nothing."""
    ref = parse_description(description)
    if ref is not None and (
        ref.origin in (Origin.COPY_SNAPSHOT, Origin.COPY_IMAGE) or ref.copied_from_region
    ):
        return True
    return volume_id == PLACEHOLDER_VOLUME_ID
