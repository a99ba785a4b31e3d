"""Assignments: a group leader gives a module (or a whole track) to a group or to one
participant, with optional due and session dates; and how assignments expand into the
modules each participant is expected to read (``assigned_modules``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.groups import GROUP_ID, ID_NAMESPACE, led_group
from chalicelib.identity import Caller
from chalicelib.library import ModuleLibrary, check_module_id, parse_version
from chalicelib.records.audit import new_entry
from chalicelib.records.groups import (
    MAX_EVERY_DAYS,
    MAX_PER_SESSION,
    MEETING_DAYS_RULE,
    Assignment,
    Group,
    GroupRecords,
    ModuleDates,
)

# Kept in the records with the assignment; the routes and pages reach them from here.
from chalicelib.records.groups import WEEKDAYS as WEEKDAYS
from chalicelib.records.groups import Pacing as Pacing
from chalicelib.statuses import due_for, past_due

NO_DUE_DATE = "9999-12-31"  # sorts after every date
# An assignment changed by another leader between this change's read and its write: read and try
# again, so neither change is lost.
_ATTEMPTS = 3
# What the dates of an assignment may tell its leader: warnings, never refusals (a leader may
# have their reasons: a reading to finish after the session, a late joiner given a past date).
# Codes here; the web page and the API's ``warnings`` say them.
DUE_AFTER_SESSION = "due_after_session"
DUE_PASSED = "due_passed"
# Some of its modules were already assigned to the same people by another assignment: one due
# date applies to each (the earliest, with its session date: ``_combine``), ``Assigned.overlaps``.
ALREADY_ASSIGNED = "already_assigned"
# Far apart: most likely a mistyped year or month ("2020" for "2026"), said more strongly.
DUE_LONG_AGO = "due_long_ago"  # with DUE_PASSED
SESSION_LONG_AFTER_DUE = "session_long_after_due"
# A track paced from a first session already past: the modules whose sessions have passed get
# no due date for anyone (``statuses.due_for``), while the group page lists their dates (walk
# 20, leader, 2).
SESSIONS_PASSED = "sessions_passed"
LONG_GAP = timedelta(weeks=4)


# The years a program's dates fall in. Any other is a typing mistake, and a track paced from
# a session in year 9999 would run off the calendar (an OverflowError: a 500).
FIRST_YEAR, LAST_YEAR = 2000, 2199


def check_date(value: Any, name: str) -> str | None:
    """A calendar date ``YYYY-MM-DD`` from ``FIRST_YEAR`` to ``LAST_YEAR`` (or ``None``);
    raises ``BadRequest`` otherwise."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            day = date.fromisoformat(value)
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day.isoformat()
    except ValueError:
        pass
    raise BadRequest(
        f"{name} must be a date like 2026-11-24, in the years {FIRST_YEAR} to {LAST_YEAR}.",
        code="invalid_date",
    )


def date_warnings(due_date: str | None, session_date: str | None, today: date) -> tuple[str, ...]:
    """The warnings about an assignment's (checked) dates on ``today`` (the program's date):
    due after the group session it is to be read for (``DUE_AFTER_SESSION``; the same day is
    fine); a session more than ``LONG_GAP`` after the due date (``SESSION_LONG_AFTER_DUE``);
    a due date that has already passed (``DUE_PASSED``; today has not), and more than
    ``LONG_GAP`` ago (``DUE_LONG_AGO`` as well)."""
    warnings = []
    if due_date and session_date and due_date > session_date:
        warnings.append(DUE_AFTER_SESSION)
    if due_date and session_date and _apart(due_date, session_date) > LONG_GAP:
        warnings.append(SESSION_LONG_AFTER_DUE)
    if due_date and past_due(due_date, today):
        warnings.append(DUE_PASSED)
        if today - date.fromisoformat(due_date) > LONG_GAP:
            warnings.append(DUE_LONG_AGO)
    return tuple(warnings)


def passed_sessions(assignment: Assignment, today: date) -> tuple[str, ...]:
    """The modules of a paced track assignment (not left out) whose own due dates, from its
    sessions, have already passed on ``today``: in track order."""
    return tuple(
        m.module_id
        for m in assignment.module_dates
        if m.module_id not in assignment.left_out and past_due(m.due_date, today)
    )


def _apart(earlier: str, later: str) -> timedelta:
    return date.fromisoformat(later) - date.fromisoformat(earlier)


def meeting_days(names: Any) -> tuple[int, ...]:
    """The weekdays a list of the API's names (``WEEKDAYS``: ``["mon", "wed", "thu"]``) gives,
    in week order; ``BadRequest`` (``invalid_meeting_days``) for an empty list, a name that is
    not one, or one given twice."""
    if (
        not isinstance(names, list)
        or not names
        or any(n not in WEEKDAYS for n in names)
        or len(set(names)) != len(names)
    ):
        raise BadRequest(MEETING_DAYS_RULE, code="invalid_meeting_days")
    return tuple(sorted(WEEKDAYS.index(n) for n in names))


class NotAMeetingDay(BadRequest):
    """A track paced over meeting days from a first session on a day the group does not meet
    on: ``weekday`` (0 Monday) is that day, for a form to name it."""

    code = "first_session_not_meeting_day"

    def __init__(self, weekday: int, meets_on: tuple[int, ...]) -> None:
        super().__init__(
            f"The first session (session_date) is on a {_DAY_NAMES[weekday]}, not one of the "
            f"meeting days ({', '.join(WEEKDAYS[d] for d in meets_on)})."
        )
        self.weekday = weekday


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def session_dates(first_session: str, count: int, pacing: Pacing) -> list[date]:
    """The first ``count`` sessions of ``pacing`` from ``first_session``: every ``every_days``
    days, or, with ``meets_on``, each meeting day on or after it."""
    first = date.fromisoformat(first_session)
    if not pacing.meets_on:
        return [first + timedelta(days=k * pacing.every_days) for k in range(count)]
    sessions: list[date] = []
    day = first
    while len(sessions) < count:
        if day.weekday() in pacing.meets_on:
            sessions.append(day)
        day += timedelta(days=1)
    return sessions


def paced(
    module_ids: list[str], first_session: str, due_date: str | None, pacing: Pacing
) -> tuple[ModuleDates, ...]:
    """The track's modules spread over sessions (``Pacing``) from ``first_session``: module
    ``i`` has session ``k = i // per_session`` (``session_dates``: ``first + k * every_days``,
    or the k-th meeting day on or after the first), and is due on its session date, or, when
    the leader gave a ``due_date`` for the first session, as many days before (or after) its
    own session as that due date is from the first."""
    first = date.fromisoformat(first_session)
    offset = first - date.fromisoformat(due_date) if due_date else timedelta(0)
    count = -(-len(module_ids) // pacing.per_session)
    sessions = session_dates(first_session, count, pacing)
    dates = []
    for i, module_id in enumerate(module_ids):
        session = sessions[i // pacing.per_session]
        dates.append(ModuleDates(module_id, (session - offset).isoformat(), session.isoformat()))
    return tuple(dates)


def pacing_of(assignment: Assignment) -> Pacing | None:
    """How a paced track assignment is spread (to offer it again on a form): as the leader
    gave it (``Assignment.pacing``), or, for one stored before that was kept, as its sessions
    look spread: how many modules share the first session date, and the days to the next one;
    or, when the sessions are not evenly spread but fall on each of a few weekdays in turn (a
    Mon/Wed/Thu group), those weekdays. ``None`` when it has no module dates, or they do not
    look evenly spread."""
    if assignment.pacing is not None:
        return assignment.pacing
    sessions = [m.session_date for m in assignment.module_dates if m.session_date]
    if not sessions:
        return None
    per = sessions.count(sessions[0])
    later = sorted({s for s in sessions if s > sessions[0]})
    every = _apart(sessions[0], later[0]).days if later else 7
    if not (1 <= every <= MAX_EVERY_DAYS and 1 <= per <= MAX_PER_SESSION):
        return None
    pacing = Pacing(every, per)
    if not _spread_as(sessions, pacing):
        weekdays = tuple(sorted({date.fromisoformat(s).weekday() for s in sessions}))
        if _spread_as(sessions, replace(pacing, every_days=7, meets_on=weekdays)):
            return Pacing(7, per, weekdays)
    return pacing


def group_meeting_days(assignments: Iterable[Assignment]) -> tuple[int, ...]:
    """The weekdays a group meets on, as its latest paced track was spread (``pacing_of``):
    a Tue/Thu group is not asked for its days again on every paced track (walk 20, leader,
    problem 10). ``()`` when no track was paced over meeting days, or the latest one was
    spread every N days instead. From the assignments as read: no record of its own."""
    tracks = sorted(
        (a for a in assignments if a.kind == "track"), key=lambda a: a.assigned_at, reverse=True
    )
    for assignment in tracks:
        pacing = pacing_of(assignment)
        if pacing is not None:
            return pacing.meets_on
    return ()


def _spread_as(sessions: list[str], pacing: Pacing) -> bool:
    """Whether ``pacing`` from the first of ``sessions`` gives each of them, in order."""
    spread = session_dates(sessions[0], -(-len(sessions) // pacing.per_session), pacing)
    return [spread[i // pacing.per_session].isoformat() for i in range(len(sessions))] == sessions


@dataclass(frozen=True)
class AssignedModule:
    """One module a participant is expected to read, from one or more assignments (a module
    assigned alone and again in a track is one assigned module)."""

    module_id: str
    title: str
    target_version: int
    latest_version: int
    due_date: str | None
    session_date: str | None
    assignment_ids: tuple[str, ...]
    participant_id: str | None  # None: for everyone in the group
    # Where it comes in the reading order: (which assignment came first, place in its track).
    position: tuple[int, int] = (0, 0)
    track_ids: tuple[str, ...] = ()  # the assigned tracks it belongs to
    # The title with soft hyphens for a narrow column heading, made when the content was
    # published ("" from a catalog published before that).
    heading: str = ""
    # Each of its assignments' due dates and when it was set (``Assignment.due_set_at``, else
    # its ``assigned_at``): whether a date applies to someone depends on when they joined
    # (``due_for``). Empty: ``due_date`` alone, set at a time unknown.
    dues: tuple[tuple[str, str | None], ...] = ()
    # The session date of the same assignment as each of ``dues`` (a due date and its session
    # date are one pair: never the due date of one assignment and the session of another).
    sessions: tuple[str | None, ...] = ()

    def due_for(self, joined_at: str | None, zone: tzinfo) -> str | None:
        """The due date for a participant who joined the group at ``joined_at``: the soonest of
        its assignments' dates that apply to them (``statuses.due_for``), ``None`` if none
        does. ``zone``: the program's time zone."""
        return self.dates_for(joined_at, zone)[0]

    def dates_for(self, joined_at: str | None, zone: tzinfo) -> tuple[str | None, str | None]:
        """The due date (``due_for``) and session date for a participant who joined at
        ``joined_at``, both from the one assignment whose due date applies to them; when none
        does, no due date and the module's own session date (``session_date``)."""
        dues = self.dues
        if not dues and self.due_date:
            dues = ((self.due_date, None),)
        sessions = self.sessions if len(self.sessions) == len(dues) else ()
        theirs = [
            (due, sessions[i] if sessions else self.session_date)
            for i, (due, set_at) in enumerate(dues)
            if due_for(due, set_at, joined_at, zone)
        ]
        return min(theirs, key=lambda pair: pair[0]) if theirs else (None, self.session_date)

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "title": self.title,
            "target_version": self.target_version,
            "latest_version": self.latest_version,
            "due_date": self.due_date,
            "session_date": self.session_date,
            "assignment_ids": list(self.assignment_ids),
        }


def reading_order(assigned: AssignedModule) -> tuple[str, tuple[int, int]]:
    """The one order of assigned modules (home, grid, CSV): soonest due first (no due date
    last); on the same due date, the order they were assigned in, a track's modules in the
    track's own order (never alphabetical: a track is a sequence)."""
    return (assigned.due_date or "9999-12-31", assigned.position)


def group_order(modules: list[AssignedModule]) -> list[AssignedModule]:
    """One per module, in the group's order (the progress grid's columns, "Before the
    session"): the order the group's assignments were made in, a track's modules in the
    track's own order. A module stands for the group's assignment of it where there is one (in
    that one's place, whatever one participant's own due date), else for the first made to one
    participant. Unlike ``reading_order``, a due date of one participant's does not move a
    module ahead of the group's reading."""
    chosen: dict[str, AssignedModule] = {}
    for m in sorted(modules, key=lambda m: (m.participant_id is not None, m.position)):
        chosen.setdefault(m.module_id, m)
    return sorted(chosen.values(), key=lambda m: m.position)


def assigned_to(modules: list[AssignedModule], participant_id: str) -> dict[str, AssignedModule]:
    """What one participant is assigned, by module: the group's assignments and their own (an
    assignment to them alone wins, its due date and version, wherever it comes in ``modules``:
    in reading order an earlier date of their own comes before the group's). The grid, the
    attention rule and "Before the session" all read a participant's assigned version through
    this."""
    found: dict[str, AssignedModule] = {}
    for m in modules:
        if m.participant_id is None:
            found.setdefault(m.module_id, m)
        elif m.participant_id == participant_id:
            found[m.module_id] = m
    return found


def assigned_modules(
    assignments: tuple[Assignment, ...] | list[Assignment], library: ModuleLibrary
) -> list[AssignedModule]:
    """Expand assignments (tracks into their modules) into assigned modules, one per module
    and audience. A track's module has its own dates where the assignment gives it some (paced
    over the group's sessions), else the assignment's; a module the track assignment leaves out
    is not assigned by it (another assignment of it still counts). Uses the catalog (one cached
    read) for titles and latest versions."""
    catalog = {m["id"]: m for m in library.catalog()}
    tracks = _tracks_of(assignments, library)
    merged: dict[tuple[str, str | None], AssignedModule] = {}
    in_order = sorted(assignments, key=lambda a: (a.assigned_at, a.assignment_id))
    for rank, assignment in enumerate(in_order):
        track_ids: tuple[str, ...] = (assignment.item_id,) if assignment.kind == "track" else ()
        for place, module_id in enumerate(_module_ids(assignment, tracks)):
            entry = catalog.get(module_id)
            if entry is None or module_id in assignment.left_out:
                continue  # retired or never published, or left out: nothing to read
            # A track's module paced over the sessions has its own dates (``Assignment.dates_of``).
            due_date, session_date = assignment.dates_of(module_id)
            dues = ((due_date, assignment.due_set_at_of(module_id)),) if due_date else ()
            sessions = (session_date,) if due_date else ()
            pinned = assignment.version if assignment.kind == "module" else None
            assigned = AssignedModule(
                module_id,
                entry["title"],
                pinned or entry["version"],
                entry["version"],
                due_date,
                session_date,
                (assignment.assignment_id,),
                assignment.participant_id,
                (rank, place),
                track_ids,
                entry.get("heading", ""),
                dues,
                sessions,
            )
            key = (module_id, assignment.participant_id)
            merged[key] = _combine(merged[key], assigned) if key in merged else assigned
    return sorted(merged.values(), key=reading_order)


def _tracks_of(
    assignments: Iterable[Assignment], library: ModuleLibrary
) -> Mapping[str, Mapping[str, Any]]:
    """The published tracks by id, when ``assignments`` hold a track (else none read)."""
    if not any(a.kind == "track" for a in assignments):
        return {}
    return {t["id"]: t for t in library.tracks()}


def _module_ids(assignment: Assignment, tracks: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The modules ``assignment`` names, in the track's order (a module's: itself), before
    leaving out the retired ones and those the track assignment leaves out."""
    if assignment.kind == "track":
        return list(tracks.get(assignment.item_id, {}).get("modules", []))
    return [assignment.item_id]


def session_days(assignments: Iterable[Assignment], library: ModuleLibrary) -> list[str]:
    """The group session dates ``assignments`` give: for each, the session date of every
    module it gives to read (as ``assigned_modules``: not retired, not left out), its own
    where it has one (a track paced over the sessions, or a module's dates changed), else the
    assignment's (``Assignment.dates_of``). So a session whose modules all moved to another
    day, or were all left out, is no session of the assignment's any more, though the
    assignment's own ``session_date`` (the first session when paced) still names it. In the
    order given; a date may come more than once."""
    assignments = list(assignments)
    catalog = {m["id"] for m in library.catalog()}
    tracks = _tracks_of(assignments, library)
    days: list[str] = []
    for assignment in assignments:
        for module_id in _module_ids(assignment, tracks):
            if module_id not in catalog or module_id in assignment.left_out:
                continue
            session = assignment.dates_of(module_id)[1]
            if session:
                days.append(session)
    return days


def _combine(first: AssignedModule, second: AssignedModule) -> AssignedModule:
    """A module assigned twice: earliest due date with the session date of the same assignment
    (the first's on the same day; with no due date, the first session date given), highest
    target version, both assignments (and the place of the first in the reading order)."""
    if second.due_date and (first.due_date is None or second.due_date < first.due_date):
        due_date, session_date = second.due_date, second.session_date
    elif first.due_date:
        due_date, session_date = first.due_date, first.session_date
    else:
        due_date, session_date = None, first.session_date or second.session_date
    return replace(
        first,
        target_version=max(first.target_version, second.target_version),
        due_date=due_date,
        session_date=session_date,
        assignment_ids=first.assignment_ids + second.assignment_ids,
        track_ids=first.track_ids + tuple(t for t in second.track_ids if t not in first.track_ids),
        dues=first.dues + second.dues,
        sessions=_sessions(first) + _sessions(second),
    )


def _sessions(assigned: AssignedModule) -> tuple[str | None, ...]:
    """``assigned.sessions``, one per due date (made by hand without them: its session date)."""
    if len(assigned.sessions) == len(assigned.dues):
        return assigned.sessions
    return (assigned.session_date,) * len(assigned.dues)


@dataclass(frozen=True)
class Overlap:
    """A module of one assignment that another assignment gives the same people too: the
    dates that apply (the earliest due date and its session date, ``_combine``), and whether
    they come from another assignment (``elsewhere``: this one's dates do not apply)."""

    module_id: str
    title: str
    others: tuple[str, ...]  # the other assignments' ids
    other_tracks: tuple[str, ...]  # the tracks among them (ids)
    due_date: str | None
    session_date: str | None
    elsewhere: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "assignment_ids": list(self.others),
            "due_date": self.due_date,
            "session_date": self.session_date,
            "dates_from_this": not self.elsewhere,
        }


def overlaps(
    assignments: tuple[Assignment, ...] | list[Assignment],
    assignment_id: str,
    library: ModuleLibrary,
) -> tuple[Overlap, ...]:
    """The modules of the assignment ``assignment_id`` that other assignments give the same
    audience (the group, or one participant) too, in its order, with the dates that apply."""
    this = next((a for a in assignments if a.assignment_id == assignment_id), None)
    if this is None:
        return ()
    kinds = {a.assignment_id: a for a in assignments}
    found = []
    for m in sorted(assigned_modules(assignments, library), key=lambda m: m.position):
        if m.participant_id != this.participant_id or assignment_id not in m.assignment_ids:
            continue
        others = tuple(a for a in m.assignment_ids if a != assignment_id)
        if not others:
            continue
        own_due, own_session = this.dates_of(m.module_id)
        found.append(
            Overlap(
                m.module_id,
                m.title,
                others,
                tuple(kinds[a].item_id for a in others if kinds[a].kind == "track"),
                m.due_date,
                m.session_date,
                (m.due_date, m.session_date) != (own_due, own_session),
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Assigned:
    """What ``Assignments.assign`` did: the assignment as it now is and, when the same module or
    track was already assigned to the same audience, that assignment as it was before (the
    new one replaced it: same id, the dates given now)."""

    assignment: Assignment
    before: Assignment | None = None
    warnings: tuple[str, ...] = ()  # about its dates: ``date_warnings``, ``ALREADY_ASSIGNED``
    overlaps: tuple[Overlap, ...] = ()  # its modules other assignments give the same people

    @property
    def already(self) -> bool:
        """It was already assigned (to the same audience)."""
        return self.before is not None

    @property
    def dates_changed(self) -> bool:
        """It was already assigned, with another due date or session date (its own or one of
        its modules')."""
        return self.before is not None and (
            self.before.due_date,
            self.before.session_date,
            self.before.module_dates,
        ) != (self.assignment.due_date, self.assignment.session_date, self.assignment.module_dates)


def _redated(assignment: Assignment, before: Assignment, due: str | None, now: str) -> Assignment:
    """``assignment`` due on ``due``, stamped as ``_stamped`` says."""
    return _stamped(replace(assignment, due_date=due), before, now)


def _stamped(changed: Assignment, before: Assignment, now: str) -> Assignment:
    """``changed`` with the time each of its modules' due dates was set: ``now`` for a due date
    given or changed now, the time it had for one that stays the same (saving again, or
    changing only a session date or another module's dates, changes nothing). A date already
    past when it was set applies to no one (``statuses.due_for``: the leader is warned,
    ``DUE_PASSED``), and a date still to come then is everyone's, whenever they joined. The
    assignment's own date has ``due_set_at``; each module with dates of its own,
    ``ModuleDates.due_set_at``; a module whose own dates go (one date for the whole track
    again) has the time of the date it now has, which is not the assignment's when its date
    moved onto the assignment's now, or was the same and set at another time
    (``module_due_set_at``)."""
    if changed.due_date == before.due_date:
        stamp = before.due_set_at
    else:
        stamp = now if changed.due_date else None

    def set_at(module_id: str, due: str | None) -> str | None:
        if not due:
            return None
        return before.due_set_at_of(module_id) if due == before.dates_of(module_id)[0] else now

    modules = tuple(
        replace(m, due_set_at=set_at(m.module_id, m.due_date)) for m in changed.module_dates
    )
    # Only a module with dates of its own, or a time of its own, before can have another time
    # than the assignment's now: any other had the assignment's date and time, and keeps both
    # or takes both anew.
    own = {m.module_id for m in changed.module_dates}
    assignments_time = stamp or changed.assigned_at
    kept = {}
    for module_id in [m.module_id for m in before.module_dates] + [
        m for m, _ in before.module_due_set_at
    ]:
        at = set_at(module_id, changed.due_date)
        if module_id not in own and at is not None and at != assignments_time:
            kept[module_id] = at
    return replace(
        changed,
        due_set_at=stamp,
        module_dates=modules,
        module_due_set_at=tuple(sorted(kept.items())),
    )


@dataclass(frozen=True)
class _Asked:
    """What ``Assignments.assign`` was asked to assign, checked (``Assignments._asked``)."""

    kind: str
    item_id: str
    version: int | None
    due: str | None
    session: str | None
    module_dates: tuple[ModuleDates, ...]
    pacing: Pacing | None


@dataclass
class Assignments:
    records: GroupRecords
    library: ModuleLibrary
    clock: Clock

    def assign(
        self,
        caller: Caller,
        group_id: str,
        module_id: str | None = None,
        track_id: str | None = None,
        version: int | None = None,
        participant_id: str | None = None,
        due_date: str | None = None,
        session_date: str | None = None,
        pacing: Pacing | None = None,
    ) -> Assigned:
        """Assign a module (optionally pinned to a version) or a track, to the whole group or
        one participant in it. Assigning the same thing to the same audience again updates it
        (``Assigned.before`` says what it was): the pinned version and the dates given now,
        its place in the reading order (``assigned_at``, and who first assigned it) and the
        modules left out of a track kept. ``pacing``: a track spread over the group's sessions
        from ``session_date``, the first (``paced``), kept with it (``Assignment.pacing``);
        without it, one date for all its modules (and no pacing kept)."""

        def change(group: Group, now: str) -> tuple[Assignment, Assignment | None]:
            # Checked after the group's read, so one who does not lead it learns nothing more.
            asked = self._asked(module_id, track_id, version, due_date, session_date, pacing)
            if participant_id is not None and participant_id not in group.participant_ids:
                raise NotFound(
                    "That participant is not in this group.", code="participant_not_found"
                )
            assignment_id = uuid.uuid5(
                ID_NAMESPACE,
                f"{group.group_id}:{asked.kind}:{asked.item_id}:{participant_id or '*'}",
            ).hex
            before = next((a for a in group.assignments if a.assignment_id == assignment_id), None)
            if before is None:
                made = Assignment(
                    assignment_id,
                    asked.kind,
                    asked.item_id,
                    asked.version,
                    participant_id,
                    asked.due,
                    asked.session,
                    now,
                    caller.id,
                    due_set_at=now,
                    module_dates=asked.module_dates,
                    pacing=asked.pacing,
                )
                return made, None
            again = replace(
                before,
                version=asked.version,
                session_date=asked.session,
                module_dates=asked.module_dates,
                pacing=asked.pacing,
            )
            return _redated(again, before, asked.due, now), before

        assignment, before, group = self._write(caller, group_id, change)
        assignment_id = assignment.assignment_id
        others = [a for a in group.assignments if a.assignment_id != assignment_id]
        shared = overlaps([*others, assignment], assignment_id, self.library)
        due, session = assignment.due_date, assignment.session_date
        warnings = date_warnings(due, session, self.clock.today())
        if assignment.pacing is not None and passed_sessions(assignment, self.clock.today()):
            warnings += (SESSIONS_PASSED,)
        if shared:
            warnings += (ALREADY_ASSIGNED,)
        return Assigned(assignment, before, warnings, shared)

    def _asked(
        self,
        module_id: str | None,
        track_id: str | None,
        version: int | None,
        due_date: str | None,
        session_date: str | None,
        pacing: Pacing | None,
    ) -> _Asked:
        """What ``assign`` is asked for, checked: a module (and version) or track that exists,
        dates, a pacing and the module dates it gives; ``BadRequest`` or ``NotFound``."""
        if (module_id is None) == (track_id is None):
            raise BadRequest("Assign either a module_id or a track_id.", code="invalid_assignment")
        track: dict[str, Any] = {}
        if module_id is not None:
            kind, item_id = "module", check_module_id(module_id)
            if version is not None:
                version = parse_version(version)
                self.library.version(item_id, version)  # must exist
            else:
                self.library.latest(item_id)  # must exist
        else:
            kind, item_id = "track", check_module_id(track_id)
            if version is not None:
                raise BadRequest(
                    "A track cannot be pinned to a version.", code="invalid_assignment"
                )
            track = self.library.track(item_id)
        due = check_date(due_date, "due_date")
        session = check_date(session_date, "session_date")
        module_dates: tuple[ModuleDates, ...] = ()
        if pacing is not None:
            if kind != "track":
                raise BadRequest(
                    "Only a track's modules can be spread over sessions.", code="invalid_pacing"
                )
            module_dates, pacing = self._paced(track.get("modules", []), due, session, pacing)
        return _Asked(kind, item_id, version, due, session, module_dates, pacing)

    @staticmethod
    def _paced(
        module_ids: list[str], due: str | None, session: str | None, pacing: Pacing
    ) -> tuple[tuple[ModuleDates, ...], Pacing]:
        """``paced``, after refusing what cannot be spread; with the pacing as checked (its
        weekdays in week order), to store."""
        pacing = pacing.checked()
        if session is None:
            raise BadRequest(
                "To spread a track over sessions, give the first session date.",
                code="first_session_required",
            )
        weekday = date.fromisoformat(session).weekday()
        if pacing.meets_on and weekday not in pacing.meets_on:
            # Never a session on a day the group does not meet (walk 17, problem 1).
            raise NotAMeetingDay(weekday, pacing.meets_on)
        return paced(list(module_ids), session, due, pacing), pacing

    def change_dates(
        self,
        caller: Caller,
        group_id: str,
        assignment_id: str,
        due_date: str | None,
        session_date: str | None,
        pacing: Pacing | None = None,
    ) -> Assigned:
        """New due and session dates (either may be ``None``: no date) for an assignment of a
        group ``caller`` leads; what is assigned, and to whom, stays. A track's modules all
        take these dates (their own dates go), or, with ``pacing``, are spread again over the
        sessions from ``session_date`` (as ``assign``, and kept with it; without it, none is
        kept); the modules left out stay left out, even one left out by another leader while
        this was written (``_write``). ``Assigned.before`` is the assignment as it was; its
        ``warnings`` are about the new dates."""

        def change(group: Group, now: str) -> tuple[Assignment, Assignment]:
            current = self._current(group.assignments, assignment_id)
            due = check_date(due_date, "due_date")
            session = check_date(session_date, "session_date")
            module_dates: tuple[ModuleDates, ...] = ()
            kept = pacing
            if pacing is not None:
                if current.kind != "track":
                    raise BadRequest(
                        "Only a track's modules can be spread over sessions.",
                        code="invalid_pacing",
                    )
                module_ids = self.library.track(current.item_id)["modules"]
                module_dates, kept = self._paced(module_ids, due, session, pacing)
            redated = replace(current, session_date=session, module_dates=module_dates, pacing=kept)
            return _redated(redated, current, due, now), current

        changed, current, _ = self._write(caller, group_id, change)
        assert current is not None  # ``change`` reads an assignment or raises NotFound
        warnings = date_warnings(changed.due_date, changed.session_date, self.clock.today())
        if changed.pacing is not None and passed_sessions(changed, self.clock.today()):
            warnings += (SESSIONS_PASSED,)
        return Assigned(changed, current, warnings)

    def change_module_dates(
        self,
        caller: Caller,
        group_id: str,
        assignment_id: str,
        module_id: str,
        due_date: str | None,
        session_date: str | None,
    ) -> Assigned:
        """New due and session dates (either may be ``None``: no date) for one module of a
        track assignment: that module's own, in place of the assignment's; the other modules
        keep theirs. ``BadRequest`` for an assignment of a module (``not_a_track``) or a module
        the track does not hold (``module_not_in_track``). Audit-logged as ``assignment.put``
        with the module named."""
        due = check_date(due_date, "due_date")
        session = check_date(session_date, "session_date")

        def change(current: Assignment, module_ids: list[str], now: str) -> Assignment:
            own = {m.module_id: m for m in current.module_dates}
            own[module_id] = ModuleDates(module_id, due, session)
            ordered = tuple(own[m] for m in module_ids if m in own) + tuple(
                d
                for m, d in own.items()
                if m not in module_ids  # a module the track has lost
            )
            return _stamped(replace(current, module_dates=ordered), current, now)

        changed, current = self._change_module(caller, group_id, assignment_id, module_id, change)
        return Assigned(changed, current, date_warnings(due, session, self.clock.today()))

    def leave_out(
        self,
        caller: Caller,
        group_id: str,
        assignment_id: str,
        module_id: str,
        left_out: bool = True,
    ) -> Assignment:
        """Leave one module of a track assignment out (``left_out``), or put it back: a module
        left out is not assigned by this track assignment (``assigned_modules``); its dates, if
        it has its own, are kept for when it is put back. Doing it twice changes nothing.
        ``BadRequest`` as ``change_module_dates``, and for leaving out the track's last module
        (``last_module``: unassign the track instead). Audit-logged as ``assignment.put``."""

        def change(current: Assignment, module_ids: list[str], now: str) -> Assignment:
            out = set(current.left_out) - {module_id}
            if left_out:
                out.add(module_id)
            if left_out and not set(module_ids) - out:
                raise BadRequest(
                    "That is the track's last module: unassign the track instead.",
                    code="last_module",
                )
            return replace(current, left_out=tuple(m for m in module_ids if m in out))

        return self._change_module(caller, group_id, assignment_id, module_id, change)[0]

    def _change_module(
        self,
        caller: Caller,
        group_id: str,
        assignment_id: str,
        module_id: str,
        change: Callable[[Assignment, list[str], str], Assignment],
    ) -> tuple[Assignment, Assignment]:
        """``_write`` the track assignment ``change``d (as read, its track's modules, now),
        so two leaders changing two modules at once both count. Nothing changed: nothing
        written. The change and the assignment as read."""

        def changed(group: Group, now: str) -> tuple[Assignment, Assignment]:
            current = self._current(group.assignments, assignment_id)
            return change(current, self._track_modules(current, module_id), now), current

        done, current, _ = self._write(caller, group_id, changed, module_id, unchanged=False)
        assert current is not None  # ``changed`` reads an assignment or raises NotFound
        return done, current

    def _write(
        self,
        caller: Caller,
        group_id: str,
        change: Callable[[Group, str], tuple[Assignment, Assignment | None]],
        module_id: str | None = None,
        unchanged: bool = True,
    ) -> tuple[Assignment, Assignment | None, Group]:
        """Read the group, ``change`` one of its assignments (from the group as read, now: the
        assignment to write, and the one it replaces as read, ``None`` for a new one) and write
        it on the condition that the stored one is still as read, its modules' dates, those
        left out and its pacing too (``GroupRecords.put_assignment``). If another leader's
        change came first, read it again and apply only this ``change`` again
        (``_ATTEMPTS`` in all; then ``Conflict``, ``busy``): what the later write read is what
        it keeps, so a module left out meanwhile stays left out. ``unchanged``: whether a
        change that changes nothing is written (with its audit entry) all the same. The
        assignment written, the one read, and the group as read."""
        for attempt in range(_ATTEMPTS):
            group = led_group(self.records, caller, group_id, writable=True)
            now = self.clock.iso()
            changed, read = change(group, now)
            if changed == read and not unchanged:
                return changed, read, group
            try:
                self._put(
                    caller,
                    group.group_id,
                    changed,
                    now,
                    replaces=read is not None,
                    module_id=module_id,
                    read=read,
                )
            except NotFound:
                if read is None:
                    raise
                if attempt + 1 < _ATTEMPTS:
                    continue  # changed meanwhile (or removed: the next read says so)
                raise Conflict(
                    "Someone else is changing this assignment right now. Try again.", code="busy"
                ) from None
            return changed, read, group
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _current(assignments: tuple[Assignment, ...], assignment_id: str) -> Assignment:
        found = next((a for a in assignments if a.assignment_id == assignment_id), None)
        if found is None:
            raise NotFound(
                "There is no such assignment in this group.", code="assignment_not_found"
            )
        return found

    def _track_modules(self, assignment: Assignment, module_id: str) -> list[str]:
        """The modules of a track assignment's track, which must hold ``module_id``."""
        if assignment.kind != "track":
            raise BadRequest(
                "Only a track assignment's modules can be changed one by one.",
                code="not_a_track",
            )
        module_ids = list(self.library.track(assignment.item_id).get("modules", []))
        if module_id not in module_ids:
            raise BadRequest("That module is not in this track.", code="module_not_in_track")
        return module_ids

    def _put(
        self,
        caller: Caller,
        group_id: str,
        assignment: Assignment,
        now: str,
        replaces: bool,
        module_id: str | None = None,
        read: Assignment | None = None,
    ) -> None:
        """Write ``assignment`` (new, or ``replaces`` the one read, keeping its ``assigned_at``)
        with its audit entry, in one transaction. ``module_id``: the one module of a track
        changed (its dates, or left out or put back), named in the entry."""
        detail = {
            "assignment_id": assignment.assignment_id,
            "kind": assignment.kind,
            "item_id": assignment.item_id,
        }
        if module_id is not None:
            detail["module_id"] = module_id
        audit = new_entry(
            caller.id,
            caller.roles,
            "assignment.put",
            now,
            group_id=group_id,
            participant_ids=[assignment.participant_id] if assignment.participant_id else [],
            detail=detail,
        )
        self.records.put_assignment(group_id, assignment, audit, replaces=replaces, read=read)

    def unassign(self, caller: Caller, group_id: str, assignment_id: str) -> None:
        group = led_group(self.records, caller, group_id)
        if not GROUP_ID.fullmatch(assignment_id):
            raise NotFound("There is no such assignment in this group.")
        audit = new_entry(
            caller.id,
            caller.roles,
            "assignment.delete",
            self.clock.iso(),
            group_id=group.group_id,
            detail={"assignment_id": assignment_id},
        )
        self.records.delete_assignment(group.group_id, assignment_id, audit)
