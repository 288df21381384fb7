"""The region lists of botocore_patches (moto's cheap import) are botocore's, only cheaper."""

from __future__ import annotations

import botocore.session

from amiexplorer.demo import botocore_patches


def test_region_lists_are_botocores() -> None:
    botocore_patches.install()
    reference = botocore.session.Session()
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        for service in ("sts", "iam", "kms", "autoscaling"):
            for global_too in (False, True):
                fresh = botocore.session.Session()  # moto asks from fresh sessions like this
                expected = botocore_patches._original(reference, service, partition, global_too)
                assert fresh.get_available_regions(service, partition, global_too) == expected
    assert "eu-west-1" in botocore.session.Session().get_available_regions("kms")
