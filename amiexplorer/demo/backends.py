"""Access to moto's in-process backends, and a reset that keeps ids reproducible.

The demo server runs moto in a thread of this process, so the server and the seeder share moto's
global backends: creating resources here is instantly visible over HTTP, without paying ~10 ms
per HTTP call.
"""

from __future__ import annotations

import os

# Must precede every moto import: otherwise each region starts with ~1,300 public AMIs.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from typing import Any

from moto.core.base_backend import BackendDict
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.models import moto_api_backend

from amiexplorer.demo import botocore_patches, dlm, recovery_points, recycle_bin, snapshot_blocks
from amiexplorer.demo.constants import DEMO_ACCOUNT_ID

# moto's core (above) lists no regions; its service modules (EC2, KMS, ...) do when imported,
# lazily, through the functions below, the seeder, the patches or the server: all after this.
botocore_patches.install()


def reset_backends(seed: int | None = None) -> None:
    """Throw away all moto state; with ``seed``, make the ids moto draws from now on repeatable.

    ``BackendDict.reset()`` re-runs each backend's ``__init__``, and some of those build other
    backends as a side effect (Auto Scaling's builds EC2's, with a default VPC and random ids)
    before the seed is set. Those leftovers would make ids depend on what ran before, so every
    backend dictionary that was in use is emptied again afterwards, and rebuilt lazily later.

    The demo's own stores of what moto does not model (DLM policies, Backup recovery points,
    Recycle Bin rules and what is in the bin) are emptied too.
    """
    registry: Any = BackendDict
    in_use: list[BackendDict[Any]] = list(registry._instances)
    moto_api_backend.reset()
    for backend_dict in in_use:
        dict.clear(backend_dict)
    dlm.reset()
    recovery_points.reset()
    recycle_bin.reset()
    snapshot_blocks.reset()
    if seed is not None:
        mock_random.seed(seed)


def ec2_backend(region: str) -> Any:
    """Return moto's EC2 backend of the demo account in ``region``."""
    from moto.ec2.models import ec2_backends

    return ec2_backends[DEMO_ACCOUNT_ID][region]


def autoscaling_backend(region: str) -> Any:
    """Return moto's Auto Scaling backend of the demo account in ``region``."""
    from moto.autoscaling.models import autoscaling_backends

    return autoscaling_backends[DEMO_ACCOUNT_ID][region]


def kms_backend(region: str) -> Any:
    """Return moto's KMS backend of the demo account in ``region``."""
    from moto.kms.models import kms_backends

    return kms_backends[DEMO_ACCOUNT_ID][region]


def iam_backend() -> Any:
    """Return moto's (global) IAM backend of the demo account."""
    from moto.iam.models import iam_backends

    return iam_backends[DEMO_ACCOUNT_ID]["aws"]


def ssm_backend(region: str) -> Any:
    """Return moto's SSM (Parameter Store) backend of the demo account in ``region``."""
    from moto.ssm.models import ssm_backends

    return ssm_backends[DEMO_ACCOUNT_ID][region]


def backup_backend(region: str) -> Any:
    """Return moto's AWS Backup backend of the demo account in ``region``."""
    from moto.backup.models import backup_backends

    return backup_backends[DEMO_ACCOUNT_ID][region]
