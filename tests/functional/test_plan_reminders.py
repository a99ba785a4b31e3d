# ruff: noqa: F811 (the world fixture, imported, is every test's argument)
"""The plan reminder: "a good time to look at your plan", weekly or monthly, at the reminder
time and by the reminder channel; for participants in a group and for alumni, until their
access ends.

Against moto, with the reminder run's injected clock, as ``test_reminder_sending``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from chalicelib.errors import Conflict
from chalicelib.identity import ADMINS, Caller
from chalicelib.records.reminders import PLAN
from chalicelib.reminders import DAYS
from tests.conftest import STARTERS, make_account
from tests.functional.test_reminder_sending import (  # noqa: F401 (world is a fixture)
    FORBIDDEN,
    World,
    assign,
    enrol,
    run,
    stop_address,
    utc,
    world,
)
from tests.functional.test_reminder_sending import (
    choose as choose_reading,
)
from tests.functional.web_client import WebClient, form_fields, signed_in

WEDNESDAY = DAYS[date(2026, 6, 10).weekday()]


def with_contact(world: World, caller: Caller, email: str | None = None, phone: str | None = None):  # type: ignore[no-untyped-def]
    reminders = world.service.reminders
    reminders.request_contact_change(caller, email=email, phone=phone)
    reminders.confirm_contact(caller, world.messenger.codes[-1])
    world.messenger.emails.clear()
    world.messenger.texts.clear()


def plan_only(world: World, caller: Caller, email: str = "plan@example.org", **choice):  # type: ignore[no-untyped-def]
    with_contact(world, caller, email=email)
    return world.service.reminders.update(
        caller, {"plan_every": "weekly", "plan_day": WEDNESDAY, **choice}
    )


def bodies(world: World) -> list[str]:
    return [m.body for _, m in world.messenger.emails]


def test_weekly_at_the_local_time_on_the_chosen_day_with_no_reading_due(world):
    assert WEDNESDAY == "wed"
    caller = enrol(world, "participant-plan-weekly")
    choice = plan_only(world, caller, time="18:00", timezone="America/New_York")
    assert (choice.enabled, choice.plan_every, choice.plan_day) == (False, "weekly", "wed")
    # 18:00 in New York in summer is 22:00 UTC; nothing is assigned, reading reminders are off.
    assert run(world, "2026-06-10T21:45:00").plan_sent == 0
    report = run(world, "2026-06-10T22:00:00")
    assert report.plan_sent_ids == [caller.id] and report.sent == 0
    assert bodies(world) == [
        "Steady: a good time to look at your plan.\n\n"
        "Open it: https://steady.example/api/plan\n\n"
        f"Stop these reminders: https://steady.example/api{stop_address(world, caller)}\n"
    ]
    assert run(world, "2026-06-11T22:00:00").plan_sent == 0  # Thursday
    assert run(world, "2026-06-17T22:00:00").plan_sent_ids == [caller.id]  # a week on
    assert len(world.messenger.emails) == 2
    assert world.service.reminders.view(caller).plan_last_sent_at == "2026-06-17T22:00:00.000000Z"


def test_monthly_comes_on_the_first_chosen_weekday_of_the_month(world):
    caller = enrol(world, "participant-plan-monthly")
    plan_only(world, caller, plan_every="monthly", time="09:00", timezone="UTC")
    assert run(world, "2026-06-10T09:00:00").plan_sent == 0  # the second Wednesday of June
    assert run(world, "2026-06-03T09:00:00").plan_sent_ids == [caller.id]  # the first
    assert run(world, "2026-07-01T09:00:00").plan_sent_ids == [caller.id]
    assert run(world, "2026-07-08T09:00:00").plan_sent == 0


def test_a_reading_reminder_and_the_plan_reminder_on_one_day_are_two_messages(world):
    caller = enrol(world, "participant-plan-both")
    assign(world, STARTERS[0], "2026-06-11")
    plan_only(world, caller, enabled=True, time="16:00", timezone="UTC")
    report = run(world, "2026-06-10T16:00:00")
    assert (report.sent_ids, report.plan_sent_ids) == ([caller.id], [caller.id])
    assert sorted(b.split(":")[0] for b in bodies(world)) == [
        "Steady",
        "You have something to read in Steady.\n\nOpen it",
    ]


def test_a_retried_run_never_sends_twice_and_a_held_claim_is_not_taken_again(world):
    caller = enrol(world, "participant-plan-retry")
    plan_only(world, caller, time="16:00", timezone="UTC")
    assert run(world, "2026-06-10T16:00:00").plan_sent == 1
    again = run(world, "2026-06-10T16:00:00", now="2026-06-10T16:20:00")
    assert again.plan_sent == 0 and len(world.messenger.emails) == 1
    # Two runs at once: the second claim of the same local day fails its condition.
    records = world.service.reminders.records
    args = ([caller.id], {caller.id: "2026-06-17"}, "2026-06-17T16:00:00Z")
    assert records.claim(*args, "run-a", {caller.id: "email"}, prefix=PLAN) == {caller.id}
    assert records.claim(*args, "run-b", {caller.id: "email"}, prefix=PLAN) == set()
    # The reading reminder's own claim for that day is untouched by the plan's.
    assert records.claim(*args, "run-c", {caller.id: "email"}) == {caller.id}


def test_a_failed_send_gives_the_claim_back_for_a_retry(world):
    caller = enrol(world, "participant-plan-fails")
    plan_only(world, caller, time="16:00", timezone="UTC")
    world.messenger.always_fail = True
    report = run(world, "2026-06-10T16:00:00")
    assert (report.plan_sent, report.plan_failed) == (0, 1)
    assert world.service.reminders.view(caller).plan_last_sent_at is None
    world.messenger.always_fail = False
    assert run(world, "2026-06-10T16:00:00", now="2026-06-10T16:30:00").plan_sent == 1


def test_alumni_get_it_until_their_access_ends(world):
    caller = enrol(world, "participant-plan-alumnus")
    plan_only(world, caller, time="16:00", timezone="UTC")
    response = world.client.http.delete(
        f"/groups/{world.group_id}/participants/{caller.id}", headers=world.leader.headers
    )
    assert response.status_code == 204
    access = world.service.access
    assert access.ends_at(caller.id) is not None
    assert run(world, "2026-06-10T16:00:00").plan_sent_ids == [caller.id]
    # Access ends on 20 June: the next Wednesday's reminder is not sent.
    ends = int(datetime(2026, 6, 20, tzinfo=UTC).timestamp())
    access.records.set_access_ends(caller.id, ends)
    report = run(world, "2026-06-17T16:00:00")
    assert report.plan_sent_ids == [caller.id]
    report = run(world, "2026-06-24T16:00:00")
    assert (report.plan_sent, report.plan_access_ended) == (0, 1)
    assert len(world.messenger.emails) == 2


def test_the_stop_link_stops_the_plan_reminder(world):
    caller = enrol(world, "participant-plan-stop")
    plan_only(world, caller, time="16:00", timezone="UTC")
    world.clock.now = utc("2026-06-09T10:00:00")
    # Opened, the link offers the stop button: with the plan reminder alone on, it said
    # "Reminders are already off" and offered none.
    opened = WebClient(world.client).get(stop_address(world, caller))
    assert opened.status == 200 and 'method="post"' in opened.body
    assert world.service.reminders.view(caller).plan_every is not None  # opening changes nothing
    assert WebClient(world.client).post(stop_address(world, caller), {}).status == 200
    stopped = world.service.reminders.view(caller)
    assert stopped.plan_every is None
    assert stopped.stopped_from_message_at == "2026-06-09T10:00:00.000000Z"
    report = run(world, "2026-06-10T16:00:00")
    assert report.plan_sent == 0 and report.pointers == 0  # its slots were removed too
    assert world.messenger.emails == []


def test_spanish_and_text_messages_say_nothing_more(world):
    spanish = enrol(world, "participant-plan-es")
    plan_only(world, spanish, time="16:00", timezone="UTC", locale="es")
    texter = enrol(world, "participant-plan-sms")
    with_contact(world, texter, phone="+15550100199")
    world.service.reminders.update(
        texter,
        {
            "plan_every": "weekly",
            "plan_day": "wed",
            "channel": "sms",
            "time": "16:00",
            "timezone": "UTC",
        },
    )
    report = run(world, "2026-06-10T16:00:00")
    assert sorted(report.plan_sent_ids) == sorted([spanish.id, texter.id])
    [(_, mail)] = world.messenger.emails
    assert mail.subject == "Steady: un recordatorio"
    assert mail.body.startswith(
        "Steady: un buen momento para mirar su plan.\n\n"
        "Ábralo: https://steady.example/api/plan\n\n"
        "Dejar de recibir estos recordatorios: https://steady.example/api/reminders/stop?t="
    )
    assert mail.unsubscribe.startswith("https://steady.example/api/reminders/stop?t=")
    [(number, text)] = world.messenger.texts
    assert number == "+15550100199" and text.body.endswith("Reply STOP to stop.")
    for message in (mail, text):
        said = (message.subject + message.body).lower()
        assert not [word for word in FORBIDDEN if word in said]


def test_the_api_turns_it_on_and_off(world):
    account = make_account(world.stack, "participant-plan-api", "participants")
    caller = Caller(account.id, frozenset({"participants"}))
    with_contact(world, caller, email="api@example.org")
    headers = account.headers
    http = world.client.http
    answer = http.put(
        "/me/reminders",
        headers=headers,
        body=json.dumps({"plan_every": "monthly", "plan_day": "fri"}),
    )
    assert answer.status_code == 200, answer.body
    body = json.loads(answer.body)
    assert (body["plan_every"], body["plan_day"], body["enabled"]) == ("monthly", "fri", False)
    bad = http.put("/me/reminders", headers=headers, body=json.dumps({"plan_every": "daily"}))
    assert bad.status_code == 400 and json.loads(bad.body)["error"]["code"] == "invalid_plan"
    off = http.put("/me/reminders", headers=headers, body=json.dumps({"plan_every": None}))
    assert json.loads(off.body)["plan_every"] is None
    assert world.service.reminders.records.get(caller.id)[0]["slots"] == []


def test_without_a_contact_the_page_says_so_at_the_plan_choice(world, participant):
    web = signed_in(world.client, participant)
    page = web.get("/account/reminders")
    fields = {
        **form_fields(page, "/account/reminders"),
        "plan_every": "weekly",
        "plan_day": "mon",
        "time": "18:00",
        "timezone": "UTC",
    }
    refused = web.post("/account/reminders", fields)
    assert refused.status == 409 and 'href="#plan_every-off"' in refused.body
    assert 'value="weekly" checked' in refused.body


def test_it_needs_a_confirmed_contact(world):
    caller = enrol(world, "participant-plan-nocontact")
    with pytest.raises(Conflict) as refused:
        world.service.reminders.update(caller, {"plan_every": "weekly"})
    assert refused.value.code == "contact_not_confirmed"


def test_the_account_page_turns_it_on_and_off(world, participant):
    caller = Caller(participant.id, frozenset({"participants"}))
    with_contact(world, caller, email="page@example.org")
    web = signed_in(world.client, participant)
    page = web.get("/account/reminders")
    assert 'id="plan_every-off" name="plan_every" type="radio" value="" checked' in page.body
    assert "Send me reminders" in page.body and 'name="alumni"' not in page.body
    fields = {
        **form_fields(page, "/account/reminders"),
        "plan_every": "weekly",
        "plan_day": "fri",
        "time": "18:00",
        "timezone": "UTC",
    }
    saved = web.post("/account/reminders", fields)
    assert saved.status == 303
    page = web.get(saved.location)
    assert 'id="plan_every-weekly" name="plan_every" type="radio" value="weekly" checked' in (
        page.body
    )
    assert '<option value="fri" selected>' in page.body
    choice = world.service.reminders.view(caller)
    assert (choice.plan_every, choice.plan_day, choice.enabled) == ("weekly", "fri", False)
    # A day the form does not offer comes back with the error summary, input kept.
    refused = web.post("/account/reminders", {**fields, "plan_day": "someday"})
    assert refused.status == 400 and 'href="#plan_day"' in refused.body
    assert 'id="plan_every-weekly" name="plan_every" type="radio" value="weekly" checked' in (
        refused.body
    )
    off = web.post("/account/reminders", {**fields, "plan_every": ""})
    assert off.status == 303 and world.service.reminders.view(caller).plan_every is None


def test_the_alumni_account_page_offers_the_plan_reminder_not_reading_reminders(world, participant):
    caller = Caller(participant.id, frozenset({"participants"}))
    response = world.client.http.post(
        f"/groups/{world.group_id}/participants",
        headers=world.leader.headers,
        body=json.dumps({"username": participant.username}),
    )
    assert response.status_code in (200, 201)
    with_contact(world, caller, email="alumna@example.org")
    world.service.reminders.update(caller, {"enabled": True, "trigger": "daily"})
    response = world.client.http.delete(
        f"/groups/{world.group_id}/participants/{participant.id}", headers=world.leader.headers
    )
    assert response.status_code == 204
    for lang, says in (
        ("en", "no reminders about reading"),
        ("es", "ni recordatorios de lectura"),
    ):
        web = signed_in(world.client, participant, language=lang)
        page = web.get("/account/reminders" + ("?locale=es" if lang == "es" else ""))
        assert says in page.body
        assert 'id="enabled"' not in page.body and 'id="day_mon"' not in page.body
        assert 'id="trigger-daily"' not in page.body and 'id="plan_every-weekly"' in page.body
    web = signed_in(world.client, participant)
    page = web.get("/account/reminders")
    fields = {
        **form_fields(page, "/account/reminders"),
        "plan_every": "monthly",
        "time": "18:00",
        "timezone": "UTC",
    }
    assert fields["alumni"] == "1"
    assert web.post("/account/reminders", fields).status == 303
    choice = world.service.reminders.view(caller)
    # The reading choices are kept as they were; the plan reminder is on.
    assert (choice.plan_every, choice.enabled, choice.trigger) == ("monthly", True, "daily")


def test_dynamodb_calls_per_100_plan_reminders_due(world, aws_calls):
    """100 plan reminders due in one slot, no reading reminders: the slot Query, 4
    BatchGetItems of choices (33 participants a call, as for reading reminders), one of their
    account items (whose access ended), the claims in one transaction, the run's Put: 8 calls,
    and no group is read."""
    import uuid

    from chalicelib.reminders import utc_slots

    day = date(2026, 6, 10)
    slots = utc_slots("13:00", "UTC", day)
    ids = [str(uuid.uuid4()) for _ in range(100)]
    for pid in ids:
        choice = {
            "enabled": False,
            "plan_every": "weekly",
            "plan_day": WEDNESDAY,
            "channel": "email",
            "email": "burst@example.org",
            "time": "13:00",
            "days": list(DAYS),
            "trigger": "day_before",
            "quiet_start": None,
            "quiet_end": None,
            "timezone": "UTC",
            "locale": "en",
            "slots": sorted(slots),
        }
        world.service.reminders.records.save(pid, choice, None, slots, ())
    aws_calls.reset()
    report = run(world, "2026-06-10T13:00:00", now="2026-06-10T13:00:05")
    assert (report.plan_due, report.plan_sent, report.due) == (100, 100, 0)
    calls = [n.removeprefix("DynamoDB.") for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert calls.count("Query") == 1
    assert calls.count("BatchGetItem") == 4 + 1
    assert calls.count("TransactWriteItems") == 1 and calls.count("PutItem") == 1
    assert len(calls) == 8
    aws_calls.reset()
    assert run(world, "2026-06-10T13:00:00", now="2026-06-10T13:05:00").plan_sent == 0
    retried = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert len(retried) == 1 + 4 + 1  # all already claimed: no account read, no claim


def test_a_first_save_racing_an_administrators_turn_off_keeps_the_account_marked(world):
    """The interleaving: the participant's first save reads no settings item; the
    administrator turns the account off (the mark); the save writes. Before, the mark needed an
    item (``attribute_exists``), found none and did nothing, and the save then wrote a choice
    with no mark: reminders went to an account that was off. Now the mark writes the item
    whatever is there, and the save, whose read is stale, fails its condition and re-reads."""
    caller = enrol(world, "participant-first-save")
    assign(world, STARTERS[0], "2026-06-11")
    admin = Caller("admin-id", frozenset({ADMINS}))
    records = world.service.reminders.records
    read = records.get
    turned_off: list[bool] = []

    def read_then_turned_off(participant_id):  # type: ignore[no-untyped-def]
        found = read(participant_id)
        if participant_id == caller.id and not turned_off:
            assert found[0] is None  # the first save: nothing stored yet
            turned_off.append(True)
            world.service.administration.disable(admin, "participant-first-save")
        return found

    records.get = read_then_turned_off  # type: ignore[method-assign]
    try:
        # Within the 5 minutes another container still takes its token, the participant
        # sets up reminders: a code asked for (the first save), confirmed, reminders on.
        choose_reading(
            world, caller, email="first@example.org", time="09:00", timezone="UTC", trigger="daily"
        )
    finally:
        del records.get
    assert turned_off
    report = run(world, "2026-06-10T09:00:00")
    assert report.sent == 0 and report.off == 1 and world.messenger.emails == []
    world.service.administration.enable(admin, "participant-first-save")
    assert run(world, "2026-06-11T09:00:00").sent_ids == [caller.id]


def test_an_account_turned_off_before_any_choice_gets_nothing_from_one_made_after(world):
    caller = enrol(world, "participant-no-choice-yet")
    assign(world, STARTERS[0], "2026-06-11")
    admin = Caller("admin-id", frozenset({ADMINS}))
    world.service.administration.disable(admin, "participant-no-choice-yet")
    choose_reading(
        world, caller, email="later@example.org", time="09:15", timezone="UTC", trigger="daily"
    )
    assert run(world, "2026-06-10T09:15:00").sent == 0 and world.messenger.emails == []


def test_nothing_goes_to_an_account_an_administrator_turned_off_until_it_is_on_again(world):
    """Reading and plan reminders stop while the account is off (others' still go), and come
    back as chosen once it is turned on: the choice itself is never changed."""
    off = enrol(world, "participant-turned-off")
    other = enrol(world, "participant-still-on")
    assign(world, STARTERS[0], "2026-06-11")
    for caller, email in ((off, "off@example.org"), (other, "on@example.org")):
        choose_reading(world, caller, email=email, time="09:00", timezone="UTC", trigger="daily")
        world.service.reminders.update(caller, {"plan_every": "weekly", "plan_day": WEDNESDAY})
    admin = Caller("admin-id", frozenset({ADMINS}))
    administration = world.service.administration
    administration.disable(admin, "participant-turned-off")
    administration.disable(admin, "participant-turned-off")  # a retry: still off, once

    report = run(world, "2026-06-10T09:00:00")  # a Wednesday: reading and plan both due
    assert report.sent_ids == [other.id] and report.plan_sent_ids == [other.id]
    assert report.off == 1
    assert all(to == "on@example.org" for to, _ in world.messenger.emails)

    administration.enable(admin, "participant-turned-off")
    world.messenger.emails.clear()
    report = run(world, "2026-06-17T09:00:00")  # a week on: both due again for both
    assert sorted(report.sent_ids) == sorted([off.id, other.id])
    assert sorted(report.plan_sent_ids) == sorted([off.id, other.id])
    choice = world.service.reminders.view(off)
    assert (choice.enabled, choice.plan_every, choice.time) == (True, "weekly", "09:00")
