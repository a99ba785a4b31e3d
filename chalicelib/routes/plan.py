"""My plan through the API (``/me/plan...``): read it, save an edited version, list and read
earlier versions, download it as text or PDF, delete it; and the participant's own data
(``/me/data...``): everything they wrote, to download (JSON or PDF) or delete. Each parses the
request, calls one use case (``chalicelib.plan``, ``chalicelib.my_data``) and formats its
answer."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Download, EncodedJson, Endpoints, NoContent
from chalicelib.identity import PARTICIPANTS
from chalicelib.library import DEFAULT_LOCALE

# A full plan: up to 60,000 characters of up to 4 bytes each, in JSON.
MAX_PLAN_BODY = 320 * 1024


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/me/plan", roles=(PARTICIPANTS,), query=("locale",))
    def my_plan(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .plans.mine(call.caller, call.query.get("locale") or DEFAULT_LOCALE)
            .to_dict()
        )

    @endpoints.route(
        "/me/plan",
        method="PUT",
        roles=(PARTICIPANTS,),
        body={"sections": dict},
        optional={"based_on": int, "locale": str, "shown": list},
        max_body=MAX_PLAN_BODY,
        multiline=("sections",),  # item texts; the use case refuses them in names and phones
    )
    def save_plan(call: Call) -> dict[str, Any]:
        """Save the plan as edited (``Plans.save``). ``shown``: the ``source`` of every worksheet
        answer the client showed (from the plan it read); a worksheet answer left out of a given
        section is removed only if it was in the saved version or ``shown`` names it. Without
        ``shown``, answers marked new (and, before the first save, every answer) stay in the
        plan, so that an answer written while the client was editing is never lost."""
        return (
            services.current()
            .plans.save(
                call.caller,
                call.body.get("based_on"),
                call.body["sections"],
                call.body.get("locale") or DEFAULT_LOCALE,
                call.body.get("shown"),
            )
            .to_dict()
        )

    @endpoints.route("/me/plan/versions", roles=(PARTICIPANTS,), query=("page_token",))
    def plan_versions(call: Call) -> dict[str, Any]:
        versions, token = services.current().plans.versions(
            call.caller, call.query.get("page_token")
        )
        return {"versions": [v.to_dict() for v in versions], "next_page_token": token}

    @endpoints.route("/me/plan/versions/{version}", roles=(PARTICIPANTS,), query=("locale",))
    def plan_version(call: Call) -> dict[str, Any]:
        return (
            services.current()
            .plans.version(
                call.caller, call.params["version"], call.query.get("locale") or DEFAULT_LOCALE
            )
            .to_dict()
        )

    @endpoints.route(
        "/me/plan/download", roles=(PARTICIPANTS,), query=("format", "version", "locale")
    )
    def download_plan(call: Call) -> Download:
        """The plan (or one saved version) as plain text or PDF; the time it was saved in the
        participant's own time zone, as the web app's download writes it."""
        svc = services.current()
        return Download(
            svc.plans.download(
                call.caller,
                call.query.get("format") or "pdf",
                call.query.get("version"),
                call.query.get("locale") or DEFAULT_LOCALE,
                svc.reminders.zone_of(call.caller),
            )
        )

    @endpoints.route("/me/plan", method="DELETE", roles=(PARTICIPANTS,))
    def delete_plan(call: Call) -> NoContent:
        """Delete every version of my plan (audit-logged)."""
        services.current().plans.delete_mine(call.caller)
        return NoContent()

    @endpoints.route("/me/data/download", roles=(PARTICIPANTS,), query=("format", "locale"))
    def download_my_data(call: Call) -> Download:
        """Everything I wrote (answers, plan versions), JSON or PDF (audit-logged). The JSON
        holds the newest plan versions that fit in one response; ``plan_versions_left_out``
        names the page with the others (``/me/data/plan-versions``)."""
        return Download(
            services.current().my_data.download(
                call.caller,
                call.query.get("format") or "json",
                call.query.get("locale") or DEFAULT_LOCALE,
            )
        )

    @endpoints.route("/me/data/plan-versions", roles=(PARTICIPANTS,), query=("before",))
    def my_plan_versions(call: Call) -> EncodedJson:
        """The saved versions of my plan numbered below ``before`` that the download left out,
        the newest that fit in one response, and what this page leaves out in turn
        (``plan_versions_left_out.next``), until version 1 (audit-logged)."""
        page = services.current().my_data.plan_versions_page(call.caller, call.query.get("before"))
        return EncodedJson(page.text if isinstance(page.text, str) else page.text.decode())

    @endpoints.route("/me/data", method="DELETE", roles=(PARTICIPANTS,))
    def delete_my_data(call: Call) -> dict[str, Any]:
        """Delete everything I wrote: worksheet answers and every plan version (audit-logged)."""
        return services.current().my_data.delete(call.caller).to_dict()

    return bp
