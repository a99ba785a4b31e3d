"""The data PDF's size and the work it makes, for the longest history a participant can have:
every saved version of the plan is kept (no limit on how many, each up to
``plan.MAX_PLAN_CHARS``), and 100 versions of 6,000 characters took 16.6 s to print, longer
than a request may last. Shapes here (pages, versions printed, measurements made), never
times."""

from __future__ import annotations

import io
import random
from datetime import UTC

from chalicelib.my_data import MyData, Readable
from chalicelib.plan_pdf import PRINTED_VERSION_CHARS, printed_versions, render_data, wrap
from chalicelib.records.plans import PlanVersion
from chalicelib.records.worksheets import Answer, Worksheet
from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTIONS

WORDS = "walk call my sister breathe slowly meeting tonight coffee music drive park".split()


def sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def part(rng: random.Random, chars: int, section: str) -> list[dict]:
    items: list[dict] = []
    while sum(len(i.get("text") or i["name"] + i["phone"]) for i in items) < chars:
        if section == PEOPLE_TO_CALL:
            items.append({"name": sentence(rng, 5), "phone": "555-010-0134", "source": None})
        else:
            items.append({"text": sentence(rng), "source": None})
    return items


def history(count: int, chars: int, one_part: bool) -> tuple[PlanVersion, ...]:
    """``count`` saved versions of a plan of about ``chars`` characters: each rewritten whole
    (``one_part`` False), or, as the plan page saves them, one part changed at a time."""
    rng = random.Random(7)
    each = chars // len(PLAN_SECTIONS)
    sections = {s: part(rng, each, s) for s in PLAN_SECTIONS}
    versions = []
    for n in range(1, count + 1):
        if n > 1:
            if one_part:
                changed = PLAN_SECTIONS[n % len(PLAN_SECTIONS)]
                sections = {**sections, changed: part(rng, each, changed)}
            else:
                sections = {s: part(rng, each, s) for s in PLAN_SECTIONS}
        versions.append(PlanVersion("p", n, f"2026-{1 + n % 12:02d}-10T12:00:00Z", "en", sections))
    return tuple(versions)


def pages_and_text(versions: tuple[PlanVersion, ...]) -> tuple[int, str]:
    import pypdf

    data = MyData("p", "2026-11-29T12:00:00Z", (), versions)
    reader = pypdf.PdfReader(io.BytesIO(render_data(data, "en", UTC, Readable({}, {}))))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return len(reader.pages), text


def test_a_hundred_plans_rewritten_whole_print_the_newest_and_say_where_the_rest_are():
    """Before: 212 pages, every version whole."""
    versions = history(100, 6000, one_part=False)
    pages, text = pages_and_text(versions)
    assert pages <= 60, pages
    left_out, printed = printed_versions(versions)
    assert 0 < left_out < 100 and printed[-1].version.version == 100
    assert [p.version.version for p in printed] == list(range(left_out + 1, 101))
    assert f"Versions 1 to {left_out} are not printed here" in text
    assert "Every version is in full in the JSON files on the Your data page." in text
    assert "Version 100, saved on" in text and f"Version {left_out}, saved on" not in text


def test_a_hundred_versions_changed_a_part_at_a_time_print_each_version_as_its_changes():
    """As the plan page saves them: every version fits, each after the first as the part
    changed in it, the others named once."""
    versions = history(100, 6000, one_part=True)
    left_out, printed = printed_versions(versions)
    assert left_out == 0 and len(printed) == 100
    assert len(printed[0].parts) == len(PLAN_SECTIONS) and not printed[0].unchanged
    for shown in printed[1:]:
        assert len(shown.parts) == 1 and len(shown.unchanged) == len(PLAN_SECTIONS) - 1
    pages, text = pages_and_text(versions)
    assert pages <= 60, pages
    assert "Each one after it shows only the parts you changed in it." in text
    assert "Not changed since version 99:" in text


def test_the_longest_history_prints_within_the_budget():
    """A thousand versions of the longest plan (60,000 characters): the newest is printed
    whole, and what is printed stays within ``PRINTED_VERSION_CHARS`` and a newest version."""
    versions = history(1000, 60_000, one_part=True)
    left_out, printed = printed_versions(versions)
    assert printed[-1].version.version == 1000 and left_out == 1000 - len(printed)
    chars = sum(len(line) for p in printed for _, lines in p.parts for line in lines)
    assert chars <= PRINTED_VERSION_CHARS + 60_000


def test_nothing_left_out_of_a_short_history():
    versions = history(3, 600, one_part=False)
    assert printed_versions(versions)[0] == 0
    assert printed_versions(())[0] == 0 and printed_versions(())[1] == []


def test_long_answers_are_measured_word_by_word_not_again_for_each_character(monkeypatch):
    """fpdf2's ``multi_cell`` measured the whole line again for each character it added: most
    of the 16.6 s. A long plain answer is broken into lines here, each word measured once."""
    from fpdf.fonts import TTFFont

    calls = {"n": 0}
    measure = TTFFont.get_text_width

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return measure(self, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "get_text_width", counted)
    rng = random.Random(3)
    answer = " ".join(sentence(rng) for _ in range(60))  # about 4,000 characters
    written = Answer("f", answer, 1, "en", "2026-11-20T12:00:00Z", "text", "Helpers", None, None)
    sheet = Worksheet("p", "m", {"f": written})
    data = MyData("p", "2026-11-29T12:00:00Z", (sheet,), ())
    render_data(data, "en", UTC, Readable({}, {}))
    assert calls["n"] < len(answer) / 3, (calls["n"], len(answer))


def test_wrap_keeps_every_word_in_order_and_fits_each_line():
    width = len  # one unit a character
    text = "one two three " + "x" * 25 + " four"
    lines = wrap(text, 10, width)
    assert all(width(line) <= 10 for line in lines), lines
    assert lines == ["one two", "three", "x" * 10, "x" * 10, "x" * 5 + " four"]
    assert wrap("", 10, width) == [""]
    assert wrap("fits here", 10, width) == ["fits here"]
