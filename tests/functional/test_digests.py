"""The daily leader digest, against moto (DynamoDB, S3, Cognito, SES)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import digests
from chalicelib.identity import Caller
from chalicelib.records.audit import new_entry
from chalicelib.records.table import ConditionFailed
from tests.conftest import REGION, STARTERS, dated_on, joined_on, make_account

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
        "already_sent": 0,
        "unknown": 0,
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
    library_clock.advance(86400)  # the next day's digest (one a day)
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


# -- at most once a day, never before its audit entry, one leader's failure alone -------------
# (No test here meets a send ``send_tries`` would try again, so none ever pauses.)


def second_leader(service, stack, username: str, email: str):  # type: ignore[no-untyped-def]
    """Another leader with an email; ``overdue_group`` made by the first."""
    account = make_account(stack, username, "leaders")
    set_email(stack, username, email)
    return account


def to(address: str) -> list:
    return [m for m in sent() if m.destinations["ToAddresses"] == [address]]


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(  # type: ignore[no-untyped-def]
    service, ses, overdue_group, library_clock
) -> None:
    """EventBridge delivers at least once and Lambda retries a failed run: one a day."""
    assert digests.run_daily(service, ses, CONFIG).sent == 1
    again = digests.run_daily(service, ses, CONFIG)
    assert (again.sent, again.already_sent, again.failed) == (0, 1, 0)
    assert len(sent()) == 1
    entries, _ = service.audit.page()
    assert [e["action"] for e in entries].count("digest.sent") == 1  # no entry for no email
    library_clock.advance(86400)
    assert digests.run_daily(service, ses, CONFIG).sent == 1
    assert len(sent()) == 2


def test_a_run_failing_half_way_then_retried_does_not_email_the_first_leader_again(  # type: ignore[no-untyped-def]
    service, ses, overdue_group, leader, stack
) -> None:
    other = second_leader(service, stack, "leader-two", "two@clinic.example")
    caller = Caller(other.id, frozenset({"leaders"}))
    group, _ = service.groups.create(caller, "Other")
    original = digests.DigestBuilder.for_leader
    failed: list[str] = []

    def flaky(self, who):  # type: ignore[no-untyped-def]
        if who.id == other.id and not failed:
            failed.append(who.id)
            raise RuntimeError("throttled")
        return original(self, who)

    digests.DigestBuilder.for_leader = flaky  # type: ignore[method-assign]
    try:
        first = digests.run_daily(service, ses, CONFIG)
        second = digests.run_daily(service, ses, CONFIG)
    finally:
        digests.DigestBuilder.for_leader = original  # type: ignore[method-assign]
    assert failed == [other.id]
    assert (first.failed, second.failed) == (1, 0)
    assert len(to("leader@clinic.example")) == 1
    assert second.already_sent == 1


def test_one_leaders_failure_does_not_stop_the_others(  # type: ignore[no-untyped-def]
    service, ses, overdue_group, leader, stack
) -> None:
    other = second_leader(service, stack, "leader-two", "two@clinic.example")
    caller = Caller(other.id, frozenset({"leaders"}))
    group, _ = service.groups.create(caller, "Other")
    service.assignments.assign(caller, group.group_id, module_id=STARTERS[0], due_date="2020-01-06")
    original = digests.DigestBuilder.for_leader
    seen: list[str] = []

    def flaky(self, who):  # type: ignore[no-untyped-def]
        seen.append(who.id)
        if len(seen) == 1:
            raise RuntimeError("ProvisionedThroughputExceeded")
        return original(self, who)

    digests.DigestBuilder.for_leader = flaky  # type: ignore[method-assign]
    try:
        run = digests.run_daily(service, ses, CONFIG)
    finally:
        digests.DigestBuilder.for_leader = original  # type: ignore[method-assign]
    assert len(seen) == 2, "the run stopped at the first leader's failure"
    assert (run.leaders, run.failed) == (2, 1)
    assert run.sent + run.nothing_overdue == 1


def test_no_digest_leaves_without_its_audit_entry_and_a_retry_sends_it(  # type: ignore[no-untyped-def]
    service, ses, overdue_group
) -> None:
    """The entry is written before the email: an audit write that fails sends nothing and
    gives the claim back, so the retried run sends it (with its entry)."""
    original = service.audit.record

    def failing(*entries, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit table unavailable")

    service.audit.record = failing  # type: ignore[method-assign]
    try:
        run = digests.run_daily(service, ses, CONFIG)
    finally:
        service.audit.record = original  # type: ignore[method-assign]
    assert (run.sent, run.failed) == (0, 1)
    assert sent() == []
    assert digests.run_daily(service, ses, CONFIG).sent == 1
    entries, _ = service.audit.page()
    assert [e["action"] for e in entries].count("digest.sent") == 1


class FailingSes:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def send_email(self, **request):  # type: ignore[no-untyped-def]
        raise self.error


def test_a_send_that_certainly_failed_gives_the_claim_back(  # type: ignore[no-untyped-def]
    service, ses, overdue_group
) -> None:
    refused = ClientError(
        {"Error": {"Code": "MessageRejected"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        "SendEmail",
    )
    run = digests.run_daily(service, FailingSes(refused), CONFIG)
    assert (run.sent, run.failed) == (0, 1)
    assert digests.run_daily(service, ses, CONFIG).sent == 1


def test_a_send_whose_fate_is_unknown_keeps_the_claim(  # type: ignore[no-untyped-def]
    service, ses, overdue_group
) -> None:
    timeout = ReadTimeoutError(endpoint_url="https://email.example")
    run = digests.run_daily(service, FailingSes(timeout), CONFIG)
    assert (run.sent, run.unknown, run.failed) == (0, 1, 0)
    again = digests.run_daily(service, ses, CONFIG)
    assert (again.sent, again.already_sent) == (0, 1)
    assert sent() == []


def test_a_claim_and_an_entry_about_more_participants_than_one_transaction_holds(  # type: ignore[no-untyped-def]
    service, leader
) -> None:
    """The claim, the entry and the first 98 copies are one transaction; the other copies
    follow. A second claim of the same day writes nothing."""
    now = service.clock.iso()
    ids = [f"p{n:03d}" for n in range(150)]
    claim = service.group_records.digest_claim(leader.id, "2026-01-05", "run-1", now, 1)
    service.audit.record(
        new_entry(digests.SYSTEM_ACTOR, (), "digest.sent", now, participant_ids=ids), along=[claim]
    )
    for pid in ("p000", "p097", "p098", "p149"):
        copies, _ = service.audit.participant_page(pid, None, 10)
        assert len(copies) == 1, pid
    again = service.group_records.digest_claim(leader.id, "2026-01-05", "run-2", now, 1)
    with pytest.raises(ConditionFailed):
        service.audit.record(
            new_entry(digests.SYSTEM_ACTOR, (), "digest.sent", now, participant_ids=ids),
            along=[again],
        )
    copies, _ = service.audit.participant_page("p000", None, 10)
    assert len(copies) == 1
    # Only the run that holds a claim gives it back.
    service.group_records.release_digest(leader.id, "2026-01-05", "run-2")
    with pytest.raises(ConditionFailed):
        service.audit.record(along=[again])
    service.group_records.release_digest(leader.id, "2026-01-05", "run-1")
    service.audit.record(along=[again])


def test_a_digest_writes_one_transaction_and_a_repeat_run_one_cancelled(  # type: ignore[no-untyped-def]
    service, ses, overdue_group, aws_calls
) -> None:
    """The call counts the module docstring gives: reads aside, a digest sent writes its claim
    and its audit entry in one TransactWriteItems, and a second run of the day tries the same
    one transaction (cancelled by the claim) and nothing more."""
    reads = {"DynamoDB.Query", "DynamoDB.BatchGetItem", "DynamoDB.GetItem"}
    aws_calls.reset()
    digests.run_daily(service, ses, CONFIG)
    assert [n for n in aws_calls.names if n not in reads] == ["DynamoDB.TransactWriteItems"]
    aws_calls.reset()
    assert digests.run_daily(service, ses, CONFIG).already_sent == 1
    assert [n for n in aws_calls.names if n not in reads] == ["DynamoDB.TransactWriteItems"]
