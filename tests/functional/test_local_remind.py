"""`python -m steady_local remind`: the links it sends go to the running stack's web port."""

from __future__ import annotations

import os
import types
from pathlib import Path

import pytest

from steady_local import run
from steady_local.provision import Stack


@pytest.fixture
def kept_environment():  # type: ignore[no-untyped-def]
    """remind() sets the stack's variables in this process, as its own command would."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_remind_links_go_to_the_port_the_stack_was_started_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_environment: None
) -> None:
    """Walk 18, item 10: started with --port 8181, `remind` without --port wrote links to
    http://127.0.0.1:8000, which nothing serves."""
    from chalicelib import access_notices, reminder_sending, services

    stack = Stack("us-east-1", "records", "content", "us-east-1_pool", "client")
    run._save_running(tmp_path, stack, "http://127.0.0.1:5181", 8181)
    monkeypatch.delenv("STEADY_WEB_URL", raising=False)
    monkeypatch.delenv("STEADY_PORT", raising=False)
    seen: dict[str, str] = {}

    def job(service: object, at: str | None) -> object:
        seen["web_url"] = os.environ["STEADY_WEB_URL"]
        seen["endpoint"] = os.environ["AWS_ENDPOINT_URL"]
        return types.SimpleNamespace(slot="2026-11-28T23:00:00Z", counts=dict)

    monkeypatch.setattr(reminder_sending, "run_scheduled", job)
    monkeypatch.setattr(
        access_notices,
        "run_scheduled",
        lambda service: types.SimpleNamespace(day="2026-11-28", counts=dict),
    )
    monkeypatch.setattr(services, "current", lambda: None)

    assert run.main(["--state-dir", str(tmp_path), "remind", "--at", "2026-11-28T23:00:00Z"]) == 0
    assert seen == {"web_url": "http://127.0.0.1:8181", "endpoint": "http://127.0.0.1:5181"}
