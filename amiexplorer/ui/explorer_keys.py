"""The explorer's command table: every key, its id (for the keymap in the config file), what
it does, and which part of the explorer owns it.

The order here is the order of the footer, the help and the palette, wherever a binding lives:
the explorer screen keeps the keys that move between panes and regions, each pane its own
(`bindings_for`). Each pane's `check_action` hides what it cannot do (read-only mode); the
explorer hides `R` while no region has failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from textual.app import App
from textual.binding import ActiveBinding, Binding, BindingType

from amiexplorer.core.kinds import KindSpec, panes


class Owner(StrEnum):
    """Where a key lives: the explorer screen, or one of its panes."""

    EXPLORER = "explorer"
    RESOURCES = "resources"
    AUDIT = "audit"


EXPLORER = Owner.EXPLORER
RESOURCES = Owner.RESOURCES
AUDIT = Owner.AUDIT


@dataclass(frozen=True, slots=True)
class Key:
    """One entry of the table: who owns it, its binding, and the `:` words that run it."""

    owners: tuple[Owner, ...]
    binding: Binding
    #: What `:` accepts for it (`:snap`, `:audit`); the first is the one hints name.
    verbs: tuple[str, ...] = ()


def _pane_key(spec: KindSpec) -> Key:
    """The key that shows a kind's pane: its number, its tab's word, its `:` words."""
    return Key(
        (EXPLORER,),
        Binding(
            str(spec.pane),
            f"show_kind('{spec.kind.value}')",
            spec.plural_label,
            id=spec.plural_label.lower(),
            tooltip=spec.shows_pane,
        ),
        verbs=spec.aliases,
    )


COMMANDS: tuple[Key, ...] = (
    # Textual's Screen has these first; the help lists them first, as it always did.
    Key(
        (EXPLORER,),
        Binding("tab", "app.focus_next", "Next pane", id="focus-next", show=False),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "shift+tab", "app.focus_previous", "Previous pane", id="focus-previous", show=False
        ),
    ),
    # First, so the footer shows it however narrow: only while a region has failed.
    Key(
        (EXPLORER,),
        Binding(
            "R",
            "retry_regions",
            "Retry region",
            id="retry-regions",
            tooltip="Reload only the failed region (highlighted) or every failed one",
        ),
    ),
    # 1-4: one entry per kind that has a pane, from its spec (core/kinds.py).
    *(_pane_key(spec) for spec in panes()),
    Key(
        (EXPLORER,),
        Binding(
            "5",
            "show_activity",
            "Activity",
            id="activity",
            tooltip="Show work in flight",
        ),
        verbs=("activity", "act"),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "6",
            "show_audit",
            "Audit",
            id="audit",
            tooltip="Audit: leftovers, public shares, cost",
        ),
        verbs=("audit", "findings"),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "7",
            "show_recycle_bin",
            "Bin",
            id="recycle-bin",
            show=False,
            tooltip="Show the Recycle Bin: what is in it, until when, and restore",
        ),
        verbs=("bin", "recycle-bin"),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="filter",
            tooltip="Filter rows as you type",
        ),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "colon",
            "command",
            "Command",
            id="command",
            tooltip="Command line (:inst, :region NAME)",
        ),
    ),
    Key(
        (RESOURCES,),
        Binding("enter", "details", "Details", id="details", tooltip="Show details of the row"),
    ),
    # The same key in the Audit pane, where it means something else (check_action picks).
    Key(
        (AUDIT,),
        Binding(
            "enter",
            "audit_open",
            "Open",
            id="audit-open",
            tooltip="Fold group / go to resource",
        ),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "escape",
            "escape",
            "Clear",
            id="escape",
            show=False,
            tooltip="Clear the filter / close details",
        ),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "backspace",
            "back",
            "Back",
            id="back",
            show=False,
            tooltip="Back to where you jumped from",
        ),
    ),
    Key(
        (RESOURCES,),
        Binding("o", "sort", "Sort", id="sort", tooltip="Sort by the next column"),
    ),
    Key(
        (RESOURCES,),
        Binding(
            "O",
            "sort_reverse",
            "Reverse",
            id="sort-reverse",
            show=False,
            tooltip="Reverse the sort order",
        ),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="refresh",
            tooltip="Reload every region (cursor stays)",
        ),
        verbs=("refresh", "r"),
    ),
    Key(
        (EXPLORER,),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key of this screen"),
        verbs=("help",),
    ),
    Key(
        (EXPLORER,),
        Binding(
            "w",
            "toggle_regions",
            "Regions",
            id="regions-pane",
            show=False,
            tooltip="Hide or show the regions pane (the table gets its width)",
        ),
    ),
    Key(
        (RESOURCES,),
        Binding(
            "c",
            "create",
            "Create",
            id="create",
            tooltip="Create an image, snapshot or volume",
        ),
    ),
    Key(
        (RESOURCES,),
        Binding("y", "copy", "Copy", id="copy", tooltip="Copy to other regions"),
    ),
    Key(
        (RESOURCES,),
        Binding("s", "share", "Share", id="share", tooltip="Share images or snapshots"),
    ),
    Key(
        (RESOURCES,),
        Binding(
            "l",
            "lifecycle",
            "Lifecycle",
            id="lifecycle",
            show=False,
            tooltip="Deprecate, disable or protect images; archive or restore snapshots",
        ),
    ),
    Key(
        (RESOURCES, AUDIT),
        Binding(
            "p",
            "make_private",
            "Private",
            id="make-private",
            show=False,
            tooltip="Make private again",
        ),
    ),
    Key(
        (RESOURCES, AUDIT),
        Binding(
            "ctrl+d,delete",
            "delete",
            "Delete",
            id="delete",
            tooltip="Delete or deregister",
        ),
    ),
    Key(
        (RESOURCES, AUDIT),
        Binding("space", "mark", "Mark", id="mark", show=False, tooltip="Mark or unmark the row"),
    ),
    Key(
        (RESOURCES, AUDIT),
        Binding(
            "a",
            "mark_all",
            "Mark all",
            id="mark-all",
            show=False,
            tooltip="Mark every row shown (filter first)",
        ),
    ),
    Key(
        (RESOURCES, AUDIT),
        Binding("A", "clear_marks", "Unmark", id="clear-marks", show=False, tooltip="Clear marks"),
    ),
)


def bindings_for(owner: Owner | str) -> list[BindingType]:
    """The bindings `owner` declares, in the table's order."""
    return [key.binding for key in COMMANDS if Owner(owner) in key.owners]


#: The explorer's screen-level keys (the panes declare theirs with `bindings_for`).
EXPLORER_BINDINGS = bindings_for(EXPLORER)

#: Each id's place in the table: the footer, the help and the palette list keys in this order.
ORDER = {key.binding.id: index for index, key in enumerate(COMMANDS)}


def in_table_order(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """`bindings` (Textual's active bindings) with the table's keys in the table's order.

    Textual lists the focused widget's keys first, then its parents', then the screen's: a key
    that moved from the screen to a pane would move in the footer. The focused widget's own
    keys (moving the cursor) stay first and the App's last, as Textual has them.
    """
    ids = [active.binding.id for active in bindings.values()]
    first = next((i for i, bid in enumerate(ids) if bid in ORDER), len(ids))

    def place(item: tuple[int, tuple[str, ActiveBinding]]) -> tuple[int, int, int]:
        position, (_key, active) = item
        index = ORDER.get(active.binding.id)
        if index is not None:
            return (1, index, position)
        return (0 if position < first else 2, 0, position)

    ordered = sorted(enumerate(bindings.items()), key=place)
    return dict(item for _position, item in ordered)


#: Every `:` word of the table, and the entry it runs.
VERBS = {verb: key for key in COMMANDS for verb in key.verbs}


def key_display(app: App[Any], binding_id: str) -> str:
    """The key that runs `binding_id` as the footer shows it, wherever the keymap put it.

    Hints in messages ("y copies images (4)") name keys with this, so they follow the keymap.
    """
    settings = getattr(app, "settings", None)
    keys = dict(settings.keymap).get(binding_id) if settings is not None else None
    if not keys:
        keys = next(k.binding.key for k in COMMANDS if k.binding.id == binding_id)
    return app.get_key_display(Binding(keys.split(",")[0].strip(), ""))
