"""The explorer's one command table (`ui/explorer_keys.py`) feeds the bindings of the screen and
of each pane, the order of the footer and help, and the `:` words (issue 13, part 3)."""

from __future__ import annotations

from textual.binding import ActiveBinding, Binding
from textual.widget import Widget

from amiexplorer.ui.explorer_keys import (
    AUDIT,
    COMMANDS,
    EXPLORER,
    ORDER,
    RESOURCES,
    VERBS,
    bindings_for,
    in_table_order,
)
from amiexplorer.ui.panes.audit import AuditPane
from amiexplorer.ui.panes.resources import ResourcesPane
from amiexplorer.ui.screens.command_line import _KNOWN, SUGGESTIONS
from amiexplorer.ui.screens.explorer import ExplorerScreen


def test_every_binding_has_one_id_and_one_place_in_the_order() -> None:
    ids = [key.binding.id for key in COMMANDS]
    assert None not in ids
    assert len(ids) == len(set(ids))
    assert sorted(ORDER.values()) == list(range(len(COMMANDS)))


def test_the_screen_and_each_pane_declare_exactly_their_entries() -> None:
    def ids(bindings: object) -> list[str | None]:
        assert isinstance(bindings, list)
        return [b.id for b in bindings]

    assert ids(ExplorerScreen.BINDINGS) == ids(bindings_for(EXPLORER))
    assert ids(ResourcesPane.BINDINGS) == ids(bindings_for(RESOURCES))
    assert ids(AuditPane.BINDINGS) == ids(bindings_for(AUDIT))
    # Keys that act on resources belong to the panes, never to the screen: a pane that is
    # not on screen cannot act.
    assert {"create", "copy", "share", "delete", "make-private", "sort", "details"}.isdisjoint(
        ids(ExplorerScreen.BINDINGS)
    )
    assert {"delete", "make-private", "mark"} <= set(ids(AuditPane.BINDINGS))
    assert "create" not in ids(AuditPane.BINDINGS)
    # Every entry is somebody's.
    owned = set(ids(bindings_for(EXPLORER)) + ids(bindings_for(RESOURCES)))
    owned |= set(ids(bindings_for(AUDIT)))
    assert owned == set(ORDER)


def _active(node: Widget, binding: Binding) -> tuple[str, ActiveBinding]:
    return binding.key, ActiveBinding(node, binding, True, binding.tooltip)


def test_the_footer_lists_the_table_order_wherever_a_binding_lives() -> None:
    # Textual's chain: the focused widget's keys, then its pane's, then the screen's, then
    # the App's. The table's order wins for the table's keys; the others keep their places.
    table, pane, screen, app = Widget(), Widget(), Widget(), Widget()
    cursor = Binding("down", "cursor(1)", "Down")
    quit_ = Binding("q", "quit", "Quit", id="quit")
    chain = [
        _active(table, cursor),
        *(_active(pane, b) for b in bindings_for(RESOURCES)),  # type: ignore[arg-type]
        *(_active(screen, b) for b in bindings_for(EXPLORER)),  # type: ignore[arg-type]
        _active(app, quit_),
    ]
    ordered = in_table_order(dict(chain))
    ids = [active.binding.id for active in ordered.values()]
    table_ids = [key.binding.id for key in COMMANDS]
    assert ids[0] is None  # the cursor key first, as Textual has it
    assert ids[-1] == "quit"  # the App's last
    assert ids[1:-1] == [i for i in table_ids if i in ids]
    assert ids.index("instances") < ids.index("details") < ids.index("refresh")


def test_each_suggestion_of_the_command_line_is_a_command_it_runs() -> None:
    with_arguments = {"region", "profile"}
    for suggestion in SUGGESTIONS:
        verb = suggestion.split()[0]
        assert verb in VERBS or verb in with_arguments or verb == "quit", suggestion


def test_the_words_of_the_command_line_are_the_tables() -> None:
    assert VERBS["snap"].binding.id == "snapshots"
    assert VERBS["findings"].binding.id == "audit"
    assert VERBS["r"].binding.action == "refresh"
    assert _KNOWN == (
        "inst, vol, snap, ami, activity, audit, bin, region NAME, region all, profile NAME, "
        "refresh, help, quit"
    )


def test_the_pane_keys_come_from_the_kinds_registry() -> None:
    from amiexplorer.core.kinds import panes

    for spec in panes():
        binding = VERBS[spec.aliases[0]].binding
        assert binding.key == str(spec.pane)
        assert binding.action == f"show_kind('{spec.kind.value}')"
        assert binding.description == spec.plural_label
        assert binding.tooltip == spec.shows_pane
    # The words the help and the palette have always shown.
    assert [VERBS[w].binding.tooltip for w in ("inst", "vol", "snap", "ami")] == [
        "Show instances",
        "Show volumes",
        "Show snapshots",
        "Show images (AMIs)",
    ]
