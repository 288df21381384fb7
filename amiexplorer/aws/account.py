"""One AWS account as the UI sees it: identity, clients, inventory and relations.

The UI owns one `Account` and never touches aiobotocore itself; it asks the account to load
and folds nothing itself: `load()` applies each event to the inventory before yielding it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from amiexplorer.aws.attributes import attributes_of, stream_attributes
from amiexplorer.aws.connect import Connection
from amiexplorer.aws.errors import is_credential_problem
from amiexplorer.aws.inventory import Inventory, InventoryEvent, LoadError, RegionFinished
from amiexplorer.aws.loader import InventoryLoader, PageSizes
from amiexplorer.aws.models import Identity, Image, Region, Snapshot
from amiexplorer.aws.relations import RelationGraph
from amiexplorer.aws.session import AwsSession, ClientPool

#: Above this many images and snapshots, sharing is loaded per resource, on demand.
ENRICH_LIMIT = 3000


class Account:
    """The session, identity, regions and inventory of one account."""

    def __init__(
        self,
        connection: Connection,
        *,
        page_sizes: PageSizes | None = None,
        region_concurrency: int = 8,
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
        """Fetch one resource's sharing (and, for images, last launch) and store it."""
        updated = await attributes_of(self.pool, resource)
        self.inventory.put(updated)
        return updated

    async def enrich(self, limit: int = ENRICH_LIMIT) -> AsyncIterator[Image | Snapshot]:
        """Fill in sharing for owned images and snapshots in the background, yielding each.

        Skipped above `limit` resources: one call per resource does not scale to large
        accounts, whose details load when a panel opens instead.
        """
        pending: list[Image | Snapshot] = [
            i for i in self.inventory.images.values() if i.owned and i.shared_with is None
        ]
        pending += [s for s in self.inventory.snapshots.values() if s.shared_with is None]
        if len(pending) > limit:
            return
        async for updated in stream_attributes(self.pool, pending):
            self.inventory.put(updated)
            yield updated

    def relations(self) -> RelationGraph:
        """A relation graph of the inventory as it is now."""
        return RelationGraph(self.inventory)

    async def close(self) -> None:
        """Close every client."""
        await self.pool.close()
