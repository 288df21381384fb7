"""The Textual application: it owns one `Account` and shows it on the explorer screen.

This module and what it imports at the top never import botocore: `amiexplorer` draws its
first frame (the `ConnectingScreen`) while botocore is imported and the start-up checks run
behind it, in about the time a bare Textual app takes. What talks to AWS, and the explorer
screen that uses it, is imported when needed (a test holds this module to that).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from amiexplorer.config import Settings
from amiexplorer.startup import (
    EXIT_BAD_START,
    StartupError,
    StartupProgress,
    startup_allocations,
)
from amiexplorer.ui.commands import ExplorerCommands
from amiexplorer.ui.messages import SwitchProfile
from amiexplorer.ui.screens.connecting import ConnectingScreen
from amiexplorer.ui.widgets.prompt import Prompt

if TYPE_CHECKING:
    from amiexplorer.aws.account import Account
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: Makes the account to show: runs the start-up checks, raises StartupError for a bad start.
Opener = Callable[[], Awaitable["Account"]]


@dataclass(frozen=True, slots=True)
class Opening:
    """How to make the account to show, and what the first frame says meanwhile."""

    #: Runs the start-up checks and returns the account; raises StartupError for a bad start.
    open: Opener
    #: Whose credentials: "profile prod", "the default credential chain", "the demo world".
    what: str
    endpoint_label: str | None = None
    read_only: bool = False
    #: What the opener is waiting for, and since when: the first frame shows it as it goes.
    progress: StartupProgress | None = None


#: The modules the explorer needs beyond the first frame (botocore among them).
_EXPLORER_MODULE = "amiexplorer.ui.screens.explorer"


def _import_explorer() -> None:
    """Import the explorer screen and everything it uses (run in a thread, off the UI)."""
    with startup_allocations():
        importlib.import_module(_EXPLORER_MODULE)


def _explorer_screen(account: Account) -> ExplorerScreen:
    from amiexplorer.ui.screens.explorer import ExplorerScreen

    return ExplorerScreen(account)


class AmiExplorerApp(App[int]):
    """amiexplorer's terminal UI."""

    TITLE = "amiexplorer"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {ExplorerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave amiexplorer"),
    ]

    def __init__(
        self,
        account: Account | None = None,
        settings: Settings | None = None,
        *,
        opening: Opening | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Show `account`, or the one `opening` makes (the start-up checks run in the app)."""
        super().__init__()
        if account is None and opening is None:
            raise ValueError("AmiExplorerApp needs an account or an opening")
        self._account = account
        self._opening = opening
        #: Why the start-up checks failed (one line), when they did; the app has then exited
        #: with EXIT_BAD_START and the caller prints this.
        self.startup_failure: str | None = None
        self.settings = settings or Settings()
        #: The time ages are measured from; tests and screenshots pass a fixed one.
        self.clock = clock or (lambda: datetime.now(UTC))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))

    @property
    def account(self) -> Account:
        """The account on screen (the explorer exists only once there is one)."""
        if self._account is None:
            raise RuntimeError("no account yet: the start-up checks are still running")
        return self._account

    def on_mount(self) -> None:
        """Show the explorer for the account given, or the frame while the opener runs."""
        if self._account is not None:
            self.push_screen(_explorer_screen(self._account))
            return
        assert self._opening is not None
        opening = self._opening
        self.push_screen(
            ConnectingScreen(
                what=opening.what,
                endpoint_label=opening.endpoint_label,
                read_only=opening.read_only,
                progress=opening.progress,
            )
        )
        self._open_account(opening.open)

    @work(group="connect", exit_on_error=False)
    async def _open_account(self, opener: Opener) -> None:
        """Run the start-up checks behind the first frame, then show the explorer.

        A bad start ends the app at once with EXIT_BAD_START; the caller prints the one line.
        """
        try:
            # Importing botocore and the explorer takes longer than drawing this frame did:
            # on another thread, so the frame answers keys meanwhile. Before the opener
            # runs, so that no two threads import the same modules at once.
            await asyncio.to_thread(_import_explorer)
            account = await opener()
        except StartupError as exc:
            self._fail_start(str(exc))
            return
        except Exception as exc:  # never a traceback, even for a surprise
            from amiexplorer.aws.errors import describe_problem

            self._fail_start(f"cannot start: {describe_problem(exc).message}")
            return
        self._account = account
        await self.switch_screen(_explorer_screen(account))

    def _fail_start(self, message: str) -> None:
        self.startup_failure = message
        self.exit(return_code=EXIT_BAD_START)

    @property
    def explorer(self) -> ExplorerScreen | None:
        """The explorer screen, wherever it is in the stack."""
        if _EXPLORER_MODULE not in sys.modules:
            return None
        from amiexplorer.ui.screens.explorer import ExplorerScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ExplorerScreen):
                return screen
        return None

    def on_switch_profile(self, message: SwitchProfile) -> None:
        """`:profile NAME`: check the new identity first; only then replace every row."""
        self.notify(f"Switching to profile {message.profile}…")
        self.switch_profile(message.profile)

    @work(exclusive=True, group="profile", exit_on_error=False)
    async def switch_profile(self, profile: str) -> None:
        """Connect with `profile`; on success, drop the old account and show the new one."""
        from amiexplorer.aws.account import Account
        from amiexplorer.aws.connect import connect
        from amiexplorer.aws.session import AwsSession

        settings = self.account.session.settings
        # Only the profile changes: the regions, endpoint and read-only choice stay, and
        # the new profile's own credentials are used (never the old explicit keys).
        new_settings = replace(
            settings,
            profile=profile,
            access_key_id=None,
            secret_access_key=None,
            endpoint_label=None if settings.access_key_id else settings.endpoint_label,
        )
        try:
            connection = await connect(AwsSession(new_settings))
        except StartupError as exc:
            if self.explorer is not None:
                self.explorer.complain(f"profile {profile}: {exc}")
            return
        old = self.account
        self._account = Account(connection)
        # A new screen starts with no rows: nothing of the old account can show under the new
        # account's name, even for a frame.
        await self.switch_screen(_explorer_screen(self._account))
        await old.close()
        self.notify(f"Now showing account {connection.identity.account_label}")

    async def on_event(self, event: events.Event) -> None:
        """Keys typed right after `/` or `:` reach the prompt, in order, however fast.

        Textual hands each key to the widget focused when the app takes it, and `/` moves
        the focus only once it has been handled, after bubbling back here: the keys typed
        behind it (a fast typist, a paste, tmux send-keys) went to the table and bubble back
        here too, in order. A printable one arriving while the prompt has focus is such a key.
        (Priority bindings would avoid the detour but would overtake the keys before them:
        `ctrl+d` then `2` must not delete in the Volumes pane.)
        """
        if (
            isinstance(event, events.Key)
            and event.is_forwarded
            and event.is_printable
            and event.character
            and isinstance(self.focused, Prompt)
        ):
            self.focused.insert_text_at_cursor(event.character)
            return
        await super().on_event(event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place for every worker failure: a readable message, never a traceback."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from amiexplorer.aws.errors import describe_problem

            problem = describe_problem(event.worker.error)
            self.notify(problem.message, title="Error", severity="error", timeout=10)

    async def on_unmount(self) -> None:
        """Close the account's HTTP connections."""
        if self._account is not None:
            await self._account.close()


def run_app(opening: Opening, settings: Settings) -> int:
    """Run the TUI; `opening` runs the start-up checks behind its first frame.

    Returns the exit status; a bad start prints its one line on stderr after the terminal is
    given back.
    """
    app = AmiExplorerApp(settings=settings, opening=opening)
    result = app.run()
    if app.startup_failure is not None:
        # One line, whatever the message held.
        print(f"amiexplorer: {' '.join(app.startup_failure.split())}", file=sys.stderr)
        return app.return_code or EXIT_BAD_START
    return app.return_code or result or 0
