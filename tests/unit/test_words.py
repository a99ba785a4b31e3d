"""The words of the web pages: every language has every word a template uses."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from chalicelib.clock import clock_time, time_of_day
from chalicelib.errors import BadRequest
from chalicelib.library import MAX_QUERY_LENGTH
from chalicelib.web import render
from chalicelib.web.words import (
    DAYS,
    MONTHS,
    TYPED_FIELDS,
    WORDS,
    answer_error,
    message,
    refused_text,
)

USED = {
    key
    for template in render.TEMPLATES.glob("*.html")
    for key in re.findall(r"\bw\.([a-z_]+)", template.read_text(encoding="utf-8"))
}


def test_templates_use_words():
    assert {"need_help", "lifeline", "helpline", "complete", "sign_in"} <= USED


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_language_has_every_word_the_templates_use(lang):
    assert USED - set(WORDS[lang]) == set()


def test_every_language_has_the_same_words():
    plain = {
        lang: {k for k in words if not k.startswith("error_")} for lang, words in WORDS.items()
    }
    assert plain["es"] == plain["en"]


def test_a_completion_has_one_word_in_spanish():
    """Terminado: the button, the status, a track's progress; never also "completado"."""
    assert "terminado" in WORDS["es"]["complete"] and "terminado" in WORDS["es"]["ws_private"]
    mixed = {
        key: words
        for key, words in WORDS["es"].items()
        if re.search(r"\bcomplet(?:ad[oa]s?|[oóé]|ar|aron)\b", words, re.IGNORECASE)
    }
    assert mixed == {}


def test_participants_read_modules_never_lessons():
    """One word for one thing (PRODUCT.md): what a participant reads is a module ("módulo"),
    as on their group leader's pages; walk 12 found "Lessons found" and "Saving does not mark
    the module complete" on the same pages."""
    from chalicelib.plan import DOCUMENT_WORDS
    from chalicelib.plan_pdf import DATA_WORDS

    def texts(value: object) -> list[str]:
        # A table's words, with those grouped under one key ({"email": …, "sms": …}).
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        return [value] if isinstance(value, str) else []

    every = [w for table in (WORDS, DATA_WORDS, DOCUMENT_WORDS) for w in texts(table)]
    assert any("by text message" in w for w in every)  # the grouped words are read too
    lessons = [w for w in every if re.search(r"\b(lessons?|lecci[oó]n(es)?)\b", w, re.I)]
    assert lessons == []
    assert WORDS["en"]["lesson"] == "Module" and WORDS["es"]["lesson"] == "Módulo"


def test_an_error_is_shown_in_the_language_where_its_words_exist():
    error = BadRequest("Choose a new password.", code="password_is_temporary")

    assert message(error, "en") == (
        "That is the password you were given. Choose a new one that only you know."
    )
    assert message(error, "es") == (
        "Esa es la contraseña que le dieron. Elija una nueva que solo usted sepa."
    )
    assert message(BadRequest("Something new.", code="new_code"), "es") == "Something new."


def test_a_search_too_long_is_in_words_with_the_librarys_limit():
    """The library page shows it through ``message`` like any refusal (its limit: LIMITS)."""
    error = BadRequest("Search for at most 100 characters.", code="query_too_long")
    assert message(error, "en") == f"Search for at most {MAX_QUERY_LENGTH} characters."
    assert message(error, "es") == f"Busque con {MAX_QUERY_LENGTH} caracteres como máximo."


def test_dates_in_each_language():
    assert render.day("2026-11-24") == "Tue 24 Nov 2026"
    assert render.day("2026-11-24T10:00:00Z", "es") == "mar 24 nov 2026"
    assert all(len(MONTHS[lang]) == 12 and len(DAYS[lang]) == 7 for lang in WORDS)


@pytest.mark.parametrize(
    ("field", "lang", "limit", "expected"),
    [
        ("username", "en", None, "Username: has a character that cannot be saved."),
        ("username", "es", None, "Nombre de usuario: tiene un carácter que no se puede guardar."),
        ("answer-urge-in-body", "es", None, "Una de sus respuestas: tiene un carácter"),
        (
            "plan-3-text",
            "en",
            4096,
            "One of the items in your plan: is longer than 4096 characters.",
        ),
        ("display_name", "en", None, "Name shown to you: has a character"),
        ("version", "en", None, "Something sent with this form has a character"),
        ("", "es", 4096, "Algo enviado con este formulario tiene más de 4096 caracteres."),
    ],
)
def test_refused_form_text_is_named_by_the_label_on_the_form(field, lang, limit, expected):
    assert refused_text(field, lang, limit).startswith(expected)
    assert field not in refused_text(field, lang, limit) or field == ""


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_typed_field_has_its_label_in_every_language(lang):
    assert set(TYPED_FIELDS.values()) <= set(WORDS[lang])


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("18:00", "en", "6:00 pm"),
        ("07:45", "en", "7:45 am"),
        ("00:00", "en", "12:00 am"),
        ("00:15", "en", "12:15 am"),
        ("12:00", "en", "12:00 pm"),
        ("12:30", "en", "12:30 pm"),
        ("23:45", "en", "11:45 pm"),
        ("18:00", "es", "18:00"),
        ("07:45", "es", "07:45"),
        ("", "en", ""),
        (None, "en", ""),
        ("24:00", "en", "24:00"),
        ("7", "en", "7"),
        ("１８:００", "en", "１８:００"),
    ],
)
def test_times_of_day_in_each_language(value, lang, shown):
    """US English reads a 12-hour clock, Spanish the 24-hour one (reminder times)."""
    assert time_of_day(value, lang) == shown


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("stamp", "lang", "shown"),
    [
        # A stored time is the day it was in the program's time zone: 03:46 UTC on the 27th
        # is the evening of Thursday the 26th in New York.
        ("2026-11-27T03:46:00Z", "en", "Thu 26 Nov 2026"),
        ("2026-11-27T03:46:00.123456Z", "es", "jue 26 nov 2026"),
        ("2026-11-27T03:46:00+00:00", "en", "Thu 26 Nov 2026"),
        ("2026-11-27T15:00:00Z", "en", "Fri 27 Nov 2026"),
        # A date alone (due, session) is a program day already: it stays as it is.
        ("2026-11-27", "en", "Fri 27 Nov 2026"),
        ("", "en", ""),
        ("not a date", "en", "not a date"),
    ],
)
def test_a_stored_time_is_shown_on_the_programs_calendar(stamp, lang, shown):
    assert render.day(stamp, lang, NEW_YORK) == shown


@pytest.mark.parametrize(
    ("stamp", "lang", "shown"),
    [
        ("2026-11-27T01:46:00Z", "en", "8:46 pm"),  # English pages read a 12-hour clock
        ("2026-11-27T01:46:00Z", "es", "20:46"),  # Spanish ones the 24-hour clock
        ("2026-11-27T05:05:00Z", "en", "12:05 am"),
        ("2026-11-27T17:00:00Z", "en", "12:00 pm"),
        ("2026-11-27T14:07:00Z", "es", "09:07"),
        ("2026-11-27", "en", ""),  # a date has no time of day
        ("nonsense", "en", ""),
    ],
)
def test_a_stored_time_of_day_is_the_programs_local_time(stamp, lang, shown):
    assert clock_time(stamp, lang, NEW_YORK) == shown


def test_a_refused_answer_marks_a_label_in_another_language_and_escapes_what_was_typed():
    """An English worksheet on a Spanish page: the label is said in English (``lang="en"``);
    on a page in the label's own language nothing is marked. Typed words stay text."""
    error = BadRequest("bad phone", code="invalid_contact_phone")
    spanish = answer_error(error, "es", "People I can call", 2, "<b>Ann</b>", True, "", False, "en")
    assert spanish.startswith('<span lang="en">People I can call</span>: el teléfono de ')
    assert "&lt;b&gt;Ann&lt;/b&gt;" in spanish and "<b>" not in spanish
    english = answer_error(error, "en", "People I can call", 2, "Ann", True, "", False, "en")
    assert english.startswith("People I can call: the phone number for “Ann” ")
    assert "lang=" not in answer_error(error, "es", "Personas", 2, "Ann", True, label_lang="es")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_crisis_line_has_one_name_on_every_page_and_in_the_plan(lang: str) -> None:
    """Walk 21, 17: the Spanish banner said "988 Línea de Prevención…", the plan's PDF "Línea
    988 de Prevención…": one line, two names."""
    from chalicelib.plan import DOCUMENT_WORDS
    from chalicelib.web.words import WORDS

    name = WORDS[lang]["lifeline"].replace("&amp;", "&").split(":")[0]
    assert name in DOCUMENT_WORDS[lang]["crisis"]
