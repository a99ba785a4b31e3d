"""The one rule for dates across time zones (README, "Dates and times"): whose calendar a
participant's dates are, and how a page names a zone."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from chalicelib.clock import other_zone, zone_city, zone_key, zone_time
from chalicelib.web.render import times_note, zone_note
from chalicelib.web.words import zone_name

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("zone", "lang", "city", "time"),
    [
        ("America/New_York", "en", "New York", "New York time"),
        ("America/New_York", "es", "Nueva York", "hora de Nueva York"),
        ("Pacific/Auckland", "en", "Auckland", "Auckland time"),
        ("America/Argentina/Buenos_Aires", "es", "Buenos Aires", "hora de Buenos Aires"),
        ("UTC", "en", "UTC", "UTC"),
        ("UTC", "es", "UTC", "UTC"),
    ],
)
def test_a_zone_is_named_by_its_place(zone, lang, city, time):
    assert zone_city(zone, lang) == city
    assert zone_time(zone, lang) == time


def test_a_zone_not_offered_says_its_own_name_too():
    assert zone_name("Asia/Kathmandu", "en", offered=False) == "Kathmandu (Asia/Kathmandu)"
    assert zone_name("Asia/Kathmandu", "en") == "Kathmandu"
    assert zone_name("America/New_York", "en", offered=False) == "Eastern Time (New York)"


def test_only_another_zone_is_other():
    assert not other_zone(None, NEW_YORK)
    assert not other_zone(ZoneInfo("America/New_York"), NEW_YORK)
    assert not other_zone("America/New_York", NEW_YORK)
    assert other_zone(ZoneInfo("America/Los_Angeles"), NEW_YORK)
    assert other_zone(UTC, NEW_YORK) and zone_key(UTC) == "UTC"


def test_the_notes():
    auckland = ZoneInfo("Pacific/Auckland")
    assert zone_note("due_zone_note", NEW_YORK, NEW_YORK, "en") == ""
    assert zone_note("due_zone_note", auckland, NEW_YORK, "en") == (
        "Due dates follow the program's time zone (New York time)."
    )
    assert zone_note("days_zone_note", auckland, NEW_YORK, "es") == (
        "Las fechas de esta página siguen la zona horaria del programa (hora de Nueva York)."
    )
    assert times_note(auckland, "en") == "Times on this page are Auckland time."
    assert times_note(NEW_YORK, "es") == "Las horas de esta página son hora de Nueva York."
