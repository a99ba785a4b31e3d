"""The visibility rule (chalicelib.statuses.visible_to_leaders): what a group's leaders may
see of a participant's completions (and of their worksheet answers: worksheets.visible_answers)."""

from __future__ import annotations

import pytest

from chalicelib.records.completions import CompletedVersions
from chalicelib.records.worksheets import Answer, Worksheet
from chalicelib.statuses import visible_to_leaders
from chalicelib.worksheets import visible_answers, visible_fields

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


def test_visible_answers_come_in_the_worksheets_order_then_the_others_by_field_id():
    def answer(field_id: str, at: str = "2026-11-22T10:00:00Z") -> Answer:
        return Answer(field_id, "x", 1, "en", at, "short-text", field_id, None, None)

    answers = {f: answer(f) for f in ("b-old", "a-old", "start", "end", "body")}
    answers["early"] = answer("early", "2026-11-01T10:00:00Z")  # before joining: not shown
    sheet = Worksheet("p-1", "m", answers, True)
    in_order = visible_answers(sheet, JOINED, False, ("start", "end", "early", "body", "start"))
    assert [a.field_id for a in in_order] == ["start", "end", "body", "a-old", "b-old"]
    by_id = visible_answers(sheet, JOINED, False)
    assert [a.field_id for a in by_id] == ["a-old", "b-old", "body", "end", "start"]


EARLIER = (("2026-11-01T09:00:00Z", "2026-11-05T17:00:00Z"),)  # an earlier time in the group


@pytest.mark.parametrize(
    ("done_at", "joined_at", "visible"),
    [
        ("2026-11-01T09:00:00Z", JOINED, True),  # the earlier time's first second
        ("2026-11-05T17:00:00Z", JOINED, True),  # its last second: both ends included
        ("2026-11-03T12:00:00Z", "", True),  # a former member: only their earlier times count
        ("2026-11-05T17:00:01Z", JOINED, False),  # while out of the group: hidden
        ("2026-10-31T23:59:59Z", JOINED, False),  # before they ever joined: hidden
        ("2026-11-06T10:00:00Z", "", False),  # after a former member left: hidden
        ("2026-11-25T12:30:00Z", JOINED, False),  # while the group was archived: hidden
    ],
)
def test_answers_follow_the_earlier_times_in_the_group_as_completions_do(
    done_at, joined_at, visible
):
    """Someone enrolled again (or gone: no ``joined_at``) is seen for their earlier times in
    the group: one rule (``statuses.in_group_rule``) for completions and worksheet answers."""
    hidden = (("2026-11-25T12:00:00Z", ""),)
    completed = CompletedVersions("p-1", {"thinking-traps": {1: done_at}})
    shown = visible_to_leaders(completed, joined_at, False, EARLIER, hidden)
    assert (shown.latest("thinking-traps") is not None) is visible
    answer = Answer("start", "x", 1, "en", done_at, "short-text", "start", None, None)
    sheet = Worksheet("p-1", "m", {"start": answer}, True)
    assert bool(visible_answers(sheet, joined_at, False, (), hidden, EARLIER)) is visible
    assert bool(visible_fields({"start": done_at}, joined_at, False, hidden, EARLIER)) is visible


ARCHIVED = "2026-11-25T12:00:00.250000Z"


@pytest.mark.parametrize(
    ("done_at", "shares_history", "visible"),
    [
        ("2026-11-25T11:59:59Z", False, True),  # the second before the archive: shown
        ("2026-11-25T12:00:00Z", False, False),  # the same second: counts as after it
        ("2026-11-26T09:00:00Z", False, False),  # after: theirs alone
        ("2026-11-26T09:00:00Z", True, False),  # whatever they share with the group
        ("2026-11-19T09:00:00Z", True, True),  # history shared, from before: still shown
        ("2026-11-19T09:00:00Z", False, False),  # before joining, not shared: hidden
    ],
)
def test_nothing_from_the_archive_on_is_the_groups_to_see(done_at, shares_history, visible):
    """An archived group is one they left: what they do from then on is not its leaders' to
    see (their pages tell them nobody else sees it), completions and answers alike."""
    completed = CompletedVersions("p-1", {"thinking-traps": {1: done_at}})
    shown = visible_to_leaders(completed, JOINED, shares_history, (), ((ARCHIVED, ""),))
    assert (shown.latest("thinking-traps") is not None) is visible
    answer = Answer("start", "x", 1, "en", done_at, "short-text", "start", None, None)
    sheet = Worksheet("p-1", "m", {"start": answer}, True)
    assert bool(visible_answers(sheet, JOINED, shares_history, (), ((ARCHIVED, ""),))) is visible
    # An unreadable archive time shows nothing, rather than everything.
    unreadable = (("not a time", ""),)
    assert visible_to_leaders(completed, JOINED, shares_history, (), unreadable).completed == {}


@pytest.mark.parametrize(
    ("done_at", "visible"),
    [
        ("2026-11-25T11:59:59Z", True),  # before the archive
        ("2026-11-25T12:00:00Z", False),  # its second
        ("2026-11-27T08:00:00Z", False),  # while archived
        ("2026-11-28T09:00:00Z", True),  # the unarchive's second: in the group again
        ("2026-11-29T10:00:00Z", True),
    ],
)
def test_the_time_a_group_was_archived_stays_hidden_once_it_is_unarchived(done_at, visible):
    window = ((ARCHIVED, "2026-11-28T09:00:00.100000Z"),)
    completed = CompletedVersions("p-1", {"thinking-traps": {1: done_at}})
    for shares in (False, True):
        shown = visible_to_leaders(completed, JOINED, shares, (), window)
        assert (shown.latest("thinking-traps") is not None) is visible
