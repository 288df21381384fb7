"""Who a share or `p` gives or takes access, in words, and what a shared key means.

Accounts by id (this account with its alias: the only alias amiexplorer knows, from IAM),
organizations and OUs by their ids and the account that manages them; for `p`, what it
removes and what stays; for what is encrypted, whether the other account can ever use it
(the AWS managed key never; a customer managed one if its key policy allows).
"""

from __future__ import annotations

from collections.abc import Mapping

from amiexplorer.aws.kms_keys import KmsKey, encryption_keys
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity, Image, Snapshot
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import (
    MakePrivateRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.ui.dialogs.lines import Line


def account_label(account_id: str, identity: Identity | None) -> str:
    """An account id, with its alias when it is this account and IAM told us one."""
    if identity is not None and account_id == identity.account_id and identity.account_alias:
        return f"{account_id} ({identity.account_alias}, this account)"
    if identity is not None and account_id == identity.account_id:
        return f"{account_id} (this account)"
    return account_id


def principal_label(value: str, identity: Identity | None) -> str:
    """An account id, organization ARN or OU ARN, as a person reads it.

    `arn:aws:organizations::111122223333:organization/o-abc` is "organization o-abc of
    account 111122223333" (its management account); an OU ARN is "organizational unit
    ou-… of o-… of account …".
    """
    if not value.startswith("arn:"):
        return f"account {account_label(value, identity)}"
    parts = value.split(":")
    owner = parts[4] if len(parts) > 5 else ""
    path = parts[-1].split("/")
    manager = f" of account {account_label(owner, identity)}" if owner else ""
    if path[0] == "ou" and len(path) >= 3:
        return f"organizational unit {path[2]} of {path[1]}{manager}"
    if path[0] == "organization" and len(path) >= 2:
        return f"organization {path[1]}{manager}"
    return value


def who(permissions: Permissions, identity: Identity | None) -> list[str]:
    """Everyone `permissions` names, each in words; "everyone (public)" first."""
    names = ["everyone (public)"] if permissions.public else []
    names += [principal_label(a, identity) for a in permissions.account_ids]
    names += [principal_label(a, identity) for a in permissions.organization_arns]
    names += [principal_label(a, identity) for a in permissions.organizational_unit_arns]
    return names


# Sharing -------------------------------------------------------------------------------------


def share_lines(
    request: ShareImagesRequest | ShareSnapshotsRequest,
    plan: Plan,
    inventory: Inventory,
    identity: Identity | None,
) -> list[Line]:
    images = isinstance(request, ShareImagesRequest)
    count = len(plan.targets)
    noun = ("image" if images else "snapshot") + ("s" if count != 1 else "")
    lines = []
    added, removed = who(request.add, identity), who(request.remove, identity)
    for index, name in enumerate(added):
        public = request.add.public and index == 0
        lines.append(Line("Gets access" if index == 0 else "", name, warning=public))
    for index, name in enumerate(removed):
        lines.append(Line("Loses access" if index == 0 else "", name))
    if not added and not removed:
        lines.append(Line("Access", "nobody added or removed"))
    doing = "launching" if images else "creating volumes from"
    lines.append(Line("For", f"{doing} the {count} {noun} below"))
    return lines


def sharing_of(resource: Image | Snapshot | None, identity: Identity | None) -> list[str]:
    """Who a resource is known to be shared with, in words ([] when nobody; None unknown)."""
    if resource is None or resource.shared_with is None:
        return []
    return [principal_label(p, identity) for p in resource.shared_with]


def make_private_lines(
    request: MakePrivateRequest, plan: Plan, inventory: Inventory, identity: Identity | None
) -> list[Line]:
    lines = []
    for resource_id in dict.fromkeys(request.resource_ids):
        resource: Image | Snapshot | None = inventory.images.get(
            resource_id
        ) or inventory.snapshots.get(resource_id)
        if resource is None:
            continue
        shares = sharing_of(resource, identity)
        unknown = resource.shared_with is None
        public = "everyone (public)" if resource.is_public else ""
        if request.everyone:
            gone = [p for p in (public, *shares) if p]
            text = "removes every permission: " + ("; ".join(gone) or "none known")
            if unknown:
                text += " (and any share not read yet)"
            lines.append(Line(resource_id, text))
            continue
        if resource.is_public is False:
            text = "not public: nothing to remove"
        else:
            text = "removes public access (everyone)"
        if shares:
            text += f"; keeps: {'; '.join(shares)}"
        elif unknown:
            text += "; keeps its other shares (not read yet)"
        lines.append(Line(resource_id, text))
    return lines


# The keys of encrypted snapshots being shared --------------------------------------------------


def key_warnings(
    request: ShareImagesRequest | ShareSnapshotsRequest,
    inventory: Inventory,
    keys: Mapping[str, KmsKey],
    identity: Identity | None = None,
) -> list[str]:
    """What the accounts given an encrypted snapshot (or image) also need: its KMS key.

    An AWS managed key (alias/aws/ebs) can be used by no other account, so AWS refuses to
    share what it encrypts; a customer managed key must allow the other account in its key
    policy. Nothing is said for removals, or when nobody is added.
    """
    added = who(replace_public(request.add), identity)
    if not added:
        return []
    ids = request.image_ids if isinstance(request, ShareImagesRequest) else request.snapshot_ids
    chosen: list[Image | Snapshot] = []
    for resource_id in dict.fromkeys(ids):
        found = inventory.images.get(resource_id) or inventory.snapshots.get(resource_id)
        if isinstance(found, Image | Snapshot):
            chosen.append(found)
    recipients = "; ".join(added)
    warnings = []
    for key_id, (_region, resource_ids) in encryption_keys(chosen, inventory.snapshots).items():
        what = f"{', '.join(resource_ids)} {'is' if len(resource_ids) == 1 else 'are'} encrypted"
        key = keys.get(key_id)
        managed = key.aws_managed if key is not None else None
        label = key.label if key is not None else key_id
        if managed is True:
            warnings.append(
                f"{what} with the AWS managed key {label}: no other account may use that "
                f"key, so AWS refuses to share it with {recipients}. Copy it (y) with a "
                "customer managed key and share the copy"
            )
        elif managed is False:
            warnings.append(
                f"{what} with the customer managed key {label}: {recipients} can use it only "
                "if that key allows them too (its key policy: kms:Decrypt, kms:DescribeKey, "
                "kms:CreateGrant, kms:ReEncrypt*)"
            )
        else:
            why = f" ({key.problem})" if key is not None and key.problem else ""
            warnings.append(
                f"{what} with KMS key {label}, which could not be looked up{why}: "
                f"{recipients} can use it only if that key allows them too; if it is the AWS "
                "managed key (alias/aws/ebs), AWS refuses to share it"
            )
    return warnings


def replace_public(permissions: Permissions) -> Permissions:
    """The same permissions without `public` (encrypted snapshots are never made public)."""
    return Permissions(
        permissions.account_ids,
        permissions.organization_arns,
        permissions.organizational_unit_arns,
    )
