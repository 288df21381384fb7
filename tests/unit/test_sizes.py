"""One size format everywhere: the TUI's audit summary said `14,380 GiB` where the CLI said
`14.0 TiB` (issue 12, item 21)."""

from __future__ import annotations

import asyncio

import pytest

from amiexplorer.cli import audit_output
from amiexplorer.cli.main import main
from amiexplorer.core.plans.plan import Estimate
from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer
from amiexplorer.sizes import format_gib
from amiexplorer.ui.rows import formatting
from tests.functional.conftest import AppFactory, make_app, screen_text, settle

__all__ = ["make_app"]  # the fixture, for the TUI test below


@pytest.mark.parametrize(
    ("gib", "shown"),
    [
        (0, "0 GiB"),
        (8, "8 GiB"),
        (1023, "1,023 GiB"),
        (1024, "1.0 TiB"),
        (1536, "1.5 TiB"),
        (14380, "14.0 TiB"),
        # Rounded before the unit is chosen: never "1024.0 TiB".
        (1024 * 1024 - 1, "1.0 PiB"),
        (3 * 1024 * 1024, "3.0 PiB"),
    ],
)
def test_format_gib(gib: int, shown: str) -> None:
    assert format_gib(gib) == shown


@pytest.mark.parametrize("gib", [8, 500, 1023, 1024, 14380, 2**21])
def test_every_size_the_app_writes_is_in_the_one_format(gib: int) -> None:
    # The TUI's columns, details and confirmations; the CLI's table; the plans' estimates.
    assert formatting.size_gib(gib) == format_gib(gib)
    assert audit_output._size(gib) == format_gib(gib)
    assert f", {format_gib(gib)}, " in Estimate(resources=2, gib=gib, monthly_usd=1.0).describe()


async def test_the_tui_summary_and_the_cli_table_write_sizes_alike(
    make_app: AppFactory,
    demo_server: DemoServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = await make_app()
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        report = app.explorer.audit.report if app.explorer is not None else None
        assert report is not None
        tui_total = report.totals.size_gib
        assert tui_total >= 1024  # the demo's findings are several TiB: the case that differed
        shown = screen_text(pilot)
    assert f"finding(s), {format_gib(tui_total)}, " in shown
    assert f"{tui_total:,} GiB" not in shown

    access_key, secret_key = DEMO_CREDENTIALS
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    # On a thread: the CLI runs its own event loop, and this test is inside one.
    await asyncio.to_thread(main, ["audit", "--endpoint-url", demo_server.endpoint_url])
    table = capsys.readouterr().out
    total_line = next(line for line in table.splitlines() if line.startswith("Total: "))
    # The CLI reads the same world: its total is in the same words.
    assert total_line.startswith(f"Total: {report.totals.count} findings, ")
    assert f", {format_gib(tui_total)}, " in total_line
