"""Your data (no JavaScript): download everything you wrote (JSON or PDF) or delete it, with
one use case call each (``chalicelib.my_data``; both audit-logged). Deleting needs a ticked
box; without it the same page comes back with an error summary. The page also links every
saved version of the plan in files that each fit in one response (the JSON download holds the
newest only when they are many): one Query per file listed (``MyDataService.version_files``,
10 at most, then a link that lists the next ones), each file audit-logged when downloaded."""

from __future__ import annotations

from typing import Any

from chalicelib import kept_forms, services
from chalicelib.api import Download
from chalicelib.errors import BadRequest
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.my_data import VersionFiles, parse_before
from chalicelib.web.http import (
    KEPT_FORM_COOKIE,
    Html,
    Redirect,
    Visit,
    expired_kept_form_cookie,
)
from chalicelib.web.words import WORDS

PAGE = "/account/data"
DELETE = "/account/data/delete"
DOWNLOAD = "/account/data/download"
PLAN_VERSIONS = "/account/data/plan-versions"
# Where a web download's versions left out are: this app's own file, not the API's page.
NEXT_FILE = PLAN_VERSIONS + "?before={before}"


def version_files(visit: Visit) -> VersionFiles:
    """The files of the plan's saved versions this look lists: from the newest, or below
    ``?before=`` (the link to the next ones; one that is not a version number is passed over,
    as a page passes over an unknown locale)."""
    caller = visit.signed_in()
    try:
        before = parse_before(visit.query.get("before"))
    except BadRequest:
        before = None
    return services.current().my_data.version_files(caller, before)


def data_page(visit: Visit) -> Html:
    """GET /account/data."""
    visit.signed_in()
    lang = visit.language()
    return Html(
        "my_data.html",
        {
            "lang": lang,
            "errors": [],
            "deleted": visit.query.get("deleted") == "1",
            "files": version_files(visit),
        },
    )


def delete(visit: Visit) -> Any:
    """POST /account/data/delete: delete every answer and plan version, once confirmed, and
    the form this browser kept when a session ended, with its cookie."""
    caller = visit.signed_in()
    lang = visit.language()
    if visit.form.get("confirm") != "1":
        return Html(
            "my_data.html",
            {
                "lang": lang,
                "deleted": False,
                "errors": [("confirm", WORDS[lang]["data_confirm_needed"])],
                "files": version_files(visit),
            },
            status=400,
        )
    services.current().my_data.delete(caller)
    # A form kept when a session ended (``chalicelib.kept_forms``: answers typed, health
    # information, up to an hour in the table) is something they wrote too: ``my_data.delete``
    # deletes every one kept for them, on any device (by their pointers, ``records/
    # kept_forms.py``); the one this browser names is deleted again here (harmless) with its
    # cookie, or the lesson page would look for it. Not best effort: a failure is an error
    # page and the retry (the deletion is idempotent) still has the cookie.
    kept_id = visit.cookies.get(KEPT_FORM_COOKIE)
    cleared: tuple[str, ...] = ()
    if kept_id:
        kept_forms.forget(kept_id)
        cleared = (expired_kept_form_cookie(),)
    return Redirect(
        f"{PAGE}?deleted=1" + (f"&locale={lang}" if lang != DEFAULT_LOCALE else ""),
        cookies=cleared,
    )


def download(visit: Visit) -> Download:
    """GET /account/data/download?format=json|pdf."""
    caller = visit.signed_in()
    return Download(
        services.current().my_data.download(
            caller, visit.query.get("format") or "json", visit.language(), NEXT_FILE
        )
    )


def plan_versions(visit: Visit) -> Download:
    """GET /account/data/plan-versions?before=: one file of the plan's saved versions (the
    API's ``/me/data/plan-versions`` page, naming this app's next file)."""
    caller = visit.signed_in()
    return Download(
        services.current().my_data.plan_versions_page(caller, visit.query.get("before"), NEXT_FILE)
    )
