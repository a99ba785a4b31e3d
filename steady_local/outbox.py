"""Messages that would have been sent: moto keeps SES emails and SNS texts in this process.

``make run`` serves them at ``<moto url>/steady-outbox`` (JSON, newest last) and
``make -s outbox`` prints them; ``make -s remind`` runs the quarter-hour reminder job once.
"""

from __future__ import annotations

import json
from typing import Any

PATH = "/steady-outbox"


def messages() -> list[dict[str, Any]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    found: list[dict[str, Any]] = []
    for region, backend in ses_backends[DEFAULT_ACCOUNT_ID].items():
        for message in getattr(backend, "sent_messages", []):
            if hasattr(message, "raw_data"):  # SendRawEmail: a reminder, with its stop headers
                found.append({"channel": "email", "region": region, **_raw(message)})
                continue
            found.append(
                {
                    "channel": "email",
                    "region": region,
                    "to": message.destinations.get("ToAddresses", []),
                    "subject": getattr(message, "subject", ""),
                    "body": getattr(message, "body", ""),
                }
            )
    for region, backend in sns_backends[DEFAULT_ACCOUNT_ID].items():
        for number, text, *_ in getattr(backend, "sms_messages", {}).values():
            found.append(
                {"channel": "sms", "region": region, "to": [number], "subject": "", "body": text}
            )
    return found


def _raw(message: Any) -> dict[str, Any]:
    """A raw email's recipients, subject, text and RFC 8058 one-click stop headers."""
    import email
    from email import policy

    data = message.raw_data
    mail = email.message_from_bytes(
        data if isinstance(data, bytes) else str(data).encode(), policy=policy.default
    )
    body = mail.get_body(("plain",))
    return {
        "to": list(dict.fromkeys(message.destinations)),  # moto adds the To header's again
        "subject": str(mail.get("Subject", "")),
        "body": body.get_content() if body is not None else "",
        "list_unsubscribe": str(mail.get("List-Unsubscribe", "")),
        "list_unsubscribe_post": str(mail.get("List-Unsubscribe-Post", "")),
    }


def response(start_response: Any) -> list[bytes]:
    body = json.dumps({"messages": messages()}, indent=1).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
    return [body]


def show(items: list[dict[str, Any]]) -> str:
    if not items:
        return (
            "No messages yet (reminders go out when something is due; codes when a participant"
            " changes their address)."
        )
    blocks = []
    for item in items:
        head = f"[{item['channel']}] to {', '.join(item['to'])}" + (
            f" - {item['subject']}" if item["subject"] else ""
        )
        blocks.append(f"{head}\n{item['body'].rstrip()}")
    return "\n\n".join(blocks)
