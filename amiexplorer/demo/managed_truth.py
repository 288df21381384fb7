"""The truth about what other services manage, read back from moto and the demo's own stores.

``planted.collect`` asks for it: DLM's tags on snapshots and images against the policies that
exist, AWS Backup's recovery points, the images SSM parameters hold (directly, or through
launch templates that say ``resolve:ssm:NAME[:VERSION]``) and Image Builder's tags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from amiexplorer.demo import dlm, recovery_points
from amiexplorer.demo.backends import ec2_backend, ssm_backend
from amiexplorer.demo.constants import DEMO_ACCOUNT_ID

RESOLVE_SSM = "resolve:ssm:"
IMAGE_BUILDER_TAG = "Ec2ImageBuilderArn"


@dataclass
class ManagedTruth:
    """What DLM, AWS Backup, Image Builder and SSM parameters hold in the seeded world."""

    #: policy id -> state / region, of the policies that exist.
    dlm_policies: dict[str, str] = field(default_factory=dict)
    dlm_policy_regions: dict[str, str] = field(default_factory=dict)
    #: snapshots / images tagged with an existing ENABLED policy.
    dlm_managed_snapshots: set[str] = field(default_factory=set)
    dlm_managed_images: set[str] = field(default_factory=set)
    #: snapshots / images tagged with a policy that is deleted or not ENABLED.
    dlm_unmanaged_snapshots: set[str] = field(default_factory=set)
    dlm_unmanaged_images: set[str] = field(default_factory=set)
    #: recovery points that are snapshots / images (and exist).
    backup_snapshots: set[str] = field(default_factory=set)
    backup_images: set[str] = field(default_factory=set)
    #: snapshots carrying AWS Backup's source-resource tag (recovery points or not).
    backup_tagged_snapshots: set[str] = field(default_factory=set)
    ssm_image_parameters: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    resolve_ssm_templates: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    image_builder_images: set[str] = field(default_factory=set)

    @property
    def dlm_tagged_snapshots(self) -> set[str]:
        """Every snapshot carrying DLM's policy-id tag, whatever became of the policy."""
        return self.dlm_managed_snapshots | self.dlm_unmanaged_snapshots


def parse_resolve(image_ref: str) -> tuple[str, str | None] | None:
    """``resolve:ssm:/golden/api:1`` -> ("/golden/api", "1"); None for a plain image id."""
    if not image_ref.startswith(RESOLVE_SSM):
        return None
    # Parameter names cannot contain ":", so the first one after the prefix starts the
    # selector: a version number or a label.
    name, sep, selector = image_ref.removeprefix(RESOLVE_SSM).partition(":")
    return name, (selector if sep else None)


def resolve(versions: Mapping[str, list[Any]], name: str, selector: str | None) -> str | None:
    """The value ``resolve:ssm:name[:selector]`` stands for, if the parameter has it."""
    history = versions.get(name) or []
    if not history:
        return None
    if selector is None:
        return str(history[-1].value)
    for version in history:
        if str(version.version) == selector or selector in (version.labels or []):
            return str(version.value)
    return None


def _parameters(region: str) -> dict[str, list[Any]]:
    """The region's String parameters: name -> versions, oldest first (no public defaults)."""
    ssm = ssm_backend(region)
    # dict.items: ParameterDict loads AWS's public /aws/service parameters on item access.
    return {
        name: list(history)
        for name, history in dict.items(ssm._parameters)
        if history and history[-1].parameter_type == "String"
    }


def _read_dlm(truth: ManagedTruth, region: str, ec2: Any, regions: tuple[str, ...]) -> None:
    for policy in dlm.policies(region):
        truth.dlm_policies[policy.policy_id] = policy.state
        truth.dlm_policy_regions[policy.policy_id] = region
    # Copies (a policy's cross-region copy rule) name the policy of the region they came from.
    policies = {p.policy_id: p for name in regions for p in dlm.policies(name)}

    def enabled(tags: Mapping[str, str]) -> bool | None:
        policy_id = tags.get(dlm.POLICY_ID_TAG)
        if policy_id is None:
            return None
        policy = policies.get(policy_id)
        return policy is not None and policy.state == "ENABLED"

    for snapshot in ec2.snapshots.values():
        if snapshot.owner_id != DEMO_ACCOUNT_ID:
            continue
        tags = ec2.tags.get(snapshot.id, {})
        managed = enabled(tags)
        if managed is not None:
            target = truth.dlm_managed_snapshots if managed else truth.dlm_unmanaged_snapshots
            target.add(snapshot.id)
        if recovery_points.SOURCE_RESOURCE_TAG in tags:
            truth.backup_tagged_snapshots.add(snapshot.id)
    for image in ec2.amis.values():
        if image.owner_id != DEMO_ACCOUNT_ID:
            continue
        tags = ec2.tags.get(image.id, {})
        managed = enabled(tags)
        if managed is not None:
            target = truth.dlm_managed_images if managed else truth.dlm_unmanaged_images
            target.add(image.id)
        if IMAGE_BUILDER_TAG in tags:
            truth.image_builder_images.add(image.id)


def _read_ssm(truth: ManagedTruth, region: str, ec2: Any) -> None:
    versions = _parameters(region)
    for name, history in versions.items():
        current = str(history[-1].value)
        if current.startswith("ami-"):
            truth.ssm_image_parameters[current].add(name)
    for template in ec2.launch_templates.values():
        for version in template.versions:
            reference = parse_resolve(str(version.image_id or ""))
            if reference is None:
                continue
            value = resolve(versions, *reference)
            if value is not None and value.startswith("ami-"):
                truth.ssm_image_parameters[value].add(reference[0])
                truth.resolve_ssm_templates[value].add(template.id)


def read(regions: tuple[str, ...]) -> ManagedTruth:
    """Read the managed cases of ``regions`` back from moto and the demo's stores."""
    truth = ManagedTruth()
    for region in regions:
        ec2 = ec2_backend(region)
        _read_dlm(truth, region, ec2, regions)
        _read_ssm(truth, region, ec2)
    for point in recovery_points.all_points():
        if point.account != DEMO_ACCOUNT_ID or point.region not in regions:
            continue
        ec2 = ec2_backend(point.region)
        if point.resource_id in ec2.snapshots:
            truth.backup_snapshots.add(point.resource_id)
        elif point.resource_id in ec2.amis:
            truth.backup_images.add(point.resource_id)
    return truth
