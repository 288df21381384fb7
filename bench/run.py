"""The benchmark of issue 6: every measurement at every size, one table, one JSON file.

    python -m bench.run --sizes small,medium,large [--latency-ms 50] [--aws PATH]

For each size the synthetic account is served by its own endpoint process (bench.server), and
each measurement runs in a process of its own, so peak RSS is that measurement's alone and
the endpoint's CPU never counts as the app's. Nothing here asserts a timing: it prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.environment import sealed_environment

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_AWS = "/work/awscli-venv/bin/aws"
PROBES = ("floor", "load", "app", "paint", "boto3", "awscli", "audit")


class ProbeFailed(Exception):
    """A measurement process failed; its output says why."""


def _probe(args: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run one measurement process; its last line of output is its JSON result."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ProbeFailed(" | ".join(tail) or f"exit status {done.returncode}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


class Endpoint:
    """The benchmark endpoint for one size, in its own process."""

    def __init__(self, size: str, latency_ms: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--size", size, "--latency-ms", str(latency_ms)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise ProbeFailed("the benchmark endpoint did not start")
        self.url: str = json.loads(line)["endpoint_url"]

    def stats(self) -> dict[str, Any]:
        """What the endpoint served so far."""
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_bench/stats") as reply:
            stats: dict[str, Any] = json.load(reply)
        return stats

    def stop(self) -> None:
        """Close its stdin (it stops then) and wait for it."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def audit_available() -> bool:
    """True once `amiexplorer audit` exists (another engineer is building it)."""
    done = subprocess.run(
        [sys.executable, "-m", "amiexplorer", "audit", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=sealed_environment(),
    )
    return done.returncode == 0


def measure_audit(url: str, env: dict[str, str], timeout: float) -> dict[str, Any]:
    """`amiexplorer audit` end to end, as a person runs it (JSON report to a file)."""
    output = Path(env["XDG_STATE_HOME"]).parent / "audit.json"
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "amiexplorer",
            "--endpoint-url",
            url,
            "audit",
            "--format",
            "json",
            "--output",
            str(output),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    # 0: nothing found, 1: findings; both are a completed audit.
    if done.returncode not in (0, 1):
        raise ProbeFailed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?")
    findings = None
    if output.exists():
        report = json.loads(output.read_text())
        items = report.get("findings") if isinstance(report, dict) else None
        findings = len(items) if isinstance(items, list) else None
    return {"seconds": seconds, "exit_status": done.returncode, "findings": findings}


def run_size(size: str, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """Every measurement at one size."""
    results: dict[str, Any] = {}
    endpoint = Endpoint(size, args.latency_ms)
    env = sealed_environment()
    url = endpoint.url
    latency = ["--latency-ms", str(args.latency_ms)]
    try:
        plan: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            (
                "floor",
                lambda: _probe(
                    [
                        "-m",
                        "bench.probe_data",
                        "floor",
                        "--endpoint-url",
                        url,
                        *latency,
                        "--parse-runs",
                        str(args.repeat),
                    ],
                    env,
                    3600,
                ),
            ),
            (
                "load",
                lambda: _best_of(
                    args.repeat,
                    lambda: _probe(
                        ["-m", "bench.probe_data", "load", "--endpoint-url", url], env, 1800
                    ),
                    "load_s",
                ),
            ),
            (
                "app",
                lambda: _best_of(
                    args.repeat,
                    lambda: _probe(
                        ["-m", "bench.probe_app", "app", "--endpoint-url", url], env, 1800
                    ),
                    "load_s",
                ),
            ),
            ("paint", lambda: _first_paints(url, env)),
            (
                "boto3",
                lambda: _probe(
                    ["-m", "bench.probe_data", "boto3", "--endpoint-url", url], env, 3600
                ),
            ),
            ("awscli", lambda: _awscli(args.aws, url, env)),
            (
                "audit",
                lambda: (
                    measure_audit(url, env, 1800)
                    if audit_available()
                    else {"skipped": "not available yet: `amiexplorer audit` does not exist"}
                ),
            ),
        ]
        for name, measure in plan:
            if name not in args.probes:
                continue
            log(f"  {size}: {name} ...")
            before = endpoint.stats()["unknown"]
            try:
                results[name] = measure()
            except (ProbeFailed, subprocess.TimeoutExpired) as exc:
                results[name] = {"failed": str(exc)}
            unknown = {k: v for k, v in endpoint.stats()["unknown"].items() if v != before.get(k)}
            if unknown:
                results[name]["unserved_calls"] = unknown
    finally:
        endpoint.stop()
    return results


#: First paints per program: sub-second and easily disturbed, so more runs than the rest.
PAINT_RUNS = 5


def _first_paints(url: str, env: dict[str, str]) -> dict[str, Any]:
    """The app's first paint and a bare Textual app's, in alternation, best of PAINT_RUNS each.

    Alternating puts both through the same moments of a shared machine, so their ratio holds
    even when a neighbour slows a stretch of the run down.
    """

    def paint(what: str) -> dict[str, Any]:
        extra = ["--endpoint-url", url] if what == "paint" else []
        command = ["-m", "bench.probe_app", what, *extra, "--t0", repr(time.time())]
        return _probe(command, env, 300)

    runs: dict[str, list[dict[str, Any]]] = {"paint": [], "bare": []}
    for _ in range(PAINT_RUNS):
        for what, results in runs.items():
            results.append(paint(what))
    return {
        "app": _best_of_runs(runs["paint"], "first_paint_s"),
        "bare": _best_of_runs(runs["bare"], "first_paint_s"),
    }


def _best_of_runs(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    best = dict(min(runs, key=lambda r: float(r[key])))
    best["runs"] = [round(float(r[key]), 3) for r in runs]
    return best


def _best_of(times: int, measure: Callable[[], dict[str, Any]], key: str) -> dict[str, Any]:
    """Run a measurement `times` times and keep the fastest (the least disturbed) run."""
    runs = [measure() for _ in range(max(1, times))]
    best = min(runs, key=lambda r: float(r[key]))
    if len(runs) > 1:
        best["runs"] = [round(float(r[key]), 3) for r in runs]
    return best


def _awscli(aws: str, url: str, env: dict[str, str]) -> dict[str, Any]:
    if not os.access(aws, os.X_OK):
        return {"skipped": f"no AWS CLI at {aws}: install awscli in a venv and pass --aws"}
    return _probe(
        ["-m", "bench.probe_data", "awscli", "--endpoint-url", url, "--aws", aws], env, 7200
    )


# The table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the table: a label, how to read the value, and the goal it serves."""

    label: str
    value: Callable[[dict[str, Any]], float | str | None]
    unit: str
    goal: str = ""


def _get(result: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def _ratio(a: Any, b: Any) -> float | None:
    return a / b if isinstance(a, int | float) and isinstance(b, int | float) and b else None


ROWS = [
    Row(
        "floor: longest chain x latency + botocore parse",
        lambda r: _get(r, "floor", "floor_s"),
        "s",
    ),
    Row("  of which botocore parse", lambda r: _get(r, "floor", "parse_s"), "s"),
    Row("full load, data layer (Account.load)", lambda r: _get(r, "load", "load_s"), "s"),
    Row("full load, app until every row is shown", lambda r: _get(r, "app", "load_s"), "s"),
    Row(
        "  app load / floor",
        lambda r: _ratio(_get(r, "app", "load_s"), _get(r, "floor", "floor_s")),
        "x",
        "<= 1.3",
    ),
    Row(
        "  data layer load / floor",
        lambda r: _ratio(_get(r, "load", "load_s"), _get(r, "floor", "floor_s")),
        "x",
        "<= 1.3",
    ),
    Row("AWS CLI, region by region", lambda r: _get(r, "awscli", "seconds"), "s"),
    Row(
        "  AWS CLI / app load",
        lambda r: _ratio(_get(r, "awscli", "seconds"), _get(r, "app", "load_s")),
        "x",
        ">= 10",
    ),
    Row("plain boto3 script, sequential", lambda r: _get(r, "boto3", "seconds"), "s"),
    Row("first paint, app (its frame)", lambda r: _get(r, "paint", "app", "first_paint_s"), "s"),
    Row("first paint, bare Textual app", lambda r: _get(r, "paint", "bare", "first_paint_s"), "s"),
    Row(
        "  app / bare",
        lambda r: _ratio(
            _get(r, "paint", "app", "first_paint_s"), _get(r, "paint", "bare", "first_paint_s")
        ),
        "x",
        "<= 2",
    ),
    Row(
        "explorer on screen (start-up checks done)",
        lambda r: _get(r, "paint", "app", "explorer_s"),
        "s",
    ),
    Row("switch to the snapshots pane", lambda r: _get(r, "app", "switch_to_snapshots_ms"), "ms"),
    Row("filter keystroke to repaint, p50", lambda r: _get(r, "app", "filter_ms", "p50"), "ms"),
    Row(
        "filter keystroke to repaint, p95",
        lambda r: _get(r, "app", "filter_ms", "p95"),
        "ms",
        "<= 50",
    ),
    Row(
        "sort keystroke to repaint, slowest column",
        lambda r: _get(r, "app", "sort_ms", "max"),
        "ms",
        "<= 300",
    ),
    Row("peak RSS, app", lambda r: _get(r, "app", "peak_rss_mb"), "MB", "<= 500"),
    Row("peak RSS, data layer alone", lambda r: _get(r, "load", "peak_rss_mb"), "MB"),
    Row(
        "sharing pass done (a kind above 2,000 is skipped)",
        lambda r: _get(r, "app", "sharing_done_s"),
        "s",
    ),
    Row(
        "amiexplorer audit, end to end",
        lambda r: (
            _get(r, "audit", "seconds")
            if _get(r, "audit", "seconds") is not None
            else ("n/a" if _get(r, "audit", "skipped") else None)
        ),
        "s",
    ),
]


def _cell(value: float | str | None, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "ms" or unit == "MB":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def table(results: dict[str, dict[str, Any]]) -> str:
    """The results as a Markdown table: one column per size."""
    sizes = list(results)
    head = "| measurement | unit | " + " | ".join(sizes) + " | goal |"
    lines = [head, "|---|---|" + "---:|" * len(sizes) + "---|"]
    for row in ROWS:
        cells = [_cell(row.value(results[size]), row.unit) for size in sizes]
        lines.append(f"| {row.label} | {row.unit} | " + " | ".join(cells) + f" | {row.goal} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and write the JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--aws", default=DEFAULT_AWS, help="the AWS CLI (in its own venv)")
    parser.add_argument(
        "--probes",
        default=",".join(PROBES),
        help=f"which measurements (default all: {','.join(PROBES)})",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each load measurement; the fastest is kept"
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    args.probes = set(args.probes.split(","))
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.time()
    results = {}
    for size in sizes:
        log(f"{size}: starting the endpoint ...")
        results[size] = run_size(size, args, log)
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    document = {
        "command": command.strip(),
        "latency_ms": args.latency_ms,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "results": results,
    }
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    print(table(results))
    print(f"\n{command.strip()}  ({args.latency_ms:g} ms per request; JSON: {args.output})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
