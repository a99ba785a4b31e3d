"""Request validation: JSON bodies, query parameters, module ids, versions and page tokens."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.api import MAX_BODY_BYTES, MAX_QUERY_VALUE, _body, _query
from chalicelib.errors import BadRequest, PayloadTooLarge, SteadyError
from chalicelib.library import MAX_MODULE_ID_LENGTH, MAX_VERSION, check_module_id, parse_version
from chalicelib.records.table import RecordTable

FIELDS = {"module_id": str, "version": int}


def body_error(raw: bytes | None, fields: dict[str, type] = FIELDS) -> SteadyError:
    with pytest.raises(SteadyError) as caught:
        _body(raw, fields)
    return caught.value


# --- _body -----------------------------------------------------------------------------------


def test_a_valid_body_is_returned_as_a_dict():
    assert _body(b'{"module_id": "coping", "version": 2}', FIELDS) == {
        "module_id": "coping",
        "version": 2,
    }


def test_an_empty_field_list_accepts_an_empty_object():
    assert _body(b"{}", {}) == {}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"module_id": "caf\xe9", "version": 1}', id="latin-1-bytes"),
        pytest.param(b"\xff\xfe{}", id="utf16-bom"),
    ],
)
def test_invalid_utf8_is_invalid_json(raw):
    error = body_error(raw)

    assert isinstance(error, BadRequest)
    assert error.code == "invalid_json"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(None, id="no-body"),
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b"{'module_id': 'coping'}", id="single-quotes"),
        pytest.param(b'{"module_id": "coping",}', id="trailing-comma"),
        pytest.param(b"module_id=coping&version=1", id="form-encoded"),
    ],
)
def test_invalid_json_is_invalid_json(raw):
    error = body_error(raw)

    assert error.status == 400
    assert error.code == "invalid_json"


@pytest.mark.parametrize(
    "raw", [b"[]", b'[{"module_id": "coping", "version": 1}]', b'"x"', b"1", b"null"]
)
def test_a_body_that_is_not_an_object_is_invalid_json(raw):
    error = body_error(raw)

    assert error.code == "invalid_json"
    assert error.message == "The request body must be a JSON object."


def test_an_unknown_field_is_refused():
    error = body_error(b'{"module_id": "coping", "version": 1, "admin": true}')

    assert error.code == "unknown_field"
    assert error.message == "Unknown field: admin."


def test_an_unknown_field_name_is_truncated_in_the_message():
    error = body_error(json.dumps({"x" * 500: 1}).encode(), {})

    assert error.code == "unknown_field"
    assert len(error.message) < 60


def test_a_missing_field_is_refused():
    error = body_error(b'{"module_id": "coping"}')

    assert error.code == "missing_field"
    assert error.message == "The field version is required."


INT = "The field version must be a whole number."
STR = "The field module_id must be a string."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b'{"module_id": "coping", "version": "2"}', INT, id="string-for-int"),
        pytest.param(b'{"module_id": "coping", "version": 2.0}', INT, id="float-for-int"),
        pytest.param(b'{"module_id": "coping", "version": null}', INT, id="null-for-int"),
        pytest.param(b'{"module_id": "coping", "version": true}', INT, id="bool-for-int"),
        pytest.param(b'{"module_id": 7, "version": 2}', STR, id="int-for-string"),
        pytest.param(b'{"module_id": ["coping"], "version": 2}', STR, id="list-for-string"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(raw, message):
    error = body_error(raw)

    assert error.code == "invalid_field"
    assert error.message == message


def test_a_bool_field_accepts_only_bools():
    assert _body(b'{"done": false}', {"done": bool}) == {"done": False}
    error = body_error(b'{"done": 0}', {"done": bool})
    assert error.code == "invalid_field"
    assert error.message == "The field done must be true or false."  # not "a true or false"


def test_a_body_of_exactly_the_limit_is_read():
    padding = MAX_BODY_BYTES - len(b'{"note": ""}')
    raw = json.dumps({"note": "x" * padding}).encode()
    assert len(raw) == MAX_BODY_BYTES

    assert _body(raw, {"note": str}) == {"note": "x" * padding}


def test_a_body_over_4096_bytes_is_payload_too_large():
    raw = json.dumps({"note": "x" * MAX_BODY_BYTES}).encode()

    error = body_error(raw, {"note": str})

    assert MAX_BODY_BYTES == 4096
    assert isinstance(error, PayloadTooLarge)
    assert (error.status, error.code) == (413, "payload_too_large")


def test_the_size_limit_counts_bytes_not_characters():
    # 2,100 characters, 4,200+ bytes of UTF-8.
    raw = json.dumps({"note": "é" * 2100}, ensure_ascii=False).encode()
    assert len(raw) > MAX_BODY_BYTES > len(raw.decode())

    assert isinstance(body_error(raw, {"note": str}), PayloadTooLarge)


def test_deeply_nested_json_is_a_400_not_a_crash():
    raw = b"[" * (MAX_BODY_BYTES // 2) + b"]" * (MAX_BODY_BYTES // 2)
    assert len(raw) == MAX_BODY_BYTES

    error = body_error(raw)

    assert error.code == "invalid_json"


# --- _query ----------------------------------------------------------------------------------


def test_allowed_query_parameters_are_returned():
    allowed = frozenset({"page_token", "limit"})

    assert _query({"limit": "10"}, allowed) == {"limit": "10"}
    assert _query(None, allowed) == {}
    assert _query({}, frozenset()) == {}


def test_an_unknown_query_parameter_is_refused():
    with pytest.raises(BadRequest) as caught:
        _query({"limit": "10", "debug": "1"}, frozenset({"limit"}))

    assert caught.value.code == "unknown_parameter"
    assert caught.value.message == "Unknown query parameter: debug."


def test_any_query_parameter_is_unknown_on_a_route_that_takes_none():
    with pytest.raises(BadRequest) as caught:
        _query({"limit": "10"}, frozenset())

    assert caught.value.code == "unknown_parameter"


def test_a_query_value_over_the_limit_is_refused():
    allowed = frozenset({"page_token"})
    assert _query({"page_token": "x" * MAX_QUERY_VALUE}, allowed)

    with pytest.raises(BadRequest) as caught:
        _query({"page_token": "x" * (MAX_QUERY_VALUE + 1)}, allowed)

    assert caught.value.code == "invalid_parameter"


# --- check_module_id -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module_id", ["coping", "a", "cravings-and-urge-surfing", "step-2", "a" * MAX_MODULE_ID_LENGTH]
)
def test_well_formed_module_ids_are_returned(module_id):
    assert check_module_id(module_id) == module_id


@pytest.mark.parametrize(
    "module_id",
    [
        pytest.param("../x", id="path-traversal"),
        pytest.param("a/b", id="slash"),
        pytest.param("A", id="uppercase"),
        pytest.param("", id="empty"),
        pytest.param("a" * (MAX_MODULE_ID_LENGTH + 1), id="81-chars"),
        pytest.param("coping_skills", id="underscore"),
        pytest.param("coping--skills", id="double-hyphen"),
        pytest.param("-coping", id="leading-hyphen"),
        pytest.param("coping-", id="trailing-hyphen"),
        pytest.param("cóping", id="accent"),
        pytest.param("coping skills", id="space"),
        pytest.param("%2e%2e", id="encoded-dots"),
        pytest.param(None, id="none"),
        pytest.param(7, id="int"),
        pytest.param(["coping"], id="list"),
    ],
)
def test_malformed_module_ids_are_bad_requests(module_id):
    with pytest.raises(BadRequest) as caught:
        check_module_id(module_id)

    assert caught.value.code == "invalid_module_id"


def test_module_id_with_trailing_newline_is_refused():
    with pytest.raises(BadRequest):
        check_module_id("coping\n")


# --- parse_version ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "version"),
    [
        (1, 1),
        ("1", 1),
        ("42", 42),
        ("007", 7),
        (MAX_VERSION, MAX_VERSION),
        (str(MAX_VERSION), MAX_VERSION),
    ],
)
def test_versions_are_whole_numbers_from_one(value, version):
    assert parse_version(value) == version


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("1e3", id="exponent"),
        pytest.param("0", id="zero-string"),
        pytest.param(0, id="zero"),
        pytest.param("-1", id="negative-string"),
        pytest.param(-1, id="negative"),
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param("\uff10", id="fullwidth-zero"),
        pytest.param("\uff11", id="fullwidth-one"),
        pytest.param("\u00b2", id="superscript-two"),
        pytest.param("\u0661", id="arabic-indic-one"),
        pytest.param("", id="empty"),
        pytest.param(" 1", id="leading-space"),
        pytest.param("1.0", id="decimal-string"),
        pytest.param(1.0, id="float"),
        pytest.param("0x10", id="hex"),
        pytest.param(None, id="none"),
        pytest.param(MAX_VERSION + 1, id="over-max"),
        pytest.param("99999999", id="eight-digits"),
        pytest.param("9" * 5000, id="huge-string"),
    ],
)
def test_anything_else_is_an_invalid_version(value):
    with pytest.raises(BadRequest) as caught:
        parse_version(value)

    assert caught.value.code == "invalid_version"


# --- Page tokens -----------------------------------------------------------------------------

PK = "PARTICIPANT#5f0c-user"


def token_for(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_page_token_round_trips():
    last_key = {"PK": {"S": PK}, "SK": {"S": "COMPLETION#coping#2"}}

    token = RecordTable.encode_page_token(last_key)

    assert "=" not in token and "+" not in token and "/" not in token
    assert RecordTable.decode_page_token(token, PK, "COMPLETION#") == last_key


def test_the_partition_always_comes_from_the_caller():
    token = RecordTable.encode_page_token(
        {"PK": {"S": "PARTICIPANT#victim"}, "SK": {"S": "COMPLETION#x"}}
    )

    # The token carries only the sort key...
    assert json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) == {
        "sk": "COMPLETION#x"
    }
    # ...so decoding it can only ever page through the caller's own partition.
    assert RecordTable.decode_page_token(token, PK, "COMPLETION#") == {
        "PK": {"S": PK},
        "SK": {"S": "COMPLETION#x"},
    }


def test_no_last_key_means_no_token_and_no_token_means_the_first_page():
    assert RecordTable.encode_page_token(None) is None
    assert RecordTable.encode_page_token({}) is None
    assert RecordTable.decode_page_token(None, PK, "COMPLETION#") is None
    assert RecordTable.decode_page_token("", PK, "COMPLETION#") is None


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("garbage!!", id="not-base64"),
        pytest.param("x", id="one-char"),
        pytest.param("é", id="non-ascii"),
        pytest.param(base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(), id="not-utf8"),
        pytest.param(token_for(["COMPLETION#x"]), id="json-list"),
        pytest.param(token_for("COMPLETION#x"), id="json-string"),
        pytest.param(token_for(7), id="json-number"),
        pytest.param(token_for({"SK": "COMPLETION#x"}), id="wrong-key"),
        pytest.param(token_for({"sk": 7}), id="sk-not-text"),
        pytest.param(token_for({"sk": None}), id="sk-null"),
        pytest.param(token_for({"sk": "PROFILE#5f0c-user"}), id="other-prefix"),
        pytest.param(token_for({"sk": "completion#x"}), id="prefix-wrong-case"),
        pytest.param(token_for({"sk": "COMPLETION#" + "x" * 200}), id="too-long"),
    ],
)
def test_a_bad_page_token_is_a_bad_request(token):
    with pytest.raises(BadRequest) as caught:
        RecordTable.decode_page_token(token, PK, "COMPLETION#")

    assert caught.value.code == "invalid_page_token"


def test_a_token_for_another_listing_is_refused():
    token = RecordTable.encode_page_token({"PK": {"S": PK}, "SK": {"S": "ASSIGNMENT#group-1"}})

    with pytest.raises(BadRequest) as caught:
        RecordTable.decode_page_token(token, PK, "COMPLETION#")

    assert caught.value.code == "invalid_page_token"


# --- wants_page (an unknown address: the 404 page or the JSON 404) ----------------------------


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium
        ("text/html, */*", True),
        ("TEXT/HTML", True),
        ("text/html;q=0.9, application/json;q=0.5", True),
        (None, False),  # curl, urllib, most API clients
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("text/html;q=nonsense", False),
        ("text/htmlx", False),
    ],
)
def test_a_page_is_for_a_caller_whose_accept_prefers_html(accept, page):
    from chalicelib.web.http import wants_page

    assert wants_page(accept) is page
