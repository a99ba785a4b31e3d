"""Worksheet answers through the API: save, read back, limits, share and unshare, a leader's
"Before the session", answers across versions (a renamed field), export and deletion."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from steady_content import pipeline
from tests.conftest import CONTENT, Account, make_account, shipped_version

MODULE = "cravings-and-urge-surfing"
HELPERS = ["Ten slow breaths by the window", "Walk to the corner store and back without stopping"]
BODY_FEELING = "Tight chest, restless hands, dry mouth"


def call(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def save(client, account: Account, answers: dict, version: int | None = None, module: str = MODULE):  # type: ignore[no-untyped-def]
    return call(
        client,
        "PUT",
        f"/me/worksheets/{module}",
        account,
        {"version": version or shipped_version(module), "answers": answers},
    )


def field(body: dict, field_id: str) -> dict:
    return next(f for f in body["fields"] if f["id"] == field_id)


def test_save_and_read_back_with_the_version_written_in(client, published, participant, aws_calls):
    aws_calls.reset()
    status, body = save(
        client,
        participant,
        {"urge-start": 8, "urge-end": 3, "urge-in-body": BODY_FEELING, "urge-helpers": HELPERS},
    )
    assert status == 200, body
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # One read of the worksheet as it is, then one write on condition it is still that (the
    # worksheet, its saved-worksheets item and, when answers are replaced, the earlier save
    # together): what is stored after is known without reading it back. The first GetItem is
    # the sign-in's own check that the account is still allowed in, on every request.
    assert dynamodb == ["DynamoDB.GetItem", "DynamoDB.GetItem", "DynamoDB.TransactWriteItems"]
    version = shipped_version(MODULE)
    assert field(body, "urge-helpers")["answer"]["value"] == HELPERS
    assert field(body, "urge-helpers")["answer"]["version"] == version
    assert field(body, "urge-helpers")["answer"]["plan"] == "coping-skills"
    assert field(body, "urge-start")["answer"]["value"] == 8
    assert body["shared"] is False

    aws_calls.reset()
    status, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert status == 200
    assert set(n for n in aws_calls.names if n.startswith("DynamoDB.")) == {"DynamoDB.GetItem"}
    assert field(mine, "urge-in-body")["answer"]["value"] == BODY_FEELING

    # A later save of one field leaves the others; an empty value clears its answer.
    status, body = save(client, participant, {"urge-in-body": "", "urge-end": 2})
    assert status == 200
    assert field(body, "urge-in-body")["answer"] is None
    assert field(body, "urge-end")["answer"]["value"] == 2
    assert field(body, "urge-helpers")["answer"]["value"] == HELPERS


def test_saving_never_completes_and_completing_keeps_the_answers(client, published, participant):
    assert save(client, participant, {"urge-helpers": HELPERS})[0] == 200
    status, completions = call(client, "GET", "/me/completions", participant)
    assert completions["completions"] == []
    status, _ = call(
        client,
        "POST",
        "/me/completions",
        participant,
        {"module_id": MODULE, "version": shipped_version(MODULE)},
    )
    assert status == 201
    status, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert field(mine, "urge-helpers")["answer"]["value"] == HELPERS


@pytest.mark.parametrize(
    ("answers", "code", "named"),
    [
        ({"urge-in-body": "x" * 2001}, "answer_too_long", "urge-in-body"),
        ({"urge-helpers": ["a", "b", "c", "d", "e", "f"]}, "too_many_items", "urge-helpers"),
        ({"urge-helpers": ["y" * 1001, "z" * 1000]}, "answer_too_long", "urge-helpers"),
        ({"urge-start": 11}, "invalid_answer", "urge-start"),
        ({"urge-start": True}, "invalid_answer", "urge-start"),
        ({"urge-helpers": "not a list"}, "invalid_answer", "urge-helpers"),
        ({"urge-in-body": "bell\x07"}, "invalid_text", "answers"),  # the one text rule, at the edge
        ({"no-such-field": "x"}, "unknown_field", "no-such-field"),
    ],
)
def test_a_bad_answer_is_a_400_naming_the_field_and_nothing_is_saved(
    client, published, participant, answers, code, named
):
    status, body = save(client, participant, answers)
    assert status == 400
    assert body["error"]["code"] == code
    assert named in body["error"]["message"]
    _, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert all(f["answer"] is None for f in mine["fields"])


def test_a_bad_item_of_a_list_is_named_by_its_number(client, published, participant):
    status, body = save(client, participant, {"urge-helpers": ["Walk", "", "y" * 2001]})
    assert (status, body["error"]["code"]) == (400, "answer_too_long")
    assert body["error"]["message"].startswith("urge-helpers, item 3: is longer than 2000")


def test_two_bad_items_of_a_list_are_one_400_naming_the_first(client, published, participant):
    # The use case names every item at fault (the web form marks each row); the API answers
    # with the first, as for several fields.
    status, body = save(client, participant, {"urge-helpers": ["y" * 2001, "Walk", "z" * 2001]})
    assert status == 400 and set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == "answer_too_long"
    assert body["error"]["message"].startswith("urge-helpers, item 1: is longer than 2000")
    _, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert all(f["answer"] is None for f in mine["fields"])


def test_several_bad_answers_are_one_400_naming_the_first_and_nothing_is_saved(
    client, published, participant
):
    # The use case collects every field at fault (for the web form); the API still answers
    # one {"error": {"code", "message"}}: the first problem, in the order given.
    answers = {"urge-start": 11, "urge-in-body": "x" * 2001, "urge-end": 3}
    status, body = save(client, participant, answers)
    assert status == 400 and set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == "invalid_answer"
    assert body["error"]["message"] == "urge-start: is a whole number from 0 to 10."
    _, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert all(f["answer"] is None for f in mine["fields"])


def test_exactly_2000_characters_are_kept(client, published, participant):
    status, body = save(client, participant, {"urge-in-body": "é" * 2000})
    assert status == 200
    assert field(body, "urge-in-body")["answer"]["value"] == "é" * 2000


def test_a_module_without_a_worksheet_or_a_wrong_version(client, published, participant):
    status, body = save(client, participant, {"x": "y"}, version=1, module="thinking-traps")
    assert status in (400, 404)
    status, body = save(client, participant, {"urge-start": 1}, version=99)
    assert status == 404


def test_share_and_unshare(client, published, participant):
    status, body = call(
        client, "PUT", f"/me/worksheets/{MODULE}/sharing", participant, {"shared": True}
    )
    assert status == 404 and body["error"]["code"] == "worksheet_not_found"
    save(client, participant, {"urge-helpers": HELPERS})
    status, body = call(
        client, "PUT", f"/me/worksheets/{MODULE}/sharing", participant, {"shared": True}
    )
    assert status == 200 and body == {"module_id": MODULE, "shared": True}
    assert call(client, "GET", f"/me/worksheets/{MODULE}", participant)[1]["shared"] is True
    # Saving again keeps it shared; taking it back makes it private again.
    save(client, participant, {"urge-start": 4})
    assert call(client, "GET", f"/me/worksheets/{MODULE}", participant)[1]["shared"] is True
    status, body = call(
        client, "PUT", f"/me/worksheets/{MODULE}/sharing", participant, {"shared": False}
    )
    assert status == 200 and body["shared"] is False
    assert call(client, "GET", f"/me/worksheets/{MODULE}", participant)[1]["shared"] is False


def _group_with(client, leader: Account, *participants: Account) -> str:  # type: ignore[no-untyped-def]
    status, group = call(client, "POST", "/groups", leader, {"name": "Thursday group"})
    assert status == 201
    for n, p in enumerate(participants):
        status, _ = call(
            client,
            "POST",
            f"/groups/{group['group_id']}/participants",
            leader,
            {"username": p.username, "display_name": f"Person {n}"},
        )
        assert status == 201
    return str(group["group_id"])


def test_a_leader_never_sees_an_unshared_answer(
    client, published, leader, participant, other_participant, stack
):
    gid = _group_with(client, leader, participant, other_participant)
    save(client, participant, {"urge-helpers": HELPERS, "urge-in-body": BODY_FEELING})
    status, before = call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", leader)
    assert status == 200
    rows = {r["participant_id"]: r for r in before["participants"]}
    # Two of the four fields: started, not done (the grid's rule), and private.
    mine = rows[participant.id]
    assert (mine["done"], mine["started"], mine["answered"], mine["fields"]) == (False, True, 2, 4)
    assert mine["shared"] is False and mine["answers"] == []
    assert (rows[other_participant.id]["done"], rows[other_participant.id]["started"]) == (
        False,
        False,
    )
    assert HELPERS[0] not in json.dumps(before) and BODY_FEELING not in json.dumps(before)

    call(client, "PUT", f"/me/worksheets/{MODULE}/sharing", participant, {"shared": True})
    shared = call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", leader)[1]
    row = next(r for r in shared["participants"] if r["participant_id"] == participant.id)
    assert {a["field_id"]: a["value"] for a in row["answers"]}["urge-helpers"] == HELPERS

    call(client, "PUT", f"/me/worksheets/{MODULE}/sharing", participant, {"shared": False})
    again = call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", leader)[1]
    assert HELPERS[0] not in json.dumps(again)

    # A leader of another group sees nothing of this one.
    outsider = make_account(stack, "leader-outsider", "leaders")
    status, body = call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", outsider)
    assert status == 404 and HELPERS[0] not in json.dumps(body)
    # Participants cannot use it.
    assert call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", participant)[0] == 403


def test_before_the_session_for_15_participants_is_3_dynamodb_calls_and_audit_logged(
    client, published, leader, service, aws_calls
):
    from chalicelib.records.audit import new_entry

    status, group = call(client, "POST", "/groups", leader, {"name": "Fifteen"})
    gid = group["group_id"]
    for n in range(15):
        service.group_records.enrol(
            gid,
            f"p-{n:02d}",
            f"P{n}",
            "2026-01-01T00:00:00Z",
            new_entry(leader.id, {"leaders"}, "group.enrol", "2026-01-01T00:00:00Z"),
        )
    aws_calls.reset()
    status, body = call(client, "GET", f"/groups/{gid}/worksheets/{MODULE}", leader)
    assert status == 200 and len(body["participants"]) == 15
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # The audit entry and its copies under each participant go in one transaction (records/audit.py).
    assert sorted(dynamodb) == [
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.TransactWriteItems",
    ], dynamodb
    # Nobody shared: the page showed only whether each did the worksheet.
    audit = service.audit.page()[0]
    assert audit[0]["action"] == "worksheets.before_session.marks"
    assert audit[0]["actor_id"] == leader.id and len(audit[0]["participant_ids"]) == 15


def _publish_renamed(publisher, tmp_path: Path) -> int:  # type: ignore[no-untyped-def]
    """The next version of the module, with ``urge-helpers`` renamed ``ride-it-out``."""
    folder = tmp_path / "renamed" / "addiction"
    folder.mkdir(parents=True)
    text = (CONTENT / "addiction" / f"{MODULE}.md").read_text(encoding="utf-8")
    new = shipped_version(MODULE) + 1
    text = re.sub(r"^version: \d+$", f"version: {new}", text, count=1, flags=re.MULTILINE)
    text = re.sub(
        r"^changelog: .*$",
        'changelog: Renamed "urge-helpers" to "ride-it-out"; earlier answers stay in your plan.',
        text,
        count=1,
        flags=re.MULTILINE,
    )
    text = text.replace("- id: urge-helpers", "- id: ride-it-out")
    (folder / f"{MODULE}.md").write_text(text, encoding="utf-8")
    result = pipeline.lint(folder.parent)
    report = publisher.publish([m for m in result.modules if m.module_id == MODULE])
    assert report.ok
    return new


def test_a_field_renamed_in_a_new_version_keeps_the_earlier_answer(
    client, published, publisher, participant, tmp_path, library_clock
):
    from chalicelib.library import POINTER_TTL_SECONDS

    old = shipped_version(MODULE)
    save(client, participant, {"urge-helpers": HELPERS, "urge-start": 7})
    new = _publish_renamed(publisher, tmp_path)
    library_clock.advance(POINTER_TTL_SECONDS + 1)
    status, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert status == 200 and mine["version"] == new
    assert field(mine, "ride-it-out")["answer"] is None
    assert field(mine, "urge-start")["answer"]["version"] == old  # same id: still its answer
    earlier = {a["field_id"]: a for a in mine["earlier_answers"]}
    assert earlier["urge-helpers"]["value"] == HELPERS and earlier["urge-helpers"]["version"] == old
    assert earlier["urge-helpers"]["plan"] == "coping-skills"
    # Answering the new field records the new version, and the old answer stays.
    status, body = save(client, participant, {"ride-it-out": ["Call my sister"]}, version=new)
    assert status == 200
    assert field(body, "ride-it-out")["answer"]["version"] == new
    assert {a["field_id"] for a in body["earlier_answers"]} == {"urge-helpers"}
    # The old version's form still saves under the old id.
    assert save(client, participant, {"urge-helpers": HELPERS[:1]}, version=old)[0] == 200


def test_people_to_call_are_names_and_phones(client, published_all, participant):
    module = "asking-for-help"
    _, mine = call(client, "GET", f"/me/worksheets/{module}", participant)
    contact = next(f for f in mine["fields"] if f.get("item") == "contact")
    status, body = save(
        client,
        participant,
        {contact["id"]: [{"name": "Rosa (sponsor)", "phone": "+1 555-0134"}]},
        module=module,
    )
    assert status == 200, body
    assert field(body, contact["id"])["answer"]["value"] == [
        {"name": "Rosa (sponsor)", "phone": "+1 555-0134"}
    ]
    status, body = save(
        client, participant, {contact["id"]: [{"name": "Rosa", "phone": "call me"}]}, module=module
    )
    assert (
        status == 400
        and body["error"]["code"] == "invalid_contact_phone"
        and contact["id"] in body["error"]["message"]
    )
    # An extension is part of a number; a name may come alone, a number may not.
    people = [
        {"name": "Clinic front desk", "phone": "(555) 010-2020 ext. 4"},
        {"name": "Mom", "phone": ""},
    ]
    status, body = save(client, participant, {contact["id"]: people}, module=module)
    assert status == 200 and field(body, contact["id"])["answer"]["value"] == people, body
    status, body = save(
        client, participant, {contact["id"]: [{"name": "", "phone": "555 867 5309"}]}, module=module
    )
    assert (status, body["error"]["code"]) == (400, "contact_without_name")
    assert body["error"]["message"] == (
        f"{contact['id']}, item 1: has a phone number without a name: add a name for 555 867 5309."
    )


def test_export_everything_and_delete_it_both_audit_logged(
    client, published, participant, other_participant, service
):
    save(client, participant, {"urge-helpers": HELPERS, "urge-start": 6})
    save(client, other_participant, {"urge-helpers": ["Someone else's answer"]})
    status, body = call(client, "GET", "/me/worksheets", participant)
    assert status == 200
    [sheet] = body["worksheets"]
    assert sheet["module_id"] == MODULE
    assert {a["field_id"]: a["value"] for a in sheet["answers"]} == {
        "urge-helpers": HELPERS,
        "urge-start": 6,
    }
    assert "Someone else's answer" not in json.dumps(body)

    status, _ = call(client, "DELETE", "/me/worksheets", participant)
    assert status == 204
    assert call(client, "GET", "/me/worksheets", participant)[1] == {"worksheets": []}
    _, mine = call(client, "GET", f"/me/worksheets/{MODULE}", participant)
    assert all(f["answer"] is None for f in mine["fields"])
    # The other participant's answers are untouched.
    assert call(client, "GET", "/me/worksheets", other_participant)[1]["worksheets"][0]["answers"]
    actions = [e["action"] for e in service.audit.page()[0] if e["actor_id"] == participant.id]
    assert actions[:3] == ["worksheets.export", "worksheets.delete", "worksheets.export"]
    assert all(
        e["participant_ids"] == [participant.id]
        for e in service.audit.page()[0]
        if e["actor_id"] == participant.id
    )
