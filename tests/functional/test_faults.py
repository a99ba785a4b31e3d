"""Fault injection: DynamoDB throttling and transient errors, S3 unavailable.

Faults are injected with botocore event hooks on the service's own clients
(``chalicelib.aws.client``):

- ``before-send`` returning a throttling / 500 response: botocore's standard retries see it
  (moto answers ``before-send`` itself, first, so that hook is consulted from inside moto's
  handler, before moto runs the request);
- ``needs-retry`` forcing a retry of a request that DID succeed (the reply was lost), so the
  same TransactWriteItems reaches DynamoDB twice;
- ``before-call`` raising: the dependency is down for this call, no retry will help.

Invariants: an acknowledged completion (201/200) is in the table afterwards; a retried
request (by botocore or by the client) never writes a second record; an unavailable
dependency is a JSON 503 with Retry-After, never a 500 or a stack trace.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib import aws as aws_clients
from tests.conftest import REGION, Account

BODY = {"module_id": "thinking-traps", "version": 1}


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs):  # type: ignore[no-untyped-def]
        yield self._data

    def read(self, *_args) -> bytes:  # type: ignore[no-untyped-def]
        return self._data


def aws_error(status: int, code: str, message: str = "injected") -> AWSResponse:
    body = json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}
    ).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}
    return AWSResponse("https://dynamodb.example", status, headers, _Raw(body))


@pytest.fixture
def dynamodb(service):  # type: ignore[no-untyped-def]
    return aws_clients.client("dynamodb", service.settings.region)


@pytest.fixture
def s3_client(service):  # type: ignore[no-untyped-def]
    return aws_clients.client("s3", service.settings.region)


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry backoff sleeps; the faults are the point, not the waiting."""
    import botocore.retries.standard as standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


_SEND_FAULTS: dict[str, Callable] = {}


@pytest.fixture(autouse=True)
def _send_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core.botocore_stubber import BotocoreStubber

    original = BotocoreStubber.__call__

    def call(self, event_name, request, **kwargs):  # type: ignore[no-untyped-def]
        fault = _SEND_FAULTS.get(event_name)
        response = fault(request=request, **kwargs) if fault is not None else None
        return response if response is not None else original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", call)
    yield
    _SEND_FAULTS.clear()


def hook(client, event: str, handler: Callable) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    if event.startswith("before-send."):
        _SEND_FAULTS[event] = handler
        return lambda: _SEND_FAULTS.pop(event, None)
    client.meta.events.register_first(event, handler, unique_id=f"fault-{event}")
    return lambda: client.meta.events.unregister(event, unique_id=f"fault-{event}")


def fail_first(n: int, response: Callable[[], AWSResponse]) -> Callable:
    calls = {"n": 0}

    def handler(**_kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return response() if calls["n"] <= n else None

    handler.calls = calls  # type: ignore[attr-defined]
    return handler


def post(client, account: Account) -> tuple[int, dict, dict]:  # type: ignore[no-untyped-def]
    response = client.http.post("/me/completions", headers=account.headers, body=json.dumps(BODY))
    text = response.body.decode() if isinstance(response.body, bytes) else response.body
    assert "Traceback" not in text
    return response.status_code, json.loads(text), response.headers


def stored(account: Account, stack) -> list[dict]:  # type: ignore[no-untyped-def]
    """What the table holds for this participant (read with a client no fault touches)."""
    table = boto3.client("dynamodb", region_name=REGION)
    items = table.query(
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": f"PARTICIPANT#{account.id}"},
            ":c": {"S": "COMPLETION#"},
        },
        ConsistentRead=True,
    )["Items"]
    return items


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_transient_errors_that_retries_absorb_still_record_exactly_once(
    client, published, participant, stack, dynamodb, code, status
):
    handler = fail_first(2, lambda: aws_error(status, code))
    remove = hook(dynamodb, "before-send.dynamodb.TransactWriteItems", handler)
    try:
        got, body, _ = post(client, participant)
    finally:
        remove()
    assert handler.calls["n"] == 3  # two injected failures, then the real write
    assert got == 201 and body["module_id"] == "thinking-traps"
    items = stored(participant, stack)
    assert len(items) == 1 and items[0]["completed_at"]["S"] == body["completed_at"]


def test_persistent_throttling_is_a_503_and_the_client_retry_records_once(
    client, published, participant, stack, dynamodb
):
    remove = hook(
        dynamodb,
        "before-send.dynamodb.TransactWriteItems",
        lambda **_: aws_error(400, "ThrottlingException"),
    )
    try:
        got, body, headers = post(client, participant)
    finally:
        remove()
    assert got == 503 and body["error"]["code"] == "service_unavailable"
    assert int(headers["Retry-After"]) >= 1
    assert stored(participant, stack) == []  # not acknowledged, and not written
    got, first, _ = post(client, participant)  # the app retries once AWS recovers
    assert got == 201
    got, again, _ = post(client, participant)
    assert got == 200 and again == first
    assert len(stored(participant, stack)) == 1


def test_a_lost_reply_is_retried_without_a_duplicate(
    client, published, participant, stack, dynamodb
):
    """The write succeeded but botocore saw no reply and sent it again."""
    calls = {"n": 0}

    def lose_first_reply(attempts, **_kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return 0 if attempts == 1 else None

    remove = hook(dynamodb, "needs-retry.dynamodb.TransactWriteItems", lose_first_reply)
    try:
        got, body, _ = post(client, participant)
    finally:
        remove()
    assert calls["n"] >= 2  # it really was sent twice
    assert got in (200, 201) and body["version"] == 1  # acknowledged...
    items = stored(participant, stack)
    assert len(items) == 1  # ...present, and once
    assert items[0]["completed_at"]["S"] == body["completed_at"]


def test_acknowledged_completions_survive_a_storm_of_faults(client, published, stack, dynamodb):
    """Many participants, every other write throttled past the retries: every 2xx is stored."""
    from tests.conftest import make_account

    accounts = [make_account(stack, f"fault-participant-{i}", "participants") for i in range(6)]
    state = {"n": 0}

    def flaky(**_kwargs):  # type: ignore[no-untyped-def]
        state["n"] += 1
        return aws_error(500, "InternalServerError") if state["n"] % 3 else None

    remove = hook(dynamodb, "before-send.dynamodb.TransactWriteItems", flaky)
    acknowledged = []
    try:
        for account in accounts:
            for _attempt in range(3):
                got, body, headers = post(client, account)
                assert got in (200, 201, 503), (got, body)
                if got == 503:
                    assert "Retry-After" in headers
                    continue
                acknowledged.append((account, body))
    finally:
        remove()
    assert acknowledged
    for account, body in acknowledged:
        items = stored(account, stack)
        assert len(items) == 1 and items[0]["completed_at"]["S"] == body["completed_at"]


S3_ERRORS = {
    "connection": EndpointConnectionError(endpoint_url="https://s3.example"),
    "unavailable": ClientError(
        {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, "GetObject"
    ),
    "slowdown": ClientError({"Error": {"Code": "SlowDown", "Message": "injected"}}, "GetObject"),
    "access-denied": ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "injected"}}, "GetObject"
    ),
}
READS = [
    "/modules",
    "/modules/thinking-traps",
    "/modules/thinking-traps/versions",
    "/modules/thinking-traps/versions/1",
]


@pytest.mark.parametrize(
    ("path", "error"),
    [(path, "connection") for path in READS]
    + [("/modules/thinking-traps", e) for e in list(S3_ERRORS)[1:]],
)
def test_s3_unavailable_during_a_module_read_is_a_503_with_retry_after(
    client, published, participant, s3_client, error, path
):
    def down(**_kwargs):  # type: ignore[no-untyped-def]
        raise S3_ERRORS[error]

    remove = hook(s3_client, "before-call.s3.GetObject", down)
    try:
        response = client.http.get(path, headers=participant.headers)
    finally:
        remove()
    text = response.body.decode() if isinstance(response.body, bytes) else response.body
    assert response.status_code == 503, text
    assert int(response.headers["Retry-After"]) >= 1
    assert json.loads(text)["error"]["code"] == "service_unavailable"
    assert "Traceback" not in text and "botocore" not in text and "GetObject" not in text
    # ...and once S3 is back, the same read works.
    assert client.http.get(path, headers=participant.headers).status_code == 200


def test_s3_unavailable_while_completing_is_a_503_and_writes_nothing(
    client, published, participant, stack, s3_client
):
    remove = hook(
        s3_client,
        "before-call.s3.GetObject",
        lambda **_: (_ for _ in ()).throw(
            EndpointConnectionError(endpoint_url="https://s3.example")
        ),
    )
    try:
        got, body, headers = post(client, participant)
    finally:
        remove()
    assert got == 503 and "Retry-After" in headers
    assert stored(participant, stack) == []
