"""Earlier saves of a worksheet: a save that changes or empties an answer keeps the worksheet as
it was (the last 10 per worksheet), in the save's own transaction; the participant sees them
on a page of their own and through the API, downloads them with their data and deletes them
with their answers; a group leader never sees them. And the choice a refused save offers:
save mine over the saved answers, or keep the saved ones."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3

from chalicelib.records.keys import EARLIER_SAVE_PREFIX, participant_pk
from tests.conftest import REGION, shipped_version
from tests.functional.web_client import (
    error_summary,
    form_fields,
    group_with,
    lesson_path,
    signed_in,
)

MODULE = "cravings-and-urge-surfing"
PAGE = lesson_path(MODULE)
ACTION = f"{PAGE}/worksheet"
EARLIER = f"/me/worksheets/{MODULE}/earlier-saves"
IN_BODY = "answer-urge-in-body"
HELPER = "answer-urge-helpers-{}"


def api(client, account, method: str, path: str, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method)(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def put(client, account, answers: dict[str, Any], based_on: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"version": shipped_version(MODULE), "answers": answers}
    if based_on is not None:
        body["based_on"] = based_on
    status, saved = api(client, account, "put", f"/me/worksheets/{MODULE}", body)
    assert status == 200, saved
    return saved


def earlier_items(stack: Any, pid: str) -> list[dict[str, Any]]:
    """The earlier-save items stored for a participant, read from the table itself."""
    found = boto3.client("dynamodb", region_name=REGION).query(
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={
            ":pk": {"S": participant_pk(pid)},
            ":p": {"S": EARLIER_SAVE_PREFIX},
        },
        ConsistentRead=True,
    )
    return list(found["Items"])


def in_body(save: dict[str, Any]) -> Any:
    return next((a["value"] for a in save["answers"] if a["field_id"] == "urge-in-body"), None)


def test_a_save_that_changes_an_answer_keeps_the_one_before(client, published, participant):
    put(client, participant, {"urge-in-body": "Tight chest", "urge-start": 7})
    status, none = api(client, participant, "get", EARLIER)
    assert status == 200 and none["saves"] == [] and none["kept"] == 10
    # Adding an answer to an empty field, or saving the same words again, replaces nothing.
    put(client, participant, {"urge-end": 3})
    put(client, participant, {"urge-in-body": "Tight chest"})
    assert api(client, participant, "get", EARLIER)[1]["saves"] == []

    saved = put(client, participant, {"urge-in-body": "Shoulders", "urge-start": None})
    assert saved["earlier_saves"] == 1
    status, earlier = api(client, participant, "get", EARLIER)
    assert status == 200
    [before] = earlier["saves"]
    # The whole worksheet as it was: the words overwritten and the answer emptied since.
    assert in_body(before) == "Tight chest"
    assert {a["field_id"]: a["value"] for a in before["answers"]} == {
        "urge-start": 7,
        "urge-end": 3,
        "urge-in-body": "Tight chest",
    }
    assert before["replaced_at"] == saved["updated_at"] and before["saved_at"]
    status, mine = api(client, participant, "get", f"/me/worksheets/{MODULE}")
    assert mine["earlier_saves"] == 1


def test_the_last_10_earlier_saves_are_kept_newest_first(client, published, participant, stack):
    for n in range(13):
        put(client, participant, {"urge-in-body": f"Answer {n}"})
    status, earlier = api(client, participant, "get", EARLIER)
    assert status == 200
    # 12 saves were replaced; the 10 latest of them are kept, the newest first.
    assert [in_body(s) for s in earlier["saves"]] == [f"Answer {n}" for n in range(11, 1, -1)]
    assert len(earlier_items(stack, participant.id)) == 10
    status, mine = api(client, participant, "get", f"/me/worksheets/{MODULE}")
    assert mine["earlier_saves"] == 10


def test_an_overwrite_is_one_read_and_one_transaction(client, published, participant, aws_calls):
    put(client, participant, {"urge-in-body": "Tight chest"})
    aws_calls.reset()
    put(client, participant, {"urge-in-body": "Shoulders"})
    # The worksheet read, then one transaction that holds the earlier save with the save: no
    # write more than a save that replaces nothing.
    assert [n for n in aws_calls.names if n.startswith("DynamoDB.")] == [
        "DynamoDB.GetItem",
        "DynamoDB.TransactWriteItems",
    ]
    aws_calls.reset()
    assert api(client, participant, "get", EARLIER)[0] == 200
    assert [n for n in aws_calls.names if n.startswith("DynamoDB.")] == ["DynamoDB.Query"]


def test_a_repeated_save_keeps_no_second_earlier_save(client, published, participant, stack):
    first = put(client, participant, {"urge-in-body": "Tight chest"})
    body = {"urge-in-body": "Shoulders"}
    put(client, participant, body, first["based_on"])
    # The same request again (a retry): based on the save it already replaced.
    put(client, participant, body, first["based_on"])
    assert len(earlier_items(stack, participant.id)) == 1


def test_the_page_of_earlier_saves_is_the_participants_own(
    client, published, participant, other_participant, aws_calls
):
    browser = signed_in(client, participant)
    page = browser.get(PAGE)
    assert "Earlier saves" not in page.body  # nothing kept yet: no link
    put(client, participant, {"urge-in-body": "Tight chest"})
    put(client, participant, {"urge-in-body": "Shoulders"})
    page = browser.get(PAGE)
    assert f'<a href="{PAGE}/worksheet/earlier">Earlier saves (1)</a>' in page.body
    aws_calls.reset()
    earlier = browser.get(f"{PAGE}/worksheet/earlier")
    assert earlier.status == 200
    # Discreet: the kind of page, never the topic.
    assert "<title>Earlier saves – Steady</title>" in earlier.body
    assert "Tight chest" in earlier.body and "Shoulders" not in earlier.body
    assert f'href="{PAGE}#worksheet"' in earlier.body
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert dynamodb.count("DynamoDB.Query") == 1 and "DynamoDB.Scan" not in dynamodb
    # Another participant's page of the same lesson shows nothing of it.
    other = signed_in(client, other_participant).get(f"{PAGE}/worksheet/earlier")
    assert other.status == 200 and "Tight chest" not in other.body
    assert "There are no earlier saves of this worksheet." in other.body


def test_a_leader_never_sees_earlier_saves_even_of_a_shared_worksheet(
    client, published, participant, leader
):
    group_id = group_with(client, leader, [(participant, "Ana")], module_id=MODULE)
    put(client, participant, {"urge-in-body": "Tight chest"})
    assert api(client, participant, "put", f"/me/worksheets/{MODULE}/sharing", {"shared": True})[0]
    put(client, participant, {"urge-in-body": "Shoulders"})
    status, before = api(client, leader, "get", f"/groups/{group_id}/worksheets/{MODULE}")
    assert status == 200
    text = json.dumps(before)
    assert "Shoulders" in text and "Tight chest" not in text
    page = signed_in(client, leader).get(
        f"/leader/groups/{group_id}/before-session?module={MODULE}"
    )
    assert "Shoulders" in page.body and "Tight chest" not in page.body
    # The participant's own routes are theirs only.
    assert api(client, leader, "get", EARLIER)[0] == 403


def test_earlier_saves_are_in_the_download_and_deleted_with_the_answers(
    client, published, participant, other_participant, stack
):
    put(client, participant, {"urge-in-body": "Tight chest"})
    put(client, participant, {"urge-in-body": "Shoulders"})
    put(client, other_participant, {"urge-in-body": "Knees"})
    put(client, other_participant, {"urge-in-body": "Hands"})
    status, data = api(client, participant, "get", "/me/data/download?format=json")
    assert status == 200
    [kept] = data["worksheet_earlier_saves"]
    assert kept["module_id"] == MODULE and in_body(kept) == "Tight chest"
    assert "Knees" not in json.dumps(data)
    import pypdf

    pdf = client.http.get(
        "/me/data/download?format=pdf",
        headers={**participant.headers, "Accept": "application/pdf"},
    )
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert "Earlier saves of your worksheets" in text and "Tight chest" in text

    assert api(client, participant, "delete", "/me/data")[0] == 200
    assert earlier_items(stack, participant.id) == []
    assert api(client, participant, "get", EARLIER)[1]["saves"] == []
    # The other participant's are untouched.
    assert len(earlier_items(stack, other_participant.id)) == 1


def test_deleting_the_worksheet_answers_deletes_their_earlier_saves(
    client, published, participant, stack
):
    put(client, participant, {"urge-in-body": "Tight chest"})
    put(client, participant, {"urge-in-body": "Shoulders"})
    assert len(earlier_items(stack, participant.id)) == 1
    response = client.http.delete("/me/worksheets", headers=participant.headers)
    assert response.status_code == 204
    assert earlier_items(stack, participant.id) == []


def changed_on_both_sides(browser):  # type: ignore[no-untyped-def]
    """Tab A saves; tab B, opened before, typed other words in the same box and a list item."""
    a = form_fields(browser.get(PAGE), ACTION)
    b = dict(a)
    a[IN_BODY] = "Tab A: tight chest"
    assert browser.post(ACTION, a).status == 303
    b[IN_BODY] = "Tab B: shoulders"
    b[HELPER.format(0)] = "Tab B: breathe"
    return browser.post(ACTION, b)


def test_a_refused_save_offers_to_keep_the_saved_answers(client, published, participant):
    browser = signed_in(client, participant)
    page = changed_on_both_sides(browser)
    assert page.status == 409 and [h for h, _ in error_summary(page)] == [IN_BODY]
    shown = form_fields(page, ACTION)
    # Typed input kept, the saved answer shown, and the two choices.
    assert shown[IN_BODY] == "Tab B: shoulders" and "Tab A: tight chest" in page.body
    assert shown["changed_fields"] == "urge-in-body"
    assert 'name="keep" value="saved" aria-describedby="ws-choose">Keep the saved answers<' in (
        page.body
    )
    posted = browser.post(ACTION, {**shown, "keep": "saved"})
    assert posted.status == 303
    now = form_fields(browser.get(PAGE), ACTION)
    # The saved answer stayed; the answer only this tab changed was saved.
    assert now[IN_BODY] == "Tab A: tight chest"
    assert now[HELPER.format(0)] == "Tab B: breathe"


def test_a_refused_save_saved_as_mine_keeps_the_saved_answer_as_an_earlier_save(
    client, published, participant
):
    browser = signed_in(client, participant)
    shown = form_fields(changed_on_both_sides(browser), ACTION)
    assert browser.post(ACTION, shown).status == 303
    assert form_fields(browser.get(PAGE), ACTION)[IN_BODY] == "Tab B: shoulders"
    # What was written over is not lost.
    earlier = browser.get(f"{PAGE}/worksheet/earlier")
    assert "Tab A: tight chest" in earlier.body


def test_the_409_is_only_ever_of_the_callers_own_worksheet(
    client, published, participant, other_participant
):
    put(client, participant, {"urge-in-body": "Tight chest"})
    # Another participant sending the same stale based_on saves their own worksheet.
    saved = put(client, other_participant, {"urge-in-body": "Hands"}, "")
    assert in_body({"answers": [f["answer"] for f in saved["fields"] if f["answer"]]}) == "Hands"
    status, body = api(
        client,
        participant,
        "put",
        f"/me/worksheets/{MODULE}",
        {"version": shipped_version(MODULE), "answers": {"urge-in-body": "X"}, "based_on": ""},
    )
    assert status == 409
    current = body["error"]["current"]
    assert "Hands" not in json.dumps(current)
    assert any(f["answer"] and f["answer"]["value"] == "Tight chest" for f in current["fields"])
