"""The status line is never stuck (issue 12, item 20): a message expires, or the next state
replaces it. The line's clock is moved by the test instead of waited for."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from amiexplorer.core.watch_events import PollFailed, ResourceUpdated
from amiexplorer.ui.messages import Watched
from tests.functional.conftest import AppFactory, explorer, settle, until

LOADED = "Loaded 4 region(s) at 12:00:00 UTC."


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def status_text(pilot: Pilot[Any]) -> str:
    return str(explorer(pilot).status.render())


async def test_a_profile_error_expires(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        clock = Clock()
        explorer(pilot).status.clock = clock
        await pilot.press("colon", *"profile nosuch", "enter")
        await settle(pilot)
        assert "profile nosuch" in status_text(pilot)
        clock.now += 5
        assert not explorer(pilot).status.expire(), "a message lasts more than 5 s"
        assert "profile nosuch" in status_text(pilot)
        clock.now += 6
        await until(pilot, lambda: status_text(pilot) == LOADED)


async def test_another_pane_replaces_a_message(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        explorer(pilot).status.clock = Clock()  # frozen: only moving on clears it
        await pilot.press("colon", *"nosuch", "enter")
        assert "unknown command 'nosuch'" in status_text(pilot)
        await pilot.press("2")
        assert status_text(pilot) == LOADED
        await pilot.press("colon", *"region nowhere", "enter")
        assert "unknown region 'nowhere'" in status_text(pilot)
        await pilot.press("colon", *"region eu-west-1", "enter")
        assert status_text(pilot) == LOADED
        await pilot.press("colon", *"nosuch", "enter", "6")
        await settle(pilot)
        assert "unknown command" not in status_text(pilot)
        assert status_text(pilot).startswith("Audit: ")


async def test_an_action_result_expires(make_app: AppFactory) -> None:
    """ "Delete snapshots: 1 done" stayed for as long as the app ran."""
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        clock = Clock()
        screen = explorer(pilot)
        screen.status.clock = clock
        screen.set_status("Delete snapshots: 1 done")
        assert status_text(pilot) == "Delete snapshots: 1 done"
        clock.now += 60
        await until(pilot, lambda: status_text(pilot) == LOADED)
        # The state itself stays: it is no message.
        clock.now += 3600
        await pilot.press("j", "k")
        assert status_text(pilot) == LOADED


async def test_r_answers_a_message_and_so_does_the_watcher_getting_through(
    make_app: AppFactory,
) -> None:
    """The message that said "press r" is over when r is pressed; a watcher's trouble is
    over when its next poll gets through, even before its ten seconds are up."""
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = explorer(pilot)
        screen.status.clock = Clock()  # frozen: nothing expires by time here
        await pilot.press("colon", *"nosuch", "enter")
        assert "unknown command" in status_text(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert status_text(pilot).startswith("Loaded 4 region(s)")

        # The watcher's trouble, then the same region answering again.
        (target, *_rest) = sorted(screen.watcher.pending, key=lambda t: t.resource_id)
        resource = app.account.inventory.table(target.kind)[target.resource_id]
        screen.post_message(
            Watched(PollFailed(target.region, "RequestLimitExceeded", "slow down", 4))
        )
        await until(pilot, lambda: "slow down (retrying in 4s)" in status_text(pilot))
        screen.post_message(Watched(ResourceUpdated(resource)))
        await until(pilot, lambda: status_text(pilot).startswith("Loaded 4 region(s)"))
