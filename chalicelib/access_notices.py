"""Notices before access ends: a participant who left their last group keeps their plan for
``Settings.alumni_days``; 30 and 7 days before their last full day (``access.NOTICE_DAYS``)
one discreet message, by email or text, says when their account closes (the day and its year),
to sign in before then to download what they want to keep, and whom to ask for a new password;
the 7-day one says it is the last (``reminders.access_notice_message``).

Who is due is found without a Scan (keys and rules in ``chalicelib.records.access``): when
access starts to end, the same transaction puts an index item under the program day each
notice is due (``ACCESS_NOTICE#{day}``). Every quarter-hour reminder run of that program day
(all 96, from 00:00 to 24:00 program time: a participant's daytime can fall in the program's
night, e.g. Asia/Manila with the program in America/New_York):
1. one Query of today's partition (items already dealt with filtered out);
2. one BatchGetItem per 50 participants: their reminder settings (contact, language, time
   zone, quiet hours) and their account item (the access end now);
3. per notice, one conditional UpdateItem claiming it before sending (or closing it with why
   nothing was sent); a send that fails for good gives the claim back.

So a notice sent costs 1 UpdateItem plus its share of the Query and the BatchGetItem: 3
DynamoDB calls for a lone notice, about 1.03 each for 100 due on one run; a run with nothing
due is its one Query (96 a day).

Rules:
- only the contact the participant confirmed for reminders: their chosen channel first, the
  other if that one cannot be used; a number that replied STOP (SNS's opt-out list) never gets
  a text; no contact, nothing sent (the home page says it anyway); when SNS cannot say
  whether the number replied STOP (the lookup is tried again, it sends nothing), the notice is
  not claimed and a later run that day looks again (counted as ``failed``);
- it goes even when reminders are turned off: it is not a reminder but a notice about their
  own records, once a month ahead and once a week ahead, never more;
- only in their daytime (``DAYTIME``: from 09:00 up to 20:00 in their reminder time zone, else
  the program's): held while it is night there; the first run of the program day in their
  daytime sends it. Any 24 hours hold 11 of anyone's daytime, so every program day (23 to 25
  hours) has runs in it whatever the two zones;
- held in their quiet hours, but only while a later run of the same program day falls in their
  daytime outside them (it sends it then). When none does (quiet hours covering all their
  daytime, or leaving less of it free than a quarter hour so that no run falls in it, or the
  free part already past), it goes at once, quiet hours or not: quiet hours are a reminder
  setting, and these are the only two messages about losing their records. Stored quiet hours
  that cannot be read count as none for the notice (``access_notices.quiet_hours_unreadable``,
  the participant's id only), so one bad item never stops the run for everyone;
- not sent when access no longer ends at the time the notice names (enrolled again: the item
  is usually gone already; a later removal has notices of its own);
- at most once (``chalicelib.reminders``, "at most once": a notice has a second one weeks
  later, and the pages say it in the last month, so a lost one costs less than a duplicate):
  the claim is a conditional write made before SES or SNS is called, so a retried or
  overlapping run sends nothing more; a send that certainly did not go gives the claim back,
  one whose fate is unknown (a timeout after the request left) keeps it
  (``access_notices.send_unknown``). The claim is logged before the send
  (``access_notices.claimed``) and the send after (``access_notices.sent``): a run that died
  between the two leaves a claim with no outcome in the log. Logs name participant ids and
  counts only.
"""

from __future__ import annotations

import logging
import time as time_module
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from chalicelib import logs
from chalicelib.access import NOTICE_DAYS, last_full_day
from chalicelib.clock import Clock
from chalicelib.records.access import AccessNotice, AccessRecords, NoticeState
from chalicelib.records.reminders import ACCOUNT_OFF
from chalicelib.reminders import (
    EMAIL,
    SMS,
    UNKNOWN,
    WORDS,
    Messenger,
    access_notice_message,
    deliver,
    in_quiet_hours,
    opted_out_after_tries,
    zone_named,
)
from chalicelib.reminders import (
    SENT as DELIVERED,
)

# The hours of the participant's own day in which a notice may arrive.
DAYTIME = (time(9, 0), time(20, 0))
# The runs' spacing (``schedules.QUARTER_HOURS``, on the quarter hours of UTC).
RUN_EVERY = timedelta(minutes=15)
BATCH = 50
SENT = "sent"


@dataclass
class NoticeReport(logs.Counted):
    day: str
    run_id: str
    due: int = 0
    sent: int = 0
    already_sent: int = 0
    held: int = 0
    ended: int = 0
    no_contact: int = 0
    account_off: int = 0
    failed: int = 0
    unknown: int = 0
    sent_ids: list[str] = field(default_factory=list)


def daytime(moment: time) -> bool:
    return DAYTIME[0] <= moment < DAYTIME[1]


def free_run_ahead(
    now: datetime, until: datetime, zone: tzinfo, quiet: tuple[str, str] | None
) -> bool:
    """Whether a quarter-hour run after ``now`` and before ``until`` (the end of the program
    day) falls in the participant's daytime (in ``zone``) outside their ``quiet`` hours."""
    moment = now.astimezone(UTC).replace(second=0, microsecond=0)
    moment += RUN_EVERY - timedelta(minutes=moment.minute % (RUN_EVERY.seconds // 60))
    while moment < until:
        there = moment.astimezone(zone).time()
        if daytime(there) and not (quiet and in_quiet_hours(there, *quiet)):
            return True
        moment += RUN_EVERY
    return False


class AccessNoticeRun:
    def __init__(
        self,
        records: AccessRecords,
        messenger: Messenger,
        clock: Clock,
        program: str,
        web_url: str,
        email_ready: bool = True,
        sleep: Callable[[float], None] = time_module.sleep,
    ) -> None:
        self._records = records
        self._messenger = messenger
        self._clock = clock
        self._program = program
        self._web_url = web_url.rstrip("/")
        self._email_ready = email_ready
        self._sleep = sleep

    def run(self) -> NoticeReport:
        """Send the notices due today (the program's day) that may go now."""
        now = self._clock.now()
        local = now.astimezone(self._clock.zone)
        report = NoticeReport(local.date().isoformat(), uuid.uuid4().hex)
        # Every run looks (a participant's daytime may be the program's night); the end of the
        # program day bounds the runs a notice held for quiet hours may wait for.
        until = datetime.combine(
            local.date() + timedelta(days=1), time(0), tzinfo=self._clock.zone
        ).astimezone(UTC)
        notices = self._records.notices_due(report.day)
        report.due = len(notices)
        for start in range(0, len(notices), BATCH):
            batch = notices[start : start + BATCH]
            states = self._records.notice_states([n.participant_id for n in batch])
            for notice in batch:
                self._one(notice, states[notice.participant_id], now, until, report)
        if notices:
            logs.event(
                "access_notices.run", day=report.day, run_id=report.run_id, **report.counts()
            )
        return report

    def _one(
        self,
        notice: AccessNotice,
        state: NoticeState,
        now: datetime,
        until: datetime,
        report: NoticeReport,
    ) -> None:
        stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
        if state.ends_at != notice.ends_at:
            report.ended += 1  # enrolled again (or a newer end with notices of its own)
            self._records.claim_notice(notice, stamp, report.run_id, "ended")
            return
        settings = state.settings or {}
        if settings.get(ACCOUNT_OFF):
            # An administrator turned the account off: nothing is sent to it. Not claimed, so
            # the notice still goes if the account is on again while it is due.
            report.account_off += 1
            return
        zone = zone_named(settings.get("timezone") or str(self._clock.zone))
        there = now.astimezone(zone).time()
        if not daytime(there):
            report.held += 1  # their night; the program day has runs in their daytime
            return
        quiet = self._quiet_hours(settings, notice.participant_id, report.run_id)
        if quiet and in_quiet_hours(there, *quiet) and free_run_ahead(now, until, zone, quiet):
            report.held += 1  # a later run today is in their daytime outside quiet hours
            return
        contact = self._contact(settings, notice.participant_id)
        if contact is None:
            # SNS could not say whether their number replied STOP: not claimed, so a later
            # run that day looks again (a text to a number that did is never risked).
            report.failed += 1
            logs.event(
                "access_notices.contact_unknown",
                participant_id=notice.participant_id,
                run_id=report.run_id,
            )
            return
        channel, address = contact
        if not channel:
            report.no_contact += 1
            self._records.claim_notice(notice, stamp, report.run_id, "no_contact")
            return
        if not self._records.claim_notice(notice, stamp, report.run_id, SENT):
            report.already_sent += 1
            return
        # Before the send: a run that dies between the two leaves this with no outcome.
        logs.event(
            "access_notices.claimed", participant_id=notice.participant_id, run_id=report.run_id
        )
        locale = settings.get("locale") or settings.get("page_locale") or "en"
        message = access_notice_message(
            channel,
            locale if locale in WORDS else "en",
            self._program,
            last_full_day(notice.ends_at, self._clock.zone),
            f"{self._web_url}/" if self._web_url else "",
            last=notice.days_before == min(NOTICE_DAYS),
        )
        pid = notice.participant_id
        outcome = deliver(
            self._messenger,
            channel,
            address,
            message,
            event="access_notices",
            participant_id=pid,
            sleep=self._sleep,
        )
        if outcome == DELIVERED:
            logs.event("access_notices.sent", participant_id=pid, run_id=report.run_id)
            report.sent += 1
            report.sent_ids.append(pid)
        elif outcome == UNKNOWN:
            # It may have gone: the claim stays, so no run sends this notice again.
            logs.event(
                "access_notices.send_unknown",
                level=logging.WARNING,
                participant_id=pid,
                run_id=report.run_id,
            )
            report.unknown += 1
        else:
            report.failed += 1
            self._records.release_notice(notice, report.run_id)
            logs.event("access_notices.released", participant_id=pid, run_id=report.run_id)

    def _quiet_hours(
        self, settings: dict[str, Any], participant_id: str, run_id: str
    ) -> tuple[str, str] | None:
        """Their quiet hours (start, end), or None: none set, or a stored value that cannot be
        read (logged with their id only, never the value: one bad item must not stop the run)."""
        start, end = settings.get("quiet_start"), settings.get("quiet_end")
        if not start or not end:
            return None
        try:  # ``in_quiet_hours`` reads such a value as none too, but says nothing
            time.fromisoformat(start), time.fromisoformat(end)
        except (TypeError, ValueError):
            logs.event(
                "access_notices.quiet_hours_unreadable",
                level=logging.WARNING,
                participant_id=participant_id,
                run_id=run_id,
            )
            return None
        return start, end

    def _contact(self, settings: dict[str, Any], participant_id: str) -> tuple[str, str] | None:
        """The channel and address to use: the chosen channel's confirmed contact, else the
        other's; a text only to a number that has not replied STOP. ``("", "")``: none;
        ``None``: none that can be used now, but SNS could not say whether their number
        replied STOP (the lookup tried again, as ``reminders.opted_out_after_tries`` does)."""
        chosen = settings.get("channel") or EMAIL
        unknown = False
        for channel in (chosen, SMS if chosen == EMAIL else EMAIL):
            if channel == EMAIL and settings.get("email") and self._email_ready:
                return EMAIL, str(settings["email"])
            if channel == SMS and settings.get("phone"):
                phone = str(settings["phone"])
                opted_out = opted_out_after_tries(
                    self._messenger,
                    phone,
                    event="access_notices",
                    participant_id=participant_id,
                    sleep=self._sleep,
                )
                if opted_out is False:
                    return SMS, phone
                unknown = unknown or opted_out is None
        return None if unknown else ("", "")


def run_scheduled(
    services: Any, sleep: Callable[[float], None] = time_module.sleep, clock: Clock | None = None
) -> NoticeReport:
    """The scheduled function's work (run with the quarter-hour reminders); ``services`` is a
    ``chalicelib.services.Services``. ``clock``: another time to run at (``steady_local remind
    --at``), by default the services' own."""
    settings = services.settings
    return AccessNoticeRun(
        services.access.records,
        services.reminders.messenger,
        clock or services.clock,
        settings.program_name,
        settings.web_url,
        email_ready=bool(settings.reminder_sender),
        sleep=sleep,
    ).run()
