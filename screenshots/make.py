"""Regenerate the SVG screenshots in this folder from the demo world.

    python -m screenshots.make

The world is seeded at a fixed instant and the app's clock is pinned to it, so the pictures
only change when the app does.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession, ConnectionSettings
from amiexplorer.aws.startup.connect import connect
from amiexplorer.demo import (
    DEMO_CREDENTIALS,
    DEMO_REGIONS,
    DemoServer,
    freeze_clock,
    seed_world,
)
from amiexplorer.ui.app import AmiExplorerApp
from screenshots.scenes import DIALOG_SCENES, SCENES, SIZES

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HERE = Path(__file__).parent


async def shoot(
    server: DemoServer, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> Path:
    """Seed, open the app, press `keys`, save the screen as an SVG."""
    server.reset()
    seed_world(now=NOW)
    freeze_clock()
    access_key, secret_key = DEMO_CREDENTIALS
    settings = ConnectionSettings(
        regions=DEMO_REGIONS,
        endpoint_url=server.endpoint_url,
        endpoint_label="demo world (moto, on this machine)",
        access_key_id=access_key,
        secret_access_key=secret_key,
    )
    app = AmiExplorerApp(Account(await connect(AwsSession(settings))), clock=lambda: NOW)
    path = HERE / f"{name}-{size[0]}x{size[1]}.svg"
    async with app.run_test(size=size) as pilot:
        await settled(app, pilot)
        if keys:
            await pilot.press(*keys)
            dialog = DIALOG_SCENES.get(name)
            while dialog is not None and type(app.screen).__name__ != dialog:
                await pilot.pause(0.05)
            await settled(app, pilot)
        path.write_text(app.export_screenshot(title=f"amiexplorer — {name}"))
    return path


async def settled(app: AmiExplorerApp, pilot: Any) -> None:
    """Wait for the load; the watcher follows pending work for ever (the clock is frozen), and
    an action's worker waits on its dialog."""
    workers = [w for w in app.workers if w.group not in ("watch", "action")]
    if workers:
        await app.workers.wait_for_complete(workers)
    await pilot.pause()


async def main() -> None:
    """Every scene at every size."""
    with DemoServer() as server:
        for name, keys in SCENES.items():
            for size in SIZES:
                print(await shoot(server, name, keys, size))


if __name__ == "__main__":
    asyncio.run(main())
