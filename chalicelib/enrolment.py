"""Enrolment: a group leader adds a participant to a group (a new account or an existing one)
or removes one. Both are audit-logged in the same transaction as the change.

A participant who leaves every group keeps signing in to their plan, their answers and the
library for ``Settings.alumni_days`` (default 365). Leaving is being removed from their last
active group, or that group being archived (an archived group's program is over; its leaders
can still read it): either records when their access ends (``chalicelib.access``). Enrolling
them again anywhere, or unarchiving the group, takes that end away."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.access import AccessCheck
from chalicelib.accounts import Accounts, check_username
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.groups import GroupSummary, check_name, led_group
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.records.audit import new_entry
from chalicelib.records.groups import Group, GroupRecords, Stint

PARTICIPANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Enrolled:
    participant_id: str
    username: str
    display_name: str
    # Only when the account was created now: returned once to the group leader, never stored
    # here (the web keeps it in the leader's own session until handed over: chalicelib.sign_in).
    temporary_password: str | None = None

    def to_dict(self) -> dict[str, Any]:
        result = {
            "participant_id": self.participant_id,
            "username": self.username,
            "display_name": self.display_name,
        }
        if self.temporary_password:
            result["temporary_password"] = self.temporary_password
        return result


@dataclass(frozen=True)
class Renamed:
    """A participant's name shown to the group's leaders, after ``Enrolment.rename``:
    ``changed`` False when it was the name they already had (nothing was written)."""

    participant_id: str
    display_name: str
    changed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "changed": self.changed,
        }


DAY_SECONDS = 86_400


@dataclass
class Enrolment:
    records: GroupRecords
    accounts: Accounts
    clock: Clock
    # Told after a participant joins or leaves a group (the reminder run re-reads their groups).
    groups_changed: Callable[[str], None] | None = None
    access: AccessCheck | None = None
    alumni_days: int = 365
    # A participant's assigned modules done and assigned, as the progress grid counts them
    # (``Dashboard.totals``), kept with them when they leave (the group page's "Left the group").
    totals: Callable[[Group, str], tuple[int, int]] | None = None

    def enrol(
        self,
        caller: Caller,
        group_id: str,
        username: str,
        display_name: str | None = None,
        create: bool = False,
        email: str | None = None,
        rename: bool = True,
        created_since: int | None = None,
    ) -> tuple[Enrolled, bool]:
        """Enrol a participant: a new account (``create``) or an existing participant account.
        Returns ``(enrolled, added)``; enrolling again is harmless (``added`` False): with
        ``rename`` (the API's documented behaviour) and a ``display_name`` it sets that name;
        without a name, or without ``rename`` (the web's enrol form), it changes nothing and
        ``enrolled`` has the name they already have here. Someone read as enrolled and removed
        by a co-leader before that name is written is enrolled anew (``added`` True), as if the
        removal had been read: never their ended enrolment brought back. The username is the
        default name of someone new to the group, and is kept with the enrolment (an enrolment
        from before that gets it now, whatever else is asked).

        ``created_since`` (epoch seconds): the same form was sent before, at that time, by a
        request that stopped half-way (the web's one-time key, ``sign_in.once``): an account
        it created then, whose temporary password was never shown, is enrolled with a new one
        (``Accounts.resume_create``) instead of "that username is taken"."""
        group = led_group(self.records, caller, group_id, writable=True)
        username = check_username(username)
        given_name = bool(display_name)
        display_name = check_name(display_name or username, "A display name")
        password = None
        if create:
            try:
                account, password = self.accounts.create(username, PARTICIPANTS, email)
            except Conflict as error:
                if error.code != "username_taken" or created_since is None or email:
                    raise
                account, password = self.accounts.resume_create(
                    username, PARTICIPANTS, created_since
                )
        else:
            if email is not None:
                raise BadRequest(
                    "email is only used when creating an account.", code="invalid_field"
                )
            account = self.accounts.find(username)
            if PARTICIPANTS not in account.roles:
                raise BadRequest(
                    "That account is not a participant account.", code="not_a_participant"
                )
        member = group.member(account.id)
        already = member is not None
        if member is not None and password is not None:
            # Enrolled by the request that stopped, whose password was never shown: this one.
            return Enrolled(account.id, account.username, member.display_name, password), False
        if member is not None and not (rename and given_name):
            if not member.username:
                # Enrolled before usernames were kept with enrolments: keep it now, so a new
                # temporary password can be given (``chalicelib.temporary_passwords``). No audit
                # entry: nothing anyone did changes (``records/groups.py``).
                self.records.fill_member_username(group.group_id, account.id, account.username)
            return Enrolled(account.id, account.username, member.display_name), False
        now = self.clock.iso()
        # Cognito's answer (``find``) says it is off; the group page reads only the enrolment.
        off_at = None if account.enabled else self._turned_off_at(account.id)

        def write(now: str, still_enrolled: bool) -> None:
            audit = new_entry(
                caller.id,
                caller.roles,
                "enrolment.add",
                now,
                group_id=group.group_id,
                participant_ids=[account.id],
            )
            self.records.enrol(
                group.group_id,
                account.id,
                display_name,
                now,
                audit,
                account.username,
                new_account=password is not None,
                account_off_at=off_at,
                still_enrolled=still_enrolled,
            )

        try:
            # Read as enrolled: a rename, only while still enrolled (``records/groups.py``).
            write(now, still_enrolled=already)
        except NotFound:
            # A co-leader removed them since the group was read. Enrolling them is what was
            # asked, so they are enrolled as anyone not in the group is: a new membership
            # (their earlier one stays ended, under "Left the group"), told as added, and the
            # reminder run and their access end as for any enrolment. Never an enrolment
            # brought back as if it had not ended.
            already = False
            write(self.clock.iso(), still_enrolled=False)
        if self.groups_changed is not None and not already:
            self.groups_changed(account.id)
        if self.access is not None:
            # Back in a group: access does not end. Not asked of the cached end first, which
            # may predate a removal on another container (one UpdateItem, a no-op without one).
            self.access.take_end_away(account.id)
        return Enrolled(account.id, account.username, display_name, password or None), not already

    def enrolled_as(self, caller: Caller, group_id: str, username: str) -> Enrolled | None:
        """The participant enrolled as ``username`` in a group ``caller`` leads (by the username
        kept with their enrolment), or ``None``: for the enrol form's "… is already in this
        group" when "Create a new account" is sent again with Back (walk 17, 8), where the
        account's "username is taken" would send the leader the wrong way."""
        group = led_group(self.records, caller, group_id)
        username = check_username(username)
        member = next((p for p in group.participants if p.username == username), None)
        if member is None:
            return None
        return Enrolled(member.participant_id, username, member.display_name)

    def rename(
        self, caller: Caller, group_id: str, participant_id: str, display_name: Any
    ) -> Renamed:
        """Change the name shown to the group's leaders for one of its participants (a typo at
        intake), held to the enrol form's rule (``check_name``); an archived group's too, since
        its progress CSV is the clinical record. The web's form and the API's
        ``PATCH /groups/{id}/participants/{pid}`` both call this. ``changed`` is False if it
        is the name they already have here: nothing is written. Audit-logged (ids only).
        ``NotFound`` for someone not in the group, or a group the caller does not lead."""
        group = led_group(self.records, caller, group_id)
        member = group.member(participant_id) if PARTICIPANT_ID.fullmatch(participant_id) else None
        if member is None:
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        name = check_name(display_name, "A display name")
        if name == member.display_name:
            return Renamed(participant_id, name, False)
        audit = new_entry(
            caller.id,
            caller.roles,
            "enrolment.rename",
            self.clock.iso(),
            group_id=group.group_id,
            participant_ids=[participant_id],
        )
        self.records.rename_participant(group.group_id, participant_id, name, audit)
        return Renamed(participant_id, name, True)

    def remove(self, caller: Caller, group_id: str, participant_id: str) -> None:
        """Remove a participant from a group (their completions stay theirs). The group keeps
        them as a former member: when they joined and left, who removed them, and their totals
        then (``records/groups.py``), for its leaders' "Left the group" list and the CSV."""
        group = led_group(self.records, caller, group_id)
        member = group.member(participant_id) if PARTICIPANT_ID.fullmatch(participant_id) else None
        if member is None:
            raise NotFound("That participant is not in this group.", code="participant_not_found")
        done, assigned = self.totals(group, participant_id) if self.totals else (None, None)
        now = self.clock.iso()
        audit = new_entry(
            caller.id,
            caller.roles,
            "enrolment.remove",
            now,
            group_id=group.group_id,
            participant_ids=[participant_id],
        )
        left = Stint(member.joined_at, now, caller.id, done, assigned)
        self.records.remove_participant(group.group_id, participant_id, audit, left, member)
        if self.groups_changed is not None:
            self.groups_changed(participant_id)
        self._start_alumni_if_left(participant_id)

    def _turned_off_at(self, account_id: str) -> str:
        """When an account Cognito says is off was turned off, for its enrolment's mark (one
        consistent GetItem); the enrolment's time if no disable was recorded."""
        at = self.access.turned_off_at(account_id) if self.access is not None else ""
        return at or self.clock.iso_seconds()

    def _start_alumni_if_left(self, participant_id: str) -> None:
        """If the participant is in no active group any more: alumni access, for a while (one
        strongly consistent Query and at most one BatchGetItem, then one TransactWriteItems).
        An end already set stays: decided by the write's condition, not the cached end. An end
        written is followed by the same read once more (a Query, a BatchGetItem if they are in
        any group)."""
        if self.access is None or self.records.active_groups_of(participant_id):
            return
        if not self.access.start_end(participant_id, self.alumni_end()):
            return
        # An enrolment (or an unarchive) landing between the first read and the write found no
        # end to take away, and was acknowledged: read again, so it is not lost.
        if self.records.active_groups_of(participant_id):
            self.access.take_end_away(participant_id)

    def alumni_end(self) -> int:
        """When access would end (epoch seconds) for a participant leaving their last group
        now."""
        return int(self.clock.epoch()) + self.alumni_days * DAY_SECONDS

    def access_end_if_removed(self, group: GroupSummary, participant_id: str) -> int | None:
        """For the Remove confirmation of a group the page has already read as its leader
        (``Groups.detail``): when the participant's access would end if removed now, if this
        active group is their last active one; ``None`` if removing them ends nothing (another
        active group, or this one is archived). One Query of their groups, and one
        BatchGetItem only if they are in others."""
        if self.access is None or group.archived:
            return None
        if self.records.active_groups_of(participant_id, besides=group.group_id):
            return None
        return self.alumni_end()

    def group_archived(self, participant_ids: Sequence[str], archived: bool) -> None:
        """A group was archived (its participants may have left every group: their alumni
        access starts) or unarchived (they are in a group again: access does not end). Per
        participant, archived: ``_start_alumni_if_left``; unarchived: one UpdateItem (and one
        TransactWriteItems for the notices of an end taken away)."""
        if self.access is None:
            return
        for participant_id in participant_ids:
            if archived:
                self._start_alumni_if_left(participant_id)
            else:
                self.access.take_end_away(participant_id)
