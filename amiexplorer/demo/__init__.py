"""An embedded demo AWS world: moto on a local port, seeded with a realistic account.

    server, planted = start_demo()
    # point botocore at server.endpoint_url with DEMO_CREDENTIALS

Never imports Textual: the AWS layer and the tests use it too.
"""

from __future__ import annotations

import os

# Must precede every moto import: otherwise each region starts with ~1,300 public AMIs.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from amiexplorer.demo import fastboot

fastboot.install()  # before moto's modules list their regions

from datetime import datetime  # noqa: E402

from amiexplorer.demo.constants import (  # noqa: E402
    DEMO_ACCOUNT_ALIAS,
    DEMO_ACCOUNT_ID,
    DEMO_CREDENTIALS,
    DEMO_REGIONS,
    PARTNER_ACCOUNT_ID,
    STAGING_ACCOUNT_ID,
)
from amiexplorer.demo.middleware import RecordedRequest  # noqa: E402
from amiexplorer.demo.pending import (  # noqa: E402
    ManualClock,
    PendingSettings,
    disable_pending,
    enable_pending,
    freeze_clock,
    set_clock,
)
from amiexplorer.demo.planted import Planted  # noqa: E402
from amiexplorer.demo.server import DemoServer  # noqa: E402
from amiexplorer.demo.world import seed_world  # noqa: E402

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


def start_demo(now: datetime | None = None) -> tuple[DemoServer, Planted]:
    """Start a demo server on a free port, seed the world and turn pending states on.

    The caller owns the server: ``server.stop()`` when done.
    """
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
