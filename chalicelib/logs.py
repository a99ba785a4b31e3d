"""Structured JSON logs. Only pseudonymous ids and codes: never names, emails or free text."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar, Token
from typing import Any, TextIO

_logger = logging.getLogger("steady")
# Set up once per process, even if someone (a test harness) attached a handler first.
if not any(getattr(h, "steady_stdout", False) for h in _logger.handlers):
    _handler = logging.StreamHandler(sys.stdout)
    _handler.setFormatter(logging.Formatter("%(message)s"))
    _handler.steady_stdout = True  # type: ignore[attr-defined]
    _logger.addHandler(_handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False


def write_to(stream: TextIO) -> None:
    """Write the log lines to ``stream`` instead of stdout. ``make bench`` sends them to a
    counter: each line still costs what it costs in Lambda, and the report stays readable."""
    for handler in _logger.handlers:
        if getattr(handler, "steady_stdout", False) and isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)


# Fields every line of the current request carries (the request id), set by the API middleware.
_bound: ContextVar[dict[str, str] | None] = ContextVar("steady_log_fields", default=None)


def bind(**fields: str) -> Token[Any]:
    """Add ``fields`` (e.g. ``request_id``) to every event logged until ``unbind``."""
    return _bound.set({**(_bound.get() or {}), **fields})


def unbind(token: Token[Any]) -> None:
    _bound.reset(token)


def event(name: str, level: int = logging.INFO, **fields: str | int | float | bool | None) -> None:
    """Log one event. Callers pass ids, codes and counts only."""
    record = {"event": name, "level": logging.getLevelName(level), **(_bound.get() or {}), **fields}
    _logger.log(level, json.dumps(record, separators=(",", ":"), sort_keys=True, default=str))


class Counted:
    """A scheduled run's report (a dataclass): its whole-number fields are the counts its log
    line and its answer give (flags and lists are left out)."""

    def counts(self) -> dict[str, int]:
        return {
            k: v for k, v in self.__dict__.items() if isinstance(v, int) and not isinstance(v, bool)
        }
