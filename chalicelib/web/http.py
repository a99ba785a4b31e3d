"""The thin HTTP edge of the web app (the browser's counterpart of ``chalicelib.api``).

``Pages.route`` registers a Chalice route that (1) resumes the session from its cookie,
(2) sends a visitor who is not signed in to the sign-in page, and a leader or admin without
an authenticator to set one up (``chalicelib.mfa``), (3) checks the caller's role,
(4) checks the CSRF token of every form post, (5) calls a plain handler with a ``Visit`` and
(6) turns its result, or a ``SteadyError``, into an HTML response with the security headers.
A participant's page links to itself in the other language (``?locale=``); opening a
participant's page with ``?locale=`` keeps that choice in a cookie (``LANG_COOKIE``, cleared
at sign-out and quick exit), which ``Visit.language`` reads before the browser's
Accept-Language, and, for a signed-in participant, with their account (read back at their
next sign-in, on any device).
Every page registered this way is listed in ``Pages.registry`` so the web authorization test
can insist on a row per page. Pages do not use the API's bearer-token authorizer: browsers
send the session cookie instead.

``Pages.unknown_addresses`` registers the catch-all (``CATCH_ALL``): an address no route has
(a mistyped or old link) is the 404 page for a browser and the API's JSON 404 for anyone else
(``unknown_address``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, quote, urlencode

from chalice import Blueprint, Response

from chalicelib import kept_forms, logs, mfa, services, text
from chalicelib import sign_in as session
from chalicelib.access import last_full_day
from chalicelib.api import Download, error_response
from chalicelib.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    SteadyError,
    Unauthenticated,
)
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.sign_in import Session
from chalicelib.web import csrf, render, words

FORM = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 8192
SIGN_IN_PATH = "/sign-in"
# A signed-in session that meets an ended access (the alumni period is over) goes here: the
# sign-in page says so at once (``pages.sign_in_form``), not only after the password.
ACCESS_ENDED_PATH = SIGN_IN_PATH + "?done=access_ended"
# Forms may only post to this site, nothing may frame it, no script runs. Module images
# travel inside the module as data: URLs (steady_content.images), hence img-src data:.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

PUBLIC = "public"  # anyone, signed in or not (sign-in, the stylesheet)
SIGNED_IN = "signed-in"  # any role

# Every address no other route has: API Gateway's greedy path at the root, which takes only
# what nothing more specific matches (``steady_local.gateway`` gives it the same rule locally).
# Its methods: what a browser opens (GET, HEAD) or sends a form with (POST: a page left open
# across a release). Any other method there gets API Gateway's own JSON 404
# (MISSING_AUTHENTICATION_TOKEN in infra/resources.yaml), as a known address's missing method does.
CATCH_ALL = "/{proxy+}"
CATCH_ALL_METHODS = ("GET", "HEAD", "POST")
# The API's words for it (the JSON body, the same as the gateway response's).
NO_SUCH_PAGE = "There is no such page."


@dataclass(frozen=True)
class PageSpec:
    method: str
    path: str
    access: frozenset[str] | str
    signed_address: bool = False  # a post without CSRF token: its address is signed (``route``)
    keeps_form: bool = False  # a post that comes after the session ended is kept (``route``)


@dataclass(frozen=True)
class Visit:
    """Everything a page handler may know about the request."""

    caller: Caller | None
    session: Session | None
    params: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def csrf_token(self) -> str:
        if self.session is not None:
            return self.session.csrf
        return self.cookies.get(SIGN_IN_CSRF_COOKIE, "")

    def language(self) -> str:
        """The page's language: ``locale`` from the query or the form (this request's own
        choice), else the language the participant chose before (``LANG_COOKIE``), else what
        the browser asks for, else the default. A locale the service does not have is passed
        over, so a page in the wrong language is never an error page."""
        from chalicelib.library import preferred_locale
        from chalicelib.vocabulary import LOCALES

        for asked in (self.query.get("locale"), self.form.get("locale"), self.chosen_language):
            if asked in LOCALES:
                return str(asked)
        return preferred_locale(None, self.headers.get("accept-language"))

    @property
    def chosen_language(self) -> str | None:
        """The language kept in ``LANG_COOKIE`` (``None``: none, or not one the service has)."""
        from chalicelib.vocabulary import LOCALES

        chosen = self.cookies.get(LANG_COOKIE)
        return chosen if chosen in LOCALES else None

    def signed_in(self) -> Caller:
        if self.caller is None:
            raise Unauthenticated("Sign in to continue.")
        return self.caller


@dataclass(frozen=True)
class Html:
    template: str
    context: dict[str, Any]
    status: int = 200
    cookies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Redirect:
    location: str
    cookies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Asset:
    text: str
    content_type: str
    cache: str
    status: int = 200


SIGN_IN_CSRF_COOKIE = "steady_signin"
# The language a participant chose for the pages ("en" or "es", nothing else), kept a year
# while they come and go. Set when a participant page is opened with ``?locale=`` (the
# language link at the top of every page, a lesson's "Leer en español"), and at a
# participant's sign-in to the language kept with their account, if they chose one
# (``chalicelib.sign_in``); cleared at a sign-in with none kept and none chosen in it, at
# sign-out and at quick exit: on a shared phone the next person must not meet (nor learn)
# the last one's language, and the sign-in page then follows the browser's Accept-Language.
LANG_COOKIE = "steady_lang"
LANG_SECONDS = 365 * 86_400


def _cookie(name: str, value: str, max_age: int, same_site: str = "Lax", path: str = "/") -> str:
    """A Set-Cookie value: every cookie of ours is Secure and HttpOnly (no script reads one);
    ``max_age`` 0 deletes it."""
    return f"{name}={value}; Secure; HttpOnly; SameSite={same_site}; Path={path}; Max-Age={max_age}"


def session_cookie(session_id: str) -> str:
    return _cookie(session.COOKIE, session_id, session.LIFETIME_SECONDS)


def expired_session_cookie() -> str:
    return _cookie(session.COOKIE, "", 0)


def sign_in_csrf_cookie(token: str) -> str:
    return _cookie(SIGN_IN_CSRF_COOKIE, token, 3600, same_site="Strict", path=SIGN_IN_PATH)


def language_cookie(locale: str) -> str:
    return _cookie(LANG_COOKIE, locale, LANG_SECONDS)


def expired_language_cookie() -> str:
    return _cookie(LANG_COOKIE, "", 0)


def leaving_cookies(cookies: dict[str, str]) -> tuple[str, ...]:
    """At sign-out and quick exit: the cookies that end the visit (the session's, the form
    or page kept when a session ended, ``forget_kept_form``) and the language chosen
    (``LANG_COOKIE``), if the browser has one."""
    language = (expired_language_cookie(),) if LANG_COOKIE in cookies else ()
    return (expired_session_cookie(), *forget_kept_form(cookies), *language)


# A participant's form kept across a sign-out (``chalicelib.kept_forms``): the cookie holds its
# random id, for as long as it is kept. Not Strict: it must come with the sign-in's redirect.
KEPT_FORM_COOKIE = "steady_kept"
# ``/sign-in?done=…``: the session ended by time, and the form it brought is kept (or only
# the page that was being opened, ``_page``); the sign-in page says so.
SIGNED_OUT = {
    session.ENDED_INACTIVE: "signed_out_inactive",
    session.ENDED_EXPIRED: "signed_out_expired",
}
SIGNED_OUT_PAGE = {why: done + "_page" for why, done in SIGNED_OUT.items()}
# ``/sign-in?done=not_saved``: a participant's form came with no session at all (signed out in
# another tab, or the session's record gone): nothing kept, and the sign-in page says that what
# was sent was not saved, not nothing at all (walk 21, 15).
NOT_SAVED = "not_saved"


def kept_form_cookie(kept_id: str) -> str:
    return _cookie(KEPT_FORM_COOKIE, kept_id, kept_forms.KEEP_SECONDS)


def expired_kept_form_cookie() -> str:
    return _cookie(KEPT_FORM_COOKIE, "", 0)


def forget_kept_form(cookies: dict[str, str]) -> tuple[str, ...]:
    """At sign-out and quick exit, and once a kept form is saved: the form or page kept when a
    session ended, if the browser names one, is deleted (best effort: leaving, or a save
    already made, must never fail for it; the table's TTL ends it anyway) and so is its cookie.
    Returns the cookie that clears it (or none)."""
    kept_id = cookies.get(KEPT_FORM_COOKIE)
    if not kept_id:
        return ()
    try:
        kept_forms.forget(kept_id)
    except SteadyError:
        logs.event("kept_form_not_forgotten", logging.WARNING)
    return (expired_kept_form_cookie(),)


def forget_saved_form(
    cookies: dict[str, str], account_id: str, kind: str, target: str | tuple[str, ...]
) -> tuple[str, ...]:
    """After a save of the form ``kind`` for ``target`` (or any of several names of it): the
    form kept when a session ended, if the browser names one and it is this one (or gone, or
    another account's), is of no more use (``forget_kept_form``). Another form's kept one
    stays, to be shown on its own page."""
    targets = (target,) if isinstance(target, str) else target
    kept_id = cookies.get(KEPT_FORM_COOKIE)
    if not kept_id:
        return ()
    try:
        kept = kept_forms.find(kept_id, account_id)
    except SteadyError:  # saved all the same; the table's TTL ends it
        return ()
    if kept is not None and (kept.kind != kind or kept.target not in targets):
        return ()
    return forget_kept_form(cookies)


def parse_cookies(header: str | None) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = value.strip()
    return cookies


# Password boxes: their text is a secret, never rewritten (``text.as_typed`` is not applied);
# a pasted tab in one is refused, not turned into a space the person would not know their
# password holds. Only the control characters nobody types (``text.without_noise``) go, as
# from every field: the box showed nothing for them, so the password without them is the one
# the person saw, and no password can hold one (every way of setting one refuses them).
SECRET_FIELDS = frozenset({"password", "current_password", "new_password", "confirm_password"})


def parse_form(
    raw: bytes | None,
    max_bytes: int = MAX_FORM_BYTES,
    max_fields: int = 50,
    multiline: re.Pattern[str] | None = None,
    max_text: int = text.MAX_TEXT,
) -> dict[str, str]:
    """The form's fields (first value of each), every one held to the text rule; the fields
    whose names ``multiline`` matches in full (textareas) may hold line breaks.

    The one rule for a control character nobody types (NUL, ESC, DEL, a C1 control), in any
    field of any form: it is dropped here, before any handler sees the form (``text.as_typed``,
    ``text.without_noise``), and the form goes on as the person saw it. A box shows such a
    character as nothing, so refusing the form would ask them to remove what they cannot find.
    What is still refused (``RefusedText``): a value over ``max_text`` (``text.MAX_TEXT``
    unless the form checks its own limits: past every box's maxlength) and a tab or line
    break in a password box (a hand-made post, or a paste)."""
    raw = raw or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge("That form is too large.")
    try:
        fields = parse_qs(
            # Bytes that are not UTF-8 (only a hand-made post sends them unescaped; parse_qs
            # reads escaped ones so) are U+FFFD: never a lone surrogate, never a refusal.
            raw.decode("utf-8", errors="replace"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=max_fields,
        )
    except ValueError:  # more fields than ``max_fields``
        raise BadRequest("That form could not be read.") from None
    form: dict[str, str] = {}
    for sent, values in fields.items():
        name = text.without_noise(sent)
        if name in form:  # the same name once its noise is gone: the first, as parse_qs keeps
            continue
        form[name] = (
            text.without_noise(values[0])
            if name in SECRET_FIELDS
            else text.as_typed(
                values[0], multiline is not None and multiline.fullmatch(name) is not None
            )
        )
    for name, value in form.items():
        # parse_qs already turned bytes that are not UTF-8 into U+FFFD, pasted spacing is
        # what the box showed and noise is gone (``text.as_typed``); this refuses what is left
        # (over-long values, a password's tab), naming the field, before any handler sees it.
        lines = multiline is not None and multiline.fullmatch(name) is not None
        for checked, field_name, breaks, most in (
            (name, "", False, text.MAX_TEXT),
            (value, name, lines, max_text),
        ):
            found = text.problem(checked, most, multiline=breaks)
            if found is not None:
                locale = form.get("locale")
                raise RefusedText(
                    f"{field_name[:40] or 'A field name'} {found}.",
                    field=field_name,
                    limit=most if len(checked) > most else None,
                    locale=locale if locale and text.problem(locale) is None else None,
                )
    return form


class RefusedText(BadRequest):
    """A form field's text broke the one text rule (``chalicelib.text``): a control character,
    or longer than ``limit``. ``field`` is the form's name for it ("" when the name itself was
    refused) and ``locale`` the form's own ``locale`` field, if it was fine: the error page
    names the field in the words of the form's page and in its language
    (``words.refused_text``), not in the API's words ``message`` keeps."""

    def __init__(self, message: str, *, field: str, limit: int | None, locale: str | None) -> None:
        super().__init__(message, code=text.CODE)
        self.field = field
        self.limit = limit
        self.locale = locale


# Every page says when a participant's access ends, from this long before (its last month).
ACCESS_NOTICE_SECONDS = 31 * 86_400


def _access_ends_at(caller: Caller | None) -> int | None:
    """When a participant's access ends (epoch seconds; ``None``: not a participant, or it
    does not end), from the access check's cache (the request's own check filled it)."""
    if caller is None or PARTICIPANTS not in caller.roles:
        return None
    try:
        return services.current().access.ends_at(caller.id)
    except SteadyError:
        return None


def access_ends(caller: Caller | None, always: bool = False) -> str | None:
    """The last day a participant can use Steady all day (an ISO date in the program's time
    zone: ``access.last_full_day``), in their access's last month, or (``always``: the home
    page) at any time after they left their last group; else ``None``. Read from the access
    check's cache (the request's own check filled it): no DynamoDB call of its own."""
    ends_at = _access_ends_at(caller)
    svc = services.current()
    if ends_at is None or (not always and ends_at - svc.clock.epoch() > ACCESS_NOTICE_SECONDS):
        return None
    return last_full_day(ends_at, svc.clock.zone).isoformat()


def in_no_group(caller: Caller | None) -> bool:
    """Whether a participant is in no active group now: their access has an end, recorded
    exactly when they leave their last active group and taken away when they join one again
    (``chalicelib.enrolment``). From the same cache: no DynamoDB call."""
    return _access_ends_at(caller) is not None


def own_address(route: str, method: str, params: dict[str, str], query: dict[str, str]) -> str:
    """The address a browser opens to see the page this request shows, without ``locale``:
    for a GET, the request's own path and query; for a form post shown again (a refused
    answer), the page of the nearest route above it that a browser can open
    (``/lesson/{code}/complete`` → the lesson, ``/account/data/delete`` → ``/account/data``)."""
    if method != "GET":
        pages = {spec.path for spec in Pages.registry if spec.method == "GET"}
        parts = route.split("/")
        while len(parts) > 1 and "/".join(parts) not in pages:
            parts.pop()
        route, query = "/".join(parts) or "/", {}
    path = re.sub(r"\{(\w+)\}", lambda m: quote(params.get(m.group(1), ""), safe=""), route)
    kept = {k: v for k, v in query.items() if k != "locale"}
    return path + ("?" + urlencode(kept) if kept else "")


def language_link(address: str, lang: str) -> dict[str, str]:
    """The link to this page in the other language: ``?locale=`` names it (and keeps it)."""
    other = words.WORDS[lang]["switch_lang"]
    sep = "&" if "?" in address else "?"
    return {
        "href": f"{address}{sep}locale={other}",
        "lang": other,
        "name": words.LANGUAGE_NAMES[other],
    }


def page(result: Html, visit: Visit, address: str | None = None) -> Response:
    """``result`` as an HTML page; with ``address`` (the page's own, ``own_address``), with the
    link to it in the other language (participants' pages only: leader pages are English)."""
    lang = result.context.get("lang", "en")
    context = {
        **render.page_context(lang, visit.caller, visit.csrf_token, services.current().clock.zone),
        # The home page says so from the day they leave (``left_group``), every page in the
        # last month.
        "access_ends": access_ends(visit.caller, bool(result.context.get("left_group"))),
        # Pages that name "your group leaders" say otherwise to a participant in no group.
        "in_no_group": in_no_group(visit.caller),
        # ``english_only``: a page open to everyone that is a staff member's (two-step set-up).
        "language_choice": language_link(address, lang)
        if address is not None and not result.context.get("english_only")
        else None,
        **result.context,
    }
    return _response(render.render(result.template, context), result.status, {}, result.cookies)


def _response(
    body: str | bytes, status: int, headers: dict[str, str], cookies: Iterable[str] = ()
) -> Response:
    merged: dict[str, Any] = {**PAGE_HEADERS, **headers}
    cookies = list(cookies)
    if cookies:
        merged["Set-Cookie"] = cookies if len(cookies) > 1 else cookies[0]
    return Response(body=body, status_code=status, headers=merged)


def redirect(location: str, cookies: Iterable[str] = ()) -> Response:
    return _response("", 303, {"Location": location}, cookies)


def error_page(
    error: SteadyError,
    visit: Visit,
    english_only: bool = False,
    form_page: str | None = None,
    address: str | None = None,
    cookies: tuple[str, ...] = (),
) -> Response:
    """The page for a refusal no form of the page's own shows, in the page's language (English
    on leader pages, ``english_only``) and in its words (``words.problem``). Form text the
    service refuses (``RefusedText``) is named in the words of its form, in the form's language,
    with a link back to the page of the form (``form_page``). ``address``: the page's own, for
    the link to it in the other language (as on every participant's page)."""
    if isinstance(error, RefusedText):
        visit = replace(visit, form={"locale": error.locale} if error.locale else {})
    lang = "en" if english_only else visit.language()
    heading, message = words.problem(error, lang)
    if isinstance(error, RefusedText):
        message = words.refused_text(error.field, lang, error.limit)
    context = {"lang": lang, "heading": heading, "message": message, "form_page": form_page}
    result = Html("problem.html", context, error.status, cookies)
    response = page(result, visit, None if english_only else address)
    if error.status == 503:
        response.headers["Retry-After"] = "2"
    return response


def wants_page(accept: str | None) -> bool:
    """Whether the caller asks for a page: its Accept header names ``text/html`` (weight above
    0) at least as highly as ``application/json``, as every browser's does. An API client
    (JSON, ``*/*``, or no Accept at all) does not."""
    weights: dict[str, float] = {}
    for part in (accept or "").lower().split(","):
        kind, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[kind] = max(weights.get(kind, 0.0), weight)
    html = weights.get("text/html", 0.0)
    return html > 0 and html >= weights.get("application/json", 0.0)


def unknown_address(method: str, headers: dict[str, str], query: dict[str, str]) -> Response:
    """The answer to an address no route has (``CATCH_ALL``; ``headers`` with lower-case
    names). A browser (``wants_page``) gets the 404 page, in the reader's language (``?locale=``,
    the language cookie, Accept-Language) with the crisis line and a link to the start page,
    and its language link leads to the sign-in page (which goes on home when signed in) in the
    other language. Anyone else gets the API's JSON 404, ``{"error": {"code": "not_found", ...}}``.

    The page is the same for everyone: it reads no session (an unknown address costs no
    lookup and says nothing of who asks) and never shows the address, which may hold anything
    a person typed."""
    if wants_page(headers.get("accept")):
        visit = Visit(None, None, {}, query, {}, parse_cookies(headers.get("cookie")), headers)
        error = NotFound(NO_SUCH_PAGE, code="no_such_page")  # its own words (words.problem)
        response = error_page(error, visit, address=SIGN_IN_PATH)
    else:
        response = error_response(NotFound(NO_SUCH_PAGE))
    if method == "HEAD":
        response.body = ""  # API Gateway sends none; chalice local would
    return response


def kept_language(visit: Visit, method: str) -> tuple[str, ...]:
    """The cookie that keeps ``?locale=`` on a participant's page, when it is a new choice: a
    GET's only (a form's ``locale`` is the language of the page it was on, not a choice).
    A signed-in participant's switch to the other language (``?locale=`` naming another one
    than the page would be in without it: the link at the top) is kept with their account too
    (``ReminderService.keep_language``: one UpdateItem), so the next sign-in on another device
    is in it. An address that only repeats the language the page is in anyway (a redirect
    after a form, in a browser set to Spanish) is no switch: nothing is kept with the account,
    or a Spanish browser alone would make every device Spanish."""
    asked = visit.query.get("locale")
    if method == "GET" and asked in words.WORDS and visit.chosen_language != asked:
        without = {k: v for k, v in visit.query.items() if k != "locale"}
        switched = replace(visit, query=without, form={}).language() != asked
        if switched and visit.caller is not None:
            try:
                services.current().reminders.keep_language(visit.caller, str(asked))
            except SteadyError:
                # This browser keeps it all the same; another device will not know it yet.
                logs.event("language_not_kept", logging.WARNING)
        return (language_cookie(str(asked)),)
    return ()


def keep_form(
    ended: Session,
    why: str,
    kind: str,
    target: str,
    raw: bytes | None,
    limits: tuple[int, int, re.Pattern[str] | None, int],
) -> Redirect | None:
    """A participant's form post that came after their session ended by time (``ended``,
    ``why``): kept (``kept_forms.keep``) and the way to the sign-in page that says so, with the
    cookie naming it. ``None`` (nothing kept: the sign-in page as before) unless its CSRF
    token is that session's, its text passes the form's rules and the keeping worked."""
    if PARTICIPANTS not in ended.roles:
        return None
    try:
        form = parse_form(raw, *limits)
        csrf.check(ended.csrf, form.get(csrf.FIELD))
        fields = {k: v for k, v in form.items() if k != csrf.FIELD}
        kept_id = kept_forms.keep(ended.caller_id, kind, target, fields)
    except SteadyError:
        return None
    done = SIGNED_OUT_PAGE[why] if kind in kept_forms.CHOICES else SIGNED_OUT[why]
    location = f"{SIGN_IN_PATH}?done={done}"
    locale = fields.get("locale")
    if locale in words.WORDS and locale != "en":
        location += f"&locale={locale}"
    return Redirect(location, cookies=(kept_form_cookie(kept_id),))


def keep_page(ended: Session, why: str, address: str) -> Redirect | None:
    """A page opened after its session ended by time (``ended``, ``why``): the place kept
    (``kept_forms.PAGE``, this site's own path, for that same account) and the way to the
    sign-in page that says so, with the cookie naming it. ``None`` if it could not be kept."""
    try:
        kept_id = kept_forms.keep(ended.caller_id, kept_forms.PAGE, address, {})
    except SteadyError:
        return None
    location = f"{SIGN_IN_PATH}?done={SIGNED_OUT_PAGE[why]}"
    return Redirect(location, cookies=(kept_form_cookie(kept_id),))


def own_path(address: str) -> bool:
    """``address`` is a path of this site (``/…``), never another site's (``//host``, ``/\\host``,
    a scheme): the only kind of place the sign-in goes back to."""
    return (
        address.startswith("/")
        and not address.startswith(("//", "/\\"))
        and "\\" not in address
        and not any(c in address for c in "\r\n\t")
    )


class Pages:
    registry: ClassVar[list[PageSpec]] = []

    def __init__(self, blueprint: Blueprint) -> None:
        self._bp = blueprint

    def route(
        self,
        path: str,
        method: str = "GET",
        access: Iterable[str] | str = SIGNED_IN,
        before_mfa: bool = False,
        max_form_bytes: int = MAX_FORM_BYTES,
        max_form_fields: int = 50,
        multiline: str | None = None,
        max_text: int = text.MAX_TEXT,
        signed_address: bool = False,
        keeps_form: tuple[str, str] | None = None,
        ends_visit: bool = False,
    ) -> Callable[[Callable[[Visit], Any]], Callable[..., Response]]:
        """Register ``handler(visit)`` at ``method path`` for ``access`` (roles, SIGNED_IN or PUBLIC).

        ``multiline`` is a pattern for the names of the form's textareas: their text may hold
        line breaks, every other field's may not. ``max_text``: the most characters any field
        may send (``parse_form``); a form whose own limit is checked by its use case (a
        worksheet's answers, the plan's items) lets more through, so that an answer over that
        limit comes back in the same form, kept and named, not as a problem page.

        ``before_mfa`` pages are open to a caller whose roles are withheld until an authenticator
        is set up (the set-up page itself); every other page sends that caller there.

        ``signed_address`` posts carry their own authority in the address (a signed token the
        handler checks, as a reminder's stop link): their body is not read and no CSRF token is
        asked for, so a person who is not signed in here, or a mail client's one-click post
        (RFC 8058, sent as multipart or as a plain form), can send them.

        ``keeps_form`` (a participant's form post: its kind, ``chalicelib.kept_forms``, and the
        address parameter naming its page's target): a post that comes after the session ended
        by time, with that session's CSRF token, is kept (``keep_form``) for the same person's
        next sign-in, not dropped.

        ``ends_visit`` (sign-out, the quick exit): a CSRF token that is missing or does not
        match (no live session, or a tab left from an earlier one) does not stop it; and the
        page works whatever the account's state (access ended, or its check failing), as for
        someone signed out, with the session at hand to end. Otherwise, after the session
        timed out, or in a tab of an earlier session, the person signing out would get "This
        form has expired" with the session and the browser's cookies (language, kept forms)
        left for the next person on a shared phone. A forged cross-site one carries no
        session cookie (SameSite=Lax) and at worst would sign someone out (the quick exit's
        GET clears the same cookies)."""
        allowed: frozenset[str] | str = access if isinstance(access, str) else frozenset(access)
        lines = re.compile(multiline) if multiline else None
        Pages.registry.append(
            PageSpec(method, path, allowed, signed_address, keeps_form is not None)
        )
        # Pages no participant opens are in English (chalicelib.web.words).
        leaders_only = not isinstance(allowed, str) and PARTICIPANTS not in allowed

        def decorate(handler: Callable[[Visit], Any]) -> Callable[..., Response]:
            def view(**params: str) -> Response:
                request = self._bp.current_request
                headers = {k.lower(): v for k, v in (request.headers or {}).items()}
                cookies = parse_cookies(headers.get("cookie"))
                visit = Visit(
                    None, None, params, dict(request.query_params or {}), {}, cookies, headers
                )
                stale_cookie: tuple[str, ...] = ()
                ended: list[tuple[Session, str]] = []
                try:
                    resumed = (
                        None
                        if path.startswith("/static/")
                        else session.resume(
                            cookies.get(session.COOKIE),
                            (lambda s, why: ended.append((s, why))) if allowed != PUBLIC else None,
                        )
                    )
                    if resumed is None and cookies.get(session.COOKIE):
                        stale_cookie = (expired_session_cookie(),)
                    if resumed is not None:
                        caller = resumed[1]
                        if caller is not None:
                            try:
                                caller = services.current().admit(caller)
                            except SteadyError:
                                if not ends_visit:
                                    raise
                                # Leaving never fails: with the account's access just ended
                                # (or its check unavailable) the quick exit and sign-out still
                                # end this session and clear the browser's cookies.
                                caller = None
                        visit = Visit(caller, resumed[0], params, visit.query, {}, cookies, headers)
                    if allowed != PUBLIC:
                        if visit.caller is None:
                            kept = None
                            if ended and method == "GET":
                                kept = keep_page(
                                    *ended[0], own_address(path, method, params, visit.query)
                                )
                            elif ended and keeps_form:
                                kept = keep_form(
                                    *ended[0],
                                    keeps_form[0],
                                    params.get(keeps_form[1], "")[:100],
                                    cast(bytes | None, request.raw_body),
                                    (max_form_bytes, max_form_fields, lines, max_text),
                                )
                            if kept is not None:
                                return redirect(kept.location, stale_cookie + kept.cookies)
                            if keeps_form and method == "POST":
                                return redirect(f"{SIGN_IN_PATH}?done={NOT_SAVED}", stale_cookie)
                            return redirect(SIGN_IN_PATH, stale_cookie)
                        if visit.caller.withheld and not before_mfa:
                            return redirect(mfa.SETUP_PATH, stale_cookie)
                        if allowed != SIGNED_IN and not visit.caller.has_any(allowed):  # type: ignore[arg-type]
                            raise Forbidden("Your account cannot open this page.")
                    if method == "POST" and not signed_address:
                        raw = cast(bytes | None, request.raw_body)
                        form = parse_form(raw, max_form_bytes, max_form_fields, lines, max_text)
                        visit = Visit(
                            visit.caller, visit.session, params, visit.query, form, cookies, headers
                        )
                        try:
                            csrf.check(visit.csrf_token, form.get(csrf.FIELD))
                        except Forbidden:
                            if not ends_visit:
                                raise
                            # Leaving never fails: a token that does not match (none, or a
                            # tab left from an earlier session of this browser, timed out
                            # since, and someone signed in again) still ends the session at
                            # hand and clears the cookies, as any sign-out. The attacker's
                            # case: a forged cross-site POST carries no session cookie
                            # (SameSite=Lax, set explicitly: a cross-site POST never sends
                            # it), so it has no session to end; and were one to reach here
                            # it would only sign someone out, which harms no one (the
                            # quick exit's GET, with no token at all, does the same).
                            logs.event("web_sign_out_token_not_matched", logging.INFO)
                    result = handler(visit)
                    # ``?locale=`` on a participant's page is a choice of language: kept.
                    chosen = () if leaders_only else kept_language(visit, method)
                except Unauthenticated as error:
                    access_ended = error.code == "access_ended"
                    return redirect(
                        ACCESS_ENDED_PATH if access_ended else SIGN_IN_PATH,
                        stale_cookie or (expired_session_cookie(),),
                    )
                except SteadyError as error:
                    if error.status >= 500:
                        logs.event(
                            "dependency_unavailable", logging.WARNING, route=path, code=error.code
                        )
                    # A refused form's page, to go back to (the form posts to it or below it).
                    form_page = (
                        own_address(path, method, params, {})
                        if isinstance(error, RefusedText)
                        else None
                    )
                    # A leader page's refusal is in English, like the page, unless it refuses a
                    # participant (a link to a leader page): theirs is in their language, and
                    # its language link goes to their home page, not back to an address that
                    # names a group or a person (a refusal echoes no id).
                    english = leaders_only and (
                        visit.caller is None or PARTICIPANTS not in visit.caller.roles
                    )
                    return error_page(
                        error,
                        visit,
                        english,
                        form_page,
                        "/" if leaders_only else own_address(path, method, params, visit.query),
                        () if english else kept_language(visit, method),
                    )
                if isinstance(result, Redirect):
                    return redirect(result.location, stale_cookie + chosen + result.cookies)
                if isinstance(result, Asset):
                    return Response(
                        body=result.text,
                        status_code=result.status,
                        headers={
                            "Content-Type": result.content_type,
                            "Cache-Control": result.cache,
                            "X-Content-Type-Options": "nosniff",
                        },
                    )
                if isinstance(result, Download):
                    return _response(result.file.text, 200, result.headers())
                html = Html(
                    result.template,
                    result.context,
                    result.status,
                    stale_cookie + chosen + result.cookies,
                )
                address = None if leaders_only else own_address(path, method, params, visit.query)
                return page(html, visit, address)

            view.__name__ = "page_" + handler.__name__
            view.__doc__ = handler.__doc__
            content_types = [FORM] if method == "POST" else None
            if method == "POST" and signed_address:
                content_types = [FORM, "multipart/form-data"]  # RFC 8058 posts either
            options: dict[str, Any] = {"methods": [method]}
            if content_types:
                options["content_types"] = content_types
            routed: Callable[..., Response] = self._bp.route(path, **options)(view)
            return routed

        return decorate

    def unknown_addresses(self) -> None:
        """Register the catch-all (``CATCH_ALL``): every address no other route has is answered
        by ``unknown_address``. Listed in ``registry`` (PUBLIC) like every page; it reads no
        session, no form and no CSRF token: it changes nothing and shows only the 404 page."""
        for method in CATCH_ALL_METHODS:
            Pages.registry.append(PageSpec(method, CATCH_ALL, PUBLIC))

        def unknown_address_page() -> Response:
            # No arguments: chalice passes none for a greedy path (``{proxy+}``).
            request = self._bp.current_request
            headers = {k.lower(): v for k, v in (request.headers or {}).items()}
            return unknown_address(request.method, headers, dict(request.query_params or {}))

        # Any content type: a JSON or multipart post to an unknown address is a 404, not a 415.
        self._bp.route(CATCH_ALL, methods=list(CATCH_ALL_METHODS), content_types=["*/*"])(
            unknown_address_page
        )
