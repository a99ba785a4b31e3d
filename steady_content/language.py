"""Stigmatising terms and their person-first alternatives (NIDA, "Words matter").

Each term is a small named pattern. Words with an everyday meaning ("clean your room",
"a dirty dish") are only flagged in the phrases that describe substance use ("stay clean",
"clean time", "a dirty test"). Names of organisations that contain a term ("Alcoholics
Anonymous", "National Institute on Drug Abuse") are never flagged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    alternative: str


@dataclass(frozen=True)
class Match:
    start: int  # 0-based offset in the text
    end: int
    words: str  # as written
    alternative: str


def _term(pattern: str, alternative: str) -> Term:
    return Term(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), alternative)


_GET = r"(?:get|gets|getting|got|gotten|stay|stays|staying|stayed|been)"
_TEST = r"(?:test|tests|urine|urines|screen|screens|ua|uas|drug\s+test|drug\s+screen|sample)"

TERMS: dict[str, list[Term]] = {
    "en": [
        _term(
            r"(?:recovering\s+|former\s+|ex-)?addicts?",
            "person with a substance use disorder (or person in recovery)",
        ),
        # Bare "abuser" is left alone: in a module on trauma it names the person who did harm.
        _term(r"(?:substance|drug|alcohol)\s+abusers?", "person with a substance use disorder"),
        _term(
            r"(?:substance|drug|opioid|alcohol|prescription\s+drug)\s+abuse",
            "substance use (or substance use disorder, or misuse of a prescription)",
        ),
        _term(
            r"abus(?:e|es|ed|ing)\s+(?:drugs|alcohol|substances|opioids|pills)",
            "use (or misuse) drugs or alcohol",
        ),
        _term(r"alcoholics?", "person with an alcohol use disorder"),
        _term(
            r"junkies?|druggies?|crackheads?|potheads?|dope\s+fiends?|stoners?|drunks",
            "person who uses drugs (or person with a substance use disorder)",
        ),
        _term(r"drug\s+users?", "person who uses drugs"),
        _term(r"drug\s+habits?|habit\s+of\s+using", "substance use (or substance use disorder)"),
        _term(
            rf"{_GET}\s+clean|clean\s+(?:and|&)\s+sober|clean\s+(?:time|date|days?|weeks?|months?|years?)",
            "in recovery, or not using",
        ),
        _term(rf"clean\s+{_TEST}|tested\s+clean", "negative (test result)"),
        _term(
            rf"dirty\s+{_TEST}|tested\s+dirty|(?:came|come|comes)\s+(?:back|up)\s+dirty",
            "positive (test result)",
        ),
        _term(r"commit(?:s|ted|ting)?\s+suicide", "died by suicide (or to end one's life)"),
        _term(
            r"(?:successful|completed|failed|unsuccessful)\s+suicide",
            "died by suicide, or suicide attempt",
        ),
        _term(r"the\s+mentally\s+ill|psychos?|lunatics?", "people with a mental health condition"),
        _term(r"(?:a|the)\s+schizophrenics?", "a person with schizophrenia"),
    ],
    "es": [
        _term(r"(?:ex)?(?:drog)?adict[oa]s?", "persona con un trastorno por consumo de sustancias"),
        _term(r"alcohólic[oa]s?", "persona con un trastorno por consumo de alcohol"),
        _term(
            r"abuso\s+de\s+(?:sustancias|drogas|alcohol|opioides|opiáceos|medicamentos)",
            "consumo de sustancias (o trastorno por consumo de sustancias)",
        ),
        _term(
            r"(?:mantener(?:se|me|te)|seguir|sigo|sigue|llevo|lleva|estar|estoy|está|estaba|salió|salir)"
            r"\s+limpi[oa]s?",
            "en recuperación, o sin consumir",
        ),
        _term(r"drogatas?|yonquis?", "persona que consume drogas"),
        _term(r"(?:cometió|cometer|comete)\s+suicidio", "murió por suicidio"),
        _term(
            r"(?:(?:prueba|muestra)\s+sucia|análisis\s+sucio|salió\s+suci[oa])",
            "positiva (resultado de la prueba)",
        ),
        _term(
            r"borrach[oa]s?",
            "persona que consumió alcohol, o persona con un trastorno por consumo de alcohol",
        ),
    ],
}

# Proper names: blanked out (same width) before matching.
NAMES = re.compile(
    r"Alcoholics\s+Anonymous|Adult\s+Children\s+of\s+Alcoholics|"
    r"National\s+Institute\s+on\s+(?:Drug|Alcohol)\s+Abuse(?:\s+and\s+Alcoholism)?|"
    r"Substance\s+Abuse\s+and\s+Mental\s+Health\s+Services\s+Administration|"
    r"Alcohólicos\s+Anónimos",
    re.IGNORECASE,
)


@functools.cache
def _combined(locale: str) -> re.Pattern[str]:
    # One pass over the text: every term of the locale as a named alternative.
    terms = TERMS.get(locale, TERMS["en"])
    return re.compile(
        "|".join(f"(?P<t{i}>{t.pattern.pattern})" for i, t in enumerate(terms)), re.IGNORECASE
    )


def find(text: str, locale: str = "en") -> Iterator[Match]:
    """Every stigmatising term in ``text``, left to right, with its alternative."""
    blanked = NAMES.sub(lambda m: " " * len(m.group(0)), text)
    terms = TERMS.get(locale, TERMS["en"])
    for match in _combined(locale).finditer(blanked):
        term = terms[int(str(match.lastgroup)[1:])]
        yield Match(match.start(), match.end(), match.group(0), term.alternative)
