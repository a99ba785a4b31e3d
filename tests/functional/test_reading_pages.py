"""A participant's pages through chalice.test.Client: home in reading order, the library with
search, lessons at opaque addresses, the knowledge check that never dead-ends, quick exit."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.library import MAX_QUERY_LENGTH, lesson_code, topic_code
from chalicelib.web import render
from steady_content.tracks import Track
from tests.conftest import dated_on, joined_on, shipped_version
from tests.functional.web_client import (
    WebClient,
    complete_lesson,
    group_with,
    lesson_path,
    search_library,
    signed_in,
)

STARTER_TRACK = [
    "thinking-traps",
    "cravings-and-urge-surfing",
    "breathing-and-grounding",
    "asking-for-what-you-need",
]


@pytest.fixture
def track(publisher, published):  # type: ignore[no-untyped-def]
    """The four starter modules as a track, in an order that is not alphabetical."""
    starter = Track(
        "tracks/starter.yaml",
        "starter",
        1,
        "en",
        "Starter track",
        "The first four.",
        list(STARTER_TRACK),
        {},
    )
    assert publisher.publish(published, tracks=[starter]).ok
    return starter


def assign(client, leader, participant, **body) -> str:  # type: ignore[no-untyped-def]
    """A group with ``participant`` in it and ``body`` assigned to it; its id."""
    return group_with(client, leader, [(participant, "Sam P.")], **body)


def complete(client, participant, module_id: str) -> None:  # type: ignore[no-untyped-def]
    response = client.http.post(
        "/me/completions",
        headers=participant.headers,
        body=json.dumps({"module_id": module_id, "version": shipped_version(module_id)}),
    )
    assert response.status_code in (200, 201), response.body


def titles_in(html: str) -> list[str]:
    return re.findall(r'<a href="/lesson/[a-z2-7]{8}"[^>]*>([^<]+)</a>', html)


@pytest.fixture
def first_done(client, track, participant, leader) -> str:  # type: ignore[no-untyped-def]
    """The starter track assigned to the participant's group, due Wed 16 Jan 2030 with the
    session the day before, its first module (thinking traps) done; the group's id."""
    group_id = assign(
        client,
        leader,
        participant,
        track_id="starter",
        due_date="2030-01-16",
        session_date="2030-01-15",
    )
    complete(client, participant, "thinking-traps")
    return group_id


# -- home ------------------------------------------------------------------------------------


def test_home_puts_next_up_first_in_track_order_with_the_session_date(
    client, first_done, participant
):
    page = signed_in(client, participant).get("/")
    next_up = page.body.split('id="next-up"')[1].split("</section>")[0]
    assert titles_in(next_up) == [
        "Cravings and urge surfing"
    ]  # the first unfinished, in the track's order
    assert "Read before Tuesday&#39;s group, 15 Jan" in next_up
    assert "Due Wed 16 Jan 2030" in next_up
    assert "Starter track" in page.body and "1 of 4 done" in page.body
    later = page.body.split('id="later"')[1].split("</section>")[0]
    assert titles_in(later) == [
        "Breathing and grounding",
        "Asking for what you need",
    ]  # not alphabetical
    finished = page.body.split('<details class="finished">')[1].split("</details>")[0]
    assert titles_in(finished) == ["Thinking traps"]
    assert (
        page.body.index('id="next-up"')
        < page.body.index('id="later"')
        < page.body.index('class="finished"')
    )


def test_the_sooner_due_date_comes_first_then_track_order(
    client, published, track, participant, leader
):
    group_id = assign(client, leader, participant, track_id="starter", due_date="2030-02-01")
    client.http.post(
        f"/groups/{group_id}/assignments",
        headers=leader.headers,
        body=json.dumps({"module_id": "breathing-and-grounding", "due_date": "2030-01-10"}),
    )
    mine = json.loads(client.http.get("/me/assignments", headers=participant.headers).body)[
        "assignments"
    ]
    assert [a["module_id"] for a in mine] == [
        "breathing-and-grounding",
        "thinking-traps",
        "cravings-and-urge-surfing",
        "asking-for-what-you-need",
    ]
    page = signed_in(client, participant).get("/")
    assert titles_in(page.body.split('id="next-up"')[1])[:4] == [
        "Breathing and grounding",
        "Thinking traps",
        "Cravings and urge surfing",
        "Asking for what you need",
    ]


def test_home_when_everything_is_done_and_when_nothing_is_assigned(
    client, published, participant, other_participant, leader
):
    assign(client, leader, participant, module_id="thinking-traps")
    complete(client, participant, "thinking-traps")
    page = signed_in(client, participant).get("/")
    assert (
        "You have finished everything assigned to you" in page.body
        and 'id="next-up"' not in page.body
    )
    empty = signed_in(client, other_participant).get("/")
    assert "Nothing is assigned to you right now" in empty.body and 'href="/library"' in empty.body


def test_an_archived_group_leaves_what_was_finished_and_drops_what_was_not(
    client, first_done, participant, leader
):
    """Archiving a group: its reading leaves the participant's list, what they finished in it
    stays on their home page under Finished (their record of their work), in both the page and
    the API; the archived group's track is over (no progress line)."""
    archived = client.http.patch(
        f"/groups/{first_done}", headers=leader.headers, body=json.dumps({"archived": True})
    )
    assert archived.status_code == 200
    page = signed_in(client, participant).get("/")
    assert 'id="next-up"' not in page.body and 'id="later"' not in page.body
    assert "Nothing is assigned to you right now" in page.body  # not "you finished everything"
    finished = page.body.split('<details class="finished">')[1].split("</details>")[0]
    assert "Finished (1)" in finished and titles_in(finished) == ["Thinking traps"]
    assert "Read before" not in finished  # that group meets no more
    assert "Starter track" not in page.body
    mine = json.loads(client.http.get("/me/assignments", headers=participant.headers).body)
    assert [(a["module_id"], a["status"], a["group_archived"]) for a in mine["assignments"]] == [
        ("thinking-traps", "completed", True)
    ]
    # Assigned again in an active group, a reading the archived group dropped is back on the list.
    assign(client, leader, participant, module_id="breathing-and-grounding")
    page = signed_in(client, participant).get("/")
    assert titles_in(page.body.split('id="next-up"')[1].split("</section>")[0]) == [
        "Breathing and grounding"
    ]
    assert "Finished (1)" in page.body


def test_an_unassigned_track_leaves_what_was_finished_on_home(
    client, published, track, participant, leader, aws_calls, library_clock
):
    """Walk 10, item 2: unassigning a track ("Completions already recorded stay") takes its
    reading off the participant's list, but what they finished of it stays on their home under
    Finished (their record of their work), as an archived group's does; so does a module they
    read on their own. No more DynamoDB calls than the home page makes anyway."""
    group_id = assign(client, leader, participant, track_id="starter", due_date="2030-01-16")
    complete(client, participant, "thinking-traps")
    group = json.loads(client.http.get(f"/groups/{group_id}", headers=leader.headers).body)
    (assignment,) = group["assignments"]
    removed = client.http.delete(
        f"/groups/{group_id}/assignments/{assignment['assignment_id']}", headers=leader.headers
    )
    assert removed.status_code == 204
    browser = signed_in(client, participant)
    browser.get("/")
    aws_calls.reset()
    page = browser.get("/")
    # The session, what they completed, their groups, the group: as before.
    assert aws_calls.names == [
        "DynamoDB.GetItem",
        "DynamoDB.BatchGetItem",
        "DynamoDB.Query",
        "DynamoDB.Query",
    ]
    assert 'id="next-up"' not in page.body and 'id="later"' not in page.body
    assert "Nothing is assigned to you right now" in page.body  # not "you finished everything"
    assert "Starter track" not in page.body  # the track is no longer theirs to follow
    finished = page.body.split('<details class="finished">')[1].split("</details>")[0]
    assert "Finished (1)" in finished and titles_in(finished) == ["Thinking traps"]
    assert "status-completed" in finished and "Done" in finished

    library_clock.advance(5)
    complete(client, participant, "breathing-and-grounding")  # from the library
    page = browser.get("/")
    finished = page.body.split('<details class="finished">')[1].split("</details>")[0]
    assert "Finished (2)" in finished
    assert titles_in(finished) == ["Thinking traps", "Breathing and grounding"]
    # Assigned again, what they finished is done on their list, and nothing is listed twice.
    group_with(client, leader, [(participant, "Sam P.")], module_id="thinking-traps")
    page = browser.get("/")
    assert "You have finished everything assigned to you" in page.body
    finished = page.body.split('<details class="finished">')[1].split("</details>")[0]
    assert titles_in(finished) == ["Thinking traps", "Breathing and grounding"]


def test_home_in_spanish_names_the_session_day_in_spanish(
    client, published, track, participant, leader
):
    assign(client, leader, participant, track_id="starter", session_date="2030-01-15")
    page = signed_in(client, participant, language="es").get("/")
    assert "Léalo antes del grupo del martes, 15 ene" in page.body
    assert "0 de 4 terminados" in page.body and 'lang="en">Starter track' in page.body


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            None,
            (
                "Read before today&#39;s group",
                "Due today",
                "Read before tomorrow&#39;s group",
                "Due tomorrow",
            ),
        ),
        (
            "es",
            (
                "Léalo antes del grupo de hoy",
                "Para hoy",
                "Léalo antes del grupo de mañana",
                "Para mañana",
            ),
        ),
    ],
)
def test_home_says_today_and_tomorrow_for_due_and_session_dates(
    client, published, participant, leader, library_clock, language, said
):
    """Walk 15, problem 16: on the day itself nothing said "today" ("Due Fri 27 Nov 2026",
    "Read before Friday's group, 27 Nov"). Today and tomorrow are the days the statuses use
    (the program's calendar): "Due today" is never beside "Overdue"."""
    today = library_clock.today()
    tomorrow, later = today + timedelta(days=1), today + timedelta(days=2)
    group_id = assign(
        client,
        leader,
        participant,
        module_id="thinking-traps",
        due_date=today.isoformat(),
        session_date=today.isoformat(),
    )
    for module_id, day in (
        ("breathing-and-grounding", tomorrow),
        ("cravings-and-urge-surfing", later),
    ):
        response = client.http.post(
            f"/groups/{group_id}/assignments",
            headers=leader.headers,
            body=json.dumps(
                {
                    "module_id": module_id,
                    "due_date": day.isoformat(),
                    "session_date": day.isoformat(),
                }
            ),
        )
        assert response.status_code == 201, response.body

    page = signed_in(client, participant, language=language).get("/")
    next_up = page.body.split('id="next-up"')[1].split("</section>")[0]
    later_cards = page.body.split('id="later"')[1].split("</section>")[0]
    before_today, due_today, before_tomorrow, due_tomorrow = said
    assert before_today in next_up and due_today in next_up
    assert before_tomorrow in later_cards and due_tomorrow in later_cards
    # Two days away, due on the session's day: "Read before …'s group, <day>" says it; "Due
    # <day>" beside it only repeated it (walk 20, phone, 11).
    months = {None: "Due ", "es": "Para el "}
    card = later_cards.split("</li>")[-2]
    assert months[language] + render.day(later.isoformat(), language or "en") not in card
    assert f", {later.day} " in card  # the session's day


def test_on_a_session_day_its_reading_is_next_up_before_older_overdue_ones(
    client, published, participant, leader, library_clock
):
    """Walk 15, problem 16: on the day of the group's session, the module to read before it
    was third on home, behind modules overdue longer. It is "Next up" now; the overdue ones
    stay right below it, in reading order, then the rest. After finishing another module,
    "Next" leads to it too."""
    today = library_clock.today()

    def day(n: int) -> str:
        return (today + timedelta(days=n)).isoformat()

    group_id = assign(client, leader, participant, module_id="thinking-traps", due_date=day(-3))
    for module_id, due, session in (
        ("cravings-and-urge-surfing", day(-2), None),
        ("breathing-and-grounding", day(-1), day(0)),  # today's session
        ("asking-for-what-you-need", day(2), day(3)),
    ):
        body = {"module_id": module_id, "due_date": due}
        if session:
            body["session_date"] = session
        response = client.http.post(
            f"/groups/{group_id}/assignments", headers=leader.headers, body=json.dumps(body)
        )
        assert response.status_code == 201, response.body
    joined_on(group_id, participant.id, "2019-12-01T15:00:00+00:00")
    dated_on(group_id)  # assigned long ago, before the dates passed
    browser = signed_in(client, participant)
    page = browser.get("/")
    next_up = page.body.split('id="next-up"')[1].split("</section>")[0]
    assert titles_in(next_up) == ["Breathing and grounding"]
    assert "Read before today&#39;s group" in next_up
    later = page.body.split('id="later"')[1].split("</section>")[0]
    assert titles_in(later) == [
        "Thinking traps",
        "Cravings and urge surfing",
        "Asking for what you need",
    ]
    # The API's list keeps the one reading order (soonest due first): the grid's and the CSV's.
    mine = json.loads(client.http.get("/me/assignments", headers=participant.headers).body)
    assert [a["module_id"] for a in mine["assignments"]][:3] == [
        "thinking-traps",
        "cravings-and-urge-surfing",
        "breathing-and-grounding",
    ]
    # Finished a later one: "Next" is today's group reading, not the oldest overdue.
    complete_lesson(browser, "asking-for-what-you-need", page.csrf())
    lesson = browser.get(lesson_path("asking-for-what-you-need")).body
    assert f'<a class="button" href="{lesson_path("breathing-and-grounding")}">Next: ' in lesson
    # The session over (the next day), the reading order again: the oldest overdue first.
    library_clock.advance(24 * 60 * 60)
    page = signed_in(client, participant).get("/")
    next_up = page.body.split('id="next-up"')[1].split("</section>")[0]
    assert titles_in(next_up) == ["Thinking traps"]


@pytest.fixture
def half_translated(publisher, shipped_modules, track):  # type: ignore[no-untyped-def]
    """The starter track with two of its modules in Spanish too (the track itself English)."""
    spanish = [
        m
        for m in shipped_modules
        if m.locale == "es"
        and m.module_id in ("cravings-and-urge-surfing", "breathing-and-grounding")
    ]
    assert len(spanish) == 2 and publisher.publish(spanish).ok
    return track


def test_english_titles_on_spanish_pages_say_they_are_in_english(
    client, half_translated, participant, leader
):
    """Home (next up, later, finished, tracks), the library and the lesson's "next" button."""
    assign(client, leader, participant, track_id="starter")
    complete(client, participant, "thinking-traps")
    browser = signed_in(client, participant, language="es")

    home = browser.get("/")

    label = ' <span class="lang-note">(en inglés)</span>'
    for module_id, title in (
        ("thinking-traps", "Thinking traps"),  # finished
        ("asking-for-what-you-need", "Asking for what you need"),  # later
    ):
        assert f'<a href="{lesson_path(module_id)}" lang="en">{title}</a>{label}' in home.body
    assert '<span lang="en">Starter track</span>' + label + ": <strong>1 de 4" in home.body
    # A Spanish title (the next one up) is not labelled.
    cravings = home.body.split('id="next-up"')[1].split("</section>")[0]
    assert f'<a href="{lesson_path("cravings-and-urge-surfing")}?locale=es">' in cravings
    assert "inglés" not in cravings and home.body.count("(en inglés)") == 3
    # The library: the English title and summary marked, the Spanish words around them not.
    library = browser.get("/library")
    card = library.body.split(f'<a href="{lesson_path("thinking-traps")}"')[1].split("</li>")[0]
    assert card.startswith(' lang="en">Thinking traps</a>' + label)
    assert re.search(
        r'<p class="meta">(<span class="status"><span [^>]*>.</span> [^<]*</span> · )?'
        r'Unos \d+ min · <span lang="en">[A-Z]',
        card,
    )
    assert '<li class="card" lang="en">' not in library.body
    # The lesson's "next" button.
    for module_id in ("cravings-and-urge-surfing", "breathing-and-grounding"):
        complete(client, participant, module_id)
    done = browser.get(f"{lesson_path('breathing-and-grounding')}?locale=es").body
    assert re.search(
        r'Siguiente: <span lang="en">Asking for what you need</span> \(en inglés\)</a>', done
    )
    # In English nothing is labelled.
    english = signed_in(client, participant).get("/")
    assert "(in English)" not in english.body and "Starter track</span>: <strong>" in english.body


def test_a_track_published_in_spanish_shows_its_spanish_title(
    client, publisher, shipped_modules, participant, leader
):
    """A track is translated with a file of its own (``<id>.es.yaml``); only its title is read:
    the modules it lists are always the English track's."""
    pair = ["cravings-and-urge-surfing", "breathing-and-grounding"]
    modules = [m for m in shipped_modules if m.module_id in pair]
    tracks = [
        Track("tracks/pair.yaml", "pair", 1, "en", "A pair to start", "Two.", pair, {}),
        Track("tracks/pair.es.yaml", "pair", 1, "es", "Dos para empezar", "Dos.", pair, {}),
    ]
    assert publisher.publish(modules, tracks=tracks).ok
    assign(client, leader, participant, track_id="pair")

    spanish = signed_in(client, participant, language="es").get("/")
    english = signed_in(client, participant).get("/")

    assert "<li><span>Dos para empezar</span>: <strong>0 de 2 terminados" in spanish.body
    assert "inglés" not in spanish.body
    assert "<li><span>A pair to start</span>: <strong>0 of 2 done" in english.body


# -- library ---------------------------------------------------------------------------------


def test_library_lists_every_topic_and_searches_on_the_server(client, published, participant):
    browser = signed_in(client, participant)
    everything = browser.get("/library")
    assert everything.status == 200
    assert sorted(titles_in(everything.body)) == sorted(
        [
            "Cravings and urge surfing",
            "Thinking traps",
            "Breathing and grounding",
            "Asking for what you need",
        ]
    )
    found = search_library(browser, "BREATHING")
    assert titles_in(found.body) == ["Breathing and grounding"] and "Modules found: 1" in found.body
    assert 'value="BREATHING"' in found.body  # the search box keeps what was typed
    code = topic_code("addiction")
    topic = browser.get(f"/library?topic={code}")
    assert titles_in(topic.body) == ["Cravings and urge surfing"]
    assert f'<option value="{code}" selected>' in topic.body
    # An address from before topic codes still opens the topic.
    assert titles_in(browser.get("/library?topic=addiction").body) == titles_in(topic.body)
    nothing = search_library(browser, "zebra")
    assert titles_in(nothing.body) == [] and "No module matches" in nothing.body


def cards_in(html: str) -> list[tuple[str, str]]:
    """Each library card's title and why it was found (``title`` where nothing says it was
    found in the text, ``text`` where it does), in the page's order."""
    title = re.compile(r'<a href="/lesson/[a-z2-7]{8}(?:\?locale=es)?"[^>]*>([^<]+)</a>')
    return [
        (title.findall(card)[0], "text" if '<p class="meta">Found in' in card else "title")
        for card in html.split('<li class="card"')[1:]
    ]


def test_a_search_lists_the_best_matches_first_not_by_topic(client, published_all, participant):  # type: ignore[no-untyped-def]
    """Walk 12, item 11: "sleep" found 27 modules and "Sleep and recovery" came 7th, under its
    topic; "sueño" put "El sueño y la recuperación" 4th. The words searched for give one list:
    title matches first, then summary matches, then those found only in the text."""
    browser = signed_in(client, participant)
    found = search_library(browser, "sleep")
    cards = cards_in(found.body)
    assert cards[0] == ("Sleep and recovery", "title")
    assert len(cards) > 5  # the word is in many modules' text
    # Every module found in its text comes after every one found by its title or summary.
    kinds = [kind for _, kind in cards]
    assert kinds == sorted(kinds, key=lambda kind: kind == "text") and "text" in kinds
    assert "<h2>" not in found.body.split('role="status"')[1]  # no topic headings between
    assert "Mood and mind · " in found.body  # each card names its topic instead
    # Case and accents aside, and in Spanish: the title match first.
    spanish = signed_in(client, participant, language="es")
    for words in ("sueño", "SUENO"):
        assert cards_in(search_library(spanish, words).body)[0][0] == "El sueño y la recuperación"
    # The topic filter still holds with a search, in the same order.
    code = topic_code("mental-health")
    in_topic = cards_in(search_library(browser, "sleep", topic=code).body)
    assert in_topic == [c for c in cards if c in in_topic] and in_topic[0] == cards[0]
    assert len(in_topic) < len(cards)
    # Browsing without words: by topic, as before.
    assert "<h2>" in browser.get(f"/library?topic={code}").body


def test_library_marks_the_lessons_the_participant_completed(client, published, participant):
    complete(client, participant, "thinking-traps")
    page = signed_in(client, participant).get("/library")
    cards = {
        title: card for card in page.body.split('<li class="card"')[1:] for title in titles_in(card)
    }
    assert '<span aria-hidden="true">✓</span> Done</span>' in cards["Thinking traps"]
    assert "Done" not in cards["Breathing and grounding"]
    # Read in Spanish, an English lesson's title and summary are marked English; its status,
    # like the card, is in Spanish.
    spanish = search_library(signed_in(client, participant, language="es"), "traps")
    assert '<span class="status"><span aria-hidden="true">✓</span> Terminado' in spanish.body


@pytest.mark.parametrize("typed", ["body’s alarm", "brain’s", "don‘t", "donʼt"])
def test_a_phones_curly_apostrophe_finds_what_a_straight_one_does(
    client, published_all, participant, typed
):
    """A phone's keyboard types ’ (smart punctuation, on by default on iOS) where the lessons
    have ': "body’s alarm" found nothing, "body's alarm" found its module."""
    browser = signed_in(client, participant)
    straight = cards_in(search_library(browser, re.sub("[’‘ʼ]", "'", typed)).body)
    assert straight  # the words are in the lessons
    assert cards_in(search_library(browser, typed).body) == straight


def test_a_search_of_emoji_or_signs_alone_is_no_search_as_spaces_are_not(
    client, published, participant
):
    """Walk 20 (phone), 7: "😀😀" said "Modules found: 48" and listed everything, while a search
    of spaces went back to the plain library. No word, no search: the plain library."""
    browser = signed_in(client, participant)
    plain = browser.get("/library").body
    for typed in ("😀😀", " !? … ", "   "):
        token = browser.get("/library").csrf()
        posted = browser.post("/library", {"csrf": token, "q": typed, "topic": ""})
        assert (posted.status, posted.location) == (303, "/library"), typed
        page = browser.get(posted.location)
        assert "Modules found" not in page.body
        assert titles_in(page.body) == titles_in(plain)


def test_library_bad_search_comes_back_with_an_error_summary(client, published, participant):
    page = search_library(signed_in(client, participant), "x" * 101)
    assert page.status == 400
    summary = page.body.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#q"' in summary
    assert 'id="q"' in page.body and 'aria-invalid="true"' in page.body
    assert 'value="' + "x" * 101 + '"' in page.body  # the input is kept


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (None, "Search for at most {n} characters."),
        ("es", "Busque con {n} caracteres como máximo."),
    ],
)
def test_the_search_box_and_the_server_hold_searches_to_one_length(
    client, published, participant, language, words
):
    browser = signed_in(client, participant, language)
    box = re.search(
        r'<input id="q" name="q" type="search" maxlength="(\d+)"', browser.get("/library").body
    )
    assert box is not None and int(box.group(1)) == MAX_QUERY_LENGTH
    longest = search_library(browser, "x" * MAX_QUERY_LENGTH)
    assert longest.status == 200 and "error-summary" not in longest.body
    refused = search_library(browser, "x" * (MAX_QUERY_LENGTH + 1))
    assert refused.status == 400
    assert f'<a href="#q">{words.format(n=MAX_QUERY_LENGTH)}</a>' in refused.body


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        (None, "That topic is not in the library, so here are all the topics."),
        ("es", "Ese tema no está en la biblioteca; aquí están todos los temas."),
    ],
)
def test_an_unknown_topic_shows_every_topic_with_a_word_about_it(
    client, published, participant, language, notice
):
    browser = signed_in(client, participant, language)
    page = browser.get("/library?topic=astrology")
    assert page.status == 200
    assert f'<p class="notice" role="status">{notice}</p>' in page.body
    assert "error-summary" not in page.body and "topic is one of" not in page.body
    every = browser.get("/library")
    assert titles_in(page.body) == titles_in(every.body) and len(titles_in(page.body)) >= 2
    assert " selected" not in page.body.split('id="topic"')[1].split("</select>")[0]
    # With words to search for: searched in every topic.
    found = search_library(browser, "breathing", topic="astrology")
    assert found.status == 200 and notice in found.body
    assert titles_in(found.body) == titles_in(search_library(browser, "breathing").body)
    code = topic_code("addiction")
    assert notice not in every.body and notice not in browser.get(f"/library?topic={code}").body


def test_library_addresses_name_no_topic_and_no_search_words(client, published, participant):
    browser = signed_in(client, participant)
    page = browser.get("/library")
    form = page.body.split('role="search"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and 'action="/library"' in form
    # Each topic's value in an address is an opaque code, never its name.
    options = re.findall(r'<option value="([^"]*)"', page.body)
    assert options[0] == "" and len(options) == 5
    for value in options[1:]:
        assert re.fullmatch(r"[a-z2-7]{8}", value), value
    for topic in ("addiction", "mental-health", "stress-management", "life-skills"):
        assert topic not in page.body.split('id="topic"')[1].split("</select>")[0]

    # The form redirects to the results' own address (Back and refresh are plain GETs, with
    # no "confirm form resubmission"): the topic's code and the words sealed in a token.
    code = topic_code("addiction")
    posted = browser.post("/library", {"csrf": page.csrf(), "q": "urge", "topic": code})
    assert posted.status == 303
    address = urlsplit(posted.location)
    asked = parse_qs(address.query)
    assert address.path == "/library" and sorted(asked) == ["s", "topic"]
    assert asked["topic"] == [code] and "urge" not in posted.location
    found = browser.get(posted.location)
    assert found.status == 200
    assert titles_in(found.body) == ["Cravings and urge surfing"]
    assert 'value="urge"' in found.body and f'<option value="{code}" selected>' in found.body
    assert "<title>Library – Steady</title>" in found.body  # the title stays discreet
    assert "urge" not in " ".join(re.findall(r'href="([^"]*)"', found.body))
    assert browser.get(posted.location).body == found.body  # Back or refresh: the same page
    # Without words: on to the topic's own address, which Back and refresh open again.
    topic_only = browser.post("/library", {"csrf": page.csrf(), "q": " ", "topic": code})
    assert (topic_only.status, topic_only.location) == (303, f"/library?topic={code}")
    everything = browser.post("/library", {"csrf": page.csrf(), "q": "", "topic": ""})
    assert (everything.status, everything.location) == (303, "/library")
    # Words in an address (an old bookmark) are not read, and the box stays empty.
    old = browser.get("/library?q=urge")
    assert 'value="urge"' not in old.body and len(titles_in(old.body)) > 1


def test_a_search_address_opens_only_in_the_session_that_searched(
    client, published, participant, other_participant
):
    """The token in a results address is sealed with the searching session's own secret: on a
    shared phone, the next participant (or the same one signed in again) opening it from the
    history sees the whole library, with no words and no error."""
    mine = signed_in(client, participant)
    posted = mine.post("/library", {"csrf": mine.get("/library").csrf(), "q": "urge"})
    token = parse_qs(urlsplit(posted.location).query)["s"][0]
    found = mine.get(posted.location)
    every = titles_in(mine.get("/library").body)
    assert 'value="urge"' in found.body and "Cravings and urge surfing" in titles_in(found.body)
    assert len(titles_in(found.body)) < len(every)

    def opened(browser: WebClient, address: str) -> str:
        page = browser.get(address)
        assert page.status == 200 and "error-summary" not in page.body
        assert 'value="urge"' not in page.body and titles_in(page.body) == every
        return page.body

    opened(signed_in(client, other_participant), posted.location)
    # Edited, cut short, or not a token at all: no search either.
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    for bad in (flipped, token[:-4], token + "AAAA", "not-a-token", "%FF%00", "x" * 5000):
        opened(mine, f"/library?s={bad}")
    # Signed in again (a new session, a new secret): the old address searches nothing.
    mine.post("/sign-out", {"csrf": mine.get("/library").csrf()})
    again = signed_in(client, participant)
    opened(again, posted.location)


def test_a_library_search_needs_the_forms_token(client, published, participant):
    browser = signed_in(client, participant)
    assert browser.post("/library", {"csrf": "forged", "q": "urge"}).status == 403


def test_a_library_search_in_spanish_stays_in_spanish(client, published, participant):
    browser = signed_in(client, participant, language="es")
    page = browser.get("/library")
    assert '<input type="hidden" name="locale" value="es">' in page.body
    posted = browser.post("/library", {"csrf": page.csrf(), "q": "respiración", "locale": "es"})
    assert posted.status == 303 and "locale=es" in posted.location
    found = browser.get(posted.location)
    assert found.status == 200 and '<html lang="es">' in found.body
    assert 'value="respiración"' in found.body
    code = topic_code("stress-management")
    topic = browser.post("/library", {"csrf": page.csrf(), "q": "", "topic": code, "locale": "es"})
    assert topic.location == f"/library?topic={code}&locale=es"


FOUND_IN_TEXT = '<p class="meta">Found in the module text</p>'


def only_in_the_text(client, participant, module_id: str, word: str) -> None:  # type: ignore[no-untyped-def]
    """Check the shipped content still has ``word`` in the module's text and not in what the
    search looked at before (title, summary, tags): the tests below rely on it."""
    module = json.loads(client.http.get(f"/modules/{module_id}", headers=participant.headers).body)
    card = " ".join([module["title"], module["summary"], *module["tags"]]).lower()
    assert word in module["html"].lower() and word not in card, f"pick another word than {word}"


def test_a_word_only_in_a_lessons_text_finds_it_and_says_so(client, published, participant):
    only_in_the_text(client, participant, "breathing-and-grounding", "heartbeat")
    browser = signed_in(client, participant)
    found = search_library(browser, "HEARTBEAT")
    assert found.status == 200
    assert titles_in(found.body) == ["Breathing and grounding"]
    assert "Modules found: 1" in found.body and FOUND_IN_TEXT in found.body
    # Every word must appear, in the title or the text.
    both = search_library(browser, "grounding heartbeat")
    assert titles_in(both.body) == ["Breathing and grounding"] and FOUND_IN_TEXT in both.body
    assert titles_in(search_library(browser, "heartbeat zebra").body) == []
    # Found by its title: nothing to explain.
    titled = search_library(browser, "grounding")
    assert titles_in(titled.body) == ["Breathing and grounding"]
    assert FOUND_IN_TEXT not in titled.body


def test_a_catalog_published_before_the_text_words_still_searches_until_republished(
    client, published, participant, publisher, s3, stack, library_clock
):
    from chalicelib.library import POINTER_TTL_SECONDS, TEXT_WORDS, catalog_key

    only_in_the_text(client, participant, "breathing-and-grounding", "heartbeat")
    key = catalog_key()
    catalog = json.loads(s3.get_object(Bucket=stack.content_bucket, Key=key)["Body"].read())
    assert all(m[TEXT_WORDS] for m in catalog["modules"])
    for m in catalog["modules"]:
        del m[TEXT_WORDS]  # as the publisher wrote it before
    s3.put_object(Bucket=stack.content_bucket, Key=key, Body=json.dumps(catalog).encode())
    browser = signed_in(client, participant)
    assert titles_in(search_library(browser, "breathing").body) == ["Breathing and grounding"]
    old = search_library(browser, "heartbeat")
    assert old.status == 200 and "No module matches" in old.body
    # The next publishing run, with nothing new, writes the words of what is published.
    assert publisher.publish(published).ok
    library_clock.advance(POINTER_TTL_SECONDS)
    assert titles_in(search_library(browser, "heartbeat").body) == ["Breathing and grounding"]


# -- lesson addresses ------------------------------------------------------------------------


def test_lesson_codes_are_short_opaque_distinct_and_stable(shipped_modules):
    ids = {m.module_id for m in shipped_modules}
    codes = {lesson_code(i) for i in ids}
    assert len(codes) == len(ids)  # no two published modules share an address
    for module_id in ids:
        code = lesson_code(module_id)
        assert re.fullmatch(r"[a-z2-7]{8}", code) and not any(
            w in code for w in module_id.split("-") if len(w) > 3
        )
    assert (
        lesson_code("cravings-and-urge-surfing") == "o5cwsunx"
    )  # the same in every deployment and version


def test_lesson_address_names_no_topic_and_old_addresses_redirect(client, published, participant):
    browser = signed_in(client, participant)
    page = browser.get("/")
    assert "/read/" not in page.body and "cravings" not in "".join(
        re.findall(r'href="([^"]*)"', page.body)
    )
    old = browser.get("/read/cravings-and-urge-surfing")
    assert (old.status, old.location) == (303, lesson_path("cravings-and-urge-surfing"))
    assert (
        browser.get("/read/cravings-and-urge-surfing?locale=es").location
        == lesson_path("cravings-and-urge-surfing") + "?locale=es"
    )
    assert browser.get(old.location).status == 200
    assert WebClient(client).get("/read/cravings-and-urge-surfing").location == "/sign-in"


# -- a lesson and its knowledge check -------------------------------------------------------


def knowledge_check(published, module_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The questions of ``module_id``'s knowledge check, as published."""
    return next(m for m in published if m.module_id == module_id).meta["knowledge_check"]


def test_lesson_page_puts_the_text_before_the_check_and_the_sources_last(
    client, published, participant
):
    page = signed_in(client, participant).get(lesson_path("cravings-and-urge-surfing"))
    body = page.body
    assert '<details class="toc">' in body and "<summary>On this page</summary>" in body
    assert body.index('id="text"') < body.index('id="complete"') < body.index("<h2>Sources</h2>")
    assert "Version 1" not in body  # only worth saying when a newer one came out since


def test_a_partly_answered_check_comes_back_with_answers_kept_and_an_error_summary(
    client, published, participant
):
    questions = knowledge_check(published, "cravings-and-urge-surfing")
    assert len(questions) >= 2
    browser = signed_in(client, participant)
    path = lesson_path("cravings-and-urge-surfing")
    form = browser.get(path)
    page = browser.post(
        f"{path}/complete",
        {
            "csrf": form.csrf(),
            "version": str(shipped_version("cravings-and-urge-surfing")),
            "q0": "1",
        },
    )
    assert page.status == 400
    main = page.body.split('<main id="main" class="wrap">')[1]
    assert main.lstrip().startswith('<div class="error-summary"')  # at the top
    summary = main.split("</div>")[0]
    assert len(questions) == 3
    # One line names every question still to answer (walk 12, item 15: it asked to "leave
    # every question blank", which a chosen radio button cannot be on a phone); each question
    # says so beside it.
    assert '<li><a href="#q1-0">Choose an answer for questions 2 and 3.</a></li>' in summary
    assert 'href="#q0-0"' not in summary and "blank" not in page.body
    for n in (1, 2):
        assert (
            f'<p class="field-error" id="q{n}-error">Choose an answer for question {n + 1}.</p>'
            in main
        )
    assert 'id="q0-error"' not in main
    assert f'<a href="{path}">Back to the start of the module</a>' in main
    assert re.search(
        r'id="q0-1" name="q0" value="1" checked', page.body
    )  # the answer given is kept
    assert (
        'id="q1-0"' in page.body and "checked" not in page.body.split('id="q1-0"')[1].split(">")[0]
    )
    assert "<title>Error: Module – Steady</title>" in page.body  # back with an error: said first
    mine = json.loads(client.http.get("/me/completions", headers=participant.headers).body)[
        "completions"
    ]
    assert mine == []  # nothing recorded


def test_a_partly_answered_check_offers_to_skip_the_questions(client, published, participant):
    """A radio button once chosen cannot be cleared: the page that names the questions still
    to answer also offers to mark the module complete without any answers (the check is
    optional), in the reader's language."""
    module = "cravings-and-urge-surfing"
    for language, button in (
        ("es", "Saltar las preguntas y marcar como terminado"),
        (None, "Skip the questions and mark as complete"),  # and then press it
    ):
        browser = signed_in(client, participant, language=language)
        path = lesson_path(module)
        version = str(shipped_version(module))
        form = browser.get(path)
        assert 'id="skip-check"' not in form.body  # only once an answer is missing
        page = browser.post(
            f"{path}/complete", {"csrf": form.csrf(), "version": version, "q0": "0", "q2": "1"}
        )
        assert page.status == 400
        if language == "es":
            assert '<a href="#q1-0">Elija una respuesta para la pregunta 2.</a>' in page.body
        skip = page.body.split(
            '<form method="post" action="' + path + '/complete" id="skip-check">'
        )[1]
        skip = skip.split("</form>")[0]
        assert f'<button type="submit" class="secondary">{button}</button>' in skip
        assert 'name="q' not in skip  # it sends no answers
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', skip))
        assert set(fields) == {"csrf", "version", "locale"}
        if language is None:
            done = browser.post(f"{path}/complete", fields)
            assert (done.status, done.location) == (303, f"{path}#complete")
    mine = json.loads(client.http.get("/me/completions", headers=participant.headers).body)
    assert [(c["module_id"], "knowledge_check" in c) for c in mine["completions"]] == [
        (module, False)
    ]


def test_feedback_names_the_choice_and_the_right_answer_without_a_doubled_full_stop(
    client, published, participant
):
    questions = knowledge_check(published, "cravings-and-urge-surfing")
    browser = signed_in(client, participant)
    path = lesson_path("cravings-and-urge-surfing")
    form = {
        "csrf": browser.get(path).csrf(),
        "version": str(shipped_version("cravings-and-urge-surfing")),
    }
    wrong = (questions[0]["answer"] + 1) % len(questions[0]["choices"])
    for i, q in enumerate(questions):
        form[f"q{i}"] = str(wrong if i == 0 else q["answer"])
    done = browser.post(f"{path}/complete", form)
    assert (done.status, done.location) == (303, f"{path}#complete")
    feedback = browser.get(path).body.split('<ol class="feedback">')[1].split("</ol>")[0]
    first, second = feedback.split("</li>")[:2]
    from markupsafe import escape

    assert f"You chose: {escape(questions[0]['choices'][wrong])}" in first
    right = escape(questions[0]["choices"][questions[0]["answer"]])
    assert f"The right answer: <strong>{right}</strong>" in first
    assert (
        "Right." in second
        and f"You chose: {escape(questions[1]['choices'][questions[1]['answer']])}" in second
    )
    assert ".." not in re.sub(r"<[^>]+>", "", feedback)


def test_after_completing_a_lesson_next_links_the_next_one_then_done_for_now(
    client, published, track, participant, leader
):
    assign(client, leader, participant, track_id="starter")
    browser = signed_in(client, participant)
    token = browser.get("/").csrf()
    for module_id, following in zip(STARTER_TRACK, [*STARTER_TRACK[1:], None], strict=True):
        complete_lesson(browser, module_id, token)
        page = browser.get(lesson_path(module_id))
        if following is not None:
            assert re.search(
                rf'<a class="button" href="{lesson_path(following)}">Next: <span>', page.body
            ), module_id
        else:
            assert "You&#39;re done for now." in page.body and 'class="button"' not in page.body


def test_the_version_shows_where_a_newer_one_came_out(
    client, published, participant, publisher, library_clock, tmp_path
):
    from chalicelib.library import POINTER_TTL_SECONDS
    from tests.functional.test_publishing import bump_and_publish

    browser = signed_in(client, participant)
    path = lesson_path("breathing-and-grounding")
    read = shipped_version("breathing-and-grounding")
    complete_lesson(browser, "breathing-and-grounding")
    assert "Version" not in browser.get(path).body.split('id="text"')[0]
    new = bump_and_publish(
        publisher, tmp_path, "stress-management", "breathing-and-grounding", "Clearer steps."
    )
    library_clock.advance(POINTER_TTL_SECONDS)
    assert path == lesson_path("breathing-and-grounding")  # the address outlives the version
    head = browser.get(path).body.split('id="text"')[0]
    assert (
        f"changed since you read version {read}" in head
        and f"Version {new}: Clearer steps." in head
    )


# -- quick exit and the icon ----------------------------------------------------------------


def test_quick_exit_ends_the_session_and_goes_to_a_neutral_site(client, published, participant):
    browser = signed_in(client, participant)
    assert browser.get(lesson_path("thinking-traps") + "?locale=es").status == 200
    assert browser.cookies["steady_lang"] == "es"
    page = browser.get("/exit")
    assert (page.status, page.location) == (303, render.QUICK_EXIT)
    cleared = page.headers["set-cookie"]
    cleared = cleared if isinstance(cleared, list) else [cleared]
    assert any(c.startswith("steady_session=;") and "Max-Age=0" in c for c in cleared)
    assert page.headers["cache-control"] == "no-store"
    # Back to the lesson: the session is over, so only the sign-in page comes up.
    again = browser.get(lesson_path("thinking-traps"))
    assert (again.status, again.location) == (303, "/sign-in")
    # The language chosen goes too (walk 18, item 1): the next person on this phone meets
    # a sign-in page in their own browser's language, with nothing of the last person's.
    assert any(c.startswith("steady_lang=;") and "Max-Age=0" in c for c in cleared)
    assert "steady_lang" not in browser.cookies
    assert '<html lang="en">' in browser.get("/sign-in").body
    spanish_phone = WebClient(client, cookies=dict(browser.cookies), language="es")
    assert '<html lang="es">' in spanish_phone.get("/sign-in").body
    assert WebClient(client).get("/exit").location == render.QUICK_EXIT  # works signed out too


def test_quick_exit_ends_the_session_on_the_server_not_only_the_cookie(
    client, published, participant
):
    browser = signed_in(client, participant)
    cookie = dict(browser.cookies)
    browser.get("/exit")
    replay = WebClient(client, cookies=cookie)  # the old cookie, kept by someone else
    assert replay.get("/").location == "/sign-in"


@pytest.mark.parametrize("why", ["access_ended", "check_failing"])
def test_quick_exit_and_sign_out_work_whatever_the_accounts_state(
    client, published, participant, service, library_clock, monkeypatch, why
):
    """Leaving never fails: with the participant's access ended while their page was open (or
    the access check failing), the quick exit still goes to the neutral site, ends the session
    on the server and clears the language cookie, and signing out still signs out. Found by an
    outside review: both were sent to Steady's "access ended" page with the session kept."""
    from chalicelib import sign_in as session
    from chalicelib.errors import ServiceUnavailable
    from chalicelib.web.pages import SIGNED_OUT_DONE

    for leave in ("exit", "sign-out"):
        browser = signed_in(client, participant)
        assert browser.get("/?locale=es").status == 200
        token = browser.get("/").csrf()
        session_id = browser.cookies[session.COOKIE]
        if why == "access_ended":
            service.access.set_ends_at(participant.id, int(library_clock.epoch()) - 1)
        else:

            def failing(caller):  # type: ignore[no-untyped-def]
                raise ServiceUnavailable("The access check is unavailable.")

            monkeypatch.setattr(service, "admit", failing)
        if leave == "exit":
            page = browser.get("/exit")
            assert (page.status, page.location) == (303, render.QUICK_EXIT)
        else:
            page = browser.post("/sign-out", {"csrf": token})
            assert (page.status, page.location) == (303, f"/sign-in?done={SIGNED_OUT_DONE}")
        assert session.records().get(session_id) is None
        assert "steady_lang" not in browser.cookies and session.COOKIE not in browser.cookies
        monkeypatch.undo()
        service.access.set_ends_at(participant.id, None)


def test_favicon_is_an_empty_answer_not_an_error(client):
    page = WebClient(client).get("/favicon.ico")
    assert page.status == 204 and page.body == ""


def suggestion_in(page: str) -> tuple[str, str, str] | None:
    """The "Did you mean" line: its words before the link, the link's address and words."""
    line = re.search(r'<p class="suggestion">([^<]*)<a href="([^"]+)">([^<]+)</a>\?</p>', page)
    return (line[1], html.unescape(line[2]), line[3]) if line else None


def test_a_search_that_finds_nothing_offers_the_nearest_words_as_a_sealed_search(
    client, published, participant, other_participant
):
    """Walk 18, item 9: "cravngs" found nothing and suggested nothing. Now: "Did you mean:
    cravings?", a link that runs that search, the words sealed in its address as the form's."""
    browser = signed_in(client, participant)
    page = search_library(browser, "cravngs")
    assert titles_in(page.body) == [] and "No module matches" in page.body
    before, address, words = suggestion_in(page.body) or ("", "", "")
    assert (before, words) == ("Did you mean: ", "cravings")
    parts = urlsplit(address)
    assert parts.path == "/library" and sorted(parse_qs(parts.query)) == ["s"]
    assert "crav" not in address.lower()  # sealed: no search words in the clear
    found = browser.get(address)
    assert "Cravings and urge surfing" in titles_in(found.body)
    assert 'value="cravings"' in found.body and suggestion_in(found.body) is None
    # Sealed for this session: on someone else's, the whole library, no words.
    other = signed_in(client, other_participant).get(address)
    assert 'value="cravings"' not in other.body and len(titles_in(other.body)) == 4
    # In a topic: the link keeps the topic's code.
    code = topic_code("addiction")
    in_topic = suggestion_in(search_library(browser, "cravngs", topic=code).body)
    assert in_topic is not None and parse_qs(urlsplit(in_topic[1]).query)["topic"] == [code]
    # Nothing near, or words that find something: no line.
    assert suggestion_in(search_library(browser, "zebra").body) is None
    assert suggestion_in(search_library(browser, "craving").body) is None


def test_did_you_mean_in_spanish(client, published_all, participant):
    browser = signed_in(client, participant, language="es")
    token = browser.get("/library").csrf()
    posted = browser.post("/library", {"csrf": token, "q": "anclrse", "locale": "es"})
    page = browser.get(posted.location)
    assert '<html lang="es">' in page.body and "Ningún módulo coincide" in page.body
    before, address, words = suggestion_in(page.body) or ("", "", "")
    assert (before, words) == ("¿Quiso decir: ", "anclarse")
    query = parse_qs(urlsplit(address).query)
    assert sorted(query) == ["locale", "s"] and query["locale"] == ["es"]
    assert "ancl" not in address
    found = browser.get(address)
    assert ("Respirar despacio y anclarse en el presente", "title") in cards_in(found.body)
    assert 'value="anclarse"' in found.body and '<html lang="es">' in found.body


def elsewhere_in(page: str) -> tuple[str, str, str] | None:
    """The line under a topic's empty results: its words, the link's address and words."""
    line = re.search(r'<p class="elsewhere">([^<]*) <a href="([^"]+)">([^<]+)</a></p>', page)
    return (line[1], html.unescape(line[2]), line[3]) if line else None


def modules_found(page: str, words: str = "Modules found: {n}") -> int:
    counted = re.search(re.escape(words).replace(r"\{n\}", r"(\d+)"), page)
    assert counted is not None, "no count on the page"
    return int(counted[1])


@pytest.mark.parametrize(
    ("language", "typed", "topic", "said", "link", "found"),
    [
        (
            None,
            "relapse",
            "life-skills",
            "{n} modules in other topics:",
            "Search all topics",
            "Modules found: {n}",
        ),
        (
            "es",
            "recaída",
            "life-skills",
            "{n} módulos en otros temas:",
            "Buscar en todos los temas",
            "Módulos encontrados: {n}",
        ),
    ],
)
def test_a_topic_that_finds_nothing_says_how_many_other_topics_have_and_searches_them(
    client, published_all, participant, other_participant, language, typed, topic, said, link, found
):
    """A walk-through on a phone: "relapse" in Life skills said "Modules found: 0. No module
    matches." and nothing of the modules about relapse in the other topics. Now it says how
    many there are, with a link that searches every topic for the same words, sealed in its
    address like the form's, and no topic in it."""
    browser = signed_in(client, participant, language)
    page = search_library(browser, typed, topic=topic_code(topic))
    assert titles_in(page.body) == [] and modules_found(page.body, found) == 0
    words, address, label = elsewhere_in(page.body) or ("", "", "")
    everywhere = browser.get(address)
    count = modules_found(everywhere.body, found)
    assert count > 1 and (words, label) == (said.format(n=count), link)
    parts = urlsplit(address)
    asked = parse_qs(parts.query)
    assert parts.path == "/library" and "topic" not in asked and "s" in asked
    assert asked.get("locale") == ([language] if language else None)
    assert folded_out(typed) not in folded_out(address)  # sealed: no search words in the clear
    assert f'value="{typed}"' in everywhere.body and len(cards_in(everywhere.body)) == count
    assert " selected" not in everywhere.body.split('id="topic"')[1].split("</select>")[0]
    assert elsewhere_in(everywhere.body) is None
    # Sealed for this session: on someone else's, the whole library, no words.
    assert f'value="{typed}"' not in signed_in(client, other_participant).get(address).body
    # Words nowhere in the library, or a topic that has them: no line.
    assert elsewhere_in(search_library(browser, "zebra", topic=topic_code(topic)).body) is None
    assert elsewhere_in(search_library(browser, typed, topic=topic_code("addiction")).body) is None


def folded_out(text: str) -> str:
    from chalicelib.library import folded

    return folded(text)


def test_one_module_in_another_topic_is_said_in_the_singular(client, published, participant):
    browser = signed_in(client, participant)
    page = search_library(browser, "grounding", topic=topic_code("addiction"))
    assert titles_in(page.body) == []
    words, address, _ = elsewhere_in(page.body) or ("", "", "")
    assert words == "1 module in other topics:"
    assert titles_in(browser.get(address).body) == ["Breathing and grounding"]


def test_a_spanish_word_finds_a_module_not_translated_yet_and_a_spanish_typo_its_word(
    client, published_all, participant
):
    """A walk-through on a phone: "ansiedad" found only "Abstinencia posaguda", never "Anxiety
    basics", which is in English only; "ansiedat" found nothing and offered nothing. A module's
    tags are searched in the reader's language too (``vocabulary.TAG_WORDS``)."""
    spanish = signed_in(client, participant, language="es")
    english_only = "Anxiety basics"
    assert english_only not in [t for t, _ in cards_in(search_library(spanish, "zzz").body)]
    found = search_library(spanish, "ansiedad")
    titles = [title for title, _ in cards_in(found.body)]
    assert english_only in titles and "Abstinencia posaguda: síntomas que duran más" in titles
    # Shown as what it is: an English module, said so in Spanish.
    card = next(c for c in found.body.split('<li class="card"')[1:] if english_only in c)
    assert 'lang="en"' in card and "(en inglés)" in card
    # Its Spanish word with an accent, typed without: found all the same.
    assert "Depression basics" in [
        t for t, _ in cards_in(search_library(spanish, "DEPRESION").body)
    ]
    # A typo of it: "Did you mean", the link finding what the word does.
    page = search_library(spanish, "ansiedat")
    assert cards_in(page.body) == []
    before, address, words = suggestion_in(page.body) or ("", "", "")
    assert (before, words) == ("¿Quiso decir: ", "ansiedad")
    assert cards_in(spanish.get(address).body) == cards_in(found.body)
    # In English, the Spanish words are no search words: the English library is as it was.
    english = signed_in(client, participant)
    assert cards_in(search_library(english, "ansiedad").body) == []
    assert suggestion_in(search_library(english, "ansiedat").body) is None
    assert english_only in titles_in(search_library(english, "anxiety").body)


def test_a_typo_of_a_word_only_in_a_modules_text_is_offered_that_word(
    client, published, participant
):
    """A typo of a word only in a module's text is offered that word ("Did you mean"), not only
    the words of the cards."""
    only_in_the_text(client, participant, "breathing-and-grounding", "heartbeat")
    browser = signed_in(client, participant)
    page = search_library(browser, "hearbeat")
    before, address, words = suggestion_in(page.body) or ("", "", "")
    assert (before, words) == ("Did you mean: ", "heartbeat")
    found = browser.get(address)
    assert titles_in(found.body) == ["Breathing and grounding"] and FOUND_IN_TEXT in found.body
