"""A participant's own records: ``/me/...``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import participants, services
from chalicelib.api import Call, Created, Endpoints
from chalicelib.errors import BadRequest
from chalicelib.identity import PARTICIPANTS
from chalicelib.library import DEFAULT_LOCALE

PAGE_SIZE = 50


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route(
        "/me/completions", method="POST", roles=(PARTICIPANTS,),
        body={"module_id": str, "version": int}, optional={"answers": list, "locale": str},
    )
    def record_completion(call: Call) -> Any:
        svc = services.current()
        completion, created, feedback = participants.record_completion(
            call.caller, call.body["module_id"], call.body["version"], svc.library, svc.completions,
            call.body.get("answers"), call.body.get("locale") or DEFAULT_LOCALE,
        )
        body = completion.to_dict()
        if feedback:
            body["feedback"] = feedback
        return Created(body) if created else body

    @endpoints.route("/me/completions", roles=(PARTICIPANTS,), query=("page_token", "limit"))
    def list_completions(call: Call) -> dict:
        limit = _limit(call.query.get("limit"))
        items, token = participants.list_completions(
            call.caller, services.current().completions, call.query.get("page_token"), limit
        )
        return {"completions": [c.to_dict() for c in items], "next_page_token": token}

    @endpoints.route("/me/assignments", roles=(PARTICIPANTS,))
    def my_assignments(call: Call) -> dict:
        return {"assignments": services.current().groups.my_assignments(call.caller)}

    return bp


def _limit(value: str | None) -> int:
    if value is None:
        return PAGE_SIZE
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 100:
        raise BadRequest("limit is a whole number from 1 to 100.", code="invalid_parameter")
    return int(value)
