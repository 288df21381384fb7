"""Every confirmation restates every choice of its form and every target (item 6).

"A confirmation restates every choice made in the form and every target (accounts,
regions, keys, sizes)": the size asked for, not the snapshot's; the encryption and its key;
no reboot; which volumes; and, when a tick box re-plans, the number to type follows it.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Select, SelectionList

from amiexplorer.demo import DemoServer, Planted
from amiexplorer.ui.dialogs.confirm import ConfirmDialog
from amiexplorer.ui.dialogs.copy import CopyDialog
from amiexplorer.ui.dialogs.create_image import CreateImageDialog
from amiexplorer.ui.dialogs.create_snapshot import CreateSnapshotDialog
from amiexplorer.ui.dialogs.create_volume import CreateVolumeDialog
from amiexplorer.ui.dialogs.results import ResultsDialog
from amiexplorer.ui.rows import formatting as fmt
from tests.dialogs.conftest import calls, dialog_text, goto, wait_for_screen
from tests.functional.conftest import AppFactory, explorer, screen_text, settle, until


def _real(server: DemoServer, action: str) -> list[Any]:
    return [r for r in calls(server, action) if not r.dry_run]


def _plain_snapshot(app: Any) -> Any:
    """A completed, unencrypted snapshot in the standard tier, smaller than 600 GiB."""
    return next(
        s
        for s in sorted(app.account.inventory.snapshots.values(), key=lambda s: s.id)
        if s.owner_id == app.account.identity.account_id
        and s.state == "completed"
        and s.storage_tier == "standard"
        and not s.encrypted
        and s.volume_size_gib < 600
    )


async def test_create_volume_restates_the_size_asked_for_and_every_other_field(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        snapshot = _plain_snapshot(app)
        zone = f"{snapshot.region}b"
        await goto(pilot, "3", snapshot.id)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateVolumeDialog)
        form = app.screen
        form.query_one("#availability_zone", Select).value = zone
        form.query_one("#size_gib", Input).value = "600"
        form.query_one("#iops", Input).value = "4000"
        form.query_one("#throughput", Input).value = "250"
        form.query_one("#encrypted", Checkbox).value = True
        await pilot.pause()
        form.query_one("#kms_key_id", Input).value = "alias/acme-ebs"
        form.query_one("#tags", Input).value = "Team=dr"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        size = f"{snapshot.volume_size_gib} GiB"
        assert f"From snapshot {snapshot.id}" in text and f"in {snapshot.region}: {size}" in text
        assert f"New volume 600 GiB gp3 in {zone}" in text
        assert "IOPS 4,000" in text and "Throughput 250 MiB/s" in text
        assert "Encryption encrypted with KMS key alias/acme-ebs" in text
        assert "Tags Team=dr" in text
        # The table's size is the new volume's, not the snapshot's.
        assert f"CreateVolume {snapshot.id} {snapshot.region} 600 GiB" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        assert "New volume 600 GiB gp3" in dialog_text(app.screen), "the results say it too"
    (sent,) = _real(demo_server, "CreateVolume")
    assert (sent.params["Size"], sent.params["Iops"], sent.params["Throughput"]) == (
        "600",
        "4000",
        "250",
    )
    assert (sent.params["KmsKeyId"], sent.params["AvailabilityZone"]) == ("alias/acme-ebs", zone)


async def test_copy_restates_the_regions_the_encryption_and_the_key(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        snapshot = _plain_snapshot(app)
        target = next(r for r in app.account.region_names if r != snapshot.region)
        key = world.kms_keys[target]
        await goto(pilot, "3", snapshot.id)
        await pilot.press("y")
        await wait_for_screen(pilot, CopyDialog)
        form = app.screen
        form.query_one(SelectionList).select(target)
        form.query_one("#description", Input).value = "dr copy"
        form.query_one("#encrypted", Checkbox).value = True
        await pilot.pause()
        form.query_one("#kms_key_id", Input).value = key
        form.query_one("#copy_tags", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert f"Snapshot {snapshot.id}" in text
        assert f"Copy to {target} (1 copy)" in text
        assert "Description 'dr copy'" in text
        assert f"Encryption encrypted with KMS key {key} in every target region" in text
        assert "Tags the snapshot's tags are copied" in text
        assert f"CopySnapshot {snapshot.id} {target}" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
    (sent,) = _real(demo_server, "CopySnapshot")
    assert (sent.params["Encrypted"], sent.params["KmsKeyId"]) == ("true", key)


def _instance_with_volumes(world: Planted) -> str:
    by_instance: dict[str, set[str]] = {}
    for volume, instance in world.volume_instance.items():
        by_instance.setdefault(instance, set()).add(volume)
    return sorted(i for i in world.running_instances if len(by_instance.get(i, ())) >= 2)[0]


async def test_create_image_restates_no_reboot_and_its_volumes_and_snapshots_the_boot_one(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    instance_id = _instance_with_volumes(world)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        inventory = app.account.inventory
        instance = inventory.instances[instance_id]
        volumes = {d.device_name: inventory.volumes[d.volume_id] for d in instance.block_devices}
        total = sum(v.size_gib for v in volumes.values())
        boot = volumes[instance.root_device_name or ""]
        await goto(pilot, "1", instance_id)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateImageDialog)
        form = app.screen
        form.query_one("#name", Input).value = "nightly-web"
        form.query_one("#description", Input).value = "before the upgrade"
        form.query_one("#no_reboot", Checkbox).value = True
        form.query_one("#tags", Input).value = "Team=web"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert "Image name 'nightly-web'" in text
        assert "Description 'before the upgrade'" in text
        assert f"Reboot no reboot: the image is taken while {instance_id} runs" in text
        for device, volume in volumes.items():
            assert f"{volume.id} {volume.size_gib} GiB {volume.volume_type} ({device})" in text
        assert f"{total} GiB in all" in text and "Image tags Team=web" in text
        assert f"CreateImage {instance_id} {instance.region} {total} GiB" in text
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
        await pilot.press("escape")
        await settle(pilot)
        # CreateSnapshots without the boot volume: the volumes it leaves out, said.
        await pilot.press("c")
        await wait_for_screen(pilot, CreateImageDialog)
        form = app.screen
        form.query_one("#snapshots_instead", Checkbox).value = True
        await pilot.pause()
        form.query_one("#exclude_boot_volume", Checkbox).value = True
        form.query_one("#copy_tags", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert "Volumes all but the boot volume" in text
        assert f"Left out boot volume {boot.id} ({instance.root_device_name})" in text
        assert "Volume tags copied onto each volume's snapshot" in text
        without_boot = total - boot.size_gib
        assert f"CreateSnapshots {instance_id} {instance.region} {without_boot} GiB" in text
    (image,) = _real(demo_server, "CreateImage")
    assert image.params["NoReboot"] == "true"


async def test_create_snapshot_restates_the_volume_its_size_description_and_tags(
    make_app: AppFactory, world: Planted
) -> None:
    volume_id, instance_id = sorted(world.volume_instance.items())[0]
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        volume = app.account.inventory.volumes[volume_id]
        await goto(pilot, "2", volume_id)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateSnapshotDialog)
        app.screen.query_one("#tags", Input).value = "Keep=yes"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert f"in {volume.availability_zone}: {volume.size_gib} GiB {volume.volume_type}" in text
        assert f"attached to {instance_id}" in text
        assert f"Description 'snapshot of {volume_id}" in text and "Tags Keep=yes" in text


async def test_unticking_the_snapshots_of_a_deregistration_changes_the_number_to_type(
    make_app: AppFactory, world: Planted, demo_server: DemoServer
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        images = app.account.inventory.images
        # Two unused images whose snapshots no other image uses: 2 images + their snapshots.
        shared = set(world.multi_image_snapshots)
        chosen = sorted(
            i
            for i in world.unused_images - world.pending_images
            if images[i].snapshot_ids and not set(images[i].snapshot_ids) & shared
        )[:2]
        assert len(chosen) == 2
        screen = explorer(pilot)
        for image_id in chosen:
            await goto(pilot, "4", image_id)
            await pilot.press("space", "escape")
        assert screen.table.marked == set(chosen)
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, ConfirmDialog)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        with_snapshots = dialog.plan.needs.count
        assert with_snapshots is not None and with_snapshots > 2
        assert f"Type {with_snapshots} (the number of resources)" in dialog_text(dialog)
        # From the number to the tick box, untick it, back to the number.
        assert isinstance(app.focused, Input)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Checkbox)
        await pilot.press("space")
        await until(pilot, lambda: dialog.plan.needs.count == 2)
        text = dialog_text(dialog)
        assert "Type 2 (the number of resources)" in text
        assert f"Type {with_snapshots} " not in text
        assert "Snapshots kept: their" in text
        # The old number no longer confirms.
        await pilot.press("tab", *str(with_snapshots), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "type the number of resources (2)" in screen_text(pilot)
        await pilot.press(*["backspace"] * len(str(with_snapshots)), "2", "ctrl+s")
        await wait_for_screen(pilot, ResultsDialog)
    assert len(_real(demo_server, "DeregisterImage")) == 2
    assert _real(demo_server, "DeleteSnapshot") == [], "only the DryRun of the first plan"


async def test_deleting_snapshots_restates_how_many_how_big_and_where(
    make_app: AppFactory, world: Planted
) -> None:
    # (A locked or fast-restore orphan is refused: test_lifecycle_confirmations.py.)
    orphans = sorted(world.plain_orphans & world.orphan_snapshots_deleted_volume)
    app = await make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        snapshots = [app.account.inventory.snapshots[s] for s in orphans]
        total = sum(s.volume_size_gib for s in snapshots)
        screen = explorer(pilot)
        for snapshot_id in orphans:
            await goto(pilot, "3", snapshot_id)
            await pilot.press("space", "escape")
        assert screen.table.marked == set(orphans)
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, ConfirmDialog)
        text = dialog_text(app.screen)
        assert f"Deletes {len(orphans)} snapshot(s), {fmt.size_gib(total)}: " in text
        for region in {s.region for s in snapshots}:
            here = [s for s in snapshots if s.region == region]
            gib = sum(s.volume_size_gib for s in here)
            assert f"{region} {len(here)} ({fmt.size_gib(gib)})" in text
