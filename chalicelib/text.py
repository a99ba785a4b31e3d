"""The one text rule: what a string from outside may hold before the service keeps or uses it.

JSON bodies (``chalicelib.api``), query parameters and web forms (``chalicelib.web.http``)
pass every string through ``check_text`` at the edge, and the core's own field checks
(``groups.check_name``) call it too, so a value is held to the same rule whichever way it
came in. Why refuse rather than repair: an unpaired surrogate cannot be encoded as UTF-8
(DynamoDB, Cognito and every log line would fail on it), and a control or line-separator
character inside a name breaks the CSV export, the pages and the audit trail in quieter ways.
Refusing with a 400 that names the field tells the person what to fix; nothing is lost.
Two repairs are made, for web forms only, so a form is never refused over a character nobody
could see to remove (``as_typed``): spacing a person pastes without seeing it (a tab, a word
processor's line separator) becomes the space or new line their text box showed them, and a
control character nobody types (NUL, ESC, DEL, the C1 controls: ``NOISE``) is dropped. A box
shows such a character as nothing at all, so the text without it is the text the person saw;
a form refused over it would ask them to remove what they cannot find. (A lone surrogate never
reaches a form's fields: the form's bytes are decoded with U+FFFD for what is not UTF-8.)

A field that is several lines long (a long-text worksheet answer, a My plan item: a textarea,
which browsers send with "\r\n") may also hold line breaks and tabs; the route or form says
which fields those are (``multiline``), and every other field still refuses them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from chalicelib.errors import BadRequest

# As long as a whole JSON body may be (chalicelib.api.MAX_BODY_BYTES): the field's own check
# sets its real limit (names 80, emails 254, passwords 256); this one bounds the rest (form
# fields, query values) that no field check looks at.
MAX_TEXT = 4096
CODE = "invalid_text"
# Cc: control characters (NUL, ESC, DEL, C1 controls...); Cs: unpaired surrogates (only a JSON
# "\ud800" escape can produce one); Zl/Zp: the Unicode line and paragraph separators.
_REFUSED = frozenset({"Cc", "Cs", "Zl", "Zp"})
# What a multi-line field may hold besides text: a line break as any browser or system sends
# it ("\n", "\r\n", "\r") and a tab. The Unicode separators (U+2028, U+2029) stay refused
# (they break a CSV row or a script on a page): a web form turns them into "\n" first.
LINE_BREAKS = frozenset("\n\r\t")
# Spacing a person pastes without seeing it (a tab from a spreadsheet cell, a line or paragraph
# separator from a word processor, a form feed from a PDF): what a text box shows as a space or
# a new line. Web forms keep it as that (``as_typed``) rather than refuse the form over a
# character the person cannot see; the JSON API still refuses it (its callers are programs).
# Control characters nobody types and no box shows (category Cc but the spacing ones: tab,
# line breaks, vertical tab, form feed, NEL): dropped from web forms' fields (``as_typed``,
# ``without_noise``).
NOISE = frozenset(
    chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r\v\f\x85"
)
_DROPPED: dict[str, None] = dict.fromkeys(NOISE)
_AS_SPACE = str.maketrans({**_DROPPED, **dict.fromkeys("\t\n\r\v\f\x85\u2028\u2029", " ")})
_AS_NEW_LINE = str.maketrans({**_DROPPED, **dict.fromkeys("\v\f\x85\u2028\u2029", "\n")})
_WITHOUT_NOISE = str.maketrans(_DROPPED)


def problem(value: str, max_length: int = MAX_TEXT, multiline: bool = False) -> str | None:
    """What is wrong with ``value`` in words ("is longer than ..."), or ``None`` if it may be
    kept. ``multiline`` fields may also hold line breaks and tabs."""
    if len(value) > max_length:
        return f"is longer than {max_length} characters"
    allowed = LINE_BREAKS if multiline else frozenset()
    if value.isascii():  # the usual case: one C-level scan, no per-character lookup
        if any((c < " " or c == "\x7f") and c not in allowed for c in value):
            return "cannot contain control characters" + ("" if multiline else " or line breaks")
        return None
    for c in value:
        category = unicodedata.category(c)
        if category == "Cs":
            return "is not valid Unicode text (it holds an unpaired surrogate)"
        if category in _REFUSED and c not in allowed:
            return "cannot contain control characters" + ("" if multiline else " or line breaks")
    return None


# The explicit text-direction controls: embeddings and overrides (U+202A-U+202E) and isolates
# (U+2066-U+2069). In a one-line name, pasted from a chat app or a PDF, they reverse the text
# shown after the name ("Archived" read as "devihcrA"). The zero-width joiner and non-joiner
# (U+200D, U+200C) stay: emoji and some scripts (Persian) need them.
DIRECTION_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
# Letters that are drawn as nothing (Hangul fillers, the braille blank): a name of only these
# is as empty as one of spaces.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def name_problem(value: str) -> str | None:
    """What is wrong with a one-line name a person typed (a group name, a participant's display
    name) beyond ``problem``, in words ("needs at least one ..."), or ``None``: it must hold a
    letter, digit, punctuation mark or symbol someone can see (not only spaces, format
    characters such as U+200B or combining marks), and no text-direction control."""
    if value.isascii():  # the usual case: a printable ASCII character is visible
        return None if any(c > " " and c != "\x7f" for c in value) else _INVISIBLE
    if any(c in DIRECTION_CONTROLS for c in value):
        return (
            "holds hidden text-direction characters (they come with text pasted from some chat "
            "apps and PDFs): type the name instead of pasting it"
        )
    if not any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LETTERS for c in value):
        return _INVISIBLE
    return None


_INVISIBLE = "needs at least one letter or digit you can see"

# What leaders see for a name stored before ``name_problem`` existed that has nothing visible
# in it (only U+200B, say): the row, the heading or the CSV cell stays findable, and the
# rename form (which opens saying the name must change) is how it gets one.
GROUP_WITHOUT_NAME = "(group without a visible name)"
PARTICIPANT_WITHOUT_NAME = "(participant without a visible name)"


def shown_name(value: str, nameless: str = PARTICIPANT_WITHOUT_NAME) -> str:
    """A group's or participant's name as leaders' pages, hand-outs and the progress CSV show
    it: the one display rule for names kept before the name rule. Stored data is never
    rewritten: here the text-direction controls are left out (they would turn the text after
    the name around) and a name with nothing visible left is shown as ``nameless``
    (``GROUP_WITHOUT_NAME`` or ``PARTICIPANT_WITHOUT_NAME``). A name that keeps the rule is
    returned as it is."""
    if value.isascii():  # the usual case: no direction control can be in it
        return value if name_problem(value) is None else nameless
    cleaned = "".join(c for c in value if c not in DIRECTION_CONTROLS)
    return cleaned if name_problem(cleaned) is None else nameless


def shown_group_name(value: str) -> str:
    """``shown_name`` for a group's name."""
    return shown_name(value, GROUP_WITHOUT_NAME)


def needs_new_name(value: str) -> bool:
    """True for a name kept before the name rule that breaks it (nothing visible, or a
    text-direction control): its rename form says it must be changed."""
    return name_problem(value) is not None


def as_typed(value: str, multiline: bool = False) -> str:
    """``value`` as its box showed it: the invisible spacing a browser's box shows as a space
    (one-line fields) or a new line (``multiline``: textareas) written as that, and the
    control characters it shows as nothing (``NOISE``) dropped; every other character is left
    for ``problem`` to judge. A browser strips line breaks from a one-line box itself, so only
    a hand-made post sends one there."""
    if value.isprintable():  # the usual case: nothing to change
        return value
    return value.translate(_AS_NEW_LINE if multiline else _AS_SPACE)


def without_noise(value: str) -> str:
    """``value`` without the control characters nobody types (``NOISE``), nothing else
    changed: for a password box (its spacing is the person's own, never rewritten) and a
    form's field names."""
    if value.isprintable():
        return value
    return value.translate(_WITHOUT_NOISE)


def check_text(value: Any, field: str, max_length: int = MAX_TEXT, multiline: bool = False) -> str:
    """Return ``value`` NFC-normalised if it is a string the service may keep; raise
    ``BadRequest`` (code ``invalid_text``) naming ``field`` otherwise."""
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be text.", code=CODE)
    found = problem(value, max_length, multiline)
    if found is not None:
        raise BadRequest(f"{field} {found}.", code=CODE)
    return unicodedata.normalize("NFC", value)


def check_all(value: Any, field: str, multiline: bool = False) -> None:
    """Hold every string inside a parsed JSON value (nested lists and objects, keys included)
    to the rule, naming the top-level ``field``. In a ``multiline`` field the string values
    may hold line breaks; its keys (field ids, section names) never do. Walked with a list,
    not recursion, so a deeply nested value cannot exhaust the stack."""
    pending: list[tuple[Any, bool]] = [(value, multiline)]
    while pending:
        item, lines = pending.pop()
        if isinstance(item, str):
            found = problem(item, multiline=lines)
            if found is not None:
                raise BadRequest(f"{field} {found}.", code=CODE)
        elif isinstance(item, list):
            pending.extend((each, lines) for each in item)
        elif isinstance(item, dict):
            pending.extend((key, False) for key in item)
            pending.extend((each, lines) for each in item.values())


def ascii_digits(value: str, max_digits: int = 7) -> bool:
    """True for 1 to ``max_digits`` ASCII digits. ``str.isdigit`` also accepts "²" and "٣",
    which ``int()`` then refuses or reads as another number; the length bound keeps ``int()``
    clear of its 4,300-digit limit."""
    return value.isascii() and value.isdigit() and len(value) <= max_digits


# What people put between the digits of a code they copy from a message or an app: spaces
# (apps show "123 456"; people group digits by ear) and dashes, with the look-alikes a phone
# keyboard or a paste may bring (non-breaking hyphen, en dash, minus sign).
CODE_SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u2014\u2212")


def code_digits(value: Any, length: int = 6) -> str | None:
    """The ``length`` ASCII digits of a typed or pasted code, the spaces and dashes between
    them dropped ("846 078", "846-078" and " 846078 " are all "846078"); None for anything
    else. The one rule for the codes a person types: the reminders' confirmation code and
    the two-step sign-in code."""
    if not isinstance(value, str):
        return None
    digits = "".join(c for c in value if not (c.isspace() or c in CODE_SEPARATORS))
    return digits if len(digits) == length and ascii_digits(digits, length) else None


def and_list(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (English: leaders' pages and emails)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def sentence(text: str) -> str:
    """``text`` ended with a full stop, unless it already ends a sentence: a name given by a
    group leader may end with one ("For Maria G.", not "For Maria G..")."""
    return text if text.endswith((".", "!", "?", "…")) else text + "."
