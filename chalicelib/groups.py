"""Group lifecycle: create, list, read, rename, archive, add or remove a group leader; and the
led-group check every group use case starts with.

A group that is not the caller's is "not found", so its existence is not revealed. Reads of
participant records and every change are written to the audit trail.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.access import AccessCheck
from chalicelib.accounts import Accounts, check_username
from chalicelib.clock import Clock, iso_of_epoch
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.identity import LEADERS, Caller
from chalicelib.records.audit import AuditRecords, new_entry

# Assignment, GroupLeader and last_leader are re-exported: web pages name them.
from chalicelib.records.groups import Assignment as Assignment
from chalicelib.records.groups import EnrolledParticipant, FormerMember, Group, GroupRecords
from chalicelib.records.groups import GroupLeader as GroupLeader
from chalicelib.records.groups import last_leader as last_leader
from chalicelib.text import check_text, name_problem

GROUP_ID = re.compile(r"^[0-9a-f]{32}$")
# Stable ids derived from what the caller asked for (a retried create, a repeated assignment).
ID_NAMESPACE = uuid.UUID("0b8a4f8e-4d5c-4f7e-9a51-3c1f2d6b7e90")
MAX_NAME = 80
MAX_IDEMPOTENCY_KEY = 100


def check_group_id(group_id: str) -> str:
    if not isinstance(group_id, str) or not GROUP_ID.fullmatch(group_id):
        raise NotFound("There is no such group.", code="group_not_found")
    return group_id


def check_name(value: Any, what: str = "A group name") -> str:
    """A name of 1 to 80 characters held to the text rule (``chalicelib.text``) and the rule of
    one-line names (``name_problem``: something visible, no text-direction control), stripped
    and NFC; ``BadRequest`` (``invalid_name``, or ``invalid_text``) otherwise."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        raise BadRequest(f"{what} is 1 to {MAX_NAME} characters.", code="invalid_name")
    name = check_text(value.strip(), what, MAX_NAME)
    found = name_problem(name)
    if found is not None:
        raise BadRequest(f"{what} {found}.", code="invalid_name")
    return name


@dataclass(frozen=True)
class GroupSummary:
    group_id: str
    name: str
    archived: bool
    created_at: str

    @classmethod
    def of(cls, group: Group) -> GroupSummary:
        return cls(group.group_id, group.name, group.archived, group.created_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "name": self.name,
            "archived": self.archived,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class GroupDetail:
    summary: GroupSummary
    leaders: tuple[str, ...]
    participants: tuple[EnrolledParticipant, ...]
    assignments: tuple[Assignment, ...]
    # The leaders with their usernames (a leader may see their fellow leaders), in the order
    # they were added.
    leader_names: tuple[GroupLeader, ...] = ()
    # Participants who left the group (most recent first), when asked for (``None``: not).
    former: tuple[FormerMember, ...] | None = None
    # When each of them can no longer sign in (epoch seconds; ``None``: it does not end, they
    # are in a group now), read with them (``Groups.detail``).
    former_ends: Mapping[str, int | None] = field(default_factory=dict)
    # When each of them last chose their own password while they had an access end (ISO; none
    # recorded: not there), read with ``former_ends``: a temporary password a leader gave
    # them before it is no longer shown (``chalicelib.sign_in.handouts``).
    former_chosen: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        shown = (
            {}
            if self.former is None
            else {
                "former": [
                    former_dict(f, self.former_ends.get(f.participant_id)) for f in self.former
                ]
            }
        )
        return {
            **self.summary.to_dict(),
            "leaders": list(self.leaders),
            "leader_names": [
                {"leader_id": leader.leader_id, "username": leader.username}
                for leader in self.leader_names
            ],
            "participants": [
                {
                    "participant_id": p.participant_id,
                    "display_name": p.display_name,
                    "joined_at": p.joined_at,
                }
                for p in self.participants
            ],
            "assignments": [a.to_dict() for a in self.assignments],
            **shown,
        }


def former_dict(former: FormerMember, ends_at: int | None = None) -> dict[str, Any]:
    """A participant who left, for the API: their last time in the group, who removed them (a
    pseudonymous id), their assigned modules then (``None``: not counted), and when their
    access to Steady ends (ISO; ``None``: it does not, they are in a group now)."""
    last = former.last
    return {
        "access_ends_at": iso_of_epoch(ends_at) if ends_at is not None else None,
        "participant_id": former.participant_id,
        "display_name": former.display_name,
        "joined_at": last.joined_at,
        "left_at": last.left_at,
        "removed_by": last.removed_by,
        "modules_completed": last.done,
        "modules_assigned": last.assigned,
    }


@dataclass(frozen=True)
class AddedLeader:
    leader_id: str
    username: str = ""
    # False: they already led the group (nothing was written).
    added: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"leader_id": self.leader_id}


@dataclass(frozen=True)
class RemovedLeader:
    leader_id: str
    # The caller removed themself: the group is no longer theirs to see.
    yourself: bool


def led_group(
    records: GroupRecords, caller: Caller, group_id: str, writable: bool = False
) -> Group:
    """The group, if ``caller`` leads it; ``NotFound`` if not (its existence stays hidden),
    ``Conflict`` for a change to an archived group (``writable``)."""
    if LEADERS not in caller.roles:
        raise Forbidden("Only group leaders manage groups.")
    group = records.get(check_group_id(group_id))
    if caller.id not in group.leaders:
        raise NotFound("There is no such group.", code="group_not_found")
    if writable and group.archived:
        raise Conflict("This group is archived. Unarchive it first.", code="group_archived")
    return group


def audit_read(
    audit: AuditRecords,
    clock: Clock,
    caller: Caller,
    group: Group,
    action: str,
    participant_ids: Sequence[str] | None = None,
) -> None:
    """Log a group leader's read of the group's participant records (before any data is
    returned): of every participant, or of ``participant_ids`` for a page that shows only
    those."""
    audit_reads(
        audit,
        clock,
        caller,
        group,
        {action: group.participant_ids if participant_ids is None else participant_ids},
    )


def audit_reads(
    audit: AuditRecords,
    clock: Clock,
    caller: Caller,
    group: Group,
    reads: Mapping[str, Sequence[str]],
) -> None:
    """Log one page's reads of different things about different participants (an action for
    each, with the participants it showed that thing of): one entry per action, all written
    together (one transaction), before any data is returned. Each participant's copy then
    says what was seen of them, not what was seen of someone else."""
    at = clock.iso()
    audit.record(
        *(
            new_entry(
                caller.id, caller.roles, action, at, group_id=group.group_id, participant_ids=ids
            )
            for action, ids in reads.items()
        )
    )


@dataclass
class Groups:
    records: GroupRecords
    audit: AuditRecords
    accounts: Accounts
    clock: Clock
    # Told after a group is archived (True) or unarchived (False), with its participants: their
    # alumni access starts or is taken away (``Enrolment.group_archived``).
    archived_changed: Callable[[Sequence[str], bool], None] | None = None
    # Reads when former members' access ends (``detail`` with ``former``).
    access: AccessCheck | None = None

    def create(
        self, caller: Caller, name: str, idempotency_key: str | None = None
    ) -> tuple[GroupSummary, bool]:
        """Create a group led by ``caller``. The same ``idempotency_key`` again returns the
        first group (``created`` False)."""
        name = check_name(name)
        if idempotency_key is not None and not (1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
            raise BadRequest(
                f"The idempotency key is 1 to {MAX_IDEMPOTENCY_KEY} characters.",
                code="invalid_idempotency_key",
            )
        group_id = (
            uuid.uuid5(ID_NAMESPACE, f"{caller.id}:{idempotency_key}").hex
            if idempotency_key
            else uuid.uuid4().hex
        )
        now = self.clock.iso()
        audit = new_entry(caller.id, caller.roles, "group.create", now, group_id=group_id)
        group, created = self.records.create(group_id, name, caller.id, now, audit, caller.username)
        if not created and caller.id not in group.leaders:
            raise Conflict("That idempotency key was already used.", code="idempotency_key_reused")
        return GroupSummary.of(group), created

    def mine(self, caller: Caller) -> list[GroupSummary]:
        """The groups ``caller`` leads, active first, by name."""
        groups = [self.records.get(gid) for gid in self.records.groups_led_by(caller.id)]
        return [
            GroupSummary.of(g) for g in sorted(groups, key=lambda g: (g.archived, g.name.lower()))
        ]

    def detail(
        self,
        caller: Caller,
        group_id: str,
        shown: Collection[str] | None = None,
        former: bool = False,
    ) -> GroupDetail:
        """Leaders (with their usernames), participants and assignments of a group ``caller``
        leads (audit-logged). A leader added before usernames were kept with them has none
        (``""``) until the upgrade step fills it in (``chalicelib.upgrade``); the caller's own
        comes with their sign-in. No Cognito call: a lookup by account id would need ListUsers,
        which the API is not granted (``chalicelib.accounts``).

        ``shown``: for a page that shows only some participants (a confirmation page: one, or
        none), their ids; the detail then holds only those, and the audit entry concerns only
        them, so a participant's "who has seen my records" lists no page they were not on.

        ``former``: with the participants who left the group (``GroupDetail.former``: the day
        they left, their totals then; ``shown`` narrows them too), their read audit-logged too
        (``group.former.read``, in the same transaction), and when each one's access ends
        (``GroupDetail.former_ends``) and when they chose their own password
        (``GroupDetail.former_chosen``): the group Query reads them, and their access items are
        one BatchGetItem per 100 of them (none when nobody left)."""
        group = led_group(self.records, caller, group_id)
        participants = tuple(
            p for p in group.participants if shown is None or p.participant_id in shown
        )
        reads = {"group.read": [p.participant_id for p in participants]}
        left = tuple(f for f in group.former if shown is None or f.participant_id in shown)
        if former and left:
            reads["group.former.read"] = [f.participant_id for f in left]
        audit_reads(self.audit, self.clock, caller, group, reads)
        ends: dict[str, int | None] = {}
        chosen: dict[str, str] = {}
        if former and left and self.access is not None:
            for pid, times in self.access.ends_of([f.participant_id for f in left]).items():
                ends[pid] = times.ends_at
                if times.password_chosen_at:
                    chosen[pid] = times.password_chosen_at
        return GroupDetail(
            GroupSummary.of(group),
            group.leaders,
            participants,
            group.assignments,
            tuple(self._named(caller, leader) for leader in group.leader_names),
            left if former else None,
            ends,
            chosen,
        )

    def _named(self, caller: Caller, leader: GroupLeader) -> GroupLeader:
        if leader.username:
            return leader
        if leader.leader_id == caller.id and caller.username:
            return GroupLeader(leader.leader_id, caller.username)
        return leader

    def update(
        self, caller: Caller, group_id: str, name: str | None = None, archived: bool | None = None
    ) -> GroupSummary:
        """Rename, archive or unarchive a group. A rename to the name it has, and nothing else,
        writes nothing (no audit entry)."""
        group = led_group(self.records, caller, group_id)
        if name is None and archived is None:
            raise BadRequest("Give a new name, archived, or both.", code="nothing_to_change")
        if name is not None:
            name = check_name(name)
        if archived is not None and not isinstance(archived, bool):
            raise BadRequest("archived is true or false.", code="invalid_field")
        if archived is None and name == group.name:
            return GroupSummary.of(group)
        action = (
            "group.archive"
            if archived
            else "group.unarchive"
            if archived is False
            else "group.rename"
        )
        audit = new_entry(
            caller.id, caller.roles, action, self.clock.iso(), group_id=group.group_id
        )
        for _ in range(3):
            try:
                self.records.update(
                    group.group_id,
                    audit,
                    name=name,
                    archived=archived,
                    # Unarchived: its archived time stays hidden from its leaders
                    # (``Group.hidden``), on the condition that it is the archive read.
                    archived_since=group.archived_at
                    if archived is False and group.archived
                    else "",
                )
                break
            except NotFound as error:
                if error.code != "archive_changed":
                    raise
                # Another request changed the archive since this one read it (a double click
                # on Unarchive, two co-leaders): read again, and unarchive what is there now.
                group = led_group(self.records, caller, group_id)
        else:
            raise Conflict("Someone else is changing this group right now. Try again.", code="busy")
        if archived is not None and archived != group.archived and self.archived_changed:
            self.archived_changed(group.participant_ids, archived)
        return GroupSummary.of(self.records.get(group.group_id))

    def rename(self, caller: Caller, group_id: str, name: str) -> bool:
        """Rename a group ``caller`` leads (``update``); ``False`` if ``name`` is the name it
        already has, and nothing was written (the page says "The name is unchanged.")."""
        before = led_group(self.records, caller, group_id).name
        name = check_name(name)
        if name == before:
            return False
        self.update(caller, group_id, name=name)
        return True

    def add_leader(self, caller: Caller, group_id: str, username: str) -> AddedLeader:
        """Add another group leader (by username) to a group ``caller`` leads. Someone who
        already leads it (the caller too) is left as they are: ``added`` False, nothing written
        (no audit entry for a change that did not happen)."""
        group = led_group(self.records, caller, group_id, writable=True)
        account = self.accounts.find(check_username(username))
        if LEADERS not in account.roles:
            raise BadRequest("That account is not a group leader.", code="not_a_leader")
        if account.id in group.leaders:
            return AddedLeader(account.id, account.username, added=False)
        now = self.clock.iso()
        audit = new_entry(
            caller.id,
            caller.roles,
            "group.leader.add",
            now,
            group_id=group.group_id,
            detail={"leader_id": account.id},
        )
        self.records.add_leader(group.group_id, account.id, now, audit, account.username)
        return AddedLeader(account.id, account.username)

    def remove_leader(self, caller: Caller, group_id: str, leader_id: str) -> RemovedLeader:
        """``leader_id`` no longer leads a group ``caller`` leads (archived or not, like removing
        a participant): they no longer see it. The caller may remove themself. The last leader is
        never removed (``Conflict``, ``last_leader``): another leader stays, checked in the same
        write (``GroupRecords.remove_leader``). ``NotFound`` for someone who does not lead it."""
        group = led_group(self.records, caller, group_id)
        if not isinstance(leader_id, str) or leader_id not in group.leaders:
            raise NotFound("That person does not lead this group.", code="leader_not_found")
        keeper = (
            caller.id
            if leader_id != caller.id
            else next((other for other in group.leaders if other != caller.id), None)
        )
        if keeper is None:
            raise last_leader()
        audit = new_entry(
            caller.id,
            caller.roles,
            "group.leader.remove",
            self.clock.iso(),
            group_id=group.group_id,
            detail={"leader_id": leader_id},
        )
        self.records.remove_leader(group.group_id, leader_id, keeper, audit)
        return RemovedLeader(leader_id, yourself=leader_id == caller.id)
