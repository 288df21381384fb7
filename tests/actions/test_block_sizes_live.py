"""What deleting a snapshot frees, measured in the demo's EBS: random block histories of one
volume, the app's exclusive sizes read through the EBS direct APIs over HTTP, and AWS's side
(the demo's block store) as the witness.

- the exclusive sizes plus the blocks two or more snapshots share add up to the lineage's
  stored blocks;
- deleting a snapshot (through the runner, as the app does) frees exactly its exclusive size,
  and the confirmation said so;
- an answer is read once: asking again sends nothing.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.core.block_sizes import exclusive_bytes, union_bytes
from amiexplorer.core.plans.plan import Confirmation, Outcome
from amiexplorer.core.plans.requests import DeleteSnapshotsRequest
from amiexplorer.demo import DemoServer, Planted, disable_pending, snapshot_blocks
from amiexplorer.sizes import format_bytes
from tests.actions.conftest import calls
from tests.conftest import ec2_witness

#: A region without a Recycle Bin rule: a delete there frees its blocks at once.
REGION = "eu-west-1"
pytestmark = pytest.mark.regions(REGION)


def ec2(server: DemoServer) -> Any:
    return ec2_witness(server, REGION)


def history(rng: random.Random, count: int, blocks: int) -> list[dict[int, str]]:
    """A volume's snapshots: the first writes some blocks, each later one rewrites a few."""
    current: dict[int, str] = {}
    taken = []
    for number in range(count):
        for index in rng.sample(range(blocks), rng.randint(1, blocks // 2)):
            current[index] = f"h{number}-{index}-{rng.random():.6f}"
        taken.append(dict(current))
    return taken


async def reload(account: Account) -> None:
    async for _event in account.load():
        pass


@pytest.mark.parametrize("seed", range(6))
async def test_exclusive_sizes_add_up_and_a_delete_frees_exactly_that(
    seed: int,
    runner: ActionRunner,
    loaded: Account,
    world: Planted,
    demo_server: DemoServer,
) -> None:
    disable_pending()
    rng = random.Random(seed)
    client = ec2(demo_server)
    volume = client.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    made = [client.create_snapshot(VolumeId=volume)["SnapshotId"] for _ in range(rng.randint(2, 6))]
    await reload(loaded)
    inventory = loaded.inventory
    # The order the app sees (start time, then id) is the history's order.
    lineage = inventory.lineages().lineage_of(made[0])
    assert lineage is not None and {s.id for s in lineage} == set(made)
    for snapshot, blocks in zip(lineage, history(rng, len(made), 64), strict=True):
        snapshot_blocks.record(snapshot.id, blocks)
    assert await loaded.read_blocks(made) == 0, inventory.blocks.problems
    index, evidence = inventory.lineages(), inventory.blocks
    exclusive = {s: exclusive_bytes(s, index, evidence) for s in made}
    assert all(size is not None for size in exclusive.values())
    stored = snapshot_blocks.stored_bytes(made)
    shared = stored - sum(stored - snapshot_blocks.stored_bytes(set(made) - {s}) for s in made)
    assert sum(v or 0 for v in exclusive.values()) + shared == union_bytes(lineage, evidence)
    assert union_bytes(lineage, evidence) == stored
    # Asked again, nothing is sent: the answers never change.
    demo_server.clear_requests()
    assert await loaded.read_blocks(made) == 0
    assert not [r for r in demo_server.requests if r.service == "ebs"]
    # Deleting one frees exactly what was said, and the confirmation said it.
    doomed = rng.choice(made)
    plan = runner.plan(DeleteSnapshotsRequest((doomed,)))
    assert plan.estimate is not None and plan.estimate.bounded == 0
    assert plan.estimate.exact_bytes == exclusive[doomed]
    if exclusive[doomed]:
        assert f"frees {format_bytes(exclusive[doomed] or 0)} no other snapshot holds" in (
            plan.estimate.describe()
        )
    report = await runner.execute(plan, Confirmation())
    assert report.results[0].outcome is Outcome.DONE
    assert calls(demo_server, "DeleteSnapshot", dry_run=False)
    assert stored - snapshot_blocks.stored_bytes(made) == exclusive[doomed]
    assert snapshot_blocks.blocks_of(doomed) is None
