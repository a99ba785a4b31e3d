"""The dashboard's DynamoDB budget: 15 participants × 30 assignments in at most 6 calls, no Scan.

The scenario is ``steady_local.scenarios.build_dashboard``, the one ``make bench`` reports on.
"""

from __future__ import annotations

import json
from typing import Any

from steady_local.scenarios import DASHBOARD_CALL_BUDGET, build_dashboard


def test_fifteen_participants_thirty_assignments_within_six_calls(
    client, published_all, leader, service, aws_calls
):
    def send(
        method: str, resource: str, params: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        path = resource.format(**params)
        response = client.http.request(method, path, headers=leader.headers, body=json.dumps(body))
        assert response.status_code in (200, 201), response.body
        return json.loads(response.body)

    def complete(participant_id: str, module_id: str, version: int) -> None:
        service.completions.record(participant_id, module_id, version)

    latest: dict[str, int] = {}  # completed: the latest version of each module
    for m in published_all:
        if m.locale == "en":
            latest[m.module_id] = max(m.version, latest.get(m.module_id, 0))
    scenario = build_dashboard(send, complete, latest)

    aws_calls.reset()
    response = client.http.get(f"/groups/{scenario.group_id}/progress", headers=leader.headers)
    assert response.status_code == 200
    grid = json.loads(response.body)
    assert len(grid["participants"]) == len(scenario.participant_ids) == 15
    assert len(grid["modules"]) == len(scenario.module_ids) == 30
    assert grid["counts"]["completed"] == scenario.completions == 50
    # The cells of modules with a worksheet say whether it was done and shared, from the same read.
    marks = [c["worksheet"] for r in grid["participants"] for c in r["cells"] if "worksheet" in c]
    assert marks and all(set(m) >= {"done", "shared"} for m in marks)

    dynamodb_calls = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert len(dynamodb_calls) <= DASHBOARD_CALL_BUDGET, dynamodb_calls
    assert not [n for n in dynamodb_calls if n.endswith("Scan")]
    # what they are: the group Query, the audit entry with its 15 participant copies in one
    # TransactWriteItems, and BatchGetItems of 100 keys: the completed versions and the assigned
    # worksheets (for the "needs attention" marker), read together
    assert dynamodb_calls.count("DynamoDB.Query") == 1
    assert dynamodb_calls.count("DynamoDB.TransactWriteItems") == 1
    assert 1 <= dynamodb_calls.count("DynamoDB.BatchGetItem") <= DASHBOARD_CALL_BUDGET - 2
