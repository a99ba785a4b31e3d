"""``make bench`` (e): DynamoDB calls of the reminder run, 1,000 participants over one day.

1,000 participants in 50 groups of 20, each group with three assignments due the next day;
each participant has email reminders at one of the 96 quarter hours, in one of six time zones
(four with daylight saving time). The runs of one day (every 8th of the 96 EventBridge makes;
``STEADY_BENCH_REMINDER_STEP=1`` for all 96) are measured by counting the DynamoDB calls on
the client the services hold (botocore ``before-call`` hooks), nothing sent for real (a
recording messenger stands in for SES). Then the notices before access ends: 100 of them due
on one day, one run and its retry (``chalicelib.access_notices``).
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

PARTICIPANTS = 1000
GROUP_SIZE = 20
ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "UTC",
)
DAY = date(2026, 12, 2)
# Issue 16: "at most a few DynamoDB calls per 100 due participants". Per run: the slot Query
# and the run's Put, then per 100 participants of the slot: 4 BatchGetItems of choices, sent
# state and completions (33 participants a call), 1 BatchGetItem of their groups' DUE items,
# 1 TransactWriteItems of claims. No group is queried one by one any more.
# Under moto every call walks and sorts the 1,000 participants' items (a run costs seconds), so
# by default every 8th quarter hour of the day is run (12 runs); STEADY_BENCH_REMINDER_STEP=1
# runs all 96 (about 3 minutes more).
STEP = int(os.environ.get("STEADY_BENCH_REMINDER_STEP", "8"))
FIXED_PER_RUN = 2
PER_100_IN_SLOT = 6


class _Recorder:
    sent = 0

    def email(self, to: str, message: Any) -> None:
        self.sent += 1

    def text(self, to: str, message: Any) -> None:
        self.sent += 1

    def opted_out(self, phone: str) -> bool:
        return False


def bench_reminder_calls(
    dynamodb: Any, print_table: Callable[..., None]
) -> list[tuple[str, str, str, bool]]:
    """Set up the 1,000 participants, run a day of reminder runs, print and return the figures."""
    # moto's transactions are tuned by bench/run.py (steady_local.moto_tuning): without that,
    # each one deep-copied the 1,000 participants' table once per item and the day never ended.
    participant_ids = _set_up()
    rows = _day_of_runs(dynamodb, print_table, participant_ids)
    return rows + _notice_run(dynamodb, print_table, participant_ids[:NOTICES])


# Notices before access ends (chalicelib.access_notices): 100 of the participants left their
# last group, their 30-day notice due on DAY; one run at 18:00 UTC (daytime in every ZONE).
NOTICES = 100
NOTICE_BUDGET_PER_100 = 105  # 1 Query + 2 BatchGetItems (50 a call) + 100 claims


def _notice_run(
    dynamodb: Any, print_table: Callable[..., None], participant_ids: list[str]
) -> list[tuple[str, str, str, bool]]:
    from chalicelib import access_notices, services
    from chalicelib.clock import Clock

    svc = services.current()
    records = svc.access.records
    ends_at = int(datetime.combine(DAY + timedelta(days=31), datetime.min.time(), UTC).timestamp())
    ends_at += 18 * 3600  # 13:00 in New York: the last full day is DAY + 30
    for pid in participant_ids:
        records.set_access_ends(pid, ends_at, {DAY.isoformat(): 30})
    recorder = _Recorder()
    at = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=18)
    run = access_notices.AccessNoticeRun(
        records,
        recorder,
        Clock(svc.settings.program_timezone, lambda: at),
        svc.settings.program_name,
        svc.settings.web_url,
        sleep=lambda _s: None,
    )
    calls: list[str] = []

    def count(model: Any, **_kwargs: Any) -> None:
        calls.append(model.name)

    dynamodb.meta.events.register("before-call.*.*", count, unique_id="bench-notices")
    try:
        report = run.run()
        again = len(calls)
        retried = run.run()  # a retried run: finds nothing left to send
    finally:
        dynamodb.meta.events.unregister("before-call.*.*", unique_id="bench-notices")
    first = Counter(calls[:again])
    per_100 = again / max(report.sent, 1) * 100
    names = ", ".join(f"{n} x{k}" if k > 1 else n for n, k in first.items())
    ok = report.sent == len(participant_ids) and retried.sent == 0 and first["Scan"] == 0
    print_table(
        ["figure", "measured"],
        [
            [
                "notices due / sent / sent again by a retried run",
                f"{report.due} / {report.sent} / {retried.sent}",
            ],
            ["DynamoDB calls of the run", f"{again}: {names}"],
            ["calls per 100 notices sent", f"{per_100:.0f}"],
        ],
    )
    return [
        (
            "(e) notices before access ends: DynamoDB calls per 100 sent",
            f"{per_100:.0f} ({report.sent} sent, {retried.sent} again on a retry)",
            f"<= {NOTICE_BUDGET_PER_100}, each once, no Scan",
            ok and per_100 <= NOTICE_BUDGET_PER_100,
        )
    ]


def _set_up() -> list[str]:
    from chalicelib import services
    from chalicelib.records.audit import new_entry
    from chalicelib.records.groups import Assignment
    from chalicelib.reminders import DAYS, utc_slots

    svc = services.current()
    groups = svc.group_records
    reminders = svc.reminders
    catalog = svc.library.catalog()
    module_ids = [m["id"] for m in catalog][:3]
    leader = str(uuid.uuid4())
    now = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    iso = now.isoformat().replace("+00:00", "Z")
    participant_ids = [str(uuid.uuid4()) for _ in range(PARTICIPANTS)]
    group_of: dict[str, str] = {}
    for start in range(0, PARTICIPANTS, GROUP_SIZE):
        group_id = uuid.uuid4().hex
        groups.create(
            group_id,
            "Bench reminders",
            leader,
            iso,
            new_entry(leader, ["leaders"], "group.create", iso),
        )
        for pid in participant_ids[start : start + GROUP_SIZE]:
            groups.enrol(
                group_id, pid, "Person", iso, new_entry(leader, ["leaders"], "enrolment.add", iso)
            )
            group_of[pid] = group_id
        for module_id in module_ids:
            assignment = Assignment(
                uuid.uuid4().hex,
                "module",
                module_id,
                None,
                None,
                (DAY + timedelta(days=1)).isoformat(),
                None,
                iso,
                leader,
            )
            groups.put_assignment(
                group_id, assignment, new_entry(leader, ["leaders"], "assignment.put", iso)
            )
    for n, pid in enumerate(participant_ids):
        slot = n % 96
        choice = {
            "enabled": True,
            "channel": "email",
            "email": f"bench{n}@example.org",
            "time": f"{slot // 4:02d}:{slot % 4 * 15:02d}",
            "days": list(DAYS),
            "trigger": "day_before",
            "quiet_start": None,
            "quiet_end": None,
            "timezone": ZONES[n % len(ZONES)],
            "locale": "en",
        }
        slots = utc_slots(choice["time"], choice["timezone"], DAY)
        choice["slots"] = sorted(slots)
        reminders.records.save(pid, choice, None, slots, (), [group_of[pid]], DAY.isoformat())
    return participant_ids


def _day_of_runs(
    dynamodb: Any, print_table: Callable[..., None], participant_ids: list[str]
) -> list[tuple[str, str, str, bool]]:
    from chalicelib import reminder_sending, services
    from chalicelib.clock import Clock

    svc = services.current()
    reminders = svc.reminders
    now = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    recorder = _Recorder()
    reminders.messenger = recorder
    calls: list[str] = []

    def count(model: Any, **_kwargs: Any) -> None:
        calls.append(model.name)

    runs: list[tuple[int, int, Counter]] = []  # (due, calls, by operation)
    over_budget = 0
    dynamodb.meta.events.register("before-call.*.*", count, unique_id="bench-reminders")
    try:
        for quarter in range(0, 96, STEP):
            scheduled = now + timedelta(minutes=15 * quarter)
            reminders.clock = Clock(
                "UTC", lambda scheduled=scheduled: scheduled + timedelta(seconds=20)
            )
            calls.clear()
            report = reminder_sending.run_scheduled(
                svc, scheduled.isoformat(), sleep=lambda _s: None
            )
            runs.append((report.due, len(calls), Counter(calls)))
            budget = FIXED_PER_RUN + PER_100_IN_SLOT * -(-max(report.in_slot, 1) // 100)
            over_budget += len(calls) > budget or Counter(calls)["Query"] > 1
    finally:
        dynamodb.meta.events.unregister("before-call.*.*", unique_id="bench-reminders")
    due = sum(d for d, _, _ in runs)
    total = sum(c for _, c, _ in runs)
    busiest = max(runs, key=lambda r: (r[0], r[1]))
    worst = max(runs, key=lambda r: r[1])
    per_100 = total / due * 100 if due else 0.0
    scans = sum(r[2]["Scan"] for r in runs)
    # The runs cover one UTC day: a participant west of UTC whose local reminder time falls on
    # the next UTC day is not due in it (their "day before" is another run's). Every due
    # participant of the runs made is reminded once.
    ok = recorder.sent == due and scans == 0
    names = ", ".join(f"{n} x{k}" if k > 1 else n for n, k in busiest[2].items())
    print_table(
        ["figure", "measured"],
        [
            [
                "runs made (of the day's 96) / due in them / reminded",
                f"{len(runs)} / {due} / {recorder.sent} (of {PARTICIPANTS} participants)",
            ],
            ["DynamoDB calls in these runs", str(total)],
            [
                "calls per run: median / max",
                f"{sorted(c for _, c, _ in runs)[len(runs) // 2]} / {worst[1]}",
            ],
            ["busiest run (most due)", f"{busiest[0]} due, {busiest[1]} calls: {names}"],
            [
                "calls per 100 due participants (~10 due a run, so the 2 fixed calls weigh)",
                f"{per_100:.0f}",
            ],
            ["runs over budget (2 + 6 per 100 in the slot, 1 Query)", str(over_budget)],
            ["Scans", str(scans)],
        ],
    )
    return [
        (
            "(e) reminders, 1,000 participants: every due one reminded once, no Scan",
            f"{recorder.sent} sent of {due} due, {scans} Scan",
            "sent = due, 0",
            ok,
        ),
        (
            "(e) reminders: DynamoDB calls per 100 due",
            f"{per_100:.0f} ({total} in {len(runs)} runs, max {worst[1]} a run)",
            f"every run <= {FIXED_PER_RUN} + {PER_100_IN_SLOT} per 100 in its slot, no group Query",
            over_budget == 0,
        ),
    ]
