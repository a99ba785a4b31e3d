"""The progress grid's cells and its "needs attention" markers, worked out in one pass
(``dashboard.grid_with_attention``: looked up once per participant and per module, cells
shared, the rule starting from the grid's statuses), are exactly what the rules give one
cell at a time (``status_of``, ``worksheet_mark``, ``check_mark``, ``group_attention`` on its
own), whatever the completions, checks, worksheets, dates and own assignments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.assignments import AssignedModule, assigned_to
from chalicelib.attention import Facts, group_attention
from chalicelib.dashboard import GridRow, grid_with_attention, group_grid
from chalicelib.records.completions import CheckResult, CompletedVersions
from chalicelib.records.groups import EnrolledParticipant, Group, Seen
from chalicelib.records.worksheets import Answer, Worksheet
from chalicelib.statuses import (
    ModuleStatus,
    check_mark,
    due_for,
    not_assigned,
    status_of,
    visible_to_leaders,
)
from chalicelib.worksheets import worksheet_mark

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
# The program's time zone: 0.3 days ago (04:48 UTC) was still the 24th there.
ZONE = ZoneInfo("America/New_York")
MODULE_IDS = ("m0", "m1", "m2", "m3")
PIDS = ("p0", "p1", "p2")
FIELDS = ("f1", "f2", "f3")


def iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat(timespec="seconds").replace("+00:00", "Z")


times = st.sampled_from([iso(d) for d in (0, 0.3, 1, 3, 6, 10, 20, 40)] + ["not a time"])
days = st.sampled_from(["2026-11-20", "2026-11-24", "2026-11-25", "2026-12-01"])


@st.composite
def dated(draw: st.DrawFn) -> dict:
    """An assigned module's dates: none, or one or two assignments' (a module alone and in a
    track), each set at some time (``None``: an assignment stored before that was kept)."""
    dues = tuple(
        (draw(days), draw(st.one_of(st.none(), times))) for _ in range(draw(st.integers(0, 2)))
    )
    return {"due_date": min((d for d, _ in dues), default=None), "dues": dues}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Group, list[AssignedModule], Facts]:
    modules = []
    for module_id in draw(st.lists(st.sampled_from(MODULE_IDS), min_size=1, unique=True)):
        version = draw(st.integers(1, 3))
        modules.append(
            AssignedModule(
                module_id,
                module_id,
                version,
                3,
                session_date=None,
                assignment_ids=("a",),
                participant_id=None,
                position=(len(modules), 0),
                **draw(dated()),
            )
        )
    # Assignments to one participant alone, before or after the group's (the later one wins).
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(modules)))
        modules.insert(
            at,
            AssignedModule(
                draw(st.sampled_from(MODULE_IDS)),
                "own",
                draw(st.integers(1, 3)),
                3,
                session_date=None,
                assignment_ids=("b",),
                participant_id=draw(st.sampled_from(PIDS)),
                **draw(dated()),
            ),
        )
    participants = tuple(
        EnrolledParticipant(pid, pid.upper(), draw(times), draw(st.booleans()))
        for pid in draw(st.lists(st.sampled_from(PIDS), min_size=1, unique=True))
    )
    completed = {}
    sheets = {}
    for p in participants:
        done: dict[str, dict[int, str]] = {}
        checks: dict[str, dict[int, tuple[CheckResult, ...]]] = {}
        for module_id in draw(st.lists(st.sampled_from(MODULE_IDS), unique=True)):
            versions = draw(st.lists(st.integers(1, 3), min_size=1, unique=True))
            done[module_id] = {v: draw(times) for v in versions}
            for v in draw(st.lists(st.sampled_from(versions), unique=True)):
                checks.setdefault(module_id, {})[v] = tuple(
                    CheckResult(draw(times), draw(st.integers(0, 3)), 3, n + 1)
                    for n in range(draw(st.integers(1, 3)))
                )
        completed[p.participant_id] = CompletedVersions(p.participant_id, done, checks)
        for module_id in draw(st.lists(st.sampled_from(MODULE_IDS), unique=True)):
            answers = {
                f: Answer(f, "text", 1, "en", draw(times), "short-text", f, None, None)
                for f in draw(st.lists(st.sampled_from(FIELDS), unique=True))
            }
            sheets[(p.participant_id, module_id)] = Worksheet(
                p.participant_id, module_id, answers, draw(st.booleans()), draw(times)
            )
    fields = {
        (module_id, version): tuple(draw(st.lists(st.sampled_from(FIELDS), unique=True)))
        for module_id in MODULE_IDS
        for version in (1, 2, 3)
    }
    seen = tuple(
        Seen(p.participant_id, reason, "x", "leader", iso(1))
        for p in participants
        for reason in draw(st.lists(st.sampled_from(["overdue", "no_activity"]), unique=True))
    )
    group = Group("g" * 32, "G", False, iso(50), ("leader",), participants, (), None, seen)
    return group, modules, Facts(completed, sheets, fields)


def dates_vary(group: Group, modules: list[AssignedModule]) -> frozenset[str]:
    """The modules whose due date is not the same for every participant assigned them (their
    own: ``due_of``, as their home page and the CSV say it)."""
    dates: dict[str, set[str | None]] = {}
    for participant in group.participants:
        for module_id, assigned in assigned_to(modules, participant.participant_id).items():
            dates.setdefault(module_id, set()).add(due_of(assigned, participant.joined_at))
    return frozenset(m for m, due in dates.items() if len(due) > 1)


def due_of(assigned: AssignedModule, joined_at: str) -> str | None:
    """A participant's date: the soonest of the assignments' dates that apply to them."""
    theirs = [due_for(due, at, joined_at, ZONE) for due, at in assigned.dues]
    return min((d for d in theirs if d), default=None)


def column_order(modules: list[AssignedModule]) -> list[str]:
    """The group's order, told plainly: each module at the place of the group's assignment of
    it, else of the first one to a participant alone; the group's first on the same place."""
    places: dict[str, tuple[tuple[int, int], bool]] = {}
    for m in modules:
        place = (m.position, m.participant_id is not None)
        if m.module_id not in places or (place[1], place[0]) < (
            places[m.module_id][1],
            places[m.module_id][0],
        ):
            places[m.module_id] = place
    return sorted(places, key=lambda module_id: places[module_id])


def cell_by_cell(group: Group, modules: list[AssignedModule], facts: Facts) -> list[GridRow]:
    """The grid as the rules give it, one cell at a time."""
    columns = column_order(modules)
    vary = dates_vary(group, modules)
    rows = []
    for participant in group.participants:
        pid = participant.participant_id
        visible = visible_to_leaders(
            facts.completed[pid], participant.joined_at, participant.shares_history
        )
        mine = assigned_to(modules, pid)
        cells = []
        for module_id in columns:
            assigned = mine.get(module_id)
            if assigned is None:
                cells.append(not_assigned(module_id))
                continue
            due = due_of(assigned, participant.joined_at)
            cell = status_of(module_id, assigned.target_version, due, visible, TODAY)
            fields = facts.fields.get((module_id, assigned.target_version))
            mark = (
                worksheet_mark(participant, facts.worksheets.get((pid, module_id)), fields)
                if fields
                else None
            )
            cells.append(
                ModuleStatus(
                    module_id,
                    cell.status,
                    cell.version,
                    cell.completed_at,
                    cell.newer_version,
                    mark,
                    check_mark(visible, cell),
                )
            )
        own_dates = {m: due_of(mine[m], participant.joined_at) for m in vary if m in mine}
        rows.append(
            GridRow(pid, participant.display_name, participant.joined_at, tuple(cells), own_dates)
        )
    return rows


@SETTINGS
@given(scenarios())
def test_the_grid_in_one_pass_is_the_rules_cell_by_cell(
    scenario: tuple[Group, list[AssignedModule], Facts],
) -> None:
    group, modules, facts = scenario
    grid = grid_with_attention(group, modules, facts, NOW, TODAY, ZONE)
    expected = cell_by_cell(group, modules, facts)
    assert list(grid.participants) == expected
    assert [m.module_id for m in grid.modules] == column_order(modules)
    # A column stands for the group's assignment of its module if there is one.
    for column in grid.modules:
        groups = [
            m for m in modules if m.module_id == column.module_id and m.participant_id is None
        ]
        assert column.participant_id is None if groups else column.participant_id is not None
    assert grid.dates_vary == dates_vary(group, modules)
    for status in grid.counts:
        assert grid.counts[status] == sum(
            1 for r in expected for c in r.cells if c.status == status
        )
    alone = group_attention(group, modules, facts, NOW, TODAY, ZONE)
    assert grid.attention == {p.participant_id: p for p in alone.participants}
    without_attention = group_grid(group, facts.completed, modules, TODAY, ZONE, facts)
    assert without_attention.participants == grid.participants


def test_cells_that_say_the_same_thing_are_one_object_and_others_are_not() -> None:
    modules = [
        AssignedModule("m0", "m0", 1, 1, "2026-11-20", None, ("a",), None),
        AssignedModule("m1", "m1", 1, 1, None, None, ("a",), None),
    ]
    participants = tuple(EnrolledParticipant(pid, pid, iso(30)) for pid in PIDS)
    completed = {pid: CompletedVersions(pid, {}) for pid in PIDS}
    completed["p2"] = CompletedVersions("p2", {"m1": {1: iso(2)}})
    group = Group("g" * 32, "G", False, iso(50), ("leader",), participants)
    grid = grid_with_attention(group, modules, Facts(completed, {}, {}), NOW, TODAY, ZONE)
    first, second, third = grid.participants
    assert first.cells[0] is second.cells[0] is third.cells[0]  # overdue, for all three
    assert first.cells[0].status == "overdue"
    assert first.cells[1] is second.cells[1]  # not started
    assert third.cells[1].status == "completed" and third.cells[1] is not first.cells[1]


def test_a_shared_cell_is_only_shared_where_the_worksheet_is_the_same() -> None:
    # p1's own assignment of m0 pins version 2, which has a worksheet; version 1 has none.
    modules = [
        AssignedModule("m0", "m0", 1, 2, None, None, ("a",), None),
        AssignedModule("m0", "m0", 2, 2, None, None, ("b",), "p1"),
    ]
    participants = tuple(EnrolledParticipant(pid, pid, iso(30)) for pid in PIDS)
    completed = {pid: CompletedVersions(pid, {}) for pid in PIDS}
    group = Group("g" * 32, "G", False, iso(50), ("leader",), participants)
    facts = Facts(completed, {}, {("m0", 2): ("f1", "f2")})
    p0, p1, p2 = grid_with_attention(group, modules, facts, NOW, TODAY, ZONE).participants
    assert p0.cells[0] is p2.cells[0] and p0.cells[0].worksheet is None
    mark = p1.cells[0].worksheet
    assert mark is not None and (mark.fields, mark.answered, mark.shared) == (2, 0, False)


def test_a_participants_own_assignment_wins_wherever_it_comes_and_dates_that_vary_are_theirs() -> (
    None
):
    # m0: the group's due 5 Dec, p1's own due 4 Dec (first in reading order); m1: the group's
    # due 6 Dec, p2's own due 8 Dec (after it); m2: the same date for everyone.
    modules = [
        AssignedModule("m0", "m0", 2, 2, "2026-12-04", None, ("b",), "p1"),
        AssignedModule("m0", "m0", 1, 2, "2026-12-05", None, ("a",), None),
        AssignedModule("m1", "m1", 1, 1, "2026-12-06", None, ("c",), None),
        AssignedModule("m1", "m1", 1, 1, "2026-12-08", None, ("d",), "p2"),
        AssignedModule("m2", "m2", 1, 1, "2026-12-09", None, ("e",), None),
    ]
    assert assigned_to(modules, "p1")["m0"] is modules[0]
    assert assigned_to(modules, "p1")["m1"] is modules[2]
    assert assigned_to(modules, "p2")["m0"] is modules[1]
    assert assigned_to(modules, "p2")["m1"] is modules[3]
    assert assigned_to(modules, "") == {"m0": modules[1], "m1": modules[2], "m2": modules[4]}

    participants = tuple(EnrolledParticipant(pid, pid, iso(30)) for pid in PIDS)
    completed = {pid: CompletedVersions(pid, {}) for pid in PIDS}
    group = Group("g" * 32, "G", False, iso(50), ("leader",), participants)
    grid = grid_with_attention(group, modules, Facts(completed, {}, {}), NOW, TODAY, ZONE)
    # The columns: the group's assignments (their dates), where each module first comes.
    assert grid.modules == (modules[1], modules[2], modules[4])
    assert grid.dates_vary == {"m0", "m1"}
    p0, p1, p2 = grid.participants
    assert p0.due_dates == {"m0": "2026-12-05", "m1": "2026-12-06"}
    assert p1.due_dates == {"m0": "2026-12-04", "m1": "2026-12-06"}
    assert p2.due_dates == {"m0": "2026-12-05", "m1": "2026-12-08"}


def test_a_participants_own_due_date_is_a_day_of_the_programs_calendar() -> None:
    # p0 joined at 11:48 pm on 24 Nov in New York (04:48 UTC on the 25th): the group's reading
    # due the 24th is still theirs, with its date. p1's own assignment makes the dates vary.
    modules = [
        AssignedModule("m0", "m0", 1, 1, "2026-11-24", None, ("a",), None),
        AssignedModule("m0", "m0", 1, 1, "2026-11-30", None, ("b",), "p1"),
    ]
    participants = (
        EnrolledParticipant("p0", "p0", iso(0.3)),
        EnrolledParticipant("p1", "p1", iso(30)),
    )
    completed = {p.participant_id: CompletedVersions(p.participant_id, {}) for p in participants}
    group = Group("g" * 32, "G", False, iso(50), ("leader",), participants)
    grid = group_grid(group, completed, modules, TODAY, ZONE)
    assert grid.dates_vary == {"m0"}
    p0, p1 = grid.participants
    assert p0.due_dates == {"m0": "2026-11-24"} and p0.cells[0].status == "overdue"
    assert p1.due_dates == {"m0": "2026-11-30"}
    # In UTC they joined on the 25th, after the date: no date of their own (the zone matters).
    assert group_grid(group, completed, modules, TODAY, UTC).participants[0].due_dates == {
        "m0": None
    }
