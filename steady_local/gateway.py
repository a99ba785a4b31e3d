"""``chalice local`` as ``make run`` serves it, routing as API Gateway does: an address no route
has goes to the catch-all route (``chalicelib.web.http.CATCH_ALL``, ``/{proxy+}``), whatever its
number of parts, so a browser gets the 404 page and an API client the JSON 404 from the same view
as deployed. chalice's own matcher gives the catch-all one-part paths only, and answers the rest
with its imitation of API Gateway, which copies the caller's ``Authorization`` header (the bearer
token) into the error message.

A method the catch-all does not have (PUT, DELETE, OPTIONS on an unknown address) gets the JSON
404 here (``UnknownPath``), as API Gateway gives it through the MISSING_AUTHENTICATION_TOKEN
gateway response (``infra/resources.yaml``), whose body is fixed text that cannot echo the token.

Run as ``python -m steady_local.gateway --host 127.0.0.1 --port 8000 --stage dev`` from the
project folder (``steady_local.run`` does).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalice.local import (
    ChaliceRequestHandler,
    LambdaEventConverter,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    MatchResult,
    NotAuthorizedError,
    RouteMatcher,
)

from chalicelib.web.http import CATCH_ALL, NO_SUCH_PAGE

ROOT = Path(__file__).resolve().parent.parent
NOT_FOUND_BODY = json.dumps(
    {"error": {"code": "not_found", "message": NO_SUCH_PAGE}}, separators=(",", ":")
).encode()
# API Gateway's answer for a method the catch-all lacks (MISSING_AUTHENTICATION_TOKEN in
# infra/resources.yaml), with the headers every API answer carries (chalicelib.api).
NOT_FOUND_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


# API Gateway's answer to a request with no token on a route that needs one (UNAUTHORIZED in
# infra/resources.yaml), for chalice's own ``{"message":"Unauthorized"}``: a curl against
# ``make run`` gets the error shape every other answer has.
UNAUTHORIZED_BODY = json.dumps(
    {"error": {"code": "unauthenticated", "message": "Sign in to continue."}},
    separators=(",", ":"),
).encode()


class UnknownPath(LocalGatewayException):
    CODE = 404


class SteadyRouteMatcher(RouteMatcher):
    """chalice's route matcher with API Gateway's rule for a greedy path at the root
    (``CATCH_ALL``): it takes every path no other route matches, of any number of parts, and
    its parameter is ``proxy`` (chalice's takes one-part paths only, naming it ``proxy+``)."""

    def match_route(self, url: str) -> MatchResult:
        try:
            matched: MatchResult | None = super().match_route(url)
        except ValueError:
            matched = None
        if matched is not None and matched.route != CATCH_ALL:
            return matched
        if CATCH_ALL not in self.route_urls:
            raise ValueError("No matching route found")  # never the path: it may hold anything
        parsed = urlparse(url)
        return MatchResult(
            CATCH_ALL,
            {"proxy": parsed.path.strip("/")},
            parse_qs(parsed.query, keep_blank_values=True),
        )


class SteadyGateway(LocalGateway):
    """chalice's local API Gateway, routing unknown paths like the deployed gateway does."""

    def __init__(self, app_object: Any, config: Any) -> None:
        super().__init__(app_object, config)
        self.event_converter = LambdaEventConverter(
            SteadyRouteMatcher(list(app_object.routes)), app_object.api.binary_types
        )

    def handle_request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> Any:
        try:
            event = self.event_converter.create_lambda_event(
                method=method, path=path, headers=headers, body=body
            )
        except ValueError:  # no route matches the path (an app without the catch-all)
            raise UnknownPath(dict(NOT_FOUND_HEADERS), NOT_FOUND_BODY) from None
        route = event["requestContext"]["resourcePath"]
        if route == CATCH_ALL and method not in self._app_object.routes[CATCH_ALL]:
            raise UnknownPath(dict(NOT_FOUND_HEADERS), NOT_FOUND_BODY)
        try:
            return super().handle_request(method, path, headers, body)
        except NotAuthorizedError as refused:  # no Authorization header at all
            raise NotAuthorizedError(
                {**refused.headers, **NOT_FOUND_HEADERS}, UNAUTHORIZED_BODY
            ) from None


class SteadyRequestHandler(ChaliceRequestHandler):
    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Any, config: Any
    ) -> None:
        # ChaliceRequestHandler builds its gateway, then handles the request inside
        # BaseHTTPRequestHandler.__init__; swap the gateway in before that.
        self.local_gateway = SteadyGateway(app_object, config)
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)


def server(host: str, port: int, stage: str) -> LocalDevServer:
    """The local server for ``stage`` of the app in the project folder (as ``chalice local``)."""
    from chalice.cli import factory
    from chalice.deploy.validate import validate_routes

    config = factory.CLIFactory(str(ROOT), environ=os.environ).create_config_obj(
        chalice_stage_name=stage
    )
    validate_routes(config.chalice_app.routes)
    return LocalDevServer(config.chalice_app, config, host, port, handler_cls=SteadyRequestHandler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m steady_local.gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    # What `chalice local` sets up before serving: the CLI marker, the project folder, and the
    # root logger on stdout as in Lambda.
    os.environ["AWS_CHALICE_CLI_MODE"] = "true"
    os.chdir(ROOT)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    local = server(args.host, args.port, args.stage)
    print(
        f"Serving on http://{args.host}:{args.port}", flush=True
    )  # what make run and its tests wait for
    local.server.serve_forever()


if __name__ == "__main__":
    main()
