"""The one clock. Everything that reads the time takes a ``Clock``; tests pass one whose
sources they control (fixed "now" for overdue, a monotonic time that moves on demand for caches)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock:
    """Wall time (``now``/``iso``/``today``/``epoch``) and a monotonic time for caches."""

    def __init__(
        self,
        timezone: str = "UTC",
        source: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            self._zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = ZoneInfo("UTC")
        self._source = source or (lambda: datetime.now(UTC))
        self._monotonic = monotonic

    def now(self) -> datetime:
        """The current UTC time."""
        return self._source().astimezone(UTC)

    def iso(self) -> str:
        """UTC time with microseconds, sortable as text (audit keys rely on that)."""
        return self.now().isoformat(timespec="microseconds").replace("+00:00", "Z")

    def iso_seconds(self) -> str:
        """UTC time to the second (completion times)."""
        return self.now().isoformat(timespec="seconds").replace("+00:00", "Z")

    def epoch(self) -> float:
        """Seconds since 1970 (token expiry, session lifetimes, DynamoDB TTL)."""
        return self.now().timestamp()

    def today(self) -> date:
        """Today's date where the program runs: due dates are the program's calendar days."""
        return self.now().astimezone(self._zone).date()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (cache ages; never a date)."""
        return self._monotonic()
