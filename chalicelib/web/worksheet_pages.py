"""The worksheet on a module page: a plain form (no JavaScript) built from the published
fields, saved with one use case call (``chalicelib.worksheets``); and the "Share with my
group leaders" switch.

Form field names: ``answer-{field}`` (text, scale, choice), ``answer-{field}-{n}`` (list
items), ``answer-{field}-{n}-name`` / ``-phone`` (people to call). A save redirects back to
the module page, which says what was saved; a refused save shows the same page again with
what was typed and an error summary linking to every field at fault. The form's second
button ("Save and read in English", ``read_in``) saves the same way, then goes on to the
lesson in the other language: the language link at the top would drop what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib import kept_forms, services, text
from chalicelib.errors import BadRequest, FieldError
from chalicelib.library import DEFAULT_LOCALE, lesson_code
from chalicelib.web import render
from chalicelib.web.http import (
    Html,
    Redirect,
    Visit,
    forget_saved_form,
)
from chalicelib.web.pages import reading_locale
from chalicelib.web.render import markup
from chalicelib.web.words import WORDS, answer_error
from chalicelib.worksheets import (
    CONTACT,
    MAX_FIELD_CHARS,
    MyWorksheet,
    WorksheetConflict,
    base_of,
    text_around_form,
)

PREFIX = "answer-"
# What the form was based on: ``based_on`` (the save of the answers it showed) and, for each
# field, ``base-{field}`` (digests of what it showed: ``worksheets.base_of``), so that a save
# after another window's or device's save changes only what this form changed.
BASE_PREFIX = "base-"
# After a refused save, the form's second choice: ``keep=saved`` leaves out of the save the
# fields ``changed_fields`` names (changed here and saved meanwhile elsewhere).
KEEP = "keep"
KEEP_SAVED = "saved"
CONFLICT_FIELD = "changed_fields"
MERGED = "both"  # ``?saved=both``: saved, together with another window's or device's save
# The answer fields may hold line breaks (a long-text answer's textarea): which ones are
# textareas is the worksheet's to say, and the form's names do not tell, so the edge lets every
# answer through with the textarea rule and ``answers_from_form`` holds the one-line boxes to
# the one-line rule (``text.as_typed``: a pasted tab is the space the box showed).
MULTILINE_FIELDS = PREFIX + r"[^\s]+"
# The boxes cut nothing (no maxlength: a paste cut at the limit was lost without a word, walk
# 15 problem 12); the worksheet's own limit (``MAX_FIELD_CHARS``) refuses a long answer in the
# same form, kept and named. The edge lets through up to ten times that per field (and a form
# as large as that takes, percent-encoded), so that a long paste reaches that check.
MAX_TYPED = 10 * MAX_FIELD_CHARS
MAX_FORM_BYTES = 512 * 1024


@dataclass(frozen=True)
class RowError:
    """One row of a list at fault: the row (from 0), its ``"name"`` or ``"phone"`` (people to
    call), and the sentence shown beside it and in the summary."""

    item: int
    part: str | None
    message: str


@dataclass(frozen=True)
class FormField:
    """One field as the form shows it: the published spec, the value to show (stored, or
    typed and refused), list rows, and its error (of a list, its first row at fault; every
    row at fault is in ``row_errors``)."""

    spec: dict[str, Any]
    value: Any
    rows: tuple[Any, ...] = ()
    error: str | None = None  # a sentence that makes sense alone (it is also the summary's)
    error_item: int | None = None  # the list row at fault (from 0); None: the whole field
    error_part: str | None = None  # that row's "name" or "phone" (people to call)
    row_errors: tuple[RowError, ...] = ()  # every row at fault, in row order
    base: tuple[str, ...] = ()  # what the form is based on (``worksheets.base_of``)
    # Changed here and in another window or on another device: the answer saved there, shown
    # read-only under the box (``None``: emptied there).
    changed_there: bool = False
    other: Any = None

    @property
    def base_text(self) -> str:
        return " ".join(self.base)

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def contact(self) -> bool:
        return self.spec.get("item") == CONTACT

    @property
    def grouped(self) -> bool:
        """Its inputs are a group under a legend (a list, a scale, a choice)."""
        return self.spec["kind"] in ("list", "scale", "choice")

    @property
    def input_id(self) -> str:
        """The id the error summary links to: the input at fault (the GOV.UK pattern), the row
        at fault of a list. An error about a whole group (a list too long in all, a scale, a
        choice) links to the group's legend instead (``legend_id``, focusable): its first
        input would land at the top of the screen with the legend and the error above it,
        out of sight on a phone."""
        if not self.grouped:
            return f"{PREFIX}{self.id}"
        if not self.error_at_row or self.error_item is None:
            return self.legend_id
        return self.row_input_id(self.error_item, self.error_part)

    def row_input_id(self, item: int, part: str | None) -> str:
        """The input at fault of row ``item`` (a person's name, unless it is their ``part``)."""
        row = f"{PREFIX}{self.id}-{item}"
        return row + (f"-{part or 'name'}" if self.contact else "")

    def row_error(self, item: int) -> RowError | None:
        """Row ``item``'s error, if it is at fault."""
        return next((e for e in self.row_errors if e.item == item), None)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """Its lines of the error summary, each (the id linked to, the sentence): one for each
        row at fault of a list, else one for the field."""
        if self.row_errors:
            return [(self.row_input_id(e.item, e.part), e.message) for e in self.row_errors]
        return [(self.input_id, self.error)] if self.error else []

    @property
    def legend_id(self) -> str:
        return f"{PREFIX}{self.id}-legend"

    @property
    def error_at_row(self) -> bool:
        """The error is one row's of a list (shown beside that row, not above the list)."""
        return self.error is not None and self.error_item is not None


@dataclass(frozen=True)
class WorksheetForm:
    module_id: str
    version: int
    locale: str
    fields: tuple[FormField, ...]
    shared: bool
    saved: bool  # the page after a save: say what was saved
    answered: int  # fields with an answer
    updated_at: str | None
    errors: tuple[FormField, ...] = field(default=())
    kept: bool = False  # answers kept when the session ended, shown again, not saved yet
    # The sharing choice kept when the session ended, not saved yet ("1" share, "0" stop),
    # only while it is not what is saved.
    sharing_kept: str | None = None
    # The save of the answers the form shows (``MyWorksheet.based_on``); ``None``: not known
    # (answers kept by an older release), the form says nothing and the save is the last word.
    based_on: str | None = ""
    merged: bool = False  # the save was merged with another window's or device's: say so
    earlier_saves: int = 0  # earlier saves kept (a link to their page says how many)
    # The fields changed here and in another window or on another device (a refused save):
    # the form offers to save these answers over those, or to keep the saved ones.
    conflict: tuple[str, ...] = ()

    @property
    def conflict_text(self) -> str:
        return " ".join(self.conflict)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """The error summary, in form order: every field at fault, every row at fault."""
        return [line for f in self.errors for line in f.summary]

    @property
    def pristine(self) -> bool:
        """Nothing of the participant's in it: no answer shown (stored, or typed and refused),
        no error, not saved or shared. Such a form is the same for everyone who sees this
        version in a session, so the page renders it once (``chalicelib/web/fragments.py``)."""
        if self.errors or self.saved or self.shared or self.updated_at or self.answered:
            return False
        if self.kept or self.sharing_kept:
            return False
        return all((f.value is None or f.value == "") and f.error is None for f in self.fields)


def _rows(spec: Mapping[str, Any], value: Any) -> tuple[Any, ...]:
    """Every row of a list field: the answers, then empty rows up to ``max_items``."""
    size = int(spec.get("max_items") or 5)
    items = list(value or [])[:size]
    blank: Any = {"name": "", "phone": ""} if spec.get("item") == CONTACT else ""
    return tuple(items + [blank] * (size - len(items)))


def form_of(sheet: MyWorksheet, saved: bool = False) -> WorksheetForm:
    fields = []
    for view in sheet.fields:
        value = view.answer.value if view.answer else None
        fields.append(
            FormField(
                view.spec,
                value,
                _rows(view.spec, value) if view.spec["kind"] == "list" else (),
                base=base_of(str(view.spec["kind"]), value),
            )
        )
    answered = sum(1 for f in sheet.fields if f.answer is not None)
    return WorksheetForm(
        sheet.module_id,
        sheet.version,
        sheet.locale,
        tuple(fields),
        sheet.shared,
        saved,
        answered,
        sheet.updated_at,
        based_on=sheet.based_on,
        earlier_saves=sheet.earlier_saves,
    )


def worksheet_context(sheet: MyWorksheet | None, query: Mapping[str, str]) -> dict[str, Any]:
    """What the lesson page needs to show the reader's worksheet (``Reading.lesson`` gives it;
    nothing for a module without one, or for someone who is not a participant)."""
    if sheet is None or not sheet.fields:
        return {}
    saved = query.get("saved")
    form = form_of(sheet, saved=saved in ("1", MERGED))
    return {"worksheet": replace(form, merged=saved == MERGED)}


def lesson_text(document: Mapping[str, Any], with_worksheet: bool) -> dict[str, Any]:
    """The lesson page's text (``body``). With the worksheet form on the page (a participant's),
    the text is cut where the form goes, right after the module's "Try this" box:
    ``body_after`` is the rest of the text, below the form, and ``worksheet_toc_at`` the form's
    place in the contents list (None: after every section)."""
    if not with_worksheet:
        return {"body": markup(document.get("html", "")), "body_after": None}
    cut = text_around_form(document)
    return {
        "body": markup(cut.before),
        "body_after": markup(cut.after) if cut.after else None,
        "worksheet_toc_at": cut.toc_at,
    }


def answers_from_form(specs: list[dict[str, Any]], form: Mapping[str, str]) -> dict[str, Any]:
    """The API's ``answers`` from the form's fields: every field of the version is sent, so an
    emptied box clears its answer. A one-line box (a short answer, a list's item, a name, a
    phone number) keeps what it showed: pasted spacing (a tab, a line separator) is a space,
    as in every other form's one-line box (``text.as_typed``); a long answer's textarea came
    with the textarea rule already (``MULTILINE_FIELDS``)."""

    def one_line(key: str) -> str:
        return text.as_typed(form.get(key, ""))

    answers: dict[str, Any] = {}
    for spec in specs:
        fid = str(spec["id"])
        name = PREFIX + fid
        kind = spec["kind"]
        if kind == "list":
            size = min(int(spec.get("max_items") or 5), 50)
            if spec.get("item") == CONTACT:
                answers[fid] = [
                    {"name": one_line(f"{name}-{n}-name"), "phone": one_line(f"{name}-{n}-phone")}
                    for n in range(size)
                ]
            else:
                answers[fid] = [one_line(f"{name}-{n}") for n in range(size)]
        elif kind in ("scale", "choice"):
            raw = form.get(name, "")
            answers[fid] = (
                int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else (raw or None)
            )
        elif kind == "long-text":
            answers[fid] = form.get(name, "")
        else:
            answers[fid] = one_line(name)
    return answers


def _typed(spec: Mapping[str, Any], value: Any) -> FormField:
    if spec["kind"] == "list":
        return FormField(dict(spec), value, _rows(spec, value))
    return FormField(dict(spec), value)


def _with_errors(typed: FormField, errors: list[FieldError], lang: str, locale: str) -> FormField:
    """The field at fault, with its ``errors`` (the whole field's, or every row's at fault of a
    list) each worded to make sense alone (``_worded``)."""
    listed = typed.spec["kind"] == "list"
    rows = tuple(
        RowError(e.item, e.part, _worded(typed, e, e.item, lang, locale))
        for e in errors
        if listed and e.item is not None
    )
    first = errors[0]
    row = first.item if listed else None
    message = rows[0].message if rows else _worded(typed, first, row, lang, locale)
    return FormField(typed.spec, typed.value, typed.rows, message, row, first.part, rows)


def _worded(typed: FormField, error: FieldError, row: int | None, lang: str, locale: str) -> str:
    """One error of the field, worded to make sense alone: its label, which ``row`` of a list,
    and whose phone number (the name typed on that row; or the number, when that row has no
    name). The label is in the worksheet's ``locale``, which the message marks where it is
    not the page's ``lang`` (the English worksheet of an untranslated module)."""
    name = phone = ""
    if row is not None and typed.contact and row < len(typed.rows):
        name = str(typed.rows[row].get("name") or "")
        phone = str(typed.rows[row].get("phone") or "")
    return answer_error(
        error,
        lang,
        str(typed.spec.get("label") or typed.id),
        None if row is None else row + 1,
        name,
        people=typed.contact,
        phone=phone,
        whole_list=typed.spec["kind"] == "list" and row is None,
        label_lang=locale,
    )


def save_from_form(
    visit: Visit,
    caller: Any,
    module_id: str,
    only_if_changed: bool = False,
    retaking: bool = False,
) -> MyWorksheet | Html:
    """Save the worksheet form ``visit`` sent (its own "Save my answers", or "Mark as complete"
    and "Check my answers" on a retake, which send it too: ``only_if_changed``). The worksheet
    as saved, or the lesson page again with the form as typed: every field at fault named
    (400), or what another save changed (409). ``retaking``: that page is the retake's."""
    from chalicelib.web import reading_pages  # the lesson page around the form

    svc = services.current()
    locale = visit.form.get("locale") or DEFAULT_LOCALE
    version = visit.form.get("version", "")
    # ASCII digits only: "²".isdigit() is true, and int() then fails (a 500 once).
    number = int(version) if text.ascii_digits(version) else -1
    try:
        document = svc.library.version(module_id, number, locale).document
    except BadRequest:
        document = {}
    specs = list((document.get("worksheet") or {}).get("fields") or [])
    answers = answers_from_form(specs, visit.form)
    if visit.form.get(KEEP) == KEEP_SAVED:
        # "Keep the saved answers" after a refused save: those questions are left out of this
        # save, so what was saved there stays; the other answers are saved as usual.
        for field_id in visit.form.get(CONFLICT_FIELD, "").split():
            answers.pop(field_id, None)
    based_on = visit.form.get("based_on")
    bases = {str(s["id"]): visit.form.get(BASE_PREFIX + str(s["id"]), "") for s in specs}
    try:
        result = svc.worksheets.save(
            caller,
            module_id,
            version,
            answers,
            locale,
            based_on,
            None if based_on is None else bases,
            only_if_changed,
        )
    except WorksheetConflict as changed:
        return _changed_page(
            visit, caller, module_id, number, locale, specs, answers, changed, retaking
        )
    except FieldError as error:
        lang = reading_pages.form_page_language(visit)
        # Every field at fault (every row at fault of a list), each beside its input and all
        # in the summary, in form order.
        refused: dict[str, list[FieldError]] = {}
        for one in error.errors:
            refused.setdefault(one.field_id, []).append(one)
        # Still based on what the form was based on: saving it again merges as this save would.
        fields = tuple(
            replace(
                _with_errors(f, refused[f.id], lang, locale) if f.id in refused else f,
                base=tuple(bases[f.id].split()),
            )
            for f in (_typed(s, answers.get(str(s["id"]))) for s in specs)
        )
        page = reading_pages.lesson_view(caller, module_id, lang, {}, retaking=retaking)
        # What is saved stays saved (and shareable): the refused answers changed nothing.
        stored = page.context.get("worksheet")
        form = WorksheetForm(
            module_id,
            number,
            locale,
            fields,
            bool(stored and stored.shared),
            False,
            stored.answered if stored else 0,
            stored.updated_at if stored else None,
            tuple(f for f in fields if f.error),
            based_on=based_on,
            earlier_saves=stored.earlier_saves if stored else 0,
        )
        # The summary at the top of the page (GOV.UK pattern): the form is far below the text.
        # Each error is HTML already (``answer_error``: an English label is marked as such).
        return Html(
            page.template, {**page.context, "worksheet": form, "errors": form.summary}, status=400
        )
    return result


def save(visit: Visit) -> Any:
    """POST /lesson/{code}/worksheet: save, then back to the page saying what was saved (in
    the language ``read_in`` names, when the "Save and read in …" button sent the form)."""
    from chalicelib.web import reading_pages  # the lesson page around the form

    caller = visit.signed_in()
    module_id = services.current().library.module_for_code(visit.params.get("code", ""))
    locale = visit.form.get("locale") or DEFAULT_LOCALE
    result = save_from_form(visit, caller, module_id)
    if isinstance(result, Html):
        return result
    path = reading_pages.lesson_path(module_id, locale)
    read_in = visit.form.get("read_in")
    if read_in in WORDS:
        # "Save and read in English" / "Guardar y leer en español": saved, on to the lesson in
        # that language, named in the address as the language link names it (so it is kept as
        # that link's choice is, ``http.kept_language``).
        path = f"/lesson/{lesson_code(module_id)}?locale={read_in}"
    # Saved: the answers kept when the session ended are of no more use (kept until now, not
    # only until shown: a reload or a refused save still had them).
    cookies = forget_saved_form(
        visit.cookies, caller.id, kept_forms.WORKSHEET, visit.params.get("code", "")
    )
    saved = MERGED if result.merged else "1"
    return Redirect(
        path + ("&" if "?" in path else "?") + f"saved={saved}#worksheet", cookies=cookies
    )


def _changed_page(
    visit: Visit,
    caller: Any,
    module_id: str,
    number: int,
    locale: str,
    specs: list[dict[str, Any]],
    answers: dict[str, Any],
    changed: WorksheetConflict,
    retaking: bool = False,
) -> Html:
    """The form again after a save refused because some answers were changed both here and in
    another window or on another device (409): those fields keep what was typed here, with
    what was saved there read-only under the box, named in the error summary; every other
    field shows both sides merged. The form is based on what is saved now, so saving it again
    keeps exactly what it shows. Nothing was saved."""
    from chalicelib.web import reading_pages

    lang = reading_pages.form_page_language(visit)
    now = changed.worksheet
    there = {str(v.spec["id"]): v.answer.value for v in now.fields if v.answer}
    fields = []
    for spec in specs:
        fid, kind = str(spec["id"]), str(spec["kind"])
        base = base_of(kind, there.get(fid))
        if fid in changed.fields:
            problem = FieldError(fid, "was changed there too.", code="worksheet_changed")
            typed = _with_errors(_typed(spec, answers.get(fid)), [problem], lang, locale)
            fields.append(replace(typed, base=base, changed_there=True, other=there.get(fid)))
        else:
            fields.append(replace(_typed(spec, changed.merged.get(fid)), base=base))
    page = reading_pages.lesson_view(caller, module_id, lang, {}, retaking=retaking)
    form = WorksheetForm(
        module_id,
        number,
        locale,
        tuple(fields),
        now.shared,
        False,
        sum(1 for v in now.fields if v.answer),
        now.updated_at,
        tuple(f for f in fields if f.error),
        based_on=now.based_on,
        earlier_saves=now.earlier_saves,
        conflict=tuple(f.id for f in fields if f.changed_there),
    )
    return Html(
        page.template, {**page.context, "worksheet": form, "errors": form.summary}, status=409
    )


def with_kept(page: Html, kept: kept_forms.KeptForm) -> Html:
    """The lesson page with the worksheet answers kept when this participant's session ended
    (``chalicelib.kept_forms``) in its boxes, not saved yet, and a notice that says so; or,
    for a kept sharing choice, a notice by the sharing button that it is not saved yet (only
    while it differs from what is saved: a choice made since, or already saved, needs none)."""
    stored = page.context.get("worksheet")
    if stored is None:
        return page
    if kept.kind == kept_forms.SHARING:
        choice = kept.fields.get("shared")
        # Sharing needs saved answers (the button is off without them).
        if choice not in ("0", "1") or (choice == "1") == stored.shared or not stored.updated_at:
            return page
        form = replace(stored, saved=False, sharing_kept=choice)
        return replace(page, context={**page.context, "worksheet": form})
    specs = [f.spec for f in stored.fields]
    answers = answers_from_form(specs, kept.fields)
    # Based on what the kept form was based on, not on what is saved now: a save made since
    # on another device is merged with these answers, never overwritten by a stale box.
    fields = tuple(
        replace(
            _typed(s, answers.get(str(s["id"]))),
            base=tuple(kept.fields.get(BASE_PREFIX + str(s["id"]), "").split()),
        )
        for s in specs
    )
    form = replace(
        stored,
        fields=fields,
        saved=False,
        errors=(),
        kept=True,
        based_on=kept.fields.get("based_on"),
    )
    return replace(page, context={**page.context, "worksheet": form})


def share(visit: Visit) -> Any:
    """POST /lesson/{code}/worksheet/sharing: share with my group leaders, or stop."""
    from chalicelib.web import reading_pages

    caller = visit.signed_in()
    svc = services.current()
    module_id = svc.library.module_for_code(visit.params.get("code", ""))
    locale = visit.form.get("locale") or DEFAULT_LOCALE
    svc.worksheets.share(caller, module_id, visit.form.get("shared") == "1")
    # Chosen: the choice kept when the session ended is of no more use.
    cookies = forget_saved_form(
        visit.cookies, caller.id, kept_forms.SHARING, visit.params.get("code", "")
    )
    return Redirect(
        reading_pages.lesson_path(module_id, locale) + "#worksheet-sharing", cookies=cookies
    )


def earlier_page(visit: Visit) -> Html:
    """GET /lesson/{code}/worksheet/earlier: the participant's own earlier saves of this
    lesson's worksheet, newest first (read only). Only ever the caller's: no leader page
    shows them. One Query, and the zone the times are shown in (``zone_of``)."""
    from chalicelib.web import reading_pages

    caller = visit.signed_in()
    svc = services.current()
    code = visit.params.get("code", "")
    module_id = svc.library.module_for_code(code)
    lang = visit.language()
    locale = reading_locale(visit)
    earlier = svc.worksheets.earlier(caller, module_id, locale)
    zone = svc.reminders.zone_of(caller)
    return Html(
        "worksheet_earlier.html",
        {
            "lang": lang,
            "zone": zone,
            "times_note": render.times_note(zone, lang),
            "earlier": earlier,
            "back": reading_pages.lesson_path(module_id, locale) + "#worksheet",
        },
    )
