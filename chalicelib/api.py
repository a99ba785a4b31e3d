"""The thin HTTP edge shared by every blueprint.

``Endpoints.route`` registers a Chalice route that (1) rebuilds the caller from the
authorizer context, (2) checks the caller's role, (3) validates query parameters and the
JSON body, (4) calls a plain handler and (5) turns ``SteadyError`` into
``{"error": {"code", "message"}}``. Every route registered this way is listed in
``Endpoints.registry`` so the authorization matrix test can insist on a row per route.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from chalice import Blueprint, Response

from chalicelib import logs, mfa, services, text
from chalicelib import settings as settings_module
from chalicelib.errors import (
    BadRequest,
    Forbidden,
    PayloadTooLarge,
    ServiceUnavailable,
    SteadyError,
)
from chalicelib.identity import ROLES, Caller, from_context

ANY_ROLE = frozenset(ROLES)
MAX_BODY_BYTES = 4096
MAX_QUERY_VALUE = 200
JSON = "application/json"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# JSON, CSV and empty responses are never rendered as documents: nothing may load or frame them.
# HTML pages carry their own policy (chalicelib.web.http), which this never replaces.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Only where the API is served over HTTPS on its own domain (never on localhost).
HSTS = "max-age=63072000; includeSubDomains"


@dataclass(frozen=True)
class Call:
    """Everything a handler may know about the request, already validated."""

    caller: Caller
    params: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Created:
    """Return this from a handler to answer 201 instead of 200."""

    body: Any


@dataclass(frozen=True)
class NoContent:
    """Return this from a handler to answer 204."""


class File(Protocol):
    @property
    def text(self) -> str | bytes: ...  # bytes: a binary download (the plan's PDF)
    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...


UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Download:
    """Return this from a handler (a JSON route or a web page) to send a file, e.g. the
    dashboard's ``CsvFile``, instead of JSON or HTML."""

    file: File

    def headers(self) -> dict[str, str]:
        # The core makes every file name from safe parts; this keeps the header safe whatever
        # it is given: no quote, line break, path separator or non-ASCII character gets in.
        filename = UNSAFE_IN_FILENAME.sub("-", self.file.filename).lstrip(".") or "download"
        return {
            "Content-Type": self.file.content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        }


@dataclass(frozen=True)
class EncodedJson:
    """Return this from a handler whose body is already JSON text (encoded once, served often)."""

    text: str


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    roles: frozenset[str]
    # The JSON body fields, required then optional (the odd-input property test sends each one).
    fields: tuple[str, ...] = ()


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    merged = {
        "Content-Type": JSON,
        "Cache-Control": "no-store",
        **SECURITY_HEADERS,
        **(headers or {}),
    }
    text = body.text if isinstance(body, EncodedJson) else json.dumps(body, separators=(",", ":"))
    return Response(body=text, status_code=status, headers=dict[str, str | list[str]](merged))


def error_response(error: SteadyError) -> Response:
    headers = {}
    if isinstance(error, ServiceUnavailable):
        headers["Retry-After"] = str(error.retry_after)
    return json_response(error.to_body(), error.status, headers)


class Endpoints:
    registry: ClassVar[list[RouteSpec]] = []

    def __init__(self, blueprint: Blueprint, authorizer: Any) -> None:
        self._bp = blueprint
        self._authorizer = authorizer

    def route(
        self,
        path: str,
        method: str = "GET",
        roles: Iterable[str] = ANY_ROLE,
        query: Iterable[str] = (),
        body: dict[str, type] | None = None,
        optional: dict[str, type] | None = None,
        cache: str = "no-store",
        max_body: int = MAX_BODY_BYTES,
        multiline: Iterable[str] = (),
    ) -> Callable[[Callable[[Call], Any]], Callable[..., Response]]:
        """Register ``handler(call)`` at ``method path`` for callers holding one of ``roles``.

        ``multiline`` names the body fields whose text may hold line breaks (long answers);
        the use case still decides which of the values inside may (``worksheets.clean_text``)."""
        allowed_roles = frozenset(roles)
        multiline_fields = frozenset(multiline)
        allowed_query = frozenset(query)
        Endpoints.registry.append(
            RouteSpec(method, path, allowed_roles, (*(body or {}), *(optional or {})))
        )

        def decorate(handler: Callable[[Call], Any]) -> Callable[..., Response]:
            def view(**params: str) -> Response:
                request = self._bp.current_request
                try:
                    context = request.context.get("authorizer") or {}
                    current = services.current()
                    caller = from_context(
                        context.get("principalId"), context, current.verifier.epoch()
                    )
                    caller = current.admit(caller)
                    if not caller.has_any(allowed_roles):
                        if caller.withheld & allowed_roles:
                            raise Forbidden(mfa.MFA_REQUIRED_MESSAGE, code="mfa_required")
                        raise Forbidden("Your account cannot do this.")
                    call = Call(
                        caller=caller,
                        params=params,
                        query=_query(
                            cast(dict[str, str] | None, request.query_params), allowed_query
                        ),
                        body=(
                            _body(
                                cast(bytes | None, request.raw_body),
                                body,
                                optional or {},
                                max_body,
                                multiline_fields,
                            )
                            if body is not None or optional is not None
                            else {}
                        ),
                        headers={k.lower(): v for k, v in (request.headers or {}).items()},
                    )
                    result = handler(call)
                except SteadyError as error:
                    if error.status >= 500:
                        logs.event(
                            "dependency_unavailable", logging.WARNING, route=path, code=error.code
                        )
                    return error_response(error)
                if isinstance(result, Created):
                    return json_response(result.body, 201, {"Cache-Control": cache})
                if isinstance(result, NoContent):
                    return Response(
                        body="",
                        status_code=204,
                        headers={"Cache-Control": cache, **SECURITY_HEADERS},
                    )
                if isinstance(result, Download):
                    return Response(
                        body=result.file.text,
                        status_code=200,
                        headers={**result.headers(), **SECURITY_HEADERS},
                    )
                return json_response(result, 200, {"Cache-Control": cache})

            view.__name__ = handler.__name__
            view.__doc__ = handler.__doc__
            routed: Callable[..., Response] = self._bp.route(
                path, methods=[method], authorizer=self._authorizer, content_types=[JSON]
            )(view)
            return routed

        return decorate


def _query(params: dict[str, str] | None, allowed: frozenset[str]) -> dict[str, str]:
    params = dict(params or {})
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise BadRequest(f"Unknown query parameter: {unknown[0][:40]}.", code="unknown_parameter")
    for name, value in params.items():
        if len(value) > MAX_QUERY_VALUE:
            raise BadRequest(f"The {name} parameter is too long.", code="invalid_parameter")
        text.check_all(value, f"The {name} parameter")
    return params


def _body(
    raw: bytes | None,
    fields: dict[str, type] | None,
    optional: dict[str, type] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    multiline: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Parse a JSON object with exactly ``fields`` (required) and any of ``optional`` (may be
    null); the text in ``multiline`` fields may hold line breaks."""
    fields = fields or {}
    optional = optional or {}
    raw = raw or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.", code="invalid_json")
    unknown = sorted(set(body) - set(fields) - set(optional))
    if unknown:
        raise BadRequest(f"Unknown field: {unknown[0][:40]}.", code="unknown_field")
    for name, value in body.items():
        # Before any string reaches the core, DynamoDB or Cognito.
        text.check_all(value, name, multiline=name in multiline)
    for name, expected in fields.items():
        if name not in body:
            raise BadRequest(f"The field {name} is required.", code="missing_field")
        _check_type(name, body[name], expected)
    for name, expected in optional.items():
        if body.get(name) is not None:
            _check_type(name, body[name], expected)
    return body


def _check_type(name: str, value: Any, expected: type) -> None:
    if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
        raise BadRequest(f"The field {name} must be {_type_name(expected)}.", code="invalid_field")


def _type_name(expected: type) -> str:
    return {
        str: "a string",
        int: "a whole number",
        bool: "true or false",
        list: "a list",
        dict: "a JSON object",
    }.get(expected, f"a {expected.__name__}")


# Chalice answers some requests itself (unsupported media type, method not allowed, unhandled
# errors) with {"Code", "Message"}; this middleware gives them the one error shape.
_CHALICE_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
}


def error_shape_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    started = time.perf_counter()
    context = getattr(event, "context", None) or {}
    lambda_context = getattr(event, "lambda_context", None)
    request_id = (
        context.get("requestId")
        or getattr(lambda_context, "aws_request_id", None)
        or uuid.uuid4().hex
    )
    bound = logs.bind(request_id=str(request_id))
    try:
        response = get_response(event)
        if (
            response.status_code >= 400
            and isinstance(response.body, dict)
            and "Code" in response.body
        ):
            status = response.status_code
            if status >= 500:
                logs.event("unhandled_error", logging.ERROR, status=status)
                message = "Something went wrong on our side. It has been logged."
            else:
                message = str(response.body.get("Message", ""))[:200]
            code = _CHALICE_CODES.get(status, "error")
            response = json_response({"error": {"code": code, "message": message}}, status)
        secure(response)
        authorizer = context.get("authorizer") or {}
        logs.event(
            "request",
            method=getattr(event, "method", None),
            route=context.get("resourcePath"),  # the template: never the concrete path
            status=response.status_code,
            caller=authorizer.get("principalId"),  # the Cognito sub: pseudonymous
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response
    finally:
        logs.unbind(bound)


def secure(response: Response) -> Response:
    """Add the security headers every response carries (existing values are kept)."""
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if not str(content_type).lower().startswith("text/html"):
        headers.setdefault("Content-Security-Policy", API_CSP)
    if settings_module.current().stage == "prod":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
