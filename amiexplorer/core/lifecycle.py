"""What EC2's lifecycle features say about a snapshot or image: locks, fast snapshot restore,
the archive tier's minimum, deregistration protection and the Recycle Bin's retention rules.

Pure data and rules; `aws/lifecycle_reads.py` reads them into `Inventory.evidence`. Each fact
and the AWS behaviour it stands for is documented by AWS:

- **Snapshot locks** ("Lock Amazon EBS snapshots", EBS User Guide): a snapshot locked in
  governance mode cannot be deleted until the lock expires or someone with
  `ec2:UnlockSnapshot` unlocks it; one in compliance mode cannot be deleted or unlocked by
  anyone, the root user included, until it expires (a compliance lock in its cooling-off
  period can still be unlocked). DescribeLockedSnapshots lists the states governance,
  compliance, compliance-cooloff and expired.
- **Fast snapshot restore** ("Amazon EBS fast snapshot restore"): billed per snapshot per
  Availability Zone for every hour it is enabled (in DSU-hours; $0.75 in us-east-1).
- **Archive tier** ("Archive Amazon EBS snapshots"): an archived snapshot is billed for at
  least 90 days; deleting it sooner is billed for the rest of the 90 days (pro rata).
- **Deregistration protection** ("Protect an Amazon EC2 AMI from deregistration"): a
  protected image cannot be deregistered; enabled with a cooldown, it stays protected for
  24 hours after protection is turned off.
- **Recycle Bin** ("Recycle Bin", EBS and EC2 User Guides): a deleted snapshot or
  deregistered image that a retention rule of its region matches goes to the bin for the
  rule's retention period instead of being destroyed, and is billed as before while there.
  A tag-level rule matches resources with one of its tags; a region-level rule (no tags)
  matches every resource of its type not carrying one of its exclusion tags. When several
  rules match, the one with the longest retention period applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from amiexplorer.core.models import Image, Snapshot, Tags

#: How long an archived snapshot is billed at least ("Archive Amazon EBS snapshots").
ARCHIVE_MINIMUM_DAYS = 90
#: How long a cooldown keeps an image protected after protection is turned off.
PROTECTION_COOLDOWN = timedelta(hours=24)
#: The lock states in which DeleteSnapshot is refused (DescribeLockedSnapshots' LockState).
LOCKING_STATES = frozenset({"governance", "compliance", "compliance-cooloff"})
#: Fast snapshot restore states that bill (all but "disabled": AWS is enabling,
#: optimizing, has enabled it, or is still disabling it).
BILLING_FSR_STATES = frozenset({"enabling", "optimizing", "enabled", "disabling"})
#: DescribeImages' DeregistrationProtection values of a protected image.
PROTECTED = frozenset({"enabled", "enabled-without-cooldown", "enabled-with-cooldown"})
#: The Recycle Bin's resource types.
EBS_SNAPSHOT = "EBS_SNAPSHOT"
EC2_IMAGE = "EC2_IMAGE"


@dataclass(frozen=True, slots=True)
class SnapshotLock:
    """One DescribeLockedSnapshots entry."""

    snapshot_id: str
    region: str
    #: governance, compliance, compliance-cooloff or expired.
    state: str
    expires_on: datetime | None = None
    #: For compliance-cooloff: when the cooling-off period ends (then it is compliance).
    cool_off_expires_on: datetime | None = None

    @property
    def locks(self) -> bool:
        """True while the lock stops a delete."""
        return self.state in LOCKING_STATES

    def describe(self) -> str:
        """For instance "locked in compliance mode until 2027-01-31"."""
        mode = {
            "compliance-cooloff": "compliance mode (still in its cooling-off period)",
        }.get(self.state, f"{self.state} mode")
        until = f" until {self.expires_on:%Y-%m-%d %H:%M} UTC" if self.expires_on else ""
        return f"locked in {mode}{until}"


@dataclass(frozen=True, slots=True)
class FastRestore:
    """Fast snapshot restore of one snapshot in one Availability Zone."""

    snapshot_id: str
    availability_zone: str
    #: enabling, optimizing, enabled, disabling or disabled.
    state: str

    @property
    def bills(self) -> bool:
        """True while AWS bills it."""
        return self.state in BILLING_FSR_STATES


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """One Recycle Bin retention rule (rbin:ListRules), of one region and resource type."""

    identifier: str
    region: str
    resource_type: str
    retention_days: int
    #: Tag-level rule: the tags that put a resource under it ((key, value) pairs).
    resource_tags: tuple[tuple[str, str], ...] = ()
    #: Region-level rule: the tags that keep a resource out of it.
    exclude_tags: tuple[tuple[str, str], ...] = ()
    #: locked, pending_unlock or unlocked (None: the rule has no lock).
    lock_state: str | None = None
    description: str = ""

    def matches(self, tags: Tags) -> bool:
        """True when a resource with `tags` goes to the bin under this rule."""
        held = set(tags)
        if self.resource_tags:
            return any(tag in held for tag in self.resource_tags)
        return not any(tag in held for tag in self.exclude_tags)

    @property
    def locked(self) -> bool:
        """True when the rule itself is locked (it cannot be changed or deleted)."""
        return self.lock_state in ("locked", "pending_unlock")


@dataclass(frozen=True, slots=True)
class BinStay:
    """What becomes of a resource that is removed while a retention rule matches it."""

    rule: RetentionRule
    removed: datetime

    @property
    def leaves(self) -> datetime:
        """When the bin lets it go (and its storage stops being billed)."""
        return self.removed + timedelta(days=self.rule.retention_days)


@dataclass(frozen=True, slots=True)
class BinnedItem:
    """A snapshot or image in the Recycle Bin (ListSnapshotsInRecycleBin, ListImagesInRecycleBin).

    A deregistered image in the bin keeps its snapshots: AWS refuses to delete them until the
    image leaves the bin, and restoring the image brings it back with them.
    """

    resource_id: str
    region: str
    #: "snapshot" or "image".
    kind: str
    entered: datetime | None
    exits: datetime | None
    #: The image's name, or the snapshot's description.
    label: str = ""


def rule_for(resource: Snapshot | Image, rules: Iterable[RetentionRule]) -> RetentionRule | None:
    """The rule that keeps `resource` in the bin when removed: the longest matching one."""
    kind = EBS_SNAPSHOT if isinstance(resource, Snapshot) else EC2_IMAGE
    matching = [
        rule
        for rule in rules
        if rule.resource_type == kind
        and rule.region == resource.region
        and rule.matches(resource.tags)
    ]
    return max(matching, key=lambda r: (r.retention_days, r.identifier), default=None)


def archive_minimum_left(archived_at: datetime | None, now: datetime) -> int:
    """Days of the 90-day archive minimum still to be billed if deleted `now` (0: none)."""
    if archived_at is None:
        return 0
    left = ARCHIVE_MINIMUM_DAYS - (now - archived_at) / timedelta(days=1)
    return max(0, int(left + 0.999))


def protection_until(protection: str | None, now: datetime) -> tuple[bool, str]:
    """(whether a deregister is refused now, in words) from DescribeImages' value.

    AWS answers "disabled", "enabled-without-cooldown" or "enabled-with-cooldown" (the AWS
    CLI's examples of enable- and disable-image-deregistration-protection; "enabled" is
    accepted too). What it says during the 24 hours of a cooldown is not documented: a
    "disabled-until-<ISO time>" is understood, and any other value refuses, quoting it (the
    safe side).
    """
    value = (protection or "disabled").strip()
    if value == "disabled":
        return False, ""
    if value in ("enabled", "enabled-without-cooldown"):
        return True, "deregistration protection is on"
    if value == "enabled-with-cooldown":
        return True, (
            "deregistration protection is on, with a cooldown: after it is turned off, the "
            "image stays protected for 24 more hours"
        )
    prefix = "disabled-until-"
    if value.startswith(prefix):
        try:
            until = datetime.fromisoformat(value[len(prefix) :].replace("Z", "+00:00"))
        except ValueError:
            until = None
        if until is not None and until.tzinfo is not None and until <= now:
            return False, ""
        when = f"{until:%Y-%m-%d %H:%M} UTC" if until is not None else value[len(prefix) :]
        return True, f"deregistration protection was turned off; its cooldown lasts until {when}"
    return True, f"deregistration protection is {value!r}"


#: Snapshot block public access states (GetSnapshotBlockPublicAccessState's State). AWS:
#: "block-all-sharing" also makes the snapshots already public private (their attribute still
#: says public, but nobody can use them); "block-new-sharing" refuses new public shares only
#: (https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html).
BLOCK_ALL_SHARING = "block-all-sharing"
BLOCK_NEW_SHARING = "block-new-sharing"
UNBLOCKED = "unblocked"


@dataclass(frozen=True, slots=True)
class BlockPublicAccess:
    """A region's block public access for snapshots and for images.

    Images have only "block-new-sharing": AMIs already public stay public
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html).
    """

    snapshots: str
    images: str
    #: "account", or "declarative-policy" when an organization's policy sets it (then only
    #: the organization can change it).
    managed_by: str = "account"

    def cuts_public_snapshots(self) -> bool:
        """Whether public snapshots there are already private in effect."""
        return self.snapshots == BLOCK_ALL_SHARING
