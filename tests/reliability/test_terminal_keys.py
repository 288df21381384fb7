"""Keys and resizes on a real pseudo-terminal, where their timing matters (issue 12, 14-15).

Each run is `amiexplorer --demo` at a terminal. A marker drawn after the keys proves the app
handled them (the screen shows it only once every key before it went through).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from amiexplorer.demo import DEMO_CREDENTIALS
from tests.reliability.terminal import TerminalSession

LOADED = "Loaded 4 region(s)"
#: The first words of the help (`?`), on one line at every width down to 20 columns.
HELP = "Also: ctrl+p"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[TerminalSession]:
    session = TerminalSession(tmp_path, ["--demo"], size=(120, 36))
    yield session
    session.close()


def _quit(session: TerminalSession) -> None:
    """Close the help (q), quit (q), and check that nothing went wrong on the way.

    Each key in a write of its own once the last one showed: a key typed on the help in the
    same burst as the one closing it ends with it (and esc followed by another key in one
    write is alt+key).
    """
    session.send("q")
    session.wait_for("palette")  # the footer, drawn again without the help's shade
    session.send("q")
    assert session.wait_for_exit() == 0, session.text()[-3000:]
    assert "Traceback" not in session.text()
    assert not list(session.state_dir.glob("amiexplorer/crash-*.txt"))


def test_page_keys_in_the_same_write_as_ctrl_p(terminal: TerminalSession) -> None:
    """`tmux send-keys C-p PageDown`: the palette's list has no layout yet (KeyError: 0).

    The letters typed behind them show in the palette's input: every key before them was
    handled, and the app is still there.
    """
    terminal.wait_for(LOADED)
    terminal.send("ctrl+p", "pagedown", "zq0")
    terminal.wait_for("zq0")
    terminal.send("pageup", "pagedown", "pageup", "1")
    terminal.wait_for("zq01")
    assert terminal.process.poll() is None
    assert "Traceback" not in terminal.text()
    assert not list(terminal.state_dir.glob("amiexplorer/crash-*.txt"))


def test_details_at_30_columns_and_at_20(terminal: TerminalSession) -> None:
    """Start at 120x36, shrink to 30x10, enter (ValueError in rich's chop_cells)."""
    terminal.wait_for(LOADED)
    terminal.resize(30, 10)
    terminal.send("enter", "tab", "pagedown", "down", "?")
    terminal.wait_for(HELP)
    terminal.send("q")
    terminal.wait_for("palette")
    terminal.resize(20, 8)
    terminal.send("enter", "enter", "tab", "pageup", "?")
    terminal.wait_for(HELP)
    _quit(terminal)


CRASH = f"""
import sys
from amiexplorer.ui.screens import help

def compose(self):
    raise RuntimeError("a bug, holding secret_access_key=wJalrXUtnFEMIK7MDENG "
                       "and {DEMO_CREDENTIALS[1]}")

help.HelpScreen.compose = compose
sys.argv = ["amiexplorer", "--demo"]
from amiexplorer.__main__ import main
raise SystemExit(main())
"""


def test_an_uncaught_error_is_one_line_and_a_report_file(tmp_path: Path) -> None:
    session = TerminalSession(tmp_path, [], size=(100, 30), code=CRASH)
    try:
        session.wait_for(LOADED)
        session.send("?")
        status = session.wait_for_exit()
    finally:
        session.close()
    assert status == 1
    shown = session.text()
    assert "Traceback" not in shown and "RuntimeError(" not in shown
    lines = [line for line in session.after_the_tui().split("\n") if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("amiexplorer: an internal error (RuntimeError) ended amiexplorer;")
    reports = list(session.state_dir.glob("amiexplorer/crash-*.txt"))
    assert len(reports) == 1
    assert f"the traceback is in {reports[0]}" in lines[0]
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    report = reports[0].read_text()
    assert "Traceback (most recent call last)" in report
    assert "RuntimeError: a bug, holding secret_access_key=********" in report
    assert "wJalrXUtnFEMIK7MDENG" not in report and DEMO_CREDENTIALS[1] not in report
