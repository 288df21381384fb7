"""What the person chose about reaching AWS: profile, regions, endpoint, read-only.

Plain data, cheap to import (no botocore): the command line builds it before the first frame,
and the session (session.py) is made from it behind that frame.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: Attempts per call, the first included. Throttling is what an account-wide scan meets most:
#: with 30% of answers throttled, 8 attempts leave 0.3**8 (1 call in 15,000) failed, where 5
#: left 1 in 400 (a region in error on a large account). The price is a dead endpoint: about
#: 35 s of backoff before its region reports the error.
MAX_ATTEMPTS = 8
#: Seconds to wait for each read of an answer. Describe calls of 1,000 resources answer in a
#: few seconds; a region that stops answering reports an error after MAX_ATTEMPTS of these.
READ_TIMEOUT = 20.0
#: Seconds the start-up checks may take in all (credentials, identity, alias, regions), on
#: the wall clock. A person is waiting: STS answers in well under a second, SSO and
#: assume-role in one or two; 20 s leaves room for a slow network or a credential_process
#: that asks for an MFA code, and ends a dead endpoint before the probes' own two attempts
#: of 15 s would. Config: [timeouts] startup.
STARTUP_TIMEOUT = 20.0
#: Seconds one AWS call may take in all, every retry and backoff included (a page of a
#: paginator is a call). The read timeout alone never ends an endpoint that drips a byte
#: every few seconds. 120 s is above what botocore's retries can spend on a call
#: (MAX_ATTEMPTS attempts: at most 90 s of backoff, 45 s on average, plus answers of a few
#: seconds), so it ends only calls the retries could never finish, and a stalled region
#: reports its error within two minutes. Config: [timeouts] call.
CALL_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach AWS: what the command line, the environment and the config file chose."""

    profile: str | None = None
    regions: tuple[str, ...] = ()
    endpoint_url: str | None = None
    read_only: bool = False
    #: Attempts per call, including the first (botocore's adaptive retry mode backs off
    #: between them); see MAX_ATTEMPTS.
    max_attempts: int = MAX_ATTEMPTS
    #: Seconds to wait for each read of an answer; see READ_TIMEOUT.
    read_timeout: float = READ_TIMEOUT
    #: Seconds the start-up checks may take in all; see STARTUP_TIMEOUT.
    startup_timeout: float = STARTUP_TIMEOUT
    #: Seconds one AWS call may take, every retry included; see CALL_TIMEOUT.
    call_timeout: float = CALL_TIMEOUT
    #: What the header calls the endpoint instead of its URL (the demo world says so).
    endpoint_label: str | None = None
    # Explicit keys are used by the demo world only; repr=False keeps them out of logs.
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(
        cls,
        *,
        profile: str | None = None,
        regions: tuple[str, ...] = (),
        endpoint_url: str | None = None,
        read_only: bool = False,
        startup_timeout: float = STARTUP_TIMEOUT,
        call_timeout: float = CALL_TIMEOUT,
    ) -> ConnectionSettings:
        """Fill what the caller left out from AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL."""
        env = os.environ
        return cls(
            profile=profile or env.get("AWS_PROFILE") or None,
            regions=regions,
            endpoint_url=endpoint_url or env.get("AWS_ENDPOINT_URL") or None,
            read_only=read_only,
            startup_timeout=startup_timeout,
            call_timeout=call_timeout,
        )


def endpoint_url_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint (not http(s), no host, a bad port), or None if it can.

    botocore would refuse some of these with a traceback-worthy ValueError when the first
    client is made, and hand others (ftp://...) to the HTTP library: checked first instead.
    """
    example = "give one like https://ec2.eu-west-1.amazonaws.com or http://localhost:5000"
    if not url.strip() or any(c.isspace() for c in url):
        return f"is not a URL; {example}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"is not a URL; {example}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"is not an http:// or https:// URL; {example}"
    if not parts.hostname:
        return f"names no host; {example}"
    if port == 0:
        return f"has port 0; {example}"
    return None
