"""The worksheet on the module page, without JavaScript: fill in, save, see what was saved,
errors with the input kept and a summary linking to the field, share and stop sharing."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import shipped_version
from tests.functional.web_client import (
    Page,
    assert_field_error,
    complete_lesson,
    error_summary,
    form_fields,
    group_with,
    lesson_path,
    save_worksheet,
    signed_in,
)

MODULE = "cravings-and-urge-surfing"
PAGE = lesson_path(MODULE)


def refused(client, participant, module_id: str, answers: dict, locale: str) -> Page:  # type: ignore[no-untyped-def]
    """A participant just signed in saves ``answers`` to ``module_id``'s worksheet in
    ``locale``; the form comes back refused (400)."""
    page = save_worksheet(signed_in(client, participant), module_id, answers, locale=locale)
    assert page.status == 400
    return page


def test_the_module_page_shows_the_worksheet_as_a_form(client, published, participant):
    page = signed_in(client, participant).get(PAGE)
    assert page.status == 200
    assert f'action="{PAGE}/worksheet"' in page.body
    assert 'name="answer-urge-in-body"' in page.body
    assert 'name="answer-urge-helpers-4"' in page.body  # max_items: 5 rows
    assert page.body.count('name="answer-urge-start"') == 11  # 0 to 10
    assert "Share with my group leaders" in page.body


def test_fill_in_save_and_see_what_was_saved_and_completing_keeps_it(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    saved = save_worksheet(
        browser,
        MODULE,
        {
            "answer-urge-start": "7",
            "answer-urge-end": "3",
            "answer-urge-in-body": "Jaw clenched, restless legs",
            "answer-urge-helpers-0": "Cold water on my face",
            "answer-urge-helpers-1": "Text Marcus",
            "answer-urge-helpers-2": "",
        },
        token,
        locale="en",
    )
    assert (saved.status, saved.location) == (303, f"{PAGE}?saved=1#worksheet")
    page = browser.get(f"{PAGE}?saved=1")
    assert "Saved." in page.body and "You have answered 4 of 4 questions." in page.body
    assert 'value="Jaw clenched, restless legs"' in page.body
    assert 'value="Text Marcus"' in page.body
    assert re.search(
        r'id="answer-urge-start-7" name="answer-urge-start" value="7" checked', page.body
    )
    # Not completed by saving; completing keeps the answers.
    assert "Mark as complete" in page.body
    assert complete_lesson(browser, MODULE, token).status == 303
    page = browser.get(PAGE)
    assert "You marked this complete" in page.body and 'value="Text Marcus"' in page.body


def test_a_chosen_point_of_a_scale_can_be_cleared_again(client, published, participant):
    """A radio cannot be unticked: once a point of a scale is chosen, a "No answer" choice
    is offered, and choosing it saves the question as not answered."""
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    save_worksheet(browser, MODULE, {"answer-urge-start": "7"}, token, locale="en")
    page = browser.get(PAGE)
    assert page.body.count('name="answer-urge-start"') == 12
    assert '<label for="answer-urge-start-none">No answer (clear my choice)</label>' in page.body
    assert 'id="answer-urge-end-none"' not in page.body  # nothing chosen there: nothing to clear
    cleared = save_worksheet(browser, MODULE, {"answer-urge-start": ""}, token, locale="en")
    assert cleared.status == 303
    page = browser.get(PAGE)
    assert not re.search(r'name="answer-urge-start" value="\d+" checked', page.body)
    assert 'id="answer-urge-start-none"' not in page.body


def test_an_error_shows_the_form_again_with_what_was_typed_and_a_summary(
    client, published, participant
):
    browser = signed_in(client, participant)
    long = "I keep thinking about it " * 90  # over 2,000 characters
    page = save_worksheet(
        browser, MODULE, {"answer-urge-in-body": long, "answer-urge-helpers-0": "Walk the dog"}
    )
    assert page.status == 400
    assert 'class="error-summary"' in page.body and 'href="#answer-urge-in-body"' in page.body
    # Plain words: how long, the limit, and what to do (not "is longer than 2000 characters
    # (2249)").
    assert (
        "this answer is 2,249 characters long. The limit is 2,000: shorten it and save again."
    ) in page.body
    assert long.strip() in page.body.replace("&#39;", "'")  # typed text kept
    assert 'value="Walk the dog"' in page.body
    # Nothing was saved.
    assert 'value="Walk the dog"' not in browser.get(PAGE).body


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        (
            "en",
            "Where did I feel it in my body?: this answer is 5,000 characters long. "
            "The limit is 2,000: shorten it and save again.",
        ),
        (
            "es",
            "¿En qué parte del cuerpo las sentí?: esta respuesta tiene 5000 caracteres. "
            "El límite es 2000: acórtela y guarde otra vez.",
        ),
    ],
)
def test_a_long_paste_is_kept_in_the_box_and_refused_with_its_length_and_the_limit(
    client, published_all, participant, locale, message
):
    """Walk 15, problem 12: a 5,000-character paste into a one-line answer was cut at 2,000
    by the box's maxlength, without a word, and saved. The boxes cut nothing now; the form
    comes back with the whole text in the box and says how long it is and what the limit is
    (past the 4,096 characters of the text rule for other forms: not a problem page)."""
    page = signed_in(client, participant).get(PAGE)
    assert "maxlength" not in page.body.split('id="answer-urge-in-body"')[1].split(">")[0]
    assert 'maxlength="2000"' not in page.body
    pasted = ("Como un nudo que aprieta. 😟 " * 200)[:4999] + "x"
    assert len(pasted) == 5000
    back = refused(client, participant, MODULE, {"answer-urge-in-body": pasted}, locale)
    assert error_summary(back) == [("answer-urge-in-body", message)]
    assert f'value="{pasted}"' in back.body  # all of it, in the box


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        (
            "en",
            "What helps me ride out a craving, item 3: this is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
        ),
        (
            "es",
            "Lo que me ayuda a dejar pasar las ganas, punto 3: tiene 2100 caracteres. "
            "El límite es 2000: acórtelo y guarde otra vez.",
        ),
    ],
)
def test_a_too_long_item_of_a_list_is_named_linked_and_marked(
    client, published_all, participant, locale, message
):
    answers = {
        "answer-urge-helpers-0": "Walk the dog",
        "answer-urge-helpers-1": "Cold water",
        "answer-urge-helpers-2": "x" * 2100,
    }
    page = refused(client, participant, MODULE, answers, locale)
    # The item itself is marked, with the message beside it; not the other items.
    assert_field_error(page, "answer-urge-helpers-2", "answer-urge-helpers-2-error", message)
    assert page.body.count('aria-invalid="true"') == 1


@pytest.mark.parametrize(
    ("locale", "body_message", "item_message"),
    [
        (
            "en",
            "Where did I feel it in my body?: this answer is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
            "What helps me ride out a craving, item 2: this is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
        ),
        (
            "es",
            "¿En qué parte del cuerpo las sentí?: esta respuesta tiene 2100 caracteres. "
            "El límite es 2000: acórtela y guarde otra vez.",
            "Lo que me ayuda a dejar pasar las ganas, punto 2: tiene 2100 caracteres. "
            "El límite es 2000: acórtelo y guarde otra vez.",
        ),
    ],
)
def test_every_field_at_fault_is_named_at_once_beside_its_input(
    client, published_all, participant, locale, body_message, item_message
):
    # Two fields wrong in one save: both in the summary (in form order, each linking to its
    # input), both beside their inputs and pointed to by them; the input kept; nothing saved.
    answers = {
        "answer-urge-start": "7",
        "answer-urge-in-body": "x" * 2100,
        "answer-urge-helpers-0": "Walk the dog",
        "answer-urge-helpers-1": "y" * 2100,
    }
    page = refused(client, participant, MODULE, answers, locale)
    assert error_summary(page) == [
        ("answer-urge-in-body", body_message),
        ("answer-urge-helpers-1", item_message),
    ]
    assert re.search(
        r'id="answer-urge-in-body"[^>]*aria-describedby="answer-urge-in-body-error" '
        r'aria-invalid="true"',
        page.body,
    )
    assert f'<p class="error" id="answer-urge-in-body-error">{body_message}</p>' in page.body
    assert re.search(
        r'id="answer-urge-helpers-1"[^>]*aria-invalid="true" '
        r'aria-describedby="answer-urge-helpers-1-error"',
        page.body,
    )
    assert f'<p class="error" id="answer-urge-helpers-1-error">{item_message}</p>' in page.body
    assert page.body.count('aria-invalid="true"') == 2
    assert 'value="Walk the dog"' in page.body and 'value="' + "y" * 2100 + '"' in page.body
    assert re.search(r'name="answer-urge-start" value="7" checked', page.body)


@pytest.mark.parametrize(
    ("locale", "item", "phone"),
    [
        (
            "en",
            "What helps me ride out a craving, item {n}: this is 2,100 characters long. "
            "The limit is 2,000: shorten it and save again.",
            "People I can call: the phone number for “{who}” can have only digits, spaces, "
            "+ - ( ) and an extension like “ext. 4”.",
        ),
        (
            "es",
            "Lo que me ayuda a dejar pasar las ganas, punto {n}: tiene 2100 caracteres. "
            "El límite es 2000: acórtelo y guarde otra vez.",
            "Personas a las que puedo llamar: el teléfono de «{who}» solo puede tener números, "
            "espacios, + - ( ) y una extensión como «ext. 4».",
        ),
    ],
)
def test_every_bad_row_of_a_list_is_named_not_only_the_first(
    client, published_all, participant, locale, item, phone
):
    # Two rows of one list wrong in one save: each in the summary (in row order, each linking
    # to its row), each beside its row and pointed to by it; the good row not marked.
    rows = {
        "answer-urge-helpers-0": "x" * 2100,
        "answer-urge-helpers-1": "Walk the dog",
        "answer-urge-helpers-3": "y" * 2100,
    }
    page = refused(client, participant, MODULE, rows, locale)
    first, second = item.format(n=1), item.format(n=4)
    assert error_summary(page) == [
        ("answer-urge-helpers-0", first),
        ("answer-urge-helpers-3", second),
    ]
    for n, message in ((0, first), (3, second)):
        marked = (
            rf'id="answer-urge-helpers-{n}"[^>]*aria-invalid="true" '
            rf'aria-describedby="answer-urge-helpers-{n}-error"'
        )
        assert re.search(marked, page.body), n
        assert f'<p class="error" id="answer-urge-helpers-{n}-error">{message}</p>' in page.body
    assert page.body.count('aria-invalid="true"') == 2
    assert 'value="Walk the dog"' in page.body
    # People to call: two numbers with words in them, each named by whose it is.
    people = {
        "answer-help-people-0-name": "Dana",
        "answer-help-people-0-phone": "call the office",
        "answer-help-people-1-name": "Mum",
        "answer-help-people-1-phone": "555 987 6543",
        "answer-help-people-2-name": "Clinic front desk",
        "answer-help-people-2-phone": "ask at desk",
    }
    page = refused(client, participant, ASKING, people, locale)
    assert error_summary(page) == [
        ("answer-help-people-0-phone", phone.format(who="Dana")),
        ("answer-help-people-2-phone", phone.format(who="Clinic front desk")),
    ]
    for n in (0, 2):
        marked = (
            rf'id="answer-help-people-{n}-phone"[^>]*aria-invalid="true" '
            rf'aria-describedby="answer-help-people-{n}-error"'
        )
        assert re.search(marked, page.body), n
    assert page.body.count('aria-invalid="true"') == 2


@pytest.mark.parametrize(
    ("locale", "over", "message"),
    [
        (
            "en",
            151,
            "What helps me ride out a craving: these items are 2,151 characters long in all. "
            "The limit is 2,000: shorten some of them and save again.",
        ),
        (
            "en",
            1,
            "What helps me ride out a craving: these items are 2,001 characters long in all. "
            "The limit is 2,000: shorten some of them and save again.",
        ),
        (
            "es",
            151,
            "Lo que me ayuda a dejar pasar las ganas: estos puntos tienen 2151 caracteres en total. "
            "El límite es 2000: acorte algunos y guarde otra vez.",
        ),
    ],
)
def test_a_list_too_long_in_all_says_by_how_much_and_links_to_its_legend(
    client, published_all, participant, locale, over, message
):
    answers = {
        "answer-urge-helpers-0": "x" * 1000,
        "answer-urge-helpers-1": "y" * 900,
        "answer-urge-helpers-2": "z" * (100 + over),
    }
    page = refused(client, participant, MODULE, answers, locale)
    # The link goes to the list's legend, which can take the focus: the error under it is in
    # sight, not pushed above the top of the screen by the first item's input.
    assert error_summary(page) == [("answer-urge-helpers-legend", message)]
    assert '<legend class="ws-label" id="answer-urge-helpers-legend" tabindex="-1">' in page.body
    assert f'<p class="error" id="answer-urge-helpers-error">{message}</p>' in page.body
    assert page.body.count('id="answer-urge-helpers-legend"') == 1
    assert 'aria-invalid="true"' not in page.body  # no single item is at fault


ASKING = "asking-for-help"
ASKING_PAGE = lesson_path(ASKING)


def asking_page(locale: str) -> str:
    """The asking-for-help lesson page in ``locale`` (in English, its plain address)."""
    return ASKING_PAGE if locale == "en" else f"{ASKING_PAGE}?locale={locale}"


@pytest.mark.parametrize(
    ("locale", "name", "message"),
    [
        (
            "en",
            "Clinic front desk",
            "People I can call: the phone number for “Clinic front desk” can have only digits, "
            "spaces, + - ( ) and an extension like “ext. 4”.",
        ),
        (
            "en",
            "",
            "People I can call: the phone number for person 2 can have only digits, spaces, "
            "+ - ( ) and an extension like “ext. 4”.",
        ),
        (
            "es",
            "",
            "Personas a las que puedo llamar: el teléfono de la persona 2 solo puede tener "
            "números, espacios, + - ( ) y una extensión como «ext. 4».",
        ),
    ],
)
def test_a_bad_phone_in_a_worksheet_says_whose_number_and_links_to_it(
    client, published_all, participant, locale, name, message
):
    answers = {
        "answer-help-people-0-name": "Mum",
        "answer-help-people-0-phone": "555 987 6543",
        "answer-help-people-1-name": name,
        "answer-help-people-1-phone": "ask at desk",
    }
    page = refused(client, participant, ASKING, answers, locale)
    assert_field_error(page, "answer-help-people-1-phone", "answer-help-people-1-error", message)


@pytest.mark.parametrize(
    ("locale", "phone"),
    [
        ("en", "(555) 010-2020 ext. 4"),
        ("en", "555 010 2020 ext 4"),
        ("en", "555 010 2020 x4"),
        ("en", "555 010 2020 extension 4"),
        ("es", "(555) 010-2020 ext. 4"),
        ("es", "555 010 2020 extensión 4"),
    ],
)
def test_a_clinic_number_with_an_extension_is_saved_as_typed(
    client, published_all, participant, locale, phone
):
    browser = signed_in(client, participant)
    saved = save_worksheet(
        browser,
        ASKING,
        {
            "answer-care-team-0-name": "Clinic front desk",
            "answer-care-team-0-phone": phone,
        },
        locale=locale,
    )
    assert saved.status == 303, saved.body
    page = browser.get(asking_page(locale))
    assert re.search(f'id="answer-care-team-0-phone"[^>]* value="{re.escape(phone)}"', page.body)


@pytest.mark.parametrize(
    ("locale", "hint", "message"),
    [
        (
            "en",
            "A name for each, and a phone number if you have it.",
            "People I can call: add a name for 555 867 5309.",
        ),
        (
            "es",
            "Un nombre para cada una, y un número de teléfono si lo tiene.",
            "Personas a las que puedo llamar: agregue un nombre para el 555 867 5309.",
        ),
    ],
)
def test_a_number_without_a_name_is_refused_at_its_row_a_name_alone_is_not(
    client, published_all, participant, locale, hint, message
):
    browser = signed_in(client, participant)
    lesson = browser.get(asking_page(locale))
    # The hint asks for a name, and a number only if there is one.
    assert f'<p class="hint" id="answer-help-people-help">{hint}</p>' in lesson.body
    token = lesson.csrf()
    answers = {
        "answer-help-people-0-name": "Dana",
        "answer-help-people-0-phone": "555-0101",
        "answer-help-people-1-name": "Mom",
        "answer-help-people-1-phone": "",
        "answer-help-people-2-name": " ",
        "answer-help-people-2-phone": "555  867 5309",
    }
    page = save_worksheet(browser, ASKING, answers, token, locale)
    assert page.status == 400
    # The name missing is the row's name input: linked, marked, the message beside it.
    assert_field_error(page, "answer-help-people-2-name", "answer-help-people-2-error", message)
    assert page.body.count('aria-invalid="true"') == 1
    assert 'value="555  867 5309"' in page.body  # what was typed is kept
    # A name alone ("Mom": a number known by heart) is kept.
    answers["answer-help-people-2-phone"] = ""
    assert save_worksheet(browser, ASKING, answers, token, locale).status == 303
    lesson = browser.get(asking_page(locale))
    assert re.search(r'id="answer-help-people-1-name"[^>]* value="Mom"', lesson.body)


def test_share_and_stop_sharing(client, published, participant):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    assert "Save your answers first." in browser.get(PAGE).body
    save_worksheet(browser, MODULE, {"answer-urge-in-body": "Stomach"}, token)
    shared = browser.post(f"{PAGE}/worksheet/sharing", {"csrf": token, "shared": "1"})
    assert shared.status == 303
    page = browser.get(PAGE)
    assert "Your group leaders can see this worksheet." in page.body and "Stop sharing" in page.body
    browser.post(f"{PAGE}/worksheet/sharing", {"csrf": token, "shared": "0"})
    assert "Your answers are private: only you can read them." in browser.get(PAGE).body


@pytest.mark.parametrize(
    ("locale", "first", "saved_words"),
    [
        ("en", "Save your answers first.", "the answers you saved before, not the changes above"),
        ("es", "Primero guarde sus respuestas.", "las respuestas que guardó antes, no los cambios"),
    ],
)
def test_after_an_error_saved_answers_can_still_be_shared(
    client, published_all, participant, locale, first, saved_words
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    version = str(shipped_version(MODULE, locale))
    sent = {"csrf": token, "version": version, "locale": locale}
    assert browser.post(f"{PAGE}/worksheet", {**sent, "answer-urge-in-body": "Chest"}).status == 303
    refused = browser.post(f"{PAGE}/worksheet", {**sent, "answer-urge-in-body": "x" * 2100})
    assert refused.status == 400
    share = refused.body[refused.body.index('id="worksheet-sharing"') :]
    share = share[: share.index("</form>")]
    assert first not in share and " disabled" not in share
    assert saved_words in share  # says what sharing shares: the saved answers
    assert browser.post(f"{PAGE}/worksheet/sharing", {**sent, "shared": "1"}).status == 303


def test_spanish_worksheet_page(client, published_all, participant):
    browser = signed_in(client, participant)
    page = browser.get(f"{PAGE}?locale=es")
    assert "Su hoja de trabajo" in page.body and "Guardar mis respuestas" in page.body
    # One word for a completed module on the page: the button's, and the hint's.
    assert "Marcar como terminado" in page.body and "completad" not in page.body
    assert "Guardar no marca el módulo como terminado." in page.body
    answers = {"answer-urge-in-body": "En el pecho, con ansiedad"}
    saved = save_worksheet(browser, MODULE, answers, page.csrf(), locale="es")
    assert saved.status == 303 and "locale=es" in saved.location
    body = json.dumps(browser.get(f"{PAGE}?locale=es&saved=1").body)
    assert "Guardado." in json.loads(body)


# Said in the page's language, then in the other (walk 21, 8), as a link-like button: not
# as big as "Save my answers".
SWITCH_TO_ENGLISH = (
    '<button type="submit" class="link" name="read_in" value="en">'
    'Guardar y leer en inglés <span lang="en">(Save and read in English)</span></button>'
)
SWITCH_TO_SPANISH = (
    '<button type="submit" class="link" name="read_in" value="es">'
    'Save and read in Spanish <span lang="es">(Guardar y leer en español)</span></button>'
)


def test_save_and_read_in_the_other_language_keeps_what_was_typed(
    client, published_all, participant
):
    """Walk 15, 19.13: Rosa typed into the Spanish worksheet and tapped "English" at the top;
    the English page's box was empty. The form's second button saves what was typed and opens
    the lesson in the other language, with the answer there, and keeps that language as the
    language link does."""
    browser = signed_in(client, participant)
    spanish = browser.get(f"{PAGE}?locale=es")
    assert SWITCH_TO_ENGLISH in spanish.body
    # After "Save my answers": Enter in a box presses the first button, which only saves.
    assert spanish.body.index("Guardar mis respuestas</button>") < spanish.body.index(
        SWITCH_TO_ENGLISH
    )
    form = form_fields(spanish, f"{PAGE}/worksheet")
    assert "read_in" not in form  # sent only by its button
    typed = "Escribí esto antes de cambiar el idioma"
    form["answer-urge-in-body"] = typed
    sent = browser.post(f"{PAGE}/worksheet", {**form, "read_in": "en"})
    assert (sent.status, sent.location) == (303, f"{PAGE}?locale=en&saved=1#worksheet")
    english = browser.get(f"{PAGE}?locale=en&saved=1")
    assert "Your worksheet" in english.body and "Saved." in english.body
    assert f'value="{typed}"' in english.body
    assert SWITCH_TO_SPANISH in english.body and SWITCH_TO_ENGLISH not in english.body
    # English is kept, as the language link keeps it: the lesson opened again is in English.
    assert "Your worksheet" in browser.get(PAGE).body
    # And back: saved, in Spanish, with the answer there.
    form = form_fields(english, f"{PAGE}/worksheet")
    form["answer-urge-helpers-0"] = "Llamar a mi hermana"
    sent = browser.post(f"{PAGE}/worksheet", {**form, "read_in": "es"})
    assert (sent.status, sent.location) == (303, f"{PAGE}?locale=es&saved=1#worksheet")
    again = browser.get(f"{PAGE}?locale=es&saved=1")
    assert "Guardado." in again.body
    assert f'value="{typed}"' in again.body and 'value="Llamar a mi hermana"' in again.body


def test_save_and_read_in_the_other_language_is_offered_only_where_the_lesson_is_in_it(
    client, published, participant
):
    """Only English is published: the English page offers no Spanish (the lesson is not in
    it); the Spanish page, which shows the English version, offers English."""
    browser = signed_in(client, participant)
    assert 'name="read_in"' not in browser.get(f"{PAGE}?locale=en").body
    assert SWITCH_TO_ENGLISH in browser.get(f"{PAGE}?locale=es").body


def test_a_refused_save_and_read_in_english_shows_the_same_form_again(
    client, published_all, participant
):
    browser = signed_in(client, participant)
    form = form_fields(browser.get(f"{PAGE}?locale=es"), f"{PAGE}/worksheet")
    form["answer-urge-in-body"] = "Me duele el pecho " * 150  # over 2,000 characters
    form["answer-urge-helpers-0"] = "Caminar"
    page = browser.post(f"{PAGE}/worksheet", {**form, "read_in": "en"})
    assert page.status == 400
    assert "Su hoja de trabajo" in page.body and SWITCH_TO_ENGLISH in page.body
    assert [href for href, _ in error_summary(page)] == ["answer-urge-in-body"]
    assert 'value="Caminar"' in page.body  # what was typed, kept
    assert 'value="Caminar"' not in browser.get(f"{PAGE}?locale=es").body  # nothing saved


def test_save_and_read_in_english_merges_with_another_tab_or_comes_back_on_a_conflict(
    client, published_all, participant
):
    browser = signed_in(client, participant)
    action = f"{PAGE}/worksheet"
    a = form_fields(browser.get(f"{PAGE}?locale=es"), action)
    b = form_fields(browser.get(f"{PAGE}?locale=es"), action)
    a["answer-urge-in-body"] = "Pestaña A"
    assert browser.post(action, a).status == 303
    b["answer-urge-helpers-0"] = "Pestaña B"
    sent = browser.post(action, {**b, "read_in": "en"})
    assert sent.location == f"{PAGE}?locale=en&saved=both#worksheet"
    english = browser.get(f"{PAGE}?locale=en&saved=both")
    assert 'value="Pestaña A"' in english.body and 'value="Pestaña B"' in english.body
    # The same answer changed in two tabs: nothing saved, the Spanish form again (409).
    c = form_fields(browser.get(f"{PAGE}?locale=es"), action)
    d = form_fields(browser.get(f"{PAGE}?locale=es"), action)
    c["answer-urge-in-body"] = "Pestaña C"
    browser.post(action, c)
    d["answer-urge-in-body"] = "Pestaña D"
    page = browser.post(action, {**d, "read_in": "en"})
    assert page.status == 409
    assert "Guardado en la otra ventana o dispositivo:" in page.body
    assert form_fields(page, action)["answer-urge-in-body"] == "Pestaña D"


def test_before_the_session_page_shows_what_was_shared_and_who_has_not_done_it(
    client, published, stack, participant, other_participant
):
    from tests.conftest import make_account

    leader = make_account(stack, "leader-one", "leaders")
    members = [(participant, "Sam R."), (other_participant, "Alex P.")]
    group_id = group_with(client, leader, members, module_id=MODULE)
    shared, private = signed_in(client, participant), signed_in(client, other_participant)
    for browser, words in ((shared, "Call my brother first"), (private, "My private answer here")):
        assert save_worksheet(browser, MODULE, {"answer-urge-helpers-0": words}).status == 303
    token = shared.get(PAGE).csrf()
    assert shared.post(f"{PAGE}/worksheet/sharing", {"csrf": token, "shared": "1"}).status == 303

    web = signed_in(client, leader)
    picker = web.get(f"/leader/groups/{group_id}/before-session")
    assert picker.status == 200 and 'name="module"' in picker.body
    page = web.get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
    assert page.status == 200
    assert "Sam R." in page.body and "Alex P." in page.body
    assert "Call my brother first" in page.body
    assert "My private answer here" not in page.body
    # One field of four each: both started, neither done (the grid's rule).
    assert "0 of 2 did the worksheet, 2 started it; 1 shared it." in page.body
    other = make_account(stack, "leader-other", "leaders")
    assert (
        signed_in(client, other)
        .get(f"/leader/groups/{group_id}/before-session?module={MODULE}")
        .status
        == 404
    )


def _toc(page: Page) -> str:
    """The lesson page's "On this page" list."""
    return page.body[page.body.index('<details class="toc">') : page.body.index("</details>")]


def test_the_worksheet_comes_after_the_text_and_before_the_check_and_mark_as_complete(
    client, published, participant
):
    # Read, write, check, complete, next: the worksheet (what My plan is built from) is not
    # left below "Mark as complete" and the link to the next lesson, where no one scrolls.
    browser = signed_in(client, participant)
    page = browser.get(PAGE)
    body = page.body
    assert (
        body.index('id="text"')
        < body.index('id="worksheet"')
        < body.index('id="complete"')
        < body.index("Check what you learned (optional)")
        < body.index("Mark as complete")
    )
    assert complete_lesson(browser, MODULE, page.csrf()).status == 303
    body = browser.get(PAGE).body
    assert (
        body.index('id="worksheet"')
        < body.index("You marked this complete")
        < body.index('<p class="next">')
    )


@pytest.mark.parametrize(
    ("query", "try_this", "key_points"),
    [("", "Try this", "key-points"), ("?locale=es", "Pruebe esto", "puntos-clave")],
)
def test_the_worksheet_form_comes_right_after_the_try_this_box_and_before_key_points(
    client, published_all, participant, query, try_this, key_points
):
    # The participant reads the exercise and writes straight away: the form is not left
    # below "Key points", far from the box that asks for it.
    body = signed_in(client, participant).get(PAGE + query).body
    box = body.index(f'<p class="admonition-title">{try_this}</p>')
    assert (
        body.index('id="text"')
        < box
        < body.index('<section id="worksheet"')
        < body.index(f'id="{key_points}"')
        < body.index('id="complete"')
    )
    # Nothing between the end of the box and the form: the box closes, then the first part
    # of the text; "Key points" and the rest are the second part, below the form.
    assert re.search(r'</ol>\s*</div>\s*</div>\s*<section id="worksheet"', body)
    after = body[body.index('<div class="body body-after"') :]
    assert after.index(f'<h2 id="{key_points}"') < after.index('id="complete"')
    assert body.count(f'id="{key_points}"') == 1 and body.count(try_this) == 1
    # The contents list the worksheet in the same place: after the box's section, before
    # "Key points", and the check last.
    toc = _toc(signed_in(client, participant).get(PAGE + query))
    links = re.findall(r'<a href="#([^"]+)"', toc)
    assert links[-3:] == ["worksheet", key_points, "complete"]


def test_a_version_published_before_the_form_had_a_place_keeps_it_after_the_text(
    client, publisher, shipped_modules, participant, leader, monkeypatch
):
    # Published versions never change: one published before publishing said where the form
    # goes (no ``form_at``) shows it where it always was, after the whole text.
    from steady_content import publish

    built = publish.build

    def as_before(module, published_at=None):  # type: ignore[no-untyped-def]
        document = built(module, published_at)
        sheet = {k: v for k, v in document["worksheet"].items() if k != "form_at"}
        return {**document, "worksheet": sheet}

    monkeypatch.setattr(publish, "build", as_before)
    modules = [m for m in shipped_modules if m.module_id == MODULE]
    assert publisher.publish(modules).ok
    for query, key_points in (("", "key-points"), ("?locale=es", "puntos-clave")):
        page = signed_in(client, participant).get(PAGE + query)
        body = page.body
        assert (
            body.index(f'id="{key_points}"')
            < body.index('<section id="worksheet"')
            < body.index('id="complete"')
        )
        assert "body-after" not in body
        links = re.findall(r'<a href="#([^"]+)"', _toc(page))
        assert links[-3:] == [key_points, "worksheet", "complete"]
    # A group leader has no worksheet on the page: the text is in one piece, as it was.
    led = signed_in(client, leader).get(PAGE).body
    assert "body-after" not in led and 'id="worksheet"' not in led


def test_a_leader_reads_the_text_in_one_piece_where_a_participant_has_the_form_inside_it(
    client, published, participant, leader
):
    led = signed_in(client, leader).get(PAGE).body
    assert "body-after" not in led and 'id="worksheet"' not in led
    text = led[led.index('<div class="body" id="text">') :]
    assert text.index("Try this") < text.index('id="key-points"') < text.index('id="complete"')
    assert led.count('<div class="body') == 1


def test_on_this_page_lists_the_worksheet_and_the_knowledge_check(
    client, published_all, participant, leader
):
    toc = _toc(signed_in(client, participant).get(PAGE))
    assert '<a href="#worksheet">Your worksheet</a>' in toc
    assert '<a href="#complete">Check what you learned</a>' in toc
    assert toc.index('href="#worksheet"') < toc.index('href="#complete"')
    spanish = _toc(signed_in(client, participant).get(f"{PAGE}?locale=es"))
    assert '<a href="#worksheet">Su hoja de trabajo</a>' in spanish
    assert '<a href="#complete">Compruebe lo que aprendió</a>' in spanish
    # A group leader reading the lesson has no worksheet or check on the page: no link to them.
    led = signed_in(client, leader).get(PAGE)
    assert 'id="worksheet"' not in led.body
    assert 'href="#worksheet"' not in _toc(led) and 'href="#complete"' not in _toc(led)


def test_a_worksheet_not_finished_is_named_beside_mark_as_complete_and_after_it(
    client, published_all, participant
):
    browser = signed_in(client, participant)
    page = browser.get(PAGE)
    left = '<p class="ws-left"><a href="#worksheet">Your worksheet: {} of 4 answered</a></p>'
    assert left.format(0) in page.body
    assert page.body.index(left.format(0)) < page.body.index("Mark as complete")
    answers = {"answer-urge-start": "7", "answer-urge-in-body": "Jaw clenched"}
    assert save_worksheet(browser, MODULE, answers, page.csrf()).status == 303
    assert complete_lesson(browser, MODULE, page.csrf()).status == 303
    done = browser.get(PAGE).body
    assert done.index("You marked this complete") < done.index(left.format(2))
    spanish = browser.get(f"{PAGE}?locale=es").body
    assert "Su hoja de trabajo: 2 de 4 respondidas" in spanish
    # Every field answered: nothing left to say.
    rest = {"answer-urge-end": "3", "answer-urge-helpers-0": "Cold water"}
    assert save_worksheet(browser, MODULE, {**answers, **rest}, page.csrf()).status == 303
    assert 'class="ws-left"' not in browser.get(PAGE).body


def _print_block(body: str) -> str:
    """The worksheet as printed: the print-only block before the form (forms are not printed)."""
    start = body.index('<div class="print-only ws-print">')
    return body[start : body.index('<form method="post"', start)]


def test_a_printed_lesson_has_the_worksheet_questions_with_lines_or_the_saved_answers(
    client, published, participant
):
    """Walk 15, item 19.12: the print stylesheet hides forms, so a printed lesson had "Your
    worksheet" and nothing under it. A print-only copy carries each question, with the saved
    answer or ruled lines to write on (a scale's points to circle); the screen-only hint about
    who sees the answers is left off paper."""
    browser = signed_in(client, participant)
    page = browser.get(PAGE)
    printed = _print_block(page.body)
    for label in (
        "How strong was the craving at the start?",
        "How strong was it when the timer ended?",
        "Where did I feel it in my body?",
        "What helps me ride out a craving",
    ):
        assert f'<p class="ws-label">{label}</p>' in printed, label
    assert printed.count('<div class="write-lines" aria-hidden="true"><span></span>') == 1
    assert printed.count('<span class="write-line"></span>') == 5  # the list's 5 rows
    assert printed.count('<p class="ws-print-scale">') == 2 and "chosen" not in printed
    assert '<p class="hint screen-only">Only you can see your answers' in page.body

    answers = {
        "answer-urge-start": "7",
        "answer-urge-in-body": "Jaw <clenched>",
        "answer-urge-helpers-0": "Cold water on my face",
    }
    assert save_worksheet(browser, MODULE, answers, page.csrf(), locale="en").status == 303
    printed = _print_block(browser.get(PAGE).body)
    assert '<p class="ws-other-text" dir="auto">Jaw &lt;clenched&gt;</p>' in printed
    assert '<span dir="auto">Cold water on my face</span>' in printed
    assert printed.count('<span class="write-line"></span>') == 4
    assert '<span class="chosen">7</span>' in printed and printed.count("chosen") == 1
    assert "write-lines" not in printed  # the short answer is filled in


def _mark_complete_with(browser, token: str, answers: dict, chosen: dict) -> Page:  # type: ignore[no-untyped-def]
    """What "Mark as complete" sends where the lesson has a worksheet: the worksheet form (its
    hidden fields and answers, typed into or not) with the check's choices, to /complete."""
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    return browser.post(f"{PAGE}/complete", {**form, **answers, **chosen})


def test_mark_as_complete_belongs_to_the_worksheet_form_and_says_it_saves_it(
    client, published, participant
):
    page = signed_in(client, participant).get(PAGE)
    assert 'id="ws-form"' in page.body
    # The button and every choice of the check are the worksheet form's, sent to /complete.
    assert f'<button type="submit" form="ws-form" formaction="{PAGE}/complete">' in page.body
    choices = re.findall(r'<input type="radio" id="q\d-\d"[^>]*>', page.body)
    assert choices and all('form="ws-form"' in c for c in choices)
    assert "This also saves your worksheet answers above." in page.body


def test_mark_as_complete_saves_what_was_typed_in_the_worksheet_and_completes(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    answers = {
        "answer-urge-start": "6",
        "answer-urge-in-body": "Tight chest",
        "answer-urge-helpers-0": "Call my sister",
    }
    done = _mark_complete_with(browser, token, answers, {"q0": "0", "q1": "0", "q2": "0"})
    assert (done.status, done.location) == (303, f"{PAGE}#complete")
    page = browser.get(PAGE)
    assert "You marked this complete" in page.body
    assert 'value="Tight chest"' in page.body and 'value="Call my sister"' in page.body
    assert "Save your answers first." not in page.body  # saved: it can be shared


def test_mark_as_complete_with_the_worksheet_untouched_saves_no_worksheet(
    client, published, participant
):
    browser = signed_in(client, participant)
    lesson = browser.get(PAGE)
    # Exactly what the page's worksheet form holds before anything is typed.
    untouched = {k: v for k, v in form_fields(lesson, f"{PAGE}/worksheet").items()}
    assert any(k.startswith("answer-") for k in untouched)
    done = browser.post(f"{PAGE}/complete", {**untouched, "q0": "0", "q1": "0", "q2": "0"})
    assert done.status == 303
    page = browser.get(PAGE)
    assert "You marked this complete" in page.body
    assert "Save your answers first." in page.body  # still nothing saved to share


def test_a_bad_worksheet_answer_sent_by_mark_as_complete_comes_back_with_the_choices_kept(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    long = "It builds and builds " * 120  # over 2,000 characters
    page = _mark_complete_with(
        browser,
        token,
        {"answer-urge-in-body": long, "answer-urge-helpers-0": "Walk the dog"},
        {"q0": "1", "q1": "0"},
    )
    assert page.status == 400
    assert 'class="error-summary"' in page.body and 'href="#answer-urge-in-body"' in page.body
    assert 'value="Walk the dog"' in page.body  # typed text kept
    assert re.search(r'id="q0-1" name="q0" value="1" checked', page.body)  # choices kept
    assert re.search(r'id="q1-0" name="q1" value="0" checked', page.body)
    # Neither saved nor completed.
    again = browser.get(PAGE)
    assert "You marked this complete" not in again.body
    assert 'value="Walk the dog"' not in again.body


def _completed_without_worksheet(browser) -> str:  # type: ignore[no-untyped-def]
    """Mark the lesson complete with the check answered and nothing typed in the worksheet;
    the retake page's CSRF token after."""
    token = browser.get(PAGE).csrf()
    assert _mark_complete_with(browser, token, {}, {"q0": "0", "q1": "0", "q2": "0"}).status == 303
    return browser.get(f"{PAGE}?retake=1").csrf()


def test_try_the_questions_again_belongs_to_the_worksheet_form_too(client, published, participant):
    browser = signed_in(client, participant)
    _completed_without_worksheet(browser)
    page = browser.get(f"{PAGE}?retake=1")
    assert '<section class="retake" id="retake"' in page.body and 'id="ws-form"' in page.body
    # The button, the attempt number and every choice go with the worksheet, to /attempts.
    assert f'<button type="submit" form="ws-form" formaction="{PAGE}/attempts">' in page.body
    assert '<input type="hidden" name="attempt" value="2" form="ws-form">' in page.body
    choices = re.findall(r'<input type="radio" id="q\d-\d"[^>]*>', page.body)
    assert choices and all('form="ws-form"' in c for c in choices)
    assert "This also saves your worksheet answers above." in page.body


def test_a_retake_saves_what_was_typed_in_the_worksheet_and_records_the_attempt(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = _completed_without_worksheet(browser)
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    sent = {
        **form,
        "attempt": "2",
        "answer-urge-in-body": "Shoulders up",
        "answer-urge-helpers-0": "Text my sponsor",
        **{"q0": "1", "q1": "1", "q2": "1"},
    }
    done = browser.post(f"{PAGE}/attempts", sent)
    assert (done.status, done.location) == (303, f"{PAGE}#complete")
    page = browser.get(PAGE)
    assert 'value="Shoulders up"' in page.body and 'value="Text my sponsor"' in page.body
    assert "Save your answers first." not in page.body  # saved: it can be shared
    assert 'name="attempt" value="3"' in browser.get(f"{PAGE}?retake=1").body  # recorded


def test_a_bad_worksheet_answer_sent_by_a_retake_comes_back_on_the_retake_page(
    client, published, participant
):
    browser = signed_in(client, participant)
    token = _completed_without_worksheet(browser)
    long = "It builds and builds " * 120  # over 2,000 characters
    sent = {
        "csrf": token,
        "version": str(shipped_version(MODULE)),
        "locale": "en",
        "attempt": "2",
        "answer-urge-in-body": long,
        "answer-urge-helpers-0": "Walk the dog",
        "q0": "2",
        "q1": "0",
    }
    page = browser.post(f"{PAGE}/attempts", sent)
    assert page.status == 400
    assert 'class="error-summary"' in page.body and 'href="#answer-urge-in-body"' in page.body
    assert 'value="Walk the dog"' in page.body  # typed text kept
    # Still the retake's form, with its choices kept and the attempt not spent.
    assert '<section class="retake" id="retake"' in page.body
    assert re.search(r'id="q0-2" name="q0" value="2" checked', page.body)
    assert 'name="attempt" value="2"' in page.body
    again = browser.get(f"{PAGE}?retake=1")
    assert 'name="attempt" value="2"' in again.body and 'value="Walk the dog"' not in again.body


@pytest.fixture
def published_long_list(publisher, shipped_modules):  # type: ignore[no-untyped-def]
    """The module with its list of helpers 50 rows long (lint allows up to 50)."""
    import dataclasses

    from steady_content import pipeline

    module = next(m for m in shipped_modules if m.module_id == MODULE and m.locale == "en")
    source = module.source
    assert "max_items: 5\n" in source.body
    longer = dataclasses.replace(
        source,
        body=source.body.replace("max_items: 5\n", "max_items: 50\n"),
        text=source.text.replace("max_items: 5\n", "max_items: 50\n"),
    )
    assert publisher.publish([pipeline.Module.of(longer)]).ok


def test_a_worksheet_form_of_more_than_50_inputs_is_saved(client, published_long_list, participant):
    """Each row of a list is an input: a form of 59 was refused as unreadable (the web read
    50 fields at most) and what was typed lost."""
    browser = signed_in(client, participant)
    fields = form_fields(browser.get(PAGE), f"{PAGE}/worksheet")
    assert len(fields) > 50
    fields["answer-urge-helpers-0"] = "Call my sister"
    saved = browser.post(f"{PAGE}/worksheet", fields)
    assert saved.status == 303
    assert "Call my sister" in browser.get(PAGE).body
