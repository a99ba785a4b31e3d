"""The plan as a PDF (fpdf2, pure Python), imported only when a participant downloads it.

The font is DejaVu Sans, shipped in ``chalicelib/fonts`` (its licence beside it): the Lambda
runtime has no system fonts, and the PDF's own core fonts cannot write Spanish accents or
other characters participants type. fpdf2 embeds only the glyphs the plan uses.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from fpdf import FPDF

from chalicelib.clock import calendar_day
from chalicelib.my_data import MyData, Readable
from chalicelib.plan import Plan, document_words, empty_line, item_line, subtitle
from chalicelib.vocabulary import PEOPLE_TO_CALL

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
LINE = 5.6  # mm: 10.5 pt text


def render(plan: Plan, today: str, zone: tzinfo, until: str | None = None) -> bytes:
    """A US Letter PDF: the title, the line under it (``subtitle``; ``today``: the ISO date
    of the download; ``zone``: the program's time zone; ``until``: the last full day of the
    participant's access, if it ends), each section and its items, the
    crisis lines. A filled-in plan fits on one or two pages."""
    words = document_words(plan.locale)
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    # Discreet metadata: the document's title is its heading, which names no condition, and
    # nothing says whose it is.
    pdf.set_title(words["title"])
    pdf.set_lang(plan.locale)
    pdf.set_creator("")
    pdf.set_producer("")
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, words["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5, subtitle(plan, today, zone, until), new_x="LMARGIN", new_y="NEXT")
    for section in plan.sections:
        pdf.ln(2.5)
        pdf.set_font(FONT, "B", 12.5)
        pdf.multi_cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10.5)
        if not section.items:
            pdf.multi_cell(0, LINE, empty_line(plan), new_x="LMARGIN", new_y="NEXT")
        for item in section.items:
            link = f"tel:{item.tel}" if section.id == PEOPLE_TO_CALL and item.tel else ""
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(5, LINE, "•")
            pdf.multi_cell(
                0, LINE, item_line(section.id, item), link=link, new_x="LMARGIN", new_y="NEXT"
            )
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, LINE, words["crisis"], border="T", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


DATA_WORDS = {
    "en": {
        "title": "Everything I wrote",
        "exported": "Downloaded on {day}",
        "worksheets": "Worksheets",
        "plan": "My plan, every saved version",
        "version": "Version {n}, saved on {day}",
        "written": "version {v}, {day}",
        "none": "(nothing)",
        "checks": "Knowledge checks",
        "completed": "{module}, version {v}: completed on {day}",
        "attempt": "{module}, version {v}, try {n}, on {day}",
        "score": "{correct} of {total} right.",
        "you_chose": "You chose: {choice}",
        # Only where the version's questions cannot be read any more.
        "picked": "Choices picked (1 is the first choice): {answers}",
    },
    "es": {
        "title": "Todo lo que escribí",
        "exported": "Descargado el {day}",
        "worksheets": "Hojas de trabajo",
        "plan": "Mi plan, cada versión guardada",
        "version": "Versión {n}, guardada el {day}",
        "written": "versión {v}, {day}",
        "none": "(nada)",
        "checks": "Preguntas de repaso",
        "completed": "{module}, versión {v}: terminado el {day}",
        "attempt": "{module}, versión {v}, intento {n}, el {day}",
        "score": "{correct} de {total} correctas.",
        "you_chose": "Usted eligió: {choice}",
        "picked": "Opciones elegidas (1 es la primera): {answers}",
    },
}


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(f"• {_contact(v) if isinstance(v, dict) else v}" for v in value)
    return str(value)


def _contact(person: dict[str, Any]) -> str:
    """ "Rosa: 555 010 0134"; a name or a number alone, without a colon."""
    name, phone = str(person.get("name") or ""), str(person.get("phone") or "")
    return f"{name}: {phone}" if name and phone else name or phone


def _day(stamp: str, zone: tzinfo) -> str:
    """A stored time's day in the program's time zone, ``2026-11-26``."""
    day = calendar_day(stamp, zone)
    return day.isoformat() if day else stamp[:10]


def render_data(data: MyData, locale: str, zone: tzinfo, readable: Readable | None = None) -> bytes:
    """Everything a participant wrote: each worksheet's answers, each plan version, then each
    completion and knowledge-check attempt with the choices picked, each dated by the
    program's calendar (``zone``). Modules are named by their titles and choices by their
    words where ``readable`` has them (``MyDataService.readable``), else by id and number."""
    from chalicelib.plan import PlanItem, _titles

    readable = readable or Readable({}, {})
    words = DATA_WORDS.get(locale, DATA_WORDS["en"])
    titles = _titles(locale)
    pdf = _document(words["title"], locale)
    pdf.set_font(FONT, "", 9.5)
    pdf.cell(
        0,
        6,
        words["exported"].format(day=_day(data.exported_at, zone)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, words["worksheets"], 14)
    if not data.worksheets:
        pdf.multi_cell(0, LINE, words["none"], new_x="LMARGIN", new_y="NEXT")
    for sheet in data.worksheets:
        _heading(pdf, readable.title(sheet.module_id), 11.5)
        for field_id, answer in sorted(sheet.answers.items()):
            pdf.set_font(FONT, "B", 10)
            when = words["written"].format(v=answer.version, day=_day(answer.at, zone))
            pdf.multi_cell(
                0, LINE, f"{answer.label or field_id} ({when})", new_x="LMARGIN", new_y="NEXT"
            )
            pdf.set_font(FONT, "", 10)
            shown = answer.choice_text if answer.choice_text is not None else answer.value
            pdf.multi_cell(0, LINE, _value_text(shown), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, words["plan"], 14)
    if not data.plan_versions:
        pdf.multi_cell(0, LINE, words["none"], new_x="LMARGIN", new_y="NEXT")
    for version in data.plan_versions:
        _heading(
            pdf, words["version"].format(n=version.version, day=_day(version.saved_at, zone)), 11.5
        )
        for section, items in version.sections.items():
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(0, LINE, titles.get(section, section), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 10)
            for record in items:
                pdf.multi_cell(
                    0,
                    LINE,
                    "• " + item_line(section, PlanItem.from_record(record)),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
    _heading(pdf, words["checks"], 14)
    if not data.completions and not data.attempts:
        pdf.multi_cell(0, LINE, words["none"], new_x="LMARGIN", new_y="NEXT")
    checks: list[tuple[tuple[str, int, int], str, dict[str, Any] | None]] = []
    for completion in data.completions:
        title = words["completed"].format(
            module=readable.title(completion.module_id),
            v=completion.version,
            day=_day(completion.completed_at, zone),
        )
        checks.append(
            ((completion.module_id, completion.version, 0), title, completion.knowledge_check)
        )
    for attempt in data.attempts:
        title = words["attempt"].format(
            module=readable.title(attempt.module_id),
            v=attempt.version,
            n=attempt.attempt,
            day=_day(attempt.answered_at, zone),
        )
        checks.append(
            ((attempt.module_id, attempt.version, attempt.attempt), title, attempt.knowledge_check)
        )
    for (module_id, number, _attempt), title, check in sorted(checks, key=lambda c: c[0]):
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, LINE, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        if check is None:
            continue
        answers = [int(a) for a in check.get("answers", [])]
        line = words["score"].format(correct=check.get("correct", 0), total=check.get("total", 0))
        chosen = readable.chosen(module_id, number, answers)
        if chosen is None:
            picked = ", ".join(str(a + 1) for a in answers)
            line += " " + words["picked"].format(answers=picked)
        pdf.multi_cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")
        for n, (question, choice) in enumerate(chosen or [], start=1):
            pdf.set_x(pdf.l_margin + 2)
            pdf.multi_cell(0, LINE, f"{n}. {question}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(
                0, LINE, words["you_chose"].format(choice=choice), new_x="LMARGIN", new_y="NEXT"
            )
    return bytes(pdf.output())


def _document(title: str, locale: str) -> FPDF:
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_lang(locale)
    pdf.set_creator("")
    pdf.set_producer("")
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    return pdf


def _heading(pdf: FPDF, text: str, size: float) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
