"""The config file: typed settings, and clear errors that name the key."""

from pathlib import Path

import pytest

from amiexplorer.config import ConfigError, Settings, load_settings, parse_settings


def test_missing_default_file_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_settings() == Settings()


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_full_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'profile = "prod"\nregions = ["eu-west-1", "us-east-1"]\nread_only = true\n'
        'refresh_interval = 60\n[keymap]\nfilter = "f"\n[prices]\ngp3 = 0.1\n'
        "[thresholds]\nsnapshot_min_age_days = 30\n"
    )
    settings = load_settings(path)
    assert settings.profile == "prod"
    assert settings.regions == ("eu-west-1", "us-east-1")
    assert settings.read_only is True
    assert settings.refresh_interval == 60
    assert settings.keymap == {"filter": "f"}
    assert settings.prices.gp3 == 0.1
    assert settings.prices.gp2 == 0.10
    assert settings.thresholds.snapshot_min_age_days == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("regions = 'eu-west-1'", "regions must be a list"),
        ("read_only = 'yes'", "read_only must be true or false"),
        ("refresh_interval = -5", "refresh_interval must be a whole number of at least 0"),
        ("colour = 'blue'", "unknown key 'colour'; allowed: profile, regions"),
        ("[prices]\ngp9 = 1.0", "unknown key prices.gp9; allowed: snapshot_standard"),
        ("[prices]\ngp3 = 'cheap'", "prices.gp3 must be a number"),
        ("[thresholds]\nimage_min_age_days = 1.5", "thresholds.image_min_age_days must be a whole"),
        ("profile = ", "not valid TOML"),
    ],
)
def test_bad_files_name_the_key_and_what_is_allowed(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)


def test_parse_settings_rejects_empty_keymap_value() -> None:
    with pytest.raises(ConfigError, match=r"keymap\.filter must be a non-empty string"):
        parse_settings({"keymap": {"filter": ""}})


def test_a_long_unknown_name_is_cut_with_an_ellipsis() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({"prices": {"g" * 200: 1.0}})
    message = str(caught.value)
    assert f"unknown key prices.{'g' * 38}…;" in message
    assert "g" * 60 not in message
