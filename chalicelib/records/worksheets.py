"""Worksheet answers: what a participant wrote in one module's worksheet, kept per field id
across the module's versions.

Keys (see ``chalicelib.records``):
- ``PARTICIPANT#{id}`` / ``WORKSHEET#{module_id}``: one item per participant and module.
  Each answer is its own attribute ``a#{field_id}``: a map ``{"value", "version", "locale",
  "at", "kind", "label", "plan", "item"}``. The answer carries the version (English curriculum
  version) it was written in and the field's kind, label and plan section as they were then,
  so an answer to a field a later version removed or renamed still reads well on the plan.
  ``shared`` (bool) says whether the participant shares it with the leaders of their groups.
  ``counts`` (``{"answered", "fields", "version"}``): how many fields of the version last
  saved in (English curriculum version) have an answer, and how many fields it has, so their
  home can say "2 of 4 answered" without reading the version from S3. Absent: saved before
  the counts existed, or by a partial save whose count was not written yet (unknown: home
  shows nothing). ``save`` (a random token every save sets) lets the count of a partial save
  be written only if no other save came in between.
- ``PARTICIPANT#{id}`` / ``SAVED_WORKSHEETS``: what all of a participant's worksheets say to a
  leader's count, with no answer text: ``f#{module_id}#{field_id}`` (when that field was
  answered), ``u#{module_id}`` (when the worksheet was last saved), ``s#{module_id}``
  (shared) and ``c#{module_id}`` (the worksheet's ``counts``, for the participant's home,
  read in the BatchGetItem home already makes). Module and field ids are slugs, so ``#``
  splits them.
- Access patterns: a participant's own worksheet (GetItem), all their worksheets (one Query
  on ``begins_with(SK, "WORKSHEET#")``: the plan), one module's worksheet of up to 100
  participants (one BatchGetItem: a leader's "Before the session"), the saved-worksheets
  item of many participants (in ``AttentionRecords.facts``' BatchGetItem: a group's grid,
  "needs attention", the groups list).

Conditional-write rules:
- Save is one GetItem of the worksheet as it is (strongly consistent), then ONE
  TransactWriteItems, conditional on that read: ``#k = :read`` (the ``save`` token read, or
  ``attribute_not_exists(#k)`` when there was none), so the answers it replaces are exactly
  the ones read. In it: the worksheet SETs the answers the save carries (and REMOVEs the ones
  emptied), leaving answers to other fields (earlier versions) as they are, with ``counts``
  (worked out from the answers read and the ones written, so a save of some fields only
  counts too) and ``saves`` (how many saves it has had); the saved-worksheets item SETs and
  REMOVEs the same fields' times and the counts; and, when the save changes or empties an
  answer that was there, a Put of the worksheet as read (an earlier save, below). Together or
  not at all, so a leader's count never disagrees with the answers. The stored worksheet after
  the save is the one read with the save applied (nothing else can have changed it: the
  condition held), so no GetItem follows. When the condition fails (another save came in
  between) nothing is written, and the use case reads again: without ``based_on`` it writes
  again (the last save wins, as before); with it, it merges field by field
  (``chalicelib.worksheets.merge_answers``) first. A save made from a form that says which
  save it was based on (``based_on``: the ``save`` token of the answers it showed) and finds
  another there is merged before it is written, so no save is ever written over without
  being looked at. A retry of a save that was written finds its own token there: it merges to
  nothing new, replaces no answer and keeps no earlier save, so it never duplicates one.
- Earlier saves: ``PARTICIPANT#{id}`` / ``WORKSHEET_SAVE#{module_id}#{n:02d}``, one item per
  replaced save: ``answers`` (every answer as it was, the same maps as the worksheet's),
  ``saved_at`` (when that save was made), ``replaced_at`` (when a save replaced it), ``save``
  (how many saves the worksheet had had then). ``n`` is the save's number modulo ``KEPT_SAVES`` (10): the last 10
  earlier saves of each worksheet are kept, the 11th written over the oldest in the same Put
  (no Delete, no condition of its own: the save's condition covers it). One Query
  (``begins_with(SK, "WORKSHEET_SAVE#{module_id}#")``) lists one worksheet's; only the
  participant reads them (their own page and API, their download), never a leader.
- Share / unshare is one TransactWriteItems: the worksheet's flag with
  ``attribute_exists(PK)`` (only a saved worksheet can be shared: a 404 otherwise), and the
  same flag in the saved-worksheets item. Setting the flag twice is harmless.
- Deleting answers is one Query (``begins_with(SK, "WORKSHEET")``: the worksheets and their
  earlier saves), one DeleteItem per item found and one for the saved-worksheets item, then
  Query again until nothing is left (the participant's own request, audit-logged
  by the use case).
- ``rebuild_saved`` writes the saved-worksheets item afresh from the worksheets, in one
  transaction: on condition that its ``change`` token (a random value every save and share
  sets) is the one it read, and that every worksheet it read is unchanged (``updated_at``);
  for worksheets stored before the item existed or by an older release
  (``chalicelib.upgrade``).
The table is encrypted with the KMS key (infra), as answers are health information.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.records.keys import (
    EARLIER_SAVE_PREFIX,
    SAVED_WORKSHEETS_SK,
    WORKSHEET_FAMILY_PREFIX,
    WORKSHEET_PREFIX,
    earlier_save_sk,
    earlier_saves_prefix,
    participant_id_of,
    participant_pk,
    worksheet_sk,
)
from chalicelib.records.table import (
    BotoCoreError,
    ClientError,
    RecordTable,
    TransactionCancelled,
    plain,
    to_item,
)

ANSWER_PREFIX = "a#"
# The saved-worksheets item's attributes (see the module docstring).
_ANSWERED = "f#"
_UPDATED = "u#"
_SHARED = "s#"
_COUNTS = "c#"
_WORKSHEET_COUNTS = "counts"
_SAVE_TOKEN = "save"
_SAVES = "saves"  # how many saves a worksheet has had (the next earlier save's slot)
_KEPT = "earlier"  # how many earlier saves are kept (its page's link says so, with no Query)
KEPT_SAVES = 10  # earlier saves kept per worksheet: the last 10
# A random token every save and share sets: a rebuild writes only if it is still the one it
# read (a count could repeat after the item was deleted and made again).
_CHANGES = "change"
# A rebuild checks every worksheet it read in its transaction (100 items at most).
_MAX_WORKSHEETS = 99
_REBUILD_ATTEMPTS = 5
_DELETE_ROUNDS = 5  # "delete my answers": Query again at most this often
_BUSY = Conflict(
    "This worksheet is being saved from somewhere else. Try again.", code="worksheet_busy"
)


class WorksheetChanged(Exception):
    """A save based on one save of the worksheet found another there (another tab or device
    saved meanwhile): nothing was written."""


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
            value=plain(record.get("value")),
            version=int(record.get("version", 0)),
            locale=str(record.get("locale", "en")),
            at=str(record.get("at", "")),
            kind=str(record.get("kind", "")),
            label=str(record.get("label", "")),
            plan=record.get("plan") or None,
            item=record.get("item") or None,
            choice_text=record.get("choice_text"),
        )


@dataclass(frozen=True)
class WorksheetCounts:
    """How many fields of one version's worksheet have an answer, out of how many; ``version``
    is the English (curriculum) version those fields are of."""

    answered: int
    fields: int
    version: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.fields

    def to_record(self) -> dict[str, int]:
        return {"answered": self.answered, "fields": self.fields, "version": self.version}

    @classmethod
    def from_record(cls, record: Any) -> WorksheetCounts | None:
        """The stored counts, or ``None`` when absent or unreadable (unknown, never a guess)."""
        if not isinstance(record, Mapping):
            return None
        try:
            answered, fields, version = (
                int(record["answered"]),
                int(record["fields"]),
                int(record["version"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if fields < 1 or not 0 <= answered <= fields:
            return None
        return cls(answered, fields, version)


@dataclass(frozen=True)
class Worksheet:
    """A participant's answers to one module's worksheet (every version's fields)."""

    participant_id: str
    module_id: str
    answers: dict[str, Answer] = field(default_factory=dict)
    shared: bool = False
    updated_at: str | None = None
    counts: WorksheetCounts | None = None
    save_token: str | None = None  # the last save's (see the module docstring)
    saves: int = 0  # how many saves it has had (0: none, or all before they were counted)
    earlier_saves: int = 0  # how many earlier saves are kept (at most ``KEPT_SAVES``)

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

    @property
    def answered_at(self) -> dict[str, str]:
        """When each answered field was written, by field id."""
        return {field_id: answer.at for field_id, answer in self.answers.items()}

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
            counts=WorksheetCounts.from_record(record.get(_WORKSHEET_COUNTS)),
            save_token=record.get(_SAVE_TOKEN),
            saves=int(record.get(_SAVES, 0)),
            earlier_saves=int(record.get(_KEPT, 0)),
        )


def _answers_of(record: Mapping[str, Any]) -> dict[str, Answer]:
    return {
        str(field_id): Answer.from_record(str(field_id), value)
        for field_id, value in record.items()
        if isinstance(value, dict)
    }


@dataclass(frozen=True)
class EarlierSave:
    """A save of a worksheet that a later save replaced: every answer as it was then."""

    module_id: str
    number: int  # how many saves the worksheet had had when it was replaced (newer: higher)
    saved_at: str | None  # when it was saved (None: before that was known)
    replaced_at: str  # when the save that replaced it was made
    answers: dict[str, Answer] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "saved_at": self.saved_at,
            "replaced_at": self.replaced_at,
            "answers": [a.to_dict() for _, a in sorted(self.answers.items())],
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> EarlierSave:
        return cls(
            module_id=str(record.get("module_id", "")),
            number=int(record.get(_SAVE_NUMBER, 0)),
            saved_at=record.get("saved_at"),
            replaced_at=str(record.get("replaced_at", "")),
            answers=_answers_of(record.get("answers") or {}),
        )


_SAVE_NUMBER = "save"


def newest_first(saves: list[EarlierSave]) -> list[EarlierSave]:
    return sorted(saves, key=lambda e: (e.number, e.replaced_at), reverse=True)


@dataclass(frozen=True)
class SavedWorksheet:
    """What a leader's count needs of one saved worksheet (the saved-worksheets item): when
    each field was answered, when it was last saved, and whether it is shared. No answer."""

    participant_id: str
    module_id: str
    answered_at: Mapping[str, str]  # field id: when it was written
    shared: bool = False
    updated_at: str | None = None
    counts: WorksheetCounts | None = None  # for the participant's own home only


def saved_worksheets(record: Mapping[str, Any]) -> dict[str, SavedWorksheet]:
    """The saved-worksheets item read back: each module's ``SavedWorksheet``, by module id
    (a worksheet whose answers were all emptied is left out, as a leader sees nothing)."""
    participant_id = participant_id_of(str(record["PK"]))
    answered: dict[str, dict[str, str]] = {}
    for name, value in record.items():
        if name.startswith(_ANSWERED):
            module_id, _, field_id = name[len(_ANSWERED) :].partition("#")
            answered.setdefault(module_id, {})[field_id] = str(value)
    return {
        module_id: SavedWorksheet(
            participant_id,
            module_id,
            fields,
            bool(record.get(_SHARED + module_id, False)),
            record.get(_UPDATED + module_id),
            WorksheetCounts.from_record(record.get(_COUNTS + module_id)),
        )
        for module_id, fields in answered.items()
    }


def worksheet_counts(record: Mapping[str, Any]) -> dict[str, WorksheetCounts | None]:
    """The saved-worksheets item read back for the participant's home: each saved worksheet's
    counts by module id, ``None`` where it was saved but its counts are unknown (saved before
    they existed). A module not there was never saved (or everything in it was deleted)."""
    found: dict[str, WorksheetCounts | None] = {}
    for name, value in record.items():
        if name.startswith(_UPDATED):
            found.setdefault(name[len(_UPDATED) :], None)
        elif name.startswith(_COUNTS):
            found[name[len(_COUNTS) :]] = WorksheetCounts.from_record(value)
    return found


def _saved_item(participant_id: str, sheets: list[Worksheet]) -> dict[str, Any]:
    """The saved-worksheets item that ``sheets`` (all of a participant's) make."""
    item: dict[str, Any] = {"PK": participant_pk(participant_id), "SK": SAVED_WORKSHEETS_SK}
    for sheet in sheets:
        for field_id, at in sheet.answered_at.items():
            item[f"{_ANSWERED}{sheet.module_id}#{field_id}"] = at
        if sheet.updated_at:
            item[_UPDATED + sheet.module_id] = sheet.updated_at
        item[_SHARED + sheet.module_id] = sheet.shared
        if sheet.counts is not None:
            item[_COUNTS + sheet.module_id] = sheet.counts.to_record()
    return item


def _unchanged(table: str, pk: str, sheet: Worksheet) -> dict[str, Any]:
    """A transaction's check that ``sheet`` is still there, saved no later than when read."""
    check: dict[str, Any] = {
        "TableName": table,
        "Key": to_item({"PK": pk, "SK": worksheet_sk(sheet.module_id)}),
        "ExpressionAttributeNames": {"#u": "updated_at"},
    }
    if sheet.updated_at is None:
        check["ConditionExpression"] = "attribute_exists(PK) AND attribute_not_exists(#u)"
    else:
        check["ConditionExpression"] = "#u = :u"
        check["ExpressionAttributeValues"] = to_item({":u": sheet.updated_at})
    return {"ConditionCheck": check}


class WorksheetRecords(RecordTable):
    def save(
        self,
        participant_id: str,
        module_id: str,
        answers: list[Answer],
        emptied: list[str],
        at: str,
        counts: WorksheetCounts | None = None,
        *,
        prior: Worksheet | None = None,
    ) -> Worksheet:
        """SET each answer given and REMOVE each emptied one, in the worksheet and in the
        saved-worksheets item, with ``counts`` (``None``: REMOVEd, unknown), and keep ``prior``
        as an earlier save when this save changes or empties one of its answers: one
        TransactWriteItems, on condition that the worksheet is still ``prior`` (what the use
        case read: see the module). Returns the worksheet as stored now (``prior`` with the
        save applied: no read). ``WorksheetChanged`` when another save came in since ``prior``
        was read: nothing written. No ``prior``: read here (one GetItem more)."""
        if prior is None:
            prior = self.get(participant_id, module_id)
        token = uuid.uuid4().hex
        names: dict[str, str] = {
            "#m": "module_id",
            "#u": "updated_at",
            "#f": "first_saved_at",
            "#k": _SAVE_TOKEN,
            "#c": _WORKSHEET_COUNTS,
            "#n": _SAVES,
        }
        values: dict[str, Any] = {":m": module_id, ":u": at, ":k": token, ":n": prior.saves + 1}
        sets = ["#m = :m", "#u = :u", "#f = if_not_exists(#f, :u)", "#k = :k", "#n = :n"]
        saved_names: dict[str, str] = {
            "#u": _UPDATED + module_id,
            "#n": _CHANGES,
            "#c": _COUNTS + module_id,
        }
        saved_values: dict[str, Any] = {":u": at, ":n": uuid.uuid4().hex}
        saved_sets = ["#u = :u", "#n = :n"]
        removes = []
        if counts is not None:
            values[":c"] = counts.to_record()
            sets.append("#c = :c")
            saved_values[":c"] = counts.to_record()
            saved_sets.append("#c = :c")
        else:
            removes.append("#c")
        for n, answer in enumerate(answers):
            names[f"#a{n}"] = ANSWER_PREFIX + answer.field_id
            values[f":a{n}"] = answer.to_record()
            sets.append(f"#a{n} = :a{n}")
            saved_names[f"#a{n}"] = f"{_ANSWERED}{module_id}#{answer.field_id}"
            saved_values[f":a{n}"] = answer.at
            saved_sets.append(f"#a{n} = :a{n}")
        for n, field_id in enumerate(emptied):
            names[f"#r{n}"] = ANSWER_PREFIX + field_id
            saved_names[f"#r{n}"] = f"{_ANSWERED}{module_id}#{field_id}"
            removes.append(f"#r{n}")
        given = {a.field_id: a for a in answers}
        keep = replaces(prior, given, emptied)
        kept_saves = min(prior.earlier_saves + 1, KEPT_SAVES) if keep else prior.earlier_saves
        if keep:
            names["#e"] = _KEPT
            values[":e"] = kept_saves
            sets.append("#e = :e")
        removed = " REMOVE " + ", ".join(removes) if removes else ""
        pk = participant_pk(participant_id)
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": to_item({"PK": pk, "SK": worksheet_sk(module_id)}),
            "UpdateExpression": "SET " + ", ".join(sets) + removed,
            "ExpressionAttributeNames": names,
        }
        if prior.save_token is None:
            update["ConditionExpression"] = "attribute_not_exists(#k)"
        else:
            update["ConditionExpression"] = "#k = :b"
            values[":b"] = prior.save_token
        update["ExpressionAttributeValues"] = to_item(values)
        items: list[dict[str, Any]] = [
            {"Update": update},
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"PK": pk, "SK": SAVED_WORKSHEETS_SK}),
                    "UpdateExpression": "SET " + ", ".join(saved_sets) + removed,
                    "ExpressionAttributeNames": saved_names,
                    "ExpressionAttributeValues": to_item(saved_values),
                }
            },
        ]
        if keep:
            items.append({"Put": self._earlier_put(pk, prior, at)})
        try:
            self.transact(items, _BUSY)
        except TransactionCancelled as cancelled:
            if cancelled.first.get("Code") == "ConditionalCheckFailed":
                raise WorksheetChanged() from None
            raise self.unavailable(cancelled) from None
        kept = {f: a for f, a in prior.answers.items() if f not in emptied}
        return replace(
            prior,
            answers={**kept, **given},
            updated_at=at,
            counts=counts,
            save_token=token,
            saves=prior.saves + 1,
            earlier_saves=kept_saves,
        )

    def _earlier_put(self, pk: str, prior: Worksheet, at: str) -> dict[str, Any]:
        """The Put that keeps ``prior`` as an earlier save, in the slot of its number."""
        # How many saves it had when read: a worksheet saved before they were counted is 0.
        number = prior.saves
        item = {
            "PK": pk,
            "SK": earlier_save_sk(prior.module_id, number % KEPT_SAVES),
            "module_id": prior.module_id,
            _SAVE_NUMBER: number,
            "saved_at": prior.updated_at,
            "replaced_at": at,
            "answers": {f: a.to_record() for f, a in prior.answers.items()},
        }
        return {"TableName": self._table, "Item": to_item(item)}

    def earlier(self, participant_id: str, module_id: str) -> list[EarlierSave]:
        """The kept earlier saves of one worksheet, newest first: one Query."""
        return newest_first(
            [
                EarlierSave.from_record(r)
                for r in self.query_all(
                    participant_pk(participant_id), earlier_saves_prefix(module_id)
                )
            ]
        )

    def everything_of(self, participant_id: str) -> tuple[list[Worksheet], list[EarlierSave]]:
        """Every worksheet of a participant and every earlier save kept: one Query (per 1 MB),
        for their download."""
        sheets: list[Worksheet] = []
        earlier: list[EarlierSave] = []
        for record in self.query_all(participant_pk(participant_id), WORKSHEET_FAMILY_PREFIX):
            sk = str(record["SK"])
            if sk.startswith(WORKSHEET_PREFIX):
                sheets.append(Worksheet.from_record(record))
            elif sk.startswith(EARLIER_SAVE_PREFIX):
                earlier.append(EarlierSave.from_record(record))
        return sheets, newest_first(earlier)

    def set_counts(
        self, participant_id: str, module_id: str, counts: WorksheetCounts, save_token: str
    ) -> bool:
        """Write the counts of a save of some fields only, in the worksheet and in the
        saved-worksheets item (one TransactWriteItems), on condition that the worksheet's last
        save is still the one ``save_token`` names. False when another save came in between
        (it wrote its own counts, or left them unknown)."""
        pk = participant_pk(participant_id)
        try:
            self.transact(
                [
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": to_item({"PK": pk, "SK": worksheet_sk(module_id)}),
                            "UpdateExpression": "SET #c = :c",
                            "ConditionExpression": "#k = :k",
                            "ExpressionAttributeNames": {
                                "#c": _WORKSHEET_COUNTS,
                                "#k": _SAVE_TOKEN,
                            },
                            "ExpressionAttributeValues": to_item(
                                {":c": counts.to_record(), ":k": save_token}
                            ),
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": to_item({"PK": pk, "SK": SAVED_WORKSHEETS_SK}),
                            "UpdateExpression": "SET #c = :c",
                            "ExpressionAttributeNames": {"#c": _COUNTS + module_id},
                            "ExpressionAttributeValues": to_item({":c": counts.to_record()}),
                        }
                    },
                ],
                _BUSY,
            )
        except TransactionCancelled:
            return False
        return True

    def set_shared(self, participant_id: str, module_id: str, shared: bool, at: str) -> None:
        """One transaction (the worksheet's flag on condition it exists, and the same flag in
        the saved-worksheets item); ``NotFound`` when nothing was saved for the module yet."""
        pk = participant_pk(participant_id)
        self.transact_change(
            [
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": to_item({"PK": pk, "SK": worksheet_sk(module_id)}),
                        "UpdateExpression": "SET #s = :s, #sa = :t",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeNames": {"#s": "shared", "#sa": "shared_changed_at"},
                        "ExpressionAttributeValues": to_item({":s": shared, ":t": at}),
                    }
                },
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": to_item({"PK": pk, "SK": SAVED_WORKSHEETS_SK}),
                        "UpdateExpression": "SET #s = :s, #n = :n",
                        "ExpressionAttributeNames": {"#s": _SHARED + module_id, "#n": _CHANGES},
                        "ExpressionAttributeValues": to_item(
                            {":s": shared, ":n": uuid.uuid4().hex}
                        ),
                    }
                },
            ],
            _BUSY,
            "Save some answers in this worksheet before sharing it.",
            "worksheet_not_found",
        )

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

    def rebuild_saved(self, participant_id: str) -> int:
        """Write the saved-worksheets item afresh from the participant's worksheets: one
        GetItem of the item, one Query of the worksheets, then one TransactWriteItems that puts
        the item on condition that its change token is still the one read (no save or share
        came in between), and checks that each worksheet read is still as it was (none was
        deleted or saved meanwhile); else it reads again, a few times, then ``Conflict``.
        For worksheets stored before the item existed, or by an older release after a rollback
        (``chalicelib.upgrade``). Returns how many worksheets it holds."""
        pk = participant_pk(participant_id)
        for _attempt in range(_REBUILD_ATTEMPTS):
            current = self.get_one(pk, SAVED_WORKSHEETS_SK, consistent=True)
            sheets = self.all_of(participant_id)
            if len(sheets) > _MAX_WORKSHEETS:
                raise Conflict(
                    f"More than {_MAX_WORKSHEETS} worksheets: rebuild by hand.",
                    code="too_many_worksheets",
                )
            item = _saved_item(participant_id, sheets)
            item[_CHANGES] = uuid.uuid4().hex
            put: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
            if current is None:
                put["ConditionExpression"] = "attribute_not_exists(PK)"
            elif _CHANGES in current:
                put["ConditionExpression"] = "#n = :n"
                put["ExpressionAttributeNames"] = {"#n": _CHANGES}
                put["ExpressionAttributeValues"] = to_item({":n": current[_CHANGES]})
            else:
                put["ConditionExpression"] = "attribute_exists(PK) AND attribute_not_exists(#n)"
                put["ExpressionAttributeNames"] = {"#n": _CHANGES}
            checks = [_unchanged(self._table, pk, sheet) for sheet in sheets]
            try:
                self.transact([{"Put": put}, *checks], _BUSY)
            except TransactionCancelled:
                continue  # a save, share or deletion came in between: read both again
            return len(sheets)
        raise _BUSY

    def delete_all(self, participant_id: str) -> int:
        """Delete every worksheet of a participant (their own request), every earlier save
        kept of them, and the saved-worksheets item: one Query, one DeleteItem per item found,
        then the saved-worksheets item; then Query again until nothing is left (a few rounds
        at most, then ``Conflict``), so a save from another device that came in meanwhile is
        deleted too and the item never keeps times of answers that are gone. A retry is
        harmless. Returns how many worksheets were deleted."""
        pk = participant_pk(participant_id)
        deleted: set[str] = set()
        found = self._family_keys(pk)
        for _round in range(_DELETE_ROUNDS):
            for sk in [*found, SAVED_WORKSHEETS_SK]:
                try:
                    self._dynamodb.delete_item(
                        TableName=self._table, Key=to_item({"PK": pk, "SK": sk})
                    )
                except (ClientError, BotoCoreError) as error:
                    raise self.unavailable(error) from error
            deleted.update(sk for sk in found if sk.startswith(WORKSHEET_PREFIX))
            if not found:
                return len(deleted)
            found = self._family_keys(pk)
        raise _BUSY

    def _family_keys(self, pk: str) -> list[str]:
        """The SKs of a participant's worksheets and earlier saves (one Query)."""
        sks = [str(r["SK"]) for r in self.query_all(pk, WORKSHEET_FAMILY_PREFIX)]
        return [sk for sk in sks if sk.startswith((WORKSHEET_PREFIX, EARLIER_SAVE_PREFIX))]


def replaces(prior: Worksheet, given: Mapping[str, Answer], emptied: list[str]) -> bool:
    """Whether a save changes or empties an answer ``prior`` has (so ``prior`` is kept as an
    earlier save). Writing the same words again, or answering an empty field, replaces none."""
    for field_id, answer in prior.answers.items():
        if field_id in emptied:
            return True
        new = given.get(field_id)
        if new is not None and new.value != answer.value:
            return True
    return False
