"""Unknown paths never echo the caller's bearer token.

``chalice local`` imitates API Gateway's answer to an unknown path and copies the
``Authorization`` header into it; ``steady_local.gateway`` (what ``make run`` serves) answers
the project's JSON 404 instead. Deployed, the MISSING_AUTHENTICATION_TOKEN gateway response
has a fixed body (see tests/functional/test_infra.py).
"""

from __future__ import annotations

import json

import pytest
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from app import app
from steady_local.gateway import SteadyGateway

TOKEN = "eyJraWQiOiJzZWNyZXQtdG9rZW4tdmFsdWUifQ.secret-token-value.signature"
HEADERS = {"authorization": f"Bearer {TOKEN}", "host": "127.0.0.1:8000"}


def gateway(kind: type[LocalGateway]) -> LocalGateway:
    return kind(
        app,
        Config.create(
            chalice_app=app, lambda_timeout=60, lambda_memory_size=512, app_name="steady"
        ),
    )


def refusal(kind: type[LocalGateway], path: str) -> LocalGatewayException:
    with pytest.raises(LocalGatewayException) as caught:
        gateway(kind).handle_request("GET", path, dict(HEADERS), None)
    return caught.value


def test_plain_chalice_local_echoes_the_token():
    """What this module guards against (if chalice stops doing it, this can go)."""
    assert TOKEN.encode() in refusal(LocalGateway, "/no-such-path").body


@pytest.mark.parametrize(
    "path", ["/no-such-path", "/groups/x/y/z", "/modules/a/versions/1/extra", "/%00"]
)
def test_an_unknown_path_is_a_json_404_without_the_token(path):
    error = refusal(SteadyGateway, path)
    assert error.CODE == 404
    assert TOKEN.encode() not in error.body and b"Bearer" not in error.body
    assert json.loads(error.body) == {
        "error": {"code": "not_found", "message": "There is no such page."}
    }
    assert error.headers["Content-Type"] == "application/json"
    assert error.headers["X-Content-Type-Options"] == "nosniff"
