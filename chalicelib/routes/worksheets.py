"""Worksheet routes: a participant's own answers (``/me/worksheets/...``) and a group
leader's "Before the session" (``/groups/{group_id}/worksheets/{module_id}``). Each parses the
request, calls one use case (``chalicelib.worksheets``) and formats its answer."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Endpoints, NoContent
from chalicelib.identity import LEADERS, PARTICIPANTS
from chalicelib.library import DEFAULT_LOCALE

# A worksheet of several long answers (2,000 characters each, up to 4 bytes a character)
# is larger than the 4 KB other routes take.
MAX_WORKSHEET_BODY = 64 * 1024


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route(
        "/me/worksheets/{module_id}",
        method="PUT",
        roles=(PARTICIPANTS,),
        body={"version": int, "answers": dict},
        optional={"locale": str, "based_on": str},
        max_body=MAX_WORKSHEET_BODY,
        multiline=("answers",),  # long-text answers; the use case refuses them in short ones
    )
    def save_worksheet(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .worksheets.save(
                call.caller,
                call.params["module_id"],
                call.body["version"],
                call.body["answers"],
                call.body.get("locale") or DEFAULT_LOCALE,
                call.body.get("based_on"),
            )
            .to_dict()
        )

    @endpoints.route("/me/worksheets/{module_id}", roles=(PARTICIPANTS,), query=("locale",))
    def my_worksheet(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .worksheets.mine(
                call.caller, call.params["module_id"], call.query.get("locale") or DEFAULT_LOCALE
            )
            .to_dict()
        )

    @endpoints.route(
        "/me/worksheets/{module_id}/earlier-saves", roles=(PARTICIPANTS,), query=("locale",)
    )
    def earlier_saves(call: Call) -> dict[str, Any]:
        """The caller's own earlier saves of one worksheet (the last 10), newest first."""
        return (
            services.current()
            .worksheets.earlier(
                call.caller, call.params["module_id"], call.query.get("locale") or DEFAULT_LOCALE
            )
            .to_dict()
        )

    @endpoints.route(
        "/me/worksheets/{module_id}/sharing",
        method="PUT",
        roles=(PARTICIPANTS,),
        body={"shared": bool},
    )
    def share_worksheet(call: Call) -> dict[str, Any]:
        shared = services.current().worksheets.share(
            call.caller, call.params["module_id"], call.body["shared"]
        )
        return {"module_id": call.params["module_id"], "shared": shared}

    @endpoints.route("/me/worksheets", roles=(PARTICIPANTS,))
    def export_worksheets(call: Call) -> dict[str, Any]:
        """Everything the caller wrote in worksheets (their download; audit-logged)."""
        sheets = services.current().worksheets.everything(call.caller)
        return {"worksheets": [s.to_dict() for s in sheets]}

    @endpoints.route("/me/worksheets", method="DELETE", roles=(PARTICIPANTS,))
    def delete_worksheets(call: Call) -> NoContent:
        """Delete every answer the caller wrote (audit-logged)."""
        services.current().worksheets.delete_mine(call.caller)
        return NoContent()

    @endpoints.route("/groups/{group_id}/worksheets/{module_id}", roles=(LEADERS,))
    def before_the_session(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .worksheets.before_session(
                call.caller, call.params["group_id"], call.params["module_id"]
            )
            .to_dict()
        )

    return bp
