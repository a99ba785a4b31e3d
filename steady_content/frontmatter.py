"""Stage 1: split a module file into YAML front matter and Markdown body, and parse the YAML.

Python-Markdown's ``meta`` extension does not parse YAML, so we split on the ``---`` fences
ourselves and parse with ``yaml.safe_load``. We also compose the YAML node tree to know the
line of every key, so later stages can point at ``path:line``.

Aliases (``*name``, including merge keys ``<<: *name``) are refused before anything is built:
nested, a few lines of them expand to billions of values ("billion laughs"), and walking
that would hang lint. The check reads YAML events, so it takes time linear in the text.
"""

from __future__ import annotations

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
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = (mark.line + first_line) if mark is not None else first_line
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise YamlProblem(line, reason) from error
    finally:
        loader.dispose()
    key_lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[tuple[tuple[Any, ...], int]] = []
    _index_lines(node, (), key_lines, duplicates, first_line)
    return YamlDocument(data, key_lines, duplicates)


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
            Problem(path, 1, NO_FRONT_MATTER.code, "the file must start with '---' front matter")
        ]
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if closing is None:
        return None, [
            Problem(path, 1, NO_FRONT_MATTER.code, "the front matter is never closed with '---'")
        ]
    try:
        parsed = parse_yaml("\n".join(lines[1:closing]), first_line=2)
    except AliasProblem as problem:
        return None, [Problem(path, problem.line, ALIAS.code, problem.reason)]
    except YamlProblem as problem:
        invalid = f"invalid YAML: {problem.reason}"
        return None, [Problem(path, problem.line, INVALID_YAML.code, invalid)]
    if not isinstance(parsed.data, dict):
        message = "the front matter must be a mapping of fields"
        return None, [Problem(path, 2, NOT_A_MAPPING.code, message)]
    body = "\n".join(lines[closing + 1 :])
    if text.endswith("\n"):
        body += "\n"
    return Source(
        path, text, parsed.data, body, closing + 2, parsed.lines, parsed.duplicate_keys
    ), []


def _index_lines(
    node: yaml.Node | None,
    prefix: tuple[Any, ...],
    out: dict[tuple[Any, ...], int],
    duplicates: list[tuple[tuple[Any, ...], int]],
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
            _index_lines(value_node, key, out, duplicates, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = prefix + (i,)
            out[key] = item.start_mark.line + first_line
            _index_lines(item, key, out, duplicates, first_line)
