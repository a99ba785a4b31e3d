"""The scheduled reminder run (every 15 minutes): who is due, claim, send, record.

How the due are found without a Scan (keys in ``chalicelib.records.reminders``):
1. one Query of the run's UTC slot partition, ``REMINDER_SLOT#{HHMM}``; a pointer is kept
   when its local time, on the participant's local date, falls in this slot (so a pointer in
   the other daylight-saving slot is skipped, and the time zone rules stay Python's);
2. one BatchGetItem per 33 participants: their choice, what was last sent, and the versions
   they completed (``COMPLETED_VERSIONS``);
3. their groups: ids remembered on ``REMINDER_SENT`` (re-checked with one Query at most once
   a week per participant, and on every save); the groups' ``DUE`` items (assignments and
   member ids, ``GroupRecords.due_summaries``) in one BatchGetItem per 100 groups, read once
   per run, only for participants still in line after the choice, day and quiet-hours checks;
4. claims: "reminded on local date D", up to 100 in one TransactWriteItems, before sending;
5. one PutItem of the run's counts.

The plan reminder ("a good time to look at your plan", weekly or monthly) rides on the same
pointers and the same batch read: a participant whose plan reminder falls on their local date
in this slot is due with no group read (it needs no reading due, so a participant who left
their groups gets it too). Then one BatchGetItem of the account items of those due (whose
access has ended gets nothing), and their claims, ``plan_sent_on``, in one TransactWriteItems
per 100: about 3 more DynamoDB calls per 100 plan reminders due, none when none is.

At most once per participant per local day (``chalicelib.reminders``, "at most once"): the
claim is a conditional write made before SES or SNS is called, so a retried run, or two runs
at once, find it and send nothing. A send that certainly did not go (SES or SNS could not be
reached, or refused it) gives the claim back so that a retry of the run may try again; one
whose fate is unknown (a timeout after the request left) keeps it and is never tried again
(``unknown`` in the counts, ``reminders.send_unknown`` in the log). Each claim is logged
(``reminders.claimed``) before anything is sent and each send after (``reminders.sent``), so a
run that died between the two leaves claims with no outcome in the log; a later run that finds
a claim of the same day logs ``reminders.already_claimed`` with the run that holds it. Nothing
here logs or stores message text or contact details: counts, ids and codes only.
"""

from __future__ import annotations

import logging
import time as time_module
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import logs
from chalicelib.assignments import AssignedModule, assigned_modules
from chalicelib.clock import Clock
from chalicelib.library import ModuleLibrary
from chalicelib.records.groups import Group
from chalicelib.records.reminders import (
    ACCOUNT_OFF,
    PAGE_LOCALE,
    PLAN,
    Candidate,
    ReminderRecords,
    SlotPointer,
)
from chalicelib.reminders import (
    DAILY,
    DAY_BEFORE,
    DAYS,
    EMAIL,
    MONTHLY,
    OPTED_OUT,
    SENT,
    SLOT_MINUTES,
    SMS,
    UNKNOWN,
    Messenger,
    deliver,
    in_quiet_hours,
    plan_message,
    reminder_message,
    slot_of,
    stop_token,
)
from chalicelib.statuses import COMPLETED, COMPLETED_OLDER, status_of

# "Daily while something is due" goes on for a week past the due date, then stops nagging.
OVERDUE_DAYS = 7
# A run that starts this late (EventBridge retried it for hours) sends nothing: the moment passed.
TOO_LATE = timedelta(hours=3)
# Group memberships remembered on REMINDER_SENT are checked again after this long.
RECHECK_GROUPS = timedelta(days=7)
BATCH = 100


@dataclass
class RunReport(logs.Counted):
    slot: str
    run_id: str
    pointers: int = 0
    in_slot: int = 0
    due: int = 0
    sent: int = 0
    already_sent: int = 0
    nothing_due: int = 0
    not_today: int = 0
    quiet_hours: int = 0
    too_late: int = 0
    off: int = 0
    opted_out: int = 0
    failed: int = 0
    unknown: int = 0
    plan_due: int = 0
    plan_sent: int = 0
    plan_already_sent: int = 0
    plan_access_ended: int = 0
    plan_failed: int = 0
    plan_unknown: int = 0
    not_configured: bool = False
    sent_ids: list[str] = field(default_factory=list)
    plan_sent_ids: list[str] = field(default_factory=list)


def slot_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(
        minute=moment.minute - moment.minute % SLOT_MINUTES, second=0, microsecond=0
    )


def plan_day_is(choice: dict[str, Any], local_date: date) -> bool:
    """Whether ``local_date`` is a day of the participant's plan reminder: their weekday, every
    week, or only its first in the month."""
    if choice.get("plan_every") is None or DAYS[local_date.weekday()] != choice.get("plan_day"):
        return False
    return choice["plan_every"] != MONTHLY or local_date.day <= 7


def local_date_in_slot(pointer: SlotPointer, start: datetime) -> date | None:
    """The participant's local date whose chosen time falls in ``[start, start + 15 min)``.

    A local time that does not exist that day (the spring-forward gap) is read with the
    offset before the change, so the reminder comes an hour later on the wall clock, once.
    """
    zone = ZoneInfo(pointer.timezone)
    chosen = time.fromisoformat(pointer.time)
    around = start.astimezone(zone).date()
    for day in (around - timedelta(days=1), around, around + timedelta(days=1)):
        intended = datetime.combine(day, chosen, tzinfo=zone).astimezone(UTC)
        if start <= intended < start + timedelta(minutes=SLOT_MINUTES):
            return day
    return None


class ReminderRun:
    def __init__(
        self,
        records: ReminderRecords,
        read_groups: Callable[[list[str]], dict[str, Group | None]],
        groups_of: Callable[[str], list[str]],
        library: ModuleLibrary,
        messenger: Messenger,
        turn_off: Callable[[str, str], None],
        clock: Clock,
        program: str,
        web_url: str,
        key: str,
        email_ready: bool = True,
        sleep: Callable[[float], None] = time_module.sleep,
    ) -> None:
        self._records = records
        self._read_groups = read_groups
        self._groups_of = groups_of
        self._library = library
        self._messenger = messenger
        self._turn_off = turn_off
        self._clock = clock
        self._program = program
        self._web_url = web_url.rstrip("/")
        self._key = key
        self._email_ready = email_ready
        self._sleep = sleep
        self._groups: dict[str, Group | None] = {}
        self._group_ids_of: dict[str, list[str]] = {}
        self._tasks: dict[str, list[AssignedModule]] = {}

    def run(self, scheduled: datetime) -> RunReport:
        start = slot_start(scheduled)
        report = RunReport(slot_of(start), uuid.uuid4().hex)
        if not self._key:
            report.not_configured = True
            logs.event("reminders.not_configured")
            return report
        now = self._clock.now()
        pointers = self._records.slot(report.slot)
        report.pointers = len(pointers)
        in_slot: dict[str, tuple[SlotPointer, date]] = {}
        for pointer in pointers:
            local_date = local_date_in_slot(pointer, start)
            if local_date is not None:
                in_slot[pointer.participant_id] = (pointer, local_date)
        report.in_slot = len(in_slot)
        ids = sorted(in_slot)
        for begin in range(0, len(ids), BATCH):
            self._batch(ids[begin : begin + BATCH], in_slot, now, report)
        self._records.record_run(
            start.date().isoformat(),
            f"{start.isoformat().replace('+00:00', 'Z')}#{now.isoformat()}#{report.run_id}",
            {**report.counts(), "slot": report.slot},
        )
        logs.event("reminders.run", slot=report.slot, run_id=report.run_id, **report.counts())
        return report

    # -- one batch of up to 100 participants ----------------------------------------------------

    def _batch(
        self,
        ids: list[str],
        in_slot: dict[str, tuple[SlotPointer, date]],
        now: datetime,
        report: RunReport,
    ) -> None:
        candidates = self._records.candidates(ids)
        due: list[tuple[Candidate, dict[str, Any], date]] = []
        in_line: list[tuple[Candidate, dict[str, Any], date]] = []
        plan_due: list[tuple[Candidate, dict[str, Any], date]] = []
        for pid in ids:
            pointer, local_date = in_slot[pid]
            candidate = candidates[pid]
            choice = candidate.choice
            if not self._reachable(choice, pointer):
                report.off += 1
                continue
            assert choice is not None
            zone = ZoneInfo(choice["timezone"])
            intended = datetime.combine(local_date, time.fromisoformat(choice["time"]), tzinfo=zone)
            late = now - intended > TOO_LATE
            quiet = in_quiet_hours(
                now.astimezone(zone).time(), choice.get("quiet_start"), choice.get("quiet_end")
            )
            if (
                plan_day_is(choice, local_date)
                and not late
                and not quiet
                and candidate.sent.get("plan_sent_on") != local_date.isoformat()
            ):
                plan_due.append((candidate, choice, local_date))
            if not choice.get("enabled"):
                continue  # the plan reminder alone
            if DAYS[local_date.weekday()] not in choice["days"]:
                report.not_today += 1
            elif late:
                report.too_late += 1
            elif quiet:
                report.quiet_hours += 1
            elif candidate.sent.get("sent_on") == local_date.isoformat():
                report.already_sent += 1
                _already_claimed(candidate, report, "reading")
            else:
                in_line.append((candidate, choice, local_date))
        # Every group of everyone still in line, in one batch read (the groups not read yet).
        wanted = [
            g for c, _, _ in in_line for g in self._group_ids(c, now) if g not in self._groups
        ]
        if wanted:
            self._groups.update(self._read_groups(list(dict.fromkeys(wanted))))
        for candidate, choice, local_date in in_line:
            if self._something_due(candidate, choice["trigger"], local_date, now):
                due.append((candidate, choice, local_date))
            else:
                report.nothing_due += 1
        report.due += len(due)
        self._send_plan_reminders(plan_due, now, report)
        self._claim_and_send(due, now, report, plan=False)

    def _send_plan_reminders(
        self,
        plan_due: list[tuple[Candidate, dict[str, Any], date]],
        now: datetime,
        report: RunReport,
    ) -> None:
        """Plan reminders, to those whose access has not ended: claimed (``plan_sent_on``),
        then sent; a send that fails for good gives its claim back."""
        if not plan_due:
            return
        ends = self._records.access_ends([c.participant_id for c, _, _ in plan_due])
        open_now = []
        for candidate, choice, local_date in plan_due:
            ends_at = ends.get(candidate.participant_id)
            if ends_at is not None and ends_at <= now.timestamp():
                report.plan_access_ended += 1
            else:
                open_now.append((candidate, choice, local_date))
        report.plan_due += len(open_now)
        self._claim_and_send(open_now, now, report, plan=True)

    def _claim_and_send(
        self,
        due: list[tuple[Candidate, dict[str, Any], date]],
        now: datetime,
        report: RunReport,
        plan: bool,
    ) -> None:
        """Claim each participant's send for its local date (reading reminders and plan
        reminders have claims of their own: ``PLAN``), then send to those this run claimed. A
        send that fails gives its claim back, so a later run tries again; an SMS opt-out also
        turns that participant's reminders off. One path for both kinds, so a fix to the
        release or the opt-out reaches both."""
        if not due:
            return
        prefix = PLAN if plan else ""
        claimed = self._records.claim(
            [c.participant_id for c, _, _ in due],
            {c.participant_id: d.isoformat() for c, _, d in due},
            _iso(now),
            report.run_id,
            {c.participant_id: choice["channel"] for c, choice, _ in due},
            prefix=prefix,
        )
        kind = "plan" if plan else "reading"
        for candidate, _choice, _local_date in due:
            if candidate.participant_id in claimed:
                # Before any send: a run that dies mid-way leaves these with no outcome.
                logs.event(
                    "reminders.claimed",
                    participant_id=candidate.participant_id,
                    run_id=report.run_id,
                    kind=kind,
                )
        for candidate, choice, _local_date in due:
            pid = candidate.participant_id
            if pid not in claimed:
                if plan:
                    report.plan_already_sent += 1
                else:
                    report.already_sent += 1
                logs.event(
                    "reminders.already_claimed", participant_id=pid, run_id=report.run_id, kind=kind
                )
                continue
            outcome = self._send(pid, choice, now, plan=plan)
            if outcome == SENT:
                logs.event("reminders.sent", participant_id=pid, run_id=report.run_id, kind=kind)
                if plan:
                    report.plan_sent += 1
                    report.plan_sent_ids.append(pid)
                else:
                    report.sent += 1
                    report.sent_ids.append(pid)
                continue
            if outcome == UNKNOWN:
                # It may have gone: the claim stays, so no run sends it again today.
                logs.event(
                    "reminders.send_unknown",
                    level=logging.WARNING,
                    participant_id=pid,
                    run_id=report.run_id,
                    kind=kind,
                )
                if plan:
                    report.plan_unknown += 1
                else:
                    report.unknown += 1
                continue
            self._records.release(pid, report.run_id, candidate.sent, prefix=prefix)
            logs.event("reminders.released", participant_id=pid, run_id=report.run_id, kind=kind)
            if outcome == OPTED_OUT:
                report.opted_out += 1
                self._turn_off(pid, "sms_opt_out")
            elif plan:
                report.plan_failed += 1
            else:
                report.failed += 1

    def _reachable(self, choice: dict[str, Any] | None, pointer: SlotPointer) -> bool:
        """Reading reminders or the plan reminder are on, for this pointer, by a channel that
        can be used."""
        if not choice or not (choice.get("enabled") or choice.get("plan_every")):
            return False
        if choice.get(ACCOUNT_OFF):
            return False  # an administrator turned the account off: nothing is sent
        if choice.get("time") != pointer.time or choice.get("timezone") != pointer.timezone:
            return False  # a pointer left by an older choice (its removal is in flight)
        if choice.get("channel") == EMAIL:
            return bool(choice.get("email")) and self._email_ready
        return choice.get("channel") == SMS and bool(choice.get("phone"))

    # -- is something due? -----------------------------------------------------------------------

    def _something_due(
        self, candidate: Candidate, trigger: str, local_date: date, now: datetime
    ) -> bool:
        pid = candidate.participant_id
        for group_id in self._group_ids(candidate, now):
            group = self._group(group_id)
            if (
                group is None
                or group.archived
                or pid not in {p.participant_id for p in group.participants}
            ):
                continue
            member = group.member(pid)
            joined_at = member.joined_at if member else None
            for task in self._group_tasks(group):
                # A date that passed before they joined is not theirs (``due_for``).
                due_date = task.due_for(joined_at, self._clock.zone)
                if task.participant_id not in (None, pid) or not due_date:
                    continue
                status = status_of(
                    task.module_id,
                    task.target_version,
                    due_date,
                    candidate.progress,
                    local_date,
                )
                if status.status in (COMPLETED, COMPLETED_OLDER):
                    continue
                due = date.fromisoformat(due_date)
                if trigger == DAY_BEFORE and due == local_date + timedelta(days=1):
                    return True
                if trigger == DAILY and due >= local_date - timedelta(days=OVERDUE_DAYS):
                    return True
        return False

    def _group_ids(self, candidate: Candidate, now: datetime) -> list[str]:
        pid = candidate.participant_id
        if pid in self._group_ids_of:
            return self._group_ids_of[pid]
        checked = candidate.sent.get("groups_checked_on")
        if checked and date.fromisoformat(checked) > now.date() - RECHECK_GROUPS:
            group_ids = list(candidate.sent.get("group_ids") or [])
        else:
            group_ids = self._groups_of(pid)
            self._records.note_groups(pid, group_ids, now.date().isoformat())
        self._group_ids_of[pid] = group_ids
        return group_ids

    def _group(self, group_id: str) -> Group | None:
        if group_id not in self._groups:
            self._groups.update(self._read_groups([group_id]))
        return self._groups.get(group_id)

    def _group_tasks(self, group: Group) -> list[AssignedModule]:
        if group.group_id not in self._tasks:
            self._tasks[group.group_id] = list(assigned_modules(group.assignments, self._library))
        return self._tasks[group.group_id]

    # -- sending -----------------------------------------------------------------------------------

    def _send(
        self, participant_id: str, choice: dict[str, Any], now: datetime, plan: bool = False
    ) -> str:
        """``SENT``, ``OPTED_OUT``, ``NOT_SENT`` or ``UNKNOWN`` (``chalicelib.reminders.deliver``)."""
        channel = choice["channel"]
        address = choice["phone"] if channel == SMS else choice["email"]
        # The link works for a while after this message, while it goes to this address.
        token = stop_token(self._key, participant_id, now.astimezone(UTC).date(), address)
        stop = f"{self._web_url}/reminders/stop?t={token}"
        # The messages' language; until chosen, the pages' (``ReminderService._with_defaults``).
        locale = choice.get("locale") or choice.get(PAGE_LOCALE) or "en"
        if plan:
            message = plan_message(
                choice["channel"], locale, self._program, f"{self._web_url}/plan", stop
            )
        else:
            message = reminder_message(
                choice["channel"],
                locale,
                self._program,
                f"{self._web_url}/" if self._web_url else "",
                stop,
            )
        return deliver(
            self._messenger,
            channel,
            address,
            message,
            event="reminders",
            participant_id=participant_id,
            sleep=self._sleep,
            check_opt_out=True,
        )


def _already_claimed(candidate: Candidate, report: RunReport, kind: str) -> None:
    """A claim of this day found before claiming: which run holds it, and since when (a run
    that died after claiming shows here as a claim with no ``reminders.sent`` of its own)."""
    prefix = PLAN if kind == "plan" else ""
    logs.event(
        "reminders.already_claimed",
        participant_id=candidate.participant_id,
        run_id=report.run_id,
        kind=kind,
        claimed_by=str(candidate.sent.get(f"{prefix}run") or ""),
        claimed_at=str(candidate.sent.get(f"{prefix}last_sent_at") or ""),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def run_scheduled(
    services: Any,
    event_time: str | None,
    sleep: Callable[[float], None] = time_module.sleep,
    clock: Clock | None = None,
) -> RunReport:
    """The scheduled function's work; ``services`` is a ``chalicelib.services.Services``.
    ``clock``: another time to run at (``steady_local remind --at``), by default the services'
    own: quiet hours and "too late" are judged by it, so a run tried at 18:00 is not held back
    because the real time is in someone's quiet hours (walk 21)."""
    settings = services.settings
    group_records = services.group_records
    clock = clock or services.reminders.clock
    runner = ReminderRun(
        services.reminders.records,
        group_records.due_summaries,
        group_records.groups_of_participant,
        services.library,
        services.reminders.messenger,
        services.reminders.turn_off,
        clock,
        settings.program_name,
        settings.web_url,
        settings.reminder_key,
        email_ready=bool(settings.reminder_sender),
        sleep=sleep,
    )
    try:
        scheduled = datetime.fromisoformat((event_time or "").replace("Z", "+00:00"))
        if scheduled.tzinfo is None:
            raise ValueError(event_time)
    except ValueError:
        scheduled = clock.now()
    return runner.run(scheduled)
