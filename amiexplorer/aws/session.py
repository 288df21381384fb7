"""Profiles, credentials and clients: the one place that knows how to reach AWS.

aiobotocore's session resolves the same credential chain as the AWS CLI (environment, shared
files, SSO, assume-role, credential_process, container and instance metadata), so amiexplorer
adds nothing of its own there. Retries are configured once, here: botocore's adaptive mode
backs off on throttling, 5xx answers, cut connections and read timeouts, and rate-limits the
client, so no caller writes a retry loop.

Credentials that AWS stops accepting mid-session (an SSO session or assumed role that
expired) are re-resolved on the next load once any call was refused for them: the person
runs `aws sso login` in another terminal and presses r, and the app carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from contextlib import AsyncExitStack
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.exceptions import DataNotFoundError
from botocore.utils import get_environ_proxies

from amiexplorer import __version__
from amiexplorer.aws import aiobotocore_patches, deadlines
from amiexplorer.aws.answers import check_answer
from amiexplorer.aws.client_costs import share_alias_cache
from amiexplorer.aws.errors import is_credential_problem
from amiexplorer.aws.fastparse import FastParserFactory
from amiexplorer.aws.parse import botocore_timestamp
from amiexplorer.core.connection import MAX_ATTEMPTS, READ_TIMEOUT, ConnectionSettings

__all__ = [
    "CLIENT_CONFIG",
    "MAX_ATTEMPTS",
    "PROBE_CONFIG",
    "READ_TIMEOUT",
    "AwsSession",
    "ClientPool",
    "ConnectionSettings",
    "preload_service_data",
]

#: Every client amiexplorer creates uses this configuration.
# botocore's `max_attempts` counts retries; `total_max_attempts` counts every attempt.
CLIENT_CONFIG = AioConfig(
    retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
    connect_timeout=5,
    read_timeout=READ_TIMEOUT,
    max_pool_connections=32,
    user_agent_extra=f"amiexplorer/{__version__}",
)

#: For the start-up checks a person is waiting on: fail in seconds, not minutes.
PROBE_CONFIG = CLIENT_CONFIG.merge(
    AioConfig(
        retries={"mode": "adaptive", "total_max_attempts": 2}, connect_timeout=3, read_timeout=15
    )
)

DEFAULT_HOME_REGION = "us-east-1"


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


@functools.cache
def known_region_names() -> frozenset[str]:
    """Region names botocore knows for EC2 in every partition, from its bundled data.

    boto3's synchronous session reads the data; no call is made. The profile is pinned to
    none so that a bad AWS_PROFILE cannot fail this offline lookup.
    """
    core = botocore.session.Session()
    core.set_config_variable("profile", None)
    core.register_component("data_loader", _shared_loader())
    static = boto3.session.Session(botocore_session=core)
    names: set[str] = set()
    for partition in static.get_available_partitions():
        names.update(static.get_available_regions("ec2", partition))
    return frozenset(names)


@functools.lru_cache(maxsize=16)
def _plain_http_without_proxy(url: str) -> bool:
    """True for an ``http://`` endpoint reached directly (the demo world, LocalStack).

    No TLS happens there, yet aiobotocore would build a certificate store for every client
    (~50 ms of CPU each, a dozen clients at start-up); ``verify=False`` skips that and changes
    nothing else. Through a proxy, whose connection may be TLS, verification stays on.
    """
    # Cached: it reads every environment variable, and the proxy settings do not change while
    # amiexplorer runs.
    return url.startswith("http://") and not get_environ_proxies(url).get("http")


#: Every service amiexplorer calls, and the data files their clients read.
_SERVICES = ("sts", "iam", "ec2", "autoscaling")
_SERVICE_DATA = ("service-2", "endpoint-rule-set-1", "paginators-1")


def preload_service_data() -> None:
    """Parse botocore's bundled data for every service amiexplorer calls, ahead of need.

    The first clients would otherwise parse it on the critical path (EC2's model alone takes
    ~0.4 s); the demo start does it while its world seeds in a child process. Cached once per
    process by the shared loader, so it is never done twice.
    """
    known_region_names()  # the endpoint data, and EC2's model
    loader = _shared_loader()
    for service in _SERVICES:
        for kind in _SERVICE_DATA:
            with contextlib.suppress(DataNotFoundError):  # not every service has paginators
                loader.load_service_model(service, kind)


class AwsSession:
    """An aiobotocore session plus the settings it was made from."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._session = self._new_session()

    def _new_session(self) -> AioSession:
        # A total deadline per call, a credential_process that ends with its caller, and one
        # client class per service (aiobotocore_patches.py, the one place aiobotocore is patched).
        aiobotocore_patches.install()
        # botocore resolves the profile lazily; ProfileNotFound surfaces at the first use.
        session = AioSession(profile=self.settings.profile)
        # Loading EC2's service model costs ~0.4 s; every session in the process (a profile
        # switch, a reconnect) shares one loader and so parses it once.
        session.register_component("data_loader", _shared_loader())
        # Reading EC2's XML is most of a large account's load: a compiled reader gives what
        # botocore's generic one gives, several times faster (fastparse.py), and timestamps
        # are read by the standard library instead of dateutil (parse.botocore_timestamp).
        factory = FastParserFactory()
        factory.set_parser_defaults(timestamp_parser=botocore_timestamp)
        session.register_component("response_parser_factory", factory)
        # An answer that is not AWS's (a proxy's HTML page, an empty body, garbage) is named
        # as such before botocore reads it (answers.py), on every client of the session.
        session.register("before-parse", check_answer)
        return session

    def forget_credentials(self) -> None:
        """Resolve the credential chain afresh for the clients made from now on.

        botocore keeps the credentials a session resolved, and refreshes temporary ones only
        when they near their expiry time: credentials revoked or expired early (or renewed
        by `aws sso login` in another terminal) need a new session to be picked up.
        """
        self._session = self._new_session()

    @property
    def profile(self) -> str | None:
        """The profile in use, if any."""
        return self.settings.profile

    @property
    def endpoint_url(self) -> str | None:
        """The custom endpoint, when not talking to AWS itself."""
        return self.settings.endpoint_url

    def available_profiles(self) -> list[str]:
        """Profiles defined in the shared config and credentials files."""
        return sorted(self._session.available_profiles)

    def home_region(self) -> str:
        """The region for global calls (STS, IAM, the region list).

        The first chosen region that botocore knows, else AWS_REGION / AWS_DEFAULT_REGION /
        the profile's region, else us-east-1. A name nobody knows is never used: it would
        turn "unknown region" into a confusing failure of an unrelated call.
        """
        known = self.known_region_names()
        for name in self.settings.regions:
            if name in known:
                return name
        configured = self.configured_region()
        return configured[0] if configured else DEFAULT_HOME_REGION

    def configured_region(self) -> tuple[str, str] | None:
        """The region set outside the command line, and where: ("eu-west-1", "AWS_REGION").

        Raises ProfileNotFound for an unknown profile (its region cannot be read).
        """
        for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(variable):
                return os.environ[variable], variable
        configured = self._session.get_config_variable("region")
        if not configured:
            return None
        return str(configured), f"the region of profile {self.profile or 'default'}"

    def credential_source(self) -> str:
        """Where the profile's credentials come from, in words (never the values)."""
        if self.settings.access_key_id:
            return "the keys given"
        try:
            profiles = self._session.full_config.get("profiles", {})
            config = profiles.get(self.profile or "default", {})
        except Exception:  # a broken config file is reported by the checks themselves
            config = {}
        name = f"profile {self.profile or 'default'}"
        if config.get("credential_process"):
            return f"the credential_process of {name}"
        if config.get("sso_session") or config.get("sso_start_url"):
            return f"IAM Identity Center (SSO) for {name}"
        if config.get("role_arn"):
            return f"STS, assuming the role of {name}"
        return "the credential chain"

    def known_region_names(self) -> frozenset[str]:
        """Region names botocore knows for EC2 in every partition (a static list)."""
        return known_region_names()

    async def has_credentials(self) -> bool:
        """True when the credential chain found something (it may still be rejected).

        Deferred credentials (SSO, assume-role) are fetched here, not by the first call
        that signs: a failure or a wait is then the credentials', named as such.
        """
        if self.settings.access_key_id:
            return True
        credentials = await self._session.get_credentials()
        if credentials is None:
            return False
        await credentials.get_frozen_credentials()
        return True

    def client(self, service: str, region: str, config: AioConfig | None = None) -> Any:
        """An async context manager yielding a client for `service` in `region`."""
        if config is None:
            config = CLIENT_CONFIG
            if self.settings.max_attempts != MAX_ATTEMPTS:
                retries = {"mode": "adaptive", "total_max_attempts": self.settings.max_attempts}
                config = config.merge(AioConfig(retries=retries))
            if self.settings.read_timeout != READ_TIMEOUT:
                config = config.merge(AioConfig(read_timeout=self.settings.read_timeout))
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.settings.endpoint_url:
            kwargs["endpoint_url"] = self.settings.endpoint_url
            if _plain_http_without_proxy(self.settings.endpoint_url):
                kwargs["verify"] = False
        if self.settings.access_key_id:
            kwargs["aws_access_key_id"] = self.settings.access_key_id
            kwargs["aws_secret_access_key"] = self.settings.secret_access_key
        return deadlines.with_call_deadline(
            self._session.create_client(service, **kwargs), self.settings.call_timeout
        )


class ClientPool:
    """Long-lived clients, one per (service, region), closed together.

    Creating a client costs tens of milliseconds and a connection pool; the loader, the watcher
    and the actions share these instead of making their own per call.
    """

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._stack = AsyncExitStack()
        self._clients: dict[tuple[str, str], Any] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # Clients made with credentials since replaced; a call may still be using one.
        self._retired: list[AsyncExitStack] = []
        #: Set when AWS refused a call for its credentials (expired or revoked), by any
        #: client of the pool; `renew_credentials` clears it.
        self.credentials_refused = False

    async def get(self, service: str, region: str) -> Any:
        """The client for `service` in `region`, created once even when asked for concurrently."""
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        async with self._locks.setdefault(key, asyncio.Lock()):
            client = self._clients.get(key)
            if client is None:
                context = self.session.client(service, region)
                created = await self._stack.enter_async_context(context)
                created.meta.events.register("after-call", self._note_refusal)
                share_alias_cache(created)
                self._clients[key] = client = created
            return client

    def _note_refusal(self, parsed: Any = None, **_kwargs: Any) -> None:
        """botocore calls this after every call: remember a refusal of the credentials."""
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if isinstance(error, dict) and is_credential_problem(str(error.get("Code", ""))):
            self.credentials_refused = True

    async def renew_credentials(self) -> None:
        """Make every client afresh from a re-resolved credential chain.

        The clients just replaced stay open until the next renewal (or the pool's close): a
        watcher or an action may be in the middle of a call on one. Those replaced before
        are closed now, so a region that keeps refusing costs one set of clients, not one
        per refresh.
        """
        self.session.forget_credentials()
        older, self._retired = self._retired, [self._stack]
        self._stack = AsyncExitStack()
        self._clients = {}
        self._locks = {}
        self.credentials_refused = False
        for stack in older:
            await stack.aclose()

    async def close(self) -> None:
        """Close every client (their HTTP connection pools)."""
        self._clients.clear()
        stacks, self._retired = [*self._retired, self._stack], []
        for stack in stacks:
            await stack.aclose()
