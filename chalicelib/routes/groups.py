"""Group leaders' routes: ``/groups/...``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Created, Download, Endpoints, NoContent
from chalicelib.identity import LEADERS

LEADER_ONLY = (LEADERS,)


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    def groups():  # type: ignore[no-untyped-def]
        return services.current().groups

    @endpoints.route("/groups", method="POST", roles=LEADER_ONLY, body={"name": str})
    def create_group(call: Call) -> Any:
        group, created = groups().create_group(call.caller, call.body["name"], call.headers.get("idempotency-key"))
        return Created(group) if created else group

    @endpoints.route("/groups", roles=LEADER_ONLY)
    def list_groups(call: Call) -> dict:
        return {"groups": groups().my_groups(call.caller)}

    @endpoints.route("/groups/{group_id}", roles=LEADER_ONLY)
    def get_group(call: Call) -> dict:
        return groups().group_detail(call.caller, call.params["group_id"])

    @endpoints.route("/groups/{group_id}", method="PATCH", roles=LEADER_ONLY,
                     optional={"name": str, "archived": bool})
    def update_group(call: Call) -> dict:
        return groups().update_group(
            call.caller, call.params["group_id"], call.body.get("name"), call.body.get("archived")
        )

    @endpoints.route("/groups/{group_id}/leaders", method="POST", roles=LEADER_ONLY, body={"username": str})
    def add_leader(call: Call) -> Any:
        return Created(groups().add_leader(call.caller, call.params["group_id"], call.body["username"]))

    @endpoints.route("/groups/{group_id}/participants", method="POST", roles=LEADER_ONLY,
                     body={"username": str}, optional={"display_name": str, "create": bool, "email": str})
    def enrol(call: Call) -> Any:
        result, added = groups().enrol(call.caller, call.params["group_id"], call.body)
        return Created(result) if added else result

    @endpoints.route("/groups/{group_id}/participants/{participant_id}", method="DELETE", roles=LEADER_ONLY)
    def remove_participant(call: Call) -> NoContent:
        groups().remove_participant(call.caller, call.params["group_id"], call.params["participant_id"])
        return NoContent()

    @endpoints.route("/groups/{group_id}/assignments", method="POST", roles=LEADER_ONLY,
                     optional={"module_id": str, "track_id": str, "version": int, "participant_id": str,
                               "due_date": str, "session_date": str})
    def assign(call: Call) -> Any:
        return Created(groups().assign(call.caller, call.params["group_id"], call.body))

    @endpoints.route("/groups/{group_id}/assignments/{assignment_id}", method="DELETE", roles=LEADER_ONLY)
    def unassign(call: Call) -> NoContent:
        groups().unassign(call.caller, call.params["group_id"], call.params["assignment_id"])
        return NoContent()

    @endpoints.route("/groups/{group_id}/progress", roles=LEADER_ONLY)
    def progress(call: Call) -> dict:
        return groups().progress(call.caller, call.params["group_id"])

    @endpoints.route("/groups/{group_id}/progress.csv", roles=LEADER_ONLY)
    def progress_csv(call: Call) -> Download:
        text = groups().progress_csv(call.caller, call.params["group_id"])
        return Download(text, "text/csv; charset=utf-8", "group-progress.csv")

    return bp
