"""The status rule, assigned modules and the CSV export, as pure functions."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.assignments import AssignedModule, assigned_modules
from chalicelib.dashboard import Grid, GridRow, check_text, grid_csv, safe_cell, signed_in_text
from chalicelib.groups import GroupSummary
from chalicelib.records.completions import CheckResult, CompletedVersions
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
    ModuleStatus,
    at_second,
    check_of,
    due_for,
    status_of,
)

TODAY = date(2026, 11, 20)


def status(target: int, due: str | None, completed: CompletedVersions) -> ModuleStatus:
    return status_of("coping", target, due, completed, TODAY)


def completed(**versions: int) -> CompletedVersions:
    return CompletedVersions("p1", {m: {v: f"2026-11-1{v}T10:00:00Z"} for m, v in versions.items()})


@pytest.mark.parametrize(
    ("done", "target", "due", "expected"),
    [
        ({"coping": 2}, 2, None, COMPLETED),
        ({"coping": 3}, 2, None, COMPLETED),  # a later version counts
        ({"coping": 1}, 2, None, COMPLETED_OLDER),
        ({"coping": 1}, 2, "2026-11-01", COMPLETED_OLDER),  # they did read it: not overdue
        ({}, 2, "2026-11-19", OVERDUE),
        ({}, 2, "2026-11-20", NOT_STARTED),  # due today is not overdue yet
        ({}, 2, None, NOT_STARTED),
        ({"other": 1}, 2, None, NOT_STARTED),
    ],
)
def test_status_rule(done, target, due, expected):
    assert status(target, due, completed(**done)).status == expected


def test_completed_cell_carries_version_and_time():
    cell = status(1, None, completed(coping=1))
    assert (cell.version, cell.completed_at) == (1, "2026-11-11T10:00:00Z")
    assert "newer_version" not in cell.to_dict()


def test_older_completion_names_the_newer_version():
    assert status(2, None, completed(coping=1)).to_dict()["newer_version"] == 2


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sam", "", "1-2", "a=b"])
def test_ordinary_cells_are_untouched(value):
    assert safe_cell(value) == value


def test_csv_escapes_commas_quotes_and_newlines_and_round_trips():
    column = AssignedModule("coping", "Coping, part 1", 2, 2, None, None, ("a1",), None)
    grid = Grid(
        GroupSummary("g", "Group", False, "2026-11-01T00:00:00Z"),
        (column,),
        (
            GridRow(
                "p1",
                'Lee, "Sunny"\nSmith',
                "2026-11-01",
                (ModuleStatus("coping", COMPLETED, 2, "2026-11-19T10:00:00Z"),),
            ),
            GridRow("p2", "=cmd|' /C calc'!A0", "2026-11-01", (ModuleStatus("coping", OVERDUE),)),
        ),
        {},
        "2026-11-20",
    )
    text = grid_csv(grid, UTC)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        [
            "Participant",
            "Participant ID",
            "Username",
            "As of",
            "Left on",
            "Signed in",
            "Done",
            "Overdue",
            "Older version",
            "Coping, part 1",
        ],
        [
            'Lee, "Sunny"\nSmith',
            "p1",
            "",
            "2026-11-20",
            "",
            "yes",
            "1",
            "0",
            "0",
            "Done (version 2, 2026-11-19)",
        ],
        ["'=cmd|' /C calc'!A0", "p2", "", "2026-11-20", "", "unknown", "0", "1", "0", "Overdue"],
    ]
    assert '"Lee, ""Sunny""\nSmith"' in text


NEW_YORK = ZoneInfo("America/New_York")


def test_a_completion_in_the_csv_is_dated_by_the_programs_calendar():
    # 10 pm in New York on the 26th is 03:00 UTC on the 27th: the grid's day is the 26th.
    column = AssignedModule("coping", "Coping", 2, 2, None, None, ("a1",), None)
    late = ModuleStatus("coping", COMPLETED, 2, "2026-11-27T03:00:00Z")
    grid = Grid(
        GroupSummary("g", "Group", False, "2026-11-01T00:00:00Z"),
        (column,),
        (GridRow("p1", "Sam", "2026-11-01T15:00:00Z", (late,)),),
        {},
        "2026-11-26",
    )
    rows = list(csv.reader(io.StringIO(grid_csv(grid, NEW_YORK))))
    assert rows[1] == [
        "Sam",
        "p1",
        "",
        "2026-11-26",
        "",
        "yes",
        "1",
        "0",
        "0",
        "Done (version 2, 2026-11-26)",
    ]


def test_each_csv_cell_says_the_participants_own_due_date_and_each_row_the_day():
    """What was due when, for a counsellor's spreadsheet: the column's due date as it applies
    to each participant (none for whoever joined after it passed), a participant's own where
    the column's dates vary, nothing for a module not assigned; the day on every row, and the
    header row first."""
    coping = AssignedModule("coping", "Coping", 2, 2, "2026-11-18", None, ("a1",), None)
    sleep = AssignedModule("sleep", "Sleep", 1, 1, "2026-12-01", None, ("a2",), None)
    grid = Grid(
        GroupSummary("g", "Group", False, "2026-11-01T00:00:00Z"),
        (coping, sleep),
        (
            GridRow(
                "p1",
                "Ana",
                "2026-11-02T15:00:00Z",
                (
                    ModuleStatus("coping", COMPLETED, 2, "2026-11-17T15:00:00Z"),
                    ModuleStatus("sleep", NOT_STARTED),
                ),
                {"sleep": "2026-12-01"},  # the group's date
            ),
            GridRow(  # joined after Coping was due; Sleep given to them alone, due later
                "p2",
                "Ben",
                "2026-11-19T15:00:00Z",
                (ModuleStatus("coping", NOT_STARTED), ModuleStatus("sleep", NOT_STARTED)),
                {"sleep": "2026-12-08"},
            ),
            GridRow(
                "p3",
                "Cy",
                "2026-11-02T15:00:00Z",
                (ModuleStatus("coping", OVERDUE), ModuleStatus("sleep", NOT_ASSIGNED)),
                {"sleep": None},
            ),
        ),
        {},
        "2026-11-20",
        dates_vary=frozenset({"sleep"}),
    )
    rows = list(csv.reader(io.StringIO(grid_csv(grid, NEW_YORK))))
    assert rows == [
        [
            "Participant",
            "Participant ID",
            "Username",
            "As of",
            "Left on",
            "Signed in",
            "Done",
            "Overdue",
            "Older version",
            "Coping",
            "Sleep",
        ],
        [
            "Ana",
            "p1",
            "",
            "2026-11-20",
            "",
            "yes",
            "1",
            "0",
            "0",
            "Done (version 2, 2026-11-17), due 2026-11-18",
            "Not started, due 2026-12-01",
        ],
        [
            "Ben",
            "p2",
            "",
            "2026-11-20",
            "",
            "unknown",
            "0",
            "0",
            "0",
            "Not started",
            "Not started, due 2026-12-08",
        ],
        ["Cy", "p3", "", "2026-11-20", "", "unknown", "0", "1", "0", "Overdue, due 2026-11-18", ""],
    ]


@pytest.mark.parametrize(
    ("not_signed_in", "signed_in", "text"),
    [(True, False, "no"), (False, True, "yes"), (False, False, "unknown")],
)
def test_the_signed_in_cell_says_unknown_rather_than_nothing(not_signed_in, signed_in, text):
    """An empty cell reads as "no data" by accident: where it cannot be known (an account
    made before enrolment, an old enrolment, someone who left), the cell says so."""
    row = GridRow("p1", "Sam", "2026-11-01", (), not_signed_in=not_signed_in, signed_in=signed_in)
    assert signed_in_text(row) == text


def test_the_signed_in_cell_says_yes_for_someone_who_completed_a_module():
    """Walk 20 (leader), 7: "unknown" beside people reading every week. An account made before
    enrolment, not known to have signed in, who completed a module: they did sign in."""
    done = ModuleStatus("coping", COMPLETED, 2, "2026-11-27T03:00:00Z")
    not_yet = ModuleStatus("coping", NOT_STARTED, None, None)
    assert signed_in_text(GridRow("p1", "Sam", "2026-11-01", (done,))) == "yes"
    assert signed_in_text(GridRow("p1", "Sam", "2026-11-01", (not_yet,))) == "unknown"


@pytest.mark.parametrize(
    ("due", "joined_at", "expected"),
    [
        # Joined at 11:30 pm on the 26th in New York (04:30 UTC on the 27th): due that day.
        ("2026-11-26", "2026-11-27T04:30:00Z", "2026-11-26"),
        ("2026-11-25", "2026-11-27T04:30:00Z", None),  # passed before they joined
        ("2026-11-27", "2026-11-27T15:00:00Z", "2026-11-27"),  # due the day they joined
        ("2026-11-26", "2026-11-27T15:00:00Z", None),
        (None, "2026-11-27T04:30:00Z", None),
        ("2026-11-26", None, "2026-11-26"),
    ],
)
def test_a_due_date_applies_from_the_day_someone_joined_on_the_programs_calendar(
    due, joined_at, expected
):
    # Dated before they joined (or at a time unknown: an assignment stored before it was kept).
    assert due_for(due, "2026-11-01T12:00:00.000000Z", joined_at, NEW_YORK) == expected
    assert due_for(due, None, joined_at, NEW_YORK) == expected


@pytest.mark.parametrize(
    ("set_at", "expected"),
    [
        # Walk 17, problem 4: a date already past when it was set is no one's, whether they
        # joined before (enrolled, then assigned) or after (assigned, then enrolled).
        ("2026-11-27T15:00:00.250000Z", None),
        ("2026-11-27T15:00:00Z", None),
        ("2026-11-21T12:00:00Z", None),  # set the day after it fell due, before they joined
        ("2026-11-27T14:59:59.999999Z", None),
        ("2026-11-01T12:00:00Z", None),  # set before it passed, but they joined after
        ("not a time", None),
        (None, None),
    ],
)
def test_a_date_already_past_when_the_module_became_theirs_is_not_theirs(set_at, expected):
    """The one rule: a due date counts for someone only if it had not passed on the day the
    module became theirs, the later of when they joined and when the date was set."""
    assert due_for("2026-11-20", set_at, "2026-11-27T15:00:00+00:00", NEW_YORK) == expected


@pytest.mark.parametrize(
    ("set_at", "joined_at", "expected"),
    [
        # Enrolled first (the 1st), assigned on the 21st a date past since the 20th: not theirs.
        ("2026-11-21T15:00:00Z", "2026-11-01T15:00:00Z", None),
        # Enrolled first, assigned on the 10th a date still to come: theirs, overdue once passed.
        ("2026-11-10T15:00:00Z", "2026-11-01T15:00:00Z", "2026-11-20"),
        # Set on the day it is due (not passed yet), in the evening in New York: theirs.
        ("2026-11-21T03:30:00Z", "2026-11-01T15:00:00Z", "2026-11-20"),
        # No time known for the date (an old record): their joining alone decides.
        (None, "2026-11-01T15:00:00Z", "2026-11-20"),
        (None, None, "2026-11-20"),
        ("2026-11-21T15:00:00Z", None, None),  # no joining known: when it was set decides
    ],
)
def test_enrolled_then_assigned_follows_the_same_rule(set_at, joined_at, expected):
    assert due_for("2026-11-20", set_at, joined_at, NEW_YORK) == expected
    assert status_of(
        "coping",
        1,
        due_for("2026-11-20", set_at, joined_at, NEW_YORK),
        completed(),
        date(2026, 11, 27),
    ).status == (OVERDUE if expected else NOT_STARTED)


class FakeLibrary:
    def catalog(self) -> list[dict]:
        return [
            {"id": "coping", "title": "Coping", "version": 3},
            {"id": "sleep", "title": "Sleep", "version": 1},
        ]

    def tracks(self) -> list[dict]:
        return [{"id": "starter", "modules": ["sleep", "coping", "retired"]}]


def test_a_module_assigned_alone_and_in_a_track_is_one_assigned_module():
    from chalicelib.records.groups import Assignment

    assignments = [
        Assignment(
            "a1", "track", "starter", None, None, "2026-12-10", None, "2026-11-01T00:00:00Z", "l"
        ),
        Assignment(
            "a2",
            "module",
            "coping",
            2,
            None,
            "2026-12-03",
            "2026-12-02",
            "2026-11-02T00:00:00Z",
            "l",
        ),
    ]
    assigned = {m.module_id: m for m in assigned_modules(assignments, FakeLibrary())}  # type: ignore[arg-type]
    assert set(assigned) == {"coping", "sleep"}  # the retired module is skipped
    coping = assigned["coping"]
    assert (coping.due_date, coping.session_date, coping.assignment_ids) == (
        "2026-12-03",
        "2026-12-02",
        ("a1", "a2"),
    )
    assert (coping.target_version, coping.latest_version) == (3, 3)  # the track wants the latest
    assert assigned["sleep"].due_date == "2026-12-10"


def test_someone_who_joined_after_one_of_two_dates_has_the_other():
    """Coping, assigned alone due 3 Dec and in a track due 10 Dec: who joined on the 5th has
    the track's date (the 3rd had passed); a date given later is theirs if still to come."""
    from chalicelib.records.groups import Assignment

    def of(*assignments: Assignment) -> AssignedModule:
        found = assigned_modules(list(assignments), FakeLibrary())  # type: ignore[arg-type]
        return next(m for m in found if m.module_id == "coping")

    track = Assignment(
        "a1", "track", "starter", None, None, "2026-12-10", None, "2026-11-01T00:00:00Z", "l"
    )
    alone = Assignment(
        "a2", "module", "coping", None, None, "2026-12-03", None, "2026-11-02T00:00:00Z", "l"
    )
    joined = "2026-12-05T15:00:00Z"
    assert of(track, alone).due_for(joined, NEW_YORK) == "2026-12-10"
    assert of(track, alone).due_for("2026-11-03T15:00:00Z", NEW_YORK) == "2026-12-03"
    # Given again on the 6th a date already passed (the 4th): no one's; the track's stands.
    redated = replace(alone, due_date="2026-12-04", due_set_at="2026-12-06T14:00:00.000001Z")
    assert of(track, redated).due_for(joined, NEW_YORK) == "2026-12-10"
    # Given on the 6th a catch-up date still to come: theirs.
    caught = replace(alone, due_date="2026-12-08", due_set_at="2026-12-06T14:00:00.000001Z")
    assert of(track, caught).due_for(joined, NEW_YORK) == "2026-12-08"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20T10:11:12Z",
        "2026-11-20T10:11:12.999999Z",
        "2026-11-20T10:11:12.000001+00:00",
        "2026-11-20T10:11:12+02:00",
        "2026-11-20T23:59:59.5-05:30",
        "2026-11-20T10:11:12",
        "2026-11-20T10:11:12.250",
        "2026-11-20",
    ],
)
def test_at_second_is_the_utc_moment_to_the_second(text: str) -> None:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    expected = moment.astimezone(UTC).replace(microsecond=0)
    found = at_second(text)
    assert found == expected
    assert found is not None and found.tzinfo is UTC and found.microsecond == 0


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", None, 5])
def test_at_second_of_an_unreadable_time_is_none(text: object) -> None:
    assert at_second(text) is None  # type: ignore[arg-type]


def _checks(*results: tuple[int, int]) -> CompletedVersions:
    """Version 1 of "m" completed, with these (attempt number, right answers) out of 3."""
    attempts = tuple(CheckResult("2026-11-20T10:00:00Z", c, 3, n) for n, c in results)
    return CompletedVersions("p", {"m": {1: "2026-11-20T10:00:00Z"}}, {"m": {1: attempts}})


@pytest.mark.parametrize(
    ("results", "short", "full"),
    [
        ([(1, 2)], "knowledge check 2 of 3", "knowledge check 2 of 3"),
        (
            [(1, 1), (2, 3)],
            "knowledge check 3 of 3 on try 2, after seeing the answers (first try 1 of 3)",
            "knowledge check 3 of 3 on try 2, after seeing the right answers to an earlier try"
            " (first try 1 of 3; tries: 1 of 3, 3 of 3)",
        ),
        (
            [(1, 1), (2, 0), (3, 3)],
            "knowledge check 3 of 3 on try 3, after seeing the answers (first try 1 of 3)",
            "knowledge check 3 of 3 on try 3, after seeing the right answers to an earlier try"
            " (first try 1 of 3; tries: 1 of 3, 0 of 3, 3 of 3)",
        ),
        # The earliest try the group sees is not the first (made before joining, not shared).
        (
            [(2, 1), (3, 3)],
            "knowledge check 3 of 3 on try 3, after seeing the answers"
            " (try 2, the earliest shown: 1 of 3)",
            "knowledge check 3 of 3 on try 3, after seeing the right answers to an earlier try"
            " (try 2, the earliest shown: 1 of 3; tries: 1 of 3, 3 of 3)",
        ),
        (
            [(2, 3)],
            "knowledge check 3 of 3 on try 2, after seeing the answers",
            "knowledge check 3 of 3 on try 2, after seeing the right answers to an earlier try",
        ),
    ],
)
def test_a_retakes_score_says_it_came_after_seeing_the_answers(results, short, full):
    """Walk 15, problem 10: a retake comes after the feedback that names the right answers;
    "3 of 3 (try 2)" alone reads as mastery."""
    mark = check_of(_checks(*results), "m", 1)
    assert mark is not None
    assert (check_text(mark), check_text(mark, full=True)) == (short, full)


def test_a_paced_track_gives_each_module_its_own_dates_and_skips_those_left_out():
    """Walk 15, 6 and 7: a track spread over sessions has each module due on its own date
    (its own ``due_set_at`` the assignment's), one without dates of its own has the
    assignment's, and a module left out is not assigned, unless assigned separately."""
    from chalicelib.records.groups import Assignment, ModuleDates

    track = Assignment(
        "a1",
        "track",
        "starter",
        None,
        None,
        "2026-12-01",
        "2026-12-01",
        "2026-11-01T00:00:00Z",
        "l",
        due_set_at="2026-11-01T00:00:05Z",
        module_dates=(ModuleDates("sleep", "2026-12-07", "2026-12-08"),),
        left_out=("coping",),
    )
    assigned = {m.module_id: m for m in assigned_modules([track], FakeLibrary())}  # type: ignore[arg-type]
    assert set(assigned) == {"sleep"}  # coping is left out (and "retired" is not published)
    sleep = assigned["sleep"]
    assert (sleep.due_date, sleep.session_date) == ("2026-12-07", "2026-12-08")
    assert sleep.dues == (("2026-12-07", "2026-11-01T00:00:05Z"),)
    assert sleep.due_for("2026-10-01T00:00:00Z", NEW_YORK) == "2026-12-07"
    assert sleep.track_ids == ("starter",)

    # Back in the track, coping has the assignment's dates (none of its own).
    back = assigned_modules([replace(track, left_out=())], FakeLibrary())  # type: ignore[arg-type]
    coping = next(m for m in back if m.module_id == "coping")
    assert (coping.due_date, coping.session_date) == ("2026-12-01", "2026-12-01")
    assert [m.module_id for m in back] == ["coping", "sleep"]  # soonest due first

    # Left out of the track, but assigned on its own: assigned, with that assignment's date.
    alone = Assignment(
        "a2", "module", "coping", None, None, "2026-12-20", None, "2026-11-02T00:00:00Z", "l"
    )
    both = {m.module_id: m for m in assigned_modules([track, alone], FakeLibrary())}  # type: ignore[arg-type]
    assert both["coping"].due_date == "2026-12-20"
    assert both["coping"].assignment_ids == ("a2",) and both["coping"].track_ids == ()
    # A module's own "no date" stands (it is not the assignment's date).
    undated = replace(track, module_dates=(ModuleDates("sleep", None, None),))
    (sleep,) = assigned_modules([undated], FakeLibrary())  # type: ignore[arg-type]
    assert (sleep.due_date, sleep.session_date, sleep.dues) == (None, None, ())
    assert sleep.due_for(None, NEW_YORK) is None


def test_spreading_a_track_over_sessions():
    from chalicelib.assignments import Pacing, paced, pacing_of
    from chalicelib.records.groups import Assignment

    ids = ["a", "b", "c", "d", "e"]
    weekly = paced(ids, "2026-12-01", None, Pacing())
    assert [(m.module_id, m.due_date, m.session_date) for m in weekly] == [
        ("a", "2026-12-01", "2026-12-01"),
        ("b", "2026-12-08", "2026-12-08"),
        ("c", "2026-12-15", "2026-12-15"),
        ("d", "2026-12-22", "2026-12-22"),
        ("e", "2026-12-29", "2026-12-29"),
    ]
    # Two per session, twice a week (every 3 days), due the day before each session.
    two = paced(ids, "2026-12-01", "2026-11-30", Pacing(every_days=3, per_session=2))
    assert [(m.due_date, m.session_date) for m in two] == [
        ("2026-11-30", "2026-12-01"),
        ("2026-11-30", "2026-12-01"),
        ("2026-12-03", "2026-12-04"),
        ("2026-12-03", "2026-12-04"),
        ("2026-12-06", "2026-12-07"),
    ]
    # The form offers the spacing again.
    track = Assignment("x", "track", "t", None, None, None, None, "2026-11-01T00:00:00Z", "l")
    assert pacing_of(replace(track, module_dates=two)) == Pacing(3, 2)
    assert pacing_of(track) is None


@pytest.mark.parametrize(
    ("every", "per", "code"),
    [
        (0, 1, "invalid_interval"),
        (29, 1, "invalid_interval"),
        (-1, 1, "invalid_interval"),
        (7, 0, "invalid_per_session"),
        (7, 11, "invalid_per_session"),
    ],
)
def test_a_pacing_out_of_range_is_refused(every, per, code):
    from chalicelib.assignments import Pacing
    from chalicelib.errors import BadRequest

    with pytest.raises(BadRequest) as refused:
        Pacing(every, per).checked()
    assert refused.value.code == code


class TwoTracks(FakeLibrary):
    def tracks(self) -> list[dict]:
        return [
            {"id": "relapse", "modules": ["coping"]},
            {"id": "early", "modules": ["sleep", "coping"]},
        ]


def test_a_module_in_two_tracks_has_the_due_and_session_dates_of_one_assignment():
    """Walk 17, problem 2: Triggers in two tracks had the earlier track's due date but the
    first assignment's session date, and a late joiner (the earlier date not theirs) the later
    due date with the earlier session date: the pair always comes from one assignment."""
    from chalicelib.records.groups import Assignment

    relapse = Assignment(
        "a1",
        "track",
        "relapse",
        None,
        None,
        "2026-11-22",
        "2026-11-23",
        "2026-11-10T00:00:00Z",
        "l",
        due_set_at="2026-11-10T00:00:00Z",
    )
    early = Assignment(
        "a2",
        "track",
        "early",
        None,
        None,
        "2026-12-03",
        "2026-12-03",
        "2026-11-27T15:00:00Z",
        "l",
        due_set_at="2026-11-27T15:00:00Z",
    )
    # Whatever the order they were made in, the earlier due date and its own session date.
    for made in ([relapse, early], [replace(relapse, session_date=None), early]):
        coping = next(m for m in assigned_modules(made, TwoTracks()) if m.module_id == "coping")  # type: ignore[arg-type]
        assert coping.assignment_ids == ("a1", "a2")
        assert (coping.due_date, coping.session_date) == ("2026-11-22", made[0].session_date)
    later_first = replace(early, due_date="2026-11-20", session_date="2026-11-21")
    coping = next(
        m
        for m in assigned_modules([relapse, later_first], TwoTracks())
        if m.module_id == "coping"  # type: ignore[arg-type]
    )
    assert (coping.due_date, coping.session_date) == ("2026-11-20", "2026-11-21")

    coping = next(
        m for m in assigned_modules([relapse, early], TwoTracks()) if m.module_id == "coping"
    )  # type: ignore[arg-type]
    # Someone in the group from the start: the first track's pair.
    assert coping.dates_for("2026-11-01T00:00:00Z", NEW_YORK) == ("2026-11-22", "2026-11-23")
    # A late joiner (the 22 Nov date had passed when they joined): the second track's pair.
    assert coping.dates_for("2026-11-26T15:00:00Z", NEW_YORK) == ("2026-12-03", "2026-12-03")
    assert coping.due_for("2026-11-26T15:00:00Z", NEW_YORK) == "2026-12-03"
