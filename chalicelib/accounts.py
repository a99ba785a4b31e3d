"""Cognito accounts: find, create and list users in the pool (boto3 client injected).

The display name a leader types is never stored in Cognito (see ``chalicelib.groups``); only
the username, an optional email for the invitation, and the role group.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from chalicelib.identity import ROLES

USERNAME_RULE = "3 to 64 letters, digits, dots, dashes or underscores"
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

    def to_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "roles": sorted(self.roles), "enabled": self.enabled}


def check_username(username: Any) -> str:
    allowed = set(string.ascii_letters + string.digits + "._-")
    if not isinstance(username, str) or not 3 <= len(username) <= 64 or not set(username) <= allowed:
        raise BadRequest(f"A username is {USERNAME_RULE}.", code="invalid_username")
    return username


def temporary_password() -> str:
    """Meets the pool's policy: 12+ characters with upper, lower and digits."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate)):
            return candidate


class Accounts:
    def __init__(self, cognito: Any, user_pool_id: str) -> None:
        self._cognito = cognito
        self._pool = user_pool_id

    def find(self, username: str) -> Account:
        """The account with this username; raises ``NotFound``."""
        check_username(username)
        try:
            user = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username)
            groups = self._cognito.admin_list_groups_for_user(UserPoolId=self._pool, Username=username)
        except self._cognito.exceptions.UserNotFoundException:
            raise NotFound(f"There is no account {username}.", code="account_not_found") from None
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        roles = frozenset(g["GroupName"] for g in groups.get("Groups", []) if g["GroupName"] in ROLES)
        return Account(sub, user["Username"], roles, bool(user.get("Enabled", True)))

    def create(self, username: str, role: str, email: str | None = None) -> tuple[Account, str | None]:
        """Create an account in ``role``. With an email Cognito sends the invitation and no
        password is returned; without one, the temporary password is returned once."""
        check_username(username)
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
            raise BadRequest("Cognito refused that account (check the email address).", code="invalid_account") from None
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        try:
            self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=role)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return self.find(username), password

    def disable(self, username: str) -> Account:
        account = self.find(username)
        try:
            self._cognito.admin_disable_user(UserPoolId=self._pool, Username=username)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return Account(account.id, account.username, account.roles, False)

    def reset_authenticator(self, username: str) -> Account:
        """Turn the account's authenticator off (a lost phone) and sign it out everywhere; at
        the next sign-in the person sets up a new one (required for leaders and admins)."""
        account = self.find(username)
        try:
            self._cognito.admin_set_user_mfa_preference(
                UserPoolId=self._pool, Username=username,
                SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
            )
            self._cognito.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return account

    def list_role(self, role: str, page_token: str | None = None) -> tuple[list[Account], str | None]:
        if role not in ROLES:
            raise BadRequest("Unknown role.", code="invalid_role")
        request: dict[str, Any] = {"UserPoolId": self._pool, "GroupName": role, "Limit": 60}
        if page_token:
            request["NextToken"] = page_token
        try:
            response = self._cognito.list_users_in_group(**request)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _BAD_TOKEN_CODES:
                raise BadRequest("The page token is not valid.", code="invalid_page_token") from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error
        accounts = []
        for user in response.get("Users", []):
            sub = next(a["Value"] for a in user.get("Attributes", []) if a["Name"] == "sub")
            accounts.append(Account(sub, user["Username"], frozenset({role}), bool(user.get("Enabled", True))))
        return accounts, response.get("NextToken")
