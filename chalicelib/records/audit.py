"""The audit trail: append-only entries of who did what to which participant's records, when.

Keys:
- ``AUDIT#{YYYY-MM-DD}`` / ``{iso time with microseconds}#{entry id}``: the entry, in one
  partition per UTC day (no single hot partition). Admins page newest first by walking days
  backwards with one Query per day (``ScanIndexForward=False``), at most
  ``MAX_DAYS_PER_PAGE`` Queries per page; the page token carries the day and the last key.
  Nothing older than ``FIRST_DAY`` (when the trail was sharded) is looked for.
- ``PARTICIPANT#{id}`` / ``ACCESS#{iso time}#{entry id}``: a copy of every entry that
  concerns a participant, in that participant's partition, so "who has seen my records" is
  one Query. The copy holds the time, the action, the actor's roles and the group id (for an
  entry about several groups, the group this participant was read through: ``groups_of``),
  never the actor's id (the participant is shown the role only).

Conditional-write rule: every entry and every copy is put with ``attribute_not_exists(PK)``;
nothing in the code updates or deletes one. The entry and its copies are written in one
TransactWriteItems (a change puts them in the change's own transaction, see
``chalicelib.records.groups``; a read writes them before any data is returned). A transaction
holds at most 100 items: when an entry concerns more participants than fit, the change, the
entry and the first copies are one transaction and the remaining copies follow in further
transactions of 100 (before the call returns; a failure there fails the request, so a read
never returns data whose copies were not all written).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict
from chalicelib.records.keys import (
    ACCESS_PREFIX,
    AUDIT_PREFIX,
    access_sk,
    audit_pk,
    audit_sk,
    participant_pk,
)
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    RecordTable,
    TransactionCancelled,
    from_item,
    to_item,
)

TRANSACTION_LIMIT = 100
MAX_DAYS_PER_PAGE = 31
FIRST_DAY = date(2026, 1, 1)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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

    def record(self, *entries: dict[str, Any]) -> None:
        """Append entries and their participant copies (for reads; changes put theirs inside
        their own transaction): one TransactWriteItems per 100 items, so one page's reads of
        different things about different participants are written together."""
        puts = [put for entry in entries for put in entry_puts(self._table, entry)]
        for chunk in chunks(puts):
            try:
                self.transact(chunk, _BUSY)
            except TransactionCancelled as cancelled:
                raise self.unavailable(cancelled) from None

    def page(
        self, page_token: str | None = None, limit: int = 50
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first across days: one Query per day walked, at most ``MAX_DAYS_PER_PAGE``."""
        day, start_sk = self._decode(page_token)
        entries: list[dict[str, Any]] = []
        for _walked in range(MAX_DAYS_PER_PAGE):
            if day < FIRST_DAY:
                return entries, None
            request: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": to_item({":pk": audit_pk(day.isoformat())}),
                "ScanIndexForward": False,
                "Limit": limit - len(entries),
            }
            if start_sk:
                request["ExclusiveStartKey"] = to_item(
                    {"PK": audit_pk(day.isoformat()), "SK": start_sk}
                )
            try:
                response = self._dynamodb.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
            entries.extend(
                {k: v for k, v in from_item(i).items() if k not in ("PK", "SK")}
                for i in response.get("Items", [])
            )
            last = response.get("LastEvaluatedKey")
            if last:
                return entries, self._encode(day, last["SK"]["S"])
            day, start_sk = day - timedelta(days=1), None
            if len(entries) >= limit:
                return entries, (self._encode(day, None) if day >= FIRST_DAY else None)
        return entries, (self._encode(day, None) if day >= FIRST_DAY else None)

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

    def _decode(self, token: str | None) -> tuple[date, str | None]:
        if not token:
            return self._clock.now().date(), None
        try:
            padded = token + "=" * (-len(token) % 4)
            value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            day_text, sk = value["day"], value["sk"]
            if not isinstance(day_text, str) or not _DAY.fullmatch(day_text):
                raise ValueError(day_text)
            day = date.fromisoformat(day_text)
            if sk is not None and (
                not isinstance(sk, str) or not sk.startswith(day_text) or len(sk) > 200
            ):
                raise ValueError(sk)
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
            raise BadRequest("The page token is not valid.", code="invalid_page_token") from None
        return day, sk


__all__ = [
    "AuditRecords",
    "new_entry",
    "entry_puts",
    "participant_copies",
    "chunks",
    "AUDIT_PREFIX",
]
