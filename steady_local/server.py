"""moto's server, in this process, with every request serialised and writes noticed.

moto is not thread-safe, so one lock admits one request at a time. After any request that
may change data, ``changed`` is set so the runner can snapshot at once.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from steady_local import outbox
from steady_local.moto_tuning import (
    remember_action_names,
    remember_response_keys,
    roll_back_items_not_tables,
)

_READ_PREFIXES = (
    "Get",
    "Query",
    "Scan",
    "BatchGet",
    "Describe",
    "List",
    "InitiateAuth",
    "AdminGet",
    "AdminList",
)


def is_write(environ: dict[str, Any]) -> bool:
    method = environ.get("REQUEST_METHOD", "GET")
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    operation = target.rsplit(".", 1)[-1]
    return not (operation and operation.startswith(_READ_PREFIXES))


class QuietRequestHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # one line per AWS call is noise
        pass


class SerializedApp:
    def __init__(self, app: Any) -> None:
        self._app = app
        self.lock = threading.RLock()
        self.changed = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            if environ.get("PATH_INFO") == outbox.PATH:
                return outbox.response(start_response)
            body = b"".join(self._app(environ, start_response))
            if is_write(environ):
                self.changed.set()
        return [body]


class LocalAws:
    """A moto server on ``host:port`` running in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5005) -> None:
        roll_back_items_not_tables()
        remember_response_keys()
        remember_action_names()
        self.app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            host, port, self.app, threaded=True, request_handler=QuietRequestHandler
        )
        # Never wait for request threads when stopping: the snapshot is saved by then, and a
        # client that opened a connection without sending a request would hold a join for ever.
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalAws:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
