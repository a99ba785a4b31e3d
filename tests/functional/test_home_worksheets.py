"""Home says how far each assigned module's worksheet is ("Worksheet: 2 of 4 answered", "not
started"), from counts stored when the worksheet is saved and the catalog's worksheet sizes:
never a version read from S3, never a DynamoDB call more than home made before."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from chalicelib.library import POINTER_TTL_SECONDS, WORKSHEET_FIELDS, catalog_key, lesson_code
from chalicelib.records.keys import SAVED_WORKSHEETS_SK, participant_pk, worksheet_sk
from tests.conftest import REGION, shipped_version
from tests.functional.web_client import group_with, save_worksheet, signed_in

CRAVINGS = "cravings-and-urge-surfing"  # 4 fields: urge-start, urge-end, urge-in-body, urge-helpers
BREATHING = "breathing-and-grounding"  # 4 fields too
TRAPS = "thinking-traps"  # no worksheet
HALF = {"answer-urge-start": "7", "answer-urge-helpers-0": "Walk the dog"}


def item(stack: Any, pid: str, sk: str) -> dict[str, Any]:
    from chalicelib.records.table import from_item

    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=stack.records_table,
        Key={"PK": {"S": participant_pk(pid)}, "SK": {"S": sk}},
        ConsistentRead=True,
    )
    return from_item(found["Item"]) if "Item" in found else {}


def forget_counts(stack: Any, pid: str, module_id: str) -> None:
    """As if the worksheet was saved before the counts were stored."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    pk = {"S": participant_pk(pid)}
    dynamodb.update_item(
        TableName=stack.records_table,
        Key={"PK": pk, "SK": {"S": worksheet_sk(module_id)}},
        UpdateExpression="REMOVE #c",
        ExpressionAttributeNames={"#c": "counts"},
    )
    dynamodb.update_item(
        TableName=stack.records_table,
        Key={"PK": pk, "SK": {"S": SAVED_WORKSHEETS_SK}},
        UpdateExpression="REMOVE #c",
        ExpressionAttributeNames={"#c": f"c#{module_id}"},
    )


def complete(client: Any, participant: Any, module_id: str) -> None:
    body = json.dumps({"module_id": module_id, "version": shipped_version(module_id)})
    response = client.http.post("/me/completions", headers=participant.headers, body=body)
    assert response.status_code in (200, 201), response.body


def worksheet_lines(html: str) -> dict[str, tuple[str, bool]]:
    """Each card's worksheet line by lesson code: its words, and whether it is marked open."""
    return {
        code: (text, "ws-open" in classes)
        for classes, code, text in re.findall(
            r'<p class="(ws-line[^"]*)"><a href="/lesson/([a-z2-7]{8})(?:\?[^"#]*)?#worksheet">'
            r"([^<]+)</a>",
            html,
        )
    }


@pytest.fixture
def assigned(client, published, leader, participant) -> None:  # type: ignore[no-untyped-def]
    """Cravings (done, worksheet not started), breathing (to do, not started) and thinking
    traps (done, no worksheet), all assigned to the participant's group."""
    gid = group_with(client, leader, [(participant, "Sam P.")], module_id=CRAVINGS)
    for module_id in (BREATHING, TRAPS):
        response = client.http.post(
            f"/groups/{gid}/assignments",
            headers=leader.headers,
            body=json.dumps({"module_id": module_id}),
        )
        assert response.status_code == 201, response.body
    complete(client, participant, CRAVINGS)
    complete(client, participant, TRAPS)


def test_a_save_stores_how_many_fields_of_its_version_are_answered(
    client, published, participant, stack
):
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    counts = {"answered": 2, "fields": 4, "version": shipped_version(CRAVINGS)}
    assert item(stack, participant.id, worksheet_sk(CRAVINGS))["counts"] == counts
    assert item(stack, participant.id, SAVED_WORKSHEETS_SK)[f"c#{CRAVINGS}"] == counts
    # The form sends every field: one emptied counts down at once.
    assert save_worksheet(browser, CRAVINGS, {"answer-urge-start": "7"}).status == 303
    assert item(stack, participant.id, worksheet_sk(CRAVINGS))["counts"]["answered"] == 1


def test_a_save_of_some_fields_counts_the_answers_kept_from_before(
    client, published, participant, stack, aws_calls
):
    def put(answers: dict[str, Any]) -> None:
        body = json.dumps({"version": shipped_version(CRAVINGS), "answers": answers})
        response = client.http.put(
            f"/me/worksheets/{CRAVINGS}", headers=participant.headers, body=body
        )
        assert response.status_code == 200, response.body

    put({"urge-start": 8})
    aws_calls.reset()
    put({"urge-end": 3})
    # The worksheet read, then the save with its counts, worked out from the answers read and
    # the ones written (on condition no save came between): one transaction fewer than when
    # the counts were written after reading the save back.
    assert [n for n in aws_calls.names if n.startswith("DynamoDB.")] == [
        "DynamoDB.GetItem",
        "DynamoDB.TransactWriteItems",
    ]
    counts = {"answered": 2, "fields": 4, "version": shipped_version(CRAVINGS)}
    assert item(stack, participant.id, worksheet_sk(CRAVINGS))["counts"] == counts
    assert item(stack, participant.id, SAVED_WORKSHEETS_SK)[f"c#{CRAVINGS}"] == counts


def test_counts_of_a_partial_save_are_not_written_over_a_later_save(
    client, published, participant, stack
):
    from chalicelib import services
    from chalicelib.records.worksheets import WorksheetCounts

    records = services.current().worksheets.records
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, {"answer-urge-start": "7"}).status == 303
    stale = item(stack, participant.id, worksheet_sk(CRAVINGS))["save"]
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    assert not records.set_counts(participant.id, CRAVINGS, WorksheetCounts(1, 4, 1), stale)
    assert item(stack, participant.id, worksheet_sk(CRAVINGS))["counts"]["answered"] == 2


def test_home_says_how_far_each_worksheet_is_and_marks_a_finished_ones_left_undone(
    client, assigned, participant, aws_calls
):
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    browser.get("/")
    aws_calls.reset()

    page = browser.get("/")

    assert page.status == 200
    # No call more than before: the counts come in the BatchGetItem of what they completed.
    assert aws_calls.names == [
        "DynamoDB.GetItem",
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.Query",
    ]
    # Not finished and not started: its card says nothing more than "Not started".
    assert worksheet_lines(page.body) == {
        lesson_code(CRAVINGS): ("Worksheet: 2 of 4 answered", True),
    }
    assert "Your plan is built from these answers." in page.body
    assert 'Finished (2) <span class="ws-to-finish">· 1 worksheet to finish</span>' in page.body
    # Every field answered: no longer marked, nothing left to finish.
    full = {**HALF, "answer-urge-end": "2", "answer-urge-in-body": "My chest"}
    assert save_worksheet(browser, CRAVINGS, full).status == 303
    page = browser.get("/")
    assert worksheet_lines(page.body)[lesson_code(CRAVINGS)] == (
        "Worksheet: 4 of 4 answered",
        False,
    )
    assert "ws-to-finish" not in page.body and "Your plan is built" not in page.body


def test_a_finished_module_with_an_empty_worksheet_says_not_started(client, assigned, participant):
    page = signed_in(client, participant).get("/")
    # Breathing, not finished and not started, says nothing more than its "Not started".
    assert worksheet_lines(page.body) == {
        lesson_code(CRAVINGS): ("Worksheet: not started", True),
    }
    assert "1 worksheet to finish" in page.body
    page = signed_in(client, participant, language="es").get("/")
    assert worksheet_lines(page.body) == {
        lesson_code(CRAVINGS): ("Hoja de trabajo: sin empezar", True),
    }


def test_home_in_spanish(client, assigned, participant):
    browser = signed_in(client, participant, language="es")
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    page = browser.get("/")
    assert worksheet_lines(page.body) == {
        lesson_code(CRAVINGS): ("Hoja de trabajo: 2 de 4 respondidas", True),
    }
    assert "Su plan se hace con estas respuestas." in page.body
    assert "· 1 hoja de trabajo por terminar" in page.body


def test_a_worksheet_saved_before_the_counts_says_nothing_rather_than_guess(
    client, assigned, participant, stack
):
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    forget_counts(stack, participant.id, CRAVINGS)
    page = browser.get("/")
    assert lesson_code(CRAVINGS) not in worksheet_lines(page.body)  # not "not started" either
    assert "ws-to-finish" not in page.body
    # The next save counts again.
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    page = browser.get("/")
    assert worksheet_lines(page.body)[lesson_code(CRAVINGS)] == ("Worksheet: 2 of 4 answered", True)


def test_counts_of_another_version_say_nothing(client, assigned, participant, stack):
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(
        TableName=stack.records_table,
        Key={
            "PK": {"S": participant_pk(participant.id)},
            "SK": {"S": SAVED_WORKSHEETS_SK},
        },
        UpdateExpression="SET #c.#v = :v",
        ExpressionAttributeNames={"#c": f"c#{CRAVINGS}", "#v": "version"},
        ExpressionAttributeValues={":v": {"N": str(shipped_version(CRAVINGS) + 1)}},
    )
    assert lesson_code(CRAVINGS) not in worksheet_lines(browser.get("/").body)


def test_a_catalog_published_before_the_worksheet_sizes_says_not_started_nowhere(
    client, assigned, participant, publisher, published, s3, stack, library_clock
):
    browser = signed_in(client, participant)
    assert save_worksheet(browser, CRAVINGS, HALF).status == 303
    key = catalog_key()
    catalog = json.loads(s3.get_object(Bucket=stack.content_bucket, Key=key)["Body"].read())
    sizes = {m["id"]: m[WORKSHEET_FIELDS] for m in catalog["modules"]}
    assert (sizes[CRAVINGS], sizes[BREATHING], sizes[TRAPS]) == (4, 4, 0)
    for m in catalog["modules"]:
        del m[WORKSHEET_FIELDS]  # as the publisher wrote it before
    s3.put_object(Bucket=stack.content_bucket, Key=key, Body=json.dumps(catalog).encode())
    library_clock.advance(POINTER_TTL_SECONDS)
    # What was counted at the save still shows; a worksheet never saved is not known to exist.
    assert worksheet_lines(browser.get("/").body) == {
        lesson_code(CRAVINGS): ("Worksheet: 2 of 4 answered", True)
    }
    complete(client, participant, BREATHING)  # finished, its worksheet never saved
    assert lesson_code(BREATHING) not in worksheet_lines(browser.get("/").body)
    # The next publishing run writes the sizes.
    assert publisher.publish(published).ok
    library_clock.advance(POINTER_TTL_SECONDS)
    assert worksheet_lines(browser.get("/").body)[lesson_code(BREATHING)] == (
        "Worksheet: not started",
        True,
    )


def test_the_api_catalog_does_not_carry_the_worksheet_size(client, published, participant):
    body = json.loads(client.http.get("/modules", headers=participant.headers).body)
    assert all(WORKSHEET_FIELDS not in m for m in body["modules"])


def test_a_module_to_do_with_worksheet_answers_saved_says_started(client, assigned, participant):
    """Walk 21, 12: "○ Not started" above "Worksheet: 2 of 4 answered" on Next up. The card
    says "Started"; the module's own status (grid, CSV, API) is still not started."""
    browser = signed_in(client, participant)
    page = browser.get("/").body
    assert "○</span> Not started" in page and "Started" not in page.replace("Not started", "")
    assert (
        save_worksheet(browser, BREATHING, {"answer-calming-plan-0": "Breathe first"}).status == 303
    )
    page = browser.get("/").body
    assert "◐</span> Started" in page and "Not started" not in page
    assert worksheet_lines(page)[lesson_code(BREATHING)] == ("Worksheet: 1 of 4 answered", False)
    mine = json.loads(client.http.get("/me/assignments", headers=participant.headers).body)
    assert {a["module_id"]: a["status"] for a in mine["assignments"]}[BREATHING] == "not_started"
