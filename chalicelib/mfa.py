"""Two-step sign-in (an authenticator app, TOTP), required for leaders and admins.

Cognito can require MFA for a whole pool, not for some groups: requiring it would push every
participant onto an authenticator app. So the pool's MFA is OPTIONAL with TOTP on, and the
service enforces the rule: a caller whose token carries a role in ``TWO_STEP_ROLES`` holds that
role only once the account has an authenticator enabled (``AdminGetUser`` lists
``SOFTWARE_TOKEN_MFA``). From then on Cognito asks for a code at every sign-in, so each token
of such an account was earned with a code. Until then the roles are *withheld*: the API
answers 403 ``mfa_required`` and the web app sends the user to set an authenticator up.

Calls: participants never cost one. An enabled account is remembered for ``REMEMBER_SECONDS``
per container (one ``AdminGetUser`` per staff user per 5 minutes); a missing authenticator is
never remembered, so setting one up takes effect at once. Turning it off takes effect within
``REMEMBER_SECONDS``. The same AdminGetUser says whether the account is enabled: a disabled
account is refused (and never remembered); a disable also ends the account's tokens at once
through ``chalicelib.access``, for every role.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from urllib.parse import quote

from chalicelib.accounts import AUTHENTICATOR_NAME, Accounts
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Unauthenticated
from chalicelib.identity import TWO_STEP_ROLES, Caller
from chalicelib.text import code_digits

REMEMBER_SECONDS = 300
ISSUER = AUTHENTICATOR_NAME
ACCOUNT_DISABLED_MESSAGE = (
    "This account is turned off. Ask an admin if you think that is a mistake."
)
SETUP_PATH = "/account/authenticator"
MFA_REQUIRED_MESSAGE = (
    "Leader and admin features need two-step sign-in. Sign in to the web app and set up an "
    "authenticator app, then try again."
)
WRONG_CODE = "That code did not work. Codes change every 30 seconds: type the newest one."


def check_code(code: str) -> str:
    """A six-digit code, spaces and dashes allowed (apps show ``123 456``;
    ``text.code_digits``); raises ``BadRequest``."""
    digits = code_digits(code)
    if digits is None:
        raise BadRequest("Type the 6-digit code from your authenticator app.", code="invalid_code")
    return digits


def display_key(secret: str) -> str:
    """The secret as a person types it: base32 reads the same in either case; apps show it
    upper-case, in groups of four."""
    return " ".join(secret[i : i + 4].upper() for i in range(0, len(secret), 4))


def setup_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (from a QR code or a tap)."""
    label = quote(f"{ISSUER}:{username}", safe=":")
    return f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER}"


class Authenticators:
    """Whether accounts have an authenticator, and setting one up (Cognito through
    ``chalicelib.accounts.Accounts``)."""

    def __init__(self, accounts: Accounts, clock: Clock) -> None:
        self._accounts = accounts
        self._clock = clock
        self._enabled_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, caller: Caller) -> Caller:
        """The caller with ``TWO_STEP_ROLES`` withheld unless the account has an authenticator.
        Raises ``Unauthenticated`` (``account_disabled``) for a disabled staff account."""
        needed = caller.roles & TWO_STEP_ROLES
        if not needed or self.enabled(caller.username):
            return caller
        return replace(caller, roles=caller.roles - needed, withheld=caller.withheld | needed)

    def enabled(self, username: str) -> bool:
        """True if ``username`` has an authenticator enabled (remembered when true). A disabled
        account raises ``Unauthenticated`` and is never remembered."""
        if not username:
            return False
        now = self._clock.monotonic()
        with self._lock:
            seen = self._enabled_at.get(username)
        if seen is not None and now - seen < REMEMBER_SECONDS:
            return True
        state = self._accounts.sign_in_state(username)
        on = state.exists and state.enabled and state.authenticator
        with self._lock:
            if on:
                self._enabled_at[username] = now
            else:
                self._enabled_at.pop(username, None)
        if state.exists and not state.enabled:
            raise Unauthenticated(ACCOUNT_DISABLED_MESSAGE, code="account_disabled")
        return on

    def forget(self, username: str) -> None:
        """Stop remembering ``username``'s authenticator in this container (after a reset or
        a disable)."""
        with self._lock:
            self._enabled_at.pop(username, None)

    def begin_setup(self, access_token: str) -> str:
        """A new secret for the signed-in account's authenticator (not active until confirmed)."""
        return self._accounts.begin_authenticator(access_token)

    def finish_setup(self, access_token: str, username: str, code: str) -> None:
        """Check a code from the new authenticator, then require it at every sign-in."""
        digits = check_code(code)
        self._accounts.confirm_authenticator(
            access_token, digits, BadRequest(WRONG_CODE, code="wrong_code")
        )
        with self._lock:
            self._enabled_at[username] = self._clock.monotonic()
