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
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker

from amiexplorer.config import ConfigError, Settings, state_dir
from amiexplorer.startup import (
    EXIT_BAD_START,
    StartupError,
    StartupProgress,
    startup_allocations,
)
from amiexplorer.ui import crash_report, textual_patches
from amiexplorer.ui.commands import ExplorerCommands, KeyCommands
from amiexplorer.ui.dialogs.fresh_keys import AnswersFreshKeysOnly
from amiexplorer.ui.keys import check_theme, checked_keymap
from amiexplorer.ui.messages import SwitchProfile
from amiexplorer.ui.screens.connecting import ConnectingScreen
from amiexplorer.ui.widgets.prompt import Prompt
from amiexplorer.ui.worker_errors import report_failure

# Before any option list exists (the command palette's included).
textual_patches.install()

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


#: How many keys' screens are remembered until they come back (a key a widget stops never
#: does; see `AmiExplorerApp.on_event`).
_KEYS_IN_FLIGHT = 256

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
    COMMANDS: ClassVar = App.COMMANDS | {KeyCommands, ExplorerCommands}
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
        #: The screen each key was handed to, by the key's id, until it comes back.
        self._key_screens: dict[int, tuple[events.Key, Screen[Any]]] = {}
        #: Why the start-up checks failed (one line), when they did; the app has then exited
        #: with EXIT_BAD_START and the caller prints this.
        self.startup_failure: str | None = None
        self.settings = settings or Settings()
        #: The time ages are measured from; tests and screenshots pass a fixed one.
        self.clock = clock or (lambda: datetime.now(UTC))
        # A theme or keymap the app does not have stops it with ConfigError (one line, status
        # 2), never a setting quietly ignored. Themes are known now; the bindings a keymap
        # names once the whole UI is imported: now when the account is given, behind the
        # first frame when the opener makes it (_open_account).
        check_theme(self.settings, self.available_themes)
        self.theme = self.settings.theme
        if account is not None:
            self._apply_keymap(checked_keymap(self.settings))

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
            # Before connecting: a keymap that cannot work ends the start at once.
            self._apply_keymap(await asyncio.to_thread(checked_keymap, self.settings))
            account = await opener()
        except (StartupError, ConfigError) as exc:
            self._fail_start(str(exc))
            return
        except Exception as exc:  # never a traceback, even for a surprise
            from amiexplorer.aws.errors import describe_problem

            self._fail_start(f"cannot start: {describe_problem(exc).message}")
            return
        self._account = account
        await self.switch_screen(_explorer_screen(account))

    def action_command_palette(self) -> None:
        """ctrl+p: the palette, unless one is open already, anywhere in the stack.

        Textual looks only at the top screen: with a confirmation opened above a palette
        (ctrl+s, then ctrl+p while the DryRun ran), or with the palette closing as ctrl+p
        came again, a second palette with the same id ended the app (`DuplicateIds`).
        """
        # The app's own children: a palette just closed is off the stack but still there
        # until it is removed, and its id with it.
        if any(isinstance(node, CommandPalette) for node in self._nodes):
            return
        super().action_command_palette()

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        """Give Textual a keymap amiexplorer.keymap has checked (see ui/keys.py)."""
        if keymap:
            self.set_keymap(keymap)

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
        from amiexplorer.aws.session import AwsSession
        from amiexplorer.aws.startup.connect import connect

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

        A key also comes back here only after the screen it was handed to had its turn, and
        Textual then runs the bindings of whichever screen is on top: a key that closed a
        dialog on its way up (enter on a confirmation) would act again on the screen below.
        Such a key is dropped here: a key acts on the screen it was typed on, or on none.
        """
        if isinstance(event, events.Key):
            screen = self.screen
            if isinstance(screen, AnswersFreshKeysOnly) and screen.typed_before(event):
                # Typed on the form before its confirmation was on screen: never an answer.
                return
            if not event.is_forwarded:
                self._key_screens[id(event)] = (event, screen)
                while len(self._key_screens) > _KEYS_IN_FLIGHT:
                    del self._key_screens[next(iter(self._key_screens))]
            else:
                key, typed_on = self._key_screens.pop(id(event), (event, None))
                if key is event and typed_on is not None and typed_on not in self.screen_stack:
                    return
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
        """The app's own workers' failures: a readable message, never a traceback."""
        report_failure(self, event)

    # The last net (see crash_report): Textual calls these for an exception nobody caught;
    # tests/unit/test_textual_compat.py names what changed if an upgrade moves them.

    def _handle_exception(self, error: Exception) -> None:
        """Write the traceback to the crash report, then end the app as Textual does."""
        self.crash_report = self.report_crash(error) or self.crash_report
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Say where the traceback went, where Textual would print it with every frame's
        locals (`run_app` prints the line once the terminal is given back)."""
        error = self._exception or sys.exc_info()[1] or RuntimeError("unknown error")
        if self.crash_line is None:
            self.crash_line = crash_report.crash_line(error, self.crash_report)
        self._close_messages_no_wait()

    #: The file the traceback of an uncaught error went to (once there was one).
    crash_report: Path | None = None
    #: The line that says so, printed once the terminal is given back.
    crash_line: str | None = None

    def report_crash(self, error: BaseException) -> Path | None:
        """Append `error`'s traceback to this run's crash report; its path (None: unwritable)."""
        settings = self._account.session.settings if self._account is not None else None
        secrets = [settings.secret_access_key] if settings is not None else []
        path = self.crash_report or crash_report.report_path(state_dir())
        try:
            crash_report.write_report(path, error, secrets)
        except OSError:
            return None
        return path

    async def on_unmount(self) -> None:
        """Close the account's HTTP connections."""
        if self._account is not None:
            await self._account.close()


def run_app(opening: Opening, settings: Settings) -> int:
    """Run the TUI; `opening` runs the start-up checks behind its first frame.

    Returns the exit status; a bad start prints its one line on stderr after the terminal is
    given back.
    """
    try:
        app = AmiExplorerApp(settings=settings, opening=opening)
    except ConfigError as exc:  # a theme that does not exist: before the first frame
        print(f"amiexplorer: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_BAD_START
    try:
        result = app.run()
    except Exception as error:  # outside Textual's own net (its driver, its shutdown)
        where = app.report_crash(error)
        print(crash_report.crash_line(error, where), file=sys.stderr)
        return 1
    if app.crash_line is not None:
        print(app.crash_line, file=sys.stderr)
        return app.return_code or 1
    if app.startup_failure is not None:
        # One line, whatever the message held.
        print(f"amiexplorer: {' '.join(app.startup_failure.split())}", file=sys.stderr)
        return app.return_code or EXIT_BAD_START
    return app.return_code or result or 0
