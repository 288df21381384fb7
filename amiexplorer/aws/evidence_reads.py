"""One region's read of a piece of evidence: a failure becomes a problem of its region, in words.

Every evidence reader (DLM, SSM, DescribeImageReferences, the lifecycle reads) runs its calls
through `guarded_read`, so a denied permission, a throttled API or an answer that is not AWS's
is kept as an `EvidenceProblem` (and the verdicts that need it are withheld), never raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from amiexplorer.aws.answers import NotAwsAnswer
from amiexplorer.aws.errors import PERMISSION_ERRORS, describe_problem, error_code
from amiexplorer.core.evidence import EvidenceProblem, Source

T = TypeVar("T")

#: Codes that say the endpoint does not have the call at all (a partition or an emulator
#: without the feature): nothing of that kind can exist there.
UNSUPPORTED = frozenset(
    {"InvalidAction", "UnsupportedOperation", "NotImplemented", "UnknownOperationException"}
)


class ReadFailed(Exception):
    """A read that failed, already put into words."""

    def __init__(
        self, problem: EvidenceProblem, *, unsupported: bool = False, missing: bool = False
    ) -> None:
        super().__init__(problem.message)
        self.problem = problem
        #: The endpoint may not have the call (see UNSUPPORTED; also an HTTP status with no
        #: AWS error code, or any answer that is not AWS's): enough to skip evidence that only
        #: adds to what was read.
        self.unsupported = unsupported
        #: The stricter reading, for evidence a verdict rests on: an UNSUPPORTED code, or an
        #: HTML error page of HTTP 500 or 501 in place of AWS's error (what an emulator without
        #: the operation answers). A truncated, empty or foreign answer is never that.
        self.missing = missing


async def guarded_read(
    source: Source, region: str, service: str, operation: str, work: Awaitable[T]
) -> T:
    """`work`'s answer, or ReadFailed saying what went wrong (cancellation passes through)."""
    try:
        return await work
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # every failure is a problem of its region, never a crash
        while isinstance(exc, ExceptionGroup):
            exc = exc.exceptions[0]
        problem = describe_problem(exc, region=region, service=service, operation=operation)
        code = error_code(exc)
        denied = code in PERMISSION_ERRORS
        unsupported = code in UNSUPPORTED or problem.code == "NotAwsAnswer" or code.isdigit()
        missing = code in UNSUPPORTED or (
            isinstance(exc, NotAwsAnswer) and exc.status in (500, 501) and "HTML" in exc.what
        )
        raise ReadFailed(
            EvidenceProblem(source, region, problem.message, denied, missing=missing),
            unsupported=unsupported,
            missing=missing,
        ) from None


def without_problem(evidence: Any, region: str, source: Source) -> tuple[EvidenceProblem, ...]:
    """The region's problems, but none of `source` (it was read now)."""
    return tuple(p for p in evidence.region(region).problems if p.source is not source)


def with_problem(evidence: Any, region: str, failure: ReadFailed) -> tuple[EvidenceProblem, ...]:
    """The region's problems, with `failure`'s in place of any older one of its source."""
    return (*without_problem(evidence, region, failure.problem.source), failure.problem)
