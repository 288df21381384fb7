"""The explorer's action keys and the one flow every change to AWS goes through in the UI.

key -> dialog (validates, no API call) -> plan -> DryRun preflight -> confirmation -> execute
-> per-item results -> watch what was created. Read-only mode refuses at the key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from amiexplorer.aws.action_plan import Confirmation
from amiexplorer.aws.action_requests import (
    ActionRequest,
    DeleteSnapshotsRequest,
    DeleteVolumesRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
)
from amiexplorer.aws.actions import ActionRunner
from amiexplorer.aws.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.ui.dialogs.confirm import ConfirmDialog, Replan
from amiexplorer.ui.dialogs.form import DialogContext, FormDialog
from amiexplorer.ui.dialogs.results import ResultsDialog

if TYPE_CHECKING:
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: A request, its dialog title, and the confirm dialog's optional re-planning check box.
Flow = tuple[ActionRequest, str, tuple[str, Replan] | None]

#: Actions that change AWS: hidden and refused in read-only mode.
MUTATING_ACTIONS = frozenset({"create", "copy", "share", "make_private", "delete"})
READ_ONLY_REFUSAL = "read-only mode: amiexplorer sends no change to AWS (started with --read-only)"


class ActionKeys:
    """What the explorer's keys c, y, s, p and ctrl+d/delete do."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen

    def _runner(self) -> ActionRunner:
        settings = getattr(self.screen.app, "settings", None)
        return ActionRunner.for_account(
            self.screen.account,
            prices=settings.prices if settings is not None else None,
            watcher=self.screen.watcher,
        )

    def _context(self, resources: list[Any]) -> DialogContext:
        return DialogContext(resources, self.screen.account, self._runner(), self.screen._now())

    def refuse_read_only(self) -> None:
        """Say why nothing happens."""
        self.screen.complain(READ_ONLY_REFUSAL)

    def _refuse_if_read_only(self) -> bool:
        if self.screen.account.read_only:
            self.screen.complain(READ_ONLY_REFUSAL)
            return True
        return False

    def _selection(self) -> list[Any]:
        if self.screen.showing_activity or self.screen.audit.shown:
            return []
        return self.screen.table.selection()

    # Keys -------------------------------------------------------------------------------

    def create(self) -> None:
        """c: image from an instance, snapshot of a volume, volume from a snapshot."""
        if self._refuse_if_read_only():
            return
        selection = self._selection()
        if len(selection) != 1:
            self.screen.complain(
                "c works on one resource: put the cursor on it (marks are for bulk actions)"
            )
            return
        resource = selection[0]
        if isinstance(resource, Instance):
            from amiexplorer.ui.dialogs.create_image import CreateImageDialog

            self._open(CreateImageDialog(self._context(selection)))
        elif isinstance(resource, Volume):
            from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog

            self._open(CreateSnapshotDialog(self._context(selection)))
        elif isinstance(resource, Snapshot):
            from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog

            self._open(CreateVolumeDialog(self._context(selection)))
        else:
            self.screen.complain(
                "c on an image: copy it with y, or create an image from an instance (1)"
            )

    def copy(self) -> None:
        """y: copy images or snapshots to other regions."""
        if self._refuse_if_read_only():
            return
        selection = self._selection()
        if not selection or not all(isinstance(r, Image | Snapshot) for r in selection):
            self.screen.complain("y copies images (4) or snapshots (3) to other regions")
            return
        from amiexplorer.ui.dialogs.copy import CopyDialog

        self._open(CopyDialog(self._context(selection)))

    def share(self) -> None:
        """s: who may use an image or snapshot."""
        if self._refuse_if_read_only():
            return
        selection = self._selection()
        if not selection or not all(isinstance(r, Image | Snapshot) for r in selection):
            self.screen.complain("s shares images (4) or snapshots (3)")
            return
        from amiexplorer.ui.dialogs.share import ShareDialog

        self._open(ShareDialog(self._context(selection)))

    def make_private(self) -> None:
        """p: stop sharing with everyone (remove public access)."""
        if self._refuse_if_read_only():
            return
        selection = [r for r in self._selection() if isinstance(r, Image | Snapshot)]
        if not selection:
            self.screen.complain("p makes images (4) or snapshots (3) private again")
            return
        request = MakePrivateRequest(tuple(r.id for r in selection))
        self.run_request(request, "Make private")

    def delete(self) -> None:
        """ctrl+d / delete: snapshots, images (deregister) or unattached volumes."""
        if self._refuse_if_read_only():
            return
        selection = self._selection()
        if not selection:
            return
        ids = tuple(r.id for r in selection)
        kind = self.screen.kind
        if kind is ResourceKind.INSTANCE:
            self.screen.complain("amiexplorer never deletes or terminates instances")
            return
        request: ActionRequest
        if kind is ResourceKind.SNAPSHOT:
            request = DeleteSnapshotsRequest(ids)
            self.run_request(request, "Delete snapshots")
        elif kind is ResourceKind.VOLUME:
            request = DeleteVolumesRequest(ids)
            self.run_request(request, "Delete volumes")
        else:
            self.run_request(
                DeregisterImagesRequest(ids),
                "Deregister images",
                toggle=self.deregister_toggle(ids),
            )

    def deregister_toggle(self, image_ids: tuple[str, ...]) -> tuple[str, Replan]:
        """The confirm dialog's "also delete their snapshots" box (on by default)."""
        runner = self._runner()
        label = "also delete their snapshots that no other image uses"

        def replan(with_snapshots: bool) -> Any:
            return runner.plan(DeregisterImagesRequest(image_ids, delete_snapshots=with_snapshots))

        return label, replan

    # The flow ---------------------------------------------------------------------------

    def _open(self, dialog: FormDialog) -> None:
        def submitted(request: ActionRequest | None) -> None:
            if request is not None:
                self.run_request(request, dialog.TITLE)

        self.screen.app.push_screen(dialog, submitted)

    def run_request(
        self, request: ActionRequest, title: str, toggle: tuple[str, Replan] | None = None
    ) -> None:
        """Run the flow in a worker of the screen (one action at a time)."""
        # A function, not a coroutine: a flow replaced before it starts is then never made
        # (a coroutine object would be dropped unawaited, with a RuntimeWarning). The ignore:
        # Textual's union of work types makes mypy infer Never for an async callable.
        self.screen.run_worker(
            partial(self._flow, request, title, toggle),  # type: ignore[arg-type]
            group="action",
            exclusive=True,
            exit_on_error=False,
        )

    def run_flows(self, flows: list[Flow], then: Callable[[], None] | None = None) -> None:
        """Run several requests one after another, each with its own confirmation."""

        async def run_all() -> None:
            try:
                for request, title, toggle in flows:
                    await self._flow(request, title, toggle)
            finally:
                if then is not None:
                    then()

        self.screen.run_worker(
            run_all,  # type: ignore[arg-type]  # as in run_request
            group="action",
            exclusive=True,
            exit_on_error=False,
        )

    async def _flow(
        self, request: ActionRequest, title: str, toggle: tuple[str, Replan] | None
    ) -> None:
        """Plan, preflight with DryRun, confirm, execute, report, and follow new resources."""
        runner = self._runner()
        plan = runner.plan(request)
        if plan.read_only_message:
            self.screen.complain(plan.read_only_message)
            return
        if plan.problems:
            self.screen.complain("; ".join(p.message for p in plan.problems))
            return
        if not plan.steps:
            report = await runner.execute(plan, Confirmation())
            await self._show_results(title, report)
            return
        self.screen._set_status(f"{title}: checking permissions (DryRun)…")
        checked = await runner.preflight(plan)
        if checked.denied:
            self.screen.complain(checked.message)
            return
        self.screen._set_status("")
        answer = await self.screen.app.push_screen_wait(
            ConfirmDialog(plan, self.screen.account.inventory, toggle=toggle)
        )
        if answer is None:
            self.screen._set_status(f"{title}: cancelled, nothing was changed")
            return
        # Run exactly what the dialog showed (its checkbox may have re-planned).
        confirmation, shown = answer
        report = await runner.execute(
            shown, confirmation, preflight=checked if shown is plan else None
        )
        self.screen._dirty = True
        if report.created:
            self.screen.follow(*report.created)
        self.screen._set_status(f"{title}: {report.summary()}")
        await self._show_results(title, report)

    async def _show_results(self, title: str, report: Any) -> None:
        target = await self.screen.app.push_screen_wait(ResultsDialog(title, report))
        self.screen._redraw()
        if target:
            self.screen.jump_to_id(target)
