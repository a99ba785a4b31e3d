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
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
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
from chalicelib.statuses import OVERDUE
from chalicelib.text import and_list

SYSTEM_ACTOR = "system:digest"
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

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


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
) -> DigestRun:
    """Build and send every leader's digest; one leader's failure does not stop the others."""
    run = DigestRun()
    for leader in leaders:
        run.leaders += 1
        if not leader.email:
            run.no_email += 1
            continue
        digest = builder.for_leader(leader)
        if not digest.anything:
            run.nothing_overdue += 1
            continue
        subject, body = message(digest, config.link, today)
        try:
            ses.send_email(
                Source=config.sender,
                Destination={"ToAddresses": [leader.email]},
                Message={
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                },
            )
        except Exception as error:  # noqa: BLE001 (one bad address must not stop the run)
            run.failed += 1
            logs.event("digest.failed", leader_id=leader.id, error=type(error).__name__)
            continue
        run.sent += 1
        audit.record(
            new_entry(
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
                    "groups": [
                        g.group_id for g in digest.groups if g.overdue or g.needing_attention
                    ],
                    "overdue": digest.overdue,
                    "needs_attention": sum(digest.attention_per_group),
                },
            )
        )
    logs.event("digest.run", **run.to_dict())
    return run


def run_daily(services: Any, ses: Any, config: DigestConfig | None = None) -> DigestRun:
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
    return send_all(leaders, builder, ses, config, services.audit, services.clock.iso(), today)
