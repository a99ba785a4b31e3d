"""The one text rule (chalicelib.text): what a string from outside may hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import BadRequest
from chalicelib.text import (
    MAX_TEXT,
    NOISE,
    as_typed,
    ascii_digits,
    check_all,
    check_text,
    code_digits,
    problem,
    sentence,
    without_noise,
)


@pytest.mark.parametrize(
    "value", ["Tuesday group", "Grupo del martes ñ", "Zoë", "日本語", "🙂 emoji", ""]
)
def test_ordinary_text_is_kept(value):
    assert problem(value) is None
    assert check_text(value, "name") == value


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("\ud800", "unpaired surrogate", id="lone-high-surrogate"),
        pytest.param("a\udfffb", "unpaired surrogate", id="lone-low-surrogate"),
        pytest.param("Sam\nR.", "control characters", id="newline"),
        pytest.param("a\x00b", "control characters", id="nul"),
        pytest.param("a\x7fb", "control characters", id="del"),
        pytest.param("é\x85", "control characters", id="c1-next-line"),
        pytest.param("a\u2028b", "line breaks", id="line-separator"),
        pytest.param("a\u2029b", "line breaks", id="paragraph-separator"),
        pytest.param("x" * (MAX_TEXT + 1), "longer than", id="over-long"),
    ],
)
def test_odd_text_is_refused_naming_the_field(value, words):
    with pytest.raises(BadRequest) as caught:
        check_text(value, "display_name")
    assert caught.value.status == 400
    assert caught.value.code == "invalid_text"
    assert caught.value.message.startswith("display_name ")
    assert words in caught.value.message


def test_the_field_sets_its_own_limit():
    assert check_text("x" * 80, "A group name", 80) == "x" * 80
    with pytest.raises(BadRequest, match="longer than 80"):
        check_text("x" * 81, "A group name", 80)


def test_kept_text_is_nfc_normalised():
    assert check_text("Zoe\u0308", "name") == "Zo\u00eb"


def test_non_text_is_refused():
    with pytest.raises(BadRequest, match="must be text"):
        check_text(42, "name")


def test_check_all_walks_nested_values_and_keys():
    check_all({"a": ["b", 1, None, {"c": True}]}, "answers")
    for value in (["ok", "\ud800"], {"\x01": "ok"}, [[["\u2028"]]]):
        with pytest.raises(BadRequest, match="^answers "):
            check_all(value, "answers")


@pytest.mark.parametrize("value", ["One\nTwo", "One\r\n\r\nTwo", "One\rTwo", "a\tb", "Zoë\n日本"])
def test_a_multiline_field_keeps_line_breaks_and_tabs_that_others_refuse(value):
    assert problem(value, multiline=True) is None
    assert check_text(value, "answer", multiline=True) == value
    with pytest.raises(BadRequest, match="line breaks"):
        check_text(value, "name")


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x7fb", "é\x85", "a\u2028b", "\ud800\n"])
def test_a_multiline_field_still_refuses_other_controls_and_surrogates(value):
    with pytest.raises(BadRequest, match="^answer "):
        check_text(value, "answer", multiline=True)


def test_check_all_multiline_applies_to_values_never_to_keys():
    check_all({"a": ["one\ntwo", {"b": "three\r\nfour"}]}, "answers", multiline=True)
    with pytest.raises(BadRequest, match="^answers "):
        check_all({"a\nb": "ok"}, "answers", multiline=True)
    with pytest.raises(BadRequest, match="^answers "):
        check_all({"a": "one\ntwo"}, "answers")


def test_check_all_survives_deep_nesting():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    check_all(deep, "answers")  # no RecursionError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", True),
        ("12", True),
        ("1234567", True),
        ("12345678", False),
        ("", False),
        ("²", False),
        ("٣", False),
        ("1²", False),
        ("-1", False),
        (" 1", False),
        ("1.0", False),
    ],
)
def test_ascii_digits(value, expected):
    assert ascii_digits(value) is expected


@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_whatever_is_kept_encodes_as_utf8(value):
    """Whatever the rule lets through can be stored and logged: it encodes as UTF-8."""
    try:
        kept = check_text(value, "field")
    except BadRequest as error:
        assert error.code == "invalid_text"
        return
    kept.encode("utf-8")
    assert not any(ord(c) < 32 for c in kept)


@pytest.mark.parametrize(
    ("pasted", "one_line", "several_lines"),
    [
        ("Dana\t555", "Dana 555", "Dana\t555"),  # a spreadsheet's two cells
        ("first\u2028second", "first second", "first\nsecond"),  # a word processor's line
        ("first\u2029second", "first second", "first\nsecond"),
        ("page\x0cbreak", "page break", "page\nbreak"),
        ("a\r\nb", "a  b", "a\r\nb"),  # a textarea's own line break is left as sent
        ("bell\x07", "bell", "bell"),  # a control character nobody types is dropped
        ("\x00a\x1bb\x7f\x9b", "ab", "ab"),  # NUL, ESC, DEL, a C1 control
    ],
)
def test_as_typed_writes_pasted_spacing_as_the_box_showed_it(pasted, one_line, several_lines):
    assert as_typed(pasted) == one_line
    assert as_typed(pasted, multiline=True) == several_lines


@given(st.text())
def test_as_typed_text_loses_only_noise_and_leaves_only_what_problem_judges(value):
    for multiline in (False, True):
        typed = as_typed(value, multiline)
        assert len(typed) == len(value) - sum(c in NOISE for c in value)
        assert not set(typed) & (set("\u2028\u2029\x0b\x0c\x85") | NOISE)
        if not multiline:
            assert problem(typed) is None or problem(value) is not None
        # st.text() draws no surrogates: what a form could still be refused over is its length.
        assert problem(typed, multiline=multiline) in (None, problem(value, multiline=multiline))
        if len(value) <= MAX_TEXT:
            assert problem(typed, multiline=multiline) is None


@given(st.text())
def test_without_noise_drops_only_noise(value):
    assert without_noise(value) == "".join(c for c in value if c not in NOISE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For everyone", "For everyone."),
        ("For Maria G.", "For Maria G."),  # the name's own full stop ends it: no "G.."
        ("Assigned to Jo!", "Assigned to Jo!"),
        ("For Sam P", "For Sam P."),
    ],
)
def test_a_sentence_ends_with_one_full_stop(text, expected):
    assert sentence(text) == expected


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("846078", "846078"),
        ("846 078", "846078"),
        (" 846 078 ", "846078"),
        ("846-078", "846078"),
        ("846 - 078", "846078"),
        ("846\u2011078", "846078"),  # a phone's non-breaking hyphen
        ("846\u00a0078", "846078"),  # a pasted non-breaking space
        ("84 60 78", "846078"),
    ],
)
def test_a_code_is_its_digits_whatever_spaces_and_dashes_a_person_puts_between(typed, digits):
    assert code_digits(typed) == digits


@pytest.mark.parametrize(
    "typed", ["", "84607", "8460789", "846.078", "846o78", "８４６０７８", "846_078", None, 846078]
)
def test_a_code_is_six_ascii_digits_and_nothing_else(typed):
    assert code_digits(typed) is None
