"""A new temporary password for a participant who lost or forgot theirs: given by a group
leader of one of their groups, the way the first one was (``enrolment``), and handed over the
same way (the web keeps it in the leader's own session until handed over: ``sign_in``).

Only for a participant account (an account with any other role is an admin's to reset): a leader
reaches the people in their own groups, no one else. That includes someone who left one of them
(a leader removed them: "Left the group") and is in no active group now, while their access
lasts (the alumni period, ``chalicelib.enrolment``): a forgotten password is most likely months
after discharge, when the notices before access ends send them back to their plan, and they have
no other group leader to ask. Someone who left for another group is that group's leaders' to
help (``in_another_group``), and so is someone enrolled here by username who was in another
group first, a group this caller does not lead (else any leader could enrol anyone and sign in
as them): one they are in now, one archived since, or one they left (an alumnus: their plan is
all they wrote), the groups they were ever enrolled in being read from their own copies of the
audit trail (``AuditRecords.groups_joined``), the groups they are in from their pointers (for an
enrolment older than those copies). The same holds for someone enrolled here by username and
removed since (enrol, remove, then give). Someone whose access ended gets none
(``access_ended``: it could not work). The old
password stops working, the account is signed out everywhere (Cognito and this site's web
sessions), and at the next sign-in the participant chooses their own password.

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

# Said to the leader (web and API) for someone who left the group and cannot use one.
IN_ANOTHER_GROUP = (
    "They are in another group now: a group leader of that group can give them a new "
    "temporary password."
)
# Said for someone enrolled here by username who was in a group the leader does not lead first
# (one they may have left since, or that was archived).
ALSO_IN_ANOTHER_GROUP = (
    "They were in another group before this one, which you do not lead (they may have left "
    "it since). A group leader of that group can give them a new temporary password; if they "
    "cannot from that group, add them as a leader of this one."
)
ACCESS_ENDED = "Their access to Steady has ended: a new temporary password would not work."

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

    def __init__(self, group_archived: bool, left: bool = False) -> None:
        way = (
            # Someone who left: the upgrade step fills in enrolments only, and enrolling them
            # again would bring back the group's reading, so no way is offered but that one.
            "it was not kept when they left. Enrolling them again with their username would "
            "give them the group's reading again; ask them to sign in with the password they "
            "have if they can."
            if left
            else "ask an administrator to run the usernames upgrade step (an archived group "
            "takes no enrolments, which would also record it)."
            if group_archived
            else "enrol them again with their username (it records the username and changes "
            "nothing else), or ask an administrator to run the usernames upgrade step."
        )
        super().__init__(f"Steady does not have this participant's username on record yet: {way}")
        self.group_archived = group_archived
        self.left = left


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
        too: its participants keep signing in for a while), or one who left it and is in no
        active group now, while their access lasts (see the module). The account is the one
        whose username their enrolment (or the group's record of them) keeps (AdminGetUser, no
        lookup by account id). ``NotFound`` for someone never removed from the group and not
        in it, or an account that no longer exists; ``UsernameNotRecorded`` (409
        ``username_not_recorded``) for an enrolment from before usernames were kept with it;
        ``Conflict`` ``in_another_group`` or ``access_ended`` for someone who left; ``BadRequest``
        (``not_a_participant``) for an account with another role than participant;
        ``Conflict`` (``account_turned_off``) for an account an administrator turned off.
        Someone who left costs one Query of their groups more (and one BatchGetItem if they
        are in any), and their access item (cached); anyone whose account this group did not
        make, the reads of ``_not_also_elsewhere``."""
        group = led_group(self.records, caller, group_id)
        found = isinstance(participant_id, str)
        member = group.member(participant_id) if found else None
        left = (
            next((f for f in group.former if f.participant_id == participant_id), None)
            if found and member is None
            else None
        )
        if member is not None:
            if group.archived:
                # An archived group is one they left too (``enrolment.group_archived`` starts
                # their alumni period): its leaders reach them only while that lasts and they
                # are in no active group the caller does not lead, whose leaders are now the
                # ones to help.
                self._reachable_after_leaving(participant_id, caller)
            if not member.new_account_at:
                first = min([member.joined_at, *(joined for joined, _ in member.earlier)])
                self._not_also_elsewhere(caller, participant_id, group.group_id, first)
            username, display_name = member.username, member.display_name
        elif left is not None:
            self._reachable_after_leaving(left.participant_id)
            first = min(stint.joined_at for stint in left.stints)
            self._not_also_elsewhere(caller, participant_id, group.group_id, first)
            username, display_name = left.username, left.display_name
        else:
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        if not username:
            raise UsernameNotRecorded(group.archived, left=left is not None)
        account = self.accounts.find(username)
        if account.id != participant_id:
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
        return NewTemporaryPassword(account.id, account.username, display_name, password)

    def _not_also_elsewhere(
        self, caller: Caller, participant_id: str, group_id: str, first_here: str
    ) -> None:
        """Someone whose account this group did not make (enrolled by username), who first
        joined it at ``first_here``, may have been in another group before: one they are in,
        one archived, or one they left. If a leader who does not lead that one could give them
        a password, any leader could enrol anyone by username (an alumnus too) and sign in as
        them, to read all they ever wrote: that group's leaders are the ones to help (and this
        one's, for someone who joined here first). One Query of their audit copies up to
        ``first_here`` (``AuditRecords.groups_joined``) and one of their group pointers; if
        they have pointers to other groups, one BatchGetItem of when they joined them; if any
        group comes before this one, one Query of the caller's groups."""
        earlier = set(self.audit.groups_joined(participant_id, first_here))
        pointers = [g for g in self.records.groups_of_participant(participant_id) if g != group_id]
        if pointers:
            joined = self.records.joined_in(participant_id, pointers)
            earlier |= {g for g, at in joined.items() if at <= first_here}
        earlier.discard(group_id)
        if not earlier:
            return
        if earlier - set(self.records.groups_led_by(caller.id)):
            raise Conflict(ALSO_IN_ANOTHER_GROUP, code="in_another_group")

    def _reachable_after_leaving(self, participant_id: str, caller: Caller | None = None) -> None:
        """Someone who left the group may be given one only in their alumni period (see the
        module). Their groups are read, not taken from the cached access end, so someone
        enrolled elsewhere a moment ago is not reached from here. With ``caller`` (a member
        of an archived group), an active group the caller leads too does not count: they are
        that group's leader as well (one Query more, only then)."""
        active = set(self.records.active_groups_of(participant_id))
        if active and caller is not None:
            active -= set(self.records.groups_led_by(caller.id))
        if active:
            raise Conflict(IN_ANOTHER_GROUP, code="in_another_group")
        if self.access.ended(self.access.ends_at(participant_id)):
            raise Conflict(ACCESS_ENDED, code="access_ended")

    def chosen(self, participant_id: str) -> None:
        """The account chose its own password in place of a temporary one: recorded on its
        enrolments (``GroupRecords.set_password_chosen``), so its group leaders' pages stop
        showing a temporary password given before now (``sign_in.handouts``) without asking
        Cognito on every view; and, for someone who left (an access end), on their access item
        (``AccessCheck.password_chosen``), which a group they left reads for "Left the group",
        so the one its leader gave them goes too. An account in no group (a leader's) costs one
        Query and one UpdateItem (refused: it has no access end)."""
        now = self.clock.iso_seconds()
        self.records.set_password_chosen(participant_id, now)
        self.access.password_chosen(participant_id, now)
