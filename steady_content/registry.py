"""The one lint-rule registry: every code a content problem can carry is declared here once.

A rule is a small named object: a ``code`` (``FM010``), a ``summary`` (one line, shown in the
table of codes in ``docs/authoring.md``), the ``stage`` it runs in, and, for the checking
stages, a ``check`` that yields ``Problem``s. A rule reports its own code and no other:
``run`` refuses a problem with another code, and ``pipeline.lint`` refuses a problem whose code
is not registered, so the table of codes cannot drift from what lint says.

Stages, in the order the pipeline runs them:

- ``parse``: a file that cannot be read as a module or track at all (not UTF-8, invalid YAML,
  an alias). Nothing runs these: the parser reports them. They have no ``check``.
- ``module``: one module file; ``check(source: frontmatter.Source)``.
- ``track``: one track file; ``check(track: tracks.TrackFile)``.
- ``folder``: the whole content folder at once (duplicate ids, the version lock, links between
  modules, translations); ``check(context: pipeline.LintContext)``.

Adding a rule (for example the worksheet codes, ``WS0xx``, in their own module):

    from steady_content.registry import rule

    @rule("WS001", "a worksheet field id is used twice", stage="module")
    def unique_field_ids(source: Source) -> Iterator[Problem]:
        ...
        yield Problem(source.path, line, "WS001", f"field id '{field_id}' is used twice")

then add the module's name to ``RULE_MODULES`` below (so lint and the docs table see it) and
run ``steady-content codes --write`` to refresh the table in ``docs/authoring.md`` (a test
fails until you do). One code per rule: a check that finds two kinds of problem is two rules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from steady_content.problems import Problem

Stage = Literal["parse", "module", "track", "folder"]
STAGES: tuple[Stage, ...] = ("parse", "module", "track", "folder")
Check = Callable[[Any], Iterable[Problem]]

# Every module that registers rules; ``rules()`` imports them all, whoever asks first.
RULE_MODULES = (
    "steady_content.frontmatter",
    "steady_content.rules",
    "steady_content.tracks",
    "steady_content.pipeline",
)


class RuleError(Exception):
    """A rule is registered twice, or reports a code it does not own (a bug, not content)."""


@dataclass(frozen=True)
class Rule:
    """One lint code: what it means, when it is checked, and (except at ``parse``) how."""

    code: str
    summary: str
    stage: Stage
    check: Check | None = None

    def __call__(self, subject: Any) -> list[Problem]:
        """The problems of ``subject``; each must carry this rule's code."""
        if self.check is None:
            return []
        found = list(self.check(subject))
        for problem in found:
            if problem.code != self.code:
                raise RuleError(
                    f"rule {self.code} ({self.check.__name__}) reported {problem.code}: "
                    "register that code as its own rule"
                )
        return found


_REGISTRY: dict[str, Rule] = {}


def register(new: Rule) -> Rule:
    """Add ``new`` to the registry; a code is declared once."""
    if new.stage not in STAGES:
        raise RuleError(f"{new.code}: unknown stage '{new.stage}' (one of {', '.join(STAGES)})")
    existing = _REGISTRY.get(new.code)
    if existing is not None and _origin(existing) != _origin(new):
        raise RuleError(f"{new.code} is already registered ({existing.summary})")
    _REGISTRY[new.code] = new
    return new


def _origin(registered: Rule) -> tuple[str, str, str | None]:
    # The same rule registered again (its module reloaded) is not a second declaration.
    check = registered.check
    where = None if check is None else f"{check.__module__}.{check.__qualname__}"
    return registered.summary, registered.stage, where


def rule(code: str, summary: str, stage: Stage = "module") -> Callable[[Check], Rule]:
    """Decorator: register the decorated check as the rule for ``code``."""

    def decorate(check: Check) -> Rule:
        return register(Rule(code, summary, stage, check))

    return decorate


def declare(code: str, summary: str) -> Rule:
    """Register a ``parse``-stage code, reported by the parser rather than by a check."""
    return register(Rule(code, summary, "parse"))


def rules(stage: Stage | None = None) -> list[Rule]:
    """Every registered rule (of ``stage``), in the order they were registered."""
    for name in RULE_MODULES:
        importlib.import_module(name)
    return [r for r in _REGISTRY.values() if stage is None or r.stage == stage]


def codes() -> dict[str, Rule]:
    """Every registered rule by its code, sorted by code."""
    return {r.code: r for r in sorted(rules(), key=lambda r: r.code)}


def run(stage: Stage, subject: Any) -> Iterator[Problem]:
    """Run every rule of ``stage`` on ``subject``."""
    for registered in rules(stage):
        yield from registered(subject)


def check_registered(problems: Iterable[Problem]) -> None:
    """Raise ``RuleError`` if any problem carries a code no rule declares."""
    known = codes()
    for problem in problems:
        if problem.code not in known:
            raise RuleError(f"{problem.code} is reported but not registered: {problem}")


TABLE_START = "<!-- lint codes: generated by `steady-content codes --write`; do not edit -->"
TABLE_END = "<!-- end of lint codes -->"
STAGE_WORDS = {
    "parse": "reading the file",
    "module": "each module",
    "track": "each track",
    "folder": "the whole folder",
}


def table() -> str:
    """The Markdown table of every code, for ``docs/authoring.md``."""
    lines = ["| Code | Problem | Checked on |", "|---|---|---|"]
    for found in codes().values():
        lines.append(f"| {found.code} | {found.summary} | {STAGE_WORDS[found.stage]} |")
    return "\n".join(lines) + "\n"


def with_table(document: str) -> str:
    """``document`` with the text between the table markers replaced by ``table()``."""
    start, end = document.find(TABLE_START), document.find(TABLE_END)
    if start < 0 or end < start:
        raise RuleError(f"the document needs the markers {TABLE_START!r} and {TABLE_END!r}")
    return document[: start + len(TABLE_START)] + "\n" + table() + document[end:]
