"""The one rule for what a participant's home says of a module's worksheet
(``worksheets.worksheet_progress``): the stored counts of the current version, else "not
started" where the catalog says there is a worksheet and nothing was saved, else nothing."""

from __future__ import annotations

import pytest

from chalicelib.records.worksheets import WorksheetCounts
from chalicelib.worksheets import WorksheetProgress, worksheet_progress


@pytest.mark.parametrize(
    ("catalog_fields", "saved", "counts", "expected"),
    [
        (4, True, WorksheetCounts(2, 4, 3), WorksheetProgress(2, 4)),
        (4, True, WorksheetCounts(4, 4, 3), WorksheetProgress(4, 4)),
        (4, False, None, WorksheetProgress(0, 4)),  # never saved: not started
        (4, True, WorksheetCounts(0, 4, 3), WorksheetProgress(0, 4)),  # every answer emptied
        (4, True, None, None),  # saved before the counts were stored: unknown
        (4, True, WorksheetCounts(2, 4, 2), None),  # counted on an older version
        (None, True, WorksheetCounts(2, 4, 3), WorksheetProgress(2, 4)),  # old catalog
        (None, False, None, None),  # old catalog, never saved: not known to have one
        (0, False, None, None),  # no worksheet
        (0, True, WorksheetCounts(2, 4, 3), None),  # the latest version has none
        (True, False, None, None),  # not a number
    ],
)
def test_what_home_says_of_a_worksheet(catalog_fields, saved, counts, expected):  # type: ignore[no-untyped-def]
    assert worksheet_progress(catalog_fields, 3, saved, counts) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"answered": 2, "fields": 4, "version": 1}, WorksheetCounts(2, 4, 1)),
        (None, None),
        ({"answered": 5, "fields": 4, "version": 1}, None),
        ({"answered": 0, "fields": 0, "version": 1}, None),
        ({"answered": "x", "fields": 4, "version": 1}, None),
        ({"fields": 4, "version": 1}, None),
    ],
)
def test_stored_counts_read_back_or_unknown(record, expected):  # type: ignore[no-untyped-def]
    assert WorksheetCounts.from_record(record) == expected
