"""Administrators' use cases: leader and author accounts, turning any account off and on
again, authenticator resets, the audit trail.

Only admins do these, for accounts of every role (participants included: a clinic's admin acts
on a discharge or a safety concern; a group leader may not, because a leader reaches only their
own groups and an account is wider than a group). An admin cannot disable their own account, so
a program is never left without one by mistake. Every change is audit-logged; an entry about a
participant's account is also findable by that participant (``records/audit.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib import logs
from chalicelib.access import AccessCheck
from chalicelib.accounts import Account, Accounts
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict
from chalicelib.identity import ADMINS, AUTHORS, LEADERS, PARTICIPANTS, Caller
from chalicelib.mfa import Authenticators
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.groups import GroupRecords
from chalicelib.records.reminders import ReminderRecords
from chalicelib.records.sessions import SessionRecords

MANAGED_ROLES = (LEADERS, AUTHORS)
# The values an admin may give (plural: Cognito's group names), named in the refusal.
INVALID_ROLE = 'role must be "leaders" or "authors".'
# Admins are listed too (who else can turn accounts off?), but created only at deploy time.
LISTED_ROLES = (LEADERS, AUTHORS, ADMINS)
INVALID_LISTED_ROLE = 'role must be "leaders", "authors" or "admins".'
# The refusal of an admin's own account (the web page says it before its confirmation too).
OWN_ACCOUNT = "Admins cannot turn off their own account."
# An action, or the start of one ("account." or "group.progress"): letters, dots, underscores.
_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]*)*$")


@dataclass(frozen=True)
class NewAccount:
    account: Account
    temporary_password: str | None


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]
    next_page_token: str | None


class Administration:
    def __init__(
        self,
        accounts: Accounts,
        access: AccessCheck,
        sessions: SessionRecords,
        authenticators: Authenticators,
        audit: AuditRecords,
        clock: Clock,
        groups: GroupRecords,
        reminders: ReminderRecords,
    ) -> None:
        self._accounts = accounts
        self._access = access
        self._sessions = sessions
        self._authenticators = authenticators
        self._audit = audit
        self._clock = clock
        self._groups = groups
        self._reminders = reminders

    def create_account(
        self,
        caller: Caller,
        username: str,
        role: str,
        email: str | None,
        created_since: int | None = None,
    ) -> NewAccount:
        """A leader or author account; Cognito emails the temporary password when ``email`` is
        given, otherwise it comes back once here.

        ``created_since`` (epoch seconds): the same web form was sent before, at that time, by
        a request that stopped half-way (``sign_in.once``): an account it created then, whose
        temporary password was never shown, gets a new one (``Accounts.resume_create``)
        instead of "that username is taken". Its entry is written again then (the stopped
        request may or may not have written it)."""
        if role not in MANAGED_ROLES:
            raise BadRequest(INVALID_ROLE, code="invalid_role")
        try:
            account, password = self._accounts.create(username, role, email)
        except Conflict as error:
            if error.code != "username_taken" or created_since is None or email:
                raise
            account, password = self._accounts.resume_create(username, role, created_since)
        self._record(caller, "account.create", {"account_id": account.id, "role": role})
        return NewAccount(account, password)

    def list_accounts(self, role: str, page_token: str | None) -> tuple[list[Account], str | None]:
        if role not in LISTED_ROLES:
            raise BadRequest(INVALID_LISTED_ROLE, code="invalid_role")
        return self._accounts.list_role(role, page_token)

    def staff_usernames(self, account_ids: Iterable[str]) -> dict[str, str]:
        """Staff usernames by account id, for naming the actors of audit entries: those who
        have signed in on the web (``SessionRecords.staff_usernames``: one BatchGetItem)."""
        return self._sessions.staff_usernames(account_ids)

    def group_names(self, group_ids: Iterable[str]) -> dict[str, str]:
        """The current names of the groups audit entries name, by id (an archived group's
        too; one that no longer exists is left out): one BatchGetItem of up to 100 groups."""
        return self._groups.names(list(group_ids))

    def find_account(self, username: str) -> Account:
        """The account with this username (any case), as a confirmation page shows it before
        a change; raises ``NotFound`` (``account_not_found``) or ``BadRequest``."""
        return self._accounts.find(username)

    def disable(self, caller: Caller, username: str) -> Account:
        """Any account but the caller's own: Cognito stops its sign-in and signs it out
        everywhere, its tokens stop working (at once on this container, within 5 minutes on
        every other) and its web sessions end at once."""
        target = self._accounts.find(username)
        if target.id == caller.id:
            raise BadRequest(OWN_ACCOUNT, code="own_account")
        account = self._accounts.disable(target.username)
        self._access.end(account.id)
        self._sessions.end_all(account.id)
        self._authenticators.forget(account.username)
        now = self._clock.iso_seconds()
        if PARTICIPANTS in account.roles:
            # Nothing is sent to an account that is off; not best effort, unlike the group
            # page's mark: if it fails, the admin's retry (the same request) marks it.
            self._reminders.mark_account_off(account.id, now)
        self._record_account_change(caller, "account.disable", account)
        self._mark_enrolments(account, now)
        return account

    def enable(self, caller: Caller, username: str) -> Account:
        """Let a disabled account sign in again; tokens from before the disable stay ended."""
        account = self._accounts.enable(username)
        if PARTICIPANTS in account.roles:
            # Their reminders come again, as they had chosen them.
            self._reminders.mark_account_off(account.id, None)
        self._record_account_change(caller, "account.enable", account)
        self._mark_enrolments(account, None)
        return account

    def _mark_enrolments(self, account: Account, off_at: str | None) -> None:
        """A participant's group leaders see on the group page that the account is off
        (``GroupRecords.set_account_off``). Best effort: the account is off (or on) either way,
        and a new temporary password asks Cognito itself (``TemporaryPasswords.give``)."""
        if PARTICIPANTS not in account.roles:
            return
        try:
            self._groups.set_account_off(account.id, off_at)
        except Exception:  # noqa: BLE001 - see docstring
            logs.event("account_off_not_marked", logging.WARNING)

    def reset_authenticator(self, caller: Caller, username: str) -> Account:
        """A lost phone: the account signs in with its password next time and sets up a new one.
        Signed out everywhere, as a disable does: Cognito's refresh tokens, the bearer tokens
        issued before now (``AccessCheck.end``) and the web sessions, so the lost phone keeps
        nothing that works."""
        account = self._accounts.reset_authenticator(username)
        self._access.end(account.id)
        self._sessions.end_all(account.id)
        self._authenticators.forget(account.username)
        self._record(caller, "account.reset_authenticator", {"account_id": account.id})
        return account

    def audit_trail(
        self,
        caller: Caller,
        page_token: str | None,
        limit: int,
        participant: str | None = None,
        until: str | None = None,
        action: str | None = None,
        actor: str | None = None,
    ) -> AuditPage:
        """Newest first; ``limit`` from 1 to 100. Narrowed, for a question such as "who read
        this participant's records in October": to the entries about one participant (their
        username), or to what one account did (``actor``, a username), to those on or before
        the day ``until`` (YYYY-MM-DD; a day in the program's time zone, as the trail's times
        are shown, so up to that day's end there), to actions starting with ``action``. The admin's
        reads of the whole trail are not entries (it holds ids and codes only, and reading it
        is their job); a look at one participant's entries is one, about that participant, and so
        is a look at what a participant did (``actor`` naming an account with the participants
        role, a leader's that is also a participant's included)."""
        if not 1 <= limit <= 100:
            raise BadRequest("limit is a whole number from 1 to 100.", code="invalid_parameter")
        # The one place the day becomes an instant: the records walk UTC days and keys.
        before = self._clock.day_end(_day(until)) if until is not None else None
        if action is not None and (len(action) > 60 or not _ACTION.fullmatch(action)):
            raise BadRequest(
                'action is an action or the start of one, such as "account." or '
                '"group.progress.read".',
                code="invalid_parameter",
            )
        if participant is not None and actor is not None:
            raise BadRequest(
                "Give participant or actor, not both: entries about a participant are looked "
                "up through that participant.",
                code="invalid_parameter",
            )
        if participant is not None:
            account = self._accounts.find(participant)
            if PARTICIPANTS not in account.roles:
                raise BadRequest(
                    f"{account.username} is not a participant's account: entries name "
                    "participants only.",
                    code="not_a_participant",
                )
            self._record_participant_read(caller, account)
            entries, token = self._audit.entries_about(
                account.id, page_token, limit, before, action
            )
        else:
            actor_id = None
            if actor is not None:
                acting = self._accounts.find(actor)
                if PARTICIPANTS in acting.roles:
                    # What a participant did (their export, their sharing choices, the groups
                    # they went through) is their records too: the same entry about them as
                    # the look through ``participant``. An account that is also a leader's
                    # included: its entries cannot be told apart before they are read.
                    self._record_participant_read(caller, acting)
                actor_id = acting.id
            entries, token = self._audit.page(page_token, limit, before, action, actor_id)
        return AuditPage(entries, token)

    def _record_participant_read(self, caller: Caller, account: Account) -> None:
        """Who read a participant's records says which groups they are in: a look at their
        entries (about them, or what they did) is itself an entry about them, written before
        anything is returned, which they see under "Who has seen my records"."""
        self._audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "audit.participant.read",
                self._clock.iso(),
                participant_ids=[account.id],
            )
        )

    def _record(self, caller: Caller, action: str, detail: dict[str, Any]) -> None:
        self._audit.record(
            new_entry(caller.id, caller.roles, action, self._clock.iso(), detail=detail)
        )

    def _record_account_change(self, caller: Caller, action: str, account: Account) -> None:
        participant_ids = [account.id] if PARTICIPANTS in account.roles else []
        self._audit.record(
            new_entry(
                caller.id,
                caller.roles,
                action,
                self._clock.iso(),
                participant_ids=participant_ids,
                detail={"account_id": account.id, "roles": sorted(account.roles)},
            )
        )


def _day(text: str) -> date:
    try:
        if len(text) == 10:
            # "Up to the end of that day" reads up to the next day's start: the calendar's
            # last day has none (an OverflowError, a 500), and no entry is that late anyway.
            return min(date.fromisoformat(text), date.max - timedelta(days=1))
    except ValueError:
        pass
    raise BadRequest("until is a day written YYYY-MM-DD.", code="invalid_parameter")
