"""The words of a module's text that the catalog carries for the library search
(steady_content.search_words): folded, each once, and none inside another, so they find
exactly what the whole text would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.library import folded
from steady_content.search_words import WORD, text_of, text_words, words_of


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
