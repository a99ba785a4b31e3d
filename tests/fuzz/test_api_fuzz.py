"""Schemathesis against ``chalice local`` (moto behind it), signed in as each role.

Every operation in chalicelib/openapi.json is fuzzed with positive and negative inputs as a
participant, a group leader, an author and an admin. A case fails on any 5xx, an undocumented
status code or content type, a missing documented header (Retry-After on 503) or a body that
breaks the documented schema. ``make fuzz`` runs it (marker ``fuzz``; not in ``make test``).

STEADY_FUZZ_EXAMPLES raises the examples per operation and role (default 18: about 3,400 cases).
``make fuzz`` spreads the cases over two xdist workers, each with its own stack; conftest.py adds
up the cases sent and fails the run below its MIN_CASES.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter

import boto3
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.routes.openapi import DOCUMENT
from steady_local.provision import Stack, create_account, enrol_authenticator, sign_in
from tests.functional.test_local_run import LocalStack

pytestmark = [pytest.mark.fuzz, pytest.mark.server]

EXAMPLES = int(os.environ.get("STEADY_FUZZ_EXAMPLES", "18"))
ROLES = ("participant", "leader", "author", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# TRACE and QUERY are answered by chalice local's HTTP server itself (501) and by API Gateway
# in production; the other unexpected methods reach the app and must be refused cleanly.
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {
            "coverage": {"unexpected-methods": ["get", "put", "post", "delete", "options", "patch"]}
        }
    }
)
schema = schemathesis.openapi.from_path(str(DOCUMENT), config=CONFIG)
# A role the operation refuses gets a few cases (each must be a clean 403), not the full run:
# the time goes to the roles that reach the handlers.
REFUSED_CASES = 5
ALLOWED = {
    (method.upper(), path): {role.rstrip("s") for role in operation["x-roles"]}
    for path, item in json.loads(DOCUMENT.read_text()).get("paths", {}).items()
    for method, operation in item.items()
}
SEEN: Counter[tuple[str, str, str]] = Counter()
CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()
_lock = threading.Lock()


class FuzzStack:
    def __init__(self, local: LocalStack, tokens: dict[str, str]) -> None:
        self.local = local
        self.url = f"http://127.0.0.1:{local.port}"
        self.tokens = tokens
        self.session = requests.Session()


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    state = tmp_path_factory.mktemp("fuzz") / "state"
    # Never restarted: a snapshot every 30 s of writes, not every 0.5 s (tests/browser/conftest.py).
    local = LocalStack(state, share_published=True, save_after=30).start()
    try:
        data = json.loads((state / "stack.json").read_text())
        endpoint = data.pop("endpoint")
        stack = Stack(**data)
        cognito = boto3.client(
            "cognito-idp",
            region_name=stack.region,
            endpoint_url=endpoint,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        password = "Fuzz-account-2026"
        for username, role in (("fuzz-author", "authors"), ("fuzz-admin", "admins")):
            create_account(cognito, stack, username, password, role)
        # Admins need two-step sign-in (chalicelib.mfa), as the demo leader has.
        admin_secret = enrol_authenticator(cognito, stack, "fuzz-admin", password)
        tokens = {
            "participant": local.token("demo-participant-1"),
            "leader": local.token("demo-leader"),
            "author": sign_in(cognito, stack, "fuzz-author", password),
            "admin": sign_in(cognito, stack, "fuzz-admin", password, admin_secret),
        }
        yield FuzzStack(local, tokens)
    finally:
        assert local.stop() == 0


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_api_conforms_to_its_document(case, role, fuzz_stack):  # type: ignore[no-untyped-def]
    operation = (case.operation.method.upper(), case.operation.path)
    allowed = role in ALLOWED.get(operation, ())
    with _lock:
        SEEN[(*operation, role)] += 1
        if not allowed and SEEN[(*operation, role)] > REFUSED_CASES:
            return
    headers = {"Authorization": f"Bearer {fuzz_stack.tokens[role]}"}
    response = case.call_and_validate(
        base_url=fuzz_stack.url,
        session=fuzz_stack.session,
        headers=headers,
        checks=CHECKS,
        timeout=30,
    )
    with _lock:
        CASES[role] += 1
        STATUSES[response.status_code] += 1
