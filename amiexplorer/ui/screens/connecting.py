"""The screen shown while the start-up checks run: the explorer's frame, with nothing in it yet.

The app draws this first, before botocore is even imported, so the layout is on screen in
about the time a bare Textual app takes; the identity and region checks (three calls, and
importing botocore) run behind it. It imports nothing that talks to AWS.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from amiexplorer.ui.widgets.account_header import AccountHeader
from amiexplorer.ui.widgets.footer import Footer
from amiexplorer.ui.widgets.kind_bar import KindBar


class ConnectingScreen(Screen[None]):
    """Header, pane bar and footer of the explorer, and what is being checked."""

    DEFAULT_CSS = """
    ConnectingScreen #waiting {
        height: 1fr;
        padding: 1 2;
        color: $text-muted;
    }
    """

    def __init__(self, *, what: str, endpoint_label: str | None, read_only: bool) -> None:
        super().__init__()
        #: Whose credentials: "profile prod", "the default credential chain", "the demo world".
        self.what = what
        self.endpoint_label = endpoint_label
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        """The explorer's chrome around one line of progress."""
        header = AccountHeader(id="account")
        header.endpoint_url = self.endpoint_label
        header.read_only = self.read_only
        yield header
        with Vertical(id="main"):
            bar = KindBar(id="kinds")
            bar.waiting = True
            yield bar
            yield Static(
                f"Connecting with {self.what}: checking who you are and which regions to show…",
                id="waiting",
            )
        yield Static("", id="status")
        yield Footer()
