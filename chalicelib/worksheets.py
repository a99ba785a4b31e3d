"""Worksheets: a participant saves their answers to a module's worksheet, reads them back,
shares one worksheet with the leaders of their groups (or takes that back), downloads or
deletes everything they wrote; a group leader reads, before a session, what the group's
participants shared of one module's worksheet and who has not done it.

Answers are kept per field id across module versions (``records/worksheets.py``); each answer
records the version it was written in. Saving never completes a module, and completing never
touches answers. Answers are health information: nothing here logs them, and reads by a
group leader are audit-logged before anything is returned.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.assignments import AssignedModule, assigned_modules, assigned_to, group_order
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict, FieldError, FieldErrors, NotFound
from chalicelib.groups import audit_reads, led_group
from chalicelib.identity import Caller
from chalicelib.library import (
    DEFAULT_LOCALE,
    ModuleLibrary,
    check_locale,
    check_module_id,
    curriculum_version,
    parse_version,
)
from chalicelib.phone_numbers import is_phone_number
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.groups import Assignment, EnrolledParticipant, Group, GroupRecords
from chalicelib.records.worksheets import (
    KEPT_SAVES,
    EarlierSave,
    SavedWorksheet,
    Worksheet,
    WorksheetChanged,
    WorksheetCounts,
    WorksheetRecords,
)
from chalicelib.records.worksheets import (
    Answer as Answer,  # the pages name it (they reach records only through here)
)
from chalicelib.statuses import Windows, WorksheetMark, at_second, in_group_rule

MAX_FIELD_CHARS = 2000  # per field: a text, or a list's items together
MAX_LIST_ITEMS = 50
MAX_PHONE_CHARS = 30
MAX_NAME_CHARS = 200  # a person to call's name
TEXT_KINDS = ("short-text", "long-text")
# The most inputs a lesson's worksheet form may post: each answer box, each row of a list (a
# name and a phone for a person to call), a hidden copy of each saved answer, the knowledge
# check's answers ("Mark as complete" posts them with the worksheet) and the form's own few.
# The web's worksheet, complete and retake routes read this many fields; lint (WS014) keeps
# every worksheet within it, so a form the author wrote is never refused as unreadable.
MAX_FORM_INPUTS = 1000
_FORM_OWN_INPUTS = 10  # csrf, version, locale, based_on, attempt, changed_fields and spare


def list_limit(max_items: Any) -> int:
    """The most items a list field takes: its ``max_items``, at most ``MAX_LIST_ITEMS``."""
    return min(int(max_items or MAX_LIST_ITEMS), MAX_LIST_ITEMS)


def form_inputs(kinds: Iterable[tuple[str, int | None, bool]], questions: int) -> int:
    """The inputs a worksheet form posts at most: ``kinds`` holds each field's kind, its
    ``max_items`` and whether its items are contacts; ``questions``: the knowledge check's."""
    total = _FORM_OWN_INPUTS + questions
    for kind, max_items, contacts in kinds:
        rows = list_limit(max_items) if kind == "list" else 1
        total += 1 + rows * (2 if contacts else 1)
    return total


CONTACT = "contact"
_SAVE_ATTEMPTS = 3  # another save between the read and the write: read (merge) and write again
_TOKEN = re.compile(r"[0-9a-f]{1,64}")
_DIGEST = re.compile(r"[0-9a-f]{12}")


def clean_text(
    value: Any,
    field_id: str,
    limit: int = MAX_FIELD_CHARS,
    multiline: bool = True,
    *,
    item: int | None = None,
    part: str | None = None,
) -> str:
    """A participant's text: a string, without control characters (line breaks allowed where
    ``multiline``), NFC, trimmed, at most ``limit`` characters. ``item`` and ``part`` say
    which item of a list it is, for the ``FieldError``."""
    if not isinstance(value, str):
        raise FieldError(field_id, "must be text.", item=item, part=part)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    for ch in text:
        if ch == "\n" and multiline:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch != "\t":
            raise FieldError(
                field_id, "has a character that cannot be saved.", item=item, part=part
            )
    if len(text) > limit:
        raise FieldError(
            field_id,
            f"is longer than {limit} characters ({len(text)}).",
            code="answer_too_long",
            item=item,
            part=part,
            limit=limit,
            length=len(text),
        )
    return text


def check_contact(
    name: Any, phone: Any, field_id: str, *, item: int | None = None
) -> tuple[str, str]:
    """One person to call (a worksheet's or the plan's): their name and phone number, cleaned
    (both ``""`` for an empty row). A name may come without a number (some are known by heart);
    a number never comes without a name, or the plan would list numbers nobody can place. The
    number: ``phone_numbers.is_phone_number``. ``FieldError`` names the row's part at fault."""
    name = clean_text(name or "", field_id, MAX_NAME_CHARS, False, item=item, part="name")
    phone = clean_text(phone or "", field_id, MAX_PHONE_CHARS, False, item=item, part="phone")
    if phone and not is_phone_number(phone):
        raise FieldError(
            field_id,
            "has a phone number with something other than digits, spaces, + - ( ) "
            "and an extension (like ext. 4).",
            code="invalid_contact_phone",
            item=item,
            part="phone",
        )
    if phone and not name:
        raise FieldError(
            field_id,
            f"has a phone number without a name: add a name for {phone}.",
            code="contact_without_name",
            item=item,
            part="name",
        )
    return name, phone


def _check_value(spec: Mapping[str, Any], value: Any) -> tuple[Any, str | None]:
    """The stored value of one field's answer (``None``: emptied) and a choice's words."""
    field_id = str(spec["id"])
    kind = spec["kind"]
    if value is None:
        return None, None
    if kind in TEXT_KINDS:
        text = clean_text(value, field_id, multiline=kind == "long-text")
        return (text or None), None
    if kind == "scale":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise FieldError(field_id, "is a whole number from 0 to 10.")
        return value, None
    if kind == "choice":
        choices = list(spec.get("choices") or [])
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(choices):
            raise FieldError(
                field_id, f"is the number of one of the {len(choices)} choices, counting from 0."
            )
        return value, str(choices[value])
    if kind == "list":
        limit = list_limit(spec.get("max_items"))
        if not isinstance(value, list):
            raise FieldError(field_id, "must be a list.")
        items = _check_items(spec, field_id, value)
        if spec.get("item") == CONTACT:
            size = sum(len(i["name"]) + len(i["phone"]) for i in items)
        else:
            size = sum(len(t) for t in items)
        if len(items) > limit:
            raise FieldError(
                field_id, f"has more than {limit} items ({len(items)}).", code="too_many_items"
            )
        if size > MAX_FIELD_CHARS:
            raise FieldError(
                field_id,
                f"is longer than {MAX_FIELD_CHARS} characters in all ({size}): shorten some items.",
                code="answer_too_long",
                limit=MAX_FIELD_CHARS,
                length=size,
            )
        return (items or None), None
    raise FieldError(field_id, "cannot be answered.")


def _check_items(spec: Mapping[str, Any], field_id: str, value: list[Any]) -> list[Any]:
    """A list field's items, cleaned, empty ones left out. Every item at fault is named, not
    only the first (``FieldErrors``, in the order given), so that the form marks each row."""
    contacts = spec.get("item") == CONTACT
    items: list[Any] = []
    refused: list[FieldError] = []
    for n, entry in enumerate(value):
        try:
            item = (
                _check_contact_item(field_id, entry, n)
                if contacts
                else clean_text(entry, field_id, multiline=False, item=n)
            )
        except FieldError as error:
            refused.append(error)
            continue
        if item:
            items.append(item)
    if refused:
        raise FieldErrors(refused)
    return items


def _check_contact_item(field_id: str, entry: Any, n: int) -> dict[str, str] | None:
    """Item ``n`` of a list of people to call, cleaned (``None``: an empty row)."""
    if not isinstance(entry, dict) or set(entry) - {"name", "phone"}:
        raise FieldError(field_id, 'is a list of {"name", "phone"}.', item=n)
    name, phone = check_contact(entry.get("name"), entry.get("phone"), field_id, item=n)
    return {"name": name, "phone": phone} if name or phone else None


def answer_digest(value: Any) -> str:
    """A short digest of one answer's value, or of one item of a list: what a form carries of
    the answers it showed (``base_of``), to tell later which ones it changed."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def base_of(kind: str, value: Any) -> tuple[str, ...]:
    """What a form was based on for one field: the digest of each item of a list, of the
    answer otherwise; nothing for no answer."""
    if value is None:
        return ()
    if kind == "list":
        return tuple(answer_digest(item) for item in value)
    return (answer_digest(value),)


def check_bases(given: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The bases a form carried (field id: space-separated digests), checked: a field with
    anything else there is left out (its base is unknown: ``merge_answers``)."""
    found: dict[str, tuple[str, ...]] = {}
    for field_id, raw in given.items():
        digests = tuple(str(raw).split())
        if len(digests) <= MAX_LIST_ITEMS and all(_DIGEST.fullmatch(d) for d in digests):
            found[field_id] = digests
    return found


def check_based_on(value: Any) -> str | None:
    """The save a form or a client's answers were based on: its ``save`` token, ``""`` for a
    worksheet with none (never saved). ``None``: not said (a save as before: the last wins)."""
    if value is None:
        return None
    if not isinstance(value, str) or (value and not _TOKEN.fullmatch(value)):
        raise BadRequest(
            "based_on is the based_on of the worksheet you read.", code="invalid_based_on"
        )
    return value


def _merge_items(base: tuple[str, ...], mine: list[Any], theirs: list[Any]) -> list[Any]:
    """A list changed here (``mine``, from ``base``) and saved elsewhere (``theirs``): the saved
    items in their order, less those removed here, then the items added here (as the plan's
    ``merge_edits``). Nothing either side added is lost."""
    removed_here = set(base) - {answer_digest(i) for i in mine}
    items = [i for i in theirs if answer_digest(i) not in removed_here]
    placed = {answer_digest(i) for i in items}
    for item in mine:
        digest = answer_digest(item)
        if digest not in base and digest not in placed:
            items.append(item)
            placed.add(digest)
    return items


@dataclass(frozen=True)
class AnswersMerge:
    """A save merged with the answers saved meanwhile: the value to write for each field that
    takes this save's (``None``: empty it), and the fields changed on both sides."""

    values: dict[str, Any]
    conflicts: tuple[str, ...]


def merge_answers(
    specs: Mapping[str, Mapping[str, Any]],
    mine: Mapping[str, Any],
    theirs: Worksheet,
    bases: Mapping[str, tuple[str, ...]] | None,
) -> AnswersMerge:
    """The one rule for a save based on answers saved over since (another tab or device), field
    by field; ``mine``: this save's checked values (``None``: an empty box); ``bases``: what
    the form showed (``base_of``), ``None`` when not known (the API):
    - the same value on both sides, or a field this save left as it was shown: the saved
      answer stays (a stale empty box never wipes an answer written elsewhere);
    - a field only this save changed: this save's;
    - a list both changed: the items of both (``_merge_items``), unless that is more than the
      list holds (then as below);
    - anything else both changed (or changed since, when the base is not known): a conflict,
      for the participant to choose. Nothing is written while there is one."""
    values: dict[str, Any] = {}
    conflicts: list[str] = []
    for field_id, value in mine.items():
        spec = specs[field_id]
        kind = str(spec["kind"])
        stored = theirs.answers.get(field_id)
        saved = stored.value if stored else None
        if value == saved:
            continue
        base = None if bases is None else bases.get(field_id)
        if base is not None and base_of(kind, saved) == base:
            values[field_id] = value
            continue
        if base is not None and base_of(kind, value) == base:
            continue
        if base is not None and kind == "list":
            try:
                values[field_id], _ = _check_value(
                    spec, _merge_items(base, value or [], saved or [])
                )
                continue
            except FieldError:
                pass  # more than the list holds: the participant chooses
        conflicts.append(field_id)
    return AnswersMerge(values, tuple(conflicts))


class WorksheetConflict(Conflict):
    """Answers changed both here and in another window or on another device: nothing saved.
    ``worksheet``: the answers saved now (their ``based_on`` to save on top of); ``fields``:
    the fields changed on both sides; ``merged``: every other field's value after the merge.
    The API's body is the one error shape (``{"error": {"code", "message"}}``) with what a
    client needs to choose without another request: ``current`` (the worksheet as saved now,
    as ``GET /me/worksheets/{module_id}`` gives it, with its ``based_on`` to save on top of
    and ``updated_at``) and ``fields`` (the ids changed on both sides). Only ever the
    caller's own worksheet (``/me/worksheets``)."""

    code = "worksheet_changed"

    def __init__(self, worksheet: MyWorksheet, fields: tuple[str, ...], merged: dict[str, Any]):
        super().__init__(
            "Some answers were changed in another window or on another device since you read "
            "them. Nothing was saved: the answers saved now are in current; save again with "
            "its based_on to keep yours.",
        )
        self.worksheet = worksheet
        self.fields = fields
        self.merged = merged

    def to_body(self) -> dict[str, Any]:
        body = super().to_body()
        body["error"]["current"] = self.worksheet.to_dict()
        body["error"]["fields"] = list(self.fields)
        return body


def visible_answers(
    sheet: Worksheet,
    joined_at: str,
    shares_history: bool,
    order: Sequence[str] = (),
    hidden: Windows = (),
    earlier: Windows = (),
) -> tuple[Answer, ...]:
    """The answers of a worksheet a group's leaders may count: the visibility rule
    (``statuses.visible_to_leaders``, here ``visible_fields``; ``earlier``: their earlier times
    in the group, ``EnrolledParticipant.earlier``). Whether the content may be
    shown too is the worksheet's ``shared`` flag. In the worksheet's order (``order``: field
    ids, the first place of each counts), then answers to fields not in it, by field id."""
    shown = visible_fields(sheet.answered_at, joined_at, shares_history, hidden, earlier)
    place: dict[str, int] = {}
    for n, field_id in enumerate(order):
        place.setdefault(field_id, n)
    return tuple(
        answer
        for field_id, answer in sorted(
            sheet.answers.items(), key=lambda item: (place.get(item[0], len(place)), item[0])
        )
        if field_id in shown
    )


def visible_fields(
    answered_at: Mapping[str, str],
    joined_at: str,
    shares_history: bool,
    hidden: Windows = (),
    earlier: Windows = (),
) -> frozenset[str]:
    """The answered fields (``answered_at``: field id to when) a group's leaders may count,
    by the one rule completions follow (``statuses.in_group_rule``): only answers written since
    the participant joined the group (to the second) or in one of their earlier times in it
    (``earlier``: ``(joined_at, left_at)``, both included), unless they share their history
    with it, and none written while the group was archived (``hidden``: ``Group.hidden``, as
    ``statuses.visible_to_leaders`` has it); an unreadable time is never shown."""
    in_group = in_group_rule(joined_at, shares_history, earlier, hidden)
    if in_group is None:
        return frozenset(answered_at)
    return frozenset(field_id for field_id, at in answered_at.items() if in_group(at_second(at)))


def fields_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A published version's worksheet fields ([] when it has none)."""
    sheet = document.get("worksheet") or {}
    return list(sheet.get("fields") or [])


@dataclass(frozen=True)
class LessonText:
    """A version's lesson HTML cut where the worksheet form goes (``text_around_form``)."""

    before: str
    after: str  # "" when the form goes after the whole text
    toc_at: int | None  # the form's place in the contents list (None: after every section)


def text_around_form(document: Mapping[str, Any]) -> LessonText:
    """The lesson HTML of ``document`` before and after its worksheet form.

    Publishing works out the place (``worksheet.form_at``: right after the module's "Try this"
    box, see ``steady_content.pipeline.form_place``); the page only cuts there. A version
    published before that, or one whose place does not fit its text, shows the form after the
    whole text, as it always did.
    """
    html = str(document.get("html") or "")
    place = (document.get("worksheet") or {}).get("form_at") or {}
    at, toc_at = place.get("html"), place.get("sections")
    sections = document.get("sections") or []
    if (
        not isinstance(at, int)
        or not isinstance(toc_at, int)
        or isinstance(at, bool)
        or isinstance(toc_at, bool)
        or not 0 < at < len(html)
        or not 0 <= toc_at <= len(sections)
    ):
        return LessonText(html, "", None)
    return LessonText(html[:at], html[at:], toc_at)


def field_ids(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of a published version's worksheet fields (empty when it has none)."""
    return tuple(str(f["id"]) for f in fields_of(document))


def counts_of(sheet: Worksheet, document: Mapping[str, Any]) -> WorksheetCounts:
    """How many fields of the version ``document`` have an answer in ``sheet``, out of how
    many (the lesson page's "2 of 4 answered"; answers to other versions' fields do not count)."""
    ids = field_ids(document)
    answered = sum(1 for field_id in ids if field_id in sheet.answers)
    return WorksheetCounts(answered, len(ids), curriculum_version(dict(document)))


@dataclass(frozen=True)
class WorksheetProgress:
    """What a participant's home says of one module's worksheet: ``answered`` of ``fields``
    (0 answered: not started)."""

    answered: int
    fields: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.fields

    @property
    def started(self) -> bool:
        return self.answered > 0


def worksheet_progress(
    catalog_fields: Any,
    current_version: int,
    saved: bool,
    counts: WorksheetCounts | None,
) -> WorksheetProgress | None:
    """The one rule for what home says of a module's worksheet, from what home has at hand
    (no version document): the catalog entry's ``worksheet_fields`` (``catalog_fields``; not
    an int in a catalog published before it existed) and English version (``current_version``),
    whether the participant ever saved this worksheet (``saved``) and the counts stored at
    their last save (``counts``). ``None``: say nothing, never a guess:
    - counts of the current version: "``answered`` of ``fields``";
    - never saved, and the catalog says the module has a worksheet: not started (0 of n);
    - counts of another version (a newer one was published since), a worksheet saved before
      counts were stored, or a catalog that does not say: unknown;
    - the catalog says the module has no worksheet: nothing to say."""
    known = isinstance(catalog_fields, int) and not isinstance(catalog_fields, bool)
    if known and catalog_fields < 1:
        return None
    if counts is not None and counts.version == current_version:
        return WorksheetProgress(counts.answered, counts.fields)
    if not saved and known:
        return WorksheetProgress(0, int(catalog_fields))
    return None


def worksheet_mark(
    participant: EnrolledParticipant,
    sheet: Worksheet | SavedWorksheet | None,
    fields: tuple[str, ...],
) -> WorksheetMark:
    """The one meaning of done for a worksheet, wherever a group's leaders see it (the progress
    grid, "Before the session", the attention rule): done when every field of the assigned
    version (``fields``) has an answer the visibility rule lets this group count, started when
    some have. Shared when the participant shares it and there is something to see."""
    if sheet is None:
        return WorksheetMark(len(fields), 0, False)
    shown = visible_fields(
        sheet.answered_at,
        participant.joined_at,
        participant.shares_history,
        participant.hidden,
        participant.earlier,
    )
    answered = len(shown & set(fields))
    return WorksheetMark(len(fields), answered, bool(sheet.shared and shown))


@dataclass(frozen=True)
class FieldView:
    """One field of the version shown, with the participant's answer (if any)."""

    spec: dict[str, Any]
    answer: Answer | None


@dataclass(frozen=True)
class MyWorksheet:
    module_id: str
    version: int  # the English (curriculum) version of the document the fields come from
    locale: str
    title: str
    fields: tuple[FieldView, ...]
    earlier: tuple[Answer, ...]  # answers to fields this version no longer has
    shared: bool
    updated_at: str | None
    save_token: str | None = None  # the last save's: what a form of these answers is based on
    merged: bool = False  # a save merged with another window's or device's save (``save``)
    earlier_saves: int = 0  # how many earlier saves are kept (their own page)

    @property
    def based_on(self) -> str:
        """What a save of a form showing these answers is based on (``check_based_on``)."""
        return self.save_token or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "version": self.version,
            "locale": self.locale,
            "shared": self.shared,
            "updated_at": self.updated_at,
            "based_on": self.based_on,
            "fields": [
                {**f.spec, "answer": f.answer.to_dict() if f.answer else None} for f in self.fields
            ],
            "earlier_answers": [a.to_dict() for a in self.earlier],
            "earlier_saves": self.earlier_saves,
        }


@dataclass(frozen=True)
class EarlierSaves:
    """The earlier saves of one worksheet, newest first, for the participant only: each save's
    answers in the order of the latest version's questions (``in_order``)."""

    module_id: str
    title: str
    order: tuple[str, ...]  # the latest version's field ids
    saves: tuple[EarlierSave, ...]
    kept: int = KEPT_SAVES  # how many are kept at most

    def in_order(self, save: EarlierSave) -> list[Answer]:
        place = {field_id: n for n, field_id in enumerate(self.order)}
        return [
            answer
            for _, answer in sorted(
                save.answers.items(), key=lambda p: (place.get(p[0], len(place)), p[0])
            )
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "module_id": self.module_id,
            "kept": self.kept,
            "saves": [
                {**s.to_dict(), "answers": [a.to_dict() for a in self.in_order(s)]}
                for s in self.saves
            ],
        }


@dataclass(frozen=True)
class SharedWorksheet:
    """One participant's row on "Before the session"."""

    participant_id: str
    display_name: str
    mark: WorksheetMark  # done or started: the grid's rule (``worksheet_mark``)
    shared: bool  # the participant's choice, even with nothing to see yet
    answers: tuple[Answer, ...]  # only when shared, and only what the visibility rule allows

    @property
    def done(self) -> bool:
        return self.mark.done

    @property
    def started(self) -> bool:
        """Some fields answered but not all (what the page shows as "started")."""
        return self.mark.started and not self.mark.done

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "done": self.done,
            "started": self.mark.started,
            "answered": self.mark.answered,
            "fields": self.mark.fields,
            "shared": self.shared,
            "answers": [a.to_dict() for a in self.answers],
        }


@dataclass(frozen=True)
class ModuleChoice:
    """A module assigned to a group whose assigned version has a worksheet (the picker)."""

    module_id: str
    title: str


@dataclass(frozen=True)
class SessionModules:
    """What "Before the session" offers for a group: its assigned modules with a worksheet."""

    group_id: str
    group_name: str
    modules: tuple[ModuleChoice, ...]


@dataclass(frozen=True)
class BeforeSession:
    group_id: str
    group_name: str
    module_id: str
    title: str
    participants: tuple[SharedWorksheet, ...]
    modules: tuple[ModuleChoice, ...] = ()  # the picker's choices (not in the API's answer)
    # The latest English version's worksheet fields by id (read for the title anyway): the
    # leader's page names an answer written in another language by its English question.
    fields: Mapping[str, Mapping[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "group_name": self.group_name,
            "module_id": self.module_id,
            "title": self.title,
            "participants": [p.to_dict() for p in self.participants],
        }


# What "Before the session" is logged as having shown of each participant (their copy says
# it on "Who has seen your records"): their shared answers, where some are on the page; for
# everyone else listed, only whether they did the worksheet (done, started, shared or not).
SHARED_ANSWERS_READ = "worksheets.before_session"
WORKSHEET_MARK_READ = "worksheets.before_session.marks"


def before_session_reads(rows: Sequence[SharedWorksheet]) -> dict[str, list[str]]:
    """The page's audit entries: action → the participants it concerns, each action only
    for someone (an empty group's page is still logged, as a read of no one's answers)."""
    answers = [r.participant_id for r in rows if r.shared and r.answers]
    marks = [r.participant_id for r in rows if not (r.shared and r.answers)]
    reads = {SHARED_ANSWERS_READ: answers, WORKSHEET_MARK_READ: marks}
    return {action: ids for action, ids in reads.items() if ids} or {SHARED_ANSWERS_READ: []}


def worksheet_view(
    module_id: str, document: dict[str, Any], locale: str, sheet: Worksheet
) -> MyWorksheet:
    """A participant's worksheet of the version ``document``: its fields with their answers,
    and the answers to fields this version no longer has."""
    specs = fields_of(document)
    ids = {str(f["id"]) for f in specs}
    views = tuple(FieldView(dict(f), sheet.answers.get(str(f["id"]))) for f in specs)
    earlier = tuple(a for fid, a in sorted(sheet.answers.items()) if fid not in ids)
    return MyWorksheet(
        module_id,
        curriculum_version(document),
        locale,
        str(document.get("title", module_id)),
        views,
        earlier,
        sheet.shared,
        sheet.updated_at,
        sheet.save_token,
        earlier_saves=sheet.earlier_saves,
    )


def _answer(spec: Mapping[str, Any], value: Any, version: int, locale: str, at: str) -> Answer:
    """One field's answer as saved now (``value`` checked by ``_check_value``)."""
    choice_text = None
    if spec["kind"] == "choice":
        choice_text = str(list(spec.get("choices") or [])[value])
    return Answer(
        str(spec["id"]),
        value,
        version,
        locale,
        at,
        str(spec["kind"]),
        str(spec["label"]),
        spec.get("plan"),
        spec.get("item"),
        choice_text,
    )


@dataclass
class Worksheets:
    library: ModuleLibrary
    records: WorksheetRecords
    groups: GroupRecords
    audit: AuditRecords
    clock: Clock

    def _document(self, module_id: str, version: int | None, locale: str) -> dict[str, Any]:
        if version is None:
            return dict(self.library.latest(module_id, locale).document)
        return dict(self.library.version(module_id, version, locale).document)

    def save(
        self,
        caller: Caller,
        module_id: str,
        version: Any,
        answers: Any,
        locale: str = DEFAULT_LOCALE,
        based_on: Any = None,
        bases: Mapping[str, str] | None = None,
        only_if_changed: bool = False,
    ) -> MyWorksheet:
        """Save answers to the worksheet of this exact version (of ``locale``): one GetItem of
        the worksheet as it is, then one transaction on condition it is still that (the
        worksheet with how many of the version's fields are answered, its saved-worksheets
        item, and the worksheet as read kept as an earlier save when this save changes or
        empties one of its answers: ``records.worksheets``). No read after: the stored
        worksheet is the one read with this save applied.

        ``answers`` maps field ids to values (text, list, contacts, 0–10, choice number);
        ``null`` or empty clears an answer; fields not given are left as they are (answers to
        earlier versions' fields included). Nothing is saved when a field is at fault:
        ``FieldErrors`` (400) names every such field, in the order given (its first problem
        each; of a list, every item at fault).

        ``based_on`` (``check_based_on``): the save the answers were read from. When the
        worksheet read is another save's, this save is merged with it field by field
        (``merge_answers``, with ``bases``: what the form showed of each field, ``base-{field}``
        digests; none from the API) before it is written. When another save comes in between
        the read and the write, it reads again (and merges again), a few times at most.
        A field changed on both sides is a ``WorksheetConflict`` (409): nothing is saved.

        ``only_if_changed`` ("Mark as complete" sends the worksheet form with it, typed into or
        not): answers that are all as saved write nothing (the GetItem only)."""
        module_id = check_module_id(module_id)
        based_on = check_based_on(based_on)
        version = parse_version(version)
        locale = check_locale(locale)
        document = self._document(module_id, version, locale)
        specs = {str(f["id"]): f for f in fields_of(document)}
        if not specs:
            raise BadRequest("This version of the module has no worksheet.", code="no_worksheet")
        if not isinstance(answers, dict):
            raise BadRequest("answers maps field ids to answers.", code="invalid_answers")
        unknown = [k for k in answers if k not in specs]
        if unknown:
            raise FieldError(
                str(unknown[0])[:40], "is not a field of this worksheet.", code="unknown_field"
            )
        at = self.clock.iso_seconds()
        current = curriculum_version(document)
        checked: dict[str, Any] = {}
        refused: list[FieldError] = []
        for field_id, value in answers.items():
            try:
                checked[field_id] = _check_value(specs[field_id], value)[0]
            except FieldError as error:
                # Every field at fault (and every item of a list), so a form names them all.
                refused.extend(error.errors)
        if refused:
            raise FieldErrors(refused)
        checked_bases = None if bases is None else check_bases(bases)
        merged = False
        for _attempt in range(_SAVE_ATTEMPTS):
            there = self.records.get(caller.id, module_id)
            writes = checked
            if based_on is not None and (there.save_token or "") != based_on:
                # Saved meanwhile in another window or on another device: merge with that.
                merge = merge_answers(specs, checked, there, checked_bases)
                if merge.conflicts:
                    view = worksheet_view(module_id, document, locale, there)
                    shown = {f: a.value for f, a in there.answers.items() if f in specs}
                    raise WorksheetConflict(
                        view, merge.conflicts, {**shown, **merge.values}
                    ) from None
                writes, merged = merge.values, True
            if only_if_changed and all(
                _same(v, there.answers[f].value if f in there.answers else None)
                for f, v in writes.items()
            ):
                return worksheet_view(module_id, document, locale, there)
            # An answer sent again as it was keeps the time it was written: the leaders see
            # what was written since someone joined (``visible_answers``), and the form sends
            # every field back with the one that changed.
            saved = [
                _answer(specs[f], v, current, locale, _written_at(there, f, v, at))
                for f, v in writes.items()
                if v is not None
            ]
            emptied = [f for f, v in writes.items() if v is None]
            # Counted from the answers read and the ones written: a save of some fields only
            # (the API) counts as the form's does, in the same transaction.
            after = {f: a.value for f, a in there.answers.items()} | writes
            answered = sum(1 for f in specs if after.get(f) is not None)
            counts = WorksheetCounts(answered, len(specs), current)
            try:
                stored = self.records.save(
                    caller.id, module_id, saved, emptied, at, counts, prior=there
                )
                break
            except WorksheetChanged:
                continue  # another save came in between: read it, and merge with it if based
        else:
            raise Conflict(
                "This worksheet is being saved from somewhere else. Try again.",
                code="worksheet_busy",
            )
        return replace(worksheet_view(module_id, document, locale, stored), merged=merged)

    def mine(self, caller: Caller, module_id: str, locale: str = DEFAULT_LOCALE) -> MyWorksheet:
        """The latest version's worksheet in ``locale`` with the caller's answers (one GetItem)."""
        module_id = check_module_id(module_id)
        locale = check_locale(locale)
        document = self._document(module_id, None, locale)
        return worksheet_view(module_id, document, locale, self.records.get(caller.id, module_id))

    def earlier(self, caller: Caller, module_id: str, locale: str = DEFAULT_LOCALE) -> EarlierSaves:
        """The caller's own earlier saves of one worksheet (the last ``KEPT_SAVES``), newest
        first: one Query. Only ever the caller's: no leader reads them, whatever they share.
        ``NotFound`` for a module the library does not have."""
        module_id = check_module_id(module_id)
        locale = check_locale(locale)
        document = self._document(module_id, None, locale)
        saves = self.records.earlier(caller.id, module_id)
        return EarlierSaves(
            module_id, str(document.get("title", module_id)), field_ids(document), tuple(saves)
        )

    def share(self, caller: Caller, module_id: str, shared: bool) -> bool:
        """Share one worksheet with the leaders of the caller's groups, or take that back: one
        transaction, conditional on a saved worksheet (``NotFound`` before any answer is saved)."""
        module_id = check_module_id(module_id)
        if not isinstance(shared, bool):
            raise BadRequest("shared is true or false.", code="invalid_field")
        self.records.set_shared(caller.id, module_id, shared, self.clock.iso_seconds())
        return shared

    def everything(self, caller: Caller) -> list[Worksheet]:
        """Every worksheet the caller wrote (one Query): for their download. Audit-logged."""
        sheets = self.records.all_of(caller.id)
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "worksheets.export",
                self.clock.iso(),
                participant_ids=[caller.id],
                detail={"worksheets": len(sheets)},
            )
        )
        return sheets

    def delete_mine(self, caller: Caller) -> int:
        """Delete every answer the caller wrote. Audit-logged first (ids and a count only)."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "worksheets.delete",
                self.clock.iso(),
                participant_ids=[caller.id],
            )
        )
        return self.records.delete_all(caller.id)

    def worksheet_modules(
        self, assignments: tuple[Assignment, ...] | list[Assignment]
    ) -> tuple[ModuleChoice, ...]:
        """The assigned modules (tracks expanded) whose assigned version has a worksheet, in
        the group's order (``assignments.group_order``, as the grid's columns). No DynamoDB
        call: the library's cached catalog and version documents."""
        found: dict[str, str] = {}
        for assigned in group_order(assigned_modules(assignments, self.library)):
            try:
                document = self.library.version(assigned.module_id, assigned.target_version)
            except NotFound:
                continue
            if fields_of(document.document):
                found[assigned.module_id] = assigned.title
        return tuple(ModuleChoice(m, t) for m, t in found.items())

    def session_modules(self, caller: Caller, group_id: str) -> SessionModules:
        """The picker of "Before the session" for a group the caller leads: one group Query, no
        participant record read (so no audit entry)."""
        group = led_group(self.groups, caller, group_id)
        return self._session_modules(group)

    def _session_modules(self, group: Group) -> SessionModules:
        return SessionModules(group.group_id, group.name, self.worksheet_modules(group.assignments))

    def _assigned_fields(
        self,
        modules: list[AssignedModule],
        member: EnrolledParticipant,
        module_id: str,
        known: dict[int | None, tuple[str, ...]],
    ) -> tuple[str, ...]:
        """The fields of the version assigned to ``member`` (as in the grid); the latest
        version's (``known[None]``) when the module is not assigned to them. From the cached
        library: no DynamoDB call."""
        assigned = assigned_to(modules, member.participant_id).get(module_id)
        if assigned is None:
            return known[None]
        version = assigned.target_version
        if version not in known:
            try:
                known[version] = field_ids(self.library.version(module_id, version).document)
            except NotFound:
                known[version] = ()  # as in the grid: no fields to count
        return known[version]

    def before_session(self, caller: Caller, group_id: str, module_id: str) -> BeforeSession:
        """What each participant of a group the caller leads shared of one module's worksheet,
        and who has not done it: one group Query, one BatchGetItem (≤ 100), then the audit
        entries (one transaction: ``before_session_reads``) before anything is returned.

        A leader sees answers only if the participant shared the worksheet, and only answers
        written since the participant joined this group (unless they share their history with
        it: ``visible_answers``)."""
        module_id = check_module_id(module_id)
        group = led_group(self.groups, caller, group_id)
        try:
            document = self.library.latest(module_id).document
        except NotFound:
            raise NotFound("There is no such module.", code="module_not_found") from None
        if not fields_of(document):
            raise BadRequest("That module has no worksheet.", code="no_worksheet")
        title = str(document.get("title", module_id))
        sheets = self.records.of_participants(group.participant_ids, module_id)
        modules = assigned_modules(group.assignments, self.library)
        fields: dict[int | None, tuple[str, ...]] = {None: field_ids(document)}
        rows = []
        for member in group.participants:
            sheet = sheets[member.participant_id]
            # Done-ness follows the grid's rule and the visibility rule: a worksheet written
            # before joining (without the history shared) is not this group's to see.
            assigned = self._assigned_fields(modules, member, module_id, fields)
            mark = worksheet_mark(member, sheet, assigned)
            # The answers in the order of the worksheet of their version, then the latest's.
            visible = visible_answers(
                sheet,
                member.joined_at,
                member.shares_history,
                (*assigned, *fields[None]),
                member.hidden,
                member.earlier,
            )
            rows.append(
                SharedWorksheet(
                    member.participant_id,
                    member.display_name,
                    mark,
                    sheet.shared,
                    visible if sheet.shared else (),
                )
            )
        rows.sort(key=lambda r: (not r.done, not r.started, r.display_name.casefold()))
        # Logged before anything is returned, and only what the page shows of each: the shared
        # answers of those whose answers are on it; of the others, whether they did it.
        audit_reads(self.audit, self.clock, caller, group, before_session_reads(rows))
        return BeforeSession(
            group.group_id,
            group.name,
            module_id,
            title,
            tuple(rows),
            self._session_modules(group).modules,
            {str(f["id"]): f for f in fields_of(document)},
        )


def _written_at(there: Worksheet, field_id: str, value: Any, now: str) -> str:
    """When an answer about to be saved was written: ``now``, or when it was saved before if
    it has not changed."""
    before = there.answers.get(field_id)
    return before.at if before is not None and _same(value, before.value) else now


def _same(given: Any, saved: Any) -> bool:
    """An answer as checked against the one stored: lists and tuples alike, numbers alike."""
    if isinstance(given, (list, tuple)) and isinstance(saved, (list, tuple)):
        return len(given) == len(saved) and all(map(_same, given, saved))
    if isinstance(given, dict) and isinstance(saved, dict):
        return given.keys() == saved.keys() and all(_same(given[k], saved[k]) for k in given)
    return bool(given == saved)
