"""The daily leader digest, against moto (DynamoDB, S3, Cognito, SES)."""

from __future__ import annotations

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import digests
from chalicelib.identity import Caller
from tests.conftest import REGION, STARTERS, dated_on, joined_on

SENDER = "no-reply@clinic.example"
LINK = "https://steady.clinic.example/sign-in"
CONFIG = digests.DigestConfig(sender=SENDER, link=LINK)
# Nothing that could reveal why someone is in care, or who they are.
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
)


@pytest.fixture
def ses(stack):  # type: ignore[no-untyped-def]
    client = boto3.client("ses", region_name=REGION)
    client.verify_email_identity(EmailAddress=SENDER)
    return client


def sent() -> list:
    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def set_email(stack, username: str, email: str) -> None:  # type: ignore[no-untyped-def]
    boto3.client("cognito-idp", region_name=REGION).admin_update_user_attributes(
        UserPoolId=stack.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )


@pytest.fixture
def overdue_group(service, published, leader, participant, other_participant, stack):  # type: ignore[no-untyped-def]
    """One group: "Opioid recovery Tuesday", two members, one reading overdue for both."""
    caller = Caller(leader.id, frozenset({"leaders"}))
    group, _ = service.groups.create(caller, "Opioid recovery Tuesday")
    for member, name in ((participant, "Maria Lopez"), (other_participant, "John Smith")):
        service.enrolment.enrol(caller, group.group_id, member.username, name)
        joined_on(group.group_id, member.id, "2020-01-02T15:00:00+00:00")  # before it fell due
    service.assignments.assign(caller, group.group_id, module_id=STARTERS[0], due_date="2020-01-06")
    service.assignments.assign(caller, group.group_id, module_id=STARTERS[1], due_date="2199-01-01")
    dated_on(group.group_id, "2020-01-02T16:00:00+00:00")  # assigned before it fell due
    set_email(stack, leader.username, "leader@clinic.example")
    return group.to_dict()


def test_each_leader_gets_counts_and_a_link_only(service, ses, overdue_group, participant) -> None:  # type: ignore[no-untyped-def]
    service.completions.record(participant.id, STARTERS[1], 1)  # done, but not the overdue one
    run = digests.run_daily(service, ses, CONFIG)

    assert run.to_dict() == {
        "leaders": 1,
        "sent": 1,
        "nothing_overdue": 0,
        "no_email": 0,
        "failed": 0,
    }
    [message] = sent()
    assert message.source == SENDER
    assert message.destinations["ToAddresses"] == ["leader@clinic.example"]
    assert message.subject == digests.SUBJECT
    assert (
        "2 assigned readings are past the due date, for 2 participants in 1 of your groups"
        in message.body
    )
    assert LINK in message.body
    text = f"{message.subject}\n{message.body}".lower()
    for word in FORBIDDEN + (
        "maria",
        "lopez",
        "john",
        "smith",
        "tuesday",
        "participant-one",
        participant.id,
    ):
        assert word.lower() not in text, word
    for module_id in STARTERS:
        assert module_id not in text
    entries, _ = service.audit.page()
    digest_entry = next(e for e in entries if e["action"] == "digest.sent")
    assert digest_entry["actor_id"] == digests.SYSTEM_ACTOR
    assert digest_entry["detail"]["overdue"] == 2


def test_no_email_when_nothing_is_overdue(
    service, ses, overdue_group, participant, other_participant
) -> None:  # type: ignore[no-untyped-def]
    for member in (participant, other_participant):
        service.completions.record(member.id, STARTERS[0], 1)
    run = digests.run_daily(service, ses, CONFIG)
    assert (run.sent, run.nothing_overdue) == (0, 1)
    assert sent() == []


def test_participants_needing_attention_are_counted_per_group(  # type: ignore[no-untyped-def]
    service, ses, overdue_group, participant, other_participant, library_clock, stack
) -> None:
    for member in (participant, other_participant):
        service.completions.record(member.id, STARTERS[0], 1)  # nothing overdue
    library_clock.advance(6 * 86400)  # ...but nothing done for 6 days, with a reading still to do
    leader_id = service.group_records.get(overdue_group["group_id"]).leaders[0]
    caller = Caller(leader_id, frozenset({"leaders"}))
    second, _ = service.groups.create(caller, "Thursday")
    service.enrolment.enrol(caller, second.group_id, participant.username, "Maria Lopez")
    service.assignments.assign(caller, second.group_id, module_id=STARTERS[2])
    library_clock.advance(6 * 86400)

    run = digests.run_daily(service, ses, CONFIG)
    assert (run.sent, run.nothing_overdue) == (1, 0)
    [message] = sent()
    assert "3 participants need attention in 2 of your groups (2 and 1)." in message.body
    assert "past the due date" not in message.body
    text = message.body.lower()
    names = ("maria", "lopez", "john", "smith", "tuesday", "thursday", participant.id)
    for word in FORBIDDEN + names:
        assert word.lower() not in text, word
    entries, _ = service.audit.page()
    entry = next(e for e in entries if e["action"] == "digest.sent")
    assert entry["detail"]["needs_attention"] == 3

    # A reason a leader marked as seen is not counted.
    service.attention.mark_seen(caller, second.group_id, participant.id, "no_activity")
    digests.run_daily(service, ses, CONFIG)
    assert "2 participants need attention in 1 of your groups." in sent()[-1].body


def test_leaders_without_email_are_skipped_and_unconfigured_runs_send_nothing(
    service, ses, leader
) -> None:  # type: ignore[no-untyped-def]
    assert digests.run_daily(service, ses, CONFIG).no_email == 1
    assert digests.run_daily(service, ses, digests.DigestConfig("", "")).leaders == 0
    assert sent() == []


def test_one_group_is_read_once_however_many_leaders_share_it(
    service, overdue_group, leader
) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    records = service.group_records
    original = records.get
    records.get = lambda gid: calls.append(gid) or original(gid)  # type: ignore[method-assign]
    builder = digests.DigestBuilder(
        records, service.completions, service.library, service.clock.today(), service.clock.zone
    )
    first = builder.for_leader(digests.Leader(leader.id, "a@x.example"))
    second = builder.for_leader(digests.Leader(leader.id, "a@x.example"))
    assert first.overdue == second.overdue == 2
    assert calls == [overdue_group["group_id"]]


def test_the_schedule_is_registered_daily() -> None:
    from app import app
    from chalicelib import schedules

    [source] = [s for s in app.event_sources if s.name == "send_digests"]
    assert source.schedule_expression is schedules.DAILY
    assert schedules.DAILY.to_string() == "cron(0 11 * * ? *)"
