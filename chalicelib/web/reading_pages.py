"""A participant's pages: home (what to read next), the library, a lesson with its knowledge
check, and quick exit.

Each page parses its input, calls one use case (``Reading.my_reading``, ``Reading.search``,
``Reading.lesson``, ``Reading.complete_chosen``, ``Reading.retake_chosen``) and formats the
answer. Lessons live at
``/lesson/<code>`` (``library.lesson_code``), so an address left in a shared phone's history
names no topic; the old ``/read/<module-id>`` addresses redirect there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta, tzinfo
from typing import Any
from urllib.parse import quote, urlencode

from chalicelib import kept_forms, logs, services
from chalicelib import sign_in as session
from chalicelib.errors import BadRequest, Conflict, NotFound, SteadyError
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.library import (
    DEFAULT_LOCALE,
    IN_TEXT,
    MAX_QUERY_LENGTH,
    TOPICS,
    Found,
    check_module_id,
    lesson_code,
    query_words,
    topic_code,
    topic_of,
)
from chalicelib.reading import LibrarySearch, ModuleReading, MyAssignment
from chalicelib.statuses import NOT_STARTED
from chalicelib.text import ascii_digits
from chalicelib.web import render, search_token, words, worksheet_pages
from chalicelib.web.http import (
    KEPT_FORM_COOKIE,
    Asset,
    Html,
    Redirect,
    Visit,
    expired_kept_form_cookie,
    forget_saved_form,
    leaving_cookies,
)
from chalicelib.web.pages import ICONS, SHEET_ICONS, reading_locale
from chalicelib.web.words import MONTHS, WORDS
from chalicelib.web.words import WEEKDAYS as DAY_NAMES

HOME = "/"
LIBRARY = "/library"
EXIT = "/exit"


def lesson_path(module_id: str, locale: str = DEFAULT_LOCALE) -> str:
    suffix = f"?locale={locale}" if locale != DEFAULT_LOCALE else ""
    return f"/lesson/{lesson_code(module_id)}{suffix}"


def _soon(iso: str, today: str) -> str | None:
    """``"today"`` or ``"tomorrow"`` for a date that is (``today``: the calendar day the
    statuses use, so "Due today" and "Overdue" never disagree), else ``None``."""
    try:
        first = date.fromisoformat(today)
    except ValueError:
        return None
    if iso == today:
        return "today"
    return "tomorrow" if iso == (first + timedelta(days=1)).isoformat() else None


def _session_day(day: date, lang: str) -> dict[str, str]:
    """A group session's day as home's lines name it: "Tuesday", "1 Dec"."""
    return {
        "weekday": DAY_NAMES[lang][day.weekday()],
        "date": f"{day.day} {MONTHS[lang][day.month - 1]}",
    }


def before_session(iso: str | None, today: str, lang: str) -> str:
    """ "Read before Tuesday's group, 1 Dec" for a session date still to come ("" otherwise);
    "Read before today's group" / "tomorrow's group" when it is that near (walk 15, problem
    16: on the day itself nothing said "today")."""
    if not iso or iso < today:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return ""
    soon = _soon(iso, today)
    if soon is not None:
        return WORDS[lang][f"before_group_{soon}"]
    return WORDS[lang]["before_group"].format(**_session_day(day, lang))


def catch_up_line(row: MyAssignment, today: str, lang: str) -> str:
    """For a module still to read with no due date for them whose group session has passed
    (they joined after it, or it was assigned after it): "To catch up: the group read this for
    its session on Tuesday, 17 Nov", not "No due date" (walk 21, 1: a late joiner's first four
    lessons of a track sat at the bottom of home saying only that). "" otherwise."""
    iso = row.session_date
    if row.due_date or not row.to_read or row.group_archived or not iso or iso >= today:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return ""
    return WORDS[lang]["catch_up"].format(**_session_day(day, lang))


def due_line(iso: str | None, today: str, lang: str) -> str:
    """ "Due today", "Due tomorrow", else "Due Tue 24 Nov 2026"; "No due date" for none."""
    words = WORDS[lang]
    if not iso:
        return str(words["no_due"])
    soon = _soon(iso, today)
    if soon is not None:
        return str(words[f"due_{soon}"])
    return f"{words['due']} {render.day(iso, lang)}"


def _worksheet_line(row: MyAssignment, href: str, lang: str) -> dict[str, Any] | None:
    """The card's worksheet line: "Worksheet: 2 of 4 answered" (or "not started" on a finished
    module), linked to the
    worksheet on the lesson page; ``open`` on a finished module whose worksheet is not complete
    (the card makes it seen: its answers make the plan). Nothing where home has nothing to say
    (no worksheet, or how far it is is unknown)."""
    progress = row.worksheet
    # On a module not finished yet, "not started" says nothing the card does not: a long To
    # do list would repeat it on every card.
    if progress is None or not (progress.started or row.status.done):
        return None
    words = WORDS[lang]
    text = (
        words["home_ws_progress"].format(n=progress.answered, total=progress.fields)
        if progress.started
        else words["home_ws_not_started"]
    )
    return {
        "href": href + "#worksheet",
        "text": text,
        "open": row.status.done and not progress.complete,
    }


def _card(row: MyAssignment, today: str, lang: str, zone: tzinfo) -> dict[str, Any]:
    """``zone``: the program's, in which the day a module was completed is shown (the day the
    lesson page, the leader's grid and the due dates go by)."""
    status = row.status.status
    completed_at = row.status.completed_at if row.status.done else None
    href = lesson_path(row.module_id, lang if row.locale == lang else DEFAULT_LOCALE)
    # Not completed, but its worksheet has saved answers: "Started", not "Not started" beside
    # "Worksheet: 2 of 4 answered" (walk 21, 12). The status itself (grid, CSV, API) is the same.
    started = status == NOT_STARTED and row.worksheet is not None and row.worksheet.started
    return {
        "href": href,
        "worksheet": _worksheet_line(row, href, lang),
        "title": row.title,
        "locale": row.locale,
        "due_date": row.due_date,
        "due": catch_up_line(row, today, lang) or due_line(row.due_date, today, lang),
        # Due on the session's day, not today or tomorrow: "Read before Tuesday's group, 8 Dec"
        # says it, and "Due Tue 8 Dec 2026" beside it only repeats it (walk 20, phone, 11).
        "due_on_session": bool(row.due_date)
        and row.due_date == row.session_date
        and _soon(row.due_date or "", today) is None,
        "minutes": row.reading_minutes,
        # An archived group meets no more: no "read before Tuesday's group".
        "before": "" if row.group_archived else before_session(row.session_date, today, lang),
        "status": status,
        "icon": SHEET_ICONS["started"] if started else ICONS.get(status, ""),
        "text": WORDS[lang]["status_started" if started else f"status_{status}"],
        "done_on": (
            WORDS[lang]["done_on"].format(day=render.day(completed_at, lang, zone))
            if completed_at
            else ""
        ),
    }


def _zone_note(
    cards: Iterable[Mapping[str, Any]], own: tzinfo | None, program: tzinfo, lang: str
) -> str:
    """Home's line on whose calendar its days are (``render.zone_note``): about due dates where
    a card has one, else about the days modules were done; nothing where no card has a day."""
    shown = list(cards)
    if any(c["due_date"] for c in shown):
        return render.zone_note("due_zone_note", own, program, lang)
    if any(c["done_on"] for c in shown):
        return render.zone_note("days_zone_note", own, program, lang)
    return ""


# -- home and library ------------------------------------------------------------------------


def home(visit: Visit) -> Any:
    caller = visit.signed_in()
    if PARTICIPANTS not in caller.roles:
        return library_page(visit)  # nothing is assigned to anyone else
    lang = reading_locale(visit)
    program = services.current().clock.zone
    mine = services.current().reading.my_reading(caller, lang, with_worksheets=True)
    cards = {row.module_id: _card(row, mine.today, lang, program) for row in mine.assignments}
    next_up = mine.next_up
    finished = [cards[r.module_id] for r in mine.finished]
    open_sheets = sum(1 for c in finished if c["worksheet"] and c["worksheet"]["open"])
    return Html(
        "home.html",
        {
            "lang": lang,
            "next_up": cards[next_up.module_id] if next_up else None,
            "later": [
                cards[r.module_id]
                for r in mine.to_do
                if next_up is None or r.module_id != next_up.module_id
            ],
            "finished": finished,
            # Said beside "Finished (n)", so that it is seen while the list is folded.
            "to_finish": (
                ""
                if not open_sheets
                else WORDS[lang]["home_ws_to_finish_one"]
                if open_sheets == 1
                else WORDS[lang]["home_ws_to_finish"].format(n=open_sheets)
            ),
            "tracks": mine.tracks,
            "assigned_any": mine.assigned_now,
            # Due dates (and the days modules were done) are the program's days: said once
            # where the participant's own zone is another.
            "zone_note": _zone_note(cards.values(), mine.zone, program, lang),
            # After their last group: "You have left your group…" from that day, not only in
            # the last month (``http.access_ends``).
            "left_group": True,
        },
    )


def library_page(visit: Visit) -> Html:
    """GET /library[?topic=<code>][&s=<token>]: every lesson, or one topic's; with ``s``, the
    lessons found for the words sealed in it (``search_token``), which open only in the session
    that searched. A token that does not open is no search, without a word about it. A ``q``
    in an old address is not read: search words never come in an address in the clear."""
    token = visit.query.get("s")
    query = ""
    if token:
        query = search_token.unseal(token, visit.session.csrf if visit.session else None) or ""
    return _library(visit, reading_locale(visit), visit.query.get("topic") or None, query)


def library_search(visit: Visit) -> Html | Redirect:
    """POST /library (q, topic, locale, csrf): on to the results' own address (303,
    Post/Redirect/Get), ``/library?topic=<code>&s=<token>``, with the words sealed in the token
    and readable nowhere in it. Back and refresh open it again without sending the form (every
    page is no-store, for quick exit: Back to a posted page would be the browser's "confirm form
    resubmission"). Words longer than the search takes: the error, on this response."""
    visit.signed_in()
    asked = visit.form.get("locale")
    lang = asked if asked in WORDS else reading_locale(visit)
    topic = visit.form.get("topic") or None
    query = visit.form.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:  # only an edited form: the box's maxlength is the limit
        return _library(visit, lang, topic, query)
    known = topic_of(topic) if topic else None
    # A topic the library does not have (an edited form) goes along with the words, so the
    # results page says every topic was searched; without words there is nothing to search.
    shown = topic_code(known) if known else (topic if topic and query_words(query) else None)
    return Redirect(_results_address(visit, lang, shown, query))


def _results_address(visit: Visit, lang: str, topic: str | None, query: str) -> str:
    """The address of a search's results: ``/library?topic=<code>&s=<token>``, the words
    sealed for this session (``search_token``), never in the clear."""
    address = {"topic": topic} if topic else {}
    # Only words are searched for: a query of spaces, emoji or signs alone is no search (it
    # found every module, "Modules found: 48", walk 20 phone, 7), as an empty one is not.
    if query_words(query):
        address["s"] = search_token.seal(query, visit.csrf_token)
    if lang != DEFAULT_LOCALE:
        address["locale"] = lang
    return LIBRARY + ("?" + urlencode(address) if address else "")


def _library(visit: Visit, lang: str, topic_value: str | None, query: str) -> Html:
    caller = visit.signed_in()
    topic = topic_of(topic_value) if topic_value else None
    # A topic the library does not have (an old bookmark, a changed address): every topic,
    # with a word about it, rather than an error about a field the reader never typed.
    unknown_topic = topic_value is not None and topic is None
    errors: list[tuple[str, str]] = []
    try:
        searched = services.current().reading.search(caller, lang, topic, query)
    except BadRequest as error:
        # The search box's maxlength is the same limit: only an edited address is too long.
        errors.append(("q", words.message(error, lang)))
        searched = LibrarySearch((), {})
    found = searched.modules
    # "Did you mean: cravings?": a link to that search, its words sealed like the form's.
    suggestion = None
    if searched.suggestion:
        href = _results_address(
            visit, lang, topic_code(topic) if topic else None, searched.suggestion
        )
        suggestion = {"words": searched.suggestion, "href": href}
    # Nothing in this topic, but the words are in others (a walk-through on a phone: "relapse"
    # in Life skills said only "No module matches"): how many, and a link to that search in
    # every topic, the words sealed like the form's and no topic in the address.
    elsewhere = None
    if searched.elsewhere and topic:
        key = "elsewhere_one" if searched.elsewhere == 1 else "elsewhere"
        elsewhere = {
            "words": WORDS[lang][key].format(n=searched.elsewhere),
            "href": _results_address(visit, lang, None, query),
        }

    def done(module_id: str) -> dict[str, str] | None:
        """A lesson the participant completed: its status as an icon and words."""
        status = searched.completed.get(module_id)
        if status is None:
            return None
        return {
            "icon": ICONS.get(status.status, ""),
            "text": WORDS[lang][f"status_{status.status}"],
        }

    def card(f: Found, topic_label: str | None = None) -> dict[str, Any]:
        return {
            **f.module,
            "href": lesson_path(f.module["id"], f.module["locale"]),
            # The card shows the title and summary: say why the others are here.
            "in_text": f.found_in == IN_TEXT,
            "done": done(f.module["id"]),
            "topic_label": topic_label,
        }

    groups: list[dict[str, Any]]
    if query_words(query):
        # Words searched for: one list in the search's order (title matches, then summary,
        # then text), each card naming its topic, rather than the best match under its topic.
        groups = [
            {
                "label": None,
                "modules": [card(f, WORDS[lang].get(f"topic_{f.module['topic']}")) for f in found],
            }
        ]
    else:
        groups = [
            {
                "label": WORDS[lang][f"topic_{t}"],
                "modules": [card(f) for f in found if f.module["topic"] == t],
            }
            for t in TOPICS
        ]
    return Html(
        "library.html",
        {
            "lang": lang,
            "errors": errors,
            "query": query,
            "max_query": MAX_QUERY_LENGTH,
            "topic": topic_code(topic) if topic else "",
            "unknown_topic": unknown_topic,
            "topics": [(topic_code(t), WORDS[lang][f"topic_{t}"]) for t in TOPICS],
            "groups": [g for g in groups if g["modules"]],
            "count": len(found),
            "searched": bool(query_words(query) or topic),
            "suggestion": suggestion,
            "elsewhere": elsewhere,
        },
        status=400 if errors else 200,
    )


# -- a lesson --------------------------------------------------------------------------------


def _module_for(visit: Visit) -> str:
    return services.current().library.module_for_code(visit.params["code"])


def old_address(visit: Visit) -> Redirect:
    """``/read/<module-id>``, the address before lesson codes: the lesson's address now."""
    visit.signed_in()
    try:
        module_id = check_module_id(visit.params["module_id"])
    except BadRequest:
        raise NotFound("There is no such module.", code="module_not_found") from None
    locale = visit.query.get("locale")
    return Redirect(lesson_path(module_id, locale if locale in WORDS else DEFAULT_LOCALE))


def lesson_page(visit: Visit) -> Html:
    caller = visit.signed_in()
    page = lesson_view(caller, _module_for(visit), reading_locale(visit), visit.query)
    kept_id = visit.cookies.get(KEPT_FORM_COOKIE)
    reading = page.context["reading"]
    if kept_id and ("worksheet" in page.context or reading.can_complete or reading.can_retake):
        # Answers kept when the session ended (``chalicelib.kept_forms``): one GetItem, only
        # while the cookie names some.
        return _with_kept(page, kept_id, caller, visit.params.get("code", ""))
    return page


def _with_kept(page: Html, kept_id: str, caller: Caller, code: str) -> Html:
    """The lesson page with what was kept for this lesson when this participant's session
    ended filled in, not sent yet, with a notice saying so: the worksheet's answers or its
    sharing choice (``worksheet_pages.with_kept``), or the knowledge check's chosen answers
    (unless it was completed meanwhile), or those of a retake (the "Try the questions again"
    form, on its own without the last try's feedback, with the next attempt number as it is
    now). Nothing kept for this person (used, expired, another person's): the page as it is,
    and the cookie goes. Kept for another lesson or page: the page as it is."""
    try:
        kept = kept_forms.find(kept_id, caller.id)
    except SteadyError:  # not readable now: the lesson all the same; the cookie stays
        logs.event("web_kept_form_not_read", logging.WARNING)
        return page
    if kept is None:
        return replace(page, cookies=page.cookies + (expired_kept_form_cookie(),))
    if kept.target != code:
        return page
    if kept.kind in (kept_forms.WORKSHEET, kept_forms.SHARING):
        return worksheet_pages.with_kept(page, kept)
    chosen = {f"q{i}": v for i, v in _chosen(kept.fields).items()}
    if kept.kind == kept_forms.CHECK and page.context["reading"].can_complete:
        if any(k.startswith(worksheet_pages.PREFIX) and v for k, v in kept.fields.items()):
            # "Mark as complete" sends the worksheet form: its answers were kept too.
            page = worksheet_pages.with_kept(page, kept)
        return replace(page, context={**page.context, "chosen": chosen, "check_kept": True})
    if kept.kind == kept_forms.RETAKE and page.context["reading"].can_retake:
        if any(k.startswith(worksheet_pages.PREFIX) and v for k, v in kept.fields.items()):
            page = worksheet_pages.with_kept(page, kept)
        kept_context = {"chosen": chosen, "retake_kept": True, "retaking": True}
        return replace(page, context={**page.context, **kept_context})
    return page


# Where on the lesson page each kind of kept form is (``kept_address``).
KEPT_ANCHORS = {
    kept_forms.WORKSHEET: "#worksheet",
    kept_forms.SHARING: "#worksheet-sharing",
    kept_forms.CHECK: "#complete",
    kept_forms.RETAKE: "#retake",
}


def kept_address(kept: kept_forms.KeptForm) -> str:
    """The lesson page where a kept worksheet, sharing choice, knowledge check or retake is
    shown again (this site's own path: the code is quoted whole), at that form, in the language
    of the version it was filled in."""
    locale = kept.fields.get("locale", "")
    suffix = f"?locale={locale}" if locale in WORDS and locale != DEFAULT_LOCALE else ""
    anchor = KEPT_ANCHORS.get(kept.kind, "#complete")
    return f"/lesson/{quote(kept.target, safe='')}{suffix}{anchor}"


def form_page_language(visit: Visit) -> str:
    """The language of the lesson page a lesson's form was sent from. The form's ``locale``
    is the language of the version read: a Spanish one was read on a Spanish page; an English
    one on a page in the language chosen (a lesson with no Spanish version yet is shown in
    English on a Spanish page)."""
    locale = visit.form.get("locale")
    if locale in WORDS and locale != DEFAULT_LOCALE:
        return str(locale)
    return replace(visit, form={}).language()


RETAKE_QUERY = "retake"  # ``?retake=1``: the lesson page answering its check again
ANSWERED_QUERY = "answered"  # ``?answered=elsewhere``: sent after another window's answers
ELSEWHERE = "elsewhere"


def lesson_context(reading: ModuleReading) -> dict[str, Any]:
    """What the lesson page's template (``module.html``) reads besides ``render.page_context``
    and the worksheet (``worksheet_pages.worksheet_context``): the lesson of ``reading``, and
    every other variable at its value on a page with nothing of its own there (no other
    language, no next lesson, no errors, no retake, no kept answers, nowhere to send its forms).

    The lesson page (``lesson_view``) and ``steady-content preview`` both start from it, so a
    variable new to the template gets its default here, once (tests/unit/test_lesson_context.py
    fails for one without)."""
    return {
        "module": reading.document,
        "reading": reading,
        "body": render.markup(reading.document.get("html", "")),
        # The text below the worksheet form, where publishing cut it (``lesson_text``).
        "body_after": None,
        "worksheet_toc_at": None,
        # Where its forms go: nowhere, until the page says.
        "action": "#",
        "retake_action": "#",
        "lesson_base": "#",
        "here": "#",
        "retake_href": "#",
        "retaking": False,
        "answered_elsewhere": False,
        "switch": None,
        "save_switch": None,
        "next_up": None,
        "zone_note": "",
        # The form sent back with its mistakes (``_again``) and answers kept at sign-out
        # (``_with_kept``).
        "errors": [],
        "chosen": {},
        "question_errors": {},
        "check_kept": False,
        "retake_kept": False,
    }


def lesson_view(
    caller: Caller,
    module_id: str,
    lang: str,
    query: Mapping[str, str],
    retaking: bool = False,
) -> Html:
    """The lesson page in ``lang``: the text, the knowledge check or its feedback, the
    worksheet. A lesson with no version in ``lang`` is read in English on a page that stays
    in ``lang`` (the template marks the English parts and says why).

    Answering the check again is a state of the page of its own (``retaking``, or
    ``?retake=1``: the link under the feedback): the questions without the last try's feedback,
    which names the right answers beside them (walk 15, problem 10), and a line saying the
    lesson can be read again first. ``?answered=elsewhere``: "Mark as complete", or "Check my
    answers" on a retake, was sent after another window's answers were recorded (for the same
    try); the feedback is of those, and says so."""
    svc = services.current()
    lesson = svc.reading.lesson(caller, module_id, lang)
    reading = lesson.reading
    # Offer the other language: English always exists; a translation only where published.
    # Not while the lesson is not in the page's language: there is no other version to offer.
    other = WORDS[lang]["switch_lang"]
    # The other language has this lesson (English always does). Asked only on a page in the
    # language of the lesson's version: a Spanish page showing the English version is the one
    # case where the other language is English anyway.
    other_has_it = other == DEFAULT_LOCALE or (
        reading.locale == lang
        and any(
            m["id"] == module_id and m["locale"] == other for m in svc.library.catalog(locale=other)
        )
    )
    translated = reading.locale == lang and other_has_it
    next_up = reading.next_up
    here = lesson_path(module_id, lang)
    retaking = reading.can_retake and (retaking or query.get(RETAKE_QUERY) == "1")
    worksheet = worksheet_pages.worksheet_context(lesson.worksheet, query)
    return Html(
        "module.html",
        {
            **lesson_context(reading),
            "lang": lang,
            "action": f"/lesson/{lesson_code(module_id)}/complete",
            "retake_action": f"/lesson/{lesson_code(module_id)}/attempts",
            "lesson_base": f"/lesson/{lesson_code(module_id)}",
            "here": here,
            "retake_href": here + ("&" if "?" in here else "?") + f"{RETAKE_QUERY}=1#retake",
            "retaking": retaking,
            "answered_elsewhere": not retaking and query.get(ANSWERED_QUERY) == ELSEWHERE,
            # Always name the language: the browser may ask for the other one.
            "switch": f"/lesson/{lesson_code(module_id)}?locale={other}" if translated else None,
            # The worksheet's "Save and read in …" button (walk 15, 19.13: the language link
            # drops what was typed in the worksheet): the language it goes on in, where the
            # lesson is in that language.
            "save_switch": other if other_has_it else None,
            # The worksheet form goes right after the "Try this" box, inside the text.
            **worksheet_pages.lesson_text(reading.document, bool(worksheet)),
            "next_up": {
                "href": lesson_path(next_up.module_id, next_up.locale),
                "title": next_up.title,
                "locale": next_up.locale,
            }
            if next_up
            else None,
            # The day they completed it is a program day, as due dates and the leader's grid
            # have it (the page's ``zone``); said when their own zone is another.
            "zone_note": render.zone_note("days_zone_note", lesson.zone, svc.clock.zone, lang),
            **worksheet,
        },
    )


def _chosen(form: Mapping[str, str]) -> dict[int, str]:
    # The form names the choice of question n "q{n}".
    return {
        int(name[1:]): value
        for name, value in form.items()
        if name.startswith("q") and name[1:].isascii() and name[1:].isdigit() and len(name) < 6
    }


def _again(
    view: Html,
    errors: list[tuple[str, str]],
    chosen: Mapping[int, str],
    status: int,
    beside: Mapping[str, str] | None = None,
) -> Html:
    """The lesson page again with the answers kept, an error summary (``errors``) and each
    question's own error beside it (``beside``, by the id of its first choice)."""
    kept = {f"q{i}": v for i, v in chosen.items()}
    context = {
        **view.context,
        "errors": errors,
        "chosen": kept,
        "question_errors": dict(beside or {}),
    }
    return Html(view.template, context, status=status)


def _missing_answers(
    view: Html, chosen: Mapping[int, str], error: BadRequest
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The questions left unanswered or answered with a choice they do not have: one line
    for the error summary naming them all ("Choose an answer for questions 2 and 3."), linked
    to the first, and each one's own line beside it."""
    lang = view.context["lang"]
    questions = view.context["reading"].questions

    def answered(i: int) -> bool:
        value = chosen.get(i, "")
        return ascii_digits(value) and int(value) < len(questions[i]["choices"])

    missing = [i for i in range(len(questions)) if not answered(i)]
    if not missing:
        return [("q0-0", words.message(error, lang))], {"q0-0": words.message(error, lang)}
    beside = {f"q{i}-0": WORDS[lang]["answer_question"].format(n=i + 1) for i in missing}
    summary = beside[f"q{missing[0]}-0"]
    if len(missing) > 1:
        numbers = [str(i + 1) for i in missing]
        listed = ", ".join(numbers[:-1]) + WORDS[lang]["list_and"] + numbers[-1]
        summary = WORDS[lang]["answer_questions"].format(numbers=listed)
    return [(f"q{missing[0]}-0", summary)], beside


def complete(visit: Visit) -> Any:
    caller = visit.signed_in()
    module_id = _module_for(visit)
    locale = visit.form.get("locale") or DEFAULT_LOCALE
    chosen = _chosen(visit.form)
    sheet = _save_worksheet_sent(visit, caller, module_id, chosen, retaking=False)
    if isinstance(sheet, Html):
        return sheet
    forgotten = sheet
    try:
        recorded = services.current().reading.complete_chosen(
            caller, module_id, visit.form.get("version", ""), chosen, locale
        )
    except BadRequest as error:
        if error.code != "invalid_answers":
            raise
        # A partly answered check: the same page, the answers kept, each missing one named.
        view = lesson_view(caller, module_id, form_page_language(visit), {})
        summary, beside = _missing_answers(view, chosen, error)
        return _again(view, summary, chosen, 400, beside)
    # Completed: the answers kept when the session ended are of no more use.
    cookies = forgotten + forget_saved_form(
        visit.cookies, caller.id, kept_forms.CHECK, visit.params.get("code", "")
    )
    address = lesson_path(module_id, locale)
    if recorded.answered_elsewhere:
        # Another window's answers were recorded first: the feedback is of those; say so.
        address += ("&" if "?" in address else "?") + f"{ANSWERED_QUERY}={ELSEWHERE}"
    return Redirect(address + "#complete", cookies=cookies)


def _save_worksheet_sent(
    visit: Visit, caller: Caller, module_id: str, chosen: dict[int, str], retaking: bool
) -> Html | tuple[str, ...]:
    """The worksheet form's answers, when the check's form was that form ("Mark as complete",
    or "Check my answers" on a retake: their buttons and choices are the worksheet form's),
    saved first, so what was typed there and not saved is not lost (walk 20, phone, problem
    1). Typed into or not: answers all as saved write nothing. The cookies that forget a
    worksheet kept when the session ended; or, refused or changed elsewhere, the page with
    the form as typed and the check's choices kept too."""
    if not any(name.startswith(worksheet_pages.PREFIX) for name in visit.form):
        return ()
    sheet = worksheet_pages.save_from_form(
        visit, caller, module_id, only_if_changed=True, retaking=retaking
    )
    if isinstance(sheet, Html):
        return Html(
            sheet.template,
            {**sheet.context, "chosen": {f"q{i}": v for i, v in chosen.items()}},
            status=sheet.status,
        )
    return forget_saved_form(
        visit.cookies, caller.id, kept_forms.WORKSHEET, visit.params.get("code", "")
    )


def retake(visit: Visit) -> Any:
    """Answer the knowledge check of a completed lesson again. The form carries the next
    attempt number, so sending it twice (a double tap, a retry) records it once; other answers
    for an attempt another window recorded first land on that window's feedback, saying so.
    Where the lesson has a worksheet, the form is the worksheet form: its answers are saved
    first."""
    caller = visit.signed_in()
    module_id = _module_for(visit)
    locale = visit.form.get("locale") or DEFAULT_LOCALE
    chosen = _chosen(visit.form)
    sheet = _save_worksheet_sent(visit, caller, module_id, chosen, retaking=True)
    if isinstance(sheet, Html):
        return sheet
    try:
        retaken = services.current().reading.retake_chosen(
            caller,
            module_id,
            visit.form.get("version", ""),
            visit.form.get("attempt", ""),
            chosen,
            locale,
        )
    except BadRequest as error:
        if error.code != "invalid_answers":
            raise
        # Every question needs an answer this time: the same page, the answers kept.
        view = lesson_view(caller, module_id, form_page_language(visit), {}, retaking=True)
        summary, beside = _missing_answers(view, chosen, error)
        return _again(view, summary, chosen, 400, beside)
    except Conflict as error:
        if error.code != "attempt_out_of_order":
            raise
        # Answered again from another page meanwhile: this form again (the answers kept) with
        # the next attempt number; the latest result is a link away, not beside it.
        view = lesson_view(caller, module_id, form_page_language(visit), {}, retaking=True)
        errors = [("retake", words.message(error, view.context["lang"]))]
        return _again(view, errors, chosen, 409)
    # Answered: the answers kept when the session ended are of no more use.
    cookies = sheet + forget_saved_form(
        visit.cookies, caller.id, kept_forms.RETAKE, visit.params.get("code", "")
    )
    address = lesson_path(module_id, locale)
    if retaken.answered_elsewhere:
        # Another window sent this attempt first, with other answers: the feedback is of
        # those, and says so. Not recorded as the next attempt: a resend of this form could
        # not be told from a new try, and would count twice; the questions are a link away.
        address += ("&" if "?" in address else "?") + f"{ANSWERED_QUERY}={ELSEWHERE}"
    return Redirect(address + "#complete", cookies=cookies)


# -- quick exit and the browser's icon ---------------------------------------------------------


def quick_exit(visit: Visit) -> Redirect:
    """End the session here (a plain link: works without JavaScript, signed in or not) and go
    to a neutral site. The session cookie goes too, and every page is ``no-store``, so Back
    brings up only the sign-in page. What this browser kept of the visit goes too, as at
    sign-out (``http.leaving_cookies``): a form or page kept when a session ended, and the
    language chosen, so that whoever opens Steady next on this phone meets a sign-in page in
    their own browser's language, with nothing of the last person's on it. (A participant's
    own choice is kept with their account: their next sign-in is in it.) No notice: the way
    out is to a neutral site, and stays so."""
    if visit.session is not None:
        try:
            session.sign_out(visit.session)
        except SteadyError:
            pass  # the cookie is cleared below either way; leaving must never fail
    return Redirect(render.QUICK_EXIT, cookies=leaving_cookies(visit.cookies))


def favicon(visit: Visit) -> Asset:
    # No icon: an empty answer the browser may keep for a day (a tab icon could give the site away).
    return Asset("", "image/x-icon", "public, max-age=86400", status=204)
