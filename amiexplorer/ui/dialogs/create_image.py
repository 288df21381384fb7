"""`c` on an instance: an image of it (CreateImage), or a snapshot of every volume at once.

The second choice (CreateSnapshots) takes crash-consistent snapshots of all the instance's
volumes at the same moment, without registering an image and without a reboot.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Checkbox, Input, Static

from amiexplorer.core.models import Instance
from amiexplorer.core.plans.requests import (
    ActionRequest,
    CreateImageRequest,
    CreateSnapshotsRequest,
)
from amiexplorer.core.validation import IMAGE_NAME_CHARACTERS, Problem, check_image_name
from amiexplorer.ui.dialogs.form import FormDialog, explain, label, parse_tags
from amiexplorer.ui.widgets.toggles import TickBox

REBOOT = "The instance reboots first, so that its file systems are consistent in the image."
NO_REBOOT = (
    "⚠ No reboot: the image is taken while the instance runs. Data not yet written to disk "
    "is lost and file systems may be inconsistent (the image may not boot cleanly)."
)
TAGS_FORMAT = "write tags as Key=Value, separated by commas"


class CreateImageDialog(FormDialog):
    """An image of the instance in `context.resources[0]`, or snapshots of all its volumes."""

    TITLE = "Create image"
    # The fields scroll; the problems and keys below them stay in view on small screens.
    DEFAULT_CSS = """
    CreateImageDialog Checkbox { margin-top: 1; }
    CreateImageDialog VerticalScroll { max-height: 65vh; }
    """

    @property
    def instance(self) -> Instance:
        """The instance to image."""
        instance: Instance = self.context.resources[0]
        return instance

    def taken_names(self) -> set[str]:
        """Names of the account's images in the instance's region (a new name must differ)."""
        region = self.instance.region
        images = self.context.account.inventory.images.values()
        return {i.name for i in images if i.region == region and i.owned and i.name}

    def fields(self) -> Iterable[Any]:
        """Mode, name, description, reboot, boot-volume option and tags."""
        instance = self.instance
        named = f" ({instance.name})" if instance.name else ""
        yield explain(
            f"{instance.id}{named} in {instance.region}, {instance.state}, "
            f"{len(instance.volume_ids)} volume(s)"
        )
        yield TickBox(
            "Snapshot all its volumes instead (CreateSnapshots, crash-consistent)",
            id="snapshots_instead",
            compact=True,
        )
        yield label("Name").add_class("image-only")
        yield Input(placeholder="3-128 characters", id="name", classes="image-only")
        yield Static("", id="name-hint", classes="explain image-only")
        yield label("Description")
        yield Input(placeholder="optional, up to 255 characters", id="description")
        yield TickBox("No reboot", id="no_reboot", classes="image-only", compact=True)
        yield Static(REBOOT, id="reboot-hint", classes="explain image-only")
        yield TickBox(
            "Exclude the boot volume",
            id="exclude_boot_volume",
            classes="volumes-only",
            compact=True,
        )
        yield TickBox(
            "Copy each volume's tags onto its snapshot",
            id="copy_tags",
            classes="volumes-only",
            compact=True,
        )
        yield label("Tags")
        yield Input(placeholder="Key=Value, Key2=Value2", id="tags")

    def on_mount(self) -> None:
        """Image mode first, with the name hint."""
        self._show_mode(snapshots=False)
        self._hint_name("")

    def _show_mode(self, snapshots: bool) -> None:
        for widget in self.query(".image-only"):
            widget.display = not snapshots
        for widget in self.query(".volumes-only"):
            widget.display = snapshots

    def _hint_name(self, name: str) -> None:
        hint = self.query_one("#name-hint", Static)
        if not name:
            hint.update(f"3-128 of: {IMAGE_NAME_CHARACTERS}; unique in {self.instance.region}")
            return
        problems = check_image_name(name, self.taken_names(), self.instance.region)
        hint.update("✗ " + "; ".join(p.message for p in problems) if problems else "✓ name is free")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check the name as it is typed."""
        if event.input.id == "name":
            self._hint_name(event.value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Switch between image and snapshots; say plainly what no-reboot risks."""
        if event.checkbox.id == "snapshots_instead":
            self._show_mode(event.value)
            self.query_one("#description" if event.value else "#name", Input).focus()
        elif event.checkbox.id == "no_reboot":
            hint = self.query_one("#reboot-hint", Static)
            hint.update(NO_REBOOT if event.value else REBOOT)
            hint.set_class(event.value, "warning")

    def build(self) -> ActionRequest | list[Problem]:
        """A CreateImageRequest, or a CreateSnapshotsRequest in the second mode."""
        tags = parse_tags(self.query_one("#tags", Input).value)
        if tags is None:
            return [Problem("tags", TAGS_FORMAT)]
        description = self.query_one("#description", Input).value.strip()
        if self.query_one("#snapshots_instead", Checkbox).value:
            return CreateSnapshotsRequest(
                self.instance.id,
                description,
                tags,
                exclude_boot_volume=self.query_one("#exclude_boot_volume", Checkbox).value,
                copy_tags_from_source=self.query_one("#copy_tags", Checkbox).value,
            )
        return CreateImageRequest(
            self.instance.id,
            self.query_one("#name", Input).value,
            description,
            no_reboot=self.query_one("#no_reboot", Checkbox).value,
            tags=tags,
        )
