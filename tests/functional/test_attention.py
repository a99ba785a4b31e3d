"""Needs attention through the API: the reasons a leader sees, marking one as seen (audit-logged,
back when the situation changes), the group's own number of days, the DynamoDB calls."""

from __future__ import annotations

from typing import Any

from tests.conftest import dated_on, joined_on, make_account, shipped_version
from tests.functional import test_groups
from tests.functional.test_groups import assign, call, enrol

group = test_groups.group  # fixtures
today = test_groups.today

DAY = 86400
WORKSHEET_MODULE = "cravings-and-urge-surfing"


def attention(client, group_id, leader) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/attention", leader)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def reasons(
    body: dict[str, Any], participant_id: str, only_open: bool = True
) -> dict[str, dict[str, Any]]:
    row = next((p for p in body["participants"] if p["participant_id"] == participant_id), None)
    if row is None:
        return {}
    return {r["reason"]: r for r in row["reasons"] if not (only_open and r["seen"])}


def wrong_answers(service, module_id: str, version: int) -> list[int]:  # type: ignore[no-untyped-def]
    questions = service.library.version(module_id, version).document["knowledge_check"]
    return [(q["answer"] + 1) % len(q["choices"]) for q in questions]


def test_reasons_marks_and_the_groups_setting(
    client, group, leader, participant, other_participant, library_clock, service, aws_calls, stack
):
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant, "Jo K.")
    for member in (participant, other_participant):  # in the group before the readings fell due
        joined_on(group, member.id, "2026-11-17T15:00:00+00:00")
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-18")
    assign(client, group, leader, module_id="asking-for-what-you-need", due_date="2026-11-19")
    assign(client, group, leader, module_id=WORKSHEET_MODULE)
    dated_on(group, "2026-11-17T16:00:00+00:00")  # assigned before the dates passed

    # Jo completes one of the two overdue modules (missing the knowledge check): one overdue only.
    version = shipped_version("thinking-traps")
    status, _ = call(
        client,
        "POST",
        "/me/completions",
        other_participant,
        {
            "module_id": "thinking-traps",
            "version": version,
            "answers": wrong_answers(service, "thinking-traps", version),
        },
    )
    assert status == 201
    checks = service.completions.completed_versions([other_participant.id])[
        other_participant.id
    ].checks
    assert checks["thinking-traps"][version][-1].missed
    # Sam writes one field of the worksheet, and leaves it.
    status, _ = call(
        client,
        "PUT",
        f"/me/worksheets/{WORKSHEET_MODULE}",
        participant,
        {"version": shipped_version(WORKSHEET_MODULE), "answers": {"urge-in-body": "tight chest"}},
    )
    assert status == 200

    body = attention(client, group, leader)
    assert body["inactive_days"] == 5 and body["needs_attention"] == 1
    assert set(reasons(body, participant.id)) == {"overdue"}
    assert reasons(body, participant.id)["overdue"]["module_ids"] == [
        "asking-for-what-you-need",
        "thinking-traps",
    ]
    assert reasons(body, other_participant.id) == {}

    library_clock.advance(6 * DAY)
    body = attention(client, group, leader)
    sam = reasons(body, participant.id)
    assert set(sam) == {"overdue", "no_activity", "worksheet_half_done"}
    assert sam["no_activity"]["days"] == 6
    assert sam["worksheet_half_done"]["module_ids"] == [WORKSHEET_MODULE]
    # A reason about a module names it; the overdue count does not (the grid shows which).
    assert (
        sam["worksheet_half_done"]["text"] == "Worksheet left half done: Cravings and urge surfing"
    )
    assert sam["overdue"]["text"] == "2 overdue"
    assert set(reasons(body, other_participant.id)) == {"no_activity"}
    assert body["needs_attention"] == 2

    # Marked as seen: quiet while nothing changes, and audit-logged.
    status, seen = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {
            "participant_id": participant.id,
            "reason": "overdue",
            "fingerprint": sam["overdue"]["fingerprint"],
        },
    )
    assert (status, seen["seen"], seen["reason"]) == (200, True, "overdue")
    body = attention(client, group, leader)
    assert "overdue" not in reasons(body, participant.id)
    assert reasons(body, participant.id, only_open=False)["overdue"]["seen"] is True
    _, access = call(client, "GET", "/me/access", participant)
    assert "group.attention.seen" in [e["action"] for e in access["entries"]]

    # A stale fingerprint, a reason that does not apply, someone not in the group: nothing marked.
    status, error = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {"participant_id": participant.id, "reason": "no_activity", "fingerprint": "0" * 20},
    )
    assert (status, error["error"]["code"]) == (409, "situation_changed")
    status, error = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {"participant_id": participant.id, "reason": "knowledge_check_missed"},
    )
    assert (status, error["error"]["code"]) == (409, "reason_not_current")
    status, error = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {"participant_id": "someone-else", "reason": "overdue"},
    )
    assert status == 404
    status, error = call(
        client,
        "POST",
        f"/groups/{group}/attention/seen",
        leader,
        {"participant_id": participant.id, "reason": "sad"},
    )
    assert (status, error["error"]["code"]) == (400, "invalid_reason")

    # The situation changes (a third module overdue): the reason is back.
    assign(client, group, leader, module_id="breathing-and-grounding", due_date="2026-11-21")
    dated_on(group, "2026-11-17T16:00:00+00:00")  # assigned before it passed
    assert "overdue" in reasons(attention(client, group, leader), participant.id)

    # The group's own number of days.
    for bad in (0, 61, "7", True):
        status, error = call(
            client, "PUT", f"/groups/{group}/attention/settings", leader, {"inactive_days": bad}
        )
        assert status == 400, bad
    status, body = call(
        client, "PUT", f"/groups/{group}/attention/settings", leader, {"inactive_days": 10}
    )
    assert (status, body) == (200, {"inactive_days": 10})
    body = attention(client, group, leader)
    assert body["inactive_days"] == 10
    assert "no_activity" not in reasons(body, participant.id)
    assert set(reasons(body, other_participant.id)) == {"overdue"}  # the module added above

    # Another leader cannot read or mark it.
    stranger = make_account(stack, "leader-stranger", "leaders")
    assert call(client, "GET", f"/groups/{group}/attention", stranger)[0] == 404
    assert (
        call(client, "PUT", f"/groups/{group}/attention/settings", stranger, {"inactive_days": 3})[
            0
        ]
        == 404
    )

    # Cost: the group Query, one BatchGetItem (2 completed versions, 2 worksheets), the audit.
    aws_calls.reset()
    attention(client, group, leader)
    dynamodb = sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))
    assert dynamodb == ["DynamoDB.BatchGetItem", "DynamoDB.Query", "DynamoDB.TransactWriteItems"]


def test_enrolled_then_assigned_a_date_already_past_is_not_overdue_but_a_later_one_is(
    client, group, leader, participant, other_participant, library_clock, service
):
    """Walk 17, problem 4: whoever was enrolled before a reading was assigned with a due date
    already past was overdue at once ("needs attention"), while someone enrolled a minute
    after owed nothing. The one rule now: a date already past when the module became theirs
    does not count, whatever the order. A date still to come is theirs, overdue once passed."""
    from datetime import timedelta

    today = service.clock.today()
    enrol(client, group, leader, participant)  # enrolled first
    past = assign(
        client,
        group,
        leader,
        module_id="thinking-traps",
        due_date=(today - timedelta(days=2)).isoformat(),
    )
    assert past["warnings"] == ["due_passed"]
    soon = (today + timedelta(days=1)).isoformat()
    assign(client, group, leader, module_id="asking-for-what-you-need", due_date=soon)
    assign(client, group, leader, module_id="breathing-and-grounding", due_date=soon)
    enrol(client, group, leader, other_participant, "Jo K.")  # enrolled after

    for who in (participant, other_participant):
        _, mine = call(client, "GET", "/me/assignments", who)
        theirs = {a["module_id"]: (a["status"], a["due_date"]) for a in mine["assignments"]}
        assert theirs == {
            "thinking-traps": ("not_started", None),
            "asking-for-what-you-need": ("not_started", soon),
            "breathing-and-grounding": ("not_started", soon),
        }
        assert "overdue" not in reasons(attention(client, group, leader), who.id)
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    assert grid["counts"]["overdue"] == 0

    library_clock.advance(3 * 24 * 3600)  # the later dates have passed: overdue for both
    for who in (participant, other_participant):
        _, mine = call(client, "GET", "/me/assignments", who)
        theirs = {a["module_id"]: (a["status"], a["due_date"]) for a in mine["assignments"]}
        assert theirs == {
            "thinking-traps": ("not_started", None),
            "asking-for-what-you-need": ("overdue", soon),
            "breathing-and-grounding": ("overdue", soon),
        }
        assert "overdue" in reasons(attention(client, group, leader), who.id)
