"""Your data (no JavaScript): download everything you wrote (JSON or PDF) or delete it, with
one use case call each (``chalicelib.my_data``; both audit-logged). Deleting needs a ticked
box; without it the same page comes back with an error summary. The page also links every
saved version of the plan in files that each fit in one response (the JSON download holds the
newest only when they are many): one Query per file listed (``MyDataService.version_files``,
10 at most, then a link that lists the next ones), each file audit-logged when downloaded."""

from __future__ import annotations

from typing import Any

from chalicelib import services
from chalicelib.api import Download
from chalicelib.errors import BadRequest
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.my_data import VersionFiles, parse_before
from chalicelib.web.http import Html, Redirect, Visit
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
    """POST /account/data/delete: delete every answer and plan version, once confirmed."""
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
    return Redirect(f"{PAGE}?deleted=1" + (f"&locale={lang}" if lang != DEFAULT_LOCALE else ""))


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
