"""What a leader may see: a participant moved from leader A's group to leader B's. Leader B
does not see completions made before joining B, unless the participant allowed it; then sees
them; then not after the participant takes it back."""

from __future__ import annotations

import json

from tests.conftest import make_account
from tests.functional import test_groups
from tests.functional.test_groups import assign, call, complete, enrol

group = test_groups.group  # fixtures
today = test_groups.today


def cell(client, group_id, leader, module_id):  # type: ignore[no-untyped-def]
    status, grid = call(client, "GET", f"/groups/{group_id}/progress", leader)
    assert status == 200
    column = [m["module_id"] for m in grid["modules"]].index(module_id)
    return grid["participants"][0]["cells"][column]["status"]


def csv_text(client, group_id, leader):  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/progress.csv", leader)
    assert status == 200
    return body.decode("utf-8-sig") if isinstance(body, bytes) else str(body)


def test_a_participant_moved_between_groups(
    client, group, leader, participant, stack, library_clock
):
    leader_b = make_account(stack, "leader-b", "leaders")
    # Group A (leader): the participant completes thinking-traps there.
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps")
    complete(client, participant, "thinking-traps")
    assert cell(client, group, leader, "thinking-traps") == "completed"

    # Moved: removed from A, added to B a day later.
    library_clock.advance(86400)
    status, _ = call(client, "DELETE", f"/groups/{group}/participants/{participant.id}", leader)
    assert status == 204
    status, body = call(client, "POST", "/groups", leader_b, {"name": "Group B"})
    group_b = body["group_id"]
    enrol(client, group_b, leader_b, participant)
    assign(client, group_b, leader_b, module_id="thinking-traps")
    assign(client, group_b, leader_b, module_id="asking-for-what-you-need")

    # B does not see what was done before joining B (grid and CSV).
    assert cell(client, group_b, leader_b, "thinking-traps") == "not_started"
    assert "Done (version" not in csv_text(client, group_b, leader_b)
    # ...but does see what is done after.
    complete(client, participant, "asking-for-what-you-need")
    assert cell(client, group_b, leader_b, "asking-for-what-you-need") == "completed"

    # The participant allows B to see their history: now B sees it.
    status, body = call(
        client, "PUT", f"/me/groups/{group_b}/share-history", participant, {"share": True}
    )
    assert (status, body["shares_history"], body["name"]) == (200, True, "Group B")
    assert cell(client, group_b, leader_b, "thinking-traps") == "completed"
    assert "Done (version 1" in csv_text(client, group_b, leader_b)
    _, mine = call(client, "GET", "/me/groups", participant)
    assert [(g["name"], g["shares_history"]) for g in mine["groups"]] == [("Group B", True)]

    # Taken back: B no longer sees it.
    status, body = call(
        client, "PUT", f"/me/groups/{group_b}/share-history", participant, {"share": False}
    )
    assert (status, body["shares_history"]) == (200, False)
    assert cell(client, group_b, leader_b, "thinking-traps") == "not_started"
    assert cell(client, group_b, leader_b, "asking-for-what-you-need") == "completed"

    # The choices are audit-logged and show in the participant's own access list as theirs.
    _, access = call(client, "GET", "/me/access", participant)
    mine_entries = [(e["action"], e["role"]) for e in access["entries"] if e["role"] == "you"]
    assert mine_entries == [("sharing.history.revoke", "you"), ("sharing.history.allow", "you")]

    # Leader A no longer leads a group the participant is in; the old group cannot be chosen.
    status, body = call(
        client, "PUT", f"/me/groups/{group}/share-history", participant, {"share": True}
    )
    assert status == 404


def test_share_history_refuses_bad_input_and_other_groups(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    for body in ({"share": "yes"}, {"share": 1}, {}, {"share": True, "extra": 1}):
        status, answer = call(client, "PUT", f"/me/groups/{group}/share-history", participant, body)
        assert status == 400, body
    status, _ = call(
        client, "PUT", f"/me/groups/{group}/share-history", other_participant, {"share": True}
    )
    assert status == 404
    status, _ = call(
        client, "PUT", f"/me/groups/{'z' * 32}/share-history", participant, {"share": True}
    )
    assert status == 404
    status, _ = call(client, "PUT", f"/me/groups/{group}/share-history", leader, {"share": True})
    assert status == 403
    assert call(client, "GET", "/me/groups", other_participant)[1] == {
        "groups": [],
        "access_ends_at": None,
    }


def test_an_answer_written_before_joining_stays_hidden_when_the_form_saves_another(
    client, group, leader, participant, library_clock
):
    """The worksheet form sends every field back with the one that changed: the unchanged
    answers keep the time they were written, so one written before joining is not shown to
    the group's leaders as written since (it was, after one more save)."""
    from tests.functional.web_client import form_fields, lesson_path, signed_in

    module, secret = "cravings-and-urge-surfing", "Drank at the corner bar on Friday"
    browser = signed_in(client, participant)
    action = lesson_path(module) + "/worksheet"
    fields = form_fields(browser.get(lesson_path(module)), action)
    fields["answer-urge-in-body"] = secret
    assert browser.post(action, fields).status == 303
    library_clock.advance(120)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=module)
    library_clock.advance(120)
    status, _ = call(
        client, "PUT", f"/me/worksheets/{module}/sharing", participant, {"shared": True}
    )
    assert status == 200

    fields = form_fields(browser.get(lesson_path(module)), action)
    assert fields["answer-urge-in-body"] == secret  # sent back as it was
    fields["answer-urge-start"] = "6"
    assert browser.post(action, fields).status == 303

    status, shared = call(client, "GET", f"/groups/{group}/worksheets/{module}", leader)
    assert status == 200
    assert secret not in json.dumps(shared)
    assert '"6"' in json.dumps(shared) or ": 6" in json.dumps(shared)  # what they wrote since
