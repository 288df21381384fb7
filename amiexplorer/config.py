"""Typed settings, read from a TOML file in the user's config directory (or --config PATH).

A bad file never produces a traceback: `ConfigError` names the file, the key and what is
allowed. The file is read with a size cap, and only if it is a regular file: `/dev/zero`, a
FIFO or a directory is refused before a byte is read.
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_state_path

from amiexplorer.core.connection import CALL_TIMEOUT, STARTUP_TIMEOUT
from amiexplorer.core.tuning import (
    Prices,
    Thresholds,
)
from amiexplorer.core.tuning import bounds as _bounds

APP_NAME = "amiexplorer"

#: The largest config file read; a real one is a few hundred bytes.
MAX_CONFIG_BYTES = 1024 * 1024
#: The longest automatic refresh interval, in seconds (a day).
MAX_REFRESH_INTERVAL = 86400
#: The shortest and longest deadline, in seconds.
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 3600.0


class ConfigError(Exception):
    """The config file cannot be used; the message says which key and what is allowed."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Deadlines in seconds (the reasons for the defaults are in core/connection.py)."""

    #: The start-up checks in all, on the wall clock: credentials (credential_process, SSO,
    #: assume-role), identity, account alias, regions.
    startup: float = field(default=STARTUP_TIMEOUT, metadata=_bounds(MIN_TIMEOUT, MAX_TIMEOUT))
    #: One AWS call in all, every retry and backoff included (a page of a listing is a call).
    call: float = field(default=CALL_TIMEOUT, metadata=_bounds(MIN_TIMEOUT, MAX_TIMEOUT))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a user can set in the config file."""

    #: The AWS profile to use when neither --profile nor AWS_PROFILE is given.
    profile: str | None = None
    #: Regions to load when no --region is given; empty means every enabled region.
    regions: tuple[str, ...] = ()
    #: Refuse every change to AWS (the same as --read-only).
    read_only: bool = False
    #: Seconds between automatic refreshes; 0 turns automatic refresh off.
    refresh_interval: int = 0
    #: The Textual theme name.
    theme: str = "textual-dark"
    #: Key remapping: binding id -> key (for example {"filter" = "f"}).
    keymap: Mapping[str, str] = field(default_factory=dict)
    #: Prices for cost estimates.
    prices: Prices = field(default_factory=Prices)
    #: Audit thresholds.
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: Deadlines of the start-up checks and of each AWS call.
    timeouts: Timeouts = field(default_factory=Timeouts)
    #: The file these settings were read from (None: the defaults, or made in code), so that
    #: a check made later (the keymap, once the TUI knows its bindings) names it too.
    source: Path | None = field(default=None, compare=False)


#: What the file may set (`source` is where it was read from, not a setting).
SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "source")


def settings_origin(settings: Settings) -> str:
    """Where a message says the settings came from: "config file PATH", or "settings"."""
    return f"config file {settings.source}" if settings.source is not None else "settings"


def default_config_path() -> Path:
    """The config file in the user's config directory (XDG_CONFIG_HOME on Linux)."""
    return user_config_path(APP_NAME) / "config.toml"


def state_dir() -> Path:
    """The user's state directory for amiexplorer (XDG_STATE_HOME on Linux)."""
    return user_state_path(APP_NAME)


def _shown(value: object, limit: int = 60) -> str:
    """`value` as the message quotes it: its repr, cut short (a value may be huge)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_number(
    key: str, value: object, kind: type, minimum: float = 0, maximum: float | None = None
) -> Any:
    ok = isinstance(value, int | float) if kind is float else isinstance(value, int)
    word = "a number" if kind is float else "a whole number"
    if isinstance(value, bool) or not ok:
        raise ConfigError(f"{key} must be {word} of at least {minimum:g}, not {_shown(value)}")
    assert isinstance(value, int | float)
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{key} must be a finite number, not {_shown(value)}")
    if value < minimum:
        raise ConfigError(f"{key} must be {word} of at least {minimum:g}, not {_shown(value)}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{key} must be {word} of at most {maximum:g}, not {_shown(value)}")
    return kind(value)


def _section(key: str, value: object, cls: type) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    allowed = {f.name: f for f in fields(cls)}
    checked: dict[str, Any] = {}
    for name, item in value.items():
        if name not in allowed:
            # The name without its quotes (the ellipsis of a name cut short stays).
            shown = _shown(name, 40).strip("'\"")
            raise ConfigError(f"unknown key {key}.{shown}; allowed: {', '.join(allowed)}")
        spec = allowed[name]
        kind = float if spec.type in ("float", float) else int
        checked[name] = _check_number(
            f"{key}.{name}",
            item,
            kind,
            spec.metadata.get("min", 0),
            spec.metadata.get("max"),
        )
    return cls(**checked)


def _string(key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string, not {_shown(value)}")
    return value


def _keymap(value: object) -> dict[str, str]:
    """`[keymap]`'s shape: binding id = key. Which ids and keys exist is the TUI's to say
    (amiexplorer.keymap), once it knows its bindings; the audit never reads them."""
    if not isinstance(value, dict):
        raise ConfigError('[keymap] must be a table of binding id = key, like filter = "f"')
    return {
        k: _string(f"keymap.{k if len(k) <= 40 else k[:39] + '…'}", v) for k, v in value.items()
    }


def parse_settings(data: Mapping[str, Any]) -> Settings:
    """Settings from parsed TOML, checking every key and type."""
    values: dict[str, Any] = {}
    allowed = SETTING_NAMES
    for key, value in data.items():
        if key == "profile":
            values[key] = _string(key, value)
        elif key == "regions":
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                raise ConfigError('regions must be a list of region names, like ["eu-west-1"]')
            values[key] = tuple(value)
        elif key == "read_only":
            if not isinstance(value, bool):
                raise ConfigError(f"read_only must be true or false, not {_shown(value)}")
            values[key] = value
        elif key == "refresh_interval":
            values[key] = _check_number(key, value, int, 0, MAX_REFRESH_INTERVAL)
        elif key == "theme":
            values[key] = _string(key, value)
        elif key == "keymap":
            values[key] = _keymap(value)
        elif key == "prices":
            values[key] = _section(key, value, Prices)
        elif key == "thresholds":
            values[key] = _section(key, value, Thresholds)
        elif key == "timeouts":
            values[key] = _section(key, value, Timeouts)
        else:
            raise ConfigError(f"unknown key {_shown(key, 40)}; allowed: {', '.join(allowed)}")
    return Settings(**values)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_config_text(target: Path) -> str:
    """The text of the config file, read safely; FileNotFoundError if there is none.

    Opened without blocking (a FIFO would wait for a writer for ever) and checked to be a
    regular file before a byte is read; at most MAX_CONFIG_BYTES are read.
    """
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise ConfigError(f"config file {target} is a directory, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind_of(info.st_mode)
            raise ConfigError(f"config file {target} is {kind}, not a file")
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"config file {target} is larger than {MAX_CONFIG_BYTES // 1024} KiB "
                f"({info.st_size} bytes); a config file is a few lines of TOML"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_BYTES:  # it grew since fstat
        raise ConfigError(f"config file {target} is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {target} is not UTF-8 text (byte {data[exc.start]:#04x} at offset "
            f"{exc.start}); TOML files are UTF-8"
        ) from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file: a missing default file means defaults; a missing --config, an error."""
    explicit = path is not None
    target = path if path is not None else default_config_path()
    try:
        text = read_config_text(target)
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"config file {target} does not exist") from None
        return Settings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {target} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            f"config file {target} nests arrays or tables too deeply to be read"
        ) from None
    except Exception as exc:  # tomllib's own surprises (a number of 5,000 digits, ...)
        detail = "a number in it has too many digits" if "digits" in str(exc) else str(exc)
        raise ConfigError(
            f"config file {target} cannot be read as TOML: {' '.join(detail.split())[:120]}"
        ) from None
    try:
        return replace(parse_settings(data), source=target)
    except ConfigError as exc:
        raise ConfigError(f"config file {target}: {exc}") from None
