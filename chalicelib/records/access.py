"""When an account's access ended: one small item per account that was ever disabled.

Key: ``ACCOUNT#{account id}`` / ``NOT_VALID_BEFORE`` (the account id is the Cognito ``sub``).
Attribute ``not_valid_before``: epoch seconds; a token issued (``auth_time``/``iat``) before
it is refused. Written when an admin disables the account; kept when it is enabled again,
because the old tokens must stay ended while they are still unexpired (up to 60 minutes).

Access patterns: one GetItem per account per container per ``chalicelib.access.REMEMBER_SECONDS``
(the token check, through a cache), one UpdateItem per disable; a group page's former members
in one BatchGetItem per 100 (``times_of``); one UpdateItem per password chosen
(``set_password_chosen``); the participant's download reads it in the BatchGetItem of their
groups (``account_key``, ``account_times``); one consistent GetItem when an account that is
off is enrolled in a group (``not_valid_before``: when it was turned off). No Scan.

Conditional-write rule: ``attribute_not_exists(PK) OR attribute_not_exists(not_valid_before)
OR not_valid_before < :t`` -- the time only moves forward, so two disables racing (or a retry)
never reopen a window.

Attribute ``access_ends_at`` (epoch seconds), on the same item: when a participant who left
every group stops being able to sign in (``chalicelib.enrolment``: set when they leave their
last group, removed when they are enrolled again). Read with ``not_valid_before`` by the same
cached GetItem: it costs requests nothing. The cache is for reading only: up to
``REMEMBER_SECONDS`` old, and another container may have changed the end since, so the writes
below carry their own conditions and never ask it first.

Attribute ``password_chosen_at`` (ISO, seconds), on the same item: when a participant with an
access end (someone who left, in the alumni period) last chose their own password in place of
a temporary one (``set_password_chosen``). A group they left has no enrolment of theirs to note
it on, and its page reads this item anyway ("Left the group": ``times_of``), so the temporary
password a leader gave them stops showing there, as a member's does, at no read of its own.
Conditional-write rule: one UpdateItem on ``attribute_exists(access_ends_at)``: written only
while they have an access end (the only time a group they left can give them one), so it never
makes an item for an account that has none; unconditional otherwise (the later choice wins).
Kept when the end is taken away: it is only ever compared with a later temporary password's
time (``chalicelib.sign_in.handouts``).

The same partition indexes the account's web sessions (``SESSION#{sha256}``; see
``chalicelib.records.sessions``), so a disable ends them with one Query and no Scan.

Access-ending notices (``chalicelib.access_notices``): an index keyed by the program day a
notice is due, so the scheduled run finds the due ones with one Query, never a Scan.

| record                                   | PK                        | SK                    |
|------------------------------------------|---------------------------|-----------------------|
| a notice due that day (30 or 7 days out) | ``ACCESS_NOTICE#{day}``   | ``PARTICIPANT#{id}``  |

Attributes: ``participant_id``, ``ends_at`` (the access end it announces, epoch seconds),
``days_before`` (30 or 7), ``expires_at`` (DynamoDB TTL: the access end; nothing to say after
it), and once the run dealt with it ``done_at``, ``run`` and ``outcome`` (``sent``, or why not:
``no_contact``, ``ended``). Never a contact detail or message text. The account item lists
the days it put (``access_notices``) so that taking the end away deletes exactly those.

Conditional-write rules:
- starting an access end (leaving the last active group: ``start_access_end``) is one
  TransactWriteItems: the account item's ``access_ends_at`` and ``access_notices`` on
  ``attribute_not_exists(access_ends_at)`` (an end already set stays: removal from an archived
  group does not move it a year on), and a Put of each notice item (unconditional: an item names
  the end it announces, and the run sends only while the account's ``access_ends_at`` still
  equals it, so an item left by an older end says nothing). The condition cancels the Puts too,
  so the notices are always those of the stored end. ``set_access_ends`` writes an end without
  the condition (for tests that set one; no use case does);
- taking it away (enrolled again, group unarchived: ``take_access_end_away``) is one UpdateItem
  on ``attribute_exists(access_ends_at) OR attribute_exists(access_notices)`` that removes both
  attributes and returns the old ``access_notices`` (an account with no end: the condition
  fails, nothing is written, no item is made), then one TransactWriteItems deleting those items,
  each on ``attribute_not_exists(PK) OR ends_at = :old end`` (a notice of a later end put on
  the same day meanwhile stays; if one is refused, the others are left too, saying nothing,
  until TTL deletes them). A retry deletes nothing more;
- the run claims a notice before sending it: ``SET done_at, run, outcome`` with
  ``attribute_exists(PK) AND attribute_not_exists(done_at)``. A retried or overlapping run
  finds the claim and sends nothing: at most one message per notice. A send that certainly
  did not go gives the claim back (``run = :this_run``), so a later run that day may try
  again; one that may have gone keeps it (``chalicelib.reminders.deliver``);
- the run's Query filters out claimed items (``attribute_not_exists(done_at)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.keys import (
    ACCOUNT_PREFIX,
    REMINDERS_SK,
    access_notice_pk,
    account_pk,
    participant_id_of,
    participant_pk,
    participant_sk,
)
from chalicelib.records.keys import NOT_VALID_BEFORE_SK as SK
from chalicelib.records.table import (
    ConditionFailed,
    RecordTable,
    TransactionCancelled,
    from_item,
    to_item,
)

# Two keys per participant (their reminder settings, their account item): 50 a BatchGetItem.
_NOTICE_BATCH_KEYS = 100


@dataclass(frozen=True)
class AccountTimes:
    """What a group page reads of a participant who left (``times_of``): the account's
    not-valid-before time and its access end (epoch seconds; ``None``: none), and when they
    last chose their own password while they had an end (ISO; ``""``: not recorded)."""

    not_valid_before: int | None = None
    ends_at: int | None = None
    password_chosen_at: str = ""
    # The program days the notices before ``ends_at`` are due (``access_notices``).
    notice_days: tuple[str, ...] = ()


def account_key(account_id: str) -> tuple[str, str]:
    """The ``(PK, SK)`` of the account's item, for a BatchGetItem that reads it with other
    items (the participant's download: ``GroupRecords.memberships_of``)."""
    return account_pk(account_id), SK


def account_times(item: Mapping[str, Any] | None) -> AccountTimes:
    """What the account's item (as read, ``None``: there is none) holds about its times."""
    if item is None:
        return AccountTimes()
    nvb, ends = item.get("not_valid_before"), item.get("access_ends_at")
    return AccountTimes(
        int(nvb) if nvb is not None else None,
        int(ends) if ends is not None else None,
        str(item.get("password_chosen_at", "")),
        tuple(str(d) for d in item.get("access_notices") or ()),
    )


@dataclass(frozen=True)
class AccessNotice:
    """One notice due on ``day``: the access end it announces, and how far ahead."""

    day: str
    participant_id: str
    ends_at: int
    days_before: int


@dataclass(frozen=True)
class NoticeState:
    """What the run needs to send a notice: the participant's reminder settings (contact,
    language, time zone, quiet hours; ``None``: never saved) and their access end now."""

    participant_id: str
    settings: dict[str, Any] | None
    ends_at: int | None


class AccessRecords(RecordTable):
    def not_valid_before(self, account_id: str, consistent: bool = False) -> int | None:
        """The account's not-valid-before time (epoch seconds), or ``None`` if it has none:
        one GetItem (``consistent``: strongly consistent)."""
        nvb = account_times(self.get_one(account_pk(account_id), SK, consistent)).not_valid_before
        return nvb or None

    def times(self, account_id: str) -> tuple[int | None, int | None]:
        """The account's not-valid-before time and the time its access ends (epoch seconds,
        ``None`` where there is none): one GetItem."""
        item = self.get_one(account_pk(account_id), SK)
        if item is None:
            return None, None
        ends = item.get("access_ends_at")
        return int(item.get("not_valid_before", 0)), (int(ends) if ends is not None else None)

    def times_of(self, account_ids: list[str]) -> dict[str, AccountTimes]:
        """``times`` of many accounts at once, with ``password_chosen_at`` (a group page's "Left
        the group"): one BatchGetItem per 100 accounts, never one call per account; an account
        with no item has none of them."""
        unique = list(dict.fromkeys(account_ids))
        found = {a: AccountTimes() for a in unique}
        for item in self.batch_get_pairs([(account_pk(a), SK) for a in unique]):
            ends = item.get("access_ends_at")
            found[str(item["PK"]).removeprefix(ACCOUNT_PREFIX)] = AccountTimes(
                int(item.get("not_valid_before", 0)),
                int(ends) if ends is not None else None,
                str(item.get("password_chosen_at", "")),
            )
        return found

    def set_password_chosen(self, account_id: str, now: str) -> bool:
        """Record that the account chose its own password (``now``, ISO) while it has an access
        end (see the module): one UpdateItem. ``False``: it has no end, nothing written."""
        try:
            self.call(
                "update_item",
                Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                UpdateExpression="SET #c = :t",
                ConditionExpression="attribute_exists(#e)",
                ExpressionAttributeNames={"#c": "password_chosen_at", "#e": "access_ends_at"},
                ExpressionAttributeValues=to_item({":t": now}),
            )
        except ConditionFailed:
            return False
        return True

    def set_access_ends(
        self, account_id: str, ends_at: int | None, notices: Mapping[str, int] | None = None
    ) -> None:
        """Record when the account's access ends, whatever end it had (``None``: it does not
        end). With an end, the notices to send before it (``notices``: program day -> days
        before the last full day) are put in the same TransactWriteItems; without one, see
        ``take_access_end_away``. Use cases start an end with ``start_access_end``."""
        if ends_at is None:
            self.take_access_end_away(account_id)
            return
        self.transact(self._notice_items(account_id, ends_at, notices or {}), _BUSY)

    def start_access_end(self, account_id: str, ends_at: int, notices: Mapping[str, int]) -> bool:
        """Record when the account's access ends, with the notices before it, unless it already
        has an end (see the module): one TransactWriteItems, its Update on
        ``attribute_not_exists(access_ends_at)``. ``False``: it had one; nothing was written
        (its notice items neither)."""
        items = self._notice_items(account_id, ends_at, notices)
        items[0]["Update"]["ConditionExpression"] = "attribute_not_exists(#e)"
        try:
            self.transact(items, _BUSY)
        except TransactionCancelled as cancelled:
            if cancelled.first.get("Code") == "ConditionalCheckFailed":
                return False
            raise self.unavailable(cancelled) from None
        return True

    def take_access_end_away(self, account_id: str) -> bool:
        """The account's access does not end any more (see the module): one UpdateItem on
        ``attribute_exists(access_ends_at) OR attribute_exists(access_notices)`` that removes
        both and returns the notice days it had, then, if it had any, one TransactWriteItems
        deleting those notice items that still announce the end taken away. ``False``: it had
        no end; nothing was written (no item is made for an account that has none)."""
        try:
            response = self.call(
                "update_item",
                Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                UpdateExpression="REMOVE #e, #n",
                ConditionExpression="attribute_exists(#e) OR attribute_exists(#n)",
                ExpressionAttributeNames={"#e": "access_ends_at", "#n": "access_notices"},
                ReturnValues="UPDATED_OLD",
            )
        except ConditionFailed:
            return False
        old = from_item(response.get("Attributes") or {})
        days = [str(d) for d in old.get("access_notices") or []]
        if not days:
            return True
        deletes: list[dict[str, Any]] = []
        for day in days:
            delete: dict[str, Any] = {
                "TableName": self._table,
                "Key": to_item({"PK": access_notice_pk(day), "SK": participant_sk(account_id)}),
            }
            if old.get("access_ends_at") is not None:
                # A notice of a later end, put on the same day meanwhile, is not ours to delete.
                delete["ConditionExpression"] = "attribute_not_exists(PK) OR #x = :x"
                delete["ExpressionAttributeNames"] = {"#x": "ends_at"}
                delete["ExpressionAttributeValues"] = to_item({":x": old["access_ends_at"]})
            deletes.append({"Delete": delete})
        try:
            self.transact(deletes, _BUSY)
        except TransactionCancelled as cancelled:
            if "ConditionalCheckFailed" not in TransactionCancelled.codes_of(cancelled.reasons):
                raise self.unavailable(cancelled) from None
            # Left as they are: an item announcing the end taken away sends nothing (the run
            # sends only while the account's end is the one it announces), and TTL deletes it.
        return True

    def _notice_items(
        self, account_id: str, ends_at: int, notices: Mapping[str, int]
    ) -> list[dict[str, Any]]:
        """The account item's update (the end, the days of its notices) and a Put per notice."""
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                    "UpdateExpression": "SET #e = :e, #n = :n",
                    "ExpressionAttributeNames": {"#e": "access_ends_at", "#n": "access_notices"},
                    "ExpressionAttributeValues": to_item({":e": ends_at, ":n": sorted(notices)}),
                }
            }
        ]
        for day, days_before in sorted(notices.items()):
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(
                            {
                                "PK": access_notice_pk(day),
                                "SK": participant_sk(account_id),
                                "participant_id": account_id,
                                "ends_at": ends_at,
                                "days_before": days_before,
                                "expires_at": ends_at,
                            }
                        ),
                    }
                }
            )
        return items

    def ends_without_notices(self, account_id: str) -> int | None:
        """The account's access end if it was set before notices existed (no
        ``access_notices`` on the item), else ``None``: one consistent GetItem (an upgrade
        step, ``chalicelib.upgrade``)."""
        item = self.get_one(account_pk(account_id), SK, consistent=True)
        if item is None or item.get("access_ends_at") is None or "access_notices" in item:
            return None
        return int(item["access_ends_at"])

    def add_notices(self, account_id: str, ends_at: int, notices: Mapping[str, int]) -> bool:
        """Put the notices of an access end set before notices existed: one TransactWriteItems,
        its Update conditional on ``access_ends_at = :e AND attribute_not_exists(access_notices)``
        (an end changed or given its notices meanwhile is left alone). ``False``: left alone."""
        items = self._notice_items(account_id, ends_at, notices)
        items[0]["Update"]["ConditionExpression"] = "#e = :e AND attribute_not_exists(#n)"
        try:
            self.transact(items, _BUSY)
        except TransactionCancelled:
            return False
        return True

    def end_access(self, account_id: str, not_valid_before: int) -> None:
        """Refuse the account's tokens issued before ``not_valid_before`` (never moves back)."""
        try:
            self.call(
                "update_item",
                Key={"PK": {"S": account_pk(account_id)}, "SK": {"S": SK}},
                UpdateExpression="SET #n = :t",
                ConditionExpression=(
                    "attribute_not_exists(PK) OR attribute_not_exists(#n) OR #n < :t"
                ),
                ExpressionAttributeNames={"#n": "not_valid_before"},
                ExpressionAttributeValues=to_item({":t": not_valid_before}),
            )
        except ConditionFailed:
            return  # a later time is already recorded

    # -- access-ending notices: the scheduled run ------------------------------------------------

    def notices_due(self, day: str) -> list[AccessNotice]:
        """The notices due on program day ``day`` not dealt with yet: one Query per 1 MB page
        (claimed items filtered out)."""
        notices: list[AccessNotice] = []
        request: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk",
            "FilterExpression": "attribute_not_exists(#d)",
            "ExpressionAttributeNames": {"#d": "done_at"},
            "ExpressionAttributeValues": to_item({":pk": access_notice_pk(day)}),
            "ConsistentRead": True,
        }
        while True:
            response = self.call("query", **request)
            for raw in response.get("Items", []):
                item = from_item(raw)
                notices.append(
                    AccessNotice(
                        day,
                        str(item["participant_id"]),
                        int(item["ends_at"]),
                        int(item.get("days_before", 0)),
                    )
                )
            if not response.get("LastEvaluatedKey"):
                return notices
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def notice_states(self, participant_ids: list[str]) -> dict[str, NoticeState]:
        """Reminder settings and current access end of each participant: BatchGetItem, strongly
        consistent (an enrolment a moment ago is seen), 50 participants a call."""
        unique = list(dict.fromkeys(participant_ids))
        pairs = [
            pair
            for pid in unique
            for pair in ((participant_pk(pid), REMINDERS_SK), (account_pk(pid), SK))
        ]
        settings: dict[str, dict[str, Any]] = {}
        ends: dict[str, int] = {}
        for record in self.batch_get_pairs(pairs, consistent=True, per_call=_NOTICE_BATCH_KEYS):
            pk = str(record["PK"])
            if record["SK"] == REMINDERS_SK:
                settings[participant_id_of(pk)] = record
            elif record.get("access_ends_at") is not None:
                ends[pk.removeprefix(ACCOUNT_PREFIX)] = int(record["access_ends_at"])
        return {pid: NoticeState(pid, settings.get(pid), ends.get(pid)) for pid in unique}

    def claim_notice(self, notice: AccessNotice, now: str, run_id: str, outcome: str) -> bool:
        """Mark the notice dealt with (``outcome``: ``sent`` before sending, or why not); one
        conditional UpdateItem. ``False``: another run already did (send nothing)."""
        try:
            self.call(
                "update_item",
                Key=_notice_key(notice),
                UpdateExpression="SET #d = :d, #r = :r, #o = :o",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(#d)",
                ExpressionAttributeNames={"#d": "done_at", "#r": "run", "#o": "outcome"},
                ExpressionAttributeValues=to_item({":d": now, ":r": run_id, ":o": outcome}),
            )
        except ConditionFailed:
            return False
        return True

    def release_notice(self, notice: AccessNotice, run_id: str) -> None:
        """Give back this run's claim (the send failed for good): a later run may try again."""
        try:
            self.call(
                "update_item",
                Key=_notice_key(notice),
                UpdateExpression="REMOVE #d, #r, #o",
                ConditionExpression="#r = :r",
                ExpressionAttributeNames={"#d": "done_at", "#r": "run", "#o": "outcome"},
                ExpressionAttributeValues=to_item({":r": run_id}),
            )
        except ConditionFailed:
            pass  # another run holds it now: nothing of ours to give back


_BUSY = Conflict("Access changed at the same time. Try again.", code="concurrent_change")


def _notice_key(notice: AccessNotice) -> dict[str, Any]:
    """The DynamoDB key of a notice's index item (claimed, and given back, in place)."""
    return to_item(
        {"PK": access_notice_pk(notice.day), "SK": participant_sk(notice.participant_id)}
    )
