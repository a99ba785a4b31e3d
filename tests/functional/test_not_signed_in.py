"""Walk 15, problem 8: in a rolling group's first week the leader asks "who has not got in
yet?". A participant whose account was made at enrolment and who has not yet signed in and
chosen their own password is marked "Has not signed in yet" on the group page and the grid,
from the enrolment the page's one Query already reads. An enrolment of an account made
elsewhere, or from before this was recorded, says nothing."""

from __future__ import annotations

import json
import re

import boto3

from chalicelib.records.keys import group_pk, participant_sk
from tests.conftest import REGION
from tests.functional.test_own_password import NEW_PASSWORD, choose
from tests.functional.web_client import WebClient, signed_in

NOT_SIGNED_IN = "Has not signed in yet"


def _created(client, leader, group_id: str, username: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    created = client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": username, "create": True}),
    )
    assert created.status_code in (200, 201), created.body
    body = json.loads(created.body)
    return str(body["participant_id"]), str(body["temporary_password"])


def _flagged(body: str) -> list[str]:
    return [part.split('"', 1)[0] for part in body.split('id="new-')[1:]]


def test_the_group_page_and_the_grid_mark_who_has_not_signed_in_yet(
    client, published, leader, participant, stack
):
    made = client.http.post("/groups", headers=leader.headers, body=json.dumps({"name": "Tue"}))
    group_id = json.loads(made.body)["group_id"]
    assigned = client.http.post(
        f"/groups/{group_id}/assignments",
        headers=leader.headers,
        body=json.dumps({"module_id": "thinking-traps"}),
    )
    assert assigned.status_code in (200, 201), assigned.body
    rosa, temporary = _created(client, leader, group_id, "rosa.m")
    kai, _ = _created(client, leader, group_id, "kai.n")
    # An account made elsewhere (the participant fixture): not known, nothing said.
    enrolled = client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": participant.username}),
    )
    assert enrolled.status_code in (200, 201), enrolled.body
    # An enrolment from before this was recorded: made here, but nothing says so.
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(
        TableName=stack.records_table,
        Key={"PK": {"S": group_pk(group_id)}, "SK": {"S": participant_sk(kai)}},
        UpdateExpression="REMOVE new_account_at",
    )

    web = signed_in(client, leader)
    page = web.get(f"/leader/groups/{group_id}")
    assert _flagged(page.body) == [rosa]
    assert page.body.count(NOT_SIGNED_IN) == 1
    grid = web.get(f"/leader/groups/{group_id}/progress")
    assert grid.body.count(NOT_SIGNED_IN) == 1
    rosa_row = grid.body.split('<th scope="row" class="name"><bdi>rosa.m', 1)[1].split("</th>", 1)[
        0
    ]
    assert NOT_SIGNED_IN in rosa_row
    # The phone's list says it on their line, and only there.
    lines = re.findall(r"<summary><b><bdi>([^<]+)</bdi></b>(.*?)</summary>", grid.body)
    assert [name for name, rest in lines if "has not signed in yet" in rest] == ["rosa.m"], lines

    browser = WebClient(client)
    assert browser.sign_in("rosa.m", temporary).location == NEW_PASSWORD
    assert choose(browser, "Only-mine-2026x").status == 303
    assert NOT_SIGNED_IN not in web.get(f"/leader/groups/{group_id}").body
    after = web.get(f"/leader/groups/{group_id}/progress").body
    assert NOT_SIGNED_IN not in after and NOT_SIGNED_IN.lower() not in after
