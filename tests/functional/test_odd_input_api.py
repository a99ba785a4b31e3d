"""Odd input never gets a 5xx from the JSON API: arbitrary Unicode (surrogates included) in every
JSON body field of ``Endpoints.registry``, through the Chalice test client.

The cases found by hand come first (each was a 500 before ``chalicelib.text``), then one
property test per route with a body.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

import app  # noqa: F401  (registers every route, so the parameters below see them)
from chalicelib import services
from chalicelib.api import Endpoints
from steady_content.publish import Publisher
from steady_content.tracks import Track
from tests.conftest import REGION, Account, make_account, shipped_version
from tests.functional.odd_values import (
    JSON_VALUES,
    LONE_SURROGATE,
    TEXT,
    cases,
    drawn,
    per_field,
)

MODULE = "cravings-and-urge-surfing"
ARBITRARY_OBJECTS = 30


def call(client, method: str, path: str, account: Account, body: Any = None) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    sent = json.dumps(body) if body is not None else None
    response = getattr(client.http, method.lower())(path, headers=account.headers, body=sent)
    return response.status_code, json.loads(response.body) if response.body else None


def assert_no_5xx(status: int, body: Any) -> None:
    assert status < 500, body
    if status >= 400:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body


@pytest.fixture
def group(client, published, leader) -> str:  # type: ignore[no-untyped-def]
    status, body = call(client, "POST", "/groups", leader, {"name": "Tuesday evening group"})
    assert status == 201
    return body["group_id"]


# -- the cases found by hand ---------------------------------------------------------------------


def test_a_lone_surrogate_in_a_group_name_is_a_400_naming_the_field(client, published, leader):
    status, body = call(client, "POST", "/groups", leader, {"name": f"Group {LONE_SURROGATE}"})
    assert (status, body["error"]["code"]) == (400, "invalid_text")
    assert body["error"]["message"].startswith("name ")
    assert "surrogate" in body["error"]["message"]


def test_a_lone_surrogate_in_a_rename_is_a_400_and_the_name_is_kept(client, group, leader):
    status, body = call(client, "PATCH", f"/groups/{group}", leader, {"name": LONE_SURROGATE})
    assert (status, body["error"]["code"]) == (400, "invalid_text")
    status, detail = call(client, "GET", f"/groups/{group}", leader)
    assert detail["name"] == "Tuesday evening group"


def test_a_lone_surrogate_in_a_display_name_is_a_400(client, group, leader, participant):
    status, body = call(
        client,
        "POST",
        f"/groups/{group}/participants",
        leader,
        {"username": participant.username, "display_name": f"Sam{LONE_SURROGATE}"},
    )
    assert (status, body["error"]["code"]) == (400, "invalid_text")
    assert body["error"]["message"].startswith("display_name ")


def test_a_lone_surrogate_in_an_email_is_a_400(client, group, leader):
    status, body = call(
        client,
        "POST",
        f"/groups/{group}/participants",
        leader,
        {"username": "new-person", "create": True, "email": f"a{LONE_SURROGATE}@example.org"},
    )
    assert (status, body["error"]["code"]) == (400, "invalid_text")


def test_a_lone_surrogate_in_a_query_parameter_is_a_400(client, published, participant):
    response = client.http.get(f"/modules?tag={LONE_SURROGATE}", headers=participant.headers)
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] == "invalid_text"


def test_names_are_stored_nfc_normalised(client, published, leader):
    status, body = call(client, "POST", "/groups", leader, {"name": "Zoe\u0308's group"})
    assert status == 201
    assert body["name"] == "Zo\u00eb's group"


# -- property tests ------------------------------------------------------------------------------


def test_the_values_include_surrogates():
    found: list[str] = []

    @given(TEXT)
    def collect(value: str) -> None:
        found.extend(c for c in value if 0xD800 <= ord(c) <= 0xDFFF)

    collect()
    assert found


# A valid body per JSON route; each example replaces one field with an odd value.
# "{leader}" and "{participant}" stand for those accounts' usernames, "{participant_id}" for the
# participant's id; "{code}" and "{fingerprint}" for what the route's set-up step (``PREPARE``)
# found.
BASES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/me/completions"): {"module_id": MODULE, "version": shipped_version(MODULE)},
    ("POST", "/groups"): {"name": "Another group"},
    ("PATCH", "/groups/{group_id}"): {"name": "Renamed group"},
    ("POST", "/groups/{group_id}/leaders"): {"username": "{leader}"},
    ("POST", "/groups/{group_id}/participants"): {
        "username": "{participant}",
        "display_name": "Sam R.",
    },
    ("PATCH", "/groups/{group_id}/participants/{participant_id}"): {"display_name": "Sam R."},
    ("POST", "/groups/{group_id}/assignments"): {"module_id": "thinking-traps"},
    # One module of a track assignment (the test assigns a track of the published modules).
    ("PATCH", "/groups/{group_id}/assignments/{assignment_id}/modules/{module_id}"): {
        "due_date": "2026-12-01",
        "session_date": "2026-12-02",
        "left_out": False,
    },
    ("POST", "/admin/accounts"): {"username": "new-author", "role": "authors"},
    ("PUT", "/me/groups/{group_id}/share-history"): {"share": True},
    ("PUT", "/groups/{group_id}/attention/settings"): {"inactive_days": 7},
    ("POST", "/groups/{group_id}/attention/seen"): {
        "participant_id": "{participant_id}",
        "reason": "overdue",
        "fingerprint": "{fingerprint}",
    },
    ("PUT", "/me/plan"): {
        "sections": {"triggers": [{"text": "Payday evenings"}]},
        "based_on": None,
        "locale": "en",
    },
    ("PUT", "/me/reminders"): {
        "enabled": False,
        "channel": "email",
        "time": "18:00",
        "days": ["mon", "wed"],
        "trigger": "daily",
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "timezone": "America/New_York",
        "locale": "en",
    },
    ("POST", "/me/reminders/contact"): {"email": "wren.odd@example.org", "phone": None},
    ("POST", "/me/reminders/contact/confirm"): {"code": "{code}"},
    ("PUT", "/me/worksheets/{module_id}"): {
        "version": shipped_version(MODULE),
        "answers": {"urge-in-body": "Tight chest", "urge-start": 6},
        "locale": "en",
    },
    ("PUT", "/me/worksheets/{module_id}/sharing"): {"shared": True},
    ("POST", "/me/completions/{module_id}/attempts"): {
        "version": shipped_version(MODULE),
        "attempt": 2,
        "answers": "{answers}",
        "locale": "en",
    },
}
# A field that stands in for another one rather than joining it.
INSTEAD_OF = {"track_id": "module_id"}
ROLE_BY_PREFIX = {"/me/": "participant", "/groups": "leader", "/admin/": "admin"}


def sent_code() -> str:
    """The confirmation code in the last email moto's SES took."""
    message = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages[-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)  # type: ignore[union-attr]


def _overdue(client, group_id: str, leader, participant) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    status, body = call(client, "GET", f"/groups/{group_id}/attention", leader)
    assert status == 200, body
    for row in body["participants"]:
        for reason in row["reasons"] if row["participant_id"] == participant.id else ():
            if reason["reason"] == "overdue":
                return reason  # type: ignore[no-any-return]
    return None


def prepare(
    client, route: tuple[str, str], group_id: str, leader, participant, clock
) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The set-up a route's base body needs; what it found, by placeholder. Called before the
    base body and again after it, so the odd examples meet the state the base did (a pending
    code, a reason not yet marked as seen)."""
    if route == ("POST", "/me/reminders/contact/confirm"):
        status, body = call(
            client, "POST", "/me/reminders/contact", participant, {"email": "wren.odd@example.org"}
        )
        assert status == 200, body
        return {"{code}": sent_code()}
    if route == ("PUT", "/me/worksheets/{module_id}/sharing"):
        answers = {"urge-in-body": "Tight chest"}
        version = shipped_version(MODULE)
        status, body = call(
            client,
            "PUT",
            f"/me/worksheets/{MODULE}",
            participant,
            {"version": version, "answers": answers},
        )
        assert status == 200, body
    if route == ("POST", "/me/completions/{module_id}/attempts"):
        # Completed with the knowledge check (attempt 1): the base is attempt 2.
        version = shipped_version(MODULE)
        questions = services.current().library.version(MODULE, version).document
        answers = [0] * len(questions["knowledge_check"])
        body = {"module_id": MODULE, "version": version, "answers": answers}
        status, body = call(client, "POST", "/me/completions", participant, body)
        assert status in (200, 201), body
        return {"{answers}": answers}  # type: ignore[dict-item]
    if route == ("POST", "/groups/{group_id}/attention/seen"):
        overdue = _overdue(client, group_id, leader, participant)
        if overdue is None:
            # Two assignments due tomorrow, then three days on: a current "overdue" reason.
            tomorrow = (clock.today() + timedelta(days=1)).isoformat()
            for module_id in ("thinking-traps", "breathing-and-grounding"):
                status, body = call(
                    client,
                    "POST",
                    f"/groups/{group_id}/assignments",
                    leader,
                    {"module_id": module_id, "due_date": tomorrow},
                )
                assert status == 201, body
            clock.advance(3 * 86_400)
            overdue = _overdue(client, group_id, leader, participant)
        assert overdue is not None
        return {"{fingerprint}": overdue["fingerprint"]}
    return {}


def body_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((s.method, s.path, s.fields) for s in Endpoints.registry if s.fields)


def test_every_route_with_a_body_has_a_base_body():
    assert {(s.method, s.path) for s in Endpoints.registry if s.fields} == set(BASES)


def test_the_property_test_case_count():
    """The figure the issue asks for: requests sent per run (seeds plus drawn, per field)."""
    routes = body_routes()
    total = sum(cases(fields) for _, _, fields in routes)
    fields = sum(len(f) for _, _, f in routes)
    print(f"odd input (API): {len(routes)} routes, {fields} fields, {total} cases")
    assert total == fields * cases(("one",))


@pytest.mark.parametrize(
    ("method", "path", "fields"), body_routes(), ids=[f"{m} {p}" for m, p, _ in body_routes()]
)
def test_no_json_body_field_gets_a_5xx(
    client, published, stack, leader, participant, library_clock, method, path, fields
):
    accounts = {"participant": participant, "leader": leader}
    role = next(role for prefix, role in ROLE_BY_PREFIX.items() if path.startswith(prefix))
    account = accounts.get(role) or make_account(stack, "admin-one", "admins")
    _, created = call(client, "POST", "/groups", leader, {"name": "Fuzzed group"})
    call(
        client,
        "POST",
        f"/groups/{created['group_id']}/participants",
        leader,
        {"username": participant.username, "display_name": "Sam R."},
    )
    concrete = (
        path.replace("{group_id}", created["group_id"])
        .replace("{module_id}", MODULE)
        .replace("{participant_id}", participant.id)
    )
    if "{assignment_id}" in concrete:
        assignment_id = track_assignment(client, stack, published, created["group_id"], leader)
        concrete = concrete.replace("{assignment_id}", assignment_id)

    def base_body() -> dict[str, Any]:
        found = {
            "{leader}": leader.username,
            "{participant}": participant.username,
            "{participant_id}": participant.id,
            **prepare(
                client, (method, path), created["group_id"], leader, participant, library_clock
            ),
        }
        return {
            k: found.get(v, v) if isinstance(v, str) else v
            for k, v in BASES[(method, path)].items()
        }

    status, body = call(client, method, concrete, account, base_body())
    assert status < 300, body  # the base is valid, so each example is about its one odd field
    base = base_body()

    @given(field=st.sampled_from(fields), value=JSON_VALUES)
    @per_field(fields)
    def one_odd_field(field: str, value: Any) -> None:
        sent = {k: v for k, v in base.items() if k != INSTEAD_OF.get(field)}
        sent[field] = value
        assert_no_5xx(*call(client, method, concrete, account, sent))

    one_odd_field()


def track_assignment(client, stack, published, group_id: str, leader: Account) -> str:  # type: ignore[no-untyped-def]
    """A track of the published modules (``MODULE`` among them), published now and assigned to
    the group: the assignment's id."""
    modules = [m.module_id for m in published]
    track = Track("tracks/odd.yaml", "odd", 1, "en", "Odd", "All.", modules, {})
    publisher = Publisher(boto3.client("s3", region_name=REGION), stack.content_bucket)
    assert publisher.publish(published, tracks=[track]).ok
    status, made = call(
        client, "POST", f"/groups/{group_id}/assignments", leader, {"track_id": "odd"}
    )
    assert status == 201, made
    return str(made["assignment_id"])


@given(body=st.dictionaries(TEXT, JSON_VALUES, max_size=4))
@drawn(ARBITRARY_OBJECTS)
def test_an_arbitrary_json_object_gets_no_5xx(client, published, leader, body):
    assert_no_5xx(*call(client, "POST", "/groups", leader, body))
