"""`s` on images or snapshots: who may launch them / create volumes from them.

The dialog reads the current permissions when it opens (the AWS calls a dialog makes), and
the KMS keys of what is encrypted: who manages them is what the accounts given access need
to know (the confirmation says). It adds and removes accounts (and, for images,
organizations and units), makes public, or, with `p`, private again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Checkbox, Input, Static

from amiexplorer.aws.account import Account
from amiexplorer.aws.attributes import attributes_of
from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.kms_keys import KmsKey, encryption_keys, read_keys
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import (
    ActionRequest,
    MakePrivateRequest,
    Permissions,
    ShareImagesRequest,
    ShareSnapshotsRequest,
)
from amiexplorer.core.validation import (
    Problem,
    check_account_id,
    check_organization_arn,
    check_ou_arn,
)
from amiexplorer.ui.dialogs.form import FormDialog, explain, label, parse_list
from amiexplorer.ui.dialogs.share_words import key_warnings
from amiexplorer.ui.widgets.toggles import TickBox

#: At most this many sharing reads at once when many resources are chosen.
READ_CONCURRENCY = 8


async def read_unknown_sharing(account: Account, resource_ids: Iterable[str]) -> None:
    """Read who the account's resources among `resource_ids` are shared with, where unknown.

    What `p` removes and what it leaves is then said exactly; a failure leaves it unknown
    (and said so).
    """
    inventory, own = account.inventory, account.identity.account_id
    unknown = []
    for resource_id in dict.fromkeys(resource_ids):
        resource = inventory.images.get(resource_id) or inventory.snapshots.get(resource_id)
        if resource is not None and resource.shared_with is None and resource.owner_id == own:
            unknown.append(resource)
    limit = asyncio.Semaphore(READ_CONCURRENCY)

    async def read(resource: Image | Snapshot) -> None:
        async with limit:
            await account.load_attributes(resource)

    await asyncio.gather(*(read(r) for r in unknown))


def describe_sharing(resource: Image | Snapshot) -> str:
    """For instance "public · shared with 444455556666", or "private, not shared"."""
    parts = ["public (everyone)"] if resource.is_public else []
    if resource.shared_with:
        parts.append(f"shared with {', '.join(resource.shared_with)}")
    return " · ".join(parts) or "private, not shared"


class ShareDialog(FormDialog):
    """Add and remove permissions of the images or snapshots in `context.resources`."""

    TITLE = "Share"
    KEYS = "ctrl+s apply · p make private again (outside text fields) · esc cancel · tab next"
    # The fields scroll; the problems and keys below them stay in view on small screens.
    DEFAULT_CSS = """
    ShareDialog Checkbox { margin-top: 1; }
    ShareDialog VerticalScroll { max-height: 65vh; }
    """
    #: Set while `p` submits: build() then returns a MakePrivateRequest.
    _private = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "make_private", "Private", id="share-make-private", tooltip="Make private"),
    ]

    @property
    def images(self) -> bool:
        """True when sharing images (launch permissions), False for snapshots."""
        return all(isinstance(r, Image) for r in self.context.resources)

    def encrypted(self) -> list[str]:
        """The chosen resources that can never be public: encrypted, or of encrypted snapshots."""
        snapshots = self.context.account.inventory.snapshots
        found = []
        for resource in self.context.resources:
            if isinstance(resource, Snapshot):
                if resource.encrypted:
                    found.append(resource.id)
            elif any(
                m.encrypted or getattr(snapshots.get(m.snapshot_id or ""), "encrypted", False)
                for m in resource.block_device_mappings
            ):
                found.append(resource.id)
        return found

    def fields(self) -> Iterable[Any]:
        """Current permissions, accounts (and organizations) to add and remove, public."""
        what = "launch permissions" if self.images else "createVolumePermission"
        yield explain(f"{len(self.context.resources)} resource(s); current {what}:")
        yield Static("loading…", id="current")
        yield label("Account ids to add (12 digits each, comma or space separated)")
        yield Input(id="add_accounts")
        yield label("Account ids to remove")
        yield Input(id="remove_accounts")
        if self.images:
            yield label("Organization or OU ARNs to add")
            yield Input(placeholder="arn:aws:organizations::…", id="add_organizations")
            yield label("Organization or OU ARNs to remove")
            yield Input(id="remove_organizations")
        yield TickBox("Make public: everyone may use it", id="public", compact=True)
        yield Static("", id="public-hint", classes="warning")

    def on_mount(self) -> None:
        """Read the current permissions, and the keys of what is encrypted, in the background."""
        #: The KMS keys of the chosen resources, once read (see confirmation_notices).
        self.keys: dict[str, KmsKey] = {}
        self._keys_read = asyncio.Event()
        self.run_worker(self._load(), group="share-attributes", exit_on_error=False)
        self.run_worker(self._load_keys(), group="share-keys", exit_on_error=False)

    async def _load_keys(self) -> None:
        """Who manages each key that encrypts a chosen snapshot (or an image's snapshots)."""
        try:
            snapshots = self.context.account.inventory.snapshots
            found = encryption_keys(self.context.resources, snapshots)
            wanted = {key: region for key, (region, _ids) in found.items()}
            if wanted:
                self.keys = await read_keys(self.context.account.pool, wanted)
        finally:
            self._keys_read.set()

    async def confirmation_notices(self, plan: Plan) -> list[str]:
        """What the accounts given an encrypted snapshot also need: its KMS key."""
        request = plan.request
        if not isinstance(request, ShareImagesRequest | ShareSnapshotsRequest):
            return []
        await self._keys_read.wait()
        account = self.context.account
        return key_warnings(request, account.inventory, self.keys, account.identity)

    async def _load(self) -> None:
        """Show each resource's current sharing, or why it could not be read."""
        pool, inventory = self.context.account.pool, self.context.account.inventory
        resources = self.context.resources
        limit = asyncio.Semaphore(READ_CONCURRENCY)

        async def read(resource: Image | Snapshot) -> Image | Snapshot:
            async with limit:
                return await attributes_of(pool, resource)

        found = await asyncio.gather(*(read(r) for r in resources), return_exceptions=True)
        text = Text()
        for resource, result in zip(resources, found, strict=True):
            text.append(f"{resource.id}  ", style="bold")
            if isinstance(result, Image | Snapshot):
                inventory.put(result)
                text.append(describe_sharing(result) + "\n")
            else:
                call = f"Describe{type(resource).__name__}Attribute"
                what = describe_problem(result, region=resource.region, operation=call)
                text.append(f"could not read: {what.message}\n", style="red")
        self.query_one("#current", Static).update(text)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Say at once when public is impossible."""
        encrypted = self.encrypted() if event.value else []
        hint = f"{', '.join(encrypted)}: encrypted, AWS never makes it public" if encrypted else ""
        self.query_one("#public-hint", Static).update(hint)

    def _permissions(self, verb: str, public: bool = False) -> tuple[Permissions, list[Problem]]:
        """Who was typed in the `verb` (add / remove) fields, and what is malformed there."""
        field = f"{verb}_accounts"
        accounts = parse_list(self.query_one(f"#{field}", Input).value)
        own = self.context.account.identity.account_id
        problems = [Problem(field, p.message) for a in accounts for p in check_account_id(a, own)]
        arns: tuple[str, ...] = ()
        if self.images:
            field = f"{verb}_organizations"
            arns = parse_list(self.query_one(f"#{field}", Input).value)
        units = tuple(a for a in arns if ":ou/" in a)
        organizations = tuple(a for a in arns if a not in units)
        found = [p for a in organizations for p in check_organization_arn(a)]
        found += [p for a in units for p in check_ou_arn(a)]
        problems += [Problem(field, p.message) for p in found]
        return Permissions(accounts, organizations, units, public), problems

    def build(self) -> ActionRequest | list[Problem]:
        """A share request, or with `p` a MakePrivateRequest."""
        ids = tuple(r.id for r in self.context.resources)
        if self._private:
            return MakePrivateRequest(ids)
        if not self.images and not all(isinstance(r, Snapshot) for r in self.context.resources):
            return [Problem("resources", "share images or snapshots, not both at once")]
        add, problems = self._permissions("add", self.query_one("#public", Checkbox).value)
        remove, more = self._permissions("remove")
        problems += more
        if add.public and (encrypted := self.encrypted()):
            why = "AWS never makes encrypted snapshots (or images made of them) public"
            problems.append(Problem("public", f"{', '.join(encrypted)} cannot be public: {why}"))
        if problems:
            return problems
        if self.images:
            return ShareImagesRequest(ids, add, remove)
        return ShareSnapshotsRequest(ids, add, remove)

    def action_make_private(self) -> None:
        """p: stop sharing the selection with everyone (remove public access)."""
        self._private = True
        try:
            self.action_submit()
        finally:
            self._private = False
