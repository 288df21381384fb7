"""One AWS account as the UI sees it: identity, clients, inventory and relations.

The UI owns one `Account` and never touches aiobotocore itself; it asks the account to load
and folds nothing itself: `load()` applies each event to the inventory before yielding it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace

from amiexplorer.aws.attributes import attributes_of, stream_attributes
from amiexplorer.aws.block_reads import read_for
from amiexplorer.aws.errors import describe_problem, is_credential_problem
from amiexplorer.aws.lifecycle_reads import read_lifecycle
from amiexplorer.aws.loader import REGION_CONCURRENCY, InventoryLoader, PageSizes
from amiexplorer.aws.provenance import Provenance, read_provenance
from amiexplorer.aws.references import read_dlm, read_ssm
from amiexplorer.aws.session import AwsSession, ClientPool
from amiexplorer.aws.startup.connect import Connection, describe_regions
from amiexplorer.core.inventory import Inventory, InventoryEvent, LoadError, RegionFinished
from amiexplorer.core.managed import management_of
from amiexplorer.core.models import Identity, Image, Region, Snapshot
from amiexplorer.core.relations import RelationGraph
from amiexplorer.core.tuning import DEFAULT_SHARING_LIMIT

#: Above this many images (or snapshots), their sharing is read per resource, on demand (when
#: a detail panel opens), not by the background pass: one call each does not scale. The
#: audit command's default limit, so the pane and the command read the same.
ENRICH_LIMIT = DEFAULT_SHARING_LIMIT
#: Sharing read longer ago than this (seconds) is read again by the background pass that
#: follows a refresh; younger, only the resources new since are read.
SHARING_MAX_AGE = 15 * 60.0


class Account:
    """The session, identity, regions and inventory of one account."""

    def __init__(
        self,
        connection: Connection,
        *,
        page_sizes: PageSizes | None = None,
        region_concurrency: int = REGION_CONCURRENCY,
    ) -> None:
        self.connection = connection
        self.pool = ClientPool(connection.session)
        self.inventory = Inventory(connection.identity.account_id, self.region_names)
        self.loader = InventoryLoader(
            self.pool,
            connection.identity.account_id,
            page_sizes=page_sizes,
            region_concurrency=region_concurrency,
        )
        #: When the background pass last read every resource's sharing (monotonic).
        self._sharing_read_at: float | None = None
        #: Loads so far, and the load after which the evidence was last read (and where).
        self._loads = 0
        self._evidence_load: int | None = None
        self._evidence_regions: set[str] = set()
        #: Every region enabled for the account (DescribeRegions), once asked.
        self._enabled_regions: tuple[str, ...] | None = None

    @property
    def session(self) -> AwsSession:
        """The session the account was reached with."""
        return self.connection.session

    @property
    def identity(self) -> Identity:
        """Whose account this is."""
        return self.connection.identity

    @property
    def regions(self) -> tuple[Region, ...]:
        """The regions chosen for this account."""
        return self.connection.regions

    @property
    def region_names(self) -> list[str]:
        """The names of the chosen regions, in order."""
        return [r.name for r in self.connection.regions]

    @property
    def enabled_region_names(self) -> tuple[str, ...]:
        """Every region enabled for the account, in its partition: where a copy may go.

        Known at once when no region was chosen (the loaded regions are then every enabled
        one); otherwise once `read_enabled_regions` has asked, and until then (or when it
        could not) the loaded regions.
        """
        if self._enabled_regions is not None:
            return self._enabled_regions
        return tuple(self.region_names)

    def add_region(self, name: str) -> None:
        """Show one more region (enabled for the account): `load([name])` fills it."""
        if name in self.region_names:
            return
        regions = (*self.connection.regions, Region(name=name))
        self.connection = replace(self.connection, regions=regions)
        self.inventory.status(name)

    @property
    def enabled_regions_known(self) -> bool:
        """True once `enabled_region_names` is every enabled region, not the loaded ones."""
        return self._enabled_regions is not None or not self.session.settings.regions

    async def read_enabled_regions(self) -> tuple[str, ...]:
        """Ask EC2 which regions are enabled for the account, once; `enabled_region_names`.

        No call when no region was chosen (start-up asked already). A failure is no error:
        the loaded regions stand, and the next call asks again.
        """
        if self._enabled_regions is None:
            if not self.session.settings.regions:
                self._enabled_regions = tuple(self.region_names)
            else:
                try:
                    listed = await describe_regions(self.session)
                except asyncio.CancelledError:
                    raise
                except Exception:  # the loaded regions are still good targets
                    return self.enabled_region_names
                names = dict.fromkeys([*(r.name for r in listed), *self.region_names])
                self._enabled_regions = tuple(names)
        return self._enabled_regions

    @property
    def read_only(self) -> bool:
        """True when no change may be sent to AWS."""
        return self.session.settings.read_only

    async def load(self, regions: Iterable[str] | None = None) -> AsyncIterator[InventoryEvent]:
        """Load (or reload) regions, applying each event to the inventory as it is yielded.

        When AWS refused the credentials since the last load (they expired, say), the
        credential chain is resolved afresh first, so credentials renewed meanwhile (`aws sso
        login` in another terminal) are used without a restart.
        """
        chosen = list(regions) if regions is not None else self.region_names
        self._loads += 1
        # What could not be read one resource at a time is asked again after a refresh.
        evidence = self.inventory.evidence
        evidence.attribute_problems.clear()
        for resource_id in [k for k, v in evidence.provenance.items() if v.problem]:
            del evidence.provenance[resource_id]
        if self._credentials_refused():
            await self.pool.renew_credentials()
            changed = await self._account_changed()
            if changed is not None:
                for region in chosen:
                    error = LoadError(region, "GetCallerIdentity", "AccountChanged", changed)
                    refused = RegionFinished(region, (error,))
                    self.inventory.apply(refused)
                    yield refused
                return
        async for event in self.loader.stream(chosen):
            self.inventory.apply(event)
            yield event

    def _credentials_refused(self) -> bool:
        return self.pool.credentials_refused or any(
            is_credential_problem(error.code) for error in self.inventory.errors
        )

    async def _account_changed(self) -> str | None:
        """Why renewed credentials may not be used: they belong to another account.

        The header names the account on screen, and the action guards compare owners with
        it: rows of another account must never appear under its name.
        """
        try:
            sts = await self.pool.get("sts", self.session.home_region())
            caller = await sts.get_caller_identity()
        except Exception:  # the load that follows reports what is wrong, region by region
            return None
        account_id = str(caller.get("Account", ""))
        if account_id == self.identity.account_id:
            return None
        return (
            f"the refreshed credentials belong to account {account_id}, not "
            f"{self.identity.account_id}: restart amiexplorer or switch with :profile"
        )

    async def load_attributes(self, resource: Image | Snapshot) -> Image | Snapshot:
        """Fetch one resource's sharing (and, for images, last launch) and store it.

        A failure leaves the resource as it was and is kept, in words, in the inventory's
        evidence (`attribute_problems`), so the details say why its sharing is unknown.
        """
        problems = self.inventory.evidence.attribute_problems
        try:
            updated = await attributes_of(self.pool, resource)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # whatever came back: the details say it, nothing crashes
            kind = "Image" if isinstance(resource, Image) else "Snapshot"
            problem = describe_problem(
                exc, region=resource.region, operation=f"Describe{kind}Attribute"
            )
            problems[resource.id] = problem.message
            self.inventory.version += 1
            return resource
        problems.pop(resource.id, None)
        self.inventory.put(updated)
        return updated

    async def enrich(
        self, limit: int = ENRICH_LIMIT, max_age: float = SHARING_MAX_AGE
    ) -> AsyncIterator[Image | Snapshot]:
        """Fill in sharing for owned images and snapshots in the background, yielding each.

        A kind with more than `limit` resources is skipped: one call per resource does not
        scale to large accounts, whose details load when a panel opens instead. A refresh
        keeps the sharing already read (Inventory.with_known_attributes), so after one only
        the resources new since are read, unless the last full read is `max_age` old.
        """
        now = time.monotonic()
        stale = self._sharing_read_at is None or now - self._sharing_read_at >= max_age
        owned_images = [i for i in self.inventory.images.values() if i.owned]
        kinds: list[list[Image] | list[Snapshot]] = [
            owned_images,
            list(self.inventory.snapshots.values()),
        ]
        pending: list[Image | Snapshot] = []
        for resources in kinds:
            if len(resources) <= limit:
                pending += [r for r in resources if stale or r.shared_with is None]
        if stale:
            self._sharing_read_at = now
        async for updated in stream_attributes(self.pool, pending):
            self.inventory.put(updated)
            yield updated

    async def read_evidence(
        self, regions: Iterable[str] | None = None, *, reuse: bool = False
    ) -> None:
        """Read DLM policies, the SSM parameters naming images, and the lifecycle's locks, fast
        snapshot restores, archive times and Recycle Bin rules into the inventory's evidence.

        What DLM made needs the policies of its regions; the parameters are read in
        `regions` (default: every chosen region). Failures are kept as problems of their
        region; nothing raises but cancellation. With `reuse`, what was read completely
        since the last load is kept (the explorer reads it after each load; its Audit pane
        then need not read it again).
        """
        chosen = list(regions) if regions is not None else self.region_names
        fresh = self._evidence_load == self._loads and set(chosen) <= self._evidence_regions
        if reuse and fresh and not self.inventory.evidence.problems(chosen):
            return
        loads = self._loads
        await asyncio.gather(
            read_dlm(self.pool, self.inventory),
            read_ssm(self.pool, self.inventory, chosen),
            read_lifecycle(self.pool, self.inventory, chosen),
        )
        self._evidence_load, self._evidence_regions = loads, set(chosen)

    async def read_blocks(self, snapshot_ids: Iterable[str]) -> int:
        """Read which blocks only these snapshots hold (EBS direct APIs), for their savings.

        Each answer is kept for the session (`inventory.blocks`); what failed is kept in
        words and the saving stays an upper bound. Returns how many reads failed.
        """
        return await read_for(self.pool, self.inventory, snapshot_ids)

    async def load_provenance(self, resource: Image | Snapshot) -> Provenance | None:
        """The AWS Backup vault and plan, or the Image Builder pipeline, of one resource.

        Read once per resource (kept in the inventory's evidence), only for a resource one of
        those services made; None for any other.
        """
        known = self.inventory.evidence.provenance.get(resource.id)
        if isinstance(known, Provenance):
            return known
        management = management_of(resource)
        if management is None:
            return None
        found = await read_provenance(self.pool, resource, management)
        if found is not None:
            self.inventory.evidence.provenance[resource.id] = found
            self.inventory.version += 1
        return found

    def relations(self) -> RelationGraph:
        """A relation graph of the inventory as it is now."""
        return RelationGraph(self.inventory)

    async def close(self) -> None:
        """Close every client."""
        await self.pool.close()
