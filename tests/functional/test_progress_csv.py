"""The progress CSV in its two forms (walk 15, problem 15): ``?form=wide`` (the default, a row per
participant, now with the username, the grid's totals and "Signed in") and ``?form=long`` (a row
per participant and assigned module, one fact per cell, for a spreadsheet to filter and count).
Same reads, same audit entry, same visibility rule; a file name without the group's name."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from chalicelib.library import POINTER_TTL_SECONDS
from tests.conftest import dated_on, joined_on, make_account, shipped_version
from tests.functional import test_groups
from tests.functional.test_former_members import remove
from tests.functional.test_groups import assign, call, complete, enrol
from tests.functional.test_not_signed_in import _created
from tests.functional.test_own_password import NEW_PASSWORD, choose
from tests.functional.web_client import WebClient, signed_in

group = test_groups.group  # fixtures
today = test_groups.today

TRACK = "week-one"
TRACK_TITLE = "Week one: thoughts, breath, urges"
TRACK_MODULES = 3


@pytest.fixture
def week_one(publisher, published) -> None:  # type: ignore[no-untyped-def]
    from tests.functional.test_publishing import publish_tracks

    publish_tracks(
        publisher,
        [
            {
                "id": TRACK,
                "title": TRACK_TITLE,
                "summary": "Three modules.",
                "version": 1,
                "modules": [
                    "thinking-traps",
                    "breathing-and-grounding",
                    "cravings-and-urge-surfing",
                ],
            }
        ],
    )


LONG_HEADINGS = [
    "Participant ID",
    "Username",
    "Name shown",
    "Module ID",
    "Module",
    "Tracks",
    "Assigned version",
    "Completed version",
    "Status",
    "Due date",
    "Session date",
    "Completed on",
    "Knowledge check correct",
    "Knowledge check total",
    "Knowledge check tries",
    "Worksheet",
    "Worksheet shared",
    "Left on",
    "As of",
]
STATUSES = {"Done", "Older version", "Overdue", "Not started"}


def get_csv(client, group_id: str, leader, form: str | None = None):  # type: ignore[no-untyped-def]
    query = f"?form={form}" if form else ""
    return client.http.get(f"/groups/{group_id}/progress.csv{query}", headers=leader.headers)


def long_rows(client, group_id: str, leader) -> tuple[list[str], list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    response = get_csv(client, group_id, leader, "long")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.body.startswith(b"\xef\xbb\xbfParticipant ID,")  # Excel reads it as UTF-8
    text = response.body.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text))), list(csv.DictReader(io.StringIO(text)))


def a_group_with_everything(client, stack, group, leader, participant, other_participant):  # type: ignore[no-untyped-def]
    """José (joined before the due date) completed one module and an older version of another;
    the formula name joined before it too and read nothing; Aisha completed one and left."""
    enrol(client, group, leader, participant, "José Núñez 🌻")
    enrol(client, group, leader, other_participant, '=HYPERLINK("http://x")')
    joined_on(group, other_participant.id, "2026-11-02T15:00:00+00:00")  # before the due date
    joined_on(group, participant.id, "2026-11-02T15:00:00+00:00")
    aisha = make_account(stack, "participant-three", "participants")
    enrol(client, group, leader, aisha, "عائشة R.")
    assign(client, group, leader, track_id=TRACK, due_date="2026-11-19", session_date="2026-11-19")
    assign(client, group, leader, module_id="asking-for-what-you-need")  # no dates
    dated_on(group, "2026-11-02T16:00:00+00:00")  # assigned before the due date
    complete(client, participant, "thinking-traps", shipped_version("thinking-traps"))
    complete(
        client, participant, "breathing-and-grounding", shipped_version("breathing-and-grounding")
    )
    complete(client, aisha, "thinking-traps", shipped_version("thinking-traps"))
    remove(client, group, leader, aisha)
    return aisha


def test_the_long_form_has_a_row_per_participant_and_module_one_fact_per_cell(
    client,
    stack,
    group,
    week_one,
    leader,
    participant,
    other_participant,
    publisher,
    library_clock,
    tmp_path,
):
    from tests.functional.test_publishing import bump_and_publish

    aisha = a_group_with_everything(client, stack, group, leader, participant, other_participant)
    read = shipped_version("breathing-and-grounding")
    new = bump_and_publish(
        publisher, tmp_path, "stress-management", "breathing-and-grounding", "Clearer steps."
    )
    library_clock.advance(POINTER_TTL_SECONDS)

    header, rows = long_rows(client, group, leader)
    assert header == LONG_HEADINGS
    # Every participant (those who left last) × every module assigned to them, nothing else.
    per_person: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        per_person.setdefault(r["Participant ID"], []).append(r)
    assert {p: len(r) for p, r in per_person.items()} == {
        participant.id: TRACK_MODULES + 1,
        other_participant.id: TRACK_MODULES + 1,
        aisha.id: TRACK_MODULES + 1,
    }
    assert rows[-1]["Participant ID"] == aisha.id  # who left, after the current participants
    assert {r["Status"] for r in rows} <= STATUSES
    assert {r["As of"] for r in rows} == {"2026-11-20"}

    jose = {r["Module ID"]: r for r in per_person[participant.id]}
    assert {r["Name shown"] for r in jose.values()} == {"José Núñez 🌻"}  # intact
    assert {r["Username"] for r in jose.values()} == {participant.username}
    assert {r["Left on"] for r in jose.values()} == {""}
    assert jose["thinking-traps"]["Status"] == "Done"
    assert jose["thinking-traps"]["Completed on"] == "2026-11-20"
    older = jose["breathing-and-grounding"]
    assert older["Status"] == "Older version"
    assert (older["Completed version"], older["Assigned version"]) == (str(read), str(new))
    assert (older["Due date"], older["Session date"]) == ("2026-11-19", "2026-11-19")
    assert older["Tracks"] == TRACK_TITLE
    assert older["Module"] == "Breathing and grounding"
    urges = jose["cravings-and-urge-surfing"]
    assert urges["Status"] == "Overdue"  # set before it passed, and he was in the group
    assert (urges["Completed version"], urges["Worksheet"]) == ("", "not done")
    alone = jose["asking-for-what-you-need"]
    assert (alone["Status"], alone["Due date"], alone["Tracks"]) == ("Not started", "", "")
    # No knowledge check taken: empty, never words, in the three numeric columns.
    assert {r["Knowledge check tries"] for r in jose.values()} == {""}
    assert {r["Worksheet"] for r in rows} <= {"done", "started", "not done", "none"}
    assert {r["Worksheet shared"] for r in rows} <= {"yes", "no", ""}

    formula = per_person[other_participant.id]
    assert {r["Name shown"] for r in formula} == {'\'=HYPERLINK("http://x")'}  # neutralised
    assert {r["Module ID"]: r["Status"] for r in formula}["thinking-traps"] == "Overdue"

    left = {r["Module ID"]: r for r in per_person[aisha.id]}
    assert {r["Left on"] for r in left.values()} == {"2026-11-20"}
    assert {r["Name shown"] for r in left.values()} == {"عائشة R."}
    assert left["thinking-traps"]["Status"] == "Done"

    # The wide form says the same, with the grid's totals.
    wide = list(csv.reader(io.StringIO(get_csv(client, group, leader).body.decode("utf-8-sig"))))
    by_id = {r[1]: r for r in wide[1:]}
    assert by_id[participant.id][2] == participant.username
    done, overdue, older_count = (
        sum(1 for r in jose.values() if r["Status"] == s)
        for s in ("Done", "Overdue", "Older version")
    )
    assert by_id[participant.id][6:9] == [str(done), str(overdue), str(older_count)]
    assert (done, older_count) == (1, 1)


def test_a_former_member_is_seen_only_for_their_time_in_the_group(
    client, group, leader, participant, other_participant
):
    """Like the wide form: what they completed after leaving is not the group's to see."""
    assign(client, group, leader, module_id="thinking-traps")
    enrol(client, group, leader, participant, "Dana K.")
    enrol(client, group, leader, other_participant, "Alex R.")
    remove(client, group, leader, participant)
    complete(client, participant, "thinking-traps", shipped_version("thinking-traps"))
    _, rows = long_rows(client, group, leader)
    dana = next(r for r in rows if r["Participant ID"] == participant.id)
    assert (dana["Status"], dana["Completed on"], dana["Left on"]) == (
        "Not started",
        "",
        "2026-11-20",
    )


def test_both_forms_make_the_same_reads_and_the_same_audit_entry(
    client, stack, group, week_one, leader, participant, other_participant, service, aws_calls
):
    a_group_with_everything(client, stack, group, leader, participant, other_participant)
    calls = {}
    for form in ("wide", "long"):
        aws_calls.reset()
        assert get_csv(client, group, leader, form).status_code == 200
        calls[form] = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert calls["long"] == calls["wide"]
    # The group Query, the audit entry, the current and the former members' completed
    # versions and worksheets: one BatchGetItem each.
    assert calls["long"].count("DynamoDB.Query") == 1
    assert calls["long"].count("DynamoDB.BatchGetItem") == 2
    assert not [n for n in calls["long"] if n.endswith("Scan")]
    exports = [
        e for e in service.audit.page(limit=100)[0] if e["action"] == "group.progress.export"
    ]
    assert len(exports) == 2
    assert sorted(exports[0]["participant_ids"]) == sorted(exports[1]["participant_ids"])
    assert len(exports[0]["participant_ids"]) == 3  # the one who left included


def test_another_form_is_refused_with_the_error_shape_and_nothing_read(
    client, group, leader, participant, service
):
    enrol(client, group, leader, participant)
    for form in ("tall", "LONG", ""):
        status, body = call(client, "GET", f"/groups/{group}/progress.csv?form={form}", leader)
        if form == "":  # an empty value is the default
            assert status == 200
            continue
        assert status == 400, body
        assert body["error"]["code"] == "invalid_form"
        assert set(body["error"]) == {"code", "message"}
    # Refused before any read: only the one export of the empty form was logged.
    actions = [e["action"] for e in service.audit.page(limit=100)[0]]
    assert actions.count("group.progress.export") == 1
    web = signed_in(client, leader)
    assert web.get(f"/leader/groups/{group}/progress.csv?form=tall").status == 400
    assert web.get(f"/leader/groups/{group}/progress.csv?form=long").status == 200


def test_the_wide_form_says_who_has_signed_in(client, group, leader, participant):
    """The same data as the grid's "Has not signed in yet": "no" for an account made at
    enrolment whose temporary password is unused, "yes" once they chose their own, "unknown"
    when it cannot be known (an account made elsewhere), never an empty cell."""
    enrol(client, group, leader, participant)
    rosa, temporary = _created(client, leader, group, "rosa.m")
    kai, _ = _created(client, leader, group, "kai.n")
    browser = WebClient(client)
    assert browser.sign_in("rosa.m", temporary).location == NEW_PASSWORD
    assert choose(browser, "Only-mine-2026x").status == 303
    rows = list(csv.reader(io.StringIO(get_csv(client, group, leader).body.decode("utf-8-sig"))))
    assert rows[0][5] == "Signed in"
    signed = {r[1]: (r[2], r[5]) for r in rows[1:]}
    assert signed == {
        participant.id: (participant.username, "unknown"),
        rosa: ("rosa.m", "yes"),
        kai: ("kai.n", "no"),
    }


def test_signed_in_is_not_yes_for_an_assigned_worksheet_nobody_started(
    client, group, leader, participant, library_clock
):
    """A cell whose version has a worksheet always has a worksheet mark (0 answered): that is
    not something they did. "yes" comes with a saved answer the grid shows, not before."""
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="cravings-and-urge-surfing")  # has a worksheet

    def signed_in_cell() -> str:
        rows = list(
            csv.reader(io.StringIO(get_csv(client, group, leader).body.decode("utf-8-sig")))
        )
        assert rows[0][5] == "Signed in"
        (row,) = rows[1:]
        return row[5]

    assert signed_in_cell() == "unknown"
    library_clock.advance(60)
    status, body = call(
        client,
        "PUT",
        "/me/worksheets/cravings-and-urge-surfing",
        participant,
        {"version": shipped_version("cravings-and-urge-surfing"), "answers": {"urge-start": 6}},
    )
    assert status == 200, body
    assert signed_in_cell() == "yes"


def test_the_grid_page_offers_both_files_and_says_they_have_everyone(
    client, group, leader, participant
):
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id="thinking-traps")
    page = signed_in(client, leader).get(f"/leader/groups/{group}/progress?overdue=yes")
    assert page.status == 200
    path = f"/leader/groups/{group}/progress.csv"
    assert f'<a href="{path}" download>Download CSV</a>' in page.body
    assert (
        f'<a href="{path}?form=long" download>Download as one row per module (for spreadsheets)</a>'
        in page.body
    )
    assert (
        "Both files have everyone in the group and every assigned module, not just what you "
        "filter or sort here." in page.body
    )
    long = signed_in(client, leader).get(f"{path}?form=long")
    assert long.headers["content-disposition"] == (
        f'attachment; filename="progress-by-module-{group[:8]}-2026-11-20.csv"'
    )
    assert json.dumps(participant.username)[1:-1] in long.body


def _first_word(text: str) -> str:
    """A cell's status word: what it says before its details ("Done (version 3, …)",
    "Not started, due …", "Overdue; worksheet …")."""
    return re.split(r" \(|[,;]", text, maxsplit=1)[0].strip()


def test_the_grid_and_both_files_say_the_same_status_word_for_the_same_cell(
    client,
    stack,
    group,
    week_one,
    leader,
    participant,
    other_participant,
    publisher,
    library_clock,
    tmp_path,
):
    """One set of words (walk 21, counsellor): the wide file said "Completed an older
    version", the long one "Done, older version", the grid's key "Completed" under a "Done"
    column. Every status the grid shows for José is the word both files give that cell."""
    from tests.functional.test_publishing import bump_and_publish

    a_group_with_everything(client, stack, group, leader, participant, other_participant)
    bump_and_publish(
        publisher, tmp_path, "stress-management", "breathing-and-grounding", "Clearer steps."
    )
    library_clock.advance(POINTER_TTL_SECONDS)

    page = signed_in(client, leader).get(f"/leader/groups/{group}/progress")
    row = page.body.split('class="name"><bdi>José Núñez 🌻')[1].split("</tr>")[0]
    grid = {
        html.unescape(title): _first_word(html.unescape(status))
        for title, status in re.findall(
            r'<span class="m"> ([^<]*):</span><span class="vh st"> ([^<]*)</span>', row
        )
    }
    wide = list(csv.reader(io.StringIO(get_csv(client, group, leader).body.decode("utf-8-sig"))))
    jose = next(r for r in wide[1:] if r[1] == participant.id)
    from_wide = {
        title: _first_word(cell) for title, cell in zip(wide[0], jose, strict=True) if title
    }
    _, rows = long_rows(client, group, leader)
    from_long = {r["Module"]: r["Status"] for r in rows if r["Participant ID"] == participant.id}

    assert len(grid) == TRACK_MODULES + 1, row
    assert set(grid.values()) == {"Done", "Older version", "Overdue", "Not started"}
    assert {t: from_wide[t] for t in grid} == grid
    assert from_long == grid
    # The grid's key and its totals columns use the same words.
    key = page.body.split('<ul class="legend"')[1].split("</ul>")[0]
    heads = page.body.split("<thead>")[1].split("</thead>")[0]
    for word in grid.values():
        assert f"</span> {word}" in key, key
    assert all(f">{w}</th>" in heads for w in ("Done", "Older version"))
