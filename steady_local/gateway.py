"""``chalice local`` as ``make run`` serves it, with one change: an unknown path gets the project's
JSON 404 instead of chalice's imitation of API Gateway, which copies the caller's
``Authorization`` header (the bearer token) into the error message.

Deployed, API Gateway answers unknown paths itself; ``infra/resources.yaml`` gives that answer
(MISSING_AUTHENTICATION_TOKEN) a fixed body, so it cannot echo the token either.

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

from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGateway, LocalGatewayException

ROOT = Path(__file__).resolve().parent.parent
NOT_FOUND_BODY = json.dumps(
    {"error": {"code": "not_found", "message": "There is no such page."}}, separators=(",", ":")
).encode()
# The headers every API answer carries (chalicelib.api), on the answer the function never makes.
NOT_FOUND_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


class UnknownPath(LocalGatewayException):
    CODE = 404


class SteadyGateway(LocalGateway):
    """chalice's local API Gateway, answering unknown paths like the deployed gateway does."""

    def handle_request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> Any:
        try:
            self.event_converter.create_lambda_event(
                method=method, path=path, headers=headers, body=body
            )
        except ValueError:  # no route matches the path
            raise UnknownPath(dict(NOT_FOUND_HEADERS), NOT_FOUND_BODY) from None
        return super().handle_request(method, path, headers, body)


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
