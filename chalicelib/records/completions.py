"""Completion records: which exact module version a participant finished, and when.

Keys (see ``chalicelib.records``):
- ``PARTICIPANT#{id}`` / ``COMPLETION#{module_id}#{version:07d}``: one item per completed
  version. Zero-padded so a Query returns them in module, then version, order.
- ``PARTICIPANT#{id}`` / ``COMPLETED_VERSIONS``: one item per participant summarising every completion:
  ``v#{module_id}`` (number set of completed versions) and ``at#{module_id}#{n}`` (when version
  n was first completed). A group dashboard reads one such item per participant with
  BatchGetItem (100 participants a call), never each completion. ``kc#{module_id}#{n}`` holds
  the knowledge-check result of version n (``{"at", "correct", "total"}``: never the answers),
  so the leaders' "needs attention" rule sees checks missed without reading each completion.

Conditional-write rule: both items are written in one TransactWriteItems. The completion Put
carries ``attribute_not_exists(PK)``, so a repeat (a retry, a double tap, two devices) is
cancelled as a whole and the stored record comes back with the cancellation
(``ReturnValuesOnConditionCheckFailure=ALL_OLD``): one call either way, never a duplicate,
and the first completion time is kept. The completed-versions Update only ADDs to a set and sets
``at#{module_id}#{n}`` and ``kc#{module_id}#{n}`` if absent, so it is idempotent too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import Conflict
from chalicelib.records.keys import (
    COMPLETED_VERSIONS_SK,
    COMPLETION_PREFIX,
    completion_sk,
    participant_id_of,
    participant_pk,
)
from chalicelib.records.table import (
    RecordTable,
    TransactionCancelled,
    from_item,
    to_item,
)

_IN_PROGRESS = Conflict(
    "This completion is being recorded by another request. Try again.",
    code="completion_in_progress",
)


@dataclass(frozen=True)
class CheckResult:
    """The knowledge-check result recorded with one completed version (no answers)."""

    at: str
    correct: int
    total: int

    @property
    def missed(self) -> bool:
        """Fewer than two thirds of the answers right (2 of 3 passes, 2 of 4 does not)."""
        return self.correct * 3 < self.total * 2


@dataclass(frozen=True)
class CompletedVersions:
    """Every module version a participant completed, and when: ``{module_id: {version: time}}``;
    and the knowledge-check result of each version completed with one (``checks``)."""

    participant_id: str
    completed: dict[str, dict[int, str]]
    checks: dict[str, dict[int, CheckResult]] = field(default_factory=dict)

    def latest(self, module_id: str) -> tuple[int, str] | None:
        """The highest completed version of a module and its completion time, if any."""
        versions = self.completed.get(module_id)
        if not versions:
            return None
        version = max(versions)
        return version, versions[version]

    @classmethod
    def from_record(cls, participant_id: str, record: dict[str, Any] | None) -> CompletedVersions:
        completed: dict[str, dict[int, str]] = {}
        checks: dict[str, dict[int, CheckResult]] = {}
        for name, value in (record or {}).items():
            if name.startswith("v#"):
                module_id = name[2:]
                completed[module_id] = {
                    int(v): str((record or {}).get(f"at#{module_id}#{int(v)}", "")) for v in value
                }
            elif name.startswith("kc#") and isinstance(value, dict):
                module_id, _, version = name[3:].rpartition("#")
                if module_id and version.isdigit():
                    checks.setdefault(module_id, {})[int(version)] = CheckResult(
                        str(value.get("at", "")),
                        int(value.get("correct", 0)),
                        int(value.get("total", 0)),
                    )
        return cls(participant_id, completed, checks)


@dataclass(frozen=True)
class Completion:
    module_id: str
    version: int
    completed_at: str
    # The knowledge-check answers given with the completion, checked by the server:
    # {"answers": [choice index, ...], "correct": n, "total": m}
    knowledge_check: dict[str, Any] | None = None
    # A translation read instead of the English version: {"locale": "es", "version": n}.
    # ``version`` is always the English (curriculum) version it stands for.
    read_in: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "module_id": self.module_id,
            "version": self.version,
            "completed_at": self.completed_at,
        }
        if self.knowledge_check is not None:
            result["knowledge_check"] = self.knowledge_check
        if self.read_in is not None:
            result["read_in"] = self.read_in
        return result

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Completion:
        check = record.get("knowledge_check")
        if check is not None:
            check = {
                "answers": [int(a) for a in check["answers"]],
                "correct": int(check["correct"]),
                "total": int(check["total"]),
            }
        read_in = record.get("read_in")
        if read_in is not None:
            read_in = {"locale": str(read_in["locale"]), "version": int(read_in["version"])}
        return cls(
            module_id=str(record["module_id"]),
            version=int(record["version"]),
            completed_at=str(record["completed_at"]),
            knowledge_check=check,
            read_in=read_in,
        )


class CompletionRecords(RecordTable):
    def __init__(self, dynamodb: Any, table_name: str, clock: Clock) -> None:
        super().__init__(dynamodb, table_name)
        self._clock = clock

    def record(
        self,
        participant_id: str,
        module_id: str,
        version: int,
        knowledge_check: dict[str, Any] | None = None,
        read_in: dict[str, Any] | None = None,
    ) -> tuple[Completion, bool]:
        """Record a completion of English ``version`` (``read_in`` a translation, if so).
        Returns ``(completion, created)``; a repeat returns the original (with the answers and
        the language first given)."""
        completed_at = self._clock.iso_seconds()
        pk = participant_pk(participant_id)
        values = {
            "PK": pk,
            "SK": completion_sk(module_id, version),
            "module_id": module_id,
            "version": version,
            "completed_at": completed_at,
        }
        if knowledge_check is not None:
            values["knowledge_check"] = knowledge_check
        if read_in is not None:
            values["read_in"] = read_in
        put = {
            "TableName": self._table,
            "Item": to_item(values),
            "ConditionExpression": "attribute_not_exists(PK)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        names = {"#at": f"at#{module_id}#{version}", "#v": f"v#{module_id}"}
        summary: dict[str, Any] = {":t": completed_at, ":v": {version}}
        sets = "SET #at = if_not_exists(#at, :t)"
        if knowledge_check is not None:
            names["#kc"] = f"kc#{module_id}#{version}"
            summary[":kc"] = {
                "at": completed_at,
                "correct": knowledge_check["correct"],
                "total": knowledge_check["total"],
            }
            sets += ", #kc = if_not_exists(#kc, :kc)"
        completed_versions = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": COMPLETED_VERSIONS_SK}),
            "UpdateExpression": sets + " ADD #v :v",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(summary),
        }
        try:
            self.transact([{"Put": put}, {"Update": completed_versions}], _IN_PROGRESS)
        except TransactionCancelled as cancelled:
            first = cancelled.first
            if first.get("Code") != "ConditionalCheckFailed":
                raise self.unavailable(cancelled) from None
            if first.get("Item"):
                return Completion.from_record(from_item(first["Item"])), False
            # The condition failed, so the record exists: read it strongly consistent.
            existing = self.get(participant_id, module_id, version, consistent=True)
            assert existing is not None
            return existing, False
        return Completion(module_id, version, completed_at, knowledge_check, read_in), True

    def list(
        self, participant_id: str, page_token: str | None = None, limit: int = 50
    ) -> tuple[list[Completion], str | None]:
        """One page of a participant's completions (one Query) and the next page token."""
        records, token = self.query_page(
            participant_pk(participant_id), COMPLETION_PREFIX, page_token, limit
        )
        return [Completion.from_record(r) for r in records], token

    def completed_versions(self, participant_ids: Sequence[str]) -> dict[str, CompletedVersions]:
        """What many participants completed: one BatchGetItem per 100, unprocessed keys retried."""
        found: dict[str, CompletedVersions] = {
            pid: CompletedVersions(pid, {}) for pid in participant_ids
        }
        keys = [{"PK": participant_pk(pid), "SK": COMPLETED_VERSIONS_SK} for pid in participant_ids]
        for record in self.batch_get(keys, consistent=True):
            pid = participant_id_of(record["PK"])
            found[pid] = CompletedVersions.from_record(pid, record)
        return found

    def get(
        self, participant_id: str, module_id: str, version: int, consistent: bool = False
    ) -> Completion | None:
        """One completion record, or ``None`` (one GetItem)."""
        item = self.get_one(
            participant_pk(participant_id), completion_sk(module_id, version), consistent
        )
        return Completion.from_record(item) if item else None
