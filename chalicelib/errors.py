"""The one error hierarchy. Every error the API returns is a ``SteadyError``.

Routes turn these into ``{"error": {"code", "message"}}`` with ``status``; anything else
that escapes a handler is a bug and is reported as a 500.
"""

from __future__ import annotations

from typing import Any


class SteadyError(Exception):
    """Base class: a problem the caller can understand and act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(SteadyError):
    status = 400
    code = "bad_request"


class Unauthenticated(SteadyError):
    status = 401
    code = "unauthenticated"


class Forbidden(SteadyError):
    status = 403
    code = "forbidden"


class NotFound(SteadyError):
    status = 404
    code = "not_found"


class Conflict(SteadyError):
    status = 409
    code = "conflict"


class PayloadTooLarge(SteadyError):
    status = 413
    code = "payload_too_large"


class ServiceUnavailable(SteadyError):
    """A dependency (S3, DynamoDB) is unavailable; the client may retry."""

    status = 503
    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 2, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
