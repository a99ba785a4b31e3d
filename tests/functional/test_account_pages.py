"""The reminders page (/account/reminders): in the participant's language, never a dead end."""

from __future__ import annotations

import gc
import html
import json
import re
import types
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.errors import ServiceUnavailable
from chalicelib.web import account_pages
from chalicelib.web.words import LANGUAGE_NAMES, TIME_ZONES, ZONE_GROUPS, zone_name
from tests.conftest import REGION
from tests.functional.web_client import WebClient, signed_in


def form_of(page) -> dict:  # type: ignore[no-untyped-def]
    return {"csrf": page.csrf()}


def test_a_participant_confirms_an_email_and_turns_reminders_on(client, participant):
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    assert page.status == 200 and "Reminders" in page.body and 'lang="en"' in page.body
    assert "<title>Account – Steady</title>" in page.body
    assert "not set" in page.body
    sent = web.post(
        "/account/reminders/contact", {**form_of(page), "email": "page.reader@example.org"}
    )
    assert sent.status == 303 and sent.location.startswith("/account/reminders?done=code_sent")
    code = re.search(
        r"\d{6}", ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1].body
    ).group()
    page = web.get("/account/reminders?done=code_sent")
    assert "p***@e***.org" in page.body and 'id="code"' in page.body
    # The box cuts nothing: "846 078", typed or pasted with its space, is the code sent.
    box = re.search(r'<input id="code"[^>]*>', page.body).group()
    assert 'maxlength="12"' in box and 'inputmode="numeric"' in box
    assert 'autocomplete="one-time-code"' in box
    typed = f"{code[:3]} {code[3:]}"
    done = web.post("/account/reminders/contact/confirm", {**form_of(page), "code": typed})
    assert done.status == 303
    page = web.get(done.location)
    assert "Confirmed." in page.body and "page.reader@example.org" not in page.body
    saved = web.post(
        "/account/reminders",
        {
            **form_of(page),
            "enabled": "on",
            "channel": "email",
            "time": "19:30",
            "day_tue": "on",
            "day_thu": "on",
            "trigger": "daily",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "timezone": "America/Chicago",
            "reminder_locale": "es",
        },
    )
    assert saved.status == 303
    page = web.get(saved.location)
    assert "Saved." in page.body
    assert (
        'value="19:30" selected' in page.body
        and 'id="day_tue" name="day_tue" type="checkbox" value="on" checked' in page.body
    )
    assert 'id="day_mon" name="day_mon" type="checkbox" value="on">' in page.body
    assert 'id="enabled" name="enabled" type="checkbox" value="on" checked' in page.body


def test_errors_come_back_with_the_input_kept_and_a_summary(client, participant):
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    # Turning on without a confirmed address: the same form, what was chosen kept, a summary.
    again = web.post(
        "/account/reminders",
        {
            **form_of(page),
            "enabled": "on",
            "channel": "sms",
            "time": "06:45",
            "day_sat": "on",
            "trigger": "daily",
            "quiet_start": "",
            "quiet_end": "",
            "timezone": "Pacific/Honolulu",
            "reminder_locale": "en",
        },
    )
    assert again.status == 409
    assert 'role="alert"' in again.body and 'href="#enabled"' in again.body
    assert (
        'value="06:45" selected' in again.body and 'value="Pacific/Honolulu" selected' in again.body
    )
    assert 'id="channel-sms" name="channel" type="radio" value="sms" checked' in again.body
    assert 'id="day_sat" name="day_sat" type="checkbox" value="on" checked' in again.body
    # Only one end of the quiet hours.
    again = web.post(
        "/account/reminders",
        {
            **form_of(page),
            "channel": "email",
            "time": "06:45",
            "day_sat": "on",
            "trigger": "daily",
            "quiet_start": "22:00",
            "quiet_end": "",
            "timezone": "UTC",
            "reminder_locale": "en",
        },
    )
    assert again.status == 400 and 'href="#quiet_start"' in again.body
    # No day at all.
    again = web.post(
        "/account/reminders",
        {
            **form_of(page),
            "channel": "email",
            "time": "06:45",
            "trigger": "daily",
            "timezone": "UTC",
            "reminder_locale": "en",
        },
    )
    assert again.status == 400 and 'href="#day_mon"' in again.body
    # Its title says so first, and the summary takes the focus as on every other form.
    assert "<title>Error: Account – Steady</title>" in again.body
    assert (
        'class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus'
        in again.body
    )
    # A bad email: kept in the field, linked from the summary.
    again = web.post("/account/reminders/contact", {**form_of(page), "email": "not-an-address"})
    assert (
        again.status == 400
        and 'href="#email"' in again.body
        and 'value="not-an-address"' in again.body
    )
    assert 'aria-invalid="true"' in again.body
    # A code with nothing pending.
    again = web.post("/account/reminders/contact/confirm", {**form_of(page), "code": "123456"})
    assert again.status == 409 and 'href="#email"' in again.body


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("quiet_start", "1\u0669:00"),  # Arabic-Indic digits
        ("quiet_end", "０７:００"),  # full width
        ("time", "1\u0668:00"),
    ],
)
def test_digits_of_another_script_bring_the_form_back_not_a_server_error(
    client, participant, field, typed
):
    """A time of day in digits ``time.fromisoformat`` cannot read was a 500 (a JSON answer on
    a web page: a dead end): it is the same form with the summary. (The form's times are
    lists to choose from, so only a hand-made request sends these; the summary links the
    reminder time, whose words say how a time is chosen.)"""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    chosen = {"time": "18:00", "quiet_start": "22:00", "quiet_end": "07:00", field: typed}
    again = web.post("/account/reminders", {**form_of(page), **NO_DAY, "day_mon": "on", **chosen})
    assert again.status == 400
    assert summary(again) == [
        ("time", "Choose a time on the hour, or at quarter past, half past or quarter to.")
    ]
    assert "<title>Error: Account – Steady</title>" in again.body
    assert 'action="/account/reminders"' in again.body


def summary(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The error summary's (field id, message) links."""
    block = page.body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(f, html.unescape(t)) for f, t in re.findall(r'<a href="#([^"]+)">([^<]*)</a>', block)]


NO_DAY = {
    "channel": "email",
    "time": "06:45",
    "trigger": "daily",
    "timezone": "UTC",
    "reminder_locale": "en",
}


@pytest.mark.parametrize(
    ("language", "no_day", "one_of_two", "odd_channel"),
    [
        (
            None,
            "Choose at least one day.",
            "Fill in the email address or the mobile number (one of the two).",
            "Choose how to get reminders: by email or by text message.",
        ),
        (
            "es",
            "Elija al menos un día.",
            "Llene el correo o el teléfono (uno de los dos).",
            "Elija cómo recibir los recordatorios: por correo electrónico o por mensaje de texto.",
        ),
    ],
)
def test_refusals_are_in_words_not_the_api_field_names(
    client, participant, language, no_day, one_of_two, odd_channel
):
    web = signed_in(client, participant, language)
    page = web.get("/account/reminders")
    form = {**NO_DAY, "locale": language or "en"}  # the page's language (a hidden field)
    again = web.post("/account/reminders", {**form_of(page), **form})
    assert again.status == 400 and summary(again) == [("day_mon", no_day)]
    assert "days is a list" not in again.body
    both = web.post(
        "/account/reminders/contact",
        {**form_of(page), "email": "a@example.org", "phone": "+1 555 010 0123"},
    )
    assert both.status == 400 and summary(both) == [("email", one_of_two)]
    odd = web.post(
        "/account/reminders", {**form_of(page), **form, "day_mon": "on", "channel": "pigeon"}
    )
    assert odd.status == 400 and summary(odd) == [("channel-email", odd_channel)]
    assert "channel is email or sms" not in odd.body


REMINDERS = {
    "enabled": "",
    "channel": "email",
    "time": "18:00",
    "day_mon": "on",
    "trigger": "daily",
    "timezone": "UTC",
}


def test_the_messages_language_is_not_the_pages_language(client, participant):
    """Spanish texts for an English reader: the page stays English, the choice is stored."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    assert 'type="hidden" name="locale" value="en"' in page.body
    assert 'id="reminder_locale-es" name="reminder_locale" type="radio" value="es"' in page.body
    saved = web.post(
        "/account/reminders",
        {**form_of(page), **REMINDERS, "locale": "en", "reminder_locale": "es"},
    )
    assert (saved.status, saved.location) == (303, "/account/reminders?done=saved")
    page = web.get(saved.location)
    assert 'lang="en"' in page.body and "Saved." in page.body
    assert 'id="reminder_locale-es" name="reminder_locale" type="radio" value="es" checked' in (
        page.body
    )
    stored = json.loads(client.http.get("/me/reminders", headers=participant.headers).body)
    assert stored["locale"] == "es"
    # Refused (no day): the form comes back in the page's language, the choice kept.
    again = web.post(
        "/account/reminders",
        {**form_of(page), **REMINDERS, "day_mon": "", "locale": "en", "reminder_locale": "es"},
    )
    assert again.status == 400 and 'lang="en"' in again.body
    assert summary(again) == [("day_mon", "Choose at least one day.")]
    assert 'value="es" checked' in again.body


def test_a_page_read_in_spanish_stays_spanish_whatever_the_messages_language(client, participant):
    """An English browser reading in Spanish (``?locale=es``) who wants English texts."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders?locale=es")
    assert 'lang="es"' in page.body and 'type="hidden" name="locale" value="es"' in page.body
    saved = web.post(
        "/account/reminders",
        {**form_of(page), **REMINDERS, "locale": "es", "reminder_locale": "en"},
    )
    assert saved.location == "/account/reminders?done=saved&locale=es"
    page = web.get(saved.location)
    assert 'lang="es"' in page.body and "Guardado." in page.body
    stored = json.loads(client.http.get("/me/reminders", headers=participant.headers).body)
    assert stored["locale"] == "en"
    # The contact forms keep it too.
    sent = web.post(
        "/account/reminders/contact",
        {**form_of(page), "email": "lee.es@example.org", "phone": "", "locale": "es"},
    )
    assert sent.location == "/account/reminders?done=code_sent&locale=es#code"
    assert 'lang="es"' in web.get(sent.location).body
    # The code answers the Spanish page that asked for it, so it is in Spanish (walk-through
    # 14, problem 10); the reminders themselves keep the language chosen for them.
    code_mail = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1]
    assert "Su código de Steady es" in code_mail.body and "Your Steady code" not in code_mail.body
    english = web.get("/account/reminders?locale=en")
    web.post(
        "/account/reminders/contact",
        {**form_of(english), "email": "lee.en@example.org", "phone": "", "locale": "en"},
    )
    assert "Your Steady code is" in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1].body


def english_texts_form(web: WebClient, language: str | None) -> dict:
    """The reminders form, read from the page, with REMINDERS filled in: the page in
    ``language`` (English if none), the texts in English."""
    page = web.get("/account/reminders")
    return {**form_of(page), **REMINDERS, "locale": language or "en", "reminder_locale": "en"}


@pytest.mark.parametrize(
    ("language", "same", "one_end"),
    [
        (
            None,
            "Quiet hours cannot start and end at the same time. Change “From” or “Until”,"
            " or choose “None” for both.",
            "Choose when quiet hours start and when they end, or neither.",
        ),
        (
            "es",
            "Las horas de silencio no pueden empezar y terminar a la misma hora."
            " Cambie «Desde» o «Hasta», o elija «Ninguna» en los dos.",
            "Elija cuándo empiezan y cuándo terminan las horas de silencio, o ninguna de las dos.",
        ),
    ],
)
def test_quiet_hours_that_start_when_they_end_are_named_as_such(
    client, participant, language, same, one_end
):
    web = signed_in(client, participant, language)
    form = english_texts_form(web, language)
    again = web.post("/account/reminders", {**form, "quiet_start": "22:00", "quiet_end": "22:00"})
    assert again.status == 400 and summary(again) == [("quiet_start", same)]
    again = web.post("/account/reminders", {**form, "quiet_start": "22:00", "quiet_end": ""})
    assert again.status == 400 and summary(again) == [("quiet_start", one_end)]


@pytest.mark.parametrize(
    ("language", "evening", "morning"),
    [
        (None, ">6:00 pm</option>", ">7:15 am</option>"),
        ("es", ">18:00</option>", ">07:15</option>"),
    ],
)
def test_times_are_shown_on_the_clock_of_the_pages_language(
    client, participant, language, evening, morning
):
    """12-hour in English, 24-hour in Spanish: the words shown; the values sent stay HH:MM."""
    web = signed_in(client, participant, language)
    form = english_texts_form(web, language)
    saved = web.post("/account/reminders", {**form, "quiet_start": "18:00", "quiet_end": "07:15"})
    assert saved.status == 303
    page = web.get(saved.location)
    for field, value, words in (("time", "18:00", evening), ("quiet_start", "18:00", evening)):
        chosen = page.body.split(f'id="{field}" name="{field}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{value}" selected{words}' in chosen
    chosen = page.body.split('id="quiet_end" name="quiet_end"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="07:15" selected{morning}' in chosen
    assert (">18:00</option>" in page.body) == (language == "es")


def test_the_page_is_in_spanish_for_a_spanish_browser(client, participant):
    web = signed_in(client, participant, language="es-US")
    page = web.get("/account/reminders")
    assert 'lang="es"' in page.body and "Recordatorios" in page.body and "miércoles" in page.body
    again = web.post("/account/reminders/contact", {**form_of(page), "phone": "12"})
    assert again.status == 400
    assert (
        html.escape("Escriba el número con su código de área") in again.body
        or "Escriba el número con su código de área" in again.body
    )


def test_leaders_have_no_reminders_page(client, leader):
    web = signed_in(client, leader)
    assert web.get("/account/reminders").status == 403
    assert "/account/reminders" not in web.get("/leader").body


def nav(body: str) -> str:
    return re.search(
        r'<nav class="wrap nav" aria-label="(?:Main|Menú principal)">.*?</nav>', body, re.S
    ).group()


@pytest.mark.parametrize(
    ("language", "words", "menu_item"),
    [(None, "Two-step sign-in", "Account"), ("es", "Inicio de sesión en dos pasos", "Cuenta")],
)
def test_two_step_sign_in_is_on_the_account_page_not_in_a_participants_menu(
    client, participant, language, words, menu_item
):
    """On a phone the menu keeps to two lines: participants, who rarely need it, find
    two-step sign-in on their account page ("Account" in the menu)."""
    web = signed_in(client, participant, language)
    for path in ("/", "/library", "/plan", "/account/reminders"):
        menu = nav(web.get(path).body)
        assert 'href="/account/reminders"' in menu and "/account/authenticator" not in menu, path
        # The page holds the password too, not only reminders: the menu names it so.
        assert f'<a href="/account/reminders">{menu_item}</a>' in menu, path
    page = web.get("/account/reminders")
    assert f'<a href="/account/authenticator">{words}</a>' in page.body
    assert web.get("/account/authenticator").status == 200


@pytest.mark.parametrize(
    ("language", "privacy", "data", "suffix"),
    [
        (None, "Who sees your records", "Your data", ""),
        ("es", "Quién ve sus registros", "Sus datos", "?locale=es"),
    ],
)
def test_the_account_page_names_its_parts_and_the_records_pages_at_the_top(
    client, participant, language, privacy, data, suffix
):
    """The page is several screens long on a phone: who has seen the records and the data
    download are named above the first section, not only at the foot."""
    web = signed_in(client, participant, language)
    body = web.get("/account/reminders").body
    first_section = body.index('<h2 id="contact-title"')
    for link in (
        f'<a href="/account/privacy{suffix}">{privacy}</a>',
        f'<a href="/account/data{suffix}">{data}</a>',
        '<a href="#password-title">',
        '<a href="#reminders-title">',
    ):
        assert 0 <= body.index(link) < first_section, link
    # Each in-page link leads somewhere on the page.
    for target in re.findall(r'href="#([^"]+)"', body[:first_section]):
        if target != "main":
            assert f'id="{target}"' in body, target


def test_leaders_keep_two_step_sign_in_in_their_menu(client, leader):
    web = signed_in(client, leader)
    assert 'href="/account/authenticator">Two-step sign-in</a>' in nav(web.get("/leader").body)


def confirmed_email(web: WebClient, address: str) -> None:
    page = web.get("/account/reminders")
    web.post("/account/reminders/contact", {**form_of(page), "email": address})
    code = re.search(
        r"\d{6}", ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1].body
    ).group()
    page = web.get("/account/reminders?done=code_sent")
    assert (
        web.post("/account/reminders/contact/confirm", {**form_of(page), "code": code}).status
        == 303
    )


def test_a_participant_deletes_their_contact_details_once_confirmed(client, participant):
    web = signed_in(client, participant)
    assert 'action="/account/reminders/contact/delete"' not in web.get("/account/reminders").body
    confirmed_email(web, "forget.me@example.org")
    page = web.get("/account/reminders")
    saved = web.post(
        "/account/reminders",
        {
            **form_of(page),
            "enabled": "on",
            "channel": "email",
            "time": "19:30",
            "day_tue": "on",
            "trigger": "daily",
            "timezone": "UTC",
            "reminder_locale": "en",
        },
    )
    assert saved.status == 303
    page = web.get("/account/reminders")
    assert 'action="/account/reminders/contact/delete"' in page.body
    assert "f***@e***.org" in page.body

    # Without the ticked box: the same page, a summary linking to the box, nothing deleted.
    refused = web.post("/account/reminders/contact/delete", {**form_of(page), "locale": "en"})
    assert refused.status == 400
    assert '<a href="#forget">Tick the box to confirm' in refused.body
    assert (
        'id="forget" name="forget" value="1" aria-describedby="forget-explain" aria-invalid="true"'
        in refused.body
    )
    assert "f***@e***.org" in refused.body

    done = web.post(
        "/account/reminders/contact/delete", {**form_of(page), "forget": "1", "locale": "en"}
    )
    assert (done.status, done.location) == (303, "/account/reminders?done=contact_deleted")
    page = web.get(done.location)
    assert "Your email and phone number are deleted. Reminders are off." in page.body
    assert (
        "f***@e***.org" not in page.body
        and 'action="/account/reminders/contact/delete"' not in page.body
    )
    assert 'id="enabled" name="enabled" type="checkbox" value="on">' in page.body  # off now
    assert 'value="19:30" selected' in page.body  # the other choices stay
    stored = json.loads(client.http.get("/me/reminders", headers=participant.headers).body)
    assert stored["email"] is None and stored["enabled"] is False


def test_deleting_contact_details_in_spanish(client, participant):
    web = signed_in(client, participant, language="es-US")
    confirmed_email(web, "borrar@example.org")
    page = web.get("/account/reminders")
    assert "Borrar mi correo y mi teléfono" in page.body
    refused = web.post("/account/reminders/contact/delete", {**form_of(page), "locale": "es"})
    assert refused.status == 400 and 'lang="es"' in refused.body
    assert "Marque la casilla para confirmar" in refused.body
    done = web.post(
        "/account/reminders/contact/delete", {**form_of(page), "forget": "1", "locale": "es"}
    )
    assert done.location == "/account/reminders?done=contact_deleted&locale=es"
    assert "Su correo y su teléfono están borrados." in web.get(done.location).body


# -- their own password ---------------------------------------------------------------------------


def password_form(page, current: str, new: str, again: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "csrf": page.csrf(),
        "current_password": current,
        "new_password": new,
        "confirm_password": new if again is None else again,
    }


def test_a_participant_changes_their_password_and_is_signed_out_everywhere(
    client, participant, service, stack
):
    """Web sessions (this one too), the API's bearer tokens and Cognito's refresh tokens all
    stop working; the sign-in page says the password is changed."""
    web = signed_in(client, participant)
    phone = signed_in(client, participant)  # the same account signed in on another device
    cognito = boto3.client("cognito-idp", region_name=REGION)
    app = cognito.initiate_auth(  # an app holding a refresh token
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": participant.username, "PASSWORD": "Correct-horse-42"},
    )["AuthenticationResult"]
    assert client.http.get("/me/groups", headers=participant.headers).status_code == 200
    page = web.get("/account/reminders")
    assert '<h2 id="password-title">Change your password</h2>' in page.body
    assert 'action="/account/reminders/password"' in page.body
    assert "this one too, and you sign in again with your new password" in page.body
    old_cookie = web.cookies["steady_session"]

    done = web.post(
        "/account/reminders/password", password_form(page, "Correct-horse-42", "New-pass-2026a")
    )
    assert (done.status, done.location) == (303, "/sign-in?done=password_changed")
    assert "steady_session" not in web.cookies  # this device is signed out too
    notice = web.get(done.location)
    assert notice.status == 200
    assert (
        '<p class="notice" role="status">Your password is changed. You are signed out on every '
        "phone and computer, this one too. Sign in with your new password.</p>"
    ) in notice.body
    assert "Your password is changed" not in web.get("/sign-in").body  # only when it happened
    # Every web session, the old cookie, the API's bearer token and the refresh token end.
    assert phone.get("/").location == "/sign-in"
    assert WebClient(client, cookies={"steady_session": old_cookie}).get("/").location == (
        "/sign-in"
    )
    assert service.sessions.get(old_cookie) is None
    signed_out = client.http.get("/me/groups", headers=participant.headers)
    assert signed_out.status_code == 401 and b"signed_out" in signed_out.body
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": app["RefreshToken"]},
        )
    # The old password no longer works; Cognito takes the new one. (A web sign-in in the very
    # second of the change is ended with the rest, auth_time being in seconds, so the new
    # password is checked with Cognito here rather than by waiting for the next second.)
    assert WebClient(client).sign_in(participant.username).status == 400
    assert cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": participant.username, "PASSWORD": "New-pass-2026a"},
    )["AuthenticationResult"]["AccessToken"]
    # Audit-logged, and shown to the participant as their own change.
    entries = [
        e for e in service.audit.page(limit=100)[0] if e["action"] == "account.password_change"
    ]
    assert [(e["actor_id"], e["participant_ids"]) for e in entries] == [
        (participant.id, [participant.id])
    ]
    assert "New-pass-2026a" not in json.dumps(entries)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "words"),
    [
        ("", "New-pass-2026a", None, "current_password", "Type your current password."),
        ("Wrong-horse-42", "New-pass-2026a", None, "current_password", "That is not your current"),
        (
            "Correct-horse-42",
            "New-pass-2026a",
            "New-pass-2026b",
            "confirm_password",
            "not the same",
        ),
        ("Correct-horse-42", "Sh0rt-pw", None, "new_password", "12 or more characters"),
    ],
)
def test_a_refused_password_change_comes_back_with_a_summary_and_no_password(
    client, participant, current, new, again, field, words
):
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    refused = web.post("/account/reminders/password", password_form(page, current, new, again))
    assert refused.status == 400
    assert [(f, html.unescape(t)) for f, t in summary(refused)][0][0] == field
    assert words in html.unescape(refused.body)
    assert f'id="{field}"' in refused.body and 'aria-invalid="true"' in refused.body
    # The message also stands beside its box (the summary is far above it on a phone), and
    # the box points to it.
    beside = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', refused.body)
    assert beside is not None and words in html.unescape(beside.group(1))
    assert re.search(rf'<input id="{field}"[^>]*aria-describedby="[^"]*{field}-error', refused.body)
    # Passwords never come back in the page.
    for typed in {current, new, again} - {None, ""}:
        assert f'value="{typed}"' not in refused.body and typed not in refused.body
    assert "Error: " in refused.body.split("</title>", 1)[0]
    # Nothing changed: still signed in, the old password still works.
    assert web.get("/").status == 200
    assert WebClient(client).sign_in(participant.username).status == 303


def test_a_refused_password_change_in_spanish(client, participant):
    web = signed_in(client, participant, language="es-US")
    page = web.get("/account/reminders")
    assert "Cambiar su contraseña" in page.body and "Contraseña actual" in page.body
    refused = web.post(
        "/account/reminders/password",
        {**password_form(page, "Wrong-horse-42", "Nueva-clave-2026"), "locale": "es"},
    )
    assert refused.status == 400 and 'lang="es"' in refused.body
    assert summary(refused)[0][0] == "current_password"
    assert "Esa no es su contraseña actual." in html.unescape(refused.body)
    done = web.post(
        "/account/reminders/password",
        {**password_form(page, "Correct-horse-42", "Nueva-clave-2026"), "locale": "es"},
    )
    assert done.location == "/sign-in?done=password_changed&locale=es"
    notice = web.get(done.location)
    assert 'lang="es"' in notice.body
    assert (
        "Su contraseña está cambiada. Se cerró la sesión en todos los teléfonos y computadoras, "
        "también en este. Inicie sesión con su contraseña nueva."
    ) in html.unescape(notice.body)


def test_a_refused_password_change_leaves_no_typed_password_alive(client, participant):
    """Each refusal is an exception of its own: one kept at module level and raised again
    would keep, in its traceback, the frame of the change with the passwords typed in it."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    typed = {"Wrong-horse-42", "Short-pw-1", "Sh0rt-pw"}
    assert (
        web.post(
            "/account/reminders/password", password_form(page, "Wrong-horse-42", "New-pass-2026a")
        ).status
        == 400
    )
    assert (
        web.post(
            "/account/reminders/password", password_form(page, "Short-pw-1", "Sh0rt-pw")
        ).status
        == 400
    )
    gc.collect()
    held = [
        name
        for tb in gc.get_objects()
        if isinstance(tb, types.TracebackType)
        for name, value in tb.tb_frame.f_locals.items()
        if isinstance(value, str) and value in typed
    ]
    assert held == []


def test_a_password_change_with_a_revoked_token_sends_them_to_sign_in(
    client, participant, service, stack
):
    """Signed out of Cognito elsewhere (their tokens revoked): Cognito refuses the session's
    token, not their password. They sign in again; the page never says "not your current
    password", and the password is unchanged."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    session_id = web.cookies["steady_session"]
    cognito = boto3.client("cognito-idp", region_name=REGION)
    cognito.admin_user_global_sign_out(UserPoolId=stack.user_pool_id, Username=participant.username)
    sent = web.post(
        "/account/reminders/password", password_form(page, "Correct-horse-42", "New-pass-2026a")
    )
    assert (sent.status, sent.location) == (303, "/sign-in")
    assert "not your current password" not in sent.body
    assert service.sessions.get(session_id) is None and "steady_session" not in web.cookies
    assert WebClient(client).sign_in(participant.username).status == 303


@pytest.mark.parametrize(
    ("language", "back"), [(None, "Back to the form"), ("es-US", "Volver al formulario")]
)
def test_a_password_form_refused_as_text_leads_back_to_the_account_page(
    client, participant, language, back
):
    """A character no form takes: the problem page's way back is the account page, where the
    form is (not the start page); a form shown again links to the account page in the other
    language."""
    web = signed_in(client, participant, language=language)
    page = web.get("/account/reminders")
    refused = web.post(
        "/account/reminders/password",
        password_form(page, "Correct-horse-42\t", "New-pass-2026a"),
    )
    assert refused.status == 400
    # The form's own address, which leads to the form on the account page.
    assert f'<a href="/account/reminders/password">{back}</a>' in refused.body
    assert web.get("/account/reminders/password").location == "/account/reminders#password-title"
    again = web.post("/account/reminders/password", password_form(page, "", "New-pass-2026a"))
    assert again.status == 400
    link = re.search(
        r'class="lang-choice" href="(/account/reminders/password\?locale=(?:en|es))"', again.body
    )
    assert link is not None
    assert web.get(link.group(1)).location.startswith("/account/reminders?locale=")
    assert WebClient(client).sign_in(participant.username).status == 303  # unchanged


def password_changes(service) -> list[dict]:  # type: ignore[no-untyped-def]
    entries = service.audit.page(limit=100)[0]
    return [e for e in entries if e["action"] == "account.password_change"]


def test_a_password_change_is_recorded_before_it_is_made(client, participant, service, monkeypatch):
    """The audit entry comes first: when it cannot be written nothing changes (a change to
    someone's sign-in is never left unrecorded)."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")

    def audit_down(_entry: dict) -> None:
        raise ServiceUnavailable("The records are unavailable right now.")

    monkeypatch.setattr(service.audit, "record", audit_down)
    sent = web.post(
        "/account/reminders/password", password_form(page, "Correct-horse-42", "New-pass-2026a")
    )
    assert sent.status == 503
    monkeypatch.undo()
    assert web.get("/").status == 200  # still signed in
    assert WebClient(client).sign_in(participant.username).status == 303  # password unchanged
    assert password_changes(service) == []


def test_a_failure_after_the_password_change_still_signs_out_everywhere(
    client, participant, service, stack, monkeypatch
):
    """DynamoDB fails while the API's tokens are ended, after Cognito changed the password:
    the answer is a 503, but the rest still happens (Cognito's sign-out, every web session),
    and the change was recorded before it."""
    web = signed_in(client, participant)
    phone = signed_in(client, participant)
    page = web.get("/account/reminders")
    cognito = boto3.client("cognito-idp", region_name=REGION)
    app = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": participant.username, "PASSWORD": "Correct-horse-42"},
    )["AuthenticationResult"]
    ended: list[str] = []

    def table_down(account_id: str) -> int:
        ended.append(account_id)
        raise ServiceUnavailable("The records are unavailable right now.")

    monkeypatch.setattr(service.access, "end", table_down)
    sent = web.post(
        "/account/reminders/password", password_form(page, "Correct-horse-42", "New-pass-2026a")
    )
    assert sent.status == 503 and ended == [participant.id]
    monkeypatch.undo()
    assert [e["actor_id"] for e in password_changes(service)] == [participant.id]
    assert phone.get("/").location == "/sign-in" and web.get("/").location == "/sign-in"
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": app["RefreshToken"]},
        )
    assert WebClient(client).sign_in(participant.username, "New-pass-2026a").status == 303


def test_a_refused_password_change_is_recorded_as_an_attempt(client, participant, service):
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    sent = web.post(
        "/account/reminders/password", password_form(page, "Wrong-horse-42", "New-pass-2026a")
    )
    assert sent.status == 400
    assert [e["actor_id"] for e in password_changes(service)] == [participant.id]
    assert "Changed your password (or tried to)" in web.get("/account/privacy").body


def test_leaders_cannot_post_the_participants_password_form(client, leader):
    web = WebClient(client)
    assert web.sign_in(leader.username, authenticator=leader.authenticator).status == 303
    form = {"csrf": web.get("/leader").csrf(), "current_password": "Correct-horse-42"}
    refused = web.post(
        "/account/reminders/password",
        {**form, "new_password": "New-pass-2026a", "confirm_password": "New-pass-2026a"},
    )
    assert refused.status == 403
    again = WebClient(client).sign_in(leader.username, authenticator=leader.authenticator)
    assert again.location == "/leader"  # the password is unchanged


# -- walk-through 10, item 11 ---------------------------------------------------------------------


def test_the_delete_box_shows_only_when_there_is_an_email_or_a_phone_number(client, participant):
    """A code sent and not yet typed is no email or phone number yet: nothing to delete."""
    web = signed_in(client, participant)
    page = web.get("/account/reminders")
    sent = web.post("/account/reminders/contact", {**form_of(page), "email": "wait@example.org"})
    page = web.get(sent.location.split("#", 1)[0])
    assert 'id="code"' in page.body  # the code is waiting
    assert "Delete my email and phone number" not in page.body
    assert 'action="/account/reminders/contact/delete"' not in page.body


@pytest.mark.parametrize(
    ("language", "eastern", "hawaii"),
    [
        (None, "Eastern Time (New York)", "Hawaii Time (Honolulu)"),
        ("es", "Hora del Este (Nueva York)", "Hora de Hawái (Honolulu)"),
    ],
)
def test_time_zones_have_names_people_know(client, participant, language, eastern, hawaii):
    web = signed_in(client, participant, language)
    page = web.get("/account/reminders")
    zones = page.body.split('id="timezone" name="timezone"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="America/New_York" selected>{eastern}</option>' in zones
    assert f'<option value="Pacific/Honolulu">{hawaii}</option>' in zones
    assert "America/New York" not in zones and ">Pacific/Honolulu<" not in zones
    assert len(re.findall("<option", zones)) == len(account_pages.ZONES)


def test_every_offered_time_zone_is_named_in_both_languages():
    for lang in LANGUAGE_NAMES:
        # The United States' zones by their usual names; the others by their places.
        assert set(TIME_ZONES[lang]) <= set(account_pages.ZONES), lang
        assert set(ZONE_GROUPS[lang]) == {group for group, _ in account_pages.ZONE_GROUPS}
        for zone in account_pages.ZONES:
            assert ZoneInfo(zone) and zone_name(zone, lang) != zone.replace("_", " ")
    assert len(set(account_pages.ZONES)) == len(account_pages.ZONES)
    assert zone_name("Pacific/Auckland", "en") == "Auckland"
    assert zone_name("America/Mexico_City", "es") == "Ciudad de México"


def timezone_select(body: str) -> str:
    return body.split('<select id="timezone"')[1].split("</select>")[0]


def test_a_zone_saved_through_the_api_keeps_its_own_name(client, participant):
    """Walk 15, problem 14: a zone the list does not offer is shown as its own option, first,
    named by its place and its name, and it is the one selected."""
    stored = client.http.put(
        "/me/reminders",
        headers=participant.headers,
        body=json.dumps({"timezone": "Asia/Kathmandu"}),
    )
    assert stored.status_code == 200, stored.body
    select = timezone_select(signed_in(client, participant).get("/account/reminders").body)
    assert (
        '<option value="Asia/Kathmandu" selected>Kathmandu (Asia/Kathmandu)</option>'
        in select.split("<optgroup")[0]
    )
    assert select.count(" selected") == 1


def test_the_time_zone_list_offers_zones_around_the_world_in_groups(client, participant):
    """Walk 15, problem 14: the list offered only US zones and UTC, so a participant in
    Auckland could not choose theirs on the web; now common zones around the world, grouped."""
    stored = client.http.put(
        "/me/reminders",
        headers=participant.headers,
        body=json.dumps({"timezone": "Pacific/Auckland"}),
    )
    assert stored.status_code == 200, stored.body
    browser = signed_in(client, participant)
    select = timezone_select(browser.get("/account/reminders").body)
    assert '<optgroup label="United States">' in select
    assert '<optgroup label="Asia and the Pacific">' in select
    assert '<option value="Pacific/Auckland" selected>Auckland</option>' in select
    assert '<option value="Europe/London">London</option>' in select
    assert select.count(" selected") == 1 and "Pacific/Auckland (" not in select
    spanish = timezone_select(browser.get("/account/reminders?locale=es").body)
    assert '<optgroup label="Europa y África">' in spanish
    assert '<option value="Europe/London">Londres</option>' in spanish


def test_the_addresses_a_person_types_lead_to_the_account_page(client, participant, leader):
    # "Account" in the menu makes /account a likely address to type; a refused password change
    # is shown at /account/reminders/password, which may be opened again. Neither is JSON.
    web = signed_in(client, participant)
    assert web.get("/account").location == "/account/reminders"
    assert web.get("/account?locale=es").location == "/account/reminders?locale=es"
    assert web.get("/account/reminders/password").location == ("/account/reminders#password-title")
    assert signed_in(client, leader).get("/account").location == "/leader/account"
    assert WebClient(client).get("/account").location == "/sign-in"


def test_the_password_forms_old_address_leads_to_the_form(client, participant, leader):
    """Walk 13: /account/password, where the form once was, answered a JSON 404."""
    assert signed_in(client, participant).get("/account/password").location == (
        "/account/reminders#password-title"
    )
    spanish = signed_in(client, participant, "es").get("/account/password?locale=es")
    assert spanish.location == "/account/reminders?locale=es#password-title"
    assert signed_in(client, leader).get("/account/password").location == "/leader/account"


def test_send_a_code_tapped_twice_sends_one_code_and_it_works(client, participant, library_clock):
    """Walk 15, problem 11: two taps sent two codes, and the first to arrive was refused. A
    second request for the same address within a minute sends nothing and says so; the first
    code works. A minute later, asking again sends a new one."""
    outbox = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    web = signed_in(client, participant, "es")
    page = web.get("/account/reminders")
    address = {**form_of(page), "email": "twice.tapped@example.org", "locale": "es"}
    before = len(outbox)
    first = web.post("/account/reminders/contact", address)
    assert first.location.startswith("/account/reminders?done=code_sent&")
    second = web.post("/account/reminders/contact", address)
    assert second.status == 303
    assert second.location.startswith("/account/reminders?done=code_sent_recently")
    assert len(outbox) == before + 1
    shown = web.get(second.location)
    assert "Le enviamos un código hace un momento. Puede tardar un minuto en llegar." in shown.body
    code = re.search(r"\d{6}", outbox[-1].body).group()
    done = web.post("/account/reminders/contact/confirm", {**form_of(shown), "code": code})
    assert (done.status, done.location.split("&")[0]) == (303, "/account/reminders?done=confirmed")
    # Another address at once, or the same one a minute later: a new code.
    web.post("/account/reminders/contact", {**address, "email": "other@example.org"})
    assert len(outbox) == before + 2
    library_clock.advance(61)
    again = web.post("/account/reminders/contact", {**address, "email": "other@example.org"})
    assert again.location.startswith("/account/reminders?done=code_sent&")
    assert len(outbox) == before + 3
