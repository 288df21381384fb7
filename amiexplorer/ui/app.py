"""The Textual application: it owns one `Account` and shows it on the explorer screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from amiexplorer.aws.account import Account
from amiexplorer.aws.connect import Connection, StartupError, connect
from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import AwsSession
from amiexplorer.config import Settings
from amiexplorer.ui.commands import ExplorerCommands
from amiexplorer.ui.messages import SwitchProfile
from amiexplorer.ui.screens.explorer import ExplorerScreen
from amiexplorer.ui.widgets.prompt import Prompt


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
        account: Account,
        settings: Settings | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.account = account
        self.settings = settings or Settings()
        #: The time ages are measured from; tests and screenshots pass a fixed one.
        self.clock = clock or (lambda: datetime.now(UTC))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))

    def on_mount(self) -> None:
        """Show the explorer for the account we were given."""
        self.push_screen(ExplorerScreen(self.account))

    @property
    def explorer(self) -> ExplorerScreen | None:
        """The explorer screen, wherever it is in the stack."""
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
        self.account = Account(connection)
        # A new screen starts with no rows: nothing of the old account can show under the new
        # account's name, even for a frame.
        await self.switch_screen(ExplorerScreen(self.account))
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
            problem = describe_problem(event.worker.error)
            self.notify(problem.message, title="Error", severity="error", timeout=10)

    async def on_unmount(self) -> None:
        """Close the account's HTTP connections."""
        await self.account.close()


def run_app(connection: Connection, settings: Settings) -> int:
    """Run the TUI for a checked connection; returns the exit status."""
    app = AmiExplorerApp(Account(connection), settings)
    result = app.run()
    return result or 0
