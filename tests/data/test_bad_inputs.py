"""Bad inputs on every path: one line on stderr, status 2, no traceback, and within the deadline.

Each input runs as the real command (a subprocess in a sealed environment, see
test_bad_starts.py) three ways: `amiexplorer audit`, `amiexplorer whoami`, and the TUI with
no terminal (stdin, stdout and stderr not ttys). A few run the TUI on a pseudo-terminal too.
Endpoints are tiny local servers (bad_endpoints.py); credential_process scripts are written to
the test's directory. The deadlines are small, set through a config file, so a hang would show
as the subprocess's own 60 s timeout, far above them: the tests assert what was printed, never
how long it took.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from amiexplorer.demo import DEMO_ACCOUNT_ID, DemoServer, Planted
from tests.data.bad_endpoints import bad_endpoints
from tests.data.test_bad_starts import (
    FAKE_KEYS,
    assert_bad_start,
    line_after_the_tui,
    run,
    run_at_a_terminal,
)

#: The deadlines of the runs that meet them, in seconds (the defaults are 20 s and 120 s).
DEADLINE = 1
#: The deadlines of the others: a loaded machine must not turn their failure into a deadline's.
ROOMY = 15

#: The three paths every input takes: the two commands, and the TUI without a terminal.
PATHS = {"audit": ["audit"], "whoami": ["whoami"], "tui": []}


@pytest.fixture(scope="module")
def endpoints() -> Iterator[dict[str, str]]:
    """The bad endpoints' URLs by name, for the whole module."""
    with bad_endpoints() as urls:
        yield urls


def fast_config(tmp_path: Path, seconds: float = DEADLINE) -> Path:
    """A config file with deadlines of `seconds`."""
    path = tmp_path / "fast.toml"
    path.write_text(f"[timeouts]\nstartup = {seconds}\ncall = {seconds}\n")
    return path


def script(tmp_path: Path, name: str, body: str) -> Path:
    """An executable shell script in the test's directory."""
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def aws_config(tmp_path: Path, text: str) -> None:
    """The sealed environment's AWS config file (AWS_CONFIG_FILE)."""
    (tmp_path / "aws-config").write_text(text)


@dataclass(frozen=True)
class BadInput:
    """One bad input: how to make it, and what its one line must say."""

    id: str
    #: Writes what the input needs; returns its arguments and environment.
    make: Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]
    #: Phrases the line must contain ({tmp} and {url} are filled in).
    phrases: tuple[str, ...]
    #: The paths it takes (flags of `audit` take only that one).
    paths: tuple[str, ...] = tuple(PATHS)
    #: Its deadlines (a config input brings its own file: None).
    deadline: float | None = ROOMY
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


def _endpoint(name: str) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    return lambda _tmp, urls: (["--endpoint-url", urls[name]], dict(FAKE_KEYS))


def _flag(*args: str) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    return lambda _tmp, _urls: (list(args), dict(FAKE_KEYS))


def _env(**env: str) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    return lambda _tmp, _urls: ([], {**FAKE_KEYS, **env})


def _config_file(
    write: Callable[[Path], None],
) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    def make(tmp: Path, _urls: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        path = tmp / "bad.toml"
        write(path)
        return ["--config", str(path)], dict(FAKE_KEYS)

    return make


def _config_text(text: str) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    return _config_file(lambda path: path.write_text(text))


def _deep(path: Path) -> None:
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")


def _directory(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _too_large(path: Path) -> None:
    path.write_text("read_only = false\n" + "# padding\n" * 120_000)


def _unreadable(path: Path) -> None:
    path.write_text("read_only = true\n")
    path.chmod(0)


def _profile(
    text: str, profile: str
) -> Callable[[Path, dict[str, str]], tuple[list[str], dict[str, str]]]:
    """A profile in the AWS config file; `{tmp}` in its text is the test's directory."""

    def make(tmp: Path, _urls: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        script(tmp, "not-json", "echo 'this is not JSON'")
        script(tmp, "failing", "echo 'the token vault is locked' >&2\nexit 3")
        aws_config(tmp, text.replace("{tmp}", str(tmp)))
        # HOME too: SSO's token cache is ~/.aws/sso/cache.
        return ["--profile", profile], {"HOME": str(tmp)}

    return make


_SSO = """[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Admin
region = us-east-1
"""
_SSO_SESSION = """[profile corp]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = us-east-1
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
"""
_ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False

BAD_INPUTS = [
    # Endpoints ----------------------------------------------------------------------------
    BadInput(
        "endpoint-not-a-url",
        _flag("--endpoint-url", "not a url"),
        ("--endpoint-url 'not a url' is not a URL",),
    ),
    BadInput(
        "endpoint-env-colons",
        _env(AWS_ENDPOINT_URL="::::"),
        ("AWS_ENDPOINT_URL '::::' is not an http:// or https:// URL",),
    ),
    BadInput(
        "endpoint-ftp",
        _flag("--endpoint-url", "ftp://x"),
        ("--endpoint-url 'ftp://x' is not an http:// or https:// URL",),
    ),
    BadInput(
        "endpoint-bad-port",
        _flag("--endpoint-url", "http://127.0.0.1:99999"),
        ("is not a URL",),
    ),
    BadInput(
        "endpoint-http-server-501",
        _endpoint("not_implemented"),
        ("answered an HTML page (HTTP 501), not AWS XML", "is a proxy in the way?"),
    ),
    BadInput(
        "endpoint-200-random-bytes",
        _endpoint("random_bytes"),
        ("GetCallerIdentity answered something that is not XML",),
    ),
    BadInput("endpoint-200-html", _endpoint("html"), ("GetCallerIdentity answered an HTML page",)),
    BadInput(
        "endpoint-200-wrong-xml",
        _endpoint("wrong_xml"),
        ("GetCallerIdentity answered XML that is not an answer to it",),
    ),
    BadInput(
        "endpoint-200-hollow-xml",
        _endpoint("hollow"),
        ("GetCallerIdentity answered without Account and Arn and UserId",),
    ),
    BadInput(
        "endpoint-200-no-regions",
        _endpoint("no_regions"),
        ("DescribeRegions listed no region at all",),
    ),
    BadInput("endpoint-hangs-up", _endpoint("hang_up"), ("cannot reach {url:hang_up}",)),
    BadInput(
        "endpoint-drips",
        _endpoint("drip"),
        (
            f"no answer from STS in {DEADLINE} s while checking who you are",
            "{url:drip}",
            "raise [timeouts] startup",
        ),
        deadline=DEADLINE,
    ),
    BadInput(
        "endpoint-silent",
        _endpoint("silent"),
        (f"no answer from STS in {DEADLINE} s while checking who you are", "{url:silent}"),
        deadline=DEADLINE,
    ),
    # Config files ---------------------------------------------------------------------------
    BadInput(
        "config-binary",
        _config_file(lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))),
        ("config file {tmp}/bad.toml is not UTF-8 text",),
        deadline=None,
    ),
    BadInput(
        "config-latin-1",
        _config_file(lambda p: p.write_bytes('profile = "café"\n'.encode("latin-1"))),
        ("config file {tmp}/bad.toml is not UTF-8 text (byte 0xe9",),
        deadline=None,
    ),
    BadInput(
        "config-deeply-nested",
        _config_file(_deep),
        ("config file {tmp}/bad.toml nests arrays or tables too deeply",),
        deadline=None,
    ),
    BadInput(
        "config-directory",
        _config_file(_directory),
        ("config file {tmp}/bad.toml is a directory, not a file",),
        deadline=None,
    ),
    BadInput(
        "config-fifo",
        _config_file(_fifo),
        ("config file {tmp}/bad.toml is a FIFO (named pipe), not a file",),
        deadline=None,
    ),
    BadInput(
        "config-dev-zero",
        _config_file(_dev_zero),
        ("config file {tmp}/bad.toml is a device, not a file",),
        deadline=None,
    ),
    BadInput(
        "config-too-large",
        _config_file(_too_large),
        ("config file {tmp}/bad.toml is larger than 1024 KiB",),
        deadline=None,
    ),
    BadInput(
        "config-unreadable",
        _config_file(_unreadable),
        ("cannot read config file {tmp}/bad.toml: Permission denied",),
        deadline=None,
        marks=(pytest.mark.skipif(_ROOT, reason="root reads any file"),),
    ),
    BadInput(
        "config-threshold-too-large",
        _config_text("[thresholds]\nimage_min_age_days = 1000000000\n"),
        ("thresholds.image_min_age_days must be a whole number of at most 36500",),
        deadline=None,
    ),
    BadInput(
        "config-price-infinite",
        _config_text("[prices]\ngp3 = inf\n"),
        ("prices.gp3 must be a finite number, not inf",),
        deadline=None,
    ),
    BadInput(
        "config-timeout-zero",
        _config_text("[timeouts]\nstartup = 0\n"),
        ("timeouts.startup must be a number of at least 0.1, not 0",),
        deadline=None,
    ),
    BadInput(
        "config-timeout-unknown-key",
        _config_text("[timeouts]\nread = 5\n"),
        ("unknown key timeouts.read; allowed: startup, call",),
        deadline=None,
    ),
    BadInput(
        "config-keymap-not-a-table",
        _config_text("keymap = 3\n"),
        ("config file {tmp}/bad.toml: [keymap] must be a table", 'like filter = "f"'),
        deadline=None,
    ),
    BadInput(
        "config-keymap-key-not-a-string",
        _config_text("[keymap]\nfilter = 5\n"),
        ("config file {tmp}/bad.toml: keymap.filter must be a non-empty string, not 5",),
        deadline=None,
    ),
    BadInput(
        # Themes are Textual's: the TUI alone knows them (the demo gets it that far).
        "config-unknown-theme",
        lambda tmp, _urls: (
            (tmp / "bad.toml").write_text('theme = "solarised"\n'),
            (["--demo", "--config", str(tmp / "bad.toml")], {}),
        )[1],
        ("config file {tmp}/bad.toml: theme 'solarised' does not exist; choose one of",),
        paths=("tui",),
        deadline=None,
    ),
    BadInput(
        "aws-config-file-fifo",
        lambda tmp, _urls: (os.mkfifo(tmp / "aws-config"), ([], dict(FAKE_KEYS)))[1],
        ("AWS_CONFIG_FILE {tmp}/aws-config is not a regular file",),
    ),
    BadInput(
        "aws-credentials-file-directory",
        lambda tmp, _urls: ((tmp / "aws-credentials").mkdir(), ([], dict(FAKE_KEYS)))[1],
        ("AWS_SHARED_CREDENTIALS_FILE {tmp}/aws-credentials is a directory, not a file",),
    ),
    # Credentials ----------------------------------------------------------------------------
    BadInput(
        "credential-process-not-json",
        _profile("[profile odd]\ncredential_process = {tmp}/not-json\n", "odd"),
        (
            "cannot get credentials from the credential_process of profile odd",
            "not JSON credentials",
        ),
    ),
    BadInput(
        "credential-process-sleeps",
        _profile("[profile slow]\ncredential_process = sleep 100\n", "slow"),
        (
            f"no answer from the credential_process of profile slow in {DEADLINE} s "
            "while getting the credentials",
            "raise [timeouts] startup",
        ),
        deadline=DEADLINE,
    ),
    BadInput(
        "credential-process-floods",
        _profile("[profile flood]\ncredential_process = cat /dev/zero\n", "flood"),
        ("credential_process of profile flood", "printed more than 1024 KiB"),
    ),
    BadInput(
        "credential-process-fails",
        _profile("[profile locked]\ncredential_process = {tmp}/failing\n", "locked"),
        ("credential_process of profile locked", "the token vault is locked"),
    ),
    BadInput(
        "role-without-source-profile",
        _profile(
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = ghost\n",
            "role",
        ),
        ('The source_profile "ghost" referenced in the profile "role" does not exist',),
    ),
    BadInput(
        "sso-not-logged-in",
        _profile(_SSO, "sso"),
        ("the SSO session of profile sso has expired or is missing", "aws sso login --profile sso"),
    ),
    BadInput(
        "sso-session-not-logged-in",
        _profile(_SSO_SESSION, "corp"),
        ("the SSO session of profile corp has expired", "aws sso login --profile corp"),
    ),
    # Regions ----------------------------------------------------------------------------------
    BadInput(
        "aws-default-region-not-a-region",
        _env(AWS_DEFAULT_REGION="not-a-region"),
        ("AWS_DEFAULT_REGION is 'not-a-region', which is not a region name",),
    ),
    BadInput(
        "aws-region-colons",
        _env(AWS_REGION="::::"),
        ("AWS_REGION is '::::', which is not a region name",),
    ),
    BadInput(
        "profile-region-typo",
        _profile(
            "[profile typo]\nregion = eu-wset-1\naws_access_key_id = AKIAFAKE\n"
            "aws_secret_access_key = fake\n",
            "typo",
        ),
        ("the region of profile typo is 'eu-wset-1'", "did you mean eu-west-1"),
    ),
    # Flags of audit ---------------------------------------------------------------------------
    BadInput(
        "image-min-age-huge",
        _flag("--image-min-age", "1000000000"),
        ("--image-min-age: at most 36500 days",),
        paths=("audit",),
    ),
    BadInput(
        "snapshot-min-age-thousands-of-digits",
        _flag("--snapshot-min-age", "9" * 5000),
        ("--snapshot-min-age", "is too long to be a whole number of days"),
        paths=("audit",),
    ),
    BadInput(
        "sharing-limit-huge",
        _flag("--sharing-limit", str(10**30)),
        ("--sharing-limit: at most 1000000",),
        paths=("audit",),
    ),
]


def _cases() -> Iterator[object]:
    for bad in BAD_INPUTS:
        for path in bad.paths:
            yield pytest.param(bad, path, id=f"{bad.id}-{path}", marks=bad.marks)


def _filled(phrase: str, tmp_path: Path, urls: dict[str, str]) -> str:
    phrase = phrase.replace("{tmp}", str(tmp_path))
    for name, url in urls.items():
        phrase = phrase.replace(f"{{url:{name}}}", url)
    return phrase


@pytest.mark.parametrize(("bad", "path"), _cases())
def test_a_bad_input_is_one_line_and_status_2(
    bad: BadInput, path: str, tmp_path: Path, endpoints: dict[str, str]
) -> None:
    args, env = bad.make(tmp_path, endpoints)
    if bad.deadline is not None:
        args = [*args, "--config", str(fast_config(tmp_path, bad.deadline))]
    result = run([*PATHS[path], *args], tmp_path, env)
    assert_bad_start(result, *(_filled(p, tmp_path, endpoints) for p in bad.phrases))
    for secret in (*FAKE_KEYS.values(), "AKIAFAKE"):  # never a key, even a fake one
        assert secret not in result.stderr


def test_a_credential_process_past_the_deadline_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    slow = script(tmp_path, "slow", f"echo $$ > {pid_file}\nexec sleep 100")
    aws_config(tmp_path, f"[profile slow]\ncredential_process = {slow}\n")
    result = run(["whoami", "--profile", "slow", "--config", str(fast_config(tmp_path))], tmp_path)
    assert_bad_start(result, "no answer from the credential_process of profile slow")
    pid = int(pid_file.read_text())
    assert _gone(pid), f"credential_process {pid} outlived amiexplorer"


def _gone(pid: int) -> bool:
    """True once `pid` is dead (a zombie counts: it runs no more), polling for 10 s at most."""
    import time

    for _ in range(200):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_an_unknown_home_region_still_works_on_a_custom_endpoint(
    tmp_path: Path, world: Planted, demo_server: DemoServer
) -> None:
    result = run(
        ["whoami", "--endpoint-url", demo_server.endpoint_url, "--region", "eu-west-1"],
        tmp_path,
        {**FAKE_KEYS, "AWS_DEFAULT_REGION": "mars-north-1"},
    )
    assert result.returncode == 0, result.stderr
    assert DEMO_ACCOUNT_ID in result.stdout


# At a terminal ----------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("case", "shown_meanwhile", "phrases"),
    [
        pytest.param(
            "silent",
            "Checking who you are with STS…",
            (f"no answer from STS in {DEADLINE} s while checking who you are",),
            id="endpoint-silent",
        ),
        pytest.param(
            "sleeps",
            "Getting credentials from the credential_process of profile slow…",
            (f"no answer from the credential_process of profile slow in {DEADLINE} s",),
            id="credential-process-sleeps",
        ),
        pytest.param(
            "html",
            "Connecting with the default credential chain",
            ("GetCallerIdentity answered an HTML page",),
            id="endpoint-200-html",
        ),
        pytest.param(
            "region",
            "Connecting with the default credential chain",
            ("AWS_DEFAULT_REGION is 'not-a-region'",),
            id="aws-default-region-not-a-region",
        ),
    ],
)
def test_at_a_terminal_a_bad_input_is_one_line_after_the_tui(
    case: str,
    shown_meanwhile: str,
    phrases: tuple[str, ...],
    tmp_path: Path,
    endpoints: dict[str, str],
) -> None:
    seconds = DEADLINE if case in ("silent", "sleeps") else ROOMY
    args = ["--config", str(fast_config(tmp_path, seconds))]
    env: dict[str, str] = dict(FAKE_KEYS)
    if case in ("silent", "html"):
        args += ["--endpoint-url", endpoints[case]]
    elif case == "sleeps":
        aws_config(tmp_path, "[profile slow]\ncredential_process = sleep 100\n")
        args += ["--profile", "slow"]
        env = {}
    else:
        env["AWS_DEFAULT_REGION"] = "not-a-region"
    status, shown = run_at_a_terminal(args, tmp_path, extra_env=env)
    assert status == 2, shown[-2000:]
    assert "Traceback" not in shown
    assert shown_meanwhile in shown
    line = line_after_the_tui(shown)
    for phrase in phrases:
        assert phrase in line


def test_every_bad_input_has_a_distinct_id() -> None:
    ids = [bad.id for bad in BAD_INPUTS]
    assert len(ids) == len(set(ids))
