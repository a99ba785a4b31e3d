"""Who has seen my records: a participant's own view of the audit entries that concern them,
newest first: the role of who acted (never who), the group and the date.

One Query of the participant's ``ACCESS#`` copies (``chalicelib.records.audit``) and one
BatchGetItem for the names of the groups on the page (the current name: a group renamed since
shows its new name; a group that no longer exists shows none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.errors import Forbidden
from chalicelib.identity import ADMINS, LEADERS, PARTICIPANTS, Caller
from chalicelib.records.audit import AuditRecords
from chalicelib.records.groups import GroupRecords

YOU = "you"
GROUP_LEADER = "group_leader"
ADMINISTRATOR = "administrator"
SYSTEM = "system"
# Entries written by the system on a group leader's behalf (the daily email to leaders).
_TO_LEADERS = frozenset({"digest.sent"})


def role_of(actor_roles: list[str], action: str, by_self: bool) -> str:
    """The one role shown to the participant for an entry (never the actor's identity)."""
    if by_self:
        return YOU
    if ADMINS in actor_roles:
        return ADMINISTRATOR
    if LEADERS in actor_roles or action in _TO_LEADERS:
        return GROUP_LEADER
    return SYSTEM


@dataclass(frozen=True)
class AccessEntry:
    at: str
    action: str
    role: str
    group_id: str | None
    group_name: str | None
    entry_id: str = ""  # for a page token that goes on after this entry (``page_after``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "action": self.action,
            "role": self.role,
            "group_id": self.group_id,
            "group_name": self.group_name,
        }


@dataclass(frozen=True)
class AccessPage:
    entries: tuple[AccessEntry, ...]
    next_page_token: str | None


@dataclass
class AccessLog:
    audit: AuditRecords
    records: GroupRecords

    def mine(self, caller: Caller, page_token: str | None = None, limit: int = 50) -> AccessPage:
        """One page of who has seen or changed ``caller``'s records, newest first."""
        if PARTICIPANTS not in caller.roles:
            raise Forbidden("Only participants have records to show here.")
        copies, token = self.audit.participant_page(caller.id, page_token, limit)
        names = self.records.names([c["group_id"] for c in copies if c.get("group_id")])
        entries = tuple(
            AccessEntry(
                at=str(c["at"]),
                action=str(c["action"]),
                role=role_of(
                    list(c.get("actor_roles", [])), str(c["action"]), bool(c.get("by_self"))
                ),
                group_id=c.get("group_id"),
                group_name=names.get(c["group_id"]) if c.get("group_id") else None,
                entry_id=str(c.get("entry_id", "")),
            )
            for c in copies
        )
        return AccessPage(entries, token)

    def page_after(self, entry: AccessEntry) -> str:
        """The page token of the entries older than ``entry`` (one ``mine`` read): for a page
        that shows fewer entries than it read."""
        return self.audit.participant_page_after(entry.at, entry.entry_id)
