"""Administrators' routes: leader and author accounts, turning any account off and on again,
authenticator resets, the audit trail.

Only admins disable and enable accounts, of every role (participants included: a clinic's
admin acts on a discharge or a safety concern; a group leader may not, because a leader can
reach only their own groups and an account is wider than a group). An admin cannot disable
their own account, so a program is never left without one by mistake.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.accounts import Account
from chalicelib.api import Call, Created, Endpoints
from chalicelib.errors import BadRequest
from chalicelib.identity import ADMINS, AUTHORS, LEADERS, PARTICIPANTS
from chalicelib.records.audit import new_entry

ADMIN_ONLY = (ADMINS,)
MANAGED_ROLES = (LEADERS, AUTHORS)


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/admin/accounts", method="POST", roles=ADMIN_ONLY,
                     body={"username": str, "role": str}, optional={"email": str})
    def create_account(call: Call) -> Any:
        role = call.body["role"]
        if role not in MANAGED_ROLES:
            raise BadRequest("Admins create leader and author accounts here.", code="invalid_role")
        svc = services.current()
        account, password = svc.accounts.create(call.body["username"], role, call.body.get("email"))
        svc.audit.record(new_entry(call.caller.id, call.caller.roles, "account.create",
                                   svc.clock.iso(), detail={"account_id": account.id, "role": role}))
        result = account.to_dict()
        if password:
            result["temporary_password"] = password
        return Created(result)

    @endpoints.route("/admin/accounts", roles=ADMIN_ONLY, query=("role", "page_token"))
    def list_accounts(call: Call) -> dict[str, Any]:
        role = call.query.get("role", LEADERS)
        if role not in MANAGED_ROLES:
            raise BadRequest("role is leaders or authors.", code="invalid_role")
        accounts, token = services.current().accounts.list_role(role, call.query.get("page_token"))
        return {"accounts": [a.to_dict() for a in accounts], "next_page_token": token}

    @endpoints.route("/admin/accounts/{username}/disable", method="POST", roles=ADMIN_ONLY)
    def disable_account(call: Call) -> dict[str, Any]:
        """Any account but the caller's own: Cognito stops its sign-in and signs it out
        everywhere, its tokens stop working (at once here, within 5 minutes on every container)
        and its web sessions end at once."""
        svc = services.current()
        target = svc.accounts.find(call.params["username"])
        if target.id == call.caller.id:
            raise BadRequest("Admins cannot turn off their own account.", code="own_account")
        account = svc.accounts.disable(target.username)
        svc.access.end(account.id)
        svc.sessions.end_all(account.id)
        svc.authenticators.forget(account.username)
        svc.audit.record(_account_entry(call, "account.disable", account, svc.clock.iso()))
        return account.to_dict()

    @endpoints.route("/admin/accounts/{username}/enable", method="POST", roles=ADMIN_ONLY)
    def enable_account(call: Call) -> dict[str, Any]:
        """Let a disabled account sign in again; tokens from before the disable stay ended."""
        svc = services.current()
        account = svc.accounts.enable(call.params["username"])
        svc.audit.record(_account_entry(call, "account.enable", account, svc.clock.iso()))
        return account.to_dict()

    @endpoints.route("/admin/accounts/{username}/reset-authenticator", method="POST", roles=ADMIN_ONLY)
    def reset_authenticator(call: Call) -> dict[str, Any]:
        """A lost phone: the account signs in with its password next time and sets up a new one."""
        svc = services.current()
        account = svc.accounts.reset_authenticator(call.params["username"])
        svc.authenticators.forget(account.username)
        svc.audit.record(new_entry(call.caller.id, call.caller.roles, "account.reset_authenticator",
                                   svc.clock.iso(), detail={"account_id": account.id}))
        return account.to_dict()

    @endpoints.route("/admin/audit", roles=ADMIN_ONLY, query=("page_token", "limit"))
    def audit_trail(call: Call) -> dict[str, Any]:
        limit = call.query.get("limit", "50")
        if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= 100:
            raise BadRequest("limit is a whole number from 1 to 100.", code="invalid_parameter")
        entries, token = services.current().audit.page(call.query.get("page_token"), int(limit))
        return {"entries": entries, "next_page_token": token}

    return bp


def _account_entry(call: Call, action: str, account: Account, at: str) -> dict[str, Any]:
    """An account change's audit entry; a participant's account is findable by participant."""
    participant_ids = [account.id] if PARTICIPANTS in account.roles else []
    return new_entry(call.caller.id, call.caller.roles, action, at, participant_ids=participant_ids,
                     detail={"account_id": account.id, "roles": sorted(account.roles)})
