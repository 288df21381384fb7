"""Who manages the KMS keys of encrypted snapshots: what sharing one needs to know.

An account given a snapshot (or an image) that is encrypted can use it only if it may also
use the key. A customer managed key can allow that in its key policy (or by a grant); the
AWS managed key for EBS (`alias/aws/ebs`) can allow no other account at all, so AWS refuses
to share what it encrypts. DescribeKey's KeyManager says which (AWS / CUSTOMER); an alias
under `alias/aws/` says so too (AWS reserves that prefix for its own keys). Two calls per
key (DescribeKey, ListAliases for its aliases), asked when a share dialog opens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.models import Image, Snapshot

#: The alias prefix AWS reserves for the keys it manages (alias/aws/ebs for EBS).
AWS_ALIAS_PREFIX = "alias/aws/"


@dataclass(frozen=True, slots=True)
class KmsKey:
    """What is known about one KMS key: its aliases and who manages it."""

    #: The key id as the snapshot names it (an ARN, as EC2 reports it).
    key_id: str
    region: str
    aliases: tuple[str, ...] = ()
    #: DescribeKey's KeyManager: "AWS" or "CUSTOMER" (None: not read).
    manager: str | None = None
    #: Why it could not be read ("" when it was).
    problem: str = ""

    @property
    def aws_managed(self) -> bool | None:
        """True for an AWS managed key, False for a customer managed one, None if unknown."""
        if self.manager == "AWS" or any(a.startswith(AWS_ALIAS_PREFIX) for a in self.aliases):
            return True
        if self.manager == "CUSTOMER":
            return False
        return None

    @property
    def label(self) -> str:
        """Its first alias with the id, e.g. "alias/acme-ebs (arn:aws:kms:…:key/…)"."""
        return f"{self.aliases[0]} ({self.key_id})" if self.aliases else self.key_id


def key_region(key_id: str, default: str) -> str:
    """The region of a key ARN (arn:aws:kms:REGION:…), else `default`."""
    parts = key_id.split(":")
    if len(parts) > 3 and parts[0] == "arn" and parts[2] == "kms" and parts[3]:
        return parts[3]
    return default


def encryption_keys(
    resources: Iterable[Image | Snapshot], snapshots: Mapping[str, Snapshot]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Key id -> (its region, the chosen resources it encrypts), for snapshots and images.

    An image's keys are those of its mappings, else those of the loaded snapshots it names.
    """
    found: dict[str, tuple[str, list[str]]] = {}

    def add(key_id: str | None, region: str, resource_id: str) -> None:
        if not key_id:
            return
        _region, ids = found.setdefault(key_id, (key_region(key_id, region), []))
        if resource_id not in ids:
            ids.append(resource_id)

    for resource in resources:
        if isinstance(resource, Snapshot):
            if resource.encrypted:
                add(resource.kms_key_id, resource.region, resource.id)
            continue
        for mapping in resource.block_device_mappings:
            snapshot = snapshots.get(mapping.snapshot_id or "")
            key = mapping.kms_key_id or (snapshot.kms_key_id if snapshot is not None else None)
            if mapping.encrypted or (snapshot is not None and snapshot.encrypted):
                add(key, resource.region, resource.id)
    return {key: (region, tuple(ids)) for key, (region, ids) in found.items()}


async def read_key(pool: ClientPool, key_id: str, region: str) -> KmsKey:
    """DescribeKey and ListAliases of one key; a failure is kept as the key's `problem`."""
    try:
        kms = await pool.get("kms", region)
        described, listed = await asyncio.gather(
            kms.describe_key(KeyId=key_id),
            kms.list_aliases(KeyId=key_id.rsplit("/", 1)[-1]),
        )
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the warning then says the key could not be read, and why
        problem = describe_problem(exc, region=region, service="kms", operation="DescribeKey")
        return KmsKey(key_id, region, problem=problem.message)
    metadata = described.get("KeyMetadata") or {}
    aliases = tuple(
        sorted(str(a["AliasName"]) for a in listed.get("Aliases") or [] if a.get("AliasName"))
    )
    return KmsKey(key_id, region, aliases, metadata.get("KeyManager"))


async def read_keys(pool: ClientPool, keys: Mapping[str, str]) -> dict[str, KmsKey]:
    """Key id -> what KMS says of it, for `keys` (key id -> its region), all at once."""
    ids = list(keys)
    found = await asyncio.gather(*(read_key(pool, key, keys[key]) for key in ids))
    return dict(zip(ids, found, strict=True))
