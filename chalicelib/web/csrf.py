"""CSRF protection for every form post: a synchronizer token.

A signed-in session carries its own random token (stored server-side with the session); every
form repeats it in a hidden field and the post is refused unless the two match. Before
sign-in there is no session yet, so the sign-in form uses a double-submit token: a random
value in a short-lived, SameSite=Strict cookie that the form must repeat.
"""

from __future__ import annotations

import hmac

from chalicelib.errors import Forbidden
from chalicelib.sign_in import new_csrf_token as new_token

__all__ = ["FIELD", "check", "new_token"]

FIELD = "csrf"


def check(expected: str | None, given: str | None) -> None:
    """Raise ``Forbidden`` unless ``given`` equals ``expected`` (constant-time comparison)."""
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden(
            "This form has expired. Go back, reload the page and try again.", code="csrf_failed"
        )
