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


class FieldError(BadRequest):
    """A 400 that names the field (a web form links its error summary to it) and, when one
    item of a list is at fault, that item: ``item`` counts from 0 in the list as given, and
    ``part`` is the contact's ``"name"`` or ``"phone"``. ``limit``: the length a too-long
    answer may have, ``length`` the length it has. The form words the message itself
    (``field_message`` is the English). ``errors``: every field refused (itself alone here;
    ``FieldErrors`` holds several)."""

    def __init__(
        self,
        field_id: str,
        message: str,
        code: str = "invalid_answer",
        *,
        item: int | None = None,
        part: str | None = None,
        limit: int | None = None,
        length: int | None = None,
    ) -> None:
        where = field_id if item is None else f"{field_id}, item {item + 1}"
        super().__init__(f"{where}: {message}", code=code)
        self.field_id = field_id
        self.field_message = message
        self.item = item
        self.part = part
        self.limit = limit
        self.length = length
        self.errors: tuple[FieldError, ...] = (self,)


class FieldErrors(FieldError):
    """Every field (or list item) a save refused, not only the first, so that a form names
    them all at once (a worksheet's fields, the plan's items): ``errors``, in the order given.
    It is itself the first of them, so an API caller reads one ``{"error": {"code",
    "message"}}``: the first problem's."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = errors[0]
        super().__init__(
            first.field_id,
            first.field_message,
            first.code,
            item=first.item,
            part=first.part,
            limit=first.limit,
            length=first.length,
        )
        self.errors = tuple(errors)


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
