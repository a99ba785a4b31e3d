"""Daily digests: each group leader gets one discreet email about overdue readings and
how many participants need attention (``chalicelib.attention``), per group.

How the work is found without a Scan:
1. Cognito ``ListUsersInGroup("leaders")`` (60 a page, through ``chalicelib.accounts``): each
   enabled leader's id (``sub``) and email;
2. one Query of the leader's partition for their group ids (``GroupRecords.groups_led_by``);
3. per group (computed once per run, however many leaders share it): one Query of the group
   partition, one BatchGetItem of completed versions per 100 participants, and the catalog (cached);
4. statuses come from ``chalicelib.dashboard.group_grid`` (which applies
   ``chalicelib.statuses.status_of``): the overdue rule lives there and only there; who needs
   attention comes from ``chalicelib.attention.group_attention`` on the same facts (the
   completed versions and the assigned worksheets in one BatchGetItem per 100 keys).

What the email says: counts and a link. Never a participant's name or id, a group name, a
module title or topic, a diagnosis or a substance: an email can be read over a shoulder or
on a shared screen, and a group's name or a module title can reveal why someone is in care.
Needing attention is a count per group, never who or why (the leader signs in for that).
Reasons a leader marked as seen are not counted. A leader with nothing overdue and no one
needing attention gets no email. Every digest sent writes one audit entry (ids
and counts only), because it is derived from participants' records.

How it goes, at most once per leader per program day (``chalicelib.reminders``, "at most
once"; EventBridge may deliver the schedule twice and Lambda retries a failed run):
5. the claim (``LEADER#{id}`` / ``DIGEST_SENT#{day}``, ``attribute_not_exists(PK)``, a TTL of
   ``CLAIM_DAYS``: ``GroupRecords.digest_claim``), the audit entry and its copies in the
   participants' partitions are one TransactWriteItems (``AuditRecords.record``'s ``along``;
   copies beyond its 100 items follow in further ones) before SES is called, so no email
   leaves without its entry. A claim already there: a run today sent it (or may have), nothing
   is sent (``already_sent``);
6. one SES SendEmail (``reminders.send_tries``: tried again only when it certainly did not
   reach SES). Sent: ``sent``. Certainly not sent (refused, or still failing): the claim is
   given back (one DeleteItem on the run's id), counted ``failed``, and a retried run sends
   it. Fate unknown (a timeout after the request left): the claim stays (``unknown``).
A failure before the send (a read, the audit write) gives the claim back too. Each leader's
build, claim and send is on its own: a failure is counted (``failed``) and logged with the
leader's id and the error's type only, and the next leader goes on; the run's log line
(``digest.run``) has the counts.

Calls per leader with a digest to send: 1 Query (their groups), their groups' reads when not
already read this run, 1 TransactWriteItems (+1 per further 100 audit items), 1 SendEmail; a
second run of the day: the same reads and 1 TransactWriteItems cancelled by the claim; a send
that certainly failed: + 1 DeleteItem.
"""

from __future__ import annotations

import logging
import os
import time as time_module
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from chalicelib import logs
from chalicelib.accounts import Accounts
from chalicelib.assignments import assigned_modules
from chalicelib.attention import Attention, group_attention
from chalicelib.dashboard import group_grid
from chalicelib.identity import LEADERS
from chalicelib.library import ModuleLibrary
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.completions import CompletionRecords
from chalicelib.records.groups import GroupRecords
from chalicelib.records.table import ConditionFailed
from chalicelib.reminders import EMAIL, SENT, UNKNOWN, AwsMessenger, Message, send_tries
from chalicelib.statuses import OVERDUE
from chalicelib.text import and_list

SYSTEM_ACTOR = "system:digest"
# How long a digest's claim is kept (its TTL): only the program day's matters.
CLAIM_DAYS = 3
SUBJECT = "Steady: a reading update for your groups"


@dataclass(frozen=True)
class DigestConfig:
    """Where digests come from and link to (environment variables of the scheduled function)."""

    sender: str  # a verified SES identity, e.g. "Steady <no-reply@clinic.example>"
    link: str  # the web app's sign-in page; the digest says nothing that needs the link's target

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DigestConfig:
        env = os.environ if environ is None else environ
        return cls(sender=env.get("STEADY_DIGEST_SENDER", ""), link=env.get("STEADY_APP_URL", ""))


@dataclass(frozen=True)
class Leader:
    id: str
    email: str | None


@dataclass(frozen=True)
class GroupOverdue:
    group_id: str
    overdue: int  # overdue (participant, module) cells
    participant_ids: tuple[str, ...]  # participants with at least one overdue reading
    needing_attention: tuple[str, ...] = ()  # participants with a reason not marked as seen


@dataclass
class Digest:
    leader: Leader
    groups: list[GroupOverdue] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)

    @property
    def participants(self) -> int:
        return len({p for g in self.groups for p in g.participant_ids})

    @property
    def groups_behind(self) -> int:
        return sum(1 for g in self.groups if g.overdue)

    @property
    def attention_per_group(self) -> list[int]:
        """Participants needing attention in each group that has any, most first."""
        counts = (len(g.needing_attention) for g in self.groups if g.needing_attention)
        return sorted(counts, reverse=True)

    @property
    def anything(self) -> bool:
        return bool(self.overdue or self.attention_per_group)


@dataclass
class DigestRun:
    leaders: int = 0
    sent: int = 0
    nothing_overdue: int = 0
    no_email: int = 0
    failed: int = 0
    already_sent: int = 0  # claimed by an earlier run of the same program day
    unknown: int = 0  # SES may have taken it (no answer): the claim stays
    run_id: str = ""

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}

    def to_dict(self) -> dict[str, int]:
        return self.counts()


def list_leaders(accounts: Accounts) -> list[Leader]:
    """Every enabled leader (``Accounts.every_in_role``: ListUsersInGroup, 60 a page, no Scan)."""
    return [Leader(a.id, a.email) for a in accounts.every_in_role(LEADERS) if a.enabled]


class DigestBuilder:
    """Computes each leader's overdue counts; each group is read once per run."""

    def __init__(
        self,
        records: GroupRecords,
        completions: CompletionRecords,
        library: ModuleLibrary,
        today: date,
        zone: tzinfo,
        attention: Attention | None = None,
    ) -> None:
        self._records = records
        self._completions = completions
        self._library = library
        self._today = today
        self._zone = zone  # the program's: ``due_for`` compares the day someone joined
        self._attention = attention
        self.records = records  # the leaders' partitions: their groups, their digests' claims
        self._groups: dict[str, GroupOverdue | None] = {}

    def for_leader(self, leader: Leader) -> Digest:
        digest = Digest(leader)
        for group_id in self._records.groups_led_by(leader.id):
            overdue = self._group(group_id)
            if overdue is not None:
                digest.groups.append(overdue)
        return digest

    def _group(self, group_id: str) -> GroupOverdue | None:
        if group_id not in self._groups:
            self._groups[group_id] = self._compute(group_id)
        return self._groups[group_id]

    def _compute(self, group_id: str) -> GroupOverdue | None:
        group = self._records.get(group_id)
        if group.archived or not group.participants or not group.assignments:
            return None
        needing: tuple[str, ...] = ()
        if self._attention is not None:
            modules, facts = self._attention.facts(group)
            completed = dict(facts.completed)
            found = group_attention(
                group, modules, facts, self._attention.clock.now(), self._today, self._zone
            )
            needing = tuple(p.participant_id for p in found.needing_attention)
        else:
            modules = assigned_modules(group.assignments, self._library)
            completed = self._completions.completed_versions(group.participant_ids)
        grid = group_grid(group, completed, modules, self._today, self._zone)
        behind = tuple(
            row.participant_id
            for row in grid.participants
            if any(cell.status == OVERDUE for cell in row.cells)
        )
        return GroupOverdue(group_id, grid.counts[OVERDUE], behind, needing)


def message(digest: Digest, link: str, today: date) -> tuple[str, str]:
    """Subject and plain-text body: counts and a link, nothing else."""
    lines = []
    if digest.overdue:
        readings = _plural(digest.overdue, "assigned reading", "assigned readings")
        people = _plural(digest.participants, "participant", "participants")
        groups = _plural(digest.groups_behind, "of your groups", "of your groups")
        verb = "is" if digest.overdue == 1 else "are"
        lines.append(
            f"As of {today.isoformat()}, {readings} {verb} past "
            f"the due date, for {people} in {groups}."
        )
    per_group = digest.attention_per_group
    if per_group:
        total = sum(per_group)
        where = (
            "in 1 of your groups"
            if len(per_group) == 1
            else f"in {len(per_group)} of your groups ({and_list([str(c) for c in per_group])})"
        )
        who = _plural(total, "participant needs", "participants need")
        lines.append(f"{who} attention {where}.")
    body = (
        "Hello,\n\n" + "\n\n".join(lines) + "\n\n"
        f"Sign in to see the details: {link}\n\n"
        "You get this email because you lead a group in Steady. It is sent once a day, only "
        "when something is overdue or someone needs attention.\n"
    )
    return SUBJECT, body


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def send_all(
    leaders: Iterable[Leader],
    builder: DigestBuilder,
    ses: Any,
    config: DigestConfig,
    audit: AuditRecords,
    now: str,
    today: date,
    records: GroupRecords | None = None,
    expires_at: int = 0,
    sleep: Callable[[float], None] = time_module.sleep,
) -> DigestRun:
    """Build and send every leader's digest; one leader's failure does not stop the others.

    Each leader's digest goes at most once a program day (``chalicelib.reminders``, "at most
    once"): its claim (``GroupRecords.digest_claim``) and its audit entry are written in one
    transaction before SES is called; a claim already there means a run today sent it (or may
    have). ``records``: where claims go (the builder's by default)."""
    records = records or builder.records
    messenger = AwsMessenger(lambda: ses, lambda: None, config.sender)
    run = DigestRun(run_id=uuid.uuid4().hex)
    for leader in leaders:
        run.leaders += 1
        try:
            _one(
                leader,
                builder,
                messenger,
                config,
                audit,
                records,
                now,
                today,
                expires_at,
                sleep,
                run,
            )
        except Exception as error:  # noqa: BLE001 (one leader's failure must not stop the run)
            run.failed += 1
            logs.event(
                "digest.failed", leader_id=leader.id, run_id=run.run_id, error=type(error).__name__
            )
    logs.event("digest.run", run_id=run.run_id, **run.counts())
    return run


def _one(
    leader: Leader,
    builder: DigestBuilder,
    messenger: AwsMessenger,
    config: DigestConfig,
    audit: AuditRecords,
    records: GroupRecords,
    now: str,
    today: date,
    expires_at: int,
    sleep: Callable[[float], None],
    run: DigestRun,
) -> None:
    """One leader's digest: build, claim with its audit entry, send (see ``send_all``)."""
    if not leader.email:
        run.no_email += 1
        return
    digest = builder.for_leader(leader)
    if not digest.anything:
        run.nothing_overdue += 1
        return
    subject, body = message(digest, config.link, today)
    day = today.isoformat()
    claim = records.digest_claim(leader.id, day, run.run_id, now, expires_at)
    try:
        # The claim, the entry and its first copies in one transaction, before SES is called.
        audit.record(_entry(leader, digest, now), along=[claim])
    except ConditionFailed:
        run.already_sent += 1  # a run today claimed it: sent, or perhaps sent
        return
    except Exception:
        # Nothing left: give the claim back (the copies after the first 100 items may be what
        # failed) so the retried run sends it.
        _release(records, leader.id, day, run.run_id)
        raise
    # Before the send: a run that dies between the two leaves this with no outcome.
    logs.event("digest.claimed", leader_id=leader.id, run_id=run.run_id)
    outcome, _error = send_tries(
        messenger,
        EMAIL,
        leader.email,
        Message(subject, body),
        event="digest",
        participant_id=leader.id,  # the leader's id: the helper's log names it so
        sleep=sleep,
    )
    if outcome == SENT:
        run.sent += 1
        logs.event("digest.sent", leader_id=leader.id, run_id=run.run_id)
    elif outcome == UNKNOWN:
        # It may have gone: the claim stays, so no run sends it again today.
        run.unknown += 1
        logs.event(
            "digest.send_unknown", level=logging.WARNING, leader_id=leader.id, run_id=run.run_id
        )
    else:
        run.failed += 1
        _release(records, leader.id, day, run.run_id)
        logs.event("digest.released", leader_id=leader.id, run_id=run.run_id)


def _release(records: GroupRecords, leader_id: str, day: str, run_id: str) -> None:
    try:
        records.release_digest(leader_id, day, run_id)
    except Exception as error:  # noqa: BLE001 (the failure that led here is the one reported)
        # The claim stays until its TTL: today's digest is not sent again (at most once).
        logs.event(
            "digest.release_failed", leader_id=leader_id, run_id=run_id, error=type(error).__name__
        )


def _entry(leader: Leader, digest: Digest, now: str) -> dict[str, Any]:
    """The digest's audit entry: ids and counts only."""
    return new_entry(
        SYSTEM_ACTOR,
        (),
        "digest.sent",
        now,
        participant_ids=[
            p for g in digest.groups for p in (*g.participant_ids, *g.needing_attention)
        ],
        groups_of={
            p: g.group_id
            for g in reversed(digest.groups)  # the first group in the email wins
            for p in (*g.participant_ids, *g.needing_attention)
        },
        detail={
            "leader_id": leader.id,
            "groups": [g.group_id for g in digest.groups if g.overdue or g.needing_attention],
            "overdue": digest.overdue,
            "needs_attention": sum(digest.attention_per_group),
        },
    )


def run_daily(
    services: Any,
    ses: Any,
    config: DigestConfig | None = None,
    sleep: Callable[[float], None] = time_module.sleep,
) -> DigestRun:
    """The scheduled job: ``services`` is a ``chalicelib.services.Services``."""
    config = config or DigestConfig.from_env()
    if not config.sender or not config.link:
        logs.event("digest.not_configured")
        return DigestRun()
    today = services.clock.today()
    builder = DigestBuilder(
        services.group_records,
        services.completions,
        services.library,
        today,
        services.clock.zone,
        services.attention,
    )
    leaders = list_leaders(services.accounts)
    expires_at = int(services.clock.now().timestamp()) + CLAIM_DAYS * 86400
    return send_all(
        leaders,
        builder,
        ses,
        config,
        services.audit,
        services.clock.iso(),
        today,
        services.group_records,
        expires_at,
        sleep,
    )
