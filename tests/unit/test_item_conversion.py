"""The records' own conversion of attribute values (``records.table.to_value``/``from_value``)
gives exactly what boto3's TypeSerializer and TypeDeserializer give, for every type DynamoDB
stores, nested ones included, and refuses (with the same error) what boto3 refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.records.table import from_item, from_value, to_item, to_value

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOTO_OUT = TypeSerializer()
BOTO_IN = TypeDeserializer()

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=10**38 - 3, max_value=10**38 + 3),
    st.integers(min_value=-(10**38) - 3, max_value=-(10**38) + 3),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, max_value=10**20, min_value=-(10**20)
    ),
)
scalars = st.one_of(
    st.text(),
    numbers,
    st.booleans(),
    st.none(),
    st.binary(max_size=8),
    st.sets(st.text(max_size=5), max_size=4),
    st.sets(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=4),
    st.sets(st.binary(min_size=1, max_size=4), min_size=1, max_size=3),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=12,
)


def typed(value: Any) -> Any:
    """``value`` with the type of every part spelled out: ``1 == Decimal(1) == True`` in
    Python, so equality alone would not tell an int from a Decimal from a bool."""
    if isinstance(value, dict):
        return ("dict", {k: typed(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, set | frozenset):
        return ("set", sorted(repr(typed(v)) for v in value))
    if isinstance(value, Binary):
        return ("Binary", bytes(value.value))
    return (type(value).__name__, value)


def outcome(convert: Any, value: Any) -> Any:
    try:
        return typed(convert(value))
    except Exception as error:  # the same refusal as boto3, whatever it is
        return ("error", type(error).__name__)


@SETTINGS
@given(values)
def test_to_value_is_boto3s(value: Any) -> None:
    assert outcome(to_value, value) == outcome(BOTO_OUT.serialize, value)


@SETTINGS
@given(values)
def test_from_value_is_boto3s(value: Any) -> None:
    try:
        stored = BOTO_OUT.serialize(value)
    except Exception:
        return  # nothing DynamoDB could hold
    assert outcome(from_value, stored) == outcome(BOTO_IN.deserialize, stored)


@SETTINGS
@given(st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=6))
def test_items_round_trip_as_through_boto3(values_of: dict[str, Any]) -> None:
    try:
        expected = {k: BOTO_OUT.serialize(v) for k, v in values_of.items()}
    except Exception:
        return
    item = to_item(values_of)
    assert typed(item) == typed(expected)
    assert typed(from_item(item)) == typed({k: BOTO_IN.deserialize(v) for k, v in item.items()})


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("text", {"S": "text"}),
        ("", {"S": ""}),
        (0, {"N": "0"}),
        (-42, {"N": "-42"}),
        (10**38 - 1, {"N": str(10**38 - 1)}),
        (True, {"BOOL": True}),
        (False, {"BOOL": False}),
        (None, {"NULL": True}),
        ({"a": [1, "b", None]}, {"M": {"a": {"L": [{"N": "1"}, {"S": "b"}, {"NULL": True}]}}}),
        ({3, 1}, BOTO_OUT.serialize({3, 1})),
        ({"x"}, {"SS": ["x"]}),
        (Decimal("1.50"), {"N": "1.50"}),
        (b"\x00", {"B": b"\x00"}),
    ],
)
def test_each_stored_type(value: Any, stored: dict[str, Any]) -> None:
    assert to_value(value) == stored
    back = from_value(stored)
    assert typed(back) == typed(BOTO_IN.deserialize(stored))
    if isinstance(value, bool | str) or value is None:
        assert back is value or back == value
    elif isinstance(value, int):
        assert back == Decimal(value) and isinstance(back, Decimal)


@pytest.mark.parametrize("value", [1.5, float("nan"), 10**38, -(10**38), object()])
def test_refuses_what_boto3_refuses(value: Any) -> None:
    with pytest.raises(Exception) as ours:
        to_value(value)
    with pytest.raises(Exception) as boto3s:
        BOTO_OUT.serialize(value)
    assert type(ours.value) is type(boto3s.value)


@pytest.mark.parametrize("stored", [{}, {"X": "1"}])
def test_refuses_unknown_stored_types(stored: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        from_value(stored)


def test_plain_gives_json_numbers_for_what_dynamodb_reads_back() -> None:
    """``plain``: a free map read back (an audit entry's ``detail``) as ``json.dumps`` writes it."""
    import json

    from chalicelib.records.table import plain

    read = from_item(to_item({"detail": {"plans": 2, "days": [7, 0], "none": None, "ok": True}}))
    assert isinstance(read["detail"]["plans"], Decimal)  # what DynamoDB gives, as boto3
    shown = plain(read)
    assert shown == {"detail": {"plans": 2, "days": [7, 0], "none": None, "ok": True}}
    assert type(shown["detail"]["plans"]) is int
    assert [type(d) for d in shown["detail"]["days"]] == [int, int]
    assert plain(Decimal("1.5")) == 1.5 and type(plain(Decimal("1.5"))) is float
    assert plain(Decimal("-3.000")) == -3 and type(plain(Decimal("-3.000"))) is int
    assert plain({Decimal(2), Decimal(1)}) == [1, 2]
    assert plain({"b", "a"}) == ["a", "b"]
    assert json.dumps(shown)
