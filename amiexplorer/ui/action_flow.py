"""The one flow every change to AWS goes through in the UI: a service the explorer owns.

key -> dialog (validates, no API call) -> plan -> DryRun preflight -> confirmation -> execute
-> per-item results -> watch what was created. One `ActionFlow` per account, made with the
explorer, over one long-lived `ActionRunner` (which keeps its own checks: read-only, guards,
plans never run twice). The panes hand it what is selected; it talks back to its host (the
explorer) through the narrow `ActionHost` protocol. Read-only mode is checked here, once, for
the whole UI (`permits`): the panes' keys, the palette and the footer all ask it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from textual.app import App

from amiexplorer.aws.account import Account
from amiexplorer.aws.actions.runner import ActionRunner
from amiexplorer.aws.watch import Watcher
from amiexplorer.config import Settings
from amiexplorer.core.models import Image, Instance, ResourceKind, Snapshot, Volume
from amiexplorer.core.plans.plan import Confirmation, Plan
from amiexplorer.core.plans.requests import (
    ActionRequest,
    DeregisterImagesRequest,
    MakePrivateRequest,
)
from amiexplorer.core.watch_events import WatchTarget
from amiexplorer.ui.dialogs.confirm import ConfirmDialog, Toggle, ToggleSpec, as_toggle
from amiexplorer.ui.dialogs.delete import NEVER_INSTANCES, delete_request, deregister_toggle
from amiexplorer.ui.dialogs.form import DialogContext, FormDialog
from amiexplorer.ui.dialogs.restate import Line, restate
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.explorer_keys import key_display

#: A request, its dialog title, and the confirm dialog's optional re-planning check box.
Flow = tuple[ActionRequest, str, ToggleSpec | None]
#: A flow made only when its turn comes (None: nothing left to do by then).
LaterFlow = Callable[[], Flow | None]

#: Actions that change AWS: hidden and refused in read-only mode.
MUTATING_ACTIONS = frozenset(
    {"create", "copy", "share", "make_private", "delete", "lifecycle", "restore"}
)
#: Seconds a confirmation waits for the block reads that price a deletion exactly.
BLOCK_READ_PATIENCE = 8.0
READ_ONLY_REFUSAL = "read-only mode: amiexplorer sends no change to AWS (started with --read-only)"


class ActionHost(Protocol):
    """What the flow needs of the screen it runs on (the explorer)."""

    @property
    def app(self) -> App[Any]:
        """The app: dialogs are pushed on it."""
        ...

    def run_worker(self, work: Any, *, group: str, exclusive: bool, exit_on_error: bool) -> Any:
        """Run the flow in a worker of the host (its errors are the host's to report)."""
        ...

    def now(self) -> datetime:
        """The clock (tests inject one)."""
        ...

    def complain(self, text: str) -> None:
        """Refuse something, with the reason and a bell."""
        ...

    def set_status(self, text: str) -> None:
        """A message in the status line ("" ends it)."""
        ...

    def follow(self, *targets: WatchTarget, label: str = "") -> None:
        """Watch what AWS is still creating until it finishes."""
        ...

    def inventory_edited(self) -> None:
        """Something changed the inventory: redraw soon."""
        ...

    def redraw(self) -> None:
        """Redraw now."""
        ...

    def jump_to_id(self, resource_id: str) -> None:
        """Go to a resource by id."""
        ...


class ActionFlow:
    """What the keys c, y, s, p and ctrl+d/delete do, over one account's one runner."""

    def __init__(self, host: ActionHost, account: Account, watcher: Watcher) -> None:
        self.host = host
        self.account = account
        settings = getattr(host.app, "settings", None)
        self.runner = ActionRunner.for_account(
            account,
            prices=settings.prices if isinstance(settings, Settings) else None,
            watcher=watcher,
            clock=host.now,
        )
        #: The title of the request whose calls are being sent, while they are.
        self.sending: str | None = None
        #: Block reads that outlasted a confirmation's patience, kept until they finish.
        self._reads: set[asyncio.Future[int]] = set()

    def permits(self, action: str) -> bool:
        """False for an action that changes AWS in read-only mode: the one UI-side check."""
        return not (self.account.read_only and action in MUTATING_ACTIONS)

    def reasons_to_stay(self, marked: int) -> list[str]:
        """Why quitting now would cost something: a change in flight, `marked` rows."""
        reasons = []
        if self.sending is not None:
            reasons.append(
                f"{self.sending}: the change is being sent to AWS. Quitting now leaves its "
                "outcome unknown (the action log keeps what was sent)."
            )
        if marked:
            reasons.append(f"{marked} row(s) are marked: quitting forgets the marks.")
        return reasons

    def key(self, binding_id: str) -> str:
        """The key of `binding_id` as the user's keymap has it (for hints in messages)."""
        return key_display(self.host.app, binding_id)

    def _context(self, resources: list[Any]) -> DialogContext:
        return DialogContext(resources, self.account, self.runner, self.host.now())

    def refuse_read_only(self) -> None:
        """Say why nothing happens."""
        self.host.complain(READ_ONLY_REFUSAL)

    def _refused(self, action: str) -> bool:
        if not self.permits(action):
            self.refuse_read_only()
            return True
        return False

    # Keys -------------------------------------------------------------------------------

    def create(self, selection: list[Any]) -> None:
        """c: image from an instance, snapshot of a volume, volume from a snapshot."""
        k = self.key
        if self._refused("create"):
            return
        if len(selection) != 1:
            self.host.complain(
                f"{k('create')} works on one resource: put the cursor on it "
                "(marks are for bulk actions)"
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
            self.host.complain(
                f"{k('create')} on an image: copy it with {k('copy')}, or create an image "
                f"from an instance ({k('instances')})"
            )

    def copy(self, selection: list[Any]) -> None:
        """y: copy images or snapshots to other regions."""
        k = self.key
        if self._refused("copy"):
            return
        if not selection or not all(isinstance(r, Image | Snapshot) for r in selection):
            self.host.complain(
                f"{k('copy')} copies images ({k('images')}) or snapshots ({k('snapshots')}) "
                "to other regions"
            )
            return
        # Every region enabled for the account is a target, not only the loaded ones: read
        # after the load (no call when every enabled region is loaded); asked here if not.
        if self.account.enabled_regions_known:
            from amiexplorer.ui.dialogs.copy import CopyDialog

            self._open(CopyDialog(self._context(selection)))
            return
        self.host.run_worker(
            partial(self._open_copy, selection),
            group="regions",
            exclusive=True,
            exit_on_error=False,
        )

    async def _open_copy(self, selection: list[Any]) -> None:
        await self.account.read_enabled_regions()
        from amiexplorer.ui.dialogs.copy import CopyDialog

        self._open(CopyDialog(self._context(selection)))

    def share(self, selection: list[Any]) -> None:
        """s: who may use an image or snapshot."""
        k = self.key
        if self._refused("share"):
            return
        if not selection or not all(isinstance(r, Image | Snapshot) for r in selection):
            self.host.complain(
                f"{k('share')} shares images ({k('images')}) or snapshots ({k('snapshots')})"
            )
            return
        from amiexplorer.ui.dialogs.share import ShareDialog

        self._open(ShareDialog(self._context(selection)))

    def lifecycle(self, selection: list[Any]) -> None:
        """l: deprecate, disable or protect images; archive, restore or un-FSR snapshots."""
        k = self.key
        if self._refused("lifecycle"):
            return
        images = all(isinstance(r, Image) for r in selection)
        snapshots = all(isinstance(r, Snapshot) for r in selection)
        if not selection or not (images or snapshots):
            self.host.complain(
                f"{k('lifecycle')} changes the lifecycle of images ({k('images')}) or "
                f"snapshots ({k('snapshots')})"
            )
            return
        from amiexplorer.ui.dialogs.lifecycle import LifecycleDialog

        self._open(LifecycleDialog(self._context(selection)))

    def make_private(self, selection: list[Any]) -> None:
        """p: stop sharing with everyone (remove public access)."""
        k = self.key
        if self._refused("make_private"):
            return
        selection = [r for r in selection if isinstance(r, Image | Snapshot)]
        if not selection:
            self.host.complain(
                f"{k('make-private')} makes images ({k('images')}) or snapshots "
                f"({k('snapshots')}) private again"
            )
            return
        request = MakePrivateRequest(tuple(r.id for r in selection))
        self.run_request(request, "Make private")

    def delete(self, selection: list[Any], kind: ResourceKind) -> None:
        """ctrl+d / delete: snapshots, images (deregister) or unattached volumes."""
        if self._refused("delete"):
            return
        if not selection:
            return
        made = delete_request(kind, tuple(r.id for r in selection))
        if made is None:
            self.host.complain(NEVER_INSTANCES)
            return
        request, title = made
        toggle = (
            self.deregister_toggle(request.image_ids)
            if isinstance(request, DeregisterImagesRequest)
            else None
        )
        self.run_request(request, title, toggle=toggle)

    def private_toggle(self, resource_ids: tuple[str, ...]) -> Toggle:
        """The confirm dialog's "remove the account shares too" box (off: p removes public)."""
        runner = self.runner
        calls = {
            "ResetSnapshotAttribute" if i.startswith("snap-") else "ResetImageAttribute"
            for i in resource_ids
        }
        label = "also remove every share with accounts, organizations and OUs "
        label += f"({', '.join(sorted(calls))})"

        def replan(everyone: bool) -> Any:
            return runner.plan(MakePrivateRequest(resource_ids, everyone=everyone))

        return Toggle(label, replan, value=False)

    def deregister_toggle(self, image_ids: tuple[str, ...]) -> ToggleSpec:
        """The confirmation's "also delete their snapshots" box (on by default)."""
        return deregister_toggle(self.runner.plan, image_ids)

    # The flow ---------------------------------------------------------------------------

    def _open(self, dialog: FormDialog) -> None:
        # The form stays open while its request is checked and confirmed (see _flow).
        dialog.submit_to = partial(self.run_request, title=dialog.TITLE, form=dialog)
        self.host.app.push_screen(dialog)

    def run_request(
        self,
        request: ActionRequest,
        title: str,
        toggle: ToggleSpec | None = None,
        form: FormDialog | None = None,
    ) -> None:
        """Run the flow in a worker of the screen (one action at a time)."""
        # A function, not a coroutine: a flow replaced before it starts is then never made
        # (a coroutine object would be dropped unawaited, with a RuntimeWarning).
        self.host.run_worker(
            partial(self._form_flow, request, title, toggle, form),
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

        self.host.run_worker(
            run_all,
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
            await read_unknown_sharing(self.account, request.resource_ids)
        runner = self.runner
        plan = runner.plan(request)
        if plan.estimate is not None and not plan.read_only_message and not plan.problems:
            plan = await self._priced(request, plan, title)
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
            self.host.set_status(f"{title}: checking permissions (DryRun)…")
            checked = await runner.preflight(plan)
            if checked.denied or checked.refused is not None:
                # A denied pair, or no DryRun at all (the action log cannot be written, say).
                self._refuse(form, checked.message)
                return
        notices = await form.confirmation_notices(plan) if form is not None else []
        if form is not None and not self._open_form(form):
            self.host.set_status(f"{title}: cancelled, nothing was changed")
            return
        self.host.set_status("")
        account = self.account
        answer = await self.host.app.push_screen_wait(
            ConfirmDialog(
                plan, account.inventory, toggle=box, identity=account.identity, notices=notices
            )
        )
        if answer is None:
            if form is not None and self._open_form(form):
                form.resume()
                self.host.set_status(f"{title}: not confirmed, nothing was changed")
            else:
                self.host.set_status(f"{title}: cancelled, nothing was changed")
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
        self.host.inventory_edited()
        if report.created:
            self.host.follow(*report.created)
        self.host.set_status(f"{title}: {report.summary()}")
        await self._show_results(title, report, choices)

    async def _priced(self, request: ActionRequest, plan: Plan, title: str) -> Plan:
        """The plan again once the blocks only its doomed snapshots hold are read.

        So that the confirmation says what the deletion frees, not the volume size. The reads
        are bounded by `BLOCK_READ_PATIENCE`: past it the confirmation keeps the upper bound,
        labelled as such, and the reads go on for next time.
        """
        doomed = [s.resource_ids[0] for s in plan.steps if s.action == "DeleteSnapshot"]
        blocks = self.account.inventory.blocks
        if not doomed:
            return plan
        before = (len(blocks.whole), len(blocks.changed))
        self.host.set_status(f"{title}: reading which blocks only these snapshots hold…")
        read = asyncio.ensure_future(self.account.read_blocks(doomed))
        self._reads.add(read)
        read.add_done_callback(self._reads.discard)
        await asyncio.wait({read}, timeout=BLOCK_READ_PATIENCE)
        if (len(blocks.whole), len(blocks.changed)) == before:
            return plan
        return self.runner.plan(request)

    def _default_toggle(self, request: ActionRequest) -> Toggle | None:
        """p offers to remove the shares with accounts too, where there are (or may be) any."""
        if not isinstance(request, MakePrivateRequest) or request.everyone:
            return None
        inventory = self.account.inventory
        for resource_id in request.resource_ids:
            resource = inventory.images.get(resource_id) or inventory.snapshots.get(resource_id)
            if resource is not None and (resource.shared_with or resource.shared_with is None):
                return self.private_toggle(request.resource_ids)
        return None

    def _open_form(self, form: FormDialog) -> bool:
        """True while the form is still open (esc closes it even while its request is checked)."""
        return form in self.host.app.screen_stack

    def _refuse(self, form: FormDialog | None, message: str) -> None:
        """Say why the request goes no further: in the form (kept open), and the status line."""
        self.host.complain(message)
        if form is not None and self._open_form(form):
            form.resume([message])

    async def _close(self, form: FormDialog | None) -> None:
        """The request is confirmed: its form closes."""
        if form is not None and self._open_form(form):
            form.pop_until_active()
            await form.dismiss(None)

    async def _show_results(self, title: str, report: Any, choices: Sequence[Line] = ()) -> None:
        target = await self.host.app.push_screen_wait(ResultsDialog(title, report, choices))
        self.host.redraw()
        if target:
            self.host.jump_to_id(target)
