"""The action log: one JSON object per line for every mutating call, refused and failed ones too.

It lives in the user's state directory (XDG_STATE_HOME on Linux), readable by its owner only
(mode 0600, enforced even on a file that already existed). Parameters are the EC2 request's
own; anything that looks like a credential is dropped all the same, in case a caller ever
passes one.

A real call is logged twice: `sent` just before it goes, then its outcome; a call whose answer
never came (the app quit, the flow was cancelled) is logged `outcome-unknown`. So every call
that was sent has a line saying so, whatever happened next. A log that cannot be written stops
everything before the first call (`ActionLog.check`, `ActionLogError`): nothing is sent that
could not be logged.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from amiexplorer.config import state_dir

LOG_NAME = "actions.jsonl"
FILE_MODE = 0o600
DIR_MODE = 0o700

#: Parameter names containing one of these (case-insensitively) never reach the log.
_SECRET_MARKERS = (
    "secret",
    "password",
    "token",
    "credential",
    "signature",
    "accesskey",
    "access_key",
    "presigned",
    "sessionkey",
)


class LogOutcome(StrEnum):
    """What happened to one call."""

    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"
    SKIPPED = "skipped"
    DRY_RUN_OK = "dry-run-ok"
    DRY_RUN_DENIED = "dry-run-denied"
    #: Written just before a real call goes out; its outcome follows.
    SENT = "sent"
    #: The call was sent and its answer never came (cancelled, the app quit).
    UNKNOWN = "outcome-unknown"


class ActionLogError(Exception):
    """The action log cannot be written; the message names the file and what to do."""


def unwritable(path: Path, exc: OSError) -> str:
    """Why nothing is sent when the log at `path` cannot be written, and what to do."""
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
    return (
        f"the action log {path} cannot be written: {reason}{where}. Nothing was sent to AWS "
        "(every change is logged before it is sent): make its directory writable, or set "
        "XDG_STATE_HOME to a writable directory, and try again"
    )


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(marker in lowered for marker in _SECRET_MARKERS)


def scrub(value: Any) -> Any:
    """A JSON-ready copy of `value` with credential-like keys removed at every depth."""
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items() if not _is_secret(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the action log."""

    time: str
    account: str
    region: str
    action: str
    resource_ids: tuple[str, ...]
    parameters: Mapping[str, Any]
    outcome: str
    message: str
    dry_run: bool = False
    code: str | None = None
    new_ids: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The entry as one line of JSON."""
        document = {
            "time": self.time,
            "account": self.account,
            "region": self.region,
            "action": self.action,
            "resource_ids": list(self.resource_ids),
            "parameters": scrub(self.parameters),
            "outcome": self.outcome,
            "message": self.message,
            "dry_run": self.dry_run,
        }
        if self.code:
            document["code"] = self.code
        if self.new_ids:
            document["new_ids"] = list(self.new_ids)
        return json.dumps(document, sort_keys=False, ensure_ascii=False)


def utc_now() -> str:
    """The current time in ISO-8601 UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ActionLog:
    """Appends entries to a JSON-lines file created with mode 0600."""

    def __init__(self, path: Path | None = None) -> None:
        """Log to `path`; by default actions.jsonl in the user's state directory."""
        self.path = path if path is not None else state_dir() / LOG_NAME

    def check(self) -> None:
        """Raise ActionLogError unless an entry could be appended now (nothing is written)."""
        try:
            os.close(self._open())
        except OSError as exc:
            raise ActionLogError(unwritable(self.path, exc)) from None

    def write(
        self,
        *,
        account: str,
        region: str,
        action: str,
        resource_ids: Sequence[str],
        parameters: Mapping[str, Any],
        outcome: LogOutcome,
        message: str,
        dry_run: bool = False,
        code: str | None = None,
        new_ids: Sequence[str] = (),
    ) -> LogEntry:
        """Append one entry (the file and its directory are created on first use).

        Raises ActionLogError when the file cannot be written.
        """
        entry = LogEntry(
            time=utc_now(),
            account=account,
            region=region,
            action=action,
            resource_ids=tuple(resource_ids),
            parameters={k: v for k, v in parameters.items() if k != "DryRun"},
            outcome=outcome.value,
            message=message,
            dry_run=dry_run,
            code=code,
            new_ids=tuple(new_ids),
        )
        self._append(entry.to_json() + "\n")
        return entry

    def _open(self) -> int:
        """The log opened for appending, private (its directory made on first use)."""
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            # O_CREAT's mode is ignored for a file that already exists: enforce it.
            if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
                os.fchmod(fd, FILE_MODE)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _append(self, line: str) -> None:
        try:
            fd = self._open()
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:
            raise ActionLogError(unwritable(self.path, exc)) from None

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every entry written so far, oldest first (lines that do not parse are skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        for line in text.splitlines():
            try:
                parsed = json.loads(line)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                yield parsed
