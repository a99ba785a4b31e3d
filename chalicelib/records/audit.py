"""The audit trail: append-only entries of who did what to which participant's records, when.

Key: ``AUDIT`` / ``{iso time with microseconds}#{entry id}``. One partition, sorted by time,
so admins page newest first with a Query (``ScanIndexForward=False``). A clinic writes a
few entries a minute, far below one partition's limits.

Conditional-write rule: every entry is put with ``attribute_not_exists(PK)``; nothing in the
code updates or deletes an entry. Changes write their entry in the same transaction as the
change (see ``chalicelib.records.groups``); reads write theirs before any data is returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from chalicelib.records.keys import AUDIT_PK, audit_sk
from chalicelib.records.table import BotoCoreError, ClientError, RecordTable, to_item


def new_entry(
    actor_id: str,
    actor_roles: Iterable[str],
    action: str,
    at: str,
    group_id: str | None = None,
    participant_ids: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit item. Ids and codes only: never names, emails or free text."""
    entry_id = uuid.uuid4().hex
    item: dict[str, Any] = {
        "PK": AUDIT_PK,
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
    if detail:
        item["detail"] = detail
    return item


class AuditRecords(RecordTable):
    def record(self, entry: dict[str, Any]) -> None:
        """Append one entry (for reads; changes put theirs inside their own transaction)."""
        try:
            self._dynamodb.put_item(
                TableName=self._table, Item=to_item(entry), ConditionExpression="attribute_not_exists(PK)"
            )
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error

    def page(self, page_token: str | None = None, limit: int = 50) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first; one Query per page."""
        records, token = self.query_page(AUDIT_PK, "", page_token, limit, newest_first=True)
        return [{k: v for k, v in r.items() if k not in ("PK", "SK")} for r in records], token
