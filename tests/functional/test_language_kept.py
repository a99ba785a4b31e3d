"""The language of a participant's pages, kept with their account (walk 13, item 2).

Rosa reads in Spanish. She chose it with the "Español" link on her phone; signing in from a
fresh browser (a new phone, a clinic computer) used to land her on English pages. The choice
is now kept with her account (her ``REMINDERS`` item, ``page_locale``) when she switches while
signed in, and read back once, at sign-in, into the browser's ``steady_lang`` cookie: a stored
choice wins over the browser's cookie there; no page reads it again.
"""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.identity import Caller
from tests.conftest import REGION, Account, make_account
from tests.functional.web_client import WebClient, group_with, signed_in

HOME = "/"


def spanish_on(client: object, account: Account) -> None:
    """On one device: sign in, press "Español" at the top of the home page, sign out."""
    browser = signed_in(client, account)
    token = browser.get(f"{HOME}?locale=es").csrf()
    assert browser.cookies["steady_lang"] == "es"
    browser.post("/sign-out", {"csrf": token})


def language_cookie(page) -> list[str]:  # type: ignore[no-untyped-def]
    cookies = page.headers.get("set-cookie", [])
    cookies = cookies if isinstance(cookies, list) else [cookies]
    return [c for c in cookies if c.startswith("steady_lang=")]


def kept(service, account: Account) -> str | None:  # type: ignore[no-untyped-def]
    return service.reminders.records.page_locale(account.id)  # type: ignore[no-any-return]


def test_spanish_chosen_on_one_device_is_the_first_page_on_a_fresh_one(
    client, published, participant, service
):
    spanish_on(client, participant)
    assert kept(service, participant) == "es"

    fresh = WebClient(client)  # a new phone: no cookie, a browser that asks for English
    signed = fresh.sign_in(participant.username)

    assert (signed.status, signed.location) == (303, HOME)
    (cookie,) = language_cookie(signed)
    for attribute in ("steady_lang=es;", "Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    home = fresh.get(HOME)
    assert '<html lang="es">' in home.body and "Cerrar sesión" in home.body
    # Signed out again, this browser forgets it (walk 18, item 1: a shared phone): the next
    # sign-in page follows the browser, and her next sign-in brings Spanish back.
    fresh.post("/sign-out", {"csrf": home.csrf()})
    assert "steady_lang" not in fresh.cookies
    assert '<html lang="en">' in fresh.get("/sign-in").body


def test_english_chosen_again_is_kept_too_and_wins_over_the_browsers_cookie(
    client, published, participant, service
):
    spanish_on(client, participant)
    phone = WebClient(client)
    assert phone.sign_in(participant.username).status == 303
    english = phone.get(f"{HOME}?locale=en")  # "English" at the top of a Spanish page
    assert '<html lang="en">' in english.body and kept(service, participant) == "en"

    # The clinic computer still holds the Spanish cookie from before: the account's choice wins.
    clinic = WebClient(client, cookies={"steady_lang": "es"})
    assert '<html lang="es">' in clinic.get("/sign-in").body
    signed = clinic.sign_in(participant.username)

    assert [c.split(";")[0] for c in language_cookie(signed)] == ["steady_lang=en"]
    assert '<html lang="en">' in clinic.get(HOME).body


def test_with_no_choice_kept_sign_in_leaves_the_language_as_it_was(
    client, published, participant, service
):
    english = WebClient(client)
    signed = english.sign_in(participant.username)
    assert language_cookie(signed) == [] and '<html lang="en">' in english.get(HOME).body

    spanish_browser = WebClient(client, language="es-MX,es;q=0.9")
    signed = spanish_browser.sign_in(participant.username)
    assert language_cookie(signed) == [] and '<html lang="es">' in spanish_browser.get(HOME).body

    assert kept(service, participant) is None  # a browser's Accept-Language is no choice

    # A browser whose cookie names Spanish, from an earlier visit (maybe someone else's, on a
    # shared phone: walk 18, item 1): no choice made in this sign-in, so nothing is kept,
    # and the cookie goes: her pages follow her browser.
    spanish_cookie = WebClient(client, cookies={"steady_lang": "es"})
    signed = spanish_cookie.sign_in(participant.username)
    (cleared,) = language_cookie(signed)
    assert cleared.startswith("steady_lang=;") and "Max-Age=0" in cleared
    assert '<html lang="en">' in spanish_cookie.get(HOME).body
    assert kept(service, participant) is None


def test_a_page_only_repeating_the_browsers_language_is_not_a_choice_kept(
    client, published, participant, service
):
    """A browser set to Spanish, on an address that says ?locale=es (a redirect after a form
    says the page's language): the cookie is kept as before, but nothing goes with the
    account, or a Spanish browser alone would make every device Spanish."""
    spanish_browser = signed_in(client, participant, language="es")
    assert '<html lang="es">' in spanish_browser.get(f"{HOME}?locale=es").body
    assert spanish_browser.cookies["steady_lang"] == "es"

    assert kept(service, participant) is None
    english = WebClient(client)
    assert language_cookie(english.sign_in(participant.username)) == []
    assert '<html lang="en">' in english.get(HOME).body


def test_the_two_step_sign_in_sets_the_language_when_the_code_is_accepted(
    client, published, stack, service
):
    careful = make_account(stack, "participant-careful", "participants", authenticator=True)
    assert careful.authenticator is not None
    spanish_on(client, careful)

    fresh = WebClient(client)
    waiting = fresh.sign_in(careful.username)
    assert waiting.location == "/sign-in/code" and language_cookie(waiting) == []
    accepted = fresh.enter_code(careful.authenticator)

    assert accepted.location == HOME and fresh.cookies["steady_lang"] == "es"
    assert '<html lang="es">' in fresh.get(HOME).body


def test_choosing_a_password_after_a_temporary_one_sets_the_language(
    client, published, leader, participant, library_clock
):
    """A lost password: the group leader gives a new temporary one; Rosa, on a borrowed
    phone, signs in with it and chooses her own. Her first page is in Spanish."""
    group_id = group_with(client, leader, [(participant, "Rosa M.")], module_id="thinking-traps")
    spanish_on(client, participant)
    # The new password ends the tokens issued up to the next second (of the services' clock);
    # moto issues the new ones at its own time: the new password comes two seconds earlier.
    library_clock.advance(-2)
    given = client.http.post(
        f"/groups/{group_id}/participants/{participant.id}/temporary-password",
        headers=leader.headers,
    )
    assert given.status_code == 200
    temporary = json.loads(given.body)["temporary_password"]

    borrowed = WebClient(client)
    assert borrowed.sign_in(participant.username, temporary).location == "/sign-in/new-password"
    form = borrowed.get("/sign-in/new-password")
    chosen = borrowed.post(
        "/sign-in/new-password",
        {
            "csrf": form.csrf(),
            "new_password": "Chosen-pass-4242",
            "confirm_password": "Chosen-pass-4242",
        },
    )

    assert chosen.location == HOME and borrowed.cookies["steady_lang"] == "es"
    assert '<html lang="es">' in borrowed.get(HOME).body


def test_a_leaders_language_is_never_kept(client, published, leader, service, monkeypatch):
    browser = signed_in(client, leader)
    # The library is a page participants see too: its link sets this browser's cookie.
    assert '<html lang="es">' in browser.get("/library?locale=es").body
    assert service.reminders.records.page_locale(leader.id) is None
    assert not service.reminders.keep_language(
        Caller(leader.id, frozenset({"leaders", "participants"})), "es"
    )

    read: list[str] = []
    records = service.reminders.records
    monkeypatch.setattr(records, "page_locale", lambda pid: read.append(pid))
    fresh = WebClient(client)
    assert fresh.sign_in(leader.username, authenticator=leader.authenticator).location == "/leader"
    assert "steady_lang" not in fresh.cookies
    assert read == []  # no read of a language at a leader's sign-in


def test_dynamodb_calls_one_read_at_sign_in_one_write_at_a_switch_none_on_pages(
    client, published, participant, other_participant, service, aws_calls
):
    spanish_on(client, participant)

    aws_calls.reset()
    browser = WebClient(client)
    browser.get("/sign-in")
    assert aws_calls.names == []
    assert browser.sign_in(participant.username).status == 303
    # The session (with its listing under the account), then the language kept: one GetItem.
    assert [n for n in aws_calls.names if n.startswith("DynamoDB.")] == [
        "DynamoDB.TransactWriteItems",
        "DynamoDB.GetItem",
    ], aws_calls.names

    # An ordinary page costs what it cost before: the same as for a participant with no
    # language kept.
    other = signed_in(client, other_participant)
    for path in (HOME, "/library", "/account/reminders"):
        browser.get(path)
        other.get(path)
        aws_calls.reset()
        browser.get(path)
        spanish_calls = list(aws_calls.names)
        aws_calls.reset()
        other.get(path)
        assert spanish_calls == aws_calls.names, path
        assert "DynamoDB.UpdateItem" not in spanish_calls

    # A switch costs one UpdateItem more than the page.
    aws_calls.reset()
    browser.get(HOME)
    page_calls = list(aws_calls.names)
    aws_calls.reset()
    browser.get(f"{HOME}?locale=en")
    assert sorted(aws_calls.names) == sorted([*page_calls, "DynamoDB.UpdateItem"])


@pytest.mark.parametrize("messages", [None, "en"])
def test_the_messages_language_follows_the_pages_until_chosen_and_survives_a_save(
    client, published, participant, service, messages
):
    """Reminders have their own language (the messages'), chosen on the account page. Until
    it is chosen it is the pages' (a Spanish reader's first code or reminder is Spanish); a
    save of the reminder choice keeps the pages' language."""
    browser = signed_in(client, participant)
    account = browser.get("/account/reminders?locale=es")
    if messages is not None:
        saved = browser.post(
            "/account/reminders",
            {
                "csrf": account.csrf(),
                "locale": "es",
                "time": "18:00",
                "timezone": "America/New_York",
                "trigger": "day_before",
                "channel": "email",
                "reminder_locale": messages,
                **{f"day_{d}": "on" for d in ("mon", "tue", "wed", "thu", "fri")},
            },
        )
        assert saved.status == 303, saved.body[:2000]

    choice = json.loads(client.http.get("/me/reminders", headers=participant.headers).body)

    assert choice["locale"] == (messages or "es")
    assert kept(service, participant) == "es"
    checked = 'id="reminder_locale-{}" name="reminder_locale" type="radio" value="{}" checked'
    lang = messages or "es"
    assert checked.format(lang, lang) in browser.get("/account/reminders").body


def test_the_first_sign_in_on_a_spanish_link_keeps_spanish_with_the_account(
    client, published, participant, service, aws_calls
):
    """Rosa opens the link she was given in Spanish (``/sign-in?locale=es``), signs in and
    never presses "Español": her next device, and her reminders, are in Spanish (walk 15,
    problem 3 and item 19.5). Only that first sign-in writes: one UpdateItem."""
    phone = WebClient(client)
    assert '<html lang="es">' in phone.get("/sign-in?locale=es").body
    aws_calls.reset()
    assert phone.sign_in(participant.username, path="/sign-in?locale=es").status == 303
    # The session, the language read (none kept), then kept: one UpdateItem.
    dynamodb = [n for n in aws_calls.names if n.startswith("DynamoDB.")]
    assert dynamodb[-3:] == [
        "DynamoDB.TransactWriteItems",
        "DynamoDB.GetItem",
        "DynamoDB.UpdateItem",
    ], aws_calls.names
    assert dynamodb.count("DynamoDB.UpdateItem") == 1
    assert kept(service, participant) == "es"

    # Her messages' language follows: Spanish, though she never chose it.
    choice = json.loads(client.http.get("/me/reminders", headers=participant.headers).body)
    assert choice["locale"] == "es"

    # A new device in English: Spanish at sign-in; no write this time (one is kept already).
    fresh = WebClient(client)
    aws_calls.reset()
    signed = fresh.sign_in(participant.username)
    assert [c.split(";")[0] for c in language_cookie(signed)] == ["steady_lang=es"]
    assert "DynamoDB.UpdateItem" not in aws_calls.names
    assert '<html lang="es">' in fresh.get(HOME).body


def test_choosing_the_first_password_on_a_spanish_page_keeps_spanish(
    client, published, stack, service
):
    """A new account's first sign-in from a Spanish link (a Spanish hand-out's): the temporary
    password, then their own; the waiting session carries the language chosen, kept when the
    password is chosen (the session is signed in then)."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    account = make_account(stack, "participant-new", "participants")
    cognito.admin_set_user_password(
        UserPoolId=stack.user_pool_id,
        Username=account.username,
        Password="Temporary-pass-42",
        Permanent=False,
    )
    phone = WebClient(client)
    waiting = phone.sign_in(account.username, "Temporary-pass-42", path="/sign-in?locale=es")
    assert waiting.location == "/sign-in/new-password"
    assert kept(service, account) is None
    form = phone.get("/sign-in/new-password")
    chosen = phone.post(
        "/sign-in/new-password",
        {
            "csrf": form.csrf(),
            "new_password": "Chosen-pass-4242",
            "confirm_password": "Chosen-pass-4242",
        },
    )
    assert chosen.location == HOME
    assert kept(service, account) == "es"


def test_the_account_page_offers_the_pages_language_for_messages_until_chosen(
    client, published, participant, service
):
    """A Spanish page (here the browser's language: nothing is kept with the account) offers
    "Español" for the messages while none is chosen; saving the form as shown chooses it.
    Once chosen, the choice is shown, whatever the page's language."""
    checked = 'id="reminder_locale-{0}" name="reminder_locale" type="radio" value="{0}" checked'
    browser = signed_in(client, participant, language="es")
    account = browser.get("/account/reminders")
    assert '<html lang="es">' in account.body
    assert checked.format("es") in account.body and checked.format("en") not in account.body
    english = WebClient(client)
    assert english.sign_in(participant.username).status == 303
    assert checked.format("en") in english.get("/account/reminders").body

    # A change that does not name the messages' language chooses none.
    caller = Caller(participant.id, frozenset({"participants"}))
    service.reminders.update(caller, {"time": "19:00"})
    assert checked.format("es") in browser.get("/account/reminders").body

    saved = browser.post(
        "/account/reminders",
        {
            "csrf": account.csrf(),
            "locale": "es",
            "time": "18:00",
            "timezone": "America/New_York",
            "trigger": "day_before",
            "channel": "email",
            "reminder_locale": "en",
            **{f"day_{d}": "on" for d in ("mon", "tue", "wed", "thu", "fri")},
        },
    )
    assert saved.status == 303, saved.body[:2000]
    assert checked.format("en") in browser.get("/account/reminders").body


# -- a shared phone (walk 18, item 1) --------------------------------------------------------


def test_on_a_shared_phone_one_persons_spanish_never_becomes_the_next_ones(
    client, published, participant, other_participant, service
):
    """Lupe signs in from a Spanish link and signs out; Tony, who never chose a language,
    signs in on the same phone: his account stays without one, his pages follow his browser
    (here and on his own phone), and nothing on the phone says Lupe read in Spanish."""
    phone = WebClient(client)  # the phone asks for English
    lupe = phone.sign_in(participant.username, path="/sign-in?locale=es")
    assert lupe.status == 303 and kept(service, participant) == "es"
    assert '<html lang="es">' in phone.get(HOME).body
    out = phone.post("/sign-out", {"csrf": phone.get(HOME).csrf()})
    (cleared,) = language_cookie(out)
    assert cleared.startswith("steady_lang=;") and "Max-Age=0" in cleared
    assert "steady_lang" not in phone.cookies
    assert '<html lang="en">' in phone.get("/sign-in").body

    tony = phone.sign_in(other_participant.username)
    assert tony.status == 303 and language_cookie(tony) == []
    assert kept(service, other_participant) is None
    assert '<html lang="en">' in phone.get(HOME).body
    own_phone = WebClient(client)
    assert own_phone.sign_in(other_participant.username).status == 303
    assert '<html lang="en">' in own_phone.get(HOME).body
    # A Spanish-speaking browser of his own would be Spanish: his browser decides.
    spanish_browser = WebClient(client, language="es")
    assert spanish_browser.sign_in(other_participant.username).status == 303
    assert '<html lang="es">' in spanish_browser.get(HOME).body
    assert kept(service, other_participant) is None

    # Lupe's own choice is hers: her next sign-in on this phone is Spanish again.
    phone.post("/sign-out", {"csrf": phone.get(HOME).csrf()})
    assert phone.sign_in(participant.username).status == 303
    assert '<html lang="es">' in phone.get(HOME).body


def test_a_session_left_open_on_a_shared_phone_does_not_pass_its_language_on(
    client, published, participant, other_participant, service, library_clock
):
    """Lupe switches to Spanish while signed in and walks away (no sign-out: the session ends
    after 15 minutes idle, the cookie stays). Tony signs in next: the cookie goes, nothing is
    kept with his account, his page is in his browser's language."""
    phone = WebClient(client)
    assert phone.sign_in(participant.username).status == 303
    phone.get(f"{HOME}?locale=es")
    assert kept(service, participant) == "es"  # her switch, signed in: kept with her account
    library_clock.advance(16 * 60)

    tony = phone.sign_in(other_participant.username)
    assert tony.status == 303 and "steady_lang" not in phone.cookies
    assert kept(service, other_participant) is None
    assert '<html lang="en">' in phone.get(HOME).body


def test_quick_exit_clears_the_language_for_the_next_person(
    client, published, participant, other_participant, service
):
    phone = WebClient(client)
    assert phone.sign_in(participant.username, path="/sign-in?locale=es").status == 303
    out = phone.get("/exit")
    (cleared,) = language_cookie(out)
    assert cleared.startswith("steady_lang=;") and "Max-Age=0" in cleared
    assert '<html lang="en">' in phone.get("/sign-in").body
    assert phone.sign_in(other_participant.username).status == 303
    assert kept(service, other_participant) is None
    assert '<html lang="en">' in phone.get(HOME).body


def test_a_spanish_link_before_the_two_step_code_is_kept_when_the_code_is_accepted(
    client, published, stack, service
):
    """The language chosen on the sign-in page waits with the session that waits for the
    code (``chosen_language``), not in the browser's cookie."""
    careful = make_account(stack, "participant-careful", "participants", authenticator=True)
    assert careful.authenticator is not None
    phone = WebClient(client)
    waiting = phone.sign_in(careful.username, path="/sign-in?locale=es")
    assert waiting.location == "/sign-in/code" and kept(service, careful) is None
    phone.cookies.pop("steady_lang")  # the cookie is not what carries it
    assert phone.enter_code(careful.authenticator).location == HOME
    assert kept(service, careful) == "es" and phone.cookies["steady_lang"] == "es"


def test_a_wrong_password_keeps_the_language_chosen_in_the_form(
    client, published, participant, service
):
    phone = WebClient(client)
    form = phone.get("/sign-in?locale=es")
    assert '<input type="hidden" name="locale" value="es">' in form.body
    wrong = phone.post(
        "/sign-in",
        {"csrf": form.csrf(), "locale": "es", "username": participant.username, "password": "x"},
    )
    assert wrong.status == 400
    assert '<input type="hidden" name="locale" value="es">' in wrong.body
    # A sign-in page a session's end sent them to names the page's language, not a choice.
    ended = phone.get("/sign-in?done=signed_out_inactive&locale=es")
    assert '<input type="hidden" name="locale"' not in ended.body


def test_signing_out_after_the_session_timed_out_still_clears_this_browser(
    client, published, participant, library_clock
):
    """Idle past the session's time on a shared phone: "Sign out" had no session token to
    match ("This form has expired", 403) and left the language and kept-form cookies."""
    browser = signed_in(client, participant)
    token = browser.get(f"{HOME}?locale=es").csrf()
    assert browser.cookies["steady_lang"] == "es"
    library_clock.advance(16 * 60)
    out = browser.post("/sign-out", {"csrf": token})
    assert out.status == 303 and out.location.startswith("/sign-in")
    assert "steady_lang" not in browser.cookies and "steady_session" not in browser.cookies
    # A session that is still live is ended too, whatever the token (a tab of an earlier
    # session; a forged cross-site post carries no SameSite=Lax cookie): leaving never fails.
    again = signed_in(client, participant)
    out = again.post("/sign-out", {"csrf": "forged"})
    assert (out.status, out.location) == (303, "/sign-in?done=signed_out")
    assert "steady_session" not in again.cookies
