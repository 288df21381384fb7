"""The rules of the config file's `[keymap]`: ids that exist, keys that exist, one use per key.

Pure (no Textual), so the rules can be read and tested alone. The TUI hands in every binding
it has, collected from its classes (`amiexplorer.ui.keys`), and how Textual names keys: the
check follows the bindings and can never drift from them.

A key may do one thing where it is pressed. Bindings that share a key on purpose (`enter`
opens details or folds an audit group, as the pane decides) are left alone: only a key the
keymap gives to a binding is checked against every other binding that can be active at the
same time, default or remapped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from amiexplorer.config import ConfigError

#: At most this many unknown ids are quoted (a keymap may hold 200,000 of them).
_QUOTED = 3
#: The longest id or key quoted in a message.
_QUOTE_LIMIT = 40


class Layer(StrEnum):
    """Where a binding lives, which says what else can be active with it."""

    #: The App's: active under every screen except a modal one.
    APP = "app"
    #: A full screen's (the explorer): active with the App's and its widgets'.
    SCREEN = "screen"
    #: A dialog's: active with its widgets' only (Textual stops the chain at a modal).
    MODAL = "modal"
    #: A pane's of the explorer: active with the explorer's, the App's and widgets', never
    #: with a dialog's (it covers the pane) or another pane's (one pane shows at a time).
    PANE = "pane"
    #: A widget's: may sit on any screen, so it is checked against all of them.
    WIDGET = "widget"


@dataclass(frozen=True, slots=True)
class KeyUse:
    """One binding as the keymap sees it."""

    #: The id a keymap names it by (None: it cannot be remapped).
    id: str | None
    #: Its default keys, as Textual names them ("slash", "ctrl+d").
    keys: tuple[str, ...]
    #: What it does, in the words the help screen uses.
    what: str
    #: The class it belongs to ("ExplorerScreen", "ResourceTable").
    owner: str
    layer: Layer

    def label(self) -> str:
        """How a message names it."""
        if self.id is not None:
            return f'"{self.id}" ({self.what})'
        return f"{self.what} in {self.owner}, which cannot be remapped"


def active_together(a: KeyUse, b: KeyUse) -> bool:
    """True when `a` and `b` can both answer a key on the same screen."""
    if a.owner == b.owner:
        return True
    layers = {a.layer, b.layer}
    if Layer.PANE in layers and (Layer.MODAL in layers or layers == {Layer.PANE}):
        return False
    if layers <= {Layer.SCREEN, Layer.MODAL}:
        return False  # two screens: one is on top at a time
    return layers != {Layer.APP, Layer.MODAL}  # a modal's chain stops before the App


#: Turns what the user wrote for one key ("ctrl+/", "?", "f5") into Textual's name for it
#: ("ctrl+slash", "question_mark", "f5"), or None when it is no key.
KeyName = Callable[[str], str | None]


def _quoted(text: str) -> str:
    shown = text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"
    return f'"{shown}"'


def _unknown(unknown: Sequence[str], known: Iterable[str]) -> ConfigError:
    """The message for ids that name no binding: a suggestion for one, a count for many."""
    where = "the binding ids are listed in the README (Keys)"
    if len(unknown) == 1:
        close = difflib.get_close_matches(unknown[0], sorted(known), n=1)
        hint = f" (did you mean {_quoted(close[0])}?)" if close else ""
        return ConfigError(f"[keymap] has no binding {_quoted(unknown[0])}{hint}; {where}")
    shown = ", ".join(_quoted(name) for name in unknown[:_QUOTED])
    more = f" and {len(unknown) - _QUOTED:,} more" if len(unknown) > _QUOTED else ""
    return ConfigError(
        f"[keymap] names {len(unknown):,} bindings the app does not have ({shown}{more}); {where}"
    )


def _keys_of(binding_id: str, text: str, key_name: KeyName) -> tuple[str, ...]:
    names: list[str] = []
    for part in text.split(","):
        name = key_name(part.strip()) if part.strip() else None
        if name is None:
            raise ConfigError(
                f"keymap.{binding_id} = {_quoted(text)}: {_quoted(part.strip())} is not a key; "
                'write keys as "f", "F", "ctrl+f", "slash", "f5" or "pagedown", '
                'several separated by commas ("ctrl+d,delete")'
            )
        names.append(name)
    return tuple(dict.fromkeys(names))


def _conflict(key: str, moved: KeyUse, other: KeyUse) -> ConfigError:
    return ConfigError(
        f"[keymap] gives {_quoted(key)} to {moved.label()}, but {_quoted(key)} is also "
        f"{other.label()}: a key does one thing; give one of them another key"
    )


def check_keymap(
    keymap: Mapping[str, str], uses: Sequence[KeyUse], key_name: KeyName
) -> dict[str, str]:
    """The keymap to hand to Textual, or ConfigError naming the first problem.

    Linear in the size of the keymap: unknown ids are found with one set lookup each, before
    anything else is done with them.
    """
    known = {use.id for use in uses if use.id is not None}
    unknown = [name for name in keymap if name not in known]
    if unknown:
        raise _unknown(unknown, known)
    new_keys = {name: _keys_of(name, text, key_name) for name, text in keymap.items()}

    # Every key, with the bindings that would answer it and whether the keymap put it there.
    holders: dict[str, list[tuple[KeyUse, bool]]] = {}
    for use in uses:
        keys = new_keys.get(use.id, use.keys) if use.id is not None else use.keys
        for key in keys:
            holders.setdefault(key, []).append((use, key not in use.keys))
    for key, found in holders.items():
        for index, (a, a_moved) in enumerate(found):
            for b, b_moved in found[index + 1 :]:
                same_binding = a.id is not None and a.id == b.id
                if (a_moved or b_moved) and not same_binding and active_together(a, b):
                    raise _conflict(key, *((a, b) if a_moved else (b, a)))
    return {**_kept_neighbours(new_keys, uses), **_joined(new_keys)}


def _joined(new_keys: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {name: ",".join(keys) for name, keys in new_keys.items()}


def _kept_neighbours(
    new_keys: Mapping[str, tuple[str, ...]], uses: Sequence[KeyUse]
) -> dict[str, str]:
    """The bindings that keep a key another binding of their class leaves, named explicitly.

    Textual drops every binding of a key when one binding with an id moves off it (remapping
    `details` would take `enter` from `audit-open` too); naming the others' keys keeps them.
    """
    defaults: dict[str, set[tuple[str, ...]]] = {}
    for use in uses:
        if use.id is not None:
            defaults.setdefault(use.id, set()).add(use.keys)
    kept: dict[str, str] = {}
    for moved in uses:
        if moved.id is None or moved.id not in new_keys:
            continue
        left = set(moved.keys) - set(new_keys[moved.id])
        for other in uses:
            if (
                other.owner == moved.owner
                and other.id is not None
                and other.id not in new_keys
                and left.intersection(other.keys)
                and len(defaults[other.id]) == 1  # the same keys wherever the id is used
            ):
                kept[other.id] = ",".join(other.keys)
    return kept
