"""The config file's limits: what is read at all, the ranges of numbers, the timeouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from amiexplorer.config import (
    MAX_CONFIG_BYTES,
    ConfigError,
    Settings,
    Timeouts,
    load_settings,
    parse_settings,
)
from amiexplorer.core.connection import CALL_TIMEOUT, STARTUP_TIMEOUT


def test_the_timeouts_default_to_the_connection_defaults() -> None:
    assert Settings().timeouts == Timeouts(startup=STARTUP_TIMEOUT, call=CALL_TIMEOUT)
    assert (STARTUP_TIMEOUT, CALL_TIMEOUT) == (20.0, 120.0)


def test_the_timeouts_are_read() -> None:
    settings = parse_settings({"timeouts": {"startup": 5, "call": 42.5}})
    assert settings.timeouts == Timeouts(startup=5.0, call=42.5)
    assert isinstance(settings.timeouts.startup, float)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timeouts": {"startup": 0}}, "timeouts.startup must be a number of at least 0.1"),
        ({"timeouts": {"call": 3601}}, "timeouts.call must be a number of at most 3600"),
        ({"timeouts": {"call": float("nan")}}, "timeouts.call must be a finite number"),
        ({"timeouts": {"startup": True}}, "timeouts.startup must be a number"),
        ({"timeouts": {"read": 1}}, "unknown key timeouts.read; allowed: startup, call"),
        ({"timeouts": 5}, "[timeouts] must be a table"),
        (
            {"thresholds": {"snapshot_min_age_days": 36501}},
            "thresholds.snapshot_min_age_days must be a whole number of at most 36500",
        ),
        ({"prices": {"gp3": float("inf")}}, "prices.gp3 must be a finite number, not inf"),
        ({"prices": {"gp2": 1e9}}, "prices.gp2 must be a number of at most 1000"),
        ({"refresh_interval": 10**20}, "refresh_interval must be a whole number of at most 86400"),
        ({"profile": "x" * 10_000}, None),
        ({"read_only": "y" * 10_000}, "read_only must be true or false, not 'yyyy"),
        ({"k" * 10_000: 1}, "unknown key 'kkkk"),
    ],
)
def test_numbers_have_ranges_and_messages_stay_short(
    data: dict[str, object], message: str | None
) -> None:
    if message is None:
        parse_settings(data)  # a long profile name is a name
        return
    with pytest.raises(ConfigError) as caught:
        parse_settings(data)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 200


def test_the_largest_threshold_is_accepted() -> None:
    settings = parse_settings({"thresholds": {"image_min_age_days": 36500}})
    assert settings.thresholds.image_min_age_days == 36500


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "is not UTF-8 text (byte 0x89"),
        (lambda p: p.write_bytes(b"theme = '\xff'"), "is not UTF-8 text (byte 0xff at offset 9)"),
        (lambda p: p.write_text("a = " + "[" * 5000 + "]" * 5000), "nests arrays or tables"),
        (lambda p: p.write_text("x = " + "1" * 5000), "a number in it has too many digits"),
        (lambda p: p.mkdir(), "is a directory, not a file"),
        (lambda p: os.mkfifo(p), "is a FIFO (named pipe), not a file"),
        (lambda p: p.symlink_to("/dev/zero"), "is a device, not a file"),
        (
            lambda p: p.write_bytes(b"#" * (MAX_CONFIG_BYTES + 1)),
            "is larger than 1024 KiB (1048577 bytes)",
        ),
    ],
    ids=["binary", "not-utf-8", "deep", "long-number", "directory", "fifo", "dev-zero", "large"],
)
def test_files_that_are_not_config_files(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "config.toml"
    make(path)  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"config file {path} ") or str(caught.value).startswith(
        f"cannot read config file {path}"
    )
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_file_just_under_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"read_only = true\n" + b"#" * (MAX_CONFIG_BYTES - 20) + b"\n")
    assert load_settings(path).read_only is True


def test_the_default_file_as_a_directory_is_an_error_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "amiexplorer" / "config.toml").mkdir(parents=True)
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("read_only = true\n")
    path.chmod(0)
    with pytest.raises(ConfigError, match=r"cannot read config file .*: Permission denied"):
        load_settings(path)
