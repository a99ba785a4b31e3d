"""Stage 1: split a module file into YAML front matter and Markdown body, and parse the YAML.

Python-Markdown's ``meta`` extension does not parse YAML, so we split on the ``---`` fences
ourselves and parse with ``yaml.safe_load``. We also compose the YAML node tree to know the
line of every key, so later stages can point at ``path:line``.

Aliases (``*name``, including merge keys ``<<: *name``) are refused before anything is built:
nested, a few lines of them expand to billions of values ("billion laughs"), and walking
that would hang lint. The check reads YAML events, so it takes time linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from steady_content.problems import Problem
from steady_content.registry import declare

FENCE = "---"
# libyaml when present (several times faster); the same safe loading rules either way.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NO_FRONT_MATTER = declare(
    "FM001", "the file does not start with '---' front matter, or never closes it"
)
INVALID_YAML = declare("FM002", "the front matter is not valid YAML")
NOT_A_MAPPING = declare("FM003", "the front matter is not a mapping of fields")
ALIAS = declare("FM005", "an alias (*name) in the front matter")


_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class NonTextKey:
    """A mapping key that YAML reads as something other than text."""

    text: str  # as written in the file
    tag: str  # what YAML reads it as (``tag:yaml.org,2002:int``, ...)
    line: int


@dataclass
class Source:
    """A parsed module file. ``lines`` maps a key path like ``("review", "status")`` to a line."""

    path: str
    text: str
    meta: dict[str, Any]
    body: str
    body_line: int
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    # YAML keeps the last of two equal keys silently; authors should hear about it.
    duplicate_keys: list[tuple[tuple[Any, ...], int]] = field(default_factory=list)
    # Keys YAML reads as something other than text (``1:``, ``~:``, ``true:``, ``2026-01-01:``),
    # as written, with their line: ``meta`` holds them as numbers, None, booleans or dates.
    non_text_keys: list[NonTextKey] = field(default_factory=list)

    def line_of(self, *key: Any) -> int:
        """The line of the deepest known prefix of ``key`` (1 = the opening fence)."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1


class YamlProblem(Exception):
    """YAML that cannot be parsed; ``line`` is a line of the file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class AliasProblem(YamlProblem):
    """YAML with an alias (``*name``): refused before it is built (see the module docstring)."""


@dataclass
class YamlDocument:
    """Parsed YAML plus the file line of every key (see ``Source.lines``)."""

    data: Any
    lines: dict[tuple[Any, ...], int]
    duplicate_keys: list[tuple[tuple[Any, ...], int]]
    non_text_keys: list[NonTextKey] = field(default_factory=list)


def parse_yaml(yaml_text: str, first_line: int = 1) -> YamlDocument:
    """Parse ``yaml_text`` whose first line is line ``first_line`` of its file.

    Raises ``YamlProblem`` with the file line of the error. The one YAML parser of the
    pipeline: module front matter and track files both go through it.
    """
    _refuse_aliases(yaml_text, first_line)
    # One pass: compose the node tree (it has the lines), then build the data from it.
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        row, reason = explain(error, yaml_text)
        raise YamlProblem(row + first_line, reason) from error
    except ValueError as error:
        # YAML reads 2026-11-22 as a date, and the date builder raises ValueError (not a
        # YAMLError) for one that does not exist: a month 13, a 30 February, a day and month
        # swapped. Name the value and its line instead of crashing lint.
        bad = _impossible_date(node)
        if bad is None:
            raise
        raise YamlProblem(
            bad.start_mark.line + first_line,
            f"'{bad.value}' is not a real date: write it as year-month-day, like "
            "2026-11-22 (22 November 2026)",
        ) from error
    finally:
        loader.dispose()
    key_lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[tuple[tuple[Any, ...], int]] = []
    non_text: list[NonTextKey] = []
    _index_lines(node, (), key_lines, duplicates, non_text, first_line)
    return YamlDocument(data, key_lines, duplicates, non_text)


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _impossible_date(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar YAML reads as a date or time that does not exist, or ``None``."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag != _TIMESTAMP_TAG:
            return None
        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except ValueError:
            return node
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        found = _impossible_date(child)
        if found is not None:
            return found
    return None


# A key and its value on one line (``summary: Refusal skills: they help``), in a list or not.
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+(.+?)\s*$")
_LIST_ITEM = re.compile(r"^\s*-\s+(.+?)\s*$")
# Characters a plain YAML value cannot start with (``*`` and ``&`` start aliases and anchors).
_RESERVED_STARTS = "@`%*&!|>"


def explain(error: yaml.YAMLError, yaml_text: str) -> tuple[int, str]:
    """The row (0-based, within ``yaml_text``) and the plain words for a YAML error.

    Authors are clinicians: the commonest mistakes (a colon inside a value, a tab used for
    indenting, a quote never closed, a value starting with a character YAML reserves) are
    named with their fix; any other keeps the parser's words after a plain lead-in.
    """
    problem = str(getattr(error, "problem", None) or str(error).splitlines()[0])
    context = str(getattr(error, "context", None) or "")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    started = getattr(error, "context_mark", None)
    row = mark.line if mark is not None else 0
    lines = yaml_text.splitlines()
    line = lines[row] if row < len(lines) else ""
    found = line[mark.column] if mark is not None and mark.column < len(line) else ""
    if "quoted scalar" in context and started is not None:
        # The parser stops at the end of the text; the mistake is where the quote opened.
        opened = lines[started.line][started.column : started.column + 1] or '"'
        return started.line, (
            f"a quote ({opened}) opens a value here and never closes: end the value with "
            f"{opened}, or remove it"
        )
    opened_at = _unclosed_quote(lines, row)
    if opened_at is not None:
        # The value ran on until the next quote, lines below, and the parser stopped there.
        return opened_at, (
            'a quote (") opens a value here and never closes on this line: end the value '
            'with ", or remove it'
        )
    if (
        "\t" in line[: len(line) - len(line.lstrip())]
        or found == "\t"
        or "tab character" in problem
    ):
        return row, "use spaces, not tabs, to indent"
    if problem.startswith("mapping values are not allowed"):
        return row, (
            "a colon (:) inside a value: put the whole value in quotes, e.g. "
            + _quoted_example(line, colon=True)
        )
    value = _KEY_VALUE.match(line)
    if value is not None and value.group(2)[0] in _RESERVED_STARTS:
        return row, (
            f"a value cannot start with {value.group(2)[0]}: put the whole value in quotes, "
            f"e.g. {_quoted_example(line)}"
        )
    return row, (
        "this line cannot be read (the YAML reader says: "
        f"{problem}): check its quotes, colons and indenting, and the line above"
    )


# A value that starts with a double quote: ``key: "...`` or ``- "...``.
_OPENS_QUOTE = re.compile(r'^\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:\s+)?"')


def _unclosed_quote(lines: list[str], row: int) -> int | None:
    """The row above ``row`` whose double-quoted value is not closed on its own line, if any."""
    for index in range(min(row, len(lines))):
        text = lines[index]
        if _OPENS_QUOTE.match(text) and text.replace('\\"', "").count('"') % 2 == 1:
            return index
    return None


def _quoted_example(line: str, colon: bool = False) -> str:
    """``line`` with its value in quotes (shortened), or a made-up example if it has no value
    (or, with ``colon``, none with a colon in it: the colon is on a line of its own)."""
    item = _LIST_ITEM.match(line)
    value = _KEY_VALUE.match(line)
    if item is not None and (value is None or not value.group(1).islower()):
        # A sentence in a list ("- Remember: ..."), not a field: quote the whole item.
        key, text = "-", item.group(1)
    elif value is None or (colon and ":" not in value.group(2)):
        return 'summary: "Refusal skills: they help you say no"'
    else:
        key, text = value.group(1) + ":", value.group(2)
    words = text.split()
    if len(words) > 5:
        text = " ".join(words[:5]) + " …"
    if '"' not in text:
        return f'{key} "{text}"'
    if "'" not in text:
        return f"{key} '{text}'"
    escaped = text.replace('"', '\\"')
    return f'{key} "{escaped}"'


def _refuse_aliases(yaml_text: str, first_line: int) -> None:
    """Raise ``AliasProblem`` at the first alias, from the event stream (nothing is built)."""
    try:
        for event in yaml.parse(yaml_text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                raise AliasProblem(
                    event.start_mark.line + first_line,
                    f"'*{event.anchor}' repeats the value anchored as '&{event.anchor}': "
                    "aliases are not allowed here, write the value out in full",
                )
    except yaml.YAMLError:
        return  # not valid YAML: composing it reports the error at its line


def split(path: str, text: str) -> tuple[Source | None, list[Problem]]:
    """Parse ``text``; return the source, or ``None`` with problems if it cannot be parsed."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [
            Problem(
                path,
                1,
                NO_FRONT_MATTER.code,
                "the file must start with a line of three dashes (---), then the fields, "
                "then another line of three dashes",
            )
        ]
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if closing is None:
        return None, [
            Problem(
                path,
                1,
                NO_FRONT_MATTER.code,
                "the front matter is never closed: end the fields with a line of three "
                "dashes (---)",
            )
        ]
    try:
        parsed = parse_yaml("\n".join(lines[1:closing]), first_line=2)
    except AliasProblem as problem:
        return None, [Problem(path, problem.line, ALIAS.code, problem.reason)]
    except YamlProblem as problem:
        return None, [Problem(path, problem.line, INVALID_YAML.code, problem.reason)]
    if not isinstance(parsed.data, dict):
        message = "the front matter must be a mapping of fields"
        return None, [Problem(path, 2, NOT_A_MAPPING.code, message)]
    body = "\n".join(lines[closing + 1 :])
    if text.endswith("\n"):
        body += "\n"
    return Source(
        path,
        text,
        parsed.data,
        body,
        closing + 2,
        parsed.lines,
        parsed.duplicate_keys,
        parsed.non_text_keys,
    ), []


def _index_lines(
    node: yaml.Node | None,
    prefix: tuple[Any, ...],
    out: dict[tuple[Any, ...], int],
    duplicates: list[tuple[tuple[Any, ...], int]],
    non_text: list[NonTextKey],
    first_line: int,
) -> None:
    # Marks are 0-based within the YAML text; first_line is the file line of its first line.
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (key_node.value,)
            line = key_node.start_mark.line + first_line
            if key in out:
                duplicates.append((key, line))
            else:
                out[key] = line
            if key_node.tag != _STR_TAG:
                non_text.append(NonTextKey(str(key_node.value), key_node.tag, line))
            _index_lines(value_node, key, out, duplicates, non_text, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = prefix + (i,)
            out[key] = item.start_mark.line + first_line
            _index_lines(item, key, out, duplicates, non_text, first_line)
