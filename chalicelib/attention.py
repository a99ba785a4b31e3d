"""Needs attention: which participants of a group a group leader should look at, and why.

The reasons (``REASONS``), per participant and group:
- ``no_activity``: nothing done for the group's N days (default ``DEFAULT_INACTIVE_DAYS``,
  each group can set its own), while something assigned is not completed yet. Activity is
  completing a module (with its knowledge check), answering a knowledge check again and
  saving a worksheet of an assigned module; the days count from the last of these, or from
  joining the group if later;
- ``overdue``: ``OVERDUE_AT_LEAST`` or more assigned modules overdue (``statuses.status_of``);
- ``knowledge_check_missed``: the knowledge check of the same module missed twice or more
  (fewer than two thirds right, see ``records.completions.CheckResult``), counting every
  attempt: the check answered with each completed version and every retake of it. A pass on a
  first try (attempt 1 of a later version) clears it; a pass on a retake does not, since a
  retake comes after the feedback that names the right answers (the grid says "after seeing
  the answers" too), so a leader looks and marks it seen. The count of misses is in the
  fingerprint, so a new miss brings a dismissed reason back and a retake's pass does not;
- ``worksheet_half_done``: the worksheet of an assigned module has some answers to the
  assigned version's fields but not all (started, not done: ``worksheets.worksheet_mark``, the
  grid's meaning, so only answers the visibility rule lets the group count), and was last
  saved ``HALF_DONE_AFTER_DAYS`` or more days ago (not while the participant may still be
  writing).

The visibility rule comes first (``statuses.visible_to_leaders``): leaders see only what a
participant did from the moment they joined the group, unless the participant shares their
history with it (knowledge-check attempts: those made since joining). A worksheet counts only
if saved since joining; its answers are never read
out to anyone here, only whether fields are filled.

Marking a reason as seen stores the reason's fingerprint: a hash of the situation (the
overdue modules, the last activity, the modules missed and how often, the half-done
worksheets and when they were saved, and when the participant joined). The reason stays
quiet while the fingerprint is the same and comes back when the situation changes. Every
mark is audit-logged.

Cost of one group: the group Query (which also reads the marks and the setting), one
BatchGetItem per 100 keys (a completed-versions item per participant, a worksheet item per
participant and assigned module that has a worksheet), one audit Put.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from chalicelib.assignments import AssignedModule, assigned_modules, assigned_to
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.groups import GroupSummary, audit_read, led_group
from chalicelib.identity import LEADERS, Caller
from chalicelib.library import ModuleLibrary
from chalicelib.records.attention import AttentionRecords
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import CompletedVersions
from chalicelib.records.groups import EnrolledParticipant, Group, GroupRecords, Seen
from chalicelib.records.worksheets import SavedWorksheet
from chalicelib.statuses import (
    COMPLETED,
    OVERDUE,
    ModuleStatus,
    at_second,
    in_group_rule,
    status_of,
    visible_to_leaders,
)
from chalicelib.text import and_list
from chalicelib.worksheets import field_ids, worksheet_mark

NO_ACTIVITY = "no_activity"
OVERDUE_MODULES = "overdue"
CHECK_MISSED = "knowledge_check_missed"
WORKSHEET_HALF_DONE = "worksheet_half_done"
REASONS = (NO_ACTIVITY, OVERDUE_MODULES, CHECK_MISSED, WORKSHEET_HALF_DONE)
REASON_TEXT = {
    # What counts is said (walk 20 leader, 8: "no activity" read as "has not opened Steady"
    # beside someone who signed in that morning): signing in alone is not activity.
    NO_ACTIVITY: "Nothing completed or saved for {days} days",
    OVERDUE_MODULES: "{count} overdue",
    CHECK_MISSED: "Knowledge check missed twice",
    WORKSHEET_HALF_DONE: "Worksheet left half done",
}
# The reasons about a module or two, whose words name them ("Knowledge check missed twice:
# Refusal skills"); the overdue count does not (the grid shows which).
NAMES_MODULES = (CHECK_MISSED, WORKSHEET_HALF_DONE)

DEFAULT_INACTIVE_DAYS = 5
MIN_INACTIVE_DAYS = 1
MAX_INACTIVE_DAYS = 60
OVERDUE_AT_LEAST = 2
MISSED_AT_LEAST = 2
HALF_DONE_AFTER_DAYS = 2


@dataclass(frozen=True)
class Reason:
    """One reason a participant needs attention. ``module_ids``: the modules concerned (overdue,
    check missed, worksheet half done), ``module_titles`` their titles in the same order;
    ``days``: days without activity."""

    code: str
    fingerprint: str
    module_ids: tuple[str, ...] = ()
    days: int | None = None
    seen: bool = False  # a group leader marked this very situation as seen
    module_titles: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The reason in words; one about a module names it."""
        text = REASON_TEXT[self.code].format(days=self.days, count=len(self.module_ids))
        if self.code in NAMES_MODULES and self.module_titles:
            text += ": " + and_list(self.module_titles)
        return text

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "reason": self.code,
            "text": self.text,
            "fingerprint": self.fingerprint,
            "seen": self.seen,
            "module_ids": list(self.module_ids),
        }
        if self.days is not None:
            result["days"] = self.days
        return result


@dataclass(frozen=True)
class ParticipantAttention:
    participant_id: str
    display_name: str
    reasons: tuple[Reason, ...]  # every current reason, the ones marked as seen included

    @property
    def open(self) -> tuple[Reason, ...]:
        """The reasons not marked as seen in their current situation."""
        return tuple(r for r in self.reasons if not r.seen)

    @property
    def needs_attention(self) -> bool:
        return bool(self.open)

    @property
    def summary(self) -> str:
        """The open reasons in words, as the group page and the grid's flag say them."""
        return "Needs attention: " + "; ".join(r.text for r in self.open)

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "needs_attention": self.needs_attention,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class GroupAttention:
    group: GroupSummary
    inactive_days: int
    participants: tuple[ParticipantAttention, ...]  # every enrolled participant, in group order
    as_of: str

    @property
    def needing_attention(self) -> tuple[ParticipantAttention, ...]:
        return tuple(p for p in self.participants if p.needs_attention)

    def of(self, participant_id: str) -> ParticipantAttention | None:
        return next((p for p in self.participants if p.participant_id == participant_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.to_dict(),
            "inactive_days": self.inactive_days,
            "as_of": self.as_of,
            "needs_attention": len(self.needing_attention),
            "participants": [p.to_dict() for p in self.participants if p.reasons],
        }


@dataclass(frozen=True)
class Facts:
    """What the rule looks at for one group: completed versions (with check results) per
    participant, saved worksheets per (participant, module), the fields of each assigned
    module's worksheet (by module id: the target version's field ids)."""

    completed: Mapping[str, CompletedVersions]
    worksheets: Mapping[tuple[str, str], SavedWorksheet]
    fields: Mapping[tuple[str, int], tuple[str, ...]]


class Standing(NamedTuple):
    """Where one participant stands, as the rule starts from it: their completions through the
    visibility rule, what is assigned to them (``assigned_to``), the status of each assigned
    module and their worksheets, by module id, and when they did what is visible. The progress
    grid works this out for its cells (the statuses with their worksheet marks, from the same
    ``Facts``) and hands it over, so a grid view does not work it out twice."""

    completed: CompletedVersions
    assigned: Mapping[str, AssignedModule]
    statuses: Mapping[str, ModuleStatus]
    worksheets: Mapping[str, SavedWorksheet]  # their saved worksheets in the facts, by module id
    # When each visible completion and attempt was made (``statuses.visible_and_when``).
    activity: Sequence[datetime | None]


def fingerprint(code: str, joined_at: str, situation: Iterable[object]) -> str:
    """A short hash of a reason's situation (no data can be read back from it)."""
    text = "|".join([code, joined_at, *(str(s) for s in situation)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def inactive_days_of(group: Group) -> int:
    return group.inactive_days if group.inactive_days is not None else DEFAULT_INACTIVE_DAYS


def check_inactive_days(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (MIN_INACTIVE_DAYS <= value <= MAX_INACTIVE_DAYS)
    ):
        raise BadRequest(
            f"inactive_days is a whole number of days from {MIN_INACTIVE_DAYS} to "
            f"{MAX_INACTIVE_DAYS}.",
            code="invalid_inactive_days",
        )
    return value


def participant_reasons(
    participant: EnrolledParticipant,
    modules: list[AssignedModule],
    facts: Facts,
    now: datetime,
    today: date,
    zone: tzinfo,
    inactive_days: int,
    standing: Standing | None = None,
) -> list[Reason]:
    """The current reasons of one participant (not yet matched against marks as seen) on the
    program's day ``today`` (``zone``: the program's time zone, for ``due_for``).
    ``standing``: where they stand, if already worked out from these ``facts``."""
    pid = participant.participant_id
    joined = at_second(participant.joined_at)
    if standing is None:
        completed = visible_to_leaders(
            facts.completed.get(pid, CompletedVersions(pid, {})),
            participant.joined_at,
            participant.shares_history,
            participant.earlier,
            participant.hidden,
        )
        mine: Mapping[str, AssignedModule] = assigned_to(modules, pid)
        statuses: Mapping[str, ModuleStatus] = {
            m.module_id: status_of(
                m.module_id,
                m.target_version,
                m.due_for(participant.joined_at, zone),
                completed,
                today,
            )
            for m in mine.values()
        }
        sheets: Mapping[str, SavedWorksheet] = {
            m: s for (p, m), s in facts.worksheets.items() if p == pid
        }
        activity = [
            at_second(at) for versions in completed.completed.values() for at in versions.values()
        ] + [
            at_second(r.at)
            for results in completed.checks.values()
            for attempts in results.values()
            for r in attempts
        ]
    else:
        completed, mine, statuses, sheets, done_at = standing
        activity = list(done_at)

    # The visibility rule (``statuses.in_group_rule``): since joining or in an earlier time in
    # the group, never while it was archived (not this group's to see).
    in_group = in_group_rule(
        participant.joined_at, participant.shares_history, participant.earlier, participant.hidden
    )

    def visible(at: str | None) -> datetime | None:
        when = at_second(at or "")
        if when is None or (in_group is not None and not in_group(when)):
            return None
        return when

    reasons: list[Reason] = []
    joined_at = participant.joined_at

    # Half-done worksheets (their saves are activity too).
    half_done: list[tuple[str, str]] = []
    for module_id, sheet in sheets.items():
        assigned = mine.get(module_id)
        if assigned is None or not sheet.answered_at:
            continue
        saved = visible(sheet.updated_at)
        if saved is None:
            continue
        activity.append(saved)
        # Started but not done: the grid's meaning (``worksheets.worksheet_mark``; the grid's
        # cell already has it when the assigned version has fields).
        mark = statuses[module_id].worksheet or worksheet_mark(
            participant, sheet, facts.fields.get((module_id, assigned.target_version), ())
        )
        if mark.started and not mark.done and now - saved >= timedelta(days=HALF_DONE_AFTER_DAYS):
            half_done.append((module_id, str(sheet.updated_at)))

    # No activity for N days, while something assigned is still to do.
    to_do = any(s.status != COMPLETED for s in statuses.values())
    since = max(
        [a for a in activity if a is not None] + ([joined] if joined is not None else []),
        default=None,
    )
    if to_do and since is not None and now - since >= timedelta(days=inactive_days):
        reasons.append(
            Reason(
                NO_ACTIVITY,
                fingerprint(NO_ACTIVITY, joined_at, [since.isoformat()]),
                days=(now - since).days,
            )
        )

    overdue = sorted(m for m, s in statuses.items() if s.status == OVERDUE)
    if len(overdue) >= OVERDUE_AT_LEAST:
        reasons.append(
            Reason(
                OVERDUE_MODULES,
                fingerprint(OVERDUE_MODULES, joined_at, overdue),
                module_ids=tuple(overdue),
            )
        )

    missed: list[tuple[str, int]] = []
    for module_id in sorted(m for m in mine if m in completed.checks):  # no check: no miss
        # Every visible attempt on the module, across its versions, oldest first.
        attempts = sorted(
            (
                (at_second(r.at), version, r.attempt, r.missed)
                for version, results in completed.checks.get(module_id, {}).items()
                for r in results
            ),
            key=lambda a: (a[0] or joined or now, a[1], a[2]),
        )
        misses = sum(1 for a in attempts if a[3])
        if misses >= MISSED_AT_LEAST and not _cleared(attempts):
            missed.append((module_id, misses))
    if missed:
        reasons.append(
            Reason(
                CHECK_MISSED,
                fingerprint(CHECK_MISSED, joined_at, missed),
                module_ids=tuple(m for m, _ in missed),
                module_titles=tuple(mine[m].title for m, _ in missed),
            )
        )

    if half_done:
        half_done.sort()
        reasons.append(
            Reason(
                WORKSHEET_HALF_DONE,
                fingerprint(WORKSHEET_HALF_DONE, joined_at, half_done),
                module_ids=tuple(m for m, _ in half_done),
                module_titles=tuple(mine[m].title for m, _ in half_done),
            )
        )
    return reasons


def _cleared(attempts: Sequence[tuple[Any, int, int, bool]]) -> bool:
    """A pass on a first try (attempt 1 of a version, before any feedback on its check) after
    the latest miss. A pass on a retake does not clear a "missed twice": it came after the
    feedback that names the right answers (walk 15, problem 10)."""
    last_miss = max(i for i, a in enumerate(attempts) if a[3])
    return any(a[2] == 1 and not a[3] for a in attempts[last_miss + 1 :])


def group_attention(
    group: Group,
    modules: list[AssignedModule],
    facts: Facts,
    now: datetime,
    today: date,
    zone: tzinfo,
    standings: Mapping[str, Standing] | None = None,
) -> GroupAttention:
    """Every participant of ``group`` with their reasons, each marked ``seen`` if a leader
    marked that very situation (same fingerprint) as seen. ``standings``: where each
    participant stands (by participant id), if already worked out from these ``facts``."""
    days = inactive_days_of(group)
    seen = {(s.participant_id, s.reason): s.fingerprint for s in group.seen}
    rows = []
    for participant in group.participants:
        pid = participant.participant_id
        standing = standings.get(pid) if standings is not None else None
        reasons = [
            replace(r, seen=seen.get((pid, r.code)) == r.fingerprint)
            for r in participant_reasons(
                participant, modules, facts, now, today, zone, days, standing
            )
        ]
        rows.append(
            ParticipantAttention(
                participant.participant_id, participant.display_name, tuple(reasons)
            )
        )
    return GroupAttention(GroupSummary.of(group), days, tuple(rows), today.isoformat())


@dataclass(frozen=True)
class GroupCount:
    """How many participants of one group need attention (the groups list, the digest)."""

    group_id: str
    needs_attention: int


@dataclass
class Attention:
    groups: GroupRecords
    records: AttentionRecords
    audit: AuditRecords
    library: ModuleLibrary
    clock: Clock

    def facts(self, group: Group) -> tuple[list[AssignedModule], Facts]:
        """The assigned modules of a group already read, and the facts the rule looks at (one
        BatchGetItem per 100 keys; the worksheet fields come from the cached library)."""
        modules = assigned_modules(group.assignments, self.library) if group.participants else []
        return modules, self.facts_of(group.participant_ids, modules)

    def facts_of(self, participant_ids: Sequence[str], modules: list[AssignedModule]) -> Facts:
        """The facts of ``participant_ids`` under the group's assigned ``modules``: their
        completed versions and their saved worksheets of the modules assigned to them that
        have one (two keys each at most, one BatchGetItem per 100 keys; none without
        participants), and each assigned version's fields (the cached library). Also for
        those who left the group (``Dashboard.former_rows``), as for its members."""
        fields: dict[tuple[str, int], tuple[str, ...]] = {}
        for assigned in modules:
            key = (assigned.module_id, assigned.target_version)
            if key not in fields:
                try:
                    document = self.library.version(*key).document
                except NotFound:
                    document = {}
                fields[key] = field_ids(document)
        with_worksheet = {
            m.module_id for m in modules if fields.get((m.module_id, m.target_version))
        }
        # Everyone's worksheets of the group's assignments; and theirs for whoever has
        # assignments of their own.
        everyone = [
            m.module_id
            for m in modules
            if m.module_id in with_worksheet and m.participant_id is None
        ]
        own = {m.participant_id for m in modules if m.participant_id is not None}
        wanted = {
            pid: [
                m.module_id
                for m in modules
                if m.module_id in with_worksheet and m.participant_id in (None, pid)
            ]
            if pid in own
            else everyone
            for pid in participant_ids
        }
        completed, sheets = (
            self.records.facts(participant_ids, wanted) if participant_ids else ({}, {})
        )
        return Facts(completed, sheets, fields)

    def compute(self, group: Group) -> GroupAttention:
        """The rule applied to a group already read (no audit entry: the caller writes it)."""
        modules, facts = self.facts(group)
        return group_attention(
            group, modules, facts, self.clock.now(), self.clock.today(), self.clock.zone
        )

    def group(self, caller: Caller, group_id: str) -> GroupAttention:
        """Who needs attention in a group ``caller`` leads, and why (audit-logged as a read)."""
        group = led_group(self.groups, caller, group_id)
        audit_read(self.audit, self.clock, caller, group, "group.attention.read")
        return self.compute(group)

    def counts(self, group_ids: Iterable[str]) -> list[GroupCount]:
        """How many participants need attention in each active group (no audit entry: counts
        only, for the daily digest; a leader's page audits its own read)."""
        result = []
        for group_id in group_ids:
            group = self.groups.get(group_id)
            if group.archived or not group.participants:
                result.append(GroupCount(group_id, 0))
                continue
            result.append(GroupCount(group_id, len(self.compute(group).needing_attention)))
        return result

    def mark_seen(
        self, caller: Caller, group_id: str, participant_id: str, reason: Any, expected: Any = None
    ) -> Reason:
        """Mark one current reason of a participant as seen (audit-logged). ``expected``, if
        given, is the fingerprint the leader saw: if the situation changed since, nothing is
        marked (``Conflict``), so a leader never dismisses what they have not seen."""
        if reason not in REASONS:
            raise BadRequest("reason is one of " + ", ".join(REASONS) + ".", code="invalid_reason")
        if expected is not None and not isinstance(expected, str):
            raise BadRequest(
                "fingerprint is the text the attention list gave.", code="invalid_fingerprint"
            )
        group = led_group(self.groups, caller, group_id)
        found = self.compute(group).of(participant_id) if isinstance(participant_id, str) else None
        if found is None:
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        current = next((r for r in found.reasons if r.code == reason), None)
        if current is None:
            raise Conflict(
                "That reason does not apply to this participant now.", code="reason_not_current"
            )
        if expected is not None and expected != current.fingerprint:
            raise Conflict(
                "The situation changed since you looked. Look again.", code="situation_changed"
            )
        now = self.clock.iso()
        audit = new_entry(
            caller.id,
            caller.roles,
            "group.attention.seen",
            now,
            group_id=group.group_id,
            participant_ids=[participant_id],
            detail={"reason": reason, "fingerprint": current.fingerprint},
        )
        self.records.mark_seen(
            group.group_id, Seen(participant_id, reason, current.fingerprint, caller.id, now), audit
        )
        return replace(current, seen=True)

    def set_inactive_days(self, caller: Caller, group_id: str, days: Any) -> int:
        """The group's "no activity for N days" (audit-logged)."""
        if LEADERS not in caller.roles:
            raise Forbidden("Only group leaders manage groups.")
        checked = check_inactive_days(days)
        group = led_group(self.groups, caller, group_id, writable=True)
        audit = new_entry(
            caller.id,
            caller.roles,
            "group.attention.settings",
            self.clock.iso(),
            group_id=group.group_id,
            detail={"inactive_days": checked},
        )
        self.records.set_inactive_days(group.group_id, checked, audit)
        return checked
