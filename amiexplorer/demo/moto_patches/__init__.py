"""Every patch of moto, the AWS emulator the demo world and the tests run on: here and only here.

``install()`` applies them all, once per process (thread-safe, idempotent), lazily (called by
``DemoServer.start``, ``seed_world`` and ``enable_pending``), never at import: merely importing
the demo changes nothing in moto. ``tests/compat/test_third_party.py`` checks every name of
moto's they replace or read, so that an upgrade of moto fails there, naming what changed
("moto changed moto.ec2.models.amis.AmiBackend.create_image: ..."), and not with an HTTP 500
in the demo; pyproject.toml bounds moto at the versions that test passed with.

What they change, and where:

- ``pending_states``: pending states (see ``demo.pending``): ``Snapshot.status``/``progress``/
  ``state`` and ``Ami.state`` read the demo's markers, for CreateSnapshot(s), CopySnapshot,
  CreateImage, CopyImage and RegisterImage while pending mode is on.
- ``images``: CreateImage / CopyImage snapshot every volume / source snapshot (see
  ``imaging``). CreateImage applies its ``snapshot`` TagSpecifications to the snapshots it
  makes, and CopyImage honours CopyImageTags and TagSpecifications (moto raises
  NotImplementedError or ignores them). ResetImageAttribute (launchPermission) makes the image
  private again (moto answers NotImplementedError). DescribeImageAttribute for
  lastLaunchedTime, imdsSupport, tpmSupport, uefiData and ramdisk no longer crashes moto with
  an AttributeError, nor does it for an unknown or deregistered image (InvalidAMIID.NotFound /
  InvalidAMIID.Unavailable, as in AWS). DescribeImageReferences is answered from moto's
  instances, launch templates and SSM parameters (see ``image_references``); moto answers it
  with HTTP 500.
- ``snapshots``: CopySnapshot writes AWS's default description and reports ``vol-ffffffff``.
  DescribeSnapshots honours RestorableByUserIds (moto ignores it and lists every snapshot):
  `all` lists public snapshots, an account id those shared with it or public. DeleteSnapshot
  refuses a snapshot that any registered image names (``InvalidSnapshot.InUse``); moto only
  checks the image the snapshot was created for. It refuses AWS Backup's snapshots (tagged
  aws:backup:source-resource) as EC2 does, with InvalidParameterValue. Snapshots remember the
  KMS key of their volume (moto drops it). ResetSnapshotAttribute (createVolumePermission)
  makes the snapshot private again (moto answers NotImplementedError). DescribeSnapshots reports
  FullSnapshotSizeInBytes from the snapshot's block map (``snapshot_blocks``), and a snapshot
  DeleteSnapshot really deletes forgets its map (one sent to the Recycle Bin keeps it).
- ``guards``: AWS's lifecycle guards. DeleteSnapshot refuses a locked snapshot
  (``snapshot_locks``) and a snapshot of an image in the Recycle Bin; DeregisterImage refuses an
  image with deregistration protection (``deregistration``; DescribeImages reports
  ``DeregistrationProtection``); both send what a Recycle Bin rule of the region retains to the
  bin instead of destroying it (``recycle_bin_ec2``). Lock/UnlockSnapshot,
  DescribeLockedSnapshots, Enable/Disable/DescribeFastSnapshotRestores (``fast_restores``),
  Enable/DisableImageDeregistrationProtection, List*InRecycleBin and Restore*FromRecycleBin are
  answered by the demo (moto answers HTTP 500).
- ``block_public_access``: Get/Enable/Disable Image and Snapshot BlockPublicAccess(State) are
  answered per account and Region (``demo.block_public_access``; moto answers HTTP 500);
  ModifyImageAttribute / ModifySnapshotAttribute refuse Group=all while blocked; under
  block-all-sharing ``Snapshot.create_volume_permission_groups`` hides Group=all (so
  RestorableByUserIds=all no longer lists them) while DescribeSnapshotAttribute still shows it.
- ``kms``: not installed: ``cheap_signing_keys()`` swaps moto's KMS key generator while the
  seeder makes its keys.

The demo reads moto's internals in other places too, without patching them (its backends in
``backends``, its server in ``server``, its random ids, SSM's parameter store); the
compatibility test checks those names as well. botocore's patch for moto's import is in
``demo/botocore_patches.py``.
"""

from __future__ import annotations

import threading

from amiexplorer.demo.moto_patches import (
    block_public_access,
    guards,
    images,
    pending_states,
    snapshots,
)
from amiexplorer.demo.moto_patches.kms import cheap_signing_keys
from amiexplorer.demo.moto_patches.wrapping import REPLACED

__all__ = ["REPLACED", "cheap_signing_keys", "install", "installed"]

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Install every patch of moto once per process (thread-safe, idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        pending_states.patch_states()
        snapshots.patch_backend()
        snapshots.patch_responses()
        images.patch_backend()
        images.patch_attributes()
        images.patch_responses()
        guards.patch_backend()
        guards.patch_attributes()
        guards.patch_responses()
        block_public_access.patch()
        _installed = True


def installed() -> bool:
    """Whether ``install()`` has run in this process."""
    return _installed
