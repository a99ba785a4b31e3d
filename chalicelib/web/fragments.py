"""``{% cache key, ... %}…{% endcache %}``: a template fragment rendered once per key.

The parts of a page that are the same for everyone who sees them (a lesson's contents list and
questions, the worksheet before any answer, the navigation of a session) cost most of a page's
rendering; the rest is a handful of values. A fragment's key must name everything its body
reads: a published version is immutable, so ``module.id, module.version, module.locale`` names
its text. Never cache a fragment that shows a participant's answers or records.
``tests/functional/test_fragments.py`` renders every lesson page state with the cache on and off and
requires the same bytes.

Imported by ``render.environment`` only, so the JSON API never loads Jinja2 for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context

# Fragments kept per container, least recently used first out. Each module version and
# language has five shared by everyone (head, text, the text below a worksheet form, questions,
# sources); each signed-in session adds its navigation and its empty worksheets. 2,048 cover
# every module in both languages and a few hundred sessions, a few MB at most.
FRAGMENTS = 2048


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self._fragments: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        # Off: every fragment is rendered each time (the tests compare both ways).
        environment.extend(fragment_cache=self, fragment_cache_enabled=True)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.ContextReference(), nodes.List(key)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, context: Context, key: list[Any], caller: Callable[[], Any]) -> Any:
        # A preview (``steady-content preview``) shows a file being edited: same id and
        # version, new text. It is always rendered afresh.
        if not self.environment.fragment_cache_enabled or context.get("preview"):  # type: ignore[attr-defined]
            return caller()
        name = tuple(key)
        with self._lock:
            html = self._fragments.get(name)
            if html is not None:
                self._fragments.move_to_end(name)
                return html
        html = caller()
        with self._lock:
            self._fragments[name] = html
            while len(self._fragments) > FRAGMENTS:
                self._fragments.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._fragments.clear()
