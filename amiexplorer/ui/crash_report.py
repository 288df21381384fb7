"""The last net: an error nobody caught is written to a file, never onto the screen.

Textual ends the app on any exception a widget or a handler lets through, gives the terminal
back and then prints a traceback with every local variable of every frame, which may hold
credentials. amiexplorer instead writes the traceback (without locals, secrets masked) to a
file of its own in the state directory, mode 0600, and prints one line saying where. The
exit status stays 1.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from amiexplorer import __version__

#: Environment variables whose values never go into a report.
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
#: Secrets in `key=value` or `"key": "value"` form, whatever the value (botocore's names).
_SECRET_PAIRS = re.compile(
    r"(?i)((?:aws_)?(?:secret_access_key|session_token|secret_key|security_token)"
    r"['\"]?\s*[:=]\s*['\"]?)([^'\"\s,)}]+)"
)
MASK = "********"


def mask_secrets(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every given secret, every secret variable's value and every
    `secret_access_key=…`-like pair masked."""
    values = [s for s in secrets if s] + [
        value for name in SECRET_VARIABLES if (value := os.environ.get(name))
    ]
    # Longest first, so that a secret containing another is masked whole.
    for value in sorted(set(values), key=len, reverse=True):
        if len(value) >= 4:
            text = text.replace(value, MASK)
    return _SECRET_PAIRS.sub(lambda match: match.group(1) + MASK, text)


def report_text(error: BaseException, secrets: Iterable[str | None] = ()) -> str:
    """The report: when, which version, and the traceback without local variables."""
    lines = [
        f"amiexplorer {__version__}, Python {sys.version.split()[0]}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return mask_secrets("\n".join(line.rstrip("\n") for line in lines) + "\n", secrets)


def report_path(directory: Path) -> Path:
    """Where this process's report goes: a new file in `directory`."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return directory / f"crash-{stamp}-{os.getpid()}.txt"


def write_report(path: Path, error: BaseException, secrets: Iterable[str | None] = ()) -> None:
    """Append the report of `error` to `path` (created with mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as stream:
        if stream.tell():
            stream.write("\n")
        stream.write(report_text(error, secrets))


def crash_line(error: BaseException, where: Path | None) -> str:
    """The one line printed once the terminal is given back."""
    what = f"an internal error ({type(error).__name__}) ended amiexplorer"
    if where is None:
        return f"amiexplorer: {what}; its report could not be written"
    return f"amiexplorer: {what}; the traceback is in {where}"
