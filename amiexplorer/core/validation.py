"""Pure checks of what a person typed, before anything is sent to AWS.

Each check returns a list of `Problem`s (empty when the input is fine). A message says what is
wrong and what is allowed, so a form can show it under the field as it is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

#: Characters AWS allows in an image name, as a person reads them.
IMAGE_NAME_CHARACTERS = "letters, digits, spaces and ( ) [ ] . / - ' @ _"
_IMAGE_NAME = re.compile(r"[A-Za-z0-9()\[\] ./\-'@_]+")
_ACCOUNT_ID = re.compile(r"\d{12}")
_PARTITION = r"arn:aws(?:-[a-z]+)*"
_ORGANIZATION_ID = r"o-[a-z0-9]{10,32}"
_ORGANIZATIONS = rf"{_PARTITION}:organizations::\d{{12}}"
_ORGANIZATION_ARN = re.compile(rf"{_ORGANIZATIONS}:organization/{_ORGANIZATION_ID}")
_OU_ARN = re.compile(
    rf"{_ORGANIZATIONS}:ou/{_ORGANIZATION_ID}/ou-[a-z0-9]{{4,32}}-[a-z0-9]{{8,32}}"
)
_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS_NAME = r"alias/[A-Za-z0-9/_-]{1,250}"
_KMS_KEY_ID = re.compile(_KEY_ID)
_KMS_ALIAS = re.compile(_ALIAS_NAME)
_KMS_ARN = re.compile(
    rf"{_PARTITION}:kms:(?P<region>[a-z0-9-]+):\d{{12}}:(?:key/{_KEY_ID}|{_ALIAS_NAME})"
)

#: Size limits in GiB per volume type.
VOLUME_SIZE_LIMITS: dict[str, tuple[int, int]] = {
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    # io2 volumes are all Block Express now, which allows up to 64 TiB.
    "io2": (4, 65536),
    "st1": (125, 16384),
    "sc1": (125, 16384),
    "standard": (1, 1024),
}
#: (minimum, maximum, maximum per GiB) provisioned IOPS for the types that take them.
IOPS_LIMITS: dict[str, tuple[int, int, int | None]] = {
    "gp3": (3000, 16000, None),
    "io1": (100, 64000, 50),
    "io2": (100, 256000, 1000),
}
GP3_DEFAULT_IOPS = 3000
THROUGHPUT_LIMITS = (125, 1000)
#: gp3 allows at most 0.25 MiB/s of throughput per provisioned IOPS.
THROUGHPUT_PER_IOPS = 0.25

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
MAX_DESCRIPTION = 255
PUBLIC_WORD = "public"

Tags = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: the field it concerns and what is allowed."""

    field: str
    message: str

    def __str__(self) -> str:
        """For instance "name: must be 3-128 characters long, not 2"."""
        return f"{self.field}: {self.message}"


def check_image_name(name: str, taken: Collection[str] = (), region: str = "") -> list[Problem]:
    """A name of 3-128 allowed characters, unused (case-sensitively) by the region's images."""
    problems = []
    if not 3 <= len(name) <= 128:
        problems.append(Problem("name", f"must be 3-128 characters long, not {len(name)}"))
    if name and not _IMAGE_NAME.fullmatch(name):
        bad = "".join(sorted({c for c in name if not _IMAGE_NAME.fullmatch(c)}))
        problems.append(
            Problem("name", f"cannot contain {bad!r}; allowed: {IMAGE_NAME_CHARACTERS}")
        )
    if name in taken:
        where = f" in {region}" if region else ""
        problems.append(Problem("name", f"an image named {name!r} already exists{where}"))
    return problems


def check_account_id(value: str, own_account: str | None = None) -> list[Problem]:
    """Exactly 12 digits, and not the account itself."""
    if not _ACCOUNT_ID.fullmatch(value):
        return [Problem("account_id", f"{value!r} is not an AWS account id (exactly 12 digits)")]
    if own_account is not None and value == own_account:
        return [Problem("account_id", f"{value} is this account: it needs no permission")]
    return []


def check_organization_arn(value: str) -> list[Problem]:
    """arn:aws:organizations::<12 digits>:organization/o-<10-32 lowercase letters or digits>."""
    if _ORGANIZATION_ARN.fullmatch(value):
        return []
    return [
        Problem(
            "organization_arn",
            f"{value!r} is not an organization ARN "
            "(arn:aws:organizations::<account id>:organization/o-<10-32 letters or digits>)",
        )
    ]


def check_ou_arn(value: str) -> list[Problem]:
    """arn:aws:organizations::<12>:ou/o-<id>/ou-<4-32>-<8-32>."""
    if _OU_ARN.fullmatch(value):
        return []
    return [
        Problem(
            "organizational_unit_arn",
            f"{value!r} is not an organizational unit ARN "
            "(arn:aws:organizations::<account id>:ou/o-<org id>/ou-<root>-<ou id>)",
        )
    ]


def check_kms_key(value: str, region: str | None = None) -> list[Problem]:
    """A key id, key ARN, alias name or alias ARN; an ARN must be of `region` when given."""
    if _KMS_KEY_ID.fullmatch(value) or _KMS_ALIAS.fullmatch(value):
        return []
    arn = _KMS_ARN.fullmatch(value)
    if arn is None:
        return [
            Problem(
                "kms_key_id",
                f"{value!r} is not a KMS key: give a key id (a UUID or mrk-<32 hex>), a key ARN, "
                "an alias (alias/<name>) or an alias ARN",
            )
        ]
    if region is not None and arn["region"] != region:
        return [
            Problem(
                "kms_key_id",
                f"the key is in {arn['region']}, but it must be a key of {region}",
            )
        ]
    return []


def check_volume(
    volume_type: str,
    size_gib: int | None,
    *,
    snapshot_size_gib: int = 0,
    iops: int | None = None,
    throughput: int | None = None,
) -> list[Problem]:
    """Size, IOPS and throughput within the limits of the volume type."""
    limits = VOLUME_SIZE_LIMITS.get(volume_type)
    if limits is None:
        allowed = ", ".join(VOLUME_SIZE_LIMITS)
        return [Problem("volume_type", f"unknown volume type {volume_type!r}; allowed: {allowed}")]
    problems = []
    size = size_gib if size_gib is not None else snapshot_size_gib
    low, high = limits
    if size_gib is not None and size_gib < snapshot_size_gib:
        problems.append(
            Problem("size_gib", f"must be at least the snapshot's {snapshot_size_gib} GiB")
        )
    if not low <= size <= high:
        problems.append(Problem("size_gib", f"{volume_type} volumes take {low}-{high} GiB"))
    iops_limits = IOPS_LIMITS.get(volume_type)
    if iops is not None and iops_limits is None:
        with_iops = ", ".join(IOPS_LIMITS)
        problems.append(Problem("iops", f"only {with_iops} volumes take provisioned IOPS"))
    elif iops_limits is not None:
        problems += _check_iops(volume_type, size, iops, iops_limits)
    if throughput is not None:
        if volume_type != "gp3":
            problems.append(Problem("throughput", "only gp3 volumes take a throughput"))
        elif not THROUGHPUT_LIMITS[0] <= throughput <= THROUGHPUT_LIMITS[1]:
            low_t, high_t = THROUGHPUT_LIMITS
            problems.append(Problem("throughput", f"gp3 takes {low_t}-{high_t} MiB/s"))
        elif throughput > (iops or GP3_DEFAULT_IOPS) * THROUGHPUT_PER_IOPS:
            needed = int(throughput / THROUGHPUT_PER_IOPS)
            problems.append(
                Problem("throughput", f"{throughput} MiB/s needs at least {needed} IOPS")
            )
    return problems


def _check_iops(
    volume_type: str, size: int, iops: int | None, limits: tuple[int, int, int | None]
) -> list[Problem]:
    low, high, per_gib = limits
    if iops is None:
        if volume_type == "gp3":
            return []
        return [Problem("iops", f"{volume_type} volumes need provisioned IOPS ({low}-{high})")]
    if not low <= iops <= high:
        return [Problem("iops", f"{volume_type} takes {low}-{high} IOPS, not {iops}")]
    if per_gib is not None and iops > per_gib * size:
        return [
            Problem(
                "iops",
                f"{volume_type} allows at most {per_gib} IOPS per GiB: "
                f"{per_gib * size} for {size} GiB",
            )
        ]
    return []


_ZONE_SUFFIX = r"(?:[a-z]|-[a-z0-9]+(?:-[a-z0-9]+)*[a-z])"


def check_availability_zone(zone: str, region: str) -> list[Problem]:
    """The zone must be one of `region` (us-east-1a, or a Local Zone like us-west-2-lax-1a)."""
    if re.fullmatch(re.escape(region) + _ZONE_SUFFIX, zone):
        return []
    return [
        Problem(
            "availability_zone",
            f"{zone!r} is not an availability zone of {region} (like {region}a)",
        )
    ]


def check_target_regions(
    targets: Sequence[str], source: str, known: Collection[str]
) -> list[Problem]:
    """At least one known region, none twice, none the source region itself."""
    if not targets:
        return [Problem("target_regions", "choose at least one region to copy to")]
    problems = []
    seen: set[str] = set()
    for region in targets:
        if region in seen:
            problems.append(Problem("target_regions", f"{region} is listed twice"))
        seen.add(region)
        if region == source:
            problems.append(
                Problem("target_regions", f"{region} is the source region: choose another")
            )
        elif region not in known:
            problems.append(Problem("target_regions", f"{region!r} is not a region EC2 knows"))
    return problems


def check_tags(tags: Iterable[tuple[str, str]], field: str = "tags") -> list[Problem]:
    """At most 50 tags; keys of 1-128 characters not starting with aws:; values up to 256."""
    pairs = list(tags)
    problems = []
    if len(pairs) > MAX_TAGS:
        problems.append(Problem(field, f"at most {MAX_TAGS} tags, not {len(pairs)}"))
    seen: set[str] = set()
    for key, value in pairs:
        if not 1 <= len(key) <= MAX_TAG_KEY:
            problems.append(Problem(field, f"tag key {key!r} must be 1-{MAX_TAG_KEY} characters"))
        if key.lower().startswith("aws:"):
            problems.append(Problem(field, f"tag key {key!r}: the aws: prefix is reserved"))
        if len(value) > MAX_TAG_VALUE:
            problems.append(
                Problem(field, f"the value of tag {key!r} must be at most {MAX_TAG_VALUE} chars")
            )
        if key in seen:
            problems.append(Problem(field, f"tag key {key!r} appears twice"))
        seen.add(key)
    return problems


def check_description(text: str | None, field: str = "description") -> list[Problem]:
    """At most 255 characters."""
    if text is not None and len(text) > MAX_DESCRIPTION:
        return [Problem(field, f"at most {MAX_DESCRIPTION} characters, not {len(text)}")]
    return []


def check_encryption(encrypted: bool | None, kms_key_id: str | None, region: str) -> list[Problem]:
    """A KMS key only with encryption on, and a well-formed key of the right region."""
    if kms_key_id is None:
        return []
    problems = check_kms_key(kms_key_id, region)
    if not encrypted:
        problems.append(Problem("kms_key_id", "a KMS key needs encryption turned on"))
    return problems
