"""Every key binding the app has, read from its classes, and the keymap and theme checked
against them (the rules are in `amiexplorer.keymap`).

The bindings are collected from every class of `amiexplorer.ui` (the App, screens, dialogs,
widgets, with what they inherit from Textual's widgets), so a new dialog's keys are known the
day it is written. That imports the whole UI, botocore included: the app runs this behind its
first frame, on the thread that imports the explorer.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key, key_to_character
from textual.screen import ModalScreen, Screen

from amiexplorer.config import ConfigError, Settings, settings_origin
from amiexplorer.keymap import KeyUse, Layer, check_keymap

#: Textual's modifiers, in the order it writes them.
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: The keys Textual names by a word ("pagedown", "f5", "space"), not by their character.
_NAMED_KEYS = frozenset(
    key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")
)


def key_name(text: str) -> str | None:
    """Textual's name for the key written as `text` ("ctrl+/" -> "ctrl+slash"), None if none."""
    *modifiers, base = text.split("+") if len(text) > 1 else [text]
    if not base or any(m not in _MODIFIERS for m in modifiers):
        return None
    if len(base) == 1:
        if not base.isprintable():
            return None
        base = _character_to_key(base)
    elif base not in _NAMED_KEYS and key_to_character(base) is None:
        return None
    return "+".join([*modifiers, base])


#: The explorer's panes live here (one on screen at a time, under the explorer's own keys).
_PANES = "amiexplorer.ui.panes."


def _layer(cls: type[DOMNode]) -> Layer:
    if cls.__module__.startswith(_PANES):
        return Layer.PANE
    if issubclass(cls, App):
        return Layer.APP
    if issubclass(cls, ModalScreen):
        return Layer.MODAL
    if issubclass(cls, Screen):
        return Layer.SCREEN
    return Layer.WIDGET


def binding_classes(package: str = "amiexplorer.ui") -> list[type[DOMNode]]:
    """Every class of `package` with key bindings (its own or inherited), in a stable order."""
    root = importlib.import_module(package)
    modules = [root] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    ]
    found: list[type[DOMNode]] = []
    for module in modules:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == module.__name__
                and issubclass(cls, DOMNode)
                and cls._merged_bindings is not None
                and cls._merged_bindings.key_to_bindings
            ):
                found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _uses_of(cls: type[DOMNode]) -> Iterable[KeyUse]:
    assert cls._merged_bindings is not None
    # Textual splits "ctrl+d,delete" into one binding per key: put them together again.
    keys: dict[tuple[str | None, str, str], list[str]] = {}
    for key, binding in cls._merged_bindings:
        keys.setdefault((binding.id, binding.action, _what(binding)), []).append(key)
    layer = _layer(cls)
    for (binding_id, _action, what), names in keys.items():
        yield KeyUse(binding_id, tuple(dict.fromkeys(names)), what, cls.__name__, layer)


def _what(binding: Binding) -> str:
    return binding.tooltip or binding.description or binding.action


def key_uses() -> list[KeyUse]:
    """Every binding of the app, once per class that has it."""
    uses = [use for cls in binding_classes() for use in _uses_of(cls)]
    # Textual gives each App the palette's key when it starts, not in a class's BINDINGS.
    palette = KeyUse(
        None, (App.COMMAND_PALETTE_BINDING,), "Open the command palette", "App", Layer.APP
    )
    return [*uses, palette]


def keymap_ids() -> list[str]:
    """Every id a keymap can name, sorted (for the README and the messages)."""
    return sorted({use.id for use in key_uses() if use.id is not None})


def checked_keymap(settings: Settings) -> dict[str, str]:
    """The settings' keymap as Textual takes it; ConfigError (naming the file) if it is bad."""
    if not settings.keymap:
        return {}
    try:
        return check_keymap(settings.keymap, key_uses(), key_name)
    except ConfigError as exc:
        raise ConfigError(f"{settings_origin(settings)}: {exc}") from None


def check_theme(settings: Settings, themes: Iterable[str]) -> None:
    """ConfigError (naming the file and the themes there are) unless the theme exists."""
    names = sorted(themes)
    if settings.theme not in names:
        shown = settings.theme if len(settings.theme) <= 40 else settings.theme[:39] + "…"
        raise ConfigError(
            f"{settings_origin(settings)}: theme {shown!r} does not exist; "
            f"choose one of {', '.join(names)}"
        )
