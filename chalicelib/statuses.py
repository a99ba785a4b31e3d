"""The status of one assigned module for one participant: the one rule, used by the
dashboard, "my assignments", the leader digest and the module page.

- ``completed``: the participant completed the target version (or a later one);
- ``completed_older_version``: they completed an earlier version and a newer one has been
  published since (the changelogs in between come with it);
- ``overdue``: not completed and the due date has passed;
- ``not_started``: none of the above.
The target version is the pinned one, or the latest published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from chalicelib.clock import calendar_day
from chalicelib.library import ModuleLibrary
from chalicelib.records.completions import CheckResult, CompletedVersions

COMPLETED = "completed"
COMPLETED_OLDER = "completed_older_version"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
NOT_ASSIGNED = "not_assigned"
# The status in words, one set for the leaders' progress grid (its cells and key), the
# wide CSV (each cell starts with it) and the long CSV (its Status column): the grid's and
# the CSV's totals columns are headed with the same words, so each total counts the cells
# that say it. An older version is not "Done" (not counted as done), hence its own word.
STATUS_TEXT = {
    COMPLETED: "Done",
    COMPLETED_OLDER: "Older version",
    OVERDUE: "Overdue",
    NOT_STARTED: "Not started",
    NOT_ASSIGNED: "",
}


@dataclass(frozen=True)
class CheckMark:
    """The grid's: the latest knowledge-check attempt on the completed version (a score, never
    the answers) and how many attempts the leaders may see; with a retake, the earlier of
    those attempts too (``earlier``, oldest first), since a retake comes after the feedback that names the
    right answers (walk 15, problem 10: "3 of 3 on try 2" alone reads as mastery)."""

    correct: int
    total: int
    missed: bool
    attempts: int
    attempt: int = 1  # the latest attempt's number: 2 on, answered after seeing the answers
    earlier: tuple[CheckResult, ...] = ()  # the attempts before it the leaders see

    @property
    def first(self) -> CheckResult | None:
        """The earliest attempt the leaders see, if not the latest."""
        return self.earlier[0] if self.earlier else None

    @property
    def after_answers(self) -> bool:
        """The latest attempt is a retake: answered after the feedback of an earlier one."""
        return self.attempt > 1

    def to_dict(self) -> dict[str, Any]:
        mark: dict[str, Any] = {
            "correct": self.correct,
            "total": self.total,
            "missed": self.missed,
            "attempts": self.attempts,
            "attempt": self.attempt,
        }
        if self.first is not None:
            first = self.first
            mark["first_try"] = {
                "attempt": first.attempt,
                "correct": first.correct,
                "total": first.total,
            }
        return mark


@dataclass(frozen=True)
class WorksheetMark:
    """A module's worksheet as a group's leaders see it in the grid: how many of the assigned
    version's fields have an answer they may count (the visibility rule), and whether the
    participant shares the worksheet with them. Never the answers themselves."""

    fields: int
    answered: int
    shared: bool

    @property
    def done(self) -> bool:
        return self.fields > 0 and self.answered >= self.fields

    @property
    def started(self) -> bool:
        return self.answered > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "started": self.started,
            "answered": self.answered,
            "fields": self.fields,
            "shared": self.shared,
        }


@dataclass(frozen=True)
class ModuleStatus:
    """Where one participant stands with one module: the status, and the highest version
    they completed (with its time), if any."""

    module_id: str
    status: str
    version: int | None = None
    completed_at: str | None = None
    newer_version: int | None = None  # with ``completed_older_version``: the version to read
    worksheet: WorksheetMark | None = None  # the grid's: when the assigned version has one
    check: CheckMark | None = None  # the grid's: the completed version's latest attempt

    @property
    def done(self) -> bool:
        return self.status == COMPLETED

    def to_dict(self) -> dict[str, Any]:
        cell: dict[str, Any] = {
            "module_id": self.module_id,
            "version": self.version,
            "completed_at": self.completed_at,
            "status": self.status,
        }
        if self.newer_version is not None:
            cell["newer_version"] = self.newer_version
        if self.worksheet is not None:
            cell["worksheet"] = self.worksheet.to_dict()
        if self.check is not None:
            cell["knowledge_check"] = self.check.to_dict()
        return cell


def check_mark(completed: CompletedVersions, status: ModuleStatus) -> CheckMark | None:
    """The latest attempt at the check of the version ``status`` says was completed, if any
    (``completed`` already through the visibility rule, for a leader)."""
    if status.version is None or status.status not in (COMPLETED, COMPLETED_OLDER):
        return None
    return check_of(completed, status.module_id, status.version)


def check_of(completed: CompletedVersions, module_id: str, version: int) -> CheckMark | None:
    """The latest attempt at the check of a completed ``version``, if any, and the earliest
    (``CheckMark.earlier``) when there are more (``completed`` through the visibility rule, for
    a leader: the earliest they may see)."""
    attempts = completed.attempts(module_id, version)
    if not attempts:
        return None
    latest = attempts[-1]
    return CheckMark(
        latest.correct, latest.total, latest.missed, len(attempts), latest.attempt, attempts[:-1]
    )


def status_of(
    module_id: str,
    target_version: int,
    due_date: str | None,
    completed: CompletedVersions,
    today: date,
) -> ModuleStatus:
    """The status of one module for one participant (see the module docstring)."""
    return status_from(
        module_id, target_version, completed.latest(module_id), past_due(due_date, today)
    )


def due_for(
    due_date: str | None, set_at: str | None, joined_at: str | None, zone: tzinfo
) -> str | None:
    """The due date as it applies to a participant who joined the group at ``joined_at``, for
    an assignment whose due date was set at ``set_at`` (``Assignment.due_set_at``: when it was
    given this date, by assigning or by changing the dates; ``None``: unknown).

    The one rule: a due date that had already passed when the module became theirs (the later
    of when they joined and when the date was set) does not apply to them. They could not have
    read it in time, so they are not overdue from the start, whatever the order of the clicks:
    enrolled then assigned a date already past, or assigned then enrolled. They have it to
    read, with no date (no reminder, not "needs attention"). A date still to come when it
    became theirs is theirs, and overdue once it passes.

    A due date is a day of the program's calendar, so it is compared with the day the module
    became theirs in the program's time zone ``zone`` (``Clock.zone``): someone who joins at
    11:30 pm has a reading due that day, though it is already the next day in UTC."""
    if not due_date:
        return due_date
    # The day of the later instant is the later of the two days (a calendar is monotonic), so
    # each stamp's day is worked out once: a 40 x 60 grid asks 2,400 times about 100 stamps.
    days = [d for d in (program_day(set_at, zone), program_day(joined_at, zone)) if d]
    return None if days and due_date < max(days) else due_date


@lru_cache(maxsize=4096)
def program_day(stamp: str | None, zone: tzinfo) -> str | None:
    """The program day (ISO) of a stored instant, to the second; ``None`` for none or junk.
    ``due_for`` reads a joining time only through it: people who joined on the same day have
    the same due dates."""
    moment = at_second(stamp or "")
    day = calendar_day(moment.isoformat(), zone) if moment is not None else None
    return day.isoformat() if day is not None else None


def past_due(due_date: str | None, today: date) -> bool:
    """Whether a due date has passed (``today`` is not past it yet)."""
    return due_date is not None and date.fromisoformat(due_date) < today


def status_from(
    module_id: str,
    target_version: int,
    latest: tuple[int, str] | None,
    overdue: bool,
    worksheet: WorksheetMark | None = None,
    check: CheckMark | None = None,
) -> ModuleStatus:
    """``status_of`` from what it looks up: the highest completed version and its time
    (``CompletedVersions.latest``) and whether the due date has passed (``past_due``). The
    grid looks these up once per participant and once per module, not once per cell, and
    builds each cell whole, with its worksheet and knowledge-check marks."""
    if latest is not None:
        version, at = latest
        if version >= target_version:
            return ModuleStatus(module_id, COMPLETED, version, at, None, worksheet, check)
        return ModuleStatus(
            module_id, COMPLETED_OLDER, version, at, target_version, worksheet, check
        )
    return ModuleStatus(module_id, OVERDUE if overdue else NOT_STARTED, None, None, None, worksheet)


Windows = tuple[tuple[str, str], ...]  # (joined_at, left_at) of earlier times in a group


def visible_to_leaders(
    completed: CompletedVersions,
    joined_at: str,
    shares_history: bool,
    earlier: Windows = (),
    hidden: Windows = (),
) -> CompletedVersions:
    """What a group's leaders may see of a participant's completions: the visibility rule.

    By default, only what the participant did from the time they joined the group
    (``joined_at`` of their enrolment): a completion made before, for another group or on
    their own, stays theirs. If the participant chose to share their history with this group
    (``shares_history``, a setting they can take back), everything. This one rule filters every
    completion (with its knowledge-check attempts, and later shared worksheet answers) that a
    group leader reads: the dashboard grid, its CSV and the leaders' daily email.

    Someone a group leader removed and enrolled again was in the group before too: what they
    did in those earlier times (``earlier``: each ``(joined_at, left_at)``, both included) is
    visible as well, never what they did while they were out of it. A participant who left
    and is not back (a former member) has no ``joined_at`` (``""``): only their ``earlier``
    times count.

    Nothing in a ``hidden`` window counts, whatever they share: the times the group was
    archived (``Group.hidden``: from the archive to the unarchive, ``""`` while it still is),
    when their pages told them nobody else sees what they do (to the second, as joining is:
    the archive's second is in the window, the unarchive's is not).

    Completion times are whole seconds, so the comparison is to the second: a completion in the
    same second as the joining counts as after it. An unreadable time is never shown.
    """
    return _visible(completed, joined_at, shares_history, None, earlier, hidden)


def visible_and_when(
    completed: CompletedVersions,
    joined_at: str,
    shares_history: bool,
    earlier: Windows = (),
    hidden: Windows = (),
) -> tuple[CompletedVersions, list[datetime | None]]:
    """``visible_to_leaders``, and when each visible completion and knowledge-check attempt
    was made (``at_second``: ``None`` for an unreadable time; in no particular order), parsed
    once for both: the "needs attention" rule's activity."""
    times: list[datetime | None] = []
    return _visible(completed, joined_at, shares_history, times, earlier, hidden), times


def _visible(
    completed: CompletedVersions,
    joined_at: str,
    shares_history: bool,
    times: list[datetime | None] | None,
    earlier: Windows = (),
    hidden: Windows = (),
) -> CompletedVersions:
    in_group = in_group_rule(joined_at, shares_history, earlier, hidden)
    if in_group is None:
        if times is not None:
            times.extend(at_second(at) for v in completed.completed.values() for at in v.values())
            times.extend(
                at_second(a.at) for r in completed.checks.values() for t in r.values() for a in t
            )
        return completed
    if in_group is _NOTHING:
        return CompletedVersions(completed.participant_id, {})

    kept: dict[str, dict[int, str]] = {}
    for module_id, versions in completed.completed.items():
        shown = {}
        for version, at in versions.items():
            when = at_second(at)
            if in_group(when):
                shown[version] = at
                if times is not None:
                    times.append(when)
        if shown:
            kept[module_id] = shown
    # Knowledge-check attempts: those made since joining (a retake after joining is something
    # done in the group, even on a version completed before).
    checks: dict[str, dict[int, tuple[CheckResult, ...]]] = {}
    for module_id, results in completed.checks.items():
        for version, attempts in results.items():
            since = []
            for a in attempts:
                when = at_second(a.at)
                if in_group(when):
                    since.append(a)
                    if times is not None:
                        times.append(when)
            if since:
                checks.setdefault(module_id, {})[version] = tuple(since)
    return CompletedVersions(completed.participant_id, kept, checks)


InGroup = Callable[[datetime | None], bool]


def _nothing(when: datetime | None) -> bool:
    return False


_NOTHING: InGroup = _nothing


def in_group_rule(
    joined_at: str, shares_history: bool, earlier: Windows = (), hidden: Windows = ()
) -> InGroup | None:
    """The visibility rule's test of a time (``visible_to_leaders``): whether something done
    at ``when`` (``at_second``; ``None``, unreadable, never counts) is the group's to see.
    Since ``joined_at`` (``""``: not in the group now), or within one of the ``earlier``
    times (both ends included), or any time when they share their history; never in a
    ``hidden`` window. ``None``: everything counts (they share their history and the group
    was never archived: not even an unreadable time is left out). The one rule for
    completions, knowledge-check attempts and worksheet answers (``worksheets.visible_fields``)."""
    gaps = hidden_windows(hidden)
    if gaps is None:  # an unreadable window: nothing is shown, as for any such time
        return _NOTHING
    if shares_history and not gaps:
        return None
    joined = at_second(joined_at)
    windows = [
        (start, end)
        for start, end in ((at_second(a), at_second(b)) for a, b in earlier)
        if start is not None and end is not None
    ]
    if joined is None and not windows and not shares_history:
        return _NOTHING

    def in_group(when: datetime | None) -> bool:
        if when is None or in_windows(when, gaps):
            return False
        if shares_history:
            return True
        if joined is not None and when >= joined:
            return True
        return any(start <= when <= end for start, end in windows)

    return in_group


def at_second(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is UTC:  # how we write times ("Z"): already UTC, maybe to the second
        return moment.replace(microsecond=0) if moment.microsecond else moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


HiddenWindows = list[tuple[datetime, datetime | None]]


def hidden_windows(hidden: Windows) -> HiddenWindows | None:
    """``hidden`` parsed (an end of ``""``: still open); ``None`` if a time is unreadable."""
    parsed: HiddenWindows = []
    for start, end in hidden:
        begins, ends = at_second(start), at_second(end) if end else None
        if begins is None or (end and ends is None):
            return None
        parsed.append((begins, ends))
    return parsed


def in_windows(when: datetime, windows: HiddenWindows) -> bool:
    """``when`` is in one of ``windows`` (from its start's second on, before its end's)."""
    return any(start <= when and (end is None or when < end) for start, end in windows)


def not_assigned(module_id: str) -> ModuleStatus:
    return ModuleStatus(module_id, NOT_ASSIGNED)


@dataclass(frozen=True)
class Change:
    version: int
    changelog: str

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "changelog": self.changelog}


def changes_since(library: ModuleLibrary, module_id: str, version: int) -> list[Change]:
    """Changelogs of the versions published after ``version``, oldest first."""
    return [
        Change(v["version"], v["changelog"])
        for v in sorted(library.versions(module_id), key=lambda v: v["version"])
        if v["version"] > version
    ]
