"""Notices before access ends: a participant who left their last group gets one discreet
message 30 days and one 7 days before their last full day, to their confirmed contact, in
their language; never twice, never after they were enrolled again, never a text to a number
that replied STOP, nothing (and no error) without a contact.

Against moto, with the services' clock (``FakeClock``) moved by the test; the notice run is
``access_notices.run_scheduled``, as the quarter-hour schedule calls it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib import access_notices, schedules
from chalicelib.identity import Caller
from chalicelib.records.keys import REMINDERS_SK, access_notice_pk, participant_pk, participant_sk
from tests.conftest import Account, make_account
from tests.functional.test_reminder_sending import (
    FORBIDDEN,
    FakeMessenger,
    log_lines,
    taken_then_timed_out,
)
from tests.functional.web_client import WebClient

DAY = 86_400
# 10:00 in New York (the program's zone) on Monday 5 January 2026.
START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
# 365 days later access ends at 10:00 on 5 January 2027: the last full day is 4 January, so
# the notices are due on 5 December (30 days before) and 28 December (7 days before).
LAST_DAY = date(2027, 1, 4)
THIRTY = date(2026, 12, 5)
SEVEN = date(2026, 12, 28)


def api(client, method: str, path: str, account: Account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method)(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


@pytest.fixture
def messenger(service) -> FakeMessenger:  # type: ignore[no-untyped-def]
    fake = FakeMessenger()
    service.reminders.messenger = fake
    service.settings = type(service.settings)(
        **{**service.settings.__dict__, "web_url": "https://steady.example/api"}
    )
    return fake


@pytest.fixture
def started(library_clock):  # type: ignore[no-untyped-def]
    library_clock.start_at(START, "America/New_York")
    return library_clock


def group_with(client, leader: Account, participant: Account, name: str = "Tuesday") -> str:  # type: ignore[no-untyped-def]
    status, group = api(client, "post", "/groups", leader, {"name": name})
    assert status == 201
    status, _ = api(
        client,
        "post",
        f"/groups/{group['group_id']}/participants",
        leader,
        {"username": participant.username},
    )
    assert status in (200, 201)
    return str(group["group_id"])


def confirm(service, messenger: FakeMessenger, account: Account, **contact) -> Caller:  # type: ignore[no-untyped-def]
    caller = Caller(account.id, frozenset({"participants"}))
    service.reminders.request_contact_change(caller, **contact)
    service.reminders.confirm_contact(caller, messenger.codes[-1])
    messenger.emails.clear()
    messenger.texts.clear()
    return caller


def move_to(clock, day: date, hour_utc: int = 15) -> None:  # type: ignore[no-untyped-def]
    clock.advance(
        (datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC) - clock.now()).total_seconds()
    )


def run(service):  # type: ignore[no-untyped-def]
    return access_notices.run_scheduled(service, sleep=lambda _s: None)


def notice_items(service, day: date) -> list[dict]:  # type: ignore[no-untyped-def]
    records = service.access.records
    return records.query_all(access_notice_pk(day.isoformat()))


def leave(client, leader: Account, participant: Account) -> str:  # type: ignore[no-untyped-def]
    group = group_with(client, leader, participant)
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    return group


def test_removal_from_the_last_group_writes_the_two_notice_items(
    client, published, stack, participant, service, started
):
    leader = make_account(stack, "leader-one", "leaders")
    leave(client, leader, participant)
    assert service.access.last_day(participant.id) == LAST_DAY
    ends_at = service.access.ends_at(participant.id)
    for day, before in ((THIRTY, 30), (SEVEN, 7)):
        (item,) = notice_items(service, day)
        assert item["SK"] == participant_sk(participant.id)
        assert (item["ends_at"], item["days_before"], item["expires_at"]) == (
            ends_at,
            before,
            ends_at,
        )
        assert "done_at" not in item
        # Nothing but ids and times: no contact, no name, no group.
        assert set(item) == {"PK", "SK", "participant_id", "ends_at", "days_before", "expires_at"}


def test_archiving_the_last_group_writes_them_and_unarchiving_deletes_them(
    client, published, stack, participant, service, started
):
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant)
    assert api(client, "patch", f"/groups/{group}", leader, {"archived": True})[0] == 200
    assert len(notice_items(service, THIRTY)) == 1 and len(notice_items(service, SEVEN)) == 1
    assert api(client, "patch", f"/groups/{group}", leader, {"archived": False})[0] == 200
    assert notice_items(service, THIRTY) == [] and notice_items(service, SEVEN) == []


def test_taking_an_end_away_keeps_the_notices_of_a_later_end_put_on_the_same_days(
    client, published, stack, participant, service, started
):
    """Enrolled again (the end taken away) while another request starts a new end a minute
    later: that one's notices, put on the same days between the take-away's UpdateItem and its
    deletes, announce the end now stored, and are not deleted with the old end's."""
    leader = make_account(stack, "leader-one", "leaders")
    leave(client, leader, participant)
    ends_at = service.access.ends_at(participant.id)
    later = ends_at + 60
    records = service.access.records
    transact = records.transact

    def new_end_meanwhile(items, busy):  # type: ignore[no-untyped-def]
        records.transact = transact  # type: ignore[method-assign]
        days = {THIRTY.isoformat(): 30, SEVEN.isoformat(): 7}
        assert records.start_access_end(participant.id, later, days)
        return transact(items, busy)

    records.transact = new_end_meanwhile  # type: ignore[method-assign]
    try:
        assert service.access.take_end_away(participant.id)
    finally:
        records.transact = transact  # type: ignore[method-assign]

    assert records.times(participant.id)[1] == later
    for day in (THIRTY, SEVEN):
        assert [item["ends_at"] for item in notice_items(service, day)] == [later]


def test_notices_go_30_and_7_days_before_once_each_by_email(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)

    move_to(started, date(2026, 12, 4))  # the day before: nothing yet
    assert run(service).sent == 0 and not messenger.emails
    move_to(started, THIRTY)
    report = run(service)
    assert (report.due, report.sent, report.sent_ids) == (1, 1, [participant.id])
    ((to, message),) = messenger.emails
    assert to == "alum@example.org"
    assert message.subject == "Steady: your account"
    # The day with its year (walk 19, problem 7: "after 4 Jan", sent in December), whom to
    # ask for a new password, and that one more notice will come.
    assert message.body == (
        "Steady: your account closes after 4 Jan 2027. Sign in before then to download anything "
        "you want to keep: https://steady.example/api/\n\n"
        "Forgot your password? Ask the person who gave you this account for a new one.\n\n"
        "We will send one more notice 7 days before.\n"
    )
    assert not message.unsubscribe  # a notice, not a reminder: no stop headers
    lowered = message.body.lower() + message.subject.lower()
    assert not [w for w in FORBIDDEN if w in lowered] and "group" not in lowered
    # A retried run, later that day: nothing more (the claim is on the item).
    started.advance(3600)
    again = run(service)
    assert (again.due, again.sent) == (0, 0) and len(messenger.emails) == 1

    move_to(started, SEVEN)
    assert run(service).sent_ids == [participant.id]
    assert len(messenger.emails) == 2
    # The last notice is not the first one again: it says it is the last, a week ahead.
    last = messenger.emails[1][1]
    assert last.subject == "Steady: your account (last notice)"
    assert last.body == (
        "Steady, last notice: your account closes after 4 Jan 2027, a week from today. Sign in "
        "before then to download anything you want to keep: https://steady.example/api/\n\n"
        "Forgot your password? Ask the person who gave you this account for a new one.\n"
    )
    lowered = last.body.lower() + last.subject.lower()
    assert not [w for w in FORBIDDEN if w in lowered] and "group" not in lowered
    assert "program" not in lowered
    assert [i["outcome"] for i in notice_items(service, SEVEN)] == ["sent"]


def test_a_spanish_reader_gets_it_in_spanish_by_text_even_with_reminders_off(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, phone="+15550100007")
    service.reminders.keep_language(caller, "es")
    # The messages' language, stored with their settings; reminders stay off.
    service.reminders.update(caller, {"channel": "sms", "locale": "es"})
    assert service.reminders.view(caller).enabled is False
    leave(client, leader, participant)
    move_to(started, THIRTY)
    assert run(service).sent == 1
    ((to, message),) = messenger.texts
    assert to == "+15550100007" and not messenger.emails
    # Shorter than the email, and no longer than a reminder's text.
    assert message.body == (
        "Steady: su cuenta se cierra después del 4 ene 2027. Inicie sesión antes para guardar "
        "lo que quiera: https://steady.example/api/ ¿Olvidó su contraseña? Pregunte a quien le "
        "dio esta cuenta. Responda STOP para dejar de recibirlos."
    )
    lowered = message.body.lower()
    assert not [w for w in FORBIDDEN if w in lowered] and "grupo" not in lowered
    move_to(started, SEVEN)
    assert run(service).sent == 1
    last = messenger.texts[1][1].body
    assert last.startswith(
        "Steady, último aviso: su cuenta se cierra después del 4 ene 2027, en una semana. "
    )
    assert "¿Olvidó su contraseña?" in last and last.endswith(
        "Responda STOP para dejar de recibirlos."
    )
    assert len(last) <= 300 and "grupo" not in last.lower() and "programa" not in last.lower()


def test_not_sent_after_they_are_enrolled_again(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    move_to(started, date(2026, 11, 1))
    group_with(client, leader, participant, "Back again")
    assert service.access.ends_at(participant.id) is None
    assert notice_items(service, THIRTY) == [] and notice_items(service, SEVEN) == []
    move_to(started, THIRTY)
    assert run(service).due == 0 and not messenger.emails


def test_an_item_left_behind_for_an_end_taken_away_sends_nothing(
    client, published, stack, participant, service, started, messenger
):
    """The run checks the access end itself: an item whose delete was lost says nothing."""
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    # Taken away behind the index's back (as if the delete after the update had failed).
    service.access.records.call(
        "update_item",
        Key={"PK": {"S": f"ACCOUNT#{participant.id}"}, "SK": {"S": "NOT_VALID_BEFORE"}},
        UpdateExpression="REMOVE access_ends_at",
    )
    move_to(started, THIRTY)
    report = run(service)
    assert (report.due, report.ended, report.sent) == (1, 1, 0) and not messenger.emails
    assert [i["outcome"] for i in notice_items(service, THIRTY)] == ["ended"]


def test_an_opted_out_number_never_gets_a_text(
    client, published, stack, participant, other_participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, phone="+15550100008")
    both = confirm(service, messenger, other_participant, phone="+15550100009")
    service.reminders.request_contact_change(both, email="both@example.org")
    service.reminders.confirm_contact(both, messenger.codes[-1])
    service.reminders.update(both, {"channel": "sms"})
    messenger.emails.clear()
    messenger.opted_out_numbers.update({"+15550100008", "+15550100009"})
    leave(client, leader, participant)
    group = group_with(client, leader, other_participant, "Other")
    assert (
        api(client, "delete", f"/groups/{group}/participants/{other_participant.id}", leader)[0]
        == 204
    )
    move_to(started, THIRTY)
    report = run(service)
    assert not messenger.texts
    # Only a number: nothing. A number and an email: the email.
    assert (report.sent, report.no_contact) == (1, 1)
    assert [to for to, _ in messenger.emails] == ["both@example.org"]


def test_no_contact_sends_nothing_and_no_error(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    leave(client, leader, participant)
    move_to(started, THIRTY)
    report = run(service)
    assert (report.due, report.sent, report.no_contact, report.failed) == (1, 0, 1, 0)
    assert not messenger.emails and not messenger.texts
    # Closed: the next runs that day do not read it again.
    started.advance(900)
    assert run(service).due == 0


def test_held_at_night_and_in_quiet_hours_then_sent_later_that_day(
    client, published, stack, participant, service, started, messenger
):
    """Quiet hours that leave part of their daytime free hold the notice until then."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(
        caller, {"quiet_hours": {"start": "09:00", "end": "13:00"}, "timezone": "America/New_York"}
    )
    leave(client, leader, participant)
    move_to(started, THIRTY, hour_utc=6)  # 01:00 in New York: looked for, held (their night)
    night = run(service)
    assert (night.due, night.held, night.sent) == (1, 1, 0)
    move_to(started, THIRTY, hour_utc=15)  # 10:00: their quiet hours, 13:00 still ahead
    held = run(service)
    assert (held.due, held.held, held.sent) == (1, 1, 0)
    move_to(started, THIRTY, hour_utc=18)  # 13:00: sent
    assert run(service).sent == 1 and len(messenger.emails) == 1


def run_through(started, service, day: date, messenger) -> list[str]:  # type: ignore[no-untyped-def]
    """Every quarter-hour run of the program day ``day`` (New York, 00:00 to 24:00), as the
    schedule makes them; the UTC times of the runs that sent something."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("America/New_York"))
    sent_at = []
    for quarter in range(96):
        at = midnight + timedelta(minutes=15 * quarter)
        started.advance((at - started.now()).total_seconds())
        before = len(messenger.emails) + len(messenger.texts)
        assert run(service).day == day.isoformat()
        if len(messenger.emails) + len(messenger.texts) > before:
            sent_at.append(at.astimezone(UTC).strftime("%H:%M"))
    return sent_at


def test_a_participant_whose_daytime_is_the_programs_night_gets_it_in_their_daytime(
    client, published, stack, participant, service, started, messenger
):
    """Reviewer's probe: a participant in Manila (13 hours ahead of the program's New York in
    December) is asleep through all of the program's daytime; the runs looked only then, so
    the notice was held every time and never sent."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(caller, {"timezone": "Asia/Manila"})
    leave(client, leader, participant)
    # The program day's first run, 00:00 in New York (05:00 UTC), is 13:00 in Manila.
    assert run_through(started, service, THIRTY, messenger) == ["05:00"]
    assert [to for to, _ in messenger.emails] == ["alum@example.org"]
    assert run_through(started, service, SEVEN, messenger) == ["05:00"]
    assert len(messenger.emails) == 2 and "last notice" in messenger.emails[1][1].subject


def test_a_participant_in_manila_gets_it_at_their_nine_in_the_morning(
    client, published, stack, participant, service, started, messenger
):
    """Quiet hours 12:00-20:00 in Manila: the free part of their daytime, 09:00-12:00, falls
    in the program's evening (20:00-23:00 in New York, the same program day)."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(
        caller, {"timezone": "Asia/Manila", "quiet_hours": {"start": "12:00", "end": "20:00"}}
    )
    leave(client, leader, participant)
    move_to(started, THIRTY, hour_utc=15)  # 10:00 in New York, 23:00 in Manila: their night
    report = run(service)
    assert (report.due, report.held, report.sent) == (1, 1, 0)
    # 09:00 on 6 December in Manila is 01:00 UTC, 20:00 on 5 December in New York; the runs
    # from 00:00 (13:00 in Manila, quiet) held it for that one.
    assert run_through(started, service, THIRTY, messenger) == ["01:00"]


def test_quiet_hours_covering_their_whole_daytime_do_not_silence_the_notice(
    client, published, stack, participant, service, started, messenger
):
    """Reviewer's probe: quiet hours 08:00-21:00 (at work all day) left none of their
    09:00-20:00 free, so the notice was held at every run and never sent. It goes at the first
    run in their daytime, quiet hours or not (it is not a reminder), and once only."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(
        caller, {"quiet_hours": {"start": "08:00", "end": "21:00"}, "timezone": "America/New_York"}
    )
    leave(client, leader, participant)
    # 09:00 in New York is 14:00 UTC.
    assert run_through(started, service, THIRTY, messenger) == ["14:00"]
    assert [to for to, _ in messenger.emails] == ["alum@example.org"]
    assert [i["outcome"] for i in notice_items(service, THIRTY)] == ["sent"]


@pytest.mark.parametrize(
    ("quiet", "sent_at"),
    [
        # Free 19:45-19:50: the 19:45 run falls in it, so it waits until then.
        (("19:50", "19:45"), "00:45"),
        # Free 19:46-19:50: less than a quarter hour, no run in it: at 09:00, quiet or not.
        (("19:50", "19:46"), "14:00"),
        # Free 20:00-09:00 only: night, the same as none free.
        (("09:00", "20:00"), "14:00"),
    ],
)
def test_quiet_hours_hold_it_only_for_a_run_in_their_free_daytime(
    client, published, stack, participant, service, started, messenger, quiet, sent_at
):
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(
        caller,
        {"quiet_hours": {"start": quiet[0], "end": quiet[1]}, "timezone": "America/New_York"},
    )
    leave(client, leader, participant)
    assert run_through(started, service, THIRTY, messenger) == [sent_at]


def test_once_the_free_part_of_their_daytime_has_passed_it_goes_in_quiet_hours(
    client, published, stack, participant, service, started, messenger
):
    """Free 09:00-10:00 only, and no run then reached them (the function did not run, or the
    send failed): no later run of the day is free, so the next one sends it."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(
        caller, {"quiet_hours": {"start": "10:00", "end": "09:00"}, "timezone": "America/New_York"}
    )
    leave(client, leader, participant)
    move_to(started, THIRTY, hour_utc=16)  # 11:00 in New York: quiet, nothing free ahead
    assert run(service).sent == 1 and len(messenger.emails) == 1


def test_unreadable_quiet_hours_count_as_none_and_the_run_goes_on(
    client, published, stack, participant, other_participant, service, started, messenger
):
    """A stored quiet-hours value that cannot be read stopped the whole run (every notice due
    that day, everyone's). It counts as no quiet hours, logged with the id only."""
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    confirm(service, messenger, other_participant, email="other@example.org")
    leave(client, leader, participant)
    group = group_with(client, leader, other_participant, "Other")
    assert (
        api(client, "delete", f"/groups/{group}/participants/{other_participant.id}", leader)[0]
        == 204
    )
    service.access.records.call(
        "update_item",
        Key={"PK": {"S": participant_pk(participant.id)}, "SK": {"S": REMINDERS_SK}},
        UpdateExpression="SET quiet_start = :s, quiet_end = :e",
        ExpressionAttributeValues={":s": {"S": "after-dinner"}, ":e": {"S": "7am"}},
    )
    move_to(started, THIRTY)
    with log_lines() as lines:
        report = run(service)
    assert (report.due, report.sent, report.failed) == (2, 2, 0)
    assert sorted(to for to, _ in messenger.emails) == ["alum@example.org", "other@example.org"]
    unreadable = [
        line for line in lines if line["event"] == "access_notices.quiet_hours_unreadable"
    ]
    assert [line["participant_id"] for line in unreadable] == [participant.id]
    assert "after-dinner" not in json.dumps(lines) and "7am" not in json.dumps(lines)


def test_a_failed_send_gives_the_claim_back_for_a_later_run(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    move_to(started, THIRTY)
    messenger.always_fail = True
    before = messenger.attempts
    report = run(service)
    assert (report.sent, report.failed) == (0, 1) and messenger.attempts - before == 3
    messenger.always_fail = False
    started.advance(900)
    assert run(service).sent == 1 and len(messenger.emails) == 1


def test_a_notice_ses_took_but_whose_answer_timed_out_never_goes_again(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    move_to(started, THIRTY)
    sent: list[str] = []
    messenger.email = taken_then_timed_out(sent)  # type: ignore[method-assign]
    with log_lines() as lines:
        report = run(service)
    # Tried once (it may have gone): the claim is kept, and no later run sends it again.
    assert sent == ["alum@example.org"]
    assert (report.sent, report.unknown, report.failed) == (0, 1, 0)
    del messenger.email  # the fake's own again
    started.advance(900)
    assert run(service).sent == 0 and messenger.emails == []
    events = [(line["event"], line.get("participant_id")) for line in lines]
    assert ("access_notices.claimed", participant.id) in events
    assert ("access_notices.send_unknown", participant.id) in events
    assert "alum@example.org" not in json.dumps(lines)


def test_one_notice_costs_three_dynamodb_calls(
    client, published, stack, participant, service, started, messenger, aws_calls
):
    """Per run: the day's Query, one BatchGetItem per 50 participants (their settings and
    access end), then one conditional UpdateItem per notice (its claim). A lone notice: 3
    calls; held (their night), 2; a run with nothing due, the Query alone, at any hour."""
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)

    def dynamodb_calls() -> list[str]:
        return [n.removeprefix("DynamoDB.") for n in aws_calls.names if n.startswith("DynamoDB.")]

    move_to(started, THIRTY, hour_utc=8)  # 03:00 in New York, their night: looked for, held
    aws_calls.reset()
    assert run(service).held == 1
    assert dynamodb_calls() == ["Query", "BatchGetItem"]
    move_to(started, THIRTY)
    aws_calls.reset()
    assert run(service).sent == 1
    assert dynamodb_calls() == ["Query", "BatchGetItem", "UpdateItem"]
    move_to(started, date(2026, 12, 6), hour_utc=3)  # 22:00 on the same program day
    aws_calls.reset()
    assert run(service).due == 0
    assert dynamodb_calls() == ["Query"]


def test_removal_writes_the_end_and_its_notices_in_one_call(
    client, published, stack, participant, service, started, aws_calls
):
    leader = make_account(stack, "leader-one", "leaders")
    group = group_with(client, leader, participant)
    aws_calls.reset()
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    # The group, their completions (the totals the group keeps when they leave), the removal's
    # own transaction, the reminder run told to re-read their groups, their other groups
    # (none), then the access end with both notices in one transaction (on condition that no
    # end is stored: no read of it first), and their groups once more (an enrolment made
    # meanwhile would take the end away: test_alumni.py).
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert [n.removeprefix("DynamoDB.") for n in dynamodb] == [
        "Query",
        "BatchGetItem",
        "TransactWriteItems",
        "UpdateItem",
        "Query",
        "TransactWriteItems",
        "Query",
    ]


def test_the_schedule_runs_the_notices_with_the_reminders(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    move_to(started, THIRTY)
    event = type("Event", (), {"time": "2026-12-05T15:00:00Z"})()
    answer = schedules.send_reminders.func(event)
    assert answer["notices"]["sent"] == 1 and answer["notices"]["day"] == THIRTY.isoformat()
    assert len(messenger.emails) == 1


def test_the_account_page_says_where_the_notices_go_after_leaving(
    client, published, stack, participant, service, started, messenger
):
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    group = group_with(client, leader, participant)
    browser = WebClient(client)
    assert browser.sign_in(participant.username).status == 303
    page = browser.get("/account/reminders")
    assert page.status == 200 and "We send a message to" not in page.body
    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    page = browser.get("/account/reminders")
    assert "We send a message to a***@e***.org 30 days and 7 days before" in page.body
    assert "alum@example.org" not in page.body
    assert "Your account closes after Mon 4 Jan 2027." in page.body
    spanish = browser.get("/account/reminders?locale=es")
    assert "Le enviamos un mensaje a a***@e***.org 30 días y 7 días antes" in spanish.body


def test_the_upgrade_step_gives_an_older_access_end_its_notices_once(
    client, published, stack, participant, service, started, capsys
):
    from chalicelib import upgrade
    from tests.conftest import REGION

    leader = make_account(stack, "leader-one", "leaders")
    leave(client, leader, participant)
    # As a release before notices left it: the end alone, no notice items.
    service.access.records.call(
        "update_item",
        Key={"PK": {"S": f"ACCOUNT#{participant.id}"}, "SK": {"S": "NOT_VALID_BEFORE"}},
        UpdateExpression="REMOVE access_notices",
    )
    for day in (THIRTY, SEVEN):
        service.access.records.call(
            "delete_item",
            Key={
                "PK": {"S": access_notice_pk(day.isoformat())},
                "SK": {"S": participant_sk(participant.id)},
            },
        )
    environ = {
        "AWS_REGION": REGION,
        "STEADY_RECORDS_TABLE": stack.records_table,
        "STEADY_USER_POOL_ID": stack.user_pool_id,
    }
    move_to(started, date(2026, 12, 10))  # the 30-day notice's day has passed
    assert upgrade.main(["access-notices"], environ) == 0
    assert "access-notices: 1 participants, 1 notices put, 0 not done" in capsys.readouterr().out
    assert notice_items(service, THIRTY) == [] and len(notice_items(service, SEVEN)) == 1
    assert upgrade.main(["access-notices"], environ) == 0
    assert "1 participants, 0 notices put" in capsys.readouterr().out


def stop_page(client, service, participant: Account, post: bool, locale: str = "") -> str:  # type: ignore[no-untyped-def]
    """The page of a reminder's stop link, opened (``post`` False) or its button pressed, by a
    browser that is not signed in."""
    from urllib.parse import quote

    from tests.functional.test_reminder_sending import stop_token_for

    token = stop_token_for(service, participant.id, service.clock.now().date())
    address = f"/reminders/stop?t={quote(token)}" + (f"&locale={locale}" if locale else "")
    browser = WebClient(client)
    page = browser.post(address, {}) if post else browser.get(address)
    assert page.status == 200
    return " ".join(page.body.split())


def test_the_stop_page_says_the_notices_before_the_end_still_come(
    client, published, stack, participant, service, started, messenger
):
    """Walk 19, problem 6: "You will get no more reminders.", then the two notices came (by
    design: they are not reminders). The page says what still comes."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(caller, {"enabled": True})
    group = group_with(client, leader, participant)
    # In a group: no end yet; both notices would come if it ever ends.
    page = stop_page(client, service, participant, post=True)
    assert "You will get no more reminders." in page
    assert "If your account is ever going to close, we will still tell you twice" in page
    assert "sign in and open" in page and 'href="/account/reminders"' in page

    assert api(client, "delete", f"/groups/{group}/participants/{participant.id}", leader)[0] == 204
    page = stop_page(client, service, participant, post=False)
    assert "Reminders are already off." in page
    assert "We will still tell you twice before your account closes: 30 days and 7 days" in page
    spanish = stop_page(client, service, participant, post=False, locale="es")
    assert "Le avisaremos dos veces antes de que se cierre su cuenta" in spanish

    move_to(started, date(2026, 12, 6))  # the 30-day notice's day has passed
    page = stop_page(client, service, participant, post=False)
    assert "We will still tell you once more, 7 days before your account closes." in page
    assert "twice" not in page
    move_to(started, date(2026, 12, 29))  # both have: the page promises nothing more
    page = stop_page(client, service, participant, post=True)
    assert "You will get no more reminders." in page
    assert "still tell you" not in page and "sign in and open" in page


def test_after_the_end_the_stop_page_does_not_send_them_to_sign_in(
    client, published, stack, participant, service, started, messenger
):
    """Walk 19, problem 6: after access ended, the page still said "To turn them on again,
    sign in and open Your account", which the sign-in page then refuses."""
    leader = make_account(stack, "leader-one", "leaders")
    caller = confirm(service, messenger, participant, email="alum@example.org")
    service.reminders.update(caller, {"enabled": True, "locale": "es"})
    leave(client, leader, participant)
    move_to(started, date(2027, 1, 6))  # access ended on 5 January, at 10:00 in New York
    # A container that read the access end before it passed knows it has (the end is a time).
    for post in (True, False):
        page = stop_page(client, service, participant, post=post)
        assert "Su cuenta ya se cerró, así que no le enviaremos nada más." in page
        assert "inicie sesión" not in page.lower() and 'href="/account/reminders"' not in page
        assert "Le avisaremos" not in page
    english = stop_page(client, service, participant, post=False, locale="en")
    assert "Your account has closed, so we will not send you anything more." in english
    assert "sign in" not in english.lower() and "You will get" not in english
    assert "Reminders are already off." in english


def test_no_notice_goes_to_an_account_an_administrator_turned_off(
    client, published, stack, participant, service, started, messenger
):
    """Turned off, nothing is sent (the notice waits, unclaimed); on again the same day, it
    goes."""
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, email="alum@example.org")
    leave(client, leader, participant)
    admin = Caller("admin-id", frozenset({"admins"}))
    service.administration.disable(admin, participant.username)

    move_to(started, THIRTY)
    report = run(service)
    assert (report.due, report.sent, report.account_off) == (1, 0, 1)
    assert not messenger.emails

    service.administration.enable(admin, participant.username)
    started.advance(3600)
    assert run(service).sent_ids == [participant.id]
    assert [to for to, _ in messenger.emails] == ["alum@example.org"]


def _throttled(operation: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": "Throttling", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        operation,
    )


class LookupThrottled(FakeMessenger):
    """SNS's opt-out lookup answers Throttling ``throttles`` times, then as before."""

    throttles = 0

    def opted_out(self, phone: str) -> bool:
        if self.throttles:
            self.throttles -= 1
            raise _throttled("CheckIfPhoneNumberIsOptedOut")
        return super().opted_out(phone)


def test_a_throttled_opt_out_lookup_is_tried_again_and_the_text_goes(
    client, published, stack, participant, service, started
):
    """The messenger's SNS client never repeats a request (a send goes at most once); the
    lookup sends nothing, so it is tried again rather than taking the notice for no contact."""
    messenger = LookupThrottled()
    service.reminders.messenger = messenger
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, phone="+15550100007")
    leave(client, leader, participant)
    messenger.throttles = 1
    move_to(started, THIRTY)
    report = run(service)
    assert (report.sent, report.no_contact, report.failed) == (1, 0, 0)
    assert [to for to, _ in messenger.texts] == ["+15550100007"]


def test_an_opt_out_lookup_failing_every_try_leaves_the_notice_for_a_later_run(
    client, published, stack, participant, service, started
):
    messenger = LookupThrottled()
    service.reminders.messenger = messenger
    leader = make_account(stack, "leader-one", "leaders")
    confirm(service, messenger, participant, phone="+15550100007")
    leave(client, leader, participant)
    messenger.throttles = 100
    move_to(started, THIRTY)
    report = run(service)
    assert (report.sent, report.no_contact, report.failed) == (0, 0, 1) and not messenger.texts
    assert [i.get("outcome") for i in notice_items(service, THIRTY)] == [None]
    # SNS answers again: a later run that day sends it.
    messenger.throttles = 0
    move_to(started, THIRTY, hour_utc=18)
    again = run(service)
    assert (again.due, again.sent) == (1, 1)
    assert [to for to, _ in messenger.texts] == ["+15550100007"]
    assert [i.get("outcome") for i in notice_items(service, THIRTY)] == ["sent"]
