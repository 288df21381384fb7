"""Read the evidence of `evidence.py` from AWS: DLM policies, SSM parameters, image references.

Each reader asks only what an answer needs:

- DLM policies only when DLM made something in the inventory, and only where its policies can
  live: the regions of what it made, and those its copies came from (a policy is regional).
  One GetLifecyclePolicies call per region (it is not paginated).
- SSM parameters only where the account owns images: DescribeParameters of the String and
  StringList parameters (50 a page), then GetParameters of their values (10 a call), and of
  every `NAME:VERSION` a launch template pins. SecureString values are not read: EC2 cannot
  launch from one (`resolve:ssm:` takes String parameters), and reading them needs KMS.
- DescribeImageReferences only for the images the audit would otherwise call unused, 10 per
  call (its limit). Endpoints without it (other partitions, emulators) are skipped quietly.

Every failure becomes an `EvidenceProblem` of its region; nothing here raises but cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from amiexplorer.aws.evidence_reads import ReadFailed, guarded_read, with_problem, without_problem
from amiexplorer.aws.session import ClientPool
from amiexplorer.core.evidence import (
    ImageParameter,
    ImageReference,
    LifecyclePolicy,
    Source,
    dlm_regions,
    image_ids_in,
    split_selector,
)
from amiexplorer.core.inventory import Inventory
from amiexplorer.core.managed import Manager, management_of
from amiexplorer.core.relations import RelationGraph

T = TypeVar("T")

#: GetParameters takes at most 10 names; DescribeImageReferences at most 10 image ids.
_PARAMETER_BATCH = 10
_REFERENCE_BATCH = 10
#: Calls of one kind in flight at once in a region (SSM allows 40 GetParameters a second).
_PER_REGION = 4
#: What DescribeImageReferences looks at: every kind it knows, except that by default it counts
#: terminated instances, which no longer use an image (our rule, as for DescribeInstances), and
#: checks only the last 10 versions of a launch template, where any version can launch (EC2
#: API Reference, DescribeImageReferences: ResourceTypeOption; "How AMI reference checks work").
_REFERENCE_OPTIONS = [
    {
        "ResourceType": "ec2:Instance",
        "ResourceTypeOptions": [
            {
                "OptionName": "state-name",
                "OptionValues": ["pending", "running", "stopping", "stopped"],
            }
        ],
    },
    {
        "ResourceType": "ec2:LaunchTemplate",
        "ResourceTypeOptions": [{"OptionName": "version-depth", "OptionValues": ["10000"]}],
    },
]


# DLM ----------------------------------------------------------------------------------------


async def read_policies(pool: ClientPool, region: str) -> dict[str, LifecyclePolicy]:
    """Every DLM policy of a region, by id."""
    dlm = await pool.get("dlm", region)
    reply = await dlm.get_lifecycle_policies()
    return {
        str(p["PolicyId"]): LifecyclePolicy(
            policy_id=str(p["PolicyId"]),
            region=region,
            state=str(p.get("State") or "ENABLED"),
            description=str(p.get("Description") or ""),
            policy_type=p.get("PolicyType"),
        )
        for p in reply.get("Policies") or []
        if p.get("PolicyId")
    }


def dlm_lookup_regions(inventory: Inventory) -> set[str]:
    """The regions whose DLM policies the inventory's DLM-made resources need."""
    regions: set[str] = set()
    for table in (inventory.snapshots, inventory.images):
        for resource in table.values():
            management = management_of(resource)
            if management and management.manager is Manager.DLM and management.reference:
                regions.update(dlm_regions(resource)[0])
    return regions


async def read_dlm(pool: ClientPool, inventory: Inventory) -> None:
    """Read the DLM policies the inventory's DLM-made resources name, into its evidence.

    Only where those policies can live (`evidence.dlm_regions`): the regions of what DLM
    made, and those its copies came from. Nothing at all when DLM made nothing.
    """
    evidence = inventory.evidence

    async def one(region: str) -> None:
        try:
            policies = await guarded_read(
                Source.DLM, region, "dlm", "GetLifecyclePolicies", read_policies(pool, region)
            )
        except ReadFailed as failure:
            problems = with_problem(evidence, region, failure)
            evidence.update(region, policies=None, problems=problems)
            return
        evidence.update(
            region, policies=policies, problems=without_problem(evidence, region, Source.DLM)
        )

    await asyncio.gather(*(one(r) for r in sorted(dlm_lookup_regions(inventory))))


# SSM ----------------------------------------------------------------------------------------


async def _parameter_names(ssm: Any) -> list[tuple[str, str]]:
    """(name, data type) of every String and StringList parameter."""
    names: list[tuple[str, str]] = []
    paginator = ssm.get_paginator("describe_parameters")
    async for page in paginator.paginate(
        ParameterFilters=[{"Key": "Type", "Values": ["String", "StringList"]}],
        PaginationConfig={"PageSize": 50},
    ):
        for item in page.get("Parameters") or []:
            if item.get("Name"):
                names.append((str(item["Name"]), str(item.get("DataType") or "text")))
    return names


def _parameters_of(
    items: Iterable[Mapping[str, Any]], region: str, pinned: Mapping[str, list[str]] | None
) -> list[ImageParameter]:
    """ImageParameters of a GetParameters answer; `pinned`: name -> versions/labels asked."""
    found: list[ImageParameter] = []
    for item in items:
        name = str(item.get("Name") or "")
        version = item.get("Version")
        selector: str | None = None
        if pinned is not None:
            asked = pinned.get(name, [])
            given = str(item.get("Selector") or "").lstrip(":")
            if given:
                selector = given
            elif version is not None and str(version) in asked:
                selector = str(version)
            elif len(asked) == 1:
                selector = asked[0]
            else:
                continue
        for image_id in image_ids_in(str(item.get("Value") or "")):
            found.append(
                ImageParameter(
                    name=name,
                    region=region,
                    image_id=image_id,
                    data_type=str(item.get("DataType") or "text"),
                    version=int(version) if isinstance(version, int) else None,
                    pinned=selector,
                )
            )
    return found


async def read_parameters(
    pool: ClientPool, region: str, pinned_selectors: Iterable[str] = ()
) -> tuple[ImageParameter, ...]:
    """The parameters of a region whose values name images, and the pinned versions asked."""
    ssm = await pool.get("ssm", region)
    names = await _parameter_names(ssm)
    data_types = dict(names)
    current = sorted(data_types)
    pinned: dict[str, list[str]] = {}
    for selector in dict.fromkeys(pinned_selectors):
        name, version = split_selector(selector)
        if version is None:
            if name not in data_types:
                current.append(name)  # a parameter shared from elsewhere, or by ARN
        else:
            pinned.setdefault(name, []).append(version)
    limit = asyncio.Semaphore(_PER_REGION)
    found: list[ImageParameter] = []

    async def fetch(batch: list[str], asked: Mapping[str, list[str]] | None) -> None:
        async with limit:
            reply = await ssm.get_parameters(Names=batch, WithDecryption=False)
        found.extend(_parameters_of(reply.get("Parameters") or [], region, asked))

    batches: list[tuple[list[str], Mapping[str, list[str]] | None]] = [
        (current[i : i + _PARAMETER_BATCH], None) for i in range(0, len(current), _PARAMETER_BATCH)
    ]
    selectors = [f"{name}:{version}" for name, versions in pinned.items() for version in versions]
    for i in range(0, len(selectors), _PARAMETER_BATCH):
        batch = selectors[i : i + _PARAMETER_BATCH]
        asked: dict[str, list[str]] = {}
        for selector in batch:
            name, version = split_selector(selector)
            asked.setdefault(name, []).append(version or "")
        batches.append((batch, asked))
    async with asyncio.TaskGroup() as group:
        for batch, asked_versions in batches:
            group.create_task(fetch(batch, asked_versions))
    # The data type DescribeParameters gave wins (GetParameters of a shared one may lack it).
    return tuple(
        parameter if parameter.name not in data_types else _typed(parameter, data_types)
        for parameter in found
    )


def _typed(parameter: ImageParameter, data_types: Mapping[str, str]) -> ImageParameter:
    return replace(parameter, data_type=data_types[parameter.name])


def owns_images(inventory: Inventory) -> bool:
    """True when the account owns a registered image: only then can a parameter keep one."""
    return any(i.owned and i.is_registered for i in inventory.images.values())


async def read_ssm(pool: ClientPool, inventory: Inventory, regions: Iterable[str]) -> None:
    """Read the image parameters of `regions` into the inventory's evidence."""
    if not owns_images(inventory):
        return
    evidence = inventory.evidence
    graph = RelationGraph(inventory)

    async def one(region: str) -> None:
        selectors = graph.resolving_parameters(region)
        try:
            parameters = await guarded_read(
                Source.SSM,
                region,
                "ssm",
                "DescribeParameters",
                read_parameters(pool, region, selectors),
            )
        except ReadFailed as failure:
            evidence.update(
                region, parameters=None, problems=with_problem(evidence, region, failure)
            )
            return
        evidence.update(
            region, parameters=parameters, problems=without_problem(evidence, region, Source.SSM)
        )

    await asyncio.gather(*(one(r) for r in dict.fromkeys(regions)))


# DescribeImageReferences --------------------------------------------------------------------


async def read_image_references(
    pool: ClientPool, region: str, image_ids: Iterable[str]
) -> dict[str, tuple[ImageReference, ...]]:
    """What references each image, according to EC2 (every image asked gets an entry)."""
    ec2 = await pool.get("ec2", region)
    ordered = sorted(dict.fromkeys(image_ids))
    found: dict[str, list[ImageReference]] = {image_id: [] for image_id in ordered}
    for start in range(0, len(ordered), _REFERENCE_BATCH):
        batch = ordered[start : start + _REFERENCE_BATCH]
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "ImageIds": batch,
                "IncludeAllResourceTypes": True,
                "ResourceTypes": _REFERENCE_OPTIONS,
            }
            if token:
                params["NextToken"] = token
            reply = await ec2.describe_image_references(**params)
            for item in reply.get("ImageReferences") or []:
                image_id = str(item.get("ImageId") or "")
                if image_id in found:
                    found[image_id].append(
                        ImageReference(
                            image_id,
                            region,
                            str(item.get("ResourceType") or "unknown"),
                            str(item.get("Arn") or ""),
                        )
                    )
            token = reply.get("NextToken")
            if not token:
                break
    return {image_id: tuple(refs) for image_id, refs in found.items()}


async def read_references(
    pool: ClientPool, inventory: Inventory, image_ids: Mapping[str, Iterable[str]]
) -> None:
    """Ask DescribeImageReferences about the images given (region -> ids), into the evidence.

    An endpoint that does not have the call is skipped quietly: the parameters and launch
    templates read already are the evidence, this only adds to it.
    """
    evidence = inventory.evidence

    async def one(region: str, ids: list[str]) -> None:
        try:
            answers = await guarded_read(
                Source.IMAGE_REFERENCES,
                region,
                "ec2",
                "DescribeImageReferences",
                read_image_references(pool, region, ids),
            )
        except ReadFailed as failure:
            problems = without_problem(evidence, region, Source.IMAGE_REFERENCES)
            if not failure.unsupported:
                problems = (*problems, failure.problem)
            evidence.update(region, problems=problems)
            return
        known = dict(evidence.region(region).references)
        known.update(answers)
        evidence.update(
            region,
            references=known,
            problems=without_problem(evidence, region, Source.IMAGE_REFERENCES),
        )

    await asyncio.gather(
        *(one(region, sorted(set(ids))) for region, ids in image_ids.items() if ids)
    )
