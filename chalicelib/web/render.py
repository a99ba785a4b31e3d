"""HTML rendering: Jinja2 templates and the one stylesheet.

Jinja2 is imported on the first page render, so JSON API requests (and their cold starts)
never pay for it. Autoescaping is on; module HTML, already sanitised at publish time by the
content pipeline, is the only markup inserted as-is (``Markup`` in ``pages.py``).

Dates and times: a stored time (UTC) is shown as the day and the time it was in the program's
time zone (``chalicelib.clock``), which every page's context carries as ``zone``; the ``day``
and ``clock_time`` filters read it there. The ``clock`` and ``clock_time`` filters are
``chalicelib.clock``'s ``time_of_day`` and ``clock_time``, which the plan's downloads use too.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.clock import (
    calendar_day,
    clock_time,
    other_zone,
    time_of_day,
    zone_key,
    zone_time,
)
from chalicelib.text import shown_group_name, shown_name
from chalicelib.web.words import DAYS, MONTHS, WORDS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "steady.css"
PROGRAM = (
    "Steady"  # ends every page title ("Module – Steady"): neutral, never a topic or a diagnosis
)
QUICK_EXIT = "https://www.google.com/search?q=weather"

_lock = threading.Lock()
_env: Any = None


@dataclass(frozen=True)
class Asset:
    text: str
    digest: str

    @property
    def url(self) -> str:
        # The content hash in the URL lets browsers keep the file for a year.
        return f"/static/steady.css?v={self.digest}"


@lru_cache(maxsize=1)
def stylesheet() -> Asset:
    text = STYLESHEET.read_text(encoding="utf-8")
    return Asset(text, hashlib.sha256(text.encode()).hexdigest()[:12])


def environment() -> Any:
    global _env
    if _env is None:
        with _lock:
            if _env is None:
                import jinja2  # deferred: see module docstring

                env = jinja2.Environment(
                    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                    autoescape=True,
                    trim_blocks=True,
                    lstrip_blocks=True,
                    undefined=jinja2.StrictUndefined,
                    # Templates ship inside the deployment: never stat them again per render.
                    auto_reload=False,
                    extensions=["chalicelib.web.fragments.FragmentCache"],
                )
                # ``preview``: the banner ``steady-content preview`` adds above a page; None here.
                # ``language_choice``: the link to the page in the other language (``http.page``).
                env.globals.update(
                    program=PROGRAM,
                    quick_exit=QUICK_EXIT,
                    css_url=stylesheet().url,
                    preview=None,
                    language_choice=None,
                )
                env.filters["clock"] = time_of_day
                # Names people typed, as leaders see them (``text.shown_name``); ``isolated``
                # for where no element can go (an ``<option>``), else ``<bdi>`` around them.
                env.filters["participant_name"] = shown_name
                env.filters["group_name"] = shown_group_name
                env.filters["isolated"] = isolated
                # The page's ``zone`` (``page_context``): stored times are shown in it.
                env.filters["day"] = jinja2.pass_context(
                    lambda context, stamp, lang="en": day(stamp, lang, context["zone"])
                )
                env.filters["clock_time"] = jinja2.pass_context(
                    lambda context, stamp, lang="en": clock_time(stamp, lang, context["zone"])
                )
                _env = env
    return _env


def clear_fragments() -> None:
    """Forget every rendered fragment, as a new container starts (tests: one per test)."""
    if _env is not None:
        _env.fragment_cache.clear()


def day(iso: str | None, lang: str = "en", zone: tzinfo = UTC) -> str:
    """``2026-11-24`` as ``Tue 24 Nov 2026`` (``mar 24 nov 2026`` in Spanish); a stored time
    (``2026-11-25T03:46:00Z``) as its day in the program's time zone ``zone`` (``Tue 24 Nov
    2026`` in New York). A plain date (due, session) is a program day already: as it is."""
    if not iso:
        return ""
    value = calendar_day(iso, zone)
    if value is None:
        return str(iso)
    lang = lang if lang in MONTHS else "en"
    return f"{DAYS[lang][value.weekday()]} {value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def zone_note(key: str, own: tzinfo | str | None, program: tzinfo, lang: str) -> str:
    """The line that says whose calendar a participant's dates are (``key``: ``due_zone_note``,
    ``days_zone_note``): "Due dates follow the program's time zone (New York time).", only
    where their own zone ``own`` is not the program's ``program`` (``clock.other_zone``); else
    nothing. The README's rule: days of the program's schedule are the program's days."""
    if not other_zone(own, program):
        return ""
    words = WORDS[lang if lang in WORDS else "en"]
    return str(words[key]).format(zone=zone_time(zone_key(program), lang))


def times_note(zone: tzinfo, lang: str) -> str:
    """The line that names the zone a page's clock times are in: "Times on this page are
    Auckland time." (a participant's own zone, or the program's where they chose none)."""
    words = WORDS[lang if lang in WORDS else "en"]
    return str(words["times_zone_note"]).format(zone=zone_time(zone_key(zone), lang))


def short_day(iso: str | None) -> str:
    """A due date, ``2026-11-24``, as ``24 Nov`` (a grid's column header); empty for none."""
    if not iso:
        return ""
    try:
        value = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{value.day} {MONTHS['en'][value.month - 1]}"


def render(template: str, context: dict[str, Any]) -> str:
    html: str = environment().get_template(template).render(**context)
    return html


def page_context(
    lang: str, caller: Any = None, csrf_token: str | None = None, zone: tzinfo = UTC
) -> dict[str, Any]:
    """What every page's template sees besides its own data: the caller, the words of
    ``lang`` and the program's time zone (``Clock.zone``: stored times are shown in it; a
    preview shows nobody's records). The web app (``http.page``) and ``steady-content
    preview`` both start from it. ``access_ends`` and ``in_no_group`` are the caller's, which
    ``http.page`` knows: here, those of someone with no last day who is in a group."""
    return {
        "caller": caller,
        "roles": caller.roles if caller else frozenset(),
        "csrf_token": csrf_token,
        "lang": lang,
        "w": WORDS[lang],
        "zone": zone,
        "access_ends": None,
        "in_no_group": False,
    }


def qr_svg(text: str, title: str) -> str:
    """``text`` as a QR code in inline SVG (no image request, no script), named ``title``."""
    import segno  # deferred: only the authenticator set-up page draws one

    return str(
        segno.make(text, error="m").svg_inline(border=2, omitsize=True, title=title, svgclass="qr")
    )


def escape(text: object) -> str:
    """``text`` escaped for HTML exactly as the templates' autoescaping does it."""
    import markupsafe

    return str(markupsafe.escape(text))


# First strong isolate and pop directional isolate: what ``<bdi>`` does, for text that cannot
# hold an element (an ``<option>``, an attribute).
FSI, PDI = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """``text`` between FSI and PDI: a right-to-left name, or one ending in digits, leaves the
    words around it in their order."""
    return f"{FSI}{text}{PDI}"


def bdi(name: str, group: bool = False) -> Any:
    """A participant's (or, with ``group``, a group's) name as leaders see it
    (``text.shown_name``), escaped, in ``<bdi>``: safe HTML to put in a sentence."""
    import markupsafe

    shown = shown_group_name(name) if group else shown_name(name)
    return markupsafe.Markup("<bdi>{}</bdi>").format(shown)


def said(text: str, *names: Any) -> Any:
    """A sentence of our own words (``text``, with ``{}`` for each name) as safe HTML: the
    words escaped, each of ``names`` escaped unless it is safe HTML already (``bdi``)."""
    import markupsafe

    return markupsafe.Markup(markupsafe.escape(text)).format(*names)


def markup(html: str) -> Any:
    """Mark already-sanitised HTML as safe to insert."""
    import markupsafe

    return markupsafe.Markup(html)
