"""What the connecting screen shows while the start-up checks wait, and the library log sink."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from amiexplorer.startup import StartupProgress, Step, quiet_library_logs

STS = Step("Checking who you are with STS", "STS", "checking who you are", "check the network")
EC2 = Step("Listing the account's regions with EC2", "EC2", "listing the regions", "same")


def test_the_earliest_step_still_waited_for_is_shown_with_its_seconds() -> None:
    now = [50.0]
    progress = StartupProgress(clock=lambda: now[0])
    assert progress.describe() == ""
    progress.start(20)
    progress.begin(STS)
    now[0] += 1
    progress.begin(EC2)
    now[0] += 6.6
    assert progress.describe() == "Checking who you are with STS… 7 s (gives up in 13 s)"
    progress.end(STS)
    assert progress.describe() == "Listing the account's regions with EC2… 6 s (gives up in 13 s)"
    now[0] += 30
    assert progress.describe().endswith("(gives up in 0 s)")
    progress.end(EC2)
    assert progress.current is None


def test_before_the_deadline_starts_no_countdown_is_shown() -> None:
    progress = StartupProgress(clock=lambda: 0.0)
    progress.begin(STS)
    assert progress.describe() == "Checking who you are with STS… 0 s"


def test_a_cancelled_wait_stays_the_one_named_a_failed_one_does_not() -> None:
    import asyncio

    progress = StartupProgress()

    async def cancelled() -> None:
        with progress.waiting(STS):
            await asyncio.Event().wait()

    async def main() -> None:
        task = asyncio.create_task(cancelled())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert progress.current == STS
    with pytest.raises(ValueError), progress.waiting(EC2):
        raise ValueError("refused")
    assert progress.current == STS  # EC2 failed: no longer waited for


def test_library_logs_never_reach_the_last_resort_handler() -> None:
    # In a child: the test process has pytest's logging handlers on the root logger.
    probe = (
        "import logging\n"
        "from amiexplorer.startup import quiet_library_logs\n"
        "quiet_library_logs()\n"
        "logging.getLogger('aiobotocore.credentials').warning('refresh failed', exc_info=True)\n"
        "logging.getLogger('botocore.credentials').error('boom')\n"
        "logging.getLogger('elsewhere').warning('still printed')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stderr == "still printed\n"


def test_a_program_that_configures_logging_still_sees_the_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_library_logs()
    quiet_library_logs()  # idempotent
    handlers = logging.getLogger("aiobotocore").handlers
    assert sum(isinstance(h, logging.NullHandler) for h in handlers) == 1
    with caplog.at_level(logging.WARNING):
        logging.getLogger("aiobotocore.credentials").warning("refresh failed")
    assert "refresh failed" in caplog.text
