"""What the demo server records of each request it receives (never its credentials)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordedRequest:
    """One request the demo server received (never its credentials)."""

    method: str
    service: str
    region: str
    action: str
    dry_run: bool
    params: dict[str, str] = field(default_factory=dict)


class RequestJournal:
    """Thread-safe list of recorded requests."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def record(self, request: RecordedRequest) -> None:
        """Append ``request``."""
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        """Return a copy of the requests recorded so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()
