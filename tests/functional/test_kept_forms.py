"""A worksheet saved after the web session ended (15 minutes without a page, or its 12 hours)
is not lost: it is kept for the same person (``chalicelib.kept_forms``), the sign-in page says
so, and after signing in again the lesson shows the answers, not saved yet, ready to save."""

from __future__ import annotations

import boto3
import pytest

from chalicelib import kept_forms
from chalicelib import sign_in as web_session
from chalicelib.errors import ServiceUnavailable
from chalicelib.records.keys import KEPT_FORM_PREFIX, KEPT_FORM_SK, kept_form_pk, participant_pk
from tests.conftest import LOG_HYGIENE, REGION, shipped_version
from tests.functional.web_client import WebClient, form_fields, lesson_path, signed_in

MODULE = "cravings-and-urge-surfing"
PAGE = lesson_path(MODULE)
ANSWER = "Walked the dog around Quillmere pond twice"
ANSWERS = {"answer-urge-in-body": ANSWER, "answer-urge-helpers-0": "Called Ysolde"}
IDLE = web_session.INACTIVITY_SECONDS + 60

SIGNED_OUT_EN = (
    "You were signed out after 15 minutes without activity. Sign in again and your answers "
    "will be back on the page, ready to save."
)
SIGNED_OUT_ES = (
    "Se cerró su sesión después de 15 minutos sin actividad. Inicie sesión otra vez y sus "
    "respuestas volverán a estar en la página, listas para guardar."
)
KEPT_EN = (
    "Your answers from before you were signed out are below. They are not saved yet: press "
    "Save my answers."
)


def typed_then_idle(browser: WebClient, clock, locale: str = "en") -> tuple[str, object]:  # type: ignore[no-untyped-def]
    """The lesson opened, time passes past the inactivity limit, then Save: the post's answer."""
    address = PAGE if locale == "en" else f"{PAGE}?locale={locale}"
    token = browser.get(address).csrf()
    clock.advance(IDLE)
    form = {"csrf": token, "version": str(shipped_version(MODULE, locale)), "locale": locale}
    return token, browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS})


def kept_item(kept_id: str, stack) -> dict | None:  # type: ignore[no-untyped-def]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    response = dynamodb.get_item(
        TableName=stack.records_table,
        Key={"PK": {"S": kept_form_pk(kept_id)}, "SK": {"S": KEPT_FORM_SK}},
        ConsistentRead=True,
    )
    return response.get("Item")


def test_a_save_after_the_session_ended_is_kept_and_back_after_sign_in(
    client, published, participant, library_clock, stack
):
    mark = len(LOG_HYGIENE.lines)
    browser = signed_in(client, participant)
    _, posted = typed_then_idle(browser, library_clock)
    assert posted.status == 303
    assert posted.location == "/sign-in?done=signed_out_inactive"
    assert "steady_session" not in browser.cookies
    kept_id = browser.cookies["steady_kept"]
    item = kept_item(kept_id, stack)
    assert item is not None and item["account_id"]["S"] == participant.id
    assert kept_id not in str(item)  # the table holds only its hash
    assert item["ttl"] == item["expires_at"]
    now = int(library_clock.epoch())
    assert int(item["ttl"]["N"]) == now + kept_forms.KEEP_SECONDS
    assert "csrf" not in item["fields"]["M"]

    sign_in_page = browser.get(posted.location)
    assert SIGNED_OUT_EN in sign_in_page.body

    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, f"{PAGE}#worksheet")
    lesson = browser.get(PAGE)
    assert KEPT_EN in lesson.body
    assert ANSWER in lesson.body and 'value="Called Ysolde"' in lesson.body
    # Not saved: shown only (a reload still has them).
    assert ANSWER not in browser.get("/plan").body
    assert ANSWER in browser.get(PAGE).body

    token = lesson.csrf()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    saved = browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS})
    assert saved.status == 303 and "saved=1" in saved.location
    assert "steady_kept" not in browser.cookies
    assert kept_item(kept_id, stack) is None  # deleted once used
    after = browser.get(PAGE)
    assert KEPT_EN not in after.body and ANSWER in after.body
    assert not any(ANSWER in line or "Ysolde" in line for line in LOG_HYGIENE.lines[mark:])


KEPT_CHECK_EN = (
    "Your answers from before you were signed out are chosen below. The module is not marked "
    "complete yet: press Mark as complete."
)


def test_a_knowledge_check_sent_after_the_session_ended_is_chosen_again_after_sign_in(
    client, published, participant, library_clock, stack
):
    """ "Mark as complete" with the check's answers, after 15 minutes idle: kept like a
    worksheet, and after signing in the lesson has the same answers chosen, not completed yet;
    completing then uses them and the kept copy goes."""
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    library_clock.advance(IDLE)
    version = str(shipped_version(MODULE))
    answers = {"q0": "1", "q1": "0", "q2": "2"}
    form = {"csrf": token, "version": version, "locale": "en"}
    posted = browser.post(f"{PAGE}/complete", {**form, **answers})
    assert (posted.status, posted.location) == (303, "/sign-in?done=signed_out_inactive")
    kept_id = browser.cookies["steady_kept"]
    assert kept_item(kept_id, stack) is not None

    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, f"{PAGE}#complete")
    lesson = browser.get(PAGE)
    assert KEPT_CHECK_EN in lesson.body and "Mark as complete" in lesson.body
    for question, choice in answers.items():
        assert f'id="{question}-{choice}" name="{question}" value="{choice}" checked' in lesson.body
    assert "You marked this complete" not in lesson.body  # shown only, not sent

    done = browser.post(f"{PAGE}/complete", {**form, "csrf": lesson.csrf(), **answers})
    assert done.status == 303 and done.location.endswith("#complete")
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None
    after = browser.get(PAGE)
    assert "You marked this complete" in after.body and KEPT_CHECK_EN not in after.body


def test_worksheet_answers_sent_with_mark_as_complete_after_the_session_ended_come_back_too(
    client, published, participant, library_clock, stack
):
    """ "Mark as complete" sends the worksheet form with the check's choices: after 15 minutes
    idle both are kept, and after signing in both are back on the page, not sent yet."""
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    library_clock.advance(IDLE)
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    posted = browser.post(f"{PAGE}/complete", {**form, **ANSWERS, "q0": "1"})
    assert (posted.status, posted.location) == (303, "/sign-in?done=signed_out_inactive")
    browser.sign_in(participant.username)
    lesson = browser.get(PAGE)
    assert KEPT_CHECK_EN in lesson.body and KEPT_EN in lesson.body
    assert f'value="{ANSWER}"' in lesson.body and 'value="Called Ysolde"' in lesson.body
    assert 'id="q0-1" name="q0" value="1" checked' in lesson.body
    assert "You marked this complete" not in lesson.body


def test_the_kept_form_cookie_is_http_only_secure_and_lax(
    client, published, participant, library_clock
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    library_clock.advance(IDLE)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    form = f"csrf={token}&version={shipped_version(MODULE)}&locale=en&answer-urge-in-body=x"
    response = client.http.post(
        f"{PAGE}/worksheet",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=form,
    )
    cookies = response.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    kept = next(c for c in cookies if c.startswith("steady_kept="))
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"):
        assert flag in kept


def test_in_spanish_the_sign_in_page_says_so_in_spanish(
    client, published, participant, library_clock
):
    browser = signed_in(client, participant)
    _, posted = typed_then_idle(browser, library_clock, locale="es")
    assert posted.location == "/sign-in?done=signed_out_inactive&locale=es"
    page = browser.get(posted.location)
    assert '<html lang="es">' in page.body and SIGNED_OUT_ES in page.body
    signed = browser.sign_in(participant.username)
    assert signed.location == f"{PAGE}?locale=es#worksheet"
    lesson = browser.get(f"{PAGE}?locale=es")
    assert "Todavía no están guardadas: pulse Guardar mis respuestas." in lesson.body
    assert ANSWER in lesson.body


def test_after_the_sessions_12_hours_the_sign_in_page_says_that(
    client, published, participant, library_clock
):
    browser = signed_in(client, participant)
    for _ in range(web_session.LIFETIME_SECONDS // (10 * 60) - 1):
        library_clock.advance(10 * 60)
        assert browser.get("/").status == 200
    token = browser.get(PAGE).csrf()
    library_clock.advance(10 * 60)  # 12 hours since sign-in, 10 minutes since the last page
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    posted = browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS})
    assert posted.location == "/sign-in?done=signed_out_expired"
    assert "a sign-in lasts 12 hours" in browser.get(posted.location).body


def test_another_participant_signing_in_on_that_browser_never_sees_them(
    client, published, participant, other_participant, library_clock, stack
):
    browser = signed_in(client, participant)
    _, posted = typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    signed = browser.sign_in(other_participant.username)
    assert (signed.status, signed.location) == (303, "/")
    assert "steady_kept" not in browser.cookies
    assert kept_item(kept_id, stack) is None  # deleted, not only hidden
    lesson = browser.get(PAGE)
    assert ANSWER not in lesson.body and KEPT_EN not in lesson.body


def test_the_cookie_put_back_for_another_person_still_shows_nothing(
    client, published, participant, other_participant, library_clock, stack
):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    other = signed_in(client, other_participant)
    other.cookies["steady_kept"] = kept_id  # the cookie copied into another's browser
    lesson = other.get(PAGE)
    assert ANSWER not in lesson.body and KEPT_EN not in lesson.body
    assert "steady_kept" not in other.cookies
    assert kept_item(kept_id, stack) is None


@pytest.mark.parametrize("token", ["", "not-the-sessions-token"])
def test_a_bad_or_absent_csrf_token_keeps_nothing(
    client, published, participant, library_clock, stack, token
):
    browser = signed_in(client, participant)
    browser.get(PAGE)
    library_clock.advance(IDLE)
    form = {"version": str(shipped_version(MODULE)), "locale": "en", **ANSWERS}
    if token:
        form["csrf"] = token
    posted = browser.post(f"{PAGE}/worksheet", form)
    assert (posted.status, posted.location) == (303, "/sign-in?done=not_saved")
    assert "steady_kept" not in browser.cookies
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    items = dynamodb.scan(TableName=stack.records_table)["Items"]
    assert not [i for i in items if i["PK"]["S"].startswith("KEPT_FORM#")]


def test_a_post_with_no_session_keeps_nothing_and_says_it_was_not_saved(
    client, published, participant, library_clock, stack
):
    """Walk 21, 15: signed out in another tab, "Save my answers" led to the sign-in page with
    no word, and the answers were gone. Nothing is kept (a sign-out is on purpose, maybe on a
    shared phone), but the sign-in page says that what was sent was not saved."""
    browser = signed_in(client, participant)
    form = {"csrf": browser.get(PAGE).csrf(), "version": str(shipped_version(MODULE))}
    other_tab = WebClient(client)
    other_tab.cookies.update(browser.cookies)
    signed_out = other_tab.post("/sign-out", {"csrf": other_tab.get("/").csrf()})
    assert signed_out.status == 303
    posted = browser.post(f"{PAGE}/worksheet", {**form, "locale": "en", **ANSWERS})
    assert (posted.status, posted.location) == (303, "/sign-in?done=not_saved")
    assert "steady_kept" not in browser.cookies
    said = browser.get(posted.location).body
    assert "You are signed out, so what you sent was not saved." in said
    spanish = WebClient(client).get("/sign-in?done=not_saved&locale=es").body
    assert "lo que envió no se guardó" in spanish
    # With no session cookie at all, the same.
    form = {"csrf": "x", "version": str(shipped_version(MODULE)), "locale": "en", **ANSWERS}
    posted = WebClient(client).post(f"{PAGE}/worksheet", form)
    assert (posted.status, posted.location) == (303, "/sign-in?done=not_saved")
    assert "without activity" not in browser.get("/sign-in?done=signed_out_inactive").body


def test_a_kept_form_ends_after_an_hour(client, published, participant, library_clock, stack):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    library_clock.advance(kept_forms.KEEP_SECONDS)
    # The table's TTL removes it (its ``ttl`` is now); until then a read refuses it.
    assert kept_item(kept_id, stack) is not None
    signed = browser.sign_in(participant.username)
    assert signed.location == "/"
    assert "steady_kept" not in browser.cookies
    assert ANSWER not in browser.get(PAGE).body


PLAN_KEPT = (
    "Your changes from before you were signed out are below. They are not saved yet: press "
    "Save my plan."
)


def test_a_plan_part_saved_after_the_session_ended_is_back_after_sign_in(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    edit = "/plan/edit/3"
    form = form_fields(browser.get(edit), edit)
    library_clock.advance(IDLE)
    typed = {**form, "plan-0-text": "Sketch the Quillmere heron", "plan-0-added": "1"}
    posted = browser.post(edit, typed)
    assert posted.location == "/sign-in?done=signed_out_inactive"
    assert SIGNED_OUT_EN in browser.get(posted.location).body
    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, edit)
    page = browser.get(edit)
    assert PLAN_KEPT in page.body and ">Sketch the Quillmere heron</textarea>" in page.body
    assert "Sketch the Quillmere heron" not in browser.get("/plan").body  # not saved yet
    saved = browser.post(edit, form_fields(page, edit))
    assert (saved.status, saved.location) == (303, "/plan?saved=3#part-3")
    assert "steady_kept" not in browser.cookies
    assert "Sketch the Quillmere heron" in browser.get("/plan").body
    assert PLAN_KEPT not in browser.get(edit).body


PAGE_EN = (
    "You were signed out after 15 minutes without activity. Sign in again to go back to the "
    "page you were on."
)


def test_a_page_opened_after_the_session_ended_is_where_sign_in_goes_back_to(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    browser.get("/")
    library_clock.advance(IDLE)
    opened = browser.get("/plan/versions")
    assert opened.location == "/sign-in?done=signed_out_inactive_page"
    kept_id = browser.cookies["steady_kept"]
    assert PAGE_EN in browser.get(opened.location).body
    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, "/plan/versions")
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None


def test_the_page_of_another_person_is_not_where_sign_in_goes(
    client, published, participant, other_participant, library_clock, stack
):
    browser = signed_in(client, participant)
    browser.get("/")
    library_clock.advance(IDLE)
    browser.get(PAGE)
    kept_id = browser.cookies["steady_kept"]
    signed = browser.sign_in(other_participant.username)
    assert (signed.status, signed.location) == (303, "/")
    assert kept_item(kept_id, stack) is None


@pytest.mark.parametrize(
    "address, own",
    [
        ("/plan", True),
        ("/lesson/abc?saved=1", True),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("/plan\r\nSet-Cookie: x", False),
        ("", False),
    ],
)
def test_sign_in_goes_back_only_to_a_path_of_this_site(address, own):
    from chalicelib.web.http import own_path

    assert own_path(address) is own


def test_a_kept_page_outside_this_site_is_never_gone_to(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    browser.get("/")
    library_clock.advance(IDLE)
    browser.get("/plan")
    kept_id = browser.cookies["steady_kept"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(  # as if the record said so
        TableName=stack.records_table,
        Key={"PK": {"S": kept_form_pk(kept_id)}, "SK": {"S": KEPT_FORM_SK}},
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "target"},
        ExpressionAttributeValues={":t": {"S": "//evil.example/"}},
    )
    assert browser.sign_in(participant.username).location == "/"


@pytest.mark.parametrize("leave", ["quick exit", "sign out"])
def test_quick_exit_and_sign_out_leave_nothing_kept_behind(
    client, published, participant, library_clock, stack, leave
):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    if leave == "quick exit":
        assert browser.get("/exit").status == 303
    else:  # signed in again, the answers shown but not saved, then signed out
        browser.sign_in(participant.username)
        token = browser.get(PAGE).csrf()
        assert browser.post("/sign-out", {"csrf": token}).status == 303
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None
    assert browser.sign_in(participant.username).location == "/"


def test_a_kept_form_that_cannot_be_read_now_never_stops_the_sign_in_and_stays(
    client, published, participant, library_clock, service, monkeypatch
):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    real = service.kept_forms.get

    def down(kept_id: str):  # type: ignore[no-untyped-def]
        raise ServiceUnavailable("DynamoDB is unavailable.")

    monkeypatch.setattr(service.kept_forms, "get", down)
    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, "/")
    lesson = browser.get(PAGE)
    assert lesson.status == 200 and ANSWER not in lesson.body
    assert "steady_kept" in browser.cookies  # kept for when it can be read
    monkeypatch.setattr(service.kept_forms, "get", real)
    assert ANSWER in browser.get(PAGE).body


def test_saving_another_form_keeps_the_kept_one_for_its_own_page(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    browser.sign_in(participant.username)
    edit = "/plan/edit/3"
    form = form_fields(browser.get(edit), edit)
    saved = browser.post(edit, {**form, "plan-0-text": "Stretch", "plan-0-added": "1"})
    assert saved.status == 303
    assert browser.cookies.get("steady_kept") == kept_id and kept_item(kept_id, stack)
    assert ANSWER in browser.get(PAGE).body


def test_what_keeping_costs_in_dynamodb_calls(
    client, published, participant, library_clock, aws_calls
):
    def dynamodb() -> list[str]:
        return [n for n in aws_calls.names if n.startswith("DynamoDB.")]

    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    library_clock.advance(IDLE)
    aws_calls.reset()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS})
    # The ended session read and deleted (as before), then one TransactWriteItems: the kept
    # form and its pointer in the participant's partition.
    assert dynamodb() == ["DynamoDB.GetItem", "DynamoDB.DeleteItem", "DynamoDB.TransactWriteItems"]
    browser.sign_in(participant.username)
    browser.get(PAGE)
    aws_calls.reset()
    browser.get(PAGE)
    # The session, the lesson's one BatchGetItem (as without a kept form), then one GetItem.
    assert dynamodb() == ["DynamoDB.GetItem", "DynamoDB.BatchGetItem", "DynamoDB.GetItem"]


# -- a retake and the sharing choice ------------------------------------------------------------

RETAKE_KEPT = {
    "en": "Your answers from before you were signed out are chosen below. They are not checked "
    "yet: press Check my answers.",
    "es": "Sus respuestas de antes de que se cerrara su sesión están marcadas abajo. Todavía no "
    "están revisadas: pulse Revisar mis respuestas.",
}
SHARE_KEPT = {
    "en": "Before you were signed out, you chose to share this worksheet. It is not shared yet: "
    "press Share with my group leaders.",
    "es": "Antes de que se cerrara su sesión, eligió compartir esta hoja de trabajo. Todavía no "
    "está compartida: pulse Compartir con los líderes de mi grupo.",
}
UNSHARE_KEPT = {
    "en": "Before you were signed out, you chose to stop sharing this worksheet. It is still "
    "shared: press Stop sharing.",
    "es": "Antes de que se cerrara su sesión, eligió dejar de compartir esta hoja de trabajo. "
    "Todavía está compartida: pulse Dejar de compartir.",
}
SIGNED_OUT_PAGE_EN = (
    "You were signed out after 15 minutes without activity. Sign in again to go back to the "
    "page you were on."
)


def at(locale: str) -> str:
    """The lesson in the page language ``locale`` (Spanish: chosen with ``?locale=``, kept in
    the language cookie, so the page after sign-in is Spanish too)."""
    return PAGE if locale == "en" else f"{PAGE}?locale={locale}"


def completed(browser: WebClient, locale: str = "en") -> dict[str, str]:
    """The lesson completed with its knowledge check (attempt 1); the form's common fields."""
    form = {
        "csrf": browser.get(at(locale)).csrf(),
        "version": str(shipped_version(MODULE)),
        "locale": "en",  # the version read: English (the starters have no Spanish one here)
    }
    done = browser.post(f"{PAGE}/complete", {**form, "q0": "0", "q1": "0", "q2": "0"})
    assert done.status == 303
    return form


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_retake_sent_after_the_session_ended_is_chosen_again_after_sign_in(
    client, published, participant, library_clock, stack, locale
):
    """ "Try the questions again" answered after 15 minutes idle: kept like the check, and after
    signing in the lesson has the retake form open with the same answers chosen, not checked
    yet; checking them then records attempt 2 and the kept copy goes."""
    mark = len(LOG_HYGIENE.lines)
    browser = signed_in(client, participant)
    form = completed(browser, locale)
    token = browser.get(at(locale)).csrf()
    library_clock.advance(IDLE)
    answers = {"q0": "1", "q1": "0", "q2": "2"}
    posted = browser.post(f"{PAGE}/attempts", {**form, "csrf": token, "attempt": "2", **answers})
    assert (posted.status, posted.location) == (303, "/sign-in?done=signed_out_inactive")
    kept_id = browser.cookies["steady_kept"]
    item = kept_item(kept_id, stack)
    assert item is not None and item["kind"]["S"] == kept_forms.RETAKE
    assert "csrf" not in item["fields"]["M"]

    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, f"{PAGE}#retake")
    lesson = browser.get(at(locale))
    assert RETAKE_KEPT[locale] in lesson.body
    # The questions on their own (the retake's state of the page), not beside the feedback.
    assert '<section class="retake" id="retake"' in lesson.body
    assert '<ol class="feedback">' not in lesson.body
    for question, choice in answers.items():
        assert f'id="{question}-{choice}" name="{question}" value="{choice}" checked' in lesson.body
    assert 'name="attempt" value="2"' in lesson.body  # not sent yet: still attempt 2
    assert RETAKE_KEPT[locale] in browser.get(at(locale)).body  # a reload still has them

    again = {**form, "csrf": lesson.csrf(), "attempt": "2", **answers}
    done = browser.post(f"{PAGE}/attempts", again)
    assert done.status == 303 and done.location.endswith("#complete")
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None
    after = browser.get(at(locale))
    assert RETAKE_KEPT[locale] not in after.body and 'class="retake-link"' in after.body
    retaking = browser.get(at(locale) + ("&" if "?" in at(locale) else "?") + "retake=1")
    assert RETAKE_KEPT[locale] not in retaking.body
    assert 'name="attempt" value="3"' in retaking.body
    assert not any(kept_id in line for line in LOG_HYGIENE.lines[mark:])


def test_worksheet_answers_sent_with_a_retake_after_the_session_ended_come_back_too(
    client, published, participant, library_clock, stack
):
    """On a retake, "Check my answers" sends the worksheet form too: after 15 minutes idle
    the worksheet's answers are kept with the choices, and both are back after sign-in."""
    browser = signed_in(client, participant)
    form = completed(browser)
    token = browser.get(f"{PAGE}?retake=1").csrf()
    library_clock.advance(IDLE)
    sent = {**form, "csrf": token, "attempt": "2", **ANSWERS, "q0": "2"}
    posted = browser.post(f"{PAGE}/attempts", sent)
    assert (posted.status, posted.location) == (303, "/sign-in?done=signed_out_inactive")
    signed = browser.sign_in(participant.username)
    assert signed.location == f"{PAGE}#retake"
    lesson = browser.get(PAGE)
    assert RETAKE_KEPT["en"] in lesson.body and KEPT_EN in lesson.body
    assert f'value="{ANSWER}"' in lesson.body and 'value="Called Ysolde"' in lesson.body
    assert 'id="q0-2" name="q0" value="2" checked' in lesson.body


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_sharing_choice_sent_after_the_session_ended_is_back_after_sign_in(
    client, published, participant, library_clock, stack, locale
):
    """Sharing is one button, nothing typed: the choice is kept, the sign-in page says the page
    will be back, and after signing in the sharing form says the choice is not saved yet, with
    the button to press. It is not applied by itself: sharing answers with group leaders is a
    choice made while signed in."""
    browser = signed_in(client, participant)
    token = browser.get(at(locale)).csrf()
    saved = browser.post(
        f"{PAGE}/worksheet",
        {
            "csrf": token,
            "version": str(shipped_version(MODULE)),
            "locale": "en",
            **ANSWERS,
        },
    )
    assert saved.status == 303
    library_clock.advance(IDLE)
    posted = browser.post(
        f"{PAGE}/worksheet/sharing", {"csrf": token, "locale": "en", "shared": "1"}
    )
    assert posted.location == "/sign-in?done=signed_out_inactive_page"
    if locale == "en":
        assert SIGNED_OUT_PAGE_EN in browser.get(posted.location).body
    kept_id = browser.cookies["steady_kept"]
    item = kept_item(kept_id, stack)
    assert item is not None and item["kind"]["S"] == kept_forms.SHARING

    signed = browser.sign_in(participant.username)
    assert signed.location == f"{PAGE}#worksheet-sharing"
    lesson = browser.get(at(locale))
    assert SHARE_KEPT[locale] in lesson.body
    assert 'name="shared" value="1"' in lesson.body  # not shared: the Share button is there

    shared = browser.post(
        f"{PAGE}/worksheet/sharing", {"csrf": lesson.csrf(), "locale": "en", "shared": "1"}
    )
    assert shared.status == 303 and shared.location.endswith("#worksheet-sharing")
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None
    after = browser.get(at(locale))
    assert SHARE_KEPT[locale] not in after.body and 'name="shared" value="0"' in after.body


def test_a_kept_stop_sharing_says_it_is_still_shared_until_pressed_again(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    assert browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS}).status == 303
    sharing = {"csrf": token, "locale": "en", "shared": "1"}
    assert browser.post(f"{PAGE}/worksheet/sharing", sharing).status == 303
    library_clock.advance(IDLE)
    posted = browser.post(f"{PAGE}/worksheet/sharing", {**sharing, "shared": "0"})
    assert posted.location == "/sign-in?done=signed_out_inactive_page"
    browser.sign_in(participant.username)
    lesson = browser.get(PAGE)
    assert UNSHARE_KEPT["en"] in lesson.body and 'name="shared" value="0"' in lesson.body


def test_a_kept_sharing_choice_already_saved_meanwhile_shows_no_notice(
    client, published, participant, library_clock
):
    browser = signed_in(client, participant)
    token = browser.get(PAGE).csrf()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    assert browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS}).status == 303
    library_clock.advance(IDLE)
    sharing = {"csrf": token, "locale": "en", "shared": "1"}
    assert browser.post(f"{PAGE}/worksheet/sharing", sharing).status == 303
    # Shared from another device meanwhile: nothing left to press.
    other = signed_in(client, participant)
    again = {**sharing, "csrf": other.get(PAGE).csrf()}
    assert other.post(f"{PAGE}/worksheet/sharing", again).status == 303
    browser.sign_in(participant.username)
    lesson = browser.get(PAGE)
    assert SHARE_KEPT["en"] not in lesson.body and 'name="shared" value="0"' in lesson.body


def retake_or_sharing_post(browser: WebClient, kind: str, token: str | None) -> object:
    """After 15 minutes idle: a retake or a sharing choice, with ``token`` (none: no field)."""
    form: dict[str, str] = {"locale": "en"}
    if token is not None:
        form["csrf"] = token
    if kind == kept_forms.RETAKE:
        version = str(shipped_version(MODULE))
        body = {**form, "version": version, "attempt": "2", "q0": "1", "q1": "0", "q2": "2"}
        return browser.post(f"{PAGE}/attempts", body)
    return browser.post(f"{PAGE}/worksheet/sharing", {**form, "shared": "1"})


@pytest.mark.parametrize("kind", [kept_forms.RETAKE, kept_forms.SHARING])
@pytest.mark.parametrize("token", [None, "not-the-sessions-token"])
def test_a_retake_or_sharing_without_the_sessions_token_keeps_nothing(
    client, published, participant, library_clock, stack, kind, token
):
    browser = signed_in(client, participant)
    completed(browser)
    browser.get(PAGE)
    library_clock.advance(IDLE)
    posted = retake_or_sharing_post(browser, kind, token)
    assert (posted.status, posted.location) == (303, "/sign-in?done=not_saved")  # type: ignore[attr-defined]
    assert "steady_kept" not in browser.cookies
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    items = dynamodb.scan(TableName=stack.records_table)["Items"]
    assert not [i for i in items if i["PK"]["S"].startswith("KEPT_FORM#")]


@pytest.mark.parametrize("kind", [kept_forms.RETAKE, kept_forms.SHARING])
def test_a_kept_retake_or_sharing_is_never_shown_to_another_participant(
    client, published, participant, other_participant, library_clock, stack, kind
):
    browser = signed_in(client, participant)
    completed(browser)
    token = browser.get(PAGE).csrf()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    assert browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS}).status == 303
    library_clock.advance(IDLE)
    retake_or_sharing_post(browser, kind, token)
    kept_id = browser.cookies["steady_kept"]
    signed = browser.sign_in(other_participant.username)
    assert signed.location == "/" and "steady_kept" not in browser.cookies
    assert kept_item(kept_id, stack) is None
    lesson = browser.get(PAGE)
    assert RETAKE_KEPT["en"] not in lesson.body and SHARE_KEPT["en"] not in lesson.body


@pytest.mark.parametrize("kind", [kept_forms.RETAKE, kept_forms.SHARING])
@pytest.mark.parametrize("leave", ["quick exit", "sign out"])
def test_quick_exit_and_sign_out_leave_no_retake_or_sharing_behind(
    client, published, participant, library_clock, stack, kind, leave
):
    browser = signed_in(client, participant)
    completed(browser)
    token = browser.get(PAGE).csrf()
    form = {"csrf": token, "version": str(shipped_version(MODULE)), "locale": "en"}
    assert browser.post(f"{PAGE}/worksheet", {**form, **ANSWERS}).status == 303
    library_clock.advance(IDLE)
    retake_or_sharing_post(browser, kind, token)
    kept_id = browser.cookies["steady_kept"]
    if leave == "quick exit":
        assert browser.get("/exit").status == 303
    else:
        browser.sign_in(participant.username)
        assert browser.post("/sign-out", {"csrf": browser.get(PAGE).csrf()}).status == 303
    assert "steady_kept" not in browser.cookies and kept_item(kept_id, stack) is None


def test_a_plan_part_kept_from_its_old_address_is_back_at_the_new_one(
    client, published, participant, library_clock, stack
):
    """Walk 15, item 19.15: a plan part posted to its address from before part numbers
    (``/plan/edit/coping-skills``, a page left open over the change) after the session ended
    comes back at ``/plan/edit/3``, and its save forgets what was kept."""
    browser = signed_in(client, participant)
    edit = "/plan/edit/3"
    form = form_fields(browser.get(edit), edit)
    library_clock.advance(IDLE)
    typed = {**form, "plan-0-text": "Sketch the Quillmere heron", "plan-0-added": "1"}
    posted = browser.post("/plan/edit/coping-skills", typed)
    assert posted.location == "/sign-in?done=signed_out_inactive"
    signed = browser.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, edit)
    page = browser.get(edit)
    assert PLAN_KEPT in page.body and ">Sketch the Quillmere heron</textarea>" in page.body
    saved = browser.post(edit, form_fields(page, edit))
    assert (saved.status, saved.location) == (303, "/plan?saved=3#part-3")
    assert "steady_kept" not in browser.cookies


def test_deleting_my_data_also_deletes_the_form_this_browser_kept(
    client, published, participant, library_clock, stack
):
    """Review probe C: "Your data" -> delete what I wrote left a kept worksheet form (answers
    typed before the session ended, up to an hour in the table) and the lesson page showed the
    answers again, pre-filled, after the deletion. The one this browser names goes with the
    rest, and so does its cookie."""
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    browser.sign_in(participant.username)
    assert ANSWER in browser.get(PAGE).body  # kept answers shown, not saved
    page = browser.get("/account/data")
    done = browser.post("/account/data/delete", {"csrf": page.csrf(), "confirm": "1"})
    assert (done.status, done.location) == (303, "/account/data?deleted=1")
    assert "steady_kept" not in browser.cookies
    assert kept_item(kept_id, stack) is None
    lesson = browser.get(PAGE)
    assert ANSWER not in lesson.body and KEPT_EN not in lesson.body


def test_deleting_my_data_without_a_kept_form_sets_no_kept_cookie(client, published, participant):
    browser = signed_in(client, participant)
    page = browser.get("/account/data")
    done = browser.post("/account/data/delete", {"csrf": page.csrf(), "confirm": "1"})
    assert (done.status, done.location) == (303, "/account/data?deleted=1")
    assert "steady_kept" not in str(done.headers)


def pointers(account, stack) -> list[dict]:  # type: ignore[no-untyped-def]
    """The pointers to forms kept for ``account``, in their own partition."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    return dynamodb.query(
        TableName=stack.records_table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={
            ":pk": {"S": participant_pk(account.id)},
            ":prefix": {"S": KEPT_FORM_PREFIX},
        },
        ConsistentRead=True,
    )["Items"]


def test_a_kept_form_has_a_pointer_in_the_participants_partition_holding_only_its_key(
    client, published, participant, library_clock, stack
):
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    kept_id = browser.cookies["steady_kept"]
    item = kept_item(kept_id, stack)
    assert item is not None
    [pointer] = pointers(participant, stack)
    assert pointer == {
        "PK": {"S": participant_pk(participant.id)},
        "SK": {"S": kept_form_pk(kept_id)},
        "expires_at": item["expires_at"],
        "ttl": item["expires_at"],
    }
    assert kept_id not in str(pointer)  # the hash only, as the kept form's own key
    # Forgotten (here at sign-out), the pointer goes with it.
    browser.sign_in(participant.username)
    token = browser.get(PAGE).csrf()
    assert browser.post("/sign-out", {"csrf": token}).status == 303
    assert kept_item(kept_id, stack) is None and pointers(participant, stack) == []


@pytest.mark.parametrize("where", ["web page", "API"])
def test_deleting_my_data_elsewhere_deletes_the_form_kept_on_another_device(
    client, published, participant, other_participant, library_clock, stack, where
):
    """A form kept in one browser (the session there ended with a worksheet pending), then
    "delete what I wrote" from another browser or through ``DELETE /me/data``: the kept form
    goes too, though no cookie there names it; another participant's kept form stays."""
    theirs = signed_in(client, other_participant)
    typed_then_idle(theirs, library_clock)
    their_kept = theirs.cookies["steady_kept"]
    first = signed_in(client, participant)
    typed_then_idle(first, library_clock)
    kept_id = first.cookies["steady_kept"]
    assert kept_item(kept_id, stack) is not None

    if where == "web page":
        second = signed_in(client, participant)
        assert "steady_kept" not in second.cookies
        page = second.get("/account/data")
        done = second.post("/account/data/delete", {"csrf": page.csrf(), "confirm": "1"})
        assert (done.status, done.location) == (303, "/account/data?deleted=1")
    else:
        response = client.http.delete("/me/data", headers=participant.headers)
        assert response.status_code == 200

    assert kept_item(kept_id, stack) is None
    assert pointers(participant, stack) == []
    # The first browser, signing in again, gets no answers back.
    signed = first.sign_in(participant.username)
    assert (signed.status, signed.location) == (303, "/")
    assert "steady_kept" not in first.cookies
    lesson = first.get(PAGE)
    assert ANSWER not in lesson.body and KEPT_EN not in lesson.body
    # Another participant's kept form is untouched, and still theirs after signing in.
    assert kept_item(their_kept, stack) is not None and len(pointers(other_participant, stack)) == 1
    back = theirs.sign_in(other_participant.username)
    assert (back.status, back.location) == (303, f"{PAGE}#worksheet")
    assert KEPT_EN in theirs.get(PAGE).body


def test_deleting_my_data_twice_is_harmless_and_costs_one_query_for_kept_forms(
    client, published, participant, library_clock, stack, aws_calls
):
    """The pointers' Query, then one BatchWriteItem deleting the kept form and its pointer; a
    retry finds no pointer and writes nothing for them."""
    browser = signed_in(client, participant)
    typed_then_idle(browser, library_clock)
    aws_calls.reset()
    assert client.http.delete("/me/data", headers=participant.headers).status_code == 200
    # The three Queries of what they wrote and the kept forms' pointers' Query; one
    # BatchWriteItem: the kept form and its pointer (nothing else of theirs to batch-delete).
    assert aws_calls.names.count("DynamoDB.Query") == 4
    assert aws_calls.names.count("DynamoDB.BatchWriteItem") == 1
    aws_calls.reset()
    assert client.http.delete("/me/data", headers=participant.headers).status_code == 200
    assert "DynamoDB.BatchWriteItem" not in aws_calls.names
    assert pointers(participant, stack) == []
