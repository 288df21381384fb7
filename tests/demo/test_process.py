"""The demo world in a child process (what `amiexplorer --demo` runs): it serves, it reports
failures in one line, and it never outlives the process that started it."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from amiexplorer.demo import DEMO_ACCOUNT_ID, DEMO_CREDENTIALS, process
from amiexplorer.demo.process import DemoProcess, DemoStartError

#: A parent that starts the demo world, prints the child's pid (and, once it is ready, its
#: endpoint), then waits to be killed.
PARENT = textwrap.dedent(
    """
    import sys
    from amiexplorer.demo.process import DemoProcess

    world = DemoProcess.start()
    print(world.pid, flush=True)
    if sys.argv[1] == "ready":
        print(world.wait_ready(), flush=True)
    sys.stdin.read()
    """
)


def ends_within(pid: int, seconds: float) -> bool:
    """True when process ``pid`` ends within ``seconds`` (already gone counts)."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([handle], [], [], seconds)
        return bool(readable)
    finally:
        os.close(handle)


@pytest.fixture
def parent() -> Iterator[list[subprocess.Popen[str]]]:
    """Room for one parent process; killed (if still alive) after the test."""
    made: list[subprocess.Popen[str]] = []
    yield made
    for popen in made:
        popen.kill()
        popen.wait()


@pytest.mark.parametrize("when", ["starting", "ready"])
def test_the_child_ends_when_its_parent_is_killed(
    when: str, parent: list[subprocess.Popen[str]]
) -> None:
    popen = subprocess.Popen(
        [sys.executable, "-c", PARENT, when],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parent.append(popen)
    assert popen.stdout is not None and popen.stderr is not None
    child = int(popen.stdout.readline())
    assert ends_within(child, 0) is False  # alive, and now watched
    handle = os.pidfd_open(child)
    try:
        if when == "ready":
            endpoint = popen.stdout.readline().strip()
            access_key, secret_key = DEMO_CREDENTIALS
            sts = boto3.client(
                "sts",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
            assert sts.get_caller_identity()["Account"] == DEMO_ACCOUNT_ID
        # No cleanup code runs in a killed parent: only the kernel closing its pipes.
        popen.send_signal(signal.SIGKILL)
        popen.wait()
        readable, _, _ = select.select([handle], [], [], 30)
        assert readable, "the demo world outlived its parent"
    finally:
        os.close(handle)
    # The child never wrote on its parent's stderr (in real use, the TUI's terminal).
    assert popen.stderr.read() == ""


def test_stop_ends_the_child() -> None:
    world = DemoProcess.start()
    world.stop()
    assert ends_within(world.pid, 0)
    world.stop()  # idempotent


def test_a_child_killed_before_it_was_ready_is_reported() -> None:
    world = DemoProcess.start()
    os.kill(world.pid, signal.SIGKILL)
    with pytest.raises(DemoStartError, match=r"stopped before it was ready \(killed by signal 9\)"):
        world.wait_ready()


def test_started_early_only_for_the_demo() -> None:
    process.start_early(["whoami", "--region", "eu-west-1"])
    assert process._early is None
    process.start_early(["--demo", "whoami"])
    early = process._early
    assert early is not None
    try:
        assert process.claim() is early
        assert process._early is None
    finally:
        early.stop()


def test_a_child_that_is_not_ready_in_time_is_stopped() -> None:
    world = DemoProcess.start()
    with pytest.raises(DemoStartError, match=r"not ready after 0\.01 seconds"):
        world.wait_ready(timeout=0.01)
    assert ends_within(world.pid, 0)
