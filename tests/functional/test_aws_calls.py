"""AWS calls per operation, counted with botocore event hooks (the budget of issue #2)."""

from __future__ import annotations

import json

# The first request of an account in a container reads its not-valid-before time (one GetItem,
# then remembered for chalicelib.access.REMEMBER_SECONDS): see tests/functional/test_access_ends.py.
ACCESS_CHECK = "DynamoDB.GetItem"


def test_latest_read_is_at_most_one_call(client, published, participant, aws_calls, library_clock):
    from chalicelib.library import POINTER_TTL_SECONDS

    client.http.get("/modules/thinking-traps", headers=participant.headers)
    assert aws_calls.names == [ACCESS_CHECK, "S3.GetObject"]
    aws_calls.reset()
    client.http.get("/modules/thinking-traps", headers=participant.headers)
    assert aws_calls.names == []  # warm: the index is still fresh
    library_clock.advance(POINTER_TTL_SECONDS)
    client.http.get("/modules/thinking-traps", headers=participant.headers)
    assert aws_calls.names == ["S3.GetObject"]


def test_exact_version_is_free_once_cached(client, published, participant, aws_calls):
    client.http.get("/modules/thinking-traps/versions/1", headers=participant.headers)
    assert aws_calls.names == [ACCESS_CHECK, "S3.GetObject"]
    aws_calls.reset()
    response = client.http.get("/modules/thinking-traps/versions/1", headers=participant.headers)
    assert response.status_code == 200
    assert aws_calls.names == []


def test_recording_a_completion_is_one_call_when_warm(client, published, participant, aws_calls):
    body = json.dumps({"module_id": "thinking-traps", "version": 1})
    client.http.get("/modules/thinking-traps/versions/1", headers=participant.headers)
    aws_calls.reset()
    assert (
        client.http.post("/me/completions", headers=participant.headers, body=body).status_code
        == 201
    )
    assert aws_calls.names == ["DynamoDB.TransactWriteItems"]
    aws_calls.reset()
    assert (
        client.http.post("/me/completions", headers=participant.headers, body=body).status_code
        == 200
    )
    assert aws_calls.names == ["DynamoDB.TransactWriteItems"]


def test_listing_completions_is_one_query_per_page(client, published, participant, aws_calls):
    client.http.get("/me/completions?limit=2", headers=participant.headers)
    assert aws_calls.names == [ACCESS_CHECK, "DynamoDB.Query"]
    aws_calls.reset()
    client.http.get("/me/completions?limit=2", headers=participant.headers)
    assert aws_calls.names == ["DynamoDB.Query"]


def test_no_scan_is_ever_made(client, published, participant, aws_calls):
    body = json.dumps({"module_id": "thinking-traps", "version": 1})
    client.http.get("/modules", headers=participant.headers)
    client.http.get("/modules/thinking-traps/versions", headers=participant.headers)
    client.http.post("/me/completions", headers=participant.headers, body=body)
    client.http.get("/me/completions", headers=participant.headers)
    assert aws_calls.names
    assert not [n for n in aws_calls.names if n.endswith(".Scan")]


def test_a_lesson_page_is_the_session_then_one_batch_read(
    client, published, participant, aws_calls
):
    from chalicelib.library import lesson_code
    from tests.functional.web_client import signed_in

    browser = signed_in(client, participant)
    path = f"/lesson/{lesson_code('cravings-and-urge-surfing')}"  # it has a worksheet
    browser.get(path)
    aws_calls.reset()

    page = browser.get(path)

    assert page.status == 200 and 'id="worksheet"' in page.body
    # The session, then what the reader completed and their worksheet in one BatchGetItem.
    assert aws_calls.names == ["DynamoDB.GetItem", "DynamoDB.BatchGetItem"]


def test_a_completed_lesson_reads_what_was_completed_once(
    client, published, participant, aws_calls
):
    from chalicelib.library import lesson_code
    from tests.functional.web_client import signed_in

    body = json.dumps({"module_id": "thinking-traps", "version": 1})
    assert client.http.post("/me/completions", headers=participant.headers, body=body).status_code
    browser = signed_in(client, participant)
    path = f"/lesson/{lesson_code('thinking-traps')}"
    browser.get(path)
    aws_calls.reset()

    page = browser.get(path)

    assert page.status == 200 and 'class="done"' in page.body
    # The session, what they completed (one BatchGetItem) and the groups they are in (for
    # what comes next): what they completed is not read a second time for "next". (Completed
    # through the API, with no knowledge check: no attempt to read.)
    assert aws_calls.names == ["DynamoDB.GetItem", "DynamoDB.BatchGetItem", "DynamoDB.Query"]


def test_home_reads_each_group_once_archived_or_not(
    client, published, leader, participant, aws_calls
):
    """Home: the session, what the participant completed and how far their worksheets are (one
    BatchGetItem of two items), their groups, one Query per group. An archived group is read
    like an active one (what they finished there stays on home)."""
    from tests.functional.web_client import signed_in

    groups = []
    for name in ("Old group", "New group"):
        body = json.dumps({"name": name})
        group_id = json.loads(client.http.post("/groups", headers=leader.headers, body=body).body)[
            "group_id"
        ]
        for path, sent in (
            ("participants", {"username": participant.username}),
            ("assignments", {"module_id": "thinking-traps"}),
        ):
            response = client.http.post(
                f"/groups/{group_id}/{path}", headers=leader.headers, body=json.dumps(sent)
            )
            assert response.status_code == 201, response.body
        groups.append(group_id)
    archived = json.dumps({"archived": True})
    assert client.http.patch(f"/groups/{groups[0]}", headers=leader.headers, body=archived)
    browser = signed_in(client, participant)
    browser.get("/")
    aws_calls.reset()

    assert browser.get("/").status == 200
    assert aws_calls.names == [
        "DynamoDB.GetItem",
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.Query",
        "DynamoDB.Query",
    ]


def test_the_library_is_the_session_then_what_the_participant_completed(
    client, published, participant, aws_calls
):
    from tests.functional.web_client import signed_in

    browser = signed_in(client, participant)
    browser.get("/library")
    aws_calls.reset()

    assert browser.get("/library").status == 200
    # What they completed (to mark it) is one BatchGetItem of one item.
    assert aws_calls.names == ["DynamoDB.GetItem", "DynamoDB.BatchGetItem"]


def test_a_search_that_finds_nothing_is_the_session_alone(
    client, published, participant, aws_calls
):
    """Found nothing in a topic: "Did you mean" and how many the other topics have both come
    from the cached catalog; nothing to mark, so not even what the participant completed."""
    from chalicelib.library import topic_code
    from tests.functional.web_client import signed_in

    browser = signed_in(client, participant)
    browser.get("/library")
    token = browser.get("/library").csrf()
    posted = browser.post(
        "/library", {"csrf": token, "q": "grounding", "topic": topic_code("addiction")}
    )
    aws_calls.reset()

    page = browser.get(posted.location)
    assert "1 module in other topics:" in page.body
    assert aws_calls.names == ["DynamoDB.GetItem"]
