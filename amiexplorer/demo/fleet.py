"""The demo account's fleet, as data: images, copies, instances and launch templates.

Ages are days before the seeding ``now``; image names put the creation date in with ``{date}``
(``2026.10.14``), so names and dates always agree. The leftovers an audit hunts for are planted
here on purpose; ``world`` says which is which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from amiexplorer.demo.constants import PARTNER_ACCOUNT_ID, STAGING_ACCOUNT_ID

ImageFate = Literal["registered", "deregistered", "disabled"]
InstanceState = Literal["running", "stopped", "terminated"]

#: Amazon's public AL2023 image the base images are baked from (not in the demo account).
UPSTREAM_AL2023 = "ami-0a5c3558529277641"
UPSTREAM_AL2023_ARM = "ami-0c4e709339fa8521a"


@dataclass(frozen=True)
class Disk:
    """One EBS volume: device, size (GiB), type, encryption and performance."""

    device: str
    size: int
    kind: str = "gp3"
    encrypted: bool = False
    iops: int | None = None
    name: str | None = None
    #: False for data disks attached after launch (AWS's default for those).
    delete_on_termination: bool = True


@dataclass(frozen=True)
class Team:
    """Who owns a resource: tag values."""

    team: str
    owner: str


WEB = Team("web", "maria.gonzalez")
API = Team("platform-api", "dev.patel")
DATA = Team("data", "li.wei")
INFRA = Team("infra", "sam.okafor")
DEVEX = Team("devex", "jonas.berg")
ANALYTICS = Team("analytics", "amelie.durand")


@dataclass(frozen=True)
class ImageSpec:
    """An image baked in us-east-1 from a short-lived builder instance."""

    key: str
    name: str
    description: str
    days_ago: int
    team: Team
    disks: tuple[Disk, ...] = (Disk("/dev/xvda", 8),)
    arch: Literal["x86_64", "arm64"] = "x86_64"
    parent: str = UPSTREAM_AL2023
    fate: ImageFate = "registered"
    #: Days before ``now`` the image was deprecated; negative: deprecation scheduled ahead.
    deprecated_days_ago: int | None = None
    public: bool = False
    shared_with: tuple[str, ...] = ()


def _root(size: int, encrypted: bool = False, kind: str = "gp3") -> tuple[Disk, ...]:
    return (Disk("/dev/xvda", size, kind, encrypted),)


STAGING = STAGING_ACCOUNT_ID
PARTNER = PARTNER_ACCOUNT_ID

# fmt: off
IMAGES: tuple[ImageSpec, ...] = (
    # Base images: the hardened OS every team builds on.
    ImageSpec("base-v40", "base-al2023-hardened-v40",
              "Amazon Linux 2023 CIS L1 hardened base, build 1610", 610, INFRA,
              deprecated_days_ago=420),
    ImageSpec("base-v41", "base-al2023-hardened-v41",
              "Amazon Linux 2023 CIS L1 hardened base, build 1702", 380, INFRA,
              deprecated_days_ago=200),
    ImageSpec("base-v42", "base-al2023-hardened-v42",
              "Amazon Linux 2023 CIS L1 hardened base, build 1788", 95, INFRA,
              deprecated_days_ago=-270, shared_with=(STAGING, PARTNER)),
    ImageSpec("base-arm-v42", "base-al2023-arm64-hardened-v42",
              "Amazon Linux 2023 CIS L1 hardened base (Graviton), build 1789", 95, INFRA,
              arch="arm64", parent=UPSTREAM_AL2023_ARM),
    # Web tier: one golden image per release; old ones linger.
    ImageSpec("web-520", "web-server-{date}-1", "Web tier golden image, build 1391", 520, WEB,
              _root(30, True), parent="base-v40", fate="deregistered"),
    ImageSpec("web-410", "web-server-{date}-1", "Web tier golden image, build 1503", 410, WEB,
              _root(30, True), parent="base-v40", fate="deregistered"),
    ImageSpec("web-300", "web-server-{date}-1", "Web tier golden image, build 1611", 300, WEB,
              _root(30, True), parent="base-v41", fate="disabled"),
    ImageSpec("web-150", "web-server-{date}-1", "Web tier golden image, build 1738", 150, WEB,
              _root(30, True), parent="base-v41", deprecated_days_ago=60),
    ImageSpec("web-60", "web-server-{date}-2", "Web tier golden image, build 1801", 60, WEB,
              _root(30, True), parent="base-v42"),
    ImageSpec("web-21", "web-server-{date}-1", "Web tier golden image, build 1842", 21, WEB,
              _root(30, True), parent="base-v42"),
    # API tier.
    ImageSpec("api-240", "api-server-{date}-1", "API service (Corretto 21), build 904", 240, API,
              _root(20), parent="base-v41"),
    ImageSpec("api-120", "api-server-{date}-2", "API service (Corretto 21), build 951", 120, API,
              _root(20), parent="base-v42"),
    ImageSpec("api-35", "api-server-{date}-1", "API service (Corretto 21), build 988", 35, API,
              _root(20), parent="base-v42", shared_with=(STAGING,)),
    # Single-purpose images.
    ImageSpec("reporting", "reporting-worker-{date}-1", "Nightly reporting worker (Python 3.12)",
              200, ANALYTICS, _root(16), parent="base-v41"),
    ImageSpec("legacy", "legacy-billing-{date}-3", "Legacy billing batch (Java 8), build 77",
              700, DATA, _root(40, kind="gp2"), parent=UPSTREAM_AL2023),
    ImageSpec("jenkins", "jenkins-controller-{date}", "Jenkins LTS controller", 330, DEVEX,
              _root(50), parent="base-v41"),
    ImageSpec("postgres", "postgres-15-{date}", "PostgreSQL 15 on AL2023, tuned for r6i",
              400, DATA, _root(20, True), parent="base-v41"),
    ImageSpec("ml", "ml-gpu-experiment-v3", "CUDA 12 + PyTorch experiment box (abandoned)",
              450, ANALYTICS,
              (Disk("/dev/xvda", 100), Disk("/dev/sdf", 500, name="datasets")),
              parent=UPSTREAM_AL2023),
    ImageSpec("appliance", "acme-oss-demo-appliance-1.4.0",
              "Acme open-source demo appliance 1.4.0", 260, INFRA, _root(16, kind="gp2"),
              parent=UPSTREAM_AL2023, public=True),
    ImageSpec("grafana", "grafana-{date}-1", "Grafana + Loki monitoring box", 140, INFRA,
              _root(20), arch="arm64", parent="base-arm-v42"),
)
# fmt: on


@dataclass(frozen=True)
class CopySpec:
    """A CopyImage of an image into another region, some days after the source was made."""

    key: str
    source: str
    region: str
    days_after: int
    fate: ImageFate = "registered"


COPIES: tuple[CopySpec, ...] = (
    CopySpec("base-v42@usw2", "base-v42", "us-west-2", 1),
    CopySpec("base-v42@euw1", "base-v42", "eu-west-1", 1),
    CopySpec("base-v42@apse2", "base-v42", "ap-southeast-2", 2),
    CopySpec("base-arm-v42@usw2", "base-arm-v42", "us-west-2", 1),
    CopySpec("web-60@euw1", "web-60", "eu-west-1", 1, fate="deregistered"),
    CopySpec("web-60@apse2", "web-60", "ap-southeast-2", 2),
    CopySpec("web-21@usw2", "web-21", "us-west-2", 1),
    CopySpec("web-21@euw1", "web-21", "eu-west-1", 1),
    CopySpec("api-35@euw1", "api-35", "eu-west-1", 2),
)


@dataclass(frozen=True)
class InstanceSpec:
    """An instance launched from one of the account's images."""

    name: str
    region: str
    image: str
    kind: str
    days_ago: int
    team: Team
    state: InstanceState = "running"
    env: str = "production"
    data: tuple[Disk, ...] = ()
    #: Launch template name it was launched from (latest version).
    template: str | None = None


def _data(
    size: int, kind: str, name: str, encrypted: bool = False, iops: int | None = None
) -> Disk:
    return Disk("/dev/sdf", size, kind, encrypted, iops, name, delete_on_termination=False)


I = InstanceSpec  # noqa: E741 - keeps the table below readable
# fmt: off
INSTANCES: tuple[InstanceSpec, ...] = (
    I("web-prod-1", "us-east-1", "web-21", "m6i.large", 20, WEB),
    I("web-prod-2", "us-east-1", "web-21", "m6i.large", 20, WEB),
    I("web-prod-3", "us-east-1", "web-21", "m6i.large", 19, WEB),
    I("web-prod-4", "us-east-1", "web-21", "m6i.large", 19, WEB),
    I("web-staging-1", "us-east-1", "web-60", "t3.medium", 58, WEB, env="staging"),
    I("web-staging-2", "us-east-1", "web-60", "t3.medium", 58, WEB, "stopped", "staging"),
    I("api-staging-1", "us-east-1", "api-35", "t3.large", 34, API, env="staging"),
    I("api-staging-2", "us-east-1", "api-35", "t3.large", 34, API, "stopped", "staging"),
    I("api-canary-1", "us-east-1", "api-120", "c6i.large", 118, API, "terminated",
      data=(_data(50, "gp3", "api-canary-scratch"),)),
    I("bastion", "us-east-1", "base-v42", "t3.micro", 90, INFRA),
    I("jenkins-controller", "us-east-1", "jenkins", "m6i.xlarge", 320, DEVEX, env="tooling",
      data=(_data(500, "gp3", "jenkins-home"),)),
    I("jenkins-agent-1", "us-east-1", "base-v42", "c6i.2xlarge", 60, DEVEX, env="tooling",
      data=(_data(200, "gp3", "jenkins-agent-1-workspace"),), template="jenkins-agent"),
    I("jenkins-agent-2", "us-east-1", "base-v42", "c6i.2xlarge", 60, DEVEX, env="tooling",
      data=(_data(200, "gp3", "jenkins-agent-2-workspace"),), template="jenkins-agent"),
    I("jenkins-agent-3", "us-east-1", "base-v42", "c6i.2xlarge", 45, DEVEX, "stopped", "tooling",
      data=(_data(200, "gp3", "jenkins-agent-3-workspace"),), template="jenkins-agent"),
    I("postgres-primary", "us-east-1", "postgres", "r6i.2xlarge", 390, DATA,
      data=(_data(2000, "io2", "postgres-data", True, 16000),)),
    I("postgres-replica", "us-east-1", "postgres", "r6i.2xlarge", 385, DATA,
      data=(_data(2000, "io2", "postgres-data-replica", True, 16000),)),
    I("reporting-worker-1", "us-east-1", "reporting", "r6i.large", 195, ANALYTICS, "stopped",
      data=(_data(500, "st1", "reporting-spool"),)),
    I("grafana", "us-east-1", "grafana", "t4g.medium", 135, INFRA,
      data=(_data(100, "gp3", "grafana-data"),)),
    I("load-test-runner", "us-east-1", "base-v42", "c6i.4xlarge", 12, API, "terminated",
      env="staging"),
    I("web-dr-1", "us-west-2", "web-21@usw2", "m6i.large", 18, WEB),
    I("web-dr-2", "us-west-2", "web-21@usw2", "m6i.large", 18, WEB, "stopped"),
    I("kafka-broker-1", "us-west-2", "base-v42@usw2", "m6i.xlarge", 85, DATA,
      data=(_data(1000, "st1", "kafka-broker-1-logs"),)),
    I("kafka-broker-2", "us-west-2", "base-v42@usw2", "m6i.xlarge", 85, DATA,
      data=(_data(1000, "st1", "kafka-broker-2-logs"),)),
    I("kafka-broker-3", "us-west-2", "base-v42@usw2", "m6i.xlarge", 84, DATA,
      data=(_data(1000, "st1", "kafka-broker-3-logs"),)),
    I("api-dr-1", "us-west-2", "base-arm-v42@usw2", "c6g.xlarge", 80, API, "stopped"),
    I("web-prod-eu-1", "eu-west-1", "web-21@euw1", "m6i.large", 18, WEB),
    I("web-prod-eu-2", "eu-west-1", "web-21@euw1", "m6i.large", 18, WEB),
    I("api-prod-eu-1", "eu-west-1", "api-35@euw1", "c6i.large", 30, API),
    I("api-prod-eu-2", "eu-west-1", "api-35@euw1", "c6i.large", 30, API),
    I("bastion-eu", "eu-west-1", "base-v42@euw1", "t3.micro", 88, INFRA),
    I("redis-eu-1", "eu-west-1", "base-v42@euw1", "r6i.large", 80, DATA,
      data=(_data(100, "gp2", "redis-eu-1-aof"),)),
    I("web-prod-syd-1", "ap-southeast-2", "web-60@apse2", "m6i.large", 55, WEB),
    I("bastion-syd", "ap-southeast-2", "base-v42@apse2", "t3.micro", 85, INFRA),
    I("analytics-syd-1", "ap-southeast-2", "base-v42@apse2", "r6i.2xlarge", 70, ANALYTICS,
      data=(_data(2000, "st1", "analytics-warehouse"),)),
)
# fmt: on


@dataclass(frozen=True)
class TemplateVersion:
    """One launch template version: image, instance type, age."""

    image: str
    kind: str
    days_ago: int
    description: str


#: Launch templates (region, name) -> versions, oldest first; the default is the latest.
TEMPLATES: dict[tuple[str, str], tuple[TemplateVersion, ...]] = {
    # The trap: base-v41 lives on only in versions 1-2, and no Auto Scaling group uses this
    # template, yet anyone may still launch "jenkins-agent:1".
    ("us-east-1", "jenkins-agent"): (
        TemplateVersion("base-v41", "c6i.xlarge", 370, "initial agents"),
        TemplateVersion("base-v41", "c6i.2xlarge", 300, "bigger agents for monorepo builds"),
        TemplateVersion("base-v42", "c6i.2xlarge", 90, "base v42"),
        TemplateVersion("base-v42", "c6i.2xlarge", 60, "workspace volume on /dev/sdf"),
    ),
    ("us-east-1", "api-prod"): (
        TemplateVersion("api-35", "c6i.large", 34, "build 988"),
        TemplateVersion("api-35", "c6i.xlarge", 33, "build 988, scale up"),
    ),
    ("eu-west-1", "web-prod-eu"): (
        TemplateVersion("web-60@euw1", "m6i.large", 57, "build 1801"),
        TemplateVersion("web-21@euw1", "m6i.large", 19, "build 1842"),
    ),
}

#: The Auto Scaling group running the api-prod template ($Latest) in us-east-1.
API_ASG = ("api-prod-asg", "api-prod", 2, 33)

#: The only thing still naming the legacy billing image: a launch configuration, no group.
LEGACY_LAUNCH_CONFIGURATION = ("legacy-billing-lc-v3", "legacy", "m5.large", 690)
