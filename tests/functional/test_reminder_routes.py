"""/me/reminders: a participant's choice, contact details behind a confirmation code, the slot index."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from chalicelib.clock import Clock
from tests.conftest import REGION

EMAIL = "wren.halloway-ostrander@example.org"
PHONE = "+1 (555) 010-4477"
PHONE_E164 = "+15550104477"


def sent_emails() -> list:
    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def sent_texts() -> list[tuple[str, str]]:
    return [
        (number, text)
        for number, text, *_ in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()
    ]


def call(client, method: str, path: str, account, body=None):  # type: ignore[no-untyped-def]
    response = getattr(client.http, method)(
        path, headers=account.headers, body=json.dumps(body) if body is not None else None
    )
    return response.status_code, json.loads(response.body) if response.body else None


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def confirm_email(client, participant, address: str = EMAIL) -> dict:  # type: ignore[no-untyped-def]
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": address})
    assert status == 200, body
    message = sent_emails()[-1]
    assert message.destinations["ToAddresses"] == [address]
    status, body = call(
        client,
        "post",
        "/me/reminders/contact/confirm",
        participant,
        {"code": code_in(message.body)},
    )
    assert status == 200, body
    return body


def slot_items(participant_id: str) -> list[str]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    slots = []
    for hour in range(24):
        for minute in (0, 15, 30, 45):
            pk = f"REMINDER_SLOT#{hour:02d}{minute:02d}"
            items = dynamodb.query(
                TableName="steady-dev-records",
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
            )["Items"]
            if any(i["SK"]["S"] == f"PARTICIPANT#{participant_id}" for i in items):
                slots.append(pk.split("#")[1])
    return slots


def test_a_new_participant_sees_reminders_off_with_defaults(client, participant):
    status, body = call(client, "get", "/me/reminders", participant)
    assert status == 200
    assert body["enabled"] is False
    assert body["channel"] == "email" and body["trigger"] == "day_before"
    assert body["days"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert body["email"] is None and body["phone"] is None and body["pending"] is None


def test_an_email_is_confirmed_with_the_code_sent_to_it_and_shown_back_masked(client, participant):
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 200
    assert body["pending"]["kind"] == "email"
    assert body["pending"]["address"] == "w***@e***.org"
    assert body["email"] is None  # nothing changes before the code is confirmed
    message = sent_emails()[-1]
    assert message.destinations["ToAddresses"] == [EMAIL]
    code = code_in(message.body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    status, body = call(
        client, "post", "/me/reminders/contact/confirm", participant, {"code": wrong}
    )
    assert status == 400 and body["error"]["code"] == "wrong_contact_code"
    status, body = call(
        client, "post", "/me/reminders/contact/confirm", participant, {"code": code}
    )
    assert status == 200
    assert body["email"] == "w***@e***.org" and body["pending"] is None
    status, body = call(client, "get", "/me/reminders", participant)
    assert EMAIL not in json.dumps(body)
    # the code works once
    status, body = call(
        client, "post", "/me/reminders/contact/confirm", participant, {"code": code}
    )
    assert status == 409 and body["error"]["code"] == "no_pending_code"


def test_a_phone_number_is_confirmed_by_text_message(client, participant):
    status, body = call(client, "post", "/me/reminders/contact", participant, {"phone": PHONE})
    assert status == 200, body
    assert body["pending"]["address"] == "+1******77"
    number, text = sent_texts()[-1]
    assert number == PHONE_E164
    code = code_in(text)
    # Typed as people group digits: "846-078" is the code that was sent.
    status, body = call(
        client,
        "post",
        "/me/reminders/contact/confirm",
        participant,
        {"code": f"{code[:3]}-{code[3:]}"},
    )
    assert status == 200, body
    assert body["phone"] == "+1******77"
    assert PHONE_E164 not in json.dumps(body)


def test_five_wrong_codes_throw_the_code_away(client, participant):
    call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    code = code_in(sent_emails()[-1].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    statuses = [
        call(client, "post", "/me/reminders/contact/confirm", participant, {"code": wrong})[1][
            "error"
        ]["code"]
        for _ in range(5)
    ]
    assert statuses == ["wrong_contact_code"] * 4 + ["too_many_attempts"]
    status, body = call(
        client, "post", "/me/reminders/contact/confirm", participant, {"code": code}
    )
    assert status == 409 and body["error"]["code"] == "no_pending_code"


def test_a_code_expires(client, participant, service):
    call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    code = code_in(sent_emails()[-1].body)
    later = datetime.now(UTC) + timedelta(minutes=16)
    service.reminders.clock = Clock("UTC", lambda: later)
    status, body = call(
        client, "post", "/me/reminders/contact/confirm", participant, {"code": code}
    )
    assert status == 409 and body["error"]["code"] == "no_pending_code"


@pytest.mark.parametrize(
    "body,code",
    [
        ({"email": "not an address"}, "invalid_email"),
        ({"phone": "555"}, "invalid_phone"),
        ({"email": EMAIL, "phone": PHONE}, "invalid_contact"),
        ({}, "invalid_contact"),
        ({"email": "ünïcødé@\u202eexample.org"}, "invalid_email"),
        # Addresses mail services refuse at sending: a 503 ("try again shortly"), not this.
        ({"email": "a<b>@example.com"}, "invalid_email"),
        ({"email": "pat,smith@example.com"}, "invalid_email"),
        ({"email": "a(b@example.com"}, "invalid_email"),
        ({"email": "jösé@example.com"}, "invalid_email"),
        ({"email": "a..b@example.com"}, "invalid_email"),
        # Other scripts' digits: \\d took them, SNS does not (a 5xx at sending).
        (
            {"phone": "+1\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0661\u0662\u0663"},
            "invalid_phone",
        ),
        ({"phone": "+1５５５０１００１２３"}, "invalid_phone"),
    ],
)
def test_bad_contact_details_are_refused(client, participant, body, code):
    status, answer = call(client, "post", "/me/reminders/contact", participant, body)
    assert status == 400 and answer["error"]["code"] == code


def test_reminders_turn_on_only_with_a_confirmed_address(client, participant):
    status, body = call(client, "put", "/me/reminders", participant, {"enabled": True})
    assert status == 409 and body["error"]["code"] == "contact_not_confirmed"
    confirm_email(client, participant)
    status, body = call(
        client, "put", "/me/reminders", participant, {"enabled": True, "channel": "sms"}
    )
    assert status == 409 and body["error"]["code"] == "contact_not_confirmed"
    status, body = call(client, "get", "/me/reminders", participant)
    assert body["enabled"] is False


def test_saving_a_choice_writes_the_slot_index_for_both_utc_offsets(client, participant):
    confirm_email(client, participant)
    choice = {
        "enabled": True,
        "time": "18:00",
        "days": ["mon", "wed"],
        "trigger": "daily",
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "timezone": "America/New_York",
        "locale": "es",
    }
    status, body = call(client, "put", "/me/reminders", participant, choice)
    assert status == 200, body
    assert body["enabled"] is True and body["days"] == ["mon", "wed"] and body["locale"] == "es"
    assert body["quiet_hours"] == {"start": "21:00", "end": "07:00"}
    # 18:00 in New York is 22:00 UTC in summer and 23:00 UTC in winter.
    assert slot_items(participant.id) == ["2200", "2300"]
    status, body = call(
        client, "put", "/me/reminders", participant, {"timezone": "Asia/Kolkata", "time": "08:30"}
    )
    assert status == 200
    assert slot_items(participant.id) == ["0300"]  # no daylight saving time there; old slots gone
    status, body = call(client, "put", "/me/reminders", participant, {"enabled": False})
    assert status == 200 and slot_items(participant.id) == []
    status, body = call(client, "get", "/me/reminders", participant)
    assert (
        body["time"] == "08:30" and body["timezone"] == "Asia/Kolkata" and body["enabled"] is False
    )


@pytest.mark.parametrize(
    "body,code",
    [
        ({"time": "18:10"}, "invalid_time"),
        ({"time": "25:00"}, "invalid_time"),
        # Digits of other scripts (Arabic-Indic, full width) and a final newline: a 500 before,
        # where the time was read (``time.fromisoformat`` takes ASCII digits only).
        ({"time": "1\u0668:0\u0660"}, "invalid_time"),
        ({"time": "１８:００"}, "invalid_time"),
        ({"time": "18:00\n"}, "invalid_text"),
        ({"quiet_hours": {"start": "1\u0669:00", "end": "07:00"}}, "invalid_time"),
        ({"quiet_hours": {"start": "22:00", "end": "07:00\n"}}, "invalid_text"),
        ({"days": []}, "invalid_days"),
        ({"days": ["mon", "mon"]}, "invalid_days"),
        ({"days": ["someday"]}, "invalid_days"),
        ({"trigger": "hourly"}, "invalid_trigger"),
        ({"channel": "pigeon"}, "invalid_channel"),
        ({"timezone": "Mars/Olympus_Mons"}, "invalid_timezone"),
        ({"timezone": "../../etc/passwd"}, "invalid_timezone"),
        ({"locale": "fr"}, "invalid_locale"),
        ({"quiet_hours": {"start": "22:00"}}, "invalid_quiet_hours"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "invalid_quiet_hours"),
        (
            {"quiet_hours": {"start": "17:00", "end": "19:00"}, "time": "18:00", "enabled": True},
            "time_in_quiet_hours",
        ),
        ({"quiet_hours": "all night"}, "invalid_field"),
        ({"surprise": 1}, "unknown_field"),
    ],
)
def test_choices_that_do_not_fit_are_refused_and_nothing_changes(client, participant, body, code):
    confirm_email(client, participant)
    status, answer = call(client, "put", "/me/reminders", participant, body)
    assert status == 400 and answer["error"]["code"] == code, answer
    status, after = call(client, "get", "/me/reminders", participant)
    assert after["enabled"] is False and after["time"] == "18:00" and after["days"][0] == "mon"


def test_leaders_cannot_see_or_change_anyones_reminders(client, participant, leader):
    confirm_email(client, participant)
    for method, path, body in (
        ("get", "/me/reminders", None),
        ("put", "/me/reminders", {"enabled": False}),
        ("post", "/me/reminders/contact", {"email": EMAIL}),
    ):
        status, answer = call(client, method, path, leader, body)
        assert status == 403
        assert "w***" not in json.dumps(answer)


def test_a_participant_deletes_their_contact_details(client, participant, service):
    confirm_email(client, participant)
    status, body = call(
        client, "put", "/me/reminders", participant, {"enabled": True, "time": "18:00"}
    )
    assert status == 200 and body["enabled"] is True
    assert slot_items(participant.id)
    status, body = call(client, "delete", "/me/reminders/contact", participant)
    assert status == 200, body
    assert (body["enabled"], body["email"], body["phone"], body["time"]) == (
        False,
        None,
        None,
        "18:00",
    )
    assert slot_items(participant.id) == []
    stored, _ = service.reminders.records.get(participant.id)
    assert EMAIL not in json.dumps(stored, default=str)
    status, body = call(client, "put", "/me/reminders", participant, {"enabled": True})
    assert status == 409 and body["error"]["code"] == "contact_not_confirmed"
    # Deleting again (nothing left) is harmless.
    assert call(client, "delete", "/me/reminders/contact", participant)[0] == 200


def test_joining_or_leaving_a_group_makes_the_run_check_groups_again(
    client, participant, leader, published, service
):
    confirm_email(client, participant)
    call(client, "put", "/me/reminders", participant, {"enabled": True})
    _, sent = service.reminders.records.get(participant.id)
    assert sent.get("groups_checked_on")  # saved with the choice
    status, group = call(client, "post", "/groups", leader, {"name": "Hook group"})
    status, _ = call(
        client,
        "post",
        f"/groups/{group['group_id']}/participants",
        leader,
        {"username": participant.username},
    )
    assert status == 201
    _, sent = service.reminders.records.get(participant.id)
    assert "groups_checked_on" not in sent  # the next run reads their groups again
    call(client, "put", "/me/reminders", participant, {"time": "09:00"})
    _, sent = service.reminders.records.get(participant.id)
    assert sent["group_ids"] == [group["group_id"]]
    status, _ = call(
        client, "delete", f"/groups/{group['group_id']}/participants/{participant.id}", leader
    )
    assert status == 204
    _, sent = service.reminders.records.get(participant.id)
    assert "groups_checked_on" not in sent


def test_an_address_the_mail_service_refuses_is_said_so_not_a_server_error(
    client, participant, monkeypatch
):
    """SES refuses some addresses the form's check lets through: the participant is told the
    address will not do (400), not to try again shortly (503)."""
    from botocore.exceptions import ClientError

    from chalicelib import services

    def refuse(address: str, message: object) -> None:
        raise ClientError(
            {"Error": {"Code": "MessageRejected", "Message": "Illegal address"}}, "SendEmail"
        )

    monkeypatch.setattr(services.current().reminders.messenger, "email", refuse)
    status, answer = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert (status, answer["error"]["code"]) == (400, "invalid_email")


def _throttled(operation: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        operation,
    )


def _failing_email(service, monkeypatch, failures: list[Exception]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """SES raises ``failures`` in turn, then sends; the messenger's client never repeats a
    request itself (``aws._SEND_CONFIG``), so each is one try."""
    messenger = service.reminders.messenger
    real = messenger.email
    tries = {"n": 0}

    def email(to: str, message: object) -> None:
        tries["n"] += 1
        if failures:
            raise failures.pop(0)
        real(to, message)

    monkeypatch.setattr(messenger, "email", email)
    monkeypatch.setattr(service.reminders, "sleep", lambda _s: None, raising=False)
    return tries


def test_a_throttled_code_send_is_tried_again(client, participant, service, monkeypatch):
    """A second copy of a code does no harm: a send SES certainly did not take is tried again
    rather than answered with a 503."""
    tries = _failing_email(service, monkeypatch, [_throttled("SendEmail")])
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 200, body
    assert tries["n"] == 2 and len(sent_emails()) == 1
    status, _ = call(
        client,
        "post",
        "/me/reminders/contact/confirm",
        participant,
        {"code": code_in(sent_emails()[-1].body)},
    )
    assert status == 200


def test_a_code_never_sent_is_not_said_to_be_waiting(client, participant, service, monkeypatch):
    """Throttled on every try: a 503, and nothing is left waiting, so asking again at once
    sends a code (not "a code was sent recently") and the failed send does not count in the
    hour's CODES_PER_HOUR."""
    _failing_email(service, monkeypatch, [_throttled("SendEmail") for _ in range(3)])
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 503, body
    assert not sent_emails()
    item, _ = service.reminders.records.get(participant.id)
    assert not (item or {}).get("pending")
    assert int(((item or {}).get("codes_sent") or {}).get("count", 0)) == 0
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 200 and not body.get("code_sent_recently"), body
    assert len(sent_emails()) == 1
    item, _ = service.reminders.records.get(participant.id)
    assert int(item["codes_sent"]["count"]) == 1


def test_a_code_send_that_may_have_gone_is_not_repeated_and_still_counts(
    client, participant, service, monkeypatch
):
    """A timeout after the request left: not tried again by itself (it may have gone), no
    code left waiting (the participant's next request sends one), and it counts in the hour."""
    from botocore.exceptions import ReadTimeoutError

    tries = _failing_email(
        service, monkeypatch, [ReadTimeoutError(endpoint_url="https://email.invalid")]
    )
    status, _ = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 503 and tries["n"] == 1
    item, _ = service.reminders.records.get(participant.id)
    assert not item.get("pending") and int(item["codes_sent"]["count"]) == 1
    status, body = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 200 and not body.get("code_sent_recently") and len(sent_emails()) == 1


def test_taking_back_a_failed_code_leaves_a_newer_one(client, participant, service, monkeypatch):
    """The take-back is saved on the version read, and only for its own code: a code asked
    for in the meantime (another request, here saved during the failing send) stays."""
    from chalicelib.identity import Caller

    reminders = service.reminders
    caller = Caller(participant.id, frozenset({"participants"}))
    messenger = reminders.messenger
    real = messenger.email
    monkeypatch.setattr(reminders, "sleep", lambda _s: None, raising=False)
    state = {"first": True}

    def email(to: str, message: object) -> None:
        if state["first"]:
            state["first"] = False
            reminders.request_contact_change(caller, phone=PHONE)  # the other tab's request
            raise _throttled("SendEmail")
        if to == EMAIL:
            raise _throttled("SendEmail")
        real(to, message)

    monkeypatch.setattr(messenger, "email", email)
    status, _ = call(client, "post", "/me/reminders/contact", participant, {"email": EMAIL})
    assert status == 503
    item, _ = reminders.records.get(participant.id)
    assert item["pending"]["kind"] == "sms" and item["pending"]["address"] == PHONE_E164
    assert len(sent_texts()) == 1
