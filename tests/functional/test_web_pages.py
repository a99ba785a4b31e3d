"""The web app through chalice.test.Client: sign-in, participant pages, leader pages, security."""

from __future__ import annotations

import json
import re
from html import unescape

import boto3
import pytest

from chalicelib import sign_in as web_session
from chalicelib.errors import Unauthenticated
from chalicelib.library import POINTER_TTL_SECONDS, lesson_code
from chalicelib.web.http import CSP
from tests.conftest import REGION, dated_on, joined_on, shipped_version
from tests.functional.web_client import WebClient, search_library

MODULE = f"/lesson/{lesson_code('cravings-and-urge-surfing')}"
CRAVINGS = shipped_version("cravings-and-urge-surfing")  # the version published


def signed_in(client, account) -> WebClient:  # type: ignore[no-untyped-def]
    browser = WebClient(client)
    assert browser.sign_in(account.username, authenticator=account.authenticator).status == 303
    return browser


def group_of_one(client, leader, participant, name: str = "Sam P.") -> str:  # type: ignore[no-untyped-def]
    """A group ("Tuesday group") with ``participant`` enrolled as ``name``, through the API."""
    group_id = json.loads(
        client.http.post(
            "/groups", headers=leader.headers, body=json.dumps({"name": "Tuesday group"})
        ).body
    )["group_id"]
    client.http.post(
        f"/groups/{group_id}/participants",
        headers=leader.headers,
        body=json.dumps({"username": participant.username, "display_name": name}),
    )
    return group_id


def make_group(
    client, leader, participant, module_id="cravings-and-urge-surfing", due="2020-01-31"
) -> str:  # type: ignore[no-untyped-def]
    group_id = group_of_one(client, leader, participant)
    # In the group since before the due date (one that passed before they joined is not theirs).
    joined_on(group_id, participant.id, "2019-12-01T15:00:00+00:00")
    client.http.post(
        f"/groups/{group_id}/assignments",
        headers=leader.headers,
        body=json.dumps({"module_id": module_id, "due_date": due}),
    )
    dated_on(group_id)  # assigned then too, before the date passed
    return group_id


# -- sign-in and sessions -------------------------------------------------------------------------


def test_sign_in_sets_a_secure_session_cookie_and_lands_on_home(client, published, participant):
    browser = WebClient(client)
    form = browser.get("/sign-in")
    assert "SameSite=Strict" in form.headers["set-cookie"]
    response = browser.post(
        "/sign-in",
        {"csrf": form.csrf(), "username": participant.username, "password": "Correct-horse-42"},
    )
    assert (response.status, response.location) == (303, "/")
    cookie = response.headers["set-cookie"]
    for attribute in (
        "steady_session=",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ):
        assert attribute in cookie
    assert browser.get("/").status == 200


def test_leader_lands_on_groups(client, published, leader):
    browser = WebClient(client)
    assert (
        browser.sign_in(leader.username, authenticator=leader.authenticator).location == "/leader"
    )


def test_wrong_password_is_one_message_and_no_session(client, published, participant):
    browser = WebClient(client)
    page = browser.sign_in(participant.username, "Wrong-password-99")
    assert page.status == 400
    assert "do not match" in page.body
    assert "steady_session" not in browser.cookies
    unknown = WebClient(client).sign_in("nobody-here", "Wrong-password-99")
    assert unknown.status == 400 and "do not match" in unknown.body


def test_sign_in_without_the_form_token_is_refused(client, published, participant):
    browser = WebClient(client)
    browser.get("/sign-in")
    page = browser.post(
        "/sign-in", {"username": participant.username, "password": "Correct-horse-42"}
    )
    assert page.status == 403
    assert "steady_session" not in browser.cookies


def test_anonymous_pages_redirect_to_sign_in(client, published):
    for path in ("/", MODULE, "/leader"):
        page = WebClient(client).get(path)
        assert (page.status, page.location) == (303, "/sign-in")


def test_sign_out_ends_the_session_here_and_in_cognito(client, published, participant):
    browser = signed_in(client, participant)
    stolen = dict(browser.cookies)
    session_id = stolen["steady_session"]
    stored = web_session.records().get(session_id)
    assert stored is not None
    token = browser.get("/?locale=es").csrf()
    assert browser.cookies["steady_lang"] == "es"
    page = browser.post("/sign-out", {"csrf": token})
    assert (page.status, page.location) == (303, "/sign-in?done=signed_out")
    assert "steady_session" not in browser.cookies
    assert web_session.records().get(session_id) is None
    replay = WebClient(client, stolen).get("/")
    assert (replay.status, replay.location) == (303, "/sign-in")
    cognito = boto3.client("cognito-idp", region_name=REGION)
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=stored.access_token)


def test_sign_out_from_a_tab_of_an_earlier_session_still_signs_out(
    client, published, participant, library_clock
):
    """Review probe C: on a shared phone, session A times out, someone signs in again (session
    B), and "Sign out" pressed in a tab left from A sends A's CSRF token. It was refused ("This
    form has expired", 403) and B stayed signed in. Leaving never fails: B ends."""
    browser = signed_in(client, participant)
    old_token = browser.get("/").csrf()  # the tab left open
    library_clock.advance(web_session.INACTIVITY_SECONDS + 60)  # that session ends
    assert browser.get("/").location.startswith("/sign-in")
    assert browser.sign_in(participant.username).status == 303  # signed in again
    assert browser.get("/").status == 200
    live = browser.cookies["steady_session"]
    assert web_session.records().get(live) is not None
    out = browser.post("/sign-out", {"csrf": old_token})  # pressed in the old tab
    assert (out.status, out.location) == (303, "/sign-in?done=signed_out")
    assert "steady_session" not in browser.cookies
    assert web_session.records().get(live) is None
    assert browser.get("/").location.startswith("/sign-in")


@pytest.mark.parametrize("form", [{}, {"csrf": "anything"}])
def test_sign_out_with_no_session_at_all_lands_on_the_signed_out_page(client, published, form):
    out = WebClient(client).post("/sign-out", form)
    assert (out.status, out.location) == (303, "/sign-in?done=signed_out")


def test_the_language_chosen_goes_at_sign_out_and_the_next_sign_in_brings_it_back(
    client, published, participant
):
    """Walk 12, item 5 kept the language cookie past sign-out; walk 18, item 1: on a shared
    phone it then became the next person's language. Now sign-out and quick exit clear it
    (the sign-in page follows the browser, as on a first visit), and the participant's own
    switch, kept with their account, brings it back at their next sign-in."""
    browser = signed_in(client, participant)  # a browser that asks for English
    token = browser.get("/?locale=es").csrf()

    browser.post("/sign-out", {"csrf": token})

    assert "steady_lang" not in browser.cookies
    sign_in = browser.get("/sign-in")
    assert '<html lang="en">' in sign_in.body and "Español" in sign_in.body
    assert browser.sign_in(participant.username).status == 303
    assert '<html lang="es">' in browser.get("/").body
    # Quick exit, then back: the same.
    browser.get("/exit")
    assert "steady_session" not in browser.cookies and "steady_lang" not in browser.cookies
    assert '<html lang="en">' in browser.get("/sign-in").body
    assert browser.sign_in(participant.username).status == 303
    assert '<html lang="es">' in browser.get("/").body


@pytest.mark.parametrize(
    ("language", "notice"), [(None, "You are signed out."), ("es", "Se cerró su sesión.")]
)
def test_sign_out_says_so_on_the_sign_in_page(client, published, participant, language, notice):
    """Walk 18, item 8: sign-out landed on a bare sign-in page; on a shared phone nobody could
    tell it worked. The notice is in the browser's language (the chosen one is cleared)."""
    browser = WebClient(client, language=language)
    assert browser.sign_in(participant.username).status == 303
    out = browser.post("/sign-out", {"csrf": browser.get("/").csrf()})
    assert out.location == "/sign-in?done=signed_out"
    page = browser.get(out.location)
    assert f'<p class="notice" role="status">{notice}</p>' in page.body
    assert '<input type="hidden" name="locale"' not in page.body  # no language chosen here
    # A plain sign-in page says nothing of it.
    assert notice not in WebClient(client, language=language).get("/sign-in").body


def test_session_table_holds_a_hash_not_the_cookie_value(client, published, participant, stack):
    browser = signed_in(client, participant)
    session_id = browser.cookies["steady_session"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    item = dynamodb.get_item(
        TableName=stack.records_table,
        Key={"PK": {"S": f"SESSION#{session_id}"}, "SK": {"S": "SESSION"}},
    )
    assert "Item" not in item
    stored = web_session.records().get(session_id)
    assert stored is not None and stored.expires_at > stored.last_seen


def test_fifteen_minutes_without_a_page_view_ends_the_session(
    client, published, participant, library_clock
):
    browser = signed_in(client, participant)
    library_clock.advance(14 * 60)
    assert browser.get("/").status == 200  # activity recorded
    library_clock.advance(16 * 60)
    page = browser.get("/")
    # The sign-in page says why, and the sign-in goes back to that page (tests/functional/
    # test_kept_forms.py).
    assert (page.status, page.location) == (303, "/sign-in?done=signed_out_inactive_page")


def test_an_expired_access_token_is_refreshed(client, published, participant, service):
    browser = signed_in(client, participant)
    old = web_session.records().get(browser.cookies["steady_session"]).access_token
    real = service.verifier.verify

    def verify(token: str):  # type: ignore[no-untyped-def]
        if token == old:
            raise Unauthenticated("The access token has expired.", code="token_expired")
        return real(token)

    service.verifier.verify = verify  # type: ignore[method-assign]
    assert browser.get("/").status == 200
    assert web_session.records().get(browser.cookies["steady_session"]).access_token != old


def test_first_sign_in_chooses_a_new_password(client, published, leader):
    leader_browser = signed_in(client, leader)
    groups = leader_browser.get("/leader")
    created = leader_browser.post(
        "/leader/groups", {"csrf": groups.csrf(), "name": "Rolling group", "key": "k1"}
    )
    group_path = created.location
    page = leader_browser.post(
        f"{group_path}/participants",
        {
            "csrf": groups.csrf(),
            "username": "new-person",
            "display_name": "New P.",
            "create": "yes",
        },
    )
    assert page.status == 303  # to the group page, which shows the new account's details
    page = leader_browser.get(page.location)
    password = page.body.split('class="copy temporary-password">')[1].split("<")[0]

    browser = WebClient(client)
    started = browser.sign_in("new-person", password)
    assert (started.status, started.location) == (303, "/sign-in/new-password")
    form = browser.get("/sign-in/new-password")
    assert form.status == 200 and "Choose your own password" in form.body
    assert browser.get("/").location == "/sign-in"  # not signed in yet
    mismatch = browser.post(
        "/sign-in/new-password",
        {
            "csrf": form.csrf(),
            "new_password": "Brand-new-pass-1",
            "confirm_password": "Other-pass-123",
        },
    )
    assert mismatch.status == 400
    done = browser.post(
        "/sign-in/new-password",
        {
            "csrf": form.csrf(),
            "new_password": "Brand-new-pass-1",
            "confirm_password": "Brand-new-pass-1",
        },
    )
    assert (done.status, done.location) == (303, "/")
    assert browser.get("/").status == 200
    assert WebClient(client).sign_in("new-person", "Brand-new-pass-1").status == 303


@pytest.mark.parametrize(
    ("language", "heading", "once", "wrong"),
    [
        (None, "Choose your own password", "works only once", "first sign-in"),
        ("es", "Elija su propia contraseña", "sirve solo una vez", "primera vez"),
    ],
)
def test_after_a_new_temporary_password_the_form_does_not_say_first_sign_in(
    client, leader, participant, language, heading, once, wrong
):
    """Someone who signed in before and lost their password gets the same form as a new
    account: its words are true for both (walk-through 10, item 5)."""
    group_id = group_of_one(client, leader, participant, "Sam T.")
    given = client.http.post(
        f"/groups/{group_id}/participants/{participant.id}/temporary-password",
        headers=leader.headers,
    )
    assert given.status_code == 200
    password = json.loads(given.body)["temporary_password"]
    browser = WebClient(client, language=language)
    assert browser.sign_in(participant.username, password).location == "/sign-in/new-password"
    form = browser.get("/sign-in/new-password")
    assert form.status == 200 and f"<h1>{heading}</h1>" in form.body
    assert once in form.body and wrong not in form.body


# -- participant pages ---------------------------------------------------------------------------


def test_home_lists_assignments_with_due_date_and_status_and_links_the_library(
    client, published, participant, leader
):
    make_group(client, leader, participant)
    page = signed_in(client, participant).get("/")
    assigned = page.body.split('id="next-up"')[1]
    assert "Cravings and urge surfing" in assigned
    assert "Due Fri 31 Jan 2020" in assigned
    assert "Overdue" in assigned
    assert (
        'href="/library"' in page.body and "Thinking traps" not in page.body
    )  # the library has its own page


def test_module_page_then_mark_as_complete_without_javascript(
    client, published, participant, leader
):
    make_group(client, leader, participant)
    browser = signed_in(client, participant)
    page = browser.get(MODULE)
    assert page.status == 200
    assert "<h1>Cravings and urge surfing</h1>" in page.body and "cravings" not in MODULE
    assert "min to read" in page.body
    assert 'href="#urge-surfing"' in page.body and 'id="urge-surfing"' in page.body
    assert "admonition" in page.body  # the exercise
    assert "Mark as complete" in page.body
    done = browser.post(f"{MODULE}/complete", {"csrf": page.csrf(), "version": str(CRAVINGS)})
    assert (done.status, done.location) == (303, f"{MODULE}#complete")
    again = browser.get(MODULE)
    assert "You marked this complete" in again.body and "Mark as complete" not in again.body
    home = browser.get("/")
    assert "Done" in home.body.split('class="finished"')[1]
    # the JSON API sees the same single completion
    mine = json.loads(client.http.get("/me/completions", headers=participant.headers).body)[
        "completions"
    ]
    assert [(c["module_id"], c["version"]) for c in mine] == [
        ("cravings-and-urge-surfing", CRAVINGS)
    ]


def test_knowledge_check_on_the_module_page_is_graded_by_the_server(client, published, participant):
    questions = next(m for m in published if m.module_id == "cravings-and-urge-surfing").meta[
        "knowledge_check"
    ]
    browser = signed_in(client, participant)
    page = browser.get(MODULE)
    assert questions[0]["question"] in page.body and 'type="radio"' in page.body
    assert questions[0]["explanation"] not in page.body  # explanations come after answering
    partial = browser.post(
        f"{MODULE}/complete", {"csrf": page.csrf(), "version": str(CRAVINGS), "q0": "0"}
    )
    assert partial.status == 400
    form = {"csrf": page.csrf(), "version": str(CRAVINGS)}
    wrong_last = (questions[-1]["answer"] + 1) % len(questions[-1]["choices"])
    for i, q in enumerate(questions):
        form[f"q{i}"] = str(q["answer"] if i < len(questions) - 1 else wrong_last)
    assert browser.post(f"{MODULE}/complete", form).status == 303
    after = browser.get(MODULE)
    assert f"Knowledge check: {len(questions) - 1} of {len(questions)} right." in after.body
    assert questions[-1]["explanation"] in after.body
    mine = json.loads(client.http.get("/me/completions", headers=participant.headers).body)[
        "completions"
    ]
    assert mine[0]["knowledge_check"]["correct"] == len(questions) - 1


def test_mark_as_complete_without_the_csrf_token_is_refused(client, published, participant):
    browser = signed_in(client, participant)
    for form in ({"version": str(CRAVINGS)}, {"version": str(CRAVINGS), "csrf": "forged"}):
        page = browser.post(f"{MODULE}/complete", form)
        assert page.status == 403
    mine = json.loads(client.http.get("/me/completions", headers=participant.headers).body)[
        "completions"
    ]
    assert mine == []


def test_what_changed_notice_after_a_new_version(
    client, published, participant, publisher, library_clock, tmp_path
):
    from tests.functional.test_publishing import bump_and_publish

    browser = signed_in(client, participant)
    lesson = f"/lesson/{lesson_code('breathing-and-grounding')}"
    page = browser.get(lesson)
    read = shipped_version("breathing-and-grounding")
    browser.post(f"{lesson}/complete", {"csrf": page.csrf(), "version": str(read)})
    new = bump_and_publish(
        publisher, tmp_path, "stress-management", "breathing-and-grounding", "Clearer steps."
    )
    library_clock.advance(POINTER_TTL_SECONDS)
    page = browser.get(lesson)
    assert f"This module changed since you read version {read}" in page.body
    assert f"Version {new}: Clearer steps." in page.body
    assert "Mark as complete" in page.body


def test_unknown_or_malformed_module_is_404(client, published, participant):
    browser = signed_in(client, participant)
    assert browser.get(f"/lesson/{lesson_code('no-such-module')}").status == 404
    assert browser.get("/lesson/Not_A_Code").status == 404
    assert browser.get("/read/Not_A_Slug").status == 404


# -- leader pages ----------------------------------------------------------------------------------


def test_leader_creates_enrols_assigns_and_sees_progress_and_csv(
    client, published, participant, leader
):
    browser = signed_in(client, leader)
    groups = browser.get("/leader")
    assert "You do not lead a group yet" in groups.body
    token = groups.csrf()
    # The form's one-time key, as the page gives it (``sign_in.once``, like every leader form).
    key = re.search(r'name="key" value="([0-9a-f]{32})"', groups.body).group(1)  # type: ignore[union-attr]
    created = browser.post(
        "/leader/groups", {"csrf": token, "name": "Thursday evening", "key": key}
    )
    assert created.status == 303
    repeat = browser.post("/leader/groups", {"csrf": token, "name": "Thursday evening", "key": key})
    assert repeat.location == created.location  # a double submit makes one group
    group_path = created.location
    enrolled = browser.post(
        f"{group_path}/participants",
        {"csrf": token, "username": participant.username, "display_name": "Sam P."},
    )
    assert (enrolled.status, enrolled.location) == (303, f"{group_path}?done=enrolled#participants")
    assigned = browser.post(
        f"{group_path}/assignments",
        {
            "csrf": token,
            "item": "module:thinking-traps",
            "due_date": "2030-05-01",
            "session_date": "",
        },
    )
    assert assigned.status == 303
    page = browser.get(group_path)
    assert (
        "Sam P." in page.body
        and "Thinking traps" in page.body
        and "due Wed 1 May 2030" in page.body
    )
    assert browser.get("/leader").body.count("Thursday evening") == 1

    participant_browser = signed_in(client, participant)
    module = participant_browser.get(f"/lesson/{lesson_code('thinking-traps')}")
    participant_browser.post(
        f"/lesson/{lesson_code('thinking-traps')}/complete",
        {"csrf": module.csrf(), "version": str(shipped_version("thinking-traps"))},
    )

    grid = browser.get(f"{group_path}/progress")
    assert grid.status == 200
    row = grid.body.split('class="name"><bdi>Sam P.')[1].split("</tr>")[0]  # the table's row
    assert "Done" in row and "✓" in row and "version 1" in row
    csv = browser.get(f"{group_path}/progress.csv")
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert "Sam P." in csv.body and "Done (version 1" in csv.body


def test_bad_form_input_is_explained(client, published, leader):
    browser = signed_in(client, leader)
    token = browser.get("/leader").csrf()
    page = browser.post("/leader/groups", {"csrf": token, "name": ""})
    assert page.status == 400 and "1 to 80 characters" in page.body
    group_path = browser.post("/leader/groups", {"csrf": token, "name": "G"}).location
    page = browser.post(
        f"{group_path}/assignments",
        {"csrf": token, "item": "module:thinking-traps", "due_date": "next tuesday"},
    )
    assert page.status == 400 and "“next tuesday” is not a date" in unescape(page.body)


def test_form_posts_need_the_form_content_type(client, published, participant):
    browser = signed_in(client, participant)
    page = browser.post(f"{MODULE}/complete", {"csrf": "x"}, content_type="application/json")
    assert page.status == 415


# -- every page: headers, title, crisis resources --------------------------------------------------


def test_every_page_is_discreet_safe_and_shows_crisis_resources(
    client, published, participant, leader
):
    group_id = make_group(client, leader, participant)
    pages = [(WebClient(client), "/sign-in")]
    p = signed_in(client, participant)
    pages += [(p, "/"), (p, MODULE), (p, "/lesson/nope"), (p, "/library")]
    lead = signed_in(client, leader)
    pages += [
        (lead, "/leader"),
        (lead, f"/leader/groups/{group_id}"),
        (lead, f"/leader/groups/{group_id}/progress"),
        (lead, "/leader/account"),
        (p, "/leader"),
    ]
    for browser, path in pages:
        page = browser.get(path)
        assert page.headers["content-type"] == "text/html; charset=utf-8", path
        assert page.headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "frame-ancestors 'none'" in CSP
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        assert re.search(r"<title>([^<]+ – )?Steady</title>", page.body), path
        assert "<script" not in page.body and " style=" not in page.body
        assert 'call or text</span> <a href="tel:988">988</a>' in page.body
        assert "1-800-662-4357" in page.body
        assert 'href="/exit"' in page.body and "Quick exit" in page.body


def test_each_participant_page_has_its_own_discreet_title(client, published, participant):
    """WCAG 2.4.2: a title per page, naming the kind of page and never the topic."""
    anonymous = WebClient(client)
    titles = {"/sign-in": _title(anonymous.get("/sign-in").body)}
    browser = signed_in(client, participant)
    for path in ("/", "/library", MODULE, "/lesson/nope", "/account/authenticator"):
        titles[path] = _title(browser.get(path).body)
    assert titles == {
        "/sign-in": "Sign in – Steady",
        "/": "Your reading – Steady",
        "/library": "Library – Steady",
        MODULE: "Module – Steady",
        "/lesson/nope": "Not found – Steady",
        "/account/authenticator": "Two-step sign-in – Steady",
    }
    spanish = WebClient(client, language="es")
    assert _title(spanish.get("/sign-in").body) == "Iniciar sesión – Steady"
    # Back with an error: said first (base.html's one rule), in the page's language.
    form = anonymous.get("/sign-in")
    wrong = {"csrf": form.csrf(), "username": participant.username, "password": "Wrong-horse-42"}
    assert _title(anonymous.post("/sign-in", wrong).body) == "Error: Sign in – Steady"
    assert _title(search_library(browser, "craving " * 40).body) == "Error: Library – Steady"
    assert _title(search_library(browser, "craving").body) == "Library – Steady"
    spanish.sign_in(participant.username)
    assert _title(spanish.get("/").body) == "Su lectura – Steady"


def _title(body: str) -> str:
    match = re.search(r"<title>([^<]*)</title>", body)
    assert match, body[:500]
    return match.group(1)


def test_stylesheet_is_cached_long_by_content_hash(client, published):
    from chalicelib.web import render

    page = WebClient(client).get("/sign-in")
    asset = render.stylesheet()
    assert f'href="/static/steady.css?v={asset.digest}"' in page.body
    css = WebClient(client).get(f"/static/steady.css?v={asset.digest}")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert "immutable" in css.headers["cache-control"]
    assert "prefers-color-scheme:dark" in css.body and "@media print" in css.body


def test_json_api_is_unchanged_by_the_web_app(client, published, participant):
    response = client.http.get("/modules", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert json.loads(response.body)["error"]["code"] == "invalid_token"
    # the API keeps its own strict CSP, never the pages' one
    from chalicelib.api import API_CSP

    csp = {k.lower(): v for k, v in response.headers.items()}.get("content-security-policy")
    assert csp == API_CSP


def test_jinja_is_not_imported_by_the_json_api():
    import subprocess
    import sys

    code = "import sys, app; assert 'jinja2' not in sys.modules, 'jinja2 imported at cold start'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_menu_of_a_spanish_page_is_named_in_spanish(client, published, participant):
    """A screen reader names the menu's landmark on every page: it was "Main" on Spanish pages
    too (an English word read out in a Spanish voice)."""

    browser = WebClient(client, language="es")
    assert browser.sign_in(participant.username).status == 303
    for path in ("/", "/library", "/plan", "/account/reminders", "/account/privacy"):
        page = browser.get(path)
        assert '<html lang="es">' in page.body
        assert '<nav class="wrap nav" aria-label="Menú principal">' in page.body, path
    english = WebClient(client)
    assert english.sign_in(participant.username).status == 303
    assert '<nav class="wrap nav" aria-label="Main">' in english.get("/").body
