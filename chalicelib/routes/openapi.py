"""The API's own description: ``GET /openapi.json`` (OpenAPI 3.0, ``chalicelib/openapi.json``).

The document is read and encoded once per container; ``tests/unit/test_openapi.py`` keeps it
listing exactly the routes in ``Endpoints.registry``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from chalice import Blueprint

from chalicelib.api import Call, EncodedJson, Endpoints

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.json"


@functools.lru_cache(maxsize=1)
def encoded() -> str:
    return json.dumps(json.loads(DOCUMENT.read_text(encoding="utf-8")), separators=(",", ":"))


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/openapi.json", cache="private, max-age=300")
    def openapi_document(call: Call) -> EncodedJson:
        return EncodedJson(encoded())

    return bp
