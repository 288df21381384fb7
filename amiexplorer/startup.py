"""Start-up helpers that cost nothing to import (the command line loads this first)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The exit status of every bad start (no credentials, unknown profile or region, ...).
EXIT_BAD_START = 2


class StartupError(Exception):
    """A reason not to start, phrased for the person at the terminal (one line)."""


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
