"""The last full day of a participant's access: the day before the one it ends on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.access import last_full_day

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("ends", "zone", "day"),
    [
        # 8:04 am in New York on Thu 17 Dec: that day is cut short, Wed 16 is the last full one.
        (datetime(2026, 12, 17, 13, 4, tzinfo=UTC), NEW_YORK, date(2026, 12, 16)),
        # 3 am UTC on the 18th is still the 17th in New York.
        (datetime(2026, 12, 18, 3, 0, tzinfo=UTC), NEW_YORK, date(2026, 12, 16)),
        # Ending at the program's midnight: the day before is whole.
        (datetime(2026, 12, 18, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 12, 17)),
        (datetime(2026, 12, 17, 23, 59, tzinfo=UTC), UTC, date(2026, 12, 16)),
    ],
)
def test_last_full_day(ends: datetime, zone: ZoneInfo, day: date) -> None:
    assert last_full_day(ends.timestamp(), zone) == day
