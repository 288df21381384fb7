"""What the person chose about reaching AWS: profile, regions, endpoint, read-only.

Plain data, cheap to import (no botocore): the command line builds it before the first frame,
and the session (session.py) is made from it behind that frame.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: Attempts per call, the first included. Throttling is what an account-wide scan meets most:
#: with 30% of answers throttled, 8 attempts leave 0.3**8 (1 call in 15,000) failed, where 5
#: left 1 in 400 (a region in error on a large account). The price is a dead endpoint: about
#: 35 s of backoff before its region reports the error.
MAX_ATTEMPTS = 8
#: Seconds to wait for each read of an answer. Describe calls of 1,000 resources answer in a
#: few seconds; a region that stops answering reports an error after MAX_ATTEMPTS of these.
READ_TIMEOUT = 20.0


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
    ) -> ConnectionSettings:
        """Fill what the caller left out from AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL."""
        env = os.environ
        return cls(
            profile=profile or env.get("AWS_PROFILE") or None,
            regions=regions,
            endpoint_url=endpoint_url or env.get("AWS_ENDPOINT_URL") or None,
            read_only=read_only,
        )
