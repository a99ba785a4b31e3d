"""Knowledge-check retakes through the API: POST /me/completions/{module_id}/attempts. Each
attempt recorded once (a retry of the same attempt number gets the stored one), an attempt
number that skips ahead refused, the completion never recorded again, the latest attempt the
score; "knowledge check missed twice" for leaders across attempts; the DynamoDB calls."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import boto3

from chalicelib.identity import Caller
from tests.conftest import REGION, shipped_version
from tests.functional import test_groups
from tests.functional.test_attention import attention, reasons
from tests.functional.test_groups import assign, call, enrol
from tests.functional.web_client import signed_in

group = test_groups.group  # fixtures
today = test_groups.today

MODULE = "thinking-traps"
DAY = 86400


def questions(service, version: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return service.library.version(MODULE, version).document["knowledge_check"]  # type: ignore[no-any-return]


def right(service, version: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [q["answer"] for q in questions(service, version)]


def wrong(service, version: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [(q["answer"] + 1) % len(q["choices"]) for q in questions(service, version)]


def complete(client, account, version: int, answers=None) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"module_id": MODULE, "version": version}
    if answers is not None:
        body["answers"] = answers
    return call(client, "POST", "/me/completions", account, body)  # type: ignore[no-any-return]


def retake(client, account, version: int, attempt, answers, module_id=MODULE) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    return call(  # type: ignore[no-any-return]
        client,
        "POST",
        f"/me/completions/{module_id}/attempts",
        account,
        {"version": version, "attempt": attempt, "answers": answers},
    )


def grid_cell(client, group_id, leader, participant) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/progress", leader)
    assert status == 200, body
    row = next(r for r in body["participants"] if r["participant_id"] == participant.id)
    return next(c for c in row["cells"] if c["module_id"] == MODULE)  # type: ignore[no-any-return]


def as_caller(account) -> Caller:  # type: ignore[no-untyped-def]
    return Caller(account.id, frozenset({"participants"}))


def items(stack, account, prefix: str) -> list[dict]:  # type: ignore[no-untyped-def]
    table = boto3.client("dynamodb", region_name=REGION)
    return table.query(  # type: ignore[no-any-return]
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": f"PARTICIPANT#{account.id}"},
            ":c": {"S": prefix},
        },
    )["Items"]


def test_a_retake_is_recorded_once_and_becomes_the_score(
    client, published, participant, service, stack, aws_calls, library_clock
):
    version = shipped_version(MODULE)
    status, completion = complete(client, participant, version, wrong(service, version))
    assert status == 201
    total = completion["knowledge_check"]["total"]
    completion.pop("feedback")

    library_clock.advance(60)
    aws_calls.reset()
    status, second = retake(client, participant, version, 2, right(service, version))
    assert aws_calls.names == ["DynamoDB.TransactWriteItems"]  # a retake is one call
    assert status == 201, second
    assert (second["attempt"], second["version"], second["missed"]) == (2, version, False)
    assert second["knowledge_check"] == {
        "answers": right(service, version),
        "correct": total,
        "total": total,
    }
    assert all(f["correct"] for f in second["feedback"])

    # A network retry of attempt 2 (other answers even): the stored attempt 2, one call.
    aws_calls.reset()
    status, again = retake(client, participant, version, 2, wrong(service, version))
    assert aws_calls.names == ["DynamoDB.TransactWriteItems"]
    assert (status, again) == (200, second)
    # Resending attempt 1 gets the check answered with the completion.
    status, first = retake(client, participant, version, 1, right(service, version))
    assert status == 200
    assert first["attempt"] == 1 and first["knowledge_check"] == completion["knowledge_check"]
    assert first["answered_at"] == completion["completed_at"] and first["missed"] is True

    # Skipping ahead: refused, nothing written.
    aws_calls.reset()
    status, error = retake(client, participant, version, 4, right(service, version))
    assert (status, error["error"]["code"]) == (409, "attempt_out_of_order")
    assert "3" in error["error"]["message"]
    assert aws_calls.names == ["DynamoDB.TransactWriteItems"]

    status, third = retake(client, participant, version, 3, wrong(service, version))
    assert (status, third["attempt"], third["missed"]) == (201, 3, True)

    # The completion stays recorded once, with its first time and answers.
    assert len(items(stack, participant, "COMPLETION#")) == 1
    assert len(items(stack, participant, "ATTEMPT#")) == 2
    _, listed = call(client, "GET", "/me/completions", participant)
    assert listed["completions"] == [completion]
    status, repeat = complete(client, participant, version, right(service, version))
    repeat.pop("feedback")
    assert (status, repeat) == (200, completion)

    # The summary every grid reads: each attempt's result, never the answers.
    completed = service.completions.completed_versions([participant.id])[participant.id]
    attempts = completed.attempts(MODULE, version)
    assert [(a.attempt, a.missed) for a in attempts] == [(1, True), (2, False), (3, True)]
    assert completed.latest_check(MODULE, version) == attempts[-1]
    # The lesson shows the latest attempt as the score, with its feedback.
    reading = service.reading.lesson(as_caller(participant), MODULE).reading
    assert reading.score is not None
    assert (reading.score["attempt"], reading.score["correct"]) == (
        3,
        third["knowledge_check"]["correct"],
    )
    assert reading.attempts == 3 and reading.next_attempt == 4
    assert [f.correct for f in reading.feedback] == [f["correct"] for f in third["feedback"]]


def test_odd_attempts_get_clear_errors(client, published, participant, other_participant, service):
    version = shipped_version(MODULE)
    # Not completed yet: nothing to answer again.
    status, error = retake(client, participant, version, 2, right(service, version))
    assert (status, error["error"]["code"]) == (404, "completion_not_found")
    status, error = retake(client, participant, version, 1, right(service, version))
    assert (status, error["error"]["code"]) == (404, "completion_not_found")
    assert complete(client, participant, version, wrong(service, version))[0] == 201
    for attempt in (0, -1, 51, True, "2", 2.5, None):
        status, error = retake(client, participant, version, attempt, right(service, version))
        assert status == 400, attempt
    for answers in (
        [],
        [0],
        ["0"] * len(right(service, version)),
        [99] * len(right(service, version)),
    ):
        status, error = retake(client, participant, version, 2, answers)
        assert (status, error["error"]["code"]) == (400, "invalid_answers"), answers
    assert retake(client, participant, version + 1, 2, right(service, version))[0] == 404
    assert (
        retake(client, participant, version, 2, right(service, version), "no-such-module")[0] == 404
    )
    # Another participant's completion is not mine to retake.
    status, error = retake(client, other_participant, version, 2, right(service, version))
    assert (status, error["error"]["code"]) == (404, "completion_not_found")
    # Nothing was counted by any of these.
    completed = service.completions.completed_versions([participant.id])[participant.id]
    assert len(completed.attempts(MODULE, version)) == 1


def test_a_completion_without_answers_takes_the_check_as_attempt_1(
    client, published, participant, service
):
    version = shipped_version(MODULE)
    assert complete(client, participant, version)[0] == 201
    status, error = retake(client, participant, version, 2, right(service, version))
    assert (status, error["error"]["code"]) == (409, "attempt_out_of_order")
    status, first = retake(client, participant, version, 1, wrong(service, version))
    assert (status, first["attempt"], first["missed"]) == (201, 1, True)
    assert retake(client, participant, version, 1, right(service, version)) == (200, first)
    status, second = retake(client, participant, version, 2, right(service, version))
    assert (status, second["attempt"], second["missed"]) == (201, 2, False)
    reading = service.reading.lesson(as_caller(participant), MODULE).reading
    assert reading.score is not None and reading.score["attempt"] == 2
    completed = service.completions.completed_versions([participant.id])[participant.id]
    assert [a.attempt for a in completed.attempts(MODULE, version)] == [1, 2]


def test_answers_sent_with_a_repeat_of_a_completion_without_them_are_its_first_try(
    client, published, participant, service
):
    version = shipped_version(MODULE)
    assert complete(client, participant, version)[0] == 201
    status, body = complete(client, participant, version, wrong(service, version))
    assert status == 200  # the completion as it was
    assert "knowledge_check" not in body
    assert (body["attempt"]["attempt"], body["attempt"]["missed"]) == (1, True)
    assert [f["correct"] for f in body["feedback"]] == [False] * len(body["feedback"])
    # Sent again (a retry): the same first try, nothing more recorded.
    assert (
        complete(client, participant, version, right(service, version))[1]["attempt"]
        == (body["attempt"])
    )
    completed = service.completions.completed_versions([participant.id])[participant.id]
    assert [a.attempt for a in completed.attempts(MODULE, version)] == [1]
    reading = service.reading.lesson(as_caller(participant), MODULE).reading
    assert reading.score is not None and reading.score["attempt"] == 1


def test_mark_as_complete_again_after_the_first_trys_answers_were_deleted(
    client, stack, published, participant, service
):
    # Completed without the check, the check answered afterwards as attempt 1 (another
    # window), its answers deleted (DELETE /me/data: the result stays); then "Mark as
    # complete" sent again with answers (an old tab, a kept form). Was 409
    # attempt_out_of_order, and on the web an error page.
    from chalicelib.library import lesson_code

    version = shipped_version(MODULE)
    assert complete(client, participant, version)[0] == 201
    status, body = complete(client, participant, version, wrong(service, version))
    assert (status, body["attempt"]["attempt"], body["attempt"]["missed"]) == (200, 1, True)
    assert call(client, "DELETE", "/me/data", participant)[0] == 200

    status, again = complete(client, participant, version, right(service, version))
    # The completion as it is, and nothing more: the deleted answers are not brought back,
    # these answers are not a new try, and there is no feedback (no answers to give it on).
    assert status == 200, again
    assert "knowledge_check" not in again and "attempt" not in again and "feedback" not in again
    assert items(stack, participant, "ATTEMPT#") == []
    completed = service.completions.completed_versions([participant.id])[participant.id]
    assert [(a.attempt, a.correct) for a in completed.attempts(MODULE, version)] == [(1, 0)]
    # The web's "Mark as complete" lands on the lesson page, its score the kept result.
    web = signed_in(client, participant)
    page = f"/lesson/{lesson_code(MODULE)}"
    token = web.get(page).csrf()
    chosen = {f"q{i}": str(a) for i, a in enumerate(right(service, version))}
    posted = web.post(f"{page}/complete", {"csrf": token, "version": str(version), **chosen})
    assert (posted.status, posted.location) == (303, f"{page}#complete")
    assert items(stack, participant, "ATTEMPT#") == []
    reading = service.reading.lesson(as_caller(participant), MODULE).reading
    assert (reading.score, reading.feedback) == (
        {"correct": 0, "total": len(questions(service, version)), "attempt": 1},
        (),
    )


def test_missed_twice_on_the_same_version_stays_after_a_retakes_pass_back_on_a_new_miss(
    client, group, leader, participant, service, library_clock, aws_calls
):
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE)
    assert complete(client, participant, version, wrong(service, version))[0] == 201
    assert "knowledge_check_missed" not in reasons(attention(client, group, leader), participant.id)

    library_clock.advance(60)
    assert retake(client, participant, version, 2, wrong(service, version))[0] == 201
    aws_calls.reset()
    body = attention(client, group, leader)
    # Still the group Query, one BatchGetItem and the audit: no read of the attempts.
    dynamodb = sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))
    assert dynamodb == ["DynamoDB.BatchGetItem", "DynamoDB.Query", "DynamoDB.TransactWriteItems"]
    missed = reasons(body, participant.id)["knowledge_check_missed"]
    assert missed["module_ids"] == [MODULE]
    assert missed["text"] == "Knowledge check missed twice: Thinking traps"  # names the module

    # The grid shows the latest attempt as the score (never the answers), with the count.
    cell = grid_cell(client, group, leader, participant)
    total = len(right(service, version))
    assert cell["knowledge_check"] == {
        "correct": 0,
        "total": total,
        "missed": True,
        "attempts": 2,
        "attempt": 2,
        "first_try": {"attempt": 1, "correct": 0, "total": total},
    }
    assert "answers" not in json.dumps(cell)

    # A pass on a retake, after the feedback that named the right answers: the grid and the
    # CSV say so, with the first try; "missed twice" stays as it was (walk 15, problem 10).
    library_clock.advance(60)
    aws_calls.reset()
    assert retake(client, participant, version, 3, right(service, version))[0] == 201
    assert [n for n in aws_calls.names if n.startswith("DynamoDB.")] == [
        "DynamoDB.TransactWriteItems"
    ]
    assert grid_cell(client, group, leader, participant)["knowledge_check"] == {
        "correct": total,
        "total": total,
        "missed": False,
        "attempts": 3,
        "attempt": 3,
        "first_try": {"attempt": 1, "correct": 0, "total": total},
    }
    aws_calls.reset()
    _, csv_text = call(client, "GET", f"/groups/{group}/progress.csv", leader)
    # The first try and every try come from the read the CSV made before: no call more.
    dynamodb = sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))
    assert dynamodb == ["DynamoDB.BatchGetItem", "DynamoDB.Query", "DynamoDB.TransactWriteItems"]
    assert (
        f"knowledge check {total} of {total} on try 3, after seeing the right answers to an"
        f" earlier try (first try 0 of {total}; tries: 0 of {total}, 0 of {total},"
        f" {total} of {total})"
    ) in str(csv_text)
    assert "(try 3)" not in str(csv_text)
    after_pass = reasons(attention(client, group, leader), participant.id)
    assert after_pass["knowledge_check_missed"]["fingerprint"] == missed["fingerprint"]

    # A miss after the pass: another situation (three misses now), another fingerprint.
    library_clock.advance(60)
    assert retake(client, participant, version, 4, wrong(service, version))[0] == 201
    back = reasons(attention(client, group, leader), participant.id)["knowledge_check_missed"]
    assert back["fingerprint"] != missed["fingerprint"]

    # Marked as seen: quiet; a retry of the same attempt changes nothing; a new miss: back.
    status, seen = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {
            "participant_id": participant.id,
            "reason": "knowledge_check_missed",
            "fingerprint": back["fingerprint"],
        },
    )
    assert status == 200, seen
    assert "knowledge_check_missed" not in reasons(attention(client, group, leader), participant.id)
    assert retake(client, participant, version, 4, wrong(service, version))[0] == 200
    assert "knowledge_check_missed" not in reasons(attention(client, group, leader), participant.id)
    library_clock.advance(60)
    assert retake(client, participant, version, 5, wrong(service, version))[0] == 201
    again = reasons(attention(client, group, leader), participant.id)["knowledge_check_missed"]
    assert again["seen"] is False and again["fingerprint"] != back["fingerprint"]


def test_attempts_before_joining_are_not_shown_to_leaders(
    client, group, leader, participant, service, library_clock
):
    version = shipped_version(MODULE)
    assert complete(client, participant, version, wrong(service, version))[0] == 201
    library_clock.advance(60)
    assert retake(client, participant, version, 2, wrong(service, version))[0] == 201
    library_clock.advance(60)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE)
    assert "knowledge_check_missed" not in reasons(attention(client, group, leader), participant.id)
    # One miss since joining is one, not two.
    library_clock.advance(60)
    assert retake(client, participant, version, 3, wrong(service, version))[0] == 201
    assert "knowledge_check_missed" not in reasons(attention(client, group, leader), participant.id)
    library_clock.advance(60)
    assert retake(client, participant, version, 4, wrong(service, version))[0] == 201
    assert "knowledge_check_missed" in reasons(attention(client, group, leader), participant.id)


def test_the_same_attempt_from_two_threads_is_recorded_once(
    client, published, participant, service, stack, monkeypatch
):
    from tests.functional.test_completion_routes import OneCallAtATime

    version = shipped_version(MODULE)
    assert complete(client, participant, version, wrong(service, version))[0] == 201
    monkeypatch.setattr(
        service.completions, "_dynamodb", OneCallAtATime(service.completions._dynamodb)
    )
    barrier = threading.Barrier(2)
    results = []

    def again(answers: list[int]) -> None:
        barrier.wait()
        retaken = service.reading.retake(as_caller(participant), MODULE, version, 2, answers)
        results.append((retaken.attempt, retaken.created, retaken.answered_elsewhere))

    threads = [
        threading.Thread(target=again, args=(answers,))
        for answers in (right(service, version), wrong(service, version))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created for _, created, _ in results) == [False, True]
    assert results[0][0] == results[1][0]  # the loser gets the winner's attempt back
    # ... and is told it is the other's: its answers (right or wrong) were the other ones.
    assert {(created, elsewhere) for _, created, elsewhere in results} == {
        (True, False),
        (False, True),
    }
    assert len(items(stack, participant, "ATTEMPT#")) == 1
    completed = service.completions.completed_versions([participant.id])[participant.id]
    assert [a.attempt for a in completed.attempts(MODULE, version)] == [1, 2]


def test_the_web_grid_says_a_retakes_score_came_after_seeing_the_answers(
    client, group, leader, participant, service, library_clock, aws_calls
):
    """Walk 15, problem 10: "knowledge check 3 of 3 (try 2)" read as mastery. The grid cell's
    title says the retake came after the feedback (which names the right answers) and gives
    the first try, from the read the page made already."""
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE)
    total = len(right(service, version))
    assert complete(client, participant, version, wrong(service, version))[0] == 201
    browser = signed_in(client, leader)
    page = browser.get(f"/leader/groups/{group}/progress").body
    assert f"; knowledge check 0 of {total}" in page and "after seeing" not in page
    library_clock.advance(60)
    assert retake(client, participant, version, 2, right(service, version))[0] == 201

    aws_calls.reset()
    page = browser.get(f"/leader/groups/{group}/progress").body
    grid_calls = sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))
    said = (
        f"; knowledge check {total} of {total} on try 2, after seeing the answers"
        f" (first try 0 of {total})"
    )
    assert said in page
    assert "(try 2)" not in page
    # The same calls as for a first try alone: the attempts are in the one BatchGetItem.
    library_clock.advance(60)
    aws_calls.reset()
    browser.get(f"/leader/groups/{group}/progress")
    assert sorted(n for n in aws_calls.names if n.startswith("DynamoDB.")) == grid_calls
    assert grid_calls.count("DynamoDB.BatchGetItem") == 1 and "DynamoDB.Scan" not in grid_calls


def test_the_web_grid_shows_the_score_in_the_cell_not_only_in_its_title(
    client, group, leader, participant, service, library_clock
):
    """A title is never seen on a tablet: the score is in the cell, beside its mark ("0/3"; a
    retake "0→3/3", the first try's first), with its words for a screen reader; the phone's
    card says the whole sentence; the key explains the scores (the calls: the test above)."""
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE)
    total = len(right(service, version))
    browser = signed_in(client, leader)
    page = browser.get(f"/leader/groups/{group}/progress").body
    assert 'class="kc"' not in page and "knowledge check" not in page  # nothing to explain

    assert complete(client, participant, version, wrong(service, version))[0] == 201
    page = browser.get(f"/leader/groups/{group}/progress").body
    (cell,) = re.findall(r'<td class="d".*?</td>', page)
    assert re.sub(r' title="[^"]*"', "", cell).endswith(
        f'<small class="kc" aria-hidden="true">0/{total}</small>'
        f'<span class="vh">, knowledge check 0 of {total}</span></td>'
    )
    key = page.split('<ul class="legend" aria-label="Key">')[1].split("</ul>")[0]
    assert (
        '<li><small class="kc">2/3</small> beside a mark: knowledge check, 2 of 3 answers right: 1'
        "</li>"
    ) in key
    assert "after seeing" not in key

    library_clock.advance(60)
    assert retake(client, participant, version, 2, right(service, version))[0] == 201
    page = browser.get(f"/leader/groups/{group}/progress").body
    (cell,) = re.findall(r'<td class="d".*?</td>', page)
    words = (
        f"knowledge check {total} of {total} on try 2, after seeing the answers"
        f" (first try 0 of {total})"
    )
    assert re.sub(r' title="[^"]*"', "", cell).endswith(
        f'<small class="kc" aria-hidden="true">0\u2192{total}/{total}</small>'
        f'<span class="vh">, {words}</span></td>'
    )
    key = page.split('<ul class="legend" aria-label="Key">')[1].split("</ul>")[0]
    assert "beside a mark: knowledge check, 2 of 3 answers right: 1</li>" in key
    assert (
        '<li><small class="kc">1\u21923/3</small> first try, then a later try made after'
        " seeing the answers: 1</li>"
    ) in key
    # The phone's card (no title, no icons) says the whole sentence.
    card = page.split('<ul class="plist"')[1].split('<ul class="legend"')[0]
    assert f"; {words}" in card
