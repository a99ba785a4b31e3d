"""Security headers on every response of every registered route, for every role.

Concrete paths come from the authorization matrix (one row per registered route, enforced
there), so a new route is covered here as soon as it has its matrix row.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from chalicelib import api
from chalicelib import settings as settings_module
from tests.functional import test_authorization_matrix as matrix
from tests.functional.test_authorization_matrix import ROLES, ROWS, World

world = matrix.world  # the matrix's fixture, used here by name

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def header(response, name: str) -> str | None:  # type: ignore[no-untyped-def]
    return next((v for k, v in response.headers.items() if k.lower() == name.lower()), None)


def assert_secure(response, prod: bool, where) -> None:  # type: ignore[no-untyped-def]
    for name, value in ALWAYS.items():
        assert header(response, name) == value, (where, name, response.status_code)
    content_type = header(response, "Content-Type") or ""
    csp = header(response, "Content-Security-Policy")
    if content_type.startswith("text/html"):
        assert csp and "default-src" in csp and "frame-ancestors" in csp, where
    else:
        assert csp == api.API_CSP, (where, csp)
    hsts = header(response, "Strict-Transport-Security")
    if prod:
        assert (
            hsts and "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
        ), where
    else:
        assert hsts is None, (where, hsts)  # never on plain-HTTP local or dev stages


def call(client, world: World, route, role: str):  # type: ignore[no-untyped-def]
    row = ROWS[route]
    path = row.path.format(
        g=world.group_id, a=world.assignment_id, p=world.member.id, o=world.owner.id
    )
    headers = {"Content-Type": "application/json"}
    if role == "anonymous":
        # With no Authorization header at all, API Gateway answers before the function runs
        # (its gateway responses carry the headers in infra/); a bad token reaches the app.
        headers["Authorization"] = "Bearer not-a-token"
    else:
        headers.update(world.callers[role].headers)
    body = json.dumps(row.body) if row.body is not None else None
    return getattr(client.http, route[0].lower())(path, headers=headers, body=body)


@pytest.fixture(params=[False, True], ids=["dev", "prod"])
def prod(request, monkeypatch):  # type: ignore[no-untyped-def]
    if request.param:
        real = settings_module.current()
        monkeypatch.setattr(
            settings_module, "current", lambda: dataclasses.replace(real, stage="prod")
        )
    return request.param


def test_every_route_for_every_role_and_the_owner(client, world, prod):  # type: ignore[no-untyped-def]
    statuses = set()
    for route in sorted(ROWS):
        for role in ROLES:
            response = call(client, world, route, role)
            statuses.add(response.status_code)
            assert_secure(response, prod, (route, role))
        # The group's own leader gets the success responses (incl. CSV and 204).
        owner = dataclasses.replace(world, callers={**world.callers, "leader": world.owner})
        response = call(client, owner, route, "leader")
        statuses.add(response.status_code)
        assert_secure(response, prod, (route, "owner"))
    assert {200, 401, 403}.issubset(statuses)


def test_responses_chalice_makes_itself_carry_them_too(client, world, prod):  # type: ignore[no-untyped-def]
    headers = world.callers["participant"].headers
    cases = {
        "unsupported media type": client.http.post(
            "/me/completions", headers={**headers, "Content-Type": "text/plain"}, body="x"
        ),
        "method not allowed": client.http.put("/modules", headers=headers, body="{}"),
        "malformed json": client.http.post("/me/completions", headers=headers, body="{"),
    }
    for where, response in cases.items():
        assert response.status_code >= 400, where
        assert "error" in json.loads(response.body), where
        assert_secure(response, prod, where)


def test_503_carries_them(client, world, prod, monkeypatch):  # type: ignore[no-untyped-def]
    from chalicelib import services
    from chalicelib.errors import ServiceUnavailable

    def down(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ServiceUnavailable("down")

    monkeypatch.setattr(services.current().library, "catalog", down)
    response = client.http.get("/modules", headers=world.callers["leader"].headers)
    assert response.status_code == 503 and header(response, "Retry-After")
    assert_secure(response, prod, "503")
