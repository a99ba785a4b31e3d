"""The downloaded plan (chalicelib.plan): the paper a participant leaves treatment with. Its
heading, the dated line under it (saved, or never saved), and a discreet file name."""

from __future__ import annotations

import io
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from chalicelib.plan import Plan, PlanItem, PlanSection, as_text, download, file_name
from chalicelib.vocabulary import PEOPLE_TO_CALL, PLAN_SECTION_TITLES, PLAN_SECTIONS, TRIGGERS

TODAY = "2026-11-26"
NEW_YORK = ZoneInfo("America/New_York")
# Words a file name or a document's metadata must never carry (PRODUCT.md: discreet wording).
REVEALING = ("relapse", "prevention", "recovery", "addiction", "substance", "alcohol", "drug")


def plan(locale: str = "en", version: int | None = None, saved_at: str | None = None) -> Plan:
    titles = PLAN_SECTION_TITLES[locale]
    items = {TRIGGERS: (PlanItem("Payday Friday"),)}
    return Plan(
        version,
        saved_at,
        locale,
        tuple(PlanSection(s, titles[s], items.get(s, ())) for s in PLAN_SECTIONS),
    )


@pytest.mark.parametrize(
    ("shown", "heading"),
    [
        (
            plan(),
            "My plan for staying well\n"
            "As of 26 November 2026, from what I wrote in my worksheets. "
            "I can change this plan any time in Steady.\n",
        ),
        (
            plan("es"),
            "Mi plan para mantenerme bien\n"
            "Al 26 de noviembre de 2026, con lo que escribí en mis hojas de trabajo. "
            "Puedo cambiar este plan cuando quiera en Steady.\n",
        ),
        (
            plan(version=2, saved_at="2026-11-24T18:05:00Z"),
            "My plan for staying well\n"
            "Saved on 24 November 2026, 6:05 pm (UTC, version 2). "
            "I can change this plan any time in Steady.\n",
        ),
        (
            plan("es", version=2, saved_at="2026-11-24T18:05:00Z"),
            "Mi plan para mantenerme bien\n"
            "Guardado el 24 de noviembre de 2026, 18:05 (UTC, versión 2). "
            "Puedo cambiar este plan cuando quiera en Steady.\n",
        ),
    ],
)
def test_the_heading_and_the_dated_line_under_it(shown, heading):
    text = as_text(shown, TODAY, UTC)
    assert text.startswith(heading)
    assert "Not saved yet" not in text and "Todavía sin guardar" not in text
    assert "- Payday Friday" in text and "988" in text  # what it holds is unchanged


def test_the_file_name_is_dated_and_discreet_never_draft():
    assert file_name(plan(), "txt", TODAY, UTC) == "plan-2026-11-26.txt"
    assert file_name(plan(version=2, saved_at="2026-11-24T18:05:00Z"), "pdf", TODAY, UTC) == (
        "plan-2026-11-24.pdf"
    )
    for shown in (plan(), plan("es")):
        for form in ("txt", "pdf"):
            name = download(shown, form, TODAY, UTC).filename
            assert "draft" not in name
            assert not any(word in name.lower() for word in REVEALING), name


@pytest.mark.parametrize(
    ("locale", "title", "line"),
    [
        ("en", "My plan for staying well", "As of 26 November 2026"),
        ("es", "Mi plan para mantenerme bien", "Al 26 de noviembre de 2026"),
    ],
)
def test_the_pdf_has_the_same_heading_and_discreet_metadata(locale, title, line):
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(download(plan(locale), "pdf", TODAY, UTC).text))  # type: ignore[arg-type]
    text = reader.pages[0].extract_text()
    assert title in text and line in text
    assert reader.metadata is not None and reader.metadata.title == title
    assert not any(word in title.lower() for word in REVEALING)


def test_people_to_call_read_well_with_a_name_or_a_number_alone():
    """A name without a number is kept (known by heart); a number without a name can be in a
    plan saved before names were required. Neither gets a stray colon; an extension stays in
    the words, and the PDF's link dials the number without it."""
    import pypdf

    titles = PLAN_SECTION_TITLES["en"]
    people = (
        PlanItem("Clinic front desk", "(555) 010-2020 ext. 4"),
        PlanItem("Mom"),
        PlanItem("", "555 867 5309"),
    )
    shown = Plan(
        None,
        None,
        "en",
        tuple(
            PlanSection(s, titles[s], people if s == PEOPLE_TO_CALL else ()) for s in PLAN_SECTIONS
        ),
    )
    text = as_text(shown, TODAY, UTC)
    assert "- Clinic front desk: (555) 010-2020 ext. 4\n- Mom\n- 555 867 5309\n" in text
    assert [p.tel for p in people] == ["5550102020", "", "5558675309"]
    reader = pypdf.PdfReader(io.BytesIO(download(shown, "pdf", TODAY, UTC).text))  # type: ignore[arg-type]
    links = [
        a.get_object()["/A"]["/URI"]
        for a in reader.pages[0].get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert links == ["tel:5550102020", "tel:5558675309"]


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en", "Saved on 26 November 2026, 10:46 pm (New York time, version 3)."),
        ("es", "Guardado el 26 de noviembre de 2026, 22:46 (hora de Nueva York, versión 3)."),
    ],
)
@pytest.mark.parametrize("form", ["txt", "pdf"])
def test_a_plan_saved_in_the_evening_is_dated_and_timed_that_evening_in_the_program(
    form, locale, line
):
    """The time, in the zone it is said in, named as the web pages name it."""
    # Saved at 10:46 pm on the 26th in New York: 03:46 UTC on the 27th.
    evening = plan(locale, version=3, saved_at="2026-11-27T03:46:00Z")
    downloaded = download(evening, form, "2026-11-26", NEW_YORK)
    assert downloaded.filename == f"plan-2026-11-26.{form}"
    if form == "txt":
        text = str(downloaded.text)
    else:
        import pypdf

        text = pypdf.PdfReader(io.BytesIO(downloaded.text)).pages[0].extract_text()  # type: ignore[arg-type]
    assert line in " ".join(text.split())


def with_new(locale: str, count: int) -> Plan:
    """Version 2 of a plan, with ``count`` worksheet answers written since (new on My plan)."""
    titles = PLAN_SECTION_TITLES[locale]
    triggers = (PlanItem("Payday Friday"),) + tuple(
        PlanItem(f"Answer {n}", source=f"m/f/{n:012x}", new=True) for n in range(count)
    )
    return Plan(
        2,
        "2026-11-24T18:05:00Z",
        locale,
        tuple(PlanSection(s, titles[s], triggers if s == TRIGGERS else ()) for s in PLAN_SECTIONS),
    )


@pytest.mark.parametrize(
    ("locale", "count", "line"),
    [
        (
            "en",
            4,
            "Saved on 24 November 2026, 6:05 pm (UTC, version 2), with 4 new answers from my "
            "worksheets not yet saved in my plan.",
        ),
        (
            "en",
            1,
            "Saved on 24 November 2026, 6:05 pm (UTC, version 2), with 1 new answer from my "
            "worksheets not yet saved in my plan.",
        ),
        (
            "es",
            4,
            "Guardado el 24 de noviembre de 2026, 18:05 (UTC, versión 2), con 4 respuestas nuevas de "
            "mis hojas de trabajo que todavía no guardé en mi plan.",
        ),
        (
            "es",
            1,
            "Guardado el 24 de noviembre de 2026, 18:05 (UTC, versión 2), con 1 respuesta nueva de "
            "mis hojas de trabajo que todavía no guardé en mi plan.",
        ),
    ],
)
@pytest.mark.parametrize("form", ["txt", "pdf"])
def test_a_saved_plan_with_answers_written_since_says_they_are_not_saved_yet(
    locale, count, line, form
):
    """Walk 12, item 13: the version and its date are not the whole story of the paper."""
    downloaded = download(with_new(locale, count), form, TODAY, UTC)
    if form == "txt":
        assert isinstance(downloaded.text, str)
        assert downloaded.text.splitlines()[1].startswith(line + " ")
        assert "- Answer 0" in downloaded.text
    else:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(downloaded.text))  # type: ignore[arg-type]
        assert line in " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en", "I can change this plan in Steady until 16 December 2027.\n"),
        ("es", "Puedo cambiar este plan en Steady hasta el 16 de diciembre de 2027.\n"),
    ],
)
def test_a_participant_whose_access_ends_is_not_promised_any_time(locale: str, line: str) -> None:
    """Walk-through 14: after their last group, Steady is open only until a day."""
    text = as_text(plan(locale), TODAY, UTC, until="2027-12-16")
    assert text.splitlines(keepends=True)[1].endswith(line)
    assert "any time" not in text and "cuando quiera" not in text
