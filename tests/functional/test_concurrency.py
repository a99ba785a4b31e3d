"""50 parallel duplicate completions against a moto server over HTTP: exactly 1 record.

moto runs as a real HTTP server in this process (``steady_local.server.LocalAws``, the one
``make run`` uses); each of the 50 requests gets its own boto3 client, as 50 Lambda
containers would, and all are released at once by a barrier.
"""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from chalicelib import aws as aws_clients
from chalicelib.clock import Clock
from chalicelib.identity import Caller
from chalicelib.library import ModuleLibrary
from chalicelib.reading import Reading
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import GroupRecords
from steady_content.publish import Publisher
from steady_local.provision import provision
from tests.conftest import REGION, STARTERS

pytestmark = pytest.mark.server
PARALLEL = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto_http(monkeypatch: pytest.MonkeyPatch, shipped_modules):  # type: ignore[no-untyped-def]
    from steady_local.server import LocalAws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    aws = LocalAws(port=free_port()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    aws_clients.reset()
    try:
        stack = provision(lambda name: boto3.client(name, region_name=REGION, endpoint_url=aws.url))
        s3 = boto3.client("s3", region_name=REGION, endpoint_url=aws.url)
        modules = [m for m in shipped_modules if m.module_id in STARTERS and m.locale == "en"]
        assert Publisher(s3, stack.content_bucket).publish(modules).ok
        yield aws, stack
    finally:
        aws_clients.reset()
        aws.stop()


def test_fifty_parallel_duplicate_completions_make_exactly_one_record(moto_http):
    aws, stack = moto_http
    caller = Caller("3f2a7c1e-0000-4000-8000-00000000c0de", frozenset({"participants"}))
    # One client per "container", built before the race so the race is only the writes.
    session = boto3.session.Session()
    containers = []
    for _ in range(PARALLEL):
        clock = Clock()
        dynamodb = session.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
        containers.append(
            Reading(
                ModuleLibrary(
                    session.client("s3", region_name=REGION, endpoint_url=aws.url),
                    stack.content_bucket,
                    clock,
                ),
                CompletionRecords(dynamodb, stack.records_table, clock),
                GroupRecords(dynamodb, stack.records_table),
                clock,
            )
        )
    barrier = threading.Barrier(PARALLEL)

    def complete(reading):  # type: ignore[no-untyped-def]
        barrier.wait(timeout=60)
        recorded = reading.complete(caller, "thinking-traps", 1)
        return recorded.completion, recorded.created

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(complete, containers))

    created = [c for c, was_created in results if was_created]
    assert len(created) == 1, f"{len(created)} requests answered 201"
    assert {c for c, _ in results} == {created[0]}  # everyone got the one original record

    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
    items = dynamodb.query(
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PARTICIPANT#{caller.id}"}},
        ConsistentRead=True,
    )["Items"]
    completions = [i for i in items if i["SK"]["S"].startswith("COMPLETION#")]
    assert len(completions) == 1
    assert completions[0]["completed_at"]["S"] == created[0].completed_at
    versions = [i for i in items if i["SK"]["S"] == "COMPLETED_VERSIONS"]
    assert len(versions) == 1 and versions[0]["v#thinking-traps"]["NS"] == ["1"]
    assert versions[0]["at#thinking-traps#1"]["S"] == created[0].completed_at
