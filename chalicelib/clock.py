"""Time, injected: services take a ``Clock`` so tests can fix "now" (e.g. for overdue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock:
    def __init__(self, timezone: str = "UTC", source: Callable[[], datetime] | None = None) -> None:
        try:
            self._zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = ZoneInfo("UTC")
        self._source = source or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._source().astimezone(UTC)

    def iso(self) -> str:
        """UTC time with microseconds, sortable as text (audit keys rely on that)."""
        return self.now().isoformat(timespec="microseconds").replace("+00:00", "Z")

    def today(self) -> date:
        """Today's date where the program runs: due dates are the program's calendar days."""
        return self.now().astimezone(self._zone).date()
