"""Cognito's refusals of ``ChangePassword`` told apart (``Accounts.change_password``): a wrong
current password is the form's error; a refused access token sends the person to sign in."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.accounts import Accounts, PasswordRefused
from chalicelib.errors import Unauthenticated

TOKEN = "eyJraWQiOiJsb2NhbCJ9.eyJzdWIiOiJzYW0ifQ.c2lnbmF0dXJl"


class RefusingCognito:
    """Answers ChangePassword with one refusal."""

    def __init__(self, code: str, message: str) -> None:
        self.error = ClientError({"Error": {"Code": code, "Message": message}}, "ChangePassword")

    def change_password(self, **_kwargs: str) -> None:
        raise self.error


def change(code: str, message: str) -> None:
    Accounts(RefusingCognito(code, message), "pool", "client").change_password(  # type: ignore[arg-type]
        TOKEN, "Correct-horse-42", "New-pass-2026a"
    )


@pytest.mark.parametrize(
    "message",
    [
        "Access Token has expired",
        "Access Token has been revoked",
        "Invalid Access Token",
        TOKEN,  # the local stand-in (moto) names a token it does not know by itself
    ],
)
def test_a_refused_access_token_is_a_sign_in_not_a_wrong_password(message):
    with pytest.raises(Unauthenticated):
        change("NotAuthorizedException", message)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Incorrect username or password.", "NotAuthorizedException"),
        ("sam", "NotAuthorizedException"),  # moto: the username
        ("Password attempts exceeded", "LimitExceededException"),
    ],
)
def test_a_wrong_password_is_still_the_forms_error(message, code):
    with pytest.raises(PasswordRefused) as refused:
        change("NotAuthorizedException", message)
    assert refused.value.code == code
