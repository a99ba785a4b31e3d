"""Reading the module library: ``/modules``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import services
from chalicelib.api import Call, EncodedJson, Endpoints
from chalicelib.errors import BadRequest
from chalicelib.library import TOPICS, parse_version, preferred_locale

# Exact versions never change, so a browser may keep them; they are still private to the user.
IMMUTABLE = "private, max-age=86400, immutable"


def blueprint(authorizer: Any) -> Blueprint:
    bp = Blueprint(__name__)
    endpoints = Endpoints(bp, authorizer)

    @endpoints.route("/modules", query=("topic", "tag", "locale"))
    def list_modules(call: Call) -> dict[str, Any]:
        topic = call.query.get("topic")
        if topic is not None and topic not in TOPICS:
            raise BadRequest(f"Topic must be one of: {', '.join(TOPICS)}.", code="invalid_topic")
        modules = services.current().library.catalog(
            topic=topic, tag=call.query.get("tag"), locale=locale(call)
        )
        return {"modules": modules}

    @endpoints.route("/modules/{module_id}", query=("locale",))
    def get_module(call: Call) -> EncodedJson:
        return EncodedJson(
            services.current().library.latest(call.params["module_id"], locale(call)).json
        )

    @endpoints.route("/modules/{module_id}/versions", query=("locale",))
    def list_versions(call: Call) -> dict[str, Any]:
        module_id = call.params["module_id"]
        return {
            "module_id": module_id,
            "versions": services.current().library.versions(module_id, locale(call)),
        }

    @endpoints.route("/modules/{module_id}/versions/{version}", query=("locale",), cache=IMMUTABLE)
    def get_version(call: Call) -> EncodedJson:
        version = parse_version(call.params["version"])
        published = services.current().library.version(
            call.params["module_id"], version, locale(call)
        )
        return EncodedJson(published.json)

    return bp


def locale(call: Call) -> str:
    return preferred_locale(call.query.get("locale"), call.headers.get("accept-language"))
