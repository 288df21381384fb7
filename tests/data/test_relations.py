"""The relation graph over the demo world: every planted relation is found."""

from __future__ import annotations

import pytest

from amiexplorer.aws.account import Account
from amiexplorer.core.relations import RelationGraph
from amiexplorer.demo import Planted


@pytest.fixture
async def graph(account: Account) -> RelationGraph:
    async for _event in account.load():
        pass
    assert not account.inventory.errors
    return account.relations()


def _ids(resources: tuple[object, ...]) -> set[str]:
    return {r.id for r in resources}  # type: ignore[attr-defined]


async def test_image_snapshots(graph: RelationGraph, world: Planted) -> None:
    assert world.image_snapshots, "the demo world plants images with snapshots"
    for image_id, snapshot_ids in world.image_snapshots.items():
        image = graph.inventory.images[image_id]
        assert set(image.snapshot_ids) == set(snapshot_ids)
        assert _ids(graph.snapshots_of_image(image_id)) == set(snapshot_ids)


async def test_image_usage_by_instances_templates_and_configurations(
    graph: RelationGraph, world: Planted
) -> None:
    for image_id in graph.inventory.images:
        usage = graph.image_usage(image_id)
        assert _ids(usage.instances) == set(world.image_instances.get(image_id, ()))
        assert {v.launch_template_id for v in usage.launch_template_versions} == set(
            world.image_launch_templates.get(image_id, ())
        )
        assert {c.name for c in usage.launch_configurations} == set(
            world.image_launch_configurations.get(image_id, ())
        )


async def test_the_traps_of_image_usage(graph: RelationGraph, world: Planted) -> None:
    for image_id in world.unused_images:
        assert not graph.image_usage(image_id).in_use, image_id
    for image_id in world.terminated_instance_only_images:
        assert not graph.image_usage(image_id).in_use, image_id
    for image_id in world.launch_template_only_images:
        usage = graph.image_usage(image_id)
        assert usage.in_use and usage.launch_template_versions and not usage.instances
    for image_id in world.launch_configuration_only_images:
        usage = graph.image_usage(image_id)
        assert usage.in_use and usage.launch_configurations and not usage.instances
    for image_id in world.stopped_instance_images:
        usage = graph.image_usage(image_id)
        assert usage.instances and all(i.state == "stopped" for i in usage.instances)
    assert world.launch_template_only_images and world.launch_configuration_only_images


async def test_snapshot_images_and_descriptions(graph: RelationGraph, world: Planted) -> None:
    for snapshot_id, image_ids in world.multi_image_snapshots.items():
        assert _ids(graph.images_of_snapshot(snapshot_id)) == set(image_ids)
        assert len(image_ids) >= 2
    for snapshot_id, image_id in world.snapshot_description_image.items():
        assert graph.described_image_id(snapshot_id) == image_id
    for image_id, snapshot_ids in world.image_snapshots.items():
        for snapshot_id in snapshot_ids:
            assert image_id in _ids(graph.images_of_snapshot(snapshot_id))


async def test_orphans_have_no_image_and_copies_no_volume(
    graph: RelationGraph, world: Planted
) -> None:
    for snapshot_id in world.orphan_snapshots_deregistered_image:
        assert graph.images_of_snapshot(snapshot_id) == ()
        described = graph.described_image_id(snapshot_id)
        assert described is not None and described not in graph.inventory.images
    for snapshot_id in world.orphan_snapshots_deleted_volume:
        assert graph.images_of_snapshot(snapshot_id) == ()
        assert graph.source_volume(snapshot_id) is None
        assert not graph.is_copy(snapshot_id)
    for snapshot_id in world.snapshot_volume_exists_image_deregistered:
        assert graph.source_volume(snapshot_id) is not None
        assert graph.images_of_snapshot(snapshot_id) == ()
    for snapshot_id in world.copy_snapshots:
        assert graph.is_copy(snapshot_id)
        assert graph.source_volume(snapshot_id) is None
    assert world.copy_snapshots and world.orphan_snapshots_deleted_volume


async def test_volumes_instances_and_snapshots(graph: RelationGraph, world: Planted) -> None:
    for volume_id, instance_id in world.volume_instance.items():
        assert _ids(graph.instances_of_volume(volume_id)) == {instance_id}
        assert volume_id in _ids(graph.volumes_of_instance(instance_id))
    for volume_id in world.unattached_volumes:
        assert graph.instances_of_volume(volume_id) == ()
        assert not graph.inventory.volumes[volume_id].is_attached
    for volume_id, snapshot_ids in world.volume_snapshots.items():
        assert _ids(graph.snapshots_of_volume(volume_id)) == set(snapshot_ids)
        for snapshot_id in snapshot_ids:
            source = graph.source_volume(snapshot_id)
            assert source is not None and source.id == volume_id


async def test_instances_know_their_image(graph: RelationGraph, world: Planted) -> None:
    for image_id, instance_ids in world.image_instances.items():
        for instance_id in instance_ids:
            image = graph.image_of_instance(instance_id)
            assert image is not None and image.id == image_id


async def test_sharing_attributes_match_what_was_planted(account: Account, world: Planted) -> None:
    async for _event in account.load():
        pass
    async for _updated in account.enrich():
        pass
    images = account.inventory.images
    snapshots = account.inventory.snapshots
    assert {i.id for i in images.values() if i.owned and i.is_public} == set(world.public_images)
    assert {s.id for s in snapshots.values() if s.is_public} == set(world.public_snapshots)
    for image_id, accounts in world.shared_images.items():
        assert set(images[image_id].shared_with or ()) == set(accounts)
    for snapshot_id, accounts in world.shared_snapshots.items():
        assert set(snapshots[snapshot_id].shared_with or ()) == set(accounts)
    unshared = [s for s in snapshots.values() if s.id not in world.shared_snapshots]
    assert all(s.shared_with == () for s in unshared)


async def test_a_refresh_keeps_the_sharing_read_and_the_next_pass_reads_only_new_ones(
    account: Account, world: Planted
) -> None:
    async for _event in account.load():
        pass
    first = [updated.id async for updated in account.enrich()]
    owned = [i for i in account.inventory.images.values() if i.owned]
    assert sorted(first) == sorted([i.id for i in owned] + list(account.inventory.snapshots))
    # A refresh describes everything again; what only attribute calls tell stays known.
    async for _event in account.load():
        pass
    images, snapshots = account.inventory.images, account.inventory.snapshots
    for image_id, accounts in world.shared_images.items():
        assert set(images[image_id].shared_with or ()) == set(accounts)
    assert {s.id for s in snapshots.values() if s.is_public} == set(world.public_snapshots)
    assert [updated.id async for updated in account.enrich()] == []
    # Once the sharing read is old enough, the pass reads it all again.
    again = [updated.id async for updated in account.enrich(max_age=0)]
    assert sorted(again) == sorted(first)


async def test_the_sharing_pass_limit_counts_each_kind_on_its_own(account: Account) -> None:
    async for _event in account.load():
        pass
    owned = {i.id for i in account.inventory.images.values() if i.owned}
    assert 0 < len(owned) < len(account.inventory.snapshots)
    read = {updated.id async for updated in account.enrich(limit=len(owned))}
    assert read == owned  # the images fit the limit; the snapshots, more numerous, do not
