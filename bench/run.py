"""``make bench``: Steady's performance figures, measured side by side in one run.

(a) cold import: ``import app`` against a bare Chalice + boto3 baseline (bench/baseline_app.py),
    timed inside fresh interpreters, alternating, medians and their ratio;
(b) warm handler time: API Gateway REST proxy events handed to ``app.app(event, context)``
    in-process, against a hello-world route registered on the same app, under moto; the
    library runs on an injected fake clock, so "latest after the pointer expired" is measured
    by moving it past ``POINTER_TTL_SECONDS`` (no sleeping);
(c) AWS calls per operation, counted with botocore ``before-call`` hooks on the clients the
    services use.

These are benchmarks, not tests: every figure is printed next to its target with whether it
is met, and the exit status is 0 whatever the figures (non-zero only if the bench itself
could not run, e.g. a route answered with an error).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# This process's own bytecode goes under bench/ too: the project tree is left as it was.
sys.pycache_prefix = str(BENCH / ".pycache")
CONTENT = ROOT / "content"
PYTHON = sys.executable
REGION = "us-east-1"

IMPORT_SAMPLES = 15  # per side, alternating (brief: at least 15)
IMPORT_WARMUPS = 2  # per side, discarded: the first run writes bytecode caches
HANDLER_CALLS = 2000  # per route
HANDLER_BLOCK = 100  # calls per block; routes take turns block by block
BREAKDOWN_CALLS = 300  # per breakdown probe: body serving, and latest-after-TTL with S3 timed apart

IMPORT_TARGET = 1.10
HANDLER_TARGET = 2.0

# What a dev-stage Lambda has in its environment (see .chalice/config.json and
# steady_local.provision.Stack.environment), with fake credentials.
STAGE_ENV = {
    "STEADY_STAGE": "dev",
    "STEADY_RECORDS_TABLE": "steady-dev-records",
    "STEADY_CONTENT_BUCKET": "steady-dev-content",
    "STEADY_USER_POOL_ID": "us-east-1_BenchPool0",
    "STEADY_USER_POOL_CLIENT_IDS": "benchclientid0000000000000",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}


# --------------------------------------------------------------------------------------------
# Report helpers


def heading(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def table(
    headers: list[str], rows: list[list[str]], right: set[int] | None = None, indent: str = ""
) -> None:
    right = right or set()
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(indent + line(headers))
    print(indent + line(["-" * w for w in widths]))
    for row in rows:
        print(indent + line(row))


def met(ok: bool) -> str:
    return "yes" if ok else "NO"


SUMMARY: list[tuple[str, str, str, bool]] = []  # (what, measured, target, met)


# --------------------------------------------------------------------------------------------
# (a) Cold import cost

APP_CHILD = """
import time
t0 = time.perf_counter()
import app
t1 = time.perf_counter()
from chalicelib import services
services.current()  # what the first request adds: settings and the S3 + DynamoDB clients
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""

BASELINE_CHILD = """
import time
t0 = time.perf_counter()
import baseline_app
t1 = time.perf_counter()
print(t1 - t0, t1 - t0)
"""


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STEADY_"))}
    # Bytecode for both sides, kept under bench/ (the project tree gets no __pycache__): the
    # first warm-up compiles, every measured sample loads .pyc files, as a warm dev box would.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BENCH / ".pycache")
    env.update(STAGE_ENV)
    # No ~/.aws files, as on Lambda: both sides read the same (nothing).
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


def import_sample(code: str, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"import sample failed in {cwd}:\n{done.stderr}")
    first, second = done.stdout.split()[-2:]
    return float(first) * 1e3, float(second) * 1e3


def import_profile(module: str, cwd: Path, env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """``python -X importtime``: module name -> (self µs, cumulative µs)."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", f"import {module}"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.split(":", 1)[1].split("|")
        rows[name.strip()] = (int(self_us), int(cumulative_us))
    return rows


def bench_cold_import() -> None:
    heading("(a) Cold import: `import app` vs bare Chalice + boto3 baseline")
    env = child_env()
    sides = {
        "app": (APP_CHILD, ROOT),
        "baseline": (BASELINE_CHILD, BENCH),
    }
    for _ in range(IMPORT_WARMUPS):
        for code, cwd in sides.values():
            import_sample(code, cwd, env)
    samples: dict[str, list[tuple[float, float]]] = {"app": [], "baseline": []}
    for i in range(IMPORT_SAMPLES):
        order = ["app", "baseline"] if i % 2 == 0 else ["baseline", "app"]
        for side in order:
            code, cwd = sides[side]
            samples[side].append(import_sample(code, cwd, env))

    app_ms = statistics.median(s[0] for s in samples["app"])
    base_ms = statistics.median(s[0] for s in samples["baseline"])
    app_first_ms = statistics.median(s[1] for s in samples["app"])
    ratio = app_ms / base_ms
    spread = {side: (min(s[0] for s in v), max(s[0] for s in v)) for side, v in samples.items()}
    print(
        f"{IMPORT_SAMPLES} alternating samples per side (+{IMPORT_WARMUPS} discarded warm-ups), "
        "each a fresh interpreter;\ntime.perf_counter() around the import inside the child, "
        "so interpreter start-up is excluded.\n"
    )
    table(
        ["what is imported", "median ms", "min ms", "max ms"],
        [
            [
                "app.py (Steady)",
                f"{app_ms:.1f}",
                f"{spread['app'][0]:.1f}",
                f"{spread['app'][1]:.1f}",
            ],
            [
                "bench/baseline_app.py (chalice, boto3, 1 S3 client)",
                f"{base_ms:.1f}",
                f"{spread['baseline'][0]:.1f}",
                f"{spread['baseline'][1]:.1f}",
            ],
        ],
        right={1, 2, 3},
    )
    print()
    ok = ratio <= IMPORT_TARGET
    print(f"ratio app / baseline: {ratio:.2f}   target <= {IMPORT_TARGET:.2f}   met: {met(ok)}")
    print(
        f"(informational) app import + services.current() (builds the S3 and DynamoDB clients,"
        f"\n  deferred to the first request): {app_first_ms:.1f} ms median, "
        f"{app_first_ms / base_ms:.2f} x baseline"
    )
    wanted = f"<= {IMPORT_TARGET:.2f}"
    SUMMARY.append(("(a) cold import, app / baseline", f"{ratio:.2f}", wanted, ok))

    # Where the time goes: one -X importtime profile per side (its own overhead inflates the
    # absolute numbers; the ranking is what matters).
    app_rows = import_profile("app", ROOT, env)
    base_rows = import_profile("baseline_app", BENCH, env)
    tops = {"app", "baseline_app"}
    only_app = {n: v for n, v in app_rows.items() if n not in base_rows and n not in tops}
    only_base = {n: v for n, v in base_rows.items() if n not in app_rows and n not in tops}
    print()
    print("Where the time goes (python -X importtime, one profile per side; its own overhead")
    print("inflates absolute numbers, the ranking is what matters):")
    print(
        f"  shared by both: boto3 {app_rows.get('boto3', (0, 0))[1] / 1e3:.1f} ms cumulative "
        f"in app, chalice {app_rows.get('chalice', (0, 0))[1] / 1e3:.1f} ms"
    )
    print(
        f"  baseline_app's own body (Chalice() + boto3.client('s3')): "
        f"{base_rows.get('baseline_app', (0, 0))[0] / 1e3:.1f} ms self; "
        "app creates no client at import"
    )
    print(
        f"  modules only app imports: {len(only_app)} "
        f"({sum(v[0] for v in only_app.values()) / 1e3:.1f} ms self); "
        f"only the baseline imports: {len(only_base)} "
        f"({sum(v[0] for v in only_base.values()) / 1e3:.1f} ms self)"
    )
    own = sorted(
        ((n, v) for n, v in app_rows.items() if n == "app" or n.startswith("chalicelib")),
        key=lambda item: -item[1][1],
    )[:10]
    print("  Steady's own modules, heaviest first (cumulative includes what each pulls in first):")
    table(
        ["module", "self ms", "cumulative ms"],
        [[n, f"{v[0] / 1e3:.1f}", f"{v[1] / 1e3:.1f}"] for n, v in own],
        right={1, 2},
        indent="    ",
    )
    third_party = sorted(
        ((n, v) for n, v in app_rows.items() if not (n == "app" or n.startswith("chalicelib"))),
        key=lambda item: -item[1][0],
    )[:8]
    print("  Heaviest single modules under `import app` (self time):")
    table(
        ["module", "self ms", "cumulative ms", "also in baseline"],
        [
            [n, f"{v[0] / 1e3:.1f}", f"{v[1] / 1e3:.1f}", "yes" if n in base_rows else "no"]
            for n, v in third_party
        ],
        right={1, 2},
        indent="    ",
    )


# --------------------------------------------------------------------------------------------
# (b) and (c): in-process, under moto


def fake_lambda_context() -> Any:
    return SimpleNamespace(
        function_name="steady-dev",
        function_version="$LATEST",
        invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:steady-dev",
        memory_limit_in_mb=512,
        aws_request_id=str(uuid.uuid4()),
        log_group_name="/aws/lambda/steady-dev",
        log_stream_name="2024/01/01/[$LATEST]bench",
        get_remaining_time_in_millis=lambda: 10_000,
    )


def rest_event(
    method: str,
    resource: str,
    sub: str | None,
    params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    roles: str = "participants",
    username: str = "",
) -> dict[str, Any]:
    """An API Gateway REST (v1) proxy event as Lambda receives it, authorizer already run."""
    path = resource
    for name, value in (params or {}).items():
        path = path.replace("{" + name + "}", value)
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate, br",
        "Host": "abc123defg.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "steady-bench",
        "X-Amzn-Trace-Id": "Root=1-00000000-000000000000000000000000",
        "X-Forwarded-For": "127.0.0.1",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if sub is not None:
        headers["Authorization"] = "Bearer not-verified-here-the-authorizer-already-ran"
    if body is not None:
        headers["Content-Type"] = "application/json"
    request_context: dict[str, Any] = {
        "resourceId": "r3pmxh",
        "resourcePath": resource,
        "httpMethod": method,
        "extendedRequestId": "Bench0000000000=",
        "requestTime": "01/Jan/2024:00:00:00 +0000",
        "path": "/api" + path,
        "accountId": "123456789012",
        "protocol": "HTTP/1.1",
        "stage": "api",
        "domainPrefix": "abc123defg",
        "requestTimeEpoch": int(time.time() * 1000),
        "requestId": str(uuid.uuid4()),
        "identity": {"sourceIp": "127.0.0.1", "userAgent": "steady-bench"},
        "domainName": "abc123defg.execute-api.us-east-1.amazonaws.com",
        "apiId": "abc123defg",
    }
    if sub is not None:
        request_context["authorizer"] = {
            "principalId": sub,
            "roles": roles,
            "username": username,
            # As the authorizer puts it (``identity.to_context``): the token's expiry, which
            # every route checks again (API Gateway may answer from its cache). A day ahead.
            "expires_at": str(int(time.time()) + 86_400),
            "integrationLatency": 0,
        }
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": dict(params) if params else None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class Invoker:
    """Calls the Lambda entry point the way the Lambda runtime does."""

    def __init__(self, handler: Callable[[dict, Any], dict]) -> None:
        self.handler = handler
        self.context = fake_lambda_context()

    def __call__(self, event: dict, expect: tuple[int, ...] = (200,)) -> dict:
        response = self.handler(event, self.context)
        if response["statusCode"] not in expect:
            raise RuntimeError(
                f"{event['httpMethod']} {event['path']} answered {response['statusCode']} "
                f"(expected {expect}): {response.get('body')}"
            )
        return response


def percentile(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class FakeClock:
    """The library's injectable clock (``Services.build(..., clock=...)``): time moves only
    when the bench says so, so the pointer TTL expires on demand and nothing sleeps."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_library_clock = FakeClock()


def _services_clock(settings: Any) -> Any:
    """The services' one clock, with the bench's monotonic time (wall time is real)."""
    from chalicelib.clock import Clock

    return Clock(settings.program_timezone, monotonic=_library_clock)


def expire_pointers() -> None:
    """Move the library's clock past the TTL: its next pointer read goes to S3 again."""
    from chalicelib.library import POINTER_TTL_SECONDS

    _library_clock.advance(POINTER_TTL_SECONDS + 1.0)


def bench_warm_handlers(invoke: Invoker, module_id: str, version: int, sub: str) -> None:
    heading("(b) Warm handler time: app.app(event, context) in-process, moto for AWS")
    from chalicelib import api, services
    from chalicelib.library import POINTER_TTL_SECONDS, Published
    from chalicelib.routes.modules import IMMUTABLE

    latest_event = rest_event("GET", "/modules/{module_id}", sub, {"module_id": module_id})
    routes = {
        "hello": rest_event("GET", "/bench-hello", None),
        "latest": latest_event,
        "exact": rest_event(
            "GET",
            "/modules/{module_id}/versions/{version}",
            sub,
            {"module_id": module_id, "version": str(version)},
        ),
        "expired": latest_event,
    }
    labels = {
        "hello": "GET /bench-hello (hello world, registered by the bench)",
        "latest": "GET /modules/{module_id}  latest, warm (index fresh), 0 AWS calls",
        "exact": "GET /modules/{module_id}/versions/{v}  exact, cached, 0 AWS calls",
        "expired": "GET /modules/{module_id}  latest, pointer expired, 1 S3 GetObject (moto)",
    }
    # Run before each "expired" sample, outside the timed span.
    prepare: dict[str, Callable[[], Any]] = {"expired": expire_pointers}
    for name, event in routes.items():  # warm: caches filled, code paths exercised
        for _ in range(50):
            prepare.get(name, lambda: None)()
            invoke(event)

    # Check what the labels claim: AWS calls per request, counted on the services' clients.
    counter = CallCounter()
    for client_name, client in _services_clients.items():
        client.meta.events.register("before-call.*.*", counter, unique_id=f"bench-b-{client_name}")
    try:
        seen = {}
        for name, event in routes.items():
            prepare.get(name, lambda: None)()
            seen[name] = counter.measure(lambda event=event: invoke(event))
    finally:
        for client_name, client in _services_clients.items():
            client.meta.events.unregister("before-call.*.*", unique_id=f"bench-b-{client_name}")
    expected = {"hello": [], "latest": [], "exact": [], "expired": ["S3.GetObject"]}
    if seen != expected:
        raise RuntimeError(f"AWS calls per request are not what (b) assumes: {seen}")

    handler, context = invoke.handler, invoke.context
    timings: dict[str, list[int]] = {name: [] for name in routes}
    clock = time.perf_counter_ns
    names = list(routes)
    for block in range(HANDLER_CALLS // HANDLER_BLOCK):
        order = names[block % len(names) :] + names[: block % len(names)]
        for name in order:
            event, out = routes[name], timings[name]
            before = prepare.get(name)
            for _ in range(HANDLER_BLOCK):
                if before is not None:
                    before()
                start = clock()
                result = handler(event, context)
                out.append(clock() - start)
            if result["statusCode"] != 200:
                raise RuntimeError(f"{name} answered {result['statusCode']}: {result['body']}")

    medians = {name: statistics.median(v) / 1e3 for name, v in timings.items()}
    p90s = {name: percentile(v, 0.9) / 1e3 for name, v in timings.items()}
    print(
        f"{HANDLER_CALLS} calls per route in blocks of {HANDLER_BLOCK}, routes taking turns; "
        f"module {module_id!r} v{version};\nauthorizer context preset "
        "({principalId, roles: participants, expires_at}), so no token is verified.\n"
        "The library runs on an injected fake clock: 'pointer expired' moves it past\n"
        f"POINTER_TTL_SECONDS ({POINTER_TTL_SECONDS:.0f} s) before each sample, outside the "
        "timed span. AWS calls per request\nchecked first with botocore hooks: hello 0, "
        "latest warm 0, exact 0, latest expired 1 (S3.GetObject).\n"
    )
    rows = []
    for name in ("hello", "latest", "exact", "expired"):
        ratio = medians[name] / medians["hello"]
        if name == "hello":
            rows.append([labels[name], f"{medians[name]:.1f}", f"{p90s[name]:.1f}", "1.00", "", ""])
            continue
        if name == "expired":
            rows.append(
                [
                    labels[name],
                    f"{medians[name]:.1f}",
                    f"{p90s[name]:.1f}",
                    f"{ratio:.2f}",
                    "(context)",
                    "",
                ]
            )
            continue
        ok = ratio <= HANDLER_TARGET
        rows.append(
            [
                labels[name],
                f"{medians[name]:.1f}",
                f"{p90s[name]:.1f}",
                f"{ratio:.2f}",
                f"<= {HANDLER_TARGET:.0f}",
                met(ok),
            ]
        )
        what = "latest, index fresh" if name == "latest" else "exact, from cache"
        SUMMARY.append((f"(b) warm {what} / hello", f"{ratio:.2f}", f"<= {HANDLER_TARGET:.0f}", ok))
    table(["route", "median µs", "p90 µs", "x hello", "target", "met"], rows, right={1, 2, 3})
    print(
        f"  'pointer expired' is what a warm container pays at most once per module every "
        f"{POINTER_TTL_SECONDS:.0f} s;\n  it is context, not a target."
    )

    # The version body is no longer encoded per request: the library encodes the participant
    # view once per version (Published.of) and routes return api.EncodedJson. Probe what is left
    # of the body's cost per request (building the Response and Chalice's to_dict, which passes
    # a str body through), and the one-off encoding, interleaved as above.
    published = services.current().library.version(module_id, version)
    document = published.document
    binary_types = invoke.handler.api.binary_types
    probes: dict[str, Callable[[], Any]] = {
        "serve": lambda: api.json_response(
            api.EncodedJson(published.json), 200, {"Cache-Control": IMMUTABLE}
        ).to_dict(binary_types),
        "serve_hello": lambda: api.json_response({"hello": "world"}).to_dict(binary_types),
        "encode_once": lambda: Published.of(document),
    }
    probe_times: dict[str, list[int]] = {name: [] for name in probes}
    for block in range(BREAKDOWN_CALLS // HANDLER_BLOCK * len(probes)):
        name = list(probes)[block % len(probes)]
        probe, out = probes[name], probe_times[name]
        for _ in range(HANDLER_BLOCK):
            start = clock()
            probe()
            out.append(clock() - start)
    probe_us = {name: statistics.median(v) / 1e3 for name, v in probe_times.items()}
    body_bytes = len(published.json.encode("utf-8"))
    rest_us = medians["exact"] - probe_us["serve"]
    print()
    print(
        f"GET /modules/{{module_id}}/versions/{{v}} broken down (its body is {body_bytes:,} "
        "bytes of JSON,"
    )
    print(
        "hello's is 17; the body is pre-encoded (Published.json, api.EncodedJson), so no "
        "json.dumps\nper request. Probes timed alone, "
        f"{BREAKDOWN_CALLS} calls each, medians):"
    )
    print(
        "  json_response(EncodedJson) + Response.to_dict, per request:   "
        f"{probe_us['serve']:8.1f} µs  (hello's dict body: {probe_us['serve_hello']:.1f} µs)"
    )
    print(
        f"  everything else (exact's median - that):                      {rest_us:8.1f} µs"
        f" = {rest_us / medians['hello']:.2f} x hello"
    )
    print(
        f"  Published.of (participant view + json.dumps), once per version per container,\n"
        f"    not per request:                                            "
        f"{probe_us['encode_once']:8.1f} µs"
    )

    # Breakdown of the latest read after the pointer expired: time the S3 client call (an
    # instance attribute shadowing get_object on the services' client) and, inside it, moto's
    # own request processing.
    from moto.core import models as moto_models

    s3 = services_s3()
    stubber = moto_models.botocore_stubber
    spans = {"call": 0, "moto": 0, "count": 0}
    real_get_object, real_process = s3.get_object, stubber.process_request

    def timed_get_object(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return real_get_object(*args, **kwargs)
        finally:
            spans["call"] += clock() - start
            spans["count"] += 1

    def timed_process(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return real_process(*args, **kwargs)
        finally:
            spans["moto"] += clock() - start

    parts: dict[str, list[int]] = {"total": [], "call": [], "moto": []}
    s3.get_object, stubber.process_request = timed_get_object, timed_process
    try:
        for _ in range(BREAKDOWN_CALLS):
            expire_pointers()
            spans["call"] = spans["moto"] = spans["count"] = 0
            start = clock()
            handler(latest_event, context)
            parts["total"].append(clock() - start)
            if spans["count"] != 1:
                raise RuntimeError(f"a latest read after the TTL made {spans['count']} GetObject")
            parts["call"].append(spans["call"])
            parts["moto"].append(spans["moto"])
    finally:
        del s3.get_object  # back to the class's method
        del stubber.process_request
    if "get_object" in vars(s3) or "process_request" in vars(stubber):
        raise RuntimeError("could not restore the S3 client after timing it")

    def median_us(values: list[int]) -> float:
        return statistics.median(values) / 1e3

    moto_us = median_us(parts["moto"])
    botocore_us = median_us([c - m for c, m in zip(parts["call"], parts["moto"], strict=True)])
    app_us = median_us([t - c for t, c in zip(parts["total"], parts["call"], strict=True)])
    print()
    print(
        f"GET /modules/{{module_id}} after the pointer expired, broken down ({BREAKDOWN_CALLS} "
        "more calls, medians;\neach does exactly one S3 GetObject of the index):"
    )
    print(f"  moto's in-process S3 (stands in for the network + S3):          {moto_us:8.1f} µs")
    print("  botocore client around it (endpoint rules, serialize, SigV4,")
    print(
        f"    parse): would be paid against real S3 too                     {botocore_us:8.1f} µs"
    )
    print(
        f"  everything else (Chalice, route, json.loads of the index):       {app_us:8.1f} µs"
        f" = {app_us / medians['hello']:.2f} x hello"
    )
    print(
        "  One botocore call costs more than the whole hello-world request even with S3 free,\n"
        "  and real S3 adds a network round trip: that is why the index is cached for\n"
        f"  POINTER_TTL_SECONDS ({POINTER_TTL_SECONDS:.0f} s) and a warm latest read makes "
        "no AWS call."
    )


_services_clients: dict[str, Any] = {}


class LineCounter(io.TextIOBase):
    """A write-only stream that keeps nothing but the number of lines written to it."""

    def __init__(self) -> None:
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


REQUEST_LOG = LineCounter()


def services_s3() -> Any:
    return _services_clients["s3"]


class CallCounter:
    """botocore ``before-call`` hook: one entry per API call (retries are not new calls)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any = None, **_: Any) -> None:
        self.calls.append(f"{model.service_model.service_id}.{model.name}")

    def measure(self, action: Callable[[], Any]) -> list[str]:
        self.calls = []
        action()
        return list(self.calls)


def _jwks_through_moto(url: str) -> Any:
    """The pool's JWKS, which moto serves to `requests` in-process (web sessions verify tokens)."""
    import requests

    return requests.get(url, timeout=5).json()


def bench_aws_calls(invoke: Invoker, module_ids: list[str], versions: dict[str, int]) -> None:
    heading("(c) AWS calls per operation (botocore before-call hooks on the services' clients)")
    from chalicelib import services
    from chalicelib.identity import TokenVerifier

    # Fresh services (empty version and pointer caches) on the same cached clients and the
    # bench's fake clock, and a fresh participant.
    settings = services.current().settings
    verifier = TokenVerifier(settings, _jwks_through_moto)
    services.use(services.Services.build(settings, verifier, clock=_services_clock(settings)))
    counter = CallCounter()
    for name, client in _services_clients.items():
        client.meta.events.register("before-call.*.*", counter, unique_id=f"bench-count-{name}")
    sub = str(uuid.uuid4())
    if len(module_ids) < 3:
        raise RuntimeError("content/ must publish at least 3 modules for this plan")
    a, b, c = module_ids[:3]
    va, vc = versions[a], versions[c]

    def get(resource: str, params: dict[str, str] | None = None) -> Callable[[], Any]:
        return lambda: invoke(rest_event("GET", resource, sub, params))

    def after_ttl(action: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> None:
            expire_pointers()  # the fake clock moves past POINTER_TTL_SECONDS, no sleep
            action()

        return run

    def post_completion(module_id: str, version: int, expect: tuple[int, ...]) -> Callable[[], Any]:
        body = {"module_id": module_id, "version": version}
        return lambda: invoke(rest_event("POST", "/me/completions", sub, body=body), expect)

    exact = "/modules/{module_id}/versions/{version}"
    page_token: dict[str, str] = {}

    def list_page(limit: str, follow: bool) -> Callable[[], Any]:
        def run() -> None:
            query = {"limit": limit}
            if follow:
                query["page_token"] = page_token["next"]
            response = invoke(rest_event("GET", "/me/completions", sub, query=query))
            page_token["next"] = json.loads(response["body"])["next_page_token"]

        return run

    # (label, action, target or None for context rows)
    exact_a = {"module_id": a, "version": str(va)}
    latest_b = {"module_id": b}
    plan: list[tuple[str, Callable[[], Any], int | None]] = [
        (f"read exact version, cold (GET {exact}, first sight)", get(exact, exact_a), None),
        (f"read exact version, warm (GET {exact}, read before)", get(exact, exact_a), 0),
        (
            "read latest, cold (GET /modules/{module_id}, first sight)",
            get("/modules/{module_id}", latest_b),
            None,
        ),
        (
            "read latest, warm (GET /modules/{module_id}, index fresh)",
            get("/modules/{module_id}", latest_b),
            1,
        ),
        (
            "read latest, after TTL (pointer expired, fake clock advanced)",
            after_ttl(get("/modules/{module_id}", latest_b)),
            1,
        ),
        (
            "record completion, warm (POST /me/completions, version seen)",
            post_completion(a, va, (201,)),
            1,
        ),
        (
            "record completion, repeat of the same version (idempotent)",
            post_completion(a, va, (200,)),
            1,
        ),
        ("record completion, cold (version never read here)", post_completion(c, vc, (201,)), None),
        ("list completions, one page (GET /me/completions)", get("/me/completions"), 1),
        ("list completions, limit=1, page 1", list_page("1", False), 1),
        ("list completions, limit=1, page 2 (page_token)", list_page("1", True), 1),
    ]
    rows = []
    try:
        for label, action, target in plan:
            calls = counter.measure(action)
            names = ", ".join(f"{n} x{k}" if k > 1 else n for n, k in Counter(calls).items()) or "-"
            if target is None:
                rows.append([label, str(len(calls)), names, "(context)", ""])
                continue
            ok = len(calls) <= target
            wanted = f"<= {target}" if target else "0"
            rows.append([label, str(len(calls)), names, wanted, met(ok)])
            SUMMARY.append((f"(c) {label.split(' (')[0]}", f"{len(calls)} call(s)", wanted, ok))
    finally:
        for name, client in _services_clients.items():
            client.meta.events.unregister("before-call.*.*", unique_id=f"bench-count-{name}")
    if rows[0][1] == "0":
        # A cold read must reach S3: if the counter saw nothing, the services use other clients
        # than chalicelib.aws's cached ones and every count above would be a false zero.
        raise RuntimeError("the services do not use chalicelib.aws's cached clients")
    table(["operation", "calls", "by operation", "target", "met"], rows, right={1})


def bench_dashboard_calls(invoke: Invoker, versions: dict[str, int], stack: Any) -> None:
    """Issue 3's budget: a group of 15 participants and 30 assignments in at most 6 DynamoDB calls.
    The scenario is the one tests/functional/test_dashboard_calls.py holds to that budget."""
    heading("(d) Group dashboard: DynamoDB calls for 15 participants x 30 assignments")
    import boto3

    from chalicelib import aws as aws_clients
    from chalicelib import services
    from steady_local.provision import create_account, enrol_authenticator
    from steady_local.scenarios import DASHBOARD_CALL_BUDGET, build_dashboard

    # A real leader account with two-step sign-in (chalicelib.mfa checks it with Cognito).
    cognito = boto3.client("cognito-idp", region_name=REGION)
    leader = create_account(cognito, stack, "bench-leader", "Bench-leader-2026", "leaders")
    enrol_authenticator(cognito, stack, "bench-leader", "Bench-leader-2026")

    def send(
        method: str, resource: str, params: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        event = rest_event(
            method, resource, leader, params, body=body, roles="leaders", username="bench-leader"
        )
        return json.loads(invoke(event, (200, 201))["body"])

    def complete(participant_id: str, module_id: str, version: int) -> None:
        body = {"module_id": module_id, "version": version}
        invoke(rest_event("POST", "/me/completions", participant_id, body=body), (201,))

    scenario = build_dashboard(send, complete, versions, prefix="bench-participant")
    event = rest_event(
        "GET",
        "/groups/{group_id}/progress",
        leader,
        {"group_id": scenario.group_id},
        roles="leaders",
        username="bench-leader",
    )
    # Building the scenario signed the leader in: start the two-step check's memory afresh.
    services.current().authenticators.forget("bench-leader")
    # The leader's two-step sign-in check: one Cognito call, then remembered for 5 minutes.
    checks = CallCounter()
    identity_provider = aws_clients.client("cognito-idp", REGION)
    identity_provider.meta.events.register("before-call.*.*", checks, unique_id="bench-mfa")
    try:
        first_checks = checks.measure(lambda: invoke(event))
        warm_checks = checks.measure(lambda: invoke(event))
    finally:
        identity_provider.meta.events.unregister("before-call.*.*", unique_id="bench-mfa")
    counter = CallCounter()
    dynamodb = _services_clients["dynamodb"]
    dynamodb.meta.events.register("before-call.*.*", counter, unique_id="bench-dashboard")
    answers: list[dict] = []
    try:
        calls = counter.measure(lambda: answers.append(invoke(event)))
    finally:
        dynamodb.meta.events.unregister("before-call.*.*", unique_id="bench-dashboard")
    grid = json.loads(answers[0]["body"])
    shape = (len(grid["participants"]), len(grid["modules"]), grid["counts"]["completed"])
    if shape != (len(scenario.participant_ids), len(scenario.module_ids), scenario.completions):
        raise RuntimeError(f"the dashboard does not show the scenario: {shape}")
    names = ", ".join(f"{n} x{k}" if k > 1 else n for n, k in Counter(calls).items()) or "-"
    ok = len(calls) <= DASHBOARD_CALL_BUDGET and not any(c.endswith(".Scan") for c in calls)
    mfa_ok = len(first_checks) == 1 and not warm_checks
    table(
        ["operation", "calls", "by operation", "target", "met"],
        [
            [
                "GET /groups/{group_id}/progress (15 x 30)",
                str(len(calls)),
                names,
                "<= 6, no Scan",
                met(ok),
            ],
            [
                "  + leader's two-step check, first request",
                str(len(first_checks)),
                ", ".join(first_checks) or "-",
                "1 Cognito",
                met(len(first_checks) == 1),
            ],
            [
                "  + leader's two-step check, within 5 min",
                str(len(warm_checks)),
                ", ".join(warm_checks) or "-",
                "0",
                met(not warm_checks),
            ],
        ],
        right={1},
    )
    SUMMARY.append(("(d) group dashboard, 15 x 30", f"{len(calls)} call(s)", "<= 6", ok))
    SUMMARY.append(
        (
            "(d) leader two-step check",
            f"{len(first_checks)} then {len(warm_checks)}",
            "1, then 0 for 5 min",
            mfa_ok,
        )
    )


WEB_CALLS = 500  # per page, in blocks of HANDLER_BLOCK, taking turns with hello
LESSON_TARGET = 3.0  # issue 15: a lesson page at most 3 x hello


def bench_web_pages(invoke: Invoker, stack: Any) -> None:
    """Issue 15: the participant's home page and a lesson page, signed in with a real session
    cookie, next to the hello route; each answer checked (200, HTML, the lesson's title)."""
    heading("(f) Warm handler time of web pages: a participant's home and a lesson vs hello")
    from datetime import date, timedelta

    import boto3

    from chalicelib import sign_in as web_session
    from chalicelib.library import lesson_code
    from steady_local.provision import create_account, enrol_authenticator

    cognito = boto3.client("cognito-idp", region_name=REGION)
    leader = create_account(cognito, stack, "bench-web-leader", "Bench-leader-2026", "leaders")
    enrol_authenticator(cognito, stack, "bench-web-leader", "Bench-leader-2026")
    create_account(cognito, stack, "bench-reader", "Bench-reader-2026", "participants")

    def send(method: str, resource: str, params: dict[str, str], body: dict[str, Any]) -> Any:
        event = rest_event(
            method,
            resource,
            leader,
            params,
            body=body,
            roles="leaders",
            username="bench-web-leader",
        )
        return json.loads(invoke(event, (200, 201))["body"])

    group = send("POST", "/groups", {}, {"name": "Web group"})["group_id"]
    send(
        "POST", "/groups/{group_id}/participants", {"group_id": group}, {"username": "bench-reader"}
    )
    track = "early-recovery"
    session_day = date.today() + timedelta(days=7)
    send(
        "POST",
        "/groups/{group_id}/assignments",
        {"group_id": group},
        {
            "track_id": track,
            "due_date": (session_day - timedelta(days=1)).isoformat(),
            "session_date": session_day.isoformat(),
        },
    )
    signed_in = web_session.sign_in("bench-reader", "Bench-reader-2026")
    first = "how-addiction-changes-the-brain"
    # The page a participant comes back to after marking a lesson done: their score, the
    # feedback on each answer and the link to what comes next (its own reads: the latest
    # attempt, the groups they are in).
    done = "cravings-and-urge-surfing"
    reader = signed_in.caller_id
    shown = json.loads(
        invoke(rest_event("GET", "/modules/{module_id}", reader, {"module_id": done}))["body"]
    )
    answers = [0] * len(shown["knowledge_check"])
    invoke(
        rest_event(
            "POST",
            "/me/completions",
            reader,
            body={"module_id": done, "version": shown["version"], "answers": answers},
        ),
        (201,),
    )

    def page(resource: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        event = rest_event("GET", resource, None, params)
        cookie = f"{web_session.COOKIE}={signed_in.session_id}"
        for headers in (event["headers"], event["multiValueHeaders"]):
            headers["Accept"] = "text/html" if headers is event["headers"] else ["text/html"]
            headers["Cookie"] = cookie if headers is event["headers"] else [cookie]
        return event

    routes = {
        "hello": rest_event("GET", "/bench-hello", None),
        "home": page("/"),
        "lesson": page("/lesson/{code}", {"code": lesson_code(first)}),
        "done": page("/lesson/{code}", {"code": lesson_code(done)}),
    }
    for name, event in routes.items():
        answer = invoke(event)
        if name != "hello" and "text/html" not in str(answer["headers"]):
            raise RuntimeError(f"{name} is not a web page: {answer['headers']}")
    if "How addiction changes the brain" not in invoke(routes["lesson"])["body"]:
        raise RuntimeError("the lesson page does not show the lesson")
    if "Next up" not in invoke(routes["home"])["body"]:
        raise RuntimeError("the home page does not show what to read next")
    if 'class="feedback"' not in invoke(routes["done"])["body"]:
        raise RuntimeError("the completed lesson does not show its feedback")
    for event in routes.values():  # warm: caches filled, code paths exercised
        for _ in range(50):
            invoke(event)

    # AWS calls per page, counted on the services' clients; and the time spent in them (moto
    # in-process, far slower than the page's own work) timed apart, so the page's own cost shows.
    from chalicelib import aws as aws_clients

    clients = {
        "dynamodb": _services_clients["dynamodb"],
        "s3": _services_clients["s3"],
        "cognito-idp": aws_clients.client("cognito-idp", REGION),
    }
    counter = CallCounter()
    for client_name, client in clients.items():
        client.meta.events.register("before-call.*.*", counter, unique_id=f"bench-f-{client_name}")
    try:
        calls = {
            name: counter.measure(lambda event=event: invoke(event))
            for name, event in routes.items()
        }
    finally:
        for client_name, client in clients.items():
            client.meta.events.unregister("before-call.*.*", unique_id=f"bench-f-{client_name}")
    clock = time.perf_counter_ns
    in_aws = [0]

    def timed(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                in_aws[0] += clock() - start

        return call

    for client in clients.values():
        client._make_api_call = timed(client._make_api_call)  # instance attribute; removed below
    handler, context = invoke.handler, invoke.context
    timings: dict[str, list[int]] = {name: [] for name in routes}
    own: dict[str, list[int]] = {name: [] for name in routes}
    names = list(routes)
    try:
        for block in range(WEB_CALLS // HANDLER_BLOCK):
            for name in names[block % len(names) :] + names[: block % len(names)]:
                event, out = routes[name], timings[name]
                for _ in range(HANDLER_BLOCK):
                    in_aws[0] = 0
                    start = clock()
                    result = handler(event, context)
                    out.append(clock() - start)
                    own[name].append(out[-1] - in_aws[0])
                if result["statusCode"] != 200:
                    raise RuntimeError(f"{name} answered {result['statusCode']}")
    finally:
        for client in clients.values():
            del client._make_api_call
    medians = {name: statistics.median(v) / 1e3 for name, v in timings.items()}
    p90s = {name: percentile(v, 0.9) / 1e3 for name, v in timings.items()}
    own_medians = {name: statistics.median(v) / 1e3 for name, v in own.items()}
    from replay import replayed_own

    replayed = replayed_own(handler, context, routes, WEB_CALLS, HANDLER_BLOCK)
    # The floor under any page that reads DynamoDB: one GetItem (this session's item), alone.
    from chalicelib import services
    from chalicelib.records.keys import SESSION_SK, session_pk

    key = {"PK": {"S": session_pk(signed_in.session_id)}, "SK": {"S": SESSION_SK}}
    table_name = services.current().settings.records_table
    one_read = []
    for _ in range(WEB_CALLS // 2):
        start = clock()
        _services_clients["dynamodb"].get_item(TableName=table_name, Key=key, ConsistentRead=True)
        one_read.append(clock() - start)
    floor = statistics.median(one_read) / 1e3
    print(
        f"{WEB_CALLS} calls per route in blocks of {HANDLER_BLOCK}, taking turns; a participant "
        f"with the {track!r} track"
    )
    print("(8 modules, session date set), signed in with a session cookie (the session record is")
    print("read from DynamoDB on each request, as in production).")
    print()
    ratio = medians["lesson"] / medians["hello"]
    ok = ratio <= LESSON_TARGET
    own_ratio = own_medians["lesson"] / medians["hello"]

    def listed(names: list[str]) -> str:
        return ", ".join(f"{n} x{k}" if k > 1 else n for n, k in Counter(names).items()) or "-"

    headers = [
        "route",
        "median µs",
        "p90 µs",
        "x hello",
        "AWS calls (moto)",
        "own µs",
        "own x hello",
    ]
    table(
        headers,
        [
            [
                "GET /bench-hello (hello world)",
                f"{medians['hello']:.1f}",
                f"{p90s['hello']:.1f}",
                "1.00",
                "-",
                f"{own_medians['hello']:.1f}",
                "1.00",
            ],
            [
                "GET / (participant home)",
                f"{medians['home']:.1f}",
                f"{p90s['home']:.1f}",
                f"{medians['home'] / medians['hello']:.2f}",
                listed(calls["home"]),
                f"{own_medians['home']:.1f}",
                f"{own_medians['home'] / medians['hello']:.2f}",
            ],
            [
                f"GET /lesson/{{code}} ({first})",
                f"{medians['lesson']:.1f}",
                f"{p90s['lesson']:.1f}",
                f"{ratio:.2f}",
                listed(calls["lesson"]),
                f"{own_medians['lesson']:.1f}",
                f"{own_ratio:.2f}",
            ],
            [
                f"GET /lesson/{{code}} ({done}, done: score, feedback, next)",
                f"{medians['done']:.1f}",
                f"{p90s['done']:.1f}",
                f"{medians['done'] / medians['hello']:.2f}",
                listed(calls["done"]),
                f"{own_medians['done']:.1f}",
                f"{own_medians['done'] / medians['hello']:.2f}",
            ],
        ],
        right={1, 2, 3, 5, 6},
    )
    print("  'own': the median time outside AWS calls (session check, use cases, Jinja2,")
    print(f"  response). Target: a lesson page at most {LESSON_TARGET:.0f} x hello. The page reads")
    print("  the session and the participant's state from DynamoDB on every request; under moto")
    print("  each call costs far more than the hello route: both ratios are reported as measured.")
    floor_ratio = floor / medians["hello"]
    print(
        f"  One GetItem alone (the session's item, through the services' client, moto in-process):"
        f"\n  median {floor:.1f} µs = {floor_ratio:.1f} x hello."
    )
    if floor_ratio > LESSON_TARGET:
        print(
            f"  Under moto, a page that reads its session from DynamoDB is above {LESSON_TARGET:.0f}"
            " x hello before\n  doing anything else (against DynamoDB itself, a read is a network"
            " round trip)."
        )
    replay_ratio = {name: replayed[name] / replayed["hello"] for name in replayed}
    print(
        "\n  Own time again, each AWS call answered from a recording of the same call (moto ran\n"
        "  once per distinct call, then never again; the copy of the answer is not counted).\n"
        "  Moto's work in the process evicts the page's code and data from the CPU caches, so\n"
        "  the 'own' column above also carries a share of moto's cost:"
    )
    table(
        ["route", "own µs (replayed)", "x hello (replayed)"],
        [
            [name, f"{replayed[name]:.1f}", f"{replay_ratio[name]:.2f}"]
            for name in ("hello", "home", "lesson", "done")
        ],
        right={1, 2},
        indent="  ",
    )
    SUMMARY.append(("(f) warm lesson page / hello", f"{ratio:.2f}", f"<= {LESSON_TARGET:.0f}", ok))
    SUMMARY.append(
        (
            "(f) lesson page, own time with AWS answers replayed / hello",
            f"{replay_ratio['lesson']:.2f}",
            f"<= {LESSON_TARGET:.0f}",
            replay_ratio["lesson"] <= LESSON_TARGET,
        )
    )
    SUMMARY.append(
        (
            "(f) completed lesson page, own time replayed / hello",
            f"{replay_ratio['done']:.2f}",
            f"<= {LESSON_TARGET:.0f}",
            replay_ratio["done"] <= LESSON_TARGET,
        )
    )
    SUMMARY.append(
        (
            "(f) lesson page, own time / hello",
            f"{own_ratio:.2f}",
            f"<= {LESSON_TARGET:.0f}",
            own_ratio <= LESSON_TARGET,
        )
    )
    SUMMARY.append(
        ("(f) warm participant home (ms)", f"{medians['home'] / 1e3:.2f}", "(reported)", True)
    )
    SUMMARY.append(
        (
            "(f) one GetItem alone under moto / hello",
            f"{floor_ratio:.2f}",
            "(reported)",
            True,
        )
    )


def bench_reminders() -> None:
    """Issue 16's budget (bench/reminder_bench.py): the reminder run for 1,000 participants."""
    heading("(e) Reminder runs: DynamoDB calls for 1,000 participants over one day")
    import reminder_bench

    SUMMARY.extend(
        reminder_bench.bench_reminder_calls(
            _services_clients["dynamodb"], lambda headers, rows: table(headers, rows)
        )
    )


def bench_pages(invoke: Invoker, stack: Any, publisher: Any, shipped: list[Any]) -> None:
    """Issue 15's leader figures (bench/page_bench.py): the 40 x 60 grid page next to hello."""
    heading("(g) Leader pages: warm handler time in-process, next to hello")
    import page_bench

    def publish_more(copies: list[Any]) -> None:
        report = publisher.publish([*shipped, *copies])
        if not report.ok:
            raise RuntimeError(f"publishing the module copies failed: {report.summary()}")
        expire_pointers()  # the library reads the new catalog on its next request

    SUMMARY.extend(
        page_bench.bench_leader_pages(
            invoke, rest_event, stack, publish_more, shipped, lambda head, rows: table(head, rows)
        )
    )


def bench_in_process() -> None:
    # As tests/conftest.py: fake credentials, no endpoint overrides (moto intercepts in-process).
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_CONFIG_FILE"):
            del os.environ[name]
    for name, value in STAGE_ENV.items():
        if name.startswith("AWS_"):
            os.environ[name] = value
    sys.path.insert(0, str(ROOT))

    import boto3
    from moto import mock_aws

    from steady_local.moto_tuning import roll_back_items_not_tables

    # Each grid view writes 41 audit items in one transaction, and moto deep-copied the whole
    # table per item (one (g) run passed 20 minutes and 22 GB): moto now keeps only those items.
    roll_back_items_not_tables()

    from chalicelib import aws as aws_clients
    from chalicelib import services
    from chalicelib.identity import TokenVerifier
    from chalicelib.settings import Settings
    from steady_content import pipeline
    from steady_content.publish import Publisher
    from steady_local.provision import provision

    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # codes checked, as by Cognito
    setup_start = time.perf_counter()
    with mock_aws():
        aws_clients.reset()
        stack = provision(lambda name: boto3.client(name, region_name=REGION))
        linted = pipeline.lint(CONTENT)
        pipeline.require_clean(linted)
        publisher = Publisher(boto3.client("s3", region_name=REGION), stack.content_bucket)
        report = publisher.publish(linted.modules, tracks=linted.tracks)
        if not report.ok:
            raise RuntimeError(f"publishing content/ failed: {report.summary()}")
        settings = Settings.from_env(stack.environment())
        verifier = TokenVerifier(settings, _jwks_through_moto)
        services.use(services.Services.build(settings, verifier, clock=_services_clock(settings)))
        # The very clients the services hold (chalicelib.aws caches one per service and region).
        _services_clients["s3"] = aws_clients.client("s3", settings.region)
        _services_clients["dynamodb"] = aws_clients.client("dynamodb", settings.region)

        import app as steady
        from chalicelib import logs

        # Every request still writes its log line (its cost is part of each figure), to a line
        # counter instead of stdout. After `import app`: Chalice turns its logger down to
        # ERROR unless it finds the stdout handler in place.
        logs.write_to(REQUEST_LOG)

        @steady.app.route("/bench-hello")
        def bench_hello() -> dict:
            return {"hello": "world"}

        modules = [m for m in linted.modules if m.locale == "en"]
        module_ids = [m.module_id for m in modules]
        versions = {m.module_id: m.version for m in modules}
        print(
            f"\n[setup] moto stack provisioned, {len(linted.modules)} modules published "
            f"({report.summary()}) in {time.perf_counter() - setup_start:.1f} s"
        )
        invoke = Invoker(steady.app)
        bench_warm_handlers(invoke, module_ids[0], versions[module_ids[0]], str(uuid.uuid4()))
        if not REQUEST_LOG.lines:
            raise RuntimeError("no request was logged: the figures would leave out the log's cost")
        bench_aws_calls(invoke, module_ids, versions)
        bench_dashboard_calls(invoke, versions, stack)
        bench_web_pages(invoke, stack)
        # (g) before (e): moto's Query walks the whole table, and (e) adds 1,000 participants.
        bench_pages(invoke, stack, publisher, linted.modules)
        bench_reminders()
        services.use(None)
        aws_clients.reset()


def main() -> int:
    started = time.perf_counter()
    print(f"Steady benchmarks — Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    bench_cold_import()
    bench_in_process()
    heading("Summary")
    table(
        ["figure", "measured", "target", "met"],
        [[what, measured, target, met(ok)] for what, measured, target, ok in SUMMARY],
    )
    print(
        f"\nThe service logged {REQUEST_LOG.lines} lines meanwhile (written, counted, not shown)."
    )
    print(
        f"{sum(ok for *_, ok in SUMMARY)} of {len(SUMMARY)} targets met; "
        f"total bench time {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
