"""In the app: a failed region shows its error and the key that retries just that region."""

from __future__ import annotations

import pytest

from amiexplorer.core.inventory import RegionState
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.screens.help import HelpScreen
from amiexplorer.ui.widgets.regions_pane import RegionsPane
from tests.functional.conftest import explorer, screen_text, settle, until, visible_ids
from tests.reliability.conftest import LOADER_ACTIONS, proxied_app
from tests.reliability.proxy import FaultProxy

pytestmark = pytest.mark.usefixtures("no_sharing_pass")


async def test_a_failed_region_shows_its_error_and_R_retries_just_that_region(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    # Read-only: retrying a region changes nothing in AWS, so R works there too.
    app = await proxied_app(proxy, demo_server, read_only=True)
    proxy.error("AuthFailure", 401, service="ec2", region="eu-west-1")
    proxy.error("OptInRequired", 403, service="ec2", region="ap-southeast-2")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        regions = app.account.inventory.regions
        assert regions["eu-west-1"].state is RegionState.FAILED
        text = screen_text(pilot)
        # The pane says which region failed and why, and how to retry it.
        assert "✗ eu-west-1" in text and "✗ ap-southeast-2" in text
        assert "AWS rejected the" in text and "R retries this region" in text
        status = text.splitlines()[-2]
        assert "eu-west-1 and 1 more region(s) failed (R retries): AWS rejected" in status
        footer = text.splitlines()[-1]
        assert "R" in footer and "Retry region" in footer
        # The other regions work: their rows are on screen.
        shown = set(visible_ids(pilot))
        assert set(world.instances["us-east-1"]) <= shown
        assert not shown & set(world.instances["eu-west-1"])
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Reload only the failed region" in screen_text(pilot)
        await pilot.press("escape")

        # AWS accepts eu-west-1 again; R on it (highlighted in the regions pane) reloads it
        # alone: ap-southeast-2 keeps failing, us-east-1 is not asked again.
        proxy.clear_rules()
        proxy.error("OptInRequired", 403, service="ec2", region="ap-southeast-2")
        pane = screen.query_one(RegionsPane)
        pane.focus()
        await pilot.pause()
        pane.highlighted = ["all", *regions].index("eu-west-1")
        before = len(proxy.requests)
        await pilot.press("R")
        await settle(pilot)
        asked = {r.region for r in proxy.requests[before:] if r.action in LOADER_ACTIONS}
        assert asked == {"eu-west-1"}
        assert regions["eu-west-1"].state is RegionState.LOADED
        assert regions["ap-southeast-2"].state is RegionState.FAILED
        assert set(world.instances["eu-west-1"]) <= set(visible_ids(pilot))

        # With the table focused, R retries every region still failing; then R leaves the
        # footer, because nothing is left to retry.
        proxy.clear_rules()
        screen.table.focus()
        await pilot.press("R")
        await settle(pilot)
        assert all(s.state is RegionState.LOADED for s in regions.values())
        text = screen_text(pilot)
        assert "Retry region" not in text.splitlines()[-1] and "✗" not in text
    assert proxy.mutating() == []
