"""Line breaks in long text: a browser sends a textarea's two paragraphs with "\r\n". They are
kept where a field is several lines long (a long-text worksheet answer, a My plan item); the
API refuses them, with a 400 naming the field, everywhere else (short answers, names,
usernames), and a web form's one-line box holds them as the space it showed."""

from __future__ import annotations

import json

import pytest

from chalicelib.library import lesson_code
from tests.conftest import Account, shipped_version
from tests.functional.web_client import WebClient

MODULE = "lapse-versus-relapse"  # slip-first-steps: long-text, into My plan ("if-i-slip")
LESSON = f"/lesson/{lesson_code(MODULE)}"
TWO_PARAGRAPHS = "Stop and get somewhere safe.\r\n\r\nCall Dana, then go to a meeting."
STORED = "Stop and get somewhere safe.\n\nCall Dana, then go to a meeting."


@pytest.fixture
def published_slip(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    modules = [m for m in shipped_modules if m.module_id == MODULE and m.locale == "en"]
    assert publisher.publish(modules).ok
    return modules


def api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def signed_in(client, account: Account) -> WebClient:  # type: ignore[no-untyped-def]
    browser = WebClient(client)
    assert browser.sign_in(account.username, authenticator=account.authenticator).status == 303
    return browser


def answer(body: dict, field_id: str):  # type: ignore[no-untyped-def]
    return next(f for f in body["fields"] if f["id"] == field_id)["answer"]["value"]


@pytest.mark.parametrize(
    "typed", [TWO_PARAGRAPHS, STORED, STORED.replace("\n", "\r"), STORED + "\n\tand breathe"]
)
def test_the_api_keeps_line_breaks_in_a_long_text_answer(
    client, published_slip, participant, typed
):
    status, body = api(
        client,
        "PUT",
        f"/me/worksheets/{MODULE}",
        participant,
        {"version": shipped_version(MODULE), "answers": {"slip-first-steps": typed}},
    )
    assert status == 200, body
    expected = typed.replace("\r\n", "\n").replace("\r", "\n")
    assert answer(body, "slip-first-steps") == expected
    status, body = api(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert answer(body, "slip-first-steps") == expected


def test_the_api_refuses_a_line_break_in_a_short_answer_and_other_controls(
    client, published_slip, participant
):
    version = shipped_version(MODULE)
    for answers in (
        {"slip-care-team": "Call the clinic\r\nat nine"},  # short-text: one line
        {"slip-first-steps": "Stop\x00here"},  # NUL stays refused in long text
        {"slip-first-steps": "Stop\x1bhere"},
        {"slip-first-steps": "Stop\u2028here"},  # a Unicode line separator
    ):
        status, body = api(
            client,
            "PUT",
            f"/me/worksheets/{MODULE}",
            participant,
            {"version": version, "answers": answers},
        )
        assert status == 400, (answers, body)
    # Outside the answers, a line break is refused at the edge with the field named.
    status, body = api(
        client,
        "PUT",
        f"/me/worksheets/{MODULE}",
        participant,
        {"version": version, "answers": {}, "locale": "en\r\n"},
    )
    assert status == 400 and "locale" in body["error"]["message"]


def test_a_leader_cannot_put_a_line_break_in_a_group_name(client, leader):
    status, body = api(client, "POST", "/groups", leader, {"name": "Tuesday\r\nevening"})
    assert status == 400 and body["error"]["code"] == "invalid_text"
    assert "name" in body["error"]["message"]


def test_the_web_form_keeps_two_paragraphs_and_my_plan_shows_them(
    client, published_slip, participant
):
    browser = signed_in(client, participant)
    token = browser.get(LESSON).csrf()
    saved = browser.post(
        f"{LESSON}/worksheet",
        {
            "csrf": token,
            "version": str(shipped_version(MODULE)),
            "locale": "en",
            "answer-slip-first-steps": TWO_PARAGRAPHS,
        },
    )
    assert saved.status == 303, saved.body[:3000]
    page = browser.get(LESSON)
    assert f">{STORED}</textarea>" in page.body
    plan = browser.get("/plan")
    assert "Stop and get somewhere safe." in plan.body
    assert "Call Dana, then go to a meeting." in plan.body
    status, body = api(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert answer(body, "slip-first-steps") == STORED


def test_a_refused_web_form_keeps_a_long_answer_as_typed(client, published_slip, participant):
    browser = signed_in(client, participant)
    token = browser.get(LESSON).csrf()
    page = browser.post(
        f"{LESSON}/worksheet",
        {
            "csrf": token,
            "version": str(shipped_version(MODULE)),
            "locale": "en",
            "answer-slip-first-steps": TWO_PARAGRAPHS,
            "answer-slip-care-team": "Call the clinic at nine " * 90,  # over 2,000 characters
        },
    )
    assert page.status == 400
    assert 'class="error-summary"' in page.body and 'href="#answer-slip-care-team"' in page.body
    assert f">{TWO_PARAGRAPHS}</textarea>" in page.body  # the long answer kept as typed


def test_a_one_line_worksheet_box_keeps_pasted_spacing_as_a_space(
    client, published_slip, participant
):
    # A short answer and a person to call's name and number are one-line boxes: a tab from a spreadsheet cell, a
    # word processor's line separator, even a hand-made post's line break, are the space the
    # box showed (text.as_typed's one-line rule, as in every other form); the long answer's
    # textarea keeps its tab and turns the separator into a new line.
    browser = signed_in(client, participant)
    saved = browser.post(
        f"{LESSON}/worksheet",
        {
            "csrf": browser.get(LESSON).csrf(),
            "version": str(shipped_version(MODULE)),
            "locale": "en",
            "answer-slip-care-team": "Call the clinic\tat nine",
            "answer-slip-kind-words": "I am doing\u2028my best",
            "answer-slip-calls-0-name": "Dana\tR.",
            "answer-slip-calls-0-phone": "555\t010 0123",
            "answer-slip-calls-1-name": "Sam\u2029K.",
            "answer-slip-first-steps": "Stop.\tBreathe.\u2029Call Dana.",
        },
    )
    assert saved.status == 303, saved.body[:3000]
    status, body = api(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert status == 200
    assert answer(body, "slip-care-team") == "Call the clinic at nine"
    assert answer(body, "slip-kind-words") == "I am doing my best"
    assert answer(body, "slip-calls") == [
        {"name": "Dana R.", "phone": "555 010 0123"},
        {"name": "Sam K.", "phone": ""},
    ]
    assert answer(body, "slip-first-steps") == "Stop.\tBreathe.\nCall Dana."


def test_a_plan_item_keeps_line_breaks_from_the_edit_form(client, published_slip, participant):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/6").csrf()
    saved = browser.post(
        "/plan/edit/6",
        {"csrf": token, "based_on": "", "locale": "en", "plan-0-text": TWO_PARAGRAPHS},
    )
    assert saved.status == 303, saved.body[:3000]
    status, body = api(client, "GET", "/me/plan", participant)
    assert status == 200
    assert STORED in json.dumps(body, ensure_ascii=False).replace("\\n", "\n")


def test_a_web_form_keeps_pasted_spacing_as_the_box_showed_it(
    client, published_slip, participant, leader
):
    # A tab from a spreadsheet cell in a one-line box is the space the box showed, not a
    # refused form (text.as_typed); the JSON API still refuses it.
    browser = signed_in(client, leader)
    made = browser.post(
        "/leader/groups",
        {"csrf": browser.get("/leader").csrf(), "name": "Tuesday\tevening\u2028group", "key": "t1"},
    )
    assert made.status == 303, made.body[:2000]
    assert "Tuesday evening group" in browser.get(made.location).body
    # A word processor's line separator in a textarea is a new line.
    browser = signed_in(client, participant)
    saved = browser.post(
        f"{LESSON}/worksheet",
        {
            "csrf": browser.get(LESSON).csrf(),
            "version": str(shipped_version(MODULE)),
            "locale": "en",
            "answer-slip-first-steps": "Stop and get somewhere safe.\u2029Call Dana.",
        },
    )
    assert saved.status == 303, saved.body[:2000]
    status, body = api(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert answer(body, "slip-first-steps") == "Stop and get somewhere safe.\nCall Dana."


def test_the_web_drops_a_control_character_in_a_hidden_field(client, published_slip, participant):
    browser = signed_in(client, participant)
    token = browser.get(LESSON).csrf()
    page = browser.post(
        f"{LESSON}/worksheet",
        {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "e\x1bn\x00"},
    )
    # Noise nobody typed (http.parse_form): gone, and the form is what it was without it.
    assert page.status == 303 and "saved=1" in page.location


def test_a_password_box_is_never_altered_a_pasted_tab_is_refused(client, participant):
    # A secret is not rewritten: "pass<TAB>word" turned into "pass word" would sign in with a
    # password the person does not know they have. It is refused, as before.
    browser = WebClient(client)
    page = browser.post(
        "/sign-in",
        {
            "csrf": browser.get("/sign-in").csrf(),
            "username": participant.username,
            "password": "Correct-horse-42\t",
        },
    )
    assert page.status == 400
    assert "Password: has a character that cannot be saved." in page.body
