"""The one clock. Everything that reads the time takes a ``Clock``; tests pass one whose
sources they control (fixed "now" for overdue, a monotonic time that moves on demand for caches).

Times are stored as UTC ISO strings (``2026-11-27T03:46:00Z``). The program's days are the
calendar days of its time zone (``Clock.zone``): "today", due dates and session dates. The one
rule: a stored time becomes a date or a time of day only through that zone
(``calendar_day``, ``local_time``), so a completion at 10 pm is on the day it was in the
program, the day the grid and the due dates go by, not the next day in UTC.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.text import ascii_digits

# Languages read on a 12-hour clock, with their words for morning and afternoon (US English:
# "6:00 pm"); every other language reads the 24-hour clock ("18:00"). See ``time_of_day``.
HALF_DAYS = {"en": ("am", "pm")}
# A time zone in a sentence (``zone_time``): pages (``web.render.zone_note``, ``times_note``)
# and the plan's downloads name it alike.
ZONE_TIME = {"en": "{city} time", "es": "hora de {city}"}
# A place whose name is not written in Spanish as the zone's name has it; every other place is
# the last part of the zone's name (``zone_city``: "America/New_York" is "New York").
CITIES_ES = {
    "America/New_York": "Nueva York",
    "America/Los_Angeles": "Los Ángeles",
    "America/Mexico_City": "Ciudad de México",
    "America/Bogota": "Bogotá",
    "America/Sao_Paulo": "São Paulo",
    "Europe/London": "Londres",
    "Europe/Paris": "París",
    "Europe/Berlin": "Berlín",
    "Europe/Athens": "Atenas",
    "Europe/Moscow": "Moscú",
    "Europe/Lisbon": "Lisboa",
    "Africa/Cairo": "El Cairo",
    "Africa/Johannesburg": "Johannesburgo",
    "Asia/Dubai": "Dubái",
    "Asia/Kolkata": "Calcuta",
    "Asia/Shanghai": "Shanghái",
    "Asia/Tokyo": "Tokio",
    "Australia/Sydney": "Sídney",
}


class Clock:
    """Wall time (``now``/``iso``/``today``/``epoch``) and a monotonic time for caches."""

    def __init__(
        self,
        timezone: str = "UTC",
        source: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            self._zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = ZoneInfo("UTC")
        self._source = source or (lambda: datetime.now(UTC))
        self._monotonic = monotonic

    def now(self) -> datetime:
        """The current UTC time."""
        return self._source().astimezone(UTC)

    def iso(self) -> str:
        """UTC time with microseconds, sortable as text (audit keys rely on that)."""
        return self.now().isoformat(timespec="microseconds").replace("+00:00", "Z")

    def iso_seconds(self) -> str:
        """UTC time to the second (completion times)."""
        return self.now().isoformat(timespec="seconds").replace("+00:00", "Z")

    def epoch(self) -> float:
        """Seconds since 1970 (token expiry, session lifetimes, DynamoDB TTL)."""
        return self.now().timestamp()

    @property
    def zone(self) -> tzinfo:
        """The program's time zone: its calendar days are the dates shown and compared."""
        return self._zone

    def today(self) -> date:
        """Today's date where the program runs: due dates are the program's calendar days."""
        return self.now().astimezone(self._zone).date()

    def day_end(self, day: date) -> datetime:
        """The UTC instant the program's day ``day`` ends: the next day's start in its time
        zone, so everything before it happened on or before ``day`` as the program's pages
        show times. Found through the zone, never as ``day`` plus 24 hours: a day on which the
        clocks change has 23 or 25 hours. ``date.max`` has no next day (``OverflowError``)."""
        following = day + timedelta(days=1)
        return datetime.combine(following, datetime.min.time(), tzinfo=self._zone).astimezone(UTC)

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (cache ages; never a date)."""
        return self._monotonic()


def iso_of_epoch(seconds: float) -> str:
    """Seconds since 1970 as a stored time (UTC ISO, ``Z``): how an access end, kept as an
    epoch for DynamoDB's TTL, is shown to pages and API callers."""
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def local_time(stamp: str | None, zone: tzinfo) -> datetime | None:
    """A stored time (an ISO instant, UTC when it names no offset) as it was in ``zone``;
    ``None`` for a plain date (``2026-12-02``: a due or session date has no time of day), for
    nothing, and for text that is not a time."""
    text = str(stamp or "")
    if len(text) <= 10:  # a date alone (or nothing): not an instant
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def calendar_day(stamp: str | None, zone: tzinfo) -> date | None:
    """The calendar date in ``zone`` of a stored date or time: a plain date (a due or session
    date, already a program day) stays as it is; an instant becomes the date it was in
    ``zone`` (``2026-11-27T03:46:00Z`` is 26 November in New York). ``None`` for nothing or for
    text that is neither."""
    moment = local_time(stamp, zone)
    if moment is not None:
        return moment.date()
    text = str(stamp or "")
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def time_of_day(hhmm: str | None, lang: str = "en") -> str:
    """A time of day (``HH:MM``, as reminders store it) as a page or a download shows it in
    ``lang``: ``6:00 pm`` in English, ``18:00`` in Spanish (``HALF_DAYS``). Only the words
    shown: a form's values stay ``HH:MM``. Anything that is not such a time comes back as it
    is."""
    value = str(hhmm or "")
    hour, sep, minute = value.partition(":")
    if lang not in HALF_DAYS or not (sep and ascii_digits(hour, 2) and ascii_digits(minute, 2)):
        return value
    if int(hour) > 23 or len(minute) != 2 or int(minute) > 59:
        return value
    am, pm = HALF_DAYS[lang]
    return f"{int(hour) % 12 or 12}:{minute} {pm if int(hour) >= 12 else am}"


def clock_time(stamp: str | None, lang: str = "en", zone: tzinfo = UTC) -> str:
    """A stored time (UTC) as the time of day it was in the program's time zone ``zone``, as
    ``lang`` reads it: ``8:46 pm`` in English, ``20:46`` in Spanish. Empty for anything else
    (a plain date has no time of day)."""
    moment = local_time(stamp, zone)
    if moment is None:
        return ""
    return time_of_day(f"{moment.hour:02d}:{moment.minute:02d}", lang)


def zone_key(zone: tzinfo | str | None) -> str:
    """A time zone's IANA name (``America/New_York``; ``UTC`` for UTC), as a choice stores it."""
    if zone is None:
        return ""
    return str(getattr(zone, "key", None) or zone)


def other_zone(own: tzinfo | str | None, program: tzinfo) -> bool:
    """Whether a participant's own time zone (``None``: none known) is not the program's: their
    pages then say whose calendar their dates are (the program's) and whose clock their times
    are. Compared by name: a zone named differently is said, even where the clocks agree today."""
    return own is not None and zone_key(own) != zone_key(program)


def zone_city(zone: str, lang: str) -> str:
    """The place a time zone is named after, as ``lang`` writes it: "America/New_York" is "New
    York" ("Nueva York" in Spanish), "America/Argentina/Buenos_Aires" "Buenos Aires"; "UTC"
    stays "UTC"."""
    if lang == "es" and zone in CITIES_ES:
        return CITIES_ES[zone]
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_time(zone: str, lang: str) -> str:
    """A time zone in a sentence: "New York time" ("hora de Nueva York"); "UTC" for UTC."""
    city = zone_city(zone, lang)
    if zone in ("UTC", "Etc/UTC") or "/" not in zone:
        return city
    return ZONE_TIME.get(lang, ZONE_TIME["en"]).format(city=city)
