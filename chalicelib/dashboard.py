"""The group dashboard: participants × assigned modules with each one's status, version and
completion time; and the same grid as a CSV file for clinical documentation, in two forms
from the same reads: a row per participant (``grid_csv``) or, for a spreadsheet to filter and
count, a row per participant and assigned module (``long_csv``).

One group Query, one BatchGetItem per 100 participants, one audit Put. The groups overview
(``Dashboard.overview``): one Query of the leader's groups, one Query per group, one
BatchGetItem per 100 participants of the active groups, one audit TransactWriteItems per
100 items (the entry and a copy per participant).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import Any

from chalicelib.assignments import (
    AssignedModule,
    assigned_modules,
    assigned_to,
    group_order,
    session_days,
)
from chalicelib.attention import Attention, Facts, ParticipantAttention, Standing, group_attention
from chalicelib.clock import Clock, calendar_day
from chalicelib.errors import BadRequest, Forbidden
from chalicelib.groups import GroupSummary, audit_read, led_group
from chalicelib.identity import LEADERS, Caller
from chalicelib.library import ModuleLibrary
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import CompletedVersions, CompletionRecords
from chalicelib.records.groups import EnrolledParticipant, Group, GroupRecords
from chalicelib.records.worksheets import SavedWorksheet
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
    STATUS_TEXT,
    CheckMark,
    ModuleStatus,
    Windows,
    WorksheetMark,
    check_of,
    not_assigned,
    past_due,
    program_day,
    status_from,
    visible_and_when,
    visible_to_leaders,
)
from chalicelib.text import shown_name
from chalicelib.worksheets import visible_fields, worksheet_mark

COUNTED = (COMPLETED, COMPLETED_OLDER, OVERDUE, NOT_STARTED)


ORDER_BY_NAME = "name"
ORDER_BY_OVERDUE = "overdue"
ORDERS = (ORDER_BY_NAME, ORDER_BY_OVERDUE)


@dataclass(frozen=True)
class Totals:
    """One participant's assigned modules: completed, overdue, completed in an older version."""

    done: int
    overdue: int
    older: int


@dataclass(frozen=True)
class GridRow:
    participant_id: str
    display_name: str
    joined_at: str
    cells: tuple[ModuleStatus, ...]  # one per column, in column order
    # Their due date (``AssignedModule.due_for``; ``None``: none) of each assigned module whose
    # due dates differ among the group's participants (``Grid.dates_vary``): the column cannot
    # say it.
    due_dates: Mapping[str, str | None] = field(default_factory=dict)
    # Their account was made at enrolment and they have not signed in yet
    # (``EnrolledParticipant.not_signed_in``; False when not known).
    not_signed_in: bool = False
    username: str = ""  # ``""``: not known (an enrolment from before usernames were kept)
    # They have chosen their own password since an enrolment (``password_chosen_at``): they
    # have signed in. Neither this nor ``not_signed_in``: not known.
    signed_in: bool = False
    # Each module assigned to them, by module id (their own assignment where they have one:
    # its version, due and session dates, tracks): the long CSV's row per module. Shared
    # among the participants who have only the group's assignments.
    assigned: Mapping[str, AssignedModule] = field(default_factory=dict, repr=False, compare=False)

    @cached_property  # frozen: worked out once (the page, the filter and the sort ask)
    def totals(self) -> Totals:
        statuses = [c.status for c in self.cells]
        return Totals(
            statuses.count(COMPLETED), statuses.count(OVERDUE), statuses.count(COMPLETED_OLDER)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "joined_at": self.joined_at,
            "cells": [c.to_dict() for c in self.cells],
        }


@dataclass(frozen=True)
class Grid:
    group: GroupSummary
    modules: tuple[AssignedModule, ...]  # the columns
    participants: tuple[GridRow, ...]
    counts: dict[str, int]  # cells per status (COUNTED)
    as_of: str
    # What the leader may filter by (the tracks assigned to the group), and what is shown.
    tracks: tuple[TrackChoice, ...] = ()
    view: GridView = field(default_factory=lambda: GridView())
    all_participants: int = 0  # before the "only overdue" filter
    # Who needs attention, and why (chalicelib.attention), by participant id: the web grid's marker.
    attention: dict[str, ParticipantAttention] = field(default_factory=dict)
    # The columns whose due date is not the same for everyone they are assigned to (a module
    # assigned to the group and again to one participant with another date): each row says
    # its own (``GridRow.due_dates``). A column's module is the group's assignment if any.
    dates_vary: frozenset[str] = frozenset()
    # How many participants left the group (not in the grid: the group page lists them and the
    # CSV has their rows).
    former: int = 0
    # Each column's tracks, by module id: the assigned tracks that assign it to someone
    # (``AssignedModule.track_ids`` of the group's and each participant's assignments). A
    # module a track assignment leaves out is not in that track here, even where it is
    # assigned on its own: the track filter (``apply_view``) shows these columns.
    column_tracks: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The modules assigned to everyone in the group: with nobody in it now (no columns), the
    # page still says how many (walk-through 19, problem 8).
    group_modules: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.to_dict(),
            "modules": [m.to_dict() for m in self.modules],
            "participants": [r.to_dict() for r in self.participants],
            "counts": dict(self.counts),
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class TrackChoice:
    track_id: str
    title: str


@dataclass(frozen=True)
class GridView:
    """What a group leader chose to see: only participants with overdue reading, one track's
    modules, and the order of the rows (``ORDERS``)."""

    only_overdue: bool = False
    track_id: str | None = None
    order: str = ORDER_BY_NAME


@dataclass(frozen=True)
class GroupOverview:
    """One line of a group leader's groups list."""

    group: GroupSummary
    participants: int
    overdue: int  # overdue readings (participant × module)
    participants_overdue: int
    # The first group session date from today on before which a module assigned to the whole
    # group is read (``assignments.session_days``).
    next_session: str | None
    needs_attention: int = 0  # participants with a reason not marked as seen


# Excel on Windows opens a CSV file without a byte order mark in the computer's own code page,
# so "José Núñez" shows as "JosÃ© NÃºÃ±ez"; with one it reads UTF-8. Other readers skip it
# (Python: encoding="utf-8-sig").
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class CsvFile:
    text: str  # starts with UTF8_BOM
    filename: str
    content_type: str = "text/csv; charset=utf-8"


MAX_SLUG = 40


def _slug(text: str) -> str:
    """``text`` in lowercase ASCII letters and digits joined by single hyphens (accents
    dropped: "Sesión" is "sesion"; anything else is a break), at most ``MAX_SLUG`` long."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


CSV_WIDE = "wide"  # one row per participant, one column per module
CSV_LONG = "long"  # one row per participant and assigned module
CSV_FORMS = (CSV_WIDE, CSV_LONG)
SHORT_ID = 8


def progress_filename(group: GroupSummary, day: str, form: str = CSV_WIDE) -> str:
    """The progress CSV's file name: the start of the group's id and the day it is
    downloaded, ``progress-e6a2e1dc-2026-11-27.csv`` (the long form:
    ``progress-by-module-e6a2e1dc-2026-11-27.csv``). Never the group's name: the file sits in
    a Downloads folder, where a name ("Tuesday evening – O'Brien's cohort") says who is in
    treatment where. Only ``[a-z0-9.-]``: no quotes, line breaks or path characters, in a
    Content-Disposition header or a folder."""
    kind = "progress-by-module" if form == CSV_LONG else "progress"
    return f"{kind}-{_slug(group.group_id)[:SHORT_ID].rstrip('-') or 'group'}-{_slug(day)}.csv"


def group_grid(
    group: Group,
    completed: Mapping[str, CompletedVersions],
    modules: list[AssignedModule],
    today: date,
    zone: tzinfo,
    facts: Facts | None = None,
) -> Grid:
    """The dashboard grid of ``group`` (``completed`` holds each participant's completed
    versions) on the program's day ``today`` (``zone``: the program's time zone, in which the
    day someone joined is compared with due dates); each participant's completions pass the
    visibility rule first. With ``facts`` (the attention rule's batch read: saved worksheets
    and each assigned version's fields), every cell whose assigned version has a worksheet
    says whether it was done and shared."""
    columns, rows, _, vary = _grid_rows(group, completed, modules, today, zone, facts)
    return _grid(group, modules, columns, rows, today, vary)


def grid_with_attention(
    group: Group,
    modules: list[AssignedModule],
    facts: Facts,
    now: datetime,
    today: date,
    zone: tzinfo,
) -> Grid:
    """``group_grid`` with ``facts``, and who needs attention (``group_attention``): the rule
    starts from where the grid found each participant stands, not working it out again."""
    columns, rows, standings, vary = _grid_rows(group, facts.completed, modules, today, zone, facts)
    found = group_attention(group, modules, facts, now, today, zone, standings)
    attention = {p.participant_id: p for p in found.participants}
    return _grid(group, modules, columns, rows, today, vary, attention)


def _grid(
    group: Group,
    modules: list[AssignedModule],
    columns: tuple[AssignedModule, ...],
    rows: list[GridRow],
    today: date,
    dates_vary: frozenset[str],
    attention: dict[str, ParticipantAttention] | None = None,
) -> Grid:
    # A column stands for one of its module's assignments: its tracks are all of theirs.
    tracks: dict[str, set[str]] = {}
    for m in modules:
        tracks.setdefault(m.module_id, set()).update(m.track_ids)
    return Grid(
        GroupSummary.of(group),
        columns,
        tuple(rows),
        _counts(rows),
        today.isoformat(),
        all_participants=len(rows),
        attention=attention or {},
        dates_vary=dates_vary,
        column_tracks={m: frozenset(t) for m, t in tracks.items()},
        group_modules=len({m.module_id for m in modules if m.participant_id is None}),
    )


def _grid_rows(
    group: Group,
    completed: Mapping[str, CompletedVersions],
    modules: list[AssignedModule],
    today: date,
    zone: tzinfo,
    facts: Facts | None,
) -> tuple[tuple[AssignedModule, ...], list[GridRow], dict[str, Standing], frozenset[str]]:
    """The grid's columns and rows, where each participant stands (for the attention rule,
    which starts from the same statuses), and the columns whose due dates vary.

    The columns are in the group's order (``assignments.group_order``: the order of the
    group's assignments, a track's modules in track order, not moved by one participant's due
    date), and a column stands for the group's assignment of its module if there is one: the
    heading shows the date that applies to everyone, not one participant's own. A column whose
    due date is not the same for all its participants (``AssignedModule.due_for``: their own
    assignments, or a date that had passed when the module became theirs) is in
    ``dates_vary``, and each row then has its own; a column whose date applies to none of them
    has none.

    A 40 x 60 grid has 2,400 cells, so what does not depend on the cell is looked up once:
    each assigned module's due date and worksheet fields, each participant's latest completed
    versions, worksheets and assignments. Cells that say the same thing (not assigned; not
    started or overdue with no worksheet saved) are one shared object: they are frozen."""
    columns = {m.module_id: m for m in group_order(modules)}
    column_ids = tuple(columns)
    empty_cells = {m: not_assigned(m) for m in column_ids}
    # Each assigned module (one to a participant alone may pin another version or date): its
    # target version, its worksheet's fields, its due date, and the cell of whoever has done
    # and saved nothing of it yet, the same frozen object for all of them (and, when it is
    # overdue, the not-started cell of whoever it is not overdue for: one who joined after its
    # due date, or after its soonest of several: ``AssignedModule.due_for``).
    Plan = tuple[int, tuple[str, ...] | None, ModuleStatus]
    plans: dict[int, Plan] = {}
    not_due: dict[int, tuple[AssignedModule, Plan]] = {}
    for m in modules:
        fields = facts.fields.get((m.module_id, m.target_version)) if facts is not None else None
        mark = WorksheetMark(len(fields), 0, False) if fields else None
        overdue = past_due(m.due_date, today)
        blank = status_from(m.module_id, m.target_version, None, overdue, mark)
        plans[id(m)] = (m.target_version, fields or None, blank)
        if overdue and m.due_date:
            later = status_from(m.module_id, m.target_version, None, False, mark)
            not_due[id(m)] = (m, (m.target_version, fields or None, later))
    sheets_of: dict[str, dict[str, SavedWorksheet]] = {}
    for (pid, module_id), saved in facts.worksheets.items() if facts is not None else ():
        sheets_of.setdefault(pid, {})[module_id] = saved
    # What everyone in the group is assigned ("" is nobody's id); a participant with an
    # assignment of their own gets theirs worked out (``assigned_to``: theirs wins).
    for_everyone = assigned_to(modules, "")
    own = {m.participant_id for m in modules if m.participant_id is not None}
    theirs = {
        p.participant_id: assigned_to(modules, p.participant_id)
        for p in group.participants
        if p.participant_id in own
    }
    # Each column's due dates as they apply to the participants (``AssignedModule.due_for``:
    # a date that had passed when the module became theirs is not theirs), so the grid says
    # what their home page and the CSV say. Worked out once per assigned module and day of
    # joining (a cohort enrolled together shares one).
    own_dues: dict[tuple[int, str], str | None] = {}

    def own_due(assigned: AssignedModule, joined_at: str) -> str | None:
        key = (id(assigned), joined_at)
        if key not in own_dues:
            own_dues[key] = assigned.due_for(joined_at, zone)
        return own_dues[key]

    dates: dict[str, set[str | None]] = {}
    # Their dates depend on what they are assigned and the day they joined (``due_for`` reads
    # no more of it), so a cohort that joined on one day is asked about once, not 60 times each.
    cohorts: set[tuple[int, str | None]] = set()
    for participant in group.participants:
        mine = theirs.get(participant.participant_id, for_everyone)
        cohort = (id(mine), program_day(participant.joined_at, zone))
        if cohort in cohorts:
            continue
        cohorts.add(cohort)
        for module_id, assigned in mine.items():
            dates.setdefault(module_id, set()).add(own_due(assigned, participant.joined_at))
    dates_vary = frozenset(m for m, due in dates.items() if len(due) > 1)
    # A column whose date is the same for everyone, but not its module's (a date that applies
    # to nobody: everyone's came after it had passed): its heading says theirs.
    for module_id, due in dates.items():
        common = next(iter(due))
        if len(due) == 1 and common != columns[module_id].due_date:
            columns[module_id] = replace(columns[module_id], due_date=common)

    def row_plan(
        mine: Mapping[str, AssignedModule], joined_at: str | None = None
    ) -> list[tuple[str, tuple[int, tuple[str, ...] | None, ModuleStatus] | None]]:
        """Each column's plan for one participant (``None``: not assigned to them), who joined
        at ``joined_at`` (``None``: the plan for whoever was there before every due date)."""
        row: list[tuple[str, tuple[int, tuple[str, ...] | None, ModuleStatus] | None]] = []
        for m in column_ids:
            if m not in mine:
                row.append((m, None))
                continue
            key = id(mine[m])
            later = not_due.get(key)
            if later is not None and joined_at and not overdue_for(later[0], joined_at):
                row.append((m, later[1]))
            else:
                row.append((m, plans[key]))
        return row

    def overdue_for(assigned: AssignedModule, joined_at: str) -> bool:
        return past_due(own_due(assigned, joined_at), today)

    # By day of joining: a cohort enrolled together asks once, not once each.
    joined_after: dict[str, bool] = {}

    def joined_after_a_due_date(joined_at: str) -> bool:
        if joined_at not in joined_after:
            joined_after[joined_at] = any(
                not overdue_for(m, joined_at) for m, _ in not_due.values()
            )
        return joined_after[joined_at]

    everyones_plan = row_plan(for_everyone)
    rows = []
    standings: dict[str, Standing] = {}
    for participant in group.participants:
        pid = participant.participant_id
        visible, activity = visible_and_when(
            completed[pid],
            participant.joined_at,
            participant.shares_history,
            participant.earlier,
            participant.hidden,
        )
        if pid in theirs:
            mine = theirs[pid]
            plan_row = row_plan(mine, participant.joined_at)
        elif joined_after_a_due_date(participant.joined_at):
            mine, plan_row = for_everyone, row_plan(for_everyone, participant.joined_at)
        else:
            mine, plan_row = for_everyone, everyones_plan
        latest = visible.latest_versions()
        checks = visible.checks
        my_sheets = sheets_of.get(pid, {})
        cells = []
        statuses: dict[str, ModuleStatus] = {}
        for module_id, plan in plan_row:
            if plan is None:
                cells.append(empty_cells[module_id])
                continue
            target, fields, blank = plan
            done = latest.get(module_id)
            sheet = my_sheets.get(module_id) if fields else None
            if done is None and sheet is None:
                cell = blank
            else:
                mark = blank.worksheet
                if sheet is not None and fields:
                    mark = worksheet_mark(participant, sheet, fields)
                if done is not None:
                    check = check_of(visible, module_id, done[0]) if module_id in checks else None
                    cell = status_from(module_id, target, done, False, mark, check)
                else:
                    cell = status_from(module_id, target, None, blank.status == OVERDUE, mark)
            cells.append(cell)
            statuses[module_id] = cell
        due_dates = {m: own_due(mine[m], participant.joined_at) for m in dates_vary if m in mine}
        rows.append(
            GridRow(
                pid,
                participant.display_name,
                participant.joined_at,
                tuple(cells),
                due_dates,
                participant.not_signed_in,
                participant.username,
                bool(participant.password_chosen_at),
                mine,
            )
        )
        standings[pid] = Standing(visible, mine, statuses, my_sheets, activity)
    return tuple(columns.values()), rows, standings, dates_vary


def _counts(rows: list[GridRow] | tuple[GridRow, ...]) -> dict[str, int]:
    found = Counter(c.status for r in rows for c in r.cells)
    return {s: found[s] for s in COUNTED}


def apply_view(grid: Grid, view: GridView, tracks: list[dict[str, Any]]) -> Grid:
    """``grid`` as ``view`` asks: one track's columns (in the track's order: the modules that
    track assigns, ``Grid.column_tracks``, so not one it leaves out, even where that module is
    assigned on its own), only the rows with something overdue, rows by name or most overdue
    first. ``tracks`` are the published tracks assigned to the group (offered as filters).
    ``BadRequest`` for a track or order not offered."""
    if view.order not in ORDERS:
        raise BadRequest("Sort by name or by most overdue.", code="invalid_order")
    modules, rows = grid.modules, grid.participants
    if view.track_id is not None:
        track = next((t for t in tracks if t["id"] == view.track_id), None)
        if track is None:
            raise BadRequest(
                "Choose one of the tracks assigned to this group.", code="invalid_track"
            )
        keep = [
            i
            for i, m in enumerate(modules)
            if view.track_id in grid.column_tracks.get(m.module_id, ())
        ]
        modules = tuple(modules[i] for i in keep)
        rows = tuple(replace(r, cells=tuple(r.cells[i] for i in keep)) for r in rows)
    if view.only_overdue:
        rows = tuple(r for r in rows if r.totals.overdue)
    if view.order == ORDER_BY_OVERDUE:
        rows = tuple(sorted(rows, key=lambda r: -r.totals.overdue))  # stable: then by name
    return replace(
        grid,
        modules=modules,
        participants=rows,
        # The same cells in another order count the same.
        counts=_counts(rows) if view.track_id is not None or view.only_overdue else grid.counts,
        tracks=tuple(TrackChoice(t["id"], t["title"]) for t in tracks),
        view=view,
    )


_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote.
    A participant's name goes through ``text.shown_name`` first (no direction control, a
    placeholder for a name with nothing visible), then through this."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS_FIRST) else text


def check_text(mark: CheckMark, full: bool = False) -> str:
    """A cell's knowledge check in words: "knowledge check 2 of 3" for a first try. A retake
    comes after the feedback of an earlier try, which names the right answers, so its score
    says so, with the first try's: "knowledge check 3 of 3 on try 2, after seeing the answers
    (first try 1 of 3)" (the web grid's cell). ``full`` (the CSV): "... on try 3, after seeing
    the right answers to an earlier try (first try 1 of 3; tries: 1 of 3, 0 of 3, 3 of 3)".
    Where the earliest try the group sees is not the first (one made before joining, not
    shared), it is named by its number: "(try 2, the earliest shown: 1 of 3)"."""
    text = f"knowledge check {mark.correct} of {mark.total}"
    if not mark.after_answers:
        return text
    seen = "the right answers to an earlier try" if full else "the answers"
    text += f" on try {mark.attempt}, after seeing {seen}"
    first = mark.first
    if first is None:
        return text
    label = "first try" if first.attempt == 1 else f"try {first.attempt}, the earliest shown:"
    text += f" ({label} {first.correct} of {first.total}"
    if full:  # every try the group sees, oldest first, this one last
        tries = [f"{r.correct} of {r.total}" for r in mark.earlier]
        text += "; tries: " + ", ".join([*tries, f"{mark.correct} of {mark.total}"])
    return text + ")"


def worksheet_text(mark: WorksheetMark) -> str:
    """A cell's worksheet in words (the CSV, the web grid's text alternative)."""
    if mark.done:
        text = "worksheet done"
    elif mark.started:
        text = f"worksheet started ({mark.answered} of {mark.fields})"
    else:
        text = "worksheet not done"
    return text + (", shared" if mark.shared else "")


def own_due_date(row: GridRow, column: AssignedModule, zone: tzinfo) -> str | None:
    """A participant's own due date for a column assigned to them (``None``: none): the row's
    where the column's dates differ among the participants (``GridRow.due_dates``), else the
    column's, as it applies to someone who joined when they did (``AssignedModule.due_for``: a
    date that had passed when they joined, set before they joined, is not theirs)."""
    if column.module_id in row.due_dates:
        return row.due_dates[column.module_id]
    return column.due_for(row.joined_at, zone)


@dataclass(frozen=True)
class FormerRow:
    """A participant who left the group, as the CSV shows them: the day they left (the
    program's calendar) and their row, worked out from what they did while in the group."""

    left_on: str
    row: GridRow


# The wide CSV's columns before the one per module.
WIDE_HEADINGS = (
    "Participant",
    "Participant ID",
    "Username",
    "As of",
    "Left on",
    "Signed in",
    STATUS_TEXT[COMPLETED],
    STATUS_TEXT[OVERDUE],
    STATUS_TEXT[COMPLETED_OLDER],
)


# The "Signed in" cell where it cannot be known: said, not left empty (an empty cell reads as
# "no data" by accident, and sorts or filters as blank).
SIGNED_IN_UNKNOWN = "unknown"


def signed_in_text(row: GridRow) -> str:
    """The "Signed in" cell: "no" where the grid says "Has not signed in yet" (the same
    ``not_signed_in``), "yes" once they chose their own password or once the grid shows
    something they did (a completion or a saved worksheet: only a signed-in participant does
    that; walk 20, leader, 7: "unknown" beside people reading every week), "unknown" when it
    cannot be known (an account made before enrolment, an enrolment from before this was kept,
    who left, with nothing done)."""
    if row.not_signed_in:
        return "no"
    # A cell whose version has a worksheet always has a mark (0 answered: nothing saved that
    # the group may see); only a started one is something they did.
    did_something = any(
        c.status in (COMPLETED, COMPLETED_OLDER)
        or (c.worksheet is not None and c.worksheet.started)
        for c in row.cells
    )
    return "yes" if row.signed_in or did_something else SIGNED_IN_UNKNOWN


def grid_csv(grid: Grid, zone: tzinfo, former: Sequence[FormerRow] = ()) -> str:
    """The grid as CSV (csv module: quotes, commas and newlines escaped), one row per
    participant. A completion is dated by the program's calendar (``zone``), like the grid's
    "as of" day and the due dates.

    Each assigned cell says the participant's own due date ("Not started, due 2026-12-01"),
    and every row the day the file shows ("As of" column), so a row keeps its date when it is
    sorted, filtered or pasted under another download; the grid's Done, Overdue and Older
    version totals, and whether they have signed in (``signed_in_text``). Participants who left
    the group (``former``) follow the current ones, with the day they left in the "Left on"
    column (empty for everyone still in the group). The first row stays the header row:
    nothing above it, and the same headings every day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*WIDE_HEADINGS, *(safe_cell(m.title) for m in grid.modules)])
    for left_on, row in _csv_rows(grid, former):
        cells = []
        for column, cell in zip(grid.modules, row.cells, strict=True):
            text = STATUS_TEXT[cell.status]
            if cell.status in (COMPLETED, COMPLETED_OLDER):
                on = calendar_day(cell.completed_at, zone)
                text += f" (version {cell.version}, {on.isoformat() if on else ''}"
                if cell.newer_version is not None:  # as the grid's cell says it
                    text += f"; version {cell.newer_version} is out"
                text += ")"
            due = own_due_date(row, column, zone) if cell.status != NOT_ASSIGNED else None
            if due:
                text += f", due {due}"
            if cell.check is not None:
                text += "; " + check_text(cell.check, full=True)
            if cell.worksheet is not None:
                text += "; " + worksheet_text(cell.worksheet)
            cells.append(text)
        totals = row.totals
        writer.writerow(
            [
                safe_cell(shown_name(row.display_name)),
                safe_cell(row.participant_id),
                safe_cell(row.username),
                grid.as_of,
                left_on,
                signed_in_text(row),
                totals.done,
                totals.overdue,
                totals.older,
                *cells,
            ]
        )
    return out.getvalue()


LONG_HEADINGS = (
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
)
# The long CSV's Status column: one of these, so a spreadsheet can filter and count it; the
# words of the grid and of the wide CSV (``STATUS_TEXT``).
LONG_STATUS = {s: STATUS_TEXT[s] for s in (COMPLETED, COMPLETED_OLDER, OVERDUE, NOT_STARTED)}


def long_worksheet(mark: WorksheetMark | None) -> tuple[str, str]:
    """The long CSV's Worksheet and Worksheet shared cells: "done", "started", "not done" or
    "none" (the assigned version has no worksheet); "yes", "no" or empty (no worksheet)."""
    if mark is None:
        return "none", ""
    done = "done" if mark.done else "started" if mark.started else "not done"
    return done, "yes" if mark.shared else "no"


def long_csv(
    grid: Grid,
    zone: tzinfo,
    former: Sequence[FormerRow] = (),
    track_titles: Mapping[str, str] | None = None,
) -> str:
    """The grid as CSV in long form: one row per participant and module assigned to them (a
    module not assigned to someone has no row), in the grid's order of participants (those who
    left last, as in ``grid_csv``) and of modules. One fact per cell, so a spreadsheet can
    filter and count: the Status from a fixed set (``LONG_STATUS``), ISO dates on the program's
    calendar (``zone``), the knowledge check as numbers. ``track_titles``: each assigned
    track's title by id (an id not in it is written as the id). The same cells as the wide
    form, under the same visibility rule: never a worksheet's answers."""
    titles = track_titles or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LONG_HEADINGS)
    for left_on, row in _csv_rows(grid, former):
        for column, cell in zip(grid.modules, row.cells, strict=True):
            if cell.status == NOT_ASSIGNED:
                continue
            own = row.assigned.get(column.module_id, column)
            on = calendar_day(cell.completed_at, zone) if cell.completed_at else None
            check = cell.check
            sheet, shared = long_worksheet(cell.worksheet)
            writer.writerow(
                [
                    safe_cell(row.participant_id),
                    safe_cell(row.username),
                    safe_cell(shown_name(row.display_name)),
                    safe_cell(column.module_id),
                    safe_cell(column.title),
                    safe_cell("; ".join(titles.get(t, t) for t in own.track_ids)),
                    own.target_version,
                    "" if cell.version is None else cell.version,
                    LONG_STATUS[cell.status],
                    own_due_date(row, column, zone) or "",
                    own.dates_for(row.joined_at, zone)[1] or "",
                    on.isoformat() if on else "",
                    "" if check is None else check.correct,
                    "" if check is None else check.total,
                    "" if check is None else check.attempts,
                    sheet,
                    shared,
                    left_on,
                    grid.as_of,
                ]
            )
    return out.getvalue()


def _csv_rows(grid: Grid, former: Sequence[FormerRow]) -> list[tuple[str, GridRow]]:
    """Each row of a CSV with the day they left ("": still in the group): the participants
    in the grid's order, then those who left."""
    return [("", row) for row in grid.participants] + [(f.left_on, f.row) for f in former]


def _written_within(sheet: SavedWorksheet, windows: Windows, hidden: Windows) -> SavedWorksheet:
    """``sheet`` with only the answers written in one of a former member's times in the group
    (``windows``), never while it was archived (``hidden``): the visibility rule of someone who
    is not in the group now (``visible_fields`` with no ``joined_at``), as their completions."""
    shown = visible_fields(sheet.answered_at, "", False, hidden, windows)
    return replace(sheet, answered_at={f: at for f, at in sheet.answered_at.items() if f in shown})


@dataclass
class Dashboard:
    records: GroupRecords
    completions: CompletionRecords
    audit: AuditRecords
    library: ModuleLibrary
    clock: Clock
    attention: Attention | None = None  # the grid's and the groups list's markers

    def grid(self, caller: Caller, group_id: str, view: GridView | None = None) -> Grid:
        """The dashboard of a group ``caller`` leads (audit-logged as a read), as ``view`` asks."""
        group, grid = self._grid(caller, group_id, "group.progress.read")
        assigned = {a.item_id for a in group.assignments if a.kind == "track"}
        tracks = [t for t in self.library.tracks() if t["id"] in assigned] if assigned else []
        grid = replace(apply_view(grid, view or GridView(), tracks), former=len(group.former))
        if not group.participants and group.assignments:
            # Nobody in the group now: the grid read no assigned modules (``Attention.facts``),
            # but the page says how many are still assigned (the cached catalog: no AWS call).
            modules = assigned_modules(group.assignments, self.library)
            count = len({m.module_id for m in modules if m.participant_id is None})
            grid = replace(grid, group_modules=count)
        return grid

    def csv(self, caller: Caller, group_id: str, form: str = CSV_WIDE) -> CsvFile:
        """The dashboard as a CSV file for spreadsheets, Excel included: UTF-8 with a byte order
        mark (audit-logged as an export, of the participants who left the group too). ``form``:
        ``CSV_WIDE``, a row per participant (``grid_csv``), or ``CSV_LONG``, a row per
        participant and assigned module (``long_csv``); both from the same reads, under the
        same rules. Those who left follow, marked with the day they left (``former_rows``): one
        more BatchGetItem when there are any. ``BadRequest`` for another form, before any read."""
        if form not in CSV_FORMS:
            raise BadRequest('form is "wide" or "long".', code="invalid_form")
        group, grid = self._grid(caller, group_id, "group.progress.export", with_former=True)
        former, columns = self.former_rows(group)
        if former and not grid.participants:
            grid = replace(grid, modules=columns)  # nobody in the group now: their columns
        if form == CSV_LONG:
            rows = _csv_rows(grid, former)
            in_tracks = any(a.track_ids for _, r in rows for a in r.assigned.values())
            tracks = self.library.tracks() if in_tracks else []  # cached: no AWS call
            titles = {t["id"]: str(t.get("title", t["id"])) for t in tracks}
            text = long_csv(grid, self.clock.zone, former, titles)
        else:
            text = grid_csv(grid, self.clock.zone, former)
        return CsvFile(UTF8_BOM + text, progress_filename(grid.group, grid.as_of, form))

    def former_rows(self, group: Group) -> tuple[list[FormerRow], tuple[AssignedModule, ...]]:
        """The rows of the participants who left ``group`` (already read, and its read
        audit-logged by the caller), most recent first, with the grid's columns: the group's
        assignments now, and what they completed and wrote in the worksheets while they were
        in the group (``visible_to_leaders`` and ``visible_fields`` with only their times in
        it, never what they did after): their cells read as they did when they left. A due
        date counts as passed only if it had when they left. One BatchGetItem per 100 keys:
        their completed versions and saved worksheets, as the grid reads its members'
        (``Attention.facts_of``)."""
        if not group.former:
            return [], ()
        ids = [f.participant_id for f in group.former]
        modules = assigned_modules(group.assignments, self.library)
        facts = self.attention.facts_of(ids, modules) if self.attention is not None else None
        completed = (
            facts.completed if facts is not None else self.completions.completed_versions(ids)
        )
        today, zone = self.clock.today(), self.clock.zone
        rows: list[FormerRow] = []
        columns: tuple[AssignedModule, ...] = ()
        for former in group.former:
            pid = former.participant_id
            windows = former.windows
            seen = visible_to_leaders(
                completed.get(pid, CompletedVersions(pid, {})), "", False, windows, group.hidden
            )
            left = calendar_day(former.last.left_at, zone) or today
            # Due dates as they applied to their last time in the group; what they did in
            # all their times is already in ``seen`` and ``sheets`` (the earlier ones keep it
            # there when the grid applies the rule again).
            member = EnrolledParticipant(
                pid,
                former.display_name,
                former.last.joined_at,
                username=former.username,
                earlier=windows[:-1],
            )
            alone = replace(group, participants=(member,), former=())
            mine = None
            if facts is not None:
                sheets = {
                    key: _written_within(sheet, windows, group.hidden)
                    for key, sheet in facts.worksheets.items()
                    if key[0] == pid
                }
                mine = Facts({pid: seen}, sheets, facts.fields)
            grid = group_grid(alone, {pid: seen}, modules, min(left, today), zone, mine)
            columns = grid.modules
            rows.append(FormerRow(left.isoformat(), grid.participants[0]))
        return rows, columns

    def totals(self, group: Group, participant_id: str) -> tuple[int, int]:
        """A participant's assigned modules in ``group`` (already read) as the progress grid
        counts them today: ``(done, assigned)``; kept with them when they leave the group (no
        audit entry of its own: the removal's is). One BatchGetItem."""
        member = group.member(participant_id)
        if member is None:
            return 0, 0
        completed = self.completions.completed_versions([participant_id])
        modules = assigned_modules(group.assignments, self.library)
        alone = replace(group, participants=(member,))
        row = group_grid(alone, completed, modules, self.clock.today(), self.clock.zone)
        cells = row.participants[0].cells
        return row.participants[0].totals.done, sum(1 for c in cells if c.status != NOT_ASSIGNED)

    def overview(self, caller: Caller) -> list[GroupOverview]:
        """The groups ``caller`` leads, active first, by name, each with its participants, overdue
        readings and next group session date (archived groups: no counts). Audit-logged as one read of
        the active groups' participants."""
        if LEADERS not in caller.roles:
            raise Forbidden("Only group leaders manage groups.")
        groups = sorted(
            (self.records.get(gid) for gid in self.records.groups_led_by(caller.id)),
            key=lambda g: (g.archived, g.name.lower()),
        )
        active = [g for g in groups if not g.archived]
        # Each participant's group (the first in the list, for one in two of the leader's
        # groups): their "Who has seen my records" names the group they were read through.
        groups_of: dict[str, str] = {}
        for group in active:
            for participant_id in group.participant_ids:
                groups_of.setdefault(participant_id, group.group_id)
        participant_ids = list(groups_of)
        completed: dict[str, CompletedVersions] = {}
        if participant_ids:
            self.audit.record(
                new_entry(
                    caller.id,
                    caller.roles,
                    "group.overview.read",
                    self.clock.iso(),
                    participant_ids=participant_ids,
                    groups_of=groups_of,
                )
            )
            if self.attention is None:
                completed = self.completions.completed_versions(participant_ids)
        today = self.clock.today()
        overview = []
        for group in groups:
            if group.archived:
                overview.append(
                    GroupOverview(GroupSummary.of(group), len(group.participants), 0, 0, None)
                )
                continue
            # The group's sessions: a session date on one participant's own assignment is
            # theirs (a catch-up, an individual session), not a day the group meets.
            everyone = [a for a in group.assignments if a.participant_id is None]
            sessions = [
                day for day in session_days(everyone, self.library) if day >= today.isoformat()
            ]
            if self.attention is not None and group.participants:
                # One batch read per group gives both the grid and who needs attention.
                modules, facts = self.attention.facts(group)
                grid = grid_with_attention(
                    group, modules, facts, self.clock.now(), today, self.clock.zone
                )
                needing = sum(1 for p in grid.attention.values() if p.needs_attention)
            else:
                modules = assigned_modules(group.assignments, self.library)
                grid = group_grid(group, completed, modules, today, self.clock.zone)
                needing = 0
            overview.append(
                GroupOverview(
                    GroupSummary.of(group),
                    len(group.participants),
                    grid.counts[OVERDUE],
                    sum(1 for r in grid.participants if r.totals.overdue),
                    min(sessions) if sessions else None,
                    needing,
                )
            )
        return overview

    def _grid(
        self, caller: Caller, group_id: str, action: str, with_former: bool = False
    ) -> tuple[Group, Grid]:
        group = led_group(self.records, caller, group_id)
        former = [f.participant_id for f in group.former] if with_former else []
        audit_read(self.audit, self.clock, caller, group, action, [*group.participant_ids, *former])
        today = self.clock.today()
        if self.attention is None:
            completed = self.completions.completed_versions(group.participant_ids)
            modules = assigned_modules(group.assignments, self.library)
            return group, group_grid(group, completed, modules, today, self.clock.zone)
        # One batch read for both: completed versions and the assigned worksheets; and the
        # rule starts from where the grid found each participant stands.
        modules, facts = self.attention.facts(group)
        return group, grid_with_attention(
            group, modules, facts, self.clock.now(), today, self.clock.zone
        )
