"""Forms kept across a sign-out: a participant's form post that arrived after their web
session had ended (15 minutes without a page, or the session's end), kept for a short time so
that the same person, once signed in again, finds what they typed back on the page
(``chalicelib.kept_forms`` is the use case; ``chalicelib/web/http.py`` keeps them).

Key: ``KEPT_FORM#{sha256 of the kept id}`` / ``KEPT_FORM``. The browser's cookie holds the
random id (32 bytes, urlsafe); the table holds only its SHA-256, as for sessions.

Attributes: ``account_id`` (the account of the ended session: only that account gets it
back), ``kind`` (``worksheet``, ``check``, ``retake``, ``sharing``, ``plan-part``; ``page``: no
form, only the page being opened),
``target`` (the form's page: the lesson's code, the plan part's id; a ``page``'s own path), ``fields`` (a
map of the posted fields, CSRF token left out: health information, never logged),
``expires_at`` (epoch seconds; the table's Time to Live attribute) and ``ttl`` (the same
number). Reads check ``expires_at`` themselves: TTL deletion lags.

Its pointer: ``PARTICIPANT#{account_id}`` / ``KEPT_FORM#{sha256 of the kept id}`` (the kept
form's own PK as its SK), in the partition of the account it was kept for, holding nothing
but the key and the same ``expires_at``/``ttl``: "delete what I wrote" (``chalicelib.my_data``)
finds every form kept for the participant, on any device, with one Query of their partition
(``begins_with(SK, "KEPT_FORM#")``), never a Scan.

Conditional-write rule: ``put`` is one TransactWriteItems of the kept form and its pointer,
both only created (``attribute_not_exists(PK)``): a random id never names an item already
there, and a retried write never overwrites what another request kept; the two exist
together or not at all. ``get`` is a GetItem (consistent). ``delete`` (the kept id only, as the
cookie gives it) is a DeleteItem returning the old item, then, if there was one, a DeleteItem
of its pointer (named by the ``account_id`` it held): no condition, deleting an item already
gone is harmless; a pointer left by a failure there holds nothing but the hash and ends by
TTL with the form. ``delete_all_of`` (the participant's own request) is the Query of the
pointers' keys, then BatchWriteItems deleting each kept form and its pointer: unconditional,
so a retry is harmless and finds nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.keys import KEPT_FORM_PREFIX, kept_form_pk, participant_pk
from chalicelib.records.keys import KEPT_FORM_SK as SK
from chalicelib.records.table import RecordTable, from_item, to_item

_BUSY = Conflict("This form is being kept by another request. Try again.", code="busy")


@dataclass(frozen=True)
class KeptForm:
    kept_id: str
    account_id: str
    kind: str
    target: str
    expires_at: int  # epoch seconds
    fields: dict[str, str] = field(default_factory=dict, repr=False)  # never in a log


class KeptFormRecords(RecordTable):
    def put(self, kept: KeptForm) -> None:
        """Create the item (never overwrite one: see the module doc)."""
        item = {
            "PK": kept_form_pk(kept.kept_id),
            "SK": SK,
            "account_id": kept.account_id,
            "kind": kept.kind,
            "target": kept.target,
            "fields": dict(kept.fields),
            "expires_at": kept.expires_at,
            "ttl": kept.expires_at,
        }
        pointer = {
            "PK": participant_pk(kept.account_id),
            "SK": kept_form_pk(kept.kept_id),
            "expires_at": kept.expires_at,
            "ttl": kept.expires_at,
        }
        self.transact_change(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(record),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
                for record in (item, pointer)
            ],
            _BUSY,
        )

    def get(self, kept_id: str) -> KeptForm | None:
        """The kept form, or ``None`` (never kept, used, or removed by TTL; the caller checks
        ``expires_at``)."""
        response = self.call("get_item", Key=self._key(kept_id), ConsistentRead=True)
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        fields = item.get("fields") or {}
        return KeptForm(
            kept_id=kept_id,
            account_id=str(item.get("account_id", "")),
            kind=str(item.get("kind", "")),
            target=str(item.get("target", "")),
            expires_at=int(item.get("expires_at", 0)),
            fields={str(k): str(v) for k, v in fields.items()},
        )

    def delete(self, kept_id: str) -> None:
        """Delete the kept form and, if it was there, its pointer (see the module doc)."""
        response = self.call("delete_item", Key=self._key(kept_id), ReturnValues="ALL_OLD")
        account_id = str(from_item(response.get("Attributes") or {}).get("account_id", ""))
        if account_id:
            self.call(
                "delete_item",
                Key=to_item({"PK": participant_pk(account_id), "SK": kept_form_pk(kept_id)}),
            )

    def delete_all_of(self, account_id: str) -> int:
        """Delete every form kept for ``account_id`` and its pointer (their own request): one
        Query of the pointers' keys per 1 MB, then one BatchWriteItem per 25 items. Returns how
        many kept forms were deleted; a retry deletes nothing more."""
        pointers = self.query_keys(participant_pk(account_id), KEPT_FORM_PREFIX)
        keys: list[dict[str, Any]] = []
        for pointer in pointers:
            keys.append({"PK": pointer["SK"], "SK": {"S": SK}})
            keys.append(pointer)
        self.delete_keys(keys)
        return len(pointers)

    def _key(self, kept_id: str) -> dict[str, Any]:
        return {"PK": {"S": kept_form_pk(kept_id)}, "SK": {"S": SK}}
