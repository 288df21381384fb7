"""Messages the UI's workers and panes post upwards (past tense: they report what happened,
or what was asked of the explorer: attributes go down, messages go up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from amiexplorer.core.inventory import InventoryEvent
from amiexplorer.core.models import Image, Snapshot
from amiexplorer.core.watch_events import WatchEvent

if TYPE_CHECKING:
    # Types only: the app imports these messages before its first frame, and the flow and
    # the details import botocore (the first frame is drawn before it is imported).
    from amiexplorer.ui.action_flow import Flow, LaterFlow
    from amiexplorer.ui.rows.details import Related


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


class StatusChanged(Message):
    """A pane has something to say in the status line ("" ends the message)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Refused(Message):
    """A pane refused what was asked; the text says why (the explorer rings the bell)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RowsChanged(Message):
    """A pane's rows, marks or filter changed: the kind bar's counts follow."""


class SharingRead(Message):
    """The audit read sharing into the inventory: the resource panes show it too."""


class JumpRequested(Message):
    """Go to a related resource, remembering where we were."""

    def __init__(self, related: Related) -> None:
        super().__init__()
        self.related = related


class EvidenceWanted(Message):
    """The details of an image or snapshot need what the load did not read."""

    def __init__(
        self, resource: Image | Snapshot, attributes: bool, provenance: bool, blocks: bool = False
    ) -> None:
        super().__init__()
        self.resource = resource
        #: Which blocks only it holds (EBS direct APIs): what deleting it frees.
        self.blocks = blocks
        #: Who it is shared with (DescribeImageAttribute / DescribeSnapshotAttribute).
        self.attributes = attributes
        #: The AWS Backup vault and plan, or the Image Builder pipeline, that made it.
        self.provenance = provenance


class CleanupRequested(Message):
    """The Audit pane asked for a cleanup: requests for the one action flow, in turn."""

    def __init__(
        self, flows: list[Flow | LaterFlow], then: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.flows = flows
        self.then = then
