"""Shared fixtures: a moto-backed AWS, published content, accounts with real signed tokens."""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests
from hypothesis import settings
from moto import mock_aws

from chalicelib import aws as aws_clients
from chalicelib import services
from chalicelib.clock import Clock
from chalicelib.identity import TWO_STEP_ROLES, TokenVerifier
from chalicelib.settings import Settings
from steady_content import pipeline
from steady_content.publish import Publisher, PublishReport
from steady_local.moto_tuning import (
    remember_action_names,
    remember_response_keys,
    roll_back_items_not_tables,
)
from steady_local.provision import Stack, create_account, enrol_authenticator, provision, sign_in
from steady_local.scenarios import dated_on, joined_on  # noqa: F401 (the tests' helpers)

# Property tests check what is drawn, never how fast: CI shares two cores with other work, and
# hypothesis's default 200 ms deadline failed a draw that takes 0.4 ms when the machine was busy.
settings.register_profile("steady", deadline=None)
settings.load_profile("steady")

ROOT = Path(__file__).resolve().parent.parent


def _reuse_what_every_test_rebuilds() -> None:
    """Every test starts a fresh ``mock_aws``, and with it a fresh boto3 session: botocore then
    reads each service's JSON model again and builds each client class again (about 1 s a
    test), and moto's user pool parses its signing key again (0.2 s). Nothing in them depends
    on the test, so each worker builds them once. The clients and the data stay per test."""
    import botocore.client
    import botocore.loaders
    import botocore.session
    from moto.cognitoidp import models as cognito_models

    loaders: dict[str | None, botocore.loaders.Loader] = {}
    create_loader = botocore.loaders.create_loader

    def shared_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
        if search_path_string not in loaders:
            loaders[search_path_string] = create_loader(search_path_string)
        return loaders[search_path_string]

    botocore.session.create_loader = shared_loader  # type: ignore[assignment]

    classes: dict[tuple[str, str], type] = {}
    create_class = botocore.client.ClientCreator._create_client_class

    def shared_class(self, service_name, service_model):  # type: ignore[no-untyped-def]
        key = (service_name, service_model.api_version)
        if key not in classes:
            classes[key] = create_class(self, service_name, service_model)
        return classes[key]

    botocore.client.ClientCreator._create_client_class = shared_class  # type: ignore[method-assign]

    keys: dict[str, object] = {}
    rsa_key = cognito_models.jwk.RSAKey
    import_key = rsa_key.import_key

    def shared_key(value, *args, **kwargs):  # type: ignore[no-untyped-def]
        if args or kwargs or not isinstance(value, dict):
            return import_key(value, *args, **kwargs)
        cache_key = repr(sorted(value.items()))
        if cache_key not in keys:
            keys[cache_key] = import_key(value)
        return keys[cache_key]

    rsa_key.import_key = shared_key  # type: ignore[method-assign]

    _reuse_session_handlers()
    _reuse_clients()


def _reuse_session_handlers() -> None:
    """Each test builds two boto3 sessions (``mock_aws`` drops boto3's default one, and
    ``chalicelib.aws`` starts its own after each new stack), and each botocore session
    registered its ~120 built-in event handlers one by one, checking every handler's signature:
    about 25 ms a session. The handlers are module-level functions and objects, the same for
    every session, so each worker registers them once and every later session starts from a
    copy of that emitter (botocore's own ``copy``, as each client copies its session's). A
    session given its own emitter with something in it registers them as before."""
    import botocore.hooks
    import botocore.session

    register = botocore.session.Session._register_builtin_handlers
    registered: list[botocore.hooks.HierarchicalEmitter] = []

    def register_from_copy(self, events):  # type: ignore[no-untyped-def]
        emitter = self._original_handler
        fresh = (
            type(emitter) is botocore.hooks.HierarchicalEmitter
            and not emitter._unique_id_handlers
            and not emitter._handlers._root["children"]
            and not emitter._handlers._root["values"]
        )
        if not fresh:
            return register(self, events)
        if not registered:
            register(self, events)
            registered.append(copy.copy(emitter))
            return None
        copied = copy.copy(registered[0])
        emitter._handlers = copied._handlers
        emitter._unique_id_handlers = copied._unique_id_handlers
        emitter._lookup_cache = {}
        return None

    register_from_copy.__wrapped__ = register  # type: ignore[attr-defined]
    botocore.session.Session._register_builtin_handlers = register_from_copy  # type: ignore[method-assign]


def _reuse_clients() -> None:
    """A client holds no AWS state (moto keeps that, per test), yet building one costs about
    18 ms: its event handlers are copied and every event name is aliased again on its first
    use. About 12 are built a test, by the tests and by the services (``chalicelib.aws``
    forgets its clients at each new stack). So each worker keeps one client per service,
    region and config, built inside ``mock_aws`` (moto answers every client's calls while a
    mock is on, whenever the client was built). A client for an endpoint (a moto server over
    HTTP) is built afresh, as before. Handlers a test registers on a client it must
    unregister (``AwsCalls`` does; ``test_faults`` does)."""
    import boto3.session

    built: dict[tuple[Any, ...], Any] = {}
    make = boto3.session.Session.client

    def shared_client(self, service_name, region_name=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        endpoint = kwargs.get("endpoint_url") or any(
            name.startswith("AWS_ENDPOINT_URL") for name in os.environ
        )
        if args or endpoint or set(kwargs) - {"config"}:
            return make(self, service_name, region_name, *args, **kwargs)
        config = kwargs.get("config")
        key = (service_name, region_name, id(config), os.environ.get("AWS_ACCESS_KEY_ID"))
        if key not in built:
            # The config is kept alive with its client, so its id is never reused.
            built[key] = (make(self, service_name, region_name, **kwargs), config)
        return built[key][0]

    boto3.session.Session.client = shared_client  # type: ignore[method-assign]


_reuse_what_every_test_rebuilds()
roll_back_items_not_tables()
remember_response_keys()
remember_action_names()
# Another content folder can stand in (e.g. a snapshot while content is being edited).
CONTENT = Path(os.environ.get("STEADY_TEST_CONTENT", ROOT / "content"))
REGION = "us-east-1"


@dataclass(frozen=True)
class Account:
    username: str
    id: str
    token: str
    # The authenticator secret of an account with two-step sign-in (leaders, admins).
    authenticator: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}


def seed_group(
    records: Any,
    group_id: str,
    leader_id: str,
    names: Sequence[str],
    dues: Sequence[tuple[str, str]],
    now: Callable[[], str],
) -> list[str]:
    """Participants (by display name) and module assignments ((module id, due date)) written
    straight into a group's records, each with its audit entry, for pages at scale: the enrol
    and assign forms have their own tests, and a form post per row reads the growing group
    under moto. Returns the new participant ids in the order of ``names``."""
    import uuid

    from chalicelib.records.audit import new_entry
    from chalicelib.records.groups import Assignment

    def audit(action: str, at: str) -> dict[str, Any]:
        return new_entry(leader_id, ["leaders"], action, at, group_id=group_id)

    # Everyone was in the group before the first due date (one that passed before someone
    # joined is not theirs: ``chalicelib.statuses.due_for``).
    first_due = min((due for _, due in dues if due), default=None)
    people = []
    for name in names:
        pid, at = str(uuid.uuid4()), now()
        joined = min(at, f"{first_due}T00:00:00+00:00") if first_due else at
        records.enrol(group_id, pid, name, joined, audit("enrolment.add", at))
        people.append(pid)
    for module_id, due in dues:
        at = now()
        # Dated when everyone was there, before its date passed (``due_for``).
        dated = min(at, f"{first_due}T00:00:00+00:00") if first_due else at
        assignment = Assignment(
            uuid.uuid4().hex, "module", module_id, None, None, due, None, at, leader_id, dated
        )
        records.put_assignment(group_id, assignment, audit("assignment.put", at))
    return people


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
    # moto checks authenticator codes (RFC 6238) only when told to.
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


# The provisioned stack of this worker and moto's backends as provisioning left them, by
# (service, account, region). Filled by the first test that asks for a stack.
_provisioned: list[tuple[Stack, dict[tuple[Any, str, str], Any]]] = []


def _provision_once() -> Stack:
    """The table, bucket, user pool, client and SES identity, as ``provision`` creates them.

    Provisioning is about 25 moto calls (0.1 s) and gives the same resources every time, so
    each worker provisions once and keeps a deep copy of the backends it touched; every later
    test gets its own deep copy of those, put into the fresh moto its ``mock_aws`` started.
    What a test then changes is in its copy only. The ids (pool, client) are the same in every
    test of a worker, as they would be in one deployment; the pool signs with moto's one key
    whichever test it is."""
    from moto.core.base_backend import BackendDict

    if not _provisioned:
        provisioned = provision(lambda name: boto3.client(name, region_name=REGION))
        kept = {
            (backends, account, region): copy.deepcopy(backend)
            for backends in BackendDict._instances
            for account, per_region in backends.items()
            for region, backend in per_region.items()
        }
        _provisioned.append((provisioned, kept))
        return provisioned
    provisioned, kept = _provisioned[0]
    for (backends, account, region), backend in kept.items():
        # Indexing creates the account's backends (and registers them for moto's reset);
        # the region's backend is set as a dict item, skipping moto's lazy construction.
        dict.__setitem__(backends[account], region, copy.deepcopy(backend))
    return provisioned


@pytest.fixture
def stack(aws_env: None) -> Iterator[Stack]:
    with mock_aws():
        aws_clients.reset()
        yield _provision_once()
        aws_clients.reset()


def settings_for(stack: Stack) -> Settings:
    return Settings.from_env(stack.environment())


@pytest.fixture
def s3(stack: Stack):  # type: ignore[no-untyped-def]
    return boto3.client("s3", region_name=REGION)


# What a publish into an empty bucket left there, by what was published: (S3 key, bytes) pairs
# and the report. Per worker process, like ``_built``.
_published_buckets: dict[tuple, tuple[list[tuple[str, bytes]], PublishReport]] = {}


class _RepeatingPublisher(Publisher):
    """The real publisher, which remembers what it wrote into an empty bucket.

    Most tests start by publishing the same modules into a fresh, empty bucket: for the whole
    curriculum that was about 400 moto S3 calls, most of a test's time. The second time the same
    modules and tracks go into an empty bucket, the objects the first run wrote are put back
    straight into moto's S3, and its report is returned. Anything else (a bucket with something
    in it, a dry run, a held-back approval, a progress callback) publishes for real, and every
    worker publishes each set for real once. ``tests/functional/test_publishing.py`` and
    ``test_content_cli.py`` test the publisher itself with the plain one."""

    def __init__(self, s3: Any, bucket: str) -> None:
        super().__init__(s3, bucket)
        self._bucket_name = bucket

    def publish(  # type: ignore[override]
        self,
        modules: list[pipeline.Module],
        dry_run: bool = False,
        tracks: list[Any] | None = None,
        approved_only: bool = False,
        on_outcome: Any = None,
    ) -> PublishReport:
        plain = dry_run or approved_only or on_outcome is not None
        bucket = _moto_bucket(self._bucket_name)
        if plain or len(list(bucket.keys.keys())) > 0:
            return super().publish(modules, dry_run, tracks, approved_only, on_outcome)
        key = (
            self._bucket_name,
            tuple((m.module_id, m.locale, m.version, m.sha256) for m in modules),
            tuple(repr((t.locale, t.entry())) for t in tracks or ()),
        )
        if key not in _published_buckets:
            report = super().publish(modules, tracks=tracks)
            written = [(name, bucket.keys[name].value) for name in sorted(bucket.keys.keys())]
            _published_buckets[key] = (written, copy.deepcopy(report))
            return report
        written, report = _published_buckets[key]
        backend = _moto_s3_backend()
        for name, value in written:
            stored = backend.put_object(self._bucket_name, name, value)
            stored.set_metadata({"Content-Type": "application/json"})
        return copy.deepcopy(report)


def _moto_s3_backend() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def _moto_bucket(name: str) -> Any:
    return _moto_s3_backend().get_bucket(name)


@pytest.fixture
def publisher(stack: Stack, s3) -> Publisher:  # type: ignore[no-untyped-def]
    return _RepeatingPublisher(s3, stack.content_bucket)


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


def shipped_version(module_id: str, locale: str = "en") -> int:
    """The version of a shipped module (from the lock): tests never hard-code it, since
    authors bump it."""
    from steady_content import lockfile

    return int(lockfile.read(CONTENT)[module_id][locale]["version"])


def as_first_version(text: str) -> str:
    """A shipped module's text as an author's version 1, for tests that publish it into an
    empty bucket and walk its versions from 1."""
    import re

    text = re.sub(r"^version: \d+$", "version: 1", text, count=1, flags=re.MULTILINE)
    # In the module's own language: a translation's text may not be the English (TL003).
    first = (
        "Primera versión." if re.search(r"^locale: es$", text, re.MULTILINE) else "First version."
    )
    return re.sub(r"^changelog: .*$", f"changelog: {first}", text, count=1, flags=re.MULTILINE)


# One module per topic keeps each test's moto setup small; tests that need the whole
# curriculum (dashboards at scale) use ``published_all``.
STARTERS = (
    "cravings-and-urge-surfing",
    "thinking-traps",
    "breathing-and-grounding",
    "asking-for-what-you-need",
)


@pytest.fixture
def published(
    publisher: Publisher, shipped_modules: list[pipeline.Module]
) -> list[pipeline.Module]:
    """The four starter modules, published."""
    modules = [m for m in shipped_modules if m.module_id in STARTERS and m.locale == "en"]
    assert len(modules) == len(STARTERS)
    report = publisher.publish(modules)
    assert report.ok
    return modules


@pytest.fixture
def published_all(
    publisher: Publisher, shipped_modules: list[pipeline.Module]
) -> list[pipeline.Module]:
    """Every shipped module, published."""
    report = publisher.publish(shipped_modules)
    assert report.ok
    return shipped_modules


class FakeClock(Clock):
    """The services' one clock, moved forward only when a test says so (``advance``): the real
    time plus the offset, and a monotonic time that starts at 1000 and moves with it."""

    def __init__(self, timezone: str = "UTC") -> None:
        self.offset = timedelta(0)
        self.ticks = 1000.0
        super().__init__(
            timezone, source=lambda: datetime.now(UTC) + self.offset, monotonic=lambda: self.ticks
        )

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
        self.ticks += seconds

    def start_at(self, start: datetime, timezone: str) -> None:
        """From now on, wall time starts at ``start`` and each reading is one second later
        (so audit entries keep their order)."""
        readings = itertools.count()
        self._zone = ZoneInfo(timezone)
        self._source = lambda: start + timedelta(seconds=next(readings)) + self.offset


@pytest.fixture
def library_clock(stack: Stack) -> FakeClock:
    """The services' clock (named for its first use: the library's pointer cache)."""
    return FakeClock(settings_for(stack).program_timezone)


@pytest.fixture
def service(stack: Stack, library_clock: FakeClock) -> Iterator[services.Services]:
    settings = settings_for(stack)
    verifier = TokenVerifier(settings, fetch_jwks_through_moto)
    built = services.Services.build(settings, verifier, clock=library_clock)
    services.use(built)
    # A test is a new container: a version's text rendered by an earlier test (whose content
    # may differ under the same version number) is not carried over.
    from chalicelib.web import render

    render.clear_fragments()
    yield built
    services.use(None)


@pytest.fixture
def client(service: services.Services) -> Iterator:  # type: ignore[type-arg]
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client


# What ``make_account`` left on moto's user the first time in this worker, by (pool, username,
# role, two-step): the user's fields but its id, dates and groups; its group names; the
# authenticator secret.
_made_accounts: dict[tuple[str, str, str, bool], tuple[dict[str, Any], list[str], str | None]] = {}
_USER_OWN_FIELDS = ("id", "groups", "create_date", "last_modified_date", "attribute_lookup")


def make_account(
    stack: Stack, username: str, role: str, authenticator: bool | None = None
) -> Account:
    """A signed-in account. Leaders and admins get an authenticator (two-step sign-in) unless
    ``authenticator=False``; others only with ``authenticator=True``.

    Creating one is about ten Cognito calls (create, password, group, then for two-step a
    sign-in and the authenticator set-up); the first time in a worker they are made, and the
    user they leave in moto is kept. Later, into a pool without that username, a user with
    the same fields is put straight into moto, with a new ``sub`` and today's dates, in the
    same groups. Either way the account then signs in for real (with a code from its
    authenticator if it has one), so its token is signed by the pool now."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    password = "Correct-horse-42"
    two_step = bool(authenticator or (authenticator is None and role in TWO_STEP_ROLES))
    key = (stack.user_pool_id, username, role, two_step)
    pool = _moto_user_pool(stack)
    made = _made_accounts.get(key)
    if made is not None and pool is not None and pool._get_user(username) is None:
        fields, groups, secret = made
        user_id = _put_user(pool, username, fields, groups)
    else:
        user_id = create_account(cognito, stack, username, password, role)
        secret = None
        if two_step:
            secret = enrol_authenticator(cognito, stack, username, password)
        if made is None and pool is not None:
            user = pool._get_user(username)
            fields = {k: v for k, v in vars(user).items() if k not in _USER_OWN_FIELDS}
            groups = sorted(group.group_name for group in user.groups)
            _made_accounts[key] = (copy.deepcopy(fields), groups, secret)
    return Account(username, user_id, sign_in(cognito, stack, username, password, secret), secret)


def _moto_user_pool(stack: Stack) -> Any:
    """moto's user pool of ``stack`` (None when it is not moto in this process)."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    return cognitoidp_backends[DEFAULT_ACCOUNT_ID][stack.region].user_pools.get(stack.user_pool_id)


def _put_user(pool: Any, username: str, fields: dict[str, Any], groups: list[str]) -> str:
    """A moto user with ``fields`` (a copy), a new id and today's dates, in ``groups``, as
    ``admin_create_user`` and ``admin_add_user_to_group`` link one; returns its ``sub``."""
    from moto.cognitoidp.models import CognitoIdpUser
    from moto.cognitoidp.utils import flatten_attrs

    user = CognitoIdpUser(pool.id, username, None, fields["status"], [])
    own = {name: getattr(user, name) for name in ("id", "create_date", "last_modified_date")}
    vars(user).update(copy.deepcopy(fields))
    vars(user).update(own)
    # The attributes in the kept order, the sub being the new one.
    user.attributes = [
        {**a, "Value": user.id} if a["Name"] == "sub" else a for a in user.attributes
    ]
    user.attribute_lookup = flatten_attrs(user.attributes)
    pool.users[user.username] = user
    for name in groups:
        group = pool.groups[name]
        group.users.add(user)
        user.groups.add(group)
    return str(user.id)


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
    """Counts AWS API calls made by the service's clients, via botocore event hooks. Every
    counter lets go of its clients when its test ends (``_detach_call_counters``): clients
    outlive a test (``_reuse_clients``)."""

    live: list[AwsCalls] = []

    def __init__(self) -> None:
        self.names: list[str] = []
        self._clients: list[Any] = []
        AwsCalls.live.append(self)

    def _record(self, model, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        self.names.append(f"{model.service_model.service_id}.{model.name}")

    def attach(self, *clients) -> AwsCalls:  # type: ignore[no-untyped-def]
        for aws_client in clients:
            aws_client.meta.events.register("before-call.*.*", self._record)
            self._clients.append(aws_client)
        return self

    def detach(self) -> None:
        for aws_client in self._clients:
            aws_client.meta.events.unregister("before-call.*.*", self._record)
        self._clients.clear()

    def reset(self) -> None:
        self.names.clear()


@pytest.fixture(autouse=True)
def _detach_call_counters() -> Iterator[None]:
    yield
    while AwsCalls.live:
        AwsCalls.live.pop().detach()


@pytest.fixture
def aws_calls(service: services.Services) -> AwsCalls:
    settings = service.settings
    return AwsCalls().attach(
        aws_clients.client("s3", settings.region), aws_clients.client("dynamodb", settings.region)
    )


# --- What a run leaves out ----------------------------------------------------------------
# tests/fuzz holds only fuzz tests (its pytestmark), which ``make test``'s ``-m 'not fuzz'``
# deselects. Collecting them anyway cost each worker about 9 s (schemathesis builds its 224
# tests from the OpenAPI document, with their hypothesis strategies), only to drop them. When
# the marker expression deselects a fuzz test whatever its other marks, the folder is not
# collected at all; ``make fuzz`` (``-m fuzz``) collects it as before.

_FUZZ = ROOT / "tests" / "fuzz"


def _deselects_every_fuzz_test(config: pytest.Config) -> bool:
    from _pytest.mark.expression import Expression

    markexpr = config.getoption("markexpr", "")
    if not markexpr:
        return False
    try:
        expression = Expression.compile(markexpr)
        only_fuzz = expression.evaluate(lambda name, **_: name == "fuzz")
        every_mark = expression.evaluate(lambda name, **_: True)
    except Exception:  # noqa: BLE001 (pytest reports a bad expression itself)
        return False
    return not only_fuzz and not every_mark


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path == _FUZZ and _deselects_every_fuzz_test(config):
        return True
    return None


# --- Garbage collection ------------------------------------------------------------------
# A worker holds a large heap that lives for the whole run (botocore and moto models, the
# clients, the rendered modules, every test module), and Python's full collections walked all
# of it again and again: in test_authentication + test_groups, 23 full collections took 6.8 s
# of a 27.6 s run. After the 1st, 2nd, 4th, ... test and every 256th, what is still alive is
# collected for the last time and frozen (gc.freeze: never walked again); each test's own
# objects are gone by then, since it is between tests. The young generation is collected after
# 10,000 allocations rather than 700, so fewer survivors are walked twice. GC time in that
# run: 8.8 s before, 2.7 s after; peak memory the same (245 MB).

import gc as _gc  # noqa: E402

_gc.set_threshold(10_000, 10, 10)
_tests_done = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _tests_done
    yield
    _tests_done += 1
    if _tests_done & (_tests_done - 1) == 0 or _tests_done % 256 == 0:
        _gc.collect()
        _gc.freeze()


# --- Log hygiene -------------------------------------------------------------------------
# Every log record of the whole run (the "steady" logger, which is also Chalice's app.log, and
# the root logger) is kept, and every display name, email and knowledge-check answer the tests
# send through the HTTP edge is collected. At the end of the run, any of them found in the logs
# fails the run (see tests/functional/test_log_hygiene.py for the distinctive ones it sends).
# With xdist each worker writes its findings to STEADY_LOG_HYGIENE_DIR; the controller decides.

import json as _json  # noqa: E402
import logging as _logging  # noqa: E402
import re as _re  # noqa: E402
import tempfile as _tempfile  # noqa: E402
from urllib.parse import parse_qs as _parse_qs  # noqa: E402

_SENSITIVE_FIELDS = (
    "display_name",
    "email",
    "new_password",
    "password",
    "phone",
    "temporary_password",
)
_MIN_SECRET = 4
# A short value of hex digits ("3335", an odd-input test's drawn scale answer) turns up inside
# any request id or uuid by chance: it would be a leak found in every run, never a real one.
_ID_LIKE = _re.compile(r"[0-9a-fA-F-]{1,7}")


class _LogHygiene(_logging.Handler):
    def __init__(self) -> None:
        super().__init__(_logging.DEBUG)
        self.lines: list[str] = []
        self.secrets: set[str] = set()

    def emit(self, record: _logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 (a broken record is still output)
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + repr(record.exc_info[1])
        self.lines.append(text)

    def remember(self, value: object) -> None:
        if isinstance(value, str) and len(value.strip()) >= _MIN_SECRET:
            if not _ID_LIKE.fullmatch(value.strip()):
                self.secrets.add(value.strip())

    def collect_body(self, body: object) -> None:
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        if not isinstance(body, str) or not body:
            return
        try:
            data = _json.loads(body)
        except ValueError:
            data = {k: v[-1] for k, v in _parse_qs(body).items()}
        if isinstance(data, dict):
            for name in _SENSITIVE_FIELDS:
                self.remember(data.get(name))
            # Worksheet answers: the API's {"answers": {field: value}} and the web form's
            # fields (named "answer-..."): every text, list item, contact name and phone.
            answers = data.get("answers")
            for value in answers.values() if isinstance(answers, dict) else ():
                self.remember_answer(value)
            # The plan: the API's {"sections": {section: [items]}} and the web form's "plan-..." fields.
            sections = data.get("sections")
            for items in sections.values() if isinstance(sections, dict) else ():
                for item in items if isinstance(items, list) else ():
                    for key in ("text", "name", "phone"):
                        self.remember(item.get(key) if isinstance(item, dict) else None)
            for name, value in data.items():
                if isinstance(name, str) and name.startswith(("answer-", "plan-")):
                    self.remember(value)

    def remember_answer(self, value: object) -> None:
        if isinstance(value, list):
            for item in value:
                self.remember_answer(item)
        elif isinstance(value, dict):
            for item in value.values():
                self.remember_answer(item)
        else:
            self.remember(value)

    def leaks(self) -> list[tuple[str, str]]:
        found = []
        said = [(_free_parts(line), line) for line in self.lines]
        for secret in sorted(self.secrets):
            for text, line in said:
                if secret in text:
                    found.append((secret, line[:300]))
                    break
        return found


# A JSON log line's keys and these fields' values are the service's own fixed words: an
# odd-input test's drawn name "event" or "POST" found there is a coincidence, not a leak.
_FIXED_FIELDS = frozenset({"event", "level", "method", "route"})


def _free_parts(line: str) -> str:
    """What a log line could carry from a request: every value but the fixed ones."""
    try:
        data = _json.loads(line)
    except ValueError:
        return line
    if not isinstance(data, dict):
        return line
    # JSON null carries nothing from a request (str() would make it a "None" to match).
    return "\n".join(str(v) for k, v in data.items() if k not in _FIXED_FIELDS and v is not None)


LOG_HYGIENE = _LogHygiene()


def _knowledge_check_answers(content: Path) -> set[str]:
    """The text of every right answer (and its explanation) in the shipped modules."""
    import yaml

    found: set[str] = set()
    for path in content.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        try:
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
        except yaml.YAMLError:
            continue
        for question in (meta.get("knowledge_check") or []) if isinstance(meta, dict) else []:
            try:
                found.add(str(question["choices"][question["answer"]]))
                found.add(str(question.get("explanation", "")))
            except (KeyError, IndexError, TypeError):
                continue
    return {s for s in found if len(s) >= 12}  # short answers ("Yes") are not evidence


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        os.environ.setdefault(
            "STEADY_LOG_HYGIENE_DIR", _tempfile.mkdtemp(prefix="steady-log-hygiene-")
        )
    for name in ("", "steady"):
        _logging.getLogger(name).addHandler(LOG_HYGIENE)
    from chalice.test import TestHTTPClient

    original = TestHTTPClient.request
    if getattr(original, "_log_hygiene", False):
        return

    def request(self, method, path, headers=None, body=b""):  # type: ignore[no-untyped-def]
        LOG_HYGIENE.collect_body(body)
        return original(self, method, path, headers=headers, body=body)

    request._log_hygiene = True  # type: ignore[attr-defined]
    TestHTTPClient.request = request  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    folder = Path(os.environ.get("STEADY_LOG_HYGIENE_DIR", _tempfile.gettempdir()))
    LOG_HYGIENE.secrets |= _knowledge_check_answers(CONTENT)
    leaks = LOG_HYGIENE.leaks()
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    (folder / f"{worker}.json").write_text(
        _json.dumps(
            {
                "lines": len(LOG_HYGIENE.lines),
                "secrets": len(LOG_HYGIENE.secrets),
                "leaks": leaks,
            }
        )
    )
    if hasattr(session.config, "workerinput"):
        return
    reports = [_json.loads(p.read_text()) for p in folder.glob("*.json")]
    all_leaks = [leak for r in reports for leak in r["leaks"]]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines, secrets = (
        sum(r["lines"] for r in reports),
        max((r["secrets"] for r in reports), default=0),
    )
    if reporter is not None:
        reporter.write_line(
            f"log hygiene: {lines} log lines checked against the {secrets} names, emails "
            f"and answers the tests used: {len(all_leaks)} found"
        )
        for secret, line in all_leaks:
            reporter.write_line(f"  LEAK {secret!r} in: {line}", red=True)
    for p in folder.glob("*.json"):
        p.unlink()
    if all_leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
