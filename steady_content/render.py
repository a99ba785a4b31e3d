"""Stage 3: render Markdown to HTML, with sections and a computed reading time.

Extensions are registered by name: tables, heading ids with a table of contents, admonitions
for "Try this" boxes (``!!! tip "Try this"``), fenced code, and module links
(``../topic/id.md`` becomes ``/modules/id``, see ``steady_content.links``).
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from steady_content import worksheets
from steady_content.links import module_link


class ModuleLinks(Treeprocessor):  # type: ignore[misc]  # Markdown ships no type hints
    """Point links to other module files at the service: ``/modules/{id}[#section]``."""

    def run(self, root: etree.Element) -> None:
        for anchor in root.iter("a"):
            link = module_link(anchor.get("href", ""))
            if link is not None:
                anchor.set("href", link.service_href)


class ModuleLinkExtension(Extension):  # type: ignore[misc]  # Markdown ships no type hints
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(ModuleLinks(md), "steady_module_links", 5)


EXTENSIONS = ["tables", "admonition", "toc", "sane_lists", "fenced_code", ModuleLinkExtension()]
EXTENSION_CONFIG = {"toc": {"toc_depth": "2-3", "permalink": False}}
# Slower than the usual 200-250 words a minute: many participants read on a phone, some with
# limited reading skills, and the time shown should not discourage anyone.
WORDS_PER_MINUTE = 160


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: list[dict[str, Any]]
    word_count: int
    reading_minutes: int
    # The raw HTML pieces Markdown passed through untouched, as written (lint checks them).
    raw_html: tuple[str, ...] = ()


def render(body: str) -> Rendered:
    """Render a module body (Markdown) into unsanitised HTML plus its section list.

    Worksheet blocks are left out: they are published as data (``steady_content.worksheets``)
    and are not part of the text a participant reads.
    """
    body = worksheets.strip(body)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIG)
    output = md.convert(body)
    sections = list(_flatten(getattr(md, "toc_tokens", [])))
    words = count_words(body)
    raw = tuple(piece for piece in md.htmlStash.rawHtmlBlocks if isinstance(piece, str))
    return Rendered(output, sections, words, max(1, math.ceil(words / WORDS_PER_MINUTE)), raw)


def count_words(body: str) -> int:
    """Words a participant reads (Markdown syntax not counted)."""
    text = re.sub(r"^\s*(!!!.*|#+\s*|[-*+]\s+|\d+\.\s+|\|)", " ", body, flags=re.MULTILINE)
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9]+(?:['’][A-Za-zÀ-ÿ]+)*", text))


def _flatten(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for token in tokens:
        yield {"id": token["id"], "title": html.unescape(token["name"]), "level": token["level"]}
        yield from _flatten(token.get("children", []))
