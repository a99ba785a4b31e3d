"""One-off steps an operator runs after deploying a release that needs them (docs/deploy.md,
"Upgrade steps"), with the operator's own AWS credentials and the stack's names in the
environment (``AWS_REGION``, ``STEADY_RECORDS_TABLE``, ``STEADY_USER_POOL_ID``: all three must
be set, so a step never falls back to another stage's table):

    python -m chalicelib.upgrade saved-worksheets
    python -m chalicelib.upgrade usernames
    python -m chalicelib.upgrade access-notices

``saved-worksheets`` writes each participant's saved-worksheets item (which worksheet fields
they answered, and when; ``records/worksheets.py``) from their worksheets: needed once for
worksheets saved before that item existed, and again after a rollback to such a release.
Participants come from Cognito's ``participants`` group (one ListUsersInGroup per 60), each
one's worksheets from one Query: no Scan. It is safe to run at any time, and again: a save,
share or deletion that comes in meanwhile is never undone (``WorksheetRecords.rebuild_saved``).

``usernames`` writes each participant's username on their enrolments, and each group leader's
on their leader items, where the item has none (written before usernames were kept with them):
the API never looks a username up by account id (Cognito's ListUsers, which it is not granted),
so until then a group page names such a leader "username not on record" and a new temporary
password for such a participant is refused (``chalicelib.temporary_passwords``). Accounts come
from Cognito's ``participants`` and ``leaders`` groups (one ListUsersInGroup per 60), each one's
groups from one Query of their pointers, then one conditional UpdateItem per group: no Scan. It
is safe to run at any time, and again: a username already there is never overwritten, and an
enrolment or leader removed meanwhile is never brought back (``GroupRecords.fill_member_username``).
A group leader no longer in Cognito's ``leaders`` group is not reached (their items keep none).

``access-notices`` puts the notices before access ends (``chalicelib.access_notices``) for each
participant whose access end was set before notices existed (an item with ``access_ends_at`` and
no ``access_notices``): the notices still ahead of today, none for a day already past. Accounts
come from Cognito's ``participants`` group, each one's access item from one GetItem, then one
conditional TransactWriteItems: no Scan. Safe to run at any time, and again: an end set or
taken away meanwhile, or already given its notices, is left alone
(``AccessRecords.add_notices``).

In all three, an account it cannot do now (busy, or DynamoDB unavailable) is counted and the rest go
on; a page of accounts Cognito cannot give now ends that listing (``Listing``): the accounts
listed before it are done and counted, the line says the rest were not listed, and the next
listing goes on. Either way it exits 1: run it again for them. It prints counts only, never ids
or usernames."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from chalicelib.access import notice_days
from chalicelib.accounts import Account
from chalicelib.clock import Clock
from chalicelib.errors import Conflict, ServiceUnavailable
from chalicelib.identity import LEADERS, PARTICIPANTS
from chalicelib.records.access import AccessRecords
from chalicelib.records.groups import GroupRecords
from chalicelib.records.worksheets import WorksheetRecords

REQUIRED = ("AWS_REGION", "STEADY_RECORDS_TABLE", "STEADY_USER_POOL_ID")
STEPS = ("saved-worksheets", "usernames", "access-notices")
USAGE = f"usage: python -m chalicelib.upgrade {{{','.join(STEPS)}}}"
NOT_LISTED = ", the rest not listed (Cognito unavailable)"


@dataclass
class Listing:
    """The accounts of a role, page after page (``Accounts.every_in_role``). A page Cognito
    cannot give now (``ServiceUnavailable``) ends the listing, not the step: ``stopped`` says
    so, and the step reports it and exits 1."""

    accounts: Iterable[Account]
    stopped: bool = False

    def __iter__(self) -> Iterator[Account]:
        try:
            yield from self.accounts
        except ServiceUnavailable:
            self.stopped = True

    def note(self) -> str:
        """What the step's line adds when the listing stopped early."""
        return NOT_LISTED if self.stopped else ""


def saved_worksheets(
    records: WorksheetRecords, participant_ids: Iterable[str]
) -> tuple[int, int, int]:
    """Rebuild the saved-worksheets item of each participant: (participants done, worksheets,
    participants not done)."""
    done = worksheets = failed = 0
    for participant_id in participant_ids:
        try:
            worksheets += records.rebuild_saved(participant_id)
        except (Conflict, ServiceUnavailable):
            failed += 1
            continue
        done += 1
    return done, worksheets, failed


def member_usernames(
    records: GroupRecords, participants: Iterable[Account]
) -> tuple[int, int, int]:
    """Write each participant's username on their enrolments that have none: (participants
    done, enrolments written, participants not done)."""
    return _fill(records.groups_of_participant, records.fill_member_username, participants)


def leader_usernames(records: GroupRecords, leaders: Iterable[Account]) -> tuple[int, int, int]:
    """Write each group leader's username on their leader items that have none: (group leaders
    done, leader items written, group leaders not done)."""
    return _fill(records.groups_led_by, records.fill_leader_username, leaders)


def access_notices(
    records: AccessRecords, clock: Clock, participant_ids: Iterable[str]
) -> tuple[int, int, int]:
    """Put the notices of each access end set before notices existed: (participants done,
    notices put, participants not done)."""
    done = put = failed = 0
    for participant_id in participant_ids:
        try:
            ends_at = records.ends_without_notices(participant_id)
            if ends_at is not None:
                notices = notice_days(ends_at, clock.zone, clock.today())
                if records.add_notices(participant_id, ends_at, notices):
                    put += len(notices)
        except (Conflict, ServiceUnavailable):
            failed += 1
            continue
        done += 1
    return done, put, failed


def _fill(
    groups_of: Callable[[str], list[str]],
    fill: Callable[[str, str, str], bool],
    accounts: Iterable[Account],
) -> tuple[int, int, int]:
    done = written = failed = 0
    for account in accounts:
        try:
            for group_id in groups_of(account.id):
                written += fill(group_id, account.id, account.username)
        except ServiceUnavailable:
            failed += 1
            continue
        done += 1
    return done, written, failed


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    env = os.environ if environ is None else environ
    if len(args) != 1 or args[0] not in STEPS:
        print(USAGE, file=sys.stderr)
        return 2
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        print(f"set {', '.join(missing)} first (docs/deploy.md, Upgrade steps)", file=sys.stderr)
        return 2
    from chalicelib import services

    svc = services.current()
    if args == ["usernames"]:
        records = svc.group_records
        participants = Listing(svc.accounts.every_in_role(PARTICIPANTS))
        done, enrolments, failed = member_usernames(records, participants)
        print(
            f"usernames: {done} participants, {enrolments} enrolments filled, {failed} not done"
            f"{participants.note()}"
        )
        leaders = Listing(svc.accounts.every_in_role(LEADERS))
        leaders_done, items, leaders_failed = leader_usernames(records, leaders)
        print(
            f"usernames: {leaders_done} group leaders, {items} leader items filled, "
            f"{leaders_failed} not done{leaders.note()}"
        )
        unfinished = failed or leaders_failed or participants.stopped or leaders.stopped
        return 1 if unfinished else 0
    if args == ["access-notices"]:
        participants = Listing(svc.accounts.every_in_role(PARTICIPANTS))
        done, notices, failed = access_notices(
            svc.access.records, svc.clock, (account.id for account in participants)
        )
        print(
            f"access-notices: {done} participants, {notices} notices put, {failed} not done"
            f"{participants.note()}"
        )
        return 1 if failed or participants.stopped else 0
    participants = Listing(svc.accounts.every_in_role(PARTICIPANTS))
    done, worksheets, failed = saved_worksheets(
        svc.worksheets.records, (account.id for account in participants)
    )
    print(
        f"saved-worksheets: {done} participants, {worksheets} worksheets, {failed} not done"
        f"{participants.note()}"
    )
    return 1 if failed or participants.stopped else 0


if __name__ == "__main__":
    raise SystemExit(main())
