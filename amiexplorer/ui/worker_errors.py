"""One way for the app, a screen or a pane to report a failed worker: short, never a traceback."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget
from textual.worker import Worker, WorkerState


def report_failure(node: App[Any] | Widget, event: Worker.StateChanged) -> None:
    """A worker of `node` failed: say what happened and what to do (nothing otherwise)."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        from amiexplorer.aws.errors import describe_problem

        problem = describe_problem(event.worker.error)
        node.notify(problem.message, title="Error", severity="error", timeout=10)


class ReportsWorkerErrors(Widget):
    """A screen or pane whose failed workers become a notification (the message does not
    bubble: Worker.StateChanged stops at the node that ran the worker)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this node failed: say so."""
        report_failure(self, event)
