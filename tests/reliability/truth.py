"""The truth to compare a loaded inventory with: what the demo world planted, or a clean load."""

from __future__ import annotations

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import ResourceKind
from amiexplorer.demo import Planted


def planted_differences(inventory: Inventory, world: Planted) -> list[str]:
    """Every way the inventory's ids differ from what the world planted, region by region."""
    found: list[str] = []

    def compare(what: str, region: str, loaded: set[str], planted: set[str]) -> None:
        for missing in sorted(planted - loaded):
            found.append(f"{region}: {what} {missing} was not loaded")
        for extra in sorted(loaded - planted):
            found.append(f"{region}: {what} {extra} was loaded but not planted")

    for region in world.regions:
        ids = {kind: {r.id for r in inventory.in_region(kind, region)} for kind in ResourceKind}
        compare(
            "instance", region, ids[ResourceKind.INSTANCE], set(world.instances.get(region, ()))
        )
        compare("volume", region, ids[ResourceKind.VOLUME], set(world.volumes.get(region, ())))
        compare(
            "snapshot", region, ids[ResourceKind.SNAPSHOT], set(world.snapshots.get(region, ()))
        )
        owned = {i.id for i in inventory.in_region(ResourceKind.IMAGE, region) if i.owned}
        compare("image", region, owned, set(world.images.get(region, ())))
        templates = {
            v.launch_template_id
            for v in inventory.in_region(ResourceKind.LAUNCH_TEMPLATE_VERSION, region)
        }
        compare("launch template", region, templates, set(world.launch_templates.get(region, ())))
        configurations = {
            c.name for c in inventory.in_region(ResourceKind.LAUNCH_CONFIGURATION, region)
        }
        planted = set(world.launch_configurations.get(region, ()))
        compare("launch configuration", region, configurations, planted)
    return found


def inventory_differences(loaded: Inventory, truth: Inventory) -> list[str]:
    """Every resource that differs (by id or by any field) between two inventories."""
    found: list[str] = []
    for kind in ResourceKind:
        mine, theirs = loaded.table(kind), truth.table(kind)
        for resource_id in sorted(mine.keys() | theirs.keys()):
            if resource_id not in mine:
                found.append(f"{kind.value} {resource_id} is missing")
            elif resource_id not in theirs:
                found.append(f"{kind.value} {resource_id} should not be there")
            elif mine[resource_id] != theirs[resource_id]:
                found.append(f"{kind.value} {resource_id} differs")
    return found
