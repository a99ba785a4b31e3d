"""My plan in the browser (no JavaScript): the plan page, one section's edit form, the list of
earlier versions, one earlier version, and the downloads. Each handler calls the plan use case
(``chalicelib.plan``) once on its way, and formats the answer.

The edit form shows one section: each item in a box, with its position (type another number
to move it) and a "Remove" box, then empty rows to add items of one's own. Form fields:
``plan-{n}-text`` (``-name`` and ``-phone`` for people to call), ``plan-{n}-source``,
``plan-{n}-position``, ``plan-{n}-remove``. A save redirects to the plan, which says what
was saved; a refused save shows the same form again with what was typed and an error summary
linking to the input at fault (a position that is not a number is refused too, not ignored),
each message naming the part, the item and, for a phone number, whose it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chalicelib import services
from chalicelib.api import Download
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.plan import MAX_SECTION_ITEMS, Plan, PlanItem
from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTION_TITLES, PLAN_SECTIONS
from chalicelib.web.http import Html, Redirect, Visit
from chalicelib.web.words import WORDS, answer_error
from chalicelib.worksheets import FieldError

PAGE = "/plan"
EDIT = "/plan/edit/{section}"
VERSIONS = "/plan/versions"
VERSION = "/plan/versions/{version}"
DOWNLOAD = "/plan/download"
PREFIX = "plan-"
# An item's words are a textarea (line breaks kept); names, phones and positions are not.
MULTILINE_FIELDS = PREFIX + r"[0-9]+-text"
BLANK_ROWS = 3
# The edit form of a full section: 53 rows of up to 5 fields, each up to 2,000 characters
# (percent-encoded, up to 9 bytes each).
MAX_FORM_FIELDS = 5 * (MAX_SECTION_ITEMS + BLANK_ROWS) + 10
MAX_FORM_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One row of the edit form: what is shown (stored, or typed and refused)."""

    n: int
    text: str
    phone: str
    source: str
    position: str
    remove: bool
    new: bool = False
    error: str | None = None
    people: bool = False
    error_at: str = ""  # the input at fault: "phone" or "position"; "": the words (or name)

    @property
    def words_input(self) -> str:
        return "name" if self.people else "text"

    @property
    def error_input(self) -> str:
        """Which of the row's inputs is at fault (``name``, ``text``, ``phone``, ``position``)."""
        return self.error_at or self.words_input

    @property
    def input_id(self) -> str:
        """The input the error summary links to."""
        return f"{PREFIX}{self.n}-{self.error_input}"

    @property
    def filled(self) -> bool:
        return bool(self.text.strip() or self.phone.strip() or self.source)


def _suffix(lang: str, first: str = "?") -> str:
    return f"{first}locale={lang}" if lang != DEFAULT_LOCALE else ""


def _section_id(visit: Visit) -> str:
    section = visit.params.get("section", "")
    if section not in PLAN_SECTIONS:
        raise NotFound("There is no such part of the plan.", code="plan_section_not_found")
    return section


def my_plan(visit: Visit) -> Html:
    """GET /plan: the plan as it stands."""
    caller = visit.signed_in()
    lang = visit.language()
    shown = services.current().plans.mine(caller, lang)
    return Html("plan.html", _context(shown, lang, saved=visit.query.get("saved")))


def _context(shown: Plan, lang: str, saved: str | None = None) -> dict[str, Any]:
    return {
        "lang": lang,
        "plan": shown,
        "people": PEOPLE_TO_CALL,
        "saved_section": saved if saved in PLAN_SECTIONS else None,
        "suffix": _suffix(lang),
        "amp_suffix": _suffix(lang, "&"),
    }


def _rows(items: tuple[PlanItem, ...] | list[PlanItem], people: bool) -> list[Row]:
    rows = [
        Row(n, i.text, i.phone, i.source or "", str(n + 1), False, i.new, None, people)
        for n, i in enumerate(items)
    ]
    blank = min(BLANK_ROWS, max(0, MAX_SECTION_ITEMS - len(rows)))
    rows += [Row(len(rows) + k, "", "", "", "", False, False, None, people) for k in range(blank)]
    return rows


def edit_form(visit: Visit) -> Html:
    """GET /plan/edit/{section}: one section's items, to edit, move, remove or add."""
    caller = visit.signed_in()
    lang = visit.language()
    section = _section_id(visit)
    shown = services.current().plans.mine(caller, lang)
    people = section == PEOPLE_TO_CALL
    return Html(
        "plan_edit.html",
        _edit_context(shown, section, lang, _rows(shown.section(section).items, people)),
    )


def _edit_context(
    shown: Plan,
    section: str,
    lang: str,
    rows: list[Row],
    errors: list[tuple[str, str]] | None = None,
    base: int | None | str = "",
) -> dict[str, Any]:
    return {
        "lang": lang,
        "plan": shown,
        "section": shown.section(section),
        "people": section == PEOPLE_TO_CALL,
        "rows": rows,
        "errors": errors or [],
        "based_on": shown.version if base == "" else base,
        "suffix": _suffix(lang),
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
                None,
                people,
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


def position_errors(rows: list[Row], title: str, lang: str) -> list[Row]:
    """The rows kept (filled, not removed) whose position is not a number, each with its
    error (``title``: the part of the plan, so the message makes sense alone); the form is
    refused before anything is saved."""
    words = WORDS[lang]
    refused = []
    for shown, row in enumerate(rows, start=1):
        if row.remove or not row.filled:
            continue
        try:
            _typed_position(row)
        except ValueError:
            message = words["plan_error_position"].format(label=title, n=shown)
            refused.append(replace(row, error=message, error_at="position"))
    return refused


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
        item: dict[str, Any] = (
            {"name": row.text, "phone": row.phone} if people else {"text": row.text}
        )
        item["source"] = row.source or None
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
    base_text = visit.form.get("based_on", "")
    base: Any = (
        int(base_text)
        if base_text.isascii() and base_text.isdigit() and len(base_text) < 8
        else None
    )
    plans = services.current().plans
    words = WORDS[lang]
    title = PLAN_SECTION_TITLES.get(lang, PLAN_SECTION_TITLES[DEFAULT_LOCALE])[section]
    refused = position_errors(rows, title, lang)
    if refused:
        # A position that is not a number would be ignored: say so, and save nothing.
        at = {r.n: r for r in refused}
        rows = [at.get(r.n, r) for r in rows]
        return Html(
            "plan_edit.html",
            _edit_context(
                plans.mine(caller, lang),
                section,
                lang,
                rows,
                [(r.input_id, str(r.error)) for r in refused],
                base,
            ),
            status=400,
        )
    try:
        plans.save(caller, base, {section: items}, lang)
    except Conflict:
        # Another window or device saved meanwhile: show what was typed, on top of the newest
        # version, so saving again keeps it.
        shown = plans.mine(caller, lang)
        return Html(
            "plan_edit.html",
            _edit_context(
                shown,
                section,
                lang,
                rows,
                [(rows[0].input_id if rows else "main", words["plan_changed"])],
                shown.version,
            ),
            status=409,
        )
    except BadRequest as error:
        shown = plans.mine(caller, lang)
        field_id = getattr(error, "field_id", "")
        index = field_id.rsplit(".", 1)[-1] if "." in field_id else ""
        at_row = order[int(index)] if index.isdigit() and int(index) < len(order) else None
        if isinstance(error, FieldError):
            # A sentence that makes sense alone: the part, which item, and whose phone number.
            number = rows.index(at_row) + 1 if at_row is not None else None
            who = at_row.text if at_row is not None else ""
            phone = at_row.phone if at_row is not None else ""
            message = answer_error(error, lang, title, number, who, people, phone)
        else:
            message = words.get(f"error_{error.code}") or error.message
        part = getattr(error, "part", None)
        rows = [
            replace(r, error=message, error_at="phone" if part == "phone" else "")
            if at_row is not None and r.n == at_row.n
            else r
            for r in rows
        ]
        target = next((r for r in rows if r.error), rows[0] if rows else None)
        anchor = target.input_id if target else "main"
        return Html(
            "plan_edit.html",
            _edit_context(shown, section, lang, rows, [(anchor, message)], base),
            status=400,
        )
    return Redirect(f"{PAGE}?saved={section}{_suffix(lang, '&')}#{section}")


def versions_page(visit: Visit) -> Html:
    """GET /plan/versions: every saved version, newest first."""
    caller = visit.signed_in()
    lang = visit.language()
    token = visit.query.get("page_token")
    versions, next_token = services.current().plans.versions(caller, token)
    return Html(
        "plan_versions.html",
        {
            "lang": lang,
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
    shown = services.current().plans.version(caller, visit.params.get("version", ""), lang)
    return Html("plan.html", _context(shown, lang))


def download(visit: Visit) -> Download:
    """GET /plan/download?format=pdf|txt[&version=n]: the file, with a discreet name."""
    caller = visit.signed_in()
    lang = visit.language()
    return Download(
        services.current().plans.download(
            caller, visit.query.get("format") or "pdf", visit.query.get("version"), lang
        )
    )
