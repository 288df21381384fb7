"""The total deadline of every AWS call, and the patches of aiobotocore that make it.

The compatibility test names what changed when an upgrade of aiobotocore removes what
`amiexplorer/aws/deadlines.py` wraps (installed by `amiexplorer/aws/aiobotocore_patches.py`;
tests/compat/test_third_party.py checks every other name); the others run real calls, over
HTTP, against endpoints that never finish an answer (bad_endpoints.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import aiobotocore
import pytest
from aiobotocore.client import AioBaseClient
from aiobotocore.credentials import AioProcessProvider

from amiexplorer.aws import aiobotocore_patches
from amiexplorer.aws.deadlines import CallDeadlineExceeded, call_deadline
from amiexplorer.aws.errors import describe_problem
from amiexplorer.aws.session import AwsSession, ClientPool, ConnectionSettings
from tests.data.bad_endpoints import bad_endpoints

DEADLINE = 0.5


@pytest.fixture(scope="module")
def endpoints() -> Iterator[dict[str, str]]:
    """The bad endpoints' URLs by name, for the whole module."""
    with bad_endpoints() as urls:
        yield urls


def _settings(url: str, **overrides: object) -> ConnectionSettings:
    values: dict[str, object] = {
        "endpoint_url": url,
        "regions": ("eu-west-1",),
        "access_key_id": "AKIAFAKEFAKEFAKE",
        "secret_access_key": "fake-secret",
        "call_timeout": DEADLINE,
    }
    values.update(overrides)
    return ConnectionSettings(**values)  # type: ignore[arg-type]


def test_aiobotocore_still_has_what_the_deadlines_wrap() -> None:
    version = aiobotocore.__version__
    where = (
        f"aiobotocore {version} changed; amiexplorer/aws/deadlines.py and "
        "amiexplorer/aws/aiobotocore_patches.py must follow"
    )
    make_api_call = inspect.getattr_static(AioBaseClient, "_make_api_call", None)
    assert make_api_call is not None, f"AioBaseClient._make_api_call is gone: {where}"
    original = getattr(make_api_call, "__wrapped__", make_api_call)
    assert inspect.iscoroutinefunction(original), (
        f"AioBaseClient._make_api_call is no longer a coroutine function: {where}"
    )
    assert list(inspect.signature(original).parameters)[:3] == [
        "self",
        "operation_name",
        "api_params",
    ], f"AioBaseClient._make_api_call(self, operation_name, api_params) changed: {where}"
    init = getattr(AioProcessProvider.__init__, "__wrapped__", AioProcessProvider.__init__)
    assert "popen" in inspect.signature(init).parameters, (
        f"AioProcessProvider(popen=...) is gone: {where}"
    )
    source = inspect.getsource(AioProcessProvider._retrieve_credentials_using)
    assert "self._popen(" in source and ".communicate()" in source, (
        f"AioProcessProvider no longer runs credential_process through self._popen and "
        f"communicate(): {where}"
    )
    assert aiobotocore_patches.installed() == {
        "call": True,
        "process": True,
        "client-classes": True,
    }, where


def test_installing_twice_wraps_once() -> None:
    aiobotocore_patches.install()
    wrapped = AioBaseClient._make_api_call
    aiobotocore_patches._installed.clear()
    aiobotocore_patches.install()
    assert AioBaseClient._make_api_call is wrapped
    assert getattr(wrapped, "amiexplorer_patch", False)
    assert not getattr(wrapped.__wrapped__, "amiexplorer_patch", False)
    init = AioProcessProvider.__init__
    assert getattr(init, "amiexplorer_patch", False)
    assert not getattr(init.__wrapped__, "amiexplorer_patch", False)  # type: ignore[attr-defined]


@pytest.mark.parametrize("endpoint", ["drip", "silent"])
async def test_a_call_that_never_completes_ends_at_its_deadline(
    endpoint: str, endpoints: dict[str, str]
) -> None:
    # The read timeout (20 s) never trips on the drip: every 2 s a byte arrives.
    session = AwsSession(_settings(endpoints[endpoint]))
    async with session.client("ec2", "eu-west-1") as ec2:
        assert call_deadline(ec2) == DEADLINE
        with pytest.raises(CallDeadlineExceeded) as caught:
            await ec2.describe_regions()
    problem = describe_problem(caught.value, region="eu-west-1")
    assert problem.message == (
        "DescribeRegions got no complete answer in eu-west-1 within 0.5 s, every retry "
        "included: the EC2 endpoint is stalled or very slow (raise [timeouts] call in the "
        "config file if it is only slow)"
    )


async def test_every_page_of_a_paginator_has_the_deadline(endpoints: dict[str, str]) -> None:
    session = AwsSession(_settings(endpoints["drip"]))
    async with session.client("ec2", "eu-west-1") as ec2:
        pages = ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"])
        with pytest.raises(CallDeadlineExceeded) as caught:
            async for _page in pages:
                pass
    assert caught.value.operation_name == "DescribeSnapshots"
    assert caught.value.region == "eu-west-1"


async def test_the_pool_gives_every_client_the_deadline(endpoints: dict[str, str]) -> None:
    # The loader, the audit, the watcher and the actions take their clients from the pool.
    pool = ClientPool(AwsSession(_settings(endpoints["silent"], call_timeout=7.5)))
    try:
        for service in ("ec2", "autoscaling", "sts"):
            assert call_deadline(await pool.get(service, "eu-west-1")) == 7.5
    finally:
        await pool.close()
