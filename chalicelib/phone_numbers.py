"""A phone number a participant writes for someone to call (a worksheet's people to call, My
plan): what it may hold, and the number a ``tel:`` link dials.

A number is digits and the signs people write between them (spaces and ``+ - ( ) . # *``),
then perhaps an extension: "(555) 010-2020 ext. 4", "ext 4", "x4", "extension 4", "extensión 4".
Any other letter is refused, so a name typed in the wrong box is caught. The number is kept as
it was typed; only the link is rewritten.
"""

from __future__ import annotations

import re

SIGNS = " +-().#*"
# An extension: its word ("ext", "ext.", "extension", "extensión", "x"), then digits, after
# the signs people write before it (", ext 4", "; x4"). The plan finds numbers written inside
# a text with it too (``plan.split_phone``). Case is ignored.
EXTENSION = r"[\s,;]*(?:ext(?:ension|ensión)?\.?|x)\s*[.:]?\s*(?P<digits>\d{1,6})"
_EXTENSION = re.compile(EXTENSION + r"\s*$", re.IGNORECASE)


def split_extension(phone: str) -> tuple[str, str]:
    """``"(555) 010-2020 ext. 4"`` → ``("(555) 010-2020", "4")``; without an extension, the
    text and ``""``."""
    found = _EXTENSION.search(phone)
    if found is None or not any(c.isdigit() for c in phone[: found.start()]):
        return phone, ""
    return phone[: found.start()].strip(), found.group("digits")


def is_phone_number(phone: str) -> bool:
    """Digits and ``SIGNS`` only, then an extension if any."""
    number, _extension = split_extension(phone)
    return all(c.isdigit() or c in SIGNS for c in number)


def tel(phone: str) -> str:
    """What a ``tel:`` link dials: the number's digits, after a leading + if written ("" when
    there are none). The extension is left out: RFC 3966 has no valid form for one on a local
    number, and the page shows it beside the link, to dial once the call is answered."""
    number, _extension = split_extension(phone)
    digits = "".join(c for c in number if c.isdigit())
    if not digits:
        return ""
    return "+" + digits if number.strip().startswith("+") else digits
