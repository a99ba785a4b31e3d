"""Disabling an account ends its access; enabling it again restores it (issue 13).

Time is injected: every container here runs on one ``chalicelib.clock.Clock`` (the tests'
``FakeClock``) whose wall and monotonic times move only when a test says so; Cognito (moto)
issues tokens on real time, which the injected clock starts from.
"""

from __future__ import annotations

import json
import time

import boto3
import pytest

from chalicelib import access, services
from chalicelib.identity import TokenVerifier
from steady_local.provision import sign_in
from tests.conftest import (
    REGION,
    Account,
    FakeClock,
    fetch_jwks_through_moto,
    make_account,
    settings_for,
)
from tests.functional.web_client import WebClient

STEP_SECONDS = 10


@pytest.fixture
def now(library_clock: FakeClock) -> FakeClock:
    """The one injected clock: real time (Cognito issues tokens on it) plus what the test added."""
    return library_clock


def build(stack, now: FakeClock) -> services.Services:  # type: ignore[no-untyped-def]
    """One container's services (its own caches), on the shared injected clock."""
    settings = settings_for(stack)
    return services.Services.build(
        settings, TokenVerifier(settings, fetch_jwks_through_moto, clock=now), clock=now
    )


@pytest.fixture
def container(stack, now):  # type: ignore[no-untyped-def]
    built = build(stack, now)
    services.use(built)
    yield built
    services.use(None)


@pytest.fixture
def api(container):  # type: ignore[no-untyped-def]
    from chalice.test import Client

    from app import app
    from tests.conftest import ROOT

    with Client(app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client


@pytest.fixture
def admin(stack) -> Account:  # type: ignore[no-untyped-def]
    return make_account(stack, "admin-one", "admins")


def on(
    container: services.Services,
    api,
    method: str,
    path: str,
    account: Account,
    body: dict | None = None,
):  # type: ignore[no-untyped-def]
    """A request served by ``container`` (a Lambda container of its own)."""
    services.use(container)
    return getattr(api.http, method)(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )


def code_of(response) -> str:  # type: ignore[no-untyped-def]
    return json.loads(response.body)["error"]["code"]


def test_a_disabled_participants_token_is_refused_at_once_here_and_within_five_minutes_everywhere(
    stack, published, container, api, admin, now, participant, capsys
):
    other = build(stack, now)  # a second container, warm: it has served this participant
    assert on(container, api, "get", "/me/completions", participant).status_code == 200
    assert on(other, api, "get", "/me/completions", participant).status_code == 200

    disabled = on(container, api, "post", f"/admin/accounts/{participant.username}/disable", admin)
    assert disabled.status_code == 200 and json.loads(disabled.body)["enabled"] is False
    disabled_at = now.offset

    # The container that handled the disable: at once.
    refused = on(container, api, "get", "/me/completions", participant)
    assert (refused.status_code, code_of(refused)) == (401, "signed_out")
    # A cold container reads the record at once too.
    assert on(build(stack, now), api, "get", "/me/completions", participant).status_code == 401
    # The warm container: once its remembered answer is REMEMBER_SECONDS old, never later.
    while on(other, api, "get", "/me/completions", participant).status_code == 200:
        now.advance(STEP_SECONDS)
        assert (now.offset - disabled_at).total_seconds() <= access.REMEMBER_SECONDS + STEP_SECONDS
    waited = (
        now.offset - disabled_at
    ).total_seconds()  # injected time; real time adds milliseconds
    assert 0 < waited <= access.REMEMBER_SECONDS
    assert code_of(on(other, api, "get", "/me/completions", participant)) == "signed_out"
    with capsys.disabled():
        print(
            f"\naccess ends: refused 0 s after the disable on the container that handled it, "
            f"0 s on a cold one, {waited:.0f} s on a warm one (limit {access.REMEMBER_SECONDS} s)"
        )


def test_a_participants_requests_cost_no_cognito_call_and_one_read_per_five_minutes(
    stack, published, container, api, participant, now
):
    from chalicelib import aws as aws_clients
    from tests.conftest import AwsCalls

    calls = AwsCalls().attach(
        aws_clients.client("dynamodb", REGION), aws_clients.client("cognito-idp", REGION)
    )
    for _ in range(3):
        assert on(container, api, "get", "/me/completions", participant).status_code == 200
    assert calls.names.count("DynamoDB.GetItem") == 1
    assert not [n for n in calls.names if n.startswith("Cognito")]
    calls.reset()
    now.advance(access.REMEMBER_SECONDS)
    assert on(container, api, "get", "/me/completions", participant).status_code == 200
    assert calls.names.count("DynamoDB.GetItem") == 1


def test_disabling_signs_out_everywhere_and_ends_web_sessions_at_once(
    stack, published, client, admin, participant
):
    from chalicelib import sign_in as web_session

    browser = WebClient(client)
    assert browser.sign_in(participant.username).location == "/"
    session_id = browser.cookies["steady_session"]
    stored = web_session.records().get(session_id)
    assert stored is not None and browser.get("/").status == 200

    response = client.http.post(
        f"/admin/accounts/{participant.username}/disable", headers=admin.headers
    )
    assert response.status_code == 200

    assert web_session.records().get(session_id) is None  # gone for every container
    assert browser.get("/").location == "/sign-in"
    # Signed out everywhere: the refresh token no longer gives a token; sign-in is refused.
    assert services.current().accounts.refresh(stored.refresh_token) is None
    again = WebClient(client).sign_in(participant.username)
    assert again.status == 400 and "do not match" in again.body


def test_a_disabled_leader_is_refused_and_re_enabling_restores_access_with_both_changes_audited(
    stack, published, container, api, admin, leader, now, monkeypatch
):
    assert on(container, api, "get", "/groups", leader).status_code == 200

    assert (
        on(container, api, "post", f"/admin/accounts/{leader.username}/disable", admin).status_code
        == 200
    )
    refused = on(container, api, "post", "/groups", leader, {"name": "After the disable"})
    assert (refused.status_code, code_of(refused)) == (401, "signed_out")

    enabled = on(container, api, "post", f"/admin/accounts/{leader.username}/enable", admin)
    assert enabled.status_code == 200 and json.loads(enabled.body)["enabled"] is True
    # The old token stays ended: it was issued before the disable.
    assert on(container, api, "get", "/groups", leader).status_code == 401
    # A new sign-in works. Token times are whole seconds and a token from the disable's own
    # second is refused, so Cognito's clock (moto's) is two seconds on here.
    import moto.cognitoidp.models as moto_cognito

    class Later:
        @staticmethod
        def time() -> float:
            return time.time() + 2

    monkeypatch.setattr(moto_cognito, "time", Later)
    cognito = boto3.client("cognito-idp", region_name=REGION)
    fresh = Account(
        leader.username,
        leader.id,
        sign_in(cognito, stack, leader.username, "Correct-horse-42", leader.authenticator),
    )
    assert on(container, api, "get", "/groups", fresh).status_code == 200

    entries = json.loads(on(container, api, "get", "/admin/audit", admin).body)["entries"]
    changes = [
        (e["action"], e["detail"]["account_id"])
        for e in entries
        if e["action"].startswith("account.")
    ]
    assert changes[:2] == [
        ("account.enable", leader.id),
        ("account.disable", leader.id),
    ]  # newest first
    assert all(e["actor_id"] == admin.id for e in entries if e["action"].startswith("account."))


def test_the_two_step_check_honours_a_disable_made_in_cognito_itself(
    stack, published, container, api, leader, library_clock
):
    from chalicelib.mfa import REMEMBER_SECONDS

    assert on(container, api, "get", "/groups", leader).status_code == 200
    boto3.client("cognito-idp", region_name=REGION).admin_disable_user(
        UserPoolId=stack.user_pool_id, Username=leader.username
    )
    library_clock.advance(REMEMBER_SECONDS)
    refused = on(container, api, "get", "/groups", leader)
    assert (refused.status_code, code_of(refused)) == (401, "account_disabled")


def test_admins_disable_any_role_but_not_themselves(stack, published, client, admin):
    author = make_account(stack, "author-one", "authors")
    other_admin = make_account(stack, "admin-two", "admins")
    for account in (author, other_admin):
        assert (
            client.http.post(
                f"/admin/accounts/{account.username}/disable", headers=admin.headers
            ).status_code
            == 200
        )
        assert client.http.get("/modules", headers=account.headers).status_code == 401
    own = client.http.post(f"/admin/accounts/{admin.username}/disable", headers=admin.headers)
    assert (own.status_code, code_of(own)) == (400, "own_account")
    missing = client.http.post("/admin/accounts/nobody-here/enable", headers=admin.headers)
    assert missing.status_code == 404


def test_a_new_temporary_password_ends_the_participants_earlier_tokens(
    stack, published, container, api, now, participant
):
    """A leader gives a new password because a phone was lost or shared: what was signed in
    there stops working, the API's bearer tokens included (not only the web sessions)."""
    leader = make_account(stack, "leader-resets", "leaders")
    made = on(container, api, "post", "/groups", leader, {"name": "Tuesday evening group"})
    group = json.loads(made.body)["group_id"]
    enrolled = on(
        container,
        api,
        "post",
        f"/groups/{group}/participants",
        leader,
        {"username": participant.username},
    )
    assert enrolled.status_code == 201
    assert on(container, api, "get", "/me/completions", participant).status_code == 200
    now.advance(1)  # the reset comes after the token was issued

    given = on(
        container,
        api,
        "post",
        f"/groups/{group}/participants/{participant.id}/temporary-password",
        leader,
    )
    assert given.status_code == 200
    refused = on(container, api, "get", "/me/completions", participant)
    assert (refused.status_code, code_of(refused)) == (401, "signed_out")


def test_a_turned_off_participant_is_marked_on_the_group_page_and_gets_no_temporary_password(
    stack, published, client, admin, participant, service
):
    """Walk-through 14, problem 15: the leader saw nothing and handed out a temporary password
    that could not work. The group page marks the account (from the enrolment it reads
    anyway: no Cognito call per participant), the confirmation page and the action (web and
    API) refuse with the reason and change nothing, and turning it on clears the mark."""
    from tests.functional.web_client import signed_in

    leader = make_account(stack, "leader-sees-off", "leaders")
    made = client.http.post(
        "/groups", headers=leader.headers, body=json.dumps({"name": "Tuesday evening group"})
    )
    group = json.loads(made.body)["group_id"]
    enrolled = client.http.post(
        f"/groups/{group}/participants",
        headers=leader.headers,
        body=json.dumps({"username": participant.username, "display_name": "Alex R."}),
    )
    assert enrolled.status_code == 201
    web = signed_in(client, leader)
    page_path = f"/leader/groups/{group}"
    action = f"{page_path}/participants/{participant.id}/temporary-password"
    on_page = web.get(page_path).body
    assert "Account turned off" not in on_page and action in on_page

    disabled = client.http.post(
        f"/admin/accounts/{participant.username}/disable", headers=admin.headers
    )
    assert disabled.status_code == 200
    page = web.get(page_path)
    row = page.body[page.body.index(f'id="p-{participant.id}"') :]
    row = row[: row.index("</li>")]
    assert "Account turned off by an administrator" in row
    assert action not in row  # no link to a password that could not work
    confirm = web.get(action)
    assert confirm.status == 409 and "a new temporary password would not work" in confirm.body

    def temporary_passwords() -> list[dict]:
        entries = service.audit.page(limit=100)[0]
        return [e for e in entries if e["action"] == "account.temporary_password"]

    # A form sent anyway (the page opened before the disable), and the API: refused too.
    sent = web.post(action, {"csrf": page.csrf()})
    assert sent.status == 409 and "Account turned off by an administrator" in sent.body
    api = client.http.post(
        f"/groups/{group}/participants/{participant.id}/temporary-password",
        headers=leader.headers,
    )
    assert (api.status_code, code_of(api)) == (409, "account_turned_off")
    assert temporary_passwords() == []  # nothing changed, nothing logged

    # The sign-in does not say the account is off: Cognito refuses a disabled account before
    # it checks the password, so the words would tell anyone who typed the username.
    right = WebClient(client).sign_in(participant.username)
    wrong = WebClient(client).sign_in(participant.username, "Not-the-password-9")
    assert right.status == wrong.status == 400
    assert "do not match" in right.body and "turned off" not in right.body

    enabled = client.http.post(
        f"/admin/accounts/{participant.username}/enable", headers=admin.headers
    )
    assert enabled.status_code == 200
    on_page = web.get(page_path).body
    assert "Account turned off" not in on_page and action in on_page


def test_a_turned_off_participant_enrolled_in_a_new_group_afterwards_is_marked_there_too(
    stack, published, client, admin, participant, service, library_clock
):
    """The disable marks the groups they are in then; a group they are enrolled in (by
    username) an hour later is marked by the enrolment itself, with the time of the disable,
    and turning the account on clears that mark too."""
    from tests.functional.web_client import signed_in

    before = library_clock.iso_seconds()
    disabled = client.http.post(
        f"/admin/accounts/{participant.username}/disable", headers=admin.headers
    )
    assert disabled.status_code == 200
    after = library_clock.iso_seconds()
    library_clock.advance(3600)

    leader = make_account(stack, "leader-new-group", "leaders")
    made = client.http.post(
        "/groups", headers=leader.headers, body=json.dumps({"name": "Thursday group"})
    )
    group = json.loads(made.body)["group_id"]
    enrolled = client.http.post(
        f"/groups/{group}/participants",
        headers=leader.headers,
        body=json.dumps({"username": participant.username, "display_name": "Alex R."}),
    )
    assert enrolled.status_code == 201
    (member,) = service.groups.records.get(group).participants
    assert before <= member.account_off_at <= after  # the disable's time, not the enrolment's

    web = signed_in(client, leader)
    page_path = f"/leader/groups/{group}"
    action = f"{page_path}/participants/{participant.id}/temporary-password"
    page = web.get(page_path)
    row = page.body[page.body.index(f'id="p-{participant.id}"') :]
    row = row[: row.index("</li>")]
    assert "Account turned off by an administrator" in row and action not in row

    enabled = client.http.post(
        f"/admin/accounts/{participant.username}/enable", headers=admin.headers
    )
    assert enabled.status_code == 200
    on_page = web.get(page_path).body
    assert "Account turned off" not in on_page and action in on_page
