"""A track paced over the group's sessions (``assignments.paced``, ``pacing_of``): every N
days, or on the weekdays the group meets on (walk 17, problem 1: a Mon/Wed/Thu group was told
"Read before Sunday's group")."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.assignments import (
    NotAMeetingDay,
    Pacing,
    meeting_days,
    paced,
    pacing_of,
    session_dates,
)
from chalicelib.errors import BadRequest
from chalicelib.records.groups import Assignment, ModuleDates
from chalicelib.web.words import message

MON, TUE, WED, THU, SUN = 0, 1, 2, 3, 6
MODULES = [f"module-{i}" for i in range(8)]


def sessions_of(dates: tuple[ModuleDates, ...]) -> list[tuple[str, str | None, str | None]]:
    return [(d.module_id, d.due_date, d.session_date) for d in dates]


def test_mon_wed_thu_from_a_monday_two_per_session_due_the_day_before():
    dates = paced(
        MODULES, "2026-11-30", "2026-11-29", Pacing(per_session=2, meets_on=(MON, WED, THU))
    )
    assert sessions_of(dates) == [
        ("module-0", "2026-11-29", "2026-11-30"),  # Mon
        ("module-1", "2026-11-29", "2026-11-30"),
        ("module-2", "2026-12-01", "2026-12-02"),  # Wed
        ("module-3", "2026-12-01", "2026-12-02"),
        ("module-4", "2026-12-02", "2026-12-03"),  # Thu
        ("module-5", "2026-12-02", "2026-12-03"),
        ("module-6", "2026-12-06", "2026-12-07"),  # Mon again: never Sunday 6 Dec
        ("module-7", "2026-12-06", "2026-12-07"),
    ]
    assert all(date.fromisoformat(d.session_date or "").weekday() in (MON, WED, THU) for d in dates)


@pytest.mark.parametrize(
    ("first", "meets_on", "expected"),
    [
        # Across a year's end: Mon 28 Dec, Wed 30 Dec, Thu 31 Dec, then 2027.
        (
            "2026-12-28",
            (MON, WED, THU),
            ["2026-12-28", "2026-12-30", "2026-12-31", "2027-01-04", "2027-01-06"],
        ),
        # Across a month's end, twice a week.
        (
            "2026-11-24",
            (TUE, THU),
            ["2026-11-24", "2026-11-26", "2026-12-01", "2026-12-03", "2026-12-08"],
        ),
        # Across February's end in a leap year, on Sundays only.
        (
            "2028-02-20",
            (SUN,),
            ["2028-02-20", "2028-02-27", "2028-03-05", "2028-03-12", "2028-03-19"],
        ),
    ],
)
def test_sessions_on_meeting_days_cross_a_month_and_a_year(first, meets_on, expected):
    dates = paced(MODULES[:5], first, None, Pacing(meets_on=meets_on))
    assert [d.session_date for d in dates] == expected
    assert [d.due_date for d in dates] == expected  # no due date given: due on the session


def test_every_n_days_is_as_before():
    dates = paced(MODULES[:4], "2026-11-30", None, Pacing(every_days=3, per_session=2))
    assert [d.session_date for d in dates] == ["2026-11-30"] * 2 + ["2026-12-03"] * 2
    assert session_dates("2026-11-30", 3, Pacing(every_days=3)) == [
        date(2026, 11, 30),
        date(2026, 12, 3),
        date(2026, 12, 6),
    ]


def test_a_first_session_on_a_day_the_group_does_not_meet_is_refused_with_the_day_named():
    refusal = NotAMeetingDay(SUN, (MON, WED, THU))
    assert refusal.code == "first_session_not_meeting_day" and refusal.status == 400
    assert "Sunday" in refusal.message and "mon, wed, thu" in refusal.message
    assert message(refusal, "en") == (
        "The first session is on a Sunday; choose it among the meeting days, or tick Sunday."
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["mon", "wed", "thu"], (MON, WED, THU)),
        (["thu", "mon"], (MON, THU)),  # in week order
        (["sun"], (SUN,)),
    ],
)
def test_meeting_days_by_their_api_names(names, expected):
    assert meeting_days(names) == expected


@pytest.mark.parametrize(
    "names", [[], ["monday"], ["Mon"], ["mon", "mon"], "mon", [1], None, ["mon", None]]
)
def test_meeting_days_refuses_what_is_not_a_list_of_weekday_names(names):
    with pytest.raises(BadRequest) as refused:
        meeting_days(names)
    assert refused.value.code == "invalid_meeting_days"


@pytest.mark.parametrize("meets_on", [(7,), (-1,), (True,), ("mon",), [0, 2]])
def test_a_pacing_with_days_that_are_not_weekdays_is_refused(meets_on):
    with pytest.raises(BadRequest) as refused:
        Pacing(meets_on=meets_on).checked()
    assert refused.value.code == "invalid_meeting_days"


def test_a_checked_pacing_has_its_days_once_in_week_order():
    assert Pacing(meets_on=(THU, MON, THU)).checked().meets_on == (MON, THU)


def track(dates: tuple[ModuleDates, ...]) -> Assignment:
    return Assignment("a" * 32, "track", "t", None, None, None, None, "", "", module_dates=dates)


@pytest.mark.parametrize(
    ("first", "pacing", "guessed"),
    [
        # Weekdays that repeat week after week: offered again as those weekdays.
        (
            "2026-11-30",
            Pacing(per_session=2, meets_on=(MON, WED, THU)),
            Pacing(7, 2, (MON, WED, THU)),
        ),
        ("2026-12-03", Pacing(meets_on=(MON, WED, THU)), Pacing(7, 1, (MON, WED, THU))),
        ("2026-12-01", Pacing(meets_on=(TUE, THU)), Pacing(7, 1, (TUE, THU))),
        # Evenly spread: every N days, as before (a weekly group is every 7 days).
        ("2026-11-30", Pacing(every_days=3, per_session=2), Pacing(3, 2)),
        ("2026-11-30", Pacing(meets_on=(MON,)), Pacing(7, 1)),
        ("2026-11-30", Pacing(), Pacing()),
    ],
)
def test_pacing_of_recognises_meeting_days(first, pacing, guessed):
    assert pacing_of(track(paced(MODULES, first, "2026-11-20", pacing))) == guessed


def test_pacing_of_falls_back_as_before_when_no_pattern_fits():
    dates = paced(MODULES[:4], "2026-11-30", None, Pacing(meets_on=(MON, WED, THU)))
    # One module moved by hand to Tue 8 Dec, past Mon 7 Dec: no meeting days give these
    # dates, so the first gap, as before.
    moved = (*dates[:3], ModuleDates(MODULES[3], "2026-12-08", "2026-12-08"))
    assert pacing_of(track(moved)) == Pacing(2, 1)
    # Moved to Sat 5 Dec instead: Mon, Wed, Thu and Sat give exactly these dates.
    moved = (*dates[:3], ModuleDates(MODULES[3], "2026-12-05", "2026-12-05"))
    assert pacing_of(track(moved)) == Pacing(7, 1, (MON, WED, THU, 5))
    assert pacing_of(track(())) is None
