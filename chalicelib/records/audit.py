"""The audit trail: append-only entries of who did what to which participant's records, when.

Keys:
- ``AUDIT#{YYYY-MM-DD}`` / ``{iso time with microseconds}#{entry id}``: the entry, in one
  partition per UTC day (no single hot partition). Admins page newest first by walking days
  backwards with one Query per day (``ScanIndexForward=False``), from today or from an instant
  they choose (the end of a day in the program's time zone: the partition of that instant's
  UTC day, its entries before it, ``SK < :before``), at most ``MAX_QUERIES_PER_PAGE`` Queries
  per page; the page token carries the day and the last key. Nothing older than ``FIRST_DAY``
  (when the trail was sharded) is looked for.
- ``PARTICIPANT#{id}`` / ``ACCESS#{iso time}#{entry id}``: a copy of every entry that
  concerns a participant, in that participant's partition, so "who has seen my records" is
  one Query. The copy holds the time, the action, the actor's roles and the group id (for an
  entry about several groups, the group this participant was read through: ``groups_of``),
  never the actor's id (the participant is shown the role only). An admin looking for the
  entries about one participant reads these copies (one Query) and then the entries
  themselves (one BatchGetItem), never the days. The copies of ``enrolment.add`` entries are
  also the participant's record of every group they were ever enrolled in, those they left
  included (a removal deletes their pointer to the group: ``records/groups.py``), and when:
  ``groups_joined`` reads them (one Query up to a time, filtered on the action) for the rule
  of who may give them a new temporary password (``chalicelib.temporary_passwords``). Copies
  exist since 2026-11-25: an enrolment before then has none.

Conditional-write rule: every entry and every copy is put with ``attribute_not_exists(PK)``;
nothing in the code updates or deletes one. The entry and its copies are written in one
TransactWriteItems (a change puts them in the change's own transaction, see
``chalicelib.records.groups``; a read writes them before any data is returned). A transaction
holds at most 100 items: when an entry concerns more participants than fit, the change, the
entry and the first copies are one transaction and the remaining copies follow in further
transactions of 100 (before the call returns; a failure there fails the request, so a read
never returns data whose copies were not all written). A read may put a conditional write of
its own first in the first transaction (``record``'s ``along``: the daily digest's claim,
``chalicelib.digests``): its condition failing writes nothing and raises ``ConditionFailed``.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import Conflict
from chalicelib.records.keys import (
    ACCESS_PREFIX,
    AUDIT_PREFIX,
    access_sk,
    audit_pk,
    audit_sk,
    participant_pk,
)
from chalicelib.records.table import (
    ConditionFailed,
    RecordTable,
    TransactionCancelled,
    from_item,
    invalid_page_token,
    plain,
    to_item,
    token_value,
    valid_key_text,
)

TRANSACTION_LIMIT = 100
# A page walks at most this many days back (one Query each), plus a filtered day's extra ones.
MAX_QUERIES_PER_PAGE = 40
FIRST_DAY = date(2026, 1, 1)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BUSY = Conflict("The audit trail is busy right now. Try again.", code="busy")


def new_entry(
    actor_id: str,
    actor_roles: Iterable[str],
    action: str,
    at: str,
    group_id: str | None = None,
    participant_ids: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
    groups_of: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An audit item. Ids and codes only: never names, emails or free text.

    ``groups_of`` maps a participant to the group their records were read through, for an
    entry about several groups at once (a leader's list of groups, the daily digest); each
    participant's copy then names that group (``group_id`` names it for everyone else)."""
    entry_id = uuid.uuid4().hex
    item: dict[str, Any] = {
        "PK": audit_pk(at[:10]),
        "SK": audit_sk(at, entry_id),
        "entry_id": entry_id,
        "at": at,
        "actor_id": actor_id,
        "actor_roles": sorted(actor_roles),
        "action": action,
        "participant_ids": sorted(set(participant_ids)),
    }
    if group_id:
        item["group_id"] = group_id
    if groups_of:
        item["groups_of"] = {p: g for p, g in groups_of.items() if p in item["participant_ids"]}
    if detail:
        item["detail"] = detail
    return item


def participant_copies(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry's copy for each participant it concerns (see the module docstring)."""
    copies = []
    for participant_id in entry["participant_ids"]:
        copy: dict[str, Any] = {
            "PK": participant_pk(participant_id),
            "SK": access_sk(entry["at"], entry["entry_id"]),
            "entry_id": entry["entry_id"],
            "at": entry["at"],
            "action": entry["action"],
            "actor_roles": entry["actor_roles"],
            "by_self": entry["actor_id"] == participant_id,
        }
        group_id = (entry.get("groups_of") or {}).get(participant_id) or entry.get("group_id")
        if group_id:
            copy["group_id"] = group_id
        copies.append(copy)
    return copies


def entry_puts(table: str, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """TransactWriteItems Puts of the entry and its participant copies (entry first)."""
    return [
        {
            "Put": {
                "TableName": table,
                "Item": to_item(item),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        for item in (entry, *participant_copies(entry))
    ]


def chunks(
    items: list[dict[str, Any]], size: int = TRANSACTION_LIMIT
) -> list[list[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class AuditRecords(RecordTable):
    def __init__(self, dynamodb: Any, table_name: str, clock: Clock | None = None) -> None:
        super().__init__(dynamodb, table_name)
        self._clock = clock or Clock()

    def record(self, *entries: dict[str, Any], along: Sequence[dict[str, Any]] = ()) -> None:
        """Append entries and their participant copies (for reads; changes put theirs inside
        their own transaction): one TransactWriteItems per 100 items, so one page's reads of
        different things about different participants are written together.

        ``along``: conditional writes of another family (a TransactWriteItems item each, e.g.
        the claim of a leader's digest, ``GroupRecords.digest_claim``) put first in the first
        transaction, with the entries and their first copies: all of it or none. One of them
        cancelled by its condition raises ``ConditionFailed`` (nothing written); the copies
        that did not fit follow in further transactions, as for any read."""
        puts = [*along, *(put for entry in entries for put in entry_puts(self._table, entry))]
        for index, chunk in enumerate(chunks(puts)):
            try:
                self.transact(chunk, _BUSY)
            except TransactionCancelled as cancelled:
                codes = cancelled.codes_of(cancelled.reasons)[: len(along)]
                if index == 0 and "ConditionalCheckFailed" in codes:
                    raise ConditionFailed() from None
                raise self.unavailable(cancelled) from None

    def page(
        self,
        page_token: str | None = None,
        limit: int = 50,
        before: datetime | None = None,
        action: str | None = None,
        actor_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first across days, from the entries before ``before`` (an instant, exclusive;
        now when not given) back: at most ``MAX_QUERIES_PER_PAGE`` Queries, each in one UTC
        day. With ``action``, only entries whose action starts with it; with ``actor_id``, only
        that account's (a FilterExpression: DynamoDB reads the day's entries and returns the
        matching ones, so a sparse day may take more than one Query). A page token goes on
        where its page stopped, below ``before`` already: ``before`` counts only without one."""
        day, start_sk = self._decode(page_token, before)
        # The first day holds entries after the instant too: its Queries stop at it.
        ceiling = (day, _stamp(before)) if before is not None and not page_token else None
        entries: list[dict[str, Any]] = []
        for _query in range(MAX_QUERIES_PER_PAGE):
            if day < FIRST_DAY:
                return entries, None
            pk = audit_pk(day.isoformat())
            values: dict[str, Any] = {":pk": pk}
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "PK = :pk",
                "ScanIndexForward": False,
                # A filter applies after Limit, so read a full page's worth each time.
                "Limit": 100 if (action or actor_id) else limit - len(entries),
            }
            if ceiling and ceiling[0] == day:
                # An entry at the instant itself sorts after it ("{at}#{id}"): left out.
                request["KeyConditionExpression"] = "PK = :pk AND SK < :before"
                values[":before"] = ceiling[1]
            _filter(request, values, action, actor_id)
            if start_sk:
                request["ExclusiveStartKey"] = to_item({"PK": pk, "SK": start_sk})
            response = self.query_after_token(request)
            found = [from_item(i) for i in response.get("Items", [])]
            room = limit - len(entries)
            entries.extend(_shown(i) for i in found[:room])
            if (
                len(found) > room
            ):  # a filtered Query matched more than fit: go on after the last shown
                return entries, self._encode(day, found[room - 1]["SK"])
            last = response.get("LastEvaluatedKey")
            if last:
                start_sk = last["SK"]["S"]
                if len(entries) >= limit:
                    return entries, self._encode(day, start_sk)
                continue
            day, start_sk = day - timedelta(days=1), None
            if len(entries) >= limit:
                return entries, (self._encode(day, None) if day >= FIRST_DAY else None)
        return entries, self._encode(day, start_sk) if day >= FIRST_DAY else None

    def entries_about(
        self,
        participant_id: str,
        page_token: str | None,
        limit: int,
        before: datetime | None = None,
        action: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The entries about one participant, newest first, in full (who acted included): one
        Query of their partition's copies (those before the instant ``before``, exclusive,
        when there is no page token) and one BatchGetItem of the entries. With ``action``, a
        FilterExpression on the copies (they carry the action)."""
        pk = participant_pk(participant_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": pk, ":prefix": ACCESS_PREFIX},
            "ScanIndexForward": False,
            "Limit": 100 if action else limit,
        }
        start = self.decode_page_token(page_token, pk, ACCESS_PREFIX)
        if start:
            request["ExclusiveStartKey"] = start
        elif before is not None:
            # BETWEEN is inclusive, but a copy at the instant itself sorts after it
            # ("{at}#{id}"): everything strictly before it.
            request["KeyConditionExpression"] = "PK = :pk AND SK BETWEEN :prefix AND :before"
            request["ExpressionAttributeValues"][":before"] = f"{ACCESS_PREFIX}{_stamp(before)}"
        _filter(request, request["ExpressionAttributeValues"], action, None)
        response = self.query_after_token(request)
        copies = [from_item(i) for i in response.get("Items", [])]
        token = self.encode_page_token(response.get("LastEvaluatedKey"))
        if len(copies) > limit:
            copies = copies[:limit]
            token = self.encode_page_token({"SK": {"S": copies[-1]["SK"]}})
        keys = [(audit_pk(c["at"][:10]), audit_sk(c["at"], c["entry_id"])) for c in copies]
        by_id = {e["entry_id"]: e for e in self.batch_get_pairs(keys)}
        entries = [_shown(by_id[c["entry_id"]]) for c in copies if c["entry_id"] in by_id]
        return entries, token

    def groups_joined(self, participant_id: str, until: str) -> dict[str, str]:
        """The groups a participant was enrolled in up to ``until`` (an ISO time, as
        ``Clock.iso`` writes them; inclusive), each with the first time, by group id: from the
        copies of the ``enrolment.add`` entries in their partition, the groups they left
        included (see the module; append-only, and "delete my data" keeps them). One strongly
        consistent Query of their copies up to then, filtered on the action, one more per 1 MB
        page; never a Scan."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
            "FilterExpression": "#action = :add",
            "ProjectionExpression": "#at, group_id",
            "ExpressionAttributeNames": {"#action": "action", "#at": "at"},
            # "~" sorts after the "#" that follows the time: every copy written at ``until``.
            "ExpressionAttributeValues": to_item(
                {
                    ":pk": participant_pk(participant_id),
                    ":first": ACCESS_PREFIX,
                    ":last": f"{ACCESS_PREFIX}{until}~",
                    ":add": "enrolment.add",
                }
            ),
            "ConsistentRead": True,
        }
        joined: dict[str, str] = {}
        while True:
            response = self.call("query", **request)
            for item in response.get("Items", []):
                copy = from_item(item)
                group_id, at = str(copy.get("group_id", "")), str(copy.get("at", ""))
                if group_id and at and (group_id not in joined or at < joined[group_id]):
                    joined[group_id] = at
            last = response.get("LastEvaluatedKey")
            if not last:
                return joined
            request["ExclusiveStartKey"] = last

    def participant_page(
        self, participant_id: str, page_token: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the copies in a participant's partition, newest first (one Query)."""
        return self.query_page(
            participant_pk(participant_id), ACCESS_PREFIX, page_token, limit, newest_first=True
        )

    def participant_page_after(self, at: str, entry_id: str) -> str:
        """The ``participant_page`` token that goes on after the copy of entry ``entry_id``
        (written at ``at``): for a page that shows fewer copies than it read."""
        return str(self.encode_page_token({"SK": {"S": access_sk(at, entry_id)}}))

    # -- the admin page token: the day, and the last key read in it -------------------------

    @staticmethod
    def _encode(day: date, sk: str | None) -> str:
        raw = json.dumps({"day": day.isoformat(), "sk": sk}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, token: str | None, before: datetime | None = None) -> tuple[date, str | None]:
        """The day and last key of an admin page token made by ``_encode``; strictly, as
        ``RecordTable.decode_page_token``: anything else is ``invalid_page_token``. Without a
        token, the UTC day of the last moment before ``before`` (today when not given)."""
        if not token:
            if before is None:
                return self._clock.now().date(), None
            return (before.astimezone(UTC) - timedelta(microseconds=1)).date(), None
        value = token_value(token)
        try:
            if value is None or set(value) != {"day", "sk"}:
                raise ValueError(token)
            day_text, sk = value["day"], value["sk"]
            if not isinstance(day_text, str) or not _DAY.fullmatch(day_text):
                raise ValueError(day_text)
            day = date.fromisoformat(day_text)
            if sk is not None and not (valid_key_text(sk) and sk.startswith(day_text)):
                raise ValueError(sk)
            if self._encode(day, sk) != token:
                raise ValueError(token)  # not byte for byte what we made
        except ValueError:
            raise invalid_page_token() from None
        return day, sk


def _filter(
    request: dict[str, Any], values: dict[str, Any], action: str | None, actor_id: str | None
) -> None:
    """Put ``values`` (plain) into a Query ``request`` with its FilterExpression, if any."""
    conditions, names = [], {}
    if action:
        conditions.append("begins_with(#action, :action)")
        names["#action"] = "action"
        values = {**values, ":action": action}
    if actor_id:
        conditions.append("actor_id = :actor")
        values = {**values, ":actor": actor_id}
    if conditions:
        request["FilterExpression"] = " AND ".join(conditions)
    if names:
        request["ExpressionAttributeNames"] = names
    request["ExpressionAttributeValues"] = to_item(values)


def _stamp(moment: datetime) -> str:
    """An instant as entries store their time (``Clock.iso``): keys compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """An entry as the API and the audit page show it: without its keys, and with the numbers
    in its ``detail`` (counts, days) as plain numbers, not DynamoDB's ``Decimal``."""
    return {k: plain(v) for k, v in item.items() if k not in ("PK", "SK")}


__all__ = [
    "AuditRecords",
    "new_entry",
    "entry_puts",
    "participant_copies",
    "chunks",
    "AUDIT_PREFIX",
]
