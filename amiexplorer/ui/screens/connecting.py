"""The screen shown while the start-up checks run: the explorer's frame, with nothing in it yet.

The app draws this first, before botocore is even imported, so the layout is on screen in
about the time a bare Textual app takes; the identity and region checks (three calls, and
importing botocore) run behind it. A line under the first says what they are waiting for
and for how long ("Checking who you are with STS… 7 s (gives up in 13 s)"), read from the
opener's `StartupProgress`. It imports nothing that talks to AWS.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from amiexplorer.startup import StartupProgress
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

    #: Seconds between two updates of the waiting line (it counts whole seconds).
    UPDATE_INTERVAL = 0.25

    def __init__(
        self,
        *,
        what: str,
        endpoint_label: str | None,
        read_only: bool,
        progress: StartupProgress | None = None,
    ) -> None:
        super().__init__()
        #: Whose credentials: "profile prod", "the default credential chain", "the demo world".
        self.what = what
        self.endpoint_label = endpoint_label
        self.read_only = read_only
        self.progress = progress
        self._shown = ""
        self._first_line = (
            f"Connecting with {what}: checking who you are and which regions to show…"
        )

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
            yield Static(Text(self._first_line), id="waiting")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Follow what the start-up checks wait for, if the opener says."""
        if self.progress is not None:
            self._show_progress()
            self.set_interval(self.UPDATE_INTERVAL, self._show_progress)

    def _show_progress(self) -> None:
        assert self.progress is not None
        line = self.progress.describe()
        if line != self._shown:
            self._shown = line
            # Plain text: a profile name may hold what markup would read as tags.
            text = f"{self._first_line}\n\n{line}" if line else self._first_line
            self.query_one("#waiting", Static).update(Text(text))
