"""What deleting a snapshot frees, from the keyboard: its details read its blocks when they
open, and ctrl+d's confirmation prices the delete by the blocks no other snapshot holds (the
demo's orders-db lineage, whose blocks are written out in `demo/block_lineage.py`)."""

from __future__ import annotations

from amiexplorer.demo import DemoServer, Planted, block_lineage, snapshot_blocks
from amiexplorer.demo.backends import ec2_backend
from amiexplorer.sizes import format_bytes
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from tests.functional.conftest import AppFactory, screen_text, settle, until
from tests.functional.test_actions import goto

#: Night 3 of the lineage: 200 units are its own (night 4 rewrote them), the rest is shared.
EXCLUSIVE = 200 * block_lineage.SCALE * snapshot_blocks.BLOCK_SIZE


async def test_details_and_the_delete_confirmation_say_what_deleting_frees(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    night3 = world.block_lineage[2]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "3", night3)
        await pilot.press("enter")
        freed = f"Deleting frees {format_bytes(EXCLUSIVE)}"
        await until(pilot, lambda: freed in screen_text(pilot))
        assert "(the blocks only it holds)" in screen_text(pilot)
        # Each answer is kept: the blocks were read once, the delete reads nothing more.
        reads = [r for r in demo_server.requests if r.service == "ebs"]
        assert {r.action for r in reads} == {"ListChangedBlocks"}
        await pilot.press("escape")
        demo_server.clear_requests()
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        monthly = EXCLUSIVE / 1024**3 * 0.05
        text = screen_text(pilot)
        assert f"saves about ${monthly:,.2f}/month" in text
        assert f"(frees {format_bytes(EXCLUSIVE)} no other snapshot holds)" in text
        assert not [r for r in demo_server.requests if r.service == "ebs"]
        await pilot.press("escape")
        await pilot.pause()
    # esc: nothing was sent, the snapshot is still there.
    assert night3 in ec2_backend(world.block_lineage_region).snapshots
    assert not [r for r in demo_server.requests if r.action == "DeleteSnapshot" and not r.dry_run]
