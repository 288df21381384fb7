"""DemoServer: free port, request recording, quietness, crash handling."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest
from botocore.exceptions import ClientError

from amiexplorer.demo import DEMO_CREDENTIALS, DemoServer, Planted
from amiexplorer.demo.faults import FaultInjector
from amiexplorer.demo.middleware import DemoMiddleware, RequestJournal
from tests.demo.conftest import ClientFactory


def test_starts_on_a_free_port_and_releases_it() -> None:
    with DemoServer() as first, DemoServer() as second:
        assert first.port != 0
        assert first.port != second.port
        assert first.endpoint_url == f"http://127.0.0.1:{first.port}"
        port = first.port
    # Stopped: the port is free again.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_endpoint_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError):
        _ = DemoServer().endpoint_url


def test_records_action_region_and_dry_run(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.clear_requests()
    client("ec2", "eu-west-1").describe_snapshots(OwnerIds=["self"])
    snapshot = next(iter(seeded.snapshots["us-east-1"]))
    with pytest.raises(ClientError) as caught:
        client("ec2").delete_snapshot(SnapshotId=snapshot, DryRun=True)
    assert caught.value.response["Error"]["Code"] == "DryRunOperation"
    client("sts").get_caller_identity()

    described, deleted, identity = live_server.requests
    assert (described.service, described.region, described.action) == (
        "ec2",
        "eu-west-1",
        "DescribeSnapshots",
    )
    assert described.method == "POST"
    assert not described.dry_run
    assert described.params["Owner.1"] == "self"
    assert (deleted.action, deleted.dry_run, deleted.params["SnapshotId"]) == (
        "DeleteSnapshot",
        True,
        snapshot,
    )
    assert (identity.service, identity.action) == ("sts", "GetCallerIdentity")


def test_never_records_credentials(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.clear_requests()
    client("ec2").describe_volumes()
    (request,) = live_server.requests
    access_key, secret_key = DEMO_CREDENTIALS
    text = repr(request)
    assert access_key not in text
    assert secret_key not in text
    assert "Signature" not in text


def test_clear_requests(live_server: DemoServer, seeded: Planted, client: ClientFactory) -> None:
    client("ec2").describe_volumes()
    assert live_server.requests
    live_server.clear_requests()
    assert live_server.requests == []


def test_unimplemented_call_is_unsupported_operation_quietly(
    live_server: DemoServer,
    seeded: Planted,
    client: ClientFactory,
    capfd: pytest.CaptureFixture[str],
) -> None:
    # moto raises NotImplementedError for DescribeVolumeStatus.
    with pytest.raises(ClientError) as caught:
        client("ec2").describe_volume_status()
    assert caught.value.response["Error"]["Code"] == "UnsupportedOperation"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert "POST /" not in out + err


def test_a_moto_crash_becomes_internal_error() -> None:
    def crashing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise KeyError("ami-0123")

    statuses: list[str] = []
    app = DemoMiddleware(crashing, RequestJournal(), FaultInjector())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "30",
        "wsgi.input": io.BytesIO(b"Action=DescribeImages&Version=1"),
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/ec2/aws4_request",
    }
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["500 Internal Server Error"]
    assert b"<Code>InternalError</Code>" in body


def test_describe_image_attribute_of_a_deregistered_image(
    seeded: Planted, client: ClientFactory
) -> None:
    image = next(i for i in seeded.deregistered_images if seeded.region_of.get(i) is None)
    regions = {
        seeded.region_of[s] for s, a in seeded.snapshot_description_image.items() if a == image
    }
    with pytest.raises(ClientError) as caught:
        client("ec2", regions.pop()).describe_image_attribute(
            ImageId=image, Attribute="description"
        )
    assert caught.value.response["Error"]["Code"] == "InvalidAMIID.Unavailable"


def test_serves_without_logging(
    live_server: DemoServer,
    seeded: Planted,
    client: ClientFactory,
    capfd: pytest.CaptureFixture[str],
) -> None:
    capfd.readouterr()
    client("ec2").describe_instances()
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_reset_forgets_world_faults_and_requests(
    live_server: DemoServer, seeded: Planted, client: ClientFactory
) -> None:
    live_server.deny("DescribeVolumes")
    live_server.reset()
    assert live_server.requests == []
    assert client("ec2").describe_volumes()["Volumes"] == []
    assert client("ec2").describe_images(Owners=["self"])["Images"] == []
