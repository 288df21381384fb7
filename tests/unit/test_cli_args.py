"""Connection flags are accepted before or after a subcommand."""

import pytest

from amiexplorer.cli.main import build_parser, connection_settings
from amiexplorer.config import Settings


@pytest.mark.parametrize(
    "argv",
    [
        [
            "--profile",
            "prod",
            "--region",
            "eu-west-1",
            "--region",
            "us-east-1",
            "--read-only",
            "whoami",
        ],
        [
            "whoami",
            "--profile",
            "prod",
            "--region",
            "eu-west-1",
            "--region",
            "us-east-1",
            "--read-only",
        ],
        [
            "--profile",
            "prod",
            "whoami",
            "--region",
            "eu-west-1",
            "--region",
            "us-east-1",
            "--read-only",
        ],
    ],
)
def test_flags_before_or_after_the_subcommand(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    args = build_parser().parse_args(argv)
    assert args.command == "whoami"
    chosen = connection_settings(args, Settings())
    assert chosen.profile == "prod"
    assert chosen.regions == ("eu-west-1", "us-east-1")
    assert chosen.read_only is True


def test_environment_and_config_fill_what_flags_leave_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "from-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    args = build_parser().parse_args([])
    chosen = connection_settings(args, Settings(regions=("ap-southeast-2",), read_only=True))
    assert chosen.profile == "from-env"
    assert chosen.endpoint_url == "http://localhost:4566"
    assert chosen.regions == ("ap-southeast-2",)
    assert chosen.read_only is True
    flagged = connection_settings(build_parser().parse_args(["--profile", "flag"]), Settings())
    assert flagged.profile == "flag"


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("amiexplorer ")


def test_settings_repr_never_shows_keys() -> None:
    from amiexplorer.aws.session import ConnectionSettings

    settings = ConnectionSettings(
        access_key_id="AKIDSECRETLOOKING", secret_access_key="s3cr3t-value"
    )
    assert "s3cr3t-value" not in repr(settings)
    assert "AKIDSECRETLOOKING" not in repr(settings)
