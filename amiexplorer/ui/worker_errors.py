"""One way for a screen or pane to report its workers' failures (short, never a traceback)."""

from __future__ import annotations

from textual.widget import Widget
from textual.worker import Worker, WorkerState


class ReportsWorkerErrors(Widget):
    """A node whose failed workers become a notification (Worker.StateChanged does not bubble)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this node failed: say what happened and what to do."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from amiexplorer.aws.errors import describe_problem

            problem = describe_problem(event.worker.error)
            self.notify(problem.message, title="Error", severity="error", timeout=10)
