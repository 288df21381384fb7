"""Every bad start: one clear line on stderr, exit status 2, never a traceback.

The command runs as a real subprocess, the way a person runs it, against a sealed
environment (no AWS config of the developer's, no instance metadata).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amiexplorer.demo import DEMO_ACCOUNT_ID, DemoServer, Planted

FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret"}


def sealed(tmp_path: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without any AWS setting of the developer's, no metadata service."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        }
    )
    env.update(extra_env or {})
    return env


def run(
    args: list[str], tmp_path: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m amiexplorer ARGS` with a sealed environment."""
    return subprocess.run(
        [sys.executable, "-m", "amiexplorer", *args],
        env=sealed(tmp_path, extra_env),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_bad_start(result: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """Exit status 2 and exactly one line on stderr containing every phrase."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("amiexplorer: ")
    for phrase in phrases:
        assert phrase in lines[0]
    assert result.stdout == ""
    return lines[0]


def test_no_credentials_says_where_it_looked_and_offers_the_demo(tmp_path: Path) -> None:
    line = assert_bad_start(
        run(["--region", "us-east-1"], tmp_path),
        "no AWS credentials found",
        "AWS_ACCESS_KEY_ID",
        str(tmp_path / "aws-credentials"),
        str(tmp_path / "aws-config"),
        "amiexplorer --demo",
    )
    assert "needs no account" in line


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "aws-config").write_text("[profile staging]\nregion = eu-west-1\n")
    assert_bad_start(run(["--profile", "prdo"], tmp_path), "unknown profile 'prdo'", "staging")


def test_unknown_profile_from_the_environment(tmp_path: Path) -> None:
    assert_bad_start(run([], tmp_path, {"AWS_PROFILE": "ghost"}), "unknown profile 'ghost'")


def test_unknown_region_name_before_any_call(tmp_path: Path) -> None:
    assert_bad_start(
        run(["--region", "eu-wset-1"], tmp_path, FAKE_KEYS),
        "unknown region 'eu-wset-1'",
        "eu-west-1",
    )


def test_unknown_region_name_on_a_custom_endpoint(
    tmp_path: Path, world: Planted, demo_server: DemoServer
) -> None:
    assert_bad_start(
        run(
            ["--endpoint-url", demo_server.endpoint_url, "--region", "mars-north-1"],
            tmp_path,
            FAKE_KEYS,
        ),
        "unknown region 'mars-north-1'",
    )


def test_endpoint_that_does_not_answer(tmp_path: Path, unused_port: int) -> None:
    url = f"http://127.0.0.1:{unused_port}"
    assert_bad_start(
        run(["--endpoint-url", url, "--region", "us-east-1"], tmp_path, FAKE_KEYS),
        f"cannot reach {url}",
        "--endpoint-url",
    )


def test_endpoint_from_the_environment(tmp_path: Path, unused_port: int) -> None:
    url = f"http://127.0.0.1:{unused_port}"
    assert_bad_start(
        run(["--region", "us-east-1"], tmp_path, {**FAKE_KEYS, "AWS_ENDPOINT_URL": url}),
        f"cannot reach {url}",
    )


def test_rejected_credentials(tmp_path: Path, world: Planted, demo_server: DemoServer) -> None:
    demo_server.fail_action("GetCallerIdentity", "InvalidClientTokenId", 403)
    assert_bad_start(
        run(["--endpoint-url", demo_server.endpoint_url, "whoami"], tmp_path, FAKE_KEYS),
        "credentials were rejected (InvalidClientTokenId)",
    )


def test_expired_credentials(tmp_path: Path, world: Planted, demo_server: DemoServer) -> None:
    demo_server.fail_action("GetCallerIdentity", "ExpiredToken", 400)
    assert_bad_start(
        run(["whoami", "--endpoint-url", demo_server.endpoint_url], tmp_path, FAKE_KEYS),
        "credentials have expired (ExpiredToken)",
        "aws sso login",
    )


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("regions = 'eu-west-1'", "regions must be a list"),
        ("nonsense = 1", "unknown key 'nonsense'"),
        ("[[[", "not valid TOML"),
    ],
)
def test_bad_config_file(tmp_path: Path, text: str, phrase: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    assert_bad_start(run(["--config", str(config)], tmp_path, FAKE_KEYS), phrase, str(config))


def test_missing_config_file(tmp_path: Path) -> None:
    assert_bad_start(
        run(["whoami", "--config", str(tmp_path / "nope.toml")], tmp_path), "does not exist"
    )


def test_whoami_prints_the_identity(
    tmp_path: Path, world: Planted, demo_server: DemoServer
) -> None:
    result = run(
        ["whoami", "--endpoint-url", demo_server.endpoint_url, "--region", "eu-west-1"],
        tmp_path,
        FAKE_KEYS,
    )
    assert result.returncode == 0, result.stderr
    assert f"account:  {DEMO_ACCOUNT_ID} (acme-prod)" in result.stdout
    assert "regions:  eu-west-1" in result.stdout
    assert "fake-secret" not in result.stdout + result.stderr


def test_whoami_on_the_demo(tmp_path: Path) -> None:
    result = run(["--demo", "whoami"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert DEMO_ACCOUNT_ID in result.stdout
    assert "us-east-1" in result.stdout and "ap-southeast-2" in result.stdout


def test_a_demo_world_that_cannot_start(tmp_path: Path) -> None:
    # A broken moto install, as the demo world's child process would meet it.
    shadow = tmp_path / "shadow" / "moto"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('moto is broken here')\n")
    assert_bad_start(
        run(["--demo", "whoami"], tmp_path, {"PYTHONPATH": str(shadow.parent)}),
        "the demo world did not start",
        "ImportError: moto is broken here",
    )


def run_at_a_terminal(
    args: list[str],
    tmp_path: Path,
    seconds: float = 60,
    extra_env: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Run `python -m amiexplorer ARGS` on a pseudo-terminal (80x24), as a person does.

    Returns the exit status and everything written to the terminal (the TUI draws there too).
    """
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    env = sealed(tmp_path, {"TERM": "xterm-256color", **(extra_env or {})})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "amiexplorer", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif child.poll() is not None:
                break
        status = child.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    return status, output.decode("utf-8", "replace")


def line_after_the_tui(shown: str) -> str:
    """The one line printed after the TUI gave the terminal back (unwrapped), or fail."""
    after = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.rsplit("\x1b[?1049l", 1)[-1])
    lines = [line for line in after.replace("\r", "").split("\n") if line.strip()]
    assert len(lines) == 1, after
    assert lines[0].startswith("amiexplorer: ")
    return lines[0]


def test_at_a_terminal_the_frame_comes_first_and_a_bad_start_is_still_one_line(
    tmp_path: Path,
) -> None:
    status, shown = run_at_a_terminal(["--region", "us-east-1"], tmp_path)
    assert status == 2, shown[-2000:]
    assert "Connecting with the default credential chain" in shown  # the frame came first
    assert "Traceback" not in shown
    # After the TUI gave the terminal back: the one line (wrapped by the terminal at most).
    line = line_after_the_tui(shown)
    assert line.startswith("amiexplorer: no AWS credentials found")
    assert "amiexplorer --demo" in line
