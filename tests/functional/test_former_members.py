"""Participants who left a group: the group page's "Left the group", the progress CSV, the API's
``?include=former``, a participant enrolled again (their earlier completions stay visible),
the audit trail of each view, and the DynamoDB calls it costs (walk-through: a counsellor
writing a discharge summary after removing someone)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from chalicelib.clock import iso_of_epoch
from chalicelib.web.render import day
from tests.conftest import make_account, shipped_version
from tests.functional import test_groups
from tests.functional.test_groups import assign, call, complete, enrol
from tests.functional.web_client import signed_in

group = test_groups.group  # fixtures
today = test_groups.today
CRAVINGS = shipped_version("cravings-and-urge-surfing")


def remove(client, group_id: str, leader, participant) -> None:  # type: ignore[no-untyped-def]
    status, body = call(
        client, "DELETE", f"/groups/{group_id}/participants/{participant.id}", leader
    )
    assert status == 204, body


def grid_statuses(client, group_id: str, leader, participant_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, grid = call(client, "GET", f"/groups/{group_id}/progress", leader)
    row = next(p for p in grid["participants"] if p["participant_id"] == participant_id)
    return {c["module_id"]: c["status"] for c in row["cells"]}


def csv_rows(client, group_id: str, leader) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.http.get(f"/groups/{group_id}/progress.csv", headers=leader.headers)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_enrolled_again_their_earlier_completions_still_count_but_not_what_they_did_away(
    client, group, leader, participant
):
    """Readmitted to the same group: what they completed in their first time in it stays on
    the grid (a completion is a completion); what they did while out of the group is not the
    group's to see."""
    assign(client, group, leader, module_id="thinking-traps")
    assign(client, group, leader, module_id="cravings-and-urge-surfing")
    enrol(client, group, leader, participant)
    complete(client, participant, "thinking-traps")
    remove(client, group, leader, participant)
    complete(client, participant, "cravings-and-urge-surfing", CRAVINGS)  # while out of the group
    enrol(client, group, leader, participant)

    statuses = grid_statuses(client, group, leader, participant.id)
    assert statuses == {"thinking-traps": "completed", "cravings-and-urge-surfing": "not_started"}
    # Back in the group, they are a participant again, not someone who left.
    _, detail = call(client, "GET", f"/groups/{group}?include=former", leader)
    assert detail["former"] == []
    assert [p["participant_id"] for p in detail["participants"]] == [participant.id]


def test_the_group_page_lists_who_left_with_the_day_and_their_totals_then(
    client, group, leader, participant, other_participant, service
):
    assign(client, group, leader, module_id="thinking-traps")
    assign(client, group, leader, module_id="cravings-and-urge-surfing")
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    complete(client, participant, "thinking-traps")
    browser = signed_in(client, leader)
    before = browser.get(f"/leader/groups/{group}").body
    assert "Left the group" not in before  # nobody has left: no section

    remove(client, group, leader, participant)
    # Their last group: they can still sign in to their plan, until the day their own pages
    # name (walk-through 19, problem 2).
    last_day = day(service.access.last_day(participant.id).isoformat(), "en")
    page = browser.get(f"/leader/groups/{group}")
    assert page.status == 200
    block = page.body.split('<details class="former" id="left-the-group">', 1)[1]
    block = block.split("</details>", 1)[0]
    assert "<summary>Left the group (1)</summary>" in block
    assert text_of(block.split("</p>", 1)[1]) == (
        "Dana K. left Fri 20 Nov 2026 · completed 1 of 2 assigned modules by then"
        f" · can sign in until {last_day} Give a new temporary password to Dana K."
    )
    # Not among the participants any more.
    participants = page.body.split('id="participants"', 1)[1].split("</ul>", 1)[0]
    assert "Dana K." not in participants and "Alex R." in participants

    # The grid stays with the current participants and says where the others are.
    grid = browser.get(f"/leader/groups/{group}/progress").body
    assert "Dana K." not in grid

    # After their access ended: the day it ended, and no way to give them a password.
    from datetime import datetime

    ends_at = service.access.ends_at(participant.id)
    ended_at = int(service.clock.epoch()) - 60
    service.access.set_ends_at(participant.id, ended_at)
    ended_on = day(datetime.fromtimestamp(ended_at, service.clock.zone).date().isoformat(), "en")
    block = browser.get(f"/leader/groups/{group}").body.split('id="left-the-group"', 1)[1]
    block = block.split("</details>", 1)[0]
    assert f"· access ended {ended_on}" in text_of(block)
    assert "temporary-password" not in block and "can sign in" not in block
    assert ends_at is not None
    assert (
        "People who left the group are listed under "
        f'<a href="/leader/groups/{group}#left-the-group">Left the group</a> and in the CSV.'
    ) in grid


def test_the_csv_keeps_who_left_marked_with_the_day_and_only_what_they_did_in_the_group(
    client, group, leader, participant, other_participant
):
    assign(client, group, leader, module_id="thinking-traps")
    assign(client, group, leader, module_id="cravings-and-urge-surfing")
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    complete(client, participant, "thinking-traps")
    remove(client, group, leader, participant)
    complete(client, participant, "cravings-and-urge-surfing", CRAVINGS)  # after leaving: not shown

    rows = csv_rows(client, group, leader)
    assert rows[0][:5] == ["Participant", "Participant ID", "Username", "As of", "Left on"]
    by_id = {r[1]: r for r in rows[1:]}
    assert [r[1] for r in rows[1:]] == [other_participant.id, participant.id]  # current first
    assert by_id[other_participant.id][4] == ""
    dana = by_id[participant.id]
    assert dana[0] == "Dana K." and dana[2] == participant.username and dana[4] == "2026-11-20"
    assert dana[6:9] == ["1", "0", "0"]  # Done, Overdue, Older version: in the group
    assert dana[9].startswith("Done (version ")
    # Its worksheet as when they left, as for those still in the group (none written).
    assert dana[10] == by_id[other_participant.id][10] == "Not started; worksheet not done"

    # The long form: the same, one row per module.
    response = client.http.get(f"/groups/{group}/progress.csv?form=long", headers=leader.headers)
    long = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
    dana_rows = {r["Module ID"]: r for r in long if r["Participant ID"] == participant.id}
    assert dana_rows["thinking-traps"]["Status"] == "Done"
    # What they completed after leaving is not the group's to see.
    assert dana_rows["cravings-and-urge-surfing"]["Status"] == "Not started"
    assert dana_rows["cravings-and-urge-surfing"]["Completed on"] == ""
    assert {r["Left on"] for r in dana_rows.values()} == {"2026-11-20"}
    assert {r["Left on"] for r in long if r["Participant ID"] == other_participant.id} == {""}

    # Nobody left in the group: the file still has the columns and the one who left.
    remove(client, group, leader, other_participant)
    rows = csv_rows(client, group, leader)
    assert len(rows[0]) == 11 and len(rows) == 3


def test_the_csv_keeps_the_worksheet_of_who_left_as_it_was_when_they_left(
    client, group, leader, participant, other_participant, library_clock, aws_calls
):
    """Their statuses as when they left (README), the worksheet's too: the long form never says
    "none" (no worksheet) for a module that has one, and the wide form keeps the worksheet's
    words. What they wrote after leaving is not the group's to see."""
    module = "cravings-and-urge-surfing"  # a worksheet of 4 fields
    assign(client, group, leader, module_id=module)
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    library_clock.advance(60)

    def save(answers: dict) -> None:
        status, body = call(
            client,
            "PUT",
            f"/me/worksheets/{module}",
            participant,
            {"version": CRAVINGS, "answers": answers},
        )
        assert status == 200, body

    save({"urge-start": 7, "urge-end": 3})
    status, _ = call(
        client, "PUT", f"/me/worksheets/{module}/sharing", participant, {"shared": True}
    )
    assert status == 200
    complete(client, participant, module, CRAVINGS)
    library_clock.advance(60)
    remove(client, group, leader, participant)
    library_clock.advance(60)
    save({"urge-in-body": "Tight chest", "urge-helpers": ["A walk"]})  # after leaving

    rows = csv_rows(client, group, leader)
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id[participant.id][4] and by_id[participant.id][9].startswith("Done (version ")
    assert by_id[participant.id][9].endswith("; worksheet started (2 of 4), shared")
    assert by_id[other_participant.id][9] == "Not started; worksheet not done"

    aws_calls.reset()
    response = client.http.get(f"/groups/{group}/progress.csv?form=long", headers=leader.headers)
    # Their worksheets come in the one BatchGetItem of their completed versions: the members'
    # read and theirs, no more; never a Scan.
    calls = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert calls.count("DynamoDB.BatchGetItem") == 2
    assert not [n for n in calls if n.endswith("Scan")]
    long = {
        r["Participant ID"]: r
        for r in csv.DictReader(io.StringIO(response.body.decode("utf-8-sig")))
    }
    dana, alex = long[participant.id], long[other_participant.id]
    assert (dana["Status"], dana["Worksheet"], dana["Worksheet shared"]) == (
        "Done",
        "started",
        "yes",
    )
    assert (alex["Worksheet"], alex["Worksheet shared"]) == ("not done", "no")


def test_who_left_twice_keeps_what_they_did_in_their_first_time_in_the_csv(
    client, group, leader, participant, library_clock
):
    """Every time they were in the group counts, not only the last: the row of someone who
    left, came back and left again keeps a completion from their first time."""
    assign(client, group, leader, module_id="thinking-traps")
    enrol(client, group, leader, participant, "Dana K.")
    library_clock.advance(60)
    complete(client, participant, "thinking-traps")
    library_clock.advance(60)
    remove(client, group, leader, participant)
    library_clock.advance(3600)
    enrol(client, group, leader, participant, "Dana K.")
    library_clock.advance(60)
    remove(client, group, leader, participant)
    (dana,) = csv_rows(client, group, leader)[1:]
    assert dana[1] == participant.id and dana[4]
    assert dana[6:9] == ["1", "0", "0"] and dana[9].startswith("Done (version ")


def test_only_the_groups_leaders_see_who_left_and_each_view_is_audit_logged(
    client, stack, group, leader, participant, other_participant, service
):
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    remove(client, group, leader, participant)

    stranger = make_account(stack, "leader-two", "leaders")
    status, body = call(client, "GET", f"/groups/{group}?include=former", stranger)
    assert (status, body["error"]["code"]) == (404, "group_not_found")
    assert signed_in(client, stranger).get(f"/leader/groups/{group}").status == 404
    status, body = call(client, "GET", f"/groups/{group}?include=former", participant)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = call(client, "GET", f"/groups/{group}?include=everyone", leader)
    assert (status, body["error"]["code"]) == (400, "invalid_include")
    assert set(body["error"]) == {"code", "message"}

    # Without ?include, the API's detail is as before: no former list, no read of them logged.
    _, plain = call(client, "GET", f"/groups/{group}", leader)
    assert "former" not in plain
    actions = [e["action"] for e in service.audit.page(limit=100)[0]]
    assert "group.former.read" not in actions

    _, detail = call(client, "GET", f"/groups/{group}?include=former", leader)
    (former,) = detail["former"]
    assert former["participant_id"] == participant.id
    assert former["access_ends_at"] == iso_of_epoch(service.access.ends_at(participant.id))
    assert former["display_name"] == "Dana K."
    assert former["removed_by"] == leader.id
    assert former["left_at"] > former["joined_at"]
    assert (former["modules_completed"], former["modules_assigned"]) == (0, 0)
    newest = service.audit.page(limit=100)[0]
    read = next(e for e in newest if e["action"] == "group.former.read")
    assert read["participant_ids"] == [participant.id]
    assert read["group_id"] == group and read["actor_id"] == leader.id
    assert "Dana" not in str(read)  # ids only, never names

    # The web page logs it too, and so does the CSV (the export names them with the others).
    signed_in(client, leader).get(f"/leader/groups/{group}")
    entries = service.audit.page(limit=100)[0]
    assert [e["action"] for e in entries].count("group.former.read") == 2
    csv_rows(client, group, leader)
    export = next(e for e in service.audit.page(limit=100)[0] if e["action"].endswith("export"))
    assert set(export["participant_ids"]) == {participant.id, other_participant.id}
    # The participant's own "who has seen my records" shows the read.
    copies, _ = service.audit.participant_page(participant.id, None, 20)
    assert "group.former.read" in [c["action"] for c in copies]


def test_who_left_costs_the_group_page_and_the_csv_one_batch_read_however_many_left(
    client, stack, group, leader, participant, other_participant, aws_calls
):
    """The group Query reads who left (their item is in the group's partition); when their
    access ends is on their account items, one BatchGetItem for all of them: the page makes one
    call more with someone gone than with everyone there, and no more with two gone; the CSV
    one BatchGetItem more."""
    assign(client, group, leader, module_id="thinking-traps")
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant)
    browser = signed_in(client, leader)
    browser.get(f"/leader/groups/{group}")

    def dynamodb(path: str) -> list[str]:
        aws_calls.reset()
        if path.endswith(".csv"):
            csv_rows(client, group, leader)
        else:
            assert browser.get(path).status == 200
        return sorted(n for n in aws_calls.names if n.startswith("DynamoDB."))

    page_before = dynamodb(f"/leader/groups/{group}")
    csv_before = dynamodb(f"/groups/{group}/progress.csv")
    aws_calls.reset()
    remove(client, group, leader, participant)
    removal = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    # The removal reads their completed versions once (the totals kept), and writes the
    # enrolment's deletion, the former-member stint and the audit entry in one transaction;
    # leaving their last group, their access end and its notices are a second one
    # (tests/functional/test_access_notices.py).
    assert removal.count("DynamoDB.BatchGetItem") == 1
    assert removal.count("DynamoDB.TransactWriteItems") == 2
    page_after = dynamodb(f"/leader/groups/{group}")
    assert "Left the group (1)" in browser.get(f"/leader/groups/{group}").body
    csv_after = dynamodb(f"/groups/{group}/progress.csv")

    assert page_after == sorted([*page_before, "DynamoDB.BatchGetItem"])
    # A second one gone (someone still in the group, so the page reads the same for them).
    third = make_account(stack, "participant-three", "participants")
    enrol(client, group, leader, third)
    dynamodb(f"/leader/groups/{group}")
    page_with_third = dynamodb(f"/leader/groups/{group}")
    remove(client, group, leader, other_participant)
    assert "Left the group (2)" in browser.get(f"/leader/groups/{group}").body
    dynamodb(f"/leader/groups/{group}")  # the first view after a change may touch the session
    assert dynamodb(f"/leader/groups/{group}") == page_with_third
    assert not [n for n in page_after + csv_after if n.endswith("Scan")]
    assert csv_after.count("DynamoDB.Query") == csv_before.count("DynamoDB.Query")
    more = [n for n in csv_after if n != "DynamoDB.BatchGetItem"]
    assert more == [n for n in csv_before if n != "DynamoDB.BatchGetItem"]
    batch_before = csv_before.count("DynamoDB.BatchGetItem")
    assert csv_after.count("DynamoDB.BatchGetItem") == batch_before + 1


def test_when_everyone_has_left_the_pages_say_so_and_how_much_is_still_assigned(
    client, group, leader, participant, other_participant
):
    """Walk-through 19, problem 8: "No participants yet" and "0 modules … assign modules" read
    as if the group had never started, with two people under Left the group and a track
    assigned."""
    assign(client, group, leader, module_id="thinking-traps")
    assign(client, group, leader, module_id="cravings-and-urge-surfing")
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    browser = signed_in(client, leader)
    remove(client, group, leader, participant)
    still_one = text_of(browser.get(f"/leader/groups/{group}/progress").body)
    assert "1 of 1 participants, 2 modules." in still_one  # as before while someone is in it
    remove(client, group, leader, other_participant)

    page = text_of(browser.get(f"/leader/groups/{group}").body)
    assert "Participants (0) No one is in the group now (2 have left)." in page
    assert "No participants yet" not in page
    progress = text_of(browser.get(f"/leader/groups/{group}/progress").body)
    assert "no one is in the group now (2 have left). 2 modules are assigned to the group." in (
        progress
    )
    assert "No one is in the group now. Enrol participants to see their progress here." in progress
    assert "0 of 0 participants" not in progress and "assign modules" not in progress

    # A new group with nobody yet: as before.
    _, fresh = call(client, "POST", "/groups", leader, {"name": "New"})
    empty = text_of(browser.get(f"/leader/groups/{fresh['group_id']}").body)
    assert "No participants yet." in empty and "No one is in the group now" not in empty
    empty_grid = text_of(browser.get(f"/leader/groups/{fresh['group_id']}/progress").body)
    assert "Enrol participants and assign modules to see progress here." in empty_grid
