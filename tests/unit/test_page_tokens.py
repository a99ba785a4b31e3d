"""Page tokens, decoded strictly: a client's token becomes an ExclusiveStartKey only when it
is byte for byte one we made for that very Query (``RecordTable.decode_page_token``, the admin
audit trail's ``AuditRecords._decode``). Real DynamoDB answers a start key that does not fit
(an extra or missing attribute, another type, an empty or invalid string, a key outside the
key condition) with a ValidationException, which was a 503; moto answers most of them 200, so
these properties, not a moto run, are the proof. Any other token is 400 ``invalid_page_token``.
And should DynamoDB still refuse a start key, that is a 400 too (``query_after_token``)."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chalicelib.errors import BadRequest, ServiceUnavailable
from chalicelib.records.audit import AuditRecords
from chalicelib.records.table import RecordTable

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PK = "PARTICIPANT#p-1"
PREFIX = "COMPLETION#"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def as_token(value: Any) -> str:
    return b64(json.dumps(value).encode())


def fits_dynamodb(key: dict[str, Any]) -> bool:
    """What DynamoDB takes as this Query's ExclusiveStartKey: exactly PK and SK, strings, the
    caller's partition, an SK inside the key condition, non-empty valid UTF-8 within 1 KB."""
    if set(key) != {"PK", "SK"} or key["PK"] != {"S": PK} or set(key["SK"]) != {"S"}:
        return False
    sk = key["SK"]["S"]
    return isinstance(sk, str) and sk.startswith(PREFIX) and 0 < len(sk.encode("utf-8")) <= 1024


def decoded_or_refused(token: str) -> dict[str, Any] | None:
    try:
        key = RecordTable.decode_page_token(token, PK, PREFIX)
    except BadRequest as refused:
        assert refused.code == "invalid_page_token" and refused.status == 400
        return None
    assert key is not None
    assert fits_dynamodb(key), key
    assert RecordTable.encode_page_token(key) == token  # only what we made
    return key


@SETTINGS
@given(st.text(max_size=300))
@example("eyJzayI6ICJDT01QTEVUSU9OI3gifQ!!!")  # ours, with characters base64 skips
@example("eyJzayI6ICJDT01QTEVUSU9OI3gifQ==")  # ours, padded
def test_any_text_is_a_start_key_dynamodb_takes_or_a_400(token: str) -> None:
    if token:
        decoded_or_refused(token)


@SETTINGS
@given(json_values)
@example({"sk": "COMPLETION#\ud800"})  # a lone surrogate: JSON carries it, UTF-8 cannot
@example({"sk": ""})
@example({"sk": "COMPLETION#x", "pk": "PARTICIPANT#someone-else"})
@example({"sk": "COMPLETION#x", "extra": 1})
@example({"sk": {"S": "COMPLETION#x"}})
@example({"sk": ["COMPLETION#x"]})
def test_any_json_in_base64_is_a_start_key_dynamodb_takes_or_a_400(value: Any) -> None:
    decoded_or_refused(as_token(value))


@SETTINGS
@given(st.text(max_size=200))
def test_what_we_make_we_take_back(rest: str) -> None:
    sk = PREFIX + rest
    token = RecordTable.encode_page_token({"PK": {"S": PK}, "SK": {"S": sk}})
    assert token is not None
    key = decoded_or_refused(token)
    try:
        sk.encode("utf-8")
        good = len(sk) <= 200
    except UnicodeEncodeError:
        good = False
    assert (key == {"PK": {"S": PK}, "SK": {"S": sk}}) if good else key is None


@pytest.mark.parametrize(
    "value",
    [
        {"sk": "COMPLETION#\ud800"},
        {"sk": "COMPLETION#x", "pk": "PARTICIPANT#someone-else"},
        {"sk": "COMPLETION#x", "extra": 1},
    ],
)
def test_tokens_that_were_taken_before_are_refused(value: Any) -> None:
    with pytest.raises(BadRequest):
        RecordTable.decode_page_token(as_token(value), PK, PREFIX)


# -- the admin audit trail's own token: {"day", "sk"} ---------------------------------------------


AUDIT = AuditRecords(None, "table")


def audit_decoded_or_refused(token: str) -> tuple[date, str | None] | None:
    try:
        day, sk = AUDIT._decode(token)
    except BadRequest as refused:
        assert refused.code == "invalid_page_token"
        return None
    assert AUDIT._encode(day, sk) == token
    if sk is not None:
        assert sk.startswith(day.isoformat()) and 0 < len(sk.encode("utf-8")) <= 1024
    return day, sk


@SETTINGS
@given(json_values | st.fixed_dictionaries({"day": json_values, "sk": json_values}))
@example({"day": "2026-11-20", "sk": "2026-11-20T10:00\ud800"})
@example({"day": "2026-11-20", "sk": "2026-11-20", "x": 1})
@example({"day": "2026-11-20", "sk": ""})
def test_any_admin_token_is_a_start_key_dynamodb_takes_or_a_400(value: Any) -> None:
    audit_decoded_or_refused(as_token(value))


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_as_an_admin_token_too(token: str) -> None:
    if token:
        audit_decoded_or_refused(token)


def test_an_admin_token_we_made_is_taken_back() -> None:
    token = AUDIT._encode(date(2026, 11, 20), "2026-11-20T10:00:00Z#e-1")
    assert AUDIT._decode(token) == (date(2026, 11, 20), "2026-11-20T10:00:00Z#e-1")


# -- a start key DynamoDB refuses all the same: 400, not 503 ----------------------------------------


class Refusing:
    def query(self, **request: Any) -> dict[str, Any]:
        raise ClientError(
            {"Error": {"Code": "ValidationException", "Message": "The provided starting key"}},
            "Query",
        )


def test_a_start_key_dynamodb_refuses_is_a_400_not_a_503() -> None:
    table = RecordTable(Refusing(), "table")
    token = RecordTable.encode_page_token({"PK": {"S": PK}, "SK": {"S": "COMPLETION#x"}})
    with pytest.raises(BadRequest) as refused:
        table.query_page(PK, PREFIX, token, 10)
    assert refused.value.code == "invalid_page_token"
    # Without a client's start key the same refusal is ours: still "unavailable", logged.
    with pytest.raises(ServiceUnavailable):
        table.query_page(PK, PREFIX, None, 10)
