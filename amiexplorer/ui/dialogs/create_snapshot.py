"""`c` on a volume: snapshot it (CreateSnapshot), with a description and tags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Input, Static

from amiexplorer.core.models import Volume
from amiexplorer.core.plans.requests import ActionRequest, CreateSnapshotRequest
from amiexplorer.core.validation import MAX_DESCRIPTION, Problem, check_description
from amiexplorer.ui.dialogs.create_image import TAGS_FORMAT
from amiexplorer.ui.dialogs.form import FormDialog, explain, label, parse_tags


def default_description(volume: Volume) -> str:
    """For instance "snapshot of vol-0abc (db-data)"."""
    named = f" ({volume.name})" if volume.name else ""
    return f"snapshot of {volume.id}{named}"[:MAX_DESCRIPTION]


class CreateSnapshotDialog(FormDialog):
    """A snapshot of the volume in `context.resources[0]`."""

    TITLE = "Create snapshot"
    # The fields scroll; the problems and keys below them stay in view on small screens.
    DEFAULT_CSS = """
    CreateSnapshotDialog VerticalScroll { max-height: 65vh; }
    """

    @property
    def volume(self) -> Volume:
        """The volume to snapshot."""
        volume: Volume = self.context.resources[0]
        return volume

    def fields(self) -> Iterable[Any]:
        """What the volume is, a description and tags."""
        volume = self.volume
        attached = (
            f"attached to {', '.join(volume.instance_ids)}" if volume.is_attached else "unattached"
        )
        encrypted = ", encrypted" if volume.encrypted else ""
        yield explain(
            f"{volume.id} in {volume.availability_zone}: {volume.size_gib} GiB "
            f"{volume.volume_type}{encrypted}, {attached}"
        )
        if volume.is_attached:
            yield explain(
                "The snapshot is crash-consistent: what the instance has not yet written to "
                "disk is not in it (stop the instance, or flush its file systems, if that matters)."
            )
        yield label("Description")
        yield Input(default_description(volume), id="description")
        yield Static("", id="description-hint", classes="explain")
        yield label("Tags")
        yield Input(placeholder="Key=Value, Key2=Value2", id="tags")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Count the description's characters as it is typed."""
        if event.input.id == "description":
            problems = check_description(event.value)
            hint = problems[0].message if problems else f"{len(event.value)}/{MAX_DESCRIPTION}"
            self.query_one("#description-hint", Static).update(hint)

    def build(self) -> ActionRequest | list[Problem]:
        """The CreateSnapshotRequest the fields describe."""
        tags = parse_tags(self.query_one("#tags", Input).value)
        if tags is None:
            return [Problem("tags", TAGS_FORMAT)]
        description = self.query_one("#description", Input).value.strip()
        return CreateSnapshotRequest(self.volume.id, description, tags)
