"""A new temporary password for a participant who lost or forgot theirs: given by a group
leader of one of their groups, the way the first one was (``enrolment``), and handed over the
same way (the web keeps it in the leader's own session until handed over: ``sign_in``).

Only for a participant account (an account with any other role is an admin's to reset): a
leader reaches the people in their own groups, no one else. The old password stops working, the
account is signed out everywhere (Cognito and this site's web sessions), and at the next sign-in
the participant chooses their own password.

The audit entry is written before the change, not after it: a change to someone's sign-in
is never left unrecorded (a failure after the entry leaves the record of an attempt). The
participant finds it in "Who sees your records" (``records/audit.py``).

An account an administrator turned off gets none: it could not sign in with it, and the
leader is told why (``account_turned_off``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.access import AccessCheck
from chalicelib.accounts import Accounts, temporary_password
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.groups import led_group
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.groups import GroupRecords
from chalicelib.records.sessions import SessionRecords

# Said to the leader (web and API) for a participant whose account an administrator turned off.
ACCOUNT_OFF = (
    "Account turned off by an administrator: a new temporary password would not work. "
    "Ask an administrator to turn it on again."
)


@dataclass(frozen=True)
class NewTemporaryPassword:
    participant_id: str
    username: str
    display_name: str  # the name the group's leaders gave them
    # Returned once to the group leader, never stored here.
    temporary_password: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "username": self.username,
            "display_name": self.display_name,
            "temporary_password": self.temporary_password,
        }


class UsernameNotRecorded(Conflict):
    """The refusal for an enrolment written before usernames were kept with enrolments and not
    filled in since: by ``python -m chalicelib.upgrade usernames``, or by enrolling them again,
    which an archived group does not take (``group_archived``: the message says only the way
    that works, and a group leader's page uses its own words for it). No lookup by account id
    instead: the API is not granted ListUsers (``chalicelib.accounts``)."""

    code = "username_not_recorded"

    def __init__(self, group_archived: bool) -> None:
        way = (
            "ask an administrator to run the usernames upgrade step (an archived group takes "
            "no enrolments, which would also record it)."
            if group_archived
            else "enrol them again with their username (it records the username and changes "
            "nothing else), or ask an administrator to run the usernames upgrade step."
        )
        super().__init__(f"Steady does not have this participant's username on record yet: {way}")
        self.group_archived = group_archived


@dataclass
class TemporaryPasswords:
    records: GroupRecords
    accounts: Accounts
    sessions: SessionRecords
    audit: AuditRecords
    clock: Clock
    access: AccessCheck

    def give(self, caller: Caller, group_id: str, participant_id: str) -> NewTemporaryPassword:
        """A new temporary password for a participant in a group ``caller`` leads (archived
        too: its participants keep signing in for a while). The account is the one whose username
        their enrolment keeps (AdminGetUser, no lookup by account id). ``NotFound`` for someone
        not in the group or an account that no longer exists; ``UsernameNotRecorded`` (409
        ``username_not_recorded``) for an enrolment from before usernames were kept with it;
        ``BadRequest`` (``not_a_participant``) for an account with another role than
        participant; ``Conflict`` (``account_turned_off``) for an account an administrator
        turned off."""
        group = led_group(self.records, caller, group_id)
        member = group.member(participant_id) if isinstance(participant_id, str) else None
        if member is None:
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        if not member.username:
            raise UsernameNotRecorded(group.archived)
        account = self.accounts.find(member.username)
        if account.id != member.participant_id:
            # Deleted, and the username since given to someone else: not theirs to reset.
            raise NotFound("That participant's account no longer exists.", code="account_not_found")
        if account.roles != frozenset({PARTICIPANTS}):
            raise BadRequest(
                "Only a participant account's password can be given here; "
                "an administrator resets the others.",
                code="not_a_participant",
            )
        if not account.enabled:
            # It would not work (Cognito refuses a disabled account's every password), and the
            # participant would be sent round again: the leader is told why instead. Nothing
            # changes, so there is no audit entry.
            raise Conflict(ACCOUNT_OFF, code="account_turned_off")
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "account.temporary_password",
                self.clock.iso(),
                group_id=group.group_id,
                participant_ids=[account.id],
                detail={"account_id": account.id},
            )
        )
        password = temporary_password()
        self.accounts.set_temporary_password(account.username, password)
        # Signed out everywhere: Cognito's refresh tokens (set_temporary_password), the API's
        # bearer tokens issued before now (checked by the service itself, as a disable does),
        # and the web sessions. A phone that was lost or shared keeps nothing that works.
        self.access.end(account.id)
        self.sessions.end_all(account.id)
        return NewTemporaryPassword(account.id, account.username, member.display_name, password)

    def chosen(self, participant_id: str) -> None:
        """The account chose its own password in place of a temporary one: recorded on its
        enrolments (``GroupRecords.set_password_chosen``), so its group leaders' pages stop
        showing a temporary password given before now (``sign_in.handouts``) without asking
        Cognito on every view. An account in no group (a leader's) costs one Query."""
        self.records.set_password_chosen(participant_id, self.clock.iso_seconds())
