"""The explorer's keys: ids (for the keymap in the config file), keys and what each does.

The explorer's `check_action` hides the ones that do nothing where the user is (read-only
mode, the Audit pane, `R` while no region has failed).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

EXPLORER_BINDINGS: list[BindingType] = [
    # First, so the footer shows it however narrow: only while a region has failed.
    Binding(
        "R",
        "retry_regions",
        "Retry region",
        id="retry-regions",
        tooltip="Reload only the failed region (highlighted) or every failed one",
    ),
    Binding(
        "1",
        "show_kind('instance')",
        "Instances",
        id="instances",
        tooltip="Show instances",
    ),
    Binding(
        "2",
        "show_kind('volume')",
        "Volumes",
        id="volumes",
        tooltip="Show volumes",
    ),
    Binding(
        "3",
        "show_kind('snapshot')",
        "Snapshots",
        id="snapshots",
        tooltip="Show snapshots",
    ),
    Binding(
        "4",
        "show_kind('image')",
        "Images",
        id="images",
        tooltip="Show images (AMIs)",
    ),
    Binding(
        "5",
        "show_activity",
        "Activity",
        id="activity",
        tooltip="Show work in flight",
    ),
    Binding(
        "6",
        "show_audit",
        "Audit",
        id="audit",
        tooltip="Audit: leftovers, public shares, cost",
    ),
    Binding(
        "slash",
        "filter",
        "Filter",
        id="filter",
        tooltip="Filter rows as you type",
    ),
    Binding(
        "colon",
        "command",
        "Command",
        id="command",
        tooltip="Command line (:inst, :region NAME)",
    ),
    Binding("enter", "details", "Details", id="details", tooltip="Show details of the row"),
    # The same key in the Audit pane, where it means something else (check_action picks).
    Binding(
        "enter",
        "audit_open",
        "Open",
        id="audit-open",
        tooltip="Fold group / go to resource",
    ),
    Binding(
        "escape",
        "escape",
        "Clear",
        id="escape",
        show=False,
        tooltip="Clear the filter / close details",
    ),
    Binding(
        "backspace",
        "back",
        "Back",
        id="back",
        show=False,
        tooltip="Back to where you jumped from",
    ),
    Binding("o", "sort", "Sort", id="sort", tooltip="Sort by the next column"),
    Binding(
        "O",
        "sort_reverse",
        "Reverse",
        id="sort-reverse",
        show=False,
        tooltip="Reverse the sort order",
    ),
    Binding(
        "r",
        "refresh",
        "Refresh",
        id="refresh",
        tooltip="Reload every region (cursor stays)",
    ),
    Binding("question_mark", "help", "Help", id="help", tooltip="Every key of this screen"),
    Binding(
        "w",
        "toggle_regions",
        "Regions",
        id="regions-pane",
        show=False,
        tooltip="Hide or show the regions pane (the table gets its width)",
    ),
    Binding(
        "c",
        "create",
        "Create",
        id="create",
        tooltip="Create an image, snapshot or volume",
    ),
    Binding("y", "copy", "Copy", id="copy", tooltip="Copy to other regions"),
    Binding("s", "share", "Share", id="share", tooltip="Share images or snapshots"),
    Binding(
        "p",
        "make_private",
        "Private",
        id="make-private",
        show=False,
        tooltip="Make private again",
    ),
    Binding(
        "ctrl+d,delete",
        "delete",
        "Delete",
        id="delete",
        tooltip="Delete or deregister",
    ),
    Binding("space", "mark", "Mark", id="mark", show=False, tooltip="Mark or unmark the row"),
    Binding(
        "a",
        "mark_all",
        "Mark all",
        id="mark-all",
        show=False,
        tooltip="Mark every row shown (filter first)",
    ),
    Binding("A", "clear_marks", "Unmark", id="clear-marks", show=False, tooltip="Clear marks"),
    Binding("tab", "app.focus_next", "Next pane", id="focus-next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", id="focus-previous", show=False),
]
