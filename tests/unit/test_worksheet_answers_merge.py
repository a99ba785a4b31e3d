"""chalicelib.worksheets.merge_answers: the one rule for a worksheet save that comes after
another tab's or device's save (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.records.worksheets import Answer, Worksheet
from chalicelib.worksheets import base_of, merge_answers

SPECS: dict[str, dict[str, Any]] = {
    "where": {"id": "where", "kind": "short-text", "label": "Where"},
    "start": {"id": "start", "kind": "scale", "label": "Start"},
    "helps": {"id": "helps", "kind": "list", "label": "Helps", "max_items": 3},
}


def sheet(**values: Any) -> Worksheet:
    answers = {
        f: Answer(f, v, 1, "en", "2026-11-27T16:00:00Z", SPECS[f]["kind"], f, None, None)
        for f, v in values.items()
    }
    return Worksheet("p", "m", answers, save_token="t2")


def bases(**values: Any) -> dict[str, tuple[str, ...]]:
    return {f: base_of(SPECS[f]["kind"], values.get(f)) for f in SPECS}


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "values", "conflicts"),
    [
        # Only the other side changed it; this form's box as shown (even empty): theirs stays.
        ({}, {"where": None}, {"where": "Chest"}, {}, ()),
        ({"where": "Chest"}, {"where": "Chest"}, {"where": "Jaw"}, {}, ()),
        # Only this form changed it: this form's, an emptied box included.
        ({"where": "Chest"}, {"where": "Jaw"}, {"where": "Chest"}, {"where": "Jaw"}, ()),
        ({"where": "Chest"}, {"where": None}, {"where": "Chest"}, {"where": None}, ()),
        # Both changed it, to the same words: nothing to do; to others: a conflict.
        ({}, {"where": "Jaw"}, {"where": "Jaw"}, {}, ()),
        ({}, {"where": "Jaw"}, {"where": "Chest"}, {}, ("where",)),
        ({"where": "Chest"}, {"where": None}, {"where": "Jaw"}, {}, ("where",)),
        ({"start": 3}, {"start": 0}, {"start": 7}, {}, ("start",)),
        # A list both changed: the saved items, less those removed here, then those added here.
        ({}, {"helps": ["Walk"]}, {"helps": ["Call"]}, {"helps": ["Call", "Walk"]}, ()),
        (
            {"helps": ["Walk", "Call"]},
            {"helps": ["Call", "Breathe"]},
            {"helps": ["Walk", "Call", "Tea"]},
            {"helps": ["Call", "Tea", "Breathe"]},
            (),
        ),
        ({"helps": ["Walk"]}, {"helps": None}, {"helps": ["Walk", "Tea"]}, {"helps": ["Tea"]}, ()),
        # More than the list holds: the participant chooses.
        ({}, {"helps": ["A", "B"]}, {"helps": ["C", "D"]}, {}, ("helps",)),
    ],
)
def test_merge_rule(base, mine, theirs, values, conflicts):  # type: ignore[no-untyped-def]
    merged = merge_answers(SPECS, mine, sheet(**theirs), bases(**base))
    assert (merged.values, merged.conflicts) == (values, conflicts)


def test_without_the_forms_bases_any_field_that_differs_is_a_conflict():
    """The API carries no base of each field: it cannot tell who changed what."""
    merged = merge_answers(SPECS, {"where": "Jaw", "start": 4}, sheet(where="Chest", start=4), None)
    assert (merged.values, merged.conflicts) == ({}, ("where",))
