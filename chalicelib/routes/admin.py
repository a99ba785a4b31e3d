"""Administrators' routes: leader and author accounts, turning any account off and on again,
authenticator resets, the audit trail. The rules are in ``chalicelib/administration.py``.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Created, Endpoints
from chalicelib.errors import BadRequest
from chalicelib.identity import ADMINS, LEADERS

ADMIN_ONLY = (ADMINS,)


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route(
        "/admin/accounts",
        method="POST",
        roles=ADMIN_ONLY,
        body={"username": str, "role": str},
        optional={"email": str},
    )
    def create_account(call: Call) -> Any:
        created = services.current().administration.create_account(
            call.caller, call.body["username"], call.body["role"], call.body.get("email")
        )
        result = created.account.to_dict()
        if created.temporary_password:
            result["temporary_password"] = created.temporary_password
        return Created(result)

    @endpoints.route("/admin/accounts", roles=ADMIN_ONLY, query=("role", "page_token"))
    def list_accounts(call: Call) -> dict[str, Any]:
        accounts, token = services.current().administration.list_accounts(
            call.query.get("role", LEADERS), call.query.get("page_token")
        )
        return {"accounts": [a.to_dict() for a in accounts], "next_page_token": token}

    @endpoints.route("/admin/accounts/{username}/disable", method="POST", roles=ADMIN_ONLY)
    def disable_account(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .administration.disable(call.caller, call.params["username"])
            .to_dict()
        )

    @endpoints.route("/admin/accounts/{username}/enable", method="POST", roles=ADMIN_ONLY)
    def enable_account(call: Call) -> dict[str, Any]:
        return (
            services.current().administration.enable(call.caller, call.params["username"]).to_dict()
        )

    @endpoints.route(
        "/admin/accounts/{username}/reset-authenticator", method="POST", roles=ADMIN_ONLY
    )
    def reset_authenticator(call: Call) -> dict[str, Any]:
        administration = services.current().administration
        return administration.reset_authenticator(call.caller, call.params["username"]).to_dict()

    @endpoints.route(
        "/admin/audit",
        roles=ADMIN_ONLY,
        query=("page_token", "limit", "participant", "actor", "until", "action"),
    )
    def audit_trail(call: Call) -> dict[str, Any]:
        limit = call.query.get("limit", "50")
        if not (limit.isascii() and limit.isdigit()):
            raise BadRequest("limit is a whole number from 1 to 100.", code="invalid_parameter")
        page = services.current().administration.audit_trail(
            call.caller,
            call.query.get("page_token"),
            int(limit),
            participant=call.query.get("participant"),
            until=call.query.get("until"),
            action=call.query.get("action"),
            actor=call.query.get("actor"),
        )
        return {"entries": page.entries, "next_page_token": page.next_page_token}

    return bp
