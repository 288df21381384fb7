"""Answers that are not AWS's: what `check_answer` makes of them, and the one line they become.

The operation models are botocore's own (EC2 is the ec2 protocol, SSM json, DLM rest-json);
the answers are the bytes a proxy, a portal or an emulator sends.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from amiexplorer.aws.answers import NOT_AWS_KEY, NotAwsAnswer, check_answer, not_aws_details
from amiexplorer.aws.errors import describe_problem, one_line

_SESSION = botocore.session.get_session()
HTML = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>x</h1>\n"


def operation(service: str, name: str) -> Any:
    return _SESSION.get_service_model(service).operation_model(name)


def answer(service: str, name: str, status: int, body: bytes, **headers: str) -> dict[str, Any]:
    """Run `check_answer` on one answer; returns what botocore would then read."""
    response = {"status_code": status, "body": body, "headers": headers}
    customized: dict[str, Any] = {}
    check_answer(
        operation_model=operation(service, name),
        response_dict=response,
        customized_response_dict=customized,
    )
    return {**response, "customized": customized}


def refused(service: str, name: str, status: int, body: bytes) -> NotAwsAnswer:
    with pytest.raises(NotAwsAnswer) as caught:
        answer(service, name, status, body)
    return caught.value


SNAPSHOTS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    b"<requestId>1</requestId><snapshotSet/></DescribeSnapshotsResponse>\n"
)


def test_aws_answers_pass_untouched() -> None:
    done = answer("ec2", "DescribeSnapshots", 200, SNAPSHOTS)
    assert done["body"] == SNAPSHOTS and not done["customized"]
    answer("ssm", "DescribeParameters", 200, b'{"Parameters": []}')
    answer("dlm", "GetLifecyclePolicies", 200, b'{"Policies": []}')
    ec2_error = (
        b"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message>"
        b"</Error></Errors><RequestID>1</RequestID></Response>"
    )
    assert answer("ec2", "DescribeSnapshots", 403, ec2_error)["body"] == ec2_error
    # A REST error may carry its code in a header with an empty body.
    header_only = answer(
        "dlm", "GetLifecyclePolicy", 404, b"", **{"x-amzn-ErrorType": "ResourceNotFoundException"}
    )
    assert not header_only["customized"]


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (HTML, "an HTML page"),
        (b"", "an empty body"),
        (b"   \n", "an empty body"),
        (SNAPSHOTS[: len(SNAPSHOTS) // 2], "truncated XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "something that is not XML"),
        (b"<Foo><Bar/></Foo>", "XML that is not an answer to it (its root element is Foo)"),
    ],
)
def test_a_success_that_is_not_the_answer_is_refused(body: bytes, what: str) -> None:
    error = refused("ec2", "DescribeSnapshots", 200, body)
    assert (error.operation, error.what, error.expected) == ("DescribeSnapshots", what, "AWS XML")


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (HTML, "an HTML page"),
        (b"", "an empty body"),
        (b'{"Parameters": [', "truncated JSON"),
        (b"random bytes", "something that is not JSON"),
        (b"[1, 2]", "JSON that is not an answer to it"),
    ],
)
def test_a_json_success_that_is_not_the_answer_is_refused(body: bytes, what: str) -> None:
    error = refused("ssm", "DescribeParameters", 200, body)
    assert (error.what, error.expected) == (what, "AWS JSON")


@pytest.mark.parametrize(
    ("service", "name", "status"),
    [
        ("ec2", "DescribeImageAttribute", 503),
        ("dlm", "GetLifecyclePolicies", 502),
        ("ssm", "GetParameters", 504),
        ("ec2", "DescribeSnapshots", 429),
    ],
)
def test_a_gateway_page_becomes_a_plain_error_botocore_retries(
    service: str, name: str, status: int
) -> None:
    done = answer(service, name, status, HTML)
    marked = done["customized"][NOT_AWS_KEY]
    assert marked["what"] == "an HTML page" and marked["status"] == status
    # The body is now the protocol's error shape with the status as its code.
    assert str(status).encode() in done["body"] and b"<html" not in done["body"]
    if service in ("dlm", "ssm"):
        assert json.loads(done["body"])["__type"] == str(status)


@pytest.mark.parametrize(
    ("service", "name", "status", "body"),
    [
        ("ec2", "DescribeImageAttribute", 500, HTML),
        ("ec2", "DescribeSnapshots", 403, HTML),
        ("dlm", "GetLifecyclePolicies", 500, HTML),
        ("sts", "GetCallerIdentity", 501, HTML),
        ("ec2", "DescribeVolumes", 400, b"<Response><Errors><Error><Code>X"),
    ],
)
def test_any_other_error_page_is_final_at_once(
    service: str, name: str, status: int, body: bytes
) -> None:
    # Asking again gets the same page: no retry, no minute of backoff.
    error = refused(service, name, status, body)
    assert error.status == status and error.operation == name


def test_the_one_line_names_the_call_the_region_and_what_came_back() -> None:
    error = refused("ec2", "DescribeImageAttribute", 200, HTML)
    problem = describe_problem(error, region="eu-west-1")
    assert problem.message == (
        "DescribeImageAttribute in eu-west-1 answered an HTML page, not AWS XML: "
        "is a proxy in the way?"
    )
    final = refused("dlm", "GetLifecyclePolicies", 500, HTML)
    assert describe_problem(final, region="us-east-1", service="dlm").message == (
        "GetLifecyclePolicies in us-east-1 answered an HTML page (HTTP 500), not AWS JSON: "
        "is a proxy in the way?"
    )
    done = answer("dlm", "GetLifecyclePolicies", 503, HTML)
    parsed = {"Error": {"Code": "503", "Message": "Service Unavailable"}, **done["customized"]}
    client_error = ClientError(parsed, "GetLifecyclePolicies")  # what botocore raises then
    assert not_aws_details(client_error.response) is not None
    assert describe_problem(client_error, region="us-east-1", service="dlm").message == (
        "GetLifecyclePolicies in us-east-1 answered an HTML page (HTTP 503), not AWS JSON: "
        "is a proxy in the way?"
    )


def test_messages_are_one_line_whatever_the_answer_said() -> None:
    page = HTML.decode() * 20
    error = ClientError({"Error": {"Code": "InternalError", "Message": page}}, "DescribeVolumes")
    message = describe_problem(error, region="eu-west-1").message
    assert "\n" not in message and "<" not in message and len(message) <= 300
    assert message.startswith("DescribeVolumes failed in eu-west-1 (InternalError)")
    assert one_line("a\n  b\t<b>c</b>") == "a b c"


def test_the_failed_call_is_named_not_the_step_that_made_it() -> None:
    denied = ClientError(
        {"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "DescribeLaunchTemplates"
    )
    message = describe_problem(
        denied, region="eu-west-1", operation="DescribeLaunchTemplateVersions"
    ).message
    assert message == "you lack ec2:DescribeLaunchTemplates in eu-west-1 (UnauthorizedOperation)"
