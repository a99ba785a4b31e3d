"""Shared fixtures: a moto-backed AWS, published content, accounts with real signed tokens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from moto import mock_aws

from chalicelib import aws as aws_clients
from chalicelib import services
from chalicelib.identity import TokenVerifier
from chalicelib.settings import Settings
from steady_content import pipeline
from steady_content.publish import Publisher
from steady_local.provision import Stack, create_account, provision, sign_in

ROOT = Path(__file__).resolve().parent.parent
# Another content folder can stand in (e.g. a snapshot while content is being edited).
CONTENT = Path(os.environ.get("STEADY_TEST_CONTENT", ROOT / "content"))
REGION = "us-east-1"


@dataclass(frozen=True)
class Account:
    username: str
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}


def fetch_jwks_through_moto(url: str) -> dict:
    # moto intercepts `requests` to AWS hosts, so the pool's real JWKS is served in-process.
    return requests.get(url, timeout=5).json()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)


@pytest.fixture
def stack(aws_env: None) -> Iterator[Stack]:
    with mock_aws():
        aws_clients.reset()
        yield provision(lambda name: boto3.client(name, region_name=REGION))
        aws_clients.reset()


def settings_for(stack: Stack) -> Settings:
    return Settings.from_env(stack.environment())


@pytest.fixture
def s3(stack: Stack):  # type: ignore[no-untyped-def]
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def publisher(stack: Stack, s3) -> Publisher:  # type: ignore[no-untyped-def]
    return Publisher(s3, stack.content_bucket)


@pytest.fixture(scope="session")
def shipped_modules() -> list[pipeline.Module]:
    """The shipped content/ folder, linted once per test run."""
    result = pipeline.lint(CONTENT)
    pipeline.require_clean(result)
    return result.modules


_built: dict[tuple, dict] = {}


@pytest.fixture(autouse=True)
def _render_each_version_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering is pure: render each (id, locale, version, sha256) once per run, not per test."""
    from steady_content import publish

    original = pipeline.build

    def build_once(module: pipeline.Module, published_at: str | None = None) -> dict:
        key = (module.module_id, module.locale, module.version, module.sha256)
        if key not in _built:
            _built[key] = original(module, published_at)
        return dict(_built[key])

    monkeypatch.setattr(publish, "build", build_once)


# One module per topic keeps each test's moto setup small; tests that need the whole
# curriculum (dashboards at scale) use ``published_all``.
STARTERS = ("cravings-and-urge-surfing", "thinking-traps", "breathing-and-grounding", "asking-for-what-you-need")


@pytest.fixture
def published(publisher: Publisher, shipped_modules: list[pipeline.Module]) -> list[pipeline.Module]:
    """The four starter modules, published."""
    modules = [m for m in shipped_modules if m.module_id in STARTERS and m.locale == "en"]
    assert len(modules) == len(STARTERS)
    report = publisher.publish(modules)
    assert report.ok
    return modules


@pytest.fixture
def published_all(publisher: Publisher, shipped_modules: list[pipeline.Module]) -> list[pipeline.Module]:
    """Every shipped module, published."""
    report = publisher.publish(shipped_modules)
    assert report.ok
    return shipped_modules


class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def library_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(stack: Stack, library_clock: FakeClock) -> Iterator[services.Services]:
    settings = settings_for(stack)
    verifier = TokenVerifier(settings, fetch_jwks_through_moto)
    built = services.Services.build(settings, verifier, clock=library_clock)
    services.use(built)
    yield built
    services.use(None)


@pytest.fixture
def client(service: services.Services) -> Iterator:  # type: ignore[type-arg]
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client


def make_account(stack: Stack, username: str, role: str) -> Account:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    password = "Correct-horse-42"
    user_id = create_account(cognito, stack, username, password, role)
    return Account(username, user_id, sign_in(cognito, stack, username, password))


@pytest.fixture
def participant(stack: Stack) -> Account:
    return make_account(stack, "participant-one", "participants")


@pytest.fixture
def other_participant(stack: Stack) -> Account:
    return make_account(stack, "participant-two", "participants")


@pytest.fixture
def leader(stack: Stack) -> Account:
    return make_account(stack, "leader-one", "leaders")


class AwsCalls:
    """Counts AWS API calls made by the service's clients, via botocore event hooks."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def _record(self, model, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        self.names.append(f"{model.service_model.service_id}.{model.name}")

    def attach(self, *clients) -> AwsCalls:  # type: ignore[no-untyped-def]
        for aws_client in clients:
            aws_client.meta.events.register("before-call.*.*", self._record)
        return self

    def reset(self) -> None:
        self.names.clear()


@pytest.fixture
def aws_calls(service: services.Services) -> AwsCalls:
    settings = service.settings
    return AwsCalls().attach(
        aws_clients.client("s3", settings.region), aws_clients.client("dynamodb", settings.region)
    )
