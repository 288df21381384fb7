"""The explorer's action keys and the one flow every change to AWS goes through in the UI.

key -> dialog (validates, no API call) -> plan -> DryRun preflight -> confirmation -> execute
-> per-item results -> watch what was created. Read-only mode refuses at the key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from amiexplorer.ui.dialogs.confirm import ConfirmDialog, Replan, Toggle, ToggleSpec, as_toggle
from amiexplorer.ui.dialogs.form import DialogContext, FormDialog
from amiexplorer.ui.dialogs.restate import Line, restate
from amiexplorer.ui.dialogs.results import ResultsDialog

if TYPE_CHECKING:
    from amiexplorer.ui.screens.explorer import ExplorerScreen

#: A request, its dialog title, and the confirm dialog's optional re-planning check box.
Flow = tuple[ActionRequest, str, ToggleSpec | None]
#: A flow made only when its turn comes (None: nothing left to do by then).
LaterFlow = Callable[[], Flow | None]

#: Actions that change AWS: hidden and refused in read-only mode.
MUTATING_ACTIONS = frozenset({"create", "copy", "share", "make_private", "delete"})
READ_ONLY_REFUSAL = "read-only mode: amiexplorer sends no change to AWS (started with --read-only)"


class ActionKeys:
    """What the explorer's keys c, y, s, p and ctrl+d/delete do."""

    def __init__(self, screen: ExplorerScreen) -> None:
        self.screen = screen
        #: The title of the request whose calls are being sent, while they are.
        self.sending: str | None = None

    def reasons_to_stay(self) -> list[str]:
        """Why quitting now would cost something: a change in flight, rows marked."""
        reasons = []
        if self.sending is not None:
            reasons.append(
                f"{self.sending}: the change is being sent to AWS. Quitting now leaves its "
                "outcome unknown (the action log keeps what was sent)."
            )
        marked = len(self.screen.table.marked)
        marked += len([m for m in self.screen.audit.table.marked if not m.startswith("group:")])
        if marked:
            reasons.append(f"{marked} row(s) are marked: quitting forgets the marks.")
        return reasons

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
        # Every region enabled for the account is a target, not only the loaded ones: read
        # after the load (no call when every enabled region is loaded); asked here if not.
        if self.screen.account.enabled_regions_known:
            from amiexplorer.ui.dialogs.copy import CopyDialog

            self._open(CopyDialog(self._context(selection)))
            return
        self.screen.run_worker(
            partial(self._open_copy, selection),  # type: ignore[arg-type]  # as in run_request
            group="regions",
            exclusive=True,
            exit_on_error=False,
        )

    async def _open_copy(self, selection: list[Any]) -> None:
        await self.screen.account.read_enabled_regions()
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

    def private_toggle(self, resource_ids: tuple[str, ...]) -> Toggle:
        """The confirm dialog's "remove the account shares too" box (off: p removes public)."""
        runner = self._runner()
        calls = {
            "ResetSnapshotAttribute" if i.startswith("snap-") else "ResetImageAttribute"
            for i in resource_ids
        }
        label = "also remove every share with accounts, organizations and OUs "
        label += f"({', '.join(sorted(calls))})"

        def replan(everyone: bool) -> Any:
            return runner.plan(MakePrivateRequest(resource_ids, everyone=everyone))

        return Toggle(label, replan, value=False)

    def deregister_toggle(self, image_ids: tuple[str, ...]) -> tuple[str, Replan]:
        """The confirm dialog's "also delete their snapshots" box (on by default)."""
        runner = self._runner()
        label = "also delete their snapshots that no other image uses"

        def replan(with_snapshots: bool) -> Any:
            return runner.plan(DeregisterImagesRequest(image_ids, delete_snapshots=with_snapshots))

        return label, replan

    # The flow ---------------------------------------------------------------------------

    def _open(self, dialog: FormDialog) -> None:
        # The form stays open while its request is checked and confirmed (see _flow).
        dialog.submit_to = partial(self.run_request, title=dialog.TITLE, form=dialog)
        self.screen.app.push_screen(dialog)

    def run_request(
        self,
        request: ActionRequest,
        title: str,
        toggle: ToggleSpec | None = None,
        form: FormDialog | None = None,
    ) -> None:
        """Run the flow in a worker of the screen (one action at a time)."""
        # A function, not a coroutine: a flow replaced before it starts is then never made
        # (a coroutine object would be dropped unawaited, with a RuntimeWarning). The ignore:
        # Textual's union of work types makes mypy infer Never for an async callable.
        self.screen.run_worker(
            partial(self._form_flow, request, title, toggle, form),  # type: ignore[arg-type]
            group="action",
            exclusive=True,
            exit_on_error=False,
        )

    def run_flows(
        self, flows: list[Flow | LaterFlow], then: Callable[[], None] | None = None
    ) -> None:
        """Run several requests one after another, each with its own confirmation.

        A flow given as a function is made when its turn comes, from what the ones before
        it left (None skips it).
        """

        async def run_all() -> None:
            try:
                for flow in flows:
                    made = flow() if callable(flow) else flow
                    if made is not None:
                        await self._flow(*made)
            finally:
                if then is not None:
                    then()

        self.screen.run_worker(
            run_all,  # type: ignore[arg-type]  # as in run_request
            group="action",
            exclusive=True,
            exit_on_error=False,
        )

    async def _form_flow(
        self,
        request: ActionRequest,
        title: str,
        toggle: ToggleSpec | None,
        form: FormDialog | None,
    ) -> None:
        """The flow; its form, if still open and waiting (the flow failed), is editable again."""
        try:
            await self._flow(request, title, toggle, form)
        finally:
            if form is not None and form.checking and self._open_form(form):
                form.resume()

    async def _flow(
        self,
        request: ActionRequest,
        title: str,
        toggle: ToggleSpec | None,
        form: FormDialog | None = None,
    ) -> None:
        """Plan, preflight with DryRun, confirm, execute, report, and follow new resources.

        With the `form` the request came from, the form stays open below the confirmation:
        esc there goes back to it with everything still filled in, a refusal is shown in it,
        and it closes once the request is confirmed.
        """
        if isinstance(request, MakePrivateRequest):
            from amiexplorer.ui.dialogs.share import read_unknown_sharing

            # So that the confirmation says exactly which shares p removes and which stay.
            await read_unknown_sharing(self.screen.account, request.resource_ids)
        runner = self._runner()
        plan = runner.plan(request)
        box = as_toggle(toggle) or self._default_toggle(request)
        if plan.read_only_message:
            self._refuse(form, plan.read_only_message)
            return
        if plan.problems:
            self._refuse(form, "; ".join(p.message for p in plan.problems))
            return
        if not plan.steps and not (box is not None and box.replan(not box.value).steps):
            await self._close(form)
            report = await runner.execute(plan, Confirmation())
            await self._show_results(title, report)
            return
        checked = None
        if plan.steps:
            self.screen._set_status(f"{title}: checking permissions (DryRun)…")
            checked = await runner.preflight(plan)
            if checked.denied or checked.refused is not None:
                # A denied pair, or no DryRun at all (the action log cannot be written, say).
                self._refuse(form, checked.message)
                return
        notices = await form.confirmation_notices(plan) if form is not None else []
        if form is not None and not self._open_form(form):
            self.screen._set_status(f"{title}: cancelled, nothing was changed")
            return
        self.screen._set_status("")
        account = self.screen.account
        answer = await self.screen.app.push_screen_wait(
            ConfirmDialog(
                plan, account.inventory, toggle=box, identity=account.identity, notices=notices
            )
        )
        if answer is None:
            if form is not None and self._open_form(form):
                form.resume()
                self.screen._set_status(f"{title}: not confirmed, nothing was changed")
            else:
                self.screen._set_status(f"{title}: cancelled, nothing was changed")
            return
        # Run exactly what the dialog showed (its checkbox may have re-planned).
        confirmation, shown = answer
        choices = restate(shown, account.inventory, account.identity)
        await self._close(form)
        self.sending = title
        try:
            report = await runner.execute(
                shown, confirmation, preflight=checked if shown is plan else None
            )
        finally:
            self.sending = None
        self.screen._dirty = True
        if report.created:
            self.screen.follow(*report.created)
        self.screen._set_status(f"{title}: {report.summary()}")
        await self._show_results(title, report, choices)

    def _default_toggle(self, request: ActionRequest) -> Toggle | None:
        """p offers to remove the shares with accounts too, where there are (or may be) any."""
        if not isinstance(request, MakePrivateRequest) or request.everyone:
            return None
        inventory = self.screen.account.inventory
        for resource_id in request.resource_ids:
            resource = inventory.images.get(resource_id) or inventory.snapshots.get(resource_id)
            if resource is not None and (resource.shared_with or resource.shared_with is None):
                return self.private_toggle(request.resource_ids)
        return None

    def _open_form(self, form: FormDialog) -> bool:
        """True while the form is still open (esc closes it even while its request is checked)."""
        return form in self.screen.app.screen_stack

    def _refuse(self, form: FormDialog | None, message: str) -> None:
        """Say why the request goes no further: in the form (kept open), and the status line."""
        self.screen.complain(message)
        if form is not None and self._open_form(form):
            form.resume([message])

    async def _close(self, form: FormDialog | None) -> None:
        """The request is confirmed: its form closes."""
        if form is not None and self._open_form(form):
            form.pop_until_active()
            await form.dismiss(None)

    async def _show_results(self, title: str, report: Any, choices: Sequence[Line] = ()) -> None:
        target = await self.screen.app.push_screen_wait(ResultsDialog(title, report, choices))
        self.screen._redraw()
        if target:
            self.screen.jump_to_id(target)
