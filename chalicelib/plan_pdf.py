"""The plan as a PDF (fpdf2, pure Python), imported only when a participant downloads it.

The font is DejaVu Sans, shipped in ``chalicelib/fonts`` (its licence beside it): the Lambda
runtime has no system fonts, and the PDF's own core fonts cannot write Spanish accents or
other characters participants type. fpdf2 embeds only the glyphs the plan uses.

Right-to-left writing (Arabic, Farsi, Urdu, Hebrew…) is shaped by HarfBuzz (``uharfbuzz``,
loaded by fpdf2 only when a PDF is made): fpdf2 runs the Unicode bidi algorithm and joins the
Arabic letters. A line whose first letter is right-to-left is right-aligned, and a phone
number in it is kept left-to-right (``isolate_numbers``). A character the font has no glyph for
(most emoji, Chinese, Devanagari…) would vanish without a trace: it is printed as
``PLACEHOLDER`` instead, and the document ends by saying so (``unprintable``).

The data PDF (``render_data``) prints the saved versions of the plan as their changes, the
newest up to ``PRINTED_VERSION_CHARS`` (``printed_versions``): every version is kept, with no
limit on how many, and the JSON download has them all. Plain left-to-right lines are broken
into lines here (``wrap``), not by fpdf2's ``multi_cell``, which measured a line again for each
character it added: 100 versions of 6,000 characters took 16.6 s to print (now about 0.6 s
of CPU, and 50 pages at most).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont

from chalicelib.my_data import MyData, Readable
from chalicelib.plan import (
    Plan,
    PlanItem,
    document_words,
    empty_line,
    item_line,
    subtitle,
    written_day,
)
from chalicelib.records.plans import PlanVersion
from chalicelib.vocabulary import PEOPLE_TO_CALL

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
LINE = 5.6  # mm: 10.5 pt text
PLACEHOLDER = "\u25a1"  # □, in both DejaVu faces
# A number written with spaces, dashes, dots or brackets: "555-0142", "(555) 010 2020".
_NUMBER = re.compile(r"[+(]?\d(?:[\d ().\-/]*\d)?\)?")
_LRI, _PDI = "\u2066", "\u2069"  # left-to-right isolate, and its end
_JOINER = "\u200d"  # zero width joiner: glues the parts of one emoji
# Characters seen that are neither written right to left (nor an Arabic number) nor a combining
# mark: most texts are made of them only, and need no look at each character's class again.
_PLAIN: set[str] = set()


def _plain_letters(text: str) -> bool:
    """Whether no character of ``text`` is written right to left (or is an Arabic number) or
    is a combining mark: a set difference, for characters seen before."""
    unseen = set(text) - _PLAIN
    if any(
        unicodedata.bidirectional(c) in ("R", "AL", "AN") or unicodedata.category(c) in ("Mn", "Me")
        for c in unseen
    ):
        return False
    _PLAIN.update(unseen)
    return True


def right_to_left(text: str) -> bool:
    """Whether ``text``'s first strong letter is written right to left (the paragraph's
    direction in the Unicode bidi algorithm, rules P2-P3)."""
    if _plain_letters(text):
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has letters or numbers written right to left, or combining marks
    (Arabic vowel signs, a decomposed accent) that HarfBuzz must place."""
    if _plain_letters(text):
        return False
    return any(
        unicodedata.bidirectional(c) in ("R", "AL", "AN") or unicodedata.category(c) in ("Mn", "Me")
        for c in text
    )


def isolate_numbers(text: str) -> str:
    """``text`` with each number in a line that holds right-to-left letters isolated as
    left-to-right: after an Arabic letter the bidi algorithm takes "555-0142" for two Arabic
    numbers and prints "0142-555". Lines without right-to-left letters are left as they are."""
    if _plain_letters(text) or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    return _NUMBER.sub(lambda m: f"{_LRI}{m.group(0)}{_PDI}", text)


def printable(text: str, has: Any) -> tuple[str, int]:
    """``text`` with each character the font lacks (``has``: its cmap, or any set of code
    points) replaced by ``PLACEHOLDER``, and how many were replaced. One emoji is one
    placeholder however many code points make it (joiners, skin tones, variation selectors);
    invisible format characters (joiners, direction marks) the font lacks are kept for the
    shaper, which draws nothing for them."""
    out: list[str] = []
    replaced = 0
    after_placeholder = False  # the last thing written was a placeholder
    joined = False  # a joiner followed that placeholder: the next missing part is the same emoji
    for char in text:
        point = ord(char)
        category = unicodedata.category(char)
        if after_placeholder and (
            char == _JOINER or category in ("Mn", "Me") or 0x1F3FB <= point <= 0x1F3FF
        ):
            joined = char == _JOINER
            continue  # part of the emoji or letter already replaced
        if point in has or char in "\n\t\r":
            out.append(char)
            after_placeholder = joined = False
            continue
        if category == "Cf":
            out.append(char)
            continue
        if joined:
            joined = False
            continue
        out.append(PLACEHOLDER)
        replaced += 1
        after_placeholder = True
    return "".join(out), replaced


def wrap(text: str, room: float, width: Callable[[str], float]) -> list[str]:
    """``text`` broken into lines no wider than ``room`` (as ``width`` measures them), at
    spaces, each word measured once; a word wider than a line is broken between its
    characters, as fpdf2's ``multi_cell`` does."""
    space = width(" ")
    lines: list[str] = []
    line: str | None = None
    used = 0.0
    for word in text.split(" "):
        size = width(word)
        if line is not None and used + space + size <= room:
            line, used = f"{line} {word}", used + space + size
            continue
        if line is not None:
            lines.append(line)
        while size > room and len(word) > 1:
            cut = _fitting(word, room, width)
            lines.append(word[:cut])
            word = word[cut:]
            size = width(word)
        line, used = word, size
    lines.append(line if line is not None else "")
    return lines


# fpdf2's bidi algorithm (run on each text that needs shaping) looks for the next letter with a
# direction by recursion, one call per character: some 1,000 characters without one (Devanagari
# or Thai, which DejaVu lacks, become placeholders, which have none) were a RecursionError and a
# 500 on every download. Such a text is printed in pieces of at most this many characters, each
# a paragraph of its own to the bidi algorithm: well under Python's 1,000 calls deep, and about
# four lines, so a piece's short last line is seldom seen.
SHAPED_PIECE_CHARS = 400


def pieces(text: str, most: int = SHAPED_PIECE_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``most`` characters that are ``text`` again when
    joined: each ends after a space or a line break where there is one, else between two
    characters that are not parts of one letter or emoji (never before a combining mark or a
    skin tone, never next to a joiner), as Thai writes no spaces between its words."""
    out: list[str] = []
    start = 0
    while len(text) - start > most:
        window = text[start : start + most]
        cut = max(window.rfind(" "), window.rfind("\n")) + 1
        if cut == 0 or not _may_break(text, start + cut):  # a space before a mark is its base
            cut = next((n for n in range(most, 0, -1) if _may_break(text, start + n)), most)
        out.append(text[start : start + cut])
        start += cut
    out.append(text[start:])
    return out


def _may_break(text: str, at: int) -> bool:
    """Whether ``text`` may be cut before its character at ``at``: not inside a letter with
    its marks, nor inside an emoji."""
    after, before = text[at], text[at - 1]
    return not (
        unicodedata.category(after) in ("Mn", "Me", "Mc", "Cf", "Sk")
        or 0x1F3FB <= ord(after) <= 0x1F3FF
        or unicodedata.category(before) == "Cf"
    )


def _fitting(word: str, room: float, width: Callable[[str], float]) -> int:
    """How many of ``word``'s first characters fit in ``room`` (at least one)."""
    used = 0.0
    for count, char in enumerate(word):
        used += width(char)
        if used > room:
            return max(count, 1)
    return len(word)


class Document(FPDF):
    """An FPDF that shapes the texts that need it and never drops a character without a
    trace: every text fpdf2 measures or writes passes through ``normalize_text``."""

    def __init__(self, title: str, locale: str) -> None:
        super().__init__(format="letter", unit="mm")
        self.replaced = False  # a character was printed as PLACEHOLDER
        # By font (its cmap's id): characters seen that it has, so ``normalize_text`` looks
        # at each character once, not at every text that has it.
        self._printable: dict[int, set[str]] = {}
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        # Discreet metadata: the document's title is its heading, which names no condition,
        # and nothing says whose it is.
        self.set_title(title)
        self.set_lang(locale)
        self.set_creator("")
        self.set_producer("")

    def normalize_text(self, text: str) -> str:
        # Shaping (bidi, joining, mark placement) only for the texts that need it: it doubles
        # the time a plan takes (0.3 s more), and a Latin text looks the same without it.
        self.set_text_shaping(needs_shaping(text))  # True imports uharfbuzz, the first time
        font = self.current_font
        has = font.cmap if isinstance(font, TTFFont) else range(0x20, 0x7F)  # only DejaVu is used
        known = self._printable.setdefault(id(has), set())
        unseen = set(text) - known
        if unseen and all(ord(c) in has or c in "\n\t\r" for c in unseen):
            known |= unseen  # the font has these: no need to look at them again
            unseen = set()
        isolated = isolate_numbers(text)
        if not unseen and isolated == text:
            # All in the font, and no number to isolate among right-to-left letters.
            return str(super().normalize_text(text))
        shown, replaced = printable(isolated, has)
        self.replaced = self.replaced or replaced > 0
        return str(super().normalize_text(shown))

    def paragraph(self, height: float, text: str, indent: float = 0, **kwargs: Any) -> None:
        """``text``, each of its lines right-aligned when written right to left. A line that
        needs no shaping and reads left to right (most of them) is broken into lines here
        (``wrap``) and each written with ``cell``: fpdf2's ``multi_cell`` measures the whole
        line again for each character it adds, so a long download spent most of its time
        there (100 plan versions of 6,000 characters: 16.6 s)."""
        for line in text.split("\n"):
            self.set_x(self.l_margin + indent)
            if not kwargs and self._plain(line):
                self._wrapped(height, line, indent)
                continue
            align = "R" if right_to_left(line) else "L"
            for piece in pieces(line) if needs_shaping(line) else [line]:
                self.set_x(self.l_margin + indent)
                self.multi_cell(
                    0, height, piece, align=align, new_x="LMARGIN", new_y="NEXT", **kwargs
                )

    def _plain(self, line: str) -> bool:
        """Whether ``line`` can be broken into lines by ``wrap``: left to right, nothing to
        shape, no tab or soft hyphen (which ``multi_cell`` treats apart), in DejaVu with no
        extra spacing or stretching."""
        return (
            isinstance(self.current_font, TTFFont)
            and self.char_spacing == 0
            and self.font_stretching == 100
            and not right_to_left(line)
            and not needs_shaping(line)
            and "\t" not in line
            and "\r" not in line
            and "\u00ad" not in line
        )

    def _wrapped(self, height: float, line: str, indent: float) -> None:
        """``line`` broken into lines that fit the page (less each side's cell margin, as
        ``multi_cell``), each written with ``cell`` (a page break where one is due)."""
        shown = self.normalize_text(line)  # the placeholders, noted for the closing line
        font, size, scale = self.current_font, self.font_size_pt, self.k
        assert isinstance(font, TTFFont)

        def width(text: str) -> float:
            return float(font.get_text_width(text, size, None)[1]) / scale

        room = self.epw - indent - 2 * self.c_margin
        for part in wrap(shown, room, width):
            self.set_x(self.l_margin + indent)
            self.cell(0, height, part, new_x="LMARGIN", new_y="NEXT")

    def item(self, text: str, link: str = "") -> None:
        """A bulleted item: the bullet on the side the line starts from."""
        bullet, indent = 5.0, 2.0
        parts = pieces(text) if needs_shaping(text) else [text]
        if right_to_left(text):
            self.set_x(self.l_margin + self.epw - bullet)
            self.cell(bullet, LINE, "•", align="R")  # may start a new page: the text follows
            width = self.epw - indent - bullet
            for part in parts:
                self.set_x(self.l_margin)
                self.multi_cell(
                    width, LINE, part, align="R", link=link, new_x="LMARGIN", new_y="NEXT"
                )
            return
        self.set_x(self.l_margin + indent)
        self.cell(bullet, LINE, "•")
        for part in parts:
            self.set_x(self.l_margin + indent + bullet)
            self.multi_cell(0, LINE, part, link=link, new_x="LMARGIN", new_y="NEXT")

    def unprintable_note(self, words: str) -> None:
        """The last line, when any character was replaced: where to see them all."""
        if self.replaced:
            self.ln(2)
            self.set_font(FONT, "", 9.5)
            self.multi_cell(0, 5, words, new_x="LMARGIN", new_y="NEXT")


def render(plan: Plan, today: str, zone: tzinfo, until: str | None = None) -> bytes:
    """A US Letter PDF: the title, the line under it (``subtitle``; ``today``: the ISO date
    of the download; ``zone``: the program's time zone; ``until``: the last full day of the
    participant's access, if it ends), each section and its items, the
    crisis lines. A filled-in plan fits on one or two pages."""
    words = document_words(plan.locale)
    pdf = Document(words["title"], plan.locale)
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
            pdf.item(item_line(section.id, item), link)
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, LINE, words["crisis"], border="T", new_x="LMARGIN", new_y="NEXT")
    pdf.unprintable_note(words["unprintable"])
    return bytes(pdf.output())


DATA_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Everything I wrote",
        "exported": "Downloaded on {day}",
        "worksheets": "Worksheets",
        "earlier": "Earlier saves of your worksheets",
        "earlier_one": "{module}: saved {day}",
        "plan_now": "My plan as it is now",
        # Never changed by hand: My plan is made from the worksheet answers (walk 19, problem 5:
        # the saved versions alone said "(nothing)" under a full plan).
        "plan_made": "Made from your worksheet answers above. You have not changed it by hand.",
        "plan_saved": "Your version {n}, saved on {day}.",
        "plan_saved_new_one": "Your version {n}, saved on {day}, with 1 newer worksheet answer "
        "that is not saved in it yet.",
        "plan_saved_new": "Your version {n}, saved on {day}, with {count} newer worksheet "
        "answers that are not saved in it yet.",
        "plan": "My plan, every saved version",
        "no_versions": "There are none, because you have not changed your plan by hand. Your "
        "plan is above: it is made from your worksheet answers.",
        "version": "Version {n}, saved on {day}",
        "versions_changes": "The first version below has every part of your plan. Each one "
        "after it shows only the parts you changed in it.",
        "versions_unchanged": "Not changed since version {n}: {parts}.",
        "versions_same": "The same as version {n}.",
        "versions_emptied": "Emptied in this version: nothing is in this part.",
        "versions_left_out": "Versions 1 to {last} are not printed here, to keep this file "
        "quick to make. Every version is in full in the JSON files on the Your data page.",
        "written": "version {v}, {day}",
        "none": "(nothing)",
        "checks": "Knowledge checks",
        "completed": "{module}, version {v}: completed on {day}",
        "attempt": "{module}, version {v}, try {n}, on {day}",
        "score": "{correct} of {total} right.",
        "you_chose": "You chose: {choice}",
        "answers_deleted": "Your answers were deleted; the result is kept.",
        # Only where the version's questions cannot be read any more.
        "picked": "Choices picked (1 is the first choice): {answers}",
        "reminders": "Reminders and where they go",
        "reminders_none": "You have not set up reminders. None are sent.",
        "reminders_on": "Reminders: on",
        "reminders_off": "Reminders: off",
        "channel": {"email": "How: by email", "sms": "How: by text message"},
        "at": "At what time: {time}",
        "days": "On which days: {days}",
        "trigger": {
            "day_before": "When: the day before something is due",
            "daily": "When: every day while something is due",
        },
        "quiet": "Quiet hours (no reminders): {start} to {end}",
        "timezone": "Your time zone: {zone}",
        "message_language": "Language of the messages: {language}",
        "page_language": "Language of your pages: {language}",
        "email": "Your email address: {address}",
        "phone": "Your phone number: {address}",
        "pending": "Waiting for its code: {address}",
        "plan_reminder": {
            "weekly": "A reminder to look at your plan: once a week, on {day}",
            "monthly": "A reminder to look at your plan: once a month, on the first {day}",
        },
        "last_sent": "Last reminder sent: {day}",
        "plan_last_sent": "Last reminder to look at your plan sent: {day}",
        "stopped": "Reminders were turned off from a message on {day}.",
        "account_off": "An administrator turned your account off on {day}.",
        "weekdays": {
            "mon": "Monday",
            "tue": "Tuesday",
            "wed": "Wednesday",
            "thu": "Thursday",
            "fri": "Friday",
            "sat": "Saturday",
            "sun": "Sunday",
        },
        "languages": {"en": "English", "es": "Español"},
        "groups": "My groups",
        "groups_none": "You have not been in a group.",
        "joined": "You joined on {day}.",
        "joined_unknown": "When you joined is not recorded.",
        "in_group": "You are in this group.",
        "left": "A group leader took you out of it on {day}.",
        "left_unknown": "You are no longer in this group.",
        "earlier_time": "You were in it before, from {joined} to {left}.",
        "archived": "The group was archived (closed) on {day}.",
        "archived_unknown": "The group was archived (closed).",
        "name_in_group": "The name its group leaders know you by: {name}",
        "shares": "Its group leaders may see what you did before you joined it.",
        "shares_not": "Its group leaders see only what you did while in it.",
        "account": "My account",
        "access_ends": "You can sign in to Steady until the end of {day}.",
        "access_open": "Your access to Steady has no end date.",
        "notices": "Messages saying when it ends are due on: {days}",
        "made": "A group leader made your account on {day}.",
        "password_chosen": "You last chose your own password on {day}.",
        "signed_out": "Sign-ins from before {day} were ended.",
        # Only when a character was printed as a box (the font has no glyph for it).
        # Not the JSON download: a participant cannot read it. Where they wrote it, they can.
        "unprintable": "Some characters could not be printed here (shown as □). To see them, "
        "open the page where you wrote them (a worksheet or My plan). You can print that page "
        "from your browser.",
    },
    "es": {
        "title": "Todo lo que escribí",
        "exported": "Descargado el {day}",
        "worksheets": "Hojas de trabajo",
        "earlier": "Respuestas guardadas antes en sus hojas de trabajo",
        "earlier_one": "{module}: guardadas el {day}",
        "plan_now": "Mi plan tal como está ahora",
        "plan_made": "Hecho con sus respuestas de las hojas de trabajo de arriba. No lo ha "
        "cambiado a mano.",
        "plan_saved": "Su versión {n}, guardada el {day}.",
        "plan_saved_new_one": "Su versión {n}, guardada el {day}, con 1 respuesta más reciente "
        "de sus hojas de trabajo que todavía no está guardada en ella.",
        "plan_saved_new": "Su versión {n}, guardada el {day}, con {count} respuestas más "
        "recientes de sus hojas de trabajo que todavía no están guardadas en ella.",
        "plan": "Mi plan, cada versión guardada",
        "no_versions": "No hay ninguna, porque no ha cambiado su plan a mano. Su plan está "
        "arriba: está hecho con sus respuestas de las hojas de trabajo.",
        "version": "Versión {n}, guardada el {day}",
        "versions_changes": "La primera versión de abajo tiene todas las partes de su plan. "
        "Cada una después de ella muestra solo las partes que cambió en ella.",
        "versions_unchanged": "Sin cambios desde la versión {n}: {parts}.",
        "versions_same": "Igual que la versión {n}.",
        "versions_emptied": "Vaciada en esta versión: no hay nada en esta parte.",
        "versions_left_out": "Las versiones 1 a {last} no se imprimen aquí, para que este "
        "archivo se haga rápido. Cada versión está completa en los archivos JSON de la página "
        "Sus datos.",
        "written": "versión {v}, {day}",
        "none": "(nada)",
        "checks": "Preguntas de repaso",
        "completed": "{module}, versión {v}: terminado el {day}",
        "attempt": "{module}, versión {v}, intento {n}, el {day}",
        "score": "{correct} de {total} correctas.",
        "you_chose": "Usted eligió: {choice}",
        "answers_deleted": "Sus respuestas se borraron; el resultado se conserva.",
        "picked": "Opciones elegidas (1 es la primera): {answers}",
        "reminders": "Recordatorios y adónde van",
        "reminders_none": "No ha configurado recordatorios. No se envía ninguno.",
        "reminders_on": "Recordatorios: activados",
        "reminders_off": "Recordatorios: desactivados",
        "channel": {"email": "Cómo: por correo electrónico", "sms": "Cómo: por mensaje de texto"},
        "at": "A qué hora: {time}",
        "days": "Qué días: {days}",
        "trigger": {
            "day_before": "Cuándo: el día antes de que algo venza",
            "daily": "Cuándo: cada día mientras algo esté pendiente",
        },
        "quiet": "Horas de silencio (sin recordatorios): de {start} a {end}",
        "timezone": "Su zona horaria: {zone}",
        "message_language": "Idioma de los mensajes: {language}",
        "page_language": "Idioma de sus páginas: {language}",
        "email": "Su correo electrónico: {address}",
        "phone": "Su número de teléfono: {address}",
        "pending": "Esperando su código: {address}",
        "plan_reminder": {
            "weekly": "Un recordatorio para mirar su plan: una vez por semana, el {day}",
            "monthly": "Un recordatorio para mirar su plan: una vez al mes, el primer {day}",
        },
        "last_sent": "Último recordatorio enviado: {day}",
        "plan_last_sent": "Último recordatorio para mirar su plan enviado: {day}",
        "stopped": "Los recordatorios se desactivaron desde un mensaje el {day}.",
        "account_off": "Un administrador desactivó su cuenta el {day}.",
        "weekdays": {
            "mon": "lunes",
            "tue": "martes",
            "wed": "miércoles",
            "thu": "jueves",
            "fri": "viernes",
            "sat": "sábado",
            "sun": "domingo",
        },
        "languages": {"en": "English", "es": "Español"},
        "groups": "Mis grupos",
        "groups_none": "No ha estado en ningún grupo.",
        "joined": "Entró el {day}.",
        "joined_unknown": "No consta cuándo entró.",
        "in_group": "Está en este grupo.",
        "left": "Un líder de grupo lo sacó del grupo el {day}.",
        "left_unknown": "Ya no está en este grupo.",
        "earlier_time": "Estuvo en él antes, del {joined} al {left}.",
        "archived": "El grupo se archivó (se cerró) el {day}.",
        "archived_unknown": "El grupo se archivó (se cerró).",
        "name_in_group": "El nombre con el que lo conocen sus líderes de grupo: {name}",
        "shares": "Sus líderes de grupo pueden ver lo que hizo antes de entrar.",
        "shares_not": "Sus líderes de grupo solo ven lo que hizo mientras estuvo en él.",
        "account": "Mi cuenta",
        "access_ends": "Puede entrar en Steady hasta el final del {day}.",
        "access_open": "Su acceso a Steady no tiene fecha de fin.",
        "notices": "Los mensajes que dicen cuándo termina se envían el: {days}",
        "made": "Un líder de grupo creó su cuenta el {day}.",
        "password_chosen": "Eligió su propia contraseña por última vez el {day}.",
        "signed_out": "Se cerraron las sesiones iniciadas antes del {day}.",
        "unprintable": "Algunos caracteres no se pudieron imprimir aquí (se ven como □). Para "
        "verlos, abra la página donde los escribió (una hoja de trabajo o Mi plan). Puede "
        "imprimir esa página desde su navegador.",
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


def render_data(data: MyData, locale: str, zone: tzinfo, readable: Readable | None = None) -> bytes:
    """Everything a participant wrote: each worksheet's answers, the plan as it is now (as My
    plan shows it: ``data.plan``) and each version of it saved, then each
    completion and knowledge-check attempt with the choices picked, each dated by the
    program's calendar (``zone``) in words, as the plan PDF and the pages date them
    ("27 November 2026", ``plan.written_day``). Modules are named by their titles and choices by their
    words where ``readable`` has them (``MyDataService.readable``), else by id and number."""
    from chalicelib.plan import _titles

    readable = readable or Readable({}, {})
    words = DATA_WORDS.get(locale, DATA_WORDS["en"])
    titles = _titles(locale)
    pdf = _document(words["title"], locale)
    pdf.set_font(FONT, "", 9.5)
    pdf.cell(
        0,
        6,
        words["exported"].format(day=written_day(data.exported_at, locale, zone)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, words["worksheets"], 14)
    if not data.worksheets:
        pdf.multi_cell(0, LINE, words["none"], new_x="LMARGIN", new_y="NEXT")
    for sheet in data.worksheets:
        _heading(pdf, readable.title(sheet.module_id), 11.5)
        for field_id, answer in readable.in_order(sheet):
            pdf.set_font(FONT, "B", 10)
            when = words["written"].format(
                v=answer.version, day=written_day(answer.at, locale, zone)
            )
            pdf.paragraph(LINE, f"{answer.label or field_id} ({when})")
            pdf.set_font(FONT, "", 10)
            shown = answer.choice_text if answer.choice_text is not None else answer.value
            pdf.paragraph(LINE, _value_text(shown))
    if data.earlier_saves:
        _heading(pdf, words["earlier"], 14)
    for earlier in data.earlier_saves:
        day = written_day(earlier.saved_at or earlier.replaced_at, locale, zone)
        title = words["earlier_one"].format(module=readable.title(earlier.module_id), day=day)
        _heading(pdf, title, 11.5)
        for field_id, answer in readable.in_order(earlier):
            pdf.set_font(FONT, "B", 10)
            pdf.paragraph(LINE, answer.label or field_id)
            pdf.set_font(FONT, "", 10)
            shown = answer.choice_text if answer.choice_text is not None else answer.value
            pdf.paragraph(LINE, _value_text(shown))
    if data.plan is not None:
        _current_plan(pdf, data.plan, words, zone)
    _heading(pdf, words["plan"], 14)
    if not data.plan_versions:
        shown = data.plan is not None and not data.plan.empty
        pdf.multi_cell(
            0, LINE, words["no_versions" if shown else "none"], new_x="LMARGIN", new_y="NEXT"
        )
    left_out, printed = printed_versions(data.plan_versions)
    if left_out:
        pdf.paragraph(LINE, words["versions_left_out"].format(last=left_out))
    if len(printed) > 1:
        pdf.paragraph(LINE, words["versions_changes"])
    for shown in printed:
        version = shown.version
        _heading(
            pdf,
            words["version"].format(
                n=version.version, day=written_day(version.saved_at, locale, zone)
            ),
            11.5,
        )
        for section, lines in shown.parts:
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(0, LINE, titles.get(section, section), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 10)
            if not lines:
                pdf.paragraph(LINE, words["versions_emptied"])
            for line in lines:
                pdf.paragraph(LINE, "• " + line)
        if shown.unchanged:
            pdf.set_font(FONT, "", 10)
            key = "versions_same" if not shown.parts else "versions_unchanged"
            parts = ", ".join(titles.get(section, section) for section in shown.unchanged)
            pdf.paragraph(LINE, words[key].format(n=version.version - 1, parts=parts))
    _heading(pdf, words["checks"], 14)
    if not data.completions and not data.attempts and not data.check_results:
        pdf.multi_cell(0, LINE, words["none"], new_x="LMARGIN", new_y="NEXT")
    checks: list[tuple[tuple[str, int, int], str, dict[str, Any] | None]] = []
    for completion in data.completions:
        title = words["completed"].format(
            module=readable.title(completion.module_id),
            v=completion.version,
            day=written_day(completion.completed_at, locale, zone),
        )
        checks.append(
            ((completion.module_id, completion.version, 0), title, completion.knowledge_check)
        )
    for attempt in data.attempts:
        title = words["attempt"].format(
            module=readable.title(attempt.module_id),
            v=attempt.version,
            n=attempt.attempt,
            day=written_day(attempt.answered_at, locale, zone),
        )
        checks.append(
            ((attempt.module_id, attempt.version, attempt.attempt), title, attempt.knowledge_check)
        )
    # A try whose answers were deleted ("delete my answers") keeps its result: that alone.
    answered = {(c.module_id, c.version, 1) for c in data.completions if c.knowledge_check}
    answered |= {(a.module_id, a.version, a.attempt) for a in data.attempts}
    for kept in data.check_results:
        tried = (str(kept["module_id"]), int(kept["version"]), int(kept["attempt"]))
        if tried in answered:
            continue
        title = words["attempt"].format(
            module=readable.title(tried[0]),
            v=tried[1],
            n=tried[2],
            day=written_day(str(kept["at"]), locale, zone),
        )
        checks.append((tried, title, {"correct": kept["correct"], "total": kept["total"]}))
    for (module_id, number, _attempt), title, check in sorted(checks, key=lambda c: c[0]):
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, LINE, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        if check is None:
            continue
        answers = [int(a) for a in check.get("answers", [])]
        line = words["score"].format(correct=check.get("correct", 0), total=check.get("total", 0))
        if "answers" not in check:
            pdf.multi_cell(
                0, LINE, f"{line} {words['answers_deleted']}", new_x="LMARGIN", new_y="NEXT"
            )
            continue
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
    _reminders(pdf, data.reminders, words, locale, zone)
    _groups(pdf, data, words, locale, zone)
    pdf.unprintable_note(words["unprintable"])
    return bytes(pdf.output())


def _reminders(
    pdf: Document, kept: dict[str, Any] | None, words: dict[str, Any], locale: str, zone: tzinfo
) -> None:
    """The reminder settings as kept (``my_data.reminder_settings``), in words: the JSON
    download has every detail as stored."""
    _heading(pdf, words["reminders"], 14)
    settings = (kept or {}).get("settings") or {}
    sent = (kept or {}).get("sent") or {}
    lines: list[str] = []
    if "enabled" not in settings and "channel" not in settings:
        lines.append(words["reminders_none"])
    else:
        lines.append(words["reminders_on" if settings.get("enabled") else "reminders_off"])
        channel = words["channel"].get(str(settings.get("channel")))
        if channel:
            lines.append(channel)
        if settings.get("time"):
            lines.append(words["at"].format(time=settings["time"]))
        days = [words["weekdays"].get(str(d), str(d)) for d in settings.get("days") or ()]
        if days:
            lines.append(words["days"].format(days=", ".join(days)))
        trigger = words["trigger"].get(str(settings.get("trigger")))
        if trigger:
            lines.append(trigger)
        if settings.get("quiet_start") and settings.get("quiet_end"):
            lines.append(
                words["quiet"].format(start=settings["quiet_start"], end=settings["quiet_end"])
            )
        every = words["plan_reminder"].get(str(settings.get("plan_every")))
        if every:
            day = words["weekdays"].get(str(settings.get("plan_day") or "mon"), "")
            lines.append(every.format(day=day))
    if settings.get("timezone"):
        lines.append(words["timezone"].format(zone=settings["timezone"]))
    for key, attribute in (("message_language", "locale"), ("page_language", "page_locale")):
        if settings.get(attribute):
            language = words["languages"].get(str(settings[attribute]), settings[attribute])
            lines.append(words[key].format(language=language))
    for key in ("email", "phone"):
        if settings.get(key):
            lines.append(words[key].format(address=settings[key]))
    pending = settings.get("pending")
    if isinstance(pending, dict) and pending.get("address"):
        lines.append(words["pending"].format(address=pending["address"]))
    for key, attribute, source in (
        ("last_sent", "last_sent_at", sent),
        ("plan_last_sent", "plan_last_sent_at", sent),
        ("stopped", "stopped_from_message_at", settings),
        ("account_off", "account_off_at", settings),
    ):
        if source.get(attribute):
            lines.append(words[key].format(day=written_day(str(source[attribute]), locale, zone)))
    for line in lines:
        pdf.paragraph(LINE, line)


# The data PDF prints the saved versions of the plan up to about this many characters (each item
# counted as at least a full line, ``_LINE_CHARS``: each line costs a call), some 45 pages.
# Every version is kept (``records/plans.py``), with no limit on how many, each up to
# ``plan.MAX_PLAN_CHARS``: 100 versions of 6,000 characters took 16.6 s, longer than a request
# may last. The newest are printed; every version is in full in the JSON download and its pages
# of older versions (``my_data.RESPONSE_BUDGET``), which the web page "Your data" links.
PRINTED_VERSION_CHARS = 200_000
_LINE_CHARS = 100


@dataclass(frozen=True)
class PrintedVersion:
    """A saved version of the plan as the data PDF prints it: the first one printed with all
    its parts, each later one with the parts that changed since the one before (``parts``:
    section id and its items' lines, none for a part emptied in it), naming the others
    (``unchanged``)."""

    version: PlanVersion
    parts: tuple[tuple[str, tuple[str, ...]], ...]
    unchanged: tuple[str, ...] = ()


def printed_versions(
    versions: Sequence[PlanVersion], budget: int = PRINTED_VERSION_CHARS
) -> tuple[int, list[PrintedVersion]]:
    """The saved versions (oldest first) the data PDF prints, and the number of the last one
    it leaves out (0: none): the newest, as many as fit in ``budget`` characters (the newest
    always), the first printed whole and each later one as its changes (``PrintedVersion``).
    A plan is changed one part at a time, so a version's changes are a part or two: a long
    history prints in a few pages, where each version whole repeated the plan every time."""
    read: dict[int, dict[str, tuple[str, ...]]] = {}

    def lines_of(n: int) -> dict[str, tuple[str, ...]]:
        """Version ``n``'s items' lines by part: read only for the versions looked at."""
        if n not in read:
            read[n] = {
                section: tuple(item_line(section, PlanItem.from_record(r)) for r in items)
                for section, items in versions[n].sections.items()
            }
        return read[n]

    def changed(n: int) -> dict[str, tuple[str, ...]]:
        # A saved version leaves out the parts with nothing in them: one emptied in version n
        # is only in n - 1, and is changed (no lines: "emptied").
        before, now = lines_of(n - 1), lines_of(n)
        return {
            s: now.get(s, ())
            for s in (*now, *(s for s in before if s not in now))
            if before.get(s, ()) != now.get(s, ())
        }

    def size(parts: Mapping[str, tuple[str, ...]]) -> int:
        return sum(max(len(line), _LINE_CHARS) for items in parts.values() for line in items)

    start, changes = len(versions), 0
    for n in range(len(versions) - 1, -1, -1):
        if start < len(versions) and size(lines_of(n)) + changes > budget:
            break
        start = n
        # Its heading and the line naming the parts not changed cost lines too.
        changes += size(changed(n)) + 3 * _LINE_CHARS if n else 0
    printed = []
    for n in range(start, len(versions)):
        if n == start:
            printed.append(PrintedVersion(versions[n], tuple(lines_of(n).items())))
            continue
        parts = changed(n)
        unchanged = tuple(s for s in lines_of(n) if s not in parts)
        printed.append(PrintedVersion(versions[n], tuple(parts.items()), unchanged))
    return (versions[start - 1].version if start else 0), printed


def _groups(pdf: Document, data: MyData, words: dict[str, Any], locale: str, zone: tzinfo) -> None:
    """Their groups and their account's dates (``MyData.groups``, ``MyData.account``), in
    words: the JSON download has them as stored."""
    _heading(pdf, words["groups"], 14)
    if not data.groups:
        pdf.paragraph(LINE, words["groups_none"])

    def on(iso: str) -> str:
        return written_day(iso, locale, zone)

    for group in data.groups:
        _heading(pdf, group.name, 11.5)
        lines = [
            words["joined"].format(day=on(group.joined_at))
            if group.joined_at
            else words["joined_unknown"]
        ]
        if group.member:
            lines.append(words["in_group"])
        elif group.left_at:
            lines.append(words["left"].format(day=on(group.left_at)))
        else:
            lines.append(words["left_unknown"])
        lines.extend(
            words["earlier_time"].format(joined=on(s.joined_at), left=on(s.left_at))
            for s in group.earlier
        )
        if group.archived:
            lines.append(
                words["archived"].format(day=on(group.archived_at))
                if group.archived_at
                else words["archived_unknown"]
            )
        if group.display_name:
            lines.append(words["name_in_group"].format(name=group.display_name))
        if group.member:
            lines.append(words["shares" if group.shares_history else "shares_not"])
        for line in lines:
            pdf.paragraph(LINE, line)
    account = data.account
    _heading(pdf, words["account"], 14)
    lines = []
    if account.access_last_full_day:
        lines.append(words["access_ends"].format(day=on(account.access_last_full_day)))
        if account.access_end_notices:
            days = ", ".join(on(d) for d in account.access_end_notices)
            lines.append(words["notices"].format(days=days))
    else:
        lines.append(words["access_open"])
    for key, value in (
        ("made", account.made_at),
        ("password_chosen", account.password_chosen_at),
        ("signed_out", account.signed_out_before),
    ):
        if value:
            lines.append(words[key].format(day=on(value)))
    for line in lines:
        pdf.paragraph(LINE, line)


def _current_plan(pdf: Document, plan: Plan, words: dict[str, str], zone: tzinfo) -> None:
    """The plan as My plan shows it (``plan.current``): where it comes from, then each part
    and its items, as the plan's own download lists them."""
    _heading(pdf, words["plan_now"], 14)
    if plan.version is None or plan.saved_at is None:
        if plan.empty:
            pdf.multi_cell(0, LINE, empty_line(plan), new_x="LMARGIN", new_y="NEXT")
            return
        where = words["plan_made"]
    else:
        count = plan.new_items
        key = (
            "plan_saved" if not count else "plan_saved_new_one" if count == 1 else "plan_saved_new"
        )
        day = written_day(plan.saved_at, plan.locale, zone)
        where = words[key].format(n=plan.version, day=day, count=count)
    pdf.paragraph(LINE, where)
    for section in plan.sections:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, LINE, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        if not section.items:
            pdf.multi_cell(0, LINE, empty_line(plan), new_x="LMARGIN", new_y="NEXT")
        for item in section.items:
            pdf.paragraph(LINE, "• " + item_line(section.id, item))


def _document(title: str, locale: str) -> Document:
    pdf = Document(title, locale)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    return pdf


def _heading(pdf: Document, text: str, size: float) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.paragraph(7, text)
    pdf.set_font(FONT, "", 10)
