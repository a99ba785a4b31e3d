"""Usernames kept with group records: the API is not granted Cognito's ListUsers (a lookup by
account id; see ``chalicelib.accounts``), so an enrolment keeps the participant's username and
a leader item the leader's
(``records/groups.py``), and ``python -m chalicelib.upgrade usernames`` fills in the ones written
before that."""

from __future__ import annotations

import json
from html import unescape
from typing import Any

import boto3
import pytest

from chalicelib import aws as aws_clients
from chalicelib import upgrade
from chalicelib.errors import ServiceUnavailable
from chalicelib.records.keys import group_pk, leader_sk, participant_sk
from tests.conftest import REGION, Account, AwsCalls, make_account
from tests.functional.web_client import WebClient, error_summary, signed_in

# What giving a new temporary password asks Cognito, and nothing else: the account by the
# username its enrolment keeps (its id and role), then the change.
GIVE_CALLS = [
    "AdminGetUser",
    "AdminListGroupsForUser",
    "AdminSetUserPassword",
    "AdminUserGlobalSignOut",
]


# What a group leader's page says to that refusal (words.py), by the group's state.
NOT_RECORDED_ACTIVE = (
    "Steady doesn't have this participant's username on record yet. Enrol them again with "
    "their username (it keeps their progress), or ask your administrator."
)
NOT_RECORDED_ARCHIVED = (
    "Steady doesn't have this participant's username on record yet, so it can't give them a "
    "new temporary password. Ask your administrator."
)


def call(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


@pytest.fixture
def cognito_calls(service) -> AwsCalls:  # type: ignore[no-untyped-def]
    """The Cognito operations the service's client makes (by name, e.g. ``AdminGetUser``)."""
    return AwsCalls().attach(aws_clients.client("cognito-idp", service.settings.region))


def cognito_ops(calls: AwsCalls) -> list[str]:
    return [name.rsplit(".", 1)[1] for name in calls.names]


@pytest.fixture
def group_id(client, published, leader) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", "/groups", leader, {"name": "Tuesday evening group"})
    assert status == 201
    return str(body["group_id"])


def enrol(client, group_id: str, leader: Account, who: Account, name: str | None = "Sam R.") -> int:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"username": who.username}
    if name:
        body["display_name"] = name
    status, answer = call(client, "POST", f"/groups/{group_id}/participants", leader, body)
    assert status in (200, 201), answer
    return int(status)


def item(service, group_id: str, sk: str) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    return service.group_records.get_one(group_pk(group_id), sk, consistent=True)


def as_before_usernames_were_kept(service, group_id: str, sk: str) -> None:  # type: ignore[no-untyped-def]
    """Make an enrolment or a leader item look written by an older release (no username)."""
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=service.settings.records_table,
        Key={"PK": {"S": group_pk(group_id)}, "SK": {"S": sk}},
        UpdateExpression="REMOVE username",
        ConditionExpression="attribute_exists(PK)",
    )


def audited(service, action: str) -> int:  # type: ignore[no-untyped-def]
    return sum(e["action"] == action for e in service.audit.page(limit=500)[0])


def test_an_enrolment_keeps_the_participants_username(
    client, group_id, leader, participant, service
):
    enrol(client, group_id, leader, participant)
    member = service.group_records.get(group_id).member(participant.id)
    assert member.username == "participant-one"
    # Renamed by enrolling again (the API): the username stays.
    enrol(client, group_id, leader, participant, "Sam Q.")
    member = service.group_records.get(group_id).member(participant.id)
    assert (member.display_name, member.username) == ("Sam Q.", "participant-one")
    # A new account enrolled as it is created gets its username kept too.
    status, created = call(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": "new-person-1", "display_name": "Alex P.", "create": True},
    )
    assert status == 201
    member = service.group_records.get(group_id).member(created["participant_id"])
    assert member.username == "new-person-1"
    # The API's group detail shows participants as before (no usernames added to it).
    _, detail = call(client, "GET", f"/groups/{group_id}", leader)
    assert all("username" not in p for p in detail["participants"])


def test_enrolling_again_keeps_the_username_of_an_older_enrolment(
    client, group_id, leader, participant, service
):
    enrol(client, group_id, leader, participant)
    sk = participant_sk(participant.id)
    as_before_usernames_were_kept(service, group_id, sk)
    assert service.group_records.get(group_id).member(participant.id).username == ""

    # The web form (which renames no one) and the API without a name: "already in", the name
    # they have, and the username written; no audit entry, as nothing anyone did changed.
    browser = signed_in(client, leader)
    page = f"/leader/groups/{group_id}"
    again = browser.post(
        f"{page}/participants", {"csrf": browser.get(page).csrf(), "username": "participant-one"}
    )
    assert again.status == 303 and "done=already_enrolled" in again.location
    assert item(service, group_id, sk)["username"] == "participant-one"
    assert item(service, group_id, sk)["display_name"] == "Sam R."
    assert audited(service, "enrolment.add") == 1
    as_before_usernames_were_kept(service, group_id, sk)
    assert enrol(client, group_id, leader, participant, name=None) == 200
    assert item(service, group_id, sk)["username"] == "participant-one"
    assert audited(service, "enrolment.add") == 1


def test_a_new_temporary_password_asks_cognito_for_no_one_by_account_id(
    client, group_id, leader, participant, service, cognito_calls
):
    enrol(client, group_id, leader, participant)
    cognito_calls.reset()
    path = f"/groups/{group_id}/participants/{participant.id}/temporary-password"
    status, body = call(client, "POST", path, leader)
    assert status == 200 and body["username"] == "participant-one"
    assert cognito_ops(cognito_calls) == GIVE_CALLS  # no ListUsers
    assert WebClient(client).sign_in("participant-one", body["temporary_password"]).location == (
        "/sign-in/new-password"
    )

    # The group page names its leaders from the group's records alone.
    cognito_calls.reset()
    browser = signed_in(client, leader)
    cognito_calls.reset()
    assert browser.get(f"/leader/groups/{group_id}").status == 200
    assert "ListUsers" not in cognito_ops(cognito_calls)


def test_an_older_enrolment_without_a_username_is_refused_until_it_has_one(
    client, group_id, leader, participant, service, cognito_calls
):
    """Never a lookup by id, never a 5xx: a 409 that says what to do, and nothing changed."""
    enrol(client, group_id, leader, participant)
    as_before_usernames_were_kept(service, group_id, participant_sk(participant.id))
    cognito_calls.reset()
    path = f"/groups/{group_id}/participants/{participant.id}/temporary-password"
    status, body = call(client, "POST", path, leader)
    assert (status, body["error"]["code"]) == (409, "username_not_recorded")
    assert "enrol them again with their username" in body["error"]["message"]
    assert "usernames upgrade step" in body["error"]["message"]
    assert cognito_ops(cognito_calls) == []
    assert audited(service, "account.temporary_password") == 0
    assert WebClient(client).sign_in("participant-one").status == 303  # password unchanged

    # The web form: the group page again, the refusal named.
    browser = signed_in(client, leader)
    page = f"/leader/groups/{group_id}"
    refused = browser.post(
        f"{page}/participants/{participant.id}/temporary-password",
        {"csrf": browser.get(page).csrf()},
    )
    assert refused.status == 409
    [(field, text)] = error_summary(refused)
    # In a counsellor's words, not the operator's.
    assert (field, unescape(text)) == ("participants", NOT_RECORDED_ACTIVE)

    # An archived group takes no enrolments: neither the API nor the page says to enrol again.
    assert call(client, "PATCH", f"/groups/{group_id}", leader, {"archived": True})[0] == 200
    status, body = call(client, "POST", path, leader)
    assert (status, body["error"]["code"]) == (409, "username_not_recorded")
    assert "usernames upgrade step" in body["error"]["message"]
    assert "enrol them again" not in body["error"]["message"]
    refused = browser.post(
        f"{page}/participants/{participant.id}/temporary-password",
        {"csrf": browser.get(page).csrf()},
    )
    assert refused.status == 409
    [(field, text)] = error_summary(refused)
    assert (field, unescape(text)) == ("participants", NOT_RECORDED_ARCHIVED)
    assert call(client, "PATCH", f"/groups/{group_id}", leader, {"archived": False})[0] == 200

    # Once the upgrade step has run, it is given.
    assert upgrade.member_usernames(
        service.group_records, service.accounts.every_in_role("participants")
    ) == (1, 1, 0)
    status, body = call(client, "POST", path, leader)
    assert status == 200 and body["username"] == "participant-one"


def test_the_usernames_step_fills_older_records_once_and_never_overwrites(
    client, group_id, leader, participant, other_participant, service, stack, capsys, monkeypatch
):
    second = make_account(stack, "leader-two", "leaders")
    status, _ = call(
        client, "POST", f"/groups/{group_id}/leaders", leader, {"username": "leader-two"}
    )
    assert status == 201
    status, other = call(client, "POST", "/groups", leader, {"name": "Thursday group"})
    other_group = str(other["group_id"])
    for gid in (group_id, other_group):
        enrol(client, gid, leader, participant)
    enrol(client, group_id, leader, other_participant, "Jo T.")
    older = [
        (group_id, participant_sk(participant.id)),
        (other_group, participant_sk(participant.id)),
        (group_id, participant_sk(other_participant.id)),
        (group_id, leader_sk(leader.id)),
        (group_id, leader_sk(second.id)),
        (other_group, leader_sk(leader.id)),
    ]
    for gid, sk in older:
        as_before_usernames_were_kept(service, gid, sk)
    environ = {
        "AWS_REGION": REGION,
        "STEADY_RECORDS_TABLE": stack.records_table,
        "STEADY_USER_POOL_ID": stack.user_pool_id,
    }
    dynamodb = AwsCalls().attach(aws_clients.client("dynamodb", service.settings.region))

    assert upgrade.main(["usernames"], environ) == 0
    out = capsys.readouterr().out
    assert "usernames: 2 participants, 3 enrolments filled, 0 not done" in out
    assert "usernames: 2 group leaders, 3 leader items filled, 0 not done" in out
    assert participant.id not in out and "participant-one" not in out  # counts only
    expected = {
        participant_sk(participant.id): "participant-one",
        participant_sk(other_participant.id): "participant-two",
        leader_sk(leader.id): "leader-one",
        leader_sk(second.id): "leader-two",
    }
    for gid, sk in older:
        assert item(service, gid, sk)["username"] == expected[sk]
    assert "DynamoDB.Scan" not in dynamodb.names

    # Again: nothing left to fill, nothing changed.
    assert upgrade.main(["usernames"], environ) == 0
    out = capsys.readouterr().out
    assert "usernames: 2 participants, 0 enrolments filled, 0 not done" in out
    assert "usernames: 2 group leaders, 0 leader items filled, 0 not done" in out

    # A username written meanwhile is never overwritten; someone removed meanwhile is never
    # brought back.
    records = service.group_records
    as_before_usernames_were_kept(service, group_id, participant_sk(other_participant.id))
    assert records.fill_member_username(group_id, other_participant.id, "someone-else")
    assert not records.fill_member_username(group_id, other_participant.id, "participant-two")
    assert item(service, group_id, participant_sk(other_participant.id))["username"] == (
        "someone-else"
    )
    status, _ = call(
        client, "DELETE", f"/groups/{group_id}/participants/{other_participant.id}", leader
    )
    assert status in (200, 204)
    assert not records.fill_member_username(group_id, other_participant.id, "participant-two")
    assert item(service, group_id, participant_sk(other_participant.id)) is None
    assert not records.fill_leader_username(group_id, "no-such-leader", "leader-three")
    assert item(service, group_id, leader_sk("no-such-leader")) is None

    # One it cannot do now is counted, the others go on, and the exit status says so.
    as_before_usernames_were_kept(service, other_group, participant_sk(participant.id))
    groups_of = records.groups_of_participant

    def unavailable_for_one(participant_id: str) -> list[str]:
        if participant_id == other_participant.id:
            raise ServiceUnavailable("Records are unavailable right now.")
        return groups_of(participant_id)

    monkeypatch.setattr(records, "groups_of_participant", unavailable_for_one)
    assert upgrade.main(["usernames"], environ) == 1
    out = capsys.readouterr().out
    assert "usernames: 1 participants, 1 enrolments filled, 1 not done" in out
    assert item(service, other_group, participant_sk(participant.id))["username"] == (
        "participant-one"
    )
    assert upgrade.main(["names"], environ) == 2
    assert "usernames" in capsys.readouterr().err


def test_a_page_of_accounts_cognito_cannot_give_is_counted_and_the_step_exits_1(
    client, group_id, leader, participant, other_participant, service, stack, capsys, monkeypatch
):
    """Cognito failing while the step pages through a role's accounts stops that listing, not
    the step: what was listed is done, the line says the rest were not listed (no names), the
    next listing goes on, and it exits 1 (both steps)."""
    for who in (participant, other_participant):
        enrol(client, group_id, leader, who)
        as_before_usernames_were_kept(service, group_id, participant_sk(who.id))
    as_before_usernames_were_kept(service, group_id, leader_sk(leader.id))
    list_role = service.accounts.list_role

    def one_page_then_unavailable(role: str, page_token: str | None = None):  # type: ignore[no-untyped-def]
        if role != "participants":
            return list_role(role, page_token)
        if page_token is None:
            accounts, _ = list_role(role)
            return [a for a in accounts if a.id == participant.id], "next-page"
        raise ServiceUnavailable("Accounts are unavailable right now. Try again shortly.")

    monkeypatch.setattr(service.accounts, "list_role", one_page_then_unavailable)
    environ = {
        "AWS_REGION": REGION,
        "STEADY_RECORDS_TABLE": stack.records_table,
        "STEADY_USER_POOL_ID": stack.user_pool_id,
    }
    assert upgrade.main(["usernames"], environ) == 1
    out = capsys.readouterr().out
    assert (
        "usernames: 1 participants, 1 enrolments filled, 0 not done, "
        "the rest not listed (Cognito unavailable)"
    ) in out
    assert "usernames: 1 group leaders, 1 leader items filled, 0 not done\n" in out
    for name in ("participant-one", "participant-two", participant.id, other_participant.id):
        assert name not in out
    assert item(service, group_id, participant_sk(participant.id))["username"] == "participant-one"
    assert "username" not in item(service, group_id, participant_sk(other_participant.id))
    assert item(service, group_id, leader_sk(leader.id))["username"] == "leader-one"

    assert upgrade.main(["saved-worksheets"], environ) == 1
    assert (
        "saved-worksheets: 1 participants, 0 worksheets, 0 not done, "
        "the rest not listed (Cognito unavailable)"
    ) in capsys.readouterr().out
