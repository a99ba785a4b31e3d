"""Usernames in any case: "Jordan.k" signs in as ``jordan.k`` (walk-through 12, item 7).

Production's Cognito pool is case-insensitive, the local stand-in (moto) is not, and phone
keyboards capitalise the first letter: every username typed is folded to lower case where it
comes in (``accounts.check_username``), at sign-in, enrol, add a leader and an admin's account
work, in the web app and the JSON API alike; a new account is created in lower case.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.conftest import REGION, Account, make_account
from tests.functional.test_leader_pages import (
    create_account,
    handouts,
    leaders_listed,
    new_group,
)
from tests.functional.web_client import WebClient, signed_in


def call(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def api_group(client, leader: Account) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", "/groups", leader, {"name": "Thursday morning"})
    assert status == 201, body
    return str(body["group_id"])


def cognito_username(stack, username: str) -> str:  # type: ignore[no-untyped-def]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    return str(cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)["Username"])


@pytest.mark.parametrize("typed", ["Participant-One", "PARTICIPANT-ONE", " participant-One "])
def test_a_username_signs_in_in_any_case(client, participant, typed):
    browser = WebClient(client)
    assert browser.sign_in(typed).location == "/"
    assert browser.get("/").status == 200


def test_a_leader_signs_in_in_any_case_and_is_asked_for_the_code(client, leader):
    browser = WebClient(client)
    assert browser.sign_in("Leader-One").location == "/sign-in/code"
    assert browser.enter_code(leader.authenticator).location == "/leader"  # type: ignore[arg-type]


def test_a_wrong_password_is_still_refused_in_any_case(client, participant):
    refused = WebClient(client).sign_in("Participant-One", "Wrong-horse-42")
    assert refused.status == 400
    assert "That username and password do not match." in refused.body


def test_enrolling_an_existing_account_in_capitals_finds_it(client, published, leader, participant):
    browser = signed_in(client, leader)
    group = new_group(browser)
    page = browser.post(
        f"{group}/participants",
        {"csrf": browser.get(group).csrf(), "username": "Participant-ONE", "display_name": "Sam"},
    )
    assert page.status == 303, page.body[:2000]
    shown = browser.get(group)
    assert "Sam" in shown.body and "There is no account" not in shown.body
    # The JSON API too: the same account, already in the group.
    group_id = group.rsplit("/", 1)[1]
    status, body = call(
        client, "POST", f"/groups/{group_id}/participants", leader, {"username": "PARTICIPANT-one"}
    )
    assert status == 200, body
    assert (body["participant_id"], body["username"]) == (participant.id, "participant-one")


def test_adding_a_co_leader_in_capitals_finds_them(client, published, leader, stack):
    make_account(stack, "casey.lead", "leaders")
    browser = signed_in(client, leader)
    group = new_group(browser)
    added = browser.post(
        f"{group}/leaders", {"csrf": browser.get(group).csrf(), "leader_username": "CASEY.LEAD"}
    )
    assert added.status == 303, added.body[:2000]
    assert leaders_listed(browser.get(group)) == ["leader-one (you)", "casey.lead"]

    robin = make_account(stack, "robin.lead", "leaders")
    group_id = api_group(client, leader)
    status, body = call(
        client, "POST", f"/groups/{group_id}/leaders", leader, {"username": "Robin.Lead"}
    )
    assert status == 201, body
    assert body["leader_id"] == robin.id


def test_a_new_account_typed_with_capitals_is_made_in_lower_case(client, published, leader, stack):
    browser = signed_in(client, leader)
    group = new_group(browser)
    created = create_account(browser, group, "Maria.G", "Maria G.")
    assert created.status == 303, created.body[:2000]
    page = browser.get(group)
    password = handouts(page)["maria.g"]
    assert "Maria.G" not in page.body
    assert cognito_username(stack, "maria.g") == "maria.g"
    # She signs in as she wrote it, or in lower case.
    assert WebClient(client).sign_in("Maria.G", password).location == "/sign-in/new-password"

    # Through the API: the same, and the capitals find the account made that way.
    group_id = api_group(client, leader)
    status, body = call(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": "Jose.N", "create": True},
    )
    assert status == 201, body
    assert body["username"] == "jose.n" and body["display_name"] == "jose.n"
    taken = call(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": "JOSE.N", "create": True},
    )
    assert taken[0] == 409 and taken[1]["error"]["code"] == "username_taken"


def test_an_admin_creates_and_manages_an_account_in_any_case(client, published, stack):
    admin = make_account(stack, "admin-one", "admins")
    status, body = call(
        client, "POST", "/admin/accounts", admin, {"username": "Casey.Lead", "role": "leaders"}
    )
    assert status == 201, body
    assert body["username"] == "casey.lead"
    assert cognito_username(stack, "casey.lead") == "casey.lead"
    again: dict[str, Any] = {"username": "CASEY.LEAD", "role": "leaders"}
    assert call(client, "POST", "/admin/accounts", admin, again)[0] == 409
    status, body = call(client, "POST", "/admin/accounts/CASEY.LEAD/disable", admin)
    assert status == 200 and body["enabled"] is False, body
    status, body = call(client, "POST", "/admin/accounts/Casey.Lead/enable", admin)
    assert status == 200 and body["enabled"] is True, body
