"""The dashboard's DynamoDB budget: 15 participants × 30 assignments in at most 6 calls, no Scan."""

from __future__ import annotations

import json

import boto3

from steady_local.provision import create_account
from tests.conftest import REGION


def test_fifteen_participants_thirty_assignments_within_six_calls(client, published_all, leader, stack, service, aws_calls):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    h = leader.headers
    group_id = json.loads(client.http.post("/groups", headers=h, body=json.dumps({"name": "Big group"})).body)["group_id"]
    participant_ids = []
    for n in range(15):
        username = f"participant-{n:02d}"
        participant_ids.append(create_account(cognito, stack, username, "Correct-horse-42", "participants"))
        response = client.http.post(f"/groups/{group_id}/participants", headers=h,
                                    body=json.dumps({"username": username, "display_name": f"Person {n}"}))
        assert response.status_code == 201
    modules = sorted(m.module_id for m in published_all if m.locale == "en")[:30]
    latest = {m.module_id: m.version for m in published_all if m.locale == "en"}  # completed: the latest
    assert len(modules) == 30, "needs 30 published modules"
    for i, module_id in enumerate(modules):
        response = client.http.post(f"/groups/{group_id}/assignments", headers=h,
                                    body=json.dumps({"module_id": module_id, "due_date": f"2026-12-{i % 28 + 1:02d}"}))
        assert response.status_code == 201
    for pid in participant_ids[:5]:
        for module_id in modules[:10]:
            service.completions.record(pid, module_id, latest[module_id])

    aws_calls.reset()
    response = client.http.get(f"/groups/{group_id}/progress", headers=h)
    assert response.status_code == 200
    grid = json.loads(response.body)
    assert len(grid["participants"]) == 15 and len(grid["modules"]) == 30
    assert grid["counts"]["completed"] == 50

    dynamodb_calls = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert len(dynamodb_calls) <= 6, dynamodb_calls
    assert not [n for n in dynamodb_calls if n.endswith("Scan")]
    # what they are: the group Query, the progress BatchGetItem, the audit PutItem
    assert sorted(set(dynamodb_calls)) == ["DynamoDB.BatchGetItem", "DynamoDB.PutItem", "DynamoDB.Query"]
