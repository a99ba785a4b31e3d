"""The words of a module's text, for the library search, made when the module is published.

A search must never render Markdown or parse HTML per request, so the catalog carries, for
each module, the words of its published text (``chalicelib.library.TEXT_WORDS``) and a search
is a scan of the cached catalog. They are kept small: folded as a search folds what is typed
(``chalicelib.library.folded``), each once, sorted, and without a word that is part of another
one ("breath" goes when "breathing" is there). A search looks for each typed word as part of
a word, so the words left find exactly what the whole text would; a catalog of 48 modules
carries about 2 KB of words per module instead of about 5 KB of text.

What a participant reads is the text: the published HTML's text, plus what an image or an
abbreviation says of itself (``alt``, ``title``). Worksheets, knowledge checks and references
are not searched.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from chalicelib.library import WORD, folded

# What an element says of itself, read like its text.
SAID = {"img": ("alt", "title"), "abbr": ("title",)}
# Elements inside a line of text: a word may run across them ("<em>un</em>safe").
INLINE = frozenset({"a", "abbr", "code", "em", "strong"})


def text_words(document: dict[str, Any]) -> str:
    """The search words of a version document's text: see the module docstring."""
    return words_of(text_of(document.get("html", "")))


def words_of(text: str) -> str:
    """The folded words of ``text``, each once, without those inside another, sorted,
    separated by spaces."""
    kept: list[str] = []
    longer = ""  # the words kept so far, one string: a word has no space, so none spans two
    # Longest first, so a word is only checked against the longer ones already kept.
    for word in sorted(set(WORD.findall(folded(text))), key=lambda w: (-len(w), w)):
        if word not in longer:
            kept.append(word)
            longer += " " + word
    return " ".join(sorted(kept))


def text_of(html: str) -> str:
    """The text of published HTML, with the words images and abbreviations carry."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        said = SAID.get(tag, ())
        self.parts.extend(f" {value} " for name, value in attrs if name in said and value)
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
