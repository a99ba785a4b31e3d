"""`make run` end to end: moto + chalice local over HTTP; data survives a restart."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest

from steady_local.run import STOP_WITHIN_SECONDS
from tests.conftest import ROOT

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Where the browser and fuzz stacks share one publish of content/ (steady_local/published_cache.py),
# across workers and runs, keyed on what is published. make run's own test publishes for real.
PUBLISHED_CACHE = Path(tempfile.gettempdir()) / "steady-published-content"


class LocalStack:
    def __init__(
        self, state_dir: Path, share_published: bool = False, save_after: float | None = None
    ) -> None:
        self.state_dir = state_dir
        self.share_published = share_published
        self.save_after = save_after  # None: the runner's own (SAVE_AFTER_SECONDS)
        self.port = free_port()
        self.moto_port = free_port()
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []

    def start(self) -> LocalStack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STEADY_"))}
        if self.share_published:
            env["STEADY_LOCAL_PUBLISHED_CACHE"] = str(PUBLISHED_CACHE)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "steady_local",
                "--state-dir",
                str(self.state_dir),
                "--port",
                str(self.port),
                "--moto-port",
                str(self.moto_port),
                *([] if self.save_after is None else ["--save-after", str(self.save_after)]),
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()
        self.wait_for("Serving on")
        return self

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 180) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"never saw {text!r}:\n{''.join(self.output)}") from None
            if text in line:
                return line

    def stop(self) -> int:
        """Ctrl-C, and the runner's exit code: 0 once it has saved and stopped. A runner that
        hangs prints every thread's stack and exits 1 (``STOP_WITHIN_SECONDS``)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_WITHIN_SECONDS + 15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"the runner did not stop:\n{self.tail()}") from None

    def tail(self, lines: int = 120) -> str:
        return "".join(self.output[-lines:])

    def token(self, username: str, password: str | None = None) -> str:
        result = self.token_run(username, password)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def token_run(self, username: str, password: str | None = None) -> subprocess.CompletedProcess:
        """``make -s token USER=... [PASSWORD=...]``: make hands PASSWORD over in the environment."""
        env = {k: v for k, v in os.environ.items() if k != "PASSWORD"}
        if password is not None:
            env["PASSWORD"] = password
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "steady_local",
                "--state-dir",
                str(self.state_dir),
                "token",
                username,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
        )

    def request(
        self, method: str, path: str, token: str, body: dict | None = None
    ) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def test_demo_participant_reads_completes_and_the_completion_survives_a_restart(tmp_path):
    stack = LocalStack(tmp_path / "state").start()
    try:
        banner = "".join(stack.output)
        assert "demo-leader" in banner and "demo-participant-1" in banner
        token = stack.token("demo-participant-1")
        status, module = stack.request("GET", "/modules/cravings-and-urge-surfing", token)
        assert status == 200 and module["version"] >= 1
        # The banner's example completion, as printed, names the version published now.
        [example] = re.findall(r"/me/completions .* -d '(\{.*\})'", banner)
        assert json.loads(example) == {
            "module_id": "cravings-and-urge-surfing",
            "version": module["version"],
        }
        status, created = stack.request("POST", "/me/completions", token, json.loads(example))
        assert status == 201
        status, _ = stack.request("GET", "/me/completions", "not-a-token")
        assert status == 401
        # An unknown path is the JSON 404 for an API client (the catch-all route, reached through
        # steady_local.gateway): it never echoes the token.
        status, unknown = stack.request("GET", "/no/such/path", token)
        assert status == 404 and unknown["error"]["code"] == "not_found"
        assert token not in json.dumps(unknown)
        # The demo leader has an authenticator: `make token` answers the code step for it.
        assert "make -s code USER=demo-leader" in banner
        leader_token = stack.token("demo-leader")
        status, groups = stack.request("GET", "/groups", leader_token)
        assert status == 200 and groups["groups"] == []
        # The demo admin turns a participant off; `make token` takes any password from PASSWORD.
        assert "demo-admin" in banner
        admin_token = stack.token("demo-admin")
        assert stack.token("demo-participant-2", password="Demo-participant-2026")
        assert stack.token_run("demo-participant-1", password="Not-the-password-1").returncode == 1
        status, account = stack.request(
            "POST", "/admin/accounts/demo-participant-2/disable", admin_token
        )
        assert status == 200 and account["enabled"] is False
    finally:
        assert stack.stop() == 0, stack.tail()
    assert (tmp_path / "state" / "state.json").exists()

    again = LocalStack(tmp_path / "state").start()
    try:
        # the completion and its progress item; the disable's not-valid-before, audit entry and
        # reminder mark (written even with no reminder settings, so a first save sees it)
        assert "records restored: 6" in "".join(again.output)
        # A disabled account stays disabled across the restart.
        refused = again.token_run("demo-participant-2")
        assert refused.returncode == 1 and "disabled" in refused.stderr
        # The same token still works: same pool, same keys, same participant id.
        status, listed = again.request("GET", "/me/completions", token)
        assert status == 200
        assert listed["completions"] == [created]
        # The leader's authenticator survived too: same secret, no new enrolment.
        status, _ = again.request("GET", "/groups", again.token("demo-leader"))
        assert status == 200
    finally:
        assert again.stop() == 0, again.tail()
