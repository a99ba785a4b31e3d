"""A participant's reminder choice: ``/me/reminders`` (participants only; leaders have no route
to anyone's reminders or contact details)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, Endpoints
from chalicelib.identity import PARTICIPANTS

ONLY_PARTICIPANTS = (PARTICIPANTS,)
CHOICES = {
    "enabled": bool,
    "channel": str,
    "time": str,
    "days": list,
    "trigger": str,
    "quiet_hours": dict,
    "timezone": str,
    "locale": str,
    "plan_every": str,
    "plan_day": str,
}


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/me/reminders", roles=ONLY_PARTICIPANTS)
    def my_reminders(call: Call) -> dict[str, Any]:
        return services.current().reminders.view(call.caller).to_dict()

    @endpoints.route("/me/reminders", method="PUT", roles=ONLY_PARTICIPANTS, optional=CHOICES)
    def change_reminders(call: Call) -> dict[str, Any]:
        """Fields left out keep their value; quiet_hours null clears them, plan_every null turns
        the plan reminder off."""
        changes = {
            k: v
            for k, v in call.body.items()
            if v is not None or k in ("quiet_hours", "plan_every")
        }
        return services.current().reminders.update(call.caller, changes).to_dict()

    @endpoints.route(
        "/me/reminders/contact",
        method="POST",
        roles=ONLY_PARTICIPANTS,
        optional={"email": str, "phone": str},
    )
    def change_contact(call: Call) -> dict[str, Any]:
        """Sends a code to the new address; the old one stays until the code is confirmed."""
        return (
            services.current()
            .reminders.request_contact_change(
                call.caller, call.body.get("email"), call.body.get("phone")
            )
            .to_dict()
        )

    @endpoints.route(
        "/me/reminders/contact/confirm", method="POST", roles=ONLY_PARTICIPANTS, body={"code": str}
    )
    def confirm_contact(call: Call) -> dict[str, Any]:
        return (
            services.current().reminders.confirm_contact(call.caller, call.body["code"]).to_dict()
        )

    @endpoints.route("/me/reminders/contact", method="DELETE", roles=ONLY_PARTICIPANTS)
    def delete_contact(call: Call) -> dict[str, Any]:
        """Forgets the email and phone number; reminders turn off."""
        return services.current().reminders.delete_contact(call.caller).to_dict()

    return bp
