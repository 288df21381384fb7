"""Start-up helpers that cost nothing to import (the command line loads this first)."""

from __future__ import annotations

import gc
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: The exit status of every bad start (no credentials, unknown profile or region, ...).
EXIT_BAD_START = 2


class StartupError(Exception):
    """A reason not to start, phrased for the person at the terminal (one line)."""


#: The libraries whose loggers get a sink of their own (see quiet_library_logs).
_LIBRARY_LOGGERS = ("botocore", "aiobotocore", "boto3")


def quiet_library_logs() -> None:
    """Give botocore's and aiobotocore's loggers a sink, so they never print on their own.

    With no handler anywhere, Python's last-resort handler prints every WARNING record on
    stderr, traceback included: aiobotocore logs one (twice) for an SSO session that is not
    logged in, before amiexplorer says it in one line. A NullHandler on the library's own
    logger is found first, so the last resort stays silent; records still propagate, so a
    program that configures logging sees exactly what it saw before. Idempotent.
    """
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the start-up checks wait for, in the words a person reads."""

    #: What the connecting screen shows: "Checking who you are with STS".
    label: str
    #: Who is expected to answer: "STS", "the credential_process of profile prod".
    waiting_for: str
    #: What it is needed for: "checking who you are".
    doing: str
    #: What to check when it does not answer: "check --endpoint-url and the network".
    hint: str


class StartupProgress:
    """What the start-up checks are waiting for, and since when; the connecting screen reads it.

    Steps may overlap (the identity and the regions are asked at once): the one shown, and
    named when the deadline passes, is the earliest still waited for.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._pending: dict[Step, float] = {}
        #: The start-up deadline in seconds, once the checks have started.
        self.deadline: float | None = None
        self._started: float | None = None

    def start(self, deadline: float) -> None:
        """The checks begin now and may take `deadline` seconds."""
        self.deadline = deadline
        self._started = self._clock()

    def begin(self, step: Step) -> None:
        """`step` is waited for from now on."""
        self._pending.setdefault(step, self._clock())

    def end(self, step: Step) -> None:
        """`step` is no longer waited for."""
        self._pending.pop(step, None)

    @contextmanager
    def waiting(self, step: Step) -> Iterator[None]:
        """Wait for `step` within the block.

        A block cancelled (by the deadline) leaves its step pending: it is what was waited
        for when time ran out, and the deadline's message names it.
        """
        self.begin(step)
        try:
            yield
        except Exception:
            self.end(step)
            raise
        else:
            self.end(step)

    @property
    def current(self) -> Step | None:
        """The earliest step still waited for, if any."""
        return next(iter(self._pending), None)

    def describe(self) -> str:
        """One line: "Checking who you are with STS… 7 s (gives up in 13 s)", or ""."""
        step = self.current
        if step is None:
            return ""
        now = self._clock()
        line = f"{step.label}… {int(now - self._pending[step])} s"
        if self.deadline is not None and self._started is not None:
            left = max(0, math.ceil(self.deadline - (now - self._started)))
            line += f" (gives up in {left} s)"
        return line


@contextmanager
def startup_allocations() -> Iterator[None]:
    """Run a phase that makes long-lived objects (modules, botocore's service models).

    Python's cycle collector would scan them again and again as they pile up (half a second
    of a demo start went there); instead it pauses, and the objects made are then frozen:
    moved where later collections never look, since they live as long as the process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
