"""A password of one's own (walk-through 12, item 1): the temporary password a group leader
handed out is refused as the "own" password chosen at the first sign-in, and the current
password as the new one on the account pages; the same words for the two "typed again"
mismatches (items 20 and 21); and a code step after choosing a password, when Cognito asks
for one (moto does not: it signs in at once)."""

from __future__ import annotations

import html
import json
import re
import time

import boto3
import pytest

from chalicelib import sign_in as web_session
from chalicelib.records.keys import SESSION_SK, session_pk
from tests.conftest import REGION, Account, make_account
from tests.functional.test_web_pages import group_of_one
from tests.functional.web_client import Page, WebClient, error_summary, signed_in

NEW_PASSWORD = "/sign-in/new-password"
GIVEN = {
    "en": "That is the password you were given. Choose a new one that only you know.",
    "es": "Esa es la contraseña que le dieron. Elija una nueva que solo usted sepa.",
}
UNCHANGED = {
    "en": "The new password is the same as your current one. Choose a different one.",
    "es": "La contraseña nueva es igual a la actual. Elija otra distinta.",
}
MISMATCH = {
    "en": "The new password and the one typed again are not the same.",
    "es": "La contraseña nueva y la que escribió otra vez no son iguales.",
}


def give_temporary_password(client, leader: Account, participant: Account) -> str:  # type: ignore[no-untyped-def]
    """A new temporary password for ``participant`` from their group leader (the API)."""
    group_id = group_of_one(client, leader, participant)
    given = client.http.post(
        f"/groups/{group_id}/participants/{participant.id}/temporary-password",
        headers=leader.headers,
    )
    assert given.status_code == 200, given.body
    return str(json.loads(given.body)["temporary_password"])


def raw_session(stack, session_id: str) -> dict:  # type: ignore[no-untyped-def]
    """The session's item as the table holds it (every attribute, as stored)."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    key = {"PK": {"S": session_pk(session_id)}, "SK": {"S": SESSION_SK}}
    return dict(dynamodb.get_item(TableName=stack.records_table, Key=key).get("Item") or {})


def choose(browser: WebClient, new: str, again: str | None = None) -> Page:
    form = browser.get(NEW_PASSWORD)
    return browser.post(
        NEW_PASSWORD,
        {
            "csrf": form.csrf(),
            "new_password": new,
            "confirm_password": new if again is None else again,
        },
    )


def assert_beside_new_password(page: Page, message: str) -> None:
    """The summary links the new-password box; the message stands beside it (after its rule,
    before the box), which points to it; no password comes back."""
    assert page.status == 400
    assert [(f, html.unescape(t)) for f, t in error_summary(page)] == [("new_password", message)]
    form = page.body.split(f'action="{NEW_PASSWORD}"', 1)[1]
    beside = re.search(
        r'<p class="hint" id="password-rule">[^<]*</p>\s*<p class="error" id="password-error">'
        r"([^<]*)</p>\s*<input id=\"new_password\"[^>]*aria-describedby=\"password-rule "
        r'password-error"[^>]*aria-invalid="true"',
        form,
    )
    assert beside is not None and html.unescape(beside.group(1)) == message
    assert re.search(r'<input id="(new|confirm)_password"[^>]*value=', form) is None


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_temporary_password_is_refused_as_the_chosen_one(
    client, leader, participant, stack, language
):
    temporary = give_temporary_password(client, leader, participant)
    browser = WebClient(client, language=language)
    assert browser.sign_in("Participant-One", temporary).location == NEW_PASSWORD
    session_id = browser.cookies[web_session.COOKIE]
    # Only a keyed hash of it waits with the sign-in; never the password itself.
    stored = json.dumps(raw_session(stack, session_id))
    assert temporary not in stored and "given_password" in stored

    refused = choose(browser, temporary)
    assert_beside_new_password(refused, GIVEN[language])
    assert temporary not in refused.body
    # Still waiting for a password of their own; not signed in.
    assert browser.get("/").location == "/sign-in"
    assert browser.get(NEW_PASSWORD).status == 200

    done = choose(browser, "Only-mine-2026x")
    assert (done.status, done.location) == (303, "/")
    # The sign-in is done: the waiting session, and the hash with it, are gone; the new
    # session has none.
    assert raw_session(stack, session_id) == {}
    assert "given_password" not in raw_session(stack, browser.cookies[web_session.COOKIE])
    # The handout's promise holds: the temporary password no longer works.
    assert WebClient(client).sign_in(participant.username, temporary).status == 400
    assert WebClient(client).sign_in(participant.username, "Only-mine-2026x").location == "/"


def test_a_new_account_cannot_keep_its_first_password(client, published, leader):
    """A new account's own temporary password (enrol with "Create a new account")."""
    status_body = client.http.post(
        "/groups", headers=leader.headers, body=json.dumps({"name": "Thursday"})
    )
    group_id = json.loads(status_body.body)["group_id"]
    created = client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": "rosa.m", "create": True}),
    )
    temporary = json.loads(created.body)["temporary_password"]
    browser = WebClient(client)
    assert browser.sign_in("rosa.m", temporary).location == NEW_PASSWORD
    assert_beside_new_password(choose(browser, temporary), GIVEN["en"])
    # A mismatch first is a mismatch, in the one wording shared with the account pages.
    assert_beside_new_password(choose(browser, temporary, "Something-else-1"), MISMATCH["en"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_mismatch_words_are_the_same_on_both_password_forms(
    client, leader, participant, language
):
    web = signed_in(client, participant, language=language)
    page = web.get("/account/reminders")
    refused = web.post(
        "/account/reminders/password",
        {
            "csrf": page.csrf(),
            "current_password": "Correct-horse-42",
            "new_password": "Another-pass-2026",
            "confirm_password": "Another-pass-2027",
            "locale": language,
        },
    )
    assert refused.status == 400
    assert [(f, html.unescape(t)) for f, t in error_summary(refused)] == [
        ("confirm_password", MISMATCH[language])
    ]

    temporary = give_temporary_password(client, leader, participant)
    first = WebClient(client, language=language)
    assert first.sign_in(participant.username, temporary).location == NEW_PASSWORD
    mismatch = choose(first, "Only-mine-2026x", "Only-mine-2026y")
    assert_beside_new_password(mismatch, MISMATCH[language])


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_participant_cannot_change_their_password_to_the_same_one(client, participant, language):
    web = signed_in(client, participant, language=language)
    page = web.get("/account/reminders")
    refused = web.post(
        "/account/reminders/password",
        {
            "csrf": page.csrf(),
            "current_password": "Correct-horse-42",
            "new_password": "Correct-horse-42",
            "confirm_password": "Correct-horse-42",
            "locale": language,
        },
    )
    assert refused.status == 400
    assert [(f, html.unescape(t)) for f, t in error_summary(refused)] == [
        ("new_password", UNCHANGED[language])
    ]
    beside = re.search(r'<p class="error" id="new_password-error">([^<]*)</p>', refused.body)
    assert beside is not None and html.unescape(beside.group(1)) == UNCHANGED[language]
    assert "Correct-horse-42" not in refused.body
    # Nothing changed, nobody signed out.
    assert web.get("/").status == 200


def test_a_leader_cannot_change_their_password_to_the_same_one(client, leader, service):
    web = signed_in(client, leader)
    page = web.get("/leader/account")
    refused = web.post(
        "/leader/account/password",
        {
            "csrf": page.csrf(),
            "current_password": "Correct-horse-42",
            "new_password": "Correct-horse-42",
            "confirm_password": "Correct-horse-42",
        },
    )
    assert refused.status == 400
    assert [(f, html.unescape(t)) for f, t in error_summary(refused)] == [
        ("new_password", UNCHANGED["en"])
    ]
    assert "Correct-horse-42" not in refused.body
    assert web.get("/leader").status == 200
    # Refused before Cognito was asked: no audit entry of an attempt.
    assert not [
        e for e in service.audit.page(limit=100)[0] if e["action"] == "account.password_change"
    ]


def test_a_code_asked_for_after_the_new_password_is_asked_for(
    client, leader, stack, service, monkeypatch
):
    """Cognito asks an account with an authenticator for its code after the new password
    (SOFTWARE_TOKEN_MFA answering NEW_PASSWORD_REQUIRED); moto signs in at once instead. As
    Cognito answers, the sign-in waits for the code: not signed in before it."""
    participant = make_account(stack, "participant-two-step", "participants", authenticator=True)
    temporary = give_temporary_password(client, leader, participant)
    # Sessions signed in up to the second the temporary password was given are ended with the
    # rest (auth_time is in seconds): the one at the end of this test comes later.
    time.sleep(1.1)
    real = service.accounts.answer_challenge

    def as_cognito(challenge, challenge_session, username, responses):  # type: ignore[no-untyped-def]
        step = real(challenge, challenge_session, username, responses)
        if challenge == "NEW_PASSWORD_REQUIRED":
            # Cognito's answer: the code challenge (moto gives it to a sign-in with the new
            # password, so ask for it that way).
            step = service.accounts.sign_in(username, responses["NEW_PASSWORD"])
            assert step.challenge == "SOFTWARE_TOKEN_MFA" and not step.access_token
        return step

    monkeypatch.setattr(service.accounts, "answer_challenge", as_cognito)
    browser = WebClient(client)
    assert browser.sign_in(participant.username, temporary).location == NEW_PASSWORD
    chosen = choose(browser, "Only-mine-2026x")
    assert (chosen.status, chosen.location) == (303, "/sign-in/code")
    assert browser.get("/").location == "/sign-in"  # not signed in without the code
    assert browser.get("/sign-in/code").status == 200
    assert browser.enter_code(participant.authenticator).location == "/"  # type: ignore[arg-type]
    assert browser.get("/").status == 200
