"""An in-process Recycle Bin: retention rules and the resources they keep, per account and region.

moto has no Recycle Bin (``rbin``) at all. This store holds the rules ``rbin_api`` serves and the
snapshots and images DeleteSnapshot / DeregisterImage sent to the bin (``recycle_bin_ec2``);
``backends.reset_backends`` and ``/moto-api/reset`` empty it. Rule ids come from moto's seeded
random source, so a reseeded world has the same ids.

How a rule matches, as AWS documents it (EBS user guide "Work with Recycle Bin retention
rules", https://docs.aws.amazon.com/ebs/latest/userguide/recycle-bin-working-with-rules.html, and
the Recycle Bin API reference, API_CreateRule.html): a tag-level rule (``ResourceTags``) retains
resources "tagged with at least one of the tag key and value pairs" of the rule; a region-level
rule (no ``ResourceTags``) retains every resource of its type in its region, except those with one
of its exclusion tags (``ExcludeResourceTags``). Retention: 1-365 days for snapshots and AMIs.

The demo's choices where AWS says nothing: a tag given without a value matches the key whatever
its value; when several rules match, the longest retention wins; nothing leaves the bin on its
own when its retention ends (the demo world is short-lived), it stays listed with its
RecycleBinExitTime.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from amiexplorer.demo.constants import DEMO_ACCOUNT_ID
from amiexplorer.demo.timefmt import aws_now, naive_utc

EBS_SNAPSHOT = "EBS_SNAPSHOT"
EC2_IMAGE = "EC2_IMAGE"
RESOURCE_TYPES = (EBS_SNAPSHOT, EC2_IMAGE)

#: (key, value or None for any value)
Tag = tuple[str, str | None]


class RuleNotFound(LookupError):
    """No rule with this identifier in this account and region."""


@dataclass
class Rule:
    """One retention rule, as GetRule describes it."""

    identifier: str
    account: str
    region: str
    resource_type: str
    retention_days: int
    description: str = ""
    resource_tags: tuple[Tag, ...] = ()
    exclude_tags: tuple[Tag, ...] = ()
    #: UnlockDelay days of a locked rule (None: unlocked).
    unlock_delay_days: int | None = None
    lock_end_time: datetime | None = None
    created: datetime = field(default_factory=aws_now)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """``arn:aws:rbin:REGION:ACCOUNT:rule/IDENTIFIER``."""
        return f"arn:aws:rbin:{self.region}:{self.account}:rule/{self.identifier}"

    @property
    def lock_state(self) -> str:
        """locked / pending_unlock / unlocked."""
        if self.unlock_delay_days is None:
            return "unlocked"
        return "pending_unlock" if self.lock_end_time is not None else "locked"

    def matches(self, tags: Mapping[str, str]) -> bool:
        """Whether a resource carrying ``tags`` is retained by this rule."""

        def carries(tag: Tag) -> bool:
            key, value = tag
            return key in tags and (value is None or tags[key] == value)

        if self.resource_tags:
            return any(carries(t) for t in self.resource_tags)
        return not any(carries(t) for t in self.exclude_tags)


@dataclass
class BinEntry:
    """A snapshot or image in the Recycle Bin: the moto object itself, kept until restored."""

    resource_type: str
    resource_id: str
    resource: Any
    account: str
    region: str
    entered: datetime
    exits: datetime
    rule_id: str


_lock = threading.Lock()
_rules: dict[tuple[str, str], dict[str, Rule]] = {}
_bin: dict[tuple[str, str], dict[str, BinEntry]] = {}


def reset() -> None:
    """Forget every rule and every resource in the bin."""
    with _lock:
        _rules.clear()
        _bin.clear()


def new_rule_id() -> str:
    """A fresh 11-character rule identifier, from moto's seeded random source."""
    from moto.moto_api._internal import mock_random

    return str(mock_random.get_random_hex(11))


def create_rule(
    region: str,
    resource_type: str,
    retention_days: int,
    *,
    description: str = "",
    resource_tags: tuple[Tag, ...] = (),
    exclude_tags: tuple[Tag, ...] = (),
    unlock_delay_days: int | None = None,
    tags: Mapping[str, str] | None = None,
    account: str = DEMO_ACCOUNT_ID,
    created: datetime | None = None,
) -> Rule:
    """Create a rule and return it."""
    rule = Rule(
        identifier=new_rule_id(),
        account=account,
        region=region,
        resource_type=resource_type,
        retention_days=retention_days,
        description=description,
        resource_tags=tuple(resource_tags),
        exclude_tags=tuple(exclude_tags),
        unlock_delay_days=unlock_delay_days,
        created=naive_utc(created) if created is not None else aws_now(),
        tags=dict(tags or {}),
    )
    with _lock:
        _rules.setdefault((account, region), {})[rule.identifier] = rule
    return rule


def rules(region: str, account: str = DEMO_ACCOUNT_ID) -> list[Rule]:
    """The rules of ``account`` in ``region``, oldest first."""
    with _lock:
        found = list(_rules.get((account, region), {}).values())
    return sorted(found, key=lambda r: (r.created, r.identifier))


def get_rule(region: str, identifier: str, account: str = DEMO_ACCOUNT_ID) -> Rule:
    """The rule ``identifier``; raises ``RuleNotFound``."""
    with _lock:
        rule = _rules.get((account, region), {}).get(identifier)
    if rule is None:
        raise RuleNotFound(identifier)
    return rule


def delete_rule(region: str, identifier: str, account: str = DEMO_ACCOUNT_ID) -> None:
    """Delete the rule ``identifier``; raises ``RuleNotFound``."""
    with _lock:
        if _rules.get((account, region), {}).pop(identifier, None) is None:
            raise RuleNotFound(identifier)


def rule_by_arn(arn: str) -> Rule | None:
    """The rule whose ARN is ``arn``, if it exists."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "rbin" or not parts[5].startswith("rule/"):
        return None
    try:
        return get_rule(parts[3], parts[5].removeprefix("rule/"), parts[4])
    except RuleNotFound:
        return None


def retaining_rule(
    region: str, account: str, resource_type: str, tags: Mapping[str, str]
) -> Rule | None:
    """The rule that keeps a deleted resource (the longest retention wins), if any."""
    found = [
        r for r in rules(region, account) if r.resource_type == resource_type and r.matches(tags)
    ]
    return max(found, key=lambda r: r.retention_days, default=None)


def put_in_bin(
    rule: Rule, resource_type: str, resource: Any, entered: datetime | None = None
) -> BinEntry:
    """Keep ``resource`` (already removed from moto) in the bin under ``rule``."""
    when = naive_utc(entered) if entered is not None else aws_now()
    entry = BinEntry(
        resource_type=resource_type,
        resource_id=str(resource.id),
        resource=resource,
        account=rule.account,
        region=rule.region,
        entered=when,
        exits=when + timedelta(days=rule.retention_days),
        rule_id=rule.identifier,
    )
    with _lock:
        _bin.setdefault((rule.account, rule.region), {})[entry.resource_id] = entry
    return entry


def in_bin(region: str, account: str, resource_type: str) -> list[BinEntry]:
    """The resources of ``resource_type`` in the bin, by resource id."""
    with _lock:
        found = [
            e for e in _bin.get((account, region), {}).values() if e.resource_type == resource_type
        ]
    return sorted(found, key=lambda e: e.resource_id)


def take_from_bin(
    region: str, account: str, resource_type: str, resource_id: str
) -> BinEntry | None:
    """Remove and return the bin entry of ``resource_id`` (None if it is not in the bin)."""
    with _lock:
        entries = _bin.get((account, region), {})
        entry = entries.get(resource_id)
        if entry is None or entry.resource_type != resource_type:
            return None
        del entries[resource_id]
    return entry


def all_rules() -> Iterator[Rule]:
    """Every rule of every account and region."""
    with _lock:
        found = [r for by_id in _rules.values() for r in by_id.values()]
    yield from found
