"""Share confirmations and results name who gets access, and warn of the KMS key (item 3).

A mistyped account id must be caught on the confirmation: it lists every account,
organization and OU added or removed (this account's own alias where an id is this
account's), and, when what is shared is encrypted, whose key it is and what the other
account needs (a customer managed key must allow it; the AWS managed key never can).
"""

from __future__ import annotations

from textual.widgets import Input

from amiexplorer.core.models import Image
from amiexplorer.demo import DEMO_ACCOUNT_ALIAS, DEMO_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.dialogs.share import ShareDialog
from tests.dialogs.conftest import calls, goto, wait_for_screen
from tests.functional.conftest import AppFactory, screen_text, settle

MISTYPED = "111122223333"
ORGANIZATION = f"arn:aws:organizations::{DEMO_ACCOUNT_ID}:organization/o-a1b2c3d4e5"


def _plain_image(app: object, world: Planted) -> str:
    images = app.account.inventory.images  # type: ignore[attr-defined]
    return sorted(
        i.id
        for i in images.values()
        if i.owned
        and i.state == "available"
        and i.id not in world.public_images | set(world.shared_images)
        and not any(m.encrypted for m in i.block_device_mappings)
    )[0]


async def test_the_share_confirmation_and_results_name_every_account_and_organization(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        image_id = _plain_image(app, world)
        await goto(pilot, "4", image_id)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#add_accounts", Input).value = MISTYPED
        dialog.query_one("#add_organizations", Input).value = ORGANIZATION
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = " ".join(screen_text(pilot).split())
        assert f"share 1 image(s) with {MISTYPED}, o-a1b2c3d4e5" in text, "the title names who"
        assert f"Gets access account {MISTYPED}" in text
        # The organization's management account is this one: its alias says so.
        assert f"organization o-a1b2c3d4e5 of account {DEMO_ACCOUNT_ID}" in text
        assert f"({DEMO_ACCOUNT_ALIAS}, this account)" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        text = screen_text(pilot)
        assert "1 done" in text and f"account {MISTYPED}" in text, "the results name who too"
    (sent,) = [r for r in calls(demo_server, "ModifyImageAttribute") if not r.dry_run]
    assert sent.params["LaunchPermission.Add.1.UserId"] == MISTYPED
    assert sent.params["LaunchPermission.Add.2.OrganizationArn"] == ORGANIZATION


async def test_sharing_what_a_customer_managed_key_encrypts_says_the_key_must_allow_them(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    snapshot_id = sorted(world.encrypted_snapshots - set(world.shared_snapshots))[0]
    region = world.region_of[snapshot_id]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        snapshot = app.account.inventory.snapshots[snapshot_id]
        assert snapshot.kms_key_id == world.kms_keys[region]
        await goto(pilot, "3", snapshot_id)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        app.screen.query_one("#add_accounts", Input).value = MISTYPED
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = " ".join(screen_text(pilot).split())
        assert f"{snapshot_id} is encrypted with the customer managed key alias/acme-ebs" in text
        assert f"{MISTYPED} can use it only if that key allows them too" in text
        # An image made of encrypted snapshots: the same warning names the image.
        await pilot.press("escape")
        await wait_for_screen(pilot, ShareDialog)
        await pilot.press("escape")
        await settle(pilot)
        images = app.account.inventory.images.values()
        image = next(
            i
            for i in sorted(images, key=lambda i: i.id)
            if isinstance(i, Image)
            and i.owned
            and i.state == "available"
            and any(s in world.encrypted_snapshots for s in i.snapshot_ids)
        )
        await goto(pilot, "4", image.id)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        app.screen.query_one("#add_accounts", Input).value = MISTYPED
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = " ".join(screen_text(pilot).split())
        assert f"{image.id} is encrypted with the customer managed key alias/acme-ebs" in text
    # Who manages the key was asked of KMS (reads only), and nothing was shared.
    assert calls(demo_server, "DescribeKey") and calls(demo_server, "ListAliases")
    assert [r.dry_run for r in calls(demo_server, "ModifySnapshotAttribute")] == [True]
