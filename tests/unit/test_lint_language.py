"""Stigmatising terms (LG001), each with its person-first alternative."""

from __future__ import annotations

import pytest

from steady_content import language
from tests.fixtures.modules import BODY_LINE, check, found, module_text


@pytest.mark.parametrize(
    ("text", "words", "alternative"),
    [
        ("He is an addict.", "addict", "person with a substance use disorder"),
        (
            "Recovering addicts meet here.",
            "Recovering addicts",
            "person with a substance use disorder",
        ),
        ("She was a drug abuser.", "drug abuser", "person with a substance use disorder"),
        ("Substance abuse is common.", "Substance abuse", "substance use"),
        ("He talked about drug abuse.", "drug abuse", "substance use"),
        ("My father was an alcoholic.", "alcoholic", "person with an alcohol use disorder"),
        ("Nobody is a junkie.", "junkie", "person who uses drugs"),
        ("I want to get clean.", "get clean", "in recovery, or not using"),
        ("She has been clean for a year.", "been clean", "in recovery, or not using"),
        ("Count your clean time.", "clean time", "in recovery, or not using"),
        ("Clean and sober living.", "Clean and sober", "in recovery, or not using"),
        ("He had a dirty urine test.", "dirty urine", "positive"),
        ("She tested dirty.", "tested dirty", "positive"),
        ("His cousin committed suicide.", "committed suicide", "died by suicide"),
    ],
)
def test_terms_are_found_with_their_alternative(text, words, alternative):
    (match,) = language.find(text)

    assert match.words == words
    assert alternative in match.alternative
    assert text[match.start : match.end] == words


@pytest.mark.parametrize(
    "text",
    [
        "Clean your room before group.",
        "Wash the dirty dishes.",
        "Addiction is a disease of the brain.",
        "Some drugs are very addictive.",
        "Alcoholics Anonymous meets on Friday.",
        "The National Institute on Drug Abuse funds research.",
        "The Substance Abuse and Mental Health Services Administration runs the helpline.",
        "Your abuser is responsible for the harm, not you.",  # trauma, not substance use
        "A clean towel and a hot shower help you sleep.",
        "He died by suicide.",
    ],
)
def test_everyday_words_and_names_are_not_flagged(text):
    assert list(language.find(text)) == []


def test_spanish_terms_are_found_in_spanish_modules():
    assert [m.words for m in language.find("Mi hermano era adicto.", "es")] == ["adicto"]
    assert [m.words for m in language.find("Alcohólicos Anónimos ayuda.", "es")] == []


def test_lg001_in_the_body_points_at_line_and_column():
    body = "Take one slow breath.\n\nMany people want to get clean and stay that way.\n"

    assert found(module_text(body), code="LG001") == [("LG001", BODY_LINE + 2, 21)]


def test_lg001_message_names_the_term_and_the_alternative():
    (problem,) = [p for p in check(module_text("He is an addict.\n")) if p.code == "LG001"]

    assert problem.message.startswith(
        "'addict' is stigmatising: say 'person with a substance use disorder"
    )


def test_lg001_in_the_front_matter_points_at_the_field():
    text = module_text(summary="How addicts can stay safe.")

    assert found(text, code="LG001") == [("LG001", 6, 14)]


def test_lg001_knowledge_check_text_is_checked():
    extra = (
        "knowledge_check:\n"
        "  - question: When can you say you are clean?\n"
        "    choices: [After a week., Never.]\n"
        "    answer: 0\n"
        "    explanation: Say you are in recovery.\n"
    )
    # "are clean" is not one of the flagged phrases; "stay clean" is.
    assert found(module_text(extra=extra), code="LG001") == []
    flagged = module_text(
        extra=extra.replace("When can you say you are clean?", "How do you stay clean?")
    )

    assert [p[:2] for p in found(flagged, code="LG001")] == [("LG001", 17)]


def test_lg001_reference_titles_and_link_targets_are_not_checked():
    text = module_text(
        "Read [this page](https://example.org/drug-abuse/addicts).\n",
    ).replace("title: SAMHSA National Helpline", 'title: "NIDA: Drug abuse and addicts"')

    assert found(text, code="LG001") == []


@pytest.mark.parametrize(
    "phrase",
    [
        "un borracho en la calle",
        "quiero estar limpio",
        "el análisis sucio",
        "abuso de opioides",
        "salió sucia",
    ],
)
def test_more_spanish_stigmatising_phrases_are_flagged(phrase):
    from steady_content.language import find

    assert list(find(phrase, "es")), phrase
