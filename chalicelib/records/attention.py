"""Records of "needs attention" (``chalicelib.attention``): reasons marked as seen, a group's
"no activity" setting, and the one batch read of the facts the rule looks at.

Keys (see ``chalicelib.records``):
- ``GROUP#{group_id}`` / ``ATTENTION_SEEN#{participant_id}#{reason}``: a group leader marked
  one reason of one participant as seen; holds the fingerprint of the situation then (never
  what it was about: codes and ids only), who marked it and when. It lives in the group's
  partition, so ``GroupRecords.get`` (the group Query every leader page makes) reads it.
- ``GROUP#{group_id}`` / ``GROUP``: ``inactive_days``, the group's "no activity for N days".
- The facts: ``PARTICIPANT#{id}`` / ``COMPLETED_VERSIONS`` and ``PARTICIPANT#{id}`` /
  ``SAVED_WORKSHEETS`` (which worksheet fields they answered and when, no answer text) for
  each participant, in one BatchGetItem per 50 participants (unprocessed keys retried).

Conditional-write rules:
- marking as seen is one TransactWriteItems: a ConditionCheck that the participant is still
  enrolled in the group (``attribute_exists``; ``NotFound`` otherwise), a Put of the seen item
  (no condition: marking again in a new situation replaces the fingerprint; a retry writes
  the same values) and the audit entry with its copy in the participant's partition;
- the setting is an Update of the ``GROUP`` item with ``attribute_exists(PK)``, with its audit
  entry, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.audit import entry_puts
from chalicelib.records.completions import CompletedVersions
from chalicelib.records.groups import Seen
from chalicelib.records.keys import (
    COMPLETED_VERSIONS_SK,
    GROUP_SK,
    SAVED_WORKSHEETS_SK,
    attention_seen_sk,
    group_pk,
    participant_id_of,
    participant_pk,
    participant_sk,
)
from chalicelib.records.table import (
    RecordTable,
    to_item,
)
from chalicelib.records.worksheets import SavedWorksheet, saved_worksheets

_BUSY = Conflict("Someone else is changing this group right now. Try again.", code="busy")


class AttentionRecords(RecordTable):
    def facts(
        self, participant_ids: Sequence[str], worksheets: Mapping[str, Sequence[str]]
    ) -> tuple[dict[str, CompletedVersions], dict[tuple[str, str], SavedWorksheet]]:
        """Each participant's completed versions (with knowledge-check results) and what they
        saved of the worksheets of the modules in ``worksheets[participant_id]``: two keys per
        participant, one BatchGetItem per 100 keys. A worksheet never saved is left out."""
        unique = list(dict.fromkeys(participant_ids))
        completed = {pid: CompletedVersions(pid, {}) for pid in unique}
        sheets: dict[tuple[str, str], SavedWorksheet] = {}
        keys: list[tuple[str, str]] = []
        for pid in unique:
            pk = participant_pk(pid)
            keys.append((pk, COMPLETED_VERSIONS_SK))
            if worksheets.get(pid):
                keys.append((pk, SAVED_WORKSHEETS_SK))
        for record in self.batch_get_pairs(keys, consistent=True):
            pid = participant_id_of(str(record["PK"]))
            if record["SK"] == COMPLETED_VERSIONS_SK:
                completed[pid] = CompletedVersions.from_record(pid, record)
            elif record["SK"] == SAVED_WORKSHEETS_SK:
                wanted = worksheets.get(pid, ())
                for module_id, sheet in saved_worksheets(record).items():
                    if module_id in wanted:
                        sheets[(pid, module_id)] = sheet
        return completed, sheets

    def mark_seen(self, group_id: str, seen: Seen, audit: dict[str, Any]) -> None:
        """Record ``seen`` (see the module for the conditions): one transaction."""
        pk = group_pk(group_id)
        items: list[dict[str, Any]] = [
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": to_item({"PK": pk, "SK": participant_sk(seen.participant_id)}),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {
                            "PK": pk,
                            "SK": attention_seen_sk(seen.participant_id, seen.reason),
                            "participant_id": seen.participant_id,
                            "reason": seen.reason,
                            "fingerprint": seen.fingerprint,
                            "seen_by": seen.seen_by,
                            "seen_at": seen.seen_at,
                        }
                    ),
                }
            },
            *entry_puts(self._table, audit),
        ]
        self.transact_change(items, _BUSY, "That participant is not in this group.")

    def set_inactive_days(self, group_id: str, days: int, audit: dict[str, Any]) -> None:
        """The group's "no activity for N days" (see the module): one transaction."""
        update = {
            "TableName": self._table,
            "Key": to_item({"PK": group_pk(group_id), "SK": GROUP_SK}),
            "UpdateExpression": "SET inactive_days = :d",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": to_item({":d": days}),
        }
        self.transact_change(
            [{"Update": update}, *entry_puts(self._table, audit)], _BUSY, "There is no such group."
        )
