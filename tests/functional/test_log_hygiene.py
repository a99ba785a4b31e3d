"""Logs are structured JSON with a request id and pseudonymous ids only.

The run-wide check lives in tests/conftest.py (every log line of the whole run against every
display name, email and knowledge-check answer the tests sent). This file sends distinctive
ones through every route that takes them, so that check has something real to find, and
checks the per-request log line itself.
"""

from __future__ import annotations

import json

from tests.conftest import LOG_HYGIENE, make_account

DISPLAY_NAME = "Zephyrine Quillfeather-Okonkwo"
EMAIL = "zephyrine.quillfeather@example.org"
ADMIN_MADE_EMAIL = "vesper.marlowe-ashgrove@example.net"
BAD_NAME = "Ottoline\x07Brackenridge"


def events_since(mark: int) -> list[dict]:
    found = []
    for line in LOG_HYGIENE.lines[mark:]:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def test_requests_are_logged_with_a_request_id_and_no_names(
    client, published, stack, shipped_modules
):
    leader = make_account(stack, "leader-log-hygiene", "leaders")
    admin = make_account(stack, "admin-log-hygiene", "admins")
    participant = make_account(stack, "participant-log-hygiene", "participants")
    module = next(
        m for m in shipped_modules if m.module_id == "thinking-traps" and m.locale == "en"
    )
    right = [q["answer"] for q in module.meta["knowledge_check"]]
    mark = len(LOG_HYGIENE.lines)

    def send(method, path, account, body):  # type: ignore[no-untyped-def]
        response = getattr(client.http, method)(
            path, headers=account.headers, body=json.dumps(body)
        )
        return response.status_code, json.loads(response.body) if response.body else None

    status, group = send("post", "/groups", leader, {"name": "Log hygiene group"})
    assert status == 201
    gid = group["group_id"]
    status, _ = send(
        "post",
        f"/groups/{gid}/participants",
        leader,
        {
            "username": "zq-log-hygiene",
            "display_name": DISPLAY_NAME,
            "create": True,
            "email": EMAIL,
        },
    )
    assert status == 201
    status, _ = send(
        "post",
        f"/groups/{gid}/participants",
        leader,
        {"username": participant.username, "display_name": BAD_NAME},
    )
    assert status == 400
    status, _ = send(
        "post",
        "/admin/accounts",
        admin,
        {"username": "vm-log-hygiene", "role": "leaders", "email": ADMIN_MADE_EMAIL},
    )
    assert status == 201
    status, body = send(
        "post",
        "/me/completions",
        participant,
        {"module_id": "thinking-traps", "version": 1, "answers": right},
    )
    assert status == 201 and body["knowledge_check"]["correct"] == len(right)
    for path in (f"/groups/{gid}", f"/groups/{gid}/progress", f"/groups/{gid}/progress.csv"):
        assert client.http.get(path, headers=leader.headers).status_code == 200

    # The run-wide check knows what to look for...
    for secret in (DISPLAY_NAME, EMAIL, ADMIN_MADE_EMAIL, BAD_NAME):
        assert secret in LOG_HYGIENE.secrets
    answer_texts = [q["choices"][q["answer"]] for q in module.meta["knowledge_check"]]
    # ...and none of it is in what was logged (checked here too, to fail close to the cause).
    logged = "\n".join(LOG_HYGIENE.lines[mark:])
    for secret in (
        DISPLAY_NAME,
        EMAIL,
        ADMIN_MADE_EMAIL,
        "Ottoline",
        "Brackenridge",
        "zq-log-hygiene",
        "vm-log-hygiene",
        *answer_texts,
    ):
        assert secret not in logged, secret

    requests = [e for e in events_since(mark) if e.get("event") == "request"]
    assert len(requests) == 8
    ids = {e["request_id"] for e in requests}
    assert len(ids) == len(requests) and all(ids)
    routes = {(e["method"], e["route"], e["status"]) for e in requests}
    assert ("POST", "/groups/{group_id}/participants", 201) in routes
    assert ("POST", "/groups/{group_id}/participants", 400) in routes
    assert ("POST", "/me/completions", 201) in routes
    for e in requests:
        assert e["caller"] in (leader.id, admin.id, participant.id)
        assert isinstance(e["duration_ms"], (int, float)) and e["duration_ms"] >= 0
        assert e["level"] == "INFO"
        assert set(e) == {
            "event",
            "level",
            "request_id",
            "method",
            "route",
            "status",
            "caller",
            "duration_ms",
        }
    # Concrete paths (which may hold usernames) are never logged, only templates.
    assert gid not in "\n".join(e["route"] for e in requests)


def test_events_inside_a_request_carry_its_request_id(client, published, participant, monkeypatch):
    from chalicelib import services
    from chalicelib.errors import ServiceUnavailable

    def down(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ServiceUnavailable("down")

    monkeypatch.setattr(services.current().library, "catalog", down)
    mark = len(LOG_HYGIENE.lines)
    assert client.http.get("/modules", headers=participant.headers).status_code == 503
    events = events_since(mark)
    warning = next(e for e in events if e["event"] == "dependency_unavailable")
    request = next(e for e in events if e["event"] == "request")
    assert warning["request_id"] == request["request_id"]
    assert warning["level"] == "WARNING" and request["status"] == 503


REMINDER_EMAIL = "thessaly.vantongeren-pike@example.com"
REMINDER_PHONE = "+15550107319"


def test_reminder_contact_details_are_never_logged(client, participant):
    import re

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    mark = len(LOG_HYGIENE.lines)
    for body in (
        {"email": REMINDER_EMAIL},
        {"phone": REMINDER_PHONE},
        {"email": REMINDER_EMAIL + "\x07"},
    ):
        response = client.http.post(
            "/me/reminders/contact", headers=participant.headers, body=json.dumps(body)
        )
        assert response.status_code in (200, 400)
    code = re.search(
        r"\d{6}", list(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values())[-1][1]
    ).group()
    assert (
        client.http.post(
            "/me/reminders/contact/confirm",
            headers=participant.headers,
            body=json.dumps({"code": code}),
        ).status_code
        == 200
    )
    assert ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages[-1].destinations[
        "ToAddresses"
    ] == [REMINDER_EMAIL]
    for secret in (REMINDER_EMAIL, REMINDER_PHONE):
        assert secret in LOG_HYGIENE.secrets
    logged = "\n".join(LOG_HYGIENE.lines[mark:])
    assert "reminders.code_sent" in logged
    for secret in (REMINDER_EMAIL, REMINDER_PHONE, "5550107319", "thessaly", code):
        assert secret not in logged, secret


WORKSHEET_TEXT = "Quintessa at the Marigold Tavern on payday"
WORKSHEET_CONTACT = {"name": "Bartholomew Nakagawa-Reyes", "phone": "+1 555 0199 321"}


def test_worksheet_answers_never_reach_the_logs(client, published_all, participant):
    from tests.conftest import shipped_version

    mark = len(LOG_HYGIENE.lines)
    module = "asking-for-help"
    body = {
        "version": shipped_version(module),
        "answers": {
            "help-people": [WORKSHEET_CONTACT],
            "care-team": [{"name": WORKSHEET_TEXT, "phone": "x"}],
        },
    }
    bad = client.http.put(
        f"/me/worksheets/{module}", headers=participant.headers, body=json.dumps(body)
    )
    assert bad.status_code == 400  # the refusal names the field, never the text
    assert WORKSHEET_TEXT not in bad.body.decode()
    body["answers"]["care-team"] = [{"name": WORKSHEET_TEXT, "phone": "555 0100"}]
    saved = client.http.put(
        f"/me/worksheets/{module}", headers=participant.headers, body=json.dumps(body)
    )
    assert saved.status_code == 200
    for secret in (WORKSHEET_TEXT, WORKSHEET_CONTACT["name"], WORKSHEET_CONTACT["phone"]):
        assert secret in LOG_HYGIENE.secrets
    logged = "\n".join(LOG_HYGIENE.lines[mark:])
    assert "PUT" in logged  # the request was logged, without the answers
    for secret in (WORKSHEET_TEXT, "Marigold", "Bartholomew", WORKSHEET_CONTACT["phone"]):
        assert secret not in logged, secret
