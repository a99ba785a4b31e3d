"""My plan in the browser (no JavaScript): the plan page, one section's edit form, the list of
earlier versions, one earlier version, and the downloads. Each handler calls the plan use case
(``chalicelib.plan``) once on its way, and formats the answer.

The edit form shows one section: each item in a box, with its position (type another number
to move it) and a "Remove" box, then empty rows to add items of one's own. Form fields:
``plan-{n}-text`` (``-name`` and ``-phone`` for people to call), ``plan-{n}-source``,
``plan-{n}-position``, ``plan-{n}-remove``, and ``plan-{n}-added`` on the rows to add items;
``shown`` holds the ``shown_id`` of every worksheet answer the form showed (space-separated),
so that the save removes only answers the participant saw and removed: an answer written in a
worksheet while the form was open stays in the plan, marked new (``Plans.save``).
An item whose worksheet answer changed after the participant edited it offers the new words
(``PlanItem.update``): ``plan-{n}-offer-source``, ``-offer-text`` and ``-offer-phone`` carry
them, and the radio buttons ``plan-{n}-update`` say ``use`` (the new words) or ``keep`` (their
own); either way the item is saved with the answer's new ``source``, so it is offered once.
Neither chosen: the item stays as it is, still offering.
A save redirects to the plan, which says what was saved; a refused save shows the same form
again with what was typed (rows to add items still such, with as many spare rows) and an
error summary naming every problem at once (every item refused, and every position that is
not a number: refused too, not ignored), each linking to the input at fault, with the
message beside it, naming the part, the item and, for a phone number, whose it is. A save
that comes after another window's or device's save of other parts of the plan is saved on top
of it straight away (``Plans.save``). One that comes after a save of this part shows the
form again with the part holding both changes (``Plans.merge_part``), what came from there
named, on top of the newest version: saving it keeps both; nothing is saved until then.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any
from urllib.parse import quote

from chalicelib import kept_forms, logs, services
from chalicelib.api import Download
from chalicelib.errors import BadRequest, Conflict, FieldError, NotFound, SteadyError
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.plan import (
    MAX_SECTION_ITEMS,
    Edits,
    Plan,
    PlanItem,
    check_sections,
    shown_id,
)
from chalicelib.vocabulary import (
    COPING_SKILLS,
    IF_I_SLIP,
    PEOPLE_TO_CALL,
    PLACES_TO_AVOID,
    PLAN_SECTION_TITLES,
    PLAN_SECTIONS,
    REASONS,
    TRIGGERS,
    WARNING_SIGNS,
)
from chalicelib.web import render
from chalicelib.web.http import (
    KEPT_FORM_COOKIE,
    Html,
    Redirect,
    Visit,
    expired_kept_form_cookie,
    forget_saved_form,
)
from chalicelib.web.words import WORDS, answer_error
from chalicelib.worksheets import MAX_FIELD_CHARS

PAGE = "/plan"
# A part's edit form is at ``/plan/edit/<n>``: a number, not the part's name, so an address
# left in a shared phone's history does not read "if-i-slip" (as lessons have opaque codes,
# ``library.lesson_code``). Fixed per part, never reused: bookmarks keep working if the plan's
# order changes. The old addresses (``/plan/edit/triggers``) still work: a GET is sent on to
# the new one, a post (a form open before the change, a form kept over a sign-out) is saved.
EDIT = "/plan/edit/{section}"
PART_NUMBERS: dict[str, str] = {
    TRIGGERS: "1",
    WARNING_SIGNS: "2",
    COPING_SKILLS: "3",
    PEOPLE_TO_CALL: "4",
    REASONS: "5",
    IF_I_SLIP: "6",
    PLACES_TO_AVOID: "7",
}
_PART_OF_NUMBER = {n: s for s, n in PART_NUMBERS.items()}
VERSIONS = "/plan/versions"
VERSION = "/plan/versions/{version}"
DOWNLOAD = "/plan/download"
PREFIX = "plan-"
# An item's words are a textarea (line breaks kept), as are the words of an answer an item
# offers (a hidden field); names, phones and positions are not.
MULTILINE_FIELDS = PREFIX + r"[0-9]+-(?:offer-)?text"
# An offered update's choices (``plan-{n}-update``).
USE, KEEP = "use", "keep"
BLANK_ROWS = 3
# The edit form of a full section: 53 rows of up to 5 fields, each up to 2,000 characters
# (percent-encoded, up to 9 bytes each).
MAX_FORM_FIELDS = 5 * (MAX_SECTION_ITEMS + BLANK_ROWS) + 10
MAX_FORM_BYTES = 1024 * 1024
# As a worksheet's (``worksheet_pages.MAX_TYPED``): an item too long for the plan comes back in
# the form, named, not as a problem page.
MAX_TYPED = 10 * MAX_FIELD_CHARS


@dataclass(frozen=True)
class RowError:
    """One problem of a row: the input at fault (``name``, ``text``, ``phone`` or
    ``position``) and the message, worded to make sense alone."""

    at: str
    message: str


# The order of a row's inputs on the page (its problems are named in this order).
_INPUT_ORDER = ("name", "text", "phone", "update", "position")


@dataclass(frozen=True)
class Row:
    """One row of the edit form: what is shown (stored, or typed and refused), and its
    problems. ``added``: one of the rows to add an item, which stays one (no "Remove" box)
    when the form comes back with errors, filled in or not."""

    n: int
    text: str
    phone: str
    source: str
    position: str
    remove: bool
    new: bool = False
    people: bool = False
    added: bool = False
    errors: tuple[RowError, ...] = ()
    updated: bool = False
    # The new words of the worksheet answer behind an edited item, offered, and the choice.
    offer_text: str = ""
    offer_phone: str = ""
    offer_source: str = ""
    choice: str = ""

    @property
    def words_input(self) -> str:
        return "name" if self.people else "text"

    @property
    def input_id(self) -> str:
        """The input the error summary links to when the problem is not one input's."""
        return f"{PREFIX}{self.n}-{self.words_input}"

    def error_id(self, at: str) -> str:
        """The id of the message about the input ``at`` (``""``: that input is fine): the
        input's ``aria-describedby``."""
        for k, error in enumerate(self.errors):
            if error.at == at:
                return f"{PREFIX}{self.n}-error" + (f"-{k + 1}" if k else "")
        return ""

    @property
    def messages(self) -> list[tuple[str, str]]:
        """(id, message) of each problem, shown in the row."""
        return [(self.error_id(e.at), e.message) for e in self.errors]

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(input id, message) of each problem, for the error summary."""
        return [(f"{PREFIX}{self.n}-{e.at}", e.message) for e in self.errors]

    @property
    def filled(self) -> bool:
        return bool(self.text.strip() or self.phone.strip() or self.source)

    @property
    def removable(self) -> bool:
        """An item of the part (not a row to add one): it has a "Remove" box."""
        return not self.added and bool(self.text or self.phone or self.source)


def _suffix(lang: str, first: str = "?") -> str:
    return f"{first}locale={lang}" if lang != DEFAULT_LOCALE else ""


def section_of(value: str) -> str | None:
    """The plan part an address names: by its number, or by its id (an address from before
    part numbers); ``None`` for anything else."""
    if value in _PART_OF_NUMBER:
        return _PART_OF_NUMBER[value]
    return value if value in PLAN_SECTIONS else None


def edit_address(section: str, suffix: str = "") -> str:
    """The address of a part's edit form (``suffix``: its query, ``?locale=es`` or "")."""
    return f"/plan/edit/{PART_NUMBERS[section]}{suffix}"


def saved_address(section: str, suffix: str = "") -> str:
    """The plan after a save of ``section`` (``suffix``: ``&locale=es`` or ""): it says so,
    and goes to the part; neither names it."""
    part = PART_NUMBERS[section]
    return f"{PAGE}?saved={part}{suffix}#part-{part}"


def _section_id(visit: Visit) -> str:
    section = section_of(visit.params.get("section", ""))
    if section is None:
        raise NotFound("There is no such part of the plan.", code="plan_section_not_found")
    return section


def my_plan(visit: Visit) -> Html:
    """GET /plan: the plan as it stands."""
    caller = visit.signed_in()
    lang = visit.language()
    svc = services.current()
    shown = svc.plans.mine(caller, lang)
    context = _context(shown, lang, svc.reminders.zone_of(caller), saved=visit.query.get("saved"))
    return Html("plan.html", context)


def _context(shown: Plan, lang: str, zone: tzinfo, saved: str | None = None) -> dict[str, Any]:
    """``zone``: the participant's own time zone, which the time it was saved is shown in (and
    which the page names: ``times_note``)."""
    return {
        "lang": lang,
        "zone": zone,
        "times_note": render.times_note(zone, lang),
        "plan": shown,
        "people": PEOPLE_TO_CALL,
        "saved_section": section_of(saved) if saved else None,
        "parts": PART_NUMBERS,
        "suffix": _suffix(lang),
        "amp_suffix": _suffix(lang, "&"),
    }


def _rows(items: tuple[PlanItem, ...] | list[PlanItem], people: bool) -> list[Row]:
    rows = [
        Row(
            n,
            i.text,
            i.phone,
            i.source or "",
            str(n + 1),
            False,
            i.new,
            people,
            updated=i.updated,
            offer_text=i.update.text if i.update else "",
            offer_phone=i.update.phone if i.update else "",
            offer_source=i.update.source or "" if i.update else "",
        )
        for n, i in enumerate(items)
    ]
    return with_spare_rows(rows, people)


def with_spare_rows(rows: list[Row], people: bool) -> list[Row]:
    """``rows`` followed by empty rows to add items, as many as the form's first view has
    (``BLANK_ROWS``, fewer near ``MAX_SECTION_ITEMS``) counting the empty rows already there:
    a form that comes back with errors keeps as many spare rows as it had."""
    filled = sum(1 for r in rows if r.filled)
    empty = len(rows) - filled
    wanted = min(BLANK_ROWS, max(0, MAX_SECTION_ITEMS - filled))
    first = max((r.n for r in rows), default=-1) + 1
    # Only row numbers ``rows_from_form`` reads back.
    last = min(first + max(0, wanted - empty), MAX_SECTION_ITEMS + BLANK_ROWS)
    return rows + [Row(n, "", "", "", "", False, False, people, True) for n in range(first, last)]


def shown_field(items: Iterable[PlanItem], also: Iterable[str] = ()) -> str:
    """The ``shown`` field: the short ids of the worksheet answers among ``items`` (and those
    in ``also``, shown before), each once, in order."""
    ids = [*also, *(shown_id(i.source) for i in items if i.source)]
    return " ".join(dict.fromkeys(ids))


def shown_from_form(form: Mapping[str, str]) -> list[str] | None:
    """The ``shown`` field as sent (``None``: not sent, as in a form made by hand: the save
    then takes it that the form showed no worksheet answer written since the last save)."""
    if "shown" not in form:
        return None
    return form["shown"].split()


def edit_form(visit: Visit) -> Html | Redirect:
    """GET /plan/edit/{section}: one section's items, to edit, move, remove or add (or as typed
    before the session ended, kept: ``chalicelib.kept_forms``)."""
    caller = visit.signed_in()
    lang = visit.language()
    section = _section_id(visit)
    if visit.params.get("section") != PART_NUMBERS[section]:
        # An address from before part numbers (a bookmark, the history): the same form at
        # the new address, which names no part.
        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in visit.query.items())
        return Redirect(edit_address(section, f"?{query}" if query else ""))
    shown = services.current().plans.mine(caller, lang)
    people = section == PEOPLE_TO_CALL
    kept_id = visit.cookies.get(KEPT_FORM_COOKIE)
    if kept_id:
        # This part as typed before the session ended (``chalicelib.kept_forms``): shown, not
        # saved; its save is the form's as it was then (its version: a save made meanwhile is
        # merged as usual). Nothing kept for this person: the cookie goes.
        try:
            kept = kept_forms.find(kept_id, caller.id)
        except SteadyError:  # not readable now: the form as saved; the cookie stays
            logs.event("web_kept_form_not_read", logging.WARNING)
            return edit_form_for(shown, section, lang, people)
        if kept is None:
            page = edit_form_for(shown, section, lang, people)
            return Html(page.template, page.context, cookies=(expired_kept_form_cookie(),))
        if kept.kind == kept_forms.PLAN_PART and section_of(kept.target) == section:
            base_text = kept.fields.get("based_on", "")
            base = int(base_text) if text_is_number(base_text) else None
            rows = with_spare_rows(rows_from_form(kept.fields, people), people)
            context = _edit_context(
                shown, section, lang, rows, base=base, seen=kept.fields.get("shown", "")
            )
            return Html("plan_edit.html", {**context, "kept": True})
    return edit_form_for(shown, section, lang, people)


def edit_form_for(shown: Plan, section: str, lang: str, people: bool) -> Html:
    items = shown.section(section).items
    return Html(
        "plan_edit.html",
        _edit_context(shown, section, lang, _rows(items, people), seen=shown_field(items)),
    )


def text_is_number(value: str) -> bool:
    """A version number as a form sends it (ASCII digits, short)."""
    return value.isascii() and value.isdigit() and len(value) < 8


def kept_address(kept: kept_forms.KeptForm) -> str:
    """The edit form of the plan part kept (kept by its number, or by its id before part
    numbers; anything else: the plan), in the language it was typed in."""
    locale = kept.fields.get("locale", "")
    suffix = f"?locale={locale}" if locale in WORDS and locale != DEFAULT_LOCALE else ""
    section = section_of(kept.target)
    return edit_address(section, suffix) if section else f"{PAGE}{suffix}"


def _edit_context(
    shown: Plan,
    section: str,
    lang: str,
    rows: list[Row],
    errors: list[tuple[str, str]] | None = None,
    base: int | None | str = "",
    merged: Edits | None = None,
    seen: str = "",
) -> dict[str, Any]:
    return {
        "shown": seen,
        "lang": lang,
        "plan": shown,
        "section": shown.section(section),
        "people": section == PEOPLE_TO_CALL,
        "rows": rows,
        "errors": errors or [],
        "based_on": shown.version if base == "" else base,
        "merged": merged,
        "suffix": _suffix(lang),
        "part": PART_NUMBERS[section],
    }


def rows_from_form(form: Mapping[str, str], people: bool) -> list[Row]:
    """Every row the form sent, as typed, in the order of the form."""
    rows = []
    for n in range(MAX_SECTION_ITEMS + BLANK_ROWS):
        name = f"{PREFIX}{n}-"
        if not any(key.startswith(name) for key in form):
            continue
        text = form.get(name + ("name" if people else "text"), "")
        rows.append(
            Row(
                n,
                text,
                form.get(name + "phone", ""),
                form.get(name + "source", ""),
                form.get(name + "position", ""),
                form.get(name + "remove") == "1",
                False,
                people,
                form.get(name + "added") == "1",
                offer_text=form.get(name + "offer-text", ""),
                offer_phone=form.get(name + "offer-phone", ""),
                offer_source=form.get(name + "offer-source", ""),
                choice=form.get(name + "update", ""),
            )
        )
    return rows


def _typed_position(row: Row) -> int | None:
    """The position typed in a row (``None``: left empty, the row stays where it is); a
    ``ValueError`` if it is not a number."""
    typed = row.position.strip()
    if not typed:
        return None
    if typed.isascii() and typed.isdigit() and len(typed) < 4:
        return int(typed)
    raise ValueError(typed)


def position_errors(rows: list[Row], title: str, lang: str) -> list[tuple[int, RowError]]:
    """The rows kept (filled, not removed) whose position is not a number (their ``n``), each
    with its error (``title``: the part of the plan, so the message makes sense alone); the
    form is refused before anything is saved."""
    words = WORDS[lang]
    refused = []
    for shown, row in enumerate(rows, start=1):
        if row.remove or not row.filled:
            continue
        try:
            _typed_position(row)
        except ValueError:
            message = words["plan_error_position"].format(label=title, n=shown)
            refused.append((row.n, RowError("position", message)))
    return refused


def choice_errors(rows: list[Row], title: str, lang: str) -> list[tuple[int, RowError]]:
    """The rows kept whose offered update has a choice that is neither ``use`` nor ``keep``
    (a form made by hand): refused, not guessed at."""
    message = WORDS[lang]["plan_error_update"]
    return [
        (row.n, RowError("update", message.format(label=title, n=shown)))
        for shown, row in enumerate(rows, start=1)
        if not row.remove and row.offer_source and row.choice not in ("", USE, KEEP)
    ]


def item_errors(
    error: FieldError, rows: list[Row], order: list[Row], title: str, lang: str
) -> list[tuple[int | None, RowError]]:
    """Every item the plan refused (the ``FieldError``'s ``errors``), each at the row it
    came from (its ``n``; ``None``: not one item's, such as too many items), worded to make
    sense alone: the part, which item, and whose phone number."""
    found: list[tuple[int | None, RowError]] = []
    for one in error.errors:
        index = one.field_id.rsplit(".", 1)[-1] if "." in one.field_id else ""
        row = order[int(index)] if index.isdigit() and int(index) < len(order) else None
        number = rows.index(row) + 1 if row is not None else None
        message = answer_error(
            one,
            lang,
            title,
            number,
            row.text if row is not None else "",
            row.people if row is not None else False,
            row.phone if row is not None else "",
        )
        if row is None:
            found.append((None, RowError("", message)))
        else:
            at = "phone" if one.part == "phone" else row.words_input
            found.append((row.n, RowError(at, message)))
    return found


def with_errors(
    rows: list[Row], found: list[tuple[int | None, RowError]]
) -> tuple[list[Row], list[tuple[str, str]]]:
    """The rows, each with its problems, and the error summary: every problem, in the order
    of the form (a problem of no one row first, linking to the first row)."""
    at: dict[int, list[RowError]] = {}
    general = []
    for n, error in found:
        if n is None:
            general.append(error.message)
        else:
            at.setdefault(n, []).append(error)
    shown = [
        replace(r, errors=tuple(sorted(at[r.n], key=lambda e: _INPUT_ORDER.index(e.at))))
        if r.n in at
        else r
        for r in rows
    ]
    anchor = rows[0].input_id if rows else "main"
    summary = [(anchor, m) for m in general] + [s for r in shown for s in r.summary]
    return shown, summary


def _position(row: Row) -> tuple[int, int, int]:
    """Where a row goes: its typed position, else where it is (a blank row goes last). A row
    moved to a position goes before the row that was there."""
    try:
        typed = _typed_position(row)
    except ValueError:
        typed = None  # refused before the save (``position_errors``)
    if typed is not None:
        return typed, 0 if typed != row.n + 1 else 1, row.n
    filled = row.text.strip() or row.phone.strip()
    return (row.n + 1 if filled else 10_000), 1, row.n


def items_from_rows(rows: list[Row], people: bool) -> tuple[list[dict[str, Any]], list[Row]]:
    """The API's items for one section, in the chosen order (removed rows left out), and the
    row each item came from (to point an error at it)."""
    kept = sorted((r for r in rows if not r.remove), key=_position)
    items: list[dict[str, Any]] = []
    for row in kept:
        text, phone, source = row.text, row.phone, row.source
        if row.offer_source and row.choice in (USE, KEEP):
            # Either way the participant saw the answer's new words: the item holds that answer
            # as it is now, and nothing is offered until it changes again.
            source = row.offer_source
            if row.choice == USE:
                text, phone = row.offer_text, row.offer_phone
        item: dict[str, Any] = {"name": text, "phone": phone} if people else {"text": text}
        item["source"] = source or None
        items.append(item)
    return items, kept


def save_section(visit: Visit) -> Any:
    """POST /plan/edit/{section}: save the plan with this section as edited (a new version)."""
    caller = visit.signed_in()
    section = _section_id(visit)
    lang = visit.form.get("locale") or DEFAULT_LOCALE
    if lang not in WORDS:
        lang = DEFAULT_LOCALE
    people = section == PEOPLE_TO_CALL
    rows = rows_from_form(visit.form, people)
    items, order = items_from_rows(rows, people)
    seen = shown_from_form(visit.form)
    seen_field = " ".join(seen or ())
    base_text = visit.form.get("based_on", "")
    base: Any = int(base_text) if text_is_number(base_text) else None
    plans = services.current().plans
    words = WORDS[lang]
    title = PLAN_SECTION_TITLES.get(lang, PLAN_SECTION_TITLES[DEFAULT_LOCALE])[section]
    found: list[tuple[int | None, RowError]] = [
        *position_errors(rows, title, lang),
        *choice_errors(rows, title, lang),
    ]
    if found:
        # A position that is not a number would be ignored: say so, and save nothing; and name
        # the items that would be refused too, so that one more try is enough.
        try:
            check_sections({section: items})
        except FieldError as error:
            found += item_errors(error, rows, order, title, lang)
        shown, summary = with_errors(with_spare_rows(rows, people), found)
        return Html(
            "plan_edit.html",
            _edit_context(
                plans.mine(caller, lang), section, lang, shown, summary, base, seen=seen_field
            ),
            status=400,
        )
    try:
        plans.save(caller, base, {section: items}, lang, seen)
    except Conflict:
        # Another window or device saved meanwhile: show this part with both changes (what was
        # typed here, and what was saved there, named), on top of the newest version, so that
        # saving again keeps both. Nothing is saved until the participant saves.
        both = plans.merge_part(caller, base, section, items, lang, seen)
        context = _edit_context(
            both.plan,
            section,
            lang,
            _rows(both.merged.items, people),
            base=both.plan.version,
            merged=both.merged,
            # What this window showed, and what the merged form shows now: removed in this
            # window before, or removed now, each stays removed.
            seen=shown_field(both.merged.items, seen or ()),
        )
        return Html("plan_edit.html", context, status=409)
    except FieldError as error:
        found = item_errors(error, rows, order, title, lang)
    except BadRequest as error:
        found = [(None, RowError("", words.get(f"error_{error.code}") or error.message))]
    if found:
        shown, summary = with_errors(with_spare_rows(rows, people), found)
        return Html(
            "plan_edit.html",
            _edit_context(
                plans.mine(caller, lang), section, lang, shown, summary, base, seen=seen_field
            ),
            status=400,
        )
    # Saved: what was kept when the session ended is of no more use.
    # (Kept by its number, or by its id if kept before part numbers.)
    cookies = forget_saved_form(
        visit.cookies, caller.id, kept_forms.PLAN_PART, (PART_NUMBERS[section], section)
    )
    return Redirect(saved_address(section, _suffix(lang, "&")), cookies=cookies)


def versions_page(visit: Visit) -> Html:
    """GET /plan/versions: every saved version, newest first."""
    caller = visit.signed_in()
    lang = visit.language()
    token = visit.query.get("page_token")
    svc = services.current()
    versions, next_token = svc.plans.versions(caller, token)
    zone = svc.reminders.zone_of(caller)
    return Html(
        "plan_versions.html",
        {
            "lang": lang,
            "zone": zone,
            "times_note": render.times_note(zone, lang),
            "versions": versions,
            "next_token": next_token,
            "suffix": _suffix(lang),
            "amp_suffix": _suffix(lang, "&"),
        },
    )


def version_page(visit: Visit) -> Html:
    """GET /plan/versions/{version}: one earlier version, read only."""
    caller = visit.signed_in()
    lang = visit.language()
    svc = services.current()
    shown = svc.plans.version(caller, visit.params.get("version", ""), lang)
    return Html("plan.html", _context(shown, lang, svc.reminders.zone_of(caller)))


def download(visit: Visit) -> Download:
    """GET /plan/download?format=pdf|txt[&version=n]: the file, with a discreet name."""
    caller = visit.signed_in()
    lang = visit.language()
    svc = services.current()
    return Download(
        svc.plans.download(
            caller,
            visit.query.get("format") or "pdf",
            visit.query.get("version"),
            lang,
            svc.reminders.zone_of(caller),
        )
    )
