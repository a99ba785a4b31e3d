"""The Markdown body as source lines, so body rules can point at ``path:line`` (and a column).

Fenced code is skipped and inline code is blanked out (same width, so columns stay right):
what an author quotes as code is not prose, not a link and not a term to flag.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from steady_content.frontmatter import Source

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target "title"); the target may hold one level of parens.
_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\(\s*<?(?P<target>(?:[^()\s<>]|\([^()\s]*\))*)>?"
    r"(?:\s+[\"'(][^\"')]*[\"')])?\s*\)"
)
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[(?P<text>[^\]]+)\]:\s*<?(?P<target>\S+?)>?(?:\s|$)")
_RAW_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


@dataclass(frozen=True)
class Line:
    number: int  # line of the file (1-based)
    text: str  # inline code blanked out


@dataclass(frozen=True)
class Link:
    """A link or image written in the body: ``target`` is the href or src as written."""

    line: int
    col: int
    text: str  # link text, or alt text for an image (None-free: "" when absent)
    target: str
    image: bool


def lines(source: Source) -> tuple[Line, ...]:
    """Every body line outside fenced code, with its file line number."""
    return _lines(source.body, source.body_line)


def links(source: Source) -> tuple[Link, ...]:
    """Every Markdown link, image, reference definition and raw ``<img>`` in the body."""
    return _links(source.body, source.body_line)


# Several rules scan the same body: scan it once.
@functools.lru_cache(maxsize=16)
def _lines(body: str, first_line: int) -> tuple[Line, ...]:
    found = []
    in_fence = False
    for offset, text in enumerate(body.splitlines()):
        if _FENCE.match(text):
            in_fence = not in_fence
            continue
        if not in_fence:
            blanked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
            found.append(Line(first_line + offset, blanked))
    return tuple(found)


@functools.lru_cache(maxsize=16)
def _links(body: str, first_line: int) -> tuple[Link, ...]:
    return tuple(_find_links(_lines(body, first_line)))


def _find_links(lines: tuple[Line, ...]) -> Iterator[Link]:
    for line in lines:
        for match in _INLINE_LINK.finditer(line.text):
            yield Link(
                line.number,
                match.start() + 1,
                match.group("text").strip(),
                match.group("target"),
                bool(match.group("bang")),
            )
        definition = _REFERENCE_DEFINITION.match(line.text)
        if definition:
            yield Link(
                line.number,
                definition.start("text"),
                definition.group("text"),
                definition.group("target"),
                False,
            )
        for match in _RAW_IMG.finditer(line.text):
            attributes = {
                m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None)
                for m in _ATTRIBUTE.finditer(match.group(0))
            }
            alt, src = attributes.get("alt", "").strip(), attributes.get("src", "")
            yield Link(line.number, match.start() + 1, alt, src, True)
