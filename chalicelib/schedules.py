"""Scheduled functions (no HTTP): the daily leader digest (``chalicelib.digests``) and the
participant reminders every 15 minutes (``chalicelib.reminder_sending``), with the notices
before a participant's access ends (``chalicelib.access_notices``, in the participant's daytime).

The handler is defined at module level: Lambda finds a blueprint's function as
``chalicelib.schedules.send_digests``.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron

from chalicelib import access_notices, aws, digests, reminder_sending, services

# 11:00 UTC every day: 06:00/07:00 in New York, before most programs' morning sessions.
DAILY = Cron(0, 11, "*", "*", "?", "*")

# Every quarter hour: the reminder slots (chalicelib.records.reminders).
QUARTER_HOURS = Cron("0/15", "*", "*", "*", "?", "*")

_bp = Blueprint(__name__)


@_bp.schedule(
    DAILY, name="send_digests", description="Daily overdue-reading digest for group leaders"
)
def send_digests(event: Any) -> dict[str, Any]:
    svc = services.current()
    return digests.run_daily(svc, aws.client("ses", svc.settings.region)).to_dict()


@_bp.schedule(
    QUARTER_HOURS,
    name="send_reminders",
    description="Participant reminders due in this quarter hour",
)
def send_reminders(event: Any) -> dict[str, Any]:
    # The event's scheduled time, not "now": a retried or late run works on the same slot.
    svc = services.current()
    report = reminder_sending.run_scheduled(svc, getattr(event, "time", None))
    # The notices go by the program's day (every run of it looks), not the slot: a retried run
    # (the same slot, later) sends only what is still due, each notice once (its claim).
    notices = access_notices.run_scheduled(svc)
    return {
        "slot": report.slot,
        **report.counts(),
        "notices": {"day": notices.day, **notices.counts()},
    }


def blueprint() -> Blueprint:
    return _bp
