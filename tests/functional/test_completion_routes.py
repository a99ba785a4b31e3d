"""POST /me/completions and GET /me/completions."""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from tests.conftest import REGION, Account


def post(client, account: Account, body) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.http.post("/me/completions", headers=account.headers, body=raw)
    return response.status_code, json.loads(response.body)


def completions(client, account: Account, query: str = "") -> dict:  # type: ignore[no-untyped-def]
    response = client.http.get(f"/me/completions{query}", headers=account.headers)
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_completion_records_the_exact_version(client, published, participant):
    status, body = post(client, participant, {"module_id": "thinking-traps", "version": 1})
    assert status == 201
    assert body["module_id"] == "thinking-traps" and body["version"] == 1
    assert body["completed_at"].endswith("Z")
    listed = completions(client, participant)["completions"]
    assert listed == [body]


def test_repeat_returns_the_same_record_and_never_a_duplicate(
    client, published, participant, stack
):
    _, first = post(client, participant, {"module_id": "thinking-traps", "version": 1})
    status, again = post(client, participant, {"module_id": "thinking-traps", "version": 1})
    assert status == 200
    assert again == first
    table = boto3.client("dynamodb", region_name=REGION)
    items = table.query(
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": f"PARTICIPANT#{participant.id}"},
            ":c": {"S": "COMPLETION#"},
        },
    )["Items"]
    assert len(items) == 1


class OneCallAtATime:
    """DynamoDB applies each request atomically; in-process moto does not (it is not
    thread-safe), so each call goes through alone, as against a moto server."""

    def __init__(self, dynamodb) -> None:  # type: ignore[no-untyped-def]
        self._dynamodb = dynamodb
        self._lock = threading.Lock()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        attribute = getattr(self._dynamodb, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            with self._lock:
                return attribute(*args, **kwargs)

        return call


def test_same_completion_from_two_threads_gives_one_record(
    client, published, participant, service, monkeypatch
):
    from chalicelib.identity import Caller

    monkeypatch.setattr(
        service.completions, "_dynamodb", OneCallAtATime(service.completions._dynamodb)
    )
    caller = Caller(participant.id, frozenset({"participants"}))
    barrier = threading.Barrier(2)
    results = []

    def complete() -> None:
        barrier.wait()
        recorded = service.reading.complete(caller, "thinking-traps", 1)
        results.append((recorded.completion, recorded.created))

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0] == results[1][0]
    assert len(completions(client, participant)["completions"]) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"module_id": "no-such-module", "version": 1}, 404, "version_not_found"),
        ({"module_id": "thinking-traps", "version": 7}, 404, "version_not_found"),
        ({"module_id": "thinking-traps"}, 400, "missing_field"),
        ({"module_id": "thinking-traps", "version": "1"}, 400, "invalid_field"),
        ({"module_id": "thinking-traps", "version": True}, 400, "invalid_field"),
        ({"module_id": "thinking-traps", "version": 1.5}, 400, "invalid_field"),
        ({"module_id": "thinking-traps", "version": 0}, 400, "invalid_version"),
        ({"module_id": "thinking-traps", "version": 10**30}, 400, "invalid_version"),
        ({"module_id": 42, "version": 1}, 400, "invalid_field"),
        ({"module_id": "../etc/passwd", "version": 1}, 400, "invalid_module_id"),
        ({"module_id": "thinking-traps", "version": 1, "score": 100}, 400, "unknown_field"),
        ("{not json", 400, "invalid_json"),
        ("[1, 2]", 400, "invalid_json"),
        ("", 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (
            json.dumps({"module_id": "thinking-traps", "version": 1, "pad": "x" * 5000}),
            413,
            "payload_too_large",
        ),
    ],
)
def test_bad_completions_get_a_clear_4xx_and_store_nothing(
    client, published, participant, body, status, code
):
    got_status, got = post(client, participant, body)
    assert got_status == status
    assert got["error"]["code"] == code
    assert completions(client, participant)["completions"] == []


def test_wrong_content_type_is_415_in_the_error_shape(client, published, participant):
    response = client.http.post(
        "/me/completions",
        headers={**participant.headers, "Content-Type": "text/plain"},
        body='{"module_id": "thinking-traps", "version": 1}',
    )
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"


def test_participants_see_only_their_own_completions(
    client, published, participant, other_participant
):
    post(client, participant, {"module_id": "thinking-traps", "version": 1})
    assert completions(client, other_participant)["completions"] == []


def test_completions_page_through_one_query_at_a_time(client, published, participant):
    chosen = published[:7]
    for module in chosen:
        post(client, participant, {"module_id": module.module_id, "version": module.version})
    seen, token, pages = [], None, 0
    while True:
        page = completions(
            client, participant, "?limit=1" + (f"&page_token={token}" if token else "")
        )
        pages += 1
        assert len(page["completions"]) <= 1
        seen += [c["module_id"] for c in page["completions"]]
        token = page["next_page_token"]
        if not token:
            break
    assert pages >= len(chosen)
    assert sorted(seen) == sorted(m.module_id for m in chosen)
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    "query",
    [
        "?limit=0",
        "?limit=101",
        "?limit=ten",
        "?page_token=garbage!",
        "?page_token=eyJzayI6IlBST0dSRVNTI3gifQ",
    ],
)
def test_bad_paging_is_400(client, published, participant, query):
    response = client.http.get(f"/me/completions{query}", headers=participant.headers)
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] in ("invalid_parameter", "invalid_page_token")


def test_leaders_cannot_record_completions(client, published, leader):
    status, body = post(client, leader, {"module_id": "thinking-traps", "version": 1})
    assert status == 403
    assert body["error"]["code"] == "forbidden"


def test_knowledge_check_answers_are_checked_on_the_server_and_stored(
    client, published, participant
):
    questions = [m for m in published if m.module_id == "thinking-traps"][0].meta["knowledge_check"]
    right = [q["answer"] for q in questions]
    answers = right[:-1] + [(right[-1] + 1) % len(questions[-1]["choices"])]  # last one wrong
    status, body = post(
        client, participant, {"module_id": "thinking-traps", "version": 1, "answers": answers}
    )
    assert status == 201
    assert body["knowledge_check"] == {
        "answers": answers,
        "correct": len(questions) - 1,
        "total": len(questions),
    }
    assert [f["correct"] for f in body["feedback"]] == [True] * (len(questions) - 1) + [False]
    assert body["feedback"][-1]["answer"] == right[-1]
    assert body["feedback"][-1]["explanation"] == questions[-1]["explanation"]
    listed = completions(client, participant)["completions"]
    assert listed[0]["knowledge_check"]["answers"] == answers
    # a repeat keeps the first answers: the record never changes
    status, again = post(
        client, participant, {"module_id": "thinking-traps", "version": 1, "answers": right}
    )
    assert status == 200 and again["knowledge_check"]["answers"] == answers


@pytest.mark.parametrize(
    "answers", [[], [0], [0, 0, 0, 0, 0, 0], [0, 0, 99], [0, True, 0], ["a", 0, 0], {"1": 0}]
)
def test_answers_that_do_not_fit_the_questions_are_400(client, published, participant, answers):
    status, body = post(
        client, participant, {"module_id": "thinking-traps", "version": 1, "answers": answers}
    )
    assert (status, body["error"]["code"]) in ((400, "invalid_answers"), (400, "invalid_field"))
    assert completions(client, participant)["completions"] == []
