"""The reminder run: time zones and daylight saving, quiet hours, exactly once, stop links, wording.

Against moto (DynamoDB, S3 for the catalog, SES and SNS), with an injected clock and the
run's scheduled time given explicitly, as EventBridge gives it.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import io
import json
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from chalicelib import reminder_sending
from chalicelib.clock import Clock
from chalicelib.identity import Caller
from chalicelib.reminders import AwsMessenger, Message, stop_token
from steady_local import outbox
from tests.conftest import REGION, STARTERS, dated_on, joined_on, make_account
from tests.functional.web_client import WebClient, form_fields

FORBIDDEN = (
    "alcohol",
    "opioid",
    "drug",
    "substance",
    "addiction",
    "craving",
    "relapse",
    "depress",
    "anxiety",
    "diagnos",
    "treatment",
    "therapy",
    "urge",
    "mental",
    "recovery",
    "sober",
    "tratamiento",
    "terapia",
    "adicci",
    "droga",
    "ansiedad",
)


@dataclass
class FakeMessenger:
    """Records what would be sent; fails the first ``failures`` sends (then succeeds)."""

    failures: int = 0
    always_fail: bool = False
    opted_out_numbers: set[str] = field(default_factory=set)
    emails: list[tuple[str, Message]] = field(default_factory=list)
    texts: list[tuple[str, Message]] = field(default_factory=list)
    attempts: int = 0

    def _maybe_fail(self) -> None:
        self.attempts += 1
        if self.always_fail or self.failures > 0:
            self.failures -= 1
            # SES or SNS could not be reached: certainly not sent, so worth another try.
            raise EndpointConnectionError(endpoint_url="https://email.invalid")

    def email(self, to: str, message: Message) -> None:
        self._maybe_fail()
        self.emails.append((to, message))

    def text(self, to: str, message: Message) -> None:
        self._maybe_fail()
        self.texts.append((to, message))

    def opted_out(self, phone: str) -> bool:
        return phone in self.opted_out_numbers

    @property
    def codes(self) -> list[str]:
        return [
            re.search(r"\d{6}", m.body).group()
            for _, m in self.emails + self.texts
            if re.search(r"\d{6}", m.body)
        ]


class MovableClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


SET_AT = "2026-01-01T00:00:00+00:00"  # before the reminders' clock and every due date


@dataclass
class World:
    service: object
    client: object
    leader: object
    group_id: str
    messenger: FakeMessenger
    clock: MovableClock
    stack: object


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def world(service, client, published, leader, stack) -> World:  # type: ignore[no-untyped-def]
    messenger = FakeMessenger()
    clock = MovableClock(utc("2026-06-10T12:00:00"))
    service.reminders.messenger = messenger
    service.reminders.clock = Clock("UTC", clock)
    service.settings = type(service.settings)(
        **{**service.settings.__dict__, "web_url": "https://steady.example/api"}
    )
    response = client.http.post(
        "/groups", headers=leader.headers, body=json.dumps({"name": "Reminder group"})
    )
    group_id = json.loads(response.body)["group_id"]
    return World(service, client, leader, group_id, messenger, clock, stack)


def enrol(world: World, username: str) -> Caller:
    account = make_account(world.stack, username, "participants")
    response = world.client.http.post(
        f"/groups/{world.group_id}/participants",
        headers=world.leader.headers,
        body=json.dumps({"username": username}),
    )
    assert response.status_code in (200, 201), response.body
    # In the group since before the reminders' clock (2026), as the dates are set then:
    # a date already past when it became theirs would not be theirs (``due_for``).
    joined_on(world.group_id, account.id, SET_AT)
    return Caller(account.id, frozenset({"participants"}))


def assign(world: World, module_id: str, due: str, participant_id: str | None = None) -> None:
    body = {"module_id": module_id, "due_date": due}
    if participant_id:
        body["participant_id"] = participant_id
    response = world.client.http.post(
        f"/groups/{world.group_id}/assignments", headers=world.leader.headers, body=json.dumps(body)
    )
    assert response.status_code in (200, 201), response.body
    dated_on(world.group_id, SET_AT)


def choose(
    world: World, caller: Caller, email: str | None = None, phone: str | None = None, **choice
) -> None:  # type: ignore[no-untyped-def]
    reminders = world.service.reminders
    reminders.request_contact_change(caller, email=email, phone=phone)
    reminders.confirm_contact(caller, world.messenger.codes[-1])
    world.messenger.emails.clear()
    world.messenger.texts.clear()
    reminders.update(caller, {"enabled": True, "channel": "sms" if phone else "email", **choice})


def run(world: World, scheduled: str, now: str | None = None):  # type: ignore[no-untyped-def]
    world.clock.now = utc(now or scheduled)
    return reminder_sending.run_scheduled(world.service, scheduled + "Z", sleep=lambda _s: None)


def test_reminders_go_at_each_participants_local_time(world):
    ny = enrol(world, "participant-ny")
    kolkata = enrol(world, "participant-kolkata")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, ny, email="ny@example.org", time="18:00", timezone="America/New_York")
    choose(
        world,
        kolkata,
        email="in@example.org",
        time="08:30",
        timezone="Asia/Kolkata",
        trigger="daily",
    )
    # 08:30 in Kolkata on 10 June is 03:00 UTC; 18:00 in New York (summer) is 22:00 UTC.
    report = run(world, "2026-06-10T03:00:00")
    assert report.sent_ids == [kolkata.id]
    assert [to for to, _ in world.messenger.emails] == ["in@example.org"]
    report = run(world, "2026-06-10T21:45:00")
    assert report.sent == 0
    report = run(world, "2026-06-10T22:00:00")
    assert report.sent_ids == [ny.id]
    report = run(world, "2026-06-10T23:00:00")  # the New York winter slot: not today
    assert report.sent == 0 and report.pointers == 1 and report.in_slot == 0


def test_daylight_saving_time_keeps_the_local_time(world):
    ny = enrol(world, "participant-dst")
    world.clock.now = utc("2026-03-01T12:00:00")
    choose(
        world,
        ny,
        email="dst@example.org",
        time="18:00",
        timezone="America/New_York",
        trigger="daily",
    )
    assign(world, STARTERS[0], "2026-03-20")
    # Before the change (EST, UTC-5): 18:00 is 23:00 UTC.
    assert run(world, "2026-03-07T23:00:00").sent_ids == [ny.id]
    assert run(world, "2026-03-07T22:00:00").sent == 0
    # After the change on 8 March (EDT, UTC-4): 18:00 is 22:00 UTC; 23:00 UTC is 19:00 there.
    assert run(world, "2026-03-09T23:00:00").sent == 0
    assert run(world, "2026-03-09T22:00:00").sent_ids == [ny.id]
    assert len(world.messenger.emails) == 2


def test_a_time_the_clock_skips_comes_once_an_hour_later(world):
    ny = enrol(world, "participant-gap")
    world.clock.now = utc("2026-03-01T12:00:00")
    choose(
        world,
        ny,
        email="gap@example.org",
        time="02:30",
        timezone="America/New_York",
        trigger="daily",
    )
    assign(world, STARTERS[0], "2026-03-20")
    # 02:30 does not exist on 8 March in New York (02:00 -> 03:00): sent at 03:30 EDT = 07:30 UTC.
    sent = [
        run(world, f"2026-03-08T{hour:02d}:{minute:02d}:00").sent
        for hour in range(5, 9)
        for minute in (0, 15, 30, 45)
    ]
    assert sum(sent) == 1
    assert run(world, "2026-03-08T07:30:00").already_sent == 1


def test_days_of_the_week_and_triggers(world):
    weekday = enrol(world, "participant-weekday")
    daily = enrol(world, "participant-daily")
    assign(world, STARTERS[0], "2026-06-12")  # a Friday
    choose(world, weekday, email="wd@example.org", time="09:00", timezone="UTC", days=["thu"])
    choose(world, daily, email="daily@example.org", time="09:00", timezone="UTC", trigger="daily")
    report = run(world, "2026-06-10T09:00:00")  # Wednesday
    assert report.sent_ids == [daily.id] and report.not_today == 1
    report = run(world, "2026-06-11T09:00:00")  # Thursday: the day before
    assert sorted(report.sent_ids) == sorted([weekday.id, daily.id])
    # Overdue: daily goes on for a week past the due date, then stops.
    assert run(world, "2026-06-19T09:00:00").sent_ids == [daily.id]
    assert run(world, "2026-06-20T09:00:00").nothing_due == 1


def test_nothing_is_sent_when_nothing_is_due_or_it_is_done(world, shipped_modules):
    caller = enrol(world, "participant-done")
    choose(world, caller, email="done@example.org", time="09:00", timezone="UTC", trigger="daily")
    assert run(world, "2026-06-10T09:00:00").nothing_due == 1  # nothing assigned
    assign(world, STARTERS[1], "2026-06-15")
    world.service.completions.record(caller.id, STARTERS[1], 1, None)
    assert run(world, "2026-06-11T09:00:00").nothing_due == 1
    assign(world, STARTERS[2], "2026-06-15", participant_id=caller.id)
    assert run(world, "2026-06-12T09:00:00").sent == 1


def test_quiet_hours_hold_back_a_late_run(world):
    caller = enrol(world, "participant-quiet")
    assign(world, STARTERS[0], "2026-06-11")
    choose(
        world,
        caller,
        email="quiet@example.org",
        time="20:45",
        timezone="UTC",
        quiet_hours={"start": "21:00", "end": "07:00"},
    )
    report = run(world, "2026-06-10T20:45:00", now="2026-06-10T21:20:00")  # EventBridge ran it late
    assert report.quiet_hours == 1 and report.sent == 0
    report = run(world, "2026-06-10T20:45:00", now="2026-06-10T20:50:00")
    assert report.sent == 1


def test_a_run_given_its_own_clock_judges_quiet_hours_by_it(world):
    """``steady_local remind --at`` passes a clock stopped at --at: the run is judged at that
    time, not at the services' (real) time (walk 21, 3)."""
    caller = enrol(world, "participant-quiet-at")
    assign(world, STARTERS[0], "2026-06-11")
    choose(
        world,
        caller,
        email="quiet-at@example.org",
        time="18:00",
        timezone="UTC",
        quiet_hours={"start": "22:00", "end": "07:00"},
    )
    world.clock.now = utc("2026-06-10T23:20:00")  # the real time: in the quiet hours
    at = Clock("UTC", lambda: utc("2026-06-10T18:00:00"))
    report = reminder_sending.run_scheduled(
        world.service, "2026-06-10T18:00:00Z", sleep=lambda _s: None, clock=at
    )
    assert report.quiet_hours == 0 and report.sent == 1
    assert [to for to, _message in world.messenger.emails] == ["quiet-at@example.org"]


def test_a_retried_or_overlapping_run_sends_once(world):
    callers = [enrol(world, f"participant-once-{i}") for i in range(3)]
    assign(world, STARTERS[0], "2026-06-11")
    for i, caller in enumerate(callers):
        choose(world, caller, email=f"once{i}@example.org", time="10:15", timezone="UTC")
    first = run(world, "2026-06-10T10:15:00")
    again = run(world, "2026-06-10T10:15:00")
    assert first.sent == 3 and again.sent == 0 and again.already_sent == 3
    assert len(world.messenger.emails) == 3


def test_two_runs_at_once_claim_each_participant_once(world):
    callers = [enrol(world, f"participant-overlap-{i}") for i in range(3)]
    assign(world, STARTERS[0], "2026-06-11")
    for i, caller in enumerate(callers):
        choose(world, caller, email=f"overlap{i}@example.org", time="10:30", timezone="UTC")
    records = world.service.reminders.records
    original = records.claim
    inner: list = []

    def claim_after_the_other_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        if (
            not inner
        ):  # the second run reads, claims and sends while the first is between read and claim
            records.claim = original
            inner.append(run(world, "2026-06-10T10:30:00"))
        return original(*args, **kwargs)

    records.claim = claim_after_the_other_run
    try:
        outer = run(world, "2026-06-10T10:30:00")
    finally:
        records.claim = original
    assert inner[0].sent == 3
    assert outer.sent == 0 and outer.already_sent == 3
    assert len(world.messenger.emails) == 3


def test_failed_sends_are_retried_then_given_back(world):
    caller = enrol(world, "participant-flaky")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="flaky@example.org", time="11:00", timezone="UTC")
    world.messenger.failures = 2  # two failures, then it works: one run, three attempts
    world.messenger.attempts = 0
    report = run(world, "2026-06-10T11:00:00")
    assert report.sent == 1 and world.messenger.attempts == 3 and len(world.messenger.emails) == 1
    other = enrol(world, "participant-down")
    choose(world, other, email="down@example.org", time="11:15", timezone="UTC")
    world.messenger.always_fail = True
    report = run(world, "2026-06-10T11:15:00")
    assert report.failed == 1 and report.sent == 0
    world.messenger.always_fail = False
    report = run(
        world, "2026-06-10T11:15:00"
    )  # EventBridge retries the run: the claim was given back
    assert report.sent == 1
    assert run(world, "2026-06-10T11:15:00").already_sent == 1
    assert [to for to, _ in world.messenger.emails] == [
        "down@example.org"
    ]  # choose() cleared the first


class Killed(BaseException):
    """The Lambda is stopped (timeout) mid-run: nothing in the run can catch it."""


def test_a_run_killed_mid_send_never_sends_twice_when_retried(world):
    callers = [enrol(world, f"participant-crash-{i}") for i in range(2)]
    assign(world, STARTERS[0], "2026-06-11")
    for i, caller in enumerate(callers):
        choose(world, caller, email=f"crash{i}@example.org", time="12:00", timezone="UTC")
    email = world.messenger.email

    def send_then_die(to, message):  # type: ignore[no-untyped-def]
        email(to, message)
        raise Killed()

    world.messenger.email = send_then_die  # type: ignore[method-assign]
    try:
        with pytest.raises(Killed):
            run(world, "2026-06-10T12:00:00")
    finally:
        world.messenger.email = email  # type: ignore[method-assign]
    report = run(world, "2026-06-10T12:00:00")
    # The retry sends nobody twice; the one the killed run claimed but never reached waits for tomorrow.
    assert len(world.messenger.emails) == 1 and report.sent == 0 and report.already_sent == 2


@contextmanager
def log_lines() -> Iterator[list[dict]]:
    """The JSON log lines written inside the block."""
    from chalicelib import logs

    stream = io.StringIO()
    lines: list[dict] = []
    logs.write_to(stream)
    try:
        yield lines
    finally:
        logs.write_to(sys.stdout)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines() if line)


def taken_then_timed_out(sent: list[str]):  # type: ignore[no-untyped-def]
    """A send SES takes whose answer never comes back (the read timed out)."""

    def send(to, message):  # type: ignore[no-untyped-def]
        sent.append(to)
        raise ReadTimeoutError(endpoint_url="https://email.invalid")

    return send


def test_a_send_that_timed_out_after_ses_took_it_never_goes_again(world):
    caller = enrol(world, "participant-timeout")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="timeout@example.org", time="12:30", timezone="UTC")
    sent: list[str] = []
    email = world.messenger.email
    world.messenger.email = taken_then_timed_out(sent)  # type: ignore[method-assign]
    try:
        with log_lines() as lines:
            report = run(world, "2026-06-10T12:30:00")
    finally:
        world.messenger.email = email  # type: ignore[method-assign]
    # Not tried again in the run (it may have gone), and the claim is kept...
    assert sent == ["timeout@example.org"]
    assert report.unknown == 1 and report.sent == 0 and report.failed == 0
    # ...so EventBridge's retry of the run sends nothing either.
    again = run(world, "2026-06-10T12:30:00")
    assert again.sent == 0 and again.already_sent == 1 and world.messenger.emails == []
    unknown = [line for line in lines if line["event"] == "reminders.send_unknown"]
    assert unknown == [
        {
            "event": "reminders.send_unknown",
            "level": "WARNING",
            "participant_id": caller.id,
            "run_id": report.run_id,
            "kind": "reading",
        }
    ]
    assert "timeout@example.org" not in json.dumps(lines)


def test_a_run_that_dies_after_claiming_leaves_claims_with_no_outcome_in_the_log(world):
    callers = [enrol(world, f"participant-died-{i}") for i in range(2)]
    assign(world, STARTERS[0], "2026-06-11")
    for i, caller in enumerate(callers):
        choose(world, caller, email=f"died{i}@example.org", time="12:45", timezone="UTC")
    email = world.messenger.email

    def send_then_die(to, message):  # type: ignore[no-untyped-def]
        email(to, message)
        raise Killed()

    world.messenger.email = send_then_die  # type: ignore[method-assign]
    try:
        with log_lines() as lines, pytest.raises(Killed):
            run(world, "2026-06-10T12:45:00")
    finally:
        world.messenger.email = email  # type: ignore[method-assign]
    claimed = {line["participant_id"] for line in lines if line["event"] == "reminders.claimed"}
    outcomes = {
        line["participant_id"]
        for line in lines
        if line["event"] in ("reminders.sent", "reminders.send_unknown", "reminders.released")
    }
    assert claimed == {c.id for c in callers} and outcomes == set()
    with log_lines() as retried:
        report = run(world, "2026-06-10T12:45:00")
    assert report.sent == 0 and len(world.messenger.emails) == 1
    held = [line for line in retried if line["event"] == "reminders.already_claimed"]
    assert {line["participant_id"] for line in held} == {c.id for c in callers}
    run_ids = {line["run_id"] for line in lines if line["event"] == "reminders.claimed"}
    assert {line["claimed_by"] for line in held} == run_ids
    text = json.dumps(lines + retried)
    assert "@example.org" not in text and "participant-died" not in text


def test_run_records_counts_and_last_send_time_without_message_text(world):
    caller = enrol(world, "participant-record")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="record@example.org", time="13:00", timezone="UTC")
    report = run(world, "2026-06-10T13:00:00", now="2026-06-10T13:00:05")
    assert report.sent == 1
    runs = world.service.reminders.records.runs("2026-06-10")
    assert len(runs) == 1 and runs[0]["sent"] == 1 and runs[0]["slot"] == "1300"
    body = world.client.http.get("/me/reminders", headers={"Authorization": "x"})
    assert body.status_code == 401
    _, sent = world.service.reminders.records.get(caller.id)
    assert (
        sent["last_sent_at"].startswith("2026-06-10T13:00:05") and sent["sent_on"] == "2026-06-10"
    )
    stored = json.dumps(runs, default=str) + json.dumps(sent, default=str)
    assert "something to read" not in stored and "record@example.org" not in stored
    assert world.service.reminders.view(caller).last_sent_at == sent["last_sent_at"]


def test_wording_is_discreet_in_english_and_spanish(world, shipped_modules):
    english = enrol(world, "participant-en")
    spanish = enrol(world, "participant-es")
    texter = enrol(world, "participant-sms")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, english, email="en@example.org", time="14:00", timezone="UTC")
    choose(world, spanish, email="es@example.org", time="14:00", timezone="UTC", locale="es")
    choose(world, texter, phone="+15550100001", time="14:00", timezone="UTC", locale="es")
    assert run(world, "2026-06-10T14:00:00").sent == 3
    by_address = {to: m for to, m in world.messenger.emails + world.messenger.texts}
    titles = [m.meta["title"] for m in shipped_modules]
    for message in by_address.values():
        text = (message.subject + " " + message.body).lower()
        assert not any(word in text for word in FORBIDDEN), text
        assert not any(title.lower() in text for title in titles), text
        assert "Steady" in message.body and "/reminders/stop?t=" in message.body
    assert by_address["en@example.org"].body.startswith("You have something to read in Steady.")
    assert by_address["es@example.org"].body.startswith("Tiene algo para leer en Steady.")
    assert by_address["es@example.org"].subject == "Steady: un recordatorio"
    assert "STOP" in by_address["+15550100001"].body and len(by_address["+15550100001"].body) <= 300


def test_a_participant_who_reads_in_spanish_gets_spanish_reminders_without_choosing(world):
    """Walk 15, problem 3: Rosa signs in on the Spanish link she was given and turns
    reminders on without touching their language: they come in Spanish. Mei-Ling had her
    reminders set before her pages' language was kept: a later keep of it is followed too
    (a save that did not name the messages' language stored none)."""
    rosa = enrol(world, "participant-rosa")
    phone = WebClient(world.client)
    assert '<html lang="es">' in phone.get("/sign-in?locale=es").body
    assert phone.sign_in("participant-rosa", path="/sign-in?locale=es").status == 303
    choose(world, rosa, email="rosa@example.org", time="14:00", timezone="UTC")
    mei = enrol(world, "participant-mei")
    choose(world, mei, phone="+15550100002", time="14:00", timezone="UTC")
    world.service.reminders.keep_language(mei, "es")
    assign(world, STARTERS[0], "2026-06-11")

    assert run(world, "2026-06-10T14:00:00").sent == 2
    by_address = {to: m for to, m in world.messenger.emails + world.messenger.texts}
    assert by_address["rosa@example.org"].body.startswith("Tiene algo para leer en Steady.")
    assert by_address["+15550100002"].body.startswith("Tiene algo para leer en Steady.")


def test_program_name_comes_from_the_deployment(world):
    caller = enrol(world, "participant-named")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="named@example.org", time="15:00", timezone="UTC")
    world.service.settings = type(world.service.settings)(
        **{**world.service.settings.__dict__, "program_name": "Harbor Learning"}
    )
    run(world, "2026-06-10T15:00:00")
    message = world.messenger.emails[-1][1]
    assert "Harbor Learning" in message.body and "Steady" not in message.body + message.subject


def stop_token_for(service, participant_id: str, sent_on: date) -> str:  # type: ignore[no-untyped-def]
    """The stop link's token a message sent on ``sent_on`` carries: to the contact the
    participant's reminders use now (none: any address, the link controls nothing)."""
    item = service.reminders.records.get(participant_id)[0] or {}
    address = item.get("phone") if item.get("channel") == "sms" else item.get("email")
    return stop_token(service.settings.reminder_key, participant_id, sent_on, address or "")


def stop_address(world: World, caller: Caller, sent_on: date | None = None) -> str:
    """The stop link in a message sent ``sent_on`` (by default: today on the run's clock)."""
    day = sent_on or world.clock.now.date()
    return f"/reminders/stop?t={stop_token_for(world.service, caller.id, day)}"


def test_opening_a_stop_link_changes_nothing_it_shows_a_button(world):
    """Mail scanners and link previews open every link in a message: the GET is a page with a
    button (a post, no CSRF field: the person may not be signed in here), in the messages'
    language; reminders stay on however often it is opened."""
    caller = enrol(world, "participant-stop-open")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="open@example.org", time="16:00", timezone="UTC", locale="es")
    address = stop_address(world, caller)
    for _ in range(3):
        page = WebClient(world.client).get(address)
        assert page.status == 200
    assert 'lang="es"' in page.body and "¿Dejar de recibir recordatorios?" in page.body
    assert f'<form method="post" action="{address}"' in page.body
    assert ">Dejar de recibir recordatorios</button>" in page.body
    assert 'name="csrf"' not in page.body
    assert world.service.reminders.view(caller).enabled is True
    english = WebClient(world.client).get(address + "&locale=en")
    assert "Stop reminders?" in english.body and ">Stop reminders</button>" in english.body
    assert f'action="{address}&amp;locale=en"' in english.body
    assert run(world, "2026-06-10T16:00:00").sent_ids == [caller.id]


def test_the_stop_button_turns_reminders_off_without_a_session(world):
    caller = enrol(world, "participant-stop")
    other = enrol(world, "participant-keeps")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="stop@example.org", time="16:00", timezone="UTC", locale="es")
    choose(world, other, email="keeps@example.org", time="16:00", timezone="UTC")
    world.clock.now = utc("2026-06-10T13:14:15")
    address = stop_address(world, caller)
    page = WebClient(world.client).post(address, {})  # not signed in, no cookie at all
    assert page.status == 200
    assert 'lang="es"' in page.body and "No recibirá más recordatorios." in page.body
    switch = re.search(r'href="(/reminders/stop\?[^"]+)"', page.body).group(1)  # type: ignore[union-attr]
    in_english = WebClient(world.client).get(switch.replace("&amp;", "&"))
    assert in_english.status == 200 and "Reminders are already off." in in_english.body
    stopped = world.service.reminders.view(caller)
    assert stopped.enabled is False
    assert stopped.stopped_from_message_at == "2026-06-10T13:14:15.000000Z"
    assert world.service.reminders.view(other).enabled is True
    world.clock.now = utc("2026-06-10T13:20:00")
    assert WebClient(world.client).post(address, {}).status == 200  # twice is fine
    # Already off: the time it was turned off is kept, and the link's page says it is off.
    assert world.service.reminders.view(caller).stopped_from_message_at == (
        "2026-06-10T13:14:15.000000Z"
    )
    again = WebClient(world.client).get(address)
    assert "Los recordatorios ya están desactivados." in again.body and "<form" not in again.body
    report = run(world, "2026-06-10T16:00:00")
    assert report.sent_ids == [other.id]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            "multipart/form-data; boundary=x7",
            '--x7\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
            "One-Click\r\n--x7--\r\n",
        ),
        ("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"),
    ],
)
def test_a_mail_clients_one_click_post_turns_reminders_off(world, content_type, body):
    """RFC 8058: the mail client posts ``List-Unsubscribe=One-Click`` to the header's address,
    as multipart or as a plain form, with no cookie."""
    caller = enrol(world, "participant-one-click")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="click@example.org", time="16:00", timezone="UTC")
    response = world.client.http.post(
        stop_address(world, caller), headers={"Content-Type": content_type}, body=body
    )
    assert response.status_code == 200, response.body[:500]
    assert world.service.reminders.view(caller).enabled is False


def test_stop_links_not_made_by_us_change_nothing(world):
    """The token is the participant's id sealed (AES-SIV) under a key derived from the
    deployment's secret: it shows no id (a partner reading the phone learns nothing), and
    neither the id alone, nor a token made under another key, nor one altered, works, opened
    or posted."""
    caller = enrol(world, "participant-forger")
    other = enrol(world, "participant-keeps")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="forger@example.org", time="16:00", timezone="UTC", locale="es")
    choose(world, other, email="keeps@example.org", time="16:00", timezone="UTC")
    key = world.service.settings.reminder_key
    today = world.clock.now.date()

    def token(signing_key: str) -> str:
        return stop_token(signing_key, caller.id, today, "forger@example.org")

    good = token(key)
    raw = base64.urlsafe_b64decode(good + "=" * (-len(good) % 4))
    assert caller.id.encode() not in raw and caller.id not in good
    assert caller.id.replace("-", "").encode() not in raw
    assert uuid.UUID(caller.id).bytes not in raw and b"forger" not in raw
    assert token(key) == good  # the same link in every message of the day
    assert len(good) < 60
    assert token(key) != token("some other key")
    flipped = bytearray(raw)
    flipped[-1] ^= 1
    altered = base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("=")
    unsigned = [
        base64.b64encode(caller.id.encode()).decode(),
        base64.urlsafe_b64encode(caller.id.encode()).decode() + ".",
        caller.id,
    ]
    for bad in [
        token("some other key"),
        altered,
        good[:-2],
        "",
        "x.y",
        good + "x",
    ] + unsigned:
        address = f"/reminders/stop?t={quote(bad)}"
        for response in (
            WebClient(world.client).get(address),
            WebClient(world.client).post(address, {}),
        ):
            assert response.status == 400, bad
            assert "This link does not work" in response.body  # the browser's language
    assert world.service.reminders.view(caller).enabled is True
    assert world.service.reminders.view(other).enabled is True


def test_a_stop_link_sent_before_the_ids_were_sealed_still_stops(world):
    """Links already on people's phones, ``<id in base64>.<HMAC-SHA256>``, keep working; one
    signed under another key, or borrowed from another participant's link, does not."""
    caller = enrol(world, "participant-old-link")
    other = enrol(world, "participant-old-other")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="old@example.org", time="16:00", timezone="UTC")
    choose(world, other, email="other@example.org", time="16:00", timezone="UTC")
    key = world.service.settings.reminder_key

    def legacy(signing_key: str, participant_id: str) -> str:
        signature = hmac.new(
            signing_key.encode(), f"stop:{participant_id}".encode(), hashlib.sha256
        ).digest()
        encode = base64.urlsafe_b64encode
        return f"{encode(participant_id.encode()).decode().rstrip('=')}.{encode(signature).decode().rstrip('=')}"

    swapped = legacy(key, other.id).split(".")[0] + "." + legacy(key, caller.id).split(".")[1]
    for token in (legacy("some other key", caller.id), swapped):
        response = WebClient(world.client).post(f"/reminders/stop?t={quote(token)}", {})
        assert response.status == 400, token
    assert world.service.reminders.view(other).enabled is True
    response = WebClient(world.client).post(
        f"/reminders/stop?t={quote(legacy(key, caller.id))}", {}
    )
    assert response.status in (200, 303)
    assert world.service.reminders.view(caller).enabled is False
    assert world.service.reminders.view(other).enabled is True


def expired_page(response) -> str:  # type: ignore[no-untyped-def]
    """The page of a stop link of ours that no longer works: 410, nothing of the choice, no
    button, and the way to turn reminders off after signing in."""
    assert response.status == 410, response.body[:300]
    assert "<form" not in response.body and "/account/reminders" in response.body
    return " ".join(response.body.split())


def test_a_stop_link_works_for_60_days_after_its_message_then_shows_how_to_stop(world):
    caller = enrol(world, "participant-old-message")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="aged@example.org", time="16:00", timezone="UTC", locale="es")
    sent_on = date(2026, 4, 10)
    address = stop_address(world, caller, sent_on)
    world.clock.now = utc("2026-06-09T23:59:00")  # 60 days after the message: still works
    page = WebClient(world.client).get(address)
    assert page.status == 200 and f'<form method="post" action="{address}"' in page.body
    world.clock.now = utc("2026-06-10T00:00:00")  # 61 days: expired
    for response in (
        WebClient(world.client).get(address),
        WebClient(world.client).post(address, {}),  # the button, or a mail client's one-click
    ):
        text = expired_page(response)
        # In the messages' language, saying nothing of the choice (on, by email, when).
        assert 'lang="es"' in response.body and "Este enlace ya no funciona" in text
        assert "60 días" in text and "No se cambió nada." in text
        assert "16:00" not in text and "aged" not in text and "correo electrónico o al" in text
    english = expired_page(WebClient(world.client).get(address + "&locale=en"))
    assert "This link has expired" in english and "sign in and open" in english
    assert world.service.reminders.view(caller).enabled is True  # nothing changed
    assert run(world, "2026-06-10T16:00:00").sent_ids == [caller.id]
    # The link in that newest message works.
    newest = stop_address(world, caller)
    assert WebClient(world.client).post(newest, {}).status == 200
    assert world.service.reminders.view(caller).enabled is False


def test_a_stop_link_sent_to_an_address_no_longer_theirs_changes_nothing(world):
    """After a change of email, a message left in the old mailbox no longer controls the
    reminders that now go to the new one; a message to the new address does."""
    caller = enrol(world, "participant-moved")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="shared@example.org", time="16:00", timezone="UTC")
    old_address = stop_address(world, caller)
    reminders = world.service.reminders
    reminders.request_contact_change(caller, email="mine@example.org")
    reminders.confirm_contact(caller, world.messenger.codes[-1])
    expired_page(WebClient(world.client).post(old_address, {}))
    assert reminders.view(caller).enabled is True
    assert WebClient(world.client).post(stop_address(world, caller), {}).status == 200
    assert reminders.view(caller).enabled is False


def test_an_undated_stop_link_works_until_the_day_undated_links_end(world):
    """Links sent before links carried their day (the sealed id alone) keep working until
    ``UNDATED_STOP_LINKS_END``, then show the expired page."""
    from chalicelib.reminders import UNDATED_STOP_LINKS_END, _stop_cipher

    caller = enrol(world, "participant-undated")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="undated@example.org", time="16:00", timezone="UTC")
    key = world.service.settings.reminder_key
    sealed = _stop_cipher(key).encrypt(caller.id.encode(), [b"stop"])
    address = f"/reminders/stop?t={base64.urlsafe_b64encode(sealed).decode().rstrip('=')}"
    world.clock.now = datetime.combine(UNDATED_STOP_LINKS_END, datetime.min.time(), UTC)
    expired_page(WebClient(world.client).post(address, {}))
    assert world.service.reminders.view(caller).enabled is True
    world.clock.now -= timedelta(seconds=1)
    assert WebClient(world.client).post(address, {}).status == 200
    assert world.service.reminders.view(caller).enabled is False


def test_the_link_in_a_message_is_dated_by_its_run_and_addressed_to_its_contact(world):
    caller = enrol(world, "participant-dated")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, phone="+15550100007", time="16:15", timezone="UTC")
    assert run(world, "2026-06-10T16:15:00").sent == 1
    (_, message) = world.messenger.texts[-1]
    token = re.search(r"/reminders/stop\?t=([A-Za-z0-9_-]+)", message.body).group(1)  # type: ignore[union-attr]
    assert token == stop_token_for(world.service, caller.id, date(2026, 6, 10))


def test_account_says_reminders_were_stopped_from_a_message_until_saved(world):
    """On the day it was in the participant's own time zone, in both languages; saving the
    reminder form (here, turning them on again) clears it."""
    caller = enrol(world, "participant-stop-note")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, email="note@example.org", time="16:00", timezone="America/Los_Angeles")
    world.clock.now = utc("2026-06-11T05:30:00")  # 10 June, 10:30 pm in Los Angeles
    assert WebClient(world.client).post(stop_address(world, caller), {}).status == 200
    web = WebClient(world.client)
    assert web.sign_in("participant-stop-note").status == 303
    page = web.get("/account/reminders")
    note = "Reminders were turned off from a message on Wed 10 Jun 2026."
    assert note in page.body
    spanish = web.get("/account/reminders?locale=es")
    assert "Los recordatorios se desactivaron desde un mensaje el mié 10 jun 2026." in spanish.body
    form = form_fields(web.get("/account/reminders?locale=en"), "/account/reminders")
    chosen = {"enabled": "on", "time": "16:00", "timezone": "America/Los_Angeles"}  # selects
    assert web.post("/account/reminders", {**form, **chosen}).status == 303
    assert world.service.reminders.view(caller).enabled is True
    assert note not in web.get("/account/reminders").body
    assert world.service.reminders.view(caller).stopped_from_message_at is None


def test_a_text_message_number_that_replied_stop_is_turned_off(world):
    caller = enrol(world, "participant-optout")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, caller, phone="+15550100002", time="17:00", timezone="UTC")
    world.messenger.opted_out_numbers.add("+15550100002")
    report = run(world, "2026-06-10T17:00:00")
    assert report.opted_out == 1 and report.sent == 0 and not world.messenger.texts
    choice = world.service.reminders.view(caller)
    assert choice.enabled is False
    # The Account page says why they are off, as after a stop link.
    assert choice.stopped_from_message_at is not None


def test_messages_go_through_ses_and_sns(world):
    """The real messenger against moto: SES for email, SNS (with its opt-out list) for texts."""
    ses = boto3.client("ses", region_name=REGION)
    sns = boto3.client("sns", region_name=REGION)
    messenger = AwsMessenger(lambda: ses, lambda: sns, world.service.settings.reminder_sender)
    by_mail = enrol(world, "participant-ses")
    by_text = enrol(world, "participant-sns")
    opted = enrol(world, "participant-sns-stop")
    assign(world, STARTERS[0], "2026-06-11")
    choose(world, by_mail, email="ses@example.org", time="18:00", timezone="UTC")
    choose(world, by_text, phone="+15550100003", time="18:00", timezone="UTC")
    choose(
        world, opted, phone="+15550100099", time="18:00", timezone="UTC"
    )  # moto: ...99 opted out
    world.service.reminders.messenger = messenger
    report = run(world, "2026-06-10T18:00:00")
    assert report.sent == 2 and report.opted_out == 1
    # A reminder goes as a raw message (SendEmail takes no headers) with the RFC 8058
    # one-click stop headers, the address its text gives.
    raw = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1]
    assert set(raw.destinations) == {"ses@example.org"}  # moto adds the To header's
    mail = email.message_from_bytes(
        raw.raw_data if isinstance(raw.raw_data, bytes) else raw.raw_data.encode(),
        policy=email.policy.default,
    )
    body = mail.get_content()
    assert mail["To"] == "ses@example.org" and mail["Subject"] == "Steady: a reminder"
    stop = re.search(r"Stop these reminders: (\S+)", body).group(1)  # type: ignore[union-attr]
    assert stop.startswith("https://steady.example/api/reminders/stop?t=")
    assert mail["List-Unsubscribe"] == f"<{stop}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # ``make -s outbox`` (and the browser tests) read raw messages too.
    shown = [m for m in outbox.messages() if m["channel"] == "email"][-1]
    assert shown["to"] == ["ses@example.org"] and "Stop these reminders" in shown["body"]
    assert shown["list_unsubscribe"] == f"<{stop}>"
    path = stop.removeprefix("https://steady.example/api")
    one_click = world.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="List-Unsubscribe=One-Click",
    )
    assert one_click.status_code == 200
    assert world.service.reminders.view(by_mail).enabled is False
    texts = [(n, t) for n, t, *_ in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()]
    assert [n for n, _ in texts] == ["+15550100003"]


def test_the_run_does_nothing_without_a_signing_key(world):
    world.service.settings = type(world.service.settings)(
        **{**world.service.settings.__dict__, "reminder_key": ""}
    )
    report = run(world, "2026-06-10T18:00:00")
    assert report.not_configured and report.sent == 0


def test_slot_arithmetic():
    assert reminder_sending.slot_start(utc("2026-06-10T10:29:59")) == utc("2026-06-10T10:15:00")
    assert date(2026, 3, 8).weekday() == 6
    assert reminder_sending.local_date_in_slot(
        reminder_sending.SlotPointer("p", "Pacific/Kiritimati", "00:00"), utc("2026-06-09T10:00:00")
    ) == date(2026, 6, 10)  # UTC+14: already tomorrow there
    assert timedelta(hours=3) == reminder_sending.TOO_LATE


def test_a_run_reads_the_groups_in_batches_not_one_query_each(world, aws_calls):
    """Issue 16's budget: 150 participants due in one slot, in 15 groups of 10: the slot Query;
    per 100 participants, one BatchGetItem per 33 (choice, sent state, completions), one
    BatchGetItem of their groups' DUE items not read yet (no group Query), the claims in one
    transaction; the run's Put."""
    import uuid

    from chalicelib.records.audit import new_entry
    from chalicelib.records.groups import Assignment
    from chalicelib.reminders import DAYS, utc_slots

    groups = world.service.group_records
    leader = str(uuid.uuid4())
    at = "2026-06-01T00:00:00Z"
    day = date(2026, 6, 10)
    participant_ids = [str(uuid.uuid4()) for _ in range(150)]
    for start in range(0, 150, 10):
        group_id = uuid.uuid4().hex
        groups.create(
            group_id, "Group", leader, at, new_entry(leader, ["leaders"], "group.create", at)
        )
        assignment = Assignment(
            uuid.uuid4().hex, "module", STARTERS[0], None, None, "2026-06-11", None, at, leader
        )
        groups.put_assignment(
            group_id, assignment, new_entry(leader, ["leaders"], "assignment.put", at)
        )
        for pid in participant_ids[start : start + 10]:
            groups.enrol(
                group_id, pid, "Person", at, new_entry(leader, ["leaders"], "enrolment.add", at)
            )
            choice = {
                "enabled": True,
                "channel": "email",
                "email": "burst@example.org",
                "time": "13:00",
                "days": list(DAYS),
                "trigger": "day_before",
                "quiet_start": None,
                "quiet_end": None,
                "timezone": "UTC",
                "locale": "en",
            }
            slots = utc_slots("13:00", "UTC", day)
            choice["slots"] = sorted(slots)
            world.service.reminders.records.save(
                pid, choice, None, slots, (), [group_id], day.isoformat()
            )
    # One group moved on: a participant removed there is not reminded about its reading.
    removed = participant_ids[0]
    groups.remove_participant(
        groups.groups_of_participant(removed)[0],
        removed,
        new_entry(leader, ["leaders"], "enrolment.remove", at),
    )

    aws_calls.reset()
    report = run(world, "2026-06-10T13:00:00", now="2026-06-10T13:00:05")
    assert (report.due, report.sent, report.nothing_due) == (149, 149, 1)
    calls = [n.removeprefix("DynamoDB.") for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert calls.count("Query") == 1  # the slot; no group is queried
    # 100 then 50 participants: 4 + 2 BatchGetItems, and the groups' DUE items once or twice
    assert calls.count("BatchGetItem") in (4 + 1 + 2, 4 + 1 + 2 + 1)
    assert calls.count("TransactWriteItems") == 2 and calls.count("PutItem") == 1
    assert len(calls) <= 11  # at most 7.4 calls per 100 due participants (was 1 Query per group)
