"""Your data (no JavaScript): download everything you wrote (JSON or PDF) or delete it, with
one use case call each (``chalicelib.my_data``; both audit-logged). Deleting needs a ticked
box; without it the same page comes back with an error summary."""

from __future__ import annotations

from typing import Any

from chalicelib import services
from chalicelib.api import Download
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.web.http import Html, Redirect, Visit
from chalicelib.web.words import WORDS

PAGE = "/account/data"
DELETE = "/account/data/delete"
DOWNLOAD = "/account/data/download"


def data_page(visit: Visit) -> Html:
    """GET /account/data."""
    visit.signed_in()
    lang = visit.language()
    return Html(
        "my_data.html", {"lang": lang, "errors": [], "deleted": visit.query.get("deleted") == "1"}
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
            caller, visit.query.get("format") or "json", visit.language()
        )
    )
