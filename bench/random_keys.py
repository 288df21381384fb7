"""Thousands of seeded random keys, in bursts and with resizes down to 20x8: the figures.

    .venv/bin/python bench/random_keys.py [--keys 6000] [--seed N] [--only terminal|pilot]
                                          [--no-palette]

Two harnesses, each given `--keys` random keys:

- ``terminal``: `amiexplorer --demo` on a pseudo-terminal; keys as bytes, one or several in
  a write (escape sequences of arrows, page and function keys, pastes), window resizes
  (TIOCSWINSZ and SIGWINCH) from 160x50 down to 20x8; ctrl+q at the end must restore the
  terminal (`tests/reliability/terminal.py`, `run_random_keys`). A crash or a hang is
  counted and the app started again. With ``--no-palette`` the keys never open the command
  palette (no ctrl+p, and rounds end with the help instead), as in CI for now;
- ``pilot``: the two Pilot runs of `tests/reliability/test_random_keys.py` (AWS errors
  injected; read-only), with bursts queued at once and resizes between and within them,
  run by pytest with ``AMIEXPLORER_RANDOM_KEYS`` set.

It prints, per harness: keys, writes (terminal), bursts, resizes (and how many to 20x8),
dialogs opened, screens reached, app runs, quits the keys chose, crashes, hangs, seconds;
then the totals. The exit status is 1 when there was a crash or a hang, never for a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.conftest import FIGURES_FILE, random_run_lines  # noqa: E402
from tests.reliability.terminal import run_random_keys  # noqa: E402


def terminal(keys: int, seed: int, palette: bool) -> dict[str, float]:
    """The pseudo-terminal run (a crash or a hang: a new start, and on); its figures."""
    with tempfile.TemporaryDirectory(prefix="amiexplorer-random-keys-") as directory:
        run = run_random_keys(
            Path(directory), seed, keys, wait=60, keep_going=True, palette=palette
        )
    for problem in run.problems:
        print(f"terminal: {problem}", file=sys.stderr)
    print(f"terminal dialogs: {dict(sorted(run.dialogs.items()))}")
    return {f"random.terminal.{name}": value for name, value in run.figures().items()}


def pilot(keys: int) -> dict[str, float]:
    """The two Pilot runs, through pytest; their figures."""
    with tempfile.TemporaryDirectory(prefix="amiexplorer-random-keys-") as directory:
        figures = Path(directory) / "figures.json"
        env = {**os.environ, "AMIEXPLORER_RANDOM_KEYS": str(keys), FIGURES_FILE: str(figures)}
        command = [
            sys.executable, "-m", "pytest", "-n0", "-q", "-p", "no:cacheprovider",
            "tests/reliability/test_random_keys.py", "-k", "aws_errors or read_only",
        ]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-6000:], file=sys.stderr)
        found = json.loads(figures.read_text()) if figures.exists() else {}
    recorded = {name: value for name, value in found.items() if name.startswith("random.")}
    if done.returncode != 0 and not any(name.endswith((".crashes", ".hangs")) and value
                                        for name, value in recorded.items()):  # fmt: skip
        recorded["random.pilot.crashes"] = 1  # pytest failed without saying why: count it
    return recorded


def main() -> int:
    """Run the harnesses asked for; print their figures and the totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=6000, help="random keys per run")
    parser.add_argument("--seed", type=int, default=20261203, help="the terminal run's seed")
    parser.add_argument("--only", choices=("terminal", "pilot"), help="one harness only")
    parser.add_argument(
        "--no-palette", action="store_true", help="no ctrl+p among the terminal's random keys"
    )
    args = parser.parse_args()
    started = time.monotonic()
    figures: dict[str, float] = {}
    if args.only in (None, "terminal"):
        figures |= terminal(args.keys, args.seed, palette=not args.no_palette)
    if args.only in (None, "pilot"):
        figures |= pilot(args.keys)
    for line in random_run_lines(figures):
        print(line)

    def total(name: str) -> float:
        return sum(v for k, v in figures.items() if k.endswith(f".{name}"))

    print(
        f"in all: {total('keys'):g} keys, {total('bursts'):g} bursts, {total('resizes'):g} resizes "
        f"({total('resizes_to_20x8'):g} to 20x8), {total('dialogs_opened'):g} dialogs opened, "
        f"{total('crashes'):g} crashes, {total('hangs'):g} hangs, "
        f"{time.monotonic() - started:.0f} s"
    )
    return 1 if total("crashes") or total("hangs") else 0


if __name__ == "__main__":
    raise SystemExit(main())
