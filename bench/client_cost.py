"""What aiobotocore itself costs amiexplorer: CPU per client and per call, on this machine.

    python -m bench.client_cost [--calls 300]

The benchmark endpoint (small size, no latency) runs in its own process, so the CPU counted is
the client's alone: creating an EC2 client once the service model is loaded, and one small
DescribeVolumes call (serialize, sign, send, receive, parse). These fixed costs are why the load
of a small account (17 regions: 34 clients, about 160 calls) stays above its floor, which counts
only latency and parsing. Prints numbers; never fails on a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from bench.environment import sealed_environment
from bench.run import Endpoint
from bench.world import REGIONS


async def _measure(endpoint_url: str, calls: int) -> dict[str, float]:
    from amiexplorer.aws.session import AwsSession, ClientPool, ConnectionSettings

    pool = ClientPool(AwsSession(ConnectionSettings(endpoint_url=endpoint_url)))
    try:
        # The first client of each service loads its model: not what is measured here.
        await pool.get("ec2", REGIONS[0])
        started = time.process_time()
        clients = [await pool.get("ec2", region) for region in REGIONS[1:]]
        per_client = (time.process_time() - started) / len(clients)
        ec2 = clients[0]
        for _ in range(10):  # connections opened, caches warm
            await ec2.describe_volumes(MaxResults=5)
        samples = []
        for _ in range(calls):
            started = time.process_time()
            await ec2.describe_volumes(MaxResults=5)
            samples.append(time.process_time() - started)
        return {"client_ms": 1000 * per_client, "call_ms": 1000 * statistics.median(samples)}
    finally:
        await pool.close()


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.client_cost", description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(sealed_environment())
    endpoint = Endpoint("small", latency_ms=0)
    try:
        result = asyncio.run(_measure(endpoint.url, args.calls))
    finally:
        endpoint.stop()
    clients, calls = 2 * len(REGIONS), 160
    print(f"EC2 client, model already loaded: {result['client_ms']:.1f} ms CPU each")
    print(f"DescribeVolumes (5 volumes):     {result['call_ms']:.2f} ms CPU per call (median)")
    fixed = (clients * result["client_ms"] + calls * result["call_ms"]) / 1000
    print(
        f"A small account's load ({len(REGIONS)} regions: {clients} clients, ~{calls} calls): "
        f"{fixed:.2f} s of CPU in aiobotocore before any parsing"
    )


if __name__ == "__main__":
    main()
