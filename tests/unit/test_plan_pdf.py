"""The PDFs (chalicelib.plan_pdf) print whatever a participant wrote, or say they could not:
right-to-left writing shaped and in reading order (walk 15, problem 2), numbers in it left to
right, a character the font lacks printed as a box with a closing note, never dropped."""

from __future__ import annotations

import functools
import io
import unicodedata
from datetime import UTC

import pytest
from fpdf.fonts import TTFFont
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.my_data import MyData, Readable
from chalicelib.plan import Plan, PlanItem, PlanSection, download
from chalicelib.plan_pdf import (
    DATA_WORDS,
    FONT,
    PLACEHOLDER,
    Document,
    _may_break,
    isolate_numbers,
    needs_shaping,
    pieces,
    printable,
    printed_versions,
    render_data,
    right_to_left,
)
from chalicelib.records.plans import PlanVersion
from chalicelib.records.worksheets import Answer, Worksheet
from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTION_TITLES, PLAN_SECTIONS
from chalicelib.worksheets import MAX_FIELD_CHARS

TODAY = "2026-11-26"
COPING = "coping-skills"
ARABIC = "أتصل بأمي ثم أمشي"  # "I call my mother, then walk"
NOTE = {
    "en": "Some characters could not be printed here. Download as text or use your browser's "
    "Print to see them.",
    "es": "Algunos caracteres no se pudieron imprimir aquí. Para verlos, descargue como texto o "
    "use Imprimir en su navegador.",
}


def pdf_text(*items: PlanItem, locale: str = "es", people: tuple[PlanItem, ...] = ()) -> str:
    import pypdf

    titles = PLAN_SECTION_TITLES[locale]
    parts = {COPING: items, PEOPLE_TO_CALL: people}
    shown = Plan(
        None,
        None,
        locale,
        tuple(PlanSection(s, titles[s], parts.get(s, ())) for s in PLAN_SECTIONS),
    )
    body = download(shown, "pdf", TODAY, UTC).text
    assert isinstance(body, bytes)
    pages = pypdf.PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def test_arabic_and_hebrew_come_out_in_reading_order_with_numbers_readable():
    """Without shaping, fpdf2 drew the letters left to right: the text read back (and the
    paper) said "يشمأ مث يمأب لصتأ"; an Arabic line's phone number came out "0142-555"."""
    text = pdf_text(
        PlanItem(ARABIC),
        PlanItem("שלום, אני מתקשר לאמא"),
        PlanItem("یکشنبه\u200cها تنها هستم"),  # Farsi, with its zero-width non-joiner
        people=(PlanItem("أمي", "555-0142"), PlanItem("أتصل بأخي (555) 010 2020")),
    )
    assert ARABIC in text and "יشمأ" not in text and "يشمأ مث" not in text
    assert "שלום, אני מתקשר לאמא" in text
    assert "یکشنبه\u200cها تنها هستم" in text
    assert "555-0142" in text and "0142-555" not in text
    assert "555) 010 2020" in text and "2020 010" not in text  # the brackets: two glyphs apart
    assert PLACEHOLDER not in text and NOTE["es"] not in text


def test_a_right_to_left_line_is_right_aligned():
    import pypdf

    titles = PLAN_SECTION_TITLES["en"]
    items = {COPING: (PlanItem(ARABIC), PlanItem("Walk 20 min"))}
    shown = Plan(
        None, None, "en", tuple(PlanSection(s, titles[s], items.get(s, ())) for s in PLAN_SECTIONS)
    )
    body = download(shown, "pdf", TODAY, UTC).text
    assert isinstance(body, bytes)
    page = pypdf.PdfReader(io.BytesIO(body)).pages[0]
    starts: dict[str, float] = {}

    def seen(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        for word in ("Walk", "أمشي"):
            if word in text:
                starts.setdefault(word, tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=seen)
    middle = float(page.mediabox.width) / 2
    assert starts["Walk"] < middle < starts["أمشي"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_an_emoji_the_font_lacks_is_a_box_and_the_paper_says_where_to_see_it(locale):
    """It was dropped without a trace: "Llamar a mi hermana  555-0142"."""
    text = pdf_text(PlanItem("Llamar a mi hermana 📞 555-0142"), PlanItem(ARABIC), locale=locale)
    assert f"Llamar a mi hermana {PLACEHOLDER} 555-0142" in text
    assert ARABIC in text
    assert text.endswith(NOTE[locale])


def test_nothing_replaced_no_note():
    text = pdf_text(PlanItem("Caminar 20 min 😣"), PlanItem("Mañana, ¿qué? Ñandú"))  # DejaVu has 😣
    assert "Caminar 20 min 😣" in text and PLACEHOLDER not in text
    assert NOTE["es"] not in text and NOTE["en"] not in text


def test_the_lessons_non_breaking_hyphen_prints():
    """The lessons write 5-4-3-2-1 with U+2011 so a phone never breaks it (walk 21); a choice
    or a knowledge-check question with it reaches the data PDF. DejaVu, both faces, has the
    glyph: no box, no note."""
    text = pdf_text(PlanItem("Hacer el 5\u20114\u20113\u20112\u20111 en el autobús"))
    assert "en el autobús" in text
    assert PLACEHOLDER not in text and NOTE["es"] not in text


CMAP = {ord(c) for c in "abc 5-\u200d\u200c\u200e"}


@pytest.mark.parametrize(
    ("text", "shown", "replaced"),
    [
        ("abc", "abc", 0),
        ("a📞b", f"a{PLACEHOLDER}b", 1),
        # One emoji, one box: a family (joined by zero-width joiners), a skin tone, the emoji
        # variation selector.
        ("a👨\u200d👩\u200d👧 b", f"a{PLACEHOLDER} b", 1),
        ("a👍🏽b", f"a{PLACEHOLDER}b", 1),
        ("a☎\ufe0fb", f"a{PLACEHOLDER}b", 1),
        ("中文", PLACEHOLDER * 2, 2),
        ("नमस्ते", PLACEHOLDER * 4, 4),  # combining vowel signs and virama go with their letter
        # Invisible format characters stay for the shaper, in the font or not.
        ("a\u200cb\u200ec\u2066a\u2069", "a\u200cb\u200ec\u2066a\u2069", 0),
        ("a\nb", "a\nb", 0),
    ],
)
def test_printable_replaces_each_missing_character_once(text, shown, replaced):
    assert printable(text, CMAP) == (shown, replaced)


@pytest.mark.parametrize(
    ("text", "rtl", "isolated"),
    [
        ("Call 555-0142", False, "Call 555-0142"),
        ("أتصل بأمي 555-0142", True, "أتصل بأمي \u2066555-0142\u2069"),
        ("أمي: (555) 010 2020", True, "أمي: \u2066(555) 010 2020\u2069"),
        ("555-0142 أمي", True, "\u2066555-0142\u2069 أمي"),  # a number is not a letter
        ("Mamá أمي", False, "Mamá أمي"),
        ("• שלום", True, "• שלום"),
    ],
)
def test_direction_and_numbers(text, rtl, isolated):
    assert right_to_left(text) is rtl
    assert isolate_numbers(text) == isolated


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Caminar 20 min, ¿qué? Ñandú 😣", False),  # as before: shaping doubles the time
        (ARABIC, True),
        ("שלום", True),
        ("٥٥٥", True),  # Arabic-Indic digits
        ("Cafe\u0301", True),  # a decomposed accent: the mark is placed by HarfBuzz
    ],
)
def test_only_the_texts_that_need_it_are_shaped(text, shaped):
    assert needs_shaping(text) is shaped


def answer(field_id: str, value: object, label: str, at: str) -> Answer:
    return Answer(field_id, value, 1, "es", at, "short-text", label, None, None)


def test_the_data_pdf_lists_a_worksheets_answers_in_the_order_of_its_questions():
    """Walk 15, item 19.7: they came by field id (urge-end, urge-helpers, urge-in-body,
    urge-start). A field the version no longer has comes after, and without a known order
    the answers come oldest first."""
    import pypdf

    answers = {
        "urge-end": answer("urge-end", 3, "al final", "2026-11-20T10:00:00Z"),
        "urge-helpers": answer(
            "urge-helpers", ["Llamar"], "Lo que me ayuda", "2026-11-20T10:01:00Z"
        ),
        "urge-in-body": answer("urge-in-body", "pecho", "En qué parte", "2026-11-20T10:02:00Z"),
        "urge-start": answer("urge-start", 8, "al principio", "2026-11-20T10:03:00Z"),
        "old-field": answer("old-field", "antes", "Una pregunta de antes", "2026-11-01T10:00:00Z"),
    }
    sheet = Worksheet("p1", "cravings", answers)
    data = MyData("p1", "2026-11-26T12:00:00Z", (sheet,), ())
    fields = {"cravings": ("urge-start", "urge-end", "urge-in-body", "urge-helpers")}
    body = render_data(data, "es", UTC, Readable({}, {}, fields))
    text = " ".join(pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
    labels = [
        "al principio",
        "al final",
        "En qué parte",
        "Lo que me ayuda",
        "Una pregunta de antes",
    ]
    assert sorted(labels, key=text.index) == labels
    unknown = [field_id for field_id, _ in Readable({}, {}).in_order(sheet)]
    assert unknown == ["old-field", "urge-end", "urge-helpers", "urge-in-body", "urge-start"]


@pytest.mark.parametrize(
    ("locale", "days", "where"),
    [
        (
            "en",
            ["Downloaded on 27 November 2026", "version 1, 20 November 2026"],
            "open the page where you wrote them (a worksheet or My plan). You can print that "
            "page from your browser.",
        ),
        (
            "es",
            ["Descargado el 27 de noviembre de 2026", "versión 1, 20 de noviembre de 2026"],
            "abra la página donde los escribió (una hoja de trabajo o Mi plan). Puede imprimir "
            "esa página desde su navegador.",
        ),
    ],
)
def test_the_data_pdf_writes_its_days_in_words_and_sends_to_a_page_for_what_it_cannot_print(
    locale, days, where
):
    """Walk 18, item 7: it printed "2026-11-27" where every page and the plan PDF say
    "27 November 2026", and its closing line sent a participant to the JSON download."""
    import pypdf

    answers = {
        "urge-in-body": answer("urge-in-body", "pecho, 中文", "Dónde", "2026-11-20T10:02:00Z")
    }
    data = MyData("p1", "2026-11-27T12:00:00Z", (Worksheet("p1", "cravings", answers),), ())
    body = render_data(data, locale, UTC)
    text = " ".join(pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
    for day in days:
        assert day in text
    assert "2026-11-2" not in text
    assert where in text and "JSON" not in text


@pytest.mark.parametrize(
    ("locale", "heading", "emptied", "unchanged"),
    [
        (
            "en",
            "Version 2,",
            "Emptied in this version: nothing is in this part.",
            "Not changed since version 1",
        ),
        (
            "es",
            "Versión 2,",
            "Vaciada en esta versión: no hay nada en esta parte.",
            "Sin cambios desde la versión 1",
        ),
    ],
)
def test_a_version_that_emptied_a_part_prints_it_as_emptied(locale, heading, emptied, unchanged):
    """A saved version leaves out the parts with nothing in them: a part emptied in version 2
    is only in version 1, and version 2 printed as "The same as version 1"."""
    import pypdf

    kept, cleared = PLAN_SECTIONS[0], PLAN_SECTIONS[1]
    v1 = PlanVersion(
        "p",
        1,
        "2026-11-10T12:00:00Z",
        locale,
        {
            kept: [{"text": "go for a walk", "source": None}],
            cleared: [{"text": "the bar on Fifth", "source": None}],
        },
    )
    v2 = PlanVersion(
        "p", 2, "2026-11-11T12:00:00Z", locale, {kept: [{"text": "go for a walk", "source": None}]}
    )
    _, printed = printed_versions((v1, v2))
    assert printed[1].parts == ((cleared, ()),) and printed[1].unchanged == (kept,)
    data = MyData("p", "2026-11-29T12:00:00Z", (), (v1, v2))
    body = render_data(data, locale, UTC, Readable({}, {}))
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    second = text[text.index(heading) :]
    title = PLAN_SECTION_TITLES[locale][cleared]
    assert f"{title} {emptied}" in second
    assert f"{unchanged}: {PLAN_SECTION_TITLES[locale][kept]}" in second
    assert "The same as version" not in second and "Igual que la versión" not in second
    # Filled again in version 3: printed with its items, as any change.
    v3 = PlanVersion("p", 3, "2026-11-12T12:00:00Z", locale, {**v1.sections})
    _, printed = printed_versions((v1, v2, v3))
    assert printed[2].parts == ((cleared, ("the bar on Fifth",)),)


# One sentence a script at a time, and all of them in one: repeated to the longest text a plan
# item or a worksheet answer may be.
LONG_TEXTS = {
    "hindi": "मुझे अपनी बहन को फोन करना है ",  # Devanagari: DejaVu has none, all boxes
    "thai": "ฉันต้องการโทรหาพี่สาวของฉัน",  # no spaces between words; boxes too
    "arabic": "أتصل بأمي ثم أمشي ",
    "mixed": "Rosa मेरी बहन Tuesdays أتصل بأمي Mariposa โทรหาพี่สาว 555-0142 ",
}


def longest(sentence: str) -> str:
    return (sentence * (MAX_FIELD_CHARS // len(sentence) + 1))[:MAX_FIELD_CHARS]


@functools.cache
def regular_face() -> TTFFont:
    pdf = Document("", "en")
    pdf.set_font(FONT, "", 10)
    assert isinstance(pdf.current_font, TTFFont)
    return pdf.current_font


def boxes(text: str) -> int:
    """How many placeholders the regular face prints for ``text``."""
    return printable(text, regular_face().cmap)[1]


def assert_kept(printed: str, text: str, note: str) -> None:
    """Every word the font has is printed as often as it was written, and every character it
    lacks is a box: nothing was lost."""
    for word in {w for w in set(text.split()) if not boxes(w) and len(w) > 1}:
        assert printed.count(word) == text.count(word), word
    assert printed.count(PLACEHOLDER) == boxes(text) + note.count(PLACEHOLDER)
    assert printed.endswith(" ".join(note.split()))


@pytest.mark.parametrize("sentence", LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_a_plan_item_as_long_as_allowed_prints_in_any_script(sentence):
    """About 1,000 characters of Hindi or Thai were a RecursionError in fpdf2's bidi algorithm
    (every download a 500): DejaVu has no glyph for them, and a run of boxes has no direction."""
    text = longest(sentence)
    printed = pdf_text(PlanItem(text), locale="en")
    assert_kept(printed, text, NOTE["en"] if boxes(text) else "")


@pytest.mark.parametrize("sentence", LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_a_worksheet_answer_as_long_as_allowed_prints_in_the_data_pdf_in_any_script(sentence):
    import pypdf

    text = longest(sentence)
    answers = {"urge-in-body": answer("urge-in-body", text, "Dónde", "2026-11-20T10:02:00Z")}
    data = MyData("p1", "2026-11-27T12:00:00Z", (Worksheet("p1", "cravings", answers),), ())
    body = render_data(data, "en", UTC)
    pages = pypdf.PdfReader(io.BytesIO(body)).pages
    printed = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert_kept(printed, text, str(DATA_WORDS["en"]["unprintable"]) if boxes(text) else "")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=500))
def test_pieces_are_the_text_again_each_short_and_never_start_with_a_mark(text):
    cut = pieces(text, most=100)
    assert "".join(cut) == text
    assert all(len(piece) <= 100 for piece in cut)
    assert all(piece for piece in cut[1:])
    # A piece starts with a mark only when the 100 characters before it had nowhere to break
    # (a run of marks longer than a piece: cut anyway, nothing is lost).
    at = len(cut[0])
    for piece in cut[1:]:
        if unicodedata.category(piece[0]) in ("Mn", "Me", "Mc"):
            assert not any(_may_break(text, n) for n in range(max(at - 99, 1), at + 1))
        at += len(piece)


def test_a_space_before_a_mark_is_not_where_a_piece_starts():
    """Found by hypothesis in CI: the last space of a piece's window was followed by a
    combining mark (the space is its base), so the next piece started with the mark."""
    text = "a" * 60 + " \u0301" + "b" * 60
    cut = pieces(text, most=100)
    assert "".join(cut) == text
    assert all(unicodedata.category(piece[0]) != "Mn" for piece in cut)
