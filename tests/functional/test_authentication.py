"""Every route needs a valid Cognito access token; the wrong role gets 403."""

from __future__ import annotations

import json

import boto3
import jwt
import pytest

from app import app
from chalicelib.api import Endpoints
from tests.conftest import REGION, fetch_jwks_through_moto
from tests.functional.test_authorization_matrix import ROWS


def call(client, method: str, path: str, headers: dict) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    """Call a route (``path`` as registered) with a concrete path from the authorization matrix."""
    row = ROWS[(method, path)]
    someone = "00000000-0000-0000-0000-000000000000"
    concrete = row.path.format(g="0" * 32, a="0" * 32, p=someone, o=someone)
    headers = {"Content-Type": "application/json", **headers}
    body = json.dumps(row.body) if row.body is not None else None
    response = getattr(client.http, method.lower())(concrete, headers=headers, body=body)
    return response.status_code, (json.loads(response.body) if response.body else {})


def test_every_route_is_registered_through_endpoints():
    from chalicelib.web.http import Pages

    registered = {(method, path) for path, methods in app.routes.items() for method in methods}
    declared = {(spec.method, spec.path) for spec in Endpoints.registry}
    # Web pages (cookie session, HTML) go through their own registry; no route is in both.
    pages = {(spec.method, spec.path) for spec in Pages.registry}
    assert not declared & pages
    assert registered == declared | pages


@pytest.mark.parametrize(
    ("method", "path"), sorted({(s.method, s.path) for s in Endpoints.registry})
)
def test_no_token_is_401(client, published, method, path):
    status, _ = call(client, method, path, {})
    assert status == 401


@pytest.mark.parametrize(
    ("method", "path"), sorted({(s.method, s.path) for s in Endpoints.registry})
)
def test_garbage_token_is_401_in_the_error_shape(client, published, method, path):
    status, body = call(client, method, path, {"Authorization": "Bearer not-a-token"})
    assert status == 401
    assert body["error"]["code"] == "invalid_token"


def _forge(claims: dict) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def test_token_signed_by_another_key_is_401(client, published, participant):
    claims = jwt.decode(participant.token, options={"verify_signature": False})
    status, body = call(client, "GET", "/modules", {"Authorization": f"Bearer {_forge(claims)}"})
    assert (status, body["error"]["code"]) == (401, "invalid_token")


def test_expired_token_is_401_token_expired(client, published, service, participant):
    from datetime import UTC, datetime

    from chalicelib.clock import Clock
    from chalicelib.identity import TokenVerifier

    claims = jwt.decode(participant.token, options={"verify_signature": False})
    later = Clock(source=lambda: datetime.fromtimestamp(claims["exp"] + 3600, UTC))
    service.verifier = TokenVerifier(service.settings, fetch_jwks_through_moto, clock=later)
    status, body = call(client, "GET", "/modules", {"Authorization": f"Bearer {participant.token}"})
    assert (status, body["error"]["code"]) == (401, "token_expired")


def test_an_authorizer_answer_cached_past_the_tokens_expiry_is_401_token_expired(
    client, published, service, participant
):
    """A deployed API Gateway caches the authorizer's answer per token (``AUTHORIZER_TTL_SECONDS``)
    and hands the cached context to the route without asking the authorizer again: the route
    refuses it once the token has expired (with the verifier's leeway), as the authorizer does."""
    from datetime import UTC, datetime

    from chalicelib.clock import Clock
    from chalicelib.identity import TokenVerifier

    claims = jwt.decode(participant.token, options={"verify_signature": False})
    moment = {"now": datetime.now(UTC)}
    verifier = TokenVerifier(
        service.settings, fetch_jwks_through_moto, clock=Clock(source=lambda: moment["now"])
    )
    answers: dict[str, object] = {}
    verify = verifier.verify

    def cached(token: str):  # type: ignore[no-untyped-def]
        # API Gateway's cache: the first answer for a token, whatever the time.
        if token not in answers:
            answers[token] = verify(token)
        return answers[token]

    verifier.verify = cached  # type: ignore[method-assign]
    service.verifier = verifier
    headers = {"Authorization": f"Bearer {participant.token}"}
    assert call(client, "GET", "/modules", headers)[0] == 200

    moment["now"] = datetime.fromtimestamp(claims["exp"] + 30, UTC)  # within the leeway
    assert call(client, "GET", "/modules", headers)[0] == 200

    moment["now"] = datetime.fromtimestamp(claims["exp"] + 31, UTC)
    status, body = call(client, "GET", "/modules", headers)
    assert (status, body) == (
        401,
        {"error": {"code": "token_expired", "message": "The access token has expired."}},
    )


def test_the_deployed_authorizer_is_cached_and_its_answer_carries_the_expiry(service, participant):
    """Caching stays (one authorizer invocation saved per request); the expiry goes with it."""
    from chalice.deploy.swagger import CFNSwaggerGenerator

    from app import AUTHORIZER_TTL_SECONDS
    from chalicelib.identity import to_context

    doc = CFNSwaggerGenerator().generate_swagger(app)
    authorizer = doc["securityDefinitions"]["cognito_jwt"]["x-amazon-apigateway-authorizer"]
    assert authorizer["authorizerResultTtlInSeconds"] == AUTHORIZER_TTL_SECONDS > 0
    claims = jwt.decode(participant.token, options={"verify_signature": False})
    caller = service.verifier.verify(participant.token)
    assert to_context(caller)["expires_at"] == str(claims["exp"])


def test_id_token_is_not_accepted(client, published, stack, participant):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    result = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": participant.username, "PASSWORD": "Correct-horse-42"},
    )["AuthenticationResult"]
    status, body = call(client, "GET", "/modules", {"Authorization": f"Bearer {result['IdToken']}"})
    assert (status, body["error"]["code"]) == (401, "invalid_token")


def test_token_from_another_app_client_is_401(client, published, stack, participant):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    other = cognito.create_user_pool_client(
        UserPoolId=stack.user_pool_id,
        ClientName="other",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    token = cognito.initiate_auth(
        ClientId=other,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": participant.username, "PASSWORD": "Correct-horse-42"},
    )["AuthenticationResult"]["AccessToken"]
    status, body = call(client, "GET", "/modules", {"Authorization": f"Bearer {token}"})
    assert (status, body["error"]["code"]) == (401, "invalid_token")


def test_account_without_a_role_is_403(client, published, stack):
    from steady_local.provision import sign_in

    cognito = boto3.client("cognito-idp", region_name=REGION)
    cognito.admin_create_user(
        UserPoolId=stack.user_pool_id, Username="no-role", MessageAction="SUPPRESS"
    )
    cognito.admin_set_user_password(
        UserPoolId=stack.user_pool_id,
        Username="no-role",
        Password="Correct-horse-42",
        Permanent=True,
    )
    token = sign_in(cognito, stack, "no-role", "Correct-horse-42")
    status, body = call(client, "GET", "/modules", {"Authorization": f"Bearer {token}"})
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_the_benchs_preset_authorizer_context_is_served(service, published, participant):
    """``make bench`` times routes with the authorizer's context preset, as API Gateway passes
    it (``bench/run.py`` ``rest_event``): every route checks the context's token expiry, so the
    bench must carry one, or every timed call is a 401 and the bench stops at its first."""
    from app import app
    from bench.run import fake_lambda_context, rest_event

    response = app(rest_event("GET", "/modules", participant.id), fake_lambda_context())
    assert response["statusCode"] == 200, response.get("body")
