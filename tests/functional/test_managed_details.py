"""The explorer shows what another service manages, and what references an image, plainly.

On the demo world: the Managed column, an image's Used by, and the details' lines for a DLM
snapshot, an AWS Backup recovery point (its vault and plan, read when the panel opens) and a
golden image only an SSM parameter and a `resolve:ssm:` launch template keep in use. Deleting
any of them is refused before any call.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from amiexplorer.demo import DemoServer, Planted
from tests.functional.conftest import (
    AppFactory,
    explorer,
    screen_text,
    settle,
    until,
    visible_ids,
)


async def goto(pilot: Pilot[Any], pane: str, resource_id: str) -> None:
    """`pane` filtered by the whole id (a copy's description names its source's id)."""
    await pilot.press(pane, "slash", *resource_id, "enter")
    await pilot.pause()
    assert resource_id in visible_ids(pilot)
    table = explorer(pilot).table
    while table.current is None or table.current.id != resource_id:
        await pilot.press("j")


def cell(pilot: Pilot[Any], resource_id: str, heading: str) -> str:
    """What the row of `resource_id` shows under `heading` (the column must be on screen)."""
    lines = screen_text(pilot).splitlines()
    top = next(line for line in lines if f" {heading} " in line)
    start = top.index(f" {heading} ") + 1
    row = next(line for line in lines if resource_id in line)
    return row[start : start + len(heading) + 2].strip()


def flat(pilot: Pilot[Any]) -> str:
    """The screen's text with the panel's line wrapping undone."""
    lines = [line.strip("│╭╮╰╯ ").strip() for line in screen_text(pilot).splitlines()]
    return " ".join(" ".join(lines).split())


async def test_the_details_say_what_manages_or_references_a_resource(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        dlm = sorted(s for s in world.dlm_managed_snapshots if world.region_of[s] == "us-east-1")
        await goto(pilot, "3", dlm[0])
        assert cell(pilot, dlm[0], "Managed") == "DLM"
        await pilot.press("enter")
        await settle(pilot)
        policy = next(p for p, state in world.dlm_policies.items() if state == "ENABLED")
        text = flat(pilot)
        assert "Managed by DLM policy policy-" in text and "(schedule daily): enabled" in text
        assert any(p in text for p in world.dlm_policies) and policy

        await pilot.press("escape")
        backup = sorted(world.backup_snapshots)[0]
        await goto(pilot, "3", backup)
        assert cell(pilot, backup, "Managed") == "Backup"
        await pilot.press("enter")
        # The vault and the plan are read when the panel opens (one call each).
        await until(pilot, lambda: "weekly-35d" in flat(pilot))
        text = flat(pilot)
        assert "an AWS Backup recovery point of vol-" in text
        assert "Backup vault Default" in text
        asked = {r.action for r in demo_server.requests if r.service == "backup"}
        assert asked == {"ListRecoveryPointsByResource", "DescribeRecoveryPoint"}
        demo_server.clear_requests()
        await pilot.press("escape", "ctrl+d")
        await settle(pilot)
        assert "managed by the AWS Backup service" in flat(pilot)
        assert not [r for r in demo_server.requests if r.action == "DeleteSnapshot"]
        await pilot.press("escape")

        golden = next(i for i in world.resolve_ssm_templates if i in world.ssm_image_parameters)
        await goto(pilot, "4", golden)
        assert cell(pilot, golden, "Used by") == "1 SSM"
        await pilot.press("enter")
        await settle(pilot)
        text = flat(pilot)
        parameter = sorted(world.ssm_image_parameters[golden])[0]
        assert f"in use by SSM parameter {parameter}, which launch template" in text
        assert "resolves" in text
        demo_server.clear_requests()
        await pilot.press("escape", "ctrl+d")
        await settle(pilot)
        assert f"is in use by SSM parameter {parameter}" in flat(pilot)
        assert not [r for r in demo_server.requests if r.action == "DeregisterImage"]
        assert screen.account.inventory.images[golden]
