"""The run-wide log hygiene check itself: a name in any value of a log line is a leak; the
same word as one of the service's fixed log words (a key, an event name, a method, a route
template) is not."""

from __future__ import annotations

import json

from tests.conftest import _LogHygiene


def _check(secret: str, line: dict[str, object]) -> list[tuple[str, str]]:
    hygiene = _LogHygiene()
    hygiene.remember(secret)
    hygiene.lines.append(json.dumps(line))
    return hygiene.leaks()


REQUEST = {"event": "request", "level": "INFO", "method": "POST", "route": "/groups"}


def test_a_name_in_a_value_is_found() -> None:
    assert _check("Ana Lopez", {**REQUEST, "code": "x Ana Lopez"})
    assert _check("Ana Lopez", {**REQUEST, "caller": "Ana Lopez"})


def test_a_drawn_value_equal_to_a_fixed_log_word_is_not_a_leak() -> None:
    for word in ("event", "request", "INFO", "POST", "/groups", "level"):
        assert _check(word, REQUEST) == [], word


def test_a_line_that_is_not_json_is_searched_whole() -> None:
    hygiene = _LogHygiene()
    hygiene.remember("Ana Lopez")
    hygiene.lines.append("Traceback: Ana Lopez")
    assert hygiene.leaks()
