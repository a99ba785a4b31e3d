"""The one place that builds boto3 clients.

Clients (never resources: a resource costs ~90 ms more at cold start) are built lazily and
cached per container. Endpoints come from boto3's standard settings (``AWS_ENDPOINT_URL``
and friends), which is how local runs reach a moto server.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

_clients: dict[str, Any] = {}
_session: boto3.session.Session | None = None
_lock = threading.Lock()
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=2,
    read_timeout=5,
)
# For calls that send a message (SES, SNS): botocore's own retry repeats a request whose
# response timed out or came back a 5xx, after SES or SNS may have taken it, so a reminder
# could go twice. These clients make each request once; the caller decides what is safe to
# try again (``chalicelib.reminders.send_failure``).
_SEND_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    connect_timeout=2,
    read_timeout=5,
)


def client(service: str, region: str | None = None, *, sends: bool = False) -> Any:
    """A cached boto3 client for ``service``; ``sends``: one whose requests botocore never
    repeats (for sending messages, ``_SEND_CONFIG``)."""
    key = f"{service}:{region}:{'sends' if sends else ''}"
    cached = _clients.get(key)
    if cached is not None:
        return cached
    global _session
    with _lock:
        if key not in _clients:
            # One session for all clients: botocore loads its data files once.
            if _session is None:
                _session = boto3.session.Session()
            _clients[key] = _session.client(
                service, region_name=region, config=_SEND_CONFIG if sends else _CONFIG
            )
        return _clients[key]


def reset() -> None:
    """Forget cached clients (tests switch between mocked AWS environments)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ``ClientError`` (``""`` for anything else)."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))
