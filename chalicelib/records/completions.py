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

Knowledge-check attempts (retakes). Attempt 1 is the check answered with the completion; a
participant may answer the check of a completed version again, attempt 2, 3, ... (the
completion itself is never written again: its time and answers stay as first given).
- ``PARTICIPANT#{id}`` / ``ATTEMPT#{module_id}#{version:07d}#{n:04d}``: one item per attempt not
  carried by the completion (the answers, the result, when). Only the participant reads it.
- In ``COMPLETED_VERSIONS``: ``kc#{module_id}#{v}`` stays attempt 1 (written with the
  completion, or by attempt 1 when the completion had no check), ``ka#{module_id}#{v}`` lists the
  results of attempts 2..n in order (``{"at", "correct", "total"}``, never the answers) and
  ``kn#{module_id}#{v}`` counts the attempts made by retaking (absent: none yet). So the grid,
  needs attention and reminders read every attempt in the one BatchGetItem they already make.

Conditional-write rule of an attempt: the client sends the attempt number it means (the next
one). One TransactWriteItems: the attempt Put carries ``attribute_not_exists(PK)`` (a retry of
attempt n finds it and gets it back with the cancellation: never counted twice); the Update of
``COMPLETED_VERSIONS`` carries "the version is completed and this is the next number"
(n = 1: ``contains(v#, v) AND attribute_not_exists(kc#)``; n = 2: ``attribute_exists(kc#) AND
(attribute_not_exists(kn#) OR kn# = 1)``; n > 2: ``kn# = n - 1``) and returns the summary on a
failure, which says whether the version is not completed (404) or the number skips ahead (409).
A retake is one call; a retry of it one call too.

The participant's own data (download, delete): every completion is one Query on
``begins_with(SK, "COMPLETION#")`` and every attempt item one on ``begins_with(SK, "ATTEMPT#")``
(per 1 MB each). Deleting their answers deletes the attempt items (one Query of the keys, one
BatchWriteItem per 25) and keeps the completions and the results in ``COMPLETED_VERSIONS``
(no answers in it): a later retake still gets the next number, so no attempt is ever reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import Conflict, NotFound
from chalicelib.records.keys import (
    ATTEMPT_PREFIX,
    COMPLETED_VERSIONS_SK,
    COMPLETION_PREFIX,
    REMINDERS_SK,
    SAVED_WORKSHEETS_SK,
    attempt_sk,
    completion_sk,
    participant_id_of,
    participant_pk,
    worksheet_sk,
)
from chalicelib.records.table import (
    RecordTable,
    TransactionCancelled,
    from_item,
    to_item,
)
from chalicelib.records.worksheets import Worksheet, WorksheetCounts, worksheet_counts

_IN_PROGRESS = Conflict(
    "This completion is being recorded by another request. Try again.",
    code="completion_in_progress",
)
_ATTEMPT_IN_PROGRESS = Conflict(
    "These answers are being recorded by another request. Try again.",
    code="attempt_in_progress",
)
# Attempts per completed version: bounds the summary item (about 60 bytes an attempt).
MAX_ATTEMPTS = 50


@dataclass(frozen=True)
class CheckResult:
    """The result of one knowledge-check attempt on a completed version (no answers)."""

    at: str
    correct: int
    total: int
    attempt: int = 1  # 1: answered with the completion (or first after it); 2 on: retakes

    @property
    def missed(self) -> bool:
        """Fewer than two thirds of the answers right (2 of 3 passes, 2 of 4 does not)."""
        return self.correct * 3 < self.total * 2


@dataclass(frozen=True)
class CompletedVersions:
    """Every module version a participant completed, and when: ``{module_id: {version: time}}``;
    and the knowledge-check attempts of each version, in order (``checks``: attempt 1 first)."""

    participant_id: str
    completed: dict[str, dict[int, str]]
    checks: dict[str, dict[int, tuple[CheckResult, ...]]] = field(default_factory=dict)

    def latest(self, module_id: str) -> tuple[int, str] | None:
        """The highest completed version of a module and its completion time, if any."""
        versions = self.completed.get(module_id)
        if not versions:
            return None
        version = max(versions)
        return version, versions[version]

    def latest_versions(self) -> dict[str, tuple[int, str]]:
        """``latest`` of every module completed, by module id (one pass, for a whole row)."""
        found = {}
        for module_id, versions in self.completed.items():
            if versions:
                version = max(versions)
                found[module_id] = (version, versions[version])
        return found

    def attempts(self, module_id: str, version: int) -> tuple[CheckResult, ...]:
        return self.checks.get(module_id, {}).get(version, ())

    def latest_check(self, module_id: str, version: int) -> CheckResult | None:
        """The latest attempt's result: the score the participant and the grid see."""
        attempts = self.attempts(module_id, version)
        return attempts[-1] if attempts else None

    @classmethod
    def from_record(cls, participant_id: str, record: dict[str, Any] | None) -> CompletedVersions:
        completed: dict[str, dict[int, str]] = {}
        first: dict[tuple[str, int], CheckResult] = {}
        retakes: dict[tuple[str, int], list[CheckResult]] = {}
        record = record or {}
        for name, value in record.items():
            if name.startswith("v#"):
                module_id = name[2:]
                times = completed[module_id] = {}
                for v in value:
                    n = int(v)
                    times[n] = str(record.get(f"at#{module_id}#{n}", ""))
            elif name.startswith(("kc#", "ka#")):
                module_id, _, version = name[3:].rpartition("#")
                if not module_id or not version.isdigit():
                    continue
                key = (module_id, int(version))
                if name.startswith("kc#") and isinstance(value, dict):
                    first[key] = _result(value, 1)
                elif name.startswith("ka#") and isinstance(value, list):
                    retakes[key] = [
                        _result(v, n) for n, v in enumerate(value, start=2) if isinstance(v, dict)
                    ]
        checks: dict[str, dict[int, tuple[CheckResult, ...]]] = {}
        for key in sorted(set(first) | set(retakes)):
            attempts = ([first[key]] if key in first else []) + retakes.get(key, [])
            checks.setdefault(key[0], {})[key[1]] = tuple(attempts)
        return cls(participant_id, completed, checks)


def _result(value: dict[str, Any], attempt: int) -> CheckResult:
    return CheckResult(
        str(value.get("at", "")), int(value.get("correct", 0)), int(value.get("total", 0)), attempt
    )


@dataclass(frozen=True)
class Attempt:
    """One knowledge-check attempt on a completed version, with the answers (the participant's
    own: never shown to anyone else). Attempt 1 may be the completion's own check."""

    module_id: str
    version: int
    attempt: int
    answered_at: str
    knowledge_check: dict[str, Any]  # {"answers": [choice index, ...], "correct": n, "total": m}

    @property
    def result(self) -> CheckResult:
        check = self.knowledge_check
        return CheckResult(
            self.answered_at, int(check["correct"]), int(check["total"]), self.attempt
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "version": self.version,
            "attempt": self.attempt,
            "answered_at": self.answered_at,
            "knowledge_check": self.knowledge_check,
            "missed": self.result.missed,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Attempt:
        check = record["knowledge_check"]
        return cls(
            str(record["module_id"]),
            int(record["version"]),
            int(record["attempt"]),
            str(record["answered_at"]),
            {
                "answers": [int(a) for a in check["answers"]],
                "correct": int(check["correct"]),
                "total": int(check["total"]),
            },
        )


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

    def record_attempt(
        self,
        participant_id: str,
        module_id: str,
        version: int,
        attempt: int,
        knowledge_check: dict[str, Any],
    ) -> tuple[Attempt, bool]:
        """Record attempt ``attempt`` at the knowledge check of a completed English ``version``
        (see the conditional-write rule above). Returns ``(attempt, created)``; a repeat of an
        attempt returns the one stored. ``NotFound`` if the version is not completed,
        ``Conflict`` (``attempt_out_of_order``) if ``attempt`` is not the next one."""
        answered_at = self._clock.iso_seconds()
        pk = participant_pk(participant_id)
        put = {
            "TableName": self._table,
            "Item": to_item(
                {
                    "PK": pk,
                    "SK": attempt_sk(module_id, version, attempt),
                    "module_id": module_id,
                    "version": version,
                    "attempt": attempt,
                    "answered_at": answered_at,
                    "knowledge_check": knowledge_check,
                }
            ),
            "ConditionExpression": "attribute_not_exists(PK)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        result = {
            "at": answered_at,
            "correct": knowledge_check["correct"],
            "total": knowledge_check["total"],
        }
        names = {"#kn": f"kn#{module_id}#{version}"}
        values: dict[str, Any] = {":n": attempt}
        if attempt == 1:
            names.update({"#v": f"v#{module_id}", "#kc": f"kc#{module_id}#{version}"})
            values.update({":version": version, ":r": result})
            condition = "contains(#v, :version) AND attribute_not_exists(#kc)"
            update = "SET #kc = :r, #kn = :n"
        else:
            names["#ka"] = f"ka#{module_id}#{version}"
            values.update({":r": [result], ":none": [], ":prev": attempt - 1})
            update = "SET #ka = list_append(if_not_exists(#ka, :none), :r), #kn = :n"
            condition = "#kn = :prev"
            if attempt == 2:
                names["#kc"] = f"kc#{module_id}#{version}"
                condition = "attribute_exists(#kc) AND (attribute_not_exists(#kn) OR #kn = :prev)"
        summary = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": COMPLETED_VERSIONS_SK}),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        try:
            self.transact([{"Put": put}, {"Update": summary}], _ATTEMPT_IN_PROGRESS)
        except TransactionCancelled as cancelled:
            return self._attempt_refused(
                cancelled, participant_id, module_id, version, attempt
            ), False
        return Attempt(module_id, version, attempt, answered_at, knowledge_check), True

    def _attempt_refused(
        self,
        cancelled: TransactionCancelled,
        participant_id: str,
        module_id: str,
        version: int,
        attempt: int,
    ) -> Attempt:
        """The stored attempt of a repeat, or why this attempt number does not fit."""
        codes = TransactionCancelled.codes_of(cancelled.reasons) + ["None", "None"]
        if codes[0] == "ConditionalCheckFailed":
            if cancelled.first.get("Item"):
                return Attempt.from_record(from_item(cancelled.first["Item"]))
            stored = self.get_attempt(participant_id, module_id, version, attempt, consistent=True)
            if stored is None:
                raise _ATTEMPT_IN_PROGRESS
            return stored
        if codes[1] != "ConditionalCheckFailed":
            raise self.unavailable(cancelled)
        old = cancelled.reasons[1].get("Item")
        record = (
            from_item(old)
            if old
            else self.get_one(participant_pk(participant_id), COMPLETED_VERSIONS_SK, True)
        )
        completed = CompletedVersions.from_record(participant_id, record)
        if version not in completed.completed.get(module_id, {}):
            raise NotFound(
                "Complete this version of the module before answering its questions again.",
                code="completion_not_found",
            )
        made = len(completed.attempts(module_id, version))
        if attempt == 1 and made >= 1:  # attempt 1 was the completion's own check
            completion = self.get(participant_id, module_id, version, consistent=True)
            if completion is not None and completion.knowledge_check is not None:
                return Attempt(
                    module_id, version, 1, completion.completed_at, completion.knowledge_check
                )
        if attempt == made + 1:  # another request moved it on meanwhile
            raise _ATTEMPT_IN_PROGRESS
        raise Conflict(
            f"That is not the next attempt: the next attempt is {made + 1}.",
            code="attempt_out_of_order",
        )

    def get_attempt(
        self,
        participant_id: str,
        module_id: str,
        version: int,
        attempt: int,
        consistent: bool = False,
    ) -> Attempt | None:
        """One attempt item, or ``None`` (one GetItem)."""
        item = self.get_one(
            participant_pk(participant_id), attempt_sk(module_id, version, attempt), consistent
        )
        return Attempt.from_record(item) if item else None

    def latest_attempt(
        self, participant_id: str, module_id: str, version: int, attempts: int
    ) -> Attempt | None:
        """Attempt number ``attempts`` (the latest, from ``CompletedVersions``), with its
        answers: one GetItem (the completion's for attempt 1, unless attempt 1 came after it)."""
        if attempts <= 0:
            return None
        if attempts == 1:
            completion = self.get(participant_id, module_id, version)
            if completion is not None and completion.knowledge_check is not None:
                return Attempt(
                    module_id, version, 1, completion.completed_at, completion.knowledge_check
                )
        return self.get_attempt(participant_id, module_id, version, attempts)

    def list(
        self, participant_id: str, page_token: str | None = None, limit: int = 50
    ) -> tuple[list[Completion], str | None]:
        """One page of a participant's completions (one Query) and the next page token."""
        records, token = self.query_page(
            participant_pk(participant_id), COMPLETION_PREFIX, page_token, limit
        )
        return [Completion.from_record(r) for r in records], token

    def all_of(self, participant_id: str) -> tuple[Completion, ...]:
        """Every completion of a participant, in module then version order: one Query per 1 MB."""
        return tuple(
            Completion.from_record(r)
            for r in self.query_all(participant_pk(participant_id), COMPLETION_PREFIX)
        )

    def attempts_of(self, participant_id: str) -> tuple[Attempt, ...]:
        """Every attempt item of a participant (with the answers), in module, version, attempt
        order: one Query per 1 MB. Attempt 1 answered with the completion is in the completion."""
        return tuple(
            Attempt.from_record(r)
            for r in self.query_all(participant_pk(participant_id), ATTEMPT_PREFIX)
        )

    def delete_attempts(self, participant_id: str) -> int:
        """Delete every attempt item of a participant (their own request; see the module
        docstring): one Query of the keys, then one BatchWriteItem per 25. Returns how many."""
        return self.delete_prefix(participant_pk(participant_id), ATTEMPT_PREFIX)

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

    def home_state(
        self, participant_id: str
    ) -> tuple[CompletedVersions, dict[str, WorksheetCounts | None], str | None]:
        """What a participant's home shows of their own records: what they completed, how far
        each worksheet they saved is (``worksheet_counts``: by module id, ``None`` where
        unknown), and the time zone they chose on Account (``None``: none chosen; home says
        when their due dates are another zone's days), in one BatchGetItem of three items of
        their partition (strongly consistent: home after a save shows it). No projection: a
        BatchGetItem has one per table, and the completed-versions item is read whole; the
        saved-worksheets item holds no answer text; of the reminder choice only the zone leaves
        this method (as in ``lesson_state``)."""
        pk = participant_pk(participant_id)
        completed = CompletedVersions(participant_id, {})
        counts: dict[str, WorksheetCounts | None] = {}
        zone: str | None = None
        keys = [
            {"PK": pk, "SK": COMPLETED_VERSIONS_SK},
            {"PK": pk, "SK": SAVED_WORKSHEETS_SK},
            {"PK": pk, "SK": REMINDERS_SK},
        ]
        for record in self.batch_get(keys, consistent=True):
            if record["SK"] == COMPLETED_VERSIONS_SK:
                completed = CompletedVersions.from_record(participant_id, record)
            elif record["SK"] == REMINDERS_SK:
                zone = str(record["timezone"]) if record.get("timezone") else None
            else:
                counts = worksheet_counts(record)
        return completed, counts, zone

    def lesson_state(
        self, participant_id: str, module_id: str, with_worksheet: bool = True
    ) -> tuple[CompletedVersions, Worksheet, str | None]:
        """What a lesson page shows of its reader: what they completed, (``with_worksheet``, for
        a module that has one) their worksheet of the module, and the time zone they chose on
        Account (``None``: none chosen: the page says when its dates are another zone's); in one
        BatchGetItem of the items of their partition (strongly consistent: the page after a
        save shows it). The time zone comes with the reminder choice, which a BatchGetItem
        cannot project for that item alone: only the zone leaves this method (the choice's
        confirmed email and phone number are read with it, and dropped here)."""
        pk = participant_pk(participant_id)
        completed = CompletedVersions(participant_id, {})
        sheet = Worksheet(participant_id, module_id)
        zone: str | None = None
        keys = [{"PK": pk, "SK": COMPLETED_VERSIONS_SK}, {"PK": pk, "SK": REMINDERS_SK}]
        if with_worksheet:
            keys.append({"PK": pk, "SK": worksheet_sk(module_id)})
        for record in self.batch_get(keys, consistent=True):
            if record["SK"] == COMPLETED_VERSIONS_SK:
                completed = CompletedVersions.from_record(participant_id, record)
            elif record["SK"] == REMINDERS_SK:
                zone = str(record["timezone"]) if record.get("timezone") else None
            else:
                sheet = Worksheet.from_record(record)
        return completed, sheet, zone

    def get(
        self, participant_id: str, module_id: str, version: int, consistent: bool = False
    ) -> Completion | None:
        """One completion record, or ``None`` (one GetItem)."""
        item = self.get_one(
            participant_pk(participant_id), completion_sk(module_id, version), consistent
        )
        return Completion.from_record(item) if item else None
