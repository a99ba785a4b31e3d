"""My plan in the browser, without JavaScript: the page built from worksheet answers, tel:
links, editing one part (words, position, remove, add), errors with the input kept, a
conflict with another window, earlier versions, downloads, Spanish, and the links to it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.vocabulary import PLAN_SECTIONS
from tests.functional.web_client import (
    WebClient,
    assert_field_error,
    download,
    error_summary,
    form_fields,
    lesson_path,
    save_worksheet,
    signed_in,
)

MODULE = "cravings-and-urge-surfing"
LESSON = lesson_path(MODULE)


def fill_worksheet(browser: WebClient) -> None:
    answers = {
        "answer-urge-helpers-0": "Cold water on my face",
        "answer-urge-helpers-1": "Text Marcus",
    }
    assert save_worksheet(browser, MODULE, answers, locale="en").status == 303


def part_form(
    token: str, *rows: dict[str, str], based_on: str = "", **fields: str
) -> dict[str, str]:
    """A plan part's edit form: ``rows`` are its items' fields in order (``text``, ``source``,
    ``position``, ``remove``; ``name`` and ``phone`` for people to call), sent as ``plan-0-…``,
    ``plan-1-…`` after ``fields`` (``locale``)."""
    form = {"csrf": token, "based_on": based_on, **fields}
    for n, row in enumerate(rows):
        form.update({f"plan-{n}-{name}": value for name, value in row.items()})
    return form


FROM_WORKSHEETS = {
    "en": "Your plan is made from the answers you saved in your worksheets, and it updates as "
    "you add more. Edit any part to keep your own version: change the words, move items, remove "
    "them or add your own.",
    "es": "Su plan se hace con las respuestas que guardó en sus hojas de trabajo y se actualiza "
    "cuando agrega más. Edite cualquier parte para tener su propia versión: cambie las palabras, "
    "mueva puntos, quítelos o agregue los suyos.",
}


def test_a_worksheet_answer_is_in_my_plan_and_the_pages_link_to_it(client, published, participant):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    module = browser.get(f"{LESSON}?saved=1")
    assert 'href="/plan"' in module.body and "See My plan" in module.body
    page = browser.get("/plan")
    assert page.status == 200
    assert "<title>My plan – Steady</title>" in page.body
    assert re.search(r'<nav[^>]*>.*href="/plan".*</nav>', page.body, re.S)  # in the navigation
    assert "Cold water on my face" in page.body and "Text Marcus" in page.body
    assert page.body.index("What helps me cope") < page.body.index("Cold water on my face")
    # Before a save of their own: said once, where it comes from, that it follows the
    # worksheets, how to keep a version; nothing that sounds like answers at risk.
    assert page.body.count(FROM_WORKSHEETS["en"]) == 1
    assert "Not saved yet" not in page.body and "gathers what you wrote" not in page.body
    assert 'href="tel:988"' in page.body and "1-800-662-4357" in page.body  # crisis resources
    assert 'href="/plan/download?format=pdf"' in page.body and 'href="/plan/edit/3"' in page.body
    assert "<script" not in page.body


def test_edit_a_part_move_remove_and_add_then_earlier_versions(client, published, participant):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    form = browser.get("/plan/edit/3")
    assert form.status == 200
    assert 'value="Cold water on my face"' not in form.body  # a textarea, not an input
    assert ">Cold water on my face</textarea>" in form.body
    sources = re.findall(r'name="plan-(\d)-source" value="([^"]*)"', form.body)
    assert [n for n, s in sources if s] == ["0", "1"]
    token = form.csrf()
    shown = form_fields(form, "/plan/edit/3")["shown"]  # the answers it showed
    assert len(shown.split()) == 2
    saved = browser.post(
        "/plan/edit/3",
        part_form(
            token,
            {"text": "Cold water on my face", "source": sources[0][1], "position": "2"},
            {"text": "Text Marcus", "source": sources[1][1], "position": "2", "remove": "1"},
            {"text": "Play guitar for twenty minutes", "source": "", "position": "1"},
            {"text": "", "source": "", "position": ""},
            locale="en",
            shown=shown,
        ),
    )
    assert (saved.status, saved.location) == (303, "/plan?saved=3#part-3")
    page = browser.get("/plan?saved=3")
    assert "Saved." in page.body and "version 1" in page.body
    # Once saved: when and which version, then the introduction; not the words of before.
    assert re.search(r'<p class="meta">Saved on [^<]+ · Version 1</p>', page.body)
    assert "gathers what you wrote in your worksheets" in page.body
    assert FROM_WORKSHEETS["en"] not in page.body
    assert page.body.index("Play guitar for twenty minutes") < page.body.index(
        "Cold water on my face"
    )
    assert "Text Marcus" not in page.body
    # A second save keeps the first as an earlier version, readable as it was.
    token = browser.get("/plan/edit/3").csrf()
    second = part_form(token, {"text": "Cold water, then a walk", "position": "1"}, based_on="1")
    assert browser.post("/plan/edit/3", second).status == 303
    versions = browser.get("/plan/versions")
    assert versions.status == 200
    assert 'href="/plan/versions/2"' in versions.body and 'href="/plan/versions/1"' in versions.body
    old = browser.get("/plan/versions/1")
    assert old.status == 200 and "Play guitar for twenty minutes" in old.body
    assert "Version 1, as you saved it." in old.body and "/plan/edit/" not in old.body
    assert 'href="/plan/download?format=pdf&amp;version=1"' in old.body
    assert browser.get("/plan/versions/9").status == 404


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        (None, "Saved on Fri 27 Nov 2026, 8:46 pm", "Saved on Fri 27 Nov 2026, 8:49 pm"),
        ("es", "Guardado el vie 27 nov 2026, 20:46", "Guardado el vie 27 nov 2026, 20:49"),
    ],
)
def test_versions_saved_the_same_day_show_the_time_they_were_saved(
    client, published, participant, library_clock, language, first, second
):
    # 01:46 in UTC on the 28th is 8:46 pm on the 27th where the program runs.
    library_clock.start_at(datetime(2026, 11, 28, 1, 46, tzinfo=UTC), "America/New_York")
    browser = signed_in(client, participant, language)
    suffix = "?locale=es" if language else ""
    token = browser.get(f"/plan/edit/1{suffix}").csrf()
    for based_on, words in (("", "Payday"), ("1", "Sunday evenings")):
        saved = browser.post(
            "/plan/edit/1",
            {"csrf": token, "based_on": based_on, "locale": language or "en", "plan-0-text": words},
        )
        assert saved.status == 303
        library_clock.advance(180)
    versions = browser.get(f"/plan/versions{suffix}").body
    assert re.findall(r'<p class="meta">([^·<]+) · ', versions) == [second, first]
    assert f"{first}." in browser.get(f"/plan/versions/1{suffix}").body
    assert f'<p class="meta">{second} · ' in browser.get(f"/plan{suffix}").body


@pytest.mark.parametrize(
    ("language", "saved", "second"),
    [
        (
            None,
            "Saved on 27 November 2026, 8:46 pm (New York time, version 1).",
            "8:49 pm (New York time, version 2).",
        ),
        (
            "es",
            "Guardado el 27 de noviembre de 2026, 20:46 (hora de Nueva York, versión 1).",
            "20:49 (hora de Nueva York, versión 2).",
        ),
    ],
)
def test_the_downloads_say_the_time_the_plan_was_saved_as_the_versions_page_does(
    client, published, participant, library_clock, language, saved, second
):
    import io

    import pypdf

    # 01:46 in UTC on the 28th is 8:46 pm on the 27th where the program runs: the paper says
    # that evening, and the time, as the versions page does (two saves the same day differ).
    library_clock.start_at(datetime(2026, 11, 28, 1, 46, tzinfo=UTC), "America/New_York")
    browser = signed_in(client, participant, language)
    suffix = "?locale=es" if language else ""
    token = browser.get(f"/plan/edit/1{suffix}").csrf()
    for based_on, words in (("", "Payday"), ("1", "Sunday evenings")):
        posted = browser.post(
            "/plan/edit/1",
            {"csrf": token, "based_on": based_on, "locale": language or "en", "plan-0-text": words},
        )
        assert posted.status == 303
        library_clock.advance(180)
    and_locale = "&locale=es" if language else ""
    text = browser.get(f"/plan/download?format=txt&version=1{and_locale}")
    assert text.status == 200 and saved in text.body
    assert second in browser.get(f"/plan/download?format=txt{and_locale}").body
    pdf = download(browser, f"/plan/download?format=pdf&version=1{and_locale}")
    page = pypdf.PdfReader(io.BytesIO(pdf.body)).pages[0].extract_text()
    assert saved in " ".join(page.split())


def choose_time_zone(service, participant, zone: str) -> None:  # type: ignore[no-untyped-def]
    """What "Your time zone" on Account saves (reminders stay off)."""
    caller = Caller(participant.id, frozenset({PARTICIPANTS}))
    service.reminders.update(caller, {"timezone": zone})


def test_the_plan_shows_its_times_in_the_participants_own_time_zone(
    client, published, participant, library_clock, service, aws_calls
):
    """Chosen on Account ("Your time zone"): the pages and the downloads say the time it was
    in Los Angeles, not in New York where the program runs; each costs one GetItem more."""
    library_clock.start_at(datetime(2026, 11, 28, 1, 46, tzinfo=UTC), "America/New_York")
    choose_time_zone(service, participant, "America/Los_Angeles")
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/1").csrf()
    saved = browser.post(
        "/plan/edit/1",
        {"csrf": token, "based_on": "", "locale": "en", "plan-0-text": "Payday"},
    )
    assert saved.status == 303
    pacific = "Saved on Fri 27 Nov 2026, 5:46 pm"  # 8:46 pm in New York
    reads = []
    for path in ("/plan", "/plan/versions", "/plan/versions/1"):
        aws_calls.reset()
        assert pacific in browser.get(path).body, path
        reads.append(aws_calls.names.count("DynamoDB.GetItem"))
    text = browser.get("/plan/download?format=txt&version=1").body
    assert "Saved on 27 November 2026, 5:46 pm (Los Angeles time, version 1)." in text
    spanish = browser.get("/plan/download?format=txt&locale=es").body
    assert "Guardado el 27 de noviembre de 2026, 17:46 (hora de Los Ángeles, versión 1)." in spanish
    # GetItems a page: the session's, the zone's (the one read more), and a saved version's.
    assert reads == [2, 2, 3]
    choose_time_zone(service, participant, "America/New_York")
    assert "Saved on Fri 27 Nov 2026, 8:46 pm" in browser.get("/plan").body


def test_without_a_chosen_time_zone_the_plan_shows_the_programs(
    client, published, participant, library_clock
):
    library_clock.start_at(datetime(2026, 11, 28, 1, 46, tzinfo=UTC), "America/New_York")
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/1").csrf()
    browser.post(
        "/plan/edit/1",
        {"csrf": token, "based_on": "", "locale": "en", "plan-0-text": "Payday"},
    )
    assert "Saved on Fri 27 Nov 2026, 8:46 pm" in browser.get("/plan").body


def test_people_to_call_are_tel_links_and_a_bad_phone_comes_back_with_the_input(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/4").csrf()
    rosa = {"name": "Rosa (sponsor)", "phone": "+1 555 010 0134"}
    refused = browser.post(
        "/plan/edit/4",
        part_form(token, rosa, {"name": "Ana", "phone": "call me maybe"}),
    )
    assert refused.status == 400
    assert (
        'class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus'
        in refused.body
        and 'href="#plan-1-phone"' in refused.body
    )
    assert 'value="call me maybe"' in refused.body and 'value="Rosa (sponsor)"' in refused.body
    assert "<title>Error: " in refused.body
    saved = browser.post(
        "/plan/edit/4",
        part_form(token, rosa, {"name": "Ana", "phone": "(555) 010-0178"}),
    )
    assert saved.status == 303
    page = browser.get("/plan")
    assert '<a href="tel:+15550100134">Rosa (sponsor): +1 555 010 0134</a>' in page.body
    assert '<a href="tel:5550100178">Ana: (555) 010-0178</a>' in page.body


def test_people_to_call_with_an_extension_or_without_a_number_read_well(
    client, published_all, participant
):
    browser = signed_in(client, participant)
    token = browser.get(lesson_path("asking-for-help")).csrf()
    saved = save_worksheet(
        browser,
        "asking-for-help",
        {
            "answer-help-people-0-name": "Mom",
            "answer-help-people-0-phone": "",
            "answer-care-team-0-name": "Clinic front desk",
            "answer-care-team-0-phone": "(555) 010-2020 ext. 4",
        },
        token=token,
    )
    assert saved.status == 303
    page = browser.get("/plan")
    # The link dials the number (an extension has no valid tel: form); the words show it all.
    assert '<a href="tel:5550102020">Clinic front desk: (555) 010-2020 ext. 4</a>' in page.body
    assert '<li dir="auto">Mom</li>' in page.body  # a name alone: no link, no colon
    text = browser.get("/plan/download?format=txt").body
    assert "- Clinic front desk: (555) 010-2020 ext. 4\n" in text and "- Mom\n" in text
    # Editing the part: a number needs a name there too, the row says so; a name alone saves.
    form = part_form(
        token,
        {"name": "Mom", "phone": ""},
        {"name": "Clinic front desk", "phone": "(555) 010-2020 ext. 4"},
        {"name": "", "phone": "555 867 5309"},
    )
    refused = browser.post("/plan/edit/4", form)
    assert refused.status == 400
    no_name = "People I can call: add a name for 555 867 5309."
    assert_field_error(refused, "plan-2-name", "plan-2-error", no_name)
    form["plan-2-name"] = "Sponsor"
    assert browser.post("/plan/edit/4", form).status == 303
    assert '<a href="tel:5558675309">Sponsor: 555 867 5309</a>' in browser.get("/plan").body


MUM = {"name": "Mum", "phone": "555 987 6543"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            None,
            "People I can call: the phone number for “Clinic front desk” can have only "
            "digits, spaces, + - ( ) and an extension like “ext. 4”.",
        ),
        (
            "es",
            "Personas a las que puedo llamar: el teléfono de «Clinic front desk» solo puede "
            "tener números, espacios, + - ( ) y una extensión como «ext. 4».",
        ),
    ],
)
def test_a_bad_phone_says_whose_number_and_links_to_it(
    client, published, participant, language, message
):
    browser = signed_in(client, participant, language)
    token = browser.get("/plan/edit/4").csrf()
    refused = browser.post(
        "/plan/edit/4",
        part_form(
            token,
            MUM,
            {"name": "Clinic front desk", "phone": "ask at desk"},
            locale=language or "en",
        ),
    )
    assert refused.status == 400
    # The phone input itself is marked, with the message beside it.
    assert_field_error(refused, "plan-1-phone", "plan-1-error", message)


def test_a_bad_phone_without_a_name_names_the_person_by_number(client, published, participant):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/4").csrf()
    refused = browser.post(
        "/plan/edit/4",
        part_form(token, MUM, {"name": "", "phone": "ask at desk"}),
    )
    assert error_summary(refused) == [
        (
            "plan-1-phone",
            "People I can call: the phone number for person 2 can have only digits, spaces, "
            "+ - ( ) and an extension like “ext. 4”.",
        )
    ]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "My triggers, item 2: type the position as a number, like 1 to put it first."),
        (
            "es",
            "Mis detonantes, punto 2: escriba la posición con un número, como 1 para ponerlo "
            "primero.",
        ),
    ],
)
def test_a_position_that_is_not_a_number_is_refused_and_nothing_is_saved(
    client, published, participant, language, message
):
    browser = signed_in(client, participant, language)
    token = browser.get("/plan/edit/1").csrf()
    refused = browser.post(
        "/plan/edit/1",
        part_form(
            token,
            {"text": "Payday", "position": "1"},
            {"text": "Sunday evenings", "position": "x"},
            # An empty row's position, or a removed row's, does not matter.
            {"text": "Old one", "position": "?", "remove": "1"},
            {"text": "", "position": "y"},
            locale=language or "en",
        ),
    )
    assert refused.status == 400
    assert error_summary(refused) == [("plan-1-position", message)]
    assert re.search(
        r'id="plan-1-position"[^>]*value="x" aria-invalid="true" aria-describedby="plan-1-error"',
        refused.body,
    )
    assert ">Sunday evenings</textarea>" in refused.body  # what was typed is kept
    assert "Payday" not in browser.get("/plan").body  # nothing saved
    # An empty position keeps the item where it is.
    saved = browser.post("/plan/edit/1", part_form(token, {"text": "Payday", "position": " "}))
    assert saved.status == 303


def test_a_long_paste_comes_back_whole_in_the_form_with_its_length_and_the_limit(
    client, published, participant
):
    """Walk 15, item 19.1: the plan's textarea cut a 5,000-character paste at 2,000 without a
    word and saved it. No maxlength now: the form comes back with all of it, and says so."""
    browser = signed_in(client, participant)
    form = browser.get("/plan/edit/6?locale=es")
    assert 'maxlength="2000"' not in form.body
    pasted = "Llamo a mi hermana y salgo a caminar. " * 140
    refused = browser.post("/plan/edit/6", part_form(form.csrf(), {"text": pasted}, locale="es"))
    assert refused.status == 400
    [(field, said)] = error_summary(refused)
    assert field == "plan-0-text"
    assert said.endswith(
        f": tiene {len(pasted.strip())} caracteres. El límite es 2000: acórtelo y guarde otra vez."
    )
    assert pasted.strip() in refused.body  # kept, all of it


def test_a_too_long_item_names_its_part_and_number(client, published, participant):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/1").csrf()
    refused = browser.post(
        "/plan/edit/1",
        part_form(
            token, {"text": "Payday", "position": "1"}, {"text": "x" * 2100, "position": "2"}
        ),
    )
    assert refused.status == 400
    assert error_summary(refused) == [
        (
            "plan-1-text",
            "My triggers, item 2: this is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
        )
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            None,
            [
                (
                    "plan-0-phone",
                    "People I can call: the phone number for “Mom” can have only digits, spaces, "
                    "+ - ( ) and an extension like “ext. 4”.",
                ),
                ("plan-1-name", "People I can call: add a name for 555-010-2020."),
            ],
        ),
        (
            "es",
            [
                (
                    "plan-0-phone",
                    "Personas a las que puedo llamar: el teléfono de «Mom» solo puede tener "
                    "números, espacios, + - ( ) y una extensión como «ext. 4».",
                ),
                (
                    "plan-1-name",
                    "Personas a las que puedo llamar: agregue un nombre para el 555-010-2020.",
                ),
            ],
        ),
    ],
)
def test_every_person_refused_is_named_at_once_beside_their_row(
    client, published, participant, language, expected
):
    browser = signed_in(client, participant, language)
    token = browser.get("/plan/edit/4").csrf()
    refused = browser.post(
        "/plan/edit/4",
        {
            "csrf": token,
            "based_on": "",
            "locale": language or "en",
            "plan-0-name": "Mom",
            "plan-0-phone": "call me maybe",
            "plan-1-name": "",
            "plan-1-phone": "555-010-2020",
            "plan-2-name": "Sponsor Dee",
            "plan-2-phone": "(555) 010-3030 ext. 4",
        },
    )
    assert refused.status == 400
    assert error_summary(refused) == expected
    for (input_id, message), n in zip(expected, (0, 1), strict=True):
        assert re.search(
            rf'id="{input_id}"[^>]*aria-invalid="true" aria-describedby="plan-{n}-error"',
            refused.body,
        )
        assert f'<p class="error" id="plan-{n}-error">{message}</p>' in refused.body
    assert refused.body.count('aria-invalid="true"') == 2  # the good row is not marked
    assert "Sponsor Dee" not in browser.get("/plan").body  # nothing saved


def test_every_item_refused_and_every_bad_position_are_named_at_once(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/1").csrf()
    refused = browser.post(
        "/plan/edit/1",
        {
            "csrf": token,
            "based_on": "",
            "plan-0-text": "x" * 2100,
            "plan-0-position": "1",
            "plan-1-text": "Payday",
            "plan-1-position": "x",
            "plan-2-text": "y" * 2001,
            "plan-2-position": "last",
        },
    )
    assert refused.status == 400
    assert error_summary(refused) == [
        (
            "plan-0-text",
            "My triggers, item 1: this is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
        ),
        (
            "plan-1-position",
            "My triggers, item 2: type the position as a number, like 1 to put it first.",
        ),
        (
            "plan-2-text",
            "My triggers, item 3: this is 2,001 characters long. "
            "The limit is 2,000: shorten it and save again.",
        ),
        (
            "plan-2-position",
            "My triggers, item 3: type the position as a number, like 1 to put it first.",
        ),
    ]
    # A row with two problems: each input described by its own message.
    assert re.search(
        r'id="plan-2-text"[^>]*aria-invalid="true" aria-describedby="plan-2-error"', refused.body
    )
    assert re.search(
        r'id="plan-2-position"[^>]*aria-invalid="true" aria-describedby="plan-2-error-2"',
        refused.body,
    )
    assert (
        '<p class="error" id="plan-2-error">My triggers, item 3: this is 2,001 characters long. '
        'The limit is 2,000: shorten it and save again.</p><p class="error" id="plan-2-error-2">'
        "My triggers, item 3: type the position as a number, like 1 to put it first.</p>"
    ) in refused.body
    assert "Payday" not in browser.get("/plan").body  # nothing saved


def legends(page) -> list[str]:
    return re.findall(r"<legend>([^<]*)", page.body)


def empty_rows(fields: dict[str, str]) -> list[str]:
    """The rows of a people-to-call form with neither a name nor a phone number."""
    rows = sorted({int(k.split("-")[1]) for k in fields if re.fullmatch(r"plan-\d+-name", k)})
    return [str(n) for n in rows if not (fields[f"plan-{n}-name"] or fields[f"plan-{n}-phone"])]


def test_rows_to_add_items_come_back_as_such_with_as_many_spare_rows(
    client, published, participant
):
    browser = signed_in(client, participant)
    form = browser.get("/plan/edit/4")
    assert legends(form) == ["Add a person"] * 3
    fields = form_fields(form, "/plan/edit/4")
    fields.update(
        {
            "plan-0-name": "Mom",
            "plan-0-phone": "call me maybe",
            "plan-1-phone": "555-010-2020",
            "plan-2-name": "Sponsor Dee",
            "plan-2-phone": "(555) 010-3030 ext. 4",
        }
    )
    refused = browser.post("/plan/edit/4", fields)
    assert refused.status == 400
    # The rows typed into are still rows to add (no "Remove" box), and three spare rows follow.
    assert legends(refused) == ["Add a person"] * 6
    assert "-remove" not in refused.body
    fields = form_fields(refused, "/plan/edit/4")
    assert fields["plan-0-phone"] == "call me maybe" and fields["plan-2-name"] == "Sponsor Dee"
    assert empty_rows(fields) == ["3", "4", "5"]
    fields.update({"plan-0-phone": "555-010-1010", "plan-1-name": "Ana"})
    assert browser.post("/plan/edit/4", fields).status == 303

    # Saved items are items (with a "Remove" box); a refused row to add stays one, and an
    # empty one stays empty: still three spare rows.
    form = browser.get("/plan/edit/4")
    assert legends(form) == ["Person 1", "Person 2", "Person 3"] + ["Add a person"] * 3
    fields = form_fields(form, "/plan/edit/4")
    fields.update({"plan-3-name": "Clinic", "plan-3-phone": "ask at desk"})
    refused = browser.post("/plan/edit/4", fields)
    assert refused.status == 400
    assert legends(refused) == ["Person 1", "Person 2", "Person 3"] + ["Add a person"] * 4
    assert re.findall(r'name="plan-(\d+)-remove"', refused.body) == ["0", "1", "2"]
    assert empty_rows(form_fields(refused, "/plan/edit/4")) == ["4", "5", "6"]


def test_rows_to_add_items_in_spanish_come_back_as_such(client, published, participant):
    browser = signed_in(client, participant, "es")
    form = browser.get("/plan/edit/1?locale=es")
    fields = form_fields(form, "/plan/edit/1")
    fields.update({"plan-0-text": "x" * 2001})
    refused = browser.post("/plan/edit/1", fields)
    assert refused.status == 400
    assert legends(refused) == ["Agregar a esta parte"] * 4 and "-remove" not in refused.body


def open_part(browser: WebClient, section: str, locale: str = "") -> dict[str, str]:
    """A window (a tab, or another device) opened on one part's edit form: what it sends."""
    path = f"/plan/edit/{section}"
    return form_fields(browser.get(path + (f"?locale={locale}" if locale else "")), path)


def part_texts(page) -> list[str]:
    """The words in the edit form's boxes, in order (the empty rows to add items left out)."""
    return [t for t in re.findall(r"<textarea[^>]*>([^<]*)</textarea>", page.body) if t]


def merge_notice(page) -> str:
    match = re.search(r'<div class="notice plan-merged"[^>]*>(.*?)</div>', page.body, re.S)
    assert match, page.body
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def saved_texts(browser: WebClient, section: str) -> list[str]:
    page = browser.get("/plan")
    number = PLAN_SECTIONS.index(section) + 1
    part = re.search(rf'<section id="part-{number}".*?</section>', page.body, re.S)
    assert part, page.body
    return re.findall(r'<span class="plan-text">([^<]*)</span>', part.group())


def test_two_windows_adding_to_one_part_keep_both(client, published, participant):
    """Walk 12, item 2: tab B's save came after tab A's; the form comes back with both, names
    what tab A saved, saves nothing, and saving it as it is keeps both."""
    browser = signed_in(client, participant)
    first = open_part(browser, "5")
    first.update({"plan-0-text": "My daughter Mia", "plan-1-text": "Tab A: my health"})
    assert browser.post("/plan/edit/5", first).status == 303
    tab_a, tab_b = open_part(browser, "5"), open_part(browser, "5")
    tab_a["plan-2-text"] = "Tab A2: my health"
    assert browser.post("/plan/edit/5", tab_a).status == 303
    tab_b["plan-2-text"] = "Tab B2: my job"
    late = browser.post("/plan/edit/5", tab_b)
    assert late.status == 409
    assert part_texts(late) == [
        "My daughter Mia",
        "Tab A: my health",
        "Tab A2: my health",
        "Tab B2: my job",
    ]
    notice = merge_notice(late)
    assert notice == (
        "Your plan was changed in another window or on another device while you were editing "
        "here. Below are your changes and the ones saved there, together. Nothing is saved "
        "yet: check them, then save to keep both. Saved in the other window or device: "
        "Tab A2: my health"
    )
    assert 'name="based_on" value="2"' in late.body
    # Nothing saved without pressing Save: the plan is still tab A's version 2.
    assert saved_texts(browser, "reasons") == [
        "My daughter Mia",
        "Tab A: my health",
        "Tab A2: my health",
    ]
    assert 'href="/plan/versions/3"' not in browser.get("/plan/versions").body
    # "Save again", as told: both are kept.
    again = browser.post("/plan/edit/5", form_fields(late, "/plan/edit/5"))
    assert again.status == 303
    assert saved_texts(browser, "reasons") == [
        "My daughter Mia",
        "Tab A: my health",
        "Tab A2: my health",
        "Tab B2: my job",
    ]


def test_two_windows_removing_and_editing_keep_each_windows_removals(
    client, published, participant
):
    """What one window removed stays removed when the other left it alone; an edited item is
    the item before removed and the edited one added, in its place."""
    browser = signed_in(client, participant)
    first = open_part(browser, "1")
    first.update({"plan-0-text": "Payday", "plan-1-text": "Old friends", "plan-2-text": "Bars"})
    assert browser.post("/plan/edit/1", first).status == 303
    tab_a, tab_b = open_part(browser, "1"), open_part(browser, "1")
    tab_a["plan-2-remove"] = "1"  # A removes "Bars"
    assert browser.post("/plan/edit/1", tab_a).status == 303
    tab_b["plan-0-remove"] = "1"  # B removes "Payday", edits "Old friends", adds one
    tab_b["plan-1-text"] = "Old friends from the bar"
    tab_b["plan-3-text"] = "Being alone on Sundays"
    late = browser.post("/plan/edit/1", tab_b)
    assert late.status == 409
    assert part_texts(late) == ["Old friends from the bar", "Being alone on Sundays"]
    notice = merge_notice(late)
    assert notice.endswith("Removed in the other window or device: Bars")
    assert "Saved in the other window" not in notice
    assert browser.post("/plan/edit/1", form_fields(late, "/plan/edit/1")).status == (303)
    assert saved_texts(browser, "triggers") == [
        "Old friends from the bar",
        "Being alone on Sundays",
    ]


def test_a_save_on_top_of_a_plan_never_saved_keeps_the_other_windows_first_save(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/1").csrf()
    assert browser.post("/plan/edit/1", part_form(token, {"text": "Payday"})).status == 303
    sunday = {"text": "Sunday evenings"}
    stale = browser.post("/plan/edit/1", part_form(token, sunday))
    assert stale.status == 409
    assert part_texts(stale) == ["Payday", "Sunday evenings"]
    assert merge_notice(stale).endswith("Saved in the other window or device: Payday")
    assert 'name="based_on" value="1"' in stale.body  # saving again keeps both
    again = browser.post("/plan/edit/1", form_fields(stale, "/plan/edit/1"))
    assert again.status == 303
    assert saved_texts(browser, "triggers") == ["Payday", "Sunday evenings"]


def test_two_windows_in_spanish_name_the_person_saved_in_the_other(client, published, participant):
    browser = signed_in(client, participant, "es")
    tab_a = open_part(browser, "4", "es")
    tab_b = open_part(browser, "4", "es")
    tab_a.update({"plan-0-name": "Mamá", "plan-0-phone": "555-010-1010"})
    assert browser.post("/plan/edit/4", tab_a).status == 303
    tab_b.update({"plan-0-name": "Ana", "plan-0-phone": "555-010-2020"})
    late = browser.post("/plan/edit/4", tab_b)
    assert late.status == 409 and '<html lang="es">' in late.body
    fields = form_fields(late, "/plan/edit/4")
    assert [(fields["plan-0-name"], fields["plan-1-name"])] == [("Mamá", "Ana")]
    assert merge_notice(late) == (
        "Su plan cambió en otra ventana o en otro dispositivo mientras lo editaba aquí. Abajo "
        "están juntos sus cambios y los que se guardaron allí. Todavía no se guardó nada: "
        "revíselos y guarde para conservar los dos. Guardado en la otra ventana o dispositivo: "
        "Mamá: 555-010-1010"
    )


def test_a_save_of_a_part_the_other_window_left_alone_is_saved_straight_away(
    client, published, participant
):
    """Tab A saved another part meanwhile: tab B's part is saved on top of it at once (no
    form to save again), both changes kept; the same post again writes nothing more."""
    browser = signed_in(client, participant)
    first = open_part(browser, "1")
    first["plan-0-text"] = "Payday"
    assert browser.post("/plan/edit/1", first).status == 303  # version 1
    tab_a, tab_b = open_part(browser, "1"), open_part(browser, "5")
    tab_a["plan-1-text"] = "Sunday evenings"
    assert browser.post("/plan/edit/1", tab_a).status == 303  # version 2
    tab_b["plan-0-text"] = "My daughter Mia"
    saved = browser.post("/plan/edit/5", tab_b)
    assert (saved.status, saved.location) == (303, "/plan?saved=5#part-5")
    assert saved_texts(browser, "triggers") == ["Payday", "Sunday evenings"]
    assert saved_texts(browser, "reasons") == ["My daughter Mia"]
    assert browser.post("/plan/edit/5", tab_b).status == 303  # a retry
    versions = browser.get("/plan/versions").body
    assert 'href="/plan/versions/3"' in versions and 'href="/plan/versions/4"' not in versions
    # A part the other window changed still comes back with both changes, to save again.
    tab_c = open_part(browser, "1")
    tab_c["plan-0-remove"] = "1"
    assert browser.post("/plan/edit/1", tab_c).status == 303  # version 4
    first["plan-1-text"] = "Old friends"
    assert browser.post("/plan/edit/1", first).status == 409


SPONSOR = "Call my sponsor"
COPING = "/plan/edit/3"


def new_texts(browser: WebClient, section: str) -> list[str]:
    """The items of one part of My plan marked "New from a worksheet"."""
    page = browser.get("/plan")
    number = PLAN_SECTIONS.index(section) + 1
    part = re.search(rf'<section id="part-{number}".*?</section>', page.body, re.S)
    assert part, page.body
    return re.findall(
        r'<span class="plan-text">([^<]*)</span> <span class="tag screen-only">New from a worksheet</span>',
        part.group(),
    )


def test_a_worksheet_answer_saved_while_the_form_is_open_stays_in_the_plan(
    client, published, participant
):
    """Nothing a participant wrote is lost: the form's save removes only answers it showed."""
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    # Before the first save: the form is open, an answer is saved in the worksheet meanwhile.
    form = open_part(browser, "3")
    more = {
        "answer-urge-helpers-0": "Cold water on my face",
        "answer-urge-helpers-1": "Text Marcus",
    }
    more["answer-urge-helpers-2"] = SPONSOR
    assert save_worksheet(browser, MODULE, more, locale="en").status == 303
    form["plan-1-remove"] = "1"  # "Text Marcus", which the form showed
    assert browser.post(COPING, form).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water on my face", SPONSOR]
    assert new_texts(browser, "coping-skills") == [SPONSOR]
    # After a save too: another answer while the form is open, and one removed in the form.
    form = open_part(browser, "3")
    more["answer-urge-helpers-3"] = "A hot shower"
    assert save_worksheet(browser, MODULE, more, locale="en").status == 303
    form["plan-1-remove"] = "1"  # SPONSOR, shown new in the form
    assert browser.post(COPING, form).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water on my face", "A hot shower"]
    assert new_texts(browser, "coping-skills") == ["A hot shower"]


def test_a_form_made_by_hand_without_shown_removes_no_new_answer(client, published, participant):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    assert browser.post(COPING, open_part(browser, "3")).status == 303  # version 1
    more = {
        "answer-urge-helpers-0": "Cold water on my face",
        "answer-urge-helpers-1": "Text Marcus",
    }
    more["answer-urge-helpers-2"] = SPONSOR
    assert save_worksheet(browser, MODULE, more, locale="en").status == 303
    form = open_part(browser, "3")
    # Without "shown": the saved version's items can be removed, answers marked new cannot.
    kept = {"text": form["plan-0-text"], "source": form["plan-0-source"]}
    assert browser.post(COPING, part_form(form["csrf"], kept, based_on="1")).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water on my face", SPONSOR]
    assert new_texts(browser, "coping-skills") == [SPONSOR]


def test_an_answer_saved_while_two_windows_are_open_survives_their_conflict(
    client, published, participant
):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    assert browser.post(COPING, open_part(browser, "3")).status == 303  # version 1
    tab_a, tab_b = open_part(browser, "3"), open_part(browser, "3")
    more = {
        "answer-urge-helpers-0": "Cold water on my face",
        "answer-urge-helpers-1": "Text Marcus",
    }
    more["answer-urge-helpers-2"] = SPONSOR
    assert save_worksheet(browser, MODULE, more, locale="en").status == 303
    tab_a["plan-0-text"] = "Cold water, then a walk"
    assert browser.post(COPING, tab_a).status == 303
    tab_b["plan-1-remove"] = "1"
    late = browser.post(COPING, tab_b)
    assert late.status == 409
    assert part_texts(late) == ["Cold water, then a walk", SPONSOR]
    # Written in a worksheet, not saved in the other window: not named as such.
    notice = merge_notice(late)
    assert "Saved in the other window or device: Cold water, then a walk " in notice
    assert SPONSOR not in notice
    assert browser.post(COPING, form_fields(late, COPING)).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water, then a walk", SPONSOR]


def test_a_part_that_does_not_exist_is_not_found(client, published, participant):
    browser = signed_in(client, participant)
    assert browser.get("/plan/edit/nonsense").status == 404
    token = browser.get("/plan").csrf()
    assert browser.post("/plan/edit/nonsense", {"csrf": token, "plan-0-text": "x"}).status == 404


def test_downloads_from_the_web_page(client, published, participant):
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/5").csrf()
    browser.post("/plan/edit/5", part_form(token, {"text": "Mi hija Lucía"}))
    text = browser.get("/plan/download?format=txt")
    assert text.status == 200 and "Mi hija Lucía" in text.body
    assert re.fullmatch(
        r'attachment; filename="plan-\d{4}-\d{2}-\d{2}\.txt"', text.headers["content-disposition"]
    )
    pdf = download(browser, "/plan/download?format=pdf")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-security-policy"]


def test_a_download_with_answers_written_since_the_save_says_so(client, published, participant):
    """Walk 12, item 13: the downloaded plan holds answers version 1 does not have."""
    browser = signed_in(client, participant)
    token = browser.get("/plan/edit/5").csrf()
    assert browser.post("/plan/edit/5", part_form(token, {"text": "My daughter"})).status == (303)
    saved = browser.get("/plan/download?format=txt").body.splitlines()[1]
    assert ", version 1). I can change" in saved  # nothing new yet: nothing more said
    fill_worksheet(browser)  # two new answers, on My plan but not in version 1
    text = browser.get("/plan/download?format=txt").body
    assert (
        ", version 1), with 2 new answers from my worksheets not yet saved in my plan. "
        in (text.splitlines()[1])
    )
    assert "Cold water on my face" in text
    old = browser.get("/plan/download?format=txt&version=1").body
    assert ", version 1). I can change" in old and "Cold water on my face" not in old


@pytest.mark.parametrize(
    ("language", "one_new", "one_item"),
    [
        (
            "en",
            "1 new answer from your worksheets was added at the end of its part. Edit that part "
            "to keep, move or remove it.",
            "1 item",
        ),
        (
            "es",
            "Se agregó 1 respuesta nueva de sus hojas de trabajo al final de la parte del plan a "
            "la que pertenece. Edite esa parte para dejarla, moverla o quitarla.",
            "1 punto",
        ),
    ],
)
def test_one_new_answer_and_one_item_are_singular(
    client, published, participant, language, one_new, one_item
):
    """Walk 12, item 14: "1 new answers ... were added", "Se agregaron 1 respuestas nuevas"."""
    browser = signed_in(client, participant, language)
    fields = open_part(browser, "5", language)
    fields["plan-0-text"] = "My daughter"
    assert browser.post("/plan/edit/5", fields).status == 303
    versions = browser.get(f"/plan/versions?locale={language}")
    assert f"· {one_item}</p>" in versions.body
    answer = {"answer-urge-helpers-0": "Cold water on my face"}
    assert save_worksheet(browser, MODULE, answer).status == 303
    page = browser.get(f"/plan?locale={language}")
    assert f'<p class="notice plan-new-note screen-only">{one_new}</p>' in page.body


@pytest.mark.parametrize(
    ("language", "empty_then", "empty_now", "text_then", "text_now"),
    [
        (
            "en",
            "This part was empty in this version.",
            "Nothing here yet. Worksheets in the modules fill this in, or add your own.",
            "(nothing in this version)",
            "(nothing yet)",
        ),
        (
            "es",
            "Esta parte estaba vacía en esta versión.",
            "Todavía no hay nada. Las hojas de trabajo de los módulos llenan esta parte, o "
            "agregue lo suyo.",
            "(nada en esta versión)",
            "(nada todavía)",
        ),
    ],
)
def test_an_empty_part_of_an_earlier_version_says_it_was_empty_then(
    client, published, participant, language, empty_then, empty_now, text_then, text_now
):
    """Walk 12, item 21: an earlier version is read only; nothing will fill it in."""
    browser = signed_in(client, participant, language)
    fields = open_part(browser, "5", language)
    fields["plan-0-text"] = "My daughter"
    assert browser.post("/plan/edit/5", fields).status == 303
    empty = len(PLAN_SECTIONS) - 1  # every part but the reasons
    old = browser.get(f"/plan/versions/1?locale={language}")
    assert old.body.count(f'<p class="hint">{empty_then}</p>') == empty
    assert empty_now not in old.body
    now = browser.get(f"/plan?locale={language}")
    # Walk 15, item 19.2: the hint is for the screen; on paper, ruled lines to write on.
    assert now.body.count(f'<p class="hint screen-only">{empty_now}</p>') == empty
    lines = '<div class="print-only write-lines" aria-hidden="true"><span></span>'
    assert now.body.count(lines) == empty
    assert empty_then not in now.body
    assert "write-lines" not in old.body  # an earlier version says it was empty, even on paper
    text = browser.get(f"/plan/download?format=txt&version=1&locale={language}").body
    assert text.count(f"\n{text_then}\n") == empty and text_now not in text
    text = browser.get(f"/plan/download?format=txt&locale={language}").body
    assert text.count(f"\n{text_now}\n") == empty and text_then not in text


def test_a_plan_never_saved_downloads_with_a_heading_and_a_dated_name(
    client, published, participant, library_clock
):
    import io

    import pypdf

    browser = signed_in(client, participant)
    fill_worksheet(browser)
    today = library_clock.today()
    written = f"{today.day} {today.strftime('%B')} {today.year}"
    text = browser.get("/plan/download?format=txt")
    assert text.status == 200
    assert text.headers["content-disposition"] == f'attachment; filename="plan-{today}.txt"'
    assert text.body.startswith(
        "My plan for staying well\n"
        f"As of {written}, from what I wrote in my worksheets. "
        "I can change this plan any time in Steady.\n"
    )
    assert "Cold water on my face" in text.body and "Not saved yet" not in text.body
    pdf = download(browser, "/plan/download?format=pdf")
    assert pdf.headers["content-disposition"] == f'attachment; filename="plan-{today}.pdf"'
    page = pypdf.PdfReader(io.BytesIO(pdf.body)).pages[0].extract_text()
    assert "My plan for staying well" in page and f"As of {written}" in page
    assert "Not saved yet" not in page


def test_my_plan_in_spanish(client, published, participant):
    browser = signed_in(client, participant, language="es")
    page = browser.get("/plan")
    assert page.status == 200 and '<html lang="es">' in page.body
    assert page.body.count(FROM_WORKSHEETS["es"]) == 1 and "Todavía sin guardar" not in page.body
    assert "reúne lo que escribió" not in page.body
    assert "Mi plan" in page.body and "Personas a las que puedo llamar" in page.body
    assert 'href="/plan/edit/1?locale=es"' in page.body
    form = browser.get("/plan/edit/1?locale=es")
    assert "Guardar mi plan" in form.body and "Agregar a esta parte" in form.body
    assert "-remove" not in form.body  # nothing to remove yet


def test_a_part_with_no_item_yet_says_only_how_to_add(client, published, participant):
    """A part with nothing in it has nothing to change, move or remove: its form says only how
    to add (it said "Tick Remove to take it out" with no Remove box on the page, walk 20p).
    Once the part has an item, the whole hint, with its Remove box."""
    browser = signed_in(client, participant)
    empty = browser.get("/plan/edit/1")
    assert empty.status == 200 and "-remove" not in empty.body
    assert "Write in the boxes to add your own." in empty.body
    assert "Tick Remove" not in empty.body and "Change the words" not in empty.body
    spanish = signed_in(client, participant, language="es").get("/plan/edit/1?locale=es")
    assert "Escriba en las casillas para agregar lo suyo." in spanish.body
    assert "Marque Quitar" not in spanish.body
    fill_worksheet(browser)
    full = browser.get("/plan/edit/3")
    assert "plan-0-remove" in full.body and "Tick Remove to take it out." in full.body
    assert "Write in the boxes" not in full.body


def test_your_data_page_downloads_and_deletes_only_when_confirmed(client, published, participant):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    page = browser.get("/plan")
    assert 'href="/account/data"' in page.body
    page = browser.get("/account/data")
    assert page.status == 200 and "<title>Your data – Steady</title>" in page.body
    exported = browser.get("/account/data/download?format=json")
    assert exported.status == 200 and "Cold water on my face" in exported.body
    assert "my-data-" in exported.headers["content-disposition"]
    token = page.csrf()
    refused = browser.post("/account/data/delete", {"csrf": token})
    assert refused.status == 400 and 'href="#confirm"' in refused.body
    assert "Cold water on my face" in browser.get("/plan").body  # nothing deleted
    done = browser.post("/account/data/delete", {"csrf": token, "confirm": "1"})
    assert (done.status, done.location) == (303, "/account/data?deleted=1")
    assert "Your answers and your plan are deleted." in browser.get("/account/data?deleted=1").body
    assert "Cold water on my face" not in browser.get("/plan").body


def test_edit_addresses_name_no_part_and_the_old_ones_still_work(client, published, participant):
    """Walk 15, item 19.15: ``/plan/edit/if-i-slip`` stayed in a shared phone's history. The
    parts are numbered; an old address (a bookmark) is sent on, and a form posted to it (open
    before the change) is saved."""
    browser = signed_in(client, participant)
    page = browser.get("/plan?locale=es")
    links = re.findall(r'href="(/plan/edit/[^"]*)"', page.body)
    assert links == [f"/plan/edit/{n}?locale=es" for n in range(1, 8)]
    body = page.body.lower()
    assert not any(f'id="{s}' in body or f"#{s}" in body for s in PLAN_SECTIONS)
    for n, section in enumerate(PLAN_SECTIONS, start=1):
        old = browser.get(f"/plan/edit/{section}?locale=es")
        assert (old.status, old.location) == (303, f"/plan/edit/{n}?locale=es")
        form = browser.get(old.location)
        assert form.status == 200 and f'action="/plan/edit/{n}"' in form.body
        assert (
            section not in form.body.split("<main", 1)[1].split('<form method="post" action', 1)[0]
        )
    assert browser.get("/plan/edit/8").status == 404
    assert browser.get("/plan/edit/0").status == 404
    token = browser.get("/plan/edit/6").csrf()
    saved = browser.post("/plan/edit/if-i-slip", part_form(token, {"text": "Call Ysolde"}))
    assert (saved.status, saved.location) == (303, "/plan?saved=6#part-6")
    shown = browser.get(saved.location)
    assert "Call Ysolde" in shown.body and 'id="part-6"' in shown.body
    assert "✓" in shown.body


def double_click(browser: WebClient, service, form: dict[str, str], other: dict[str, str]):  # type: ignore[no-untyped-def]
    """``form`` posted while ``other`` (the first POST of a double click, or another window's)
    is saved between this POST's read of the plan and its write: the two overlap."""
    records = service.plans.records
    put = records.put
    landed: list[int] = []

    def put_after_the_other(version):  # type: ignore[no-untyped-def]
        if not landed:
            landed.append(version.version)
            records.put = put  # the other POST runs as usual
            assert browser.post("/plan/edit/5", other).status == 303
        return put(version)

    records.put = put_after_the_other
    try:
        return browser.post("/plan/edit/5", form)
    finally:
        records.put = put


def test_save_my_plan_double_clicked_is_saved_once_and_says_saved(
    client, published, participant, service
):
    """Walk 15, problem 18: "Save my plan" pressed twice sent two POSTs; the second lost its
    write to the first and answered 409 "Your plan was changed in another window" for the
    participant's own click. The newest version holds exactly what this form sends: the same
    "Saved" answer, and one version."""
    browser = signed_in(client, participant)
    first = open_part(browser, "5")
    first["plan-0-text"] = "My daughter Mia"
    assert browser.post("/plan/edit/5", first).status == 303
    form = open_part(browser, "5")
    form["plan-1-text"] = "My health"

    second = double_click(browser, service, form, dict(form))
    assert (second.status, second.location) == (303, "/plan?saved=5#part-5")
    assert saved_texts(browser, "reasons") == ["My daughter Mia", "My health"]
    versions = browser.get("/plan/versions").body
    assert 'href="/plan/versions/2"' in versions and 'href="/plan/versions/3"' not in versions

    # Another window's different change to the same part, landing the same way: still the
    # conflict, with both changes in the form, nothing saved.
    form = open_part(browser, "5")
    other = dict(form)
    form["plan-2-text"] = "Tab B: my job"
    other["plan-2-text"] = "Tab A: my dog"
    late = double_click(browser, service, form, other)
    assert late.status == 409
    assert part_texts(late) == ["My daughter Mia", "My health", "Tab A: my dog", "Tab B: my job"]
    assert saved_texts(browser, "reasons") == ["My daughter Mia", "My health", "Tab A: my dog"]


# --- A worksheet answer changed after the plan was saved: one item per answer --------------


def change_first_answer(browser: WebClient, words: str) -> None:
    answers = {"answer-urge-helpers-0": words, "answer-urge-helpers-1": "Text Marcus"}
    assert save_worksheet(browser, MODULE, answers, locale="en").status == 303


def saved_with_my_words(browser: WebClient) -> None:
    """The worksheet answered, its first item edited in the plan and saved (version 1)."""
    fill_worksheet(browser)
    form = open_part(browser, "3")
    form["plan-0-text"] = "Cold water, slowly"
    assert browser.post("/plan/edit/3", form).status == 303


def versions_listed(browser: WebClient) -> int:
    return len(re.findall(r'href="/plan/versions/\d+"', browser.get("/plan/versions").body))


def test_an_item_never_edited_follows_the_changed_answer_on_the_page(
    client, published, participant
):
    browser = signed_in(client, participant)
    fill_worksheet(browser)
    assert browser.post("/plan/edit/3", open_part(browser, "3")).status == 303
    change_first_answer(browser, "Ice on my wrists")
    page = browser.get("/plan")
    assert saved_texts(browser, "coping-skills") == ["Ice on my wrists", "Text Marcus"]
    assert "Cold water on my face" not in page.body
    assert page.body.count("Changed in a worksheet") == 1
    assert "Some items follow answers you changed in your worksheets." in page.body
    assert "New from a worksheet" not in page.body


def test_an_edited_item_offers_the_new_words_and_use_them_is_saved_once(
    client, published, participant
):
    browser = signed_in(client, participant)
    saved_with_my_words(browser)
    change_first_answer(browser, "Ice on my wrists")
    # My plan: my words, once, and what changed; no second item, nothing new.
    page = browser.get("/plan")
    assert saved_texts(browser, "coping-skills") == ["Cold water, slowly", "Text Marcus"]
    assert "Your worksheet answer changed. Edit this part" in page.body
    assert "New from a worksheet" not in page.body and "Ice on my wrists" not in page.body
    form_page = browser.get("/plan/edit/3")
    assert part_texts(form_page) == ["Cold water, slowly", "Text Marcus"]
    offer = re.search(
        r'<fieldset role="radiogroup" class="plan-offer">(.*?)</fieldset>', form_page.body, re.S
    )
    assert offer, form_page.body
    assert '<p dir="auto" class="plan-offer-words">Ice on my wrists</p>' in offer.group(1)
    assert 'id="plan-0-update" name="plan-0-update" value="use"' in offer.group(1)
    assert 'id="plan-0-update-keep" name="plan-0-update" value="keep"' in offer.group(1)
    assert form_page.body.count('class="plan-offer"') == 1
    form = form_fields(form_page, "/plan/edit/3")
    form["plan-0-update"] = "use"
    assert browser.post("/plan/edit/3", form).status == 303
    assert browser.post("/plan/edit/3", form).status == 303  # pressed again: nothing more
    assert versions_listed(browser) == 2
    assert saved_texts(browser, "coping-skills") == ["Ice on my wrists", "Text Marcus"]
    assert 'class="plan-offer"' not in browser.get("/plan/edit/3").body


def test_keep_my_words_keeps_them_and_stops_offering(client, published, participant):
    browser = signed_in(client, participant)
    saved_with_my_words(browser)
    change_first_answer(browser, "Ice on my wrists")
    form = open_part(browser, "3")
    form["plan-0-update"] = "keep"
    assert browser.post("/plan/edit/3", form).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water, slowly", "Text Marcus"]
    assert 'class="plan-offer"' not in browser.get("/plan/edit/3").body
    assert "Your worksheet answer changed" not in browser.get("/plan").body
    # Neither chosen: the item stays as it was, still offering (decided later).
    change_first_answer(browser, "A towel and cold water")
    assert browser.post("/plan/edit/3", open_part(browser, "3")).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water, slowly", "Text Marcus"]
    assert "A towel and cold water" in browser.get("/plan/edit/3").body


def test_a_bad_choice_comes_back_with_the_input_kept_and_nothing_saved(
    client, published, participant
):
    browser = signed_in(client, participant)
    saved_with_my_words(browser)
    change_first_answer(browser, "Ice on my wrists")
    form = open_part(browser, "3")
    form.update({"plan-0-update": "maybe", "plan-0-text": "Cold water, very slowly"})
    page = browser.post("/plan/edit/3", form)
    assert page.status == 400
    message = "What helps me cope, item 1: choose Use the new words or Keep my words."
    assert error_summary(page) == [("plan-0-update", message)]
    assert re.search(
        r'<fieldset role="radiogroup" class="plan-offer" aria-invalid="true" '
        r'aria-describedby="plan-0-error">',
        page.body,
    )
    assert f'<p class="error" id="plan-0-error">{message}</p>' in page.body
    assert part_texts(page) == ["Cold water, very slowly", "Text Marcus"]  # as typed
    assert "Ice on my wrists" in page.body  # still offered
    assert versions_listed(browser) == 1
    form["plan-0-update"] = "keep"
    assert browser.post("/plan/edit/3", form).status == 303
    assert saved_texts(browser, "coping-skills") == ["Cold water, very slowly", "Text Marcus"]


TRIGGER_MODULE = "triggers-and-high-risk-situations"
TRIGGERS = "/plan/edit/1"


def test_an_answer_removed_from_the_plan_stays_removed_when_its_words_change(
    client, published_all, participant
):
    """Walk 21, item 5 (in Spanish): "Mi primo Toño", removed from My triggers, came back as
    new once she wrote "Mi primo Toño y sus amigos" in the worksheet, and her next save of the
    part (for another reason) put it in the plan and the downloads. The answer she removed
    stays removed whatever its words; a new entry of the list is still offered as new."""
    browser = signed_in(client, participant, "es")
    people = {"answer-trigger-people-0": "Mi primo Toño", "answer-trigger-people-1": "Don Beto"}
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    form = open_part(browser, "1", "es")
    row = next(k for k, v in form.items() if v == "Mi primo Toño").removesuffix("-text")
    form[f"{row}-remove"] = "1"
    assert browser.post(TRIGGERS, form).status == 303
    assert saved_texts(browser, "triggers") == ["Don Beto"]
    # The same answer, in other words: still removed, and not offered as new.
    people["answer-trigger-people-0"] = "Mi primo Toño y sus amigos"
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    page = browser.get("/plan?locale=es")
    assert "Toño" not in page.body and "Se agregó 1 respuesta nueva" not in page.body
    assert saved_texts(browser, "triggers") == ["Don Beto"]
    # Her next save of the part, for another reason, leaves it out; so do the downloads.
    form = open_part(browser, "1", "es")
    assert not any("Toño" in v for v in form.values())
    row = next(k for k, v in form.items() if v == "Don Beto")
    form[row] = "Don Beto, el de la tienda"
    assert browser.post(TRIGGERS, form).status == 303
    assert saved_texts(browser, "triggers") == ["Don Beto, el de la tienda"]
    assert "Toño" not in browser.get("/plan/download?format=txt&locale=es").body
    # A new entry of the list is a new answer: offered as new, as before.
    people["answer-trigger-people-2"] = "Mi ex"
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    page = browser.get("/plan?locale=es")
    assert "Se agregó 1 respuesta nueva" in page.body and "Toño" not in page.body
    assert saved_texts(browser, "triggers") == ["Don Beto, el de la tienda", "Mi ex"]


def test_another_answer_written_where_a_removed_one_was_is_offered_as_new(
    client, published_all, participant
):
    """After walk 21, item 5's fix, a removed answer held its place in the worksheet's list
    whatever was written there: "Mi primo Toño", removed from My triggers, then "Mi hermana
    Lucía" written in its box, and Lucía never reached the plan nor was offered as new. An edit
    of the removed answer stays removed; another person in that box is a new answer, offered
    as new and saved with the part's next save."""
    browser = signed_in(client, participant, "es")
    people = {"answer-trigger-people-0": "Mi primo Toño", "answer-trigger-people-1": "Don Beto"}
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    form = open_part(browser, "1", "es")
    row = next(k for k, v in form.items() if v == "Mi primo Toño").removesuffix("-text")
    form[f"{row}-remove"] = "1"
    assert browser.post(TRIGGERS, form).status == 303
    assert saved_texts(browser, "triggers") == ["Don Beto"]
    # Edited: the same person, still removed.
    people["answer-trigger-people-0"] = "Toño y sus amigos"
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    page = browser.get("/plan?locale=es")
    assert "Toño" not in page.body and "respuesta nueva" not in page.body
    # Another person in that box: new, offered as any new answer.
    people["answer-trigger-people-0"] = "Mi hermana Lucía"
    assert save_worksheet(browser, TRIGGER_MODULE, people, locale="es").status == 303
    page = browser.get("/plan?locale=es")
    assert (
        "Se agregó 1 respuesta nueva" in page.body and "Nuevo de una hoja de trabajo" in page.body
    )
    assert "Toño" not in page.body
    assert saved_texts(browser, "triggers") == ["Don Beto", "Mi hermana Lucía"]
    # The part's next save keeps her, no longer new; the downloads have her.
    form = open_part(browser, "1", "es")
    assert "Mi hermana Lucía" in form.values()
    assert browser.post(TRIGGERS, form).status == 303
    page = browser.get("/plan?locale=es")
    assert "Mi hermana Lucía" in page.body and "respuesta nueva" not in page.body
    assert "Mi hermana Lucía" in browser.get("/plan/download?format=txt&locale=es").body
