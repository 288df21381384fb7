"""The header line: whose account is on screen, through which profile and endpoint."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from amiexplorer.core.models import Identity


class AccountHeader(Static):
    """Account id and alias, profile, caller, endpoint and the READ-ONLY badge.

    It is given the identity that belongs to the rows on screen, never a guess, so the
    account shown is always the account being browsed.
    """

    DEFAULT_CSS = """
    AccountHeader {
        height: 1;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    """

    identity: reactive[Identity | None] = reactive(None)
    endpoint_url: reactive[str | None] = reactive(None)
    read_only: reactive[bool] = reactive(False)
    in_flight: reactive[int] = reactive(0)

    def render(self) -> Text:
        """One line, most important first, so narrow terminals cut the least useful part."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("amiexplorer ", style="bold")
        if self.read_only:
            text.append(" READ-ONLY ", style="bold reverse red")
            text.append(" ")
        identity = self.identity
        if identity is None:
            text.append("connecting…")
            return text
        if self.in_flight:
            text.append(f" ⟳ {self.in_flight} in flight ", style="bold black on yellow")
            text.append(" ")
        text.append("account ", style="dim")
        text.append(identity.account_label, style="bold")
        text.append("  profile ", style="dim")
        text.append(identity.profile or "(default)")
        if self.endpoint_url:
            text.append("  endpoint ", style="dim")
            text.append(self.endpoint_url, style="yellow")
        text.append("  caller ", style="dim")
        text.append(identity.arn)
        return text
