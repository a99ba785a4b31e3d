"""An address no route has (a mistyped or old link) and the bearer token it must never echo.

Deployed, API Gateway gives every such address to the catch-all route (``/{proxy+}``): a
browser gets the 404 page (in its language, with the crisis line and a link home), an API
client the JSON 404. ``steady_local.gateway`` (what ``make run`` serves) routes the same way;
plain ``chalice local`` answers the paths its matcher misses with an imitation of API Gateway
that copies the ``Authorization`` header into the message. A method the catch-all lacks gets
the MISSING_AUTHENTICATION_TOKEN gateway response's fixed JSON (see tests/functional/test_infra.py).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.config import Config
from chalice.local import LocalDevServer, LocalGateway, LocalGatewayException

from app import app
from steady_local.gateway import SteadyGateway, SteadyRequestHandler

TOKEN = "eyJraWQiOiJzZWNyZXQtdG9rZW4tdmFsdWUifQ.secret-token-value.signature"
HEADERS = {"authorization": f"Bearer {TOKEN}", "host": "127.0.0.1:8000"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NOT_FOUND = {"error": {"code": "not_found", "message": "There is no such page."}}
INFRA = Path(__file__).resolve().parents[2] / "infra" / "resources.yaml"
UNKNOWN = ["/nope", "/leader/groupz", "/lesson/abc/extra", "/groups/x/y/z"]


def config() -> Config:
    return Config.create(
        chalice_app=app, lambda_timeout=60, lambda_memory_size=512, app_name="steady"
    )


def gateway(kind: type[LocalGateway]) -> LocalGateway:
    return kind(app, config())


def refusal(kind: type[LocalGateway], path: str, method: str = "GET") -> LocalGatewayException:
    with pytest.raises(LocalGatewayException) as caught:
        gateway(kind).handle_request(method, path, dict(HEADERS), None)
    return caught.value


def deployed(
    path: str, headers: dict[str, str], method: str = "GET", body: str | None = None
) -> dict[str, Any]:
    """The Lambda's answer to the event API Gateway sends for ``path`` when no route but the
    catch-all matches it (``resourcePath`` is the route, ``path`` the address)."""
    query = None
    if "?" in path:
        path, raw = path.split("?", 1)
        query = {k: [v] for k, _, v in (p.partition("=") for p in raw.split("&"))}
    event = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[0] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/api{path}",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.9"},
            "stage": "api",
        },
        "body": body,
        "isBase64Encoded": False,
    }
    answer: dict[str, Any] = app(event, None)
    return answer


def text_of(answer: dict[str, Any]) -> str:
    body = answer["body"]
    return body.decode() if isinstance(body, bytes) else str(body or "")


# -- deployed: the catch-all route ----------------------------------------------------------


@pytest.mark.parametrize("path", UNKNOWN)
def test_a_browser_gets_the_404_page_with_the_crisis_line_and_a_way_home(service, path):
    answer = deployed(path, {**HEADERS, "accept": BROWSER})
    page = text_of(answer)
    headers = answer["headers"]
    assert answer["statusCode"] == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="en">' in page
    assert "<title>Page not found – Steady</title>" in page
    assert "There is no page at this address." in page
    assert 'href="tel:988"' in page and 'href="tel:18006624357"' in page
    assert '<a href="/">Go to the start page</a>' in page
    assert 'href="/sign-in?locale=es"' in page  # Español: on to sign-in (or home) in Spanish
    # Nothing of the request comes back: not the address, not the token.
    last = path.rsplit("/", 1)[1]
    assert last not in page and TOKEN not in page and "Bearer" not in page
    assert TOKEN not in json.dumps(headers)


def test_the_404_page_is_in_the_language_the_reader_chose(service):
    answer = deployed("/leader/groupz", {**HEADERS, "accept": BROWSER, "cookie": "steady_lang=es"})
    page = text_of(answer)
    assert answer["statusCode"] == 404 and '<html lang="es">' in page
    assert "<title>Página no encontrada – Steady</title>" in page
    assert "No hay ninguna página en esta dirección." in page
    assert "¿Necesita ayuda ahora?" in page and 'href="tel:988"' in page
    assert '<a href="/">Ir a la página de inicio</a>' in page
    assert 'href="/sign-in?locale=en"' in page
    # ?locale= on the address, and the browser's language, choose it too.
    for path, extra in (("/nope?locale=es", {}), ("/nope", {"accept-language": "es-MX,es"})):
        shown = text_of(deployed(path, {**HEADERS, "accept": BROWSER, **extra}))
        assert "<title>Página no encontrada – Steady</title>" in shown, path


@pytest.mark.parametrize(
    "accept", [None, "application/json", "*/*", "application/json, text/html;q=0.5"]
)
@pytest.mark.parametrize("path", UNKNOWN)
def test_an_api_client_gets_the_same_json_404_as_before(service, path, accept):
    headers = dict(HEADERS) if accept is None else {**HEADERS, "accept": accept}
    answer = deployed(path, headers)
    assert answer["statusCode"] == 404
    assert answer["body"] == '{"error":{"code":"not_found","message":"There is no such page."}}'
    assert answer["headers"]["Content-Type"] == "application/json"
    assert answer["headers"]["Cache-Control"] == "no-store"
    assert (
        answer["headers"]["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert TOKEN not in json.dumps(answer)


def test_a_post_to_an_unknown_address_is_a_404_page_or_json_never_a_415(service):
    form = deployed(
        "/lesson/abc/old-form",
        {"accept": BROWSER, "content-type": "application/x-www-form-urlencoded"},
        "POST",
        "csrf=x&answer=mine",
    )
    assert form["statusCode"] == 404 and "<title>Page not found – Steady</title>" in text_of(form)
    assert "mine" not in text_of(form)
    api = deployed("/groups/x/y", {**HEADERS, "content-type": "application/json"}, "POST", "{}")
    assert (api["statusCode"], json.loads(api["body"])) == (404, NOT_FOUND)


def test_a_head_request_gets_the_404_with_no_body(service):
    for accept in (BROWSER, "application/json"):
        answer = deployed("/nope", {"accept": accept}, "HEAD")
        assert answer["statusCode"] == 404 and answer["body"] == ""


def test_the_request_log_names_the_route_never_the_address(service, caplog):
    caplog.set_level(logging.DEBUG, logger="steady")
    deployed("/leader/groups-of-jordan-smith", {**HEADERS, "accept": BROWSER})
    deployed("/lesson/jordan-smith", dict(HEADERS))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "steady"]
    requests = [line for line in lines if line.get("event") == "request"]
    assert [(line["route"], line["status"]) for line in requests] == [("/{proxy+}", 404)] * 2
    assert "jordan" not in caplog.text and TOKEN not in caplog.text


# -- make run: steady_local.gateway ----------------------------------------------------------


def test_plain_chalice_local_echoes_the_token():
    """What this module guards against (if chalice stops doing it, this can go)."""
    assert TOKEN.encode() in refusal(LocalGateway, "/no/such/path").body


@pytest.mark.parametrize(
    "path", ["/no-such-path", "/groups/x/y/z", "/modules/a/versions/1/extra", "/%00"]
)
def test_the_local_gateway_routes_an_unknown_path_to_the_catch_all(service, path):
    local = gateway(SteadyGateway)
    answer = local.handle_request("GET", path, dict(HEADERS), None)
    assert answer["statusCode"] == 404 and json.loads(answer["body"]) == NOT_FOUND
    assert answer["headers"]["Content-Type"] == "application/json"
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"
    assert TOKEN not in json.dumps(answer)
    page = local.handle_request("GET", path, {**HEADERS, "accept": BROWSER}, None)
    assert page["statusCode"] == 404 and "<title>Page not found – Steady</title>" in page["body"]
    assert TOKEN not in page["body"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/no-such-path", "/groups/x/y/z"])
def test_a_method_the_catch_all_lacks_is_the_gateways_json_404(path, method):
    """As API Gateway's MISSING_AUTHENTICATION_TOKEN response: not chalice's 405 or CORS answer."""
    error = refusal(SteadyGateway, path, method)
    assert error.CODE == 404
    assert error.body is not None and TOKEN.encode() not in error.body
    assert json.loads(error.body) == NOT_FOUND
    assert error.headers["Content-Type"] == "application/json"
    assert error.headers["X-Content-Type-Options"] == "nosniff"


def test_an_api_request_with_no_token_gets_the_gateways_json_401(service):
    """chalice local answered ``{"message":"Unauthorized"}``; API Gateway answers with the
    UNAUTHORIZED gateway response of infra/resources.yaml, in the error shape of every answer."""
    with pytest.raises(LocalGatewayException) as caught:
        gateway(SteadyGateway).handle_request("GET", "/me/completions", {"host": "x"}, None)
    error = caught.value
    template = re.search(r"UNAUTHORIZED:.*?application/json: '([^']*)'", INFRA.read_text(), re.S)
    assert template is not None
    assert error.CODE == 401
    assert error.body is not None and json.loads(error.body) == json.loads(template.group(1))
    assert error.headers["Content-Type"] == "application/json"
    assert error.headers["X-Content-Type-Options"] == "nosniff"


def test_known_paths_keep_their_routes_locally(service):
    local = gateway(SteadyGateway)
    assert local.handle_request("GET", "/sign-in", {"accept": BROWSER}, None)["statusCode"] == 200
    event = local.event_converter.create_lambda_event("GET", "/lesson/abc?x=1", {}, None)
    assert event["requestContext"]["resourcePath"] == "/lesson/{code}"
    event = local.event_converter.create_lambda_event("GET", "/lesson/abc/extra?x=1", {}, None)
    assert event["requestContext"]["resourcePath"] == "/{proxy+}"
    assert event["pathParameters"] == {"proxy": "lesson/abc/extra"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1"]}


@pytest.fixture
def local_server(service) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The server ``make run`` starts (chalice local with steady_local.gateway's handler), on a
    free port, in this process (moto and the test's services are already in place)."""
    served = LocalDevServer(app, config(), "127.0.0.1", 0, handler_cls=SteadyRequestHandler)
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{served.server.server_address[1]}"
    finally:
        served.server.shutdown()
        served.server.server_close()
        thread.join(timeout=10)


def fetch(url: str, accept: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(
        url, headers={"Accept": accept, "Authorization": f"Bearer {TOKEN}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_the_local_server_answers_nope_with_the_page_or_the_json(local_server):
    status, headers, body = fetch(f"{local_server}/nope", BROWSER)
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Page not found – Steady</title>" in body and 'href="tel:988"' in body
    status, headers, body = fetch(f"{local_server}/leader/groupz", "application/json")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == NOT_FOUND
    assert TOKEN not in body and TOKEN not in json.dumps(headers)
