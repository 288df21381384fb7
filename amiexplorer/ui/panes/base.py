"""What the explorer's panes that act on AWS share: the account, the flow, read-only mode."""

from __future__ import annotations

from textual.containers import Vertical

from amiexplorer.aws.account import Account
from amiexplorer.ui.action_flow import ActionFlow
from amiexplorer.ui.messages import Refused, StatusChanged
from amiexplorer.ui.rows.columns import RowContext
from amiexplorer.ui.worker_errors import ReportsWorkerErrors


class Pane(ReportsWorkerErrors, Vertical):
    """A pane of the explorer: its rows, its keys, and the flow its changes go through."""

    DEFAULT_CSS = """
    Pane { height: 1fr; }
    """

    def __init__(
        self, account: Account, ctx: RowContext, flow: ActionFlow, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.account = account
        self.ctx = ctx
        self.flow = flow
        #: The region in scope (None: every region); the explorer sets it.
        self.scope: str | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only mode removes the keys that change AWS (the flow is the one place to ask)."""
        return self.flow.permits(action)

    def refuses(self, key: str) -> bool:
        """True when `key` is one of this pane's keys that read-only mode refuses.

        The explorer asks, where it always did (its own on_key): a refusal then comes after
        whatever the keys typed before it did (a pane key before it would overtake them).
        """
        bindings = self._bindings.key_to_bindings.get(key, [])
        return any(not self.flow.permits(binding.action) for binding in bindings)

    def complain(self, text: str) -> None:
        """Refuse something: the explorer says why and rings the bell."""
        self.post_message(Refused(text))

    def set_status(self, text: str) -> None:
        """A message in the explorer's status line."""
        self.post_message(StatusChanged(text))
