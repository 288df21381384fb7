"""Expired credentials mid-session, their renewal without a restart, and secrets kept secret.

The credentials come from the shared credentials file, as `aws sso login` or `aws configure`
leave them; the proxy starts refusing the first key with ExpiredToken in the middle of the
session, and the test then writes a new key into the file, as a person in another terminal
would, and presses r.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from moto.iam.models import iam_backends

from amiexplorer.aws.account import Account
from amiexplorer.aws.session import AwsSession
from amiexplorer.aws.startup.connect import connect
from amiexplorer.core.inventory import RegionState
from amiexplorer.demo import DEMO_ACCOUNT_ID, STAGING_ACCOUNT_ID, DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.screens.explorer import ExplorerScreen
from tests.functional.conftest import explorer, screen_text, settle, until, visible_ids
from tests.reliability.conftest import LOADER_ACTIONS, proxied_app, proxied_settings
from tests.reliability.proxy import FaultProxy

pytestmark = pytest.mark.usefixtures("no_sharing_pass")

#: Recognisable fake secrets: none of them may ever appear in anything amiexplorer writes.
SECRETS = {
    "old": (
        "AKIAOLDPLANTEDKEY001",
        "PlantedSecretOld+x7Q2v9LmN4pR8sT1uW3yZ5aB6cD",
        "PlantedTokenOld/Zq8",
    ),
    "new": (
        "AKIANEWPLANTEDKEY002",
        "PlantedSecretNew+k2J5h8G1fD4sA7qW0eR3tY6uI9o",
        "PlantedTokenNew/Wx4",
    ),
}


def write_credentials(which: str) -> None:
    """Put one planted key into the shared credentials file, as `aws sso login` would."""
    write_keys(*SECRETS[which])


def write_keys(key: str, secret: str, token: str | None = None) -> None:
    """Make `key` the default profile's credentials in the shared credentials file."""
    text = f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
    if token:
        text += f"aws_session_token = {token}\n"
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(text)


def secret_values() -> list[str]:
    """Every secret part of every planted credential (the access key id is not secret)."""
    return [part for _key, *secret in SECRETS.values() for part in secret]


@pytest.fixture
def credentials_file() -> object:
    write_credentials("old")
    yield
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).unlink()


def action_log_text() -> str:
    path = Path(os.environ["XDG_STATE_HOME"]) / "amiexplorer" / "actions.jsonl"
    return path.read_text() if path.exists() else ""


async def test_an_expired_token_mid_session_is_explained_and_r_recovers_after_renewal(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    credentials_file: object,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    old_key, new_key = SECRETS["old"][0], SECRETS["new"][0]
    app = await proxied_app(proxy, demo_server, access_key_id=None, secret_access_key=None)
    outputs: list[str] = []
    orphan = sorted(s for s in world.orphan_snapshots_deleted_volume)[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        rows = set(visible_ids(pilot))
        assert rows and not app.account.inventory.errors
        assert {r.access_key for r in proxy.requests} == {old_key}

        # An action, so the action log has lines written with these credentials.
        await pilot.press("3", "slash", *orphan[-8:], "enter", "ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsDialog))
        outputs.append(screen_text(pilot))
        await pilot.press("escape", "escape", "1")
        await settle(pilot)

        # The session expires: the next refresh says so, in words, and keeps the rows.
        proxy.expire(old_key)
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(pilot)
        outputs += [text, app.export_screenshot()]
        status = text.splitlines()[-2].strip()
        # The loader's summary, or the watcher's word on the same expiry: both say it.
        assert "the credentials have expired: renew them" in status, status
        assert {e.message for e in app.account.inventory.errors} == {
            "the credentials have expired: renew them (for example `aws sso login`) and press r"
        }
        assert all(s.state is RegionState.FAILED for s in app.account.inventory.regions.values())
        assert set(visible_ids(pilot)) == rows  # the last good rows stay

        # Renewed in another terminal; r picks the new key up: no restart, same screen.
        write_credentials("new")
        before = len(proxy.requests)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen and isinstance(app.screen, ExplorerScreen)
        assert not app.account.inventory.errors
        assert set(visible_ids(pilot)) == rows
        # The load signed everything with the new key (a background call of the watcher
        # may have left with the old one just before the renewal).
        after = [r for r in proxy.requests[before:] if r.action in LOADER_ACTIONS]
        assert after and {r.access_key for r in after} == {new_key}
        text = screen_text(pilot)
        assert "Loaded 4 region(s)" in text, text.splitlines()[-2]
        outputs += [text, app.export_screenshot()]
        outputs += [n.message for n in app._notifications]

    # Never a secret in anything written: screens, screenshots, the action log, logs, output.
    assert orphan in action_log_text()
    captured = capsys.readouterr()
    outputs += [action_log_text(), captured.out, captured.err, repr(app.account.session.settings)]
    # Log records: every record at INFO or above, and amiexplorer's own at any level.
    # botocore's DEBUG wire log (off unless someone configures logging, which amiexplorer
    # never does) shows the X-Amz-Security-Token header, which every request must carry;
    # the secret key is never sent, so it must not appear even there.
    outputs += [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO or r.name.startswith("amiexplorer")
    ]
    debug = "\n".join(r.getMessage() for r in caplog.records)
    assert debug  # the wire log was on: the check below means something
    for secret in secret_values():
        found = [i for i, output in enumerate(outputs) if secret in output]
        assert found == [], f"{secret[:14]}… appears in outputs {found}"
    for _key, secret, _token in SECRETS.values():
        assert secret not in debug


async def test_renewed_credentials_of_another_account_are_refused(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy, credentials_file: object
) -> None:
    """`aws sso login` into another account must not put its rows under this one's name."""
    settings = proxied_settings(proxy, demo_server, access_key_id=None, secret_access_key=None)
    account = Account(await connect(AwsSession(settings)))
    try:
        async for _event in account.load():
            pass
        rows = set(account.inventory.volumes)
        proxy.expire(SECRETS["old"][0])
        async for _event in account.load():
            pass
        assert account.inventory.errors
        iam = iam_backends[STAGING_ACCOUNT_ID]["aws"]
        iam.create_user("us-east-1", "someone")
        key = iam.create_access_key("someone")
        write_keys(key.access_key_id, key.secret_access_key)
        before = len(proxy.requests)
        async for _event in account.load():
            pass
        messages = {e.message for e in account.inventory.errors}
        assert messages == {
            f"the refreshed credentials belong to account {STAGING_ACCOUNT_ID}, not "
            f"{DEMO_ACCOUNT_ID}: restart amiexplorer or switch with :profile"
        }
        # Only the identity was asked; no region of the other account was read.
        assert [r.action for r in proxy.requests[before:]] == ["GetCallerIdentity"]
        assert set(account.inventory.volumes) == rows
    finally:
        await account.close()
