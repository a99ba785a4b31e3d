"""chalicelib.identity: Cognito access tokens verified against a locally made JWKS."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib import identity
from chalicelib.clock import Clock as RealClock
from chalicelib.errors import Unauthenticated
from chalicelib.identity import Caller, TokenVerifier
from chalicelib.settings import Settings

SETTINGS = Settings(
    stage="dev",
    region="us-east-1",
    records_table="t",
    content_bucket="b",
    user_pool_id="us-east-1_pool",
    user_pool_client_ids=("client-a",),
)
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {
        kid: rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for kid in ("key-1", "key-2", "stranger")
    }


def jwks(keys, *kids: str) -> dict:
    published = []
    for kid in kids:
        jwk = json.loads(RSAAlgorithm.to_jwk(keys[kid].public_key()))
        published.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
    return {"keys": published}


class FakeJwks:
    """Stands in for the HTTPS download; counts calls and can change what it serves."""

    def __init__(self, document: dict) -> None:
        self.document = document
        self.urls: list[str] = []

    def __call__(self, url: str) -> dict:
        self.urls.append(url)
        return self.document


class Clock(RealClock):
    """Time (epoch and monotonic alike) that moves only when the test says so."""

    def __init__(self, now: float = 1_000.0) -> None:
        super().__init__()
        self.now = now

    def epoch(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


def claims(**overrides) -> dict:
    now = int(time.time())
    values = {
        "sub": "5f0c-user",
        "iss": ISSUER,
        "client_id": "client-a",
        "token_use": "access",
        "exp": now + 3600,
        "iat": now,
        "cognito:groups": ["participants"],
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def b64(part: dict) -> str:
    return jwt.utils.base64url_encode(json.dumps(part).encode()).decode()


def sign(keys, kid: str = "key-1", signing_key: str | None = None, **overrides) -> str:
    return jwt.encode(
        claims(**overrides), keys[signing_key or kid], algorithm="RS256", headers={"kid": kid}
    )


@pytest.fixture
def fetch(keys) -> FakeJwks:
    return FakeJwks(jwks(keys, "key-1"))


@pytest.fixture
def verifier(fetch) -> TokenVerifier:
    return TokenVerifier(SETTINGS, fetch_jwks=fetch)


def refused(verifier: TokenVerifier, token: str) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as caught:
        verifier.verify(token)
    assert caught.value.status == 401
    return caught.value


# --- Accepted tokens -------------------------------------------------------------------------


def test_a_valid_access_token_gives_the_caller(keys, verifier, fetch):
    token_claims = claims()
    caller = verifier.verify(sign(keys, iat=token_claims["iat"], exp=token_claims["exp"]))

    assert caller == Caller(
        id="5f0c-user",
        roles=frozenset({"participants"}),
        issued_at=int(token_claims["iat"]),
        expires_at=int(token_claims["exp"]),
    )

    assert fetch.urls == [
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool/.well-known/jwks.json"
    ]


def test_issued_at_is_the_sign_in_time_when_the_token_says_it(keys, verifier):
    now = int(claims()["iat"])
    assert verifier.verify(sign(keys, iat=now, auth_time=now - 600)).issued_at == now - 600
    assert verifier.verify(sign(keys, iat=now)).issued_at == now


def test_roles_come_from_cognito_groups_and_unknown_groups_are_dropped(keys, verifier):
    token = sign(keys, **{"cognito:groups": ["leaders", "admins", "us-east-1_pool_Google", "root"]})

    caller = verifier.verify(token)

    assert caller.roles == frozenset({"leaders", "admins"})
    assert caller.has_any({"admins"})
    assert not caller.has_any({"participants", "authors"})


def test_a_token_without_groups_has_no_roles(keys, verifier):
    caller = verifier.verify(sign(keys, **{"cognito:groups": None}))

    assert caller.roles == frozenset()


@pytest.mark.parametrize("prefix", ["Bearer ", "bearer ", "BEARER  "])
def test_a_bearer_prefix_is_accepted(keys, verifier, prefix):
    assert verifier.verify(prefix + sign(keys)).id == "5f0c-user"


def test_a_token_just_expired_within_the_leeway_is_accepted(keys, verifier):
    assert verifier.verify(sign(keys, exp=int(time.time()) - 10)).id == "5f0c-user"


# --- Refused tokens --------------------------------------------------------------------------


def test_an_expired_token_is_token_expired(keys, verifier):
    error = refused(verifier, sign(keys, exp=int(time.time()) - 120))

    assert error.code == "token_expired"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"iss": ISSUER.replace("_pool", "_other")}, id="wrong-issuer"),
        pytest.param({"iss": ISSUER.replace("us-east-1.", "eu-west-1.")}, id="wrong-region"),
        pytest.param({"iss": None}, id="no-issuer"),
        pytest.param({"client_id": "client-b"}, id="wrong-client"),
        pytest.param({"client_id": None}, id="no-client"),
        pytest.param({"token_use": "id"}, id="id-token"),
        pytest.param({"token_use": None}, id="no-token-use"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"exp": None}, id="no-exp"),
    ],
)
def test_wrong_or_missing_claims_are_invalid_token(keys, verifier, overrides):
    error = refused(verifier, sign(keys, **overrides))

    assert error.code == "invalid_token"


def test_a_signature_by_another_key_is_invalid_token(keys, verifier):
    # Claims to be key-1 (which the JWKS has), signed with a key the pool never published.
    error = refused(verifier, sign(keys, kid="key-1", signing_key="stranger"))

    assert error.code == "invalid_token"


def test_an_unknown_key_id_is_invalid_token(keys, verifier):
    error = refused(verifier, sign(keys, kid="stranger"))

    assert error.code == "invalid_token"
    assert "unknown key" in error.message


def test_a_token_without_a_key_id_is_invalid_token(keys, verifier):
    token = jwt.encode(claims(), keys["key-1"], algorithm="RS256")

    assert refused(verifier, token).code == "invalid_token"


def test_hs256_is_refused(verifier):
    token = jwt.encode(
        claims(),
        "a-shared-secret-of-at-least-32-bytes!",
        algorithm="HS256",
        headers={"kid": "key-1"},
    )

    assert refused(verifier, token).code == "invalid_token"


def test_hs256_keyed_with_the_public_key_is_refused(keys, verifier):
    # The classic algorithm-confusion attack: HMAC keyed with the pool's (public) RSA key.
    # PyJWT will not sign this, so the token is assembled by hand.
    public_pem = (
        keys["key-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = b64({"alg": "HS256", "typ": "JWT", "kid": "key-1"})
    payload = b64(claims(**{"cognito:groups": ["admins"]}))
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{jwt.utils.base64url_encode(mac).decode()}"

    assert refused(verifier, token).code == "invalid_token"


def test_alg_none_is_refused(keys, verifier):
    token = jwt.encode(claims(), None, algorithm="none", headers={"kid": "key-1"})

    assert refused(verifier, token).code == "invalid_token"


def test_a_tampered_payload_is_refused(keys, verifier):
    header, _, signature = sign(keys).split(".")
    forged = b64(claims(**{"cognito:groups": ["admins"]}))

    assert refused(verifier, f"{header}.{forged}.{signature}").code == "invalid_token"


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "Bearer ", "e30.e30.", "....."])
def test_garbage_is_invalid_token(verifier, token):
    assert refused(verifier, token).code == "invalid_token"


# --- The JWKS cache --------------------------------------------------------------------------


def test_the_jwks_is_fetched_once_for_many_verifications(keys, verifier, fetch):
    for user in range(5):
        verifier.verify(sign(keys, sub=f"user-{user}"))

    assert len(fetch.urls) == 1


def test_a_new_key_id_refetches_only_after_the_refresh_interval(keys):
    fetch = FakeJwks(jwks(keys, "key-1"))
    clock = Clock(1_000.0)
    verifier = TokenVerifier(SETTINGS, fetch_jwks=fetch, clock=clock)
    verifier.verify(sign(keys, kid="key-1"))
    assert len(fetch.urls) == 1

    # The pool rotates its keys; the cached JWKS is still fresh, so no download yet.
    fetch.document = jwks(keys, "key-1", "key-2")
    clock.now += 60
    assert refused(verifier, sign(keys, kid="key-2")).code == "invalid_token"
    clock.now += 240  # 300 s after the fetch: not yet *more* than the interval
    assert refused(verifier, sign(keys, kid="key-2")).code == "invalid_token"
    assert len(fetch.urls) == 1

    clock.now += 1
    assert verifier.verify(sign(keys, kid="key-2")).id == "5f0c-user"
    assert len(fetch.urls) == 2

    # The refreshed set is cached again: both keys verify with no further download.
    verifier.verify(sign(keys, kid="key-1"))
    verifier.verify(sign(keys, kid="key-2"))
    assert len(fetch.urls) == 2


def test_a_token_seen_before_skips_the_signature_check_but_still_expires(keys, monkeypatch):
    clock = Clock(float(int(time.time())))
    verifier = TokenVerifier(SETTINGS, fetch_jwks=FakeJwks(jwks(keys, "key-1")), clock=clock)
    token = sign(keys, exp=int(clock.now) + 60)
    checked = []
    decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: checked.append(1) or decode(*a, **k))

    first = verifier.verify(token)
    assert verifier.verify("Bearer " + token) == first
    assert len(checked) == 1

    clock.now += 60 + 31  # past expiry and the leeway: the remembered token is refused
    assert refused(verifier, token).code == "token_expired"


def test_a_tampered_copy_of_a_remembered_token_is_refused(keys, verifier):
    token = sign(keys)
    verifier.verify(token)
    head, body, signature = token.split(".")
    forged = b64({**claims(), "cognito:groups": ["leaders"]})

    assert refused(verifier, f"{head}.{forged}.{signature}").code == "invalid_token"
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert refused(verifier, f"{head}.{body}.{flipped}").code == "invalid_token"


def test_a_flood_of_unknown_key_ids_does_not_hammer_the_jwks(keys):
    fetch = FakeJwks(jwks(keys, "key-1"))
    clock = Clock()
    verifier = TokenVerifier(SETTINGS, fetch_jwks=fetch, clock=clock)
    verifier.verify(sign(keys))

    for n in range(20):
        refused(verifier, sign(keys, kid=f"made-up-{n}", signing_key="stranger"))

    assert len(fetch.urls) == 1


def test_non_rsa_and_kidless_keys_in_the_jwks_are_ignored(keys):
    document = jwks(keys, "key-1")
    document["keys"] += [
        {"kty": "oct", "kid": "key-2", "k": "c2VjcmV0"},
        {k: v for k, v in jwks(keys, "key-2")["keys"][0].items() if k != "kid"},
    ]
    verifier = TokenVerifier(SETTINGS, fetch_jwks=FakeJwks(document))

    assert verifier.verify(sign(keys, kid="key-1")).id == "5f0c-user"
    assert refused(verifier, sign(keys, kid="key-2")).code == "invalid_token"


# --- Authorizer context ----------------------------------------------------------------------


# The time the context tests read the context at; their tokens expire an hour later.
NOW = 1_790_000_600.0
EXP = 1_790_003_600


def test_to_context_and_from_context_round_trip():
    caller = Caller(
        id="5f0c-user",
        roles=frozenset({"participants", "leaders"}),
        username="sam-leader",
        issued_at=1_790_000_000,
        expires_at=EXP,
    )

    context = identity.to_context(caller)

    assert context == {
        "roles": "leaders,participants",
        "username": "sam-leader",
        "issued_at": "1790000000",
        "expires_at": "1790003600",
    }
    assert all(isinstance(v, str) for v in context.values())
    assert identity.from_context("5f0c-user", context, NOW) == caller


def test_a_participants_username_stays_out_of_the_context():
    caller = Caller(
        id="5f0c-user", roles=frozenset({"participants"}), username="maria.lopez", expires_at=EXP
    )

    context = identity.to_context(caller)

    assert context == {"roles": "participants", "issued_at": "0", "expires_at": "1790003600"}
    assert identity.from_context(caller.id, context, NOW).username == ""


@pytest.mark.parametrize("sent", ["", "-5", "1e9", "١٢٣", "x"])
def test_an_odd_issued_at_in_the_context_counts_as_none(sent):
    context = {"roles": "participants", "issued_at": sent, "expires_at": str(EXP)}
    assert identity.from_context("u", context, NOW).issued_at == 0


def test_round_trip_of_a_caller_without_roles():
    caller = Caller(id="5f0c-user", roles=frozenset(), expires_at=EXP)

    assert identity.from_context(caller.id, identity.to_context(caller), NOW) == caller


def test_from_context_drops_roles_it_does_not_know():
    context = {"roles": "participants,root,,admins", "expires_at": str(EXP)}
    caller = identity.from_context("u", context, NOW)

    assert caller.roles == frozenset({"participants", "admins"})


# API Gateway caches the authorizer's answer (app.AUTHORIZER_TTL_SECONDS) and hands the cached
# context to the route without calling the authorizer again: the route checks the expiry.


def test_a_context_from_a_token_is_refused_once_the_token_has_expired(keys):
    clock = Clock(float(int(time.time())))
    verifier = TokenVerifier(SETTINGS, fetch_jwks=FakeJwks(jwks(keys, "key-1")), clock=clock)
    exp = int(clock.now) + 60
    caller = verifier.verify(sign(keys, exp=exp))
    context = identity.to_context(caller)  # what API Gateway caches
    assert context["expires_at"] == str(exp)

    # Before expiry, and within the verifier's leeway after it: accepted, as the authorizer would.
    assert identity.from_context(caller.id, context, clock.now) == caller
    assert identity.from_context(caller.id, context, exp + 30) == caller

    clock.now = exp + 31  # past expiry and the leeway: the authorizer and the route both refuse
    assert refused(verifier, sign(keys, exp=exp)).code == "token_expired"
    with pytest.raises(Unauthenticated) as caught:
        identity.from_context(caller.id, context, clock.now)
    assert (caught.value.status, caught.value.code) == (401, "token_expired")
    assert caught.value.message == "The access token has expired."


@pytest.mark.parametrize("sent", [None, "", "0", "-5", "1e9", "١٢٣", "x"])
def test_a_context_without_a_readable_expiry_is_refused_as_expired(sent):
    """An answer cached before the expiry travelled, or anything odd: the client refreshes."""
    context = {"roles": "participants", "issued_at": "0"}
    if sent is not None:
        context["expires_at"] = sent
    with pytest.raises(Unauthenticated) as caught:
        identity.from_context("u", context, NOW)
    assert caught.value.code == "token_expired"


def test_from_context_raises_the_authorizer_error():
    error = Unauthenticated("The access token has expired.", code="token_expired")
    context = identity.to_context(None, error)

    assert context == {
        "auth_error": "token_expired",
        "auth_message": "The access token has expired.",
    }
    with pytest.raises(Unauthenticated) as caught:
        identity.from_context("5f0c-user", context, NOW)
    assert caught.value.code == "token_expired"
    assert caught.value.message == "The access token has expired."


@pytest.mark.parametrize("principal", ["anonymous", None, ""])
def test_from_context_refuses_an_anonymous_caller(principal):
    with pytest.raises(Unauthenticated) as caught:
        identity.from_context(principal, {"roles": "admins", "expires_at": str(EXP)}, NOW)

    assert caught.value.code == "unauthenticated"
    assert caught.value.message == "Sign in to continue."


def test_from_context_with_no_context_at_all_is_unauthenticated():
    with pytest.raises(Unauthenticated):
        identity.from_context(None, None, NOW)
