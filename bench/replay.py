"""A page's own time with every AWS call answered from a recording (``make bench`` (f), (g)).

Under moto, the AWS calls run in the bench's own process: besides their own cost, they evict
the page's code and data from the CPU caches, so the time outside the calls ("own") carries a
share of moto's cost too. Here moto answers each distinct call once; every later identical
call gets a copy of that answer, and the time spent handing it over is not counted. A call
not seen before (a write with a new id, such as a read's audit entry) still goes to moto, and
its time is not counted either.
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def replayed_own(
    handler: Callable[[dict, Any], dict],
    context: Any,
    routes: dict[str, dict[str, Any]],
    calls: int,
    block_size: int,
) -> dict[str, float]:
    """Median µs per route outside AWS calls, each call answered from a recording of its first
    answer (moto ran once per distinct call): the pages' own work without moto's in between."""
    from botocore.client import BaseClient

    clock = time.perf_counter_ns
    through = BaseClient._make_api_call
    recorded: dict[tuple[str, str], Any] = {}
    in_replay = [0]

    def replay(self: Any, operation: str, params: dict[str, Any]) -> Any:
        start = clock()
        try:
            key = (operation, json.dumps(params, sort_keys=True, default=str))
            if key not in recorded:
                recorded[key] = through(self, operation, params)
            return copy.deepcopy(recorded[key])
        finally:
            in_replay[0] += clock() - start

    own: dict[str, list[int]] = {name: [] for name in routes}
    names = list(routes)
    BaseClient._make_api_call = replay  # type: ignore[method-assign]
    try:
        for event in routes.values():  # record, then warm on the recording
            for _ in range(20):
                handler(event, context)
        for block in range(calls // block_size):
            for name in names[block % len(names) :] + names[: block % len(names)]:
                for _ in range(block_size):
                    in_replay[0] = 0
                    start = clock()
                    result = handler(routes[name], context)
                    own[name].append(clock() - start - in_replay[0])
                if result["statusCode"] != 200:
                    raise RuntimeError(f"{name} answered {result['statusCode']} on the recording")
    finally:
        BaseClient._make_api_call = through  # type: ignore[method-assign]
    return {name: statistics.median(v) / 1e3 for name, v in own.items()}
