"""One plan part edited in two windows (chalicelib.plan.merge_edits): the three-way merge
that keeps both windows' changes, so nothing a participant wrote is lost."""

from __future__ import annotations

import pytest

from chalicelib.plan import PlanItem, merge_edits


def items(*texts: str) -> list[PlanItem]:
    return [PlanItem(t) for t in texts]


def texts(found: tuple[PlanItem, ...]) -> list[str]:
    return [i.text for i in found]


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "merged", "added_there", "removed_there"),
    [
        # Walk 12, item 2: each window added one item; both kept, the one saved first first.
        (
            ("Mia", "A"),
            ("Mia", "A", "B2"),
            ("Mia", "A", "A2"),
            ("Mia", "A", "A2", "B2"),
            ("A2",),
            (),
        ),
        # Never saved before: the other window's first save, then this window's.
        ((), ("Sunday",), ("Payday",), ("Payday", "Sunday"), ("Payday",), ()),
        # Removed here, left alone there: stays removed.
        (("a", "b", "c"), ("b", "c"), ("a", "b", "c", "d"), ("b", "c", "d"), ("d",), ()),
        # Removed there, left alone here: stays removed, and is named.
        (("a", "b", "c"), ("a", "b", "c", "x"), ("a", "c"), ("a", "c", "x"), (), ("b",)),
        # Edited here: the item before removed, the edited one added in its place.
        (
            ("a", "b", "c"),
            ("a", "B!", "c"),
            ("a", "b", "c", "d"),
            ("a", "B!", "c", "d"),
            ("d",),
            (),
        ),
        # Edited in both windows: both edits kept, nothing typed is lost.
        (
            ("a", "b"),
            ("a", "b here"),
            ("a", "b there"),
            ("a", "b there", "b here"),
            ("b there",),
            (),
        ),
        # Added the same words in both: once.
        (("a",), ("a", "x"), ("a", "x"), ("a", "x"), (), ()),
        # Added first here: first.
        (("a", "b"), ("x", "a", "b"), ("a", "b", "y"), ("x", "a", "b", "y"), ("y",), ()),
        # Removed in both: gone, named in neither.
        (("a", "b"), ("b",), ("b",), ("b",), (), ()),
        # The other window changed only another part: this window's part as it would save it.
        (("a", "b"), ("b", "c"), ("a", "b"), ("b", "c"), (), ()),
    ],
)
def test_a_part_edited_in_two_windows_keeps_both_changes(
    base, mine, theirs, merged, added_there, removed_there
):
    found = merge_edits(items(*base), items(*mine), items(*theirs))
    assert texts(found.items) == list(merged)
    assert texts(found.added_there) == list(added_there)
    assert texts(found.removed_there) == list(removed_there)


def test_the_same_words_from_a_worksheet_and_typed_are_two_items():
    """An item is its words, phone and source: a typed item is not the worksheet answer."""
    typed, answer = PlanItem("Payday"), PlanItem("Payday", source="m/f/0123456789ab")
    found = merge_edits([], [typed], [answer])
    assert found.items == (answer, typed)


def test_a_number_changed_there_is_named_as_removed_there_and_saved_there():
    old, new = PlanItem("Mom", "555-010-1010"), PlanItem("Mom", "555-010-9999")
    found = merge_edits([old], [old], [new])
    assert found.items == (new,) and found.added_there == (new,) and found.removed_there == (old,)
