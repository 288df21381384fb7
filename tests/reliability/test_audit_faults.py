"""`amiexplorer audit` with a region failing behind the proxy: exit 2, the region in `errors`,
every other region's findings exactly those of an audit that met no fault, and no secret of
the credentials in any export.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from amiexplorer.cli.main import main
from amiexplorer.demo import DEMO_REGIONS, DemoServer, Planted
from tests.reliability.proxy import FaultProxy
from tests.reliability.test_credentials import secret_values, write_credentials

FAILED = "ap-southeast-2"


@pytest.fixture
def planted_credentials() -> Any:
    """The planted fake secrets in the shared credentials file, as `aws configure` leaves it."""
    write_credentials("old")
    yield
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).unlink()


def audit(endpoint: str, out: Path, form: str = "json") -> int:
    regions = [flag for region in DEMO_REGIONS for flag in ("--region", region)]
    argv = ["audit", "--endpoint-url", endpoint, *regions, "--format", form, "--output", str(out)]
    return main(argv)


def others(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["region"] != FAILED]


def test_a_failed_region_exits_2_listed_in_errors_with_the_others_intact(
    world: Planted,
    demo_server: DemoServer,
    proxy: FaultProxy,
    planted_credentials: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clean, faulted, table = tmp_path / "clean.json", tmp_path / "faulted.json", tmp_path / "f.csv"
    assert audit(demo_server.endpoint_url, clean) == 1  # findings, nothing failed
    proxy.error("OptInRequired", 403, service="ec2", region=FAILED)
    assert audit(proxy.endpoint_url, faulted) == 2
    assert audit(proxy.endpoint_url, table, "csv") == 2
    truth, report = json.loads(clean.read_text()), json.loads(faulted.read_text())
    assert truth["errors"] == [] and {f["region"] for f in truth["findings"]} >= {FAILED}
    assert {e["region"] for e in report["errors"]} == {FAILED}
    assert all("OptInRequired" in e["error"] for e in report["errors"])
    assert others(report) == others(truth) and others(truth)
    # Nothing of the failed region is reported as if it were known.
    assert FAILED not in {f["region"] for f in report["findings"]}
    # No secret in the exports, or in what was printed.
    captured = capsys.readouterr()
    outputs = [clean.read_text(), faulted.read_text(), table.read_text(), captured.out]
    outputs.append(captured.err)
    for secret in secret_values():
        assert not [i for i, text in enumerate(outputs) if secret in text], secret[:14]
