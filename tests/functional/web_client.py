"""A tiny cookie-keeping browser over chalice.test.Client for the web app's functional tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from steady_local import totp

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

    def post(
        self, path: str, form: dict, content_type: str = "application/x-www-form-urlencoded"
    ) -> Page:
        return self._send("post", path, urlencode(form), {"Content-Type": content_type})

    def post_encoded(self, path: str, body: str) -> Page:
        """Post a form body encoded by the caller (e.g. bytes no browser would send)."""
        return self._send("post", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(
        self, username: str, password: str = "Correct-horse-42", authenticator: str | None = None
    ) -> Page:
        """Sign in; with an ``authenticator`` secret, also answer the code step."""
        form = self.get("/sign-in")
        page = self.post(
            "/sign-in", {"csrf": form.csrf(), "username": username, "password": password}
        )
        if authenticator is not None and page.location == "/sign-in/code":
            page = self.enter_code(authenticator)
        return page

    def enter_code(self, authenticator: str, path: str = "/sign-in/code") -> Page:
        """Post the current code (once more if the 30-second window turned meanwhile)."""
        form = self.get(path)
        window = totp.step()
        page = self.post(path, {"csrf": form.csrf(), "code": totp.code(authenticator)})
        if page.status == 400 and totp.step() != window:
            page = self.post(path, {"csrf": form.csrf(), "code": totp.code(authenticator)})
        return page


def _set_cookies(headers: dict) -> list[str]:
    # chalice.test returns multi-value headers joined or as a list, depending on the version.
    for name, value in headers.items():
        if name.lower() == "set-cookie":
            if isinstance(value, list):
                return value
            return [value]
    return []
