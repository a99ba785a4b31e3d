"""The words of the web pages: every language has every word a template uses."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from chalicelib.errors import BadRequest
from chalicelib.web import render
from chalicelib.web.words import DAYS, MONTHS, WORDS, message

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


def test_an_error_is_shown_in_the_language_where_its_words_exist():
    error = BadRequest("The two passwords are not the same.", code="password_mismatch")

    assert message(error, "en") == "The two passwords are not the same."
    assert message(error, "es") == "Las dos contraseñas no son iguales."
    assert message(BadRequest("Something new.", code="new_code"), "es") == "Something new."


def test_dates_in_each_language():
    assert render.day("2026-11-24") == "Tue 24 Nov 2026"
    assert render.day("2026-11-24T10:00:00Z", "es") == "mar 24 nov 2026"
    assert all(len(MONTHS[lang]) == 12 and len(DAYS[lang]) == 7 for lang in WORDS)


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
    assert render.clock_time(stamp, lang, NEW_YORK) == shown
