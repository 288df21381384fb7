"""Typed settings, read from a TOML file in the user's config directory (or --config PATH).

A bad file never produces a traceback: `ConfigError` names the key and what is allowed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_state_path

APP_NAME = "amiexplorer"


class ConfigError(Exception):
    """The config file cannot be used; the message says which key and what is allowed."""


@dataclass(frozen=True, slots=True)
class Prices:
    """List prices in USD per GB-month, used for the audit's monthly cost estimates."""

    #: Snapshot storage, standard tier (billed on changed blocks: an upper bound).
    snapshot_standard: float = 0.05
    #: Snapshot storage, archive tier.
    snapshot_archive: float = 0.0125
    #: Volume storage per type.
    gp3: float = 0.08
    gp2: float = 0.10
    io1: float = 0.125
    io2: float = 0.125
    st1: float = 0.045
    sc1: float = 0.015
    standard: float = 0.05


#: Above this many images (or snapshots), the audit does not read who each one is shared with
#: (one call each) unless asked to.
DEFAULT_SHARING_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Audit thresholds: how old a resource must be before it is reported."""

    #: Minimum age in days before a snapshot is reported.
    snapshot_min_age_days: int = 0
    #: Minimum age in days before an image is reported.
    image_min_age_days: int = 0
    #: Minimum age in days before an unattached volume is reported.
    volume_min_age_days: int = 0


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


def default_config_path() -> Path:
    """The config file in the user's config directory (XDG_CONFIG_HOME on Linux)."""
    return user_config_path(APP_NAME) / "config.toml"


def state_dir() -> Path:
    """The user's state directory for amiexplorer (XDG_STATE_HOME on Linux)."""
    return user_state_path(APP_NAME)


def _check_number(key: str, value: object, kind: type, minimum: float = 0) -> Any:
    ok = isinstance(value, int | float) if kind is float else isinstance(value, int)
    if isinstance(value, bool) or not ok or value < minimum:  # type: ignore[operator]
        word = "a number" if kind is float else "a whole number"
        raise ConfigError(f"{key} must be {word} of at least {minimum:g}, not {value!r}")
    return kind(value)


def _section(key: str, value: object, cls: type) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    allowed = {f.name: f for f in fields(cls)}
    for name, item in value.items():
        if name not in allowed:
            raise ConfigError(f"unknown key {key}.{name}; allowed: {', '.join(allowed)}")
        kind = float if allowed[name].type in ("float", float) else int
        value[name] = _check_number(f"{key}.{name}", item, kind)
    return cls(**value)


def _string(key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string, not {value!r}")
    return value


def parse_settings(data: Mapping[str, Any]) -> Settings:
    """Settings from parsed TOML, checking every key and type."""
    values: dict[str, Any] = {}
    allowed = [f.name for f in fields(Settings)]
    for key, value in data.items():
        if key == "profile":
            values[key] = _string(key, value)
        elif key == "regions":
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                raise ConfigError('regions must be a list of region names, like ["eu-west-1"]')
            values[key] = tuple(value)
        elif key == "read_only":
            if not isinstance(value, bool):
                raise ConfigError(f"read_only must be true or false, not {value!r}")
            values[key] = value
        elif key == "refresh_interval":
            values[key] = _check_number(key, value, int)
        elif key == "theme":
            values[key] = _string(key, value)
        elif key == "keymap":
            if not isinstance(value, dict):
                raise ConfigError("[keymap] must be a table of binding id = key")
            values[key] = {k: _string(f"keymap.{k}", v) for k, v in value.items()}
        elif key == "prices":
            values[key] = _section(key, dict(value) if isinstance(value, dict) else value, Prices)
        elif key == "thresholds":
            section = dict(value) if isinstance(value, dict) else value
            values[key] = _section(key, section, Thresholds)
        else:
            raise ConfigError(f"unknown key {key!r}; allowed: {', '.join(allowed)}")
    return Settings(**values)


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file: a missing default file means defaults; a missing --config, an error."""
    explicit = path is not None
    target = path if path is not None else default_config_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"config file {target} does not exist") from None
        return Settings()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {target} is not valid TOML: {exc}") from None
    try:
        return parse_settings(data)
    except ConfigError as exc:
        raise ConfigError(f"config file {target}: {exc}") from None
