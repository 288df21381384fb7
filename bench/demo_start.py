"""How long `amiexplorer --demo` takes to show a populated screen, as a person sees it.

    .venv/bin/python bench/demo_start.py [--runs 5] [--size 120x36] [-- extra amiexplorer args]

Each run starts the real console script in a pseudo-terminal of the given size (TERM
xterm-256color, a throw-away HOME and XDG directories), reads what it draws, and notes when

- ``paint``:  the first frame (the alternate screen is switched on),
- ``rows``:   the first instance rows of the demo fleet appear,
- ``loaded``: the status line says "Loaded 4 region(s)" (every region is on screen),

and how much CPU the app and its demo-world child used in all (``cpu``, user + system seconds,
the quit included): a figure that other work on the machine disturbs far less than the times.

Then it presses ``q``, waits for the process to end and checks that nothing it started (same
session) is left running. It prints numbers (per run, then median, min, max, spread); it never
fails on a timing. Close other heavy work first: the machine has two cores.

A person's installation has compiled bytecode (pip writes it, or Python on the first run); a
shell with PYTHONDONTWRITEBYTECODE=1 would recompile amiexplorer's modules on every run. So the
runs use a bytecode cache of their own (PYTHONPYCACHEPREFIX, outside the work tree), filled by
one warm-up run that is not counted; ``--cold`` keeps the environment's setting instead.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import resource
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Escape sequences (CSI, OSC, and two-byte ones) to drop before searching the screen text.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")

ALT_SCREEN = b"\x1b[?1049h"
#: Names of instances in us-east-1 (the first rows of the default Instances pane).
ROW_MARKERS = (b"web-prod-1", b"bastion")
LOADED_MARKER = re.compile(rb"Loaded \d+ region\(s\)")

MILESTONES = ("paint", "rows", "loaded", "exit", "cpu")


@dataclass
class Run:
    """What one start looked like: seconds from spawn to each milestone."""

    times: dict[str, float] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    status: int | None = None
    error: str | None = None


def command(extra: list[str]) -> list[str]:
    """The console script next to this Python, else `python -m amiexplorer`."""
    script = Path(sys.executable).with_name("amiexplorer")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "amiexplorer"]
    return [*base, "--demo", *extra]


#: Where the runs keep their bytecode (see the module docstring).
PYCACHE = Path(tempfile.gettempdir()) / "amiexplorer-bench-pycache"


def sandbox_env(home: Path, cold: bool = False) -> dict[str, str]:
    """The caller's environment without AWS settings, in a fresh HOME, on a 256-colour TERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TEXTUAL"))}
    if not cold:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


def session_members(sid: int) -> list[str]:
    """Processes still in session ``sid`` (the app and anything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        # Field 6 is the session id; the command name (field 2) may contain spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{entry.name} {cmdline[:80]}")
    return found


def one_run(
    argv: list[str],
    size: tuple[int, int],
    timeout: float,
    cold: bool = False,
    cwd: str | None = None,
) -> Run:
    """Start the app in a pty, time the milestones, quit with `q`, check for leftovers."""
    run = Run()
    columns, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    home = Path(tempfile.mkdtemp(prefix="amiexplorer-bench-"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # A new session with the pty as its controlling terminal: what a shell gives a program.
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=sandbox_env(home, cold),
        start_new_session=True,
        close_fds=True,
        cwd=cwd,
    )
    os.close(slave)
    raw = bytearray()
    text = bytearray()
    deadline = started + timeout
    quit_sent = False
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                run.error = "timed out"
                break
            ready, _, _ = select.select([master], [], [], min(0.5, deadline - now))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            stamp = time.perf_counter() - started
            raw += chunk
            # Sequences may straddle reads: strip the whole tail again (cheap at this size).
            text = bytearray(_ESCAPES.sub(b"", bytes(raw[-200_000:])))
            if "paint" not in run.times and ALT_SCREEN in raw:
                run.times["paint"] = stamp
            if "rows" not in run.times and all(m in text for m in ROW_MARKERS):
                run.times["rows"] = stamp
            if "loaded" not in run.times and LOADED_MARKER.search(text):
                run.times["loaded"] = stamp
            if "loaded" in run.times and "rows" in run.times and not quit_sent:
                os.write(master, b"q")
                quit_sent = True
        try:
            run.status = process.wait(timeout=10)
            run.times["exit"] = time.perf_counter() - started
            # The app waits for its child, so its rusage includes the child's.
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            run.times["cpu"] = (after.ru_utime - before.ru_utime) + (
                after.ru_stime - before.ru_stime
            )
        except subprocess.TimeoutExpired:
            run.error = (run.error or "") + " did not exit after q"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # Give a child that follows its parent a moment to notice, then look for it.
        for _ in range(20):
            run.leftovers = session_members(process.pid)
            if not run.leftovers:
                break
            time.sleep(0.1)
        for line in run.leftovers:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        os.close(master)
        shutil.rmtree(home, ignore_errors=True)
    if "loaded" not in run.times:
        tail = _ESCAPES.sub(b"", bytes(raw[-2000:])).decode("utf-8", "replace")
        run.error = f"{run.error or ''} never loaded (status {run.status}): {tail[-300:]!r}"
    return run


def summary(name: str, values: list[float]) -> str:
    """One line: median, min, max and spread of ``values``."""
    if not values:
        return f"  {name:<7} (no data)"
    spread = statistics.pstdev(values) if len(values) > 1 else 0.0
    return (
        f"  {name:<7} median {statistics.median(values):5.2f} s   min {min(values):5.2f}   "
        f"max {max(values):5.2f}   stdev {spread:4.2f}   (n={len(values)})"
    )


def main() -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x36", help="COLUMNSxROWS (default 120x36)")
    parser.add_argument("--timeout", type=float, default=40.0, help="seconds per run")
    parser.add_argument(
        "--cold", action="store_true", help="no bytecode cache of its own, no warm-up run"
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        help="run `python -m amiexplorer` from DIR (another revision, e.g. from git archive)",
    )
    parser.add_argument("extra", nargs="*", help="more amiexplorer arguments (after --)")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    argv = command(args.extra)
    if args.source:
        argv = [sys.executable, "-m", "amiexplorer", "--demo", *args.extra]
    where = f" in {args.source}" if args.source else ""
    print(f"{' '.join(argv)}{where}  in a {columns}x{rows} pty, {args.runs} run(s)")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    if not args.cold:
        warm = one_run(argv, (columns, rows), args.timeout, cwd=args.source)
        print(f"warm-up run (not counted): loaded at {warm.times.get('loaded', float('nan')):.2f}")
    runs: list[Run] = []
    for number in range(1, args.runs + 1):
        run = one_run(argv, (columns, rows), args.timeout, args.cold, args.source)
        runs.append(run)
        cells = "  ".join(
            f"{name} {run.times[name]:5.2f}" if name in run.times else f"{name}   -  "
            for name in MILESTONES
        )
        notes = f"  exit status {run.status}"
        if run.leftovers:
            notes += f"  LEFT BEHIND: {run.leftovers}"
        if run.error:
            notes += f"  ERROR: {run.error}"
        print(f"run {number}: {cells}{notes}", flush=True)
    print("seconds from spawn (cpu: CPU seconds used):")
    for name in MILESTONES:
        print(summary(name, [r.times[name] for r in runs if name in r.times]))
    left = sum(len(r.leftovers) for r in runs)
    print(f"processes left behind after quitting: {left}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
