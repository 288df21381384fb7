"""Block public access for AMIs and for EBS snapshots, per account and Region (moto 5.2.5 has
neither: it answers Get/Enable/Disable{Image,Snapshot}BlockPublicAccess{,State} with HTTP 500).

What AWS documents (EC2 user guide "Understand block public access for AMIs",
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html; EBS user
guide "Block public access for snapshots",
https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html; API reference
API_EnableSnapshotBlockPublicAccess.html, API_DisableSnapshotBlockPublicAccess.html,
API_EnableImageBlockPublicAccess.html):

- both settings are per account and per Region; ``ManagedBy`` is ``account`` or
  ``declarative-policy`` (the demo has no declarative policies: always ``account``);
- AMIs: ``block-new-sharing`` or ``unblocked``. "When block public access is enabled, any
  attempt to make an AMI public is automatically blocked. However, if you already have public
  AMIs, they remain publicly available.";
- snapshots: ``block-new-sharing`` refuses new public sharing, already public snapshots stay
  public; ``block-all-sharing`` also makes already public snapshots "treated as private" and no
  longer publicly available. It "does not change the permissions for snapshots that are already
  publicly shared ... the attributes for these snapshots still indicate that they are publicly
  shared, even though they are not publicly available" (so DescribeSnapshotAttribute still
  reports Group=all), and on Disable, or on a change to ``block-new-sharing``, "these snapshots
  will become publicly available again";
- Enable answers the state it set, Disable answers ``unblocked``.

What AWS does not document, and the demo chooses:

- the error of ModifyImageAttribute / ModifySnapshotAttribute asking for public sharing while it
  is blocked: ``OperationNotPermitted`` (EC2's documented code for an operation that is not
  allowed) with the demo's own message;
- bad values of ``State`` / ``ImageBlockPublicAccessState``: ``InvalidParameterValue``, and
  ``MissingParameter`` when absent, with the demo's own messages;
- the setting takes effect at once (AWS: "up to 10 minutes" for AMIs).

The state lives on moto's EC2 backend of the (account, Region) it belongs to, so
``reset_backends`` (and so ``DemoServer.reset`` and ``seed_world``) throws it away with the rest
of moto's state: a fresh backend starts ``unblocked``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import Any

from amiexplorer.demo.ec2_pages import ec2_error

BLOCK_NEW = "block-new-sharing"
BLOCK_ALL = "block-all-sharing"
UNBLOCKED = "unblocked"
IMAGE_STATES = (BLOCK_NEW, UNBLOCKED)
SNAPSHOT_STATES = (BLOCK_ALL, BLOCK_NEW, UNBLOCKED)
#: What Enable accepts (AWS: "unblocked is not a valid value for Enable...").
IMAGE_ENABLE_STATES = (BLOCK_NEW,)
SNAPSHOT_ENABLE_STATES = (BLOCK_ALL, BLOCK_NEW)
MANAGED_BY = "account"
#: The group that makes an image or snapshot public.
PUBLIC = "all"
#: The demo region seeded with block-new-sharing for snapshots.
SEEDED_REGION = "us-west-2"
_IMAGES_KEY = "_demo_image_block_public_access"
_SNAPSHOTS_KEY = "_demo_snapshot_block_public_access"
_GROUPS_KEY = "_demo_create_volume_permission_groups"


def image_state(backend: Any) -> str:
    """Block public access for AMIs of a moto EC2 backend (one account, one Region)."""
    return str(backend.__dict__.get(_IMAGES_KEY, UNBLOCKED))


def set_image_state(backend: Any, state: str) -> None:
    """Set block public access for AMIs of ``backend``."""
    if state not in IMAGE_STATES:
        raise ValueError(f"not an image block public access state: {state!r}")
    backend.__dict__[_IMAGES_KEY] = state


def snapshot_state(backend: Any) -> str:
    """Block public access for snapshots of a moto EC2 backend (one account, one Region)."""
    return str(backend.__dict__.get(_SNAPSHOTS_KEY, UNBLOCKED))


def set_snapshot_state(backend: Any, state: str) -> None:
    """Set block public access for snapshots of ``backend``."""
    if state not in SNAPSHOT_STATES:
        raise ValueError(f"not a snapshot block public access state: {state!r}")
    backend.__dict__[_SNAPSHOTS_KEY] = state


def refuse_public_image(backend: Any, image_id: str) -> None:
    """Raise ModifyImageAttribute's refusal of Group=all while AMI sharing is blocked."""
    if image_state(backend) != UNBLOCKED:
        # AWS documents that the attempt "is automatically blocked", not its error: the code is
        # EC2's OperationNotPermitted, the message the demo's own.
        raise ec2_error(
            "OperationNotPermitted",
            f"The image '{image_id}' can't be made public: block public access for AMIs is "
            f"enabled ({image_state(backend)}) in this Region.",
        )


def refuse_public_snapshot(backend: Any, snapshot_id: str) -> None:
    """Raise ModifySnapshotAttribute's refusal of Group=all while snapshot sharing is blocked."""
    state = snapshot_state(backend)
    if state != UNBLOCKED:
        # Undocumented error, as for images: OperationNotPermitted, the demo's own message.
        raise ec2_error(
            "OperationNotPermitted",
            f"The snapshot '{snapshot_id}' can't be made public: block public access for "
            f"snapshots is enabled ({state}) in this Region.",
        )


class _PrivateView(MutableSet[str]):
    """A snapshot's createVolumePermission groups under block-all-sharing: Group=all is kept
    (AWS does not change the permission) but not seen, so the snapshot is not publicly listed;
    changes go through to the real set, so removing or resetting the permission still works."""

    def __init__(self, groups: set[str]) -> None:
        self._groups = groups

    def __contains__(self, group: object) -> bool:
        return group != PUBLIC and group in self._groups

    def __iter__(self) -> Iterator[str]:
        return (group for group in self._groups if group != PUBLIC)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def add(self, group: str) -> None:
        self._groups.add(group)

    def discard(self, group: str) -> None:
        self._groups.discard(group)

    # The set methods moto and the demo call on create_volume_permission_groups.
    def update(self, groups: Iterable[str]) -> None:
        self._groups.update(groups)

    def difference_update(self, groups: Iterable[str]) -> None:
        self._groups.difference_update(groups)

    def clear(self) -> None:
        self._groups.clear()


def permission_groups(snapshot: Any) -> set[str]:
    """The createVolumePermission groups of a moto ``Snapshot`` as stored (Group=all included
    under block-all-sharing: what DescribeSnapshotAttribute reports)."""
    found = snapshot.__dict__.get(_GROUPS_KEY)
    if found is None:
        # A snapshot made before the patch was installed keeps moto's own attribute.
        found = snapshot.__dict__.pop("create_volume_permission_groups", None) or set()
        snapshot.__dict__[_GROUPS_KEY] = found
    groups: set[str] = found
    return groups


def shown_groups(snapshot: Any) -> set[str] | MutableSet[str]:
    """``Snapshot.create_volume_permission_groups``: what makes it public, or not, now."""
    groups = permission_groups(snapshot)
    backend = snapshot.__dict__.get("ec2_backend")
    if backend is not None and snapshot_state(backend) == BLOCK_ALL:
        return _PrivateView(groups)
    return groups


def set_groups(snapshot: Any, groups: set[str]) -> None:
    """moto's ``Snapshot.__init__`` assigning ``create_volume_permission_groups``."""
    snapshot.__dict__[_GROUPS_KEY] = groups


def plant(region: str = SEEDED_REGION, snapshots: str = BLOCK_NEW, images: str = UNBLOCKED) -> None:
    """Seed the demo account's block public access settings in ``region`` (``seed_world`` calls
    it once, for ``SEEDED_REGION``: every other Region stays unblocked)."""
    from amiexplorer.demo.backends import ec2_backend

    backend = ec2_backend(region)
    set_snapshot_state(backend, snapshots)
    set_image_state(backend, images)
