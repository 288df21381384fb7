"""`l` on images or snapshots: the lifecycle changes that destroy nothing, on the row or the
marked rows (deprecate, disable, protect; archive, restore, disable fast snapshot restore).

One choice among the changes of the kind, and the one value it needs (a date, a number of
days, the cooldown). The plan (`core/plans/lifecycle_actions.py`) skips what is that way
already and refuses what must not change; the confirmation restates every choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, RadioButton, RadioSet

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import Identity, Image
from amiexplorer.core.plans.plan import Plan
from amiexplorer.core.plans.requests import (
    ActionRequest,
    ChangeImagesRequest,
    ChangeSnapshotsRequest,
    ImageChange,
    RestoreFromRecycleBinRequest,
    SnapshotChange,
)
from amiexplorer.core.validation import Problem
from amiexplorer.ui.dialogs.form import FormDialog, explain, label
from amiexplorer.ui.dialogs.lines import Line
from amiexplorer.ui.widgets.toggles import TickBox

#: The choices, in the order shown, with their words.
IMAGE_CHOICES = (
    (ImageChange.DEPRECATE, "Deprecate at a date (EnableImageDeprecation)"),
    (ImageChange.CANCEL_DEPRECATION, "Cancel the deprecation (DisableImageDeprecation)"),
    (ImageChange.DISABLE, "Disable: no new launches, can be enabled again (DisableImage)"),
    (ImageChange.ENABLE, "Enable again (EnableImage)"),
    (ImageChange.PROTECT, "Turn deregistration protection on"),
    (ImageChange.UNPROTECT, "Turn deregistration protection off"),
)
SNAPSHOT_CHANGES = (
    (SnapshotChange.ARCHIVE, "Archive (ModifySnapshotTier): cheaper, 90 days at least"),
    (SnapshotChange.RESTORE, "Restore from the archive (RestoreSnapshotTier)"),
    (SnapshotChange.DISABLE_FAST_RESTORE, "Disable fast snapshot restore"),
)


def parse_when(text: str) -> datetime | None:
    """`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, in UTC; None when it is neither."""
    text = text.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


class LifecycleDialog(FormDialog):
    """A lifecycle change of the images or snapshots in `context.resources`."""

    TITLE = "Lifecycle"
    DEFAULT_CSS = """
    LifecycleDialog VerticalScroll { max-height: 65vh; }
    LifecycleDialog RadioSet { width: 100%; }
    """

    @property
    def images(self) -> bool:
        """True for images, False for snapshots."""
        return all(isinstance(r, Image) for r in self.context.resources)

    def fields(self) -> Iterable[Any]:
        """The resources, the change, and its value."""
        resources = self.context.resources
        ids = ", ".join(r.id for r in resources[:4]) + (" …" if len(resources) > 4 else "")
        noun = "image(s)" if self.images else "snapshot(s)"
        yield explain(f"{len(resources)} {noun}: {ids}")
        choices = IMAGE_CHOICES if self.images else SNAPSHOT_CHANGES
        with RadioSet(id="change"):
            for index, (change, words) in enumerate(choices):
                yield RadioButton(words, value=index == 0, id=f"change-{change.value}")
        if self.images:
            yield label("Deprecate at (YYYY-MM-DD or YYYY-MM-DD HH:MM, UTC)")
            yield Input(placeholder="2027-06-30", id="deprecate_at")
            yield TickBox(
                "With a cooldown: protected 24 more hours after it is turned off",
                id="with_cooldown",
                compact=True,
            )
        else:
            yield label("Restore for how many days (1-180; empty: permanently)")
            yield Input(placeholder="7", id="restore_days", type="integer")

    def first_field(self) -> Widget | None:
        """The choice first (not the first input, as in other forms)."""
        return self.query_one("#change", RadioSet)

    def _chosen(self) -> str:
        pressed = self.query_one("#change", RadioSet).pressed_button
        return (pressed.id or "").removeprefix("change-") if pressed is not None else ""

    def build(self) -> ActionRequest | list[Problem]:
        """The ChangeImagesRequest or ChangeSnapshotsRequest the fields describe."""
        ids = tuple(r.id for r in self.context.resources)
        chosen = self._chosen()
        if self.images:
            change = ImageChange(chosen)
            when: datetime | None = None
            if change is ImageChange.DEPRECATE:
                text = self.query_one("#deprecate_at", Input).value
                when = parse_when(text)
                if when is None:
                    return [Problem("deprecate_at", "say when: YYYY-MM-DD or YYYY-MM-DD HH:MM")]
            cooldown = self.query_one("#with_cooldown", TickBox).value
            return ChangeImagesRequest(change, ids, deprecate_at=when, with_cooldown=cooldown)
        snapshot_change = SnapshotChange(chosen)
        days: int | None = None
        if snapshot_change is SnapshotChange.RESTORE:
            text = self.query_one("#restore_days", Input).value.strip()
            if text:
                try:
                    days = int(text)
                except ValueError:
                    return [Problem("restore_days", "a number of days, or empty: permanently")]
        return ChangeSnapshotsRequest(snapshot_change, ids, restore_days=days)


def lifecycle_lines(
    request: ChangeImagesRequest | ChangeSnapshotsRequest,
    plan: Plan,
    inventory: Inventory,
    _identity: Identity | None,
) -> list[Line]:
    """The change, its value, and every target with its region."""
    words: dict[str, str] = {c.value: w for c, w in (*IMAGE_CHOICES, *SNAPSHOT_CHANGES)}
    lines = [Line("Change", words[request.change.value])]
    if isinstance(request, ChangeImagesRequest):
        if request.change is ImageChange.DEPRECATE and request.deprecate_at is not None:
            lines.append(Line("Deprecate at", f"{request.deprecate_at:%Y-%m-%d %H:%M} UTC"))
        if request.change is ImageChange.PROTECT:
            cooldown = (
                "yes: protected 24 more hours after it is turned off"
                if request.with_cooldown
                else "no"
            )
            lines.append(Line("Cooldown", cooldown))
    elif request.change is SnapshotChange.RESTORE:
        days = request.restore_days
        lines.append(Line("Restore", "permanently" if days is None else f"for {days} day(s)"))
    targets = [r for t in plan.targets if (r := inventory.get(t)) is not None]
    regions: dict[str, list[str]] = {}
    for resource in targets:
        regions.setdefault(resource.region, []).append(resource.id)
    where = "; ".join(f"{region}: {', '.join(ids)}" for region, ids in regions.items())
    lines.append(Line("Targets", f"{len(targets)}: {where}" if targets else "none"))
    return lines


def restore_lines(
    request: RestoreFromRecycleBinRequest,
    plan: Plan,
    inventory: Inventory,
    _identity: Identity | None,
) -> list[Line]:
    """Every item restored, by region, with when it would have left."""
    items = {i.resource_id: i for i in inventory.evidence.binned()}
    regions: dict[str, list[str]] = {}
    for resource_id in plan.targets:
        item = items.get(resource_id)
        if item is not None:
            leaves = f" (leaves {item.exits:%Y-%m-%d})" if item.exits else ""
            regions.setdefault(item.region, []).append(f"{item.kind} {resource_id}{leaves}")
    where = "; ".join(f"{region}: {', '.join(ids)}" for region, ids in regions.items())
    return [Line("Restores", f"{len(plan.targets)} from the Recycle Bin: {where or 'none'}")]
