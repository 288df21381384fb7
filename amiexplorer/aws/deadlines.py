"""Deadlines aiobotocore does not have: a total one per call, and a credential_process that ends.

**Per call.** botocore's timeouts are per connection attempt and per read: an endpoint that
drips a byte every few seconds never trips the read timeout, and one call with its retries
can wait for minutes. Every operation and every page of a paginator goes through
`AioBaseClient._make_api_call`, retries and backoff included; wrapped here, a call of a
client given a deadline (`set_call_deadline`, done by `session.AwsSession.client` for every
client amiexplorer makes) ends after that many seconds with `CallDeadlineExceeded`, a
`BotoCoreError` naming the call, the region and the deadline, which every caller already
reports as that region's error.

**credential_process.** aiobotocore runs it with `asyncio.create_subprocess_exec`: the event
loop is never blocked and a deadline cancels the wait, but the process itself was left
running (`credential_process = sleep 100` outlived amiexplorer by 100 s), and what it
printed was read whole, however much (`cat /dev/zero` filled the memory). Wrapped here, a
process whose caller gave up is killed, and one that prints more than 1 MiB is refused.

Both replacements are made here (`call_with_deadline`, `process_ended_with_its_caller`) and
installed by `aiobotocore_patches.install()`, the one place aiobotocore is patched, once per
process; they change nothing else. If aiobotocore stops having what is patched, the install
leaves it alone and says so; `tests/compat/test_third_party.py` and
`tests/data/test_call_deadlines.py` fail then, naming what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from botocore.exceptions import BotoCoreError, CredentialRetrievalError

#: The client attribute holding its deadline in seconds (None: no deadline).
_DEADLINE = "_amiexplorer_call_deadline"
#: How long a killed credential_process is waited for.
_REAP_SECONDS = 2.0
#: The most a credential_process may print on stdout, or on stderr (credentials are a few
#: hundred bytes).
OUTPUT_LIMIT = 1024 * 1024


class CallDeadlineExceeded(BotoCoreError):  # type: ignore[misc]
    """One AWS call, retries included, took longer than its deadline."""

    fmt = "{operation} in {region} got no complete answer in {seconds:g} s (every retry included)"

    def __init__(self, *, operation: str, service: str, region: str, seconds: float) -> None:
        super().__init__(operation=operation, service=service, region=region, seconds=seconds)
        #: As a ClientError has it, so that messages name the call.
        self.operation_name = operation
        self.service = service
        self.region = region
        self.seconds = seconds


def set_call_deadline(client: Any, seconds: float | None) -> None:
    """Every call `client` makes from now on ends after `seconds` (None: no deadline)."""
    setattr(client, _DEADLINE, seconds)


def call_deadline(client: Any) -> float | None:
    """The deadline of `client`'s calls, if it has one."""
    value = getattr(client, _DEADLINE, None)
    return float(value) if value is not None else None


@contextlib.asynccontextmanager
async def with_call_deadline(context: Any, seconds: float | None) -> AsyncIterator[Any]:
    """Enter aiobotocore's client context `context`; its client gets the deadline."""
    async with context as client:
        set_call_deadline(client, seconds)
        yield client


def call_with_deadline(original: Callable[..., Any]) -> Callable[..., Any]:
    """`AioBaseClient._make_api_call` made to end at its client's deadline."""

    async def _make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
        seconds = call_deadline(self)
        if seconds is None:
            return await original(self, operation_name, api_params)
        try:
            async with asyncio.timeout(seconds) as limit:
                return await original(self, operation_name, api_params)
        except TimeoutError:
            if not limit.expired():  # some other timeout: not this deadline's to word
                raise
            meta = self.meta
            raise CallDeadlineExceeded(
                operation=operation_name,
                service=str(meta.service_model.service_name),
                region=str(meta.region_name),
                seconds=seconds,
            ) from None

    return _make_api_call


class _EndedWithItsCaller:
    """An asyncio subprocess whose `communicate` kills it when the caller stops waiting."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    def __getattr__(self, name: str) -> Any:
        return getattr(self._process, name)

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    async def communicate(self, input: bytes | None = None) -> tuple[bytes, bytes]:
        try:
            if input is not None:  # aiobotocore passes none; keep asyncio's behaviour
                return await self._process.communicate(input)
            output, errors = await asyncio.gather(
                _capped(self._process.stdout), _capped(self._process.stderr)
            )
            await self._process.wait()
            return output, errors
        except BaseException:  # cancelled (a deadline), or anything else: it must not linger
            await self._end()
            raise

    async def _end(self) -> None:
        """Kill the process, reap it and close its pipes while the loop runs.

        Left to the garbage collector, the transport is closed after the loop, and asyncio
        prints "Event loop is closed" with a traceback.
        """
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            with contextlib.suppress(TimeoutError):  # SIGKILL ends it in milliseconds
                async with asyncio.timeout(_REAP_SECONDS):
                    await self._process.wait()
        # Its pipes may still be open (unread output, or a child of its own holding them).
        transport = getattr(self._process, "_transport", None)
        if transport is not None:
            transport.close()


async def _capped(stream: asyncio.StreamReader | None) -> bytes:
    """All of `stream` up to its end, refusing more than OUTPUT_LIMIT bytes.

    Credentials are a few hundred bytes of JSON: a process that prints without end
    (`credential_process = cat /dev/zero`) would otherwise fill the memory until the deadline.
    """
    if stream is None:
        return b""
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(65536):
        size += len(chunk)
        if size > OUTPUT_LIMIT:
            raise CredentialRetrievalError(
                provider="custom-process",
                error_msg=f"it printed more than {OUTPUT_LIMIT // 1024} KiB, "
                "which cannot be credentials",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def process_ended_with_its_caller(init: Callable[..., Any]) -> Callable[..., Any]:
    """`AioProcessProvider.__init__` made to run credential_process with an end (`popen`)."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        popen = kwargs.pop("popen", None) or asyncio.create_subprocess_exec

        async def ended_with_its_caller(*command: Any, **options: Any) -> Any:
            return _EndedWithItsCaller(await popen(*command, **options))

        init(self, *args, popen=ended_with_its_caller, **kwargs)

    return __init__
