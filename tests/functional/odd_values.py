"""What the odd-input property tests send: arbitrary Unicode, surrogates included.

Shared by ``test_odd_input_api.py`` (every JSON body field) and ``test_odd_input_web.py``
(every web form field). Each property test holds the other fields valid and sends one odd
value, so a refusal is about that value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, example, settings
from hypothesis import strategies as st

LONE_SURROGATE = "\ud800"
# Characters that broke or could break something, mixed into arbitrary code points (hypothesis
# leaves surrogates, category Cs, out unless told to draw from every category).
ODD = st.sampled_from(
    [
        LONE_SURROGATE,
        "\udfff",
        "\x00",
        "\n",
        "\r",
        "\x1b",
        "\x7f",
        "\x85",
        "\u2028",
        "\u2029",
        "²",
        "٣",
        "\u202e",
        "\ufeff",
        "\uffff",
        "\U0010ffff",
        "🙂",
        "ë",
        "=",
        "@",
        "%",
        "&",
        "'",
        '"',
        "<",
    ]
)
CHARACTERS = st.one_of(st.characters(exclude_categories=()), ODD)
ORDINARY = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
TEXT = st.one_of(
    st.text(CHARACTERS, max_size=60),  # anything at all
    st.builds(
        lambda before, odd, after: before + odd + after, ORDINARY, ODD, ORDINARY
    ),  # one odd character
    st.text(st.sampled_from("0123456789²³¹٣੩߂"), min_size=1, max_size=4),  # digits and near-digits
    st.builds(
        lambda piece, times: piece * times, st.one_of(ODD, st.just("x")), st.integers(70, 1100)
    ),
)
JSON_VALUES = st.one_of(
    TEXT,
    TEXT,
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.one_of(TEXT, st.integers(-2, 10)), max_size=5),
    st.dictionaries(TEXT, TEXT, max_size=3),
)
# Every field also gets these on every run, whatever hypothesis draws (each was a 500 once).
SEEDS = (LONE_SURROGATE, "Sam \udfff R.", "²", "\x00", "x" * 4097)
# Moderate: moto sits behind every example. Drawn examples per field, on top of the seeds.
DRAWN_PER_FIELD = 6


def cases(fields: tuple[str, ...]) -> int:
    """How many requests a property test over ``fields`` sends (seeds plus drawn examples)."""
    return len(fields) * (len(SEEDS) + DRAWN_PER_FIELD)


def per_field(fields: tuple[str, ...]) -> Callable[[Any], Any]:
    """Settings for a test over ``fields``, with every seed as an explicit example per field."""

    def decorate(test: Any) -> Any:
        for field in fields:
            for seed in SEEDS:
                test = example(field=field, value=seed)(test)
        return drawn(DRAWN_PER_FIELD * len(fields))(test)

    return decorate


def drawn(count: int) -> settings:
    """``count`` drawn examples, no deadline (moto's speed varies), fixtures set up once per test."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
