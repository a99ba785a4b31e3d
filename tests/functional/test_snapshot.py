"""The local runner's snapshot (steady_local/snapshot.py) fetches a published object only when
it is new or changed: after each write `make run` saves a snapshot, and fetching every module
version again each time kept the single-threaded moto server too busy to answer the service.
Restoring an older snapshot fills in what a newer release keeps, as its upgrade steps do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from chalicelib.records.groups import GroupRecords
from chalicelib.records.keys import group_pk
from steady_local import snapshot
from steady_local.provision import provision
from tests.conftest import REGION, AwsCalls, make_account


def clients(name: str) -> Any:
    return boto3.client(name, region_name=REGION)


def test_a_snapshot_fetches_only_new_or_changed_objects(stack, published):  # type: ignore[no-untyped-def]
    built: dict[str, Any] = {}

    def cached(name: str) -> Any:
        if name not in built:
            built[name] = boto3.client(name, region_name=REGION)
        return built[name]

    calls = AwsCalls().attach(cached("s3"))
    bodies: dict[tuple[str, str], str] = {}
    first = snapshot.dump(cached, stack, None, bodies)
    assert calls.names.count("S3.GetObject") == len(first["objects"]) > 2

    calls.reset()
    s3 = cached("s3")
    s3.put_object(Bucket=stack.content_bucket, Key="catalog/en.json", Body=b"{}")  # changed
    s3.put_object(Bucket=stack.content_bucket, Key="new-object.json", Body=b"[]")  # new
    calls.reset()
    second = snapshot.dump(cached, stack, None, bodies)
    assert calls.names.count("S3.GetObject") == 2
    # What it saves is what a dump without the cache saves.
    assert second == snapshot.dump(cached, stack)


def test_restoring_an_older_snapshot_fills_in_usernames(
    client, published, stack, leader, participant, tmp_path: Path
):
    """Enrolments and leader items saved before usernames were kept with them get them on
    restore (the usernames upgrade step), so a new temporary password is not refused (409
    username_not_recorded) and the group page names its leaders."""
    co_leader = make_account(stack, "leader-two", "leaders")
    created = call(client, "POST", "/groups", leader, {"name": "Tuesday evening group"})
    group_id = created["group_id"]
    call(client, "POST", f"/groups/{group_id}/leaders", leader, {"username": "leader-two"})
    body = {"username": "participant-one", "display_name": "Sam R."}
    call(client, "POST", f"/groups/{group_id}/participants", leader, body)
    data = snapshot.dump(clients, stack)
    # The snapshot as an older release wrote it: no usernames on the group's items.
    group_items = [i for i in data["items"] if i["PK"]["S"] == group_pk(group_id)]
    assert sum("username" in i for i in group_items) == 3
    for item in group_items:
        item.pop("username", None)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    fresh = provision(clients, stage="restored")
    assert snapshot.restore(clients, fresh, path) == len(data["items"])
    group = GroupRecords(clients("dynamodb"), fresh.records_table).get(group_id)
    assert group.member(participant.id).username == "participant-one"
    assert sorted((g.leader_id, g.username) for g in group.leader_names) == sorted(
        [(leader.id, "leader-one"), (co_leader.id, "leader-two")]
    )


def call(client, method: str, path: str, account, body: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body)
    )
    assert response.status_code in (200, 201), response.body
    return dict(json.loads(response.body))
