"""Worksheets: the fields of an exercise that a participant fills in, written in the module.

An author writes a fenced ``worksheet`` block right after the "Try this" box it belongs to;
inside is a YAML list of fields::

    !!! tip "Try this"
        Make a trigger map this week.

    ```worksheet
    - id: trigger-people
      kind: list
      max_items: 5
      label: People who make me want to use
      help: First names or initials are enough.
      plan: triggers
    - id: strongest-trigger
      kind: short-text
      label: The trigger that feels strongest
    ```

Kinds: ``short-text``, ``long-text``, ``list`` (up to ``max_items`` items, default 5, at most
50), ``scale`` (0 to 10, with optional ``low`` and ``high`` words for its ends) and ``choice``
(``choices``: 2 to 10 options, one is picked). ``plan`` names the section of the participant's
relapse-prevention plan the answer feeds (``chalicelib.vocabulary``); a text or list field
can feed one, and a ``people-to-call`` field is a list whose items are a name and a phone.

The block is not rendered into the lesson HTML (``strip``): ``published`` turns it into a plain
structure that the version document carries (``"worksheet": {"fields": [...]}``), and the web
app renders a form from it. ``parse`` keeps the file line of every field and key, so lint
points at ``path:line``. Problems found while parsing carry their WS code; the rules that
report them are in ``steady_content.rules`` (per file) and ``steady_content.pipeline``
(across versions, translations and the whole library).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTIONS
from steady_content.frontmatter import Source, YamlProblem, parse_yaml
from steady_content.problems import Problem

INFO = "worksheet"
KINDS = ("short-text", "long-text", "list", "scale", "choice")
# Kinds whose answer is words a plan can show.
PLAN_KINDS = ("short-text", "long-text", "list")
KEYS = ("id", "kind", "label", "help", "plan", "max_items", "choices", "low", "high")
FIELD_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 40
DEFAULT_MAX_ITEMS = 5
MAX_LIST_ITEMS = 50  # the service stores at most 50 items per list
MIN_CHOICES, MAX_CHOICES = 2, 10
SCALE = (0, 10)
# One line on a phone: a label is a short question or prompt; help says a bit more.
MAX_LABEL_LENGTH = 100
MAX_HELP_LENGTH = 200

_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*worksheet\s*$")
_ANY_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_EXERCISE = re.compile(r"^ {0,3}!!!\s")
# The exercise box a worksheet form can follow on the page: ``!!! tip "Try this"``.
_EXERCISE_KIND = re.compile(r"^ {0,3}!!!\s+tip\b")
# A box's kind and, if written in double quotes, its title.
_BOX_KIND = re.compile(r'^ {0,3}!!!\s*(?P<kind>[\w-]*)\s*(?:"(?P<title>[^"]*)")?')
# An HTML comment block (the scaffold's commented example worksheet sits in one).
_COMMENT_OPENS = re.compile(r"^ {0,3}<!--")


@dataclass(frozen=True)
class Block:
    """One fenced ``worksheet`` block: file lines of its fences and the YAML between them."""

    line: int  # the opening fence
    end_line: int  # the closing fence (the last body line if it is never closed)
    text: str
    closed: bool
    after_exercise: bool
    index: int  # offset of the opening fence line within the body


@dataclass(frozen=True)
class Field:
    """A worksheet field as written; ``lines`` maps each key written to its file line."""

    id: str
    kind: str
    label: str
    line: int
    help: str | None = None
    plan: str | None = None
    max_items: int | None = None
    choices: tuple[str, ...] = ()
    low: str | None = None
    high: str | None = None
    block: int = 0  # which block of the module (0-based)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    @property
    def item(self) -> str | None:
        """What one item of a list is: ``contact`` (name and phone) or ``text``."""
        if self.kind != "list":
            return None
        return "contact" if self.plan == PEOPLE_TO_CALL else "text"

    def texts(self) -> Iterator[tuple[int, str]]:
        """Every piece of text a participant reads, with its line."""
        yield self.line_of("label"), self.label
        if self.help:
            yield self.line_of("help"), self.help
        for choice in self.choices:
            yield self.line_of("choices"), choice
        for key in ("low", "high"):
            value = getattr(self, key)
            if value:
                yield self.line_of(key), value

    def published(self, section: str | None) -> dict[str, Any]:
        """The field as the version document carries it (see the module docstring)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "help": self.help,
            "plan": self.plan,
            "section": section,
            "max_items": self.max_items if self.kind == "list" else None,
            "item": self.item,
            "choices": list(self.choices),
            "low": self.low,
            "high": self.high,
        }


@dataclass(frozen=True)
class Worksheet:
    """Every worksheet field of one module, in order, and what was wrong while parsing."""

    blocks: tuple[Block, ...]
    fields: tuple[Field, ...]
    problems: tuple[Problem, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    def by_id(self) -> dict[str, Field]:
        """The first field of each id."""
        found: dict[str, Field] = {}
        for item in self.fields:
            found.setdefault(item.id, item)
        return found


def find_blocks(
    body: str, first_line: int = 1, comments: list[tuple[int, int]] | None = None
) -> tuple[Block, ...]:
    """Every ``worksheet`` fence of ``body`` (whose first line is file line ``first_line``).

    A block inside an HTML comment (``<!--`` at the start of a line, to ``-->``) is commented
    out, as in the scaffold of ``steady-content new``: it is not a worksheet. ``comments``, if
    given, receives the body line span (first, last; 0-based) of each comment that holds one.
    """
    lines = body.splitlines()
    found: list[Block] = []
    fence: str | None = None  # inside another fenced block (code): not a worksheet
    i = 0
    while i < len(lines):
        text = lines[i]
        if fence is not None:
            if text.strip().startswith(fence):
                fence = None
            i += 1
            continue
        if _COMMENT_OPENS.match(text):
            after = text.split("<!--", 1)[1]
            closes = (
                i
                if "-->" in after
                else next(
                    (j for j in range(i + 1, len(lines)) if "-->" in lines[j]), len(lines) - 1
                )
            )
            if comments is not None and any(_OPEN.match(t) for t in lines[i : closes + 1]):
                comments.append((i, closes))
            i = closes + 1
            continue
        opening = _OPEN.match(text)
        if opening is None:
            other = _ANY_FENCE.match(text)
            if other is not None:
                fence = other.group(1)
            i += 1
            continue
        marker = opening.group("fence")
        end = next(
            (
                j
                for j in range(i + 1, len(lines))
                if lines[j].strip().startswith(marker) and not lines[j].strip().strip(marker[0])
            ),
            None,
        )
        closed = end is not None
        last = end if end is not None else len(lines) - 1
        found.append(
            Block(
                line=first_line + i,
                end_line=first_line + last,
                text="\n".join(lines[i + 1 : last if closed else last + 1]),
                closed=closed,
                after_exercise=_after_exercise(lines, i),
                index=i,
            )
        )
        i = last + 1
    return tuple(found)


def _after_exercise(lines: list[str], index: int) -> bool:
    return _box_before(lines, index) is not None


def _box_before(lines: list[str], index: int) -> int | None:
    """The index of the ``!!!`` line of the box right above line ``index``, or None."""
    # Back over blank lines and the indented text of the box: the box's "!!!" line must come next.
    j = index - 1
    while j >= 0 and (not lines[j].strip() or lines[j].startswith(("    ", "\t"))):
        j -= 1
    return j if j >= 0 and _EXERCISE.match(lines[j]) else None


def form_block(body: str) -> Block | None:
    """The worksheet block where the lesson page shows the worksheet form, or None.

    The page has one form for every field of the module. It goes right after the "Try this"
    box (a ``!!! tip`` box: "Try this" in English, "Pruebe esto" in Spanish) that the module's
    *last* worksheet block is written under, so the reader has met every exercise the form
    asks about. None when that block is not closed or sits under another kind of box (lint
    refuses that: WS003): the form then stays after the whole text, where it always was.
    """
    blocks = find_blocks(body)
    if not blocks or not blocks[-1].closed:
        return None
    lines = body.splitlines()
    box = _box_before(lines, blocks[-1].index)
    if box is None or _EXERCISE_KIND.match(lines[box]) is None:
        return None
    return blocks[-1]


def _form_box_problem(path: str, body: str, body_line: int, last: Block) -> Problem | None:
    """WS003 at the box the form would follow, when it is not a ``!!! tip`` box.

    The form goes right after a ``!!! tip`` box only (``form_block``); under a ``!!! note "Try
    this"`` the reader would find it after the whole lesson. Every box looks the same on the
    page, so the author is told which kind to write rather than the form being moved for them.
    """
    lines = body.splitlines()
    box = _box_before(lines, last.index)
    if box is None or _EXERCISE_KIND.match(lines[box]):
        return None
    found = _BOX_KIND.match(lines[box])
    kind = found.group("kind") if found else ""
    rest = lines[box][found.end() :].strip() if found else ""
    # Keep the title participants see: the one written (quoted or not, BX001), else the kind's.
    title = (found.group("title") if found else None) or rest or kind.capitalize() or "Try this"
    written = f"'!!! {kind}' box" if kind else "box"
    return Problem(
        path,
        body_line + box,
        "WS003",
        f"the worksheet form is shown right after a '!!! tip' box; under this {written} it "
        f'would come after the whole lesson: write !!! tip "{title}"',
        lines[box].index(kind) + 1 if kind else 1,
    )


def strip(body: str) -> str:
    """``body`` without its worksheet blocks, and without the comments that hold a commented
    out one (Markdown would render its fence as code, comment or not): what the lesson HTML
    is rendered from."""
    comments: list[tuple[int, int]] = []
    blocks = find_blocks(body, comments=comments)
    if not blocks and not comments:
        return body
    lines = body.splitlines()
    spans = sorted([(b.index, b.index + b.end_line - b.line) for b in blocks] + comments)
    kept: list[str] = []
    start = 0
    for first, last in spans:
        kept.extend(lines[start:first])
        start = last + 1
    kept.extend(lines[start:])
    text = "\n".join(kept)
    return text + "\n" if body.endswith("\n") else text


def parse(source: Source) -> Worksheet:
    """The worksheet of a module, with WS001-WS003, WS010-WS013 problems at their lines."""
    return _parse(source.path, source.body, source.body_line)


@functools.lru_cache(maxsize=64)
def _parse(path: str, body: str, body_line: int) -> Worksheet:
    blocks = find_blocks(body, body_line)
    fields: list[Field] = []
    problems: list[Problem] = []
    for number, block in enumerate(blocks):
        if not block.closed:
            problems.append(
                Problem(
                    path,
                    block.line,
                    "WS001",
                    "the worksheet block is never closed: end it with ```",
                )
            )
            continue
        if not block.after_exercise:
            problems.append(
                Problem(
                    path,
                    block.line,
                    "WS002",
                    "a worksheet goes right after the exercise it belongs to: put it just below "
                    "its '!!! tip \"Try this\"' box",
                )
            )
        try:
            document = parse_yaml(block.text, first_line=block.line + 1)
        except YamlProblem as problem:
            problems.append(
                Problem(
                    path,
                    problem.line,
                    "WS001",
                    f"the worksheet cannot be read: {problem.reason}",
                )
            )
            continue
        if not isinstance(document.data, list) or not document.data:
            problems.append(
                Problem(
                    path,
                    block.line,
                    "WS001",
                    "a worksheet is a list of fields, each starting with '- id:'",
                )
            )
            continue
        for i, raw in enumerate(document.data):
            line = document.lines.get((i,), block.line + 1)
            lines = {
                str(key[1]): at
                for key, at in document.lines.items()
                if len(key) == 2 and key[0] == i
            }
            checked, found = _field(path, raw, line, lines, number)
            problems.extend(found)
            if checked is not None:
                fields.append(checked)
    if blocks and blocks[-1].closed:
        # The form follows the box of the last block; only that box decides where it goes.
        misplaced = _form_box_problem(path, body, body_line, blocks[-1])
        if misplaced is not None:
            problems.append(misplaced)
    seen: dict[str, Field] = {}
    for item in fields:
        if item.id in seen:
            problems.append(
                Problem(
                    path,
                    item.line_of("id"),
                    "WS012",
                    f"field id '{item.id}' is already used on line {seen[item.id].line_of('id')}: "
                    "each field of a module needs its own id",
                )
            )
        else:
            seen[item.id] = item
    return Worksheet(tuple(blocks), tuple(fields), tuple(sorted(problems)))


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _field(
    path: str, raw: Any, line: int, lines: dict[str, int], block: int
) -> tuple[Field | None, list[Problem]]:
    """Check one field; return it when it can be used (problems may still be reported)."""
    problems: list[Problem] = []

    def report(code: str, message: str, key: str | None = None) -> None:
        problems.append(Problem(path, lines.get(key, line) if key else line, code, message))

    if not isinstance(raw, dict):
        report("WS010", "each field is a mapping: id, kind, label (and help, plan...)")
        return None, problems
    for key in raw:
        if key not in KEYS:
            report("WS010", f"unknown key '{key}' in a field (keys: {', '.join(KEYS)})", str(key))
    for key in ("id", "kind", "label"):
        if key not in raw:
            report("WS010", f"a field needs '{key}'")
    field_id, kind, label = raw.get("id"), raw.get("kind"), raw.get("label")
    if "id" in raw and (
        not isinstance(field_id, str)
        or not FIELD_ID.fullmatch(field_id)
        or len(field_id) > MAX_ID_LENGTH
    ):
        report(
            "WS011",
            f"field id must be a lowercase slug of at most {MAX_ID_LENGTH} "
            "characters, like 'trigger-people'",
            "id",
        )
        field_id = None
    if "kind" in raw and kind not in KINDS:
        report("WS010", f"kind must be one of: {', '.join(KINDS)}", "kind")
        kind = None
    if "label" in raw and not _text(label):
        report("WS010", "label must be text", "label")
        label = None
    for key in ("help", "low", "high"):
        if key in raw and not _text(raw[key]):
            report("WS010", f"{key} must be text", key)
    max_items = raw.get("max_items")
    if "max_items" in raw:
        if kind != "list":
            report("WS010", "max_items is only for a list", "max_items")
        elif (
            isinstance(max_items, bool)
            or not isinstance(max_items, int)
            or not 1 <= max_items <= MAX_LIST_ITEMS
        ):
            report(
                "WS010", f"max_items must be a whole number from 1 to {MAX_LIST_ITEMS}", "max_items"
            )
            max_items = None
    choices = raw.get("choices")
    if kind == "choice":
        if (
            not isinstance(choices, list)
            or not MIN_CHOICES <= len(choices) <= MAX_CHOICES
            or not all(_text(c) for c in choices)
        ):
            report(
                "WS010",
                f"a choice needs 'choices': {MIN_CHOICES} to {MAX_CHOICES} options as text",
                "choices",
            )
            choices = None
        elif len(set(choices)) != len(choices):
            report("WS010", "each choice must be different", "choices")
    elif "choices" in raw:
        report("WS010", "choices are only for a choice", "choices")
    for key in ("low", "high"):
        if key in raw and kind != "scale":
            report("WS010", f"{key} is only for a scale (the words at its ends)", key)
    plan = raw.get("plan")
    if "plan" in raw:
        if plan not in PLAN_SECTIONS:
            report("WS013", f"plan must be one of: {', '.join(PLAN_SECTIONS)}", "plan")
            plan = None
        elif kind is not None and kind not in PLAN_KINDS:
            report(
                "WS013", f"a {kind} cannot feed the plan: only {', '.join(PLAN_KINDS)} can", "plan"
            )
        elif plan == PEOPLE_TO_CALL and kind is not None and kind != "list":
            report("WS013", "people-to-call needs a list (each item is a name and a phone)", "plan")
    if field_id is None or kind is None or label is None:
        return None, problems
    return (
        Field(
            id=field_id,
            kind=kind,
            label=label.strip(),
            line=line,
            help=raw["help"].strip() if _text(raw.get("help")) else None,
            plan=plan if isinstance(plan, str) and plan in PLAN_SECTIONS else None,
            max_items=(
                max_items
                if isinstance(max_items, int) and not isinstance(max_items, bool)
                else DEFAULT_MAX_ITEMS
            )
            if kind == "list"
            else None,
            choices=tuple(c.strip() for c in choices) if kind == "choice" and choices else (),
            low=raw["low"].strip() if kind == "scale" and _text(raw.get("low")) else None,
            high=raw["high"].strip() if kind == "scale" and _text(raw.get("high")) else None,
            block=block,
            lines=lines,
        ),
        problems,
    )


def published(body: str) -> dict[str, Any] | None:
    """The worksheet of a clean module body as the version document carries it, or ``None``.

    ``{"fields": [field, ...]}`` in the order written; each field says the ``section`` (the
    heading id of the lesson) its exercise is in, so a page can show the form there.
    """
    worksheet = _parse("", body, 1)
    if not worksheet.fields:
        return None
    sections = _sections_of_blocks(body, worksheet.blocks)
    return {"fields": [f.published(sections[f.block]) for f in worksheet.fields]}


def _sections_of_blocks(body: str, blocks: tuple[Block, ...]) -> list[str | None]:
    """The id of the section heading each block sits under, as the renderer makes heading ids."""
    # Render with a marker paragraph where each block was: the last heading id before a
    # marker is its section, with exactly the ids the lesson's headings get.
    from steady_content.render import render

    lines = body.splitlines()
    marked: list[str] = []
    start = 0
    for number, block in enumerate(blocks):
        marked.extend(lines[start : block.index])
        marked.extend(["", f"STEADYWORKSHEETMARKER{number}", ""])
        start = block.index + (block.end_line - block.line) + 1
    marked.extend(lines[start:])
    html = render("\n".join(marked) + "\n").html
    heading = re.compile(r'<h[23][^>]*\bid="([^"]+)"')
    found: list[str | None] = []
    for number in range(len(blocks)):
        at = html.find(f"STEADYWORKSHEETMARKER{number}")
        ids = heading.findall(html, 0, at if at >= 0 else len(html))
        found.append(ids[-1] if ids else None)
    return found
