"""The local runner's snapshot (steady_local/snapshot.py) fetches a published object only when
it is new or changed: after each write `make run` saves a snapshot, and fetching every module
version again each time kept the single-threaded moto server too busy to answer the service."""

from __future__ import annotations

from typing import Any

import boto3

from steady_local import snapshot
from tests.conftest import REGION, AwsCalls


def test_a_snapshot_fetches_only_new_or_changed_objects(stack, published):  # type: ignore[no-untyped-def]
    built: dict[str, Any] = {}

    def clients(name: str) -> Any:
        if name not in built:
            built[name] = boto3.client(name, region_name=REGION)
        return built[name]

    calls = AwsCalls().attach(clients("s3"))
    bodies: dict[tuple[str, str], str] = {}
    first = snapshot.dump(clients, stack, None, bodies)
    assert calls.names.count("S3.GetObject") == len(first["objects"]) > 2

    calls.reset()
    s3 = clients("s3")
    s3.put_object(Bucket=stack.content_bucket, Key="catalog/en.json", Body=b"{}")  # changed
    s3.put_object(Bucket=stack.content_bucket, Key="new-object.json", Body=b"[]")  # new
    calls.reset()
    second = snapshot.dump(clients, stack, None, bodies)
    assert calls.names.count("S3.GetObject") == 2
    # What it saves is what a dump without the cache saves.
    assert second == snapshot.dump(clients, stack)
