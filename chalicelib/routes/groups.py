"""Group leaders' routes: ``/groups/...``. Each parses the request, calls one use case and
formats its answer."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Created, Download, Endpoints, NoContent
from chalicelib.assignments import Pacing, meeting_days
from chalicelib.dashboard import CSV_WIDE
from chalicelib.errors import BadRequest
from chalicelib.identity import LEADERS

LEADER_ONLY = (LEADERS,)


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/groups", method="POST", roles=LEADER_ONLY, body={"name": str})
    def create_group(call: Call) -> Any:
        group, created = services.current().groups.create(
            call.caller, call.body["name"], call.headers.get("idempotency-key")
        )
        return Created(group.to_dict()) if created else group.to_dict()

    @endpoints.route("/groups", roles=LEADER_ONLY)
    def list_groups(call: Call) -> dict[str, Any]:
        return {"groups": [g.to_dict() for g in services.current().groups.mine(call.caller)]}

    @endpoints.route("/groups/{group_id}", roles=LEADER_ONLY, query=("include",))
    def get_group(call: Call) -> dict[str, Any]:
        include = call.query.get("include")
        if include not in (None, "former"):
            raise BadRequest('include is "former" or left out.', code="invalid_include")
        return (
            services.current()
            .groups.detail(call.caller, call.params["group_id"], former=include == "former")
            .to_dict()
        )

    @endpoints.route(
        "/groups/{group_id}",
        method="PATCH",
        roles=LEADER_ONLY,
        optional={"name": str, "archived": bool},
    )
    def update_group(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .groups.update(
                call.caller,
                call.params["group_id"],
                call.body.get("name"),
                call.body.get("archived"),
            )
            .to_dict()
        )

    @endpoints.route(
        "/groups/{group_id}/leaders", method="POST", roles=LEADER_ONLY, body={"username": str}
    )
    def add_leader(call: Call) -> Any:
        added = services.current().groups.add_leader(
            call.caller, call.params["group_id"], call.body["username"]
        )
        return Created(added.to_dict())

    @endpoints.route("/groups/{group_id}/leaders/{leader_id}", method="DELETE", roles=LEADER_ONLY)
    def remove_leader(call: Call) -> NoContent:
        services.current().groups.remove_leader(
            call.caller, call.params["group_id"], call.params["leader_id"]
        )
        return NoContent()

    @endpoints.route(
        "/groups/{group_id}/participants",
        method="POST",
        roles=LEADER_ONLY,
        body={"username": str},
        optional={"display_name": str, "create": bool, "email": str},
    )
    def enrol(call: Call) -> Any:
        body = call.body
        enrolled, added = services.current().enrolment.enrol(
            call.caller,
            call.params["group_id"],
            body["username"],
            body.get("display_name"),
            bool(body.get("create")),
            body.get("email"),
        )
        return Created(enrolled.to_dict()) if added else enrolled.to_dict()

    @endpoints.route(
        "/groups/{group_id}/participants/{participant_id}", method="DELETE", roles=LEADER_ONLY
    )
    def remove_participant(call: Call) -> NoContent:
        services.current().enrolment.remove(
            call.caller, call.params["group_id"], call.params["participant_id"]
        )
        return NoContent()

    @endpoints.route(
        "/groups/{group_id}/participants/{participant_id}",
        method="PATCH",
        roles=LEADER_ONLY,
        body={"display_name": str},
    )
    def rename_participant(call: Call) -> dict[str, Any]:
        """The name shown to the group's leaders for one participant: the use case of the web
        app's "Change the name shown" form, with its rule and audit entry."""
        return (
            services.current()
            .enrolment.rename(
                call.caller,
                call.params["group_id"],
                call.params["participant_id"],
                call.body["display_name"],
            )
            .to_dict()
        )

    @endpoints.route(
        "/groups/{group_id}/participants/{participant_id}/temporary-password",
        method="POST",
        roles=LEADER_ONLY,
    )
    def new_temporary_password(call: Call) -> dict[str, Any]:
        """A lost or forgotten password: a new temporary one, returned once."""
        return (
            services.current()
            .temporary_passwords.give(
                call.caller, call.params["group_id"], call.params["participant_id"]
            )
            .to_dict()
        )

    @endpoints.route(
        "/groups/{group_id}/assignments",
        method="POST",
        roles=LEADER_ONLY,
        optional={
            "module_id": str,
            "track_id": str,
            "version": int,
            "participant_id": str,
            "due_date": str,
            "session_date": str,
            "spread": bool,
            "every_days": int,
            "per_session": int,
            "meets_on": list,
        },
    )
    def assign(call: Call) -> Any:
        body = call.body
        assigned = services.current().assignments.assign(
            call.caller,
            call.params["group_id"],
            module_id=body.get("module_id"),
            track_id=body.get("track_id"),
            version=body.get("version"),
            participant_id=body.get("participant_id"),
            due_date=body.get("due_date"),
            session_date=body.get("session_date"),
            pacing=_pacing(body),
        )
        # Warnings about the dates (codes: ``assignments.date_warnings``), never refusals; with
        # ``already_assigned``, its modules other assignments give the same people, and the
        # dates that apply to them.
        answer = {**assigned.assignment.to_dict(), "warnings": list(assigned.warnings)}
        if assigned.overlaps:
            answer["already_assigned"] = [o.to_dict() for o in assigned.overlaps]
        return Created(answer)

    @endpoints.route(
        "/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}",
        method="PATCH",
        roles=LEADER_ONLY,
        optional={"due_date": str, "session_date": str, "left_out": bool},
    )
    def change_track_module(call: Call) -> dict[str, Any]:
        """One module of a track assignment: its own dates (when either date is sent; one not
        sent, or null, is no date) and whether it is left out (when ``left_out`` is sent)."""
        body, params = call.body, call.params
        use_case = services.current().assignments
        where = (call.caller, params["group_id"], params["assignment_id"], params["module_id"])
        if not ({"due_date", "session_date"} & set(body)) and body.get("left_out") is None:
            raise BadRequest(
                "Send due_date and session_date, or left_out.", code="nothing_to_change"
            )
        warnings: tuple[str, ...] = ()
        assignment = None
        if "due_date" in body or "session_date" in body:
            changed = use_case.change_module_dates(
                *where, body.get("due_date"), body.get("session_date")
            )
            assignment, warnings = changed.assignment, changed.warnings
        if body.get("left_out") is not None:
            assignment = use_case.leave_out(*where, left_out=bool(body["left_out"]))
        assert assignment is not None  # one of the two, as checked above
        return {**assignment.to_dict(), "warnings": list(warnings)}

    @endpoints.route(
        "/groups/{group_id}/assignments/{assignment_id}", method="DELETE", roles=LEADER_ONLY
    )
    def unassign(call: Call) -> NoContent:
        services.current().assignments.unassign(
            call.caller, call.params["group_id"], call.params["assignment_id"]
        )
        return NoContent()

    @endpoints.route("/groups/{group_id}/progress", roles=LEADER_ONLY)
    def progress(call: Call) -> dict[str, Any]:
        return services.current().dashboard.grid(call.caller, call.params["group_id"]).to_dict()

    @endpoints.route("/groups/{group_id}/progress.csv", roles=LEADER_ONLY, query=("form",))
    def progress_csv(call: Call) -> Download:
        # ``form``: "wide" (the default) or "long"; another answers 400 (invalid_form).
        form = call.query.get("form") or CSV_WIDE
        return Download(
            services.current().dashboard.csv(call.caller, call.params["group_id"], form)
        )

    @endpoints.route("/groups/{group_id}/attention", roles=LEADER_ONLY)
    def attention(call: Call) -> dict[str, Any]:
        return services.current().attention.group(call.caller, call.params["group_id"]).to_dict()

    @endpoints.route(
        "/groups/{group_id}/attention/seen",
        method="POST",
        roles=LEADER_ONLY,
        body={"participant_id": str, "reason": str},
        optional={"fingerprint": str},
    )
    def attention_seen(call: Call) -> dict[str, Any]:
        body = call.body
        return (
            services.current()
            .attention.mark_seen(
                call.caller,
                call.params["group_id"],
                body["participant_id"],
                body["reason"],
                body.get("fingerprint"),
            )
            .to_dict()
        )

    @endpoints.route(
        "/groups/{group_id}/attention/settings",
        method="PUT",
        roles=LEADER_ONLY,
        body={"inactive_days": int},
    )
    def attention_settings(call: Call) -> dict[str, Any]:
        days = services.current().attention.set_inactive_days(
            call.caller, call.params["group_id"], call.body["inactive_days"]
        )
        return {"inactive_days": days}

    return bp


def _pacing(body: dict[str, Any]) -> Pacing | None:
    """``spread: true`` (with ``every_days`` and ``per_session``, else 7 and 1; or, in place
    of ``every_days``, ``meets_on``: the weekdays the group meets on): the track spread over
    the group's sessions. Any of them without it is a mistake said as one, and so are
    ``every_days`` and ``meets_on`` together (two ways to say when the sessions are)."""
    every, per, days = body.get("every_days"), body.get("per_session"), body.get("meets_on")
    if not body.get("spread"):
        if every is not None or per is not None or days is not None:
            raise BadRequest(
                "every_days, per_session and meets_on go with spread: true.",
                code="invalid_pacing",
            )
        return None
    default = Pacing()
    if days is not None and every is not None:
        raise BadRequest("Give every_days or meets_on, not both.", code="interval_and_meeting_days")
    return Pacing(
        default.every_days if every is None else every,
        default.per_session if per is None else per,
        () if days is None else meeting_days(days),
    )
