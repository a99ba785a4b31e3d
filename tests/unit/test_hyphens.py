"""Soft hyphens in the catalog's titles (steady_content.hyphens): the grid's narrow column
headings break long words at a dictionary's break, never anywhere."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.vocabulary import LOCALES
from steady_content.hyphens import DICTIONARIES, SOFT_HYPHEN, soft_hyphenated


def test_long_words_get_breaks_and_short_ones_none() -> None:
    heading = soft_hyphenated("Communication skills for everyday life", "en")
    assert heading.split(" ")[0] == SOFT_HYPHEN.join(["Com", "mu", "ni", "ca", "tion"])
    assert heading.split(" ")[1:4] == ["skills", "for", "every\u00adday"]
    # At least 3 letters on each side of a break: "De-" is too short.
    assert soft_hyphenated("Depression basics", "en") == "Depres\u00adsion basics"


def test_spanish_titles_use_the_spanish_dictionary() -> None:
    heading = soft_hyphenated("Habilidades de comunicación", "es")
    assert heading == "Habi\u00adli\u00adda\u00addes de comu\u00adni\u00adca\u00adción"


def test_every_content_locale_has_a_dictionary() -> None:
    assert set(DICTIONARIES) == set(LOCALES)


def test_a_decomposed_accent_stays_in_its_word() -> None:
    decomposed = unicodedata.normalize("NFD", "comunicación")
    assert soft_hyphenated(decomposed, "es") == "comu\u00adni\u00adca\u00adción"


def test_a_locale_without_a_dictionary_keeps_the_title() -> None:
    assert soft_hyphenated("Communication", "fr") == "Communication"


@given(st.text(max_size=80), st.sampled_from(LOCALES))
def test_only_soft_hyphens_are_added_never_at_a_words_edge(title: str, locale: str) -> None:
    heading = soft_hyphenated(title, locale)
    composed = unicodedata.normalize("NFC", title)
    assert heading.replace(SOFT_HYPHEN, "") == composed.replace(SOFT_HYPHEN, "")
    for word in heading.split():
        parts = word.split(SOFT_HYPHEN)
        if len(parts) > 1 and SOFT_HYPHEN not in title:
            assert all(len(p) >= 3 for p in (parts[0], parts[-1])), word
