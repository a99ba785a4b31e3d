"""Stage 1: split a module file into YAML front matter and Markdown body, and parse the YAML.

Python-Markdown's ``meta`` extension does not parse YAML, so we split on the ``---`` fences
ourselves and parse with ``yaml.safe_load``. We also compose the YAML node tree to know the
line of every key, so later stages can point at ``path:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from steady_content.problems import Problem

FENCE = "---"


@dataclass
class Source:
    """A parsed module file. ``lines`` maps a key path like ``("review", "status")`` to a line."""

    path: str
    text: str
    meta: dict[str, Any]
    body: str
    body_line: int
    lines: dict[tuple, int] = field(default_factory=dict)
    # YAML keeps the last of two equal keys silently; authors should hear about it.
    duplicate_keys: list[tuple[tuple, int]] = field(default_factory=list)

    def line_of(self, *key: Any) -> int:
        """The line of the deepest known prefix of ``key`` (1 = the opening fence)."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1


def split(path: str, text: str) -> tuple[Source | None, list[Problem]]:
    """Parse ``text``; return the source, or ``None`` with problems if it cannot be parsed."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [Problem(path, 1, "FM001", "the file must start with '---' front matter")]
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if closing is None:
        return None, [Problem(path, 1, "FM001", "the front matter is never closed with '---'")]
    yaml_text = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(yaml_text)
        node = yaml.compose(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, [Problem(path, line, "FM002", f"invalid YAML: {reason}")]
    if not isinstance(meta, dict):
        return None, [Problem(path, 2, "FM003", "the front matter must be a mapping of fields")]
    key_lines: dict[tuple, int] = {}
    duplicates: list[tuple[tuple, int]] = []
    _index_lines(node, (), key_lines, duplicates)
    body = "\n".join(lines[closing + 1 :])
    if text.endswith("\n"):
        body += "\n"
    return Source(path, text, meta, body, closing + 2, key_lines, duplicates), []


def _index_lines(
    node: yaml.Node | None, prefix: tuple, out: dict[tuple, int], duplicates: list[tuple[tuple, int]]
) -> None:
    # +2: one for 1-based lines, one for the opening fence.
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (key_node.value,)
            line = key_node.start_mark.line + 2
            if key in out:
                duplicates.append((key, line))
            else:
                out[key] = line
            _index_lines(value_node, key, out, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            key = prefix + (i,)
            out[key] = item.start_mark.line + 2
            _index_lines(item, key, out, duplicates)
