"""No API call at all from a dialog whose input is invalid, seen by the recording proxy.

tests/actions/test_invalid.py proves it where requests are planned; this drives each dialog
of the real app, types something wrong, submits, and checks that the dialog stays open with
the problem next to the field while nothing left the app.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.copy import CopyDialog
from amiexplorer.ui.dialogs.create_image import CreateImageDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from amiexplorer.ui.dialogs.share import ShareDialog
from amiexplorer.ui.screens.explorer import ExplorerScreen
from tests.functional.conftest import screen_text, settle, until, visible_ids
from tests.reliability.conftest import proxied_app
from tests.reliability.proxy import FaultProxy
from tests.reliability.test_random_keys import press as press_fast
from tests.reliability.test_random_keys import quiet

pytestmark = pytest.mark.usefixtures("no_sharing_pass")


async def press(pilot: Pilot[Any], keys: list[str]) -> None:
    """Press `keys`, each handled (focus changes included) before the next."""
    await press_fast(pilot, keys, chunk=1)


def typed(text: str) -> list[str]:
    """The keys that type `text`."""
    names = {" ": "space", ",": "comma", ".": "full_stop", "-": "minus"}
    return [names.get(c, c) for c in text]


async def goto(pilot: Pilot[Any], pane: str, resource_id: str) -> None:
    """Show `pane` filtered down to one resource, the cursor on it."""
    await press(pilot, [pane, "slash", *typed(resource_id[-10:]), "enter"])
    await quiet(pilot)
    assert visible_ids(pilot) == [resource_id]


async def submit_invalid(
    pilot: Pilot[Any], proxy: FaultProxy, dialog: type, field: str | None, text: str, words: str
) -> None:
    """Type `text` into `field`, submit; the dialog stays, says `words`, and calls nothing."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, dialog))
    await quiet(pilot)
    before = len(proxy.requests)
    if field is not None:
        box = app.screen.query_one(f"#{field}", Input)
        box.value = ""
        box.focus()
        await press(pilot, typed(text))
    await press(pilot, ["ctrl+s"])
    await quiet(pilot)
    assert isinstance(app.screen, dialog), "invalid input left the dialog"
    assert words in screen_text(pilot), screen_text(pilot)
    if field is not None:
        assert app.screen.query_one(f"#{field}", Input).has_class("-invalid")
    sent = proxy.requests[before:]
    # The watcher may poll pending work meanwhile (Describe calls); nothing else may go out.
    assert [r for r in sent if not r.action.startswith("Describe")] == [], sent
    await press(pilot, ["escape"])
    await until(pilot, lambda: isinstance(app.screen, ExplorerScreen))


async def test_no_dialog_calls_aws_with_invalid_input(
    world: Planted, demo_server: DemoServer, proxy: FaultProxy
) -> None:
    instance = sorted(i for i in world.running_instances if world.region_of[i] == "us-east-1")[0]
    volume = sorted(world.unattached_volumes)[0]
    snapshot = sorted(world.orphan_snapshots_deleted_volume)[0]
    image = sorted(world.unused_images - world.pending_images - world.public_images)[0]
    orphans = sorted(world.orphan_snapshots_deleted_volume)[:2]
    app = await proxied_app(proxy, demo_server)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, "1", instance)
        await press(pilot, ["c"])
        await submit_invalid(pilot, proxy, CreateImageDialog, "name", "ab", "3-128 characters")
        await goto(pilot, "2", volume)
        await press(pilot, ["c"])
        await submit_invalid(
            pilot, proxy, CreateSnapshotDialog, "tags", "aws:owner=me", "aws: prefix is reserved"
        )
        await goto(pilot, "3", snapshot)
        await press(pilot, ["c"])
        await submit_invalid(pilot, proxy, CreateVolumeDialog, "size_gib", "0", "at least")
        await press(pilot, ["y"])
        await submit_invalid(
            pilot, proxy, CopyDialog, None, "", "choose at least one region to copy to"
        )
        await goto(pilot, "4", image)
        await press(pilot, ["s"])
        await submit_invalid(pilot, proxy, ShareDialog, "add_accounts", "12345678901", "12 digits")
        # The confirmation of a bulk delete: a wrong count confirms nothing.
        await press(pilot, ["3", "escape"])
        for snapshot_id in orphans:
            await goto(pilot, "3", snapshot_id)
            await press(pilot, ["space", "escape"])
        await press(pilot, ["ctrl+d"])
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await quiet(pilot)
        before = len(proxy.requests)
        await press(pilot, ["9", "ctrl+s"])
        await quiet(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "type the number of resources (2)" in screen_text(pilot)
        assert [r for r in proxy.requests[before:] if not r.action.startswith("Describe")] == []
    assert not [r for r in proxy.requests if r.mutating and not r.dry_run]
