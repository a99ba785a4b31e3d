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

Conditional-write rule: ``put`` only creates (``attribute_not_exists(PK)``): a random id never
names an item already there, and a retried write never overwrites what another request kept.
Every other access is a GetItem (consistent) or a DeleteItem of that one key; deleting an item
already gone is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.records.keys import KEPT_FORM_SK as SK
from chalicelib.records.keys import kept_form_pk
from chalicelib.records.table import RecordTable, from_item, to_item


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
        self.call("put_item", Item=to_item(item), ConditionExpression="attribute_not_exists(PK)")

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
        self.call("delete_item", Key=self._key(kept_id))

    def _key(self, kept_id: str) -> dict[str, Any]:
        return {"PK": {"S": kept_form_pk(kept_id)}, "SK": {"S": SK}}
