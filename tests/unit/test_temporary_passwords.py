"""Temporary passwords (chalicelib.accounts.temporary_password): read aloud or copied from paper
by someone new, so no characters that pass for one another, and always within the user pool's
password policy (steady_local.provision.PASSWORD_POLICY, which test_infra holds equal to
infra/resources.yaml)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.accounts import temporary_password
from steady_local.provision import PASSWORD_POLICY

# Never in a temporary password: the pairs everyone mixes up...
NEVER = set("IlO01")
# ...and, of each family of look-alikes, at most one member may be used at all.
LOOK_ALIKES = [
    "0OoQD",
    "1lIi|!7",
    "5Ss",
    "2Zz",
    "8B",
    "6Gb",
    "9gq",
    "Cc",
    "Kk",
    "Pp",
    "Uu",
    "Vv",
    "Ww",
    "Xx",
    "Yy",
]


def meets_the_policy(password: str) -> bool:
    """What Cognito checks, from the pool's policy (symbols are never required here)."""
    assert not PASSWORD_POLICY["RequireSymbols"]
    return (
        len(password) >= PASSWORD_POLICY["MinimumLength"]
        and (not PASSWORD_POLICY["RequireUppercase"] or any(c.isupper() for c in password))
        and (not PASSWORD_POLICY["RequireLowercase"] or any(c.islower() for c in password))
        and (not PASSWORD_POLICY["RequireNumbers"] or any(c.isdigit() for c in password))
        and password.isascii()
        and password.isalnum()
    )


@given(st.randoms(use_true_random=False))
def test_any_draw_meets_the_policy_without_ambiguous_characters(rng: random.Random) -> None:
    password = temporary_password(rng)
    assert meets_the_policy(password), password
    assert not NEVER & set(password), password


def test_many_real_passwords_meet_the_policy_without_ambiguous_characters() -> None:
    seen: set[str] = set()
    for _ in range(3000):
        password = temporary_password()  # drawn by secrets, as in production
        assert meets_the_policy(password), password
        assert not NEVER & set(password), password
        seen |= set(password)
    for family in LOOK_ALIKES:
        assert len(seen & set(family)) <= 1, (family, sorted(seen & set(family)))
    # Every kind of character the policy asks for is drawn: the alphabet is not starved.
    assert {c for c in seen if c.isdigit()} and {c for c in seen if c.isupper()}
    assert len(seen) >= 25  # about 77 bits in 16 characters


def test_passwords_differ() -> None:
    assert len({temporary_password() for _ in range(200)}) == 200
