"""Messages the UI's workers post upwards (past tense: they report what happened)."""

from __future__ import annotations

from textual.message import Message

from amiexplorer.aws.inventory import InventoryEvent
from amiexplorer.aws.watch_events import WatchEvent


class InventoryChanged(Message):
    """A loader event was applied to the inventory; widgets showing it should refresh."""

    def __init__(self, event: InventoryEvent) -> None:
        super().__init__()
        self.event = event


class InventoryLoaded(Message):
    """Every region finished loading (some may have failed)."""


class SwitchProfile(Message):
    """`:profile NAME`: re-check the identity with another profile and show its account."""

    def __init__(self, profile: str) -> None:
        super().__init__()
        self.profile = profile


class Watched(Message):
    """The watcher saw a pending resource change or finish."""

    def __init__(self, event: WatchEvent) -> None:
        super().__init__()
        self.event = event
