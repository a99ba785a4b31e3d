"""Two-step sign-in: required for leaders and admins, optional for participants.

Against moto's Cognito with code checking on (``MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP``): every
code here is computed from the secret Cognito handed out, as an authenticator app would.
"""

from __future__ import annotations

import json
import logging
import re
from html import unescape

import boto3
import pytest

from chalicelib import aws as aws_clients
from chalicelib.library import lesson_code
from chalicelib.mfa import REMEMBER_SECONDS
from steady_local import totp
from steady_local.provision import enrol_authenticator, sign_in
from tests.conftest import REGION, AwsCalls, make_account
from tests.functional.web_client import WebClient

SETUP = "/account/authenticator"
KEY = re.compile(r'<code class="key" id="setup-key">([A-Z2-7 ]+)</code>')
URI = re.compile(r'href="otpauth://totp/Steady:([^?"]+)\?secret=([A-Za-z2-7]+)&amp;issuer=Steady"')
GROUP = json.dumps({"name": "Thursday group"})


def setup_key(page_body: str) -> str:
    match = KEY.search(page_body)
    assert match, page_body[:2000]
    return match.group(1).replace(" ", "")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    return json.loads(response.body)["error"]["code"]


def cognito_calls() -> AwsCalls:
    return AwsCalls().attach(aws_clients.client("cognito-idp", REGION))


# -- API ----------------------------------------------------------------------------------------


def test_a_leader_without_an_authenticator_is_refused_until_one_is_set_up(client, published, stack):
    leader = make_account(stack, "leader-new", "leaders", authenticator=False)

    refused = client.http.post("/groups", headers=leader.headers, body=GROUP)
    assert refused.status_code == 403 and error_code(refused) == "mfa_required"
    assert "authenticator" in json.loads(refused.body)["error"]["message"]
    reading = client.http.get(
        "/modules", headers=leader.headers
    )  # open to every role, but not to a withheld one
    assert reading.status_code == 403 and error_code(reading) == "mfa_required"

    cognito = boto3.client("cognito-idp", region_name=REGION)
    secret = enrol_authenticator(cognito, stack, "leader-new", "Correct-horse-42")
    # Not remembering a missing authenticator: the same token works as soon as one is on.
    assert client.http.post("/groups", headers=leader.headers, body=GROUP).status_code == 201
    # From now on Cognito wants a code at sign-in.
    with pytest.raises(ValueError, match="authenticator"):
        sign_in(cognito, stack, "leader-new", "Correct-horse-42")
    assert sign_in(cognito, stack, "leader-new", "Correct-horse-42", secret)


def test_an_admin_without_an_authenticator_is_refused(client, published, stack):
    admin = make_account(stack, "admin-new", "admins", authenticator=False)

    refused = client.http.get("/admin/audit", headers=admin.headers)

    assert refused.status_code == 403 and error_code(refused) == "mfa_required"


def test_a_wrong_code_does_not_sign_in(stack, leader):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    started = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": leader.username, "PASSWORD": "Correct-horse-42"},
    )
    assert (
        started["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in started
    )
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=started["Session"],
            ChallengeResponses={
                "USERNAME": leader.username,
                "SOFTWARE_TOKEN_MFA_CODE": wrong(totp.code(leader.authenticator)),
            },
        )


def test_participants_never_cost_a_cognito_call(client, published, participant):
    calls = cognito_calls()

    for path in ("/modules", "/me/completions", "/me/assignments"):
        assert client.http.get(path, headers=participant.headers).status_code == 200

    assert calls.names == []


def test_an_enabled_authenticator_is_remembered_for_five_minutes(
    client, published, leader, library_clock
):
    calls = cognito_calls()

    for _ in range(3):
        assert client.http.get("/groups", headers=leader.headers).status_code == 200
    assert calls.names == ["Cognito Identity Provider.AdminGetUser"]

    library_clock.advance(REMEMBER_SECONDS + 1)
    assert client.http.get("/groups", headers=leader.headers).status_code == 200
    assert calls.names == ["Cognito Identity Provider.AdminGetUser"] * 2


def test_switching_the_authenticator_off_withholds_the_role_within_five_minutes(
    client, published, stack, leader, library_clock
):
    assert client.http.get("/groups", headers=leader.headers).status_code == 200
    boto3.client("cognito-idp", region_name=REGION).admin_set_user_mfa_preference(
        UserPoolId=stack.user_pool_id,
        Username=leader.username,
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
    )

    assert client.http.get("/groups", headers=leader.headers).status_code == 200  # remembered
    library_clock.advance(REMEMBER_SECONDS + 1)
    refused = client.http.get("/groups", headers=leader.headers)
    assert refused.status_code == 403 and error_code(refused) == "mfa_required"


def test_cognito_down_during_the_check_is_a_503_not_a_pass(client, published, leader, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    cognito = aws_clients.client("cognito-idp", REGION)

    def down(**_kwargs):  # type: ignore[no-untyped-def]
        raise EndpointConnectionError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com")

    monkeypatch.setattr(cognito, "admin_get_user", down)
    response = client.http.get("/groups", headers=leader.headers)

    assert response.status_code == 503 and response.headers.get("Retry-After")
    assert error_code(response) == "service_unavailable"


# -- web: a new leader from first sign-in to their groups -------------------------------------------


def test_a_new_leader_sets_up_an_authenticator_before_seeing_groups(
    client, published, stack, caplog
):
    admin = make_account(stack, "admin-one", "admins")
    created = client.http.post(
        "/admin/accounts",
        headers=admin.headers,
        body=json.dumps({"username": "leader-fresh", "role": "leaders"}),
    )
    assert created.status_code == 201
    temporary = json.loads(created.body)["temporary_password"]
    browser = WebClient(client)
    caplog.set_level(logging.INFO)  # what the Lambda emits

    # First sign-in: choose a password, then the authenticator, before any group page.
    assert browser.sign_in("leader-fresh", temporary).location == "/sign-in/new-password"
    form = browser.get("/sign-in/new-password")
    chosen = browser.post(
        "/sign-in/new-password",
        {
            "csrf": form.csrf(),
            "new_password": "Leader-pass-2026",
            "confirm_password": "Leader-pass-2026",
        },
    )
    assert (chosen.status, chosen.location) == (303, "/leader")
    for path in ("/leader", "/", f"/lesson/{lesson_code('thinking-traps')}"):
        page = browser.get(path)
        assert (page.status, page.location) == (303, SETUP), path

    setup = browser.get(SETUP)
    assert setup.status == 200
    assert "needs two-step sign-in" in setup.body and "<svg" in setup.body
    # A leader's page: English, with no link to the participants' Spanish (walk 15, 19.9).
    assert 'class="lang-choice"' not in setup.body and 'lang="en"' in setup.body
    secret = setup_key(setup.body)
    link = URI.search(setup.body)
    assert link and link.group(1) == "leader-fresh" and link.group(2).upper() == secret
    assert setup_key(browser.get(SETUP).body) == secret  # a reload shows the same key

    bad = browser.post(SETUP, {"csrf": setup.csrf(), "code": wrong(totp.code(secret))})
    assert bad.status == 400 and "did not work" in unescape(bad.body)
    assert browser.get("/leader").location == SETUP
    assert (
        browser.post(SETUP, {"csrf": setup.csrf(), "code": "12 34"}).status == 400
    )  # not six digits

    done = browser.enter_code(secret, SETUP)
    assert (done.status, done.location) == (303, "/leader?done=two_step_on")
    landing = browser.get(done.location)
    assert landing.status == 200
    assert (
        '<p class="notice" role="status">Two-step sign-in is on. If you lose your phone, ask '
        "your administrator to reset it.</p>"
    ) in landing.body
    assert "Two-step sign-in is on" not in browser.get("/leader").body
    on = browser.get(SETUP)
    assert "Two-step sign-in is on" in on.body
    assert '<a href="/leader/account">Back to your account</a>' in on.body

    # Every later sign-in asks for a code; a wrong one is refused and may be tried again.
    later = WebClient(client)
    assert later.sign_in("leader-fresh", "Leader-pass-2026").location == "/sign-in/code"
    assert later.get("/leader").location == "/sign-in"  # not signed in while the code is pending
    code_form = later.get("/sign-in/code")
    assert code_form.status == 200 and 'autocomplete="one-time-code"' in code_form.body
    # The box cuts nothing a person may type around the digits ("123 - 456" is 9 characters).
    assert 'maxlength="12"' in code_form.body and "pattern=" not in code_form.body
    refused = later.post(
        "/sign-in/code", {"csrf": code_form.csrf(), "code": wrong(totp.code(secret))}
    )
    assert refused.status == 400 and "did not work" in unescape(refused.body)
    # Typed with a dash (or spaces), as people group digits: the code that was shown.
    accepted = later.enter_code(secret, typed=lambda code: f"{code[:3]} - {code[3:]}")
    assert (accepted.status, accepted.location) == (303, "/leader")
    assert later.get("/leader").status == 200

    # The secret is a credential: never in a log line.
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_an_expired_code_step_starts_over(client, published, leader, library_clock):
    from chalicelib import sign_in as web_session

    browser = WebClient(client)
    assert browser.sign_in(leader.username).location == "/sign-in/code"
    library_clock.advance(web_session.CHALLENGE_SECONDS + 1)

    page = browser.get("/sign-in/code")

    assert (page.status, page.location) == (303, "/sign-in")


def test_participants_may_turn_two_step_sign_in_on(client, published, participant):
    browser = WebClient(client)
    assert browser.sign_in(participant.username).location == "/"
    assert browser.get("/").status == 200  # optional: no detour
    setup = browser.get(SETUP)
    assert setup.status == 200 and "makes your account safer" in setup.body
    assert 'class="lang-choice"' in setup.body  # a participant's page: "Español" at the top
    secret = setup_key(setup.body)

    assert browser.enter_code(secret, SETUP).location == "/"
    # Turned on from the account page: the way back is to it, not to the library.
    on = browser.get(SETUP)
    assert "Two-step sign-in is on" in on.body
    assert '<a href="/account/reminders">Back to your account</a>' in on.body
    assert "Back to the library" not in on.body

    again = WebClient(client)
    assert again.sign_in(participant.username).location == "/sign-in/code"
    assert again.enter_code(secret).location == "/"


# -- a lost phone ------------------------------------------------------------------------------


def test_an_admin_resets_a_lost_authenticator(client, published, stack, leader, library_clock):
    admin = make_account(stack, "admin-one", "admins")
    assert client.http.get("/groups", headers=leader.headers).status_code == 200

    # The reset ends the tokens issued up to the next second of the services' clock; moto
    # issues the new ones at its own time: the reset comes two seconds earlier.
    library_clock.advance(-2)
    reset = client.http.post(
        f"/admin/accounts/{leader.username}/reset-authenticator", headers=admin.headers
    )

    assert reset.status_code == 200 and json.loads(reset.body)["id"] == leader.id
    # Signed out of Cognito (refresh tokens revoked); the old token's refusal is
    # test_a_reset_signs_the_lost_phone_out_everywhere's (this clock is two seconds back).
    cognito = boto3.client("cognito-idp", region_name=REGION)
    user = cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=leader.username)
    assert "SOFTWARE_TOKEN_MFA" not in (user.get("UserMFASettingList") or [])
    # The next sign-in needs only the password, then a new authenticator.
    browser = WebClient(client)
    assert browser.sign_in(leader.username).location == "/leader"
    assert browser.get("/leader").location == SETUP
    # Audit-logged with ids only.
    entries = json.loads(client.http.get("/admin/audit", headers=admin.headers).body)["entries"]
    assert any(
        e["action"] == "account.reset_authenticator"
        and e["actor_id"] == admin.id
        and e["detail"] == {"account_id": leader.id}
        for e in entries
    ), entries


def test_resetting_an_unknown_account_is_a_404(client, published, stack):
    admin = make_account(stack, "admin-one", "admins")

    response = client.http.post(
        "/admin/accounts/nobody-here/reset-authenticator", headers=admin.headers
    )

    assert response.status_code == 404 and error_code(response) == "account_not_found"


# -- a lost challenge ----------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["code", "new password"])
def test_a_lost_challenge_starts_sign_in_over_with_a_message(client, published, stack, step):
    """Cognito forgot the challenge between the password and the next step (the local stack
    restarted, or Cognito's session expired before ours): the sign-in form, never a 500."""
    from dataclasses import replace

    from chalicelib import sign_in as web_session

    browser = WebClient(client)
    if step == "code":
        leader = make_account(stack, "leader-lost", "leaders")
        assert browser.sign_in(leader.username).location == "/sign-in/code"
        path, form = "/sign-in/code", {"code": "123456"}
    else:
        cognito = boto3.client("cognito-idp", region_name=REGION)
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id,
            Username="new-person",
            TemporaryPassword="Temporary-pass-42",
            MessageAction="SUPPRESS",
        )
        assert (
            browser.sign_in("new-person", "Temporary-pass-42").location == "/sign-in/new-password"
        )
        path, form = (
            "/sign-in/new-password",
            {"new_password": "Chosen-pass-4242", "confirm_password": "Chosen-pass-4242"},
        )
    session_id = browser.cookies["steady_session"]
    waiting = web_session.records().get(session_id)
    web_session.records().put(replace(waiting, challenge="a-session-cognito-never-issued"))

    page = browser.post(path, {"csrf": browser.get(path).csrf(), **form})

    assert page.status == 200, page.body[:500]
    assert web_session.CHALLENGE_LOST in page.body and 'name="password"' in page.body
    assert web_session.records().get(session_id) is None and "steady_session" not in browser.cookies


def test_a_reset_signs_the_lost_phone_out_everywhere(client, published, stack):
    """A participant who turned two-step sign-in on loses their phone; an admin resets it. The
    README promises "signed out everywhere": the lost phone's web session and its API token
    stop working at once, as after a disable. Found by an outside review (both went on
    reading the plan)."""
    from tests.functional.web_client import signed_in

    admin = make_account(stack, "admin-one", "admins")
    owner = make_account(stack, "participant-2fa", "participants", authenticator=True)
    lost_phone = signed_in(client, owner)
    assert lost_phone.get("/plan").status == 200
    assert client.http.get("/me/plan", headers=owner.headers).status_code == 200
    reset = client.http.post(
        f"/admin/accounts/{owner.username}/reset-authenticator", headers=admin.headers
    )
    assert reset.status_code == 200, reset.body
    page = lost_phone.get("/plan")
    assert page.status == 303 and page.location.startswith("/sign-in")
    assert client.http.get("/me/plan", headers=owner.headers).status_code == 401
