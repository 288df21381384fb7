"""Read resources again by id, with the call the kinds registry names (`Follow.operation`).

The ids go in a filter, 200 at a time: a filter, unlike the `SnapshotIds` parameter, does not
fail the call for an id AWS does not know (yet, or any more). The watcher polls with it; the
runner reads what a lifecycle change changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from botocore import xform_name

from amiexplorer.aws.parse import parse_followed
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.kinds import follow_of
from amiexplorer.core.models import ResourceKind
from amiexplorer.core.watch_events import Watched

#: A filter takes at most 200 values.
BATCH = 200


async def describe_by_id(
    pool: ClientPool, kind: ResourceKind, region: str, ids: Iterable[str], account_id: str
) -> list[Watched]:
    """What AWS says now of `ids` (those it does not know are simply absent)."""
    ec2 = await pool.get("ec2", region)
    follow = follow_of(kind)
    describe = getattr(ec2, xform_name(follow.operation))
    ordered = list(dict.fromkeys(ids))
    found: list[Watched] = []
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        reply = await describe(
            Filters=[{"Name": follow.filter_name, "Values": chunk}], **dict(follow.describe_params)
        )
        listed = reply.get(follow.result_key) or []
        found += [parse_followed(kind, item, region, account_id) for item in listed]
    return found
