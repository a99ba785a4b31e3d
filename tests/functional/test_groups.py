"""Group leaders: groups, enrolment, assignments, participant view, dashboard, CSV, audit."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.library import POINTER_TTL_SECONDS
from tests.conftest import Account, dated_on, joined_on, make_account, shipped_version
from tests.functional.web_client import signed_in


def call(client, method: str, path: str, account: Account, body=None, headers=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method.lower())(
        path,
        headers={**account.headers, **(headers or {})},
        body=json.dumps(body) if body is not None else None,
    )
    parsed = (
        json.loads(response.body)
        if response.body and response.headers.get("Content-Type", "").startswith("application/json")
        else response.body
    )
    return response.status_code, parsed


@pytest.fixture
def today(service, library_clock):  # type: ignore[no-untyped-def]
    """Fix 'today' at 2026-11-20 (a Friday) in the program's time zone; each reading is 1 s later."""
    library_clock.start_at(datetime(2026, 11, 20, 15, 0, tzinfo=UTC), "America/New_York")
    return "2026-11-20"


@pytest.fixture
def group(client, published, leader, today) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", "/groups", leader, {"name": "Tuesday evening group"})
    assert status == 201
    return body["group_id"]


def enrol(
    client, group_id: str, leader: Account, participant: Account, name: str = "Sam R."
) -> dict:  # type: ignore[no-untyped-def]
    status, body = call(
        client,
        "POST",
        f"/groups/{group_id}/participants",
        leader,
        {"username": participant.username, "display_name": name},
    )
    assert status in (200, 201), body
    return body


def assign(client, group_id: str, leader: Account, **fields) -> dict:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", f"/groups/{group_id}/assignments", leader, fields)
    assert status == 201, body
    return body


def complete(client, participant: Account, module_id: str, version: int = 1) -> None:  # type: ignore[no-untyped-def]
    status, _ = call(
        client, "POST", "/me/completions", participant, {"module_id": module_id, "version": version}
    )
    assert status in (200, 201)


def test_leader_creates_renames_archives_and_lists_groups(client, group, leader):
    status, body = call(client, "PATCH", f"/groups/{group}", leader, {"name": "Thursday group"})
    assert (status, body["name"]) == (200, "Thursday group")
    status, body = call(client, "PATCH", f"/groups/{group}", leader, {"archived": True})
    assert body["archived"] is True
    _, listed = call(client, "GET", "/groups", leader)
    assert [(g["name"], g["archived"]) for g in listed["groups"]] == [("Thursday group", True)]
    status, body = call(
        client, "POST", f"/groups/{group}/assignments", leader, {"module_id": "thinking-traps"}
    )
    assert (status, body["error"]["code"]) == (409, "group_archived")


def test_create_with_the_same_idempotency_key_never_duplicates(client, published, leader):
    headers = {"Idempotency-Key": "form-7f3a"}
    first = call(client, "POST", "/groups", leader, {"name": "Morning group"}, headers)
    again = call(client, "POST", "/groups", leader, {"name": "Morning group"}, headers)
    assert first[0] == 201 and again[0] == 200
    assert first[1]["group_id"] == again[1]["group_id"]
    _, listed = call(client, "GET", "/groups", leader)
    assert len(listed["groups"]) == 1


def test_enrol_new_account_returns_a_temporary_password_once(client, group, leader, stack):
    status, body = call(
        client,
        "POST",
        f"/groups/{group}/participants",
        leader,
        {"username": "new-person-1", "display_name": "Alex P.", "create": True},
    )
    assert status == 201
    assert len(body["temporary_password"]) >= 12
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert [p["display_name"] for p in detail["participants"]] == ["Alex P."]
    assert "temporary_password" not in json.dumps(detail)


def test_a_new_temporary_password_is_returned_once(client, group, leader, participant):
    enrol(client, group, leader, participant)
    path = f"/groups/{group}/participants/{participant.id}/temporary-password"
    status, body = call(client, "POST", path, leader)
    assert status == 200
    assert body["participant_id"] == participant.id and body["username"] == "participant-one"
    assert body["display_name"] == "Sam R." and len(body["temporary_password"]) >= 12
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert "temporary_password" not in json.dumps(detail)
    status, body = call(
        client, "POST", f"/groups/{group}/participants/{leader.id}/temporary-password", leader
    )
    assert (status, body["error"]["code"]) == (404, "participant_not_found")


def test_a_leader_cannot_enrol_someone_from_another_group_and_give_them_a_password(
    client, group, leader, participant, stack
):
    """Enrolling an existing account by its username needs no one's consent: if that gave a
    new temporary password too, any leader could sign in as anyone and read all they wrote."""
    enrol(client, group, leader, participant)
    other = make_account(stack, "leader-two", "leaders")
    _, made = call(client, "POST", "/groups", other, {"name": "Tuesday evening"})
    theirs = made["group_id"]
    status, _ = call(
        client, "POST", f"/groups/{theirs}/participants", other, {"username": "participant-one"}
    )
    assert status == 201
    path = "/groups/{}/participants/" + participant.id + "/temporary-password"
    status, body = call(client, "POST", path.format(theirs), other)
    assert (status, body["error"]["code"]) == (409, "in_another_group")
    assert "temporary_password" not in body
    # Their first group's leader still can (they joined there first); and, added as a leader
    # of that group, so can leader two.
    status, body = call(client, "POST", path.format(group), leader)
    assert status == 200 and body["temporary_password"]
    status, _ = call(client, "POST", f"/groups/{group}/leaders", leader, {"username": "leader-two"})
    assert status in (200, 201)
    status, body = call(client, "POST", path.format(theirs), other)
    assert status == 200 and body["temporary_password"]


def test_a_leader_gives_a_password_to_someone_whose_account_their_group_made(
    client, group, leader, stack
):
    """Made at enrolment here: this group's leaders gave the first password, and give the next,
    wherever else the participant is enrolled since."""
    status, made = call(
        client,
        "POST",
        f"/groups/{group}/participants",
        leader,
        {"username": "new-person-2", "display_name": "Kim", "create": True},
    )
    assert status == 201
    other = make_account(stack, "leader-two", "leaders")
    _, theirs = call(client, "POST", "/groups", other, {"name": "Tuesday evening"})
    status, _ = call(
        client,
        "POST",
        f"/groups/{theirs['group_id']}/participants",
        other,
        {"username": "new-person-2"},
    )
    assert status == 201
    path = f"/groups/{group}/participants/{made['participant_id']}/temporary-password"
    status, body = call(client, "POST", path, leader)
    assert status == 200 and body["temporary_password"]


def test_dates_outside_the_programs_years_are_refused_not_a_server_error(client, group, leader):
    """A track paced from a session in year 9999 ran off the calendar (a 500: the paced track
    is tested in ``test_track_pacing``)."""
    for body in (
        {"module_id": "cravings-and-urge-surfing", "due_date": "9999-12-31"},
        {"module_id": "cravings-and-urge-surfing", "session_date": "0001-01-01"},
    ):
        status, answer = call(client, "POST", f"/groups/{group}/assignments", leader, body)
        assert (status, answer["error"]["code"]) == (400, "invalid_date"), body
        assert "2000 to 2199" in answer["error"]["message"]
    status, _ = call(
        client,
        "POST",
        f"/groups/{group}/assignments",
        leader,
        {"module_id": "cravings-and-urge-surfing", "due_date": "2199-12-31"},
    )
    assert status == 201


def test_enrolling_someone_who_is_not_a_participant_is_refused(client, group, leader, stack):
    other_leader = make_account(stack, "leader-two", "leaders")
    status, body = call(
        client, "POST", f"/groups/{group}/participants", leader, {"username": other_leader.username}
    )
    assert (status, body["error"]["code"]) == (400, "not_a_participant")
    status, body = call(
        client, "POST", f"/groups/{group}/participants", leader, {"username": "nobody-here"}
    )
    assert (status, body["error"]["code"]) == (404, "account_not_found")


def test_enrolling_again_without_a_name_keeps_the_name_and_with_one_renames(
    client, group, leader, participant
):
    path = f"/groups/{group}/participants"
    first = enrol(client, group, leader, participant, "Sam R.")
    status, again = call(client, "POST", path, leader, {"username": participant.username})
    assert status == 200  # already enrolled, not the username as a new name
    assert again == {**first, "display_name": "Sam R."}
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert [p["display_name"] for p in detail["participants"]] == ["Sam R."]
    body = {"username": participant.username, "display_name": "Samuel R."}
    status, renamed = call(client, "POST", path, leader, body)
    assert (status, renamed["display_name"]) == (200, "Samuel R.")
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert [p["display_name"] for p in detail["participants"]] == ["Samuel R."]


def test_enrolling_with_a_name_someone_a_co_leader_removed_meanwhile_enrols_them_anew(
    client, service, group, leader, participant, monkeypatch
):
    """Leader B's enrol with a name (a rename of someone in the group) read the group before
    co-leader A removed them, and was written after: it brought the ended enrolment back, as
    if never ended (a fresh ``joined_at``), yet answered "already enrolled" and told the
    reminder run nothing. Enrolling is what B asked: they are enrolled anew, as anyone not in
    the group is (``201``, added), and A's removal stays ended (their earlier time in the group)."""
    path = f"/groups/{group}/participants"
    enrol(client, group, leader, participant, "Sam R.")
    records = service.enrolment.records
    stale = records.get(group)  # what B read: Sam is in the group
    first = stale.member(participant.id)
    assert first is not None
    status, _ = call(client, "DELETE", f"{path}/{participant.id}", leader)  # A
    assert status == 204
    _, mine = call(client, "GET", "/me/groups", participant)
    assert mine["access_ends_at"] is not None  # their last group: their access ends
    real_get = type(records).get
    reads: list[str] = []

    def b_reads(self, group_id):  # type: ignore[no-untyped-def]
        reads.append(group_id)
        return stale if len(reads) == 1 else real_get(self, group_id)

    told: list[str] = []
    monkeypatch.setattr(type(records), "get", b_reads)
    monkeypatch.setattr(service.enrolment, "groups_changed", told.append)
    body = {"username": participant.username, "display_name": "Samuel R."}
    status, enrolled = call(client, "POST", path, leader, body)  # B
    monkeypatch.undo()
    assert (status, enrolled["display_name"]) == (201, "Samuel R."), enrolled
    assert told == [participant.id]  # the reminder run reads their groups again
    now = records.get(group)
    again = now.member(participant.id)
    assert again is not None and again.display_name == "Samuel R."
    # A new membership; the one A ended stays ended, their earlier time in the group.
    ((joined, left),) = again.earlier
    assert joined == first.joined_at < left <= again.joined_at
    _, mine = call(client, "GET", "/me/groups", participant)
    assert mine["access_ends_at"] is None  # in a group again: their access does not end


def test_enrolling_with_a_name_someone_still_enrolled_renames_them_only(
    client, service, group, leader, participant
):
    """The same enrol with a name, nobody removing them meanwhile: their enrolment renamed
    (its ``joined_at`` kept), ``200``, as before."""
    path = f"/groups/{group}/participants"
    enrol(client, group, leader, participant, "Sam R.")
    first = service.enrolment.records.get(group).member(participant.id)
    assert first is not None
    body = {"username": participant.username, "display_name": "Samuel R."}
    status, renamed = call(client, "POST", path, leader, body)
    assert (status, renamed["display_name"]) == (200, "Samuel R.")
    now = service.enrolment.records.get(group)
    assert now.member(participant.id) == replace(first, display_name="Samuel R.")


def test_rolling_admission_late_joiner_sees_current_assignments(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-24")
    enrol(client, group, leader, other_participant, "Jo K.")  # joins after the assignment
    _, mine = call(client, "GET", "/me/assignments", other_participant)
    assert [(a["module_id"], a["status"], a["due_date"]) for a in mine["assignments"]] == [
        ("thinking-traps", "not_started", "2026-11-24")
    ]
    # ...and someone who leaves no longer sees them or shows in the grid
    status, _ = call(client, "DELETE", f"/groups/{group}/participants/{participant.id}", leader)
    assert status == 204
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert mine["assignments"] == []
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    assert [p["participant_id"] for p in grid["participants"]] == [other_participant.id]


def test_one_participant_in_two_groups_sees_both_groups_work(client, group, leader, participant):
    _, second = call(client, "POST", "/groups", leader, {"name": "Family skills"})
    enrol(client, group, leader, participant)
    enrol(client, second["group_id"], leader, participant)
    assign(client, group, leader, module_id="thinking-traps")
    assign(client, second["group_id"], leader, module_id="asking-for-what-you-need")
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert sorted(a["module_id"] for a in mine["assignments"]) == [
        "asking-for-what-you-need",
        "thinking-traps",
    ]


def test_statuses_overdue_with_injected_clock_and_completed_with_version(
    client, group, leader, participant
):
    enrol(client, group, leader, participant)
    joined_on(group, participant.id, "2026-11-02T15:00:00+00:00")  # before every due date
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-19")  # yesterday
    assign(
        client, group, leader, module_id="breathing-and-grounding", due_date="2026-11-20"
    )  # today: not overdue
    assign(client, group, leader, module_id="asking-for-what-you-need")
    dated_on(group, "2026-11-02T16:00:00+00:00")  # assigned before the dates passed
    complete(client, participant, "asking-for-what-you-need")
    _, mine = call(client, "GET", "/me/assignments", participant)
    status = {a["module_id"]: (a["status"], a["version"]) for a in mine["assignments"]}
    assert status == {
        "thinking-traps": ("overdue", None),
        "breathing-and-grounding": ("not_started", None),
        "asking-for-what-you-need": ("completed", 1),
    }


def test_pinned_version_and_what_changed(
    client, group, leader, participant, publisher, library_clock, tmp_path
):
    from tests.functional.test_publishing import bump_and_publish

    enrol(client, group, leader, participant)
    read = shipped_version("breathing-and-grounding")
    complete(client, participant, "breathing-and-grounding", read)
    assign(client, group, leader, module_id="breathing-and-grounding")
    assign(client, group, leader, module_id="thinking-traps", version=1)  # pinned
    complete(client, participant, "thinking-traps", 1)
    new = bump_and_publish(
        publisher, tmp_path, "stress-management", "breathing-and-grounding", "Clearer steps."
    )
    bump_and_publish(publisher, tmp_path, "mental-health", "thinking-traps", "New example.")
    library_clock.advance(POINTER_TTL_SECONDS)
    _, mine = call(client, "GET", "/me/assignments", participant)
    rows = {a["module_id"]: a for a in mine["assignments"]}
    assert rows["breathing-and-grounding"]["status"] == "completed_older_version"
    assert rows["breathing-and-grounding"]["changes"] == [
        {"version": new, "changelog": "Clearer steps."}
    ]
    assert rows["thinking-traps"]["status"] == "completed"  # pinned to v1, which was completed
    assert rows["thinking-traps"]["target_version"] == 1
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    cells = {c["module_id"]: c for c in grid["participants"][0]["cells"]}
    assert cells["breathing-and-grounding"]["status"] == "completed_older_version"
    assert cells["breathing-and-grounding"]["newer_version"] == new


@pytest.fixture
def starter_track(publisher, published) -> None:  # type: ignore[no-untyped-def]
    """A track "starter" published after the modules: thinking traps, then cravings (not
    alphabetical)."""
    from tests.functional.test_publishing import publish_tracks

    publish_tracks(
        publisher,
        [
            {
                "id": "starter",
                "title": "Starter",
                "summary": "Two modules.",
                "version": 1,
                "modules": ["thinking-traps", "cravings-and-urge-surfing"],
            }
        ],
    )


def test_track_assignment_expands_into_its_modules(
    client, group, leader, participant, starter_track
):
    enrol(client, group, leader, participant)
    assign(client, group, leader, track_id="starter", due_date="2026-12-01")
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    # The track's own order (assignments.reading_order), never alphabetical.
    assert [m["module_id"] for m in grid["modules"]] == [
        "thinking-traps",
        "cravings-and-urge-surfing",
    ]
    status, body = call(
        client, "POST", f"/groups/{group}/assignments", leader, {"track_id": "no-such-track"}
    )
    assert (status, body["error"]["code"]) == (404, "track_not_found")


def test_assigning_again_updates_instead_of_duplicating_and_unassign_removes(
    client, group, leader, participant
):
    enrol(client, group, leader, participant)
    first = assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-24")
    second = assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-26")
    assert first["assignment_id"] == second["assignment_id"]
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert [(a["module_id"], a["due_date"]) for a in detail["assignments"]] == [
        ("thinking-traps", "2026-11-26")
    ]
    status, _ = call(
        client, "DELETE", f"/groups/{group}/assignments/{first['assignment_id']}", leader
    )
    assert status == 204
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert mine["assignments"] == []
    status, body = call(
        client, "DELETE", f"/groups/{group}/assignments/{first['assignment_id']}", leader
    )
    assert status == 404


def test_assigning_again_keeps_its_place_in_the_reading_order(
    client, group, leader, participant, starter_track
):
    enrol(client, group, leader, participant)
    due = "2026-11-24"
    first = assign(client, group, leader, track_id="starter", due_date=due)
    assign(client, group, leader, module_id="breathing-and-grounding", due_date=due)
    # Assigned again, same due date, a session date now: only the dates change.
    again = assign(client, group, leader, track_id="starter", due_date=due, session_date=due)
    assert again["assigned_at"] == first["assigned_at"]
    assert again["session_date"] == due
    in_order = ["thinking-traps", "cravings-and-urge-surfing", "breathing-and-grounding"]
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert [a["module_id"] for a in mine["assignments"]] == in_order
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    assert [m["module_id"] for m in grid["modules"]] == in_order
    response = client.http.get(f"/groups/{group}/progress.csv", headers=leader.headers)
    header = next(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert header == [
        "Participant",
        "Participant ID",
        "Username",
        "As of",
        "Left on",
        "Signed in",
        "Done",
        "Overdue",
        "Older version",
        "Thinking traps",
        "Cravings and urge surfing",
        "Breathing and grounding",
    ]


def test_an_assignment_removed_meanwhile_is_not_brought_back_by_a_change(
    client, service, group, leader
):
    from dataclasses import replace

    from chalicelib.errors import NotFound
    from chalicelib.records.audit import new_entry
    from chalicelib.records.groups import Assignment

    made = assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-24")
    read = Assignment(
        made["assignment_id"], "module", "thinking-traps", None, None, "2026-11-24", None,
        made["assigned_at"], leader.id,
    )  # fmt: skip
    call(client, "DELETE", f"/groups/{group}/assignments/{made['assignment_id']}", leader)
    audit = new_entry(
        leader.id, ["leaders"], "assignment.put", "2026-11-20T16:00:00Z", group_id=group
    )
    with pytest.raises(NotFound) as gone:  # read before the removal, written after it
        service.assignments.records.put_assignment(
            group, replace(read, due_date="2026-11-26"), audit, replaces=True
        )
    assert gone.value.code == "assignment_not_found"
    _, detail = call(client, "GET", f"/groups/{group}", leader)
    assert detail["assignments"] == []


def test_individual_assignment_reaches_only_that_participant(
    client, group, leader, participant, other_participant
):
    enrol(client, group, leader, participant)
    enrol(client, group, leader, other_participant, "Jo K.")
    assign(client, group, leader, module_id="thinking-traps", participant_id=participant.id)
    _, mine = call(client, "GET", "/me/assignments", participant)
    _, theirs = call(client, "GET", "/me/assignments", other_participant)
    assert [a["module_id"] for a in mine["assignments"]] == ["thinking-traps"]
    assert theirs["assignments"] == []
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    statuses = {p["display_name"]: p["cells"][0]["status"] for p in grid["participants"]}
    assert statuses == {"Sam R.": "not_started", "Jo K.": "not_assigned"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_assignment"),
        ({"module_id": "thinking-traps", "track_id": "x"}, "invalid_assignment"),
        ({"module_id": "thinking-traps", "due_date": "next tuesday"}, "invalid_date"),
        ({"module_id": "thinking-traps", "due_date": "2026-02-30"}, "invalid_date"),
        ({"module_id": "thinking-traps", "version": 9}, "version_not_found"),
        ({"module_id": "nope", "version": None}, "module_not_found"),
        (
            {"module_id": "thinking-traps", "participant_id": "someone-else"},
            "participant_not_found",
        ),
    ],
)
def test_bad_assignments_are_clear_errors(client, group, leader, body, code):
    status, got = call(client, "POST", f"/groups/{group}/assignments", leader, body)
    assert 400 <= status < 500
    assert got["error"]["code"] == code


def test_dashboard_grid_and_csv(client, group, leader, participant, other_participant):
    enrol(client, group, leader, participant, 'Lee, "Sunny" Smith')
    enrol(client, group, leader, other_participant, '=HYPERLINK("http://x")')
    joined_on(group, other_participant.id, "2026-11-02T15:00:00+00:00")  # before the due date
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-19")
    dated_on(group, "2026-11-02T16:00:00+00:00")  # assigned before it passed
    complete(client, participant, "thinking-traps")
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    cells = {p["participant_id"]: p["cells"][0] for p in grid["participants"]}
    assert cells[participant.id]["status"] == "completed"
    assert cells[participant.id]["version"] == 1 and cells[participant.id]["completed_at"]
    assert cells[other_participant.id]["status"] == "overdue"
    assert grid["counts"]["completed"] == 1 and grid["counts"]["overdue"] == 1

    response = client.http.get(f"/groups/{group}/progress.csv", headers=leader.headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    # The start of the group's id, never its name (the file sits in a Downloads folder).
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="progress-{group[:8]}-2026-11-20.csv"'
    )
    # A UTF-8 byte order mark first, so Excel on Windows reads accented names as UTF-8.
    assert response.body.startswith(b"\xef\xbb\xbfParticipant,")
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    # The header row first (nothing above it); the day it shows on every row, a column of
    # its own; each cell with the participant's own due date.
    assert rows[0] == [
        "Participant",
        "Participant ID",
        "Username",
        "As of",
        "Left on",
        "Signed in",
        "Done",
        "Overdue",
        "Older version",
        "Thinking traps",
    ]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id[participant.id][0] == 'Lee, "Sunny" Smith'  # escaped, round-trips intact
    assert by_id[participant.id][2] == participant.username
    assert by_id[participant.id][3] == "2026-11-20"
    # Joined today, after the date had passed: not theirs (``due_for``), so no date is said
    # beside the completion.
    assert by_id[participant.id][4] == ""  # still in the group: no "Left on" day
    # An account made before enrolment, signed in all the same: they completed a module.
    assert by_id[participant.id][5:9] == ["yes", "1", "0", "0"]  # the grid's totals
    assert by_id[participant.id][9] == "Done (version 1, 2026-11-20)"
    assert by_id[other_participant.id][0] == '\'=HYPERLINK("http://x")'  # neutralised
    assert by_id[other_participant.id][3:] == [
        "2026-11-20",
        "",
        "unknown",
        "0",
        "1",
        "0",
        "Overdue, due 2026-11-19",
    ]


def test_display_names_with_control_characters_are_refused(client, group, leader, participant):
    status, body = call(
        client,
        "POST",
        f"/groups/{group}/participants",
        leader,
        {"username": participant.username, "display_name": "Sam\nR."},
    )
    assert (status, body["error"]["code"]) == (400, "invalid_text")
    assert body["error"]["message"].startswith("display_name ")


def test_audit_trail_records_reads_and_changes_newest_first(
    client, group, leader, participant, stack
):
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps")
    call(client, "GET", f"/groups/{group}/progress", leader)
    admin = make_account(stack, "admin-one", "admins")
    status, page = call(client, "GET", "/admin/audit?limit=3", admin)
    assert status == 200
    actions = [e["action"] for e in page["entries"]]
    assert actions == ["group.progress.read", "assignment.put", "enrolment.add"]
    read = page["entries"][0]
    assert read["actor_id"] == leader.id and read["group_id"] == group
    assert read["participant_ids"] == [participant.id] and read["at"]
    _, rest = call(client, "GET", f"/admin/audit?page_token={page['next_page_token']}", admin)
    assert [e["action"] for e in rest["entries"]] == ["group.create"]
    assert "Sam R." not in json.dumps(page) + json.dumps(rest)  # ids only, never names


def test_admin_creates_leader_accounts_and_cannot_touch_groups(client, published, stack):
    admin = make_account(stack, "admin-one", "admins")
    status, body = call(
        client, "POST", "/admin/accounts", admin, {"username": "new-leader", "role": "leaders"}
    )
    assert status == 201 and body["roles"] == ["leaders"] and body["temporary_password"]
    status, body = call(
        client, "POST", "/admin/accounts", admin, {"username": "sneaky", "role": "admins"}
    )
    assert (status, body["error"]["code"]) == (400, "invalid_role")
    # Both refusals name the values, plural as Cognito's groups are ("leader" was a guess).
    must = 'role must be "leaders" or "authors".'
    status, body = call(
        client, "POST", "/admin/accounts", admin, {"username": "new-one", "role": "leader"}
    )
    assert (status, body["error"]["message"]) == (400, must)
    # Participants are listed per group (by their leaders), never all at once.
    status, body = call(client, "GET", "/admin/accounts?role=participants", admin)
    assert (status, body["error"]["code"], body["error"]["message"]) == (
        400,
        "invalid_role",
        'role must be "leaders", "authors" or "admins".',
    )
    _, listed = call(client, "GET", "/admin/accounts?role=leaders", admin)
    assert "new-leader" in [a["username"] for a in listed["accounts"]]
    # Who else can turn accounts off: the admins, listed but never created through the API.
    make_account(stack, "admin-two", "admins")
    status, admins = call(client, "GET", "/admin/accounts?role=admins", admin)
    assert status == 200
    assert sorted(a["username"] for a in admins["accounts"]) == ["admin-one", "admin-two"]
    assert all(a["roles"] == ["admins"] for a in admins["accounts"])
    status, _ = call(client, "GET", "/groups", admin)
    assert status == 403


def test_co_leader_shares_the_group(client, group, leader, stack):
    co = make_account(stack, "leader-two", "leaders")
    status, _ = call(client, "GET", f"/groups/{group}", co)
    assert status == 404
    status, _ = call(client, "POST", f"/groups/{group}/leaders", leader, {"username": co.username})
    assert status == 201
    status, _ = call(client, "GET", f"/groups/{group}", co)
    assert status == 200


def test_removing_a_leader_never_removes_the_last_one(client, group, leader, participant, stack):
    co = make_account(stack, "leader-two", "leaders")
    # The only leader cannot leave; someone who does not lead it is not found.
    status, body = call(client, "DELETE", f"/groups/{group}/leaders/{leader.id}", leader)
    assert (status, body["error"]["code"]) == (409, "last_leader")
    status, body = call(client, "DELETE", f"/groups/{group}/leaders/{participant.id}", leader)
    assert (status, body["error"]["code"]) == (404, "leader_not_found")
    call(client, "POST", f"/groups/{group}/leaders", leader, {"username": co.username})
    _, detail = call(client, "GET", f"/groups/{group}", co)
    assert detail["leader_names"] == [
        {"leader_id": leader.id, "username": "leader-one"},
        {"leader_id": co.id, "username": "leader-two"},
    ]
    # Another leader stays: the caller may leave, and then no longer sees the group.
    status, _ = call(client, "DELETE", f"/groups/{group}/leaders/{leader.id}", leader)
    assert status == 204
    assert call(client, "GET", f"/groups/{group}", leader)[0] == 404
    assert call(client, "GET", "/groups", leader)[1] == {"groups": []}
    _, detail = call(client, "GET", f"/groups/{group}", co)
    assert detail["leaders"] == [co.id]
    status, body = call(client, "DELETE", f"/groups/{group}/leaders/{co.id}", co)
    assert (status, body["error"]["code"]) == (409, "last_leader")


def test_two_leaders_removing_each_other_at_once_leave_one(client, group, leader, stack, service):
    """Each removal read two leaders; written one after the other, the second finds the leader
    it keeps gone (the condition beside the write), so the group keeps a leader."""
    from chalicelib.errors import Conflict
    from chalicelib.records.audit import new_entry

    co = make_account(stack, "leader-two", "leaders")
    call(client, "POST", f"/groups/{group}/leaders", leader, {"username": co.username})
    records = service.group_records

    def audit(actor: str) -> dict:
        return new_entry(actor, ["leaders"], "group.leader.remove", service.clock.iso())

    records.remove_leader(group, co.id, leader.id, audit(leader.id))  # the leader removes co
    with pytest.raises(Conflict) as refused:  # co, at the same time, removes the leader
        records.remove_leader(group, leader.id, co.id, audit(co.id))
    assert refused.value.code == "last_leader"
    assert records.get(group).leaders == (leader.id,)


def test_a_due_date_that_passed_before_someone_joined_is_not_theirs(
    client, group, leader, participant, other_participant
):
    # Riley was in the group when the reading fell due; Sam joined after it (today).
    enrol(client, group, leader, other_participant, "Riley")
    joined_on(group, other_participant.id, "2026-11-02T15:00:00+00:00")
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-19")
    assign(client, group, leader, module_id="breathing-and-grounding", due_date="2026-11-24")
    dated_on(group, "2026-11-02T16:00:00+00:00")  # assigned before the 19th passed
    enrol(client, group, leader, participant, "Sam")

    _, mine = call(client, "GET", "/me/assignments", participant)
    theirs = {a["module_id"]: (a["status"], a["due_date"]) for a in mine["assignments"]}
    # To read, with no date: not overdue from their first day. A date still to come is theirs.
    assert theirs == {
        "thinking-traps": ("not_started", None),
        "breathing-and-grounding": ("not_started", "2026-11-24"),
    }
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    cells = {p["participant_id"]: p["cells"] for p in grid["participants"]}
    assert [c["status"] for c in cells[participant.id]] == ["not_started", "not_started"]
    assert [c["status"] for c in cells[other_participant.id]] == ["overdue", "not_started"]
    assert grid["counts"]["overdue"] == 1


def test_a_past_date_given_to_one_participant_after_they_joined_is_not_theirs_either(
    client, group, leader, participant, other_participant, publisher
):
    """Walk 17, problem 4 (this was walk 10, item 1, the other way round): the group has a
    track due 3 Dec; the leader gives Maria one of its modules due a day that has already
    passed (and is warned). A date already past when it is set is no one's, as for a late
    joiner: no due date on her home, the grid, the CSV and the groups list, not overdue; the
    track's date no longer applies to her either (her own assignment wins)."""
    from tests.functional.test_publishing import publish_tracks

    early = ["thinking-traps", "cravings-and-urge-surfing", "breathing-and-grounding"]
    publish_tracks(
        publisher,
        [{"id": "early", "title": "Early", "summary": "Three.", "version": 1, "modules": early}],
    )
    enrol(client, group, leader, participant, "Maria G.")
    enrol(client, group, leader, other_participant, "Alex R.")
    assign(client, group, leader, track_id="early", due_date="2026-12-03")
    given = assign(
        client,
        group,
        leader,
        module_id="breathing-and-grounding",
        participant_id=participant.id,
        due_date="2026-11-19",
    )
    assert given["warnings"] == ["due_passed"]

    _, mine = call(client, "GET", "/me/assignments", participant)
    theirs = {a["module_id"]: (a["status"], a["due_date"]) for a in mine["assignments"]}
    assert theirs["breathing-and-grounding"] == ("not_started", None)
    home = signed_in(client, participant).get("/")
    assert "Overdue" not in home.body

    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    column = [m["module_id"] for m in grid["modules"]].index("breathing-and-grounding")
    cells = {p["participant_id"]: p["cells"][column]["status"] for p in grid["participants"]}
    assert cells == {participant.id: "not_started", other_participant.id: "not_started"}
    assert grid["counts"]["overdue"] == 0
    response = client.http.get(f"/groups/{group}/progress.csv", headers=leader.headers)
    rows = {r[1]: r for r in csv.reader(io.StringIO(response.body.decode("utf-8-sig")))}
    # Participant, ID, Username, As of, Left on, Signed in and the totals come first.
    assert rows[participant.id][column + 9].startswith("Not started;")  # no date said
    groups = signed_in(client, leader).get("/leader").body
    assert "(1 participant)" not in groups


def test_a_groups_date_corrected_after_someone_joined_to_a_day_before_it_is_not_theirs(
    client, group, leader, participant, other_participant
):
    """Due dates that passed before Sam joined are not theirs, even when the leader corrects
    the group's date after Sam joined (18 → 17 Nov: a typo fixed, not a date for Sam): a date
    already past when it is set is no one's (walk 17, problem 4), Riley's neither. A group
    date still to come when they joined is theirs. Saving an assignment again with its date
    unchanged (a session date added) changes nothing either."""
    enrol(client, group, leader, other_participant, "Riley")
    joined_on(group, other_participant.id, "2026-11-02T15:00:00+00:00")
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-11-19")
    assign(client, group, leader, module_id="breathing-and-grounding", due_date="2026-11-18")
    dated_on(group, "2026-11-02T16:00:00+00:00")  # assigned before the dates passed
    enrol(client, group, leader, participant, "Sam")
    assign(
        client,
        group,
        leader,
        module_id="thinking-traps",
        due_date="2026-11-19",
        session_date="2026-11-24",
    )
    assign(client, group, leader, module_id="breathing-and-grounding", due_date="2026-11-17")
    assign(client, group, leader, module_id="asking-for-what-you-need", due_date="2026-11-23")
    assign(client, group, leader, module_id="asking-for-what-you-need", due_date="2026-12-02")

    _, mine = call(client, "GET", "/me/assignments", participant)
    theirs = {a["module_id"]: (a["status"], a["due_date"]) for a in mine["assignments"]}
    assert theirs == {
        "thinking-traps": ("not_started", None),
        "breathing-and-grounding": ("not_started", None),
        "asking-for-what-you-need": ("not_started", "2026-12-02"),
    }
    _, grid = call(client, "GET", f"/groups/{group}/progress", leader)
    cells = {p["participant_id"]: [c["status"] for c in p["cells"]] for p in grid["participants"]}
    order = [m["module_id"] for m in grid["modules"]]
    # The group's order (thinking-traps was assigned first), not the soonest date.
    assert order == ["thinking-traps", "breathing-and-grounding", "asking-for-what-you-need"]
    # Riley's thinking-traps date is the one set before it passed (saved again unchanged); the
    # breathing-and-grounding date corrected to the 17th, already past, is no one's.
    assert cells == {
        participant.id: ["not_started", "not_started", "not_started"],
        other_participant.id: ["overdue", "not_started", "not_started"],
    }


@pytest.mark.parametrize("own_due", ["2026-12-08", "2026-12-01"])
def test_a_date_of_their_own_wins_over_the_groups_on_their_list(
    client, group, leader, participant, own_due
):
    """An extension (or an earlier date) for one participant is the date they see, as their
    leader's grid shows it, whichever is sooner."""
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps", due_date="2026-12-05")
    assign(
        client,
        group,
        leader,
        module_id="thinking-traps",
        due_date=own_due,
        participant_id=participant.id,
    )
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert [(a["module_id"], a["due_date"]) for a in mine["assignments"]] == [
        ("thinking-traps", own_due)
    ]
