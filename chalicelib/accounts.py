"""Cognito accounts: the one adapter for every Cognito call (boto3 client injected).

Admins' account work (find, create, list, disable, enable, reset an authenticator), a new
temporary password (a group leader's, for a participant of their group), the two-step check's
read (``sign_in_state``), setting up an authenticator, web sign-in (password, challenges,
refresh, sign-out) and a signed-in person's own password change all go through ``Accounts``;
nothing else in ``chalicelib`` calls Cognito. Cognito's errors become ``chalicelib.errors``
here, except the challenge answers and a password change, whose codes web sign-in tells apart
(``ChallengeRefused``, ``PasswordRefused``).

There is no lookup of a username by account id (that was ListUsers, filtered on ``sub``): group
records keep the usernames of a group's leaders and participants instead
(``records/groups.py``), so the API is no longer granted ListUsers, which nothing calls now.
It keeps ListUsersInGroup for an admin's lists of leader and author accounts (``list_role``),
and the digest function has it to find the leaders to email (``every_in_role``; the
operator's upgrade steps use it too, with their own credentials). ListUsersInGroup lists
every account of a role, emails included, participants' too: IAM cannot limit it to some
groups, so only this code (``administration`` asks for leaders and authors) keeps
participants out of those lists.

The display name a leader types is never stored in Cognito (see ``chalicelib.groups``); only
the username, an optional email for the invitation, and the role group.
"""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import error_code
from chalicelib.errors import BadRequest, Conflict, NotFound, ServiceUnavailable, Unauthenticated
from chalicelib.identity import ROLES

# "Letters" alone: é and ñ are letters to a counsellor (walk 15, 19.10).
USERNAME_RULE = "3 to 64 letters a–z without accents, digits, dots, dashes or underscores"
# What Cognito (and moto, which says InvalidToken) answers to a page token it did not issue.
_BAD_TOKEN_CODES = ("InvalidParameterException", "InvalidToken", "InvalidTokenException")


def _unavailable(error: Exception) -> ServiceUnavailable:
    return ServiceUnavailable("Accounts are unavailable right now. Try again shortly.")


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    roles: frozenset[str]
    enabled: bool
    # Only where Cognito lists it (``list_role``); never in ``to_dict``, never logged.
    email: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "roles": sorted(self.roles),
            "enabled": self.enabled,
        }


def check_username(username: Any) -> str:
    """The username as every account is created and looked up: lower case. Production's pool
    is case-insensitive (``infra/resources.yaml``) but the local stand-in is not, and phone
    keyboards capitalise the first letter; so every username typed (sign-in, enrol, add a
    leader, an admin's account work, web and API alike) comes through here, and its caller
    goes on with what this returns, never with what was typed. Raises ``BadRequest``
    (``invalid_username``)."""
    allowed = set(string.ascii_letters + string.digits + "._-")
    if (
        not isinstance(username, str)
        or not 3 <= len(username) <= 64
        or not set(username) <= allowed
    ):
        raise BadRequest(f"A username is {USERNAME_RULE}.", code="invalid_username")
    return username.lower()


# A temporary password is read aloud, or copied from paper or a phone screen, by someone who
# may never have seen it before: no characters that pass for one another. Left out: 0 O o Q
# and 1 l I i (the classic pairs); S s (5), Z z (2), B (8), G b (6), g q (9); and the letters
# whose capital is their small letter written bigger (C K P U V W X Y), both cases.
TEMPORARY_PASSWORD_LOWER = "adefhjmnrt"
TEMPORARY_PASSWORD_UPPER = "ADEFHJLMNRT"
TEMPORARY_PASSWORD_DIGITS = "23456789"
TEMPORARY_PASSWORD_LENGTH = 16  # of 29 characters: over 70 bits


def temporary_password(rng: random.Random | None = None) -> str:
    """A new account's first password, meeting the pool's policy (12+ characters with upper,
    lower and digits: ``infra/resources.yaml``) from the unambiguous characters above: one of
    each kind the policy asks for, the rest from all of them, shuffled; every draw by
    ``secrets`` (``rng`` only for tests)."""
    rng = rng or secrets.SystemRandom()
    kinds = (TEMPORARY_PASSWORD_LOWER, TEMPORARY_PASSWORD_UPPER, TEMPORARY_PASSWORD_DIGITS)
    alphabet = "".join(kinds)
    chars = [rng.choice(kind) for kind in kinds]
    chars += [rng.choice(alphabet) for _ in range(TEMPORARY_PASSWORD_LENGTH - len(kinds))]
    rng.shuffle(chars)
    return "".join(chars)


@dataclass(frozen=True)
class SignInState:
    """What the per-request two-step check needs to know about an account (one AdminGetUser)."""

    exists: bool
    enabled: bool
    authenticator: bool


@dataclass(frozen=True)
class SignInStep:
    """Cognito's answer to a password or a challenge answer: tokens, or the next challenge."""

    challenge: str = ""  # e.g. NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA; "" when signed in
    challenge_session: str = ""
    access_token: str = ""
    refresh_token: str = ""


class ChallengeRefused(Exception):
    """Cognito refused a challenge answer; ``code`` is its error code (web sign-in tells a
    wrong answer from a lost challenge by it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PasswordRefused(Exception):
    """Cognito refused a password change; ``code`` is its error code (one of
    ``PASSWORD_REFUSALS``: the page names the field at fault by it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


PASSWORD_REFUSALS = (
    "NotAuthorizedException",
    "InvalidPasswordException",
    "InvalidParameterException",
    "LimitExceededException",
    "TooManyRequestsException",
)
SOFTWARE_TOKEN = "SOFTWARE_TOKEN_MFA"
AUTHENTICATOR_NAME = "Steady"


class Accounts:
    def __init__(self, cognito: Any, user_pool_id: str, client_id: str = "") -> None:
        self._cognito = cognito
        self._pool = user_pool_id
        self._client_id = client_id

    # -- admins' account work -------------------------------------------------------------------

    def find(self, username: str) -> Account:
        """The account with this username (any case); raises ``NotFound``."""
        username = check_username(username)
        try:
            user = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username)
            groups = self._cognito.admin_list_groups_for_user(
                UserPoolId=self._pool, Username=username
            )
        except self._cognito.exceptions.UserNotFoundException:
            raise NotFound(f"There is no account {username}.", code="account_not_found") from None
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        roles = frozenset(
            g["GroupName"] for g in groups.get("Groups", []) if g["GroupName"] in ROLES
        )
        return Account(sub, user["Username"], roles, bool(user.get("Enabled", True)))

    def create(
        self, username: str, role: str, email: str | None = None
    ) -> tuple[Account, str | None]:
        """Create an account in ``role``. With an email Cognito sends the invitation and no
        password is returned; without one, the temporary password is returned once. The
        username is stored in lower case (``check_username``)."""
        username = check_username(username)
        if role not in ROLES:
            raise BadRequest("Unknown role.", code="invalid_role")
        password = None if email else temporary_password()
        request: dict[str, Any] = {"UserPoolId": self._pool, "Username": username}
        if email:
            if not isinstance(email, str) or "@" not in email or len(email) > 254:
                raise BadRequest("That email address does not look right.", code="invalid_email")
            request["UserAttributes"] = [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ]
            request["DesiredDeliveryMediums"] = ["EMAIL"]
        else:
            request["TemporaryPassword"] = password
            request["MessageAction"] = "SUPPRESS"
        try:
            self._cognito.admin_create_user(**request)
        except self._cognito.exceptions.UsernameExistsException:
            raise Conflict(f"The username {username} is taken.", code="username_taken") from None
        except self._cognito.exceptions.InvalidParameterException:
            raise BadRequest(
                "Cognito refused that account (check the email address).", code="invalid_account"
            ) from None
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        try:
            self._cognito.admin_add_user_to_group(
                UserPoolId=self._pool, Username=username, GroupName=role
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return self.find(username), password

    def resume_create(self, username: str, role: str, since: int) -> tuple[Account, str]:
        """The account a request that stopped half-way may have created (``create``, no email)
        before its temporary password was shown: if ``username`` is an account created at or
        after ``since`` (epoch seconds), still waiting for its first password, and in no role
        but ``role``, it gets ``role`` (if the stop came before) and a new temporary password,
        returned once (the first was never shown). Any other account with that username is
        someone else's: ``username_taken``, as ``create`` says. Cognito keeps usernames unique,
        so this never makes a second account."""
        username = check_username(username)
        taken = Conflict(f"The username {username} is taken.", code="username_taken")
        try:
            user = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username)
        except self._cognito.exceptions.UserNotFoundException:
            made, given = self.create(username, role)  # not created after all: now
            return made, given or ""
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        created = user.get("UserCreateDate")
        if (
            user.get("UserStatus") != "FORCE_CHANGE_PASSWORD"
            or created is None
            or created.timestamp() < since - 1  # Cognito's date is to the second
        ):
            raise taken
        account = self.find(username)
        if not account.roles <= {role}:
            raise taken
        if role not in account.roles:
            try:
                self._cognito.admin_add_user_to_group(
                    UserPoolId=self._pool, Username=username, GroupName=role
                )
            except (ClientError, BotoCoreError) as error:
                raise _unavailable(error) from error
            account = replace(account, roles=frozenset({role}))
        password = temporary_password()
        self.set_temporary_password(username, password)
        return account, password

    def disable(self, username: str) -> Account:
        """Disable the account and sign it out everywhere (its refresh tokens stop working).
        Its access tokens are ended by ``chalicelib.access`` (Cognito cannot recall a JWT)."""
        account = self.find(username)
        try:
            self._cognito.admin_disable_user(UserPoolId=self._pool, Username=account.username)
            self._cognito.admin_user_global_sign_out(
                UserPoolId=self._pool, Username=account.username
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return Account(account.id, account.username, account.roles, False)

    def enable(self, username: str) -> Account:
        """Let a disabled account sign in again (its old tokens stay ended)."""
        account = self.find(username)
        try:
            self._cognito.admin_enable_user(UserPoolId=self._pool, Username=account.username)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return Account(account.id, account.username, account.roles, True)

    def reset_authenticator(self, username: str) -> Account:
        """Turn the account's authenticator off (a lost phone) and sign it out everywhere; at
        the next sign-in the person sets up a new one (required for leaders and admins)."""
        account = self.find(username)
        try:
            self._cognito.admin_set_user_mfa_preference(
                UserPoolId=self._pool,
                Username=account.username,
                SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
            )
            self._cognito.admin_user_global_sign_out(
                UserPoolId=self._pool, Username=account.username
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return account

    def list_role(
        self, role: str, page_token: str | None = None
    ) -> tuple[list[Account], str | None]:
        """One page (up to 60) of the accounts in ``role``: one ListUsersInGroup, no Scan."""
        if role not in ROLES:
            raise BadRequest("Unknown role.", code="invalid_role")
        request: dict[str, Any] = {"UserPoolId": self._pool, "GroupName": role, "Limit": 60}
        if page_token:
            request["NextToken"] = page_token
        try:
            response = self._cognito.list_users_in_group(**request)
        except ClientError as error:
            if error_code(error) in _BAD_TOKEN_CODES:
                raise BadRequest(
                    "The page token is not valid.", code="invalid_page_token"
                ) from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error
        accounts = []
        for user in response.get("Users", []):
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            if "sub" not in attributes:
                continue
            accounts.append(
                Account(
                    attributes["sub"],
                    user["Username"],
                    frozenset({role}),
                    bool(user.get("Enabled", True)),
                    attributes.get("email"),
                )
            )
        return accounts, response.get("NextToken")

    def set_temporary_password(self, username: str, password: str) -> None:
        """A new temporary password (``AdminSetUserPassword``, not permanent): the old password
        stops working, at the next sign-in the person chooses their own, and the account is
        signed out everywhere (its refresh tokens stop working). ``NotFound`` for no such
        account."""
        try:
            self._cognito.admin_set_user_password(
                UserPoolId=self._pool, Username=username, Password=password, Permanent=False
            )
            self._cognito.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)
        except self._cognito.exceptions.UserNotFoundException:
            raise NotFound(f"There is no account {username}.", code="account_not_found") from None
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error

    def every_in_role(self, role: str) -> Iterator[Account]:
        """Every account in ``role``, page after page (scheduled jobs; never a request path)."""
        token: str | None = None
        while True:
            accounts, token = self.list_role(role, token)
            yield from accounts
            if not token:
                return

    # -- the two-step check and authenticator set-up ------------------------------------------

    def sign_in_state(self, username: str) -> SignInState:
        """Whether ``username`` exists, is enabled and has an authenticator (one AdminGetUser)."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username)
        except self._cognito.exceptions.UserNotFoundException:
            return SignInState(exists=False, enabled=False, authenticator=False)
        except (ClientError, BotoCoreError) as error:
            raise _checks_unavailable() from error
        return SignInState(
            exists=True,
            enabled=bool(user.get("Enabled", True)),
            authenticator=SOFTWARE_TOKEN in (user.get("UserMFASettingList") or []),
        )

    def begin_authenticator(self, access_token: str) -> str:
        """A new secret for the signed-in account's authenticator (not active until confirmed)."""
        try:
            return str(
                self._cognito.associate_software_token(AccessToken=access_token)["SecretCode"]
            )
        except self._cognito.exceptions.NotAuthorizedException:
            raise Unauthenticated("Sign in again to continue.") from None
        except (ClientError, BotoCoreError) as error:
            raise _checks_unavailable() from error

    def confirm_authenticator(self, access_token: str, code: str, wrong: BadRequest) -> None:
        """Check a code from the new authenticator, then require it at every sign-in; raises
        ``wrong`` for a code Cognito refused."""
        try:
            result = self._cognito.verify_software_token(
                AccessToken=access_token, UserCode=code, FriendlyDeviceName=AUTHENTICATOR_NAME
            )
            if result.get("Status") != "SUCCESS":
                raise wrong
            self._cognito.set_user_mfa_preference(
                AccessToken=access_token,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
        except (
            self._cognito.exceptions.CodeMismatchException,
            self._cognito.exceptions.EnableSoftwareTokenMFAException,
        ):
            raise wrong from None
        except self._cognito.exceptions.NotAuthorizedException:
            raise Unauthenticated("Sign in again to continue.") from None
        except (ClientError, BotoCoreError) as error:
            raise _checks_unavailable() from error

    # -- web sign-in (the pool's app client) ------------------------------------------------------

    def sign_in(self, username: str, password: str) -> SignInStep:
        """``InitiateAuth`` with ``USER_PASSWORD_AUTH``. Raises ``Unauthenticated``
        (``wrong_credentials`` or ``password_reset_required``); a disabled account is refused
        like a wrong password (Cognito says NotAuthorized)."""
        cognito = self._cognito
        try:
            result = cognito.initiate_auth(
                ClientId=self._app_client(),
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except (
            cognito.exceptions.NotAuthorizedException,
            cognito.exceptions.UserNotFoundException,
        ):
            raise Unauthenticated("wrong credentials", code="wrong_credentials") from None
        except cognito.exceptions.PasswordResetRequiredException:
            raise Unauthenticated(
                "password reset required", code="password_reset_required"
            ) from None
        except (ClientError, BotoCoreError) as error:
            raise _sign_in_unavailable() from error
        return _step(result)

    def answer_challenge(
        self, challenge: str, challenge_session: str, username: str, responses: dict[str, str]
    ) -> SignInStep:
        """``RespondToAuthChallenge``; raises ``ChallengeRefused`` with Cognito's error code."""
        try:
            result = self._cognito.respond_to_auth_challenge(
                ClientId=self._app_client(),
                ChallengeName=challenge,
                Session=challenge_session,
                ChallengeResponses={"USERNAME": username, **responses},
            )
        except ClientError as error:
            raise ChallengeRefused(error_code(error)) from None
        except BotoCoreError as error:
            raise _sign_in_unavailable() from error
        return _step(result)

    def refresh(self, refresh_token: str) -> str | None:
        """A new access token (``REFRESH_TOKEN_AUTH``), or ``None`` if the refresh token no
        longer works (signed out everywhere, disabled, expired)."""
        cognito = self._cognito
        try:
            result = cognito.initiate_auth(
                ClientId=self._app_client(),
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except (
            cognito.exceptions.NotAuthorizedException,
            cognito.exceptions.UserNotFoundException,
        ):
            return None
        except (ClientError, BotoCoreError) as error:
            raise _sign_in_unavailable() from error
        token = result.get("AuthenticationResult", {}).get("AccessToken")
        return str(token) if token else None

    def change_password(self, access_token: str, current: str, new: str) -> None:
        """``ChangePassword`` for the signed-in account, authorised by its own access token
        (no IAM permission: the app cannot change anyone else's password this way). Raises
        ``PasswordRefused`` with Cognito's error code when the current password is wrong
        (``NotAuthorizedException``, also after too many wrong tries), the new one breaks the
        pool's rules (``InvalidPasswordException``, ``InvalidParameterException``) or Cognito
        asks to slow down (``LimitExceededException``, ``TooManyRequestsException``).
        Raises ``Unauthenticated`` when the access token itself is refused (expired, or revoked
        by a sign-out everywhere): that is no wrong password, the person signs in again."""
        try:
            self._cognito.change_password(
                AccessToken=access_token, PreviousPassword=current, ProposedPassword=new
            )
        except ClientError as error:
            code = error_code(error)
            message = str(error.response.get("Error", {}).get("Message", ""))
            if code == "NotAuthorizedException" and _token_refused(message, access_token):
                raise Unauthenticated("Sign in again to continue.") from None
            if code == "NotAuthorizedException" and "attempts exceeded" in message.lower():
                code = "LimitExceededException"  # locked for a while, not a wrong password
            if code in PASSWORD_REFUSALS:
                raise PasswordRefused(code) from None
            raise _sign_in_unavailable() from error
        except BotoCoreError as error:
            raise _sign_in_unavailable() from error

    def sign_out(self, access_token: str) -> None:
        """``GlobalSignOut`` with the account's own access token (its refresh tokens end; no
        IAM permission needed). ``ServiceUnavailable`` if Cognito cannot answer."""
        try:
            self._cognito.global_sign_out(AccessToken=access_token)
        except (ClientError, BotoCoreError) as error:
            raise _sign_in_unavailable() from error

    def _app_client(self) -> str:
        if not self._client_id:
            raise ServiceUnavailable("Sign-in is not configured.")
        return self._client_id


def _step(result: dict[str, Any]) -> SignInStep:
    tokens = result.get("AuthenticationResult") or {}
    return SignInStep(
        challenge=str(result.get("ChallengeName", "") or ""),
        challenge_session=str(result.get("Session", "") or ""),
        access_token=str(tokens.get("AccessToken", "") or ""),
        refresh_token=str(tokens.get("RefreshToken", "") or ""),
    )


def _token_refused(message: str, access_token: str) -> bool:
    """Whether Cognito's ``NotAuthorizedException`` refused the access token rather than the
    password. A wrong password is "Incorrect username or password."; the token's refusals name
    it: "Access Token has expired", "Access Token has been revoked", "Invalid Access Token".
    The local stand-in (moto) says the token itself for a token it does not know, and the
    username for a wrong password."""
    return "token" in message.lower() or (bool(access_token) and message == access_token)


def _checks_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("Sign-in checks are unavailable right now. Try again shortly.")


def _sign_in_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("Sign-in is unavailable right now. Try again shortly.")
