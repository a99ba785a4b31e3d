"""A participant's choice, per group, to let the group's leaders see what they did before
joining it (the visibility rule: ``chalicelib.statuses.visible_to_leaders``).

The choice is kept on the participant's enrolment in the group, changed only by the
participant, audit-logged in the same transaction, and can be taken back at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.access import AccessCheck
from chalicelib.clock import Clock, iso_of_epoch
from chalicelib.errors import BadRequest, Forbidden, NotFound
from chalicelib.groups import GROUP_ID
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.records.audit import new_entry
from chalicelib.records.groups import GroupRecords

ALLOW = "sharing.history.allow"
REVOKE = "sharing.history.revoke"


@dataclass(frozen=True)
class MyGroup:
    """One group the participant is in, as they see it: its name, when they joined, and
    whether its leaders may see what they did before."""

    group_id: str
    name: str
    joined_at: str
    shares_history: bool
    archived: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "name": self.name,
            "joined_at": self.joined_at,
            "shares_history": self.shares_history,
            "archived": self.archived,
        }


@dataclass(frozen=True)
class MyGroups:
    """The participant's groups, and when their access to Steady ends (``None``: it does not;
    set once they are in no active group: the alumni period)."""

    groups: tuple[MyGroup, ...]
    access_ends_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [g.to_dict() for g in self.groups],
            "access_ends_at": self.access_ends_at,
        }


@dataclass
class Sharing:
    records: GroupRecords
    clock: Clock
    access: AccessCheck | None = None

    def overview(self, caller: Caller) -> MyGroups:
        """``my_groups`` and when the caller's access ends (the cached access check the token
        check already made: no extra call)."""
        groups = tuple(self.my_groups(caller))
        ends_at = self.access.ends_at(caller.id) if self.access is not None else None
        return MyGroups(groups, iso_of_epoch(ends_at) if ends_at is not None else None)

    def my_groups(self, caller: Caller) -> list[MyGroup]:
        """The groups ``caller`` is in, with the choice for each (archived groups included:
        their leaders can still read them). One Query + one BatchGetItem per 50 groups."""
        _participant(caller)
        return sorted(
            (
                MyGroup(g.group_id, g.name, e.joined_at, e.shares_history, g.archived)
                for g, e in self.records.enrolments_of(caller.id)
            ),
            key=lambda m: (m.name.lower(), m.group_id),
        )

    def set(self, caller: Caller, group_id: str, share: Any) -> MyGroup:
        """Allow (``share`` True) or take back (False) this group's leaders seeing what
        ``caller`` did before joining it."""
        _participant(caller)
        if not isinstance(share, bool):
            raise BadRequest("share is true or false.", code="invalid_field")
        if not isinstance(group_id, str) or not GROUP_ID.fullmatch(group_id):
            raise NotFound("You are not in this group.", code="group_not_found")
        now = self.clock.iso()
        audit = new_entry(
            caller.id,
            caller.roles,
            ALLOW if share else REVOKE,
            now,
            group_id=group_id,
            participant_ids=[caller.id],
        )
        self.records.set_shares_history(group_id, caller.id, share, now, audit)
        for mine in self.my_groups(caller):
            if mine.group_id == group_id:
                return mine
        raise NotFound("You are not in this group.", code="group_not_found")


def _participant(caller: Caller) -> None:
    if PARTICIPANTS not in caller.roles:
        raise Forbidden("Only participants choose what their groups see.")
