"""The warnings about an assignment's dates (``assignments.date_warnings``): one rule, said by
the web pages and the API."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.assignments import (
    DUE_AFTER_SESSION,
    DUE_LONG_AGO,
    DUE_PASSED,
    SESSION_LONG_AFTER_DUE,
    date_warnings,
)

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("due", "session", "expected"),
    [
        (None, None, ()),
        ("2026-12-09", "2026-12-02", (DUE_AFTER_SESSION,)),
        ("2026-12-02", "2026-12-02", ()),  # due on the session day
        ("2026-12-01", "2026-12-09", ()),  # due today: not passed yet
        ("2026-11-30", None, (DUE_PASSED,)),
        ("2026-11-30", "2026-11-29", (DUE_AFTER_SESSION, DUE_PASSED)),
        (None, "2026-11-02", ()),  # a session date alone, even a past one
        ("2026-12-20", None, ()),
        # More than 4 weeks ago (a mistyped year?); 4 weeks exactly is only passed.
        ("2026-11-03", None, (DUE_PASSED,)),
        ("2026-11-02", None, (DUE_PASSED, DUE_LONG_AGO)),
        ("2020-01-01", None, (DUE_PASSED, DUE_LONG_AGO)),
        # A session more than 4 weeks after the due date; 4 weeks is a long reading, fine.
        ("2026-12-02", "2026-12-30", ()),
        ("2026-12-02", "2026-12-31", (SESSION_LONG_AFTER_DUE,)),
        ("2020-01-01", "2026-11-20", (SESSION_LONG_AFTER_DUE, DUE_PASSED, DUE_LONG_AGO)),
    ],
)
def test_date_warnings(due: str | None, session: str | None, expected: tuple[str, ...]) -> None:
    assert date_warnings(due, session, TODAY) == expected
