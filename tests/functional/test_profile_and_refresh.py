"""`:profile NAME` switches accounts cleanly; the automatic refresh picks up new resources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.iam.models import iam_backends

from amiexplorer.config import Settings
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import DEMO_ACCOUNT_ID, STAGING_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.widgets.account_header import AccountHeader
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, visible_ids


@pytest.fixture
def staging_profile(world: Planted, demo_server: DemoServer) -> Iterator[str]:
    """A profile `staging` whose keys belong to another account that owns one volume."""
    iam = iam_backends[STAGING_ACCOUNT_ID]["aws"]
    iam.create_user("us-east-1", "deployer")
    key = iam.create_access_key("deployer")
    credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text(
        f"[staging]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n"
    )
    ec2 = boto3.client(
        "ec2",
        region_name="eu-west-1",
        endpoint_url=demo_server.endpoint_url,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
    )
    volume = ec2.create_volume(Size=42, AvailabilityZone="eu-west-1a")["VolumeId"]
    yield volume
    credentials.unlink()


async def test_profile_switch_shows_only_the_new_accounts_rows(
    make_app: AppFactory, staging_profile: str, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        assert len(visible_ids(pilot)) > 1
        await pilot.press("colon", *"profile staging", "enter")
        await settle(pilot)
        header = app.screen.query_one(AccountHeader).render().plain
        assert STAGING_ACCOUNT_ID in header and DEMO_ACCOUNT_ID not in header
        assert "profile staging" in header
        assert app.account.identity.account_id == STAGING_ACCOUNT_ID
        # Nothing of the first account remains anywhere: only the staging volume.
        await pilot.press("2")
        await pilot.pause()
        assert visible_ids(pilot) == [staging_profile]
        inventory = app.account.inventory
        assert not set(inventory.volumes) & {v for ids in world.volumes.values() for v in ids}
        assert not inventory.snapshots and not inventory.instances


async def test_switching_to_an_unknown_profile_keeps_the_current_account(
    make_app: AppFactory, world: Planted
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = set(visible_ids(pilot))
        await pilot.press("colon", *"profile nope", "enter")
        await settle(pilot)
        assert app.account.identity.account_id == DEMO_ACCOUNT_ID
        assert set(visible_ids(pilot)) == before
        assert "unknown profile 'nope'" in screen_text(pilot)


async def test_automatic_refresh_picks_up_new_resources(
    make_app: AppFactory, demo_server: DemoServer
) -> None:
    app = await make_app(Settings(refresh_interval=1))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        ec2 = boto3.client(
            "ec2",
            region_name="us-west-2",
            endpoint_url=demo_server.endpoint_url,
            aws_access_key_id="demo",
            aws_secret_access_key="demo",
        )
        new = ec2.create_volume(Size=7, AvailabilityZone="us-west-2a")["VolumeId"]
        screen = explorer(pilot)
        # Wait for the refresh worker the timer starts, not for a fixed time.
        for _ in range(200):
            if new in visible_ids(pilot):
                break
            await pilot.pause(0.05)
        assert new in visible_ids(pilot)
        assert screen.kind is ResourceKind.VOLUME
