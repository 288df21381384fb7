"""`c` on a snapshot: restore it into a new volume (CreateVolume) in a zone of its region.

The zones offered are the region's usual `a`, `b` and `c`: a dialog makes no AWS call
(DescribeAvailabilityZones included); the runner checks the zone's form, AWS the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Checkbox, Input, Select, Static

from amiexplorer.core.models import Snapshot
from amiexplorer.core.plans.requests import ActionRequest, CreateVolumeRequest
from amiexplorer.core.validation import (
    IOPS_LIMITS,
    THROUGHPUT_LIMITS,
    VOLUME_SIZE_LIMITS,
    Problem,
    check_kms_key,
    check_volume,
)
from amiexplorer.ui.dialogs.create_image import TAGS_FORMAT
from amiexplorer.ui.dialogs.form import FormDialog, explain, label, parse_tags
from amiexplorer.ui.widgets.toggles import TickBox

ZONE_LETTERS = "abc"
KMS_HELP = "key id, key ARN, alias/<name> or alias ARN; empty: the account's default EBS key"
#: The numeric fields, and how a message names them.
NUMBERS = {"size_gib": "the size", "iops": "IOPS", "throughput": "the throughput"}


class CreateVolumeDialog(FormDialog):
    """A new volume from the snapshot in `context.resources[0]`."""

    TITLE = "Create volume"
    # The fields scroll; the problems and keys below them stay in view on small screens.
    DEFAULT_CSS = """
    CreateVolumeDialog VerticalScroll { max-height: 65vh; }
    """
    #: The limits of the chosen type (shown while the numbers are fine).
    _hint = ""

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot to restore."""
        snapshot: Snapshot = self.context.resources[0]
        return snapshot

    def fields(self) -> Iterable[Any]:
        """Zone, type, size, IOPS, throughput, encryption, key and tags."""
        snap = self.snapshot
        yield explain(f"{snap.id} in {snap.region}: {snap.volume_size_gib} GiB, {snap.state}")
        if snap.encrypted:
            yield explain("The snapshot is encrypted: so is every volume restored from it.")
        if snap.state != "completed" or snap.storage_tier == "archive":
            yield explain("Only a completed snapshot in the standard tier restores.", True)
        zones = [f"{snap.region}{letter}" for letter in ZONE_LETTERS]
        yield label("Availability zone")
        yield Select(
            [(z, z) for z in zones], value=zones[0], allow_blank=False, id="availability_zone"
        )
        yield label("Volume type")
        types = [(t, t) for t in VOLUME_SIZE_LIMITS]
        yield Select(types, value="gp3", allow_blank=False, id="volume_type")
        yield label(f"Size in GiB (at least the snapshot's {snap.volume_size_gib})")
        yield Input(str(snap.volume_size_gib), id="size_gib", type="integer")
        yield label("IOPS").add_class("iops")
        yield Input(id="iops", type="integer", classes="iops")
        yield label("Throughput in MiB/s").add_class("throughput")
        yield Input(id="throughput", type="integer", classes="throughput")
        yield Static("", id="volume-hint", classes="explain")
        yield TickBox(
            "Encrypted", snap.encrypted, id="encrypted", disabled=snap.encrypted, compact=True
        )
        yield label("KMS key").add_class("kms")
        yield Input(placeholder=KMS_HELP, id="kms_key_id", classes="kms")
        yield label("Tags")
        yield Input(placeholder="Key=Value, Key2=Value2", id="tags")

    def on_mount(self) -> None:
        """Show only the fields the default type and encryption take."""
        self._show_type("gp3")
        self._show_encryption(self.snapshot.encrypted)

    def _volume_type(self) -> str:
        value = self.query_one("#volume_type", Select).value
        return value if isinstance(value, str) else "gp3"

    def _show_type(self, volume_type: str) -> None:
        """gp3 takes IOPS and throughput, io1/io2 IOPS, the others neither."""
        for widget in self.query(".iops"):
            widget.display = volume_type in IOPS_LIMITS
        for widget in self.query(".throughput"):
            widget.display = volume_type == "gp3"
        low, high = VOLUME_SIZE_LIMITS[volume_type]
        iops = IOPS_LIMITS.get(volume_type)
        hint = f"{volume_type}: {low}-{high} GiB"
        if iops is not None:
            per_gib = f", at most {iops[2]} per GiB" if iops[2] else ""
            needed = "optional" if volume_type == "gp3" else "required"
            hint += f"; IOPS {iops[0]}-{iops[1]}{per_gib} ({needed})"
        if volume_type == "gp3":
            hint += f"; throughput {THROUGHPUT_LIMITS[0]}-{THROUGHPUT_LIMITS[1]} MiB/s"
        self._hint = hint
        self._check_volume()

    def _numbers(self) -> tuple[dict[str, int | None], list[Problem]]:
        """The numbers typed in the fields shown, and those that are not whole numbers."""
        values: dict[str, int | None] = {}
        problems = []
        for field, what in NUMBERS.items():
            box = self.query_one(f"#{field}", Input)
            text = box.value.strip() if box.display else ""
            if text and not text.isdigit():
                problems.append(Problem(field, f"{what} must be a whole number, not {text!r}"))
            values[field] = int(text) if text.isdigit() else None
        return values, problems

    def _check_volume(self) -> None:
        """The type's limits, or what is wrong with the numbers typed so far."""
        values, problems = self._numbers()
        problems = problems or check_volume(
            self._volume_type(),
            values["size_gib"],
            snapshot_size_gib=self.snapshot.volume_size_gib,
            iops=values["iops"],
            throughput=values["throughput"],
        )
        text = "✗ " + "; ".join(p.message for p in problems) if problems else self._hint
        self.query_one("#volume-hint", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check size, IOPS and throughput as they are typed."""
        if event.input.id in NUMBERS:
            self._check_volume()

    def _show_encryption(self, encrypted: bool) -> None:
        for widget in self.query(".kms"):
            widget.display = encrypted

    def on_select_changed(self, event: Select.Changed) -> None:
        """Show the fields the chosen type takes."""
        if event.select.id == "volume_type" and isinstance(event.value, str):
            self._show_type(event.value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """A key only with encryption."""
        self._show_encryption(event.value)

    def build(self) -> ActionRequest | list[Problem]:
        """The CreateVolumeRequest, or what is malformed."""
        volume_type = self._volume_type()
        values, problems = self._numbers()
        tags = parse_tags(self.query_one("#tags", Input).value)
        if tags is None:
            problems.append(Problem("tags", TAGS_FORMAT))
        encrypted = self.snapshot.encrypted or self.query_one("#encrypted", Checkbox).value
        key = self.query_one("#kms_key_id", Input).value.strip() if encrypted else ""
        if key:
            problems += check_kms_key(key, self.snapshot.region)
        if problems or tags is None:
            return problems
        zone = self.query_one("#availability_zone", Select).value
        return CreateVolumeRequest(
            self.snapshot.id,
            zone if isinstance(zone, str) else "",
            volume_type,
            size_gib=values["size_gib"],
            iops=values["iops"],
            throughput=values["throughput"],
            encrypted=encrypted,
            kms_key_id=key or None,
            tags=tags,
        )
