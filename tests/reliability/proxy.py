"""A fault-injecting, recording HTTP proxy on the loopback, in front of the moto server.

The app talks to it exactly as it talks to AWS (aiobotocore, SigV4, real HTTP); the proxy
forwards each request to moto unless a fault rule answers it first. Unlike the demo server's
WSGI middleware it can do what only a network can: cut connections, answer too late, lose an
answer after AWS acted on the request.

Besides AWS's own errors, it answers what is not AWS's at all, as a corporate proxy, a captive
portal or a stray server does: an HTML page (any status), an empty body, the real answer cut
in half (truncated XML), random bytes, or well-formed XML that is not the answer (the bad-answer
kinds, `BAD_ANSWERS`).

Every request is recorded (service, region, action, DryRun or not, the access key id that
signed it, the fault it got), so a test can assert "no mutating call" and count requests and
faults. The action of a REST request (Data Lifecycle Manager, AWS Backup: only method and path
say which it is) is read from botocore's model. Fractional faults are decided by a hash of
(seed, the request, its attempt number): the same world and seed fault the same requests on
every run, whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from amiexplorer.demo.faults import RequestTarget, service_error
from amiexplorer.demo.routes import rest_operation

# Credential=AKID/20260101/us-east-1/ec2/aws4_request
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
#: Headers that belong to one hop, not to the request.
_HOP = frozenset(
    {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}
)
#: Answers that change nothing: everything else is a mutating call.
READ_PREFIXES = ("Describe", "Get", "List")

# Fault kinds, as counted in `FaultProxy.faults`.
THROTTLE = "throttle"
ERROR = "error"
RESET = "reset"
LOST_ANSWER = "lost-answer"
SLOW = "slow"
# Answers that are not AWS's.
HTML = "html"
EMPTY_BODY = "empty-body"
TRUNCATED = "truncated"
RANDOM_BYTES = "random-bytes"
WRONG_XML = "wrong-xml"
BAD_ANSWERS = (HTML, EMPTY_BODY, TRUNCATED, RANDOM_BYTES, WRONG_XML)

#: What a proxy or a portal answers instead of AWS.
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html>\n<head><title>Access denied</title></head>\n<body>\n"
    b"<h1>Access denied</h1>\n<p>Your request was blocked by the corporate web proxy.</p>\n"
    b"<p>Reference: 18.4c2f1d</p>\n</body>\n</html>\n"
)
#: Well-formed XML that answers nothing: a bare root, and an XHTML page.
WRONG_XML_DOCUMENTS = {
    "foo": b'<?xml version="1.0" encoding="UTF-8"?>\n<Foo/>\n',
    "xhtml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<html><body><p>Service temporarily replaced by this page.</p></body></html>\n"
    ),
}
#: Services whose operation is named only by method and path.
_REST_SERVICES = frozenset({"dlm", "backup", "rbin", "ebs"})


@dataclass(frozen=True)
class ProxiedRequest:
    """One request the proxy received (never a secret: only the access key *id*)."""

    service: str
    region: str
    action: str
    dry_run: bool
    access_key: str
    params: dict[str, str]
    #: The fault kind it got (None: forwarded untouched).
    fault: str | None = None

    @property
    def mutating(self) -> bool:
        """True for a call that would change AWS (a DryRun of one included)."""
        return bool(self.action) and not self.action.startswith(READ_PREFIXES)


@dataclass
class Rule:
    """One fault: what it matches, how often, and what it does."""

    kind: str
    service: str | None = None
    region: str | None = None
    action: str | None = None
    access_key: str | None = None
    #: Only real calls (False), only DryRun ones (True), or both (None).
    dry_run: bool | None = None
    #: The share of matching requests faulted, decided per (request, attempt) by a hash
    #: seeded with `seed`: the same requests get the same faults on every run.
    fraction: float = 1.0
    seed: int = 0
    #: Let this many matching requests through untouched before faulting any.
    after: int = 0
    #: Fault at most this many requests (None: no limit).
    limit: int | None = None
    code: str = ""
    status: int = 500
    #: SLOW: how long to wait before forwarding.
    delay: float = 0.0
    #: HTML, WRONG_XML: the body answered (None: the kind's default).
    body: bytes | None = None
    matched: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def matches(self, request: ProxiedRequest) -> bool:
        """True when `request` is one this rule is about (before fraction and counts)."""
        return (
            (self.service is None or request.service == self.service)
            and (self.region is None or request.region == self.region)
            and (self.action is None or request.action == self.action)
            and (self.access_key is None or request.access_key == self.access_key)
            and (self.dry_run is None or request.dry_run == self.dry_run)
        )


def _draw(seed: str, key: str, attempt: int) -> float:
    """A number in [0, 1) that depends only on its arguments."""
    digest = hashlib.blake2b(f"{seed}|{key}|{attempt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class FaultProxy:
    """The proxy: `start()` it, point `endpoint_url` at clients, add rules, read `requests`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._requests: list[ProxiedRequest] = []
        self._attempts: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._port = 0

    # Life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Serve on a free loopback port in a daemon thread; returns once it accepts requests."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def serve() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._open())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="fault-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")

    async def _open(self) -> None:
        # Several hundred concurrent requests at most; moto answers each in milliseconds.
        connector = aiohttp.TCPConnector(limit=64)
        self._client = aiohttp.ClientSession(connector=connector, auto_decompress=False)
        server = web.Server(self._handle)
        self._runner = web.ServerRunner(server, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = server_sockets(site)
        self._port = sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop serving and close the upstream connections."""
        loop = self._loop
        if loop is None:
            return

        async def close() -> None:
            if self._runner is not None:
                await self._runner.cleanup()
            if self._client is not None:
                await self._client.close()

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        self._loop = None

    @property
    def endpoint_url(self) -> str:
        """What to give botocore as `endpoint_url`."""
        return f"http://127.0.0.1:{self._port}"

    # Rules --------------------------------------------------------------------------------

    def add(self, rule: Rule) -> Rule:
        """Add a fault rule (rules are tried in the order added; the first that fires wins)."""
        with self._lock:
            self._rules.append(rule)
        return rule

    def throttle(self, fraction: float, **match: Any) -> Rule:
        """Throttle a share of matching requests with the code each service uses."""
        return self.add(Rule(THROTTLE, fraction=fraction, **match))

    def error(self, code: str, status: int, fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests with an AWS error (500, 503, AuthFailure, OptInRequired...)."""
        return self.add(Rule(ERROR, fraction=fraction, code=code, status=status, **match))

    def reset(self, fraction: float = 1.0, **match: Any) -> Rule:
        """Cut the connection before the request reaches AWS."""
        return self.add(Rule(RESET, fraction=fraction, **match))

    def lose_answer(self, fraction: float = 1.0, **match: Any) -> Rule:
        """Forward the request (AWS acts on it), then cut the connection instead of answering."""
        return self.add(Rule(LOST_ANSWER, fraction=fraction, **match))

    def slow(self, delay: float, fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests only after `delay` seconds."""
        return self.add(Rule(SLOW, fraction=fraction, delay=delay, **match))

    def html(self, status: int = 200, fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests with a proxy's HTML page (200, 500, 403... as given)."""
        return self.add(Rule(HTML, fraction=fraction, status=status, **match))

    def empty_body(self, fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests with a 200 and no body at all."""
        return self.add(Rule(EMPTY_BODY, fraction=fraction, status=200, **match))

    def truncate(self, fraction: float = 1.0, **match: Any) -> Rule:
        """Forward the request (AWS acts on it), then send only the first half of the answer."""
        return self.add(Rule(TRUNCATED, fraction=fraction, **match))

    def random_bytes(self, fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests with a 200 of random bytes (the same for the same request)."""
        return self.add(Rule(RANDOM_BYTES, fraction=fraction, status=200, **match))

    def wrong_xml(self, document: str = "foo", fraction: float = 1.0, **match: Any) -> Rule:
        """Answer matching requests with a 200 of well-formed XML that is not the answer.

        `document` names one of `WRONG_XML_DOCUMENTS` ("foo": `<Foo/>`, "xhtml": an
        `<html><body>` page written as XML).
        """
        body = WRONG_XML_DOCUMENTS[document]
        return self.add(Rule(WRONG_XML, fraction=fraction, status=200, body=body, **match))

    def bad_answer(self, kind: str, **match: Any) -> Rule:
        """A bad-answer fault by its kind name (one of `BAD_ANSWERS`); `status` for HTML."""
        if kind == HTML:
            return self.html(**match)
        match.pop("status", None)
        makers = {
            EMPTY_BODY: self.empty_body,
            TRUNCATED: self.truncate,
            RANDOM_BYTES: self.random_bytes,
            WRONG_XML: self.wrong_xml,
        }
        return makers[kind](**match)

    def expire(self, access_key: str) -> Rule:
        """From now on, every request signed with `access_key` gets ExpiredToken."""
        return self.add(Rule(ERROR, access_key=access_key, code="ExpiredToken", status=400))

    def clear(self) -> None:
        """Remove every rule and forget every request and fault count."""
        with self._lock:
            self._rules.clear()
            self._requests.clear()
            self._attempts.clear()
            self._faults.clear()

    def clear_rules(self) -> None:
        """Remove every rule; the journal stays."""
        with self._lock:
            self._rules.clear()

    # What happened ------------------------------------------------------------------------

    @property
    def requests(self) -> list[ProxiedRequest]:
        """Every request received since the last clear, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def faults(self) -> Counter[str]:
        """How many faults of each kind were injected since the last clear."""
        with self._lock:
            return Counter(self._faults)

    def mutating(self) -> list[ProxiedRequest]:
        """Every request that would change AWS (DryRun ones included)."""
        return [r for r in self.requests if r.mutating]

    # Serving ------------------------------------------------------------------------------

    def _decide(self, request: ProxiedRequest, key: str) -> Rule | None:
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] += 1
            for rule in self._rules:
                if not rule.matches(request):
                    continue
                rule.matched += 1
                if rule.matched <= rule.after:
                    continue
                if rule.limit is not None and rule.fired >= rule.limit:
                    continue
                if (
                    rule.fraction < 1.0
                    and _draw(f"{rule.seed}|{rule.kind}|{rule.code}", key, attempt) >= rule.fraction
                ):
                    continue
                rule.fired += 1
                self._faults[rule.kind] += 1
                return rule
        return None

    def _record(self, request: ProxiedRequest, fault: str | None) -> None:
        with self._lock:
            self._requests.append(
                ProxiedRequest(
                    request.service,
                    request.region,
                    request.action,
                    request.dry_run,
                    request.access_key,
                    request.params,
                    fault,
                )
            )

    async def _handle(self, incoming: web.BaseRequest) -> web.StreamResponse:
        body = await incoming.read()
        request, is_json = describe(incoming, body)
        key = f"{request.service}|{request.region}|{request.action}|{request.access_key}|"
        key += hashlib.blake2b(body, digest_size=8).hexdigest()
        rule = self._decide(request, key) if request.action else None
        self._record(request, rule.kind if rule else None)
        target = RequestTarget(request.service, request.region, request.action, is_json)
        if rule is not None and rule.kind == RESET:
            return _reset(incoming)
        if rule is not None and rule.kind in (THROTTLE, ERROR):
            code = rule.code or _throttling_code(request.service)
            status = rule.status if rule.kind == ERROR else _throttling_status(request.service)
            fault = service_error(target, code, f"injected by the test proxy: {code}", status)
            headers = {"Content-Type": fault.content_type}
            return web.Response(status=fault.status, body=fault.body, headers=headers)
        if rule is not None and rule.kind in (HTML, EMPTY_BODY, RANDOM_BYTES, WRONG_XML):
            return _bad_answer(rule, key)
        if rule is not None and rule.kind == SLOW:
            await asyncio.sleep(rule.delay)
        answer = await self._forward(incoming, body)
        if rule is not None and rule.kind == LOST_ANSWER:
            return _reset(incoming)
        if rule is not None and rule.kind == TRUNCATED:
            return _truncated(answer)
        return answer

    async def _forward(self, incoming: web.BaseRequest, body: bytes) -> web.Response:
        assert self._client is not None
        headers = {k: v for k, v in incoming.headers.items() if k.lower() not in _HOP}
        url = self.upstream + str(incoming.rel_url)
        async with self._client.request(incoming.method, url, headers=headers, data=body) as reply:
            content = await reply.read()
            out = {k: v for k, v in reply.headers.items() if k.lower() not in _HOP}
            out.pop("Content-Encoding", None)
            return web.Response(status=reply.status, body=content, headers=out)


def server_sockets(site: web.TCPSite) -> list[socket.socket]:
    """The listening sockets of a started site."""
    server: Any = site._server
    return list(server.sockets)


def _reset(incoming: web.BaseRequest) -> web.Response:
    """Cut the connection with a TCP reset (SO_LINGER 0), as a failing network does."""
    transport = incoming.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return web.Response(status=500)  # never sent: the connection is gone


def _bad_answer(rule: Rule, key: str) -> web.Response:
    """The answer of an HTML, empty-body, random-bytes or wrong-XML rule."""
    if rule.kind == HTML:
        body, content_type = rule.body or HTML_PAGE, "text/html; charset=utf-8"
    elif rule.kind == EMPTY_BODY:
        body, content_type = b"", "text/xml"
    elif rule.kind == RANDOM_BYTES:
        body, content_type = _random_bytes(f"{rule.seed}|{key}"), "application/octet-stream"
    else:
        body, content_type = rule.body or WRONG_XML_DOCUMENTS["foo"], "text/xml"
    # aiohttp writes the Content-Length of what is sent.
    return web.Response(status=rule.status, body=body, headers={"Content-Type": content_type})


def _random_bytes(seed: str, size: int = 384) -> bytes:
    """`size` bytes that look random and depend only on `seed` (never valid UTF-8 XML)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.blake2b(f"{seed}|{counter}".encode(), digest_size=64).digest()
        counter += 1
    out[0] = 0xFF  # not "<", not "{", not text: nothing a parser could take for an answer
    return bytes(out[:size])


def _truncated(answer: web.Response) -> web.Response:
    """The upstream answer with only the first half of its body (Content-Length to match)."""
    content = answer.body if isinstance(answer.body, bytes) else b""
    headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
    return web.Response(status=answer.status, body=content[: len(content) // 2], headers=headers)


def _throttling_code(service: str) -> str:
    return "RequestLimitExceeded" if service == "ec2" else "Throttling"


def _throttling_status(service: str) -> int:
    return 503 if service == "ec2" else 400


def describe(incoming: web.BaseRequest, body: bytes) -> tuple[ProxiedRequest, bool]:
    """Service, region, action, DryRun and access key id of a request; also whether it is JSON."""
    scope = _SCOPE.search(incoming.headers.get("Authorization", ""))
    access_key, region, service = scope.groups() if scope else ("", "", "")
    target = incoming.headers.get("X-Amz-Target", "")
    pairs = parse_qsl(incoming.rel_url.query_string, keep_blank_values=True)
    if not target and "x-www-form-urlencoded" in incoming.headers.get("Content-Type", ""):
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    params = {k: v for k, v in pairs if not k.lower().startswith("x-amz-")}
    action = target.rsplit(".", 1)[-1] if target else params.get("Action", "")
    if not action and service in _REST_SERVICES:
        action = rest_operation(service, incoming.method, incoming.rel_url.raw_path)
    dry_run = params.get("DryRun", "").lower() == "true"
    return ProxiedRequest(service, region, action, dry_run, access_key, params), bool(target)
