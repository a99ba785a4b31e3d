"""Browser tests: Debian's chromium driven by Playwright against the real local stack.

``playwright install`` cannot download browsers here, so the system chromium is used through
``executable_path``. Without chromium (or Playwright) these tests are skipped with the reason
printed, except when ``STEADY_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from steady_local.provision import Stack, create_account
from tests.conftest import ROOT
from tests.functional.test_local_run import LocalStack

CHROMIUM = os.environ.get("STEADY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core over the whole document with the WCAG 2.2 AA tags; only the violations are worked out
# in full (``resultTypes``: the passes, left incomplete and inapplicable rules are still run, but
# each keeps one example node, which is what made a big page's run slow) and only they are sent
# back to Python (the whole result of a 15 × 30 grid was about 1 MB to serialise).
AXE_RUN = """async (tags) => {
    const result = await axe.run(
        document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, help: v.help, targets: v.nodes.map(n => n.target)}));
}"""


def _unavailable(reason: str) -> None:
    if os.environ.get("STEADY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (STEADY_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install it with: apt-get install -y chromium)")


@pytest.fixture(scope="session")
def playwright_api():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"chromium was not found at {CHROMIUM}")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def browser(playwright_api):  # type: ignore[no-untyped-def]
    instance = playwright_api.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[LocalStack]:  # type: ignore[no-untyped-def]
    # Never restarted, so its snapshot is not read back: one per half second of writes (the
    # runner's default, for `make run`) serialised every record, about half the runner's CPU
    # time while a test seeded a grid; every 30 s is plenty, and it is saved on stop too.
    stack = LocalStack(
        tmp_path_factory.mktemp("browser-state"), share_published=True, save_after=30
    ).start()
    yield stack
    if stack.stop() != 0:
        # Stopping is tested in test_local_run; here a slow stop is reported, with the runner's
        # thread stacks, without failing the page tests that already passed.
        warnings.warn(f"the local runner did not stop cleanly:\n{stack.tail()}", stacklevel=1)


@pytest.fixture(scope="session")
def base_url(local_stack: LocalStack) -> str:
    # Chromium treats localhost as a secure context, so the Secure session cookie is kept over http.
    return f"http://localhost:{local_stack.port}"


def local_client(local_stack: LocalStack, service: str) -> tuple[Any, Stack, str]:
    """A client of the local stack's ``service`` (moto), its stack record and the endpoint."""
    data = json.loads((local_stack.state_dir / "stack.json").read_text())
    endpoint = data.pop("endpoint")
    stack = Stack(**data)
    client = boto3.client(
        service,
        region_name=stack.region,
        endpoint_url=endpoint,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return client, stack, str(endpoint)


def local_cognito(local_stack: LocalStack) -> tuple[Any, Stack, str]:
    """The local stack's Cognito client, its stack record and the moto endpoint."""
    return local_client(local_stack, "cognito-idp")


def add_participants(
    local_stack: LocalStack, password: str, *usernames: str, role: str = "participants"
) -> str:
    """Confirmed participant accounts (or of ``role``) with ``password`` in the local stack's
    Cognito (found if they exist); returns the moto endpoint (the outbox lives there)."""
    cognito, stack, endpoint = local_cognito(local_stack)
    for username in usernames:
        create_account(cognito, stack, username, password, role)
    return endpoint


def axe_violations(page) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """axe-core's violations of WCAG 2.2 AA on the page as it is now (each: ``id``, ``help``,
    ``targets``). axe is injected once per document: a second run on the same page (another
    width, a part opened) uses the copy already there."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, WCAG_22_AA)
    return violations


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
