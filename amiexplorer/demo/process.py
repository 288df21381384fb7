"""``DemoProcess``: the demo world in a child process, as the command line runs it.

In one process, moto's server, the seeding, the app's imports and the app's own work all share
one GIL; in a child the world starts and answers on the other core. The command line starts the
child first thing (``start_early``, from ``__main__``), before it imports botocore and Textual,
and waits for the child's endpoint only when it needs it (``wait_ready``).

This module imports nothing heavy: it is loaded before everything else. The tests use
``DemoServer`` in-process instead, because they reset, reseed and inject faults.
"""

from __future__ import annotations

import atexit
import contextlib
import subprocess
import sys
import threading
from collections.abc import Sequence

from amiexplorer.demo.child import ERROR, READY, one_line

#: Generous: the world is ready in about a second, but a loaded 2-core machine can be slow.
READY_TIMEOUT = 60.0

_early: DemoProcess | None = None


class DemoStartError(Exception):
    """The demo world did not start; the message is one line for the person at the terminal."""


class DemoProcess:
    """A running ``python -m amiexplorer.demo.child`` and the pipes to it."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        """Wrap a started child; use ``DemoProcess.start()``."""
        self._popen = popen
        self._endpoint_url: str | None = None

    @classmethod
    def start(cls) -> DemoProcess:
        """Spawn the child and return at once; it works while the caller goes on."""
        popen = subprocess.Popen(
            [sys.executable, "-m", "amiexplorer.demo.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Never the terminal: the TUI owns it. Failures come back on stdout.
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        process = cls(popen)
        atexit.register(process.stop)
        return process

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._popen.pid

    @property
    def endpoint_url(self) -> str:
        """The URL of the child's server (waits until it is ready)."""
        return self.wait_ready()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> str:
        """Block until the child reports; return its endpoint URL or raise ``DemoStartError``."""
        if self._endpoint_url is not None:
            return self._endpoint_url
        line = self._read_line(timeout)
        word, _, rest = line.partition(" ")
        if word == READY and rest.startswith("http://"):
            self._endpoint_url = rest
            return rest
        self.stop()
        if word == ERROR and rest:
            raise DemoStartError(rest)
        if not line:
            raise DemoStartError(f"it stopped before it was ready ({self._exit_description()})")
        raise DemoStartError(f"it answered {one_line(line, 80)!r} instead of its address")

    def _read_line(self, timeout: float) -> str:
        """The child's one line, without its newline; "" when it closed stdout without one.

        A thread reads it so that the wait has a deadline everywhere (Windows cannot select()
        on a pipe); when the child is stopped, its stdout closes and the thread ends.
        """
        stdout = self._popen.stdout
        assert stdout is not None
        lines: list[bytes] = []

        def read() -> None:
            try:
                lines.append(stdout.readline())
            except (OSError, ValueError):  # closed under us by stop()
                lines.append(b"")

        reader = threading.Thread(target=read, name="amiexplorer-demo-ready", daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            self.stop()
            raise DemoStartError(f"it was not ready after {timeout:g} seconds")
        return lines[0].decode("utf-8", "replace").strip()

    def _exit_description(self) -> str:
        try:
            status = self._popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it did not say why"
        if status < 0:
            return f"killed by signal {-status}"
        return f"exit status {status}"

    def stop(self) -> None:
        """End the child (it exits as soon as its stdin closes) and reap it. Idempotent."""
        popen = self._popen
        if popen.stdin is not None and not popen.stdin.closed:
            with contextlib.suppress(OSError):  # the child is already gone
                popen.stdin.close()
        try:
            popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
        if popen.stdout is not None and not popen.stdout.closed:
            popen.stdout.close()


def start_early(argv: Sequence[str]) -> None:
    """Start the demo world now if the command line asks for it (``--demo``).

    Only a head start: ``claim()`` starts one anyway when this guessed wrong (an abbreviated
    ``--dem``), and an unused child ends with this process, when its stdin closes.
    """
    global _early
    if _early is None and "--demo" in argv:
        _early = DemoProcess.start()


def claim() -> DemoProcess:
    """The demo world started early, else a new one."""
    global _early
    process, _early = _early, None
    return process if process is not None else DemoProcess.start()
