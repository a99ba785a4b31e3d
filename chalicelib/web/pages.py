"""The pages of the web app: plain handlers from a ``Visit`` to a template and its data.

Like a JSON route, a page parses its input, calls one use case (``chalicelib.groups``,
``enrolment``, ``assignments``, ``dashboard``, ``reading``) and formats the answer: nothing
is decided here twice. Leader reads go through those use cases and so are audit-logged.
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib import kept_forms, logs, mfa, services
from chalicelib import sign_in as session
from chalicelib.errors import BadRequest, SteadyError, Unauthenticated
from chalicelib.identity import ADMINS, AUTHORS, LEADERS, PARTICIPANTS, Caller
from chalicelib.library import preferred_locale
from chalicelib.sign_in import CHALLENGE, CODE, Session
from chalicelib.statuses import (
    COMPLETED,
    COMPLETED_OLDER,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
)
from chalicelib.vocabulary import LOCALES
from chalicelib.web import csrf, plan_pages, render, words
from chalicelib.web.http import (
    KEPT_FORM_COOKIE,
    LANG_COOKIE,
    NOT_SAVED,
    SIGN_IN_CSRF_COOKIE,
    SIGN_IN_PATH,
    SIGNED_OUT,
    SIGNED_OUT_PAGE,
    Asset,
    Html,
    Redirect,
    Visit,
    expired_kept_form_cookie,
    expired_language_cookie,
    expired_session_cookie,
    language_cookie,
    leaving_cookies,
    own_path,
    session_cookie,
    sign_in_csrf_cookie,
)
from chalicelib.web.words import WORDS

# Status as an icon and words, never colour alone (participants' words: web/words.py).
ICONS = {COMPLETED: "✓", COMPLETED_OLDER: "↻", OVERDUE: "!", NOT_STARTED: "○", NOT_ASSIGNED: "–"}
# A worksheet's marks: on the leaders' grid, and "started" on a participant's home card.
SHEET_ICONS = {"done": "✎", "started": "◐", "shared": "✉"}
HOME = "/"
GROUPS = "/leader"
# The own account page of a group leader, author or administrator (their password;
# ``leader_pages.account_page``): its address says "leader" as it was first theirs.
LEADER_ACCOUNT = GROUPS + "/account"
# An administrator's accounts page (``admin_pages.ACCOUNTS``; not imported: it imports this).
ADMIN_ACCOUNTS = GROUPS + "/admin/accounts"


def home_for(roles: frozenset[str]) -> str:
    """Where a signed-in person starts: a participant their reading, a group leader their
    groups, an administrator the accounts page; an author (nothing is assigned to them, and
    their tools are Git) their own account page, which says where those tools are."""
    if PARTICIPANTS in roles:
        return HOME
    if LEADERS in roles:
        return GROUPS
    if ADMINS in roles:
        return ADMIN_ACCOUNTS
    return LEADER_ACCOUNT if AUTHORS in roles else HOME


NEW_PASSWORD = "/sign-in/new-password"
CODE_PATH = "/sign-in/code"
# Where a session waiting on Cognito goes next.
WAITING = {CHALLENGE: NEW_PASSWORD, CODE: CODE_PATH}


def _continue(visit: Visit, started: Session) -> Redirect:
    """After a sign-in step: the next step, or the home page (with the new session's cookie).
    Signed in, a participant's browser takes the language they chose for their pages on any
    device (``Session.language``): it wins over the one this browser kept. With none kept
    (``""``), a language this browser kept goes (it may be the last person's on a shared
    phone): their pages follow their own browser's language."""
    location = WAITING.get(started.state) or home_for(started.roles)
    cookies: tuple[str, ...] = (session_cookie(started.session_id),)
    kept_id = visit.cookies.get(KEPT_FORM_COOKIE)
    if kept_id and started.state not in WAITING:
        try:
            location, cleared = _kept_place(kept_id, started, location)
        except SteadyError:  # not readable now: signed in all the same; the cookie stays
            logs.event("web_kept_form_not_read", logging.WARNING)
            cleared = ()
        cookies += cleared
    if started.language and started.language != visit.chosen_language:
        cookies += (language_cookie(started.language),)
    elif started.language == "" and LANG_COOKIE in visit.cookies:
        cookies += (expired_language_cookie(),)
    return Redirect(location, cookies=cookies)


def _kept_place(kept_id: str, started: Session, home: str) -> tuple[str, tuple[str, ...]]:
    """Where a sign-in goes when the browser names something kept when a session ended
    (``chalicelib.kept_forms``), and the cookie to clear, if any: a kept form's page, where it
    is shown again (the cookie stays until it is saved); a kept page (``PAGE``: this site's own
    paths only), which is then of no more use. Another account's is deleted, never shown, and
    the cookie naming it goes."""
    kept = kept_forms.find(kept_id, started.caller_id)
    if kept is not None and kept.kind in kept_forms.LESSON_FORMS:
        from chalicelib.web import reading_pages  # it imports this module

        return reading_pages.kept_address(kept), ()
    if kept is not None and kept.kind == kept_forms.PLAN_PART:
        return plan_pages.kept_address(kept), ()
    if kept is not None and kept.kind == kept_forms.PAGE:
        kept_forms.forget(kept_id)
        return (kept.target if own_path(kept.target) else home), (expired_kept_form_cookie(),)
    return home, (expired_kept_form_cookie(),)


# -- sign-in ------------------------------------------------------------------------------

# ``/sign-in?done=password_changed``: signed out everywhere after changing their password
# (``account_pages.change_password``), the sign-in page says so.
PASSWORD_CHANGED = "password_changed"
# ``/sign-in?done=access_ended`` (``http.ACCESS_ENDED_PATH``): their session met an ended access.
ACCESS_ENDED = "access_ended"
# ``/sign-in?done=signed_out``: where sign-out lands, saying it worked (a shared phone).
SIGNED_OUT_DONE = "signed_out"


def _chosen_locale(visit: Visit) -> str | None:
    """The language chosen in this sign-in: the ``?locale=`` of the sign-in page's address
    (a Spanish hand-out's link, the language link at the top), then carried by its form as
    ``locale``. Never the browser's language cookie (it may be the last person's on a shared
    phone), and not the ``locale`` of a sign-in page a session's end sent them to (that is the
    language the page was in, not a choice)."""
    if visit.form:
        asked = visit.form.get("locale")
    elif visit.query.get("done") in (*SIGNED_OUT.values(), *SIGNED_OUT_PAGE.values(), NOT_SAVED):
        asked = None
    else:
        asked = visit.query.get("locale")
    return asked if asked in LOCALES else None


def _sign_in_page(
    visit: Visit, template: str, error: BadRequest | None = None, **context: Any
) -> Html:
    lang = visit.language()
    shown = words.message(error, lang) if error is not None else None
    context = {"lang": lang, "error": shown, "status": None, **context}
    return Html(template, context, status=400 if error else 200)


def sign_in_form(visit: Visit) -> Any:
    if visit.caller is not None:
        return Redirect(home_for(visit.caller.roles))
    if visit.session is not None and visit.session.state in WAITING:
        return Redirect(WAITING[visit.session.state])
    token = visit.cookies.get(SIGN_IN_CSRF_COOKIE) or csrf.new_token()
    page = _sign_in_page(
        visit, "sign_in.html", csrf_token=token, username="", chosen_locale=_chosen_locale(visit)
    )
    done = visit.query.get("done")
    if done in (PASSWORD_CHANGED, SIGNED_OUT_DONE, NOT_SAVED) or (
        done in (*SIGNED_OUT.values(), *SIGNED_OUT_PAGE.values())
        and visit.cookies.get(KEPT_FORM_COOKIE)
    ):
        page.context["status"] = WORDS[page.context["lang"]][f"done_{done}"]
    if done == ACCESS_ENDED:
        page.context["status"] = WORDS[page.context["lang"]]["error_access_ended"]
    return Html(page.template, page.context, cookies=(sign_in_csrf_cookie(token),))


def sign_in_submit(visit: Visit) -> Any:
    username = visit.form.get("username", "").strip()
    chosen = _chosen_locale(visit)
    try:
        started = session.sign_in(username, visit.form.get("password", ""), chosen)
    except session.SignInFailed as error:
        if error.code == ACCESS_ENDED:
            # The right password, and nothing to fix in the form: a notice, once, not an
            # input error (the form's error summary and its field's message). The username is
            # not kept (the one refusal that does not): on a shared phone, the next person
            # would see whose account it was, under a notice that they left a program.
            page = _sign_in_page(visit, "sign_in.html", username="", chosen_locale=chosen)
            page.context["status"] = words.message(error, page.context["lang"])
            return Html(page.template, page.context, status=400)
        return _sign_in_page(
            visit, "sign_in.html", error, username=username[:128], chosen_locale=chosen
        )
    return _continue(visit, started)


def _start_over(visit: Visit, error: Unauthenticated) -> Html:
    """The sign-in form again, saying why: the Cognito challenge of a half-finished sign-in
    expired or was lost (``session.CHALLENGE_LOST``); the waiting session is already gone."""
    if error.code != "challenge_lost":
        raise error
    token = csrf.new_token()
    chosen = visit.session.chosen_language if visit.session is not None else ""
    page = _sign_in_page(
        visit, "sign_in.html", csrf_token=token, username="", chosen_locale=chosen or None
    )
    page.context["error"] = words.message(error, page.context["lang"])
    return Html(
        page.template, page.context, cookies=(sign_in_csrf_cookie(token), expired_session_cookie())
    )


def new_password_form(visit: Visit) -> Any:
    if visit.session is None or visit.session.state != CHALLENGE:
        return Redirect("/sign-in")
    return _sign_in_page(visit, "new_password.html")


def new_password_submit(visit: Visit) -> Any:
    if visit.session is None or visit.session.state != CHALLENGE:
        return Redirect("/sign-in")
    try:
        active = session.choose_password(
            visit.session,
            visit.form.get("new_password", ""),
            visit.form.get("confirm_password", ""),
        )
    except BadRequest as error:
        return _sign_in_page(visit, "new_password.html", error)
    except Unauthenticated as error:
        return _start_over(visit, error)
    return _continue(visit, active)


def code_form(visit: Visit) -> Any:
    if visit.session is None or visit.session.state != CODE:
        return Redirect("/sign-in")
    return _sign_in_page(visit, "sign_in_code.html")


def code_submit(visit: Visit) -> Any:
    if visit.session is None or visit.session.state != CODE:
        return Redirect("/sign-in")
    try:
        active = session.enter_code(visit.session, visit.form.get("code", ""))
    except BadRequest as error:
        return _sign_in_page(visit, "sign_in_code.html", error)
    except Unauthenticated as error:
        return _start_over(visit, error)
    return _continue(visit, active)


# ``?done=`` on a staff member's first page once two-step sign-in is set up (walk 15, 19.9).
TWO_STEP_ON = "two_step_on"


def _staff(caller: Caller) -> bool:
    """A group leader, author or administrator (or one whose roles wait for the set-up): their
    pages are English, with no link to the participants' Spanish."""
    return bool(caller.withheld) or caller.has_any((LEADERS, AUTHORS, ADMINS))


def _setup_language(visit: Visit, caller: Caller) -> dict[str, Any]:
    if _staff(caller):
        return {"lang": "en", "english_only": True}
    return {"lang": visit.language()}


def authenticator_form(visit: Visit) -> Html:
    caller = visit.signed_in()
    if not caller.withheld and services.current().authenticators.enabled(caller.username):
        return Html("authenticator.html", {**_setup_language(visit, caller), "on": True})
    return _setup_view(visit, caller, None)


def _setup_view(visit: Visit, caller: Caller, error: BadRequest | None) -> Html:
    assert visit.session is not None
    language = _setup_language(visit, caller)
    lang = language["lang"]
    secret = session.setup_secret(visit.session)
    uri = mfa.setup_uri(secret, caller.username)
    return Html(
        "authenticator.html",
        {
            **language,
            "on": False,
            "required": bool(caller.withheld),
            "secret": mfa.display_key(secret),
            "uri": uri,
            "qr": render.markup(render.qr_svg(uri, WORDS[lang]["qr_title"])),
            "error": words.message(error, lang) if error is not None else None,
        },
        status=400 if error else 200,
    )


def authenticator_submit(visit: Visit) -> Any:
    caller = visit.signed_in()
    assert visit.session is not None
    try:
        session.confirm_authenticator(visit.session, caller, visit.form.get("code", ""))
    except BadRequest as error:
        return _setup_view(visit, caller, error)
    home = home_for(caller.roles | caller.withheld)
    # Staff land on their first page with a word that it is on and what to do if the phone is
    # lost (a participant's optional set-up says so on its own page, ``two_step_on``).
    return Redirect(home + f"?done={TWO_STEP_ON}" if _staff(caller) else home)


def sign_out(visit: Visit) -> Any:
    if visit.session is not None:
        session.sign_out(visit.session)
    # The visit ends here, and so does what this browser kept of it: a form or page kept
    # when a session ended, and the language chosen (``http.LANG_COOKIE``): on a shared phone
    # the next person's sign-in page follows their own browser, and shows nothing of the
    # last person's language. (A participant's choice is kept with their account: their next
    # sign-in, anywhere, is in it.) The sign-in page says they are signed out.
    return Redirect(
        f"{SIGN_IN_PATH}?done={SIGNED_OUT_DONE}", cookies=leaving_cookies(visit.cookies)
    )


def stylesheet(visit: Visit) -> Asset:
    return Asset(
        render.stylesheet().text, "text/css; charset=utf-8", "public, max-age=31536000, immutable"
    )


# -- participants ---------------------------------------------------------------------------


def reading_locale(visit: Visit) -> str:
    """The language to read in: ``?locale=``, else the language chosen before, else what the
    browser asks for, else English. A ``?locale=`` the service does not have (an edited or
    forwarded link, ``?locale=fr``) is passed over as if absent: the page in its usual
    language, never an error page (the API's ``invalid_locale`` is for its clients)."""
    asked = visit.query.get("locale")
    if asked in LOCALES:
        return str(asked)
    return visit.chosen_language or preferred_locale(None, visit.headers.get("accept-language"))
