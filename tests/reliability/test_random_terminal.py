"""Random keys at a real terminal: bursts of bytes, resizes down to 20x8 (issue 12).

`amiexplorer --demo` on a pseudo-terminal gets seeded random keys as bytes, one or several
in a write (as a paste or a laggy SSH link delivers them: escape sequences of arrows, page
and function keys included), and window resizes (TIOCSWINSZ, then SIGWINCH) to any size
from 160x50 down to 20x8, between writes. After every round the help (or the palette, with
a word only the test types) is drawn: the app handled every key before it and is alive.
It must never draw a traceback, and ctrl+q at the end must leave the terminal as it found
it.

`AMIEXPLORER_RANDOM_KEYS=6000` writes that many keys instead of the few CI can afford.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.conftest import record_random_run
from tests.reliability.terminal import run_random_keys

SEED = 20261203
KEYS = int(os.environ.get("AMIEXPLORER_RANDOM_KEYS", "0")) or 300


@pytest.mark.timeout(120 + KEYS // 20)
def test_random_bursts_and_resizes_at_a_terminal_never_crash_or_hang(tmp_path: Path) -> None:
    # The palette's keys too: its crashes found by this harness are fixed (textual_patches.py,
    # AmiExplorerApp.action_command_palette) and pinned by tests in test_random_keys.py.
    run = run_random_keys(tmp_path, SEED, KEYS, wait=30)
    record_random_run("terminal", **run.figures())
    print(f"dialogs: {dict(run.dialogs)}")
    assert run.problems == []
    assert run.keys >= KEYS
    assert run.bursts and run.resizes and run.resizes_to_20x8, "no burst or no resize to 20x8"
