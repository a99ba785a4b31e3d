"""The OpenAPI document (chalicelib/openapi.json) cannot drift from the registered routes."""

from __future__ import annotations

import json
import re

from chalicelib.api import Endpoints
from chalicelib.routes.openapi import DOCUMENT, encoded

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
ROLE_NAMES = {"participants", "leaders", "authors", "admins"}


def document() -> dict:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def registered() -> dict[tuple[str, str], frozenset[str]]:
    import app  # noqa: F401  (registers every route)

    return {(spec.method, spec.path): spec.roles for spec in Endpoints.registry}


def documented() -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): operation
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_the_document_is_valid_openapi():
    from openapi_spec_validator import validate

    validate(document())


def test_the_document_lists_exactly_the_registered_routes():
    missing = set(registered()) - set(documented())
    extra = set(documented()) - set(registered())
    assert not missing, f"document these routes in chalicelib/openapi.json: {sorted(missing)}"
    assert not extra, f"chalicelib/openapi.json documents routes that do not exist: {sorted(extra)}"


def test_documented_roles_match_the_registry():
    routes = registered()
    for route, operation in documented().items():
        assert set(operation["x-roles"]) <= ROLE_NAMES, route
        assert frozenset(operation["x-roles"]) == routes[route], route


def test_path_parameters_match_the_template():
    for (_, path), operation in documented().items():
        in_path = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert in_path == declared, path


def test_every_operation_needs_a_token_and_documents_the_error_shape():
    doc = document()
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    error = {"$ref": "#/components/schemas/Error"}
    for route, operation in documented().items():
        assert "security" not in operation, route  # nothing opts out of the bearer token
        responses = operation["responses"]
        assert "401" in responses and "403" in responses, route
        assert "default" not in responses, route  # every status is listed on purpose
        for status, response in responses.items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if status == "401":  # ours, or API Gateway's when no Authorization header is sent
                gateway = {"$ref": "#/components/schemas/GatewayError"}
                assert schema == {"anyOf": [error, gateway]}, route
            elif status.startswith(("4", "5")):
                assert schema == error, (route, status)
        if "503" in responses:
            assert "Retry-After" in responses["503"]["headers"], route


def test_every_reference_resolves():
    doc = document()
    text = json.dumps(doc)
    for name in set(re.findall(r'"#/components/schemas/(\w+)"', text)):
        assert name in doc["components"]["schemas"], name


def test_served_document_is_the_stored_one():
    assert json.loads(encoded()) == document()
