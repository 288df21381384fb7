"""The demo world in a child process of the command line: ``python -m amiexplorer.demo.child``.

It starts moto's server on a free loopback port, seeds the demo account, turns pending states
on, and says so on stdout in one line, the only line it ever writes there:

    ready http://127.0.0.1:PORT        or        error <what went wrong>

Then it serves until its stdin reaches end-of-file. The parent holds the only other end of that
pipe: it closes it on a normal exit, and the kernel closes it when the parent dies in any way
(crash, ``kill -9``), so the child never outlives the app. Its stderr is /dev/null and ctrl+c
is the parent's to handle, so it never writes on (or reacts to) the terminal the TUI owns.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import BinaryIO, TextIO

from amiexplorer.startup import startup_allocations

READY = "ready"
ERROR = "error"


def _exit_at_end_of_input(stdin: BinaryIO) -> None:
    """Block until the parent closes our stdin (or dies), then end the process at once.

    ``os._exit`` skips interpreter shutdown: there is nothing to save, and a daemon server
    thread in the middle of a request must not hold the exit up.
    """
    try:
        while stdin.read(4096):
            pass
    finally:
        os._exit(0)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on a single line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _say(out: TextIO, word: str, text: str) -> None:
    out.write(f"{word} {one_line(text)}\n")
    out.flush()


def main() -> int:
    """Start the world, report on stdout, serve until stdin closes."""
    # A ctrl+c typed before the TUI takes the terminal reaches the whole process group; the
    # parent decides what it means and closes our stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout
    watcher = threading.Thread(
        target=_exit_at_end_of_input,
        args=(sys.stdin.buffer,),
        name="amiexplorer-demo-parent-watch",
        daemon=True,
    )
    watcher.start()
    try:
        with startup_allocations():
            from amiexplorer.demo import start_demo

            server, _planted = start_demo()
        endpoint = server.endpoint_url
    except BaseException as exc:  # whatever it is, the parent turns it into one line
        _say(out, ERROR, f"{type(exc).__name__}: {exc}")
        return 1
    _say(out, READY, endpoint)
    watcher.join()  # never returns: the watcher ends the process
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
