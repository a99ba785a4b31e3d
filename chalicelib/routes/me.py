"""A participant's own records: ``/me/...``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Created, Endpoints
from chalicelib.errors import BadRequest
from chalicelib.identity import PARTICIPANTS
from chalicelib.library import DEFAULT_LOCALE

PAGE_SIZE = 50


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route(
        "/me/completions",
        method="POST",
        roles=(PARTICIPANTS,),
        body={"module_id": str, "version": int},
        optional={"answers": list, "locale": str},
    )
    def record_completion(call: Call) -> Any:
        recorded = services.current().reading.complete(
            call.caller,
            call.body["module_id"],
            call.body["version"],
            call.body.get("answers"),
            call.body.get("locale") or DEFAULT_LOCALE,
        )
        body = recorded.completion.to_dict()
        if recorded.attempt is not None:
            # Completed before without the check: these answers became its first try.
            body["attempt"] = recorded.attempt.to_dict()
        if recorded.feedback:
            body["feedback"] = [f.to_dict() for f in recorded.feedback]
        return Created(body) if recorded.created else body

    @endpoints.route(
        "/me/completions/{module_id}/attempts",
        method="POST",
        roles=(PARTICIPANTS,),
        body={"version": int, "attempt": int, "answers": list},
        optional={"locale": str},
    )
    def retake_check(call: Call) -> Any:
        """Answer the knowledge check of a completed version again: ``attempt`` is the next
        attempt number (a retry of the same number gets the stored attempt back, 200)."""
        retaken = services.current().reading.retake(
            call.caller,
            call.params["module_id"],
            call.body["version"],
            call.body["attempt"],
            call.body["answers"],
            call.body.get("locale") or DEFAULT_LOCALE,
        )
        body = retaken.attempt.to_dict()
        if retaken.feedback:
            body["feedback"] = [f.to_dict() for f in retaken.feedback]
        return Created(body) if retaken.created else body

    @endpoints.route("/me/completions", roles=(PARTICIPANTS,), query=("page_token", "limit"))
    def list_completions(call: Call) -> dict[str, Any]:
        page = services.current().reading.completions_page(
            call.caller, call.query.get("page_token"), _limit(call.query.get("limit"))
        )
        return {
            "completions": [c.to_dict() for c in page.completions],
            "next_page_token": page.next_page_token,
        }

    @endpoints.route("/me/assignments", roles=(PARTICIPANTS,))
    def my_assignments(call: Call) -> dict[str, Any]:
        return {
            "assignments": [
                a.to_dict() for a in services.current().reading.my_assignments(call.caller)
            ]
        }

    @endpoints.route("/me/access", roles=(PARTICIPANTS,), query=("page_token", "limit"))
    def my_access(call: Call) -> dict[str, Any]:
        """Who has seen my records: role, group and time, newest first (never who)."""
        page = services.current().access_log.mine(
            call.caller, call.query.get("page_token"), _limit(call.query.get("limit"))
        )
        return {
            "entries": [e.to_dict() for e in page.entries],
            "next_page_token": page.next_page_token,
        }

    @endpoints.route("/me/groups", roles=(PARTICIPANTS,))
    def my_groups(call: Call) -> dict[str, Any]:
        """My groups, with whether each one's leaders may see what I did before joining, and
        when my access ends (after leaving every group; null while it does not)."""
        return services.current().sharing.overview(call.caller).to_dict()

    @endpoints.route(
        "/me/groups/{group_id}/share-history",
        method="PUT",
        roles=(PARTICIPANTS,),
        body={"share": bool},
    )
    def share_history(call: Call) -> dict[str, Any]:
        """Let this group's leaders see what I did before joining it (or take it back)."""
        return (
            services.current()
            .sharing.set(call.caller, call.params["group_id"], call.body["share"])
            .to_dict()
        )

    return bp


def _limit(value: str | None) -> int:
    if value is None:
        return PAGE_SIZE
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 100:
        raise BadRequest("limit is a whole number from 1 to 100.", code="invalid_parameter")
    return int(value)
