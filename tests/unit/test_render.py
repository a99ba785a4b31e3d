"""steady_content.render.render: Markdown to HTML, sections and reading time."""

from __future__ import annotations

import textwrap

import pytest

from steady_content.render import WORDS_PER_MINUTE, count_words, render


def test_tables_render_as_html_tables():
    body = textwrap.dedent(
        """\
        | Outside triggers | Inside triggers |
        | --- | --- |
        | Payday | Feeling bored |
        """
    )

    html = render(body).html

    assert "<table>" in html
    assert "<th>Outside triggers</th>" in html
    assert "<td>Feeling bored</td>" in html
    assert "|" not in html


def test_headings_get_ids_and_are_listed_as_sections():
    body = textwrap.dedent(
        """\
        ## Tips & tricks

        Some text.

        ### Going *deeper*

        More text.

        ## Key points
        """
    )

    rendered = render(body)

    assert '<h2 id="tips-tricks">Tips &amp; tricks</h2>' in rendered.html
    assert '<h3 id="going-deeper">' in rendered.html
    assert rendered.sections == [
        {"id": "tips-tricks", "title": "Tips & tricks", "level": 2},
        {"id": "going-deeper", "title": "Going deeper", "level": 3},
        {"id": "key-points", "title": "Key points", "level": 2},
    ]


def test_only_levels_two_and_three_are_sections():
    body = "# Title\n\n## Two\n\n### Three\n\n#### Four\n"

    rendered = render(body)

    assert [s["level"] for s in rendered.sections] == [2, 3]
    assert '<h4 id="four">Four</h4>' in rendered.html  # still rendered, just not a section


def test_repeated_headings_get_distinct_ids():
    rendered = render("## Practice\n\ntext\n\n## Practice\n")

    assert [s["id"] for s in rendered.sections] == ["practice", "practice_1"]


def test_try_this_admonition_renders_a_titled_box():
    body = textwrap.dedent(
        """\
        !!! tip "Try this"
            Breathe in for four counts.
        """
    )

    html = render(body).html

    assert '<div class="admonition tip">' in html
    assert '<p class="admonition-title">Try this</p>' in html
    assert "<p>Breathe in for four counts.</p>" in html
    assert "!!!" not in html


@pytest.mark.parametrize(
    ("words", "minutes"),
    [
        (1, 1),
        (WORDS_PER_MINUTE, 1),
        (WORDS_PER_MINUTE + 1, 2),
        (320, 2),
        (321, 3),
        (1600, 10),
    ],
)
def test_reading_minutes_round_up_at_160_words_a_minute(words, minutes):
    rendered = render("word " * words)

    assert WORDS_PER_MINUTE == 160
    assert rendered.word_count == words
    assert rendered.reading_minutes == minutes


def test_tiny_or_empty_text_still_takes_one_minute():
    assert render("Hi.").reading_minutes == 1
    assert render("").reading_minutes == 1
    assert render("").word_count == 0


def test_markdown_syntax_is_not_counted_as_words():
    body = textwrap.dedent(
        """\
        ## Heading here

        - first item
        1. second item
        | cell | other |
        !!! tip "Try this"
            Don't stop.
        """
    )

    # Heading here / first item / second item / cell other / Don't stop
    assert count_words(body) == 10
