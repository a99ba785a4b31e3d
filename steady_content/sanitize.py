"""Stage 4: sanitise rendered HTML with nh3 (Markdown passes raw HTML straight through).

Only the tags Markdown itself produces survive; no script, no event-handler attribute, no
``javascript:`` URL.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "div": {"class"},
    "p": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
}
URL_SCHEMES = {"https", "http", "mailto", "tel"}
LINK_REL = "noopener noreferrer"


def sanitize(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser removes: a whole tag (``attribute`` is None) or one attribute."""

    tag: str
    attribute: str | None = None
    value: str | None = None


def removals(fragment: str) -> list[Removal]:
    """What ``sanitize`` would remove from ``fragment``, found by comparing before and after.

    Lint uses this to tell authors about raw HTML that participants would never see, rather
    than letting it vanish silently at publish time. Comments are not reported: hiding a note
    for reviewers is what an author means by one.
    """
    before = _start_tags(fragment)
    after = _start_tags(sanitize(fragment))
    found: list[Removal] = []
    matcher = difflib.SequenceMatcher(
        None, [t for t, _ in before], [t for t, _ in after], autojunk=False
    )
    for operation, b0, b1, a0, _a1 in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            found.extend(Removal(tag) for tag, _ in before[b0:b1])
        elif operation == "equal":
            pairs = zip(before[b0:b1], after[a0 : a0 + b1 - b0], strict=True)
            for (tag, written), (_, kept) in pairs:
                for name, value in written.items():
                    if tag == "a" and name == "rel":
                        continue  # always replaced by LINK_REL; nothing a participant would miss
                    if name not in kept or kept[name] != value:
                        found.append(Removal(tag, name, value))
    return found


def _start_tags(fragment: str) -> list[tuple[str, dict[str, str]]]:
    collector = _StartTags()
    collector.feed(fragment)
    collector.close()
    return collector.tags


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
