"""`y` on an image or a snapshot: copy it to other regions (CopyImage / CopySnapshot).

Each request names one source, so the dialog copies exactly one resource: with several
marked, it says so and refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Checkbox, Input, SelectionList, Static

from amiexplorer.core.models import Image, Snapshot
from amiexplorer.core.plans.requests import ActionRequest, CopyImageRequest, CopySnapshotRequest
from amiexplorer.core.validation import Problem, check_kms_key
from amiexplorer.ui.dialogs.form import FormDialog, explain, label
from amiexplorer.ui.widgets.toggles import TickBox, TickList

ONE_ONLY = (
    "CopyImage and CopySnapshot copy one source at a time: unmark (A) and put the cursor on "
    "the one to copy"
)
KMS_HELP = "key id, key ARN, alias/<name> or alias ARN (keys are regional: an alias works anywhere)"


def is_encrypted(resource: Image | Snapshot) -> bool:
    """An encrypted snapshot, or an image with any encrypted EBS mapping."""
    if isinstance(resource, Snapshot):
        return resource.encrypted
    return any(m.encrypted for m in resource.block_device_mappings)


class CopyDialog(FormDialog):
    """Copies of the one image or snapshot in `context.resources` to other regions."""

    TITLE = "Copy to other regions"
    # The fields scroll; the problems and keys below them stay in view on small screens.
    DEFAULT_CSS = """
    CopyDialog Checkbox { margin-top: 1; }
    CopyDialog VerticalScroll { max-height: 65vh; }
    """

    @property
    def source(self) -> Image | Snapshot:
        """The image or snapshot to copy."""
        source: Image | Snapshot = self.context.resources[0]
        return source

    def fields(self) -> Iterable[Any]:
        """Target regions, name (images), description, encryption, key and tag copying."""
        if len(self.context.resources) != 1:
            yield explain(f"{len(self.context.resources)} resources chosen. {ONE_ONLY}.", True)
            return
        source = self.source
        kind = "image" if isinstance(source, Image) else "snapshot"
        yield explain(
            f"Copy {kind} {source.id} ({source.name or 'no name'}) from {source.region}. "
            "Disaster recovery: a copy in another region survives the loss of this one."
        )
        yield label("Target regions (space toggles)")
        regions = [r for r in self.context.account.region_names if r != source.region]
        yield TickList(*((r, r) for r in regions), id="target_regions")
        if isinstance(source, Image):
            yield label("Name (unique among the images of each target region)")
            yield Input(source.name or "", id="name")
        yield label("Description")
        default = source.description if isinstance(source, Image) else ""
        yield Input(default, placeholder="empty: AWS's own description", id="description")
        encrypted = is_encrypted(source)
        yield TickBox(
            "Encrypt the copies", encrypted, id="encrypted", disabled=encrypted, compact=True
        )
        if encrypted:
            yield explain(f"The {kind} is encrypted: so are its copies.")
        yield label("KMS key").add_class("kms")
        yield Input(placeholder=KMS_HELP, id="kms_key_id", classes="kms")
        yield Static("empty: the target region's default EBS key", classes="explain kms")
        yield TickBox(f"Copy the {kind}'s tags", id="copy_tags", compact=True)

    def on_mount(self) -> None:
        """A key only with encryption; start in the region list (after the base's focus)."""
        if len(self.context.resources) == 1:
            self._show_key(is_encrypted(self.source))
        self.call_after_refresh(self._focus_regions)

    def _focus_regions(self) -> None:
        for selection in self.query(SelectionList):
            selection.highlighted = 0
            selection.focus()

    def _show_key(self, encrypted: bool) -> None:
        for widget in self.query(".kms"):
            widget.display = encrypted

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Offer a key once encryption is on."""
        if event.checkbox.id == "encrypted":
            self._show_key(event.value)

    def build(self) -> ActionRequest | list[Problem]:
        """A CopyImageRequest or CopySnapshotRequest, or why not."""
        if len(self.context.resources) != 1:
            return [Problem("resources", ONE_ONLY)]
        source = self.source
        targets = tuple(self.query_one("#target_regions", SelectionList).selected)
        description = self.query_one("#description", Input).value.strip() or None
        encrypted = self.query_one("#encrypted", Checkbox).value
        key = self.query_one("#kms_key_id", Input).value.strip() if encrypted else ""
        # The form only here; the runner checks an ARN's region against each target.
        if key and (problems := check_kms_key(key)):
            return problems
        copy_tags = self.query_one("#copy_tags", Checkbox).value
        if isinstance(source, Image):
            name = self.query_one("#name", Input).value
            return CopyImageRequest(
                source.id,
                targets,
                name=name,
                description=description,
                encrypted=encrypted,
                kms_key_id=key or None,
                copy_tags=copy_tags,
            )
        return CopySnapshotRequest(
            source.id,
            targets,
            description=description,
            encrypted=encrypted,
            kms_key_id=key or None,
            copy_tags=copy_tags,
        )
