"""A real, unpatched moto server in a child process: none of the demo's patches.

The test process installs the demo's patches into its own moto (the demo world's server runs
in-process), so an unpatched moto can only be another process: `python -m moto.server`, as
anyone would run it, with the default AMIs switched off.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

#: How long moto may take to import and bind (it imports every backend's models).
START_DEADLINE = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class UnpatchedMoto:
    """`start()`, `reset()` between tests, `stop()`; `endpoint_url` for clients."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def endpoint_url(self) -> str:
        """What to give boto3, aiobotocore or `--endpoint-url`."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server on a free loopback port; return once it answers."""
        for _ in range(3):  # another process may take the port between bind and moto's bind
            self.port = _free_port()
            self._log = self.log_dir / f"moto-{self.port}.log"
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            if self._wait_until_it_answers():
                return
            self.stop()
        raise RuntimeError(f"moto_server did not start: {self.log_tail()}")

    def _wait_until_it_answers(self) -> bool:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.endpoint_url + "/moto-api/", timeout=2) as reply:
                    if reply.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)  # polling a condition, with a deadline
        return False

    def reset(self) -> None:
        """Forget every resource of every account and region (`POST /moto-api/reset`)."""
        request = urllib.request.Request(self.endpoint_url + "/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 200

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, for a failure message."""
        if self._log is None or not self._log.exists():
            return ""
        return "\n".join(self._log.read_text("utf-8", "replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the server (and kill it if it lingers)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
