"""Cheaper KMS keys for seeding the demo world (a patch of moto's KMS, while seeding only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def cheap_signing_keys() -> Iterator[None]:
    """Within this block, moto gives new KMS keys a P-256 signing key instead of RSA-2048.

    moto gives even symmetric keys an RSA-2048 signing key: 50-200 ms each. The demo's keys are
    never used for signing, so a P-256 key (well under a millisecond) stands in. Not a patch of
    ``install()``: keys the app or a test creates over HTTP get moto's own.
    """
    import moto.kms.models
    from moto.kms.utils import ECDSAPrivateKey

    kms_models: Any = moto.kms.models
    original = kms_models.generate_private_key
    kms_models.generate_private_key = lambda _spec: ECDSAPrivateKey("ECC_NIST_P256")
    try:
        yield
    finally:
        kms_models.generate_private_key = original
