"""The visibility rule (chalicelib.statuses.visible_to_leaders): what a group's leaders may
see of a participant's completions."""

from __future__ import annotations

import pytest

from chalicelib.records.completions import CompletedVersions
from chalicelib.statuses import visible_to_leaders

JOINED = "2026-11-20T15:00:00.500000Z"


@pytest.mark.parametrize(
    ("completed_at", "shares_history", "visible"),
    [
        ("2026-11-19T09:00:00Z", False, False),  # the day before joining: hidden
        ("2026-11-20T14:59:59Z", False, False),  # one second before: hidden
        ("2026-11-20T15:00:00Z", False, True),  # the same second: counts as after
        ("2026-11-20T15:00:01Z", False, True),  # after joining: shown
        ("2026-11-21T08:00:00Z", False, True),
        ("2026-11-19T09:00:00Z", True, True),  # history shared: everything
        ("", False, False),  # an unreadable time is never shown
        ("", True, True),
    ],
)
def test_a_completion_is_visible_from_joining_unless_history_is_shared(
    completed_at, shares_history, visible
):
    completed = CompletedVersions("p-1", {"thinking-traps": {1: completed_at}})
    shown = visible_to_leaders(completed, JOINED, shares_history)
    assert (shown.latest("thinking-traps") is not None) is visible


def test_only_the_versions_completed_after_joining_are_kept():
    completed = CompletedVersions(
        "p-1",
        {
            "thinking-traps": {1: "2026-11-01T10:00:00Z", 2: "2026-11-22T10:00:00Z"},
            "sleep-basics": {1: "2026-11-02T10:00:00Z"},
        },
    )
    shown = visible_to_leaders(completed, JOINED, False)
    assert shown.completed == {"thinking-traps": {2: "2026-11-22T10:00:00Z"}}
    assert shown.latest("sleep-basics") is None
    assert completed.completed["sleep-basics"] == {
        1: "2026-11-02T10:00:00Z"
    }  # the input is untouched


def test_an_unreadable_joining_time_shows_nothing_unless_shared():
    completed = CompletedVersions("p-1", {"thinking-traps": {1: "2026-11-22T10:00:00Z"}})
    assert visible_to_leaders(completed, "not a time", False).completed == {}
    assert visible_to_leaders(completed, "not a time", True) is completed
