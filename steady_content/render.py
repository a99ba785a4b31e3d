"""Stage 3: render Markdown to HTML, with sections and a computed reading time.

Extensions are registered by name: tables, heading ids with a table of contents, and
admonitions for "Try this" boxes (``!!! tip "Try this"``).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import markdown

EXTENSIONS = ["tables", "admonition", "toc", "sane_lists"]
EXTENSION_CONFIG = {"toc": {"toc_depth": "2-3", "permalink": False}}
# Slower than the usual 200-250 words a minute: many participants read on a phone, some with
# limited reading skills, and the time shown should not discourage anyone.
WORDS_PER_MINUTE = 160


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: list[dict]
    word_count: int
    reading_minutes: int


def render(body: str) -> Rendered:
    """Render a module body (Markdown) into unsanitised HTML plus its section list."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIG)
    output = md.convert(body)
    sections = list(_flatten(getattr(md, "toc_tokens", [])))
    words = count_words(body)
    return Rendered(output, sections, words, max(1, math.ceil(words / WORDS_PER_MINUTE)))


def count_words(body: str) -> int:
    text = re.sub(r"^\s*(!!!.*|#+\s*|[-*+]\s+|\d+\.\s+|\|)", " ", body, flags=re.MULTILINE)
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9]+(?:['’][A-Za-zÀ-ÿ]+)*", text))


def _flatten(tokens: list[dict]):  # type: ignore[no-untyped-def]
    for token in tokens:
        yield {"id": token["id"], "title": html.unescape(token["name"]), "level": token["level"]}
        yield from _flatten(token.get("children", []))
