"""What "Before the session" is logged as having shown of each participant
(``worksheets.before_session_reads``): shared answers only for those whose answers are on
the page; for everyone else listed, whether they did the worksheet."""

from __future__ import annotations

import pytest

from chalicelib.records.worksheets import Answer
from chalicelib.statuses import WorksheetMark
from chalicelib.worksheets import (
    SHARED_ANSWERS_READ,
    WORKSHEET_MARK_READ,
    SharedWorksheet,
    before_session_reads,
)

AT = "2026-11-27T10:00:00Z"
ANSWER = Answer("urge-helpers", ["Walk"], 1, "en", AT, "list", "Helpers", None, "text")


def row(pid: str, shared: bool, answers: bool) -> SharedWorksheet:
    return SharedWorksheet(
        pid,
        pid,
        WorksheetMark(4, 1 if answers else 0, shared),
        shared,
        (ANSWER,) if answers else (),
    )


@pytest.mark.parametrize(
    ("rows", "reads"),
    [
        # shared, with answers on the page: their answers were seen
        ([row("a", True, True)], {SHARED_ANSWERS_READ: ["a"]}),
        # shared, nothing written since joining: only "Shared" and the mark
        ([row("b", True, False)], {WORKSHEET_MARK_READ: ["b"]}),
        # private: "Not started yet · Private"
        ([row("c", False, False)], {WORKSHEET_MARK_READ: ["c"]}),
        (
            [row("a", True, True), row("b", True, False), row("c", False, False)],
            {SHARED_ANSWERS_READ: ["a"], WORKSHEET_MARK_READ: ["b", "c"]},
        ),
        # an empty group: the page is still logged, as no one's answers
        ([], {SHARED_ANSWERS_READ: []}),
    ],
)
def test_each_participant_is_logged_for_what_the_page_showed_of_them(rows, reads) -> None:  # type: ignore[no-untyped-def]
    assert before_session_reads(rows) == reads
