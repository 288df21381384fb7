"""Everything that talks to AWS. This package never imports Textual (a CI contract)."""

from amiexplorer.aws.connect import Connection, StartupError, connect, fetch_identity
from amiexplorer.aws.descriptions import DescriptionRef, Origin, parse_description
from amiexplorer.aws.errors import AwsProblem, describe_problem
from amiexplorer.aws.inventory import (
    Inventory,
    InventoryEvent,
    LoadError,
    PageLoaded,
    RegionFinished,
    RegionStarted,
    RegionState,
    RegionStatus,
)
from amiexplorer.aws.loader import InventoryLoader, PageSizes
from amiexplorer.aws.models import (
    BlockDeviceMapping,
    Identity,
    Image,
    Instance,
    LaunchConfiguration,
    LaunchTemplateVersion,
    Region,
    Resource,
    ResourceKind,
    Snapshot,
    Volume,
)
from amiexplorer.aws.relations import ImageUsage, RelationGraph
from amiexplorer.aws.session import AwsSession, ClientPool, ConnectionSettings

__all__ = [
    "AwsProblem",
    "AwsSession",
    "BlockDeviceMapping",
    "ClientPool",
    "Connection",
    "ConnectionSettings",
    "DescriptionRef",
    "Identity",
    "Image",
    "ImageUsage",
    "Instance",
    "Inventory",
    "InventoryEvent",
    "InventoryLoader",
    "LaunchConfiguration",
    "LaunchTemplateVersion",
    "LoadError",
    "Origin",
    "PageLoaded",
    "PageSizes",
    "Region",
    "RegionFinished",
    "RegionStarted",
    "RegionState",
    "RegionStatus",
    "RelationGraph",
    "Resource",
    "ResourceKind",
    "Snapshot",
    "StartupError",
    "Volume",
    "connect",
    "describe_problem",
    "fetch_identity",
    "parse_description",
]
