"""Tiny local endpoints that answer everything wrong, as proxies and stray servers do.

Each runs on a daemon thread of the test process, on a free loopback port:

- ``not_implemented``: what a plain ``python3 -m http.server`` answers a POST (501, HTML);
- ``random_bytes`` / ``html`` / ``wrong_xml``: a 200 whose body is not AWS's answer;
- ``hollow``: a 200 with the answer's XML shell and nothing in it (no account, no region);
- ``no_regions``: the same, but a real identity (so the empty region list is what fails);
- ``drip``: a 200 whose body arrives one byte every 2 s (no read timeout ever trips);
- ``silent``: accepts the connection, reads the request, never answers;
- ``hang_up``: accepts the connection and closes it without a word.

No server knows anything of AWS: they are what a wrong ``--endpoint-url`` meets.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

#: Seconds between two bytes of the dripping endpoint.
DRIP_INTERVAL = 2.0

_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n<body><h1>It works!</h1>\n"
    + (b"<p>A page that no AWS client can read.</p>\n" * 20)
    + b"</body></html>\n"
)
_WRONG_XML = b'<?xml version="1.0"?>\n<Inventory><Item id="1"/><Item id="2"/></Inventory>\n'


class _Quiet(BaseHTTPRequestHandler):
    """No access log on the test's stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class _NotImplemented(_Quiet):
    """`python3 -m http.server`: GET serves files, POST is 501 with an HTML page."""


def _answering(body: Callable[[], bytes], content_type: str) -> type[BaseHTTPRequestHandler]:
    class Handler(_Quiet):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = body()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

    return Handler


_IDENTITY = (
    "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>"
    "<Arn>arn:aws:iam::123456789012:user/x</Arn><UserId>AIDAX</UserId>"
    "</GetCallerIdentityResult></GetCallerIdentityResponse>"
)


def _hollow(*, knows_identity: bool) -> type[BaseHTTPRequestHandler]:
    """A 200 whose XML is the answer's shell, with nothing in it (no account, no region)."""

    class Handler(_Quiet):
        def do_POST(self) -> None:
            form = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            action = parse_qs(form).get("Action", ["Unknown"])[0]
            payload = f"<{action}Response><{action}Result/></{action}Response>".encode()
            if knows_identity and action == "GetCallerIdentity":
                payload = _IDENTITY.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _dripping(stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(_Quiet):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.flush()
            # The pace of the drip, not a synchronisation: each byte resets a read timeout.
            while not stop.wait(DRIP_INTERVAL):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return

    return Handler


class _Server:
    """A ThreadingHTTPServer on its own daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        # A short poll: shutdown() waits for it, once per server.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _RawServer:
    """A listening socket whose connections are held silent, or closed at once."""

    def __init__(self, *, hang_up: bool) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.hang_up = hang_up
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed by stop()
                return
            if self.hang_up:
                conn.close()
            else:
                self.held.append(conn)

    def stop(self) -> None:
        # shutdown() wakes the accept() of the thread; close() alone may not on Linux.
        with suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for conn in self.held:
            conn.close()


@contextmanager
def bad_endpoints() -> Iterator[dict[str, str]]:
    """Start every bad endpoint; yields their URLs by name."""
    stop = threading.Event()
    servers: dict[str, _Server | _RawServer] = {
        "not_implemented": _Server(_NotImplemented),
        "random_bytes": _Server(_answering(lambda: os.urandom(600), "application/octet-stream")),
        "html": _Server(_answering(lambda: _HTML, "text/html")),
        "wrong_xml": _Server(_answering(lambda: _WRONG_XML, "text/xml")),
        "hollow": _Server(_hollow(knows_identity=False)),
        "no_regions": _Server(_hollow(knows_identity=True)),
        "drip": _Server(_dripping(stop)),
        "silent": _RawServer(hang_up=False),
        "hang_up": _RawServer(hang_up=True),
    }
    try:
        yield {name: server.url for name, server in servers.items()}
    finally:
        stop.set()
        for server in servers.values():
            server.stop()
