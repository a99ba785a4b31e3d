"""A phone number written for someone to call (chalicelib.phone_numbers): an extension is
part of a real clinic number, any other letter is not; the tel: link dials the number alone."""

from __future__ import annotations

import pytest

from chalicelib.phone_numbers import is_phone_number, split_extension, tel
from chalicelib.plan import split_phone


@pytest.mark.parametrize(
    ("phone", "number", "extension", "dialled"),
    [
        ("(555) 010-2020 ext. 4", "(555) 010-2020", "4", "5550102020"),
        ("(555) 010-2020 ext 4", "(555) 010-2020", "4", "5550102020"),
        ("(555) 010-2020 x4", "(555) 010-2020", "4", "5550102020"),
        ("555 010 2020 X 12", "555 010 2020", "12", "5550102020"),
        ("555 010 2020 extension 4", "555 010 2020", "4", "5550102020"),
        ("555 010 2020 extensión 4", "555 010 2020", "4", "5550102020"),
        ("555 010 2020, Ext. 4", "555 010 2020", "4", "5550102020"),
        ("555 010 2020 ext.4", "555 010 2020", "4", "5550102020"),
        ("+1 (555) 010-2020 ext. 4", "+1 (555) 010-2020", "4", "+15550102020"),
        ("+1 555 010 0134", "+1 555 010 0134", "", "+15550100134"),
        ("555-0101", "555-0101", "", "5550101"),
    ],
)
def test_an_extension_is_accepted_and_left_out_of_the_link(phone, number, extension, dialled):
    assert is_phone_number(phone)
    assert split_extension(phone) == (number, extension)
    assert tel(phone) == dialled


@pytest.mark.parametrize(
    "phone",
    [
        "call me maybe",
        "ask at desk",
        "555 next 4",  # "ext" inside a word is not an extension
        "x4",  # an extension without a number
        "ext. 4",
        "555 010 2020 ext.",  # an extension word without digits
        "555 010 2020 ext 4 please",
        "1-800-CALL-NOW",
    ],
)
def test_other_letters_are_refused(phone):
    assert not is_phone_number(phone)


def test_a_number_written_in_a_text_keeps_its_extension_with_it():
    assert split_phone("Clinic front desk 555 010 2020 ext. 4") == (
        "Clinic front desk",
        "555 010 2020 ext. 4",
    )
    assert split_phone("Maria 555 010 0123") == ("Maria", "555 010 0123")


@pytest.mark.parametrize(
    "written",
    ["555 010 2020 ext: 4", "555 010 2020; ext 4", "555 010 2020, x4", "555 010 2020 EXT 4"],
)
def test_a_number_in_a_text_and_in_its_own_box_take_the_same_extensions(written):
    """One extension rule (phone_numbers.EXTENSION): what the box accepts, a text keeps whole."""
    assert is_phone_number(written)
    assert split_phone(f"Clinic {written}") == ("Clinic", written)
