"""``DemoServer``: moto's AWS emulator on a free local port, in a quiet daemon thread."""

from __future__ import annotations

import os

# Must precede every moto import: otherwise each region starts with ~1,300 public AMIs.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

import logging
import threading
from types import TracebackType
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import ThreadedWSGIServer

from amiexplorer.demo import moto_patches, pending, snapshot_blocks
from amiexplorer.demo.backends import reset_backends
from amiexplorer.demo.faults import FaultInjector
from amiexplorer.demo.middleware import DemoMiddleware, RecordedRequest, RequestJournal


class _QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without werkzeug's per-request log lines (the TUI owns stderr)."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Drop the message."""


class _QuietServer(ThreadedWSGIServer):
    """werkzeug's threaded server without its "Error on request" tracebacks on stderr."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Drop the message."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore broken connections instead of printing them (socketserver's default)."""


def _silence_loggers() -> None:
    """Give moto's and werkzeug's loggers a sink, so Python's last-resort stderr handler stays off.

    The records still propagate: an app that logs to a file keeps seeing them.
    """
    for name in ("moto", "werkzeug"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


#: The services the app calls; moto parses each one's botocore model on first use.
_SERVICES = ("ec2", "autoscaling", "sts", "iam")


def _warm_then_serve(server: _QuietServer) -> None:
    """Parse moto's service models once, then serve.

    moto caches each model with functools.cache, which does not stop a burst of concurrent
    first requests from each parsing EC2's multi-megabyte model at once: 24 parallel first
    requests took 8 s instead of 0.3 s. Connections made meanwhile wait in the listen queue.
    """
    from moto.core.utils import get_service_model

    for service in _SERVICES:
        get_service_model(service)
    server.serve_forever(poll_interval=0.05)


class DemoServer:
    """An in-process moto server with request recording and fault injection.

    Usage::

        with DemoServer() as server:
            seed_world()
            boto3.client("ec2", endpoint_url=server.endpoint_url, ...)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare a server for ``host``:``port``; port 0 picks a free port on ``start()``."""
        self._host = host
        self._requested_port = port
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._journal = RequestJournal()
        self._faults = FaultInjector()

    def start(self) -> None:
        """Bind the port and serve in a daemon thread; returns once requests are accepted."""
        if self._server is not None:
            raise RuntimeError("DemoServer is already running")
        moto_patches.install()
        _silence_loggers()
        app = DemoMiddleware(
            DomainDispatcherApplication(create_backend_app), self._journal, self._faults
        )
        # The socket is bound and listening when the constructor returns, so there is no
        # start-up race: connections queue until serve_forever() picks them up.
        server = _QuietServer(self._host, self._requested_port, app, handler=_QuietRequestHandler)
        server.daemon_threads = True
        self._server = server
        # A short poll interval keeps stop() quick (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=_warm_then_serve,
            args=(server,),
            name="amiexplorer-demo-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (moto's data stays until ``reset()``)."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def port(self) -> int:
        """The port actually bound."""
        if self._server is None:
            raise RuntimeError("DemoServer is not running")
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """The URL to give botocore as ``endpoint_url``, e.g. ``http://127.0.0.1:50123``."""
        return f"http://{self._host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every AWS request received since start or the last clear, oldest first."""
        return self._journal.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._journal.clear()

    def deny(self, action: str, region: str | None = None) -> None:
        """Answer ``action`` (in ``region``, or any region) as an IAM-denied call.

        EC2 answers HTTP 403 ``UnauthorizedOperation``, also for ``DryRun=true`` requests (that is
        how AWS reports a missing permission on a preflight); IAM, STS and Auto Scaling answer
        ``AccessDenied``, JSON services ``AccessDeniedException``.
        """
        self._faults.deny(action, region)

    def fail_region(self, region: str, code: str = "AuthFailure", status: int = 401) -> None:
        """Make every EC2 request in ``region`` fail with ``code`` (e.g. OptInRequired, 403)."""
        self._faults.fail_region(region, code, status)

    def fail_action(
        self, action: str, code: str, status: int = 400, region: str | None = None
    ) -> None:
        """Answer ``action`` (in ``region``, or any) with error ``code`` and HTTP ``status``.

        For instance ``fail_action("GetCallerIdentity", "ExpiredToken", 400)``; the body has the
        shape of the action's service, so botocore reports ``code``.
        """
        self._faults.fail_action(action, code, status, region)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._faults.clear()

    def reset(self) -> None:
        """Empty moto, and forget faults, recorded requests and pending-state settings."""
        reset_backends()
        # The block maps live outside moto and outside the stores reset_backends empties.
        snapshot_blocks.reset()
        self._faults.clear()
        self._journal.clear()
        pending.reset_pending()

    def __enter__(self) -> DemoServer:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()
