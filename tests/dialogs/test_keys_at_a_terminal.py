"""The issue's keys at a real terminal, the last two in one write (item 5).

`amiexplorer --demo` on a pseudo-terminal: `3`, `g`, `c`, `ctrl+s`, then `enter` and `esc`
together, as a fast typist or `tmux send-keys` sends them. The enter confirms; neither it
nor the esc behind it may act on the explorer below: no details box is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.terminal import TerminalSession

LOADED = "Loaded 4 region(s)"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[TerminalSession]:
    session = TerminalSession(tmp_path, ["--demo"], size=(120, 36))
    yield session
    session.close()


def test_enter_and_esc_in_one_write_on_a_confirmation_act_on_nothing_below(
    terminal: TerminalSession,
) -> None:
    terminal.wait_for(LOADED)
    terminal.send("3", "g", "c")
    terminal.wait_for("Create volume")
    terminal.send("\x13")  # ctrl+s
    terminal.wait_for("to go ahead")
    drawn_from = len(terminal.output)
    terminal.send("enter", "escape")
    terminal.wait_for("1 done")
    # The results, then the explorer behind them: ctrl+q (Textual's own quit) ends the app
    # whatever is on top, so nothing more needs to be waited for.
    terminal.send("escape", "\x11")
    assert terminal.wait_for_exit() == 0, terminal.text()[-3000:]
    after = bytes(terminal.output[drawn_from:]).decode("utf-8", "replace")
    assert "Details —" not in after, "a key of the confirmation opened the details below"
