"""An embedded demo AWS world: moto on a local port, seeded with a realistic account.

    server, planted = start_demo()
    # point botocore at server.endpoint_url with DEMO_CREDENTIALS

The command line runs the same world in a child process instead (``demo.process``), so that it
starts on the other core while the app imports its own modules.

Never imports Textual: the AWS layer and the tests use it too. Importing this package is cheap:
moto and botocore load when a name that needs them is first used (PEP 562), so the light parts
(``constants``, ``process``) cost the command line nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from amiexplorer.demo.constants import (
    DEMO_ACCOUNT_ALIAS,
    DEMO_ACCOUNT_ID,
    DEMO_CREDENTIALS,
    DEMO_REGIONS,
    PARTNER_ACCOUNT_ID,
    STAGING_ACCOUNT_ID,
)

if TYPE_CHECKING:
    from datetime import datetime

    from amiexplorer.demo.pending import (
        ManualClock,
        PendingSettings,
        disable_pending,
        enable_pending,
        freeze_clock,
        set_clock,
    )
    from amiexplorer.demo.planted import Planted
    from amiexplorer.demo.recorded import RecordedRequest
    from amiexplorer.demo.server import DemoServer
    from amiexplorer.demo.world import seed_world

__all__ = [
    "DEMO_ACCOUNT_ALIAS",
    "DEMO_ACCOUNT_ID",
    "DEMO_CREDENTIALS",
    "DEMO_REGIONS",
    "PARTNER_ACCOUNT_ID",
    "STAGING_ACCOUNT_ID",
    "DemoServer",
    "ManualClock",
    "PendingSettings",
    "Planted",
    "RecordedRequest",
    "disable_pending",
    "enable_pending",
    "freeze_clock",
    "seed_world",
    "set_clock",
    "start_demo",
]

#: Where each lazily imported name lives.
_LAZY = {
    "RecordedRequest": "recorded",
    "ManualClock": "pending",
    "PendingSettings": "pending",
    "disable_pending": "pending",
    "enable_pending": "pending",
    "freeze_clock": "pending",
    "set_clock": "pending",
    "Planted": "planted",
    "DemoServer": "server",
    "seed_world": "world",
}


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import the module that defines ``name`` on first use (PEP 562)."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    """The public names, imported or not yet."""
    return sorted(set(globals()) | set(__all__))


def start_demo(now: datetime | None = None) -> tuple[DemoServer, Planted]:
    """Start a demo server on a free port, seed the world and turn pending states on.

    The caller owns the server: ``server.stop()`` when done.
    """
    from amiexplorer.demo.pending import enable_pending
    from amiexplorer.demo.server import DemoServer
    from amiexplorer.demo.world import seed_world

    server = DemoServer()
    server.start()
    try:
        server.reset()
        planted = seed_world(now)
        enable_pending()
    except BaseException:
        server.stop()
        raise
    return server, planted
