"""The library search's words, sealed for the address of the results page.

Why: a search posts its words (a shared phone's history keeps every address), but every page
is ``Cache-Control: no-store`` (for quick exit), so Back to a posted page is the browser's
"Confirm Form Resubmission" dead end. The search therefore redirects (Post/Redirect/Get) to
``/library?s=<token>``: the words encrypted (AES-GCM) with a key derived from the signed-in
session's own server-side secret, its CSRF token, which never appears in an address. The
address names nothing readable; Back and refresh are plain GETs; and a token opens only in
the session that made it: after sign-out, in another participant's session, edited or cut
short, it opens as nothing.

The plaintext is padded to a multiple of ``BLOCK`` bytes, so the token's length says little
about the words' length. ``cryptography`` (shipped by PyJWT[crypto]) is imported on a search
only, not at a Lambda's cold start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from chalicelib.library import MAX_QUERY_LENGTH

__all__ = ["seal", "unseal"]

CONTEXT = b"steady library search"
NONCE_BYTES = 12
TAG_BYTES = 16
BLOCK = 32
# UTF-8 takes at most 4 bytes a character; one more block for the padding's marker.
_MAX_PLAINTEXT = (MAX_QUERY_LENGTH * 4 // BLOCK + 1) * BLOCK
_MAX_TOKEN = len(base64.urlsafe_b64encode(bytes(NONCE_BYTES + _MAX_PLAINTEXT + TAG_BYTES)))


def _key(session_secret: str) -> bytes:
    """A 256-bit AES key of its own for this use, derived from the session's secret."""
    return hmac.new(session_secret.encode(), CONTEXT, hashlib.sha256).digest()


def seal(query: str, session_secret: str) -> str:
    """The token (URL-safe, no padding) for ``query`` in the session whose secret is
    ``session_secret``. Raises ``ValueError`` for a query longer than ``MAX_QUERY_LENGTH``
    or an empty secret."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not session_secret:
        raise ValueError("no session secret")
    if len(query) > MAX_QUERY_LENGTH:
        raise ValueError(f"a search has at most {MAX_QUERY_LENGTH} characters")
    data = query.encode() + b"\x80"  # ISO/IEC 7816-4 padding: a marker, then zeros
    data += bytes(-len(data) % BLOCK)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(_key(session_secret)).encrypt(nonce, data, CONTEXT)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def unseal(token: str, session_secret: str | None) -> str | None:
    """The words ``token`` carries, if it was sealed in this session; ``None`` for anything
    else (another session's, signed out, edited, cut short, too long, not a token)."""
    if not token or not session_secret or len(token) > _MAX_TOKEN:
        return None
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        if len(raw) < NONCE_BYTES + BLOCK + TAG_BYTES:
            return None
        data = AESGCM(_key(session_secret)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], CONTEXT)
        padded = data.rstrip(b"\x00")
        if not padded.endswith(b"\x80"):
            return None
        query = padded[:-1].decode("utf-8")
    except (ValueError, InvalidTag):  # bad base64 or UTF-8 (both ValueError), a wrong key
        return None
    return query if len(query) <= MAX_QUERY_LENGTH else None
