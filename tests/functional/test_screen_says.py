"""Issue 12, "what the screen says is what happens", through the real app on the demo world.

Item 1: the Unused images cleanup leaves work in flight alone and names public images; item 2:
both findings of a public unused image are accounted for; item 9: the Audit pane follows
changes made elsewhere; item 10: an image a running instance uses is refused; item 12: an
action log that cannot be written says why; item 13: copies may go to every enabled region.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot

from amiexplorer.config import Settings
from amiexplorer.core.audit.report import FindingCode
from amiexplorer.core.inventory import RegionState
from amiexplorer.core.tuning import Thresholds
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.copy import CopyDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.rows.audit import FindingRow, GroupRow
from tests.functional.conftest import (
    AppFactory,
    explorer,
    open_audit,
    screen_text,
    settle,
    until,
    until_screen,
)
from tests.functional.test_actions import READ_ONLY_ACTIONS, ec2, goto


def _public_unused(world: Planted) -> str:
    """The demo's public image that nothing uses: two findings, unused-image and public-image.

    Read from the world, never written down: ids differ from one seeding to the next.
    """
    (image_id,) = world.public_images & world.unused_images
    return image_id


def _findings(pilot: Pilot[Any], code: FindingCode) -> set[str]:
    rows = explorer(pilot).audit.model.rows
    return {
        r.finding.resource_id for r in rows if isinstance(r, FindingRow) and r.finding.code is code
    }


def _headings(pilot: Pilot[Any]) -> list[str]:
    return [r.title for r in explorer(pilot).audit.model.rows if isinstance(r, GroupRow)]


async def _to_heading(pilot: Pilot[Any], code: FindingCode) -> None:
    rows = list(explorer(pilot).audit.model.rows)
    index = next(i for i, r in enumerate(rows) if isinstance(r, GroupRow) and r.code is code)
    await pilot.press("g", *(["j"] * index))


def _planned(pilot: Pilot[Any]) -> set[str]:
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    return {i for step in dialog.plan.steps for i in step.resource_ids}


async def test_the_unused_images_cleanup_leaves_work_in_flight_alone(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    public_unused = _public_unused(world)
    pending = set(world.pending_images) | set(world.pending_snapshots)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_audit(pilot)
        # The 18-hour cross-region copy is no leftover, and the status line says why.
        unused = _findings(pilot, FindingCode.UNUSED_IMAGE)
        # (A protected image is kept on purpose: no leftover either.)
        assert unused == world.unused_images - world.pending_images - world.protected_images
        report = explorer(pilot).audit.report
        assert report is not None
        assert any("still pending or being created" in note for note in report.notes)
        await _to_heading(pilot, FindingCode.UNUSED_IMAGE)
        await pilot.press("space", "ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        planned = _planned(pilot)
        assert unused <= planned and not planned & pending
        # The public image is marked as such in the confirmation.
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        (notice,) = [w for w in dialog.plan.warnings if w.message.startswith("public:")]
        assert notice.resource_ids == (public_unused,)
        text = " ".join(screen_text(pilot).split())
        assert f"public: every AWS account may launch {public_unused}" in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
    changing = [r for r in demo_server.requests if not r.action.startswith(READ_ONLY_ACTIONS)]
    assert changing and all(r.dry_run for r in changing), "only the preflight, then cancelled"


async def test_both_findings_of_a_public_unused_image_are_accounted_for(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    public_unused = _public_unused(world)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        await pilot.press("slash", *public_unused, "enter", "a", "ctrl+d")
        # The deregistration comes first and says why it needs no making private...
        await until_screen(pilot, ConfirmDialog)
        assert app.screen.plan.title == "deregister 1 image(s)"  # type: ignore[attr-defined]
        # (Its snapshots' region has a Recycle Bin rule: the other notice says so.)
        warnings = app.screen.plan.warnings  # type: ignore[attr-defined]
        (notice,) = [w for w in warnings if "Recycle Bin" not in w.message]
        assert notice.message.endswith(
            "deregistering it ends that too, so it need not be made private"
        )
        assert "deregistering it ends that too" in screen_text(pilot)
        # ...and when it does not happen, making it private follows: both remedies offered.
        await pilot.press("escape")
        await until(pilot, lambda: getattr(app.screen, "plan", None) is not None
                    and app.screen.plan.title == "make 1 resource(s) private")  # type: ignore[attr-defined]  # fmt: skip
        assert _planned(pilot) == {public_unused}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        # Deregistered: its public launch permission ended with it, nothing left to do.
        await pilot.press("a", "ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        count = app.screen.plan.needs.count  # type: ignore[attr-defined]
        await pilot.press(*str(count), "ctrl+s")
        await until_screen(pilot, ResultsDialog)
        assert isinstance(app.screen, ResultsDialog)
        assert public_unused in {i for r in app.screen.report.done for i in r.resource_ids}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert app.screen is screen, "no make-private of an image that is gone"
        assert any(
            "Not made private" in n.message and public_unused in n.message
            for n in app._notifications
        )
        assert not _findings(pilot, FindingCode.PUBLIC_IMAGE) & {public_unused}
    sent = [
        r.action for r in demo_server.requests if r.action.startswith("Modify") and not r.dry_run
    ]
    assert sent == []
    assert not ec2(demo_server, "us-east-1").describe_images(
        Filters=[{"Name": "image-id", "Values": [public_unused]}]
    )["Images"]


async def test_the_audit_pane_follows_changes_made_elsewhere(
    make_app: AppFactory, world: Planted
) -> None:
    (public,) = sorted(world.public_snapshots)
    volume_id = sorted(world.unattached_volumes)[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        assert _findings(pilot, FindingCode.PUBLIC_SNAPSHOT) == {public}
        assert "▾ Public snapshots (1)" in _headings(pilot)
        assert volume_id in _findings(pilot, FindingCode.UNATTACHED_VOLUME)
        # Pane 3: the public snapshot made private; pane 2: the volume deleted.
        await goto(pilot, "3", public)
        await pilot.press("p")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await goto(pilot, "2", volume_id)
        await pilot.press("ctrl+d")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # Back in the Audit pane, no `r` needed.
        await pilot.press("6")
        await settle(pilot)
        assert not _findings(pilot, FindingCode.PUBLIC_SNAPSHOT)
        assert not any(h.startswith("▾ Public snapshots") for h in _headings(pilot))
        assert volume_id not in _findings(pilot, FindingCode.UNATTACHED_VOLUME)
        # While it shows, it follows the inventory too (the watcher, a details read...).
        inventory = app.account.inventory
        private = next(
            s
            for s in sorted(inventory.snapshots.values(), key=lambda s: s.id)
            if s.owner_id == inventory.account_id and s.is_public is False and not s.encrypted
        )
        inventory.put(replace(private, is_public=True))
        screen.inventory_edited()
        await until(pilot, lambda: _findings(pilot, FindingCode.PUBLIC_SNAPSHOT) == {private.id})


async def test_an_image_a_running_instance_uses_is_refused_in_the_app(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    image_id = next(
        i
        for i, instances in sorted(world.image_instances.items())
        if i in world.images.get(world.region_of.get(i, ""), ())
        and instances & world.running_instances
    )
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "4", image_id)
        await pilot.press("ctrl+d")
        await until_screen(pilot, ResultsDialog)
        text = " ".join(screen_text(pilot).split())
        assert "refused" in text and f"image {image_id} is in use by instance" in text
    assert not [r for r in demo_server.requests if r.action == "DeregisterImage"]


async def test_an_action_log_that_cannot_be_written_says_why_and_what_to_do(
    make_app: AppFactory,
    world: Planted,
    demo_server: DemoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/dev/null/x")
    volume_id = sorted(world.unattached_volumes)[0]
    app = await make_app()
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        await goto(pilot, "2", volume_id)
        await pilot.press("ctrl+d")
        await settle(pilot)
        await until(pilot, lambda: "cannot be written" in screen_text(pilot))
        text = screen_text(pilot)
        assert "the action log /dev/null/x/amiexplorer/actions.jsonl cannot be written" in text
        assert "checking permissions (DryRun)" not in text
        assert app.screen is screen
    assert not [r for r in demo_server.requests if not r.action.startswith(READ_ONLY_ACTIONS)]


async def test_copies_offer_every_region_enabled_for_the_account(
    make_app: AppFactory, world: Planted
) -> None:
    source = sorted(s for s in world.snapshots["eu-west-1"] if s not in world.pending_snapshots)[0]
    app = await make_app(Settings(thresholds=Thresholds()), regions=("eu-west-1",))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        account = app.account
        explorer_screen = explorer(pilot)
        assert account.region_names == ["eu-west-1"]
        assert account.enabled_regions_known
        assert {"eu-central-1", "us-east-1"} <= set(account.enabled_region_names)
        await goto(pilot, "3", source)
        await pilot.press("y")
        await until_screen(pilot, CopyDialog)
        dialog = app.screen
        assert isinstance(dialog, CopyDialog)
        assert "eu-central-1" in dialog.context.runner.regions
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is explorer_screen)
        # `:region NAME` of an enabled region that was not loaded loads it and shows it.
        await pilot.press("colon", *"region eu-central-1", "enter")
        await settle(pilot)
        assert account.region_names == ["eu-west-1", "eu-central-1"]
        assert account.inventory.regions["eu-central-1"].state is RegionState.LOADED
        assert explorer_screen.scope == "eu-central-1"
        await pilot.press("colon", *"region mars-1", "enter")
        await pilot.pause()
        assert "not enabled for the account" in screen_text(pilot)
