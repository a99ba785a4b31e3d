"""My plan: the participant's relapse-prevention plan, assembled from their own worksheet
answers, edited by them, every save kept as a version.

Assembly: every answer to a worksheet field that feeds a plan section (``plan:`` in the
module's worksheet, ``chalicelib.vocabulary.PLAN_SECTIONS``), from every module and every
version the participant wrote in, becomes items of that section: one item per list entry,
one item for a text. Each item from a worksheet carries its ``source``,
``module/field/position/digest``: the answer it came from (``module/field/position``, its
place in the answer's list, 0 for a text: ``answer_of``), and the digest of the worksheet
words it was last taken from or offered (``words_of``). Versions saved before positions hold
``module/field/digest`` sources: they still work (an answer with those words is held), and are
shown with the position of the answer that has those words still, so their next save stores it.

Editing: the participant saves the plan as they want it (edited words, their own order,
items removed, items of their own). A save is a new version; earlier versions stay readable.
After a save, the plan shows that version, plus any worksheet answer written since that the
plan does not hold yet (marked new); an answer the participant removed from the plan stays
removed (``dismissed``: its source) when its words are edited: the same words in its field,
and, once those words are gone from it, the answer at its place in the list while it is that
answer edited (walk 21, item 5): its words and the removed ones share a telling word, or one
holds every word of the other (``plan_removals.same_answer``; a save keeps a digest of each
removed word, ``dismissed_words``). Another answer written in its place, like a new entry of
the list, is a new answer, offered as new. Versions saved before hold ``module/field/digest``:
removed by their words, as then, and their next save stores the source of the answer that has
those words still; a removal by place saved before removals kept words holds its words only.

A worksheet answer changed after a save (the words an item was taken from are no longer in
its field; the answer at its place has words the plan does not hold) stays one item: an item
the participant never edited follows the new words (marked ``updated``, saved with the part's
next save, as new answers are); an edited one keeps their words and carries the new ones as an
``update`` they choose to use, or not (saving the item with the update's ``source`` says the
participant saw it: their words stay, and nothing is offered until the answer changes again).

DynamoDB: the plan is one Query of the worksheets plus one Query of the newest version (2
calls); a save adds one conditional PutItem (and, on top of an older version, one GetItem
of that version). The plan is health information: nothing here logs it, and only its owner
ever reads it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from chalicelib import phone_numbers
from chalicelib.access import AccessCheck
from chalicelib.clock import Clock, calendar_day, clock_time, zone_key, zone_time
from chalicelib.errors import BadRequest, Conflict, FieldError, FieldErrors, NotFound
from chalicelib.identity import Caller
from chalicelib.library import DEFAULT_LOCALE, check_locale, parse_version
from chalicelib.plan_removals import removal_words, same_answer
from chalicelib.records.audit import AuditRecords, new_entry
from chalicelib.records.plans import PlanConflict, PlanRecords, PlanVersion, VersionSummary
from chalicelib.records.worksheets import Answer, Worksheet, WorksheetRecords
from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTION_TITLES, PLAN_SECTIONS
from chalicelib.worksheets import (
    MAX_FIELD_CHARS,
    MAX_PHONE_CHARS,
    check_contact,
    clean_text,
)

MAX_SECTION_ITEMS = 50
# A saved version is one DynamoDB item (at most 400 KB): 60,000 characters is at most 240 KB
# of UTF-8, whatever the script.
MAX_PLAN_CHARS = 60_000
# A save's ``shown``: every worksheet answer of every part, with room for answers shown new.
MAX_SHOWN = 2 * MAX_SECTION_ITEMS * len(PLAN_SECTIONS)
# ``module/field/position/digest``, or ``module/field/digest`` (saved before positions).
_SOURCE = re.compile(
    r"[a-z0-9][a-z0-9-]{0,79}/[A-Za-z0-9_.-]{1,80}/(?:(?:0|[1-9][0-9]{0,3})/)?[0-9a-f]{12}"
)
# A phone number written inside a text ("Maria 555 010 0123"): 7 or more digits, and its
# extension if any ("Clinic 555 010 2020 ext. 4": phone_numbers).
_PHONE_IN_TEXT = re.compile(
    r"\+?\(?\d[\d\s().-]{5,}\d(?:" + phone_numbers.EXTENSION + r"\b)?", re.IGNORECASE
)


@dataclass(frozen=True)
class PlanItem:
    """One line of the plan: words (a name, for people to call), a phone number for people to
    call, the worksheet answer it came from (``None``: typed on the plan), and whether it came
    from a worksheet after the plan was last saved (``new``), or follows a worksheet answer
    changed since (``updated``: the participant had not edited it); ``update``: the new words
    of the answer behind an item the participant edited, offered to them."""

    text: str
    phone: str = ""
    source: str | None = None
    new: bool = False
    updated: bool = False
    update: PlanItem | None = None

    @property
    def tel(self) -> str:
        """The phone number for a ``tel:`` link (``phone_numbers.tel``: no extension)."""
        return phone_numbers.tel(self.phone)

    @property
    def size(self) -> int:
        return len(self.text) + len(self.phone)

    def to_record(self, section: str) -> dict[str, Any]:
        if section == PEOPLE_TO_CALL:
            return {"name": self.text, "phone": self.phone, "source": self.source}
        return {"text": self.text, "source": self.source}

    @property
    def edited(self) -> bool:
        """Whether its words are not the worksheet words it was last taken from or offered."""
        return self.source is not None and _digest(self.text, self.phone) != _digest_of(self.source)

    def to_dict(self, section: str) -> dict[str, Any]:
        return {
            **self.to_record(section),
            "new": self.new,
            "updated": self.updated,
            "update": self.update.to_record(section) if self.update else None,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PlanItem:
        text = record.get("name") if "name" in record else record.get("text")
        source = record.get("source")
        return cls(str(text or ""), str(record.get("phone") or ""), str(source) if source else None)


@dataclass(frozen=True)
class PlanSection:
    id: str
    title: str
    items: tuple[PlanItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "items": [i.to_dict(self.id) for i in self.items],
        }


@dataclass(frozen=True)
class Plan:
    """The plan as shown: a saved version (``version``; ``None`` before the first save) with
    the worksheet answers written since, or one earlier version as it was saved."""

    version: int | None
    saved_at: str | None
    locale: str
    sections: tuple[PlanSection, ...]
    latest: bool = True  # False: an earlier version, read only

    @property
    def new_items(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.new)

    @property
    def updated_items(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.updated)

    @property
    def offered_updates(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.update)

    @property
    def empty(self) -> bool:
        return not any(s.items for s in self.sections)

    def section(self, section_id: str) -> PlanSection:
        return next(s for s in self.sections if s.id == section_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "saved_at": self.saved_at,
            "locale": self.locale,
            "latest": self.latest,
            "new_items": self.new_items,
            "updated_items": self.updated_items,
            "offered_updates": self.offered_updates,
            "sections": [s.to_dict() for s in self.sections],
        }


def shown_id(source: str) -> str:
    """The short id of a worksheet answer's ``source`` that an edit form sends back to say it
    showed that answer (``Plans.save``'s ``shown``): 12 characters, so that a form showing a
    full part stays one small field."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def check_shown(given: Any) -> frozenset[str] | None:
    """The worksheet answers a save says its form showed (sources, or their ``shown_id``),
    checked: ``None`` when not given; ``BadRequest`` (400) when not a list of strings."""
    if given is None:
        return None
    if not isinstance(given, list | tuple | set | frozenset) or not all(
        isinstance(s, str) for s in given
    ):
        raise BadRequest("shown is a list of worksheet answer sources.", code="invalid_shown")
    if len(given) > MAX_SHOWN:
        raise BadRequest(
            f"shown lists more than {MAX_SHOWN} worksheet answers.", code="invalid_shown"
        )
    return frozenset(given)


def _digest(*parts: str) -> str:
    joined = "\x1f".join(unicodedata.normalize("NFC", p).strip().casefold() for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def _digest_of(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def answer_of(source: str) -> str | None:
    """The worksheet answer a ``source`` names, ``module/field/position``, whatever its words
    (``None`` for a source saved before positions: ``module/field/digest``)."""
    parts = source.split("/")
    return "/".join(parts[:3]) if len(parts) == 4 else None


def words_of(source: str) -> str:
    """``module/field/digest``: which words of which field (a source saved before positions
    is that already)."""
    parts = source.split("/")
    return f"{parts[0]}/{parts[1]}/{parts[-1]}" if len(parts) == 4 else source


def _identity(source: str) -> str:
    return answer_of(source) or source


def _by_words(assembled: dict[str, list[PlanItem]]) -> dict[str, PlanItem]:
    """The worksheet answers assembled for the plan, by their words (``words_of``)."""
    return {words_of(str(a.source)): a for items in assembled.values() for a in items}


def _removals(
    dismissed: tuple[str, ...],
    removed_words: dict[str, tuple[str, ...]],
    current: dict[str, PlanItem],
) -> set[str]:
    """What the answers a participant removed (``dismissed``: their sources) keep out of the
    plan: their words in their field (``words_of``), and, for one whose words are no longer
    in its field (``current``: the assembled answers by ``words_of``), its place in the
    answer's list (``answer_of``) while the answer there is that answer, edited: its words
    and the removed ones (``removed_words``, by source) pass ``plan_removals.same_answer``.
    Another answer written there is a new answer, offered as new; so is any answer there when
    the removal kept no words (saved before it did). A removal saved before positions is its
    words only."""
    at_place = {answer_of(str(a.source)): a for a in current.values()}
    removed = set()
    for source in dismissed:
        removed.add(words_of(source))
        place = answer_of(source)
        if place is None or words_of(source) in current:
            continue
        now = at_place.get(place)
        if now is not None and same_answer(removed_words.get(source, ()), now.text):
            removed.add(place)
    return removed


def _dismissal(
    dismissed: tuple[str, ...],
    removed_words: dict[str, tuple[str, ...]],
    dropped: dict[str, str],
    kept: list[str],
    current: dict[str, PlanItem],
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The answers removed from the plan after a save, and what each keeps of its words
    (``plan_removals.removal_words``, by source): those removed before (``dismissed``,
    ``removed_words``) less any kept in it again (by its words), and those removed now
    (``dropped``: their sources, and the words of their items); one source per words of a
    field, the source of the answer that has those words now if one does (a removal saved
    before positions gets its answer's place), else as it was. Its words: those of the answer
    that has them now; for one removed now whose words are gone, those of the answer at its
    place (the new words its item followed or offered), else its item's; else as kept."""
    kept_words = {words_of(s) for s in kept}
    at_place = {answer_of(str(a.source)): a for a in current.values()}
    removed: dict[str, str] = {}
    for source in (*dismissed, *sorted(dropped)):
        words = words_of(source)
        if words in kept_words:
            continue
        now = current.get(words)
        if now is not None:
            removed[words] = str(now.source)
        elif answer_of(source) is not None or words not in removed:
            removed[words] = source
    kept_removals: dict[str, tuple[str, ...]] = {}
    for words, source in removed.items():
        now = current.get(words)
        if now is not None:
            kept_removals[source] = removal_words(now.text)
        elif source in dropped:
            there = at_place.get(answer_of(source))
            kept_removals[source] = removal_words(there.text if there else dropped[source])
        elif source in removed_words:
            kept_removals[source] = removed_words[source]
    sources = tuple(sorted(removed.values()))
    return sources, {s: kept_removals[s] for s in sources if kept_removals.get(s)}


def split_phone(text: str) -> tuple[str, str]:
    """``"Maria 555 010 0123"`` → ``("Maria", "555 010 0123")``: people to call written as
    plain text still get a ``tel:`` link. Text without a phone number stays as it is."""
    found = None
    for match in _PHONE_IN_TEXT.finditer(text):
        if sum(c.isdigit() for c in match.group()) >= 7:
            found = match
    if found is None or len(found.group()) > MAX_PHONE_CHARS:
        return text, ""
    name = (text[: found.start()] + " " + text[found.end() :]).strip(" -–—:,;\t")
    return " ".join(name.split()) or found.group().strip(), found.group().strip()


def items_of(module_id: str, answer: Answer) -> list[PlanItem]:
    """The plan items one worksheet answer gives (none if it feeds no section)."""
    if answer.plan not in PLAN_SECTIONS:
        return []
    people = answer.plan == PEOPLE_TO_CALL
    value = answer.value
    pieces: list[Any]
    if answer.kind == "list" and isinstance(value, list):
        pieces = value
    elif answer.kind == "choice":
        pieces = [answer.choice_text or str(value)]
    elif answer.kind == "scale":
        pieces = [f"{answer.label}: {value}/10"]
    else:
        pieces = [value]
    items = []
    for position, piece in enumerate(pieces):
        if isinstance(piece, dict):
            name, phone = str(piece.get("name") or ""), str(piece.get("phone") or "")
        elif people:
            name, phone = split_phone(str(piece))
        else:
            name, phone = str(piece), ""
        if not (name.strip() or phone.strip()):
            continue
        source = f"{module_id}/{answer.field_id}/{position}/{_digest(name, phone)}"
        items.append(PlanItem(name.strip(), phone.strip(), source))
    return items


def assemble(sheets: list[Worksheet]) -> dict[str, list[PlanItem]]:
    """Every worksheet answer that feeds the plan, section by section: oldest answer first,
    the same words of one field once."""
    answers = sorted(
        ((a.at, s.module_id, a.field_id, a) for s in sheets for a in s.answers.values()),
        key=lambda row: row[:3],
    )
    sections: dict[str, list[PlanItem]] = {s: [] for s in PLAN_SECTIONS}
    seen: set[str] = set()
    for _at, module_id, _field, answer in answers:
        for item in items_of(module_id, answer):
            words = words_of(str(item.source))
            if words not in seen:
                seen.add(words)
                sections[str(answer.plan)].append(item)
    return sections


def _titles(locale: str) -> dict[str, str]:
    return PLAN_SECTION_TITLES.get(locale, PLAN_SECTION_TITLES[DEFAULT_LOCALE])


def _plan(
    version: PlanVersion | None,
    sections: dict[str, list[PlanItem]],
    locale: str,
    latest: bool = True,
) -> Plan:
    titles = _titles(locale)
    return Plan(
        version.version if version else None,
        version.saved_at if version else None,
        locale,
        tuple(PlanSection(s, titles[s], tuple(sections.get(s, ()))) for s in PLAN_SECTIONS),
        latest,
    )


def current(sheets: list[Worksheet], saved: PlanVersion | None, locale: str) -> Plan:
    """The plan as it stands (``Plans.mine``, My plan) from the participant's worksheets and
    their newest saved version (``None``: never saved): the one rule, which the download of
    their data (``chalicelib.my_data``) follows too, from the same records it reads anyway."""
    return _plan(saved, merge(saved, assemble(sheets)), locale)


def _saved_sections(version: PlanVersion) -> dict[str, list[PlanItem]]:
    return {
        s: [PlanItem.from_record(r) for r in version.sections.get(s, [])] for s in PLAN_SECTIONS
    }


def _items(version: PlanVersion) -> list[PlanItem]:
    return [i for items in _saved_sections(version).values() for i in items]


def _seen_in(version: PlanVersion | None, shown: frozenset[str]) -> Callable[[str], bool]:
    """Whether an edit form opened on ``version`` showed the worksheet answer ``source``: that
    version holds its words or an item of that answer (since changed: it followed or offered
    the new words), or the form's ``shown`` names it (its source or ``shown_id``)."""
    sources = [str(i.source) for i in _items(version) if i.source] if version else []
    in_version = {words_of(s) for s in sources} | {_identity(s) for s in sources}

    def seen(source: str) -> bool:
        return (
            words_of(source) in in_version
            or _identity(source) in in_version
            or source in shown
            or words_of(source) in shown
            or shown_id(source) in shown
        )

    return seen


def merge(
    saved: PlanVersion | None, assembled: dict[str, list[PlanItem]]
) -> dict[str, list[PlanItem]]:
    """The plan shown: before any save, the answers as assembled; after, the saved version,
    each item of a worksheet answer changed since following it (never edited) or offering its
    new words (edited), followed by the answers it neither holds nor had removed (marked new).
    One item per worksheet answer: an answer whose words changed is never a second item of a
    saved one."""
    if saved is None:
        return assembled
    sections = _saved_sections(saved)
    current = _by_words(assembled)
    for items in sections.values():
        for n, item in enumerate(items):
            # Saved before positions: the answer that has its words still is its answer.
            if item.source and answer_of(item.source) is None and item.source in current:
                items[n] = replace(item, source=current[item.source].source)
    held = {words_of(i.source) for items in sections.values() for i in items if i.source}
    places = {
        answer_of(i.source): (s, n)
        for s, items in sections.items()
        for n, i in enumerate(items)
        if i.source and answer_of(i.source)
    }
    # A place an item of the plan holds is that item's answer, not a removed one's.
    removed = _removals(saved.dismissed, saved.dismissed_words, current) - set(places)

    def is_removed(source: str) -> bool:
        return words_of(source) in removed or answer_of(source) in removed

    known = held | {w for w, a in current.items() if is_removed(str(a.source))}
    places.update(_legacy_places(sections, assembled, known, current))
    for section, items in assembled.items():
        for answer in items:
            words = words_of(str(answer.source))
            if words in held or is_removed(str(answer.source)):
                continue
            place = places.get(answer_of(str(answer.source)))
            if place is not None:
                at, n = place
                item = sections[at][n]
                if words_of(str(item.source)) not in current:
                    # Its words are gone and these are new at its place: the answer changed.
                    sections[at][n] = (
                        replace(item, update=answer)
                        if item.edited
                        else replace(answer, updated=True)
                    )
                    continue
            sections[section].append(replace(answer, new=True))
    return sections


def _legacy_places(
    sections: dict[str, list[PlanItem]],
    assembled: dict[str, list[PlanItem]],
    known: set[str],
    current: dict[str, PlanItem],
) -> dict[str, tuple[str, int]]:
    """Items saved before positions whose words are gone from their field, each placed at the
    answer of that field the plan does not know (a text answer changed; one entry of a list
    changed) when there is just one of each in the field: then it is that answer, changed.
    Anything less sure stays as before positions (the changed answer shown new)."""
    gone: dict[str, list[tuple[str, int]]] = {}
    for s, items in sections.items():
        for n, item in enumerate(items):
            if item.source and answer_of(item.source) is None and item.source not in current:
                gone.setdefault(item.source.rsplit("/", 1)[0], []).append((s, n))
    unknown: dict[str, list[str]] = {}
    for items in assembled.values():
        for answer in items:
            source = str(answer.source)
            if words_of(source) not in known:
                field = "/".join(source.split("/")[:2])
                unknown.setdefault(field, []).append(str(answer_of(source)))
    return {
        unknown[field][0]: places[0]
        for field, places in gone.items()
        if len(places) == 1 and len(unknown.get(field, ())) == 1
    }


def _same(item: PlanItem) -> tuple[str, str, str]:
    """What makes two items the same item in a merge: their words, phone and source (an
    edited item is another item: the one before removed, the edited one added)."""
    return item.text, item.phone, item.source or ""


@dataclass(frozen=True)
class Edits:
    """One part merged: the items with both windows' changes, and what came from the other
    window (items it added, items it removed that this window still had)."""

    items: tuple[PlanItem, ...]
    added_there: tuple[PlanItem, ...]
    removed_there: tuple[PlanItem, ...]


def merge_edits(base: list[PlanItem], mine: list[PlanItem], theirs: list[PlanItem]) -> Edits:
    """The three-way merge of one part edited in two windows: ``base``, the part as this
    window opened it; ``mine``, as this window would save it; ``theirs``, as it was saved
    meanwhile. The result is ``theirs`` (the other window's change kept, removals included),
    minus what this window removed from its ``base``, plus what it added, each placed after
    the item it follows here (after anything the other window added right there too).
    Nothing is lost: what either window added is kept; an item is gone only where a window
    removed it and the other left it alone."""
    in_base = {_same(i) for i in base}
    in_mine = {_same(i) for i in mine}
    in_theirs = {_same(i) for i in theirs}
    removed_here = in_base - in_mine
    items = [i for i in theirs if _same(i) not in removed_here]
    placed = {_same(i) for i in items}

    def after_theirs(at: int) -> int:
        # What the other window added right there comes first (it was saved first).
        while at < len(items) and _same(items[at]) not in in_base | in_mine:
            at += 1
        return at

    at = after_theirs(0)
    for item in mine:
        same = _same(item)
        if same in placed:
            at = after_theirs(next(n for n, i in enumerate(items) if _same(i) == same) + 1)
        elif same not in in_base:
            items.insert(at, item)
            placed.add(same)
            at += 1
    return Edits(
        tuple(items),
        # An answer marked new was written in a worksheet, not saved in the other window.
        tuple(i for i in theirs if _same(i) not in in_base | in_mine and not i.new),
        tuple(i for i in base if _same(i) in in_mine - in_theirs),
    )


@dataclass(frozen=True)
class PartMerge:
    """A save of one part that came too late (another window or device saved since): the
    plan as it stands now, and that part with both changes (``merged``), to show and save."""

    plan: Plan
    section: str
    merged: Edits


def _check_item(section: str, raw: Any, where: str) -> PlanItem | None:
    """One item of a save, checked (``None``: an empty row, dropped)."""
    if not isinstance(raw, dict):
        raise FieldError(
            where,
            'is an object: {"text"} (or {"name", "phone"} for people to call).',
            code="invalid_plan_item",
        )
    allowed = {"name", "phone", "source"} if section == PEOPLE_TO_CALL else {"text", "source"}
    # What a read of the plan says about an item, sent back as it came: not saved.
    if set(raw) - allowed - {"new", "updated", "update"}:
        raise FieldError(
            where, f"has only these fields: {', '.join(sorted(allowed))}.", code="invalid_plan_item"
        )
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not _SOURCE.fullmatch(source)):
        raise FieldError(
            where,
            "has a source that is not one of your worksheet answers.",
            code="invalid_plan_item",
        )
    if section == PEOPLE_TO_CALL:
        name, phone = check_contact(raw.get("name"), raw.get("phone"), where)
        return PlanItem(name, phone, source) if name or phone else None
    text = clean_text(raw.get("text") or "", where, MAX_FIELD_CHARS)
    return PlanItem(text, "", source) if text else None


def check_sections(given: Any) -> dict[str, list[PlanItem]]:
    """The sections a save carries, checked: ``FieldError`` (400) names the section at fault
    (``triggers``, or ``triggers.3`` for its fourth item); when items are at fault, it is an
    ``FieldErrors`` naming every one of them."""
    if not isinstance(given, dict):
        raise BadRequest("sections maps plan sections to lists of items.", code="invalid_plan")
    checked: dict[str, list[PlanItem]] = {}
    refused: list[FieldError] = []
    for section, raw_items in given.items():
        if section not in PLAN_SECTIONS:
            raise FieldError(
                str(section)[:40],
                f"is not a plan section ({', '.join(PLAN_SECTIONS)}).",
                code="unknown_plan_section",
            )
        if not isinstance(raw_items, list):
            raise FieldError(section, "must be a list of items.", code="invalid_plan_item")
        items = []
        for n, raw in enumerate(raw_items):
            try:
                item = _check_item(section, raw, f"{section}.{n}")
            except FieldError as error:
                refused.append(error)
                continue
            if item is not None:
                items.append(item)
        if len(items) > MAX_SECTION_ITEMS and not refused:
            raise FieldError(
                section,
                f"has more than {MAX_SECTION_ITEMS} items ({len(items)}).",
                code="too_many_items",
            )
        checked[section] = items
    if refused:
        raise FieldErrors(refused)
    return checked


class _LostTheWrite(Exception):
    """A plan version's conditional Put lost to another save made since the plan was read."""


def _plan_changed() -> Conflict:
    return Conflict(
        "Your plan was changed on another device or in another window. "
        "Open it again to see the newest version.",
        code="plan_changed",
    )


@dataclass
class Plans:
    worksheets: WorksheetRecords
    records: PlanRecords
    audit: AuditRecords
    clock: Clock
    # When a participant who left their last group can change their plan until (downloads).
    access: AccessCheck | None = None

    def mine(self, caller: Caller, locale: str = DEFAULT_LOCALE) -> Plan:
        """My plan as it stands: one Query of the worksheets, one Query of the newest version."""
        locale = check_locale(locale, "the plan")
        return current(self.worksheets.all_of(caller.id), self.records.latest(caller.id), locale)

    def save(
        self,
        caller: Caller,
        based_on: Any,
        sections: Any,
        locale: str = DEFAULT_LOCALE,
        shown: Any = None,
    ) -> Plan:
        """Save the plan as the participant edited it: a new version on top of ``based_on``
        (the version they were editing; ``None`` before the first save).

        ``sections`` maps section ids to items in the participant's order; a section not given
        stays as it is shown now. A worksheet answer left out of a given section is removed
        from the plan for good (and its edits: ``_removals``) only if the participant saw it there:
        it is in the saved version ``based_on``, or ``shown`` names it (its ``source``, or its
        ``shown_id``: the worksheet answers the edit form showed). An answer written after the
        form was opened, which ``shown`` does not name, stays in the plan, marked new: nothing
        the participant wrote is lost to a form that never showed it. Without ``shown``, the
        form showed nothing new: only the saved version's items can be removed.

        Saving what is already the newest version writes nothing (a retry never duplicates).
        Saving on top of an older version (the plan was changed elsewhere meanwhile) saves on
        top of the newest one when the saves since changed none of the sections given
        (``_untouched``: they changed other parts), and is otherwise a ``Conflict`` (409).
        Losing the conditional write to another save made meanwhile (a double click's first
        POST, most often: walk 15, problem 18) decides once more against that save, as if this
        one had come after it: the same content is a success with nothing written, other parts
        changed are saved on top, the same part changed is the ``Conflict``. Returns the plan
        as it stands after the save (answers it does not hold marked new, as ``mine``)."""
        try:
            return self._save(caller, based_on, sections, locale, shown)
        except _LostTheWrite:
            # Another save came between the read and the write: read again, once.
            try:
                return self._save(caller, based_on, sections, locale, shown)
            except _LostTheWrite:
                raise _plan_changed() from None

    def _save(self, caller: Caller, based_on: Any, sections: Any, locale: str, shown: Any) -> Plan:
        locale = check_locale(locale, "the plan")
        base = None if based_on is None else parse_version(based_on)
        given = check_sections(sections)
        seen = check_shown(shown) or frozenset()
        saved = self.records.latest(caller.id)
        assembled = assemble(self.worksheets.all_of(caller.id))
        shown_now = merge(saved, assembled)
        result = {s: list(given.get(s, shown_now[s])) for s in PLAN_SECTIONS}
        size = sum(i.size for items in result.values() for i in items)
        if size > MAX_PLAN_CHARS:
            raise BadRequest(
                f"The plan is longer than {MAX_PLAN_CHARS} characters ({size}). "
                "Remove some items, or shorten them.",
                code="plan_too_long",
            )
        was_shown = _seen_in(saved, seen)
        kept = [i.source for items in result.values() for i in items if i.source]
        # An item kept with an answer's newer words (or older ones, or its source from before
        # positions) keeps that answer.
        kept_answers = {_identity(s) for s in kept} | {words_of(s) for s in kept}
        dropped = {
            i.source: i.text
            for s in given
            for i in shown_now[s]
            if i.source
            and not {_identity(i.source), words_of(i.source)} & kept_answers
            and was_shown(i.source)
        }
        current_answers = _by_words(assembled)
        dismissed, removed_words = _dismissal(
            saved.dismissed if saved else (),
            saved.dismissed_words if saved else {},
            dropped,
            kept,
            current_answers,
        )
        records = {s: [i.to_record(s) for i in items] for s, items in result.items() if items}
        current = saved.version if saved else None
        if (
            saved is not None
            and records == saved.sections
            and _removals(dismissed, removed_words, current_answers)
            == _removals(saved.dismissed, saved.dismissed_words, current_answers)
        ):
            return _plan(saved, merge(saved, assembled), locale)  # nothing changed: no new version
        if base != current and not self._untouched(caller.id, base, saved, given, assembled):
            raise _plan_changed()
        version = PlanVersion(
            caller.id,
            (current or 0) + 1,
            self.clock.iso_seconds(),
            locale,
            records,
            dismissed,
            removed_words,
        )
        try:
            self.records.put(version)
        except PlanConflict:
            raise _LostTheWrite from None
        return _plan(version, merge(version, assembled), locale)

    def _untouched(
        self,
        participant_id: str,
        base: int | None,
        saved: PlanVersion | None,
        given: dict[str, list[PlanItem]],
        assembled: dict[str, list[PlanItem]],
    ) -> bool:
        """Whether the saves since ``base`` (the version the edit started from) left every
        section of ``given`` as it was: its items, and the worksheet answers removed from it.
        Then the edit is saved on top of the newest version ``saved`` straight away: the other
        saves changed other parts only, and nothing of theirs is undone. One GetItem (the
        version ``base``)."""
        if saved is None:
            return False
        if base is None:
            before: dict[str, list[dict[str, Any]]] = {
                s: [i.to_record(s) for i in items] for s, items in assembled.items()
            }
            dismissed_before: tuple[str, ...] = ()
            words_before: dict[str, tuple[str, ...]] = {}
        else:
            try:
                opened = self.records.get(participant_id, base)
            except NotFound:
                return False
            before, dismissed_before = opened.sections, opened.dismissed
            words_before = opened.dismissed_words
        current = _by_words(assembled)
        removed_before = _removals(dismissed_before, words_before, current)
        removed_now = _removals(saved.dismissed, saved.dismissed_words, current)
        for section in given:
            sources = {words_of(i.source) for i in assembled[section] if i.source} | {
                _identity(i.source) for i in assembled[section] if i.source
            }
            if before.get(section, []) != saved.sections.get(section, []):
                return False
            if removed_before & sources != removed_now & sources:
                return False
        return True

    def merge_part(
        self,
        caller: Caller,
        based_on: Any,
        section: str,
        items: Any,
        locale: str = DEFAULT_LOCALE,
        shown: Any = None,
    ) -> PartMerge:
        """After a save of one ``section`` refused as a ``Conflict`` (another window or device
        saved since ``based_on``): that part with both changes (``merge_edits``), to show to
        the participant, who saves it (on top of the newest version) or not. Saves nothing.
        Reads: the newest version, the worksheets, and the version this window started from
        (one Query, one Query, one GetItem). ``shown`` as for ``save``: a worksheet answer
        written after this window opened, which it never showed, is no removal of its own."""
        locale = check_locale(locale, "the plan")
        seen = check_shown(shown) or frozenset()
        if section not in PLAN_SECTIONS:
            raise BadRequest(f"{section[:40]} is not a plan section.", code="unknown_plan_section")
        mine = check_sections({section: items})[section]
        base_number = None if based_on is None else parse_version(based_on)
        assembled = assemble(self.worksheets.all_of(caller.id))
        saved = self.records.latest(caller.id)
        base: PlanVersion | None = None
        if base_number is not None and saved is not None and base_number == saved.version:
            base = saved
        elif base_number is not None:
            try:
                base = self.records.get(caller.id, base_number)
            except NotFound:  # the plan was deleted meanwhile: nothing to start from
                base = None
        now = _plan(saved, merge(saved, assembled), locale)
        was_shown = _seen_in(base, seen)
        opened = [
            i for i in merge(base, assembled)[section] if i.source is None or was_shown(i.source)
        ]
        merged = merge_edits(opened, mine, list(now.section(section).items))
        return PartMerge(now, section, merged)

    def versions(
        self, caller: Caller, page_token: str | None = None
    ) -> tuple[list[VersionSummary], str | None]:
        """The saved versions, newest first, without their items (one projected Query a page)."""
        return self.records.summaries(caller.id, page_token)

    def version(self, caller: Caller, version: Any, locale: str = DEFAULT_LOCALE) -> Plan:
        """One saved version exactly as it was saved (one GetItem), read only."""
        locale = check_locale(locale, "the plan")
        stored = self.records.get(caller.id, parse_version(version))
        return _plan(stored, _saved_sections(stored), locale, latest=False)

    def download(
        self,
        caller: Caller,
        form: str,
        version: Any = None,
        locale: str = DEFAULT_LOCALE,
        zone: tzinfo | None = None,
    ) -> PlanFile:
        """My plan as it stands (or one saved ``version``) as a ``txt`` or ``pdf`` file, dated
        today where it was never saved: the reads of ``mine`` (or ``version``). ``zone``: the
        time zone the time it was saved is written in (the participant's own; by default the
        program's). For a participant whose access ends, the file says they can change it in
        Steady until its last full day (the access check's cache: no read of its own)."""
        shown = self.version(caller, version, locale) if version else self.mine(caller, locale)
        zone = zone or self.clock.zone
        last = self.access.last_day(caller.id) if self.access is not None else None
        today = self.clock.now().astimezone(zone).date().isoformat()
        return download(shown, form, today, zone, last.isoformat() if last else None)

    def delete_mine(self, caller: Caller) -> int:
        """Delete every version of the caller's plan. Audit-logged first (a count only)."""
        self.audit.record(
            new_entry(
                caller.id,
                caller.roles,
                "plan.delete",
                self.clock.iso(),
                participant_ids=[caller.id],
            )
        )
        return self.records.delete_all(caller.id)


# --- Downloads ------------------------------------------------------------------------------
# The words of the downloaded plan (the web pages have their own in ``chalicelib.web.words``).
# It is the paper a participant leaves treatment with: a heading that says what it is for
# without naming a condition, in their own voice like its sections, and dated; a plan never
# saved says it was built from the worksheets, and that it can still change.
DOCUMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "My plan for staying well",
        # ``zone``: whose clock the time is (``clock.zone_time``), "New York time".
        "saved": "Saved on {day}, {time} ({zone}, version {n}){unsaved}.",
        "saved_day": "Saved on {day} (version {n}){unsaved}.",  # saved_at a date alone
        # Worksheet answers written since the save, on the paper but not in that version.
        "unsaved_one": ", with 1 new answer from my worksheets not yet saved in my plan",
        "unsaved": ", with {count} new answers from my worksheets not yet saved in my plan",
        "as_of": "As of {day}, from what I wrote in my worksheets.",
        "change": "I can change this plan any time in Steady.",
        # A participant who left their last group: their access ends (``access.last_full_day``).
        "change_until": "I can change this plan in Steady until {day}.",
        "empty": "(nothing yet)",
        "empty_then": "(nothing in this version)",  # an earlier version: it never fills in
        "crisis": "Need help now? 988 Suicide & Crisis Lifeline: call or text 988. "
        "SAMHSA National Helpline: 1-800-662-4357 (free, 24/7).",
        # The PDF's last line when the font had no glyph for a character (an emoji…): it was
        # printed as a box. The text file and the browser's print have every character.
        "unprintable": "Some characters could not be printed here. Download as text or use "
        "your browser's Print to see them.",
    },
    "es": {
        "title": "Mi plan para mantenerme bien",
        "saved": "Guardado el {day}, {time} ({zone}, versión {n}){unsaved}.",
        "saved_day": "Guardado el {day} (versión {n}){unsaved}.",
        "unsaved_one": ", con 1 respuesta nueva de mis hojas de trabajo que todavía no guardé "
        "en mi plan",
        "unsaved": ", con {count} respuestas nuevas de mis hojas de trabajo que todavía no "
        "guardé en mi plan",
        "as_of": "Al {day}, con lo que escribí en mis hojas de trabajo.",
        "change": "Puedo cambiar este plan cuando quiera en Steady.",
        "change_until": "Puedo cambiar este plan en Steady hasta el {day}.",
        "empty": "(nada todavía)",
        "empty_then": "(nada en esta versión)",
        "crisis": "¿Necesita ayuda ahora? Línea 988 de Prevención del Suicidio y Crisis: llame o "
        "envíe un texto al 988. Línea Nacional de Ayuda de SAMHSA: 1-800-662-4357 "
        "(gratis, 24/7).",
        "unprintable": "Algunos caracteres no se pudieron imprimir aquí. Para verlos, descargue "
        "como texto o use Imprimir en su navegador.",
    },
}
# Dates on paper are written out: "26 November 2026", "26 de noviembre de 2026".
DOCUMENT_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
_DAY_FORMAT = {"en": "{d} {month} {y}", "es": "{d} de {month} de {y}"}


@dataclass(frozen=True)
class PlanFile:
    """A download of the plan (``chalicelib.api.Download`` sends it)."""

    text: str | bytes
    filename: str
    content_type: str


def document_words(locale: str) -> dict[str, str]:
    return DOCUMENT_WORDS.get(locale, DOCUMENT_WORDS[DEFAULT_LOCALE])


def written_day(iso: str, locale: str, zone: tzinfo) -> str:
    """``2026-11-26`` (or an ISO time: its day in the program's time zone ``zone``) written out
    for paper: ``26 November 2026``."""
    day = calendar_day(iso, zone)
    if day is None:
        return iso[:10]
    lang = locale if locale in DOCUMENT_MONTHS else DEFAULT_LOCALE
    month = DOCUMENT_MONTHS[lang][day.month - 1]
    return _DAY_FORMAT[lang].format(d=day.day, month=month, y=day.year)


def subtitle(plan: Plan, today: str, zone: tzinfo, until: str | None = None) -> str:
    """The line under the heading: when the plan was saved (and which version: the day and
    the time in the time zone ``zone``, named as the web pages name it, "New York time"; the
    time as the plan's versions page shows it, ``clock_time``), with how many worksheet
    answers written since it holds that the version does not (shown as new on My plan), or,
    for a plan never saved, the day it was downloaded (``today``, ISO); then that it can still
    change (``until``: the ISO date their access's last full day, for a participant whose
    access ends)."""
    words = document_words(plan.locale)
    if plan.version is None or plan.saved_at is None:
        when = words["as_of"].format(day=written_day(today, plan.locale, zone))
    else:
        saved = written_day(plan.saved_at, plan.locale, zone)
        at = clock_time(plan.saved_at, plan.locale, zone)
        # An answer followed since the save is on the paper but not in that version either.
        count = plan.new_items + plan.updated_items
        unsaved = words["unsaved_one" if count == 1 else "unsaved"] if count else ""
        when = words["saved" if at else "saved_day"].format(
            day=saved,
            time=at,
            zone=zone_time(zone_key(zone), plan.locale),
            n=plan.version,
            unsaved=unsaved.format(count=count),
        )
    if until is not None:
        return f"{when} {words['change_until'].format(day=written_day(until, plan.locale, zone))}"
    return f"{when} {words['change']}"


def empty_line(plan: Plan) -> str:
    """What an empty part says: nothing yet, or (an earlier version) nothing in it then."""
    return document_words(plan.locale)["empty" if plan.latest else "empty_then"]


def item_line(section: str, item: PlanItem) -> str:
    if section == PEOPLE_TO_CALL and item.phone:
        return f"{item.text}: {item.phone}" if item.text and item.text != item.phone else item.phone
    return item.text


def as_text(plan: Plan, today: str, zone: tzinfo, until: str | None = None) -> str:
    """The plan as plain text (UTF-8, CRLF-free), for any device."""
    words = document_words(plan.locale)
    lines = [words["title"], subtitle(plan, today, zone, until), ""]
    for section in plan.sections:
        lines += [section.title, "-" * len(section.title)]
        if not section.items:
            lines.append(empty_line(plan))
        for item in section.items:
            first, *rest = item_line(section.id, item).split("\n")
            lines.append(f"- {first}")
            lines += [f"  {r}" for r in rest]
        lines.append("")
    lines.append(words["crisis"])
    return "\n".join(lines) + "\n"


def file_name(plan: Plan, extension: str, today: str, zone: tzinfo) -> str:
    """Discreet: says neither what the plan is about nor whose it is. Dated the day it was
    saved (in the program's time zone ``zone``), or (never saved) the day it was downloaded."""
    saved = calendar_day(plan.saved_at, zone)
    return f"plan-{saved.isoformat() if saved else today}.{extension}"


def download(plan: Plan, form: str, today: str, zone: tzinfo, until: str | None = None) -> PlanFile:
    """``form``: ``txt`` or ``pdf`` (the PDF library is imported only here, when asked);
    ``today``: the ISO date it is downloaded on; ``zone``: the program's time zone, in which
    the time it was saved is a day (``Clock.zone``); ``until``: the last full day of the
    participant's access (ISO date), if it ends."""
    if form == "txt":
        return PlanFile(
            as_text(plan, today, zone, until),
            file_name(plan, "txt", today, zone),
            "text/plain; charset=utf-8",
        )
    if form == "pdf":
        from chalicelib import plan_pdf  # deferred: fpdf2 is for this download only

        return PlanFile(
            plan_pdf.render(plan, today, zone, until),
            file_name(plan, "pdf", today, zone),
            "application/pdf",
        )
    raise BadRequest("format is txt or pdf.", code="invalid_format")
