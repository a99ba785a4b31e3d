"""The long progress CSV (``dashboard.long_csv``) cell by cell: one fact per cell, the knowledge
check as numbers, the worksheet from a fixed set, formulas neutralised by the one ``safe_cell``,
no row for a module not assigned to someone."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from chalicelib.assignments import AssignedModule
from chalicelib.dashboard import LONG_HEADINGS, WIDE_HEADINGS, Grid, GridRow, grid_csv, long_csv
from chalicelib.groups import GroupSummary
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_STARTED,
    OVERDUE,
    CheckMark,
    ModuleStatus,
    WorksheetMark,
    not_assigned,
)

GROUP = GroupSummary("0f3c2b1a9d8e7f6a", "Tuesday", False, "2026-11-01")


def module(module_id: str, title: str, tracks: tuple[str, ...] = ()) -> AssignedModule:
    return AssignedModule(
        module_id, title, 2, 2, "2026-11-26", "2026-12-01", ("a1",), None, track_ids=tracks
    )


COLUMNS = (
    module("thinking-traps", "Thinking traps", ("early",)),
    module("cravings", "=Cravings", ("early", "=evil")),
    module("sleep", "Sleep"),
)


def row(pid: str, cells: tuple[ModuleStatus, ...], username: str = "sam.p") -> GridRow:
    return GridRow(pid, "+Sam", "2026-11-01T15:00:00+00:00", cells, username=username)


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_each_cell_is_one_fact_and_numbers_stay_numbers() -> None:
    cells = (
        ModuleStatus(
            "thinking-traps",
            COMPLETED,
            2,
            "2026-11-25T23:30:00+00:00",
            worksheet=WorksheetMark(4, 4, True),
            check=CheckMark(2, 3, True, 3),
        ),
        ModuleStatus(
            "cravings",
            COMPLETED_OLDER,
            1,
            "2026-11-20T12:00:00+00:00",
            2,
            WorksheetMark(4, 1, False),
        ),
        not_assigned("sleep"),
    )
    other = (
        ModuleStatus("thinking-traps", OVERDUE, worksheet=WorksheetMark(4, 0, False)),
        ModuleStatus("cravings", NOT_STARTED),
        ModuleStatus("sleep", NOT_STARTED),
    )
    grid = Grid(GROUP, COLUMNS, (row("p1", cells), row("p2", other, "@bob")), {}, "2026-11-27")
    text = long_csv(grid, UTC, (), {"early": "Early recovery, weeks 1–4"})
    assert next(csv.reader(io.StringIO(text))) == list(LONG_HEADINGS)
    rows = parse(text)
    assert [(r["Participant ID"], r["Module ID"]) for r in rows] == [
        ("p1", "thinking-traps"),
        ("p1", "cravings"),  # "sleep" is not assigned to p1: no row
        ("p2", "thinking-traps"),
        ("p2", "cravings"),
        ("p2", "sleep"),
    ]
    done, older, overdue, not_started, _ = rows
    assert done["Status"] == "Done" and done["Completed on"] == "2026-11-25"
    assert (
        done["Knowledge check correct"],
        done["Knowledge check total"],
        done["Knowledge check tries"],
    ) == ("2", "3", "3")
    assert (done["Worksheet"], done["Worksheet shared"]) == ("done", "yes")
    assert done["Tracks"] == "Early recovery, weeks 1–4"
    assert (done["Due date"], done["Session date"], done["As of"]) == (
        "2026-11-26",
        "2026-12-01",
        "2026-11-27",
    )
    assert older["Status"] == "Older version"
    assert (older["Completed version"], older["Assigned version"]) == ("1", "2")
    assert (older["Worksheet"], older["Worksheet shared"]) == ("started", "no")
    assert older["Knowledge check tries"] == ""
    assert (overdue["Status"], overdue["Worksheet"], overdue["Completed on"]) == (
        "Overdue",
        "not done",
        "",
    )
    assert (not_started["Status"], not_started["Worksheet"], not_started["Worksheet shared"]) == (
        "Not started",
        "none",
        "",
    )
    # Formulas neutralised wherever text comes from people: names, usernames, titles.
    assert done["Name shown"] == "'+Sam" and overdue["Username"] == "'@bob"
    assert older["Module"] == "'=Cravings"
    assert older["Tracks"] == "Early recovery, weeks 1–4; =evil"  # not at the cell's start


def test_a_track_title_starting_with_a_formula_is_neutralised() -> None:
    grid = Grid(
        GROUP,
        COLUMNS[1:2],
        (row("p1", (ModuleStatus("cravings", NOT_STARTED),)),),
        {},
        "2026-11-27",
    )
    (only,) = parse(long_csv(grid, UTC, (), {"early": "=HYPERLINK(1)"}))
    assert only["Tracks"] == "'=HYPERLINK(1); =evil"


def test_the_wide_form_has_the_totals_username_and_signed_in() -> None:
    cells = (
        ModuleStatus("thinking-traps", COMPLETED, 2, "2026-11-25T12:00:00+00:00"),
        ModuleStatus("cravings", OVERDUE),
        not_assigned("sleep"),
    )
    waiting = GridRow("p1", "Sam", "2026-11-01T15:00:00+00:00", cells, {}, True, "-sam")
    grid = Grid(GROUP, COLUMNS, (waiting,), {}, "2026-11-27")
    header, line = list(csv.reader(io.StringIO(grid_csv(grid, UTC))))
    assert header[: len(WIDE_HEADINGS)] == list(WIDE_HEADINGS)
    assert line[: len(WIDE_HEADINGS)] == [
        "Sam",
        "p1",
        "'-sam",
        "2026-11-27",
        "",
        "no",
        "1",
        "1",
        "0",
    ]
    assert line[len(WIDE_HEADINGS) :] == [
        "Done (version 2, 2026-11-25), due 2026-11-26",
        "Overdue, due 2026-11-26",
        "",
    ]
