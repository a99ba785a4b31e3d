"""The words of a module's text that the catalog carries for the library search
(steady_content.search_words): folded, each once, and none inside another, so they find
exactly what the whole text would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.library import IN_TEXT, IN_TITLE, TEXT_WORDS, Searchable, folded, query_words
from steady_content.search_words import WORD, text_of, text_words, words_of

# "5-4-3-2-1" as the lessons write it: with U+2011, the non-breaking hyphen, so a phone never
# breaks it across two lines ("Haga una vuelta de 5-4-3-2-" / "1.", walk 21).
NON_BREAKING = "5\u20114\u20113\u20112\u20111"


def test_words_are_folded_sorted_and_each_kept_once() -> None:
    assert (
        words_of("Breathe out. BREATHE in. Ansiedad y ánimo") == "animo ansiedad breathe in out y"
    )


def test_a_word_inside_a_longer_one_is_left_out() -> None:
    # "breath" and "in" are found inside "breathing"; "urge" inside "urges".
    assert words_of("breath, breathing, urge, urges, in") == "breathing urges"


def test_hyphens_and_apostrophes_stay_inside_a_word() -> None:
    assert words_of("A 12-step group. Don't. Call 1-800-662-4357.") == (
        "1-800-662-4357 12-step call don't group"
    )


def test_non_breaking_hyphens_fold_to_the_hyphen_a_participant_types() -> None:
    assert folded(NON_BREAKING) == "5-4-3-2-1"
    assert words_of(f"Haga una vuelta de {NON_BREAKING}.") == "5-4-3-2-1 de haga una vuelta"


@pytest.mark.parametrize("typed", ["5-4-3-2-1", NON_BREAKING, "4-3-2", "5 4 3"])
def test_a_lesson_with_non_breaking_hyphens_is_found_by_what_is_typed(typed: str) -> None:
    # Typed with "-" (the keyboard's), or with U+2011 pasted from the lesson.
    words = text_words({"html": f"<p>Haga una vuelta de <strong>{NON_BREAKING}</strong>.</p>"})
    entry = {"title": "Respirar despacio", "summary": "", "tags": [], TEXT_WORDS: words}
    assert Searchable.of(entry).found_in(query_words(typed)) == IN_TEXT


def test_a_title_with_non_breaking_hyphens_is_found_with_the_typed_hyphen() -> None:
    entry = {"title": f"La técnica {NON_BREAKING}", "summary": "", "tags": []}
    assert Searchable.of(entry).found_in(query_words("5-4-3-2-1")) == IN_TITLE


def test_the_text_is_the_html_text_with_what_images_and_abbreviations_say() -> None:
    html = (
        '<h2 id="halt">The <abbr title="Hungry, Angry, Lonely, Tired">HALT</abbr> check</h2>\n'
        "<p>Stop&nbsp;and <em>un</em>pack.</p><ul><li>six</li><li>two</li></ul>"
        '<p><img alt="A calm lake" src="data:image/png;base64,iVBORw0KGgo="></p>'
        '<p><a href="/modules/thinking-traps">Thinking traps</a></p>'
    )
    words = text_words({"html": html}).split()
    assert {"halt", "hungry", "lonely", "check", "stop", "unpack", "six", "two", "lake"} <= set(
        words
    )
    assert {"traps", "thinking"} <= set(words)
    # Markup, addresses and image bytes are not text.
    assert not {"h2", "abbr", "href", "modules", "data", "base64", "ivborw0kggo"} & set(words)
    assert "nbsp" not in text_of(html)


def test_a_document_without_html_has_no_words() -> None:
    assert text_words({}) == ""


@given(
    st.lists(st.sampled_from(["breath", "breathing", "Ánimo", "urge", "urges", "a", "12-step"])),
    st.text(alphabet="abcdeginorstuáÁ-12", min_size=1, max_size=6),
)
def test_the_words_find_what_the_whole_text_finds(words: list[str], typed: str) -> None:
    text = " ".join(words)
    typed = folded(typed)
    in_text = any(typed in word for word in WORD.findall(folded(text)))
    assert (typed in words_of(text)) == in_text
