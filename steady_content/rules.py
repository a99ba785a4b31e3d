"""Stage 2: the per-module lint rules. Each rule is a small named object with one code.

Each rule here checks one module file (its front matter, its body, and the images beside it)
and is registered in ``steady_content.registry`` at the ``module`` stage; ``check(source)``
runs them all. Folder-wide rules (duplicate ids, the version lock, links between modules,
translations, tracks) live in ``steady_content.pipeline`` because they need every file.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from chalicelib.vocabulary import DEFAULT_LOCALE, LOCALES, TOPICS
from chalicelib.worksheets import MAX_FORM_INPUTS, form_inputs
from steady_content import body, images, language, readability, worksheets
from steady_content.frontmatter import Source
from steady_content.links import scheme, servable
from steady_content.problems import Problem
from steady_content.registry import rule, run
from steady_content.render import Rendered, render
from steady_content.sanitize import URL_SCHEMES, removals

REVIEW_STATUSES = ("draft", "in-review", "approved")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = (
    "id",
    "title",
    "version",
    "topic",
    "summary",
    "objectives",
    "tags",
    "review",
    "references",
)
OPTIONAL = ("locale", "changelog", "knowledge_check", "readability_waiver")
COMPUTED = ("reading_time", "reading_minutes", "word_count")


def problem(source: Source, code: str, message: str, *key: Any) -> Problem:
    """A problem at the line of front-matter ``key`` (line 1 without a key)."""
    return Problem(source.path, source.line_of(*key) if key else 1, code, message)


@rule("FM010", "required field missing")
def required_fields(source: Source) -> Iterator[Problem]:
    for name in REQUIRED:
        if name not in source.meta:
            yield Problem(source.path, 1, "FM010", f"missing required field '{name}'")


@rule("FM012", "unknown field")
def unknown_fields(source: Source) -> Iterator[Problem]:
    for name in source.meta:
        # A name that is not text (``1:``) is FM015's, at its line.
        if isinstance(name, str) and name not in REQUIRED + OPTIONAL + COMPUTED:
            yield problem(source, "FM012", f"unknown field '{name}'", name)


_READ_AS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


@rule("FM015", "a key that is not text (a number, true/false, null or a date)")
def keys_are_text(source: Source) -> Iterator[Problem]:
    # YAML reads ``1:``, ``~:``, ``yes:`` or ``2026-01-01:`` as a number, null, a boolean or a
    # date, not a name: no field or key can be called that, and the checks that name an
    # unknown key by its text leave these here, at every depth.
    for key in source.non_text_keys:
        read_as = _READ_AS.get(key.tag, "something other than text")
        yield Problem(
            source.path,
            key.line,
            "FM015",
            f"'{key.text}' before the colon is read as {read_as}, not as a name: "
            "fields and keys are words, like title or question",
        )


@rule("FM013", "a field computed when publishing (reading time, word count) written by hand")
def computed_fields(source: Source) -> Iterator[Problem]:
    for name in source.meta:
        if name in COMPUTED:
            yield problem(source, "FM013", f"'{name}' is computed when publishing; remove it", name)


@rule("FM011", "field has the wrong type or value")
def field_values(source: Source) -> Iterator[Problem]:
    meta = source.meta
    for name, check in FIELD_CHECKS.items():
        if name in meta:
            for key, message in check(meta[name]):
                yield problem(source, "FM011", message, name, *key)


@rule("FM014", "a field is written twice")
def duplicate_keys(source: Source) -> Iterator[Problem]:
    for key, line in source.duplicate_keys:
        name = ".".join(str(k) for k in key)
        yield Problem(
            source.path, line, "FM014", f"'{name}' is written twice; only the last one would count"
        )


def _slug_id(source: Source) -> str | None:
    module_id = source.meta.get("id")
    return module_id if isinstance(module_id, str) and is_slug(module_id) else None


def is_slug(module_id: str) -> bool:
    """A module id lint accepts (FM020): a lowercase slug of at most 80 characters."""
    return bool(SLUG.fullmatch(module_id)) and len(module_id) <= 80


@rule("FM020", "id is not a lowercase slug of at most 80 characters")
def id_is_a_slug(source: Source) -> Iterator[Problem]:
    module_id = source.meta.get("id")
    if isinstance(module_id, str) and not is_slug(module_id):
        yield problem(
            source,
            "FM020",
            f"id '{module_id}' must be a lowercase slug like 'coping-with-cravings'",
            "id",
        )


@rule("FM021", "id differs from the file name")
def id_matches_file(source: Source) -> Iterator[Problem]:
    module_id = _slug_id(source)
    stem = PurePosixPath(source.path).name.split(".")[0]
    if module_id is not None and module_id != stem:
        yield problem(source, "FM021", f"id '{module_id}' must equal the file name '{stem}'", "id")


@rule("FM022", "topic differs from the folder")
def topic_matches_folder(source: Source) -> Iterator[Problem]:
    topic = source.meta.get("topic")
    folder = PurePosixPath(source.path).parent.name
    if isinstance(topic, str) and topic in TOPICS and folder in TOPICS and topic != folder:
        yield problem(source, "FM022", f"topic '{topic}' must equal the folder '{folder}'", "topic")


@rule("FM030", "version above 1 without a changelog")
def changelog_present(source: Source) -> Iterator[Problem]:
    version = source.meta.get("version")
    if isinstance(version, int) and version > 1 and not source.meta.get("changelog"):
        yield problem(
            source, "FM030", f"version {version} needs a changelog saying what changed", "version"
        )


@rule("FM040", "a draft's review names a reviewer or a date")
def draft_has_no_reviewer(source: Source) -> Iterator[Problem]:
    # A reviewer and a date say a clinician approved the module, the status says it did not:
    # one of them is wrong, and prod publishes by the status alone.
    review = source.meta.get("review")
    if not isinstance(review, dict) or review.get("status") != "draft":
        return
    # A value FM011 refuses (not text, not a date) is reported there, once.
    reviewer, date = review.get("reviewer"), review.get("date")
    written = [
        key
        for key, valid in (("reviewer", _text(reviewer)), ("date", isinstance(date, datetime.date)))
        if valid
    ]
    if not written:
        return
    named = " and a ".join(written)
    cleared = " and ".join(f"{key}: null" for key in written)
    missing = {"reviewer": " and add the date of the review", "date": " and add the reviewer"}
    add = missing[written[0]] if len(written) == 1 else ""
    yield problem(
        source,
        "FM040",
        f"this draft has a {named} (a draft has neither until a clinician approves it): "
        f"if a clinician approved it, set status: approved{add}; if not, set {cleared}",
        "review",
    )


@rule("KC001", "knowledge check is not valid")
def knowledge_check(source: Source) -> Iterator[Problem]:
    questions = source.meta.get("knowledge_check")
    if questions is None:
        return
    if not isinstance(questions, list) or not questions:
        yield problem(
            source, "KC001", "knowledge_check must be a list of questions", "knowledge_check"
        )
        return
    for i, q in enumerate(questions):
        where = ("knowledge_check", i)
        if not isinstance(q, dict):
            yield problem(
                source,
                "KC001",
                "each question needs question, choices, answer, explanation",
                *where,
            )
            continue
        known = {"question", "choices", "answer", "explanation"}
        unknown = sorted(k for k in set(q) - known if isinstance(k, str))  # others: FM015
        if unknown:
            yield problem(
                source, "KC001", f"unknown key '{unknown[0]}' in a question", *where, unknown[0]
            )
        if not _text(q.get("question")):
            yield problem(source, "KC001", "a question needs its text", *where)
        choices = q.get("choices")
        if not isinstance(choices, list) or len(choices) < 2 or not all(_text(c) for c in choices):
            yield problem(
                source, "KC001", "a question needs at least two text choices", *where, "choices"
            )
            continue
        seen: set[str] = set()
        for number, choice in enumerate(choices):
            said = " ".join(choice.split()).casefold()
            if said in seen:
                # Two choices that read the same: one is scored right and the other wrong.
                yield problem(
                    source,
                    "KC001",
                    f"choice '{choice.strip()}' is written twice: each choice must be different",
                    *where,
                    "choices",
                    number,
                )
            seen.add(said)
        answer = q.get("answer")
        if (
            isinstance(answer, bool)
            or not isinstance(answer, int)
            or not 0 <= answer < len(choices)
        ):
            last = len(choices) - 1
            yield problem(
                source,
                "KC001",
                f"answer must be the number of the right choice, counting from 0: 0 for the "
                f"first choice, {last} for the last"
                + (" (did you count from 1?)" if answer == len(choices) else ""),
                *where,
                "answer",
            )
        if not _text(q.get("explanation")):
            yield problem(source, "KC001", "a question needs an explanation of the answer", *where)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


Finding = tuple[tuple[Any, ...], str]


def _id(value: Any) -> Iterator[Finding]:
    if not isinstance(value, str):
        yield (), "id must be text: a lowercase slug like 'coping-with-cravings'"


def _title(value: Any) -> Iterator[Finding]:
    if not _text(value) or len(value) > 120:
        yield (), "title must be text of 1 to 120 characters"


def _version(value: Any) -> Iterator[Finding]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        yield (), "version must be a whole number, 1 or more"


def _topic(value: Any) -> Iterator[Finding]:
    if value not in TOPICS:
        yield (), f"topic must be one of: {', '.join(TOPICS)}"


def _summary(value: Any) -> Iterator[Finding]:
    if not _text(value) or len(value) > 240:
        yield (), "summary must be one sentence of at most 240 characters"
    elif len(re.findall(r"[.!?](\s|$)", value.strip())) != 1 or value.strip()[-1] not in ".!?":
        yield (), "summary must be exactly one sentence"


def _string_list(name: str, slug: bool = False) -> Callable[[Any], Iterator[Finding]]:
    def check(value: Any) -> Iterator[Finding]:
        if not isinstance(value, list) or not value:
            yield (), f"{name} must be a non-empty list"
            return
        for i, item in enumerate(value):
            if not _text(item) or (slug and not SLUG.fullmatch(item)):
                kind = "a lowercase slug" if slug else "text"
                yield (i,), f"each item of {name} must be {kind}"

    return check


def _locale(value: Any) -> Iterator[Finding]:
    if value not in LOCALES:
        yield (), f"locale must be one of: {', '.join(LOCALES)}"


def _review(value: Any) -> Iterator[Finding]:
    if not isinstance(value, dict):
        yield (), "review must have status, reviewer and date"
        return
    unknown = sorted(k for k in set(value) - {"status", "reviewer", "date"} if isinstance(k, str))
    if unknown:
        yield (unknown[0],), f"unknown key '{unknown[0]}' in review"
    status = value.get("status")
    if status not in REVIEW_STATUSES:
        yield ("status",), f"review status must be one of: {', '.join(REVIEW_STATUSES)}"
    reviewer, date = value.get("reviewer"), value.get("date")
    if reviewer is not None and not _text(reviewer):
        yield ("reviewer",), "review reviewer must be text or null"
    if date is not None and not isinstance(date, datetime.date):
        yield ("date",), "review date must be a date like 2026-11-22, or null"
    if status == "approved" and (reviewer is None or date is None):
        yield ("status",), "an approved module needs a reviewer and a date"


def _changelog(value: Any) -> Iterator[Finding]:
    if value is not None and not _text(value):
        yield (), "changelog must be text saying what changed in this version"


def _references(value: Any) -> Iterator[Finding]:
    if not isinstance(value, list) or not value:
        yield (), "references must be a non-empty list of {title, url}"
        return
    for i, ref in enumerate(value):
        # A key that is not text is FM015's: say it once, there.
        if not isinstance(ref, dict) or {k for k in ref if isinstance(k, str)} != {"title", "url"}:
            yield (i,), "each reference needs exactly a title and a url"
            continue
        if not _text(ref["title"]):
            yield (i, "title"), "a reference title must be text"
        if not isinstance(ref["url"], str) or not re.match(
            r"^https://[^\s/]+\.[^\s]+$", ref["url"]
        ):
            yield (i, "url"), "a reference url must start with https://"


def _waiver(value: Any) -> Iterator[Finding]:
    if not _text(value):
        yield (), "readability_waiver must give the reason in words"


FIELD_CHECKS: dict[str, Callable[[Any], Iterator[Finding]]] = {
    "id": _id,
    "title": _title,
    "version": _version,
    "topic": _topic,
    "summary": _summary,
    "objectives": _string_list("objectives"),
    "tags": _string_list("tags", slug=True),
    "locale": _locale,
    "review": _review,
    "changelog": _changelog,
    "references": _references,
    "readability_waiver": _waiver,
}


# --- The body ------------------------------------------------------------------------------

PLACEHOLDER = "TODO"
_ATX_H1 = re.compile(r"^\s*#(?!#)")
_SETEXT_H1 = re.compile(r"^\s*=+\s*$")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


@functools.lru_cache(maxsize=8)
def _rendered(text: str) -> Rendered:
    # Several rules look at the rendered body; render each body once.
    return render(text)


def _module_locale(source: Source) -> str:
    locale = source.meta.get("locale", DEFAULT_LOCALE)
    return locale if locale in LOCALES else DEFAULT_LOCALE


@rule("LK002", "a link the service cannot follow (not a module, https, mailto, tel or #section)")
def servable_links(source: Source) -> Iterator[Problem]:
    for link in body.links(source):
        target = link.target
        found = scheme(target)
        if found is not None and found not in URL_SCHEMES:
            what = "image" if link.image else "link"
            yield Problem(
                source.path,
                link.line,
                "LK002",
                f"the sanitiser removes this {what} to '{target}': use https://, mailto: or tel: "
                "(or a module link like ../addiction/cravings-and-urge-surfing.md)",
                link.col,
            )
        elif not link.image and not servable(target):
            yield Problem(
                source.path,
                link.line,
                "LK002",
                f"'{target}' is not a module or a web page: link to a module as "
                "../topic/id.md (or id.md in the same folder), or to an https:// page",
                link.col,
            )


@rule("IM001", "an image file does not exist")
def images_exist(source: Source) -> Iterator[Problem]:
    for link in body.links(source):
        if link.image and images.is_local(link.target):
            if not images.local_path(source, link.target).is_file():
                yield Problem(
                    source.path,
                    link.line,
                    "IM001",
                    f"image '{link.target}' does not exist (paths are relative to the module file)",
                    link.col,
                )


@rule("IM003", "an image that is not PNG, JPEG, WebP or GIF, or is over 150 KB")
def images_can_be_embedded(source: Source) -> Iterator[Problem]:
    lines: dict[str, body.Link] = {}
    for link in body.links(source):
        if link.image:
            lines.setdefault(link.target, link)
    for image in images.local_images(source):
        at = lines[image.target]
        if image.media_type is None:
            yield Problem(
                source.path,
                at.line,
                "IM003",
                f"image '{image.target}' is not a {images.FORMATS} file "
                "(SVG is refused: it can carry script)",
                at.col,
            )
        elif len(image.data) > images.MAX_BYTES:
            yield Problem(
                source.path,
                at.line,
                "IM003",
                f"image '{image.target}' is {len(image.data) // 1024} KB: at most "
                f"{images.MAX_BYTES // 1024} KB, for phones on slow networks (export it smaller)",
                at.col,
            )


@rule("IM004", "an image from another website")
def images_are_local(source: Source) -> Iterator[Problem]:
    for link in body.links(source):
        if link.image and link.target and not images.is_local(link.target):
            yield Problem(
                source.path,
                link.line,
                "IM004",
                f"image '{link.target}' comes from another site, which would learn who "
                "reads this module: save it beside the module and link it as images/name.png",
                link.col,
            )


@rule("IM002", "an image has no alt text")
def images_have_alt_text(source: Source) -> Iterator[Problem]:
    for link in body.links(source):
        if link.image and not link.text:
            yield Problem(
                source.path,
                link.line,
                "IM002",
                f"image '{link.target}' needs alt text saying what it shows, "
                "like ![A person breathing slowly](breathing.png)",
                link.col,
            )


@rule("HT001", "a raw HTML tag that the sanitiser removes")
def raw_html_tags(source: Source) -> Iterator[Problem]:
    return (found for found in _raw_html(source) if found.code == "HT001")


@rule("HT002", "a raw HTML attribute that the sanitiser removes")
def raw_html_attributes(source: Source) -> Iterator[Problem]:
    return (found for found in _raw_html(source) if found.code == "HT002")


def _raw_html(source: Source) -> Iterator[Problem]:
    # One walk finds both (an attribute is located after its tag); each rule keeps its own.
    if "<" not in source.body:
        return  # no raw HTML without a '<': skip rendering
    claimed: set[int] = set()
    for piece in _rendered(source.body).raw_html:
        found = removals(piece)
        if not found:
            continue
        offset = _find(source.body, piece, claimed)
        cursor = 0
        for removal in found:
            if removal.attribute is None:
                needle = re.compile(rf"<{re.escape(removal.tag)}\b", re.IGNORECASE)
                message = (
                    f"<{removal.tag}> is HTML the sanitiser removes, so participants would not "
                    "see it: use Markdown instead"
                )
                code = "HT001"
            else:
                needle = re.compile(rf"\b{re.escape(removal.attribute)}\s*=", re.IGNORECASE)
                message = (
                    f'the sanitiser removes {removal.attribute}="{removal.value}" from '
                    f"<{removal.tag}>: participants would not get it, so take it out"
                )
                code = "HT002"
            match = needle.search(piece, cursor)
            if match is not None:
                cursor = match.end()
            at = offset + (match.start() if match is not None and offset >= 0 else 0)
            line, col = _position(source, at) if offset >= 0 else (source.body_line, 1)
            yield Problem(source.path, line, code, message, col)


def _find(text: str, piece: str, claimed: set[int]) -> int:
    """The offset of the first unclaimed occurrence of ``piece`` (or its first line), or -1."""
    for needle in (piece.rstrip("\n"), piece.strip().splitlines()[0] if piece.strip() else ""):
        if not needle:
            continue
        start = text.find(needle)
        while start >= 0 and start in claimed:
            start = text.find(needle, start + 1)
        if start >= 0:
            claimed.add(start)
            return start
    return -1


def _position(source: Source, offset: int) -> tuple[int, int]:
    line = source.body_line + source.body.count("\n", 0, offset)
    return line, offset - (source.body.rfind("\n", 0, offset) + 1) + 1


@rule("HD001", "an H1 ('# ') heading in the body")
def no_h1_in_body(source: Source) -> Iterator[Problem]:
    candidates = [
        ln for ln in body.lines(source) if _ATX_H1.match(ln.text) or _SETEXT_H1.match(ln.text)
    ]
    if not candidates or "<h1" not in _rendered(source.body).html:
        return
    previous = ""
    for line in body.lines(source):
        if _ATX_H1.match(line.text):
            yield Problem(
                source.path,
                line.number,
                "HD001",
                "the body must not have a '# ' heading: the title comes from 'title:' in the "
                "front matter; start sections with '## '",
                line.text.index("#") + 1,
            )
        elif _SETEXT_H1.match(line.text) and previous.strip():
            yield Problem(
                source.path,
                line.number - 1,
                "HD001",
                "this line underlined with '===' is an H1 heading: the title comes from "
                "'title:' in the front matter; start sections with '## '",
            )
        previous = line.text


# A box (``!!! tip "Try this"``, the admonition extension): its kind, then its title in double
# quotes; its text indented under it.
_BOX = re.compile(r"^!!!\s*(?P<kind>[\w-]*)(?P<rest>.*)$")


@rule("BX001", "a box's title not in double quotes (the box is titled by its kind)")
def box_title_in_quotes(source: Source) -> Iterator[Problem]:
    for line in body.lines(source):
        found = _BOX.match(line.text)
        rest = found.group("rest").strip() if found else ""
        if found and rest and not rest.startswith('"'):
            kind = found.group("kind") or "tip"
            yield Problem(
                source.path,
                line.number,
                "BX001",
                f'put the box\'s title in double quotes, as in !!! {kind} "{rest}": written '
                f'without them, participants see the box titled "{kind.capitalize()}"',
                line.text.index(rest) + 1,
            )


@rule("BX002", "a box with nothing in it (its text not indented under it)")
def box_not_empty(source: Source) -> Iterator[Problem]:
    lines = body.lines(source)
    for at, line in enumerate(lines):
        if not _BOX.match(line.text):
            continue
        after = next((ln.text for ln in lines[at + 1 :] if ln.text.strip()), "")
        if not after.startswith(("    ", "\t")):
            yield Problem(
                source.path,
                line.number,
                "BX002",
                "this box has nothing in it: indent the box's text by four spaces on the lines "
                "under it (text not indented is shown after the box, not in it)",
            )


@rule("RD001", "reading level above grade 8 (Spanish: Fernández-Huerta below 60) without a waiver")
def reading_level(source: Source) -> Iterator[Problem]:
    if _text(source.meta.get("readability_waiver")):
        return
    locale = _module_locale(source)
    blocks = readability.blocks(source)
    reading = readability.measure(blocks, locale)
    if reading.ok:
        return
    worst = readability.hardest(blocks, locale)
    # Spanish has one measure, and describe() already names its limit.
    limit = "" if locale == "es" else f" (grade {readability.MAX_GRADE:.0f} or lower on both)"
    yield Problem(
        source.path,
        worst[0].line if worst else source.body_line,
        "RD001",
        f"the module is too hard to read: {reading.describe()}{limit}. The hardest paragraph "
        "starts here: use shorter sentences and everyday words, or add "
        "'readability_waiver:' with the reason",
    )


@rule("LG001", "a stigmatising term (the message gives the person-first alternative)")
def person_first_language(source: Source) -> Iterator[Problem]:
    locale = _module_locale(source)
    file_lines = source.text.splitlines()
    for key, text in _shown_in_front_matter(source.meta):
        for match in language.find(text, locale):
            at = source.line_of(*key)
            col = file_lines[at - 1].find(match.words) + 1 if at <= len(file_lines) else 0
            yield _stigma(source, at, max(col, 1), match)
    # The body in one pass (a phrase may wrap onto the next line), mapped back to lines.
    lines = body.lines(source)
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text) + 1
    text = "\n".join(_LINK_TARGET.sub(lambda m: " " * len(m.group(0)), ln.text) for ln in lines)
    for match in language.find(text, locale):
        index = bisect.bisect_right(starts, match.start) - 1
        yield _stigma(source, lines[index].number, match.start - starts[index] + 1, match)


def _stigma(source: Source, line: int, col: int, match: language.Match) -> Problem:
    return Problem(
        source.path,
        line,
        "LG001",
        f"'{match.words}' is stigmatising: say '{match.alternative}' instead",
        col,
    )


def _shown_in_front_matter(meta: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Front-matter text participants read (references are titles of other works)."""
    for name in ("title", "summary", "changelog"):
        if isinstance(meta.get(name), str):
            yield (name,), meta[name]
    objectives = meta.get("objectives")
    for i, item in enumerate(objectives if isinstance(objectives, list) else []):
        if isinstance(item, str):
            yield ("objectives", i), item
    questions = meta.get("knowledge_check")
    for i, q in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(q, dict):
            continue
        for name in ("question", "explanation"):
            if isinstance(q.get(name), str):
                yield ("knowledge_check", i, name), q[name]
        choices = q.get("choices")
        for j, choice in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(choice, str):
                yield ("knowledge_check", i, "choices", j), choice


@rule("TL002", "the file name does not match the locale (id.md, id.es.md)")
def locale_matches_file(source: Source) -> Iterator[Problem]:
    locale = source.meta.get("locale", DEFAULT_LOCALE)
    module_id = source.meta.get("id")
    if locale not in LOCALES or not isinstance(module_id, str):
        return
    name = PurePosixPath(source.path).name
    stem = name.split(".")[0]
    expected = f"{stem}.md" if locale == DEFAULT_LOCALE else f"{stem}.{locale}.md"
    if name != expected:
        yield problem(
            source,
            "TL002",
            f"a module in locale '{locale}' must be named '{expected}' "
            "(English modules are id.md, translations id.<locale>.md)",
            "locale" if "locale" in source.meta else "id",
        )


@rule("PH001", "a TODO placeholder left from 'steady-content new'")
def placeholders(source: Source) -> Iterator[Problem]:
    for number, text in enumerate(source.text.splitlines(), start=1):
        col = text.find(PLACEHOLDER)
        if col >= 0:
            yield Problem(
                source.path,
                number,
                "PH001",
                f"replace the {PLACEHOLDER} placeholder written by 'steady-content new'",
                col + 1,
            )


# --- Worksheets (the parser finds WS001-WS013; see steady_content.worksheets) ---------------


def _parsed(code: str) -> Callable[[Source], Iterator[Problem]]:
    def check(source: Source) -> Iterator[Problem]:
        yield from (p for p in worksheets.parse(source).problems if p.code == code)

    return check


rule("WS001", "a worksheet block that cannot be read (YAML, not a list, never closed)")(
    _parsed("WS001")
)
rule("WS002", "a worksheet that is not right after its exercise box")(_parsed("WS002"))
rule("WS003", "the worksheet form's box is not a '!!! tip' box (the form would go after the text)")(
    _parsed("WS003")
)
rule("WS010", "a worksheet field that is not valid (keys, kind, max_items, choices)")(
    _parsed("WS010")
)
rule("WS011", "a worksheet field id that is not a slug")(_parsed("WS011"))
rule("WS012", "a worksheet field id used twice in the module")(_parsed("WS012"))
rule("WS013", "a worksheet field feeds an unknown plan section, or cannot feed the plan")(
    _parsed("WS013")
)


@rule("WS014", "a worksheet form with more inputs than the web app reads from one form")
def worksheet_form_fits(source: Source) -> Iterator[Problem]:
    # Past the limit, the participant's save (and "Mark as complete") would be refused as a
    # form that cannot be read, and what they typed lost.
    sheet = worksheets.parse(source)
    if not sheet.fields:
        return
    check = source.meta.get("knowledge_check")
    questions = len(check) if isinstance(check, list) else 0
    kinds = [(f.kind, f.max_items, f.item == "contact") for f in sheet.fields]
    inputs = form_inputs(kinds, questions)
    if inputs > MAX_FORM_INPUTS:
        yield Problem(
            source.path,
            sheet.fields[0].line,
            "WS014",
            f"the worksheet form would have {inputs} inputs (each answer, each row of a list, "
            f"and the check's answers); at most {MAX_FORM_INPUTS} can be saved at once: use "
            "fewer fields or a smaller max_items",
        )


def _ends_like_a_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if re.search(r"[.!?:;…\"'”’)]$", text) else text + "."


@rule("WS030", "worksheet labels harder to read than the module's reading level")
def worksheet_reading_level(source: Source) -> Iterator[Problem]:
    fields = worksheets.parse(source).fields
    if not fields:
        return
    locale = _module_locale(source)
    blocks = [
        readability.Block(line, _ends_like_a_sentence(text))
        for item in fields
        for line, text in item.texts()
    ]
    reading = readability.measure(blocks, locale)
    if reading.ok:
        return
    worst = readability.hardest(blocks, locale)
    yield Problem(
        source.path,
        worst[0].line if worst else fields[0].line_of("label"),
        "WS030",
        f"the worksheet's labels are too hard to read: {reading.describe()}. The hardest one "
        "is here: use short questions and everyday words",
    )


@rule("WS031", "a worksheet label or help text too long for a phone")
def worksheet_text_length(source: Source) -> Iterator[Problem]:
    for item in worksheets.parse(source).fields:
        if len(item.label) > worksheets.MAX_LABEL_LENGTH:
            yield Problem(
                source.path,
                item.line_of("label"),
                "WS031",
                f"label of '{item.id}' is {len(item.label)} characters: at most "
                f"{worksheets.MAX_LABEL_LENGTH}, so it fits a phone (say more in 'help')",
            )
        if item.help and len(item.help) > worksheets.MAX_HELP_LENGTH:
            yield Problem(
                source.path,
                item.line_of("help"),
                "WS031",
                f"help of '{item.id}' is {len(item.help)} characters: at most "
                f"{worksheets.MAX_HELP_LENGTH}",
            )


@rule("WS032", "a stigmatising term in a worksheet")
def worksheet_words(source: Source) -> Iterator[Problem]:
    locale = _module_locale(source)
    for item in worksheets.parse(source).fields:
        for line, text in item.texts():
            for match in language.find(text, locale):
                yield Problem(
                    source.path,
                    line,
                    "WS032",
                    f"'{match.words}' is stigmatising: say '{match.alternative}' instead",
                )


def check(source: Source) -> list[Problem]:
    """Run every per-module rule on ``source``."""
    return sorted(run("module", source))
