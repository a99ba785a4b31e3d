"""The codes an authenticator app shows (RFC 6238 TOTP: SHA-1, 6 digits, 30 seconds).

For the local demo (``make code``) and tests only: the service never computes a code, it
asks Cognito to check one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30


def step(at: float | None = None) -> int:
    """The 30-second window ``at`` falls in (now by default)."""
    return int((time.time() if at is None else at) // STEP_SECONDS)


def code(secret: str, at: float | None = None) -> str:
    """The 6-digit code for ``secret`` (base32, as Cognito gives it) at time ``at``."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step(at)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"
