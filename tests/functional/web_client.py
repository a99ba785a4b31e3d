"""A tiny cookie-keeping browser over chalice.test.Client for the web app's functional tests,
and the steps the participant page tests share: sign in, save a worksheet, complete a lesson,
read an error summary and the input it points at, a form's fields as a browser sends them; a
group with one assignment through the API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from chalicelib.library import lesson_code
from steady_local import totp
from tests.conftest import Account, shipped_version

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Page:
    status: int
    headers: dict
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def csrf(self) -> str:
        match = CSRF.search(self.body)
        assert match, f"no csrf field in:\n{self.body[:2000]}"
        return match.group(1)


@dataclass
class WebClient:
    client: object
    cookies: dict = field(default_factory=dict)
    language: str | None = None  # sent as Accept-Language, like a browser set to that language

    def _send(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Page:
        sent = dict(headers or {})
        if self.language:
            sent["Accept-Language"] = self.language
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = getattr(self.client.http, method)(path, headers=sent, body=body)  # type: ignore[attr-defined]
        lowered = {k.lower(): v for k, v in response.headers.items()}
        for cookie in _set_cookies(response.headers):
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        text = response.body.decode() if isinstance(response.body, bytes) else (response.body or "")
        return Page(response.status_code, lowered, text)

    def get(self, path: str) -> Page:
        return self._send("get", path)

    def head(self, path: str) -> Page:
        return self._send("head", path)

    def post(
        self, path: str, form: dict, content_type: str = "application/x-www-form-urlencoded"
    ) -> Page:
        return self._send("post", path, urlencode(form), {"Content-Type": content_type})

    def post_encoded(self, path: str, body: str) -> Page:
        """Post a form body encoded by the caller (e.g. bytes no browser would send)."""
        return self._send("post", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(
        self,
        username: str,
        password: str = "Correct-horse-42",
        authenticator: str | None = None,
        path: str = "/sign-in",
    ) -> Page:
        """Sign in from the sign-in page at ``path`` (``/sign-in?locale=es``: a Spanish link),
        sending its form as a browser does (its hidden fields too); with an ``authenticator``
        secret, also answer the code step."""
        form = self.get(path)
        hidden = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.body)
        )
        page = self.post(
            "/sign-in", {**hidden, "csrf": form.csrf(), "username": username, "password": password}
        )
        if authenticator is not None and page.location == "/sign-in/code":
            page = self.enter_code(authenticator)
        return page

    def enter_code(
        self,
        authenticator: str,
        path: str = "/sign-in/code",
        typed: Callable[[str], str] = str,
    ) -> Page:
        """Post the current code, as ``typed`` writes it (once more if the 30-second window
        turned meanwhile)."""
        form = self.get(path)
        window = totp.step()
        page = self.post(path, {"csrf": form.csrf(), "code": typed(totp.code(authenticator))})
        if page.status == 400 and totp.step() != window:
            page = self.post(path, {"csrf": form.csrf(), "code": typed(totp.code(authenticator))})
        return page


@dataclass
class File:
    """A download as bytes (``WebClient`` pages are text)."""

    status: int
    headers: dict  # lowercase names
    body: bytes


def download(browser: WebClient, path: str) -> File:
    """``path`` fetched with ``browser``'s cookies, as a browser asks for a page, kept as bytes
    (a PDF)."""
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    response = browser.client.http.get(  # type: ignore[attr-defined]
        path, headers={"Cookie": cookie, "Accept": "text/html,*/*;q=0.8"}
    )
    lowered = {k.lower(): v for k, v in response.headers.items()}
    return File(response.status_code, lowered, response.body)


def signed_in(client: object, account: Account, language: str | None = None) -> WebClient:
    """A browser (in ``language``, if given) signed in as ``account``."""
    browser = WebClient(client, language=language)
    assert browser.sign_in(account.username, authenticator=account.authenticator).status == 303
    return browser


def lesson_path(module_id: str) -> str:
    """A module's lesson page (its opaque address)."""
    return f"/lesson/{lesson_code(module_id)}"


def error_summary(page: Page) -> list[tuple[str, str]]:
    """The error summary's links: (where to, what it says)."""
    box = page.body[page.body.index('class="error-summary"') :]
    box = box[: box.index("</ul>")]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)


def assert_field_error(page: Page, field: str, error_id: str, message: str) -> None:
    """A form came back with one input at fault: the error summary links ``field`` alone with
    ``message``, the input is marked invalid and described by the message (``error_id``),
    which stands beside it."""
    assert error_summary(page) == [(field, message)]
    marked = rf'id="{re.escape(field)}"[^>]*aria-invalid="true" aria-describedby="{error_id}"'
    assert re.search(marked, page.body), f"{field} not marked invalid"
    assert f'<p class="error" id="{error_id}">{message}</p>' in page.body


class _FormFields(HTMLParser):
    """The fields of the form posting to ``action`` (a browser's successful controls)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").split("?")[0] == self.action
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value", "on")
        elif self.inside and tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(page: Page, action: str) -> dict[str, str]:
    """What a browser sends from ``page``'s form posting to ``action``, as the page shows it
    (inputs with their values, textareas, ticked boxes only): to type into, then post."""
    parser = _FormFields(action)
    parser.feed(page.body)
    # A browser drops the one line break that follows <textarea>.
    return {k: v.removeprefix("\n") for k, v in parser.fields.items()}


def save_worksheet(
    browser: WebClient,
    module_id: str,
    answers: dict[str, str],
    token: str | None = None,
    locale: str | None = None,
) -> Page:
    """Post ``answers`` (``answer-…`` fields) to a module's worksheet form, for its shipped
    version in ``locale`` (sent only when given), with ``token`` or the lesson page's own."""
    path = lesson_path(module_id)
    form = {
        "csrf": token or browser.get(path).csrf(),
        "version": str(shipped_version(module_id, locale or "en")),
    }
    if locale is not None:
        form["locale"] = locale
    return browser.post(f"{path}/worksheet", {**form, **answers})


def complete_lesson(browser: WebClient, module_id: str, token: str | None = None) -> Page:
    """Mark a module's shipped version complete from its lesson page (no knowledge check)."""
    path = lesson_path(module_id)
    form = {"csrf": token or browser.get(path).csrf(), "version": str(shipped_version(module_id))}
    return browser.post(f"{path}/complete", form)


def group_with(
    client: Any,
    leader: Account,
    members: Sequence[tuple[Account, str]],
    **assignment: Any,
) -> str:
    """Through the API: ``leader`` creates "Tuesday group", enrols ``members`` ((account,
    display name)) and assigns ``assignment`` (``module_id=…`` or ``track_id=…``, dates) to
    the whole group. Returns the group id."""

    def post(path: str, body: dict[str, Any]) -> Any:
        response = client.http.post(path, headers=leader.headers, body=json.dumps(body))
        assert response.status_code == 201, response.body
        return json.loads(response.body)

    group_id = post("/groups", {"name": "Tuesday group"})["group_id"]
    for account, name in members:
        post(
            f"/groups/{group_id}/participants",
            {"username": account.username, "display_name": name},
        )
    post(f"/groups/{group_id}/assignments", assignment)
    return str(group_id)


def _set_cookies(headers: dict) -> list[str]:
    # chalice.test returns multi-value headers joined or as a list, depending on the version.
    for name, value in headers.items():
        if name.lower() == "set-cookie":
            if isinstance(value, list):
                return value
            return [value]
    return []


def search_library(browser: WebClient, words: str, topic: str = "") -> Page:
    """Search the library as its form does: a post with the CSRF token of the library page,
    then the results' address it redirects to (the words sealed in an opaque token), as a
    browser follows it; an error comes back on the post itself. ``topic``: an option's value
    (a topic code) or ''."""
    token = browser.get("/library").csrf()
    posted = browser.post("/library", {"csrf": token, "q": words, "topic": topic})
    if posted.status != 303:
        return posted
    assert words.lower() not in posted.location.lower(), posted.location
    return browser.get(posted.location)
