"""``make fuzz`` runs on two pytest-xdist workers, each with its own ``chalice local`` and moto
server: one process fuzzing one server used one core of two. The count of cases sent is
therefore summed here, after every worker is done, and the run fails if too few were sent
(a schema or a setting that quietly stops generating cases must not pass)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

CASES: Counter[str] = Counter()  # by role, from every process
STATUSES: Counter[str] = Counter()
GENERATED = [0]
FUZZ_TESTS_RUN = [0]
WORKERS_DONE = [0]


def _counts() -> dict[str, Any]:
    from tests.fuzz import test_api_fuzz as fuzz

    return {
        "cases": dict(fuzz.CASES),
        "statuses": {str(k): v for k, v in fuzz.STATUSES.items()},
        "generated": sum(fuzz.SEEN.values()),
    }


def _add(counts: dict[str, Any]) -> None:
    CASES.update(counts["cases"])
    STATUSES.update(counts["statuses"])
    GENERATED[0] += counts["generated"]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "fuzz" in report.keywords:
        FUZZ_TESTS_RUN[0] += 1


def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the controller: a worker's counts (xdist hands over its ``workeroutput``)."""
    counts = getattr(node, "workeroutput", {}).get("fuzz_counts")
    if counts:
        WORKERS_DONE[0] += 1
        _add(json.loads(counts))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):  # a worker: hand the counts to the controller
        config.workeroutput["fuzz_counts"] = json.dumps(_counts())  # type: ignore[attr-defined]
        return
    if not FUZZ_TESTS_RUN[0]:
        return  # `make test` collects this folder but runs none of it
    if not WORKERS_DONE[0]:  # no workers: this process sent the cases itself
        _add(_counts())
    from tests.fuzz.test_api_fuzz import MIN_CASES

    total = sum(CASES.values())
    line = (
        f"fuzz cases sent by role: {dict(sorted(CASES.items()))}; total {total}; statuses: "
        f"{dict(sorted(STATUSES.items()))}; generated in all: {GENERATED[0]}"
    )
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    if total < MIN_CASES and not config.option.keyword:  # -k: a chosen few, not the run
        if reporter is not None:
            reporter.write_line(f"FAILED: only {total} fuzz cases were sent (want {MIN_CASES})")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
