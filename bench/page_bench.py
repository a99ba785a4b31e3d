"""``make bench`` (g): leader pages' warm in-process handler time, next to the hello route.

A page is measured as a browser asks for it: a GET with the session cookie of a real web
sign-in (password, then the authenticator code), handed to ``app.app(event, context)`` like the
JSON routes in (b). So each figure includes what every page view pays: the session read and
the token check, the use case's DynamoDB calls (moto, in-process) with the audit entry of a
leader's read, and the Jinja2 rendering.

Pages measured: the progress grid of a group of 40 participants x 60 modules (issue 15's target:
under 20 ms) and the groups list of its leader. The curriculum ships fewer than 60 modules, so
copies of shipped modules are published under new ids first (steady_local.scenarios).
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

# Few calls: each grid read writes its audit entry and 40 participant copies, and moto's Query
# walks the whole table, so under moto every call makes the next one a little slower.
PAGE_CALLS = 60  # per page
PAGE_BLOCK = 10
GRID_TARGET_MS = 20.0

Table = Callable[[list[str], list[list[str]]], None]


def use_moto_jwks() -> None:
    """Web sessions verify their access token (the JSON routes in (b) come with the authorizer's
    context instead): the verifier fetches the pool's keys once, here from moto, in-process."""
    from dataclasses import replace

    import requests

    from chalicelib import services
    from chalicelib.identity import TokenVerifier

    def through_moto(url: str) -> dict[str, Any]:
        keys: dict[str, Any] = requests.get(url, timeout=5).json()
        return keys

    current = services.current()
    services.use(
        replace(current, verifier=TokenVerifier(current.settings, through_moto, current.clock))
    )


def sign_in_cookie(username: str, password: str, secret: str) -> str:
    """A web session for ``username`` as the sign-in pages make one: password, then the code."""
    from chalicelib import sign_in as session
    from chalicelib.errors import BadRequest
    from steady_local import totp

    pending = session.sign_in(username, password)
    try:
        active = session.enter_code(pending, totp.code(secret))
    except BadRequest:  # the 30-second window turned between computing and checking the code
        active = session.enter_code(pending, totp.code(secret, time.time() + 30))
    return f"{session.COOKIE}={active.session_id}"


def bench_leader_pages(
    invoke: Any,
    rest_event: Callable[..., dict[str, Any]],
    stack: Any,
    publish: Callable[[list[Any]], None],
    shipped: list[Any],
    table: Table,
) -> list[tuple[str, str, str, bool]]:
    """Build the 40 x 60 group through the API, then time its pages against hello."""
    import boto3

    from steady_local.provision import create_account, enrol_authenticator
    from steady_local.scenarios import (
        BIG_GRID_MODULES,
        BIG_GRID_PARTICIPANTS,
        build_big_grid,
        more_modules,
    )

    copies = more_modules(shipped)
    publish(copies)
    latest = {m.module_id: m.version for m in [*shipped, *copies] if m.locale == "en"}
    cognito = boto3.client("cognito-idp", region_name=stack.region)
    password = "Bench-grid-leader-2026"
    leader = create_account(cognito, stack, "bench-grid-leader", password, "leaders")
    secret = enrol_authenticator(cognito, stack, "bench-grid-leader", password)

    def send(
        method: str, resource: str, params: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        event = rest_event(
            method,
            resource,
            leader,
            params,
            body=body,
            roles="leaders",
            username="bench-grid-leader",
        )
        answer: dict[str, Any] = json.loads(invoke(event, (200, 201))["body"])
        return answer

    def complete(participant_id: str, module_id: str, version: int) -> None:
        body = {"module_id": module_id, "version": version}
        invoke(rest_event("POST", "/me/completions", participant_id, body=body), (201,))

    grid = build_big_grid(send, complete, latest)
    # Its first 20 modules' dates are in the past. Under the one due-date rule
    # (``statuses.due_for``) a date already past when a module became someone's applies to no
    # one, so the group is dated as if they enrolled and were assigned before then: those
    # cells are overdue, as in a group some weeks in (the grid's fullest cells).
    _dated_before(grid.group_id, "2019-12-01T15:00:00Z")
    use_moto_jwks()
    cookie = sign_in_cookie("bench-grid-leader", password, secret)

    def page(resource: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        event = rest_event("GET", resource, None, params)
        event["headers"]["Accept"] = "text/html"
        event["headers"]["Cookie"] = cookie
        event["multiValueHeaders"] = {k: [v] for k, v in event["headers"].items()}
        return event

    events = {
        "hello": rest_event("GET", "/bench-hello", None),
        "grid": page("/leader/groups/{group_id}/progress", {"group_id": grid.group_id}),
        "groups": page("/leader"),
    }
    labels = {
        "hello": "GET /bench-hello (hello world)",
        "grid": f"GET /leader/groups/{{id}}/progress ({BIG_GRID_PARTICIPANTS} x "
        f"{BIG_GRID_MODULES} grid page)",
        "groups": "GET /leader (groups list, the same leader)",
    }
    # What is timed must be the page itself: 200, the whole grid in it.
    body = invoke(events["grid"])["body"]
    shape = (body.count('scope="row"'), body.count('class="mod"'))
    if shape != (BIG_GRID_PARTICIPANTS, BIG_GRID_MODULES):
        raise RuntimeError(f"the grid page does not show the 40 x 60 group: {shape}")
    if '<td class="o"' not in body:
        raise RuntimeError("the 40 x 60 grid page shows no overdue cell: not the group it was")
    grid_bytes = len(body.encode("utf-8"))
    grid_gzip = len(gzip.compress(body.encode("utf-8")))
    for event in events.values():  # warm: templates compiled, caches filled
        for _ in range(3):
            invoke(event)

    handler, context = invoke.handler, invoke.context
    clock = time.perf_counter_ns
    timings: dict[str, list[int]] = {name: [] for name in events}
    # The time outside AWS calls, as in (f): under moto each call costs far more than it would
    # against DynamoDB, and grows with the table (its Query walks every item).
    own: dict[str, list[int]] = {name: [] for name in events}
    in_aws = [0]
    from botocore.client import BaseClient

    make_api_call = BaseClient._make_api_call

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return make_api_call(self, *args, **kwargs)
        finally:
            in_aws[0] += clock() - start

    names = list(events)
    BaseClient._make_api_call = timed  # type: ignore[method-assign]
    try:
        for block in range(PAGE_CALLS // PAGE_BLOCK):
            for name in names[block % len(names) :] + names[: block % len(names)]:
                event, out = events[name], timings[name]
                for _ in range(PAGE_BLOCK):
                    in_aws[0] = 0
                    start = clock()
                    result = handler(event, context)
                    out.append(clock() - start)
                    own[name].append(out[-1] - in_aws[0])
                if result["statusCode"] != 200:
                    raise RuntimeError(f"{name} answered {result['statusCode']}")
    finally:
        BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    own_medians = {name: statistics.median(v) / 1e6 for name, v in own.items()}
    from replay import replayed_own

    replayed = {
        name: us / 1e3
        for name, us in replayed_own(handler, context, events, PAGE_CALLS, PAGE_BLOCK).items()
    }
    medians = {name: statistics.median(v) / 1e6 for name, v in timings.items()}
    p90s = {name: sorted(v)[int(0.9 * len(v))] / 1e6 for name, v in timings.items()}
    print(
        f"{PAGE_CALLS} calls per route in blocks of {PAGE_BLOCK}, routes taking turns; pages "
        "with the session\ncookie of a real web sign-in (password + authenticator code). "
        "Each page view pays the\nsession read, the token check, the use case's DynamoDB calls "
        "(moto) and its audit entry\n(for the grid: one entry and 40 participant copies), and "
        f"the rendering. The grid page is\n{grid_bytes:,} bytes, {grid_gzip:,} compressed.\n"
    )
    rows = []
    for name in names:
        ratio = medians[name] / medians["hello"]
        target = f"< {GRID_TARGET_MS:.0f} ms" if name == "grid" else ""
        ok = medians[name] < GRID_TARGET_MS
        rows.append(
            [
                labels[name],
                f"{medians[name]:.2f}",
                f"{p90s[name]:.2f}",
                f"{ratio:.1f}",
                f"{own_medians[name]:.2f}",
                f"{replayed[name]:.2f}",
                target,
                ("yes" if ok else "NO") if target else "",
            ]
        )
    table(
        ["route", "median ms", "p90 ms", "x hello", "own ms", "own ms (replayed)", "target", "met"],
        rows,
    )
    print("  'own': the median time outside AWS calls (session check, use case, Jinja2, response).")
    print(
        "  'own (replayed)': the same, each AWS call answered from a recording of its first\n"
        "  answer (bench/replay.py): without moto's work in the process between calls."
    )
    grid_ok = medians["grid"] < GRID_TARGET_MS
    return [
        (
            "(g) 40 x 60 grid page, warm",
            f"{medians['grid']:.1f} ms ({medians['grid'] / medians['hello']:.0f} x hello)",
            f"< {GRID_TARGET_MS:.0f} ms",
            grid_ok,
        ),
        (
            "(g) 40 x 60 grid page, own time (outside AWS calls)",
            f"{own_medians['grid']:.1f} ms",
            f"< {GRID_TARGET_MS:.0f} ms",
            own_medians["grid"] < GRID_TARGET_MS,
        ),
        (
            "(g) 40 x 60 grid page, own time replayed",
            f"{replayed['grid']:.1f} ms",
            f"< {GRID_TARGET_MS:.0f} ms",
            replayed["grid"] < GRID_TARGET_MS,
        ),
        (
            "(g) 40 x 60 grid page, compressed",
            f"{grid_gzip / 1024:.1f} KB",
            "< 60 KB",
            grid_gzip < 60 * 1024,
        ),
    ]


def _dated_before(group_id: str, at: str) -> None:
    """Every participant of the group joined, and every assignment got its dates, at ``at``
    (as a group that has run for a while)."""
    from chalicelib import services
    from steady_local.scenarios import dated_on, joined_on

    for participant in services.current().group_records.get(group_id).participants:
        joined_on(group_id, participant.participant_id, at)
    dated_on(group_id, at)
