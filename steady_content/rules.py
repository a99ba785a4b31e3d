"""Stage 2: lint rules. Each rule is a small named object with a code and a check.

``check(source)`` yields problems for one file; cross-file rules (duplicate ids, the version
lock) live in ``steady_content.pipeline`` because they need every file at once.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from steady_content.frontmatter import Source
from steady_content.problems import Problem

TOPICS = ("addiction", "mental-health", "stress-management", "life-skills")
LOCALES = ("en", "es")
REVIEW_STATUSES = ("draft", "in-review", "approved")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("id", "title", "version", "topic", "summary", "objectives", "tags", "review", "references")
OPTIONAL = ("locale", "changelog", "knowledge_check", "readability_waiver")
COMPUTED = ("reading_time", "reading_minutes", "word_count")


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    check: Callable[[Source], Iterator[Problem]]


RULES: dict[str, Rule] = {}


def rule(code: str, summary: str) -> Callable[[Callable[[Source], Iterator[Problem]]], Rule]:
    """Register a per-file rule under ``code``."""

    def register(check: Callable[[Source], Iterator[Problem]]) -> Rule:
        RULES[code] = Rule(code, summary, check)
        return RULES[code]

    return register


def problem(source: Source, code: str, message: str, *key: Any) -> Problem:
    return Problem(source.path, source.line_of(*key) if key else 1, code, message)


@rule("FM010", "required field missing")
def required_fields(source: Source) -> Iterator[Problem]:
    for name in REQUIRED:
        if name not in source.meta:
            yield Problem(source.path, 1, "FM010", f"missing required field '{name}'")


@rule("FM012", "unknown field")
def unknown_fields(source: Source) -> Iterator[Problem]:
    for name in source.meta:
        if name in COMPUTED:
            yield problem(
                source, "FM013", f"'{name}' is computed when publishing; remove it", name
            )
        elif name not in REQUIRED + OPTIONAL:
            yield problem(source, "FM012", f"unknown field '{name}'", name)


@rule("FM011", "field has the wrong type or value")
def field_values(source: Source) -> Iterator[Problem]:
    meta = source.meta
    for name, check in _FIELD_CHECKS.items():
        if name in meta:
            for key, message in check(meta[name]):
                yield problem(source, "FM011", message, name, *key)


@rule("FM014", "a field is written twice")
def duplicate_keys(source: Source) -> Iterator[Problem]:
    for key, line in source.duplicate_keys:
        name = ".".join(str(k) for k in key)
        yield Problem(source.path, line, "FM014", f"'{name}' is written twice; only the last one would count")


@rule("FM020", "id is not a slug or does not match the file")
def id_matches_file(source: Source) -> Iterator[Problem]:
    module_id = source.meta.get("id")
    if not isinstance(module_id, str):
        return
    if not SLUG.fullmatch(module_id) or len(module_id) > 80:
        yield problem(source, "FM020", f"id '{module_id}' must be a lowercase slug like 'coping-with-cravings'", "id")
        return
    stem = PurePosixPath(source.path).name.split(".")[0]
    if module_id != stem:
        yield problem(source, "FM021", f"id '{module_id}' must equal the file name '{stem}'", "id")


@rule("FM022", "topic does not match the folder")
def topic_matches_folder(source: Source) -> Iterator[Problem]:
    topic = source.meta.get("topic")
    folder = PurePosixPath(source.path).parent.name
    if isinstance(topic, str) and topic in TOPICS and folder in TOPICS and topic != folder:
        yield problem(source, "FM022", f"topic '{topic}' must equal the folder '{folder}'", "topic")


@rule("FM030", "changelog missing on a later version")
def changelog_present(source: Source) -> Iterator[Problem]:
    version = source.meta.get("version")
    if isinstance(version, int) and version > 1 and not source.meta.get("changelog"):
        yield problem(source, "FM030", f"version {version} needs a changelog saying what changed", "version")


@rule("KC001", "knowledge check is not valid")
def knowledge_check(source: Source) -> Iterator[Problem]:
    questions = source.meta.get("knowledge_check")
    if questions is None:
        return
    if not isinstance(questions, list) or not questions:
        yield problem(source, "KC001", "knowledge_check must be a list of questions", "knowledge_check")
        return
    for i, q in enumerate(questions):
        where = ("knowledge_check", i)
        if not isinstance(q, dict):
            yield problem(source, "KC001", "each question needs question, choices, answer, explanation", *where)
            continue
        unknown = sorted(set(q) - {"question", "choices", "answer", "explanation"})
        if unknown:
            yield problem(source, "KC001", f"unknown key '{unknown[0]}' in a question", *where, unknown[0])
        if not _text(q.get("question")):
            yield problem(source, "KC001", "a question needs its text", *where)
        choices = q.get("choices")
        if not isinstance(choices, list) or len(choices) < 2 or not all(_text(c) for c in choices):
            yield problem(source, "KC001", "a question needs at least two text choices", *where, "choices")
            continue
        answer = q.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(choices):
            yield problem(
                source, "KC001", f"answer must be the number of a choice, 0 to {len(choices) - 1}", *where, "answer"
            )
        if not _text(q.get("explanation")):
            yield problem(source, "KC001", "a question needs an explanation of the answer", *where)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


Finding = tuple[tuple, str]


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
    unknown = sorted(set(value) - {"status", "reviewer", "date"})
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
        if not isinstance(ref, dict) or set(ref) != {"title", "url"}:
            yield (i,), "each reference needs exactly a title and a url"
            continue
        if not _text(ref["title"]):
            yield (i, "title"), "a reference title must be text"
        if not isinstance(ref["url"], str) or not re.match(r"^https://[^\s/]+\.[^\s]+$", ref["url"]):
            yield (i, "url"), "a reference url must start with https://"


def _waiver(value: Any) -> Iterator[Finding]:
    if not _text(value):
        yield (), "readability_waiver must give the reason in words"


_FIELD_CHECKS: dict[str, Callable[[Any], Iterator[Finding]]] = {
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


def check(source: Source) -> list[Problem]:
    """Run every per-file rule on ``source``."""
    found: list[Problem] = []
    for registered in RULES.values():
        found.extend(registered.check(source))
    return sorted(found)
