"""``reading_pages.lesson_context``: every variable the lesson page's template reads has its
default in one place, which the web app and ``steady-content preview`` both start from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes

from chalicelib.reading import ModuleReading
from chalicelib.statuses import COMPLETED, ModuleStatus
from chalicelib.web import render
from chalicelib.web.reading_pages import lesson_context

DOCUMENT = {
    "id": "a-module",
    "title": "A module",
    "locale": "en",
    "version": 1,
    "summary": "",
    "objectives": [],
    "references": [],
    "knowledge_check": [],
    "reading_minutes": 3,
    "sections": [],
    "html": "<p>Text.</p>",
}
QUESTIONS = ({"question": "Which?", "choices": ["This", "That"]},)


def reading(**changes: Any) -> ModuleReading:
    fields: dict[str, Any] = {
        "document": DOCUMENT,
        "current_version": 1,
        "questions": QUESTIONS,
        "can_complete": True,
        "status": None,
        "changes": (),
        "score": None,
        "feedback": (),
    }
    return ModuleReading(**{**fields, **changes})


def templates(name: str, env: jinja2.Environment) -> Iterator[tuple[str, nodes.Template]]:
    """``name`` and every template it extends, includes or imports, parsed."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        tree = env.parse(env.loader.get_source(env, current)[0])
        yield current, tree
        todo.extend(t for t in jinja2.meta.find_referenced_templates(tree) if t)


def optional(tree: nodes.Template) -> set[str]:
    """The names a template reads only where it asks ``is defined`` first (``worksheet``:
    there is none on a module without one) or with a ``default``."""
    defined = {
        test.node.name
        for test in tree.find_all(nodes.Test)
        if test.name == "defined" and isinstance(test.node, nodes.Name)
    }
    defaulted = {
        f.node.name
        for f in tree.find_all(nodes.Filter)
        if f.name == "default" and isinstance(f.node, nodes.Name)
    }
    return defined | defaulted


def own_names(tree: nodes.Template) -> set[str]:
    """Names the template gives itself: macros it defines or imports (called from its blocks)
    and its own ``{% set %}`` (one set in a branch is read as undeclared after it)."""
    names = {m.name for m in tree.find_all(nodes.Macro)}
    for imported in tree.find_all(nodes.FromImport):
        names.update(n if isinstance(n, str) else n[1] for n in imported.names)
    names.update(n.name for n in tree.find_all(nodes.Name) if n.ctx == "store")
    return names


def test_every_variable_of_the_lesson_page_has_a_default():
    env = render.environment()
    given = {**render.page_context("en"), **lesson_context(reading())}
    parsed = dict(templates("module.html", env))
    # ``worksheet_form.html`` is included only where ``worksheet is defined``: optional in all.
    guarded = set().union(*(optional(tree) for tree in parsed.values()))
    missing: dict[str, set[str]] = {}
    for name, tree in parsed.items():
        read = jinja2.meta.find_undeclared_variables(tree)
        without = read - given.keys() - env.globals.keys() - guarded - own_names(tree)
        if without:
            missing[name] = without
    # A variable new to the template gets its default in ``reading_pages.lesson_context`` (or,
    # for every page, in ``render.page_context``): the preview renders from them alone.
    assert missing == {}


def test_the_lesson_page_renders_from_the_defaults_alone():
    """With StrictUndefined (the app's environment), in each state of the knowledge check."""
    done = ModuleStatus("a-module", COMPLETED, 1, "2026-11-27T15:00:00Z")
    states = [
        reading(),
        reading(can_complete=False),
        reading(status=done),
        reading(status=done, attempts=1),
    ]
    for state in states:
        page = render.render("module.html", {**render.page_context("en"), **lesson_context(state)})
        assert "<h1>A module</h1>" in page
