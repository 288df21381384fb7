"""amiexplorer on a pseudo-terminal, driven as a person (or a laggy SSH link) drives it.

Keys go in as bytes, several in one write when they should arrive together; the window is
resized with TIOCSWINSZ (the kernel sends SIGWINCH). Nothing waits on the clock: the session
waits until the screen shows a marker (which proves every key before it was handled) or the
process ends.

`run_random_keys` writes thousands of seeded random keys that way, in bursts, with resizes
down to 20x8 (`test_random_terminal.py`, `bench/random_keys.py`). Its app logs the dialogs it
opens (for the figures) and writes every thread's stack on SIGUSR1 (for a hang's report).
"""

from __future__ import annotations

import fcntl
import os
import pty
import random
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.data.test_bad_starts import sealed

#: Bytes a terminal sends for the keys the tests use.
KEYS = {
    "ctrl+p": b"\x10",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "enter": b"\r",
    # esc, then a focus-in report: the parser sees the next sequence start at once and sends
    # esc without waiting to tell it from alt+key (it would take the next key written
    # within 100 ms for an alt+key).
    "escape": b"\x1b\x1b[I",
    "down": b"\x1b[B",
    "tab": b"\t",
}
_ESCAPES = re.compile(rb"\x1b\[[0-9;?<>]*[A-Za-z~]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


class TerminalSession:
    """`python -m amiexplorer ARGS` (or `python -c CODE`) on a pseudo-terminal."""

    def __init__(
        self,
        tmp_path: Path,
        args: list[str],
        *,
        size: tuple[int, int] = (100, 30),
        code: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.state_dir = tmp_path / "state"
        env = sealed(
            tmp_path,
            {"TERM": "xterm-256color", "XDG_STATE_HOME": str(self.state_dir), **(extra_env or {})},
        )
        self.master, slave = pty.openpty()
        self.resize(*size, fd=slave)
        #: The terminal's modes before the app took it (it must leave them so).
        self.modes = termios.tcgetattr(self.master)
        command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "amiexplorer"]
        self.process = subprocess.Popen(
            [*command, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
            cwd=tmp_path,
        )
        os.close(slave)
        self.output = bytearray()
        self._read_from = 0
        #: How much of the output has been searched for a traceback (see `run_random_keys`).
        self.checked = 0

    def resize(self, width: int, height: int, *, fd: int | None = None) -> None:
        """Change the window size and say so, as a terminal emulator (or tmux) does.

        (The app has the terminal without it being its controlling one, so the kernel sends
        it no SIGWINCH: the session does.)
        """
        size = struct.pack("HHHH", height, width, 0, 0)
        fcntl.ioctl(self.master if fd is None else fd, termios.TIOCSWINSZ, size)
        if fd is None:
            os.kill(self.process.pid, signal.SIGWINCH)

    def send(self, *keys: str) -> None:
        """Write `keys` in one write: they arrive together, as over a laggy link."""
        os.write(self.master, b"".join(KEYS.get(k, k.encode()) for k in keys))

    def _read(self, timeout: float) -> int | None:
        """Read what the app drew within `timeout`: how many bytes (None: the terminal closed)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return None
        self.output += chunk
        return len(chunk) or None

    def _drain(self) -> None:
        """Read whatever is still to be read, without waiting for more."""
        while self._read(0.2):
            pass

    def pump(self) -> bool:
        """Read what the app has drawn so far, never waiting (False: the terminal closed).

        Between writes, so that neither side ever blocks on a full buffer.
        """
        while True:
            read = self._read(0)
            if read is None:
                return False
            if read == 0:
                return True

    def poll_for(self, marker: str, seconds: float) -> str:
        """Wait for `marker` after the last wait: "shown", "ended" (the app), or "timeout"."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            drawn = _ESCAPES.sub(b"", bytes(self.output[self._read_from :]))
            if marker.encode() in drawn:
                self._read_from = len(self.output)
                return "shown"
            if self._read(0.2) is None or self.process.poll() is not None:
                self._drain()
                return "ended"
        return "timeout"

    def text(self) -> str:
        """Everything drawn so far, without escape sequences."""
        return _ESCAPES.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def wait_for(self, marker: str, seconds: float = 60) -> None:
        """Wait until `marker` is drawn after the last wait (or the app ends: an error)."""
        outcome = self.poll_for(marker, seconds)
        if outcome == "ended":
            raise AssertionError(
                f"the app ended (status {self.process.poll()}) before showing {marker!r}:\n"
                + self.text()[-3000:]
            )
        if outcome == "timeout":
            raise AssertionError(f"{marker!r} never appeared:\n{self.text()[-3000:]}")

    def wait_for_exit(self, seconds: float = 30) -> int:
        """Read until the app ends; its exit status."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(0.2) is not None:
            if self.process.poll() is not None:
                self._drain()
                break
        return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))

    def restored(self) -> list[str]:
        """What the app, once ended, left wrong with the terminal (nothing, when all is well)."""
        wrong = []
        if termios.tcgetattr(self.master) != self.modes:
            wrong.append("its modes (echo, line editing...) are not those it had")
        output = bytes(self.output)
        if output.rfind(b"\x1b[?1049l") < output.rfind(b"\x1b[?1049h"):
            wrong.append("the alternate screen is still on")
        if output.rfind(b"\x1b[?25h") < output.rfind(b"\x1b[?25l"):
            wrong.append("the cursor is still hidden")
        if output.rfind(b"\x1b[?1000l") < output.rfind(b"\x1b[?1000h"):
            wrong.append("mouse reporting is still on")
        return wrong

    def after_the_tui(self) -> str:
        """What was printed once the TUI gave the terminal back (the alternate screen left)."""
        after = bytes(self.output).rsplit(b"\x1b[?1049l", 1)[-1]
        return _ESCAPES.sub(b"", after).decode("utf-8", "replace").replace("\r", "")

    def close(self) -> None:
        """End the app if it still runs, and close the terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.master)


# Random keys at a terminal: bursts of bytes, resizes down to 20x8 (issue 12) -----------------

#: The bytes of random keys, by weight: what a terminal sends for them (legacy xterm
#: encodings, arrows in both cursor modes, function keys, a modified arrow or two). Left
#: out: `q`, ctrl+q and ctrl+c, which quit (a quit through the palette or a dialog is
#: counted, and the app started again).
RANDOM_KEYS: list[tuple[int, list[bytes]]] = [
    (18, [b"1", b"2", b"3", b"4"]),
    (3, [b"5", b"6", b"\t", b"\x1b[Z", b"?", b":"]),
    (36, [b"\x1b[A", b"\x1b[B", b"\x1bOA", b"\x1bOB", b"j", b"k", b"g", b"G", b"\x1b[H",
          b"\x1b[F", b"\x1b[5~", b"\x1b[6~"]),
    (6, [b"\x1b[D", b"\x1b[C", b"\x1b[1;5C", b"\x1b[1;2A", b"\x1b[5;5~"]),
    (24, [b"\r", KEYS["escape"], b"\x7f"]),
    (6, [b"/"]),
    (12, [b"o", b"O", b" ", b"a", b"A"]),
    (1, [b"r", b"R"]),
    (15, [b"c", b"y", b"s", b"p", b"\x04", b"\x1b[3~", b"\x13"]),
    (4, [b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS", b"\x1b[15~", b"\x1b[17~", b"\x1b[18~",
         b"\x1b[19~", b"\x1b[20~", b"\x1b[21~", b"\x1b[23~", b"\x1b[24~", b"\x1b[2~"]),
    (1, [KEYS["ctrl+p"]]),
    (2, [b"\x1bj", b"\x1bk", b"\x1bx", b"\x1b1"]),  # alt+key: esc and the key in one write
    (36, [bytes([c]) for c in b"abcdefghijklmnoprstuvwxyz0123456789-., "]),
]  # fmt: skip
_TEXT = "abcdefghijklmnoprstuvwxyz0123456789-., "
#: Keys that open each dialog (a pane, then the action on its row), in one write.
OPENINGS = (
    (b"1", b"c"),
    (b"2", b"c"),
    (b"3", b"c"),
    (b"3", b"y"),
    (b"4", b"s"),
    (b"4", b"y"),
    (b"3", b"\x04"),
    (b":",),
    (b"?",),
)
#: The first words of the help (`?`), on one line at every width down to 20 columns.
HELP = "Also: ctrl+p"
#: Runs `amiexplorer ARGS`, writing the name of every modal screen it opens to a file, so
#: the figures can say which dialogs the keys reached, and its threads' stacks on SIGUSR1.
WITH_SCREEN_LOG = """
import faulthandler, os, signal, sys
from textual.screen import ModalScreen
from amiexplorer.ui.app import AmiExplorerApp

push = AmiExplorerApp.push_screen

def push_screen(self, screen, *args, **kwargs):
    if isinstance(screen, ModalScreen):
        with open(os.environ["AMIEXPLORER_SCREEN_LOG"], "a") as log:
            log.write(type(screen).__name__ + "\\n")
    return push(self, screen, *args, **kwargs)

AmiExplorerApp.push_screen = push_screen
# SIGUSR1 writes where every thread is: what a hang is waiting for.
stacks = open(os.environ["AMIEXPLORER_STACKS"], "w")
faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
sys.argv = ["amiexplorer", *sys.argv[1:]]
from amiexplorer.__main__ import main
raise SystemExit(main())
"""
SMALLEST, LARGEST = (20, 8), (160, 50)


@dataclass
class TerminalRun:
    """What a random run at a terminal did; `problems` says what went wrong (none: all well)."""

    keys: int = 0
    writes: int = 0
    bursts: int = 0  # writes of several keys
    resizes: int = 0
    resizes_to_20x8: int = 0
    dialogs: Counter[str] = field(default_factory=Counter)
    app_runs: int = 0
    quits: int = 0  # a quit the keys chose (the palette's Quit, say): the app starts again
    crashes: int = 0
    hangs: int = 0
    problems: list[str] = field(default_factory=list)
    #: What the last round's word was typed over (its screen, as text), to look at.
    last_screen: str = ""
    started: float = field(default_factory=time.monotonic)

    def figures(self) -> dict[str, float]:
        """The figures, as `record_random_run` takes them."""
        return {
            "keys": self.keys, "writes": self.writes, "bursts": self.bursts,
            "resizes": self.resizes, "resizes_to_20x8": self.resizes_to_20x8,
            "dialogs_opened": sum(self.dialogs.values()), "screens_reached": len(self.dialogs),
            "app_runs": self.app_runs, "quits": self.quits, "crashes": self.crashes,
            "hangs": self.hangs, "seconds": round(time.monotonic() - self.started, 1),
        }  # fmt: skip


def random_size(rng: random.Random) -> tuple[int, int]:
    """A window size from 20x8 to 160x50, 20x8 itself one time in four."""
    if rng.random() < 0.25:
        return SMALLEST
    return rng.randint(SMALLEST[0], LARGEST[0]), rng.randint(SMALLEST[1], LARGEST[1])


def random_key(rng: random.Random, palette: bool = True) -> bytes:
    """One key's bytes, or now and then a paste (bracketed, as terminals send one).

    Without `palette`, ctrl+p and `?` are never among them (see `run_random_keys`).
    """
    if rng.randrange(200) == 0:
        text = "".join(rng.choices(_TEXT, k=rng.randint(1, 30)))
        return b"\x1b[200~" + text.encode() + b"\x1b[201~"
    families = [keys for _weight, keys in RANDOM_KEYS]
    key = rng.choice(rng.choices(families, [weight for weight, _keys in RANDOM_KEYS])[0])
    return key if palette or key not in (KEYS["ctrl+p"], b"?") else b"\x1b[B"


def run_random_keys(
    tmp_path: Path,
    seed: int,
    total: int,
    *,
    wait: float = 60,
    size: tuple[int, int] = (100, 30),
    keep_going: bool = False,
    palette: bool = True,
) -> TerminalRun:
    """Write `total` random keys to `amiexplorer --demo`, one or several per write, resizing
    the window now and then; stop at the first crash or hang (see `TerminalRun.problems`),
    or with `keep_going` start the app again and go on (to count them).

    After every round of writes the palette is opened and a word the random keys cannot
    type is typed into it: once it is drawn, every key before it was handled. Without
    `palette`, the random keys never type ctrl+p or `?`, and a round ends with `?`
    instead: the help, drawn, says the same (the palette, whose crashes the random keys
    find, is then never opened). A round's keys go out without waiting; only the answer
    is waited for (`wait` seconds at most).
    """
    rng = random.Random(seed)
    run = TerminalRun()
    start_size = size
    session = _start(tmp_path, run, start_size)
    try:
        rounds = 0
        while run.keys < total and (keep_going or not run.problems):
            rounds += 1
            _write_round(session, rng, run, palette)
            problems = len(run.problems)
            if palette:
                outcome = _answer(session, ("ctrl+p", f"XZ{rounds:05d}W"), f"XZ{rounds:05d}W", wait)
            else:
                outcome = _answer(session, ("?",), HELP, wait)
            if outcome == "timeout":
                run.hangs += 1
                run.problems.append(
                    f"round {rounds} (seed {seed}): no answer in {wait} s\n"
                    f"{session.text()[-3000:]}\n{_stacks(session)}"
                )
            elif outcome == "ended":
                # A quit the keys chose (the palette's Quit, say), or a crash.
                _check(session, run, f"round {rounds}", status=_exit_status(session, run))
                run.quits += len(run.problems) == problems
            else:
                _check(session, run, f"round {rounds}")
                run.last_screen = session.text()[-4000:] if run.keys >= total else ""
                session.send("escape")
            if outcome == "ended" or len(run.problems) > problems:
                if not keep_going and len(run.problems) > problems:
                    break
                session.close()
                _count_dialogs(session, run)
                session = _start(tmp_path, run, start_size)
        if not run.problems or keep_going:
            session.send("escape", "\x11")  # ctrl+q: Textual's quit, which never asks
            _check(session, run, "the end", status=_exit_status(session, run))
    finally:
        session.close()
        _count_dialogs(session, run)
    return run


def _write_round(
    session: TerminalSession, rng: random.Random, run: TerminalRun, palette: bool
) -> None:
    """A round of writes: keys one or several at a time, a resize before some of them."""
    writes = rng.randint(4, 12)
    # A dialog for sure in every other round (random keys alone seldom open one), not
    # first: keys right behind the esc that closed the palette may go with it.
    opening = rng.randint(1, writes * 2)
    for write in range(writes):
        if rng.randrange(8) == 0:
            size = random_size(rng)
            session.resize(*size)
            run.resizes += 1
            run.resizes_to_20x8 += size == SMALLEST
        count = 1 if rng.random() < 0.4 else rng.randint(2, 12)
        keys = [random_key(rng, palette) for _ in range(count)]
        if write == opening:
            keys[:1] = [KEYS["escape"], *rng.choice(OPENINGS if palette else OPENINGS[:-1])]
        os.write(session.master, b"".join(keys))
        run.keys += len(keys)
        run.writes += 1
        run.bursts += len(keys) > 1
        session.pump()


def _answer(session: TerminalSession, keys: tuple[str, ...], word: str, wait: float) -> str:
    """Type `keys` (ctrl+p and a word; or `?`); "shown" once `word` is drawn (`poll_for`).

    A key acts on the screen it was typed on, or on none (issue 12, item 5): ctrl+p and
    the word, typed while the round's last keys close a dialog, go with that dialog. So
    the word is typed again after every `RETYPE` seconds without it, each time after an
    esc written on its own (a dialog left open may hold on to keys), for `wait` seconds
    in all. (A key takes milliseconds; only a lost word, never a slow one, waits that
    long: typed twice, it still shows.)
    """
    deadline = time.monotonic() + wait
    attempts = 0
    while True:
        if attempts >= 1:
            session.send("escape")
            outcome = session.poll_for(word, min(RETYPE, max(0.0, deadline - time.monotonic())))
            if outcome != "timeout":
                return outcome
        session.send(*keys)
        attempts += 1
        outcome = session.poll_for(word, min(RETYPE, max(0.0, deadline - time.monotonic())))
        if outcome != "timeout" or time.monotonic() >= deadline:
            return outcome


#: Seconds without the word before it is typed again (see `_answer`).
RETYPE = 0.5


def _start(tmp_path: Path, run: TerminalRun, size: tuple[int, int]) -> TerminalSession:
    directory = tmp_path / f"run-{run.app_runs}"
    directory.mkdir(parents=True)
    session = TerminalSession(
        directory,
        ["--demo"],
        size=size,
        code=WITH_SCREEN_LOG,
        extra_env={
            "AMIEXPLORER_SCREEN_LOG": str(directory / "screens.log"),
            "AMIEXPLORER_STACKS": str(directory / "stacks.txt"),
        },
    )
    run.app_runs += 1
    session.wait_for("Loaded 4 region(s)")
    return session


def _check(
    session: TerminalSession, run: TerminalRun, when: str, status: int | None = None
) -> None:
    """A traceback on screen, a crash report, an exit status but 0, a terminal left wrong."""
    problems = []
    # Only what was drawn since the last check (the output of a long run is megabytes).
    if b"Traceback" in session.output[max(0, session.checked - 16) :]:
        problems.append("a traceback was drawn")
    session.checked = len(session.output)
    reports = sorted(session.state_dir.glob("amiexplorer/crash-*.txt"))
    if reports:
        problems.append(f"a crash report: {reports[0].read_text()[-4000:]}")
    if status is not None:
        if status != 0:
            problems.append(f"exit status {status}")
        problems += session.restored()
    if problems:
        run.crashes += 1
        run.problems.append(f"{when}: {'; '.join(problems)}\n{session.text()[-3000:]}")


def _exit_status(session: TerminalSession, run: TerminalRun) -> int | None:
    """The app's exit status once it ends; None (a hang, with its stacks) if it never does."""
    try:
        return session.wait_for_exit()
    except subprocess.TimeoutExpired:
        run.hangs += 1
        run.problems.append(f"the app never ended after quitting\n{_stacks(session)}")
        return None


def _stacks(session: TerminalSession) -> str:
    """Where every thread of the app is, written by faulthandler on SIGUSR1 (for a hang)."""
    stacks = session.state_dir.parent / "stacks.txt"
    if session.process.poll() is not None:
        return f"(the app ended meanwhile, status {session.process.poll()})"
    os.kill(session.process.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not stacks.stat().st_size:
        session._read(0.1)  # the dump is written at once, in the signal handler
    return stacks.read_text() or "(no stacks written)"


def _count_dialogs(session: TerminalSession, run: TerminalRun) -> None:
    log = session.state_dir.parent / "screens.log"
    if log.exists():
        names = log.read_text().split()
        run.dialogs.update(name for name in names if name != "CommandPalette")
        log.unlink()
