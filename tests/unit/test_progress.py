"""The status rule and the CSV export, as pure functions."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from chalicelib.progress import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_STARTED,
    OVERDUE,
    Task,
    grid_csv,
    safe_cell,
    status_of,
)
from chalicelib.records.completions import Progress

TODAY = date(2026, 11, 20)


def task(target: int = 2, due: str | None = None) -> Task:
    return Task("coping", "Coping", target, 2, due, None, ("a1",), None)


def progress(**versions: int) -> Progress:
    return Progress("p1", {m: {v: f"2026-11-1{v}T10:00:00Z"} for m, v in versions.items()})


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
    assert status_of(task(target, due), progress(**done), TODAY)["status"] == expected


def test_completed_cell_carries_version_and_time():
    cell = status_of(task(1), progress(coping=1), TODAY)
    assert (cell["version"], cell["completed_at"]) == (1, "2026-11-11T10:00:00Z")


def test_older_completion_names_the_newer_version():
    assert status_of(task(2), progress(coping=1), TODAY)["newer_version"] == 2


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sam", "", "1-2", "a=b"])
def test_ordinary_cells_are_untouched(value):
    assert safe_cell(value) == value


def test_csv_escapes_commas_quotes_and_newlines_and_round_trips():
    grid = {
        "modules": [{"title": "Coping, part 1"}],
        "participants": [
            {"display_name": 'Lee, "Sunny"\nSmith', "participant_id": "p1",
             "cells": [{"status": COMPLETED, "version": 2, "completed_at": "2026-11-19T10:00:00Z"}]},
            {"display_name": "=cmd|' /C calc'!A0", "participant_id": "p2",
             "cells": [{"status": OVERDUE, "version": None, "completed_at": None}]},
        ],
    }
    text = grid_csv(grid)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Participant", "Participant ID", "Coping, part 1"],
        ['Lee, "Sunny"\nSmith', "p1", "Completed (version 2, 2026-11-19)"],
        ["'=cmd|' /C calc'!A0", "p2", "Overdue"],
    ]
    assert '"Lee, ""Sunny""\nSmith"' in text


class FakeLibrary:
    def catalog(self) -> list[dict]:
        return [{"id": "coping", "title": "Coping", "version": 3}, {"id": "sleep", "title": "Sleep", "version": 1}]

    def tracks(self) -> list[dict]:
        return [{"id": "starter", "modules": ["sleep", "coping", "retired"]}]


def test_a_module_assigned_alone_and_in_a_track_is_one_task():
    from chalicelib.progress import tasks_for
    from chalicelib.records.groups import Assignment

    assignments = [
        Assignment("a1", "track", "starter", None, None, "2026-12-10", None, "2026-11-01T00:00:00Z", "l"),
        Assignment("a2", "module", "coping", 2, None, "2026-12-03", "2026-12-02", "2026-11-02T00:00:00Z", "l"),
    ]
    tasks = {t.module_id: t for t in tasks_for(assignments, FakeLibrary())}  # type: ignore[arg-type]
    assert set(tasks) == {"coping", "sleep"}  # the retired module is skipped
    coping = tasks["coping"]
    assert (coping.due_date, coping.session_date, coping.assignment_ids) == ("2026-12-03", "2026-12-02", ("a1", "a2"))
    assert (coping.target_version, coping.latest_version) == (3, 3)  # the track wants the latest
    assert tasks["sleep"].due_date == "2026-12-10"
