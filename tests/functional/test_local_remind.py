"""`python -m steady_local remind`: the links it sends go to the running stack's web port."""

from __future__ import annotations

import json
import os
import types
from pathlib import Path

import pytest

from chalicelib.clock import Clock
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

    def job(service: object, at: str | None, clock: object) -> object:
        seen["web_url"] = os.environ["STEADY_WEB_URL"]
        seen["endpoint"] = os.environ["AWS_ENDPOINT_URL"]
        return types.SimpleNamespace(slot="2026-11-28T23:00:00Z", counts=dict)

    monkeypatch.setattr(reminder_sending, "run_scheduled", job)
    monkeypatch.setattr(
        access_notices,
        "run_scheduled",
        lambda service, clock: types.SimpleNamespace(day="2026-11-28", counts=dict),
    )
    monkeypatch.setattr(services, "current", lambda: types.SimpleNamespace(clock=Clock()))

    assert run.main(["--state-dir", str(tmp_path), "remind", "--at", "2026-11-28T23:00:00Z"]) == 0
    assert seen == {"web_url": "http://127.0.0.1:8181", "endpoint": "http://127.0.0.1:5181"}


def test_remind_at_runs_the_access_notices_at_that_time_too(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kept_environment: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Walk 19, problem 9: `remind --at 2027-10-27T14:00:00Z` looked for the notices due on
    the real day, so the 30-day and 7-day messages could not be tried locally. The notice run
    itself (not a stand-in) asks for the day --at is on in the program's time zone."""
    from chalicelib import reminder_sending, services

    stack = Stack("us-east-1", "records", "content", "us-east-1_pool", "client")
    run._save_running(tmp_path, stack, "http://127.0.0.1:5181", 8181)
    asked: list[str] = []
    records = types.SimpleNamespace(notices_due=lambda day: asked.append(day) or [])
    fake = types.SimpleNamespace(
        clock=Clock("America/New_York"),
        settings=types.SimpleNamespace(program_name="Steady", web_url="", reminder_sender=""),
        access=types.SimpleNamespace(records=records),
        reminders=types.SimpleNamespace(messenger=None),
    )
    monkeypatch.setattr(
        reminder_sending,
        "run_scheduled",
        lambda service, at, clock: types.SimpleNamespace(slot=at, counts=dict),
    )
    monkeypatch.setattr(services, "current", lambda: fake)

    # 10:00 in New York; 01:00 UTC on the 28th is 20:00 on the 27th there, still the 27th.
    for at, day in (("2027-10-27T14:00:00Z", "2027-10-27"), ("2027-11-28T01:00:00Z", "2027-11-27")):
        assert run.main(["--state-dir", str(tmp_path), "remind", "--at", at]) == 0
        shown = json.loads(capsys.readouterr().out.splitlines()[0])["notices"]
        assert shown["day"] == day
    # Every run looks, at any hour of the program's day (a participant's daytime may be the
    # program's night): the day the program is on, not the UTC one.
    assert asked == ["2027-10-27", "2027-11-27"]
    assert run.main(["--state-dir", str(tmp_path), "remind", "--at", "soon"]) == 2
    assert "not a time" in capsys.readouterr().err


def test_remind_at_judges_quiet_hours_at_that_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_environment: None
) -> None:
    """Walk 21, 3: `remind --at 2026-12-01T23:00:00Z` (18:00 in New York) held back a text due
    at 18:00 as "quiet hours": the reminder run read the real clock (23:20 in New York, within
    22:00-07:00). It gets the clock stopped at --at, as the notices do."""
    from chalicelib import access_notices, reminder_sending, services

    stack = Stack("us-east-1", "records", "content", "us-east-1_pool", "client")
    run._save_running(tmp_path, stack, "http://127.0.0.1:5181", 8181)
    real = Clock("America/New_York")
    given: list[object] = []
    monkeypatch.setattr(
        reminder_sending,
        "run_scheduled",
        lambda service, at, clock: (
            given.append(clock) or types.SimpleNamespace(slot=at, counts=dict)
        ),
    )
    monkeypatch.setattr(
        access_notices,
        "run_scheduled",
        lambda service, clock: types.SimpleNamespace(day="2026-12-01", counts=dict),
    )
    monkeypatch.setattr(services, "current", lambda: types.SimpleNamespace(clock=real))

    assert run.main(["--state-dir", str(tmp_path), "remind", "--at", "2026-12-01T23:00:00Z"]) == 0
    (clock,) = given
    assert isinstance(clock, Clock) and clock is not real
    assert clock.now().isoformat() == "2026-12-01T23:00:00+00:00"
