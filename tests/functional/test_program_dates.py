"""Dates on the program's calendar: in the evening in New York it is already the next day in
UTC, and what a participant did then (joined, completed) is on the day it was in the program,
the day "today", the due dates and the grid's "as of" go by. Times stay stored in UTC, and the
JSON API keeps returning them as they are."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pypdf
import pytest

from chalicelib.library import lesson_code
from tests.conftest import dated_on, joined_on, shipped_version
from tests.functional.test_groups import assign, call, enrol
from tests.functional.web_client import WebClient, download

MODULE = "thinking-traps"
LESSON = f"/lesson/{lesson_code(MODULE)}"


def signed_in(client, account) -> WebClient:  # type: ignore[no-untyped-def]
    browser = WebClient(client)
    assert browser.sign_in(account.username, authenticator=account.authenticator).status == 303
    return browser


def at(library_clock, utc: datetime) -> None:  # type: ignore[no-untyped-def]
    """The services' clock from ``utc`` on, in the program's time zone, New York (Eastern
    Standard Time: 5 hours behind UTC)."""
    library_clock.start_at(utc, "America/New_York")


@pytest.fixture
def group(client, published, leader) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", "/groups", leader, {"name": "Thursday evening"})
    assert status == 201
    return str(body["group_id"])


def test_someone_who_joins_late_in_the_evening_has_the_reading_due_that_day(
    client, library_clock, leader, participant, group
):
    # 11:30 pm on Thursday 26 November in New York: 04:30 UTC on Friday the 27th.
    at(library_clock, datetime(2026, 11, 27, 4, 30, tzinfo=UTC))
    group_id = group
    assign(client, group_id, leader, module_id=MODULE, due_date="2026-11-26")
    enrol(client, group_id, leader, participant)
    _, detail = call(client, "GET", f"/groups/{group_id}", leader)
    # Stored, and given by the API, in UTC as it was.
    assert detail["participants"][0]["joined_at"].startswith("2026-11-27T04:30")

    _, mine = call(client, "GET", "/me/assignments", participant)
    assert [(a["status"], a["due_date"]) for a in mine["assignments"]] == [
        ("not_started", "2026-11-26")
    ]
    home = signed_in(client, participant).get("/")
    # Due that day, which is today on the program's calendar (walk 15, problem 16).
    assert "Due today" in home.body and "No due date" not in home.body

    group_page = signed_in(client, leader).get(f"/leader/groups/{group_id}")
    assert "joined Thu 26 Nov 2026" in group_page.body, group_page.body


def test_a_completion_at_ten_in_the_evening_is_on_that_day_everywhere(
    client, library_clock, leader, participant, group
):
    # 10 pm on Thursday 26 November in New York: 03:00 UTC on Friday the 27th.
    at(library_clock, datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE)
    reader = signed_in(client, participant)
    page = reader.get(LESSON)
    done = reader.post(f"{LESSON}/complete", {"csrf": page.csrf(), "version": str(version)})
    assert done.status == 303
    _, completions = call(client, "GET", "/me/completions", participant)
    assert completions["completions"][0]["completed_at"].startswith("2026-11-27T03:0")  # UTC

    assert "You marked this complete on Thu 26 Nov 2026." in reader.get(LESSON).body

    browser = signed_in(client, leader)
    grid = browser.get(f"/leader/groups/{group}/progress")
    assert "As of Thu 26 Nov 2026" in grid.body
    assert f"Done: version {version}, Thu 26 Nov 2026" in grid.body
    assert "27 Nov" not in grid.body
    csv_text = browser.get(f"/leader/groups/{group}/progress.csv").body
    assert f"Done (version {version}, 2026-11-26)" in csv_text
    assert "joined Thu 26 Nov 2026" in browser.get(f"/leader/groups/{group}").body

    # Who has seen my records: when the leader read the grid, in the program's own time.
    privacy = reader.get("/account/privacy")
    assert "joined Thu 26 Nov 2026" in privacy.body
    assert re.search(
        r'<td>Thu 26 Nov 2026, 10:0\d pm</td><td data-label="Who">A group leader</td>', privacy.body
    )
    assert "UTC" not in privacy.body and "03:0" not in privacy.body
    spanish = reader.get("/account/privacy?locale=es")
    assert re.search(
        r'<td>jue 26 nov 2026, 22:0\d</td><td data-label="Quién">Un líder de grupo</td>',
        spanish.body,
    )


def test_a_participant_in_another_time_zone_sees_the_programs_day_and_is_told_so(
    client, library_clock, leader, participant, group, service, aws_calls
):
    """Their own time zone (Account, "Your time zone") is read in the lesson page's one
    BatchGetItem, not by a call of its own. The day they completed a module is a day on the
    program's calendar, like the due date and the leader's grid (walk 15, problem 14: the lesson
    said the next day, in Berlin), and the page says whose calendar that is."""
    # 10 pm on Thursday 26 November in New York: 4 am on Friday the 27th in Berlin.
    at(library_clock, datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    choose_zone(service, participant, "Europe/Berlin")
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE, due_date="2026-11-26")
    reader = signed_in(client, participant)
    page = reader.get(LESSON)
    done = reader.post(f"{LESSON}/complete", {"csrf": page.csrf(), "version": str(version)})
    assert done.status == 303

    reader.get(LESSON)
    aws_calls.reset()
    lesson = reader.get(LESSON)
    assert "You marked this complete on Thu 26 Nov 2026." in lesson.body
    assert lesson.body.count(NOTE_DAYS) == 1
    # The session, what they completed with their time zone (one BatchGetItem), their groups
    # and the group's assignments (what comes next): as without a time zone of their own.
    assert aws_calls.names == [
        "DynamoDB.GetItem",
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.Query",
    ]
    home = reader.get("/")
    # Due dates are the program's calendar days: today there.
    assert "Due today" in home.body and "27 Nov" not in home.body
    assert "Done</span> on Thu 26 Nov 2026" in home.body
    assert home.body.count(NOTE_DUE) == 1
    grid = signed_in(client, leader).get(f"/leader/groups/{group}/progress")
    assert f"Done: version {version}, Thu 26 Nov 2026" in grid.body
    spanish = reader.get(f"{LESSON}?locale=es")
    assert "Lo marcó como terminado el jue 26 nov 2026." in spanish.body
    assert (
        "Las fechas de esta página siguen la zona horaria del programa (hora de Nueva York)."
        in spanish.body
    )
    spanish_home = reader.get("/?locale=es")
    assert "Terminado</span> el jue 26 nov 2026" in spanish_home.body
    assert (
        "Las fechas de entrega siguen la zona horaria del programa (hora de Nueva York)."
        in spanish_home.body
    )


NOTE_DUE = "Due dates follow the program&#39;s time zone (New York time)."
NOTE_DAYS = "Dates on this page follow the program&#39;s time zone (New York time)."


def choose_zone(service, participant, zone: str) -> None:  # type: ignore[no-untyped-def]
    """What "Your time zone" on Account saves (reminders stay off)."""
    from chalicelib.identity import PARTICIPANTS, Caller

    service.reminders.update(Caller(participant.id, frozenset({PARTICIPANTS})), {"timezone": zone})


def complete_on_the_web(reader: WebClient) -> None:
    page = reader.get(LESSON)
    version = str(shipped_version(MODULE))
    assert (
        reader.post(f"{LESSON}/complete", {"csrf": page.csrf(), "version": version}).status == 303
    )


def test_in_auckland_the_lesson_home_data_and_grid_agree_on_the_day_it_was_done(
    client, library_clock, leader, participant, group, service
):
    """Walk 15, problem 14: at 10:55 am on Friday 27 November in New York it is 4:55 am on
    Saturday the 28th in Auckland. The lesson said "complete on Sat 28 Nov" while home, the
    grid and the CSV said Friday. Now every day is the program's, and the pages say so; the
    times on "Who has seen your records" stay Auckland's, and that page names the zone."""
    at(library_clock, datetime(2026, 11, 27, 15, 55, tzinfo=UTC))
    choose_zone(service, participant, "Pacific/Auckland")
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE, due_date="2026-11-27")
    reader = signed_in(client, participant)
    complete_on_the_web(reader)

    lesson = reader.get(LESSON).body
    home = reader.get("/").body
    assert "You marked this complete on Fri 27 Nov 2026." in lesson
    assert "Due today" in home and "Done</span> on Fri 27 Nov 2026" in home
    assert "28 Nov" not in lesson and "28 Nov" not in home
    assert lesson.count(NOTE_DAYS) == 1 and home.count(NOTE_DUE) == 1

    leader_browser = signed_in(client, leader)
    grid = leader_browser.get(f"/leader/groups/{group}/progress").body
    assert f"Done: version {version}, Fri 27 Nov 2026" in grid
    csv_text = leader_browser.get(f"/leader/groups/{group}/progress.csv").body
    assert f"Done (version {version}, 2026-11-27)" in csv_text

    pdf = download(reader, "/account/data/download?format=pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert "completed on 27 November 2026" in " ".join(text.split())  # in words, as the pages

    # The leader's look at the grid, at 4:5x am on Saturday in Auckland: a clock time, in the
    # participant's own zone, which the page names once.
    privacy = reader.get("/account/privacy").body
    assert re.search(r"<td>Sat 28 Nov 2026, 4:5\d am</td>", privacy)
    assert privacy.count("Times on this page are Auckland time.") == 1
    spanish = reader.get("/account/privacy?locale=es").body
    assert "Las horas de esta página son hora de Auckland." in spanish


def test_in_los_angeles_late_on_thursday_is_friday_in_new_york_on_every_page(
    client, library_clock, leader, participant, group, service
):
    """Walk 15, problem 14: "Due Thu" ends at 9 pm in Los Angeles for a New York program; a
    lesson finished at 10 pm there on Thursday is Friday's, on the lesson page and home as in
    the leader's grid, and both pages say the dates are New York's."""
    # 10 pm on Thursday 26 November in Los Angeles: 1 am on Friday the 27th in New York.
    at(library_clock, datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    choose_zone(service, participant, "America/Los_Angeles")
    version = shipped_version(MODULE)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE, due_date="2026-11-26")
    # Enrolled and assigned days before the date passed (``due_for``).
    joined_on(group, participant.id, "2026-11-20T15:00:00+00:00")
    dated_on(group, "2026-11-20T16:00:00+00:00")
    reader = signed_in(client, participant)
    complete_on_the_web(reader)

    lesson = reader.get(LESSON).body
    home = reader.get("/").body
    assert "You marked this complete on Fri 27 Nov 2026." in lesson
    assert "Due Thu 26 Nov 2026" in home and "Done</span> on Fri 27 Nov 2026" in home
    assert lesson.count(NOTE_DAYS) == 1 and home.count(NOTE_DUE) == 1
    grid = signed_in(client, leader).get(f"/leader/groups/{group}/progress").body
    assert f"Done: version {version}, Fri 27 Nov 2026" in grid


@pytest.mark.parametrize("zone", [None, "America/New_York"])
def test_no_zone_note_where_the_participants_zone_is_the_programs(
    client, library_clock, leader, participant, group, service, zone
):
    at(library_clock, datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    if zone:
        choose_zone(service, participant, zone)
    enrol(client, group, leader, participant)
    assign(client, group, leader, module_id=MODULE, due_date="2026-11-26")
    reader = signed_in(client, participant)
    assert "program&#39;s time zone" not in reader.get("/").body
    complete_on_the_web(reader)
    lesson = reader.get(LESSON).body
    home = reader.get("/").body
    assert "You marked this complete on Fri 27 Nov 2026." in lesson
    assert "Done</span> on Fri 27 Nov 2026" in home
    assert "program&#39;s time zone" not in lesson and "program&#39;s time zone" not in home
    # Clock times are named all the same: the program's zone here.
    assert "Times on this page are New York time." in reader.get("/account/privacy").body


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "To catch up: the group read this for its session on Tuesday, 17 Nov"),
        ("es", "Para ponerse al día: el grupo lo leyó para su sesión del martes, 17 nov"),
    ],
)
def test_a_module_whose_session_passed_before_someone_joined_says_it_is_to_catch_up(
    client, library_clock, leader, participant, group, lang, said
):
    """Walk 21, 1: a participant who joined on Sat 28 Nov saw the modules of sessions held
    before that as "No due date", at the bottom of home, and nothing said why. They are to
    catch up on, with the session they were read for; a module due later still says its date."""
    at(library_clock, datetime(2026, 11, 16, 15, 0, tzinfo=UTC))
    assign(
        client, group, leader, module_id=MODULE, due_date="2026-11-17", session_date="2026-11-17"
    )
    at(library_clock, datetime(2026, 11, 28, 15, 0, tzinfo=UTC))
    enrol(client, group, leader, participant)
    assign(
        client,
        group,
        leader,
        module_id="cravings-and-urge-surfing",
        due_date="2026-12-01",
        session_date="2026-12-01",
    )
    _, mine = call(client, "GET", "/me/assignments", participant)
    assert {a["module_id"]: a["due_date"] for a in mine["assignments"]}[MODULE] is None

    browser = signed_in(client, participant)
    home = browser.get("/" if lang == "en" else "/?locale=es").body
    assert said in home
    assert ("No due date" if lang == "en" else "Sin fecha límite") not in home
    # Next up is still the reading for the coming session.
    next_up = home.split('id="next-up"')[1].split("</section>")[0]
    assert lesson_code("cravings-and-urge-surfing") in next_up and said not in next_up
