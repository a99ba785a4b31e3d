"""chalicelib.mfa without AWS: which roles are withheld, what is remembered, code format."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError

from chalicelib import mfa
from chalicelib.accounts import Accounts
from chalicelib.clock import Clock as RealClock
from chalicelib.errors import BadRequest, ServiceUnavailable
from chalicelib.identity import Caller
from steady_local import totp


class FakeCognito:
    class exceptions:  # noqa: N801 (boto3's spelling)
        class UserNotFoundException(Exception):
            pass

    def __init__(self, enabled: dict[str, bool]) -> None:
        self.enabled = enabled
        self.asked: list[str] = []
        self.error: Exception | None = None

    def admin_get_user(self, UserPoolId: str, Username: str) -> dict:  # noqa: N803
        self.asked.append(Username)
        if self.error is not None:
            raise self.error
        if Username not in self.enabled:
            raise self.exceptions.UserNotFoundException()
        return {
            "Username": Username,
            "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"] if self.enabled[Username] else [],
        }


class Clock(RealClock):
    """Monotonic time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(monotonic=lambda: self.now)


def caller(*roles: str, username: str = "sam") -> Caller:
    return Caller(id="sub-1", roles=frozenset(roles), username=username)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_participants_and_authors_are_never_checked(clock):
    cognito = FakeCognito({})
    checks = mfa.Authenticators(Accounts(cognito, "pool"), clock)

    for roles in (("participants",), ("authors",), ()):
        assert checks.admit(caller(*roles)) == caller(*roles)
    assert cognito.asked == []


@pytest.mark.parametrize("role", ["leaders", "admins"])
def test_staff_without_an_authenticator_keep_only_their_other_roles(role, clock):
    checks = mfa.Authenticators(Accounts(FakeCognito({"sam": False}), "pool"), clock)

    admitted = checks.admit(caller("participants", role))

    assert admitted.roles == frozenset({"participants"})
    assert admitted.withheld == frozenset({role})
    assert admitted.id == "sub-1"


def test_staff_with_an_authenticator_keep_every_role_and_are_remembered(clock):
    cognito = FakeCognito({"sam": True})
    checks = mfa.Authenticators(Accounts(cognito, "pool"), clock)

    for _ in range(3):
        assert checks.admit(caller("leaders")).roles == frozenset({"leaders"})
    assert cognito.asked == ["sam"]
    clock.now += mfa.REMEMBER_SECONDS
    checks.admit(caller("leaders"))
    assert cognito.asked == ["sam", "sam"]


def test_a_missing_authenticator_is_never_remembered(clock):
    cognito = FakeCognito({"sam": False})
    checks = mfa.Authenticators(Accounts(cognito, "pool"), clock)
    assert checks.admit(caller("leaders")).withheld

    cognito.enabled["sam"] = True

    assert checks.admit(caller("leaders")).roles == frozenset({"leaders"})
    assert cognito.asked == ["sam", "sam"]


def test_unknown_or_nameless_accounts_are_withheld(clock):
    checks = mfa.Authenticators(Accounts(FakeCognito({}), "pool"), clock)

    assert checks.admit(caller("admins", username="gone")).withheld == frozenset({"admins"})
    assert checks.admit(caller("admins", username="")).withheld == frozenset({"admins"})


def test_cognito_failing_is_unavailable_not_a_pass(clock):
    cognito = FakeCognito({"sam": True})
    cognito.error = ClientError(
        {"Error": {"Code": "InternalErrorException", "Message": "x"}}, "AdminGetUser"
    )

    with pytest.raises(ServiceUnavailable):
        mfa.Authenticators(Accounts(cognito, "pool"), clock).admit(caller("leaders"))


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("123456", "123456"),
        (" 123 456 ", "123456"),
        ("012345", "012345"),
        ("123-456", "123456"),
        ("123 – 456", "123456"),
    ],
)
def test_codes_may_have_spaces_and_dashes(typed, sent):
    assert mfa.check_code(typed) == sent


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５６", None])
def test_anything_but_six_digits_is_refused(typed):
    with pytest.raises(BadRequest) as refused:
        mfa.check_code(typed)  # type: ignore[arg-type]
    assert refused.value.code == "invalid_code"


def test_setup_uri_is_what_authenticator_apps_read():
    uri = urlsplit(mfa.setup_uri("JBSWY3DPEHPK3PXP", "leader.one"))

    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/Steady:leader.one")
    assert parse_qs(uri.query) == {"secret": ["JBSWY3DPEHPK3PXP"], "issuer": ["Steady"]}


def test_local_codes_match_rfc_6238():
    # RFC 6238 appendix B (SHA-1 key "12345678901234567890"), last six of the eight digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert [totp.code(secret, t) for t in (59, 1111111109, 2000000000)] == [
        "287082",
        "081804",
        "279037",
    ]
