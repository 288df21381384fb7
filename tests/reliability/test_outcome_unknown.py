"""Issue 12, item 8: every call that was sent has its outcome in the action log, or says
"sent, outcome unknown" when its answer never came (the flow was cancelled, the app quit).

The proxy holds the real CreateImage a while; the test cancels the flow as soon as the proxy
has the request (a condition, not a sleep), then watches moto act on it all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.log import ActionLog
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.plans.plan import Confirmation
from amiexplorer.core.plans.requests import CreateImageRequest
from amiexplorer.demo import DemoServer, Planted
from amiexplorer.demo.backends import ec2_backend
from tests.reliability.conftest import eventually, proxied_settings
from tests.reliability.proxy import FaultProxy

REGION = "us-east-1"
NAME = "reboots-the-instance"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@contextlib.asynccontextmanager
async def _loaded_runner(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, tmp_path: Path
) -> AsyncIterator[tuple[ActionRunner, ActionLog, str]]:
    """A runner of a loaded account behind the proxy, its log, and a running instance."""
    settings = proxied_settings(proxy, demo_server, regions=(REGION,), max_attempts=1)
    account = Account(await connect(AwsSession(settings)))
    try:
        async for _event in account.load():
            pass
        log = ActionLog(tmp_path / "actions.jsonl")
        runner = ActionRunner.for_account(account, log=log)
        instance = sorted(i for i in world.running_instances if world.region_of[i] == REGION)[0]
        yield runner, log, instance
    finally:
        await account.close()


async def test_a_create_image_cancelled_mid_call_is_logged_sent_outcome_unknown(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, tmp_path: Path
) -> None:
    async with _loaded_runner(world, demo_server, proxy, tmp_path) as (runner, log, instance):
        plan = runner.plan(CreateImageRequest(instance, NAME))
        checked = await runner.preflight(plan)
        assert checked.ok
        # The real call reaches the proxy, which answers only later.
        proxy.slow(1.5, action="CreateImage", dry_run=False)
        flow = asyncio.create_task(runner.execute(plan, Confirmation(), preflight=checked))
        await eventually(
            lambda: any(r.action == "CreateImage" and not r.dry_run for r in proxy.requests)
        )
        flow.cancel()  # the person quit at once
        with contextlib.suppress(asyncio.CancelledError):
            await flow
        dry, sent, unknown = _lines(log.path)
        assert (dry["outcome"], dry["dry_run"]) == ("dry-run-ok", True)
        assert (sent["outcome"], sent["dry_run"]) == ("sent", False)
        assert sent["parameters"]["InstanceId"] == instance and sent["parameters"]["Name"] == NAME
        assert unknown["outcome"] == "outcome-unknown" and unknown["resource_ids"] == [instance]
        assert unknown["parameters"] == sent["parameters"]
        assert "whether AWS acted is unknown" in unknown["message"]
        # And indeed AWS acted: the image exists although nobody saw the answer.
        images = ec2_backend(REGION).amis
        await eventually(lambda: any(i.name == NAME for i in images.values()))


async def test_every_sent_call_has_its_outcome_logged(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, tmp_path: Path
) -> None:
    async with _loaded_runner(world, demo_server, proxy, tmp_path) as (runner, log, instance):
        proxy.error("InternalError", 500, action="CreateImage", dry_run=False)
        report = await runner.run(CreateImageRequest(instance, NAME), Confirmation())
        assert [r.outcome.value for r in report.results] == ["failed"]
        outcomes = [(line["outcome"], line["dry_run"]) for line in _lines(log.path)]
        assert outcomes == [("dry-run-ok", True), ("sent", False), ("failed", False)]
