"""Clients share their service's class and the event-alias cache, and still work on their own.

(amiexplorer/aws/client_costs.py: building a class per client was half the CPU of loading a
small account.)
"""

from __future__ import annotations

from amiexplorer.aws.account import Account
from amiexplorer.aws.client_costs import shared_class_count


async def test_clients_of_a_service_share_one_class_and_answer_for_their_own_region(
    account: Account,
) -> None:
    pool = account.pool
    east = await pool.get("ec2", "us-east-1")
    west = await pool.get("ec2", "eu-west-1")
    scaling = await pool.get("autoscaling", "us-east-1")
    assert type(east) is type(west)
    assert type(scaling) is not type(east)
    assert shared_class_count() >= 2
    # Each keeps its own region: the demo world has different volumes in each.
    east_volumes = {v["VolumeId"] for v in (await east.describe_volumes())["Volumes"]}
    west_volumes = {v["VolumeId"] for v in (await west.describe_volumes())["Volumes"]}
    assert east_volumes and west_volumes and not east_volumes & west_volumes
    assert east.meta.region_name == "us-east-1" and west.meta.region_name == "eu-west-1"
    # And its own event handlers: the pool's refusal handler is registered per client.
    assert east.meta.events is not west.meta.events
    assert east.meta.events._alias_name_cache is west.meta.events._alias_name_cache
    await scaling.describe_launch_configurations()
