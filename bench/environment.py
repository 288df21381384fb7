"""What every benchmark process shares: a sealed AWS environment and how to report back.

Each measurement runs in a process of its own (so peak RSS is that measurement's alone) and
prints one JSON object as its last line of output, which the runner reads.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import tempfile
from typing import Any

#: Credentials the endpoint accepts (it checks none); never a real account's.
BENCH_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIABENCHMARK000000", "AWS_SECRET_ACCESS_KEY": "bench"}


def sealed_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ without any AWS_* of the developer's, plus the benchmark's credentials.

    No profile, no config file and no metadata service can leak in, so the benchmark
    measures the endpoint and never reaches (or names) a real account.
    """
    home = tempfile.mkdtemp(prefix="amiexplorer-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(BENCH_CREDENTIALS)
    env.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
            "XDG_CONFIG_HOME": os.path.join(home, "xdg-config"),
            "XDG_STATE_HOME": os.path.join(home, "xdg-state"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(result: dict[str, Any]) -> None:
    """Print the result as the last line of output, for the runner."""
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (0 < fraction <= 1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
