"""The timestamp parser given to botocore reads what botocore's own reads, as the same instant."""

from __future__ import annotations

from datetime import UTC

import botocore.utils
import pytest

from amiexplorer.aws.parse import botocore_timestamp, parse_time


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-24T01:35:30.000Z",
        "2026-02-24T01:35:30Z",
        "2026-02-24T01:35:30.123456Z",
        "2026-02-24T01:35:30+02:00",
        "2026-02-24T01:35:30",
        "1700000000",
        "Tue, 01 Nov 2026 10:00:00 GMT",
    ],
)
def test_same_instant_as_botocore(text: str) -> None:
    ours = botocore_timestamp(text)
    theirs = botocore.utils.parse_timestamp(text)
    assert ours.tzinfo is not None
    if theirs.tzinfo is None:  # botocore leaves a time without an offset naive: it is UTC
        theirs = theirs.replace(tzinfo=UTC)
    assert ours == theirs
    # Models keep every time in UTC with the one shared zone object.
    assert parse_time(ours).tzinfo is UTC  # type: ignore[union-attr]


def test_bad_text_fails_as_botocore_fails() -> None:
    with pytest.raises(ValueError):
        botocore.utils.parse_timestamp("not a time")
    with pytest.raises(ValueError):
        botocore_timestamp("not a time")
