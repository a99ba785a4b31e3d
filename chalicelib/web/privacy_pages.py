"""Who sees your records (no JavaScript): for each of your groups, whether its leaders may see
what you did before you joined it (the visibility rule; ``chalicelib.sharing``), and who has
seen or changed your records, newest first (``chalicelib.access_log``). One use case call per
page or form; the choice is audit-logged by the use case."""

from __future__ import annotations

from typing import Any

from chalicelib import services
from chalicelib.errors import BadRequest, NotFound
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.web.http import Html, Redirect, Visit

PAGE = "/account/privacy"
SHARE = "/account/privacy/share"


def _page(visit: Visit, lang: str, errors: list[tuple[str, str]], status: int = 200) -> Html:
    caller = visit.signed_in()
    svc = services.current()
    try:
        access = svc.access_log.mine(caller, visit.query.get("page") or None, 25)
    except BadRequest:  # a page token that is not ours: start from the newest
        access = svc.access_log.mine(caller, None, 25)
    context: dict[str, Any] = {
        "lang": lang,
        "errors": errors,
        "groups": svc.sharing.my_groups(caller),
        "entries": access.entries,
        "next_page": access.next_page_token,
        "changed": visit.query.get("changed") == "1",
    }
    return Html("privacy.html", context, status=status)


def privacy_page(visit: Visit) -> Html:
    """GET /account/privacy[?page=token]."""
    return _page(visit, visit.language(), [])


def share(visit: Visit) -> Any:
    """POST /account/privacy/share: group_id, share=1 (allow) or 0 (take back)."""
    caller = visit.signed_in()
    lang = visit.language()
    choice = visit.form.get("share")
    if choice not in ("0", "1"):
        return _page(visit, lang, [("groups", "privacy_choose")], status=400)
    try:
        services.current().sharing.set(caller, visit.form.get("group_id", ""), choice == "1")
    except NotFound:
        return _page(visit, lang, [("groups", "privacy_no_group")], status=404)
    suffix = f"&locale={lang}" if lang != DEFAULT_LOCALE else ""
    return Redirect(f"{PAGE}?changed=1{suffix}")
