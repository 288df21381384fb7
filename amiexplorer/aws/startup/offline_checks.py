"""The start-up checks that need no call: region names, the endpoint URL, the AWS files.

They run before the credential chain or any client, so a typo is named as such instead of
surfacing as "cannot reach AWS" from an unrelated call, and botocore never blocks reading a
file that has no end.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from amiexplorer.aws.session import AwsSession
from amiexplorer.core.connection import endpoint_url_problem
from amiexplorer.startup import StartupError

#: The largest AWS config or credentials file botocore is let read (it reads them whole,
#: blocking): real ones are a few kilobytes.
AWS_FILE_LIMIT = 16 * 1024 * 1024


def unknown_region(name: str, known: Iterable[str]) -> StartupError:
    """The one line for a region name nobody knows, with the names it is closest to."""
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    if close:
        return StartupError(f"unknown region {name!r}; did you mean {' or '.join(close)}?")
    return StartupError(f"unknown region {name!r}; region names look like us-east-1 or eu-west-1")


def check_region_names(session: AwsSession) -> None:
    """Refuse a misspelt region before any call, unless a custom endpoint may know it.

    Without --region, the home region comes from AWS_REGION, AWS_DEFAULT_REGION or the
    profile: a name there that is no region would fail every call as "cannot reach AWS".
    """
    if session.endpoint_url:
        return
    known = session.known_region_names()
    unknown = [name for name in session.settings.regions if name not in known]
    if unknown:
        raise unknown_region(unknown[0], known)
    if session.settings.regions:
        return
    configured = session.configured_region()
    if configured is not None and configured[0] not in known:
        name, where = configured
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else "names look like us-east-1"
        raise StartupError(
            f"{where} is {name!r}, which is not a region name ({hint}); fix it or pass --region"
        )


def check_endpoint_url(session: AwsSession) -> None:
    """Refuse an endpoint that is no http(s) URL before botocore trips over it."""
    url = session.endpoint_url
    problem = endpoint_url_problem(url) if url else None
    if problem:
        raise StartupError(f"the endpoint {url!r} {problem}")


def _aws_files() -> list[tuple[str, str]]:
    return [
        (
            "AWS_CONFIG_FILE",
            os.environ.get("AWS_CONFIG_FILE") or str(Path("~/.aws/config").expanduser()),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
            or str(Path("~/.aws/credentials").expanduser()),
        ),
    ]


def check_aws_files() -> None:
    """Refuse AWS files botocore would read for ever: a FIFO, /dev/zero, a huge file.

    botocore reads them whole and blocking, so no deadline could end that read. A missing
    file is fine (botocore skips it), and so is /dev/null (a way to say "no file").
    """
    for variable, path in _aws_files():
        try:
            info = os.stat(path)
        except OSError:
            continue  # missing or unreadable: botocore skips it, the checks say the rest
        if path == os.devnull:
            continue
        if stat.S_ISDIR(info.st_mode):
            raise StartupError(f"{variable} {path} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise StartupError(
                f"{variable} {path} is not a regular file (a pipe or a device); point it at a file"
            )
        if info.st_size > AWS_FILE_LIMIT:
            raise StartupError(
                f"{variable} {path} is {info.st_size // (1024 * 1024)} MiB: "
                "too large to be an AWS config file"
            )
