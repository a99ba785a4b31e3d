"""Worksheet answers: what a participant wrote in one module's worksheet, kept per field id
across the module's versions.

Keys (see ``chalicelib.records``):
- ``PARTICIPANT#{id}`` / ``WORKSHEET#{module_id}``: one item per participant and module.
  Each answer is its own attribute ``a#{field_id}``: a map ``{"value", "version", "locale",
  "at", "kind", "label", "plan", "item"}``. The answer carries the version (English curriculum
  version) it was written in and the field's kind, label and plan section as they were then,
  so an answer to a field a later version removed or renamed still reads well on the plan.
  ``shared`` (bool) says whether the participant shares it with the leaders of their groups.
- Access patterns: a participant's own worksheet (GetItem), all their worksheets (one Query
  on ``begins_with(SK, "WORKSHEET#")``: the plan), one module's worksheet of up to 100
  participants (one BatchGetItem: a leader's "Before the session").

Conditional-write rules:
- Save is ONE UpdateItem without a condition: it SETs the answers the save carries (and
  REMOVEs the ones emptied), leaving answers to other fields (earlier versions) as they are.
  A retry writes the same values again, so it never duplicates; two devices saving different
  fields both keep theirs; the same field: the last save wins.
- Share / unshare is one UpdateItem with ``attribute_exists(PK)``: only a saved worksheet can
  be shared (a 404 otherwise), and setting the flag twice is harmless.
- Deleting answers is one Query plus one DeleteItem per worksheet (the participant's own
  request, audit-logged by the use case).
The table is encrypted with the KMS key (infra), as answers are health information.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import NotFound
from chalicelib.records.keys import (
    WORKSHEET_PREFIX,
    participant_id_of,
    participant_pk,
    worksheet_sk,
)
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    RecordTable,
    error_code,
    from_item,
    to_item,
)

ANSWER_PREFIX = "a#"


@dataclass(frozen=True)
class Answer:
    """One field's answer, as it was saved."""

    field_id: str
    value: (
        Any  # str (text), list[str] (list), list[{"name","phone"}] (contacts), int (scale, choice)
    )
    version: int  # the English (curriculum) version of the module it was written in
    locale: str
    at: str
    kind: str
    label: str
    plan: str | None
    item: str | None  # "text" or "contact" for a list
    choice_text: str | None = None  # a choice's words when it was chosen

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "value": self.value,
            "version": self.version,
            "locale": self.locale,
            "at": self.at,
            "kind": self.kind,
            "label": self.label,
            "plan": self.plan,
            "item": self.item,
        }
        if self.choice_text is not None:
            record["choice_text"] = self.choice_text
        return record

    def to_dict(self) -> dict[str, Any]:
        return {"field_id": self.field_id, **self.to_record()}

    @classmethod
    def from_record(cls, field_id: str, record: dict[str, Any]) -> Answer:
        return cls(
            field_id=field_id,
            value=_plain(record.get("value")),
            version=int(record.get("version", 0)),
            locale=str(record.get("locale", "en")),
            at=str(record.get("at", "")),
            kind=str(record.get("kind", "")),
            label=str(record.get("label", "")),
            plan=record.get("plan") or None,
            item=record.get("item") or None,
            choice_text=record.get("choice_text"),
        )


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: back to int, recursively."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Worksheet:
    """A participant's answers to one module's worksheet (every version's fields)."""

    participant_id: str
    module_id: str
    answers: dict[str, Answer] = field(default_factory=dict)
    shared: bool = False
    updated_at: str | None = None

    @property
    def done(self) -> bool:
        return bool(self.answers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "shared": self.shared,
            "updated_at": self.updated_at,
            "answers": [a.to_dict() for _, a in sorted(self.answers.items())],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Worksheet:
        answers = {
            name[len(ANSWER_PREFIX) :]: Answer.from_record(name[len(ANSWER_PREFIX) :], value)
            for name, value in record.items()
            if name.startswith(ANSWER_PREFIX) and isinstance(value, dict)
        }
        return cls(
            participant_id=participant_id_of(str(record["PK"])),
            module_id=str(record.get("module_id", str(record["SK"])[len(WORKSHEET_PREFIX) :])),
            answers=answers,
            shared=bool(record.get("shared", False)),
            updated_at=record.get("updated_at"),
        )


class WorksheetRecords(RecordTable):
    def save(
        self,
        participant_id: str,
        module_id: str,
        answers: list[Answer],
        emptied: list[str],
        at: str,
    ) -> Worksheet:
        """One UpdateItem: SET each answer given, REMOVE each emptied one (see the module).
        Returns the whole stored worksheet after the save (``ReturnValues=ALL_NEW``)."""
        names: dict[str, str] = {"#m": "module_id", "#u": "updated_at", "#f": "first_saved_at"}
        values: dict[str, Any] = {":m": module_id, ":u": at}
        sets = ["#m = :m", "#u = :u", "#f = if_not_exists(#f, :u)"]
        for n, answer in enumerate(answers):
            names[f"#a{n}"] = ANSWER_PREFIX + answer.field_id
            values[f":a{n}"] = answer.to_record()
            sets.append(f"#a{n} = :a{n}")
        removes = []
        for n, field_id in enumerate(emptied):
            names[f"#r{n}"] = ANSWER_PREFIX + field_id
            removes.append(f"#r{n}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            response = self._dynamodb.update_item(
                TableName=self._table,
                Key=to_item({"PK": participant_pk(participant_id), "SK": worksheet_sk(module_id)}),
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(values),
                ReturnValues="ALL_NEW",
            )
        except (ClientError, BotoCoreError) as error:
            raise self.unavailable(error) from error
        return Worksheet.from_record(from_item(response["Attributes"]))

    def set_shared(self, participant_id: str, module_id: str, shared: bool, at: str) -> None:
        """One conditional UpdateItem; ``NotFound`` when nothing was saved for the module yet."""
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=to_item({"PK": participant_pk(participant_id), "SK": worksheet_sk(module_id)}),
                UpdateExpression="SET #s = :s, #sa = :t",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#s": "shared", "#sa": "shared_changed_at"},
                ExpressionAttributeValues=to_item({":s": shared, ":t": at}),
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise NotFound(
                    "Save some answers in this worksheet before sharing it.",
                    code="worksheet_not_found",
                ) from None
            raise self.unavailable(error) from error
        except BotoCoreError as error:
            raise self.unavailable(error) from error

    def get(self, participant_id: str, module_id: str) -> Worksheet:
        """One GetItem (strongly consistent: the page after a save shows the save)."""
        item = self.get_one(
            participant_pk(participant_id), worksheet_sk(module_id), consistent=True
        )
        if item is None:
            return Worksheet(participant_id, module_id)
        return Worksheet.from_record(item)

    def all_of(self, participant_id: str) -> list[Worksheet]:
        """Every worksheet of a participant: one Query (per 1 MB)."""
        return [
            Worksheet.from_record(r)
            for r in self.query_all(participant_pk(participant_id), WORKSHEET_PREFIX)
        ]

    def of_participants(self, participant_ids: list[str], module_id: str) -> dict[str, Worksheet]:
        """One module's worksheet for many participants: one BatchGetItem per 100."""
        found = {pid: Worksheet(pid, module_id) for pid in participant_ids}
        keys = [
            {"PK": participant_pk(pid), "SK": worksheet_sk(module_id)} for pid in participant_ids
        ]
        for record in self.batch_get(keys, consistent=True):
            sheet = Worksheet.from_record(record)
            found[sheet.participant_id] = sheet
        return found

    def delete_all(self, participant_id: str) -> int:
        """Delete every worksheet of a participant (their own request): one Query, then one
        DeleteItem per worksheet. Returns how many were deleted."""
        sheets = self.all_of(participant_id)
        for sheet in sheets:
            try:
                self._dynamodb.delete_item(
                    TableName=self._table,
                    Key=to_item(
                        {"PK": participant_pk(participant_id), "SK": worksheet_sk(sheet.module_id)}
                    ),
                )
            except (ClientError, BotoCoreError) as error:
                raise self.unavailable(error) from error
        return len(sheets)
