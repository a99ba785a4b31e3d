"""Structured JSON logs. Only pseudonymous ids and codes: never names, emails or free text."""

from __future__ import annotations

import json
import logging
import sys

_logger = logging.getLogger("steady")
if not _logger.handlers:
    _handler = logging.StreamHandler(sys.stdout)
    _handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(_handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False


def event(name: str, level: int = logging.INFO, **fields: str | int | bool | None) -> None:
    """Log one event. Callers pass ids, codes and counts only."""
    _logger.log(level, json.dumps({"event": name, **fields}, separators=(",", ":"), sort_keys=True))
