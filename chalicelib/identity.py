"""Who is calling: Cognito access tokens verified against the user pool's JWKS.

Checks every token for signature (RS256, key from the pool's JWKS), issuer, client id,
expiry and ``token_use == "access"``. Roles come from ``cognito:groups``. PyJWT is imported
on first use so that it costs nothing at cold start for routes that never see a token.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import Clock
from chalicelib.errors import Unauthenticated
from chalicelib.settings import Settings

PARTICIPANTS = "participants"
LEADERS = "leaders"
AUTHORS = "authors"
ADMINS = "admins"
ROLES = (PARTICIPANTS, LEADERS, AUTHORS, ADMINS)
# Roles held only with two-step sign-in (enforced by chalicelib.mfa).
TWO_STEP_ROLES = frozenset({LEADERS, ADMINS})
# The principal the authorizer reports for a token it refused (the route answers 401).
ANONYMOUS = "anonymous"

# How long a downloaded JWKS is trusted before an unknown key id may trigger a refetch.
_JWKS_REFRESH_SECONDS = 300
_LEEWAY_SECONDS = 30
# Tokens already verified in this container: a web page sends the same token on every request,
# and checking its RSA signature again costs more than the rest of a lesson page's own work.
# Only the signature and fixed claims are remembered; expiry is checked on every use.
_VERIFIED_TOKENS = 1024


@dataclass(frozen=True)
class Caller:
    """An authenticated user: a stable pseudonymous id (the Cognito ``sub``) and roles.

    ``username`` is for Cognito calls only, never for logs. ``withheld`` are roles the token
    carries that the caller may not use yet (see ``chalicelib.mfa``).
    """

    id: str
    roles: frozenset[str]
    username: str = ""
    withheld: frozenset[str] = frozenset()
    # When the sign-in behind the token happened (``auth_time``, else ``iat``; epoch seconds):
    # a disable refuses tokens issued before it (``chalicelib.access``).
    issued_at: int = 0
    # When the token expires (``exp``, epoch seconds; 0: not known). The authorizer hands it to
    # the route, which checks it again: API Gateway may serve the authorizer's answer from its
    # cache after the token has expired (``from_context``).
    expires_at: int = 0

    def has_any(self, roles: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        return bool(self.roles.intersection(roles))


def fetch_json(url: str) -> dict[str, Any]:
    """Download a JSON document (the JWKS) over HTTPS with a short timeout."""
    with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (fixed https URL)
        keys: dict[str, Any] = json.loads(response.read())
        return keys


class TokenVerifier:
    """Verifies Cognito access tokens; the JWKS source is injected so tests can supply moto's."""

    def __init__(
        self,
        settings: Settings,
        fetch_jwks: Callable[[str], dict[str, Any]] = fetch_json,
        clock: Clock | None = None,
    ) -> None:
        self._settings = settings
        self._fetch_jwks = fetch_jwks
        self._clock = clock or Clock()
        self._keys: dict[str, object] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()
        self._verified: OrderedDict[str, tuple[Caller, float]] = OrderedDict()

    def verify(self, token: str) -> Caller:
        """Return the caller for a valid access token; raise ``Unauthenticated`` otherwise."""
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        # A remembered token stays valid until it expires even if its key leaves the JWKS
        # (Cognito keeps retired keys published while their tokens live; at most an hour).
        with self._lock:
            known = self._verified.get(token)
            if known is not None:
                self._verified.move_to_end(token)
        if known is None:
            known = self._check(token)
            with self._lock:
                self._verified[token] = known
                while len(self._verified) > _VERIFIED_TOKENS:
                    self._verified.popitem(last=False)
        caller, exp = known
        if expired(exp, self._clock.epoch()):
            raise _token_expired()
        return caller

    def epoch(self) -> float:
        """Now, by the clock this verifier checks expiry against (``Services.build`` gives it
        the services' one clock): the route checks a cached authorizer answer by it too."""
        return self._clock.epoch()

    def _check(self, token: str) -> tuple[Caller, float]:
        """The caller a token names and its expiry, once its signature and claims check out."""
        import jwt  # deferred: see module docstring

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("The access token is malformed.", code="invalid_token") from None
        if header.get("alg") != "RS256":
            raise Unauthenticated(
                "The access token is not signed as expected.", code="invalid_token"
            )
        key = self._key_for(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=self._settings.issuer,
                options={
                    "require": ["exp", "iss", "sub", "token_use", "client_id"],
                    "verify_aud": False,
                    # Expiry is checked below against the injected clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise Unauthenticated("The access token is not valid.", code="invalid_token") from None
        exp = claims.get("exp")
        if isinstance(exp, bool) or not isinstance(exp, (int, float)) or not math.isfinite(exp):
            raise Unauthenticated("The access token is not valid.", code="invalid_token")
        if claims.get("token_use") != "access":
            raise Unauthenticated("An access token is required.", code="invalid_token")
        if claims.get("client_id") not in self._settings.user_pool_client_ids:
            raise Unauthenticated("The token was issued to another client.", code="invalid_token")
        groups = claims.get("cognito:groups") or []
        caller = Caller(
            id=str(claims["sub"]),
            roles=frozenset(g for g in groups if g in ROLES),
            username=str(claims.get("username", "")),
            issued_at=_issued_at(claims),
            expires_at=math.ceil(exp),
        )
        return caller, float(exp)

    def _key_for(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            if (
                kid not in self._keys
                and self._clock.monotonic() - self._fetched_at > _JWKS_REFRESH_SECONDS
            ):
                self._load_keys()
        key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated(
                "The access token was signed by an unknown key.", code="invalid_token"
            )
        return key

    def _load_keys(self) -> None:
        from jwt.algorithms import RSAAlgorithm

        document = self._fetch_jwks(self._settings.jwks_url)
        self._keys = {
            k["kid"]: RSAAlgorithm.from_jwk(json.dumps(k))
            for k in document.get("keys", [])
            if k.get("kty") == "RSA" and "kid" in k
        }
        self._fetched_at = self._clock.monotonic()


def _issued_at(claims: dict[str, Any]) -> int:
    """``auth_time`` (the sign-in; a refreshed token keeps it), else ``iat``; 0 if neither."""
    for name in ("auth_time", "iat"):
        value = claims.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
    return 0


def expired(exp: float, now: float) -> bool:
    """Whether a token with expiry ``exp`` has expired at ``now`` (epoch seconds), allowing
    the verifier's clock leeway: the one rule for the authorizer and the route."""
    return exp + _LEEWAY_SECONDS < now


def _token_expired() -> Unauthenticated:
    return Unauthenticated("The access token has expired.", code="token_expired")


# The authorizer hands the caller to the route through API Gateway's authorizer context,
# whose values must be strings. The username travels only where the two-step check needs it.
# The token's expiry travels too: a deployed API Gateway caches the authorizer's answer
# (``AUTHORIZER_TTL_SECONDS``, app.py) and serves it without calling the authorizer again, so
# the route checks the expiry itself on every request (``from_context``).
def to_context(caller: Caller | None, error: Unauthenticated | None = None) -> dict[str, str]:
    if caller is None:
        assert error is not None
        return {"auth_error": error.code, "auth_message": error.message}
    context = {
        "roles": ",".join(sorted(caller.roles)),
        "issued_at": str(caller.issued_at),
        "expires_at": str(caller.expires_at),
    }
    if caller.roles & TWO_STEP_ROLES:
        context["username"] = caller.username
    return context


def from_context(principal_id: str | None, context: dict[str, Any] | None, now: float) -> Caller:
    """Rebuild the caller in the route; raises ``Unauthenticated`` if the authorizer refused,
    and ``token_expired`` (as the authorizer would) once the token's expiry has passed at
    ``now`` (``TokenVerifier.epoch``: the authorizer's clock, epoch seconds), or when the context does not say when it
    expires (an answer cached before the expiry travelled): the client refreshes its token."""
    context = context or {}
    if context.get("auth_error") or not principal_id or principal_id == ANONYMOUS:
        raise Unauthenticated(
            context.get("auth_message") or "Sign in to continue.",
            code=context.get("auth_error") or "unauthenticated",
        )
    expires_at = _whole(context.get("expires_at"))
    if not expires_at or expired(expires_at, now):
        raise _token_expired()
    roles = frozenset(r for r in str(context.get("roles", "")).split(",") if r in ROLES)
    return Caller(
        id=principal_id,
        roles=roles,
        username=str(context.get("username", "")),
        issued_at=_whole(context.get("issued_at", "0")),
        expires_at=expires_at,
    )


def _whole(value: Any) -> int:
    """A context value written by ``to_context`` as a whole number: 0 for anything else."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else 0
