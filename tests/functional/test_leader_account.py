"""A group leader's own account page (/leader/account): they change their password as a
participant does (the same use case: audit entry first, Cognito's ChangePassword, then signed
out everywhere), and sign in again with the new password and the same authenticator."""

from __future__ import annotations

import html
import json
import re
import time

import boto3
import pytest

from tests.conftest import LOG_HYGIENE, REGION, make_account
from tests.functional.web_client import Page, WebClient, error_summary, signed_in

ACCOUNT = "/leader/account"
PASSWORD = "/leader/account/password"
NEW = "New-pass-2026a"


def password_form(page: Page, current: str, new: str, again: str | None = None) -> dict:
    return {
        "csrf": page.csrf(),
        "current_password": current,
        "new_password": new,
        "confirm_password": new if again is None else again,
    }


def nav(body: str) -> str:
    found = re.search(r'<nav class="wrap nav" aria-label="Main">.*?</nav>', body, re.S)
    assert found is not None
    return found.group()


def password_changes(service) -> list[dict]:  # type: ignore[no-untyped-def]
    entries = service.audit.page(limit=100)[0]
    return [e for e in entries if e["action"] == "account.password_change"]


def test_a_leader_finds_their_account_in_the_menu(client, leader):
    web = signed_in(client, leader)
    menu = nav(web.get("/leader").body)
    assert '<a href="/leader/account">Account</a>' in menu
    # Two-step sign-in stays in the menu, and the account page links it too.
    assert '<a href="/account/authenticator">Two-step sign-in</a>' in menu
    assert "/account/reminders" not in menu
    # "Account" in the menu makes /account a likely address to type.
    assert web.get("/account").location == ACCOUNT
    page = web.get(ACCOUNT)
    assert page.status == 200 and 'lang="en"' in page.body
    assert "<title>Account – Steady</title>" in page.body
    assert '<h2 id="password-title">Change your password</h2>' in page.body
    assert f'action="{PASSWORD}"' in page.body
    for box in ("current_password", "new_password", "confirm_password"):
        assert re.search(rf'<input id="{box}" name="{box}" type="password" value=""', page.body)
    assert '<a href="/account/authenticator">' in page.body.split("<main", 1)[1]
    assert "a code from your authenticator app" in page.body
    # The form's own address (a refused change is shown there) leads to the form.
    assert web.get(PASSWORD).location == f"{ACCOUNT}#password-title"


def test_a_leader_changes_their_password_and_signs_in_again_with_the_same_authenticator(
    client, leader, service, stack
):
    """Web sessions (this one too), the API's bearer tokens and Cognito's refresh tokens all
    stop working; the new password works, still with the authenticator's code."""
    web = signed_in(client, leader)
    laptop = signed_in(client, leader)  # the same leader signed in on another computer
    cognito = boto3.client("cognito-idp", region_name=REGION)
    challenge = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": leader.username, "PASSWORD": "Correct-horse-42"},
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert client.http.get("/groups", headers=leader.headers).status_code == 200
    page = web.get(ACCOUNT)
    old_cookie = web.cookies["steady_session"]
    mark = len(LOG_HYGIENE.lines)

    done = web.post(PASSWORD, password_form(page, "Correct-horse-42", NEW))
    assert (done.status, done.location) == (303, "/sign-in?done=password_changed")
    assert "steady_session" not in web.cookies  # this browser is signed out too
    notice = web.get(done.location)
    assert "Your password is changed. You are signed out on every phone and computer" in (
        notice.body
    )
    # Every web session, the old cookie and the API's bearer token end.
    assert laptop.get("/leader").location == "/sign-in"
    assert WebClient(client, cookies={"steady_session": old_cookie}).get("/leader").location == (
        "/sign-in"
    )
    assert service.sessions.get(old_cookie) is None
    signed_out = client.http.get("/groups", headers=leader.headers)
    assert signed_out.status_code == 401 and b"signed_out" in signed_out.body
    # The old password no longer works; the new one does, and still asks for the code.
    assert WebClient(client).sign_in(leader.username).status == 400
    again = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": leader.username, "PASSWORD": NEW},
    )
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in again
    # A web sign-in in the very second of the change is ended with the rest (auth_time is in
    # seconds): the next one is the leader's own, with the same authenticator.
    time.sleep(1.1)
    browser = WebClient(client)
    assert browser.sign_in(leader.username, NEW).location == "/sign-in/code"
    assert browser.enter_code(leader.authenticator).location == "/leader"  # type: ignore[arg-type]
    assert browser.get(ACCOUNT).status == 200
    # Audit-logged as the leader's own change: pseudonymous ids only, no participant.
    entries = password_changes(service)
    assert [
        (e["actor_id"], e["actor_roles"], e["participant_ids"], e["detail"]) for e in entries
    ] == [(leader.id, ["leaders"], [], {"account_id": leader.id})]
    assert leader.username not in json.dumps(entries) and NEW not in json.dumps(entries)
    logged = "\n".join(LOG_HYGIENE.lines[mark:])
    assert "web_password_changed" in logged
    assert leader.username not in logged and NEW not in logged and "Correct-horse-42" not in logged


# recorded: the attempt reached Cognito, so it has its audit entry (the form's own checks
# refuse before it).
@pytest.mark.parametrize(
    ("current", "new", "again", "field", "words", "recorded"),
    [
        ("", NEW, None, "current_password", "Type your current password.", False),
        ("Wrong-horse-42", NEW, None, "current_password", "That is not your current", True),
        ("Correct-horse-42", NEW, "New-pass-2026b", "confirm_password", "not the same", False),
        ("Correct-horse-42", "Sh0rt-pw", None, "new_password", "12 or more characters", True),
        ("Correct-horse-42", "all-lowercase-no-digit", None, "new_password", "12 or more", True),
    ],
)
def test_a_refused_password_change_comes_back_with_a_summary_and_no_password(
    client, leader, service, current, new, again, field, words, recorded
):
    web = signed_in(client, leader)
    page = web.get(ACCOUNT)
    refused = web.post(PASSWORD, password_form(page, current, new, again))
    assert refused.status == 400
    assert "<title>Error: Account – Steady</title>" in refused.body
    summary = error_summary(refused)
    assert len(summary) == 1 and summary[0][0] == field
    assert words in html.unescape(summary[0][1])
    # The message also stands beside its box, and the box points to it.
    beside = re.search(
        rf'<p class="field-message" id="{field}-error"><span class="vh">Error:</span> ([^<]*)</p>',
        refused.body,
    )
    assert beside is not None and words in html.unescape(beside.group(1))
    assert re.search(
        rf'<input id="{field}"[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"',
        refused.body,
    )
    # Passwords never come back in the page: every box is empty.
    for typed in {current, new, again} - {None, ""}:
        assert typed not in refused.body
    for box in ("current_password", "new_password", "confirm_password"):
        assert re.search(rf'<input id="{box}" name="{box}" type="password" value=""', refused.body)
    # A way on (never a dead end): the menu, the form again.
    assert '<a href="/leader">Your groups</a>' in refused.body
    assert f'action="{PASSWORD}"' in refused.body
    # Nothing changed: still signed in, the old password still works.
    assert web.get("/leader").status == 200
    again_in = WebClient(client).sign_in(leader.username, authenticator=leader.authenticator)
    assert again_in.location == "/leader"
    assert [e["actor_id"] for e in password_changes(service)] == ([leader.id] if recorded else [])


def test_a_password_change_with_a_revoked_token_sends_the_leader_to_sign_in(
    client, leader, service, stack
):
    """Signed out of Cognito elsewhere (their tokens revoked): Cognito refuses the session's
    token, not their password. They sign in again; the page never says "not your current
    password", and the password is unchanged."""
    web = signed_in(client, leader)
    page = web.get(ACCOUNT)
    session_id = web.cookies["steady_session"]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    cognito.admin_user_global_sign_out(UserPoolId=stack.user_pool_id, Username=leader.username)
    sent = web.post(PASSWORD, password_form(page, "Correct-horse-42", NEW))
    assert (sent.status, sent.location) == (303, "/sign-in")
    assert "not your current password" not in sent.body
    assert service.sessions.get(session_id) is None and "steady_session" not in web.cookies
    again = WebClient(client).sign_in(leader.username, authenticator=leader.authenticator)
    assert again.location == "/leader"


def test_a_participant_cannot_reach_the_leaders_account_page(client, participant):
    web = signed_in(client, participant)
    assert web.get(ACCOUNT).status == 403
    assert web.get(PASSWORD).status == 403
    token = web.get("/account/reminders").csrf()
    refused = web.post(PASSWORD, {"csrf": token, **password_form_fields("Correct-horse-42", NEW)})
    assert refused.status == 403
    assert "/leader/account" not in nav(web.get("/").body)
    assert WebClient(client).sign_in(participant.username).status == 303  # unchanged
    anonymous = WebClient(client)
    assert anonymous.get(ACCOUNT).location == "/sign-in"
    posted = anonymous.post(
        PASSWORD,
        {"csrf": anonymous.get("/sign-in").csrf(), **password_form_fields("Correct-horse-42", NEW)},
    )
    assert (posted.status, posted.location) == (303, "/sign-in")


def password_form_fields(current: str, new: str) -> dict:
    return {"current_password": current, "new_password": new, "confirm_password": new}


@pytest.mark.parametrize("token", ["", "other-session", "sign-in-form"])
def test_the_password_form_needs_this_sessions_csrf_token(client, leader, service, token):
    """Like every form: without this session's own token the post is refused (403) and nothing
    changes, not even an audit entry."""
    web = signed_in(client, leader)
    web.get(ACCOUNT)
    sent_token = {
        "": "",
        "other-session": signed_in(client, leader).get(ACCOUNT).csrf(),
        "sign-in-form": WebClient(client).get("/sign-in").csrf(),
    }[token]
    refused = web.post(
        PASSWORD, {"csrf": sent_token, **password_form_fields("Correct-horse-42", NEW)}
    )
    assert refused.status == 403 and "This form has expired" in refused.body
    assert password_changes(service) == []
    assert web.get("/leader").status == 200
    again = WebClient(client).sign_in(leader.username, authenticator=leader.authenticator)
    assert again.location == "/leader"


def test_a_password_refused_as_text_leads_back_to_the_account_page(client, leader):
    """A character no form takes: the problem page names the box by its label (never echoing
    what was typed) and leads back to the form's address, which opens the account page."""
    web = signed_in(client, leader)
    page = web.get(ACCOUNT)
    refused = web.post(PASSWORD, password_form(page, "Correct-horse-42\t", NEW))
    assert refused.status == 400
    assert "Current password: has a character that cannot be saved." in refused.body
    assert f'<a href="{PASSWORD}">Back to the form</a>' in refused.body
    assert "Correct-horse-42" not in refused.body and NEW not in refused.body
    assert web.get(PASSWORD).location == f"{ACCOUNT}#password-title"
    again = WebClient(client).sign_in(leader.username, authenticator=leader.authenticator)
    assert again.location == "/leader"  # unchanged


ADMIN_HOME = "/leader/admin/accounts"


@pytest.mark.parametrize(
    ("role", "tools", "home"),
    [
        (
            "admins",
            "An administrator's tools are Accounts (create, turn off or on again, reset "
            "two-step sign-in) and the Audit trail, in the menu; the API has them too",
            ADMIN_HOME,
        ),
        (
            "authors",
            'Authors write modules in Git: see the README, section "Writing a module"',
            ACCOUNT,
        ),
    ],
)
def test_an_admin_or_author_has_an_account_page_and_changes_their_password(
    client, stack, service, role, tools, home
):
    """Admins and authors had no password form anywhere (walk-through 14, problem 5): they
    have the same account page as a leader, which says where their own tools are, and
    change their password through the same use case (audit entry, then signed out
    everywhere). An author starts there; an admin on their accounts page."""
    account = make_account(stack, f"{role[:-1]}-one", role)
    web = WebClient(client)
    assert web.sign_in(account.username, authenticator=account.authenticator).location == home
    page = web.get(ACCOUNT)
    assert page.status == 200
    assert tools in re.sub(r"<[^>]+>", "", html.unescape(page.body))
    menu = nav(page.body)
    assert '<a href="/leader/account">Account</a>' in menu
    assert '<a href="/leader">' not in menu and '<a href="/plan">' not in menu
    assert "group leader" not in page.body.split("<main", 1)[1].replace(
        "group leaders and administrators must have it", ""
    )
    assert web.get("/account").location == ACCOUNT
    assert web.get("/sign-in").location == home  # already signed in
    done = web.post(PASSWORD, password_form(page, "Correct-horse-42", NEW))
    assert (done.status, done.location) == (303, "/sign-in?done=password_changed")
    assert [(e["actor_id"], e["actor_roles"]) for e in password_changes(service)] == [
        (account.id, [role])
    ]
    time.sleep(1.1)  # a sign-in in the second of the change is ended with the rest
    assert WebClient(client).sign_in(account.username).status == 400  # the old password
    again = WebClient(client).sign_in(account.username, NEW, authenticator=account.authenticator)
    assert again.location == home
