"""The live relation index answers exactly as one built afresh, however the inventory changed."""

from __future__ import annotations

import random

import pytest

from amiexplorer.core.inventory import Inventory, PageLoaded, RegionFinished, RegionStarted
from amiexplorer.core.models import (
    BlockDeviceMapping,
    Image,
    Instance,
    InstanceBlockDevice,
    LaunchConfiguration,
    LaunchTemplateVersion,
    ResourceKind,
    Snapshot,
    Volume,
    VolumeAttachment,
)
from amiexplorer.core.relations import RelationGraph, RelationIndex

REGIONS = ("eu-west-1", "us-east-1")


def random_resource(rng: random.Random) -> object:
    """One resource of a random kind, naming a few ids from small pools (so they collide)."""
    region = rng.choice(REGIONS)
    image, snap, vol, inst = (f"{p}-{rng.randrange(6)}" for p in ("ami", "snap", "vol", "i"))
    kind = rng.randrange(6)
    if kind == 0:
        return Instance(
            inst,
            region,
            rng.choice(("running", "terminated", "stopped")),
            "t3.micro",
            image,
            None,
            block_devices=(InstanceBlockDevice("/dev/xvda", vol),),
        )
    if kind == 1:
        mappings = tuple(
            BlockDeviceMapping(f"/dev/sd{c}", snapshot_id=f"snap-{rng.randrange(6)}") for c in "ab"
        )
        state = rng.choice(("available", "deregistered", "pending"))
        return Image(image, region, "1", None, state, None, block_device_mappings=mappings)
    if kind == 2:
        description = rng.choice(
            ("", f"Created by CreateImage(i-1) for {image}", "[Copied snap-9 from eu-west-1]")
        )
        return Snapshot(
            snap,
            region,
            "1",
            "completed",
            100,
            rng.choice((vol, "vol-ffffffff")),
            8,
            None,
            description,
        )
    if kind == 3:
        attachments = (VolumeAttachment(inst, state="attached"),) if rng.random() < 0.5 else ()
        return Volume(vol, region, "a", "in-use", 8, "gp3", None, attachments=attachments)
    if kind == 4:
        return LaunchTemplateVersion(f"lt-{rng.randrange(3)}", "t", region, rng.randrange(3), image)
    return LaunchConfiguration(f"lc-{rng.randrange(3)}", region, image)


def answers(graph: RelationGraph) -> dict[str, object]:
    """Every question the graph answers, over every id that may be asked, as sets of ids."""
    out: dict[str, object] = {}
    for n in range(7):
        image, snap, vol = f"ami-{n}", f"snap-{n}", f"vol-{n}"
        usage = graph.image_usage(image)
        out[image] = (
            {i.id for i in usage.instances},
            {v.id for v in usage.launch_template_versions},
            {c.id for c in usage.launch_configurations},
            {i.id for i in graph.terminated_instances_of_image(image)},
        )
        out[snap] = (
            {i.id for i in graph.images_of_snapshot(snap)},
            graph.described_image_id(snap),
            graph.is_copy(snap),
        )
        out[vol] = (
            {i.id for i in graph.instances_of_volume(vol)},
            {s.id for s in graph.snapshots_of_volume(vol)},
        )
    return out


@pytest.mark.parametrize("seed", range(5))
def test_live_index_matches_a_fresh_one(seed: int) -> None:
    rng = random.Random(seed)
    inventory = Inventory("1", REGIONS)
    live = RelationGraph(inventory)  # built on the empty inventory, then kept up to date
    for step in range(300):
        roll = rng.random()
        if roll < 0.75:
            inventory.put(random_resource(rng))  # type: ignore[arg-type]
        elif roll < 0.95:
            kind = rng.choice(list(ResourceKind))
            table = inventory.table(kind)
            if table:
                inventory.remove(kind, rng.choice(sorted(table)))
        else:
            # A refresh of a region: its old rows are dropped when the new ones arrive.
            region = rng.choice(REGIONS)
            inventory.apply(RegionFinished(region))
            inventory.apply(RegionStarted(region))
            items = tuple(r for r in (random_resource(rng) for _ in range(5)))
            items = tuple(r for r in items if r.region == region)  # type: ignore[attr-defined]
            inventory.apply(PageLoaded(region, ResourceKind.SNAPSHOT, items))  # type: ignore[arg-type]
            inventory.apply(RegionFinished(region))
        if step % 25 == 0:
            fresh = RelationGraph.__new__(RelationGraph)
            fresh.inventory = inventory
            fresh._index = RelationIndex(inventory)
            assert answers(live) == answers(fresh), step
    assert RelationGraph(inventory)._index is live._index  # one index per inventory
